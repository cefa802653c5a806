// RUN: lowbit-opt %s --lowbit-to-tile --cse | FileCheck %s

// The fused attention kernel with a sliding window of 40 keys and a residual window of 5 f32
// tokens after a cache of 300 f16 tokens (AttentionKernel.h): a decode step, 3 parts of 102
// keys over the 305.

// The residual window's buffers follow K and V, the rows' first keys (starts) the limits.
// CHECK-LABEL: tile.kernel @attention_0(
// CHECK-SAME: %[[QT:[^:]+]]: memref<?xf32>, %[[K:[^:]+]]: memref<?xf16>, %[[V:[^:]+]]: memref<?xf16>, %[[KR:[^:]+]]: memref<?xf32>, %[[VR:[^:]+]]: memref<?xf32>, %[[LIM:[^:]+]]: memref<?xf32>, %[[START:[^:]+]]: memref<?xf32>,
// CHECK-SAME: grid [1, 2, 3] workers 4 {
// CHECK: %[[PART:.+]] = tile.block_index 2
// The cache ends at the head's 300th token, the window at its 5th.
// CHECK: tile.global_view %[[K]] sizes(%c32, %{{.+}}) strides(%c1, %c32)
// CHECK: %[[KRT:.+]] = tile.global_view %[[KR]] sizes(%c32, %{{.+}}) strides(%c1, %c32)
// CHECK: tile.global_view %[[VR]] sizes(%{{.+}}, %c32) strides(%c32, %c1)
// The part's keys; the block's first visible key (its first query's 305 - 40) rounded down
// to a step of 2.
// CHECK: %[[PARTSTART:.+]] = arith.muli %[[PART]], %c102
// CHECK: %[[FIRST:.+]] = arith.addi %{{.+}}, %c265
// CHECK: %[[CLAMPED:.+]] = arith.maxsi %[[FIRST]], %c0
// CHECK: %[[STEPS:.+]] = arith.divui %[[CLAMPED]], %c2
// CHECK: %[[WSTART:.+]] = arith.muli %[[STEPS]], %c2
// Each row's first key, broadcast over the step's keys.
// CHECK: tile.global_view %[[START]] sizes(%c4, %c1)
// The cache's loops start at the later of the part's and the window's start.
// CHECK: %[[BEGIN:.+]] = arith.maxsi %[[PARTSTART]], %[[WSTART]]
// CHECK: scf.for %{{.+}} = %[[BEGIN]] to
// Visible: at most the row's limit (capped at the cache's last key) and at least its start.
// CHECK: tile.minimum
// CHECK: tile.maximum
// CHECK: tile.minimum
// CHECK: tile.maximum
// CHECK: tile.minimum
// The residual window's loops: from the later of the part's start, key 300 and the window's.
// CHECK: %[[RBEGIN0:.+]] = arith.maxsi %[[PARTSTART]], %c300
// CHECK: %[[RBEGIN:.+]] = arith.maxsi %[[RBEGIN0]], %[[WSTART]]
// CHECK: scf.for %{{.+}} = %[[RBEGIN]] to
// CHECK: tile.load_global %[[KRT]]
// CHECK: tile.return
// CHECK-LABEL: func.func @window(
func.func @window(%q: tensor<1x8x1x32xf16>, %k: tensor<1x2x300x32xf16>,
                  %v: tensor<1x2x300x32xf16>, %kr: tensor<1x2x5x32xf32>,
                  %vr: tensor<1x2x5x32xf32>) -> tensor<1x8x1x32xf32> {
  %o = lowbit.attention %q, %k, %v k_residual(%kr) v_residual(%vr)
         {causal, window = 40 : i64,
          schedule = #lowbit.schedule<fma, workers = 4, tile = [4, 2, 8], split_k = 3>}
         : (tensor<1x8x1x32xf16>, tensor<1x2x300x32xf16>, tensor<1x2x300x32xf16>,
            tensor<1x2x5x32xf32>, tensor<1x2x5x32xf32>) -> tensor<1x8x1x32xf32>
  return %o : tensor<1x8x1x32xf32>
}
