// RUN: lowbit-opt %s --lowbit-to-tile --cse | FileCheck %s

// The fused attention kernels of lowbit-to-tile (lib/Conversion/LowbitToTile/AttentionKernel.h
// has their structure) for a decode step: 8 query heads over 2 KV heads (R = 4 rows per KV
// head), 100 cached f16 tokens in 2 parts of 64 (split_k), a causal and an additive mask,
// soft-capping and sinks. The schedule is written here, so the kernels do not depend on the
// cost model.

// The main kernel: grid [row blocks, B * Hkv, parts], one lane per row.
// CHECK-LABEL: tile.kernel @attention_0(
// CHECK-SAME: %[[QT:[^:]+]]: memref<?xf32>, %[[K:[^:]+]]: memref<?xf16>, %[[V:[^:]+]]: memref<?xf16>, %[[LIM:[^:]+]]: memref<?xf32>, %[[MASK:[^:]+]]: memref<?xf32>, %[[O:[^:]+]]: memref<?xf32>, %[[M:[^:]+]]: memref<?xf32>, %[[L:[^:]+]]: memref<?xf32>)
// CHECK-SAME: grid [1, 2, 2] workers 4 {
// The transposed queries [BH * D, R] as [R, BH * D]; K^T and V end at this head's last key.
// CHECK: %[[HEAD:.+]] = tile.block_index 1
// CHECK: %[[NEXTHEAD:.+]] = arith.addi %[[HEAD]], %c1
// CHECK: %[[KEYEND:.+]] = arith.muli %[[NEXTHEAD]], %c100
// CHECK: tile.global_view %[[QT]] sizes(%c4, %c128) strides(%c1, %c4)
// CHECK: %[[KT:.+]] = tile.global_view %[[K]] sizes(%c64, %[[KEYEND]]) strides(%c1, %c64)
// CHECK: %[[VV:.+]] = tile.global_view %[[V]] sizes(%[[KEYEND]], %c32) strides(%c32, %c1)
// The running maximum starts far below every score; the keys' positions are an iota.
// CHECK: tile.iota 1 : !tile.reg<4x16xf32, #tile.layout<local(1,16).spatial(4,1)>>
// CHECK: arith.constant -1.000000e+30 : f32
// Whole steps of 16 keys: the next step prefetched, the scores over D in steps of 8 (queries
// one row per lane, K^T replicated with each token's channels in consecutive locals).
// CHECK: scf.for %{{.+}} = %{{.+}} to %[[WHOLE:.+]] step %c16 iter_args(
// CHECK: tile.prefetch_global %[[KT]][%c0, %{{.+}}] sizes [64, 16]
// CHECK: tile.prefetch_global %[[VV]][%{{.+}}, %c0] sizes [16, 32]
// CHECK: scf.for %{{.+}} = %c0 to %c64 step %c8
// CHECK: tile.load_global %[[KT]][%{{.+}}] {in_bounds} : !tile.global<?x?xf16> -> !tile.reg<8x16xf16, #tile.layout<column_local(8,16).replicated(4)>>
// CHECK: tile.dot %{{.+}} : !tile.reg<4x8xf32, #tile.layout<local(1,8).spatial(4,1)>>, !tile.reg<8x16xf32, #tile.layout<column_local(8,16).replicated(4)>> -> !tile.reg<4x16xf32, #tile.layout<local(1,16).spatial(4,1)>>
// CHECK: tile.tanh
// CHECK: tile.load_global %{{.+}} {in_bounds} : !tile.global<?x?xf32> -> !tile.reg<4x16xf32
// CHECK: tile.reduce max
// CHECK: tile.exp
// CHECK: tile.exp
// CHECK: tile.reduce add
// o = o * alpha + p . V, 8 columns at a time.
// CHECK: scf.for %{{.+}} = %c0 to %c32 step %c8 {
// CHECK: tile.load_global %[[VV]][%{{.+}}] {in_bounds} : !tile.global<?x?xf16> -> !tile.reg<16x8xf16, #tile.layout<local(16,8).replicated(4)>>
// CHECK: tile.dot %{{.+}} : !tile.reg<4x16xf32, #tile.layout<local(1,16).spatial(4,1)>>, !tile.reg<16x8xf32, #tile.layout<local(16,8).replicated(4)>> -> !tile.reg<4x8xf32, #tile.layout<local(1,8).spatial(4,1)>>
// The last, partial step masks its loads and prefetches nothing.
// CHECK: scf.for %{{.+}} = %[[WHOLE]] to
// CHECK-NOT: tile.prefetch_global
// CHECK: tile.load_global %[[KT]][%{{.+}}] : !tile.global<?x?xf16> -> !tile.reg<8x16xf16
// CHECK: tile.return

// The merge kernel: the parts' states and the sinks (one per row) into the f16 result.
// CHECK-LABEL: tile.kernel @attention_merge_0(
// CHECK-SAME: grid [1, 2] workers 4 {
// CHECK: tile.maximum
// CHECK: tile.exp
// CHECK: tile.div
// CHECK: tile.cast %{{.+}} -> !tile.reg<4x8xf16
// CHECK: tile.return

// Host code: the scaled, transposed queries, the broadcast mask, the two launches, the sinks
// per row.
// CHECK-LABEL: func.func @decode(
// CHECK: linalg.generic {{.+}} ins(%{{.+}} : tensor<1x8x1x64xf16>) outs(%{{.+}} : tensor<1x2x64x4x1xf32>)
// CHECK: linalg.generic {{.+}} ins(%{{.+}} : tensor<1x1x1x100xf32>) outs(%{{.+}} : tensor<1x8x1x100xf32>)
// CHECK: tile.launch @attention_0(
// CHECK: linalg.generic {{.+}} ins(%{{.+}} : tensor<8xf32>) outs(%{{.+}} : tensor<2x4x1xf32>)
// CHECK: tile.launch @attention_merge_0(
// CHECK-NOT: lowbit.attention
func.func @decode(%q: tensor<1x8x1x64xf16>, %k: tensor<1x2x100x64xf16>,
                  %v: tensor<1x2x100x32xf16>, %m: tensor<1x1x1x100xf32>, %s: tensor<8xf32>)
    -> tensor<1x8x1x32xf16> {
  %o = lowbit.attention %q, %k, %v mask(%m) sinks(%s)
         {causal, softcap = 30.0 : f32,
          schedule = #lowbit.schedule<fma, workers = 4, tile = [4, 16, 8], split_k = 2>}
         : (tensor<1x8x1x64xf16>, tensor<1x2x100x64xf16>, tensor<1x2x100x32xf16>,
            tensor<1x1x1x100xf32>, tensor<8xf32>) -> tensor<1x8x1x32xf16>
  return %o : tensor<1x8x1x32xf16>
}
