// RUN: lowbit-opt %s --lowbit-to-tile --cse | FileCheck %s

// The fused attention kernel over a quantized KIVI cache (AttentionKernel.h): 8 query heads
// over 2 KV heads, 100 cached ui4 tokens in 2 parts; keys per channel in groups of 32 tokens
// with f16 scales and ui4 zero points, values per token (one group of the 32 channels) with
// f16 scales and f16 zero points. The schedule is written here.

// Codes arrive as interchange bytes, K's integer zero points as f32, the rest as given.
// CHECK-LABEL: tile.kernel @attention_0(
// CHECK-SAME: %[[QT:[^:]+]]: memref<?xf32>, %[[K:[^:]+]]: memref<?xi8>, %[[V:[^:]+]]: memref<?xi8>, %[[KS:[^:]+]]: memref<?xf16>, %[[KZ:[^:]+]]: memref<?xf32>, %[[VS:[^:]+]]: memref<?xf16>, %[[VZ:[^:]+]]: memref<?xf16>, %[[LIM:[^:]+]]: memref<?xf32>,
// K and V as [keys, bytes] views ending at the head's last key: 32 and 16 bytes a token.
// CHECK: %[[KEYEND:.+]] = arith.muli %{{.+}}, %c100
// CHECK: %[[KB:.+]] = tile.global_view %[[K]] sizes(%[[KEYEND]], %c32) strides(%c32, %c1)
// CHECK: %[[VB:.+]] = tile.global_view %[[V]] sizes(%[[KEYEND]], %c16) strides(%c16, %c1)
// Whole steps of 16 keys; over D in steps of 8 channels: each token's 8 codes are 4 bytes,
// viewed as a column of ui4 codes and converted to f32.
// CHECK: scf.for %[[J0:.+]] = %{{.+}} to %{{.+}} step %c16 iter_args(
// CHECK: scf.for %[[D0:.+]] = %c0 to %c64 step %c8 iter_args(%[[ACC:.+]] = %{{.+}}, %[[ZACC:.+]] = %{{.+}})
// CHECK: %[[Q:.+]] = tile.load_global {{.+}} -> !tile.reg<4x8xf32, #tile.layout<local(1,8).spatial(4,1)>>
// CHECK: %[[BYTES:.+]] = tile.load_global %[[KB]][{{.+}}] {in_bounds} : !tile.global<?x?xi8> -> !tile.reg<16x4xi8, #tile.layout<local(16,4).replicated(4)>>
// CHECK: %[[CODES:.+]] = tile.view %[[BYTES]] {{.+}} -> !tile.reg<8x16xui4, #tile.layout<column_local(8,16).replicated(4)>>
// CHECK: %[[KF:.+]] = tile.cast %[[CODES]] {{.+}} -> !tile.reg<8x16xf32, #tile.layout<column_local(8,16).replicated(4)>>
// K's scales are constant over the step's tokens (group j0 / 32): they multiply the queries,
// and the zero points' term (q s) . z is a second, [4, 1] dot.
// CHECK: %[[GROUP:.+]] = arith.divui %[[J0]], %c32
// CHECK: %[[KSV:.+]] = tile.global_view %[[KS]] sizes(%{{.+}}, %c64) strides(%c64, %c1)
// CHECK: %[[S:.+]] = tile.load_global %[[KSV]][%{{.+}}, %[[D0]]] {in_bounds} : !tile.global<?x?xf16> -> !tile.reg<1x8xf16
// CHECK: %[[SF:.+]] = tile.cast %[[S]]
// CHECK: %[[SB:.+]] = tile.broadcast %[[SF]] {{.+}} -> !tile.reg<4x8xf32, #tile.layout<local(1,8).spatial(4,1)>>
// CHECK: %[[QS:.+]] = tile.mul %[[Q]], %[[SB]]
// CHECK: %[[DOT:.+]] = tile.dot %[[QS]], %[[KF]], %[[ACC]]
// CHECK: %[[KZV:.+]] = tile.global_view %[[KZ]] sizes(%c64, %{{.+}}) strides(%c1, %c64)
// CHECK: %[[Z:.+]] = tile.load_global %[[KZV]][%[[D0]], %{{.+}}] {in_bounds} : !tile.global<?x?xf32> -> !tile.reg<8x1xf32
// CHECK: %[[ZDOT:.+]] = tile.dot %[[QS]], %[[Z]], %[[ZACC]] {{.+}} -> !tile.reg<4x1xf32, #tile.layout<spatial(4,1)>>
// CHECK: scf.yield %[[DOT]], %[[ZDOT]]
// CHECK: %[[ZSPREAD:.+]] = tile.broadcast %{{.+}}#1
// CHECK: tile.sub %{{.+}}#0, %[[ZSPREAD]]
// CHECK: tile.reduce max
// V's scales are constant over the step's channels (one per token): they multiply the
// probabilities, and (p s) . z is subtracted from every output column.
// CHECK: scf.for %{{.+}} = %c0 to %c32 step %c8 {
// CHECK: tile.load_global %[[VB]][{{.+}}] {in_bounds} : !tile.global<?x?xi8> -> !tile.reg<16x4xi8
// CHECK: %[[VF:.+]] = tile.cast %{{.+}} -> !tile.reg<16x8xf32, #tile.layout<local(16,8).replicated(4)>>
// CHECK: tile.load_global {{.+}} -> !tile.reg<1x16xf16, #tile.layout<local(1,16).replicated(4)>>
// CHECK: %[[PS:.+]] = tile.mul %{{.+}} : !tile.reg<4x16xf32
// CHECK: tile.load_global {{.+}} -> !tile.reg<16x1xf16, #tile.layout<local(16,1).replicated(4)>>
// CHECK: %[[VZDOT:.+]] = tile.dot %[[PS]], {{.+}} -> !tile.reg<4x1xf32
// CHECK: %[[OUT:.+]] = tile.dot %[[PS]], %[[VF]]
// CHECK: %[[VZSPREAD:.+]] = tile.broadcast %[[VZDOT]]
// CHECK: tile.sub %[[OUT]], %[[VZSPREAD]]
// The last, partial step masks the loads of codes and of per-token scales.
// CHECK: tile.load_global %[[KB]][{{.+}}] : !tile.global<?x?xi8>
// CHECK: tile.return

// Host code: the codes' bytes, K's zero points as f32 values.
// CHECK-LABEL: func.func @kivi(
// CHECK: lowbit.pack %{{.+}} : tensor<1x2x100x64xui4> -> tensor<1x2x100x32xi8>
// CHECK: lowbit.pack %{{.+}} : tensor<1x2x100x32xui4> -> tensor<1x2x100x16xi8>
// CHECK: lowbit.dequantize %{{.+}} : (tensor<1x2x4x64xui4>, tensor<f32>) -> tensor<1x2x4x64xf32>
// CHECK: tile.launch @attention_0(
// CHECK: tile.launch @attention_merge_0(
// CHECK-NOT: lowbit.attention
func.func @kivi(%q: tensor<1x8x1x64xf32>, %k: tensor<1x2x100x64xui4>,
                %v: tensor<1x2x100x32xui4>, %ks: tensor<1x2x4x64xf16>,
                %kz: tensor<1x2x4x64xui4>, %vs: tensor<1x2x100x1xf16>,
                %vz: tensor<1x2x100x1xf16>) -> tensor<1x8x1x32xf32> {
  %o = lowbit.attention %q, %k, %v k_scale(%ks) k_zero(%kz) v_scale(%vs) v_zero(%vz)
         {causal,
          k_scheme = #lowbit.scheme<group(axis = 2, size = 32), scale = f16, zero = int>,
          v_scheme = #lowbit.scheme<group(axis = 3, size = 32), scale = f16, zero = float>,
          schedule = #lowbit.schedule<fma, workers = 4, tile = [4, 16, 8], split_k = 2>}
         : (tensor<1x8x1x64xf32>, tensor<1x2x100x64xui4>, tensor<1x2x100x32xui4>,
            tensor<1x2x4x64xf16>, tensor<1x2x4x64xui4>, tensor<1x2x100x1xf16>,
            tensor<1x2x100x1xf16>) -> tensor<1x8x1x32xf32>
  return %o : tensor<1x8x1x32xf32>
}
