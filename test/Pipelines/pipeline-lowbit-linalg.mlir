// RUN: lowbit-opt %s --lowbit-pipeline-linalg="fast-path=false" | FileCheck %s
// RUN: lowbit-opt %s --lowbit-pipeline-linalg="target-cpu=znver3" | FileCheck %s --check-prefix=FAST

// The whole front half with the reference lowering: packed bytes at the boundary, no lowbit op
// left, the unpack feeding the dequantization generic.
// CHECK-LABEL: func.func @mpgemm
// CHECK-SAME: (%[[A:.+]]: tensor<7x37xf16>, %[[W:.+]]: tensor<1x19xi8>, %[[S:.+]]: tensor<1x5xf16>) -> tensor<7x1xf32>
// CHECK-NOT: lowbit.
// CHECK: %[[CODES:.+]] = linalg.generic {{.*}} outs(%{{.+}} : tensor<1x37xi4>)
// CHECK: tensor.extract %[[W]]
// CHECK: %[[ACT:.+]] = linalg.generic {{.*}} ins(%[[A]] : tensor<7x37xf16>)
// CHECK: arith.extf %{{.+}} : f16 to f32
// CHECK: %[[WF:.+]] = linalg.generic {{.*}} ins(%[[CODES]], %[[S]] : tensor<1x37xi4>, tensor<1x5xf16>)
// CHECK: linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "reduction"]} ins(%[[ACT]], %[[WF]] : tensor<7x37xf32>, tensor<1x37xf32>)
// CHECK-NOT: lowbit.
// With the fast path the op is generated tile kernels (fma: the f16 activations widened to
// f32 by one, then the product; the 37 4-bit codes of the weight row arrive as its 19 bytes)
// launched on the function's buffers.
// FAST: tile.kernel @mpgemm_widen_0(%{{.+}}: memref<?xf16>, %{{.+}}: memref<?xf32>) grid [7, 1] workers 8
// FAST: tile.kernel @mpgemm_0(%{{.+}}: memref<?xf32>, %{{.+}}: memref<?xi8>, %{{.+}}: memref<?xf16>, %{{.+}}: memref<?xf32>) grid [1, 2] workers 8
// FAST: tile.dot
// FAST-LABEL: func.func @mpgemm
// FAST-SAME: (%[[A:.+]]: tensor<7x37xf16>, %[[W:.+]]: tensor<1x19xi8>, %[[S:.+]]: tensor<1x5xf16>) -> tensor<7x1xf32>
// FAST-DAG: bufferization.to_buffer %[[A]] read_only
// FAST-DAG: bufferization.to_buffer %[[W]] read_only
// FAST-DAG: bufferization.to_buffer %[[S]] read_only
// FAST: tile.launch @mpgemm_0(
// FAST: bufferization.to_tensor %{{.+}} restrict writable : memref<7x1xf32> to tensor<7x1xf32>
// FAST-NOT: lowbit.
func.func @mpgemm(%a: tensor<7x37xf16>, %w: tensor<1x37xsi4>, %s: tensor<1x5xf16>) -> tensor<7x1xf32> {
  %y = lowbit.mpgemm %a, %w scale(%s) {weight_scheme = #lowbit.scheme<group(axis = 1, size = 8), scale = f16>} : (tensor<7x37xf16>, tensor<1x37xsi4>, tensor<1x5xf16>) -> tensor<7x1xf32>
  return %y : tensor<7x1xf32>
}
