// RUN: lowbit-opt %s --split-input-file --lowbit-interchange-abi | FileCheck %s

// Low-bit arguments and results cross the boundary as interchange bytes: ceil(13 * 3 / 8) = 5
// bytes per row for ui3; f32 stays as it is.
// CHECK-LABEL: func.func @boundary
// CHECK-SAME: (%[[B:.+]]: tensor<2x5xi8>, %[[S:.+]]: tensor<2xf32>) -> (tensor<2x5xi8>, tensor<2xf32>)
// CHECK: %[[Q:.+]] = lowbit.unpack %[[B]] : tensor<2x5xi8> -> tensor<2x13xui3>
// CHECK: %[[P:.+]] = lowbit.pack %[[Q]] : tensor<2x13xui3> -> tensor<2x5xi8>
// CHECK: return %[[P]], %[[S]] : tensor<2x5xi8>, tensor<2xf32>
func.func @boundary(%q: tensor<2x13xui3>, %s: tensor<2xf32>) -> (tensor<2x13xui3>, tensor<2xf32>) {
  return %q, %s : tensor<2x13xui3>, tensor<2xf32>
}

// -----

// 8-bit floats and rank-0 tensors too; declarations change signature only.
// CHECK-LABEL: func.func private @external(tensor<1xi8>, tensor<4xi8>) -> tensor<3xi8>
// CHECK-LABEL: func.func @caller
// CHECK-SAME: (%[[A:.+]]: tensor<1xi8>, %[[B:.+]]: tensor<4xi8>) -> tensor<3xi8>
// CHECK: %[[X:.+]] = lowbit.unpack %[[A]] : tensor<1xi8> -> tensor<si4>
// CHECK: %[[Y:.+]] = lowbit.unpack %[[B]] : tensor<4xi8> -> tensor<4xf8E4M3FN>
// CHECK: %[[PX:.+]] = lowbit.pack %[[X]] : tensor<si4> -> tensor<1xi8>
// CHECK: %[[PY:.+]] = lowbit.pack %[[Y]] : tensor<4xf8E4M3FN> -> tensor<4xi8>
// CHECK: %[[R:.+]] = call @external(%[[PX]], %[[PY]]) : (tensor<1xi8>, tensor<4xi8>) -> tensor<3xi8>
// CHECK: %[[U:.+]] = lowbit.unpack %[[R]] : tensor<3xi8> -> tensor<3xf6E2M3FN>
// CHECK: %[[PU:.+]] = lowbit.pack %[[U]] : tensor<3xf6E2M3FN> -> tensor<3xi8>
// CHECK: return %[[PU]]
func.func private @external(tensor<si4>, tensor<4xf8E4M3FN>) -> tensor<3xf6E2M3FN>
func.func @caller(%a: tensor<si4>, %b: tensor<4xf8E4M3FN>) -> tensor<3xf6E2M3FN> {
  %r = call @external(%a, %b) : (tensor<si4>, tensor<4xf8E4M3FN>) -> tensor<3xf6E2M3FN>
  return %r : tensor<3xf6E2M3FN>
}

// -----

// Functions without low-bit types are left alone.
// CHECK-LABEL: func.func @plain(%{{.+}}: tensor<4xf16>) -> tensor<4xf16>
// CHECK-NOT: lowbit.
func.func @plain(%a: tensor<4xf16>) -> tensor<4xf16> {
  return %a : tensor<4xf16>
}
