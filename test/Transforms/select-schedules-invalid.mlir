// RUN: lowbit-opt %s --split-input-file --verify-diagnostics --lowbit-select-schedules="target-cpu=znver3 threads=2"
// RUN: lowbit-opt %s --split-input-file --verify-diagnostics --lowbit-select-schedules="target=cuda gpu-threads=32"
// RUN: not lowbit-opt %s --lowbit-select-schedules="target=rocm" 2>&1 | FileCheck %s --check-prefix=TARGET
// RUN: not lowbit-opt %s --lowbit-select-schedules="target-cpu=no-such-cpu" 2>&1 | FileCheck %s --check-prefix=CPU
// RUN: not lowbit-opt %s --lowbit-select-schedules="target=cuda gpu-threads=0" 2>&1 | FileCheck %s --check-prefix=GPU-THREADS
// RUN: not lowbit-opt %s --lowbit-select-schedules="target=cuda gpu-threads=48" 2>&1 | FileCheck %s --check-prefix=GPU-THREADS48
// RUN: not lowbit-opt %s --lowbit-select-schedules="threads=-1" 2>&1 | FileCheck %s --check-prefix=THREADS

// Errors of lowbit-select-schedules (lib/Transforms/SelectSchedules.cpp). A schedule written on
// an op is kept, but checked against it (explainMpgemmScheduleMisfit in
// lib/Transforms/MpgemmSchedule.cpp): a misfit is an error at the op naming the field. The check
// does not depend on the target, so the CPU and CUDA runs expect the same errors. A schedule on
// an op the fast path does not take is an error saying why. Bad pass options are errors on the
// module.

// TARGET: error: lowbit-select-schedules: target must be cpu or cuda, not 'rocm'
// GPU-THREADS: error: lowbit-select-schedules: gpu-threads must be a multiple of 32 from 32 to 1024, not 0
// GPU-THREADS48: error: lowbit-select-schedules: gpu-threads must be a multiple of 32 from 32 to 1024, not 48
// THREADS: error: lowbit-select-schedules: threads must be 0 (all) or more, not -1
// CPU: error: lowbit-select-schedules: unknown CPU 'no-such-cpu' for {{.+}} (use an LLVM CPU name such as znver3, znver4, skylake-avx512, or host)

// Every worker holds whole columns: tile N (24 columns of N = 48) must be a multiple of workers.
func.func @tile_n_not_multiple_of_workers(%a: tensor<4x64xf32>, %w: tensor<48x64xui4>,
                                          %s: tensor<48xf32>) {
  // expected-error @+1 {{'lowbit.mpgemm' op schedule #lowbit.schedule<fma, workers = 16, tile = [4, 24, 32], packing = interchange, scale_groups = 1, split_k = 1, unroll = 1> does not fit: tile N (24) must be a multiple of workers (16): every worker holds whole columns}}
  %y = lowbit.mpgemm %a, %w scale(%s)
         {schedule = #lowbit.schedule<fma, workers = 16, tile = [4, 24, 32]>,
          weight_scheme = #lowbit.scheme<per_channel(axis = 0), scale = f32>}
         : (tensor<4x64xf32>, tensor<48x64xui4>, tensor<48xf32>) -> tensor<4x48xf32>
  return
}

// -----

// A step of K stays inside one group: 32 does not divide groups of 48.
func.func @tile_k_crosses_groups(%a: tensor<4x96xf32>, %w: tensor<16x96xui4>,
                                 %s: tensor<16x2xf32>) {
  // expected-error @+1 {{does not fit: tile K (32) must divide the group size (48): a step of K stays inside one group}}
  %y = lowbit.mpgemm %a, %w scale(%s)
         {schedule = #lowbit.schedule<fma, workers = 8, tile = [4, 16, 32]>,
          weight_scheme = #lowbit.scheme<group(axis = 1, size = 48), scale = f32>}
         : (tensor<4x96xf32>, tensor<16x96xui4>, tensor<16x2xf32>) -> tensor<4x16xf32>
  return
}

// -----

// Split K cuts K at groups: per-channel weights have one.
func.func @split_k(%a: tensor<4x64xf32>, %w: tensor<16x64xui4>, %s: tensor<16xf32>) {
  // expected-error @+1 {{does not fit: split_k = 2 splits K at groups: these weights have a single group along K (per channel or per tensor); use split_k = 1}}
  %y = lowbit.mpgemm %a, %w scale(%s)
         {schedule = #lowbit.schedule<fma, workers = 8, tile = [4, 16, 32], split_k = 2>,
          weight_scheme = #lowbit.scheme<per_channel(axis = 0), scale = f32>}
         : (tensor<4x64xf32>, tensor<16x64xui4>, tensor<16xf32>) -> tensor<4x16xf32>
  return
}

// -----

// Each part of K covers whole blocks of scale_groups groups: 4 groups in blocks of 2 make at
// most 2 parts.
func.func @split_k_parts(%a: tensor<4x128xf32>, %w: tensor<16x128xui4>, %s: tensor<16x4xf32>) {
  // expected-error @+1 {{does not fit: split_k (3) must not exceed the blocks of scale_groups groups along K (2): each part of K covers whole blocks}}
  %y = lowbit.mpgemm %a, %w scale(%s)
         {schedule = #lowbit.schedule<fma, workers = 8, tile = [4, 16, 32], scale_groups = 2,
                                      split_k = 3>,
          weight_scheme = #lowbit.scheme<group(axis = 1, size = 32), scale = f32>}
         : (tensor<4x128xf32>, tensor<16x128xui4>, tensor<16x4xf32>) -> tensor<4x16xf32>
  return
}

// -----

// The step loop is unrolled by a divisor of its trip count: K = 96 is 3 steps of 32.
func.func @unroll_not_dividing_steps(%a: tensor<4x96xf32>, %w: tensor<16x96xui4>,
                                     %s: tensor<16xf32>) {
  // expected-error @+1 {{does not fit: unroll (2) must divide the steps of K per group (3)}}
  %y = lowbit.mpgemm %a, %w scale(%s)
         {schedule = #lowbit.schedule<fma, workers = 8, tile = [4, 16, 32], unroll = 2>,
          weight_scheme = #lowbit.scheme<per_channel(axis = 0), scale = f32>}
         : (tensor<4x96xf32>, tensor<16x96xui4>, tensor<16xf32>) -> tensor<4x16xf32>
  return
}

// -----

// Interchange rows are read a byte at a time: 12 codes of 3 bits are 36 bits.
func.func @interchange_step_not_bytes(%a: tensor<4x60xf32>, %w: tensor<16x60xui3>,
                                      %s: tensor<16xf32>) {
  // expected-error @+1 {{does not fit: tile K (12) times 3 bits must be whole bytes with packing = interchange}}
  %y = lowbit.mpgemm %a, %w scale(%s)
         {schedule = #lowbit.schedule<fma, workers = 8, tile = [4, 16, 12]>,
          weight_scheme = #lowbit.scheme<per_channel(axis = 0), scale = f32>}
         : (tensor<4x60xf32>, tensor<16x60xui3>, tensor<16xf32>) -> tensor<4x16xf32>
  return
}

// -----

// Prepacked steps are whole 32-bit words per column: 4 codes of 4 bits are 16 bits.
func.func @prepacked_step_not_words(%a: tensor<4x64xf32>, %s: tensor<16xf32>) {
  %w = arith.constant dense<9> : tensor<16x64xui4>
  // expected-error @+1 {{does not fit: tile K (4) times 4 bits must be whole 32-bit words with packing = prepacked}}
  %y = lowbit.mpgemm %a, %w scale(%s)
         {schedule = #lowbit.schedule<fma, workers = 8, tile = [4, 16, 4], packing = prepacked>,
          weight_scheme = #lowbit.scheme<per_channel(axis = 0), scale = f32>}
         : (tensor<4x64xf32>, tensor<16x64xui4>, tensor<16xf32>) -> tensor<4x16xf32>
  return
}

// -----

// int8_dot multiplies integer codes: not float weights other than f4E2M1FN (whose doubled
// values are small integers)...
func.func @int8_dot_float_weights(%a: tensor<4x64xsi8>, %as: tensor<f32>,
                                  %w: tensor<16x64xf8E4M3FN>, %s: tensor<16xf32>) {
  // expected-error @+1 {{does not fit: family int8_dot needs integer (or f4E2M1FN) weights and integer activations (this op has f8E4M3FN weights and si8 activations)}}
  %y = lowbit.mpgemm %a, %w scale(%s) act_scale(%as)
         {schedule = #lowbit.schedule<int8_dot, workers = 8, tile = [4, 16, 32]>,
          weight_scheme = #lowbit.scheme<per_channel(axis = 0), scale = f32>,
          act_scheme = #lowbit.scheme<per_tensor, scale = f32>}
         : (tensor<4x64xsi8>, tensor<16x64xf8E4M3FN>, tensor<16xf32>, tensor<f32>)
         -> tensor<4x16xf32>
  return
}

// -----

// ...nor real activations...
func.func @int8_dot_real_activations(%a: tensor<4x64xf16>, %w: tensor<16x64xui4>,
                                     %s: tensor<16xf32>) {
  // expected-error @+1 {{does not fit: family int8_dot needs integer (or f4E2M1FN) weights and integer activations (this op has ui4 weights and f16 activations)}}
  %y = lowbit.mpgemm %a, %w scale(%s)
         {schedule = #lowbit.schedule<int8_dot, workers = 8, tile = [4, 16, 32]>,
          weight_scheme = #lowbit.scheme<per_channel(axis = 0), scale = f32>}
         : (tensor<4x64xf16>, tensor<16x64xui4>, tensor<16xf32>) -> tensor<4x16xf32>
  return
}

// -----

// ...nor float activation codes.
func.func @int8_dot_float_activations(%a: tensor<4x64xf8E4M3FN>, %as: tensor<f32>,
                                      %w: tensor<16x64xsi4>, %s: tensor<16xf32>) {
  // expected-error @+1 {{does not fit: family int8_dot needs integer (or f4E2M1FN) weights and integer activations (this op has si4 weights and f8E4M3FN activations)}}
  %y = lowbit.mpgemm %a, %w scale(%s) act_scale(%as)
         {schedule = #lowbit.schedule<int8_dot, workers = 8, tile = [4, 16, 32]>,
          weight_scheme = #lowbit.scheme<per_channel(axis = 0), scale = f32>,
          act_scheme = #lowbit.scheme<per_tensor, scale = f32>}
         : (tensor<4x64xf8E4M3FN>, tensor<16x64xsi4>, tensor<16xf32>, tensor<f32>) -> tensor<4x16xf32>
  return
}

// -----

// Integer zero points of a block of groups are whole bytes: 3 groups of 4 bits are 12 bits.
func.func @scale_groups_not_bytes(%a: tensor<4x256xf32>, %w: tensor<16x256xui4>,
                                  %s: tensor<16x8xf32>, %z: tensor<16x8xui4>) {
  // expected-error @+1 {{does not fit: scale_groups (3) times 4 bits must be whole bytes: integer zero points are read a byte at a time}}
  %y = lowbit.mpgemm %a, %w scale(%s) zero(%z)
         {schedule = #lowbit.schedule<fma, workers = 8, tile = [4, 16, 32], scale_groups = 3>,
          weight_scheme = #lowbit.scheme<group(axis = 1, size = 32), scale = f32, zero = int>}
         : (tensor<4x256xf32>, tensor<16x256xui4>, tensor<16x8xf32>, tensor<16x8xui4>)
         -> tensor<4x16xf32>
  return
}

// -----

// weight_layout is a #tile.layout...
func.func @weight_layout_not_a_layout(%a: tensor<4x64xf32>, %w: tensor<16x64xui4>,
                                      %s: tensor<16xf32>) {
  // expected-error @+1 {{does not fit: weight_layout must be a #tile.layout}}
  %y = lowbit.mpgemm %a, %w scale(%s)
         {schedule = #lowbit.schedule<fma, workers = 8, tile = [4, 16, 32], weight_layout = 7>,
          weight_scheme = #lowbit.scheme<per_channel(axis = 0), scale = f32>}
         : (tensor<4x64xf32>, tensor<16x64xui4>, tensor<16xf32>) -> tensor<4x16xf32>
  return
}

// -----

// ...of the [TK, TN] weight tile...
func.func @weight_layout_wrong_shape(%a: tensor<4x64xf32>, %w: tensor<16x64xui4>,
                                     %s: tensor<16xf32>) {
  // expected-error @+1 {{does not fit: weight_layout column_local(16,2).spatial(1,8) must lay out [32, 16] over 8 workers}}
  %y = lowbit.mpgemm %a, %w scale(%s)
         {schedule = #lowbit.schedule<fma, workers = 8, tile = [4, 16, 32],
             weight_layout = #tile.layout<local(1,2).local(16,1).spatial(1,8)>>,
          weight_scheme = #lowbit.scheme<per_channel(axis = 0), scale = f32>}
         : (tensor<4x64xf32>, tensor<16x64xui4>, tensor<16xf32>) -> tensor<4x16xf32>
  return
}

// -----

// ...over the schedule's workers...
func.func @weight_layout_wrong_workers(%a: tensor<4x64xf32>, %w: tensor<16x64xui4>,
                                       %s: tensor<16xf32>) {
  // expected-error @+1 {{does not fit: weight_layout local(32,1).spatial(1,16) must lay out [32, 16] over 8 workers}}
  %y = lowbit.mpgemm %a, %w scale(%s)
         {schedule = #lowbit.schedule<fma, workers = 8, tile = [4, 16, 32],
             weight_layout = #tile.layout<local(32,1).spatial(1,16)>>,
          weight_scheme = #lowbit.scheme<per_channel(axis = 0), scale = f32>}
         : (tensor<4x64xf32>, tensor<16x64xui4>, tensor<16xf32>) -> tensor<4x16xf32>
  return
}

// -----

// ...in which every worker holds whole columns (here rows alternate between workers)...
func.func @weight_layout_split_columns(%a: tensor<4x64xf32>, %s: tensor<16xf32>) {
  %w = arith.constant dense<9> : tensor<16x64xui4>
  // expected-error @+1 {{does not fit: weight_layout local(16,4).spatial(2,4): worker 0 holds part of column 0 but not all of it; every worker must hold whole columns}}
  %y = lowbit.mpgemm %a, %w scale(%s)
         {schedule = #lowbit.schedule<fma, workers = 8, tile = [4, 16, 32], packing = prepacked,
             weight_layout = #tile.layout<local(16,4).spatial(2,4)>>,
          weight_scheme = #lowbit.scheme<per_channel(axis = 0), scale = f32>}
         : (tensor<4x64xf32>, tensor<16x64xui4>, tensor<16xf32>) -> tensor<4x16xf32>
  return
}

// -----

// ...and with interchange packing it is the order the rows are stored in, or the dot's byte
// order, which only int8_dot with 8-bit activation codes can match by permuting them (not fma).
func.func @byte_order_needs_int8(%a: tensor<4x64xf32>, %w: tensor<16x64xui4>, %s: tensor<16xf32>) {
  // expected-error @+1 {{does not fit: with packing = interchange the weight layout is column_local(32,2).spatial(1,8) (each worker reads its rows as they are stored) or, for int8_dot with 8-bit activation codes and K a multiple of 8, the byte order layout<shape=[32,16], modes=[4,2,4,2,8], spatial=[4], local=[3,0,2,1]> (the activations are permuted to match)}}
  %y = lowbit.mpgemm %a, %w scale(%s)
         {schedule = #lowbit.schedule<fma, workers = 8, tile = [4, 16, 32],
             weight_layout = #tile.layout<layout<shape=[32,16], modes=[4,2,4,2,8], spatial=[4], local=[3,0,2,1]>>>,
          weight_scheme = #lowbit.scheme<per_channel(axis = 0), scale = f32>}
         : (tensor<4x64xf32>, tensor<16x64xui4>, tensor<16xf32>) -> tensor<4x16xf32>
  return
}

// -----

func.func @weight_layout_not_interchange(%a: tensor<4x64xf32>, %w: tensor<16x64xui4>,
                                         %s: tensor<16xf32>) {
  // expected-error @+1 {{does not fit: with packing = interchange the weight layout is column_local(32,2).spatial(1,8) (each worker reads its rows as they are stored)}}
  %y = lowbit.mpgemm %a, %w scale(%s)
         {schedule = #lowbit.schedule<fma, workers = 8, tile = [4, 16, 32],
             weight_layout = #tile.layout<local(32,1).spatial(1,8).local(1,2)>>,
          weight_scheme = #lowbit.scheme<per_channel(axis = 0), scale = f32>}
         : (tensor<4x64xf32>, tensor<16x64xui4>, tensor<16xf32>) -> tensor<4x16xf32>
  return
}

// -----

// Ops the fast path does not take: a schedule on them is an error saying why.
func.func @no_fast_path_dynamic(%a: tensor<?x64xf16>, %w: tensor<16x64xui4>, %s: tensor<16xf16>) {
  // expected-error @+1 {{'lowbit.mpgemm' op has a schedule but no fast path: dynamic shapes take the reference lowering}}
  %y = lowbit.mpgemm %a, %w scale(%s)
         {schedule = #lowbit.schedule<fma, workers = 8, tile = [4, 16, 32]>,
          weight_scheme = #lowbit.scheme<per_channel(axis = 0), scale = f16>}
         : (tensor<?x64xf16>, tensor<16x64xui4>, tensor<16xf16>) -> tensor<?x16xf32>
  return
}

// -----

func.func @no_fast_path_empty(%a: tensor<0x64xf16>, %w: tensor<16x64xui4>, %s: tensor<16xf16>) {
  // expected-error @+1 {{'lowbit.mpgemm' op has a schedule but no fast path: empty tensors take the reference lowering}}
  %y = lowbit.mpgemm %a, %w scale(%s)
         {schedule = #lowbit.schedule<fma, workers = 8, tile = [4, 16, 32]>,
          weight_scheme = #lowbit.scheme<per_channel(axis = 0), scale = f16>}
         : (tensor<0x64xf16>, tensor<16x64xui4>, tensor<16xf16>) -> tensor<0x16xf32>
  return
}

// -----

func.func @no_fast_path_per_input_channel(%a: tensor<4x64xf16>, %w: tensor<16x64xui4>,
                                          %s: tensor<64xf16>) {
  // expected-error @+1 {{'lowbit.mpgemm' op has a schedule but no fast path: scales per input channel (per_channel(axis = 1)) take the reference lowering}}
  %y = lowbit.mpgemm %a, %w scale(%s)
         {schedule = #lowbit.schedule<fma, workers = 8, tile = [4, 16, 32]>,
          weight_scheme = #lowbit.scheme<per_channel(axis = 1), scale = f16>}
         : (tensor<4x64xf16>, tensor<16x64xui4>, tensor<64xf16>) -> tensor<4x16xf32>
  return
}

// -----

func.func @no_fast_path_groups_along_n(%a: tensor<4x64xf16>, %w: tensor<16x64xui4>,
                                       %s: tensor<2x64xf16>) {
  // expected-error @+1 {{'lowbit.mpgemm' op has a schedule but no fast path: groups along N (group(axis = 0)) take the reference lowering}}
  %y = lowbit.mpgemm %a, %w scale(%s)
         {schedule = #lowbit.schedule<fma, workers = 8, tile = [4, 16, 32]>,
          weight_scheme = #lowbit.scheme<group(axis = 0, size = 8), scale = f16>}
         : (tensor<4x64xf16>, tensor<16x64xui4>, tensor<2x64xf16>) -> tensor<4x16xf32>
  return
}

// -----

func.func @no_fast_path_blocks(%a: tensor<4x64xf16>, %w: tensor<16x64xui4>, %s: tensor<2x2xf16>) {
  // expected-error @+1 {{'lowbit.mpgemm' op has a schedule but no fast path: 2-D blocks of scales take the reference lowering}}
  %y = lowbit.mpgemm %a, %w scale(%s)
         {schedule = #lowbit.schedule<fma, workers = 8, tile = [4, 16, 32]>,
          weight_scheme = #lowbit.scheme<block(8, 32), scale = f16>}
         : (tensor<4x64xf16>, tensor<16x64xui4>, tensor<2x2xf16>) -> tensor<4x16xf32>
  return
}

// -----

func.func @no_fast_path_activation_rows(%a: tensor<4x64xsi8>, %as: tensor<2x64xf32>,
                                        %w: tensor<16x64xui4>, %s: tensor<16xf16>) {
  // expected-error @+1 {{'lowbit.mpgemm' op has a schedule but no fast path: activation schemes other than per tensor, per token (per_channel(axis = 0) of a 2-D activation) or per token and group along K (group(axis = 1) of a 2-D activation) take the reference lowering}}
  %y = lowbit.mpgemm %a, %w scale(%s) act_scale(%as)
         {schedule = #lowbit.schedule<fma, workers = 8, tile = [4, 16, 32]>,
          weight_scheme = #lowbit.scheme<per_channel(axis = 0), scale = f16>,
          act_scheme = #lowbit.scheme<group(axis = 0, size = 2), scale = f32>}
         : (tensor<4x64xsi8>, tensor<16x64xui4>, tensor<16xf16>, tensor<2x64xf32>)
         -> tensor<4x16xf32>
  return
}

// -----

// Activation groups that cut the weights' groups bound the steps of K by the pieces in one
// group of each (groups of 96 against groups of 64: pieces of 32).
func.func @step_across_activation_pieces(%a: tensor<4x192xsi8>, %as: tensor<4x2xf32>,
                                         %w: tensor<16x192xui4>, %s: tensor<16x3xf16>) {
  // expected-error @+1 {{does not fit: tile K (64) must divide the pieces of K that lie in one group of weights and one of activations (32 codes; activation groups of 96): a step of K stays inside one activation scale}}
  %y = lowbit.mpgemm %a, %w scale(%s) act_scale(%as)
         {schedule = #lowbit.schedule<fma, workers = 8, tile = [4, 16, 64]>,
          weight_scheme = #lowbit.scheme<group(axis = 1, size = 64), scale = f16>,
          act_scheme = #lowbit.scheme<group(axis = 1, size = 96), scale = f32>}
         : (tensor<4x192xsi8>, tensor<16x192xui4>, tensor<16x3xf16>, tensor<4x2xf32>)
         -> tensor<4x16xf32>
  return
}

// -----

// Activation groups inside the weights' groups bound the steps of K: a step of 32 codes would
// cross a scale of the groups of 16.
func.func @step_across_activation_groups(%a: tensor<4x64xsi8>, %as: tensor<4x4xf32>,
                                         %w: tensor<16x64xui4>, %s: tensor<16xf16>) {
  // expected-error @+1 {{does not fit: tile K (32) must divide the pieces of K that lie in one group of weights and one of activations (16 codes; activation groups of 16): a step of K stays inside one activation scale}}
  %y = lowbit.mpgemm %a, %w scale(%s) act_scale(%as)
         {schedule = #lowbit.schedule<int8_dot, workers = 8, tile = [4, 16, 32]>,
          weight_scheme = #lowbit.scheme<per_channel(axis = 0), scale = f16>,
          act_scheme = #lowbit.scheme<group(axis = 1, size = 16), scale = f32>}
         : (tensor<4x64xsi8>, tensor<16x64xui4>, tensor<16xf16>, tensor<4x4xf32>)
         -> tensor<4x16xf32>
  return
}

// -----

func.func @no_fast_path_ternary_activations(%a: tensor<4x64x!lowbit.ternary>, %w: tensor<16x64xui4>,
                                            %s: tensor<16xf16>) {
  // expected-error @+1 {{'lowbit.mpgemm' op has a schedule but no fast path: ternary and E8M0 activations take the reference lowering}}
  %y = lowbit.mpgemm %a, %w scale(%s)
         {schedule = #lowbit.schedule<fma, workers = 8, tile = [4, 16, 32]>,
          weight_scheme = #lowbit.scheme<per_channel(axis = 0), scale = f16>}
         : (tensor<4x64x!lowbit.ternary>, tensor<16x64xui4>, tensor<16xf16>) -> tensor<4x16xf32>
  return
}

// -----

// A step reads whole bytes of low-bit activations: 7 codes of 4 bits are not.
func.func @activation_step_not_bytes(%a: tensor<2x14xsi4>, %w: tensor<16x14xui8>,
                                     %s: tensor<16x2xf16>, %as: tensor<f32>) {
  // expected-error @+1 {{'lowbit.mpgemm' op schedule #lowbit.schedule<int8_dot, workers = 8, tile = [2, 8, 7], packing = interchange, scale_groups = 1, split_k = 1, unroll = 1> does not fit: tile K (7) times 4 bits of activations must be whole bytes: a step reads whole activation bytes}}
  %y = lowbit.mpgemm %a, %w scale(%s) act_scale(%as)
         {schedule = #lowbit.schedule<int8_dot, workers = 8, tile = [2, 8, 7]>,
          weight_scheme = #lowbit.scheme<group(axis = 1, size = 7), scale = f16>,
          act_scheme = #lowbit.scheme<per_tensor, scale = f32>}
         : (tensor<2x14xsi4>, tensor<16x14xui8>, tensor<16x2xf16>, tensor<f32>) -> tensor<2x16xf32>
  return
}

// -----

// The lut family: 1- and 2-bit integer or ternary weights only.
func.func @lut_four_bits(%a: tensor<1x64xf32>, %w: tensor<16x64xui4>, %s: tensor<16xf16>) {
  // expected-error @+1 {{'lowbit.mpgemm' op schedule #lowbit.schedule<lut, workers = 8, tile = [1, 16, 32], packing = interchange, scale_groups = 1, split_k = 1, unroll = 1> does not fit: family lut needs integer or ternary weights of 1 or 2 bits without a codebook, and activations without zero points (this op has ui4 weights)}}
  %y = lowbit.mpgemm %a, %w scale(%s)
         {schedule = #lowbit.schedule<lut, workers = 8, tile = [1, 16, 32]>,
          weight_scheme = #lowbit.scheme<per_channel(axis = 0), scale = f16>}
         : (tensor<1x64xf32>, tensor<16x64xui4>, tensor<16xf16>) -> tensor<1x16xf32>
  return
}

// -----

// The lut family's tables are built from one row of activations.
func.func @lut_two_rows(%a: tensor<2x64xf32>, %w: tensor<16x64xui1>, %s: tensor<16xf16>) {
  // expected-error @+1 {{'lowbit.mpgemm' op schedule #lowbit.schedule<lut, workers = 8, tile = [2, 16, 32], packing = interchange, scale_groups = 1, split_k = 1, unroll = 1> does not fit: family lut builds its tables from one row of activations: tile M (2) must be 1}}
  %y = lowbit.mpgemm %a, %w scale(%s)
         {schedule = #lowbit.schedule<lut, workers = 8, tile = [2, 16, 32]>,
          weight_scheme = #lowbit.scheme<per_channel(axis = 0), scale = f16>}
         : (tensor<2x64xf32>, tensor<16x64xui1>, tensor<16xf16>) -> tensor<2x16xf32>
  return
}

// -----

// A table of 16 entries spread over 32 workers does not divide.
func.func @lut_many_workers(%a: tensor<1x64xf32>, %w: tensor<32x64xsi2>, %s: tensor<32xf16>) {
  // expected-error @+1 {{'lowbit.mpgemm' op schedule #lowbit.schedule<lut, workers = 32, tile = [1, 32, 32], packing = interchange, scale_groups = 1, split_k = 1, unroll = 1> does not fit: family lut spreads a table of 16 entries over the workers: workers (32) must divide 16}}
  %y = lowbit.mpgemm %a, %w scale(%s)
         {schedule = #lowbit.schedule<lut, workers = 32, tile = [1, 32, 32]>,
          weight_scheme = #lowbit.scheme<per_channel(axis = 0), scale = f16>}
         : (tensor<1x64xf32>, tensor<32x64xsi2>, tensor<32xf16>) -> tensor<1x32xf32>
  return
}

// -----

// Activation zero points are not folded into the tables.
func.func @lut_activation_zero(%a: tensor<1x64xui8>, %w: tensor<16x64xui1>, %s: tensor<16xf16>,
                               %as: tensor<f32>, %az: tensor<ui8>) {
  // expected-error @+1 {{'lowbit.mpgemm' op schedule #lowbit.schedule<lut, workers = 8, tile = [1, 16, 32], packing = interchange, scale_groups = 1, split_k = 1, unroll = 1> does not fit: family lut needs integer or ternary weights of 1 or 2 bits without a codebook, and activations without zero points (this op has ui1 weights and activation zero points)}}
  %y = lowbit.mpgemm %a, %w scale(%s) act_scale(%as) act_zero(%az)
         {schedule = #lowbit.schedule<lut, workers = 8, tile = [1, 16, 32]>,
          weight_scheme = #lowbit.scheme<per_channel(axis = 0), scale = f16>,
          act_scheme = #lowbit.scheme<per_tensor, scale = f32, zero = int>}
         : (tensor<1x64xui8>, tensor<16x64xui1>, tensor<16xf16>, tensor<f32>, tensor<ui8>) -> tensor<1x16xf32>
  return
}

// -----

// The lut family reads a column's codes consecutive along K in each worker.
func.func @lut_weight_layout(%a: tensor<1x64xf32>, %w: tensor<16x64xui1>, %s: tensor<16xf16>) {
  // expected-error @+1 {{does not fit: family lut reads each worker's codes of a column consecutive along K: the weight layout is}}
  %y = lowbit.mpgemm %a, %w scale(%s)
         {schedule = #lowbit.schedule<lut, workers = 8, tile = [1, 16, 32], weight_layout = #tile.layout<local(32,1).local(1,2).spatial(1,8)>>,
          weight_scheme = #lowbit.scheme<per_channel(axis = 0), scale = f16>}
         : (tensor<1x64xf32>, tensor<16x64xui1>, tensor<16xf16>) -> tensor<1x16xf32>
  return
}
