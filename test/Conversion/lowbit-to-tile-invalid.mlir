// RUN: lowbit-opt %s --split-input-file --verify-diagnostics --lowbit-to-tile

// Errors of lowbit-to-tile (lib/Conversion/LowbitToTile/LowbitToTile.cpp). The pass checks
// every schedule it lowers itself (it may run without lowbit-select-schedules): an op the
// fast path does not take, or a schedule that does not fit its op, is an error at the op
// (the full list of misfits is in test/Transforms/select-schedules-invalid.mlir).

func.func @no_fast_path(%a: tensor<4x64xf16>, %w: tensor<16x64xui4>, %s: tensor<16xf16>)
    -> tensor<4x16xf32> {
  // expected-error @+1 {{'lowbit.mpgemm' op has a schedule but no fast path: codebook weights take the reference lowering (the fast path has no table lookup yet)}}
  %y = lowbit.mpgemm %a, %w scale(%s)
         {schedule = #lowbit.schedule<fma, workers = 8, tile = [4, 16, 32]>,
          weight_scheme = #lowbit.scheme<per_channel(axis = 0), scale = f16, codebook = nf4>}
         : (tensor<4x64xf16>, tensor<16x64xui4>, tensor<16xf16>) -> tensor<4x16xf32>
  return %y : tensor<4x16xf32>
}

// -----

func.func @misfit(%a: tensor<4x64xf32>, %w: tensor<24x64xui4>, %s: tensor<24xf32>)
    -> tensor<4x24xf32> {
  // expected-error @+1 {{'lowbit.mpgemm' op schedule #lowbit.schedule<fma, workers = 8, tile = [4, 12, 32], packing = interchange, scale_groups = 1, split_k = 1, unroll = 1> does not fit: tile N (12) must be a multiple of workers (8): every worker holds whole columns}}
  %y = lowbit.mpgemm %a, %w scale(%s)
         {schedule = #lowbit.schedule<fma, workers = 8, tile = [4, 12, 32]>,
          weight_scheme = #lowbit.scheme<per_channel(axis = 0), scale = f32>}
         : (tensor<4x64xf32>, tensor<24x64xui4>, tensor<24xf32>) -> tensor<4x24xf32>
  return %y : tensor<4x24xf32>
}

// -----

// Prepacking reads the codes of the constant at compile time: a dense_resource blob is not
// dense elements, so its weights count as run-time ones.
func.func @prepacked_resource(%a: tensor<4x64xf32>, %s: tensor<16xf32>) -> tensor<4x16xf32> {
  %w = arith.constant dense_resource<weights> : tensor<16x64xui4>
  // expected-error @+1 {{'lowbit.mpgemm' op schedule #lowbit.schedule<fma, workers = 8, tile = [4, 16, 32], packing = prepacked, scale_groups = 1, split_k = 1, unroll = 1> does not fit: packing = prepacked needs constant weights (run-time weights arrive in interchange packing)}}
  %y = lowbit.mpgemm %a, %w scale(%s)
         {schedule = #lowbit.schedule<fma, workers = 8, tile = [4, 16, 32], packing = prepacked>,
          weight_scheme = #lowbit.scheme<per_channel(axis = 0), scale = f32>}
         : (tensor<4x64xf32>, tensor<16x64xui4>, tensor<16xf32>) -> tensor<4x16xf32>
  return %y : tensor<4x16xf32>
}

{-#
  dialect_resources: {
    builtin: {
      weights: "0x0100000001234567"
    }
  }
#-}
