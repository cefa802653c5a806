// A W4A16 linear layer as quantized LLMs store it: 4-bit unsigned weights in groups of 128
// along K, each group with an f16 scale and a 4-bit zero point (GPTQ/AWQ style), applied to a
// batch of 4 f16 activation rows with an f32 bias.
//
//   lowbit-run examples/mpgemm.mlir --input=@a.npy --input=@w.npy --input=@s.npy \
//     --input=@z.npy --input=@b.npy --output=@y.npy
//
// w.npy holds the weights in interchange packing: [256, 1024] ui4 = [256, 512] bytes.
func.func @main(%a: tensor<4x1024xf16>, %w: tensor<256x1024xui4>, %s: tensor<256x8xf16>,
                %z: tensor<256x8xui4>, %bias: tensor<256xf32>) -> tensor<4x256xf32> {
  %y = lowbit.mpgemm %a, %w scale(%s) zero(%z) bias(%bias)
         {weight_scheme = #lowbit.scheme<group(axis = 1, size = 128), scale = f16, zero = int>}
         : (tensor<4x1024xf16>, tensor<256x1024xui4>, tensor<256x8xf16>, tensor<256x8xui4>,
            tensor<256xf32>) -> tensor<4x256xf32>
  return %y : tensor<4x256xf32>
}
