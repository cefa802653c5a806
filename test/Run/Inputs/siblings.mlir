// A module where only @static can be compiled: @dynamic has a dynamic shape and @add uses an
// op (arith.addf on tensors) that neither engine supports.
func.func @dynamic(%q: tensor<?x3xui4>, %s: tensor<f32>) -> tensor<?x3xf32> {
  %r = lowbit.dequantize %q scale(%s) {scheme = #lowbit.scheme<per_tensor, scale = f32>}
         : (tensor<?x3xui4>, tensor<f32>) -> tensor<?x3xf32>
  return %r : tensor<?x3xf32>
}

func.func @add(%a: tensor<2x3xf32>, %b: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %c = arith.addf %a, %b : tensor<2x3xf32>
  return %c : tensor<2x3xf32>
}

func.func @static(%q: tensor<2x3xui4>, %s: tensor<f32>) -> tensor<2x3xf32> {
  %r = lowbit.dequantize %q scale(%s) {scheme = #lowbit.scheme<per_tensor, scale = f32>}
         : (tensor<2x3xui4>, tensor<f32>) -> tensor<2x3xf32>
  return %r : tensor<2x3xf32>
}

// A tile kernel that tile-to-cpu rejects (a register tensor without a layout) and that nothing
// launches.
tile.kernel @unlaid(%x: f32) grid [1] workers 32 {
  %t = tile.splat %x : !tile.reg<16x8xf32>
  tile.return
}
