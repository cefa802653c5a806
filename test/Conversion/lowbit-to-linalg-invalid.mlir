// RUN: lowbit-opt %s --split-input-file --verify-diagnostics --lowbit-to-linalg

func.func @dynamic(%q: tensor<?x8xsi4>, %s: tensor<?xf32>) -> tensor<?x8xf32> {
  // expected-error @+1 {{'lowbit.dequantize' op has dynamic extents; the lowbit-to-linalg lowering needs static shapes}}
  %r = lowbit.dequantize %q scale(%s) {scheme = #lowbit.scheme<per_channel(axis = 0), scale = f32>} : (tensor<?x8xsi4>, tensor<?xf32>) -> tensor<?x8xf32>
  return %r : tensor<?x8xf32>
}
