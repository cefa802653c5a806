// Functions for errors.test, which checks their line:column positions.
func.func @dequant(%q: tensor<2x3xui4>, %s: tensor<f32>) -> tensor<2x3xf32> {
  %r = lowbit.dequantize %q scale(%s) {scheme = #lowbit.scheme<per_tensor, scale = f32>}
         : (tensor<2x3xui4>, tensor<f32>) -> tensor<2x3xf32>
  return %r : tensor<2x3xf32>
}

func.func @two_results(%q: tensor<2x3xui4>, %s: tensor<f32>)
    -> (tensor<2x3xf32>, tensor<2x3xf16>) {
  %r = lowbit.dequantize %q scale(%s) {scheme = #lowbit.scheme<per_tensor, scale = f32>}
         : (tensor<2x3xui4>, tensor<f32>) -> tensor<2x3xf32>
  %h = lowbit.dequantize %q scale(%s) {scheme = #lowbit.scheme<per_tensor, scale = f32>}
         : (tensor<2x3xui4>, tensor<f32>) -> tensor<2x3xf16>
  return %r, %h : tensor<2x3xf32>, tensor<2x3xf16>
}
