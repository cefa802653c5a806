// RUN: lowbit-opt %s --split-input-file --lowbit-to-tile --cse | FileCheck %s
// RUN: lowbit-opt %s --split-input-file --lowbit-interchange-abi --lowbit-to-tile --cse | FileCheck %s --check-prefix=ABI

// Implemented in lib/Conversion/LowbitToTile/: LowbitToTile.cpp (the host code: buffers,
// launches, prepacked constants), MpgemmKernel.cpp (the kernels; MpgemmKernel.h describes
// their arguments and structure) and MpgemmWeights.cpp (prepacking). The register layouts come from lib/Transforms/MpgemmSchedule.cpp.

// lowbit-to-tile turns every lowbit.mpgemm with a schedule into a tile.kernel generated from
// that schedule and host code that launches it. Every op here carries its schedule, so the
// kernels do not depend on the cost model. With W workers and R = TN / W column groups, worker
// w holds columns r * W + w of the [TM, TN] result; every worker holds all of the [TM, TK]
// activations; the weight codes of a step are [TK, TN], worker w's columns whole.
// --cse only merges the constants the builders repeat.

// Decode with int8 activations: grid [ceil(48 / 16), 1], 8 workers. Per block: a loop over
// the 3 groups of 64 (one f16 scale row per group), inside it a loop over the 2 steps of 32
// codes, each one tile.dot of si8 activations (replicated) and ui4 codes (each worker two whole
// columns) into i32; the tile divides M and N, so every access is `in_bounds`.
// CHECK-LABEL: tile.kernel @mpgemm_0(
// CHECK-SAME: %[[ACT:[^:]+]]: memref<?xi8>, %[[W:[^:]+]]: memref<?xi8>, %[[S:[^:]+]]: memref<?xf16>, %[[AS:[^:]+]]: memref<?xf32>, %[[OUT:[^:]+]]: memref<?xf32>)
// CHECK-SAME: grid [3, 1] workers 8 {
// CHECK: %[[BN:.+]] = tile.block_index 0
// CHECK: %[[N0:.+]] = arith.muli %[[BN]], %c16 : index
// CHECK: %[[BM:.+]] = tile.block_index 1
// CHECK: %[[M0:.+]] = arith.muli %[[BM]], %c1 : index
// Activation bytes [M, K]; weight bytes [N, K / 2]; scales [N, G] read transposed as [G, N].
// CHECK: %[[VA:.+]] = tile.global_view %[[ACT]] sizes(%c1, %c192) strides(%c192, %c1)
// CHECK: %[[VW:.+]] = tile.global_view %[[W]] sizes(%c48, %c96) strides(%c96, %c1)
// CHECK: %[[VS:.+]] = tile.global_view %[[S]] sizes(%c3, %c48) strides(%c1, %c3)
// CHECK: %[[VAS:.+]] = tile.global_view %[[AS]] sizes(%c1, %c1)
// CHECK: %[[VO:.+]] = tile.global_view %[[OUT]] sizes(%c1, %c48) strides(%c48, %c1)
// CHECK-NOT: arith.minsi
// CHECK-NOT: scf.if
// CHECK: %[[ACC:.+]] = scf.for %[[GB:.+]] = %c0 to %c3 step %c1 iter_args(%[[A0:.+]] = %{{.+}}) -> (!tile.reg<1x16xf32, #tile.layout<local(1,2).spatial(1,8)>>) {
// CHECK: %[[SH:.+]] = tile.load_global %[[VS]][%{{.+}}, %[[N0]]] {in_bounds} : !tile.global<?x?xf16> -> !tile.reg<1x16xf16, #tile.layout<local(1,2).spatial(1,8)>>
// CHECK: %[[SF:.+]] = tile.cast %[[SH]] : {{.+}} -> !tile.reg<1x16xf32, #tile.layout<local(1,2).spatial(1,8)>>
// CHECK: %[[P:.+]] = scf.for %{{.+}} = %c0 to %c2 step %c1 iter_args(%[[P0:.+]] = %{{.+}}) -> (!tile.reg<1x16xi32, #tile.layout<local(1,2).spatial(1,8)>>) {
// CHECK: %[[AB:.+]] = tile.load_global %[[VA]][%[[M0]], %{{.+}}] {in_bounds} : !tile.global<?x?xi8> -> !tile.reg<1x32xi8, #tile.layout<local(1,32).replicated(8)>>
// CHECK: %[[A:.+]] = tile.view %[[AB]] : {{.+}} -> !tile.reg<1x32xsi8, #tile.layout<local(1,32).replicated(8)>>
// The weight column is in bytes: k * 4 / 8.
// CHECK: %[[KBITS:.+]] = arith.muli %[[K:.+]], %c4 : index
// CHECK: %[[KBYTE:.+]] = arith.divui %[[KBITS]], %c8 : index
// CHECK: %[[WB:.+]] = tile.load_global %[[VW]][%[[N0]], %[[KBYTE]]] {in_bounds} : !tile.global<?x?xi8> -> !tile.reg<16x16xi8, #tile.layout<local(2,16).spatial(8,1)>>
// CHECK: %[[WC:.+]] = tile.view %[[WB]] : {{.+}} -> !tile.reg<32x16xui4, #tile.layout<column_local(32,2).spatial(1,8)>>
// CHECK: %[[D:.+]] = tile.dot %[[A]], %[[WC]], %[[P0]] : !tile.reg<1x32xsi8, #tile.layout<local(1,32).replicated(8)>>, !tile.reg<32x16xui4, #tile.layout<column_local(32,2).spatial(1,8)>> -> !tile.reg<1x16xi32, #tile.layout<local(1,2).spatial(1,8)>>
// CHECK: scf.yield %[[D]]
// CHECK: %[[PF:.+]] = tile.cast %[[P]] : !tile.reg<1x16xi32, {{.+}}> -> !tile.reg<1x16xf32, #tile.layout<local(1,2).spatial(1,8)>>
// CHECK: %[[SG:.+]] = tile.extract_slice %[[SF]] [0, 0]
// CHECK: %[[X:.+]] = tile.mul %[[PF]], %[[SG]]
// CHECK: %[[NEXT:.+]] = tile.add %[[A0]], %[[X]]
// CHECK: scf.yield %[[NEXT]]
// The per-tensor activation scale, once per block; then the store.
// CHECK: %[[ASV:.+]] = tile.load_global %[[VAS]][%c0, %c0] {in_bounds} : !tile.global<?x?xf32> -> !tile.reg<1x1xf32, #tile.layout<local(1,1).replicated(8)>>
// CHECK: %[[ASB:.+]] = tile.broadcast %[[ASV]]
// CHECK: %[[Y:.+]] = tile.mul %[[ACC]], %[[ASB]]
// CHECK: tile.store_global %[[Y]], %[[VO]][%[[M0]], %[[N0]]] {in_bounds} : !tile.reg<1x16xf32, #tile.layout<local(1,2).spatial(1,8)>>, !tile.global<?x?xf32>
// CHECK-NEXT: tile.return
// The host hands over flat buffers: low-bit operands as their interchange bytes (a lowbit.pack
// here), a rank-0 scale as a 1-element buffer, the result as a new buffer read back as a tensor.
// CHECK-LABEL: func.func @decode_int8(
// CHECK-SAME: %[[TA:[^:]+]]: tensor<1x192xsi8>, %[[TAS:[^:]+]]: tensor<f32>, %[[TW:[^:]+]]: tensor<48x192xui4>, %[[TS:[^:]+]]: tensor<48x3xf16>)
// CHECK: %[[PA:.+]] = lowbit.pack %[[TA]] : tensor<1x192xsi8> -> tensor<1x192xi8>
// CHECK: %[[MA:.+]] = bufferization.to_buffer %[[PA]] read_only : tensor<1x192xi8> to memref<1x192xi8>
// CHECK: %[[FA:.+]] = memref.collapse_shape %[[MA]] {{\[\[}}0, 1]] : memref<1x192xi8> into memref<192xi8>
// CHECK: %[[BA:.+]] = memref.cast %[[FA]] : memref<192xi8> to memref<?xi8>
// CHECK: %[[PW:.+]] = lowbit.pack %[[TW]] : tensor<48x192xui4> -> tensor<48x96xi8>
// CHECK: %[[MW:.+]] = bufferization.to_buffer %[[PW]] read_only : tensor<48x96xi8> to memref<48x96xi8>
// CHECK: %[[FW:.+]] = memref.collapse_shape %[[MW]]
// CHECK: %[[BW:.+]] = memref.cast %[[FW]] : memref<4608xi8> to memref<?xi8>
// CHECK: %[[MS:.+]] = bufferization.to_buffer %[[TS]] read_only : tensor<48x3xf16> to memref<48x3xf16>
// CHECK: %[[FS:.+]] = memref.collapse_shape %[[MS]]
// CHECK: %[[BS:.+]] = memref.cast %[[FS]] : memref<144xf16> to memref<?xf16>
// CHECK: %[[E:.+]] = tensor.extract %[[TAS]][] : tensor<f32>
// CHECK: %[[E1:.+]] = tensor.from_elements %[[E]] : tensor<1xf32>
// CHECK: %[[MAS:.+]] = bufferization.to_buffer %[[E1]] read_only : tensor<1xf32> to memref<1xf32>
// CHECK: %[[BAS:.+]] = memref.cast %[[MAS]] : memref<1xf32> to memref<?xf32>
// CHECK: %[[MO:.+]] = memref.alloc() : memref<1x48xf32>
// CHECK: %[[FO:.+]] = memref.collapse_shape %[[MO]]
// CHECK: %[[BO:.+]] = memref.cast %[[FO]] : memref<48xf32> to memref<?xf32>
// CHECK: tile.launch @mpgemm_0(%[[BA]], %[[BW]], %[[BS]], %[[BAS]], %[[BO]]) : (memref<?xi8>, memref<?xi8>, memref<?xf16>, memref<?xf32>, memref<?xf32>) -> ()
// CHECK: %[[R:.+]] = bufferization.to_tensor %[[MO]] restrict writable : memref<1x48xf32> to tensor<1x48xf32>
// CHECK: return %[[R]] : tensor<1x48xf32>
// After lowbit-interchange-abi the arguments already are the interchange bytes: the kernel
// reads them as they are, without packing.
// ABI-LABEL: tile.kernel @mpgemm_0(
// ABI-SAME: grid [3, 1] workers 8 {
// ABI-LABEL: func.func @decode_int8(
// ABI-SAME: %[[TA:[^:]+]]: tensor<1x192xi8>, %{{[^:]+}}: tensor<f32>, %[[TW:[^:]+]]: tensor<48x96xi8>, %{{[^:]+}}: tensor<48x3xf16>)
// ABI-NOT: lowbit.pack
// ABI: bufferization.to_buffer %[[TA]] read_only : tensor<1x192xi8> to memref<1x192xi8>
// ABI-NOT: lowbit.pack
// ABI: bufferization.to_buffer %[[TW]] read_only : tensor<48x96xi8> to memref<48x96xi8>
// ABI-NOT: lowbit.pack
// ABI: tile.launch @mpgemm_0(
func.func @decode_int8(%a: tensor<1x192xsi8>, %as: tensor<f32>, %w: tensor<48x192xui4>,
                       %s: tensor<48x3xf16>) -> tensor<1x48xf32> {
  %y = lowbit.mpgemm %a, %w scale(%s) act_scale(%as)
         {schedule = #lowbit.schedule<int8_dot, workers = 8, tile = [1, 16, 32]>,
          weight_scheme = #lowbit.scheme<group(axis = 1, size = 64), scale = f16>,
          act_scheme = #lowbit.scheme<per_tensor, scale = f32>}
         : (tensor<1x192xsi8>, tensor<48x192xui4>, tensor<48x3xf16>, tensor<f32>)
         -> tensor<1x48xf32>
  return %y : tensor<1x48xf32>
}

// -----

// fma with f16 activations: a kernel of its own widens them to f32 once per call (grid [M,
// K / 128], each lane a run of 16; the last chunk of a row is masked), then both operands of
// tile.dot are f32. M = 7 and N = 40 are not multiples of the 4 x 16 tile: the last block of
// each dimension moves back to end at the edge (rows from 7 - 4 = 3, columns from
// 40 - 16 = 24), overlapping its neighbour, so every block stays inside and every access is
// still `in_bounds` (no scf.if).
// CHECK-LABEL: tile.kernel @mpgemm_widen_0(
// CHECK-SAME: %{{[^:]+}}: memref<?xf16>, %{{[^:]+}}: memref<?xf32>) grid [7, 1] workers 8 {
// CHECK: %[[NARROW:.+]] = tile.load_global %{{.+}} : !tile.global<?x?xf16> -> !tile.reg<1x128xf16, #tile.layout<spatial(1,8).local(1,16)>>
// CHECK: %[[WIDE:.+]] = tile.cast %[[NARROW]] {{.+}} -> !tile.reg<1x128xf32, #tile.layout<spatial(1,8).local(1,16)>>
// CHECK: tile.store_global %[[WIDE]], %{{.+}} : !tile.reg<1x128xf32
// CHECK-LABEL: tile.kernel @mpgemm_0(
// CHECK-SAME: %[[ACT:[^:]+]]: memref<?xf32>, %[[W:[^:]+]]: memref<?xi8>, %[[S:[^:]+]]: memref<?xf16>, %[[OUT:[^:]+]]: memref<?xf32>)
// CHECK-SAME: grid [3, 2] workers 8 {
// CHECK: %[[BN:.+]] = tile.block_index 0
// CHECK: %[[N:.+]] = arith.muli %[[BN]], %c16 : index
// CHECK: %[[BM:.+]] = tile.block_index 1
// CHECK: %[[M:.+]] = arith.muli %[[BM]], %c4 : index
// CHECK: %[[VA:.+]] = tile.global_view %[[ACT]] sizes(%c7, %c96) strides(%c96, %c1)
// CHECK: %[[VW:.+]] = tile.global_view %[[W]] sizes(%c40, %c48) strides(%c48, %c1)
// One scale per column (per channel): a [1, N] view.
// CHECK: %[[VS:.+]] = tile.global_view %[[S]] sizes(%c1, %c40) strides(%c1, %c1)
// CHECK: %[[VO:.+]] = tile.global_view %[[OUT]] sizes(%c7, %c40) strides(%c40, %c1)
// CHECK: %[[M0:.+]] = arith.minsi %[[M]], %c3 : index
// CHECK: %[[N0:.+]] = arith.minsi %[[N]], %c24 : index
// CHECK-NOT: scf.if
// CHECK: scf.for %{{.+}} = %c0 to %c1 step %c1 iter_args(%{{.+}}) -> (!tile.reg<4x16xf32, #tile.layout<local(4,2).spatial(1,8)>>) {
// CHECK: tile.load_global %[[VS]][%{{.+}}, %[[N0]]] {in_bounds} : !tile.global<?x?xf16> -> !tile.reg<1x16xf16, #tile.layout<local(1,2).spatial(1,8)>>
// CHECK: scf.for %{{.+}} = %c0 to %c3 step %c1 iter_args(%[[P0:.+]] = %{{.+}}) -> (!tile.reg<4x16xf32, #tile.layout<local(4,2).spatial(1,8)>>) {
// CHECK: %[[AF:.+]] = tile.load_global %[[VA]][%[[M0]], %{{.+}}] {in_bounds} : !tile.global<?x?xf32> -> !tile.reg<4x32xf32, #tile.layout<local(4,32).replicated(8)>>
// CHECK: %[[WB:.+]] = tile.load_global %[[VW]][%[[N0]], %{{.+}}] {in_bounds} : !tile.global<?x?xi8> -> !tile.reg<16x16xi8, #tile.layout<local(2,16).spatial(8,1)>>
// CHECK: %[[WC:.+]] = tile.view %[[WB]] : {{.+}} -> !tile.reg<32x16xsi4, #tile.layout<column_local(32,2).spatial(1,8)>>
// CHECK: %[[WF:.+]] = tile.cast %[[WC]] : !tile.reg<32x16xsi4, {{.+}}> -> !tile.reg<32x16xf32, #tile.layout<column_local(32,2).spatial(1,8)>>
// CHECK: tile.dot %[[AF]], %[[WF]], %[[P0]] : !tile.reg<4x32xf32, #tile.layout<local(4,32).replicated(8)>>, !tile.reg<32x16xf32, #tile.layout<column_local(32,2).spatial(1,8)>> -> !tile.reg<4x16xf32, #tile.layout<local(4,2).spatial(1,8)>>
// CHECK: tile.store_global %{{.+}}, %[[VO]][%[[M0]], %[[N0]]] {in_bounds}
// CHECK-NEXT: tile.return
func.func @fma_f16_overlapping_edges(%a: tensor<7x96xf16>, %w: tensor<40x96xsi4>,
                                     %s: tensor<40xf16>) -> tensor<7x40xf32> {
  %y = lowbit.mpgemm %a, %w scale(%s)
         {schedule = #lowbit.schedule<fma, workers = 8, tile = [4, 16, 32]>,
          weight_scheme = #lowbit.scheme<per_channel(axis = 0), scale = f16>}
         : (tensor<7x96xf16>, tensor<40x96xsi4>, tensor<40xf16>) -> tensor<7x40xf32>
  return %y : tensor<7x40xf32>
}

// -----

// A tile larger than the matrix (TM = 4 rows of M = 3) cannot move back inside, and no block
// lies inside the matrix: the body is built once, masked (no `in_bounds` on the rows' side).
// 16 workers hold two 2-bit columns each (8 bytes of a row per step). The per-tensor scale is
// applied once, after the group loop.
// CHECK-LABEL: tile.kernel @mpgemm_0(
// CHECK-SAME: grid [2, 1] workers 16 {
// CHECK: %[[BN:.+]] = tile.block_index 0
// CHECK: %[[N0:.+]] = arith.muli %[[BN]], %c32 : index
// CHECK: %[[BM:.+]] = tile.block_index 1
// CHECK: %[[M0:.+]] = arith.muli %[[BM]], %c4 : index
// CHECK: %[[VA:.+]] = tile.global_view %arg0 sizes(%c3, %c64)
// CHECK: %[[VW:.+]] = tile.global_view %arg1 sizes(%c64, %c16)
// CHECK: %[[VS:.+]] = tile.global_view %arg2 sizes(%c1, %c1)
// CHECK: %[[VO:.+]] = tile.global_view %arg3 sizes(%c3, %c64)
// CHECK-NOT: arith.minsi
// CHECK-NOT: scf.if
// CHECK-NOT: in_bounds
// CHECK: tile.load_global %[[VA]][%[[M0]], %{{[^]]+}}] : !tile.global<?x?xf32> -> !tile.reg<4x32xf32, #tile.layout<local(4,32).replicated(16)>>
// CHECK: %[[WB:.+]] = tile.load_global %[[VW]][%[[N0]], %{{[^]]+}}] : !tile.global<?x?xi8> -> !tile.reg<32x8xi8, #tile.layout<local(2,8).spatial(16,1)>>
// CHECK: tile.view %[[WB]] : {{.+}} -> !tile.reg<32x32xui2, #tile.layout<column_local(32,2).spatial(1,16)>>
// CHECK: tile.dot
// CHECK-NOT: scf.if
// The single scale is always inside its view.
// CHECK: tile.load_global %[[VS]][%c0, %c0] {in_bounds}
// CHECK: tile.store_global %{{.+}}, %[[VO]][%[[M0]], %[[N0]]] : !tile.reg<4x32xf32, #tile.layout<local(4,2).spatial(1,16)>>, !tile.global<?x?xf32>
// CHECK-NEXT: tile.return
func.func @tile_larger_than_m(%a: tensor<3x64xf32>, %w: tensor<64x64xui2>, %s: tensor<f16>)
    -> tensor<3x64xf32> {
  %y = lowbit.mpgemm %a, %w scale(%s)
         {schedule = #lowbit.schedule<fma, workers = 16, tile = [4, 32, 32]>,
          weight_scheme = #lowbit.scheme<per_tensor, scale = f16>}
         : (tensor<3x64xf32>, tensor<64x64xui2>, tensor<f16>) -> tensor<3x64xf32>
  return %y : tensor<3x64xf32>
}

// -----

// Constant weights with packing = prepacked are re-laid-out at compile time into i32 words:
// row nb * KT + kt holds, at column word * W + w, worker w's codes of step kt of column block
// nb, LSB first. Here W = TN = 8 and TK = 8: one word per worker, row 0 for k = 0..7, row 1 for
// k = 8..15. Row n of the weight is n for k < 8 and n + 1 after (row 7: 0..7), so word w of
// row 0 is w * 0x11111111 and of row 1 (w + 1) * 0x11111111, except 0x76543210 for w = 7.
// The kernel loads a worker's words in one access and views them as its [8, 1] codes. The
// rows (M = 5, TM = 4) still move back to stay inside.
// CHECK-LABEL: tile.kernel @mpgemm_0(
// CHECK-SAME: %{{[^:]+}}: memref<?xf32>, %[[W:[^:]+]]: memref<?xi32>, %{{[^:]+}}: memref<?xf32>, %{{[^:]+}}: memref<?xf32>)
// CHECK-SAME: grid [1, 2] workers 8 {
// CHECK: %[[BN:.+]] = tile.block_index 0
// CHECK: %[[VW:.+]] = tile.global_view %[[W]] sizes(%c2, %c8) strides(%c8, %c1)
// CHECK: arith.minsi %{{.+}}, %c1 : index
// CHECK-NOT: scf.if
// CHECK: scf.for %[[STEP:.+]] = %c0 to %c2 step %c1
// CHECK: %[[ROW0:.+]] = arith.muli %[[BN]], %c2 : index
// CHECK: %[[ROW:.+]] = arith.addi %[[ROW0]], %{{.+}} : index
// CHECK: %[[WORDS:.+]] = tile.load_global %[[VW]][%[[ROW]], %c0] {in_bounds} : !tile.global<?x?xi32> -> !tile.reg<1x8xi32, #tile.layout<spatial(1,8)>>
// CHECK: %[[CODES:.+]] = tile.view %[[WORDS]] : !tile.reg<1x8xi32, #tile.layout<spatial(1,8)>> -> !tile.reg<8x8xui4, #tile.layout<local(8,1).spatial(1,8)>>
// CHECK: tile.cast %[[CODES]] : {{.+}} -> !tile.reg<8x8xf32, #tile.layout<local(8,1).spatial(1,8)>>
// CHECK-LABEL: func.func @prepacked_words(
// CHECK-NOT: lowbit.pack
// CHECK: %[[PACKED:.+]] = arith.constant dense<{{\[\[}}0, 286331153, 572662306, 858993459, 1145324612, 1431655765, 1717986918, 2004318071], [286331153, 572662306, 858993459, 1145324612, 1431655765, 1717986918, 2004318071, 1985229328]]> : tensor<2x8xi32>
// CHECK: %[[MW:.+]] = bufferization.to_buffer %[[PACKED]] read_only : tensor<2x8xi32> to memref<2x8xi32>
// CHECK: %[[FW:.+]] = memref.collapse_shape %[[MW]]
// CHECK: %[[BW:.+]] = memref.cast %[[FW]] : memref<16xi32> to memref<?xi32>
// CHECK: tile.launch @mpgemm_0(%{{.+}}, %[[BW]], %{{.+}}, %{{.+}}) : (memref<?xf32>, memref<?xi32>, memref<?xf32>, memref<?xf32>) -> ()
func.func @prepacked_words(%a: tensor<5x16xf32>, %s: tensor<8xf32>) -> tensor<5x8xf32> {
  %w = arith.constant dense<[[0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1],
                             [1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2, 2, 2],
                             [2, 2, 2, 2, 2, 2, 2, 2, 3, 3, 3, 3, 3, 3, 3, 3],
                             [3, 3, 3, 3, 3, 3, 3, 3, 4, 4, 4, 4, 4, 4, 4, 4],
                             [4, 4, 4, 4, 4, 4, 4, 4, 5, 5, 5, 5, 5, 5, 5, 5],
                             [5, 5, 5, 5, 5, 5, 5, 5, 6, 6, 6, 6, 6, 6, 6, 6],
                             [6, 6, 6, 6, 6, 6, 6, 6, 7, 7, 7, 7, 7, 7, 7, 7],
                             [7, 7, 7, 7, 7, 7, 7, 7, 0, 1, 2, 3, 4, 5, 6, 7]]>
       : tensor<8x16xui4>
  %y = lowbit.mpgemm %a, %w scale(%s)
         {schedule = #lowbit.schedule<fma, workers = 8, tile = [4, 8, 8], packing = prepacked>,
          weight_scheme = #lowbit.scheme<per_channel(axis = 0), scale = f32>}
         : (tensor<5x16xf32>, tensor<8x16xui4>, tensor<8xf32>) -> tensor<5x8xf32>
  return %y : tensor<5x8xf32>
}

// -----

// Prepacked weights are laid out per block of N, so a block of columns does not move back:
// N = 12 with TN = 8 splits the body behind `n0 + 8 <= 12`. The words hold whole blocks (the
// 4 columns past N are zero: words 4..7 of each worker group in row 1), so even the masked
// body reads them `in_bounds`; the scales and activations there are masked.
// CHECK-LABEL: tile.kernel @mpgemm_0(
// CHECK-SAME: grid [2, 1] workers 8 {
// CHECK: %[[BN:.+]] = tile.block_index 0
// CHECK: %[[N0:.+]] = arith.muli %[[BN]], %c8 : index
// CHECK: %[[VW:.+]] = tile.global_view %arg1 sizes(%c2, %c32) strides(%c32, %c1)
// CHECK: %[[VS:.+]] = tile.global_view %arg2 sizes(%c1, %c12)
// CHECK-NOT: arith.minsi
// CHECK: %[[END:.+]] = arith.addi %[[N0]], %c8 : index
// CHECK: %[[FITS:.+]] = arith.cmpi sle, %[[END]], %c12 : index
// CHECK: scf.if %[[FITS]] {
// CHECK: tile.load_global %[[VS]][%{{.+}}, %[[N0]]] {in_bounds}
// CHECK: tile.load_global %[[VW]][%{{.+}}, %c0] {in_bounds} : !tile.global<?x?xi32> -> !tile.reg<1x32xi32, #tile.layout<local(1,4).spatial(1,8)>>
// CHECK: } else {
// CHECK: tile.load_global %[[VS]][%{{.+}}, %[[N0]]] : !tile.global<?x?xf32>
// CHECK: tile.load_global %[[VW]][%{{.+}}, %c0] {in_bounds} : !tile.global<?x?xi32> -> !tile.reg<1x32xi32, #tile.layout<local(1,4).spatial(1,8)>>
// CHECK: tile.view %{{.+}} : {{.+}} -> !tile.reg<32x8xui4, #tile.layout<local(32,1).spatial(1,8)>>
// CHECK: tile.store_global %{{.+}}, %{{.+}}[%{{.+}}, %[[N0]]] : !tile.reg<4x8xf32
// CHECK-LABEL: func.func @prepacked_column_edge(
// CHECK: arith.constant dense<{{\[\[}}858993459, 858993459, {{.+}}], [858993459, 858993459, 858993459, 858993459, 0, 0, 0, 0, 858993459, 858993459, 858993459, 858993459, 0, 0, 0, 0, 858993459, 858993459, 858993459, 858993459, 0, 0, 0, 0, 858993459, 858993459, 858993459, 858993459, 0, 0, 0, 0]]> : tensor<2x32xi32>
func.func @prepacked_column_edge(%a: tensor<4x32xf32>, %s: tensor<12xf32>) -> tensor<4x12xf32> {
  %w = arith.constant dense<3> : tensor<12x32xui4>
  %y = lowbit.mpgemm %a, %w scale(%s)
         {schedule = #lowbit.schedule<fma, workers = 8, tile = [4, 8, 32], packing = prepacked>,
          weight_scheme = #lowbit.scheme<per_channel(axis = 0), scale = f32>}
         : (tensor<4x32xf32>, tensor<12x32xui4>, tensor<12xf32>) -> tensor<4x12xf32>
  return %y : tensor<4x12xf32>
}

// -----

// Integer zero points are folded out of the dot: sum a * (q - z) = sum a * q - z * sum a. A
// first kernel (grid [M, groups] = [2, 4]) writes the activation sums of each group; the main
// kernel reads them per block of rows. With scale_groups = 2 a block of the group loop loads
// 2 groups of scales and the zero points' byte (2 x 4 bits) of each column at once, and the 2
// groups are unrolled (extract_slice rows 0 and 1). Per-token activation scales, bf16 result.
// CHECK-LABEL: tile.kernel @mpgemm_sums_0(
// CHECK-SAME: %[[SA:[^:]+]]: memref<?xi8>, %[[SUMS:[^:]+]]: memref<?xf32>) grid [2, 4] workers 8 {
// CHECK: %[[VSA:.+]] = tile.global_view %[[SA]] sizes(%c2, %c128)
// CHECK: %[[VSUM:.+]] = tile.global_view %[[SUMS]] sizes(%c2, %c4) strides(%c4, %c1)
// CHECK: %[[ROW:.+]] = tile.block_index 0
// CHECK: %[[GRP:.+]] = tile.block_index 1
// CHECK: scf.for
// CHECK: tile.load_global %[[VSA]][%[[ROW]], %{{.+}}] : !tile.global<?x?xi8> -> !tile.reg<1x32xi8, #tile.layout<spatial(1,8).local(1,4)>>
// CHECK: tile.cast %{{.+}} : !tile.reg<1x32xsi8, {{.+}}> -> !tile.reg<1x32xi32, #tile.layout<spatial(1,8).local(1,4)>>
// CHECK: %[[TOT:.+]] = tile.reduce add %{{.+}} dims [1] : !tile.reg<1x32xi32, #tile.layout<spatial(1,8).local(1,4)>> -> !tile.reg<1x1xi32, #tile.layout<local(1,1).replicated(8)>>
// CHECK: %[[TOTF:.+]] = tile.cast %[[TOT]] : {{.+}} -> !tile.reg<1x1xf32, #tile.layout<local(1,1).replicated(8)>>
// CHECK: tile.store_global %[[TOTF]], %[[VSUM]][%[[ROW]], %[[GRP]]]
// CHECK-LABEL: tile.kernel @mpgemm_0(
// CHECK-SAME: %{{[^:]+}}: memref<?xi8>, %{{[^:]+}}: memref<?xi8>, %{{[^:]+}}: memref<?xf16>, %[[Z:[^:]+]]: memref<?xi8>, %[[SUM:[^:]+]]: memref<?xf32>, %[[AS:[^:]+]]: memref<?xf32>, %{{[^:]+}}: memref<?xbf16>)
// CHECK-SAME: grid [2, 1] workers 8 {
// CHECK: %[[N0:.+]] = arith.muli %{{.+}}, %c16 : index
// CHECK: %[[M0:.+]] = arith.muli %{{.+}}, %c2 : index
// CHECK: %[[VS:.+]] = tile.global_view %arg2 sizes(%c4, %c32) strides(%c1, %c4)
// Zero points: [N, 2] bytes (4 groups of 4 bits per row).
// CHECK: %[[VZ:.+]] = tile.global_view %[[Z]] sizes(%c32, %c2) strides(%c2, %c1)
// CHECK: %[[VSUM:.+]] = tile.global_view %[[SUM]] sizes(%c2, %c4) strides(%c4, %c1)
// CHECK: %[[VAS:.+]] = tile.global_view %[[AS]] sizes(%c2, %c1)
// CHECK: scf.for %[[B:.+]] = %c0 to %c2 step %c1 iter_args(%[[A0:.+]] = %{{.+}}) -> (!tile.reg<2x16xf32, #tile.layout<local(2,2).spatial(1,8)>>) {
// CHECK: %[[G0:.+]] = arith.muli %[[B]], %c2 : index
// CHECK: %[[SH:.+]] = tile.load_global %[[VS]][%[[G0]], %[[N0]]] {in_bounds} : !tile.global<?x?xf16> -> !tile.reg<2x16xf16, #tile.layout<column_local(2,2).spatial(1,8)>>
// CHECK: %[[SF:.+]] = tile.cast %[[SH]]
// CHECK: %[[ZBITS:.+]] = arith.muli %[[G0]], %c4 : index
// CHECK: %[[ZCOL:.+]] = arith.divui %[[ZBITS]], %c8 : index
// CHECK: %[[ZB:.+]] = tile.load_global %[[VZ]][%[[N0]], %[[ZCOL]]] {in_bounds} : !tile.global<?x?xi8> -> !tile.reg<16x1xi8, #tile.layout<local(2,1).spatial(8,1)>>
// CHECK: %[[ZQ:.+]] = tile.view %[[ZB]] : {{.+}} -> !tile.reg<2x16xui4, #tile.layout<column_local(2,2).spatial(1,8)>>
// CHECK: %[[ZF:.+]] = tile.cast %[[ZQ]] : {{.+}} -> !tile.reg<2x16xf32, #tile.layout<column_local(2,2).spatial(1,8)>>
// Group g0 + 0:
// CHECK: %[[G:.+]] = arith.addi %[[G0]], %c0 : index
// CHECK: %[[P:.+]] = scf.for
// CHECK: tile.dot {{.+}} : !tile.reg<2x32xsi8, #tile.layout<local(2,32).replicated(8)>>, !tile.reg<32x16xui4, #tile.layout<column_local(32,2).spatial(1,8)>> -> !tile.reg<2x16xi32, #tile.layout<local(2,2).spatial(1,8)>>
// CHECK: %[[PF:.+]] = tile.cast %[[P]]
// CHECK: %[[Z0:.+]] = tile.extract_slice %[[ZF]] [0, 0] : !tile.reg<2x16xf32, #tile.layout<column_local(2,2).spatial(1,8)>> -> !tile.reg<1x16xf32, #tile.layout<local(1,2).spatial(1,8)>>
// CHECK: %[[Z0B:.+]] = tile.broadcast %[[Z0]]
// CHECK: %[[RS:.+]] = tile.load_global %[[VSUM]][%[[M0]], %[[G]]] {in_bounds} : !tile.global<?x?xf32> -> !tile.reg<2x1xf32, #tile.layout<local(2,1).replicated(8)>>
// CHECK: %[[RSB:.+]] = tile.broadcast %[[RS]]
// CHECK: %[[CORR:.+]] = tile.mul %[[Z0B]], %[[RSB]]
// CHECK: %[[PZ:.+]] = tile.sub %[[PF]], %[[CORR]]
// CHECK: %[[S0:.+]] = tile.extract_slice %[[SF]] [0, 0]
// CHECK: %[[S0B:.+]] = tile.broadcast %[[S0]]
// CHECK: %[[X0:.+]] = tile.mul %[[PZ]], %[[S0B]]
// CHECK: %[[ACC1:.+]] = tile.add %[[A0]], %[[X0]]
// Group g0 + 1:
// CHECK: %[[G1:.+]] = arith.addi %[[G0]], %c1 : index
// CHECK: tile.dot
// CHECK: tile.extract_slice %[[ZF]] [1, 0]
// CHECK: tile.load_global %[[VSUM]][%[[M0]], %[[G1]]] {in_bounds}
// CHECK: tile.sub
// CHECK: tile.extract_slice %[[SF]] [1, 0]
// CHECK: %[[ACC2:.+]] = tile.add %[[ACC1]], %{{.+}}
// CHECK: scf.yield %[[ACC2]]
// CHECK: tile.load_global %[[VAS]][%[[M0]], %c0]{{.*}} : !tile.global<?x?xf32> -> !tile.reg<2x1xf32, #tile.layout<local(2,1).replicated(8)>>
// CHECK: %[[Y:.+]] = tile.cast %{{.+}} : !tile.reg<2x16xf32, {{.+}}> -> !tile.reg<2x16xbf16, #tile.layout<local(2,2).spatial(1,8)>>
// CHECK: tile.store_global %[[Y]], %{{.+}}[%[[M0]], %[[N0]]] {in_bounds}
// The host fills the sums before the main launch and hands the same buffer to both.
// CHECK-LABEL: func.func @int_zero_points(
// CHECK: %[[BA:.+]] = memref.cast %{{.+}} : memref<256xi8> to memref<?xi8>
// CHECK: %[[PZB:.+]] = lowbit.pack %{{.+}} : tensor<32x4xui4> -> tensor<32x2xi8>
// CHECK: %[[BZ:.+]] = memref.cast %{{.+}} : memref<64xi8> to memref<?xi8>
// CHECK: %[[MSUM:.+]] = memref.alloc() : memref<8xf32>
// CHECK: %[[BSUM:.+]] = memref.cast %[[MSUM]] : memref<8xf32> to memref<?xf32>
// CHECK: tile.launch @mpgemm_sums_0(%[[BA]], %[[BSUM]]) : (memref<?xi8>, memref<?xf32>) -> ()
// CHECK: tile.launch @mpgemm_0(%[[BA]], %{{.+}}, %{{.+}}, %[[BZ]], %[[BSUM]], %{{.+}}, %{{.+}}) : (memref<?xi8>, memref<?xi8>, memref<?xf16>, memref<?xi8>, memref<?xf32>, memref<?xf32>, memref<?xbf16>) -> ()
// CHECK: bufferization.to_tensor %{{.+}} restrict writable : memref<2x32xbf16> to tensor<2x32xbf16>
func.func @int_zero_points(%a: tensor<2x128xsi8>, %as: tensor<2xf32>, %w: tensor<32x128xui4>,
                           %s: tensor<32x4xf16>, %z: tensor<32x4xui4>) -> tensor<2x32xbf16> {
  %y = lowbit.mpgemm %a, %w scale(%s) zero(%z) act_scale(%as)
         {schedule = #lowbit.schedule<int8_dot, workers = 8, tile = [2, 16, 32], scale_groups = 2>,
          weight_scheme = #lowbit.scheme<group(axis = 1, size = 32), scale = f16, zero = int>,
          act_scheme = #lowbit.scheme<per_channel(axis = 0), scale = f32>}
         : (tensor<2x128xsi8>, tensor<32x128xui4>, tensor<32x4xf16>, tensor<32x4xui4>,
            tensor<2xf32>) -> tensor<2x32xbf16>
  return %y : tensor<2x32xbf16>
}

// -----

// Constant scales and zero points in groups are re-laid-out group-major ([G, N]) at compile
// time and viewed with rows of N: row g holds every column's value of group g. Integer zero
// points become their values in bytes (si4 codes sign-extended), which the kernel views as
// si8 before widening.
// CHECK: tile.kernel @mpgemm_{{[0-9]+}}(%arg0: memref<?xf32>, %arg1: memref<?xi32>, %arg2: memref<?xf16>, %arg3: memref<?xi8>,
// CHECK: tile.global_view %arg2 sizes(%c2, %c8) strides(%c8, %c1)
// CHECK: %[[VZ:.+]] = tile.global_view %arg3 sizes(%c2, %c8) strides(%c8, %c1)
// CHECK: %[[Z:.+]] = tile.load_global %[[VZ]]{{.+}} : !tile.global<?x?xi8> -> !tile.reg<2x8xi8, [[GROUPS:#tile.layout<.+>]]>
// CHECK: %[[ZS:.+]] = tile.view %[[Z]] : !tile.reg<2x8xi8, [[GROUPS]]> -> !tile.reg<2x8xsi8, [[GROUPS]]>
// CHECK: tile.cast %[[ZS]] : !tile.reg<2x8xsi8, [[GROUPS]]> -> !tile.reg<2x8xf32, [[GROUPS]]>
// CHECK-LABEL: func.func @group_major_constants(
// CHECK-DAG: arith.constant dense<{{\[\[}}0.000000e+00, 2.000000e+00, 4.000000e+00, 6.000000e+00, 8.000000e+00, 1.000000e+01, 1.200000e+01, 1.400000e+01], [1.000000e+00, 3.000000e+00, 5.000000e+00, 7.000000e+00, 9.000000e+00, 1.100000e+01, 1.300000e+01, 1.500000e+01]]> : tensor<2x8xf16>
// CHECK-DAG: arith.constant dense<{{\[\[}}-8, -6, -4, -2, 0, 2, 4, 6], [-7, -5, -3, -1, 1, 3, 5, 7]]> : tensor<2x8xi8>
// CHECK: tile.launch @mpgemm_{{[0-9]+}}({{.+}}) : (memref<?xf32>, memref<?xi32>, memref<?xf16>, memref<?xi8>, memref<?xf32>, memref<?xf32>) -> ()
func.func @group_major_constants(%a: tensor<1x32xf32>) -> tensor<1x8xf32> {
  %w = arith.constant dense<3> : tensor<8x32xsi4>
  %s = arith.constant dense<[[0.0, 1.0], [2.0, 3.0], [4.0, 5.0], [6.0, 7.0], [8.0, 9.0],
                             [10.0, 11.0], [12.0, 13.0], [14.0, 15.0]]> : tensor<8x2xf16>
  %z = arith.constant dense<[[-8, -7], [-6, -5], [-4, -3], [-2, -1], [0, 1], [2, 3], [4, 5],
                             [6, 7]]> : tensor<8x2xsi4>
  %y = lowbit.mpgemm %a, %w scale(%s) zero(%z)
         {schedule = #lowbit.schedule<fma, workers = 8, tile = [1, 8, 16], packing = prepacked,
                                      scale_groups = 2>,
          weight_scheme = #lowbit.scheme<group(axis = 1, size = 16), scale = f16, zero = int>}
         : (tensor<1x32xf32>, tensor<8x32xsi4>, tensor<8x2xf16>, tensor<8x2xsi4>)
           -> tensor<1x8xf32>
  return %y : tensor<1x8xf32>
}

// -----

// 5 groups in blocks of 2: the last block holds one group, so each unrolled group is guarded by
// `group < 5` and the loads of a block's scales and zero points (f16 values here) are masked.
// CHECK-LABEL: tile.kernel @mpgemm_0(
// CHECK-SAME: grid [1, 1] workers 8 {
// CHECK: %[[VS:.+]] = tile.global_view %arg2 sizes(%c5, %c16) strides(%c1, %c5)
// CHECK: %[[VZ:.+]] = tile.global_view %arg3 sizes(%c5, %c16) strides(%c1, %c5)
// CHECK: scf.for %[[B:.+]] = %c0 to %c3 step %c1 iter_args(%[[A0:.+]] = %{{.+}})
// CHECK: %[[G0:.+]] = arith.muli %[[B]], %c2 : index
// CHECK: tile.load_global %[[VS]][%[[G0]], %{{.+}}] : !tile.global<?x?xf16> -> !tile.reg<2x16xf16, #tile.layout<column_local(2,2).spatial(1,8)>>
// CHECK: %[[ZH:.+]] = tile.load_global %[[VZ]][%[[G0]], %{{.+}}] : !tile.global<?x?xf16> -> !tile.reg<2x16xf16, #tile.layout<column_local(2,2).spatial(1,8)>>
// CHECK: tile.cast %[[ZH]]
// CHECK: %[[G:.+]] = arith.addi %[[G0]], %c0 : index
// CHECK: %[[IN:.+]] = arith.cmpi slt, %[[G]], %c5 : index
// CHECK: %[[R0:.+]] = scf.if %[[IN]] -> (!tile.reg<4x16xf32, #tile.layout<local(4,2).spatial(1,8)>>) {
// CHECK: tile.dot
// CHECK: } else {
// CHECK-NEXT: scf.yield %[[A0]]
// CHECK: %[[G1:.+]] = arith.addi %[[G0]], %c1 : index
// CHECK: %[[IN1:.+]] = arith.cmpi slt, %[[G1]], %c5 : index
// CHECK: %[[R1:.+]] = scf.if %[[IN1]]
// CHECK: } else {
// CHECK-NEXT: scf.yield %[[R0]]
// CHECK: scf.yield %[[R1]]
func.func @partial_group_block(%a: tensor<4x160xf32>, %w: tensor<16x160xui4>, %s: tensor<16x5xf16>,
                               %z: tensor<16x5xf16>) -> tensor<4x16xf32> {
  %y = lowbit.mpgemm %a, %w scale(%s) zero(%z)
         {schedule = #lowbit.schedule<fma, workers = 8, tile = [4, 16, 32], scale_groups = 2>,
          weight_scheme = #lowbit.scheme<group(axis = 1, size = 32), scale = f16, zero = float>}
         : (tensor<4x160xf32>, tensor<16x160xui4>, tensor<16x5xf16>, tensor<16x5xf16>)
         -> tensor<4x16xf32>
  return %y : tensor<4x16xf32>
}

// -----

// int8_dot with prepacked signed codes: each si4 code is stored as an unsigned code + 8 (the
// sign bit flipped), the kernel reads ui4 and subtracts 8 * sum(a), so the activation sums are
// computed though the op has no zero points. Row n of the weight: -8..-1, 0..7, then constants
// -1, 7, 0, 1, -8, 2, stored as 0..7, 8..15, 7, 15, 8, 9, 0, 10.
// CHECK-LABEL: tile.kernel @mpgemm_sums_0(
// CHECK-SAME: grid [1, 1] workers 8 {
// CHECK-LABEL: tile.kernel @mpgemm_0(
// CHECK-SAME: %{{[^:]+}}: memref<?xi8>, %{{[^:]+}}: memref<?xi32>, %{{[^:]+}}: memref<?xf32>, %[[SUM:[^:]+]]: memref<?xf32>, %{{[^:]+}}: memref<?xf32>, %{{[^:]+}}: memref<?xf32>)
// CHECK: %[[VSUM:.+]] = tile.global_view %[[SUM]] sizes(%c1, %c1)
// CHECK: %[[CODES:.+]] = tile.view %{{.+}} : !tile.reg<1x8xi32, #tile.layout<spatial(1,8)>> -> !tile.reg<8x8xui4, #tile.layout<local(8,1).spatial(1,8)>>
// CHECK: tile.dot %{{.+}}, %[[CODES]], %{{.+}} : !tile.reg<1x8xsi8, #tile.layout<local(1,8).replicated(8)>>, !tile.reg<8x8xui4, #tile.layout<local(8,1).spatial(1,8)>> -> !tile.reg<1x8xi32, #tile.layout<spatial(1,8)>>
// CHECK: %[[PF:.+]] = tile.cast
// CHECK: %[[EIGHT:.+]] = arith.constant 8.000000e+00 : f32
// CHECK: %[[OFF:.+]] = tile.splat %[[EIGHT]] : !tile.reg<1x8xf32, #tile.layout<spatial(1,8)>>
// CHECK: %[[RS:.+]] = tile.load_global %[[VSUM]]
// CHECK: %[[RSB:.+]] = tile.broadcast %[[RS]]
// CHECK: %[[CORR:.+]] = tile.mul %[[OFF]], %[[RSB]]
// CHECK: tile.sub %[[PF]], %[[CORR]]
// CHECK-LABEL: func.func @signed_prepacked_int8(
// CHECK: arith.constant dense<{{\[\[}}1985229328, -19088744, 2004318071, -1, -2004318072, -1717986919, 0, -1431655766]]> : tensor<1x8xi32>
// CHECK: tile.launch @mpgemm_sums_0(
// CHECK: tile.launch @mpgemm_0(
func.func @signed_prepacked_int8(%a: tensor<1x8xsi8>, %as: tensor<f32>, %s: tensor<8xf32>)
    -> tensor<1x8xf32> {
  %w = arith.constant dense<[[-8, -7, -6, -5, -4, -3, -2, -1], [0, 1, 2, 3, 4, 5, 6, 7],
                             [-1, -1, -1, -1, -1, -1, -1, -1], [7, 7, 7, 7, 7, 7, 7, 7],
                             [0, 0, 0, 0, 0, 0, 0, 0], [1, 1, 1, 1, 1, 1, 1, 1],
                             [-8, -8, -8, -8, -8, -8, -8, -8], [2, 2, 2, 2, 2, 2, 2, 2]]>
       : tensor<8x8xsi4>
  %y = lowbit.mpgemm %a, %w scale(%s) act_scale(%as)
         {schedule = #lowbit.schedule<int8_dot, workers = 8, tile = [1, 8, 8], packing = prepacked>,
          weight_scheme = #lowbit.scheme<per_channel(axis = 0), scale = f32>,
          act_scheme = #lowbit.scheme<per_tensor, scale = f32>}
         : (tensor<1x8xsi8>, tensor<8x8xsi4>, tensor<8xf32>, tensor<f32>) -> tensor<1x8xf32>
  return %y : tensor<1x8xf32>
}

// -----

// int8_dot with prepacked 3-bit codes: stored in bit planes [2, 1] (a 2-bit plane of two words
// and a 1-bit plane of one word per lane), which the kernel views back as codes. Row n holds
// code n everywhere: word 0 and 1 of lane n are (n & 3) * 0x55555555, word 2 is 0 or all ones.
// CHECK-LABEL: tile.kernel @mpgemm_0(
// CHECK: tile.view %{{.+}} planes [2, 1] : !tile.reg<1x24xi32, #tile.layout<local(1,3).spatial(1,8)>> -> !tile.reg<32x8xui3,
// CHECK-LABEL: func.func @planar_prepacked_int8(
// CHECK: arith.constant dense<{{\[\[}}0, 1431655765, -1431655766, -1, 0, 1431655765, -1431655766, -1, 0, 1431655765, -1431655766, -1, 0, 1431655765, -1431655766, -1, 0, 0, 0, 0, -1, -1, -1, -1]]> : tensor<1x24xi32>
func.func @planar_prepacked_int8(%a: tensor<1x32xsi8>, %as: tensor<f32>, %s: tensor<8xf32>)
    -> tensor<1x8xf32> {
  %w = arith.constant dense<[[0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
                              0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
                             [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
                              1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1],
                             [2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,
                              2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2],
                             [3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3,
                              3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3],
                             [4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4,
                              4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4],
                             [5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5,
                              5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5],
                             [6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6,
                              6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6],
                             [7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7,
                              7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7]]>
       : tensor<8x32xui3>
  %y = lowbit.mpgemm %a, %w scale(%s) act_scale(%as)
         {schedule = #lowbit.schedule<int8_dot, workers = 8, tile = [1, 8, 32], packing = prepacked>,
          weight_scheme = #lowbit.scheme<per_channel(axis = 0), scale = f32>,
          act_scheme = #lowbit.scheme<per_tensor, scale = f32>}
         : (tensor<1x32xsi8>, tensor<8x32xui3>, tensor<8xf32>, tensor<f32>) -> tensor<1x8xf32>
  return %y : tensor<1x8xf32>
}

// -----

// int8_dot with 4-bit float weights (MXFP4): the codes index a byte table of their doubled
// values plus 12 (held by every worker, read as ui5 codes), the kernel subtracts 12 * sum(a)
// per group and halves the result.
// CHECK-LABEL: tile.kernel @mpgemm_sums_0(
// CHECK-LABEL: tile.kernel @mpgemm_0(
// CHECK: %[[TABLE:.+]] = tile.cast %{{.+}} : !tile.reg<1x16xi8, #tile.layout<local(1,16).replicated(8)>> -> !tile.reg<1x16xui5, #tile.layout<local(1,16).replicated(8)>>
// CHECK: %[[CODES:.+]] = tile.view %{{.+}} -> !tile.reg<32x8xui4,
// CHECK: %[[VALUES:.+]] = tile.lookup %[[TABLE]][%[[CODES]]] : !tile.reg<1x16xui5, #tile.layout<local(1,16).replicated(8)>>, !tile.reg<32x8xui4, {{.+}}> -> !tile.reg<32x8xui5,
// CHECK: tile.dot %{{.+}}, %[[VALUES]], %{{.+}} : !tile.reg<1x32xsi8, {{.+}}>, !tile.reg<32x8xui5,
// CHECK: arith.constant 1.200000e+01 : f32
// CHECK: %[[HALF:.+]] = arith.constant 5.000000e-01 : f32
// CHECK: tile.splat %[[HALF]]
// CHECK-LABEL: func.func @fp4_int8(
// CHECK: tile.launch @mpgemm_sums_0(
// CHECK: arith.constant dense<[12, 13, 14, 15, 16, 18, 20, 24, 12, 11, 10, 9, 8, 6, 4, 0]> : tensor<16xi8>
// CHECK: tile.launch @mpgemm_0(
func.func @fp4_int8(%a: tensor<1x32xsi8>, %as: tensor<f32>, %w: tensor<8x32xf4E2M1FN>,
                    %s: tensor<8x1xf8E8M0FNU>) -> tensor<1x8xf32> {
  %y = lowbit.mpgemm %a, %w scale(%s) act_scale(%as)
         {schedule = #lowbit.schedule<int8_dot, workers = 8, tile = [1, 8, 32]>,
          weight_scheme = #lowbit.scheme<group(axis = 1, size = 32), scale = f8E8M0FNU>,
          act_scheme = #lowbit.scheme<per_tensor, scale = f32>}
         : (tensor<1x32xsi8>, tensor<8x32xf4E2M1FN>, tensor<8x1xf8E8M0FNU>, tensor<f32>)
        -> tensor<1x8xf32>
  return %y : tensor<1x8xf32>
}

// -----

// packing = prepacked for weights that are neither constants (dense elements) nor arguments
// marked lowbit.prepack (prefill): the host prepacks them on every call, into a scratch buffer
// of words that the main kernel reads, before launching it.
// CHECK-LABEL: tile.kernel @mpgemm_prepack_0(
// CHECK-LABEL: tile.kernel @mpgemm_0(
// CHECK-SAME: %{{[^:]+}}: memref<?xf32>, %{{[^:]+}}: memref<?xi32>,
// CHECK-LABEL: func.func @prepacked_per_call(
// CHECK: %[[WORDS:.+]] = memref.alloc() : memref<2x64xi32>
// CHECK: %[[FLAT:.+]] = memref.cast %{{.+}} : memref<128xi32> to memref<?xi32>
// CHECK: lowbit.pack %{{.+}} : tensor<16x64xui4> -> tensor<16x32xi8>
// CHECK: tile.launch @mpgemm_prepack_0(%{{.+}}, %[[FLAT]])
// CHECK: tile.launch @mpgemm_0(%{{.+}}, %[[FLAT]],
func.func @prepacked_per_call(%a: tensor<4x64xf32>, %w: tensor<16x64xui4>, %s: tensor<16xf32>)
    -> tensor<4x16xf32> {
  %y = lowbit.mpgemm %a, %w scale(%s)
         {schedule = #lowbit.schedule<fma, workers = 8, tile = [4, 16, 32], packing = prepacked>,
          weight_scheme = #lowbit.scheme<per_channel(axis = 0), scale = f32>}
         : (tensor<4x64xf32>, tensor<16x64xui4>, tensor<16xf32>) -> tensor<4x16xf32>
  return %y : tensor<4x16xf32>
}

// -----

// The epilogue: tensor scale, then bias (f16, read per block of columns), then the result
// type (f16). Per-channel integer zero points are turned into f32 values on the host (a
// lowbit.dequantize with unit scales) and still folded through the activation sums. Rank-3
// activations (M = 2 x 3 = 6) are flattened. unroll = 2 takes the 4 steps of 16 codes two at
// a time. The bf16 activations are widened once (@mpgemm_widen_0); the sums and the main
// kernel read f32.
// CHECK-LABEL: tile.kernel @mpgemm_widen_0(
// CHECK-SAME: %{{[^:]+}}: memref<?xbf16>, %{{[^:]+}}: memref<?xf32>) grid [6, 1] workers 8 {
// CHECK-LABEL: tile.kernel @mpgemm_sums_0(
// CHECK-SAME: %{{[^:]+}}: memref<?xf32>, %{{[^:]+}}: memref<?xf32>) grid [6, 1] workers 8 {
// CHECK: tile.load_global {{.+}} -> !tile.reg<1x64xf32, #tile.layout<spatial(1,8).local(1,8)>>
// CHECK: tile.reduce add
// CHECK-LABEL: tile.kernel @mpgemm_0(
// CHECK-SAME: %{{[^:]+}}: memref<?xf32>, %{{[^:]+}}: memref<?xi8>, %{{[^:]+}}: memref<?xf32>, %[[Z:[^:]+]]: memref<?xf32>, %{{[^:]+}}: memref<?xf32>, %[[BIAS:[^:]+]]: memref<?xf16>, %[[TS:[^:]+]]: memref<?xf32>, %[[OUT:[^:]+]]: memref<?xf16>)
// CHECK-SAME: grid [3, 3] workers 8 {
// CHECK: %[[N0:.+]] = arith.muli %{{.+}}, %c8 : index
// CHECK: %[[M0:.+]] = arith.muli %{{.+}}, %c2 : index
// CHECK: %[[VA:.+]] = tile.global_view %arg0 sizes(%c6, %c64)
// CHECK: %[[VZ:.+]] = tile.global_view %[[Z]] sizes(%c1, %c24)
// CHECK: %[[VB:.+]] = tile.global_view %[[BIAS]] sizes(%c1, %c24) strides(%c24, %c1)
// CHECK: %[[VT:.+]] = tile.global_view %[[TS]] sizes(%c1, %c1)
// CHECK: %[[VO:.+]] = tile.global_view %[[OUT]] sizes(%c6, %c24) strides(%c24, %c1)
// CHECK: %[[ACC:.+]] = scf.for
// CHECK: tile.load_global %[[VZ]][%{{.+}}, %[[N0]]] {in_bounds} : !tile.global<?x?xf32> -> !tile.reg<1x8xf32, #tile.layout<spatial(1,8)>>
// CHECK: scf.for %[[STEP:.+]] = %c0 to %c4 step %c2 iter_args(%[[P0:.+]] = %{{.+}})
// CHECK: %[[A1:.+]] = tile.load_global %[[VA]][%[[M0]], %{{.+}}] {in_bounds} : !tile.global<?x?xf32> -> !tile.reg<2x16xf32, #tile.layout<local(2,16).replicated(8)>>
// CHECK: %[[D1:.+]] = tile.dot %{{.+}}, %{{.+}}, %[[P0]] : !tile.reg<2x16xf32, {{.+}}>, !tile.reg<16x8xf32, #tile.layout<local(16,1).spatial(1,8)>> -> !tile.reg<2x8xf32, #tile.layout<local(2,1).spatial(1,8)>>
// CHECK: %[[SECOND:.+]] = arith.addi %[[STEP]], %c1 : index
// CHECK: %[[D2:.+]] = tile.dot %{{.+}}, %{{.+}}, %[[D1]]
// CHECK-NEXT: scf.yield %[[D2]]
// CHECK: tile.sub
// CHECK: %[[T:.+]] = tile.load_global %[[VT]][%c0, %c0] {in_bounds}
// CHECK: %[[TB:.+]] = tile.broadcast %[[T]]
// CHECK: %[[Y1:.+]] = tile.mul %[[ACC]], %[[TB]]
// CHECK: %[[BH:.+]] = tile.load_global %[[VB]][%c0, %[[N0]]] {in_bounds} : !tile.global<?x?xf16> -> !tile.reg<1x8xf16, #tile.layout<spatial(1,8)>>
// CHECK: %[[BF:.+]] = tile.cast %[[BH]]
// CHECK: %[[BB:.+]] = tile.broadcast %[[BF]]
// CHECK: %[[Y2:.+]] = tile.add %[[Y1]], %[[BB]]
// CHECK: %[[Y3:.+]] = tile.cast %[[Y2]] : !tile.reg<2x8xf32, {{.+}}> -> !tile.reg<2x8xf16, #tile.layout<local(2,1).spatial(1,8)>>
// CHECK: tile.store_global %[[Y3]], %[[VO]][%[[M0]], %[[N0]]] {in_bounds}
// CHECK-LABEL: func.func @epilogue(
// CHECK-SAME: %[[TA:[^:]+]]: tensor<2x3x64xbf16>, %{{[^:]+}}: tensor<24x64xui8>, %{{[^:]+}}: tensor<24xf32>, %[[TZ:[^:]+]]: tensor<24xui8>
// CHECK: memref.collapse_shape %{{.+}} {{\[\[}}0, 1, 2]] : memref<2x3x64xbf16> into memref<384xbf16>
// CHECK: tile.launch @mpgemm_widen_0(
// CHECK: %[[ONE:.+]] = arith.constant dense<1.000000e+00> : tensor<f32>
// CHECK: %[[ZV:.+]] = lowbit.dequantize %[[TZ]] scale(%[[ONE]]) {scheme = #lowbit.scheme<per_tensor, scale = f32>} : (tensor<24xui8>, tensor<f32>) -> tensor<24xf32>
// CHECK: bufferization.to_buffer %[[ZV]] read_only
// CHECK: %[[MO:.+]] = memref.alloc() : memref<2x3x24xf16>
// CHECK: memref.collapse_shape %[[MO]] {{\[\[}}0, 1, 2]] : memref<2x3x24xf16> into memref<144xf16>
// CHECK: tile.launch @mpgemm_0(
// CHECK: bufferization.to_tensor %[[MO]] restrict writable : memref<2x3x24xf16> to tensor<2x3x24xf16>
func.func @epilogue(%a: tensor<2x3x64xbf16>, %w: tensor<24x64xui8>, %s: tensor<24xf32>,
                    %z: tensor<24xui8>, %t: tensor<f32>, %b: tensor<24xf16>)
    -> tensor<2x3x24xf16> {
  %y = lowbit.mpgemm %a, %w scale(%s) zero(%z) tensor_scale(%t) bias(%b)
         {schedule = #lowbit.schedule<fma, workers = 8, tile = [2, 8, 16], unroll = 2>,
          weight_scheme = #lowbit.scheme<per_channel(axis = 0), scale = f32, zero = int,
                                         tensor_scale>}
         : (tensor<2x3x64xbf16>, tensor<24x64xui8>, tensor<24xf32>, tensor<24xui8>, tensor<f32>,
            tensor<24xf16>) -> tensor<2x3x24xf16>
  return %y : tensor<2x3x24xf16>
}

// -----

// Ops without a schedule are left to lowbit-to-linalg.
// CHECK-LABEL: func.func @no_schedule(
// CHECK-NOT: tile.
// CHECK: lowbit.mpgemm
// CHECK-NOT: tile.
// CHECK: return
func.func @no_schedule(%a: tensor<4x64xf32>, %w: tensor<16x64xui4>, %s: tensor<16xf32>)
    -> tensor<4x16xf32> {
  %y = lowbit.mpgemm %a, %w scale(%s)
         {weight_scheme = #lowbit.scheme<per_channel(axis = 0), scale = f32>}
         : (tensor<4x64xf32>, tensor<16x64xui4>, tensor<16xf32>) -> tensor<4x16xf32>
  return %y : tensor<4x16xf32>
}

// -----

// Interchange 4-bit weights read in the dot's byte order: the kernel views each worker's bytes
// with the byte-order layout, and the host permutes the 8-bit activation codes to match
// (within each run of 8 codes, a'[4c + i] = a[2i + c]): [2, 128] expanded to [2, 16, 4, 2],
// the last two dimensions transposed, collapsed back, before the launch.
// CHECK-LABEL: tile.kernel @mpgemm_0(
// CHECK: tile.view %{{.+}} : !tile.reg<16x16xi8, #tile.layout<local(2,16).spatial(8,1)>> -> !tile.reg<32x16xui4, #tile.layout<layout<shape=[32,16], modes=[4,2,4,2,8], spatial=[4], local=[3,0,2,1]>>>
// CHECK: tile.dot
// CHECK-LABEL: func.func @byte_order_interchange(
// CHECK: %[[SPLIT:.+]] = tensor.expand_shape %{{.+}} {{\[\[}}0], [1, 2, 3]] output_shape [2, 16, 4, 2] : tensor<2x128xi8> into tensor<2x16x4x2xi8>
// CHECK: %[[INIT:.+]] = tensor.empty() : tensor<2x16x2x4xi8>
// CHECK: %[[SWAP:.+]] = linalg.transpose ins(%[[SPLIT]] : tensor<2x16x4x2xi8>) outs(%[[INIT]] : tensor<2x16x2x4xi8>) permutation = [0, 1, 3, 2]
// CHECK: %[[BACK:.+]] = tensor.collapse_shape %[[SWAP]] {{\[\[}}0], [1, 2, 3]] : tensor<2x16x2x4xi8> into tensor<2x128xi8>
// CHECK: bufferization.to_buffer %[[BACK]] read_only
// CHECK: tile.launch @mpgemm_0(
func.func @byte_order_interchange(%a: tensor<2x128xsi8>, %w: tensor<32x128xui4>,
                                  %s: tensor<32x1xf16>, %as: tensor<2xf32>) -> tensor<2x32xf32> {
  %y = lowbit.mpgemm %a, %w scale(%s) act_scale(%as)
         {schedule = #lowbit.schedule<int8_dot, workers = 8, tile = [2, 16, 32],
             weight_layout = #tile.layout<layout<shape=[32,16], modes=[4,2,4,2,8], spatial=[4], local=[3,0,2,1]>>>,
          weight_scheme = #lowbit.scheme<group(axis = 1, size = 128), scale = f16>,
          act_scheme = #lowbit.scheme<per_channel(axis = 0), scale = f32>}
         : (tensor<2x128xsi8>, tensor<32x128xui4>, tensor<32x1xf16>, tensor<2xf32>) -> tensor<2x32xf32>
  return %y : tensor<2x32xf32>
}

// -----

// K = 160 in groups of 64: the step loop of a group stops at the last step that starts inside
// K (2 steps of 32 in the first two groups, 1 in the last), so the steps stay in bounds.
// CHECK-LABEL: tile.kernel @mpgemm_0(
// CHECK: %[[K0:.+]] = arith.muli %{{.+}}, %c64 : index
// CHECK: %[[LEFT:.+]] = arith.subi %c160, %[[K0]] : index
// CHECK: %[[UP:.+]] = arith.addi %[[LEFT]], %c31 : index
// CHECK: %[[STEPS:.+]] = arith.divui %[[UP]], %c32 : index
// CHECK: %[[END:.+]] = arith.minui %c2, %[[STEPS]] : index
// CHECK: scf.for %{{.+}} = %c0 to %[[END]] step %c1
// CHECK: tile.load_global {{.+}} {in_bounds}
func.func @partial_last_group(%a: tensor<1x160xf16>, %w: tensor<16x160xui4>, %s: tensor<16x3xf16>)
    -> tensor<1x16xf32> {
  %y = lowbit.mpgemm %a, %w scale(%s)
         {schedule = #lowbit.schedule<fma, workers = 8, tile = [1, 16, 32]>,
          weight_scheme = #lowbit.scheme<group(axis = 1, size = 64), scale = f16>}
         : (tensor<1x160xf16>, tensor<16x160xui4>, tensor<16x3xf16>) -> tensor<1x16xf32>
  return %y : tensor<1x16xf32>
}

// -----

// prefetch = D: each step asks for the weights D steps ahead. Interchange packing: the
// [TN, TK * bits / 8] bytes of the block's rows, D * 16 bytes further along K (8 * 16 = 128);
// prepacked: the block's row of words D rows further (the next steps, then the next block's).
// CHECK-LABEL: tile.kernel @mpgemm_0(
// CHECK: %[[VW:.+]] = tile.global_view %arg1 sizes(%c32, %c128) strides(%c128, %c1)
// CHECK: tile.load_global %[[VW]][%[[N0:.+]], %[[KB:.+]]] {in_bounds} : !tile.global<?x?xi8> -> !tile.reg<16x16xi8
// CHECK: %[[AHEAD:.+]] = arith.addi %[[KB]], %c128 : index
// CHECK: tile.prefetch_global %[[VW]][%[[N0]], %[[AHEAD]]] sizes [16, 16] : !tile.global<?x?xi8>
// CHECK-LABEL: tile.kernel @mpgemm_1(
// CHECK: %[[VP:.+]] = tile.global_view %arg1 sizes(%c16, %c64) strides(%c64, %c1)
// CHECK: tile.load_global %[[VP]][%[[ROW:.+]], %c0] {in_bounds} : !tile.global<?x?xi32> -> !tile.reg<1x64xi32
// CHECK: %[[NEXT:.+]] = arith.addi %[[ROW]], %c4 : index
// CHECK: tile.prefetch_global %[[VP]][%[[NEXT]], %c0] sizes [1, 64] : !tile.global<?x?xi32>
// The prepack kernel prefetches nothing.
// CHECK-LABEL: tile.kernel @mpgemm_prepack_1(
// CHECK-NOT: tile.prefetch_global
// CHECK: tile.return
func.func @prefetch_interchange(%a: tensor<1x256xsi8>, %as: tensor<f32>, %w: tensor<32x256xui4>,
                                %s: tensor<32x2xf16>) -> tensor<1x32xf32> {
  %y = lowbit.mpgemm %a, %w scale(%s) act_scale(%as)
         {schedule = #lowbit.schedule<int8_dot, workers = 8, tile = [1, 16, 32], prefetch = 8>,
          weight_scheme = #lowbit.scheme<group(axis = 1, size = 128), scale = f16>,
          act_scheme = #lowbit.scheme<per_tensor, scale = f32>}
         : (tensor<1x256xsi8>, tensor<32x256xui4>, tensor<32x2xf16>, tensor<f32>)
         -> tensor<1x32xf32>
  return %y : tensor<1x32xf32>
}

func.func @prefetch_prepacked(%a: tensor<1x256xf32>, %w: tensor<32x256xui4> {lowbit.prepack},
                             %s: tensor<32x2xf16>) -> tensor<1x32xf32> {
  %y = lowbit.mpgemm %a, %w scale(%s)
         {schedule = #lowbit.schedule<fma, workers = 8, tile = [1, 16, 32], packing = prepacked, prefetch = 4>,
          weight_scheme = #lowbit.scheme<group(axis = 1, size = 128), scale = f16>}
         : (tensor<1x256xf32>, tensor<32x256xui4>, tensor<32x2xf16>) -> tensor<1x32xf32>
  return %y : tensor<1x32xf32>
}

// -----

// Ops of the same shapes, types and schedules launch one kernel (built once); an op of
// another N gets its own. The activation sums of the shared input are made once, by the
// first op, and read by all three.
// CHECK-LABEL: tile.kernel @mpgemm_sums_0(
// CHECK-LABEL: tile.kernel @mpgemm_0(
// CHECK-LABEL: tile.kernel @mpgemm_1(
// CHECK-NOT: tile.kernel
// CHECK-LABEL: func.func @shared_kernels(
// CHECK: tile.launch @mpgemm_sums_0(%[[ACT:[^,]+]], %[[SUMS:[^)]+]])
// CHECK: tile.launch @mpgemm_0(%[[ACT]], %{{[^,]+}}, %{{[^,]+}}, %{{[^,]+}}, %[[SUMS]],
// CHECK-NOT: mpgemm_sums
// CHECK: tile.launch @mpgemm_0(%[[ACT]], %{{[^,]+}}, %{{[^,]+}}, %{{[^,]+}}, %[[SUMS]],
// CHECK-NOT: mpgemm_sums
// CHECK: tile.launch @mpgemm_1(%[[ACT]], %{{[^,]+}}, %{{[^,]+}}, %{{[^,]+}}, %[[SUMS]],
func.func @shared_kernels(%a: tensor<2x64xsi8>, %as: tensor<2xf32>, %w1: tensor<32x64xui4>,
                          %w2: tensor<32x64xui4>, %w3: tensor<16x64xui4>, %s: tensor<32x2xf16>,
                          %s3: tensor<16x2xf16>, %z: tensor<32x2xui4>, %z3: tensor<16x2xui4>)
    -> (tensor<2x32xf32>, tensor<2x32xf32>, tensor<2x16xf32>) {
  %y1 = lowbit.mpgemm %a, %w1 scale(%s) zero(%z) act_scale(%as)
          {schedule = #lowbit.schedule<int8_dot, workers = 8, tile = [2, 16, 32], scale_groups = 2>,
           weight_scheme = #lowbit.scheme<group(axis = 1, size = 32), scale = f16, zero = int>,
           act_scheme = #lowbit.scheme<per_channel(axis = 0), scale = f32>}
          : (tensor<2x64xsi8>, tensor<32x64xui4>, tensor<32x2xf16>, tensor<32x2xui4>,
             tensor<2xf32>) -> tensor<2x32xf32>
  %y2 = lowbit.mpgemm %a, %w2 scale(%s) zero(%z) act_scale(%as)
          {schedule = #lowbit.schedule<int8_dot, workers = 8, tile = [2, 16, 32], scale_groups = 2>,
           weight_scheme = #lowbit.scheme<group(axis = 1, size = 32), scale = f16, zero = int>,
           act_scheme = #lowbit.scheme<per_channel(axis = 0), scale = f32>}
          : (tensor<2x64xsi8>, tensor<32x64xui4>, tensor<32x2xf16>, tensor<32x2xui4>,
             tensor<2xf32>) -> tensor<2x32xf32>
  %y3 = lowbit.mpgemm %a, %w3 scale(%s3) zero(%z3) act_scale(%as)
          {schedule = #lowbit.schedule<int8_dot, workers = 8, tile = [2, 16, 32], scale_groups = 2>,
           weight_scheme = #lowbit.scheme<group(axis = 1, size = 32), scale = f16, zero = int>,
           act_scheme = #lowbit.scheme<per_channel(axis = 0), scale = f32>}
          : (tensor<2x64xsi8>, tensor<16x64xui4>, tensor<16x2xf16>, tensor<16x2xui4>,
             tensor<2xf32>) -> tensor<2x16xf32>
  return %y1, %y2, %y3 : tensor<2x32xf32>, tensor<2x32xf32>, tensor<2x16xf32>
}
