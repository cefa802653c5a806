// RUN: lowbit-opt %s --lowbit-pipeline-linalg | FileCheck %s

// The whole front half: packed bytes at the boundary, no lowbit op left, the unpack feeding
// the dequantization generic.
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
func.func @mpgemm(%a: tensor<7x37xf16>, %w: tensor<1x37xsi4>, %s: tensor<1x5xf16>) -> tensor<7x1xf32> {
  %y = lowbit.mpgemm %a, %w scale(%s) {weight_scheme = #lowbit.scheme<group(axis = 1, size = 8), scale = f16>} : (tensor<7x37xf16>, tensor<1x37xsi4>, tensor<1x5xf16>) -> tensor<7x1xf32>
  return %y : tensor<7x1xf32>
}
