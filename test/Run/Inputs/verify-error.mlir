func.func @f(%x: tensor<2xf32>, %s: tensor<f32>) -> tensor<2xf32> {
  %r = lowbit.dequantize %x scale(%s) {scheme = #lowbit.scheme<per_tensor, scale = f32>}
         : (tensor<2xf32>, tensor<f32>) -> tensor<2xf32>
  return %r : tensor<2xf32>
}
