// RUN: lowbit-opt %s --lowbit-select-schedules="target-cpu=znver3 threads=2" | FileCheck %s --check-prefixes=CHECK,AVX2
// RUN: lowbit-opt %s --lowbit-select-schedules="target-cpu=znver4 threads=2" | FileCheck %s --check-prefixes=CHECK,AVX512
// RUN: lowbit-opt %s --lowbit-select-schedules="target-cpu=znver4 target-features=-avx512bw threads=2" | FileCheck %s --check-prefixes=CHECK,AVX2
// RUN: lowbit-opt %s --lowbit-select-schedules="target-cpu=znver3 threads=4" | FileCheck %s --check-prefix=THREADS4
// RUN: lowbit-opt %s --lowbit-select-schedules="target-triple=aarch64-linux-gnu target-cpu=neoverse-n1 threads=2" | FileCheck %s --check-prefix=NEON
// RUN: lowbit-opt %s --lowbit-select-schedules="target=cuda gpu-threads=64" | FileCheck %s --check-prefix=CUDA
// RUN: lowbit-opt %s --lowbit-select-schedules="target-cpu=znver3 threads=4 thread-work-us=0" | FileCheck %s --check-prefix=SPLIT

// lowbit-select-schedules (lib/Transforms/SelectSchedules.cpp) attaches the cost model's
// schedule (selectMpgemmSchedule in lib/Transforms/MpgemmSchedule.cpp) to every lowbit.mpgemm
// the fast path takes. Explicit CPUs and thread counts keep the choices independent of the
// host: znver3 has AVX2 (8 lanes), znver4 AVX-512 (16 lanes; 8 again without avx512bw),
// neoverse-n1 NEON (4 lanes, no int8_dot: that family is x86 only), and target=cuda takes
// gpu-threads workers with one column per thread. With T threads, a block keeps 2 vectors of
// columns only while that leaves at least 4 * T blocks.
// Misfitting schedules and bad options are in select-schedules-invalid.mlir.

// Decode (M = 1) with int8 activations and integer weights: int8_dot, the single row, two
// vectors of columns (16 or 8 blocks of N = 256, enough for 2 threads), K in steps of 32
// inside the groups of 128. The 4-bit weights are read in the dot's byte order (the
// activations get permuted to match). GPUs have no int8_dot family.
// CHECK-LABEL: func.func @decode_int8(
// AVX2: lowbit.mpgemm {{.*}}schedule = #lowbit.schedule<int8_dot, workers = 8, tile = [1, 16, 32], packing = interchange, scale_groups = 1, weight_layout = #tile.layout<layout<shape=[32,16], modes=[4,2,4,2,8], spatial=[4], local=[3,0,2,1]>>, split_k = 1, unroll = 1, threads = 1, prefetch = 8>
// AVX512: lowbit.mpgemm {{.*}}schedule = #lowbit.schedule<int8_dot, workers = 16, tile = [1, 32, 32], packing = interchange, scale_groups = 1, weight_layout = #tile.layout<layout<shape=[32,32], modes=[4,2,4,2,16], spatial=[4], local=[3,0,2,1]>>, split_k = 1, unroll = 1, threads = 1, prefetch = 8>
// NEON-LABEL: func.func @decode_int8(
// NEON: schedule = #lowbit.schedule<fma, workers = 4, tile = [1, 8, 32], packing = interchange, scale_groups = 1, split_k = 1, unroll = 1, threads = 1, prefetch = 8>
// CUDA-LABEL: func.func @decode_int8(
// CUDA: schedule = #lowbit.schedule<fma, workers = 64, tile = [1, 64, 32], packing = interchange, scale_groups = 1, split_k = 1, unroll = 1>
func.func @decode_int8(%a: tensor<1x512xsi8>, %as: tensor<f32>, %w: tensor<256x512xui4>,
                       %s: tensor<256x4xf16>) -> tensor<1x256xf32> {
  %y = lowbit.mpgemm %a, %w scale(%s) act_scale(%as)
         {weight_scheme = #lowbit.scheme<group(axis = 1, size = 128), scale = f16>,
          act_scheme = #lowbit.scheme<per_tensor, scale = f32>}
         : (tensor<1x512xsi8>, tensor<256x512xui4>, tensor<256x4xf16>, tensor<f32>)
         -> tensor<1x256xf32>
  return %y : tensor<1x256xf32>
}

// Per-token activation scales and signed weights are int8_dot too.
// CHECK-LABEL: func.func @per_token_int8(
// AVX2: schedule = #lowbit.schedule<int8_dot, workers = 8, tile = [2, 16, 32],
// AVX512: schedule = #lowbit.schedule<int8_dot, workers = 16, tile = [2, 32, 32],
func.func @per_token_int8(%a: tensor<2x64xsi8>, %as: tensor<2xf32>, %w: tensor<512x64xsi4>,
                          %s: tensor<512xf32>) -> tensor<2x512xf32> {
  %y = lowbit.mpgemm %a, %w scale(%s) act_scale(%as)
         {weight_scheme = #lowbit.scheme<per_channel(axis = 0), scale = f32>,
          act_scheme = #lowbit.scheme<per_channel(axis = 0), scale = f32>}
         : (tensor<2x64xsi8>, tensor<512x64xsi4>, tensor<512xf32>, tensor<2xf32>)
         -> tensor<2x512xf32>
  return %y : tensor<2x512xf32>
}

// M = 16 with f32 activations: fma, 4 rows and two vectors of columns (16 or 8 blocks).
// CHECK-LABEL: func.func @prefill_f32(
// AVX2: schedule = #lowbit.schedule<fma, workers = 8, tile = [4, 16, 32], packing = interchange, scale_groups = 1, split_k = 1, unroll = 1, threads = 1, prefetch = 8>
// AVX512: schedule = #lowbit.schedule<fma, workers = 16, tile = [4, 32, 32], packing = interchange, scale_groups = 1, split_k = 1, unroll = 1, threads = 1, prefetch = 8>
// NEON-LABEL: func.func @prefill_f32(
// NEON: schedule = #lowbit.schedule<fma, workers = 4, tile = [4, 8, 32],
// CUDA-LABEL: func.func @prefill_f32(
// CUDA: schedule = #lowbit.schedule<fma, workers = 64, tile = [4, 64, 32],
func.func @prefill_f32(%a: tensor<16x128xf32>, %w: tensor<64x128xsi4>, %s: tensor<64xf32>)
    -> tensor<16x64xf32> {
  %y = lowbit.mpgemm %a, %w scale(%s)
         {weight_scheme = #lowbit.scheme<per_channel(axis = 0), scale = f32>}
         : (tensor<16x128xf32>, tensor<64x128xsi4>, tensor<64xf32>) -> tensor<16x64xf32>
  return %y : tensor<16x64xf32>
}

// M >= 32 with f32 activations: panel blocks of 6-row tiles and two vectors of columns; 600
// rows are more than the 85 tiles a block takes, so two blocks of 300 rows. Run-time weights
// stay in interchange packing (each block decodes them once). GPUs have no panel schedules.
// CHECK-LABEL: func.func @panel_f32(
// AVX2: schedule = #lowbit.schedule<fma, workers = 8, tile = [6, 16, 32], packing = interchange, scale_groups = 2, split_k = 1, unroll = 1, prefetch = 8, panel = 300>
// AVX512: schedule = #lowbit.schedule<fma, workers = 16, tile = [6, 32, 32], packing = interchange, scale_groups = 2, split_k = 1, unroll = 1, prefetch = 8, panel = 300>
// NEON-LABEL: func.func @panel_f32(
// NEON: schedule = #lowbit.schedule<fma, workers = 4, tile = [6, 8, 32], {{.*}}, panel = 300>
// CUDA-LABEL: func.func @panel_f32(
// CUDA-NOT: panel
// CUDA: return
func.func @panel_f32(%a: tensor<600x512xf32>, %w: tensor<256x512xui4>, %s: tensor<256x4xf16>,
                     %z: tensor<256x4xui4>) -> tensor<600x256xf32> {
  %y = lowbit.mpgemm %a, %w scale(%s) zero(%z)
         {weight_scheme = #lowbit.scheme<group(axis = 1, size = 128), scale = f16, zero = int>}
         : (tensor<600x512xf32>, tensor<256x512xui4>, tensor<256x4xf16>, tensor<256x4xui4>)
        -> tensor<600x256xf32>
  return %y : tensor<600x256xf32>
}

// Weights decoded by a table (a codebook, 4-bit floats) take 8 rows and one vector of
// columns (more rows per looked-up code); M <= 4 (decode) keeps the usual tiles.
// CHECK-LABEL: func.func @table_decoded(
// AVX2: schedule = #lowbit.schedule<fma, workers = 8, tile = [8, 8, 32], packing = interchange
// AVX2: schedule = #lowbit.schedule<fma, workers = 8, tile = [8, 8, 32], packing = interchange
// AVX2: schedule = #lowbit.schedule<fma, workers = 8, tile = [2, 16, 32], packing = interchange
// AVX512: schedule = #lowbit.schedule<fma, workers = 16, tile = [8, 16, 32], packing = interchange
// CUDA-LABEL: func.func @table_decoded(
// CUDA: schedule = #lowbit.schedule<fma, workers = 64, tile = [4, 64, 32],
func.func @table_decoded(%a: tensor<16x256xf32>, %b: tensor<2x256xf32>, %w: tensor<256x256xui4>,
                         %f: tensor<256x256xf4E2M1FN>, %s: tensor<256x4xbf16>,
                         %e: tensor<256x8xf8E8M0FNU>) {
  %0 = lowbit.mpgemm %a, %w scale(%s)
         {weight_scheme = #lowbit.scheme<group(axis = 1, size = 64), scale = bf16, codebook = nf4>}
         : (tensor<16x256xf32>, tensor<256x256xui4>, tensor<256x4xbf16>) -> tensor<16x256xf32>
  %1 = lowbit.mpgemm %a, %f scale(%e)
         {weight_scheme = #lowbit.scheme<group(axis = 1, size = 32), scale = f8E8M0FNU>}
         : (tensor<16x256xf32>, tensor<256x256xf4E2M1FN>, tensor<256x8xf8E8M0FNU>) -> tensor<16x256xf32>
  %2 = lowbit.mpgemm %b, %w scale(%s)
         {weight_scheme = #lowbit.scheme<group(axis = 1, size = 64), scale = bf16, codebook = nf4>}
         : (tensor<2x256xf32>, tensor<256x256xui4>, tensor<256x4xbf16>) -> tensor<2x256xf32>
  return
}

// Codebooks of any size (here 64 entries) take the fast path.
// CHECK-LABEL: func.func @large_codebook(
// AVX2: schedule = #lowbit.schedule<fma, workers = 8, tile = [4, 8, 32], packing = interchange
// AVX512: schedule = #lowbit.schedule<fma, workers = 16, tile = [4, 16, 32], packing = interchange
func.func @large_codebook(%a: tensor<4x64xf16>, %w6: tensor<32x64xui6>, %s: tensor<32xf16>,
                          %c6: tensor<64xf32>) -> tensor<4x32xf32> {
  %y = lowbit.mpgemm %a, %w6 scale(%s) codebook(%c6)
         {weight_scheme = #lowbit.scheme<per_channel(axis = 0), scale = f16, codebook = operand>}
         : (tensor<4x64xf16>, tensor<32x64xui6>, tensor<32xf16>, tensor<64xf32>) -> tensor<4x32xf32>
  return %y : tensor<4x32xf32>
}

// 4-bit floats with si8 activations take int8_dot on x86 (through a byte table of their
// doubled values, so not the table-decoded tiles of fma; at M = 16 prepacked on every call);
// NEON and CUDA keep fma.
// CHECK-LABEL: func.func @fp4_int8(
// AVX2: schedule = #lowbit.schedule<int8_dot, workers = 8, tile = [4, 16, 32], packing = prepacked
// AVX512: schedule = #lowbit.schedule<int8_dot, workers = 16, tile = [4, 32, 32], packing = prepacked
// NEON-LABEL: func.func @fp4_int8(
// NEON: schedule = #lowbit.schedule<fma, workers = 4, tile = [8, 4, 32], packing = interchange
// CUDA-LABEL: func.func @fp4_int8(
// CUDA: schedule = #lowbit.schedule<fma, workers = 64, tile = [4, 64, 32], packing = interchange
func.func @fp4_int8(%a: tensor<16x256xsi8>, %as: tensor<16xf32>, %f: tensor<256x256xf4E2M1FN>,
                    %e: tensor<256x8xf8E8M0FNU>) -> tensor<16x256xf32> {
  %y = lowbit.mpgemm %a, %f scale(%e) act_scale(%as)
         {weight_scheme = #lowbit.scheme<group(axis = 1, size = 32), scale = f8E8M0FNU>,
          act_scheme = #lowbit.scheme<per_channel(axis = 0), scale = f32>}
         : (tensor<16x256xsi8>, tensor<256x256xf4E2M1FN>, tensor<256x8xf8E8M0FNU>, tensor<16xf32>)
        -> tensor<16x256xf32>
  return %y : tensor<16x256xf32>
}

// M is the product of the activation's leading axes (1 x 3): all 3 rows in one tile. N = 40
// makes 3 blocks of two vectors, fewer than 4 (one thread: the call is small): one vector of columns.
// CHECK-LABEL: func.func @batch_axes_small_n(
// AVX2: schedule = #lowbit.schedule<fma, workers = 8, tile = [3, 8, 32], packing = interchange, scale_groups = 1,
// AVX512: schedule = #lowbit.schedule<fma, workers = 16, tile = [3, 16, 32], packing = interchange, scale_groups = 1,
func.func @batch_axes_small_n(%a: tensor<1x3x96xbf16>, %w: tensor<40x96xui8>, %s: tensor<bf16>)
    -> tensor<1x3x40xbf16> {
  %y = lowbit.mpgemm %a, %w scale(%s)
         {weight_scheme = #lowbit.scheme<per_tensor, scale = bf16>}
         : (tensor<1x3x96xbf16>, tensor<40x96xui8>, tensor<bf16>) -> tensor<1x3x40xbf16>
  return %y : tensor<1x3x40xbf16>
}

// The column-group boundary at 2 threads and 8 lanes: N = 112 gives 7 blocks of 16 columns
// (too few: 8 columns), N = 128 gives 8. At 4 threads 16 blocks are needed: 8 columns for both.
// (K = 16384 gives each call enough work for 4 threads.)
// CHECK-LABEL: func.func @column_groups(
// AVX2: tile = [1, 8, 32]
// AVX2: tile = [1, 16, 32]
// AVX512: tile = [1, 16, 32]
// AVX512: tile = [1, 16, 32]
// THREADS4-LABEL: func.func @column_groups(
// THREADS4: schedule = #lowbit.schedule<fma, workers = 8, tile = [1, 8, 32], packing = interchange, scale_groups = 1, split_k = 1, unroll = 1, prefetch = 8>
// THREADS4: schedule = #lowbit.schedule<fma, workers = 8, tile = [1, 8, 32], packing = interchange, scale_groups = 1, split_k = 1, unroll = 1, prefetch = 8>
func.func @column_groups(%a: tensor<1x16384xf16>, %w0: tensor<112x16384xui4>, %s0: tensor<112xf16>,
                         %w1: tensor<128x16384xui4>, %s1: tensor<128xf16>) {
  %0 = lowbit.mpgemm %a, %w0 scale(%s0)
         {weight_scheme = #lowbit.scheme<per_channel(axis = 0), scale = f16>}
         : (tensor<1x16384xf16>, tensor<112x16384xui4>, tensor<112xf16>) -> tensor<1x112xf32>
  %1 = lowbit.mpgemm %a, %w1 scale(%s1)
         {weight_scheme = #lowbit.scheme<per_channel(axis = 0), scale = f16>}
         : (tensor<1x16384xf16>, tensor<128x16384xui4>, tensor<128xf16>) -> tensor<1x128xf32>
  return
}

// Threads: one per ~20 us of estimated work on one core (weights at 10 GB/s, 50 GOP/s).
// 64 x 64 4-bit weights (2 KiB) take one thread, 128 x 4096 (256 KiB, 1 MOP: ~47 us) two of four;
// a GPU schedule has no cap.
// CHECK-LABEL: func.func @small_calls(
// AVX2: schedule = #lowbit.schedule<fma, workers = 8, tile = [1, 16, 32], packing = interchange, scale_groups = 1, split_k = 1, unroll = 1, threads = 1, prefetch = 8>
// AVX2: schedule = #lowbit.schedule<fma, workers = 8, tile = [1, 16, 32], packing = interchange, scale_groups = 1, split_k = 1, unroll = 1, prefetch = 8>
// THREADS4-LABEL: func.func @small_calls(
// THREADS4: threads = 1, prefetch = 8>
// THREADS4: threads = 2, prefetch = 8>
// CUDA-LABEL: func.func @small_calls(
// CUDA-NOT: threads =
// CUDA-LABEL: func.func @constant_weights(
func.func @small_calls(%a: tensor<1x64xf32>, %w: tensor<64x64xui4>, %s: tensor<64xf32>,
                       %b: tensor<1x4096xf32>, %wb: tensor<128x4096xui4>, %sb: tensor<128xf32>)
    -> (tensor<1x64xf32>, tensor<1x128xf32>) {
  %0 = lowbit.mpgemm %a, %w scale(%s)
         {weight_scheme = #lowbit.scheme<per_channel(axis = 0), scale = f32>}
         : (tensor<1x64xf32>, tensor<64x64xui4>, tensor<64xf32>) -> tensor<1x64xf32>
  %1 = lowbit.mpgemm %b, %wb scale(%sb)
         {weight_scheme = #lowbit.scheme<per_channel(axis = 0), scale = f32>}
         : (tensor<1x4096xf32>, tensor<128x4096xui4>, tensor<128xf32>) -> tensor<1x128xf32>
  return %0, %1 : tensor<1x64xf32>, tensor<1x128xf32>
}

// Constant weights are re-laid-out at compile time (packing = prepacked) when a step of K is
// whole 32-bit words: 32 x 4 bits is; 16 x 3 bits (groups of 16) is not, so that weight stays
// interchange. At decode, groups of 16 come in blocks of 4 (64 codes: a word of scales per
// lane at a time).
// CHECK-LABEL: func.func @constant_weights(
// AVX2: schedule = #lowbit.schedule<fma, workers = 8, tile = [4, 8, 32], packing = prepacked, scale_groups = 1,
// AVX2: schedule = #lowbit.schedule<fma, workers = 8, tile = [4, 8, 16], packing = interchange, scale_groups = 4,
// AVX512: schedule = #lowbit.schedule<fma, workers = 16, tile = [4, 16, 32], packing = prepacked, scale_groups = 1,
// AVX512: schedule = #lowbit.schedule<fma, workers = 16, tile = [4, 16, 16], packing = interchange, scale_groups = 4,
func.func @constant_weights(%a: tensor<4x64xf32>, %s: tensor<32xf32>, %s3: tensor<32x4xf32>)
    -> (tensor<4x32xf32>, tensor<4x32xf32>) {
  %w = arith.constant dense<5> : tensor<32x64xui4>
  %w3 = arith.constant dense<3> : tensor<32x64xui3>
  %0 = lowbit.mpgemm %a, %w scale(%s)
         {weight_scheme = #lowbit.scheme<per_channel(axis = 0), scale = f32>}
         : (tensor<4x64xf32>, tensor<32x64xui4>, tensor<32xf32>) -> tensor<4x32xf32>
  %1 = lowbit.mpgemm %a, %w3 scale(%s3)
         {weight_scheme = #lowbit.scheme<group(axis = 1, size = 16), scale = f32>}
         : (tensor<4x64xf32>, tensor<32x64xui3>, tensor<32x4xf32>) -> tensor<4x32xf32>
  return %0, %1 : tensor<4x32xf32>, tensor<4x32xf32>
}

// Integer zero points are read a byte at a time: a block takes as few groups as make whole
// bytes (2 of 4 bits, 8 of 3 bits, 1 of 8 bits); float zero points and a single group need 1.
// Weight zero points do not stop int8_dot.
// CHECK-LABEL: func.func @zero_points(
// AVX2: schedule = #lowbit.schedule<fma, workers = 8, tile = [4, 16, 32], packing = interchange, scale_groups = 2,
// AVX2: schedule = #lowbit.schedule<fma, workers = 8, tile = [4, 16, 32], packing = interchange, scale_groups = 8,
// AVX2: schedule = #lowbit.schedule<fma, workers = 8, tile = [4, 16, 32], packing = interchange, scale_groups = 1,
// AVX2: schedule = #lowbit.schedule<fma, workers = 8, tile = [4, 16, 32], packing = interchange, scale_groups = 1,
// At M = 16 the int8 one prepacks its run-time weights on every call (prefill).
// AVX2: schedule = #lowbit.schedule<int8_dot, workers = 8, tile = [4, 16, 32], packing = prepacked, scale_groups = 2,
// AVX512: scale_groups = 2,
// AVX512: scale_groups = 8,
// AVX512: scale_groups = 1,
// AVX512: scale_groups = 1,
// AVX512: schedule = #lowbit.schedule<int8_dot, workers = 16, {{.*}}, scale_groups = 2,
func.func @zero_points(%a: tensor<16x384xf16>, %ai: tensor<16x384xsi8>, %as: tensor<f32>,
                       %w4: tensor<64x384xui4>, %s4: tensor<64x12xf16>, %z4: tensor<64x12xui4>,
                       %w3: tensor<64x384xui3>, %z3: tensor<64x12xui3>,
                       %w8: tensor<64x384xui8>, %z8: tensor<64x12xui8>, %zf: tensor<64x12xf16>) {
  %0 = lowbit.mpgemm %a, %w4 scale(%s4) zero(%z4)
         {weight_scheme = #lowbit.scheme<group(axis = 1, size = 32), scale = f16, zero = int>}
         : (tensor<16x384xf16>, tensor<64x384xui4>, tensor<64x12xf16>, tensor<64x12xui4>)
         -> tensor<16x64xf32>
  %1 = lowbit.mpgemm %a, %w3 scale(%s4) zero(%z3)
         {weight_scheme = #lowbit.scheme<group(axis = 1, size = 32), scale = f16, zero = int>}
         : (tensor<16x384xf16>, tensor<64x384xui3>, tensor<64x12xf16>, tensor<64x12xui3>)
         -> tensor<16x64xf32>
  %2 = lowbit.mpgemm %a, %w8 scale(%s4) zero(%z8)
         {weight_scheme = #lowbit.scheme<group(axis = 1, size = 32), scale = f16, zero = int>}
         : (tensor<16x384xf16>, tensor<64x384xui8>, tensor<64x12xf16>, tensor<64x12xui8>)
         -> tensor<16x64xf32>
  %3 = lowbit.mpgemm %a, %w4 scale(%s4) zero(%zf)
         {weight_scheme = #lowbit.scheme<group(axis = 1, size = 32), scale = f16, zero = float>}
         : (tensor<16x384xf16>, tensor<64x384xui4>, tensor<64x12xf16>, tensor<64x12xf16>)
         -> tensor<16x64xf32>
  %4 = lowbit.mpgemm %ai, %w4 scale(%s4) zero(%z4) act_scale(%as)
         {weight_scheme = #lowbit.scheme<group(axis = 1, size = 32), scale = f16, zero = int>,
          act_scheme = #lowbit.scheme<per_tensor, scale = f32>}
         : (tensor<16x384xsi8>, tensor<64x384xui4>, tensor<64x12xf16>, tensor<64x12xui4>,
            tensor<f32>) -> tensor<16x64xf32>
  return
}

// A step of K stays inside one group: groups of 48 take steps of 16, groups of 40 steps of 8;
// groups of 36 have no such divisor of 32 and take the whole group as a step. With 3-bit codes
// no step inside groups of 36 is whole bytes: no schedule of the model fits and the op stays
// without one. K within one scale per channel (K = 72) keeps steps of 32.
// CHECK-LABEL: func.func @group_sizes(
// AVX2: schedule = #lowbit.schedule<fma, workers = 8, tile = [4, 16, 16], packing = interchange,
// AVX2: schedule = #lowbit.schedule<fma, workers = 8, tile = [4, 16, 8], packing = interchange,
// AVX2: schedule = #lowbit.schedule<fma, workers = 8, tile = [4, 16, 36], packing = interchange,
// AVX512: schedule = #lowbit.schedule<fma, workers = 16, tile = [4, 32, 16], packing = interchange,
// AVX512: schedule = #lowbit.schedule<fma, workers = 16, tile = [4, 32, 8], packing = interchange,
// AVX512: schedule = #lowbit.schedule<fma, workers = 16, tile = [4, 32, 36], packing = interchange,
// CHECK: lowbit.mpgemm
// CHECK-SAME: {weight_scheme = #lowbit.scheme<group(axis = 1, size = 36), scale = f16>} : (tensor<8x72xf16>, tensor<64x72xui3>
// AVX2: schedule = #lowbit.schedule<fma, workers = 8, tile = [4, 16, 32], packing = interchange,
// AVX2-SAME: tensor<8x72xf16>, tensor<64x72xui4>, tensor<64xf16>
// AVX512: schedule = #lowbit.schedule<fma, workers = 16, tile = [4, 32, 32], packing = interchange,
// AVX512-SAME: tensor<8x72xf16>, tensor<64x72xui4>, tensor<64xf16>
func.func @group_sizes(%a: tensor<8x96xf16>, %b: tensor<8x120xf16>, %c: tensor<8x72xf16>,
                       %w48: tensor<64x96xui4>, %s48: tensor<64x2xf16>,
                       %w40: tensor<64x120xui4>, %s40: tensor<64x3xf16>,
                       %w36: tensor<64x72xui4>, %s36: tensor<64x2xf16>,
                       %w36x3: tensor<64x72xui3>, %sk: tensor<64xf16>) {
  %0 = lowbit.mpgemm %a, %w48 scale(%s48)
         {weight_scheme = #lowbit.scheme<group(axis = 1, size = 48), scale = f16>}
         : (tensor<8x96xf16>, tensor<64x96xui4>, tensor<64x2xf16>) -> tensor<8x64xf32>
  %1 = lowbit.mpgemm %b, %w40 scale(%s40)
         {weight_scheme = #lowbit.scheme<group(axis = 1, size = 40), scale = f16>}
         : (tensor<8x120xf16>, tensor<64x120xui4>, tensor<64x3xf16>) -> tensor<8x64xf32>
  %2 = lowbit.mpgemm %c, %w36 scale(%s36)
         {weight_scheme = #lowbit.scheme<group(axis = 1, size = 36), scale = f16>}
         : (tensor<8x72xf16>, tensor<64x72xui4>, tensor<64x2xf16>) -> tensor<8x64xf32>
  %3 = lowbit.mpgemm %c, %w36x3 scale(%s36)
         {weight_scheme = #lowbit.scheme<group(axis = 1, size = 36), scale = f16>}
         : (tensor<8x72xf16>, tensor<64x72xui3>, tensor<64x2xf16>) -> tensor<8x64xf32>
  %4 = lowbit.mpgemm %c, %w36 scale(%sk)
         {weight_scheme = #lowbit.scheme<per_channel(axis = 0), scale = f16>}
         : (tensor<8x72xf16>, tensor<64x72xui4>, tensor<64xf16>) -> tensor<8x64xf32>
  return
}

// Ops the fast path does not take stay without schedule (on the reference lowering):
// dynamic shapes, ternary activations, groups along N.
// CHECK-LABEL: func.func @not_taken(
// CHECK-NOT: schedule
// CHECK: return
// NEON-LABEL: func.func @not_taken(
// NEON-NOT: schedule
// NEON: return
// CUDA-LABEL: func.func @not_taken(
// CUDA-NOT: schedule
// CUDA: return
func.func @not_taken(%a: tensor<4x64xf16>, %w: tensor<32x64xui4>, %s: tensor<32xf16>,
                     %d: tensor<?x64xf16>, %ai: tensor<4x64x!lowbit.ternary>, %as: tensor<f32>,
                     %sn: tensor<4x64xf16>) {
  %1 = lowbit.mpgemm %d, %w scale(%s)
         {weight_scheme = #lowbit.scheme<per_channel(axis = 0), scale = f16>}
         : (tensor<?x64xf16>, tensor<32x64xui4>, tensor<32xf16>) -> tensor<?x32xf32>
  %2 = lowbit.mpgemm %ai, %w scale(%s) act_scale(%as)
         {weight_scheme = #lowbit.scheme<per_channel(axis = 0), scale = f16>,
          act_scheme = #lowbit.scheme<per_tensor, scale = f32>}
         : (tensor<4x64x!lowbit.ternary>, tensor<32x64xui4>, tensor<32xf16>, tensor<f32>)
         -> tensor<4x32xf32>
  %3 = lowbit.mpgemm %a, %w scale(%sn)
         {weight_scheme = #lowbit.scheme<group(axis = 0, size = 8), scale = f16>}
         : (tensor<4x64xf16>, tensor<32x64xui4>, tensor<4x64xf16>) -> tensor<4x32xf32>
  return
}

// A schedule already on the op is kept as written (the model would pick int8_dot here).
// CHECK-LABEL: func.func @keeps_schedule(
// CHECK: schedule = #lowbit.schedule<fma, workers = 4, tile = [2, 8, 16], packing = interchange, scale_groups = 2, split_k = 1, unroll = 2>
// CUDA-LABEL: func.func @keeps_schedule(
// CUDA: schedule = #lowbit.schedule<fma, workers = 4, tile = [2, 8, 16], packing = interchange, scale_groups = 2, split_k = 1, unroll = 2>
func.func @keeps_schedule(%a: tensor<1x128xsi8>, %as: tensor<f32>, %w: tensor<256x128xui4>,
                          %s: tensor<256x4xf16>) -> tensor<1x256xf32> {
  %y = lowbit.mpgemm %a, %w scale(%s) act_scale(%as)
         {schedule = #lowbit.schedule<fma, workers = 4, tile = [2, 8, 16], scale_groups = 2,
                                      unroll = 2>,
          weight_scheme = #lowbit.scheme<group(axis = 1, size = 32), scale = f16>,
          act_scheme = #lowbit.scheme<per_tensor, scale = f32>}
         : (tensor<1x128xsi8>, tensor<256x128xui4>, tensor<256x4xf16>, tensor<f32>)
         -> tensor<1x256xf32>
  return %y : tensor<1x256xf32>
}

// Fewer groups than whole bytes of zero points need (4 groups of 3-bit zero points): the block
// still takes 8 groups, and the group loop guards the 4 that do not exist.
// CHECK-LABEL: func.func @few_zero_groups(
// AVX2: schedule = #lowbit.schedule<fma, workers = 8, tile = [4, 16, 32], packing = interchange, scale_groups = 8,
func.func @few_zero_groups(%a: tensor<16x128xf16>, %w: tensor<64x128xui3>, %s: tensor<64x4xf16>,
                           %z: tensor<64x4xui3>) -> tensor<16x64xf32> {
  %y = lowbit.mpgemm %a, %w scale(%s) zero(%z)
         {weight_scheme = #lowbit.scheme<group(axis = 1, size = 32), scale = f16, zero = int>}
         : (tensor<16x128xf16>, tensor<64x128xui3>, tensor<64x4xf16>, tensor<64x4xui3>)
         -> tensor<16x64xf32>
  return %y : tensor<16x64xf32>
}

// Prepacked int8_dot weights of 1, 2 or 4 bits get a weight layout in the order the byte dot
// unpacks a word: the byte vector of the 2-bit codes at bit offset 2c holds k = 4c + i of the
// word's 16 codes in byte i, so it pairs with activation word c as loaded (modes of K:
// [word, byte vector, byte]; local order: column group, word, byte, byte vector).
// CHECK-LABEL: func.func @byte_order_weights(
// AVX2: schedule = #lowbit.schedule<int8_dot, workers = 8, tile = [1, 8, 32], packing = prepacked, scale_groups = 1, weight_layout = #tile.layout<layout<shape=[32,8], modes=[2,4,4,8], spatial=[3], local=[0,2,1]>>,
// AVX512: schedule = #lowbit.schedule<int8_dot, workers = 16, tile = [1, 16, 32], packing = prepacked, scale_groups = 1, weight_layout = #tile.layout<layout<shape=[32,16], modes=[2,4,4,16], spatial=[3], local=[0,2,1]>>,
func.func @byte_order_weights(%a: tensor<1x64xsi8>, %s: tensor<16xf16>, %as: tensor<f32>)
    -> tensor<1x16xf32> {
  %w = arith.constant dense<"0x02010303020100020201000202030203010300020101020301000103020002000101000002020301000003010300020301020203000001000300030102000003010002000302000300000100030203010103000301020201020101010203010103000002000000010203020301020301000301010000000202020002020002020100010201000303010003030003030302000102010001020101010100010003030301010201000000020103030200000103020300010302000301000203000000020301020100000200000003030302030101030001010102010303030203030101030303030002000103010300020202010001030000010003000101000100020201030303000002020300010101000102000301000002020103030103010000030202020302010000000100020300010000020000010303020302030302000001020201010201030100030201010300030200020202020202020302030303000100020002030201030300010203020300000102010100030202000301020202020002010103020000030203000003030002020003010100030202010200020303020002000000000000020103000100000002020202010001030001010100010102010202030302030201010100010001010202000203020001010002000200000201010303020203000101020102010000020303000200020303000002000301030200010201000202010100010000030100030000010100010301020300020203010102030302010203000200000301030000030302020202000201030102000001000203030201030002030202020301020302020002000103010301030100020102000303010101020000010300030303000003020100030100030000030300020201010000010003000002030002030003010102000002000102000002010201010201030102000300000002020001020301030201010200010101010200020302010001010202000100010003010202010002000303000300030103000301020300020100020303000300020202000101010101000101010103010303030000010101000103010202020101010103030100030002020003010301000300010103000203010303000300010203020102020302010003000003030002030303010201010301030202020000010002030001010002000202010103000200010003020103010102010301020302020203020201030303010003020302030301030301000200030002010302030302010301030101000102010200000303030100020202010303000302000300000302030300010001020203030202020302000103030102000302020303030302020100010002000301000303030001020301010002010302010100000203030000010100000103000303030301030301"> : tensor<16x64xui2>
  %y = lowbit.mpgemm %a, %w scale(%s) act_scale(%as)
         {weight_scheme = #lowbit.scheme<per_channel(axis = 0), scale = f16>,
          act_scheme = #lowbit.scheme<per_tensor, scale = f32>}
         : (tensor<1x64xsi8>, tensor<16x64xui2>, tensor<16xf16>, tensor<f32>) -> tensor<1x16xf32>
  return %y : tensor<1x16xf32>
}

// A result too narrow for the threads (N = 8: one block of 8 columns for 4 threads) over a
// long grouped K is split into parts of K, one per thread: split_k = 4. Per
// channel weights (one group) are not split. On 2 threads the call's estimated work caps it
// at one thread, so nothing is split.
// CHECK-LABEL: func.func @narrow(
// AVX2: tile = [1, 8, 32], {{.*}}split_k = 1, unroll = 1, threads = 1
// SPLIT-LABEL: func.func @narrow(
// SPLIT: schedule = #lowbit.schedule<fma, workers = 8, tile = [1, 8, 32], packing = interchange, scale_groups = 1, split_k = 4, unroll = 1, prefetch = 8>
// SPLIT: schedule = #lowbit.schedule<fma, workers = 8, tile = [1, 8, 32], packing = interchange, scale_groups = 1, split_k = 1, unroll = 1, prefetch = 8>
func.func @narrow(%a: tensor<1x16384xf32>, %w: tensor<8x16384xui4>, %s: tensor<8x128xf16>,
                  %sc: tensor<8xf16>) -> (tensor<1x8xf32>, tensor<1x8xf32>) {
  %0 = lowbit.mpgemm %a, %w scale(%s)
         {weight_scheme = #lowbit.scheme<group(axis = 1, size = 128), scale = f16>}
         : (tensor<1x16384xf32>, tensor<8x16384xui4>, tensor<8x128xf16>) -> tensor<1x8xf32>
  %1 = lowbit.mpgemm %a, %w scale(%sc)
         {weight_scheme = #lowbit.scheme<per_channel(axis = 0), scale = f16>}
         : (tensor<1x16384xf32>, tensor<8x16384xui4>, tensor<8xf16>) -> tensor<1x8xf32>
  return %0, %1 : tensor<1x8xf32>, tensor<1x8xf32>
}

// lowbit.attention (the cost model of lib/Transforms/AttentionSchedule.cpp): one row (query
// head x query of a KV head) per lane.
// Decode (4 rows per KV head): 4 workers on every target, 2 keys per step, the 1024 cached
// tokens cut into parts so that 2 threads get 4 blocks each (2 KV heads: 4 parts). Prefill
// (256 rows per KV head): all lanes, two rows per lane, 8 keys and 4 channels per step, no
// parts. A quantized cache takes the same schedule, with steps narrowed to its scale groups
// (keys in groups of 4 tokens: 4 keys per step); one whose steps cannot hold whole bytes of
// codes (2-bit codes over 6 channels: steps of 2 channels) keeps the reference lowering.
// CHECK-LABEL: func.func @attention(
// CHECK: lowbit.attention {{.+}}schedule = #lowbit.schedule<fma, workers = 4, tile = [4, 2, 8], packing = interchange, scale_groups = 1, split_k = 4, unroll = 1>
// AVX2: lowbit.attention {{.+}}schedule = #lowbit.schedule<fma, workers = 8, tile = [16, 8, 4], packing = interchange, scale_groups = 1, split_k = 1, unroll = 1>
// AVX512: lowbit.attention {{.+}}schedule = #lowbit.schedule<fma, workers = 16, tile = [32, 8, 4], packing = interchange, scale_groups = 1, split_k = 1, unroll = 1>
// CHECK: lowbit.attention {{.+}}schedule = #lowbit.schedule<fma, workers = 4, tile = [4, 2, 8], packing = interchange, scale_groups = 1, split_k = 4, unroll = 1>
// AVX2: lowbit.attention {{.+}}schedule = #lowbit.schedule<fma, workers = 8, tile = [16, 4, 4], packing = interchange, scale_groups = 1, split_k = 1, unroll = 1>
// AVX512: lowbit.attention {{.+}}schedule = #lowbit.schedule<fma, workers = 16, tile = [32, 4, 4], packing = interchange, scale_groups = 1, split_k = 1, unroll = 1>
// CHECK: lowbit.attention
// CHECK-NOT: schedule
// CHECK-SAME: -> tensor<1x8x1x6xf32>
func.func @attention(%q: tensor<1x8x1x64xf16>, %k: tensor<1x2x1024x64xf16>,
                     %v: tensor<1x2x1024x64xf16>, %qp: tensor<1x2x256x64xf32>,
                     %kp: tensor<1x2x256x64xf32>, %kq: tensor<1x2x1024x64xsi8>,
                     %ks: tensor<64xf32>, %k4: tensor<1x2x256x64xsi4>,
                     %k4s: tensor<1x2x64x64xbf16>, %q6: tensor<1x8x1x6xf32>,
                     %k2: tensor<1x2x16x6xui2>, %v6: tensor<1x2x16x6xf32>,
                     %k2s: tensor<1x2x16x1xf16>)
    -> (tensor<1x8x1x64xf32>, tensor<1x2x256x64xf32>, tensor<1x8x1x64xf32>,
        tensor<1x2x256x64xf32>, tensor<1x8x1x6xf32>) {
  %0 = lowbit.attention %q, %k, %v {causal}
         : (tensor<1x8x1x64xf16>, tensor<1x2x1024x64xf16>, tensor<1x2x1024x64xf16>)
         -> tensor<1x8x1x64xf32>
  %1 = lowbit.attention %qp, %kp, %kp {causal}
         : (tensor<1x2x256x64xf32>, tensor<1x2x256x64xf32>, tensor<1x2x256x64xf32>)
         -> tensor<1x2x256x64xf32>
  %2 = lowbit.attention %q, %kq, %v k_scale(%ks)
         {k_scheme = #lowbit.scheme<per_channel(axis = 3), scale = f32>}
         : (tensor<1x8x1x64xf16>, tensor<1x2x1024x64xsi8>, tensor<1x2x1024x64xf16>,
            tensor<64xf32>) -> tensor<1x8x1x64xf32>
  %3 = lowbit.attention %qp, %k4, %kp k_scale(%k4s)
         {causal, k_scheme = #lowbit.scheme<group(axis = 2, size = 4), scale = bf16>}
         : (tensor<1x2x256x64xf32>, tensor<1x2x256x64xsi4>, tensor<1x2x256x64xf32>,
            tensor<1x2x64x64xbf16>) -> tensor<1x2x256x64xf32>
  %4 = lowbit.attention %q6, %k2, %v6 k_scale(%k2s)
         {k_scheme = #lowbit.scheme<group(axis = 3, size = 6), scale = f16>}
         : (tensor<1x8x1x6xf32>, tensor<1x2x16x6xui2>, tensor<1x2x16x6xf32>,
            tensor<1x2x16x1xf16>) -> tensor<1x8x1x6xf32>
  return %0, %1, %2, %3, %4 : tensor<1x8x1x64xf32>, tensor<1x2x256x64xf32>,
                              tensor<1x8x1x64xf32>, tensor<1x2x256x64xf32>,
                              tensor<1x8x1x6xf32>
}
