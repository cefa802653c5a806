func.func @f(%q: tensor<2x3xui4>, %s: tensor<f32>) -> tensor<2x3xf32> {
  %r = lowbit.dequantize %q scale(
  return %r : tensor<2x3xf32>
}
