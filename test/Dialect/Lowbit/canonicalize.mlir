// RUN: lowbit-opt %s --canonicalize --split-input-file | FileCheck %s

// unpack(pack(x)) is x: packing then unpacking with the same logical type loses nothing.
// CHECK-LABEL: func @unpack_of_pack(
// CHECK-SAME: [[X:%[^:]+]]: tensor<4x7xui4>)
// CHECK-NOT: lowbit.pack
// CHECK-NOT: lowbit.unpack
// CHECK: return [[X]] : tensor<4x7xui4>
func.func @unpack_of_pack(%x: tensor<4x7xui4>) -> tensor<4x7xui4> {
  %b = lowbit.pack %x : tensor<4x7xui4> -> tensor<4x4xi8>
  %u = lowbit.unpack %b : tensor<4x4xi8> -> tensor<4x7xui4>
  return %u : tensor<4x7xui4>
}

// -----

// The same for odd widths, rank 0 and dynamic extents.
// CHECK-LABEL: func @unpack_of_pack_odd(
// CHECK-SAME: [[A:%[^:]+]]: tensor<2x7xsi3>, [[B:%[^:]+]]: tensor<!lowbit.ternary>, [[C:%[^:]+]]: tensor<?x5x!lowbit.float<e2m2>>)
// CHECK-NOT: lowbit.pack
// CHECK-NOT: lowbit.unpack
// CHECK: return [[A]], [[B]], [[C]]
func.func @unpack_of_pack_odd(%a: tensor<2x7xsi3>, %b: tensor<!lowbit.ternary>,
                              %c: tensor<?x5x!lowbit.float<e2m2>>)
    -> (tensor<2x7xsi3>, tensor<!lowbit.ternary>, tensor<?x5x!lowbit.float<e2m2>>) {
  %pa = lowbit.pack %a : tensor<2x7xsi3> -> tensor<2x3xi8>
  %ua = lowbit.unpack %pa : tensor<2x3xi8> -> tensor<2x7xsi3>
  %pb = lowbit.pack %b : tensor<!lowbit.ternary> -> tensor<1xi8>
  %ub = lowbit.unpack %pb : tensor<1xi8> -> tensor<!lowbit.ternary>
  %pc = lowbit.pack %c : tensor<?x5x!lowbit.float<e2m2>> -> tensor<?x4xi8>
  %uc = lowbit.unpack %pc : tensor<?x4xi8> -> tensor<?x5x!lowbit.float<e2m2>>
  return %ua, %ub, %uc
      : tensor<2x7xsi3>, tensor<!lowbit.ternary>, tensor<?x5x!lowbit.float<e2m2>>
}

// -----

// pack(unpack(b)) is not b: packing clears the padding bits that b may have set
// (7 codes of 4 bits leave the top half of each row's last byte unused).
// CHECK-LABEL: func @pack_of_unpack(
// CHECK-SAME: [[B:%[^:]+]]: tensor<4x4xi8>)
// CHECK: [[U:%.+]] = lowbit.unpack [[B]] : tensor<4x4xi8> -> tensor<4x7xui4>
// CHECK: [[P:%.+]] = lowbit.pack [[U]] : tensor<4x7xui4> -> tensor<4x4xi8>
// CHECK: return [[P]]
func.func @pack_of_unpack(%b: tensor<4x4xi8>) -> tensor<4x4xi8> {
  %u = lowbit.unpack %b : tensor<4x4xi8> -> tensor<4x7xui4>
  %p = lowbit.pack %u : tensor<4x7xui4> -> tensor<4x4xi8>
  return %p : tensor<4x4xi8>
}

// -----

// Unpacking to another type reinterprets the bytes: no fold.
// CHECK-LABEL: func @unpack_of_pack_other_type(
// CHECK-SAME: [[X:%[^:]+]]: tensor<4x8xui4>)
// CHECK: [[P:%.+]] = lowbit.pack [[X]] : tensor<4x8xui4> -> tensor<4x4xi8>
// CHECK: [[S:%.+]] = lowbit.unpack [[P]] : tensor<4x4xi8> -> tensor<4x8xsi4>
// CHECK: [[B:%.+]] = lowbit.unpack [[P]] : tensor<4x4xi8> -> tensor<4x16xui2>
// CHECK: return [[S]], [[B]]
func.func @unpack_of_pack_other_type(%x: tensor<4x8xui4>) -> (tensor<4x8xsi4>, tensor<4x16xui2>) {
  %p = lowbit.pack %x : tensor<4x8xui4> -> tensor<4x4xi8>
  %s = lowbit.unpack %p : tensor<4x4xi8> -> tensor<4x8xsi4>
  %b = lowbit.unpack %p : tensor<4x4xi8> -> tensor<4x16xui2>
  return %s, %b : tensor<4x8xsi4>, tensor<4x16xui2>
}

// -----

// A pack whose result is unused is dead (the ops are Pure) and goes away.
// CHECK-LABEL: func @dead_pack(
// CHECK-NOT: lowbit.pack
// CHECK: return
func.func @dead_pack(%x: tensor<4x8xui4>) {
  %p = lowbit.pack %x : tensor<4x8xui4> -> tensor<4x4xi8>
  return
}
