func.func @dynamic(%q: tensor<?x3xui4>, %s: tensor<f32>) -> tensor<?x3xf32> {
  %r = lowbit.dequantize %q scale(%s) {scheme = #lowbit.scheme<per_tensor, scale = f32>}
         : (tensor<?x3xui4>, tensor<f32>) -> tensor<?x3xf32>
  return %r : tensor<?x3xf32>
}
