// RUN: lowbit-opt %s --tile-test-layout-codegen --cse | FileCheck %s

// The layout maps of lib/Conversion/Common/LayoutCodegen.h as index arithmetic: each test
// function declaration gets the body that computes its map (see test/lib/TestLayoutCodegen.cpp).
// Digits are cut with divui/remui by the mode extents (no remainder for the most significant
// digit) and reassembled with muli/addi; steps by 1 emit nothing.

// mma.m16n8k16 C: (w, l) -> (l / 2 * 8 + w / 4, w % 4 * 2 + l % 2).
// CHECK-LABEL: func.func private @c_logical_index(
// CHECK-SAME: %[[W:.+]]: index, %[[L:.+]]: index) -> (index, index)
// CHECK: %[[C4:.+]] = arith.constant 4 : index
// CHECK-NEXT: %[[ROW_LO:.+]] = arith.divui %[[W]], %[[C4]]
// CHECK-NEXT: %[[COL_HI:.+]] = arith.remui %[[W]], %[[C4]]
// CHECK-NEXT: %[[C2:.+]] = arith.constant 2 : index
// CHECK-NEXT: %[[ROW_HI:.+]] = arith.divui %[[L]], %[[C2]]
// CHECK-NEXT: %[[COL_LO:.+]] = arith.remui %[[L]], %[[C2]]
// CHECK-NEXT: %[[C8:.+]] = arith.constant 8 : index
// CHECK-NEXT: %[[T0:.+]] = arith.muli %[[ROW_HI]], %[[C8]]
// CHECK-NEXT: %[[ROW:.+]] = arith.addi %[[ROW_LO]], %[[T0]]
// CHECK-NEXT: %[[T1:.+]] = arith.muli %[[COL_HI]], %[[C2]]
// CHECK-NEXT: %[[COL:.+]] = arith.addi %[[COL_LO]], %[[T1]]
// CHECK-NEXT: return %[[ROW]], %[[COL]]
func.func private @c_logical_index(index, index) -> (index, index)
    attributes {tile.test_logical_index = #tile.layout<local(2,1).spatial(8,4).local(1,2)>}

// mma.m16n8k16 A (column_local): local l -> row + 8 * ((l / 2) % 2), column + 8 * (l / 4).
// CHECK-LABEL: func.func private @a_logical_index(
// CHECK-SAME: %[[W:.+]]: index, %[[L:.+]]: index)
// CHECK-DAG: arith.divui %[[W]], %{{.+}}
// CHECK-DAG: arith.remui %[[W]], %{{.+}}
// CHECK-DAG: %[[C4:.+]] = arith.constant 4 : index
// CHECK-DAG: arith.divui %[[L]], %[[C4]]
// CHECK-DAG: %[[HALF:.+]] = arith.divui %[[L]], %[[C2:[^ ]+]]
// CHECK-DAG: arith.remui %[[HALF]], %[[C2]]
// CHECK-DAG: arith.remui %[[L]], %[[C2]]
// CHECK: return
func.func private @a_logical_index(index, index) -> (index, index)
    attributes {tile.test_logical_index = #tile.layout<column_local(2,2).spatial(8,4).local(1,2)>}

// The inverse of @c_logical_index: (i, j) -> (worker (i % 8) * 4 + j / 2, local i / 8 * 2 + j % 2).
// CHECK-LABEL: func.func private @c_owner(
// CHECK-SAME: %[[I:.+]]: index, %[[J:.+]]: index) -> (index, index)
// CHECK: %[[C8:.+]] = arith.constant 8 : index
// CHECK-NEXT: %[[I_HI:.+]] = arith.divui %[[I]], %[[C8]]
// CHECK-NEXT: %[[I_LO:.+]] = arith.remui %[[I]], %[[C8]]
// CHECK-NEXT: %[[C2:.+]] = arith.constant 2 : index
// CHECK-NEXT: %[[J_HI:.+]] = arith.divui %[[J]], %[[C2]]
// CHECK-NEXT: %[[J_LO:.+]] = arith.remui %[[J]], %[[C2]]
// CHECK-NEXT: %[[C4:.+]] = arith.constant 4 : index
// CHECK-NEXT: %[[T0:.+]] = arith.muli %[[I_LO]], %[[C4]]
// CHECK-NEXT: %[[WORKER:.+]] = arith.addi %[[J_HI]], %[[T0]]
// CHECK-NEXT: %[[T1:.+]] = arith.muli %[[I_HI]], %[[C2]]
// CHECK-NEXT: %[[LOCAL:.+]] = arith.addi %[[J_LO]], %[[T1]]
// CHECK-NEXT: return %[[WORKER]], %[[LOCAL]]
func.func private @c_owner(index, index) -> (index, index)
    attributes {tile.test_owner = #tile.layout<local(2,1).spatial(8,4).local(1,2)>}

// Four warps sharing A by rows: the replication digit (weight 32 in the worker index) is 0 in
// the owner, so the worker is (i / 16) * 64 + (i % 8) * 4 + (j / 2) % 4.
// CHECK-LABEL: func.func private @replicated_owner(
// CHECK-SAME: %[[I:.+]]: index, %[[J:.+]]: index)
// CHECK: %[[C16:.+]] = arith.constant 16 : index
// CHECK-NEXT: %[[WARP:.+]] = arith.divui %[[I]], %[[C16]]
// CHECK: %[[C64:.+]] = arith.constant 64 : index
// CHECK-NEXT: %[[T:.+]] = arith.muli %[[WARP]], %[[C64]]
// CHECK-NEXT: %[[WORKER:.+]] = arith.addi %{{.+}}, %[[T]]
// CHECK-NOT: arith.constant 32
// CHECK: return %[[WORKER]], %{{.+}}
func.func private @replicated_owner(index, index) -> (index, index)
    attributes {tile.test_owner = #tile.layout<spatial(2,1).replicated(2).column_local(2,2).spatial(8,4).local(1,2)>}

// Rank 0: one element held by every worker; its owner is worker 0, local 0.
// CHECK-LABEL: func.func private @scalar_owner() -> (index, index)
// CHECK-NEXT: %[[C0:.+]] = arith.constant 0 : index
// CHECK-NEXT: return %[[C0]], %[[C0]]
func.func private @scalar_owner() -> (index, index)
    attributes {tile.test_owner = #tile.layout<replicated(32)>}

// Row-major 32x16 with Swizzle<1, 3, 1>: o = i * 16 + j, then o ^ (((o >> 4) & 1) << 3).
// CHECK-LABEL: func.func private @swizzled_offset(
// CHECK-SAME: %[[I:.+]]: index, %[[J:.+]]: index) -> index
// CHECK: %[[C16:.+]] = arith.constant 16 : index
// CHECK-NEXT: %[[ROW:.+]] = arith.muli %[[I]], %[[C16]]
// CHECK-NEXT: %[[O:.+]] = arith.addi %[[ROW]], %[[J]]
// CHECK-NEXT: %[[C4:.+]] = arith.constant 4 : index
// CHECK-NEXT: %[[S:.+]] = arith.shrui %[[O]], %[[C4]]
// CHECK-NEXT: %[[C1:.+]] = arith.constant 1 : index
// CHECK-NEXT: %[[B:.+]] = arith.andi %[[S]], %[[C1]]
// CHECK-NEXT: %[[C3:.+]] = arith.constant 3 : index
// CHECK-NEXT: %[[X:.+]] = arith.shli %[[B]], %[[C3]]
// CHECK-NEXT: %[[OFFSET:.+]] = arith.xori %[[O]], %[[X]]
// CHECK-NEXT: return %[[OFFSET]]
func.func private @swizzled_offset(index, index) -> index
    attributes {tile.test_shared_offset = #tile.shared_layout<shape=[32,16], strides=[16,1], swizzle=[1,3,1]>}

// Mode strides: dimension 1 of 64 split into (8, 8) with strides 256 and 1, dimension 0 stride 8.
// CHECK-LABEL: func.func private @mode_offset(
// CHECK-SAME: %[[I:.+]]: index, %[[J:.+]]: index) -> index
// CHECK: %[[C8:.+]] = arith.constant 8 : index
// CHECK-NEXT: %[[J_HI:.+]] = arith.divui %[[J]], %[[C8]]
// CHECK-NEXT: %[[J_LO:.+]] = arith.remui %[[J]], %[[C8]]
// CHECK-NEXT: %[[T0:.+]] = arith.muli %[[I]], %[[C8]]
// CHECK-NEXT: %[[C256:.+]] = arith.constant 256 : index
// CHECK-NEXT: %[[T1:.+]] = arith.muli %[[J_HI]], %[[C256]]
// CHECK-NEXT: %[[S:.+]] = arith.addi %[[T0]], %[[T1]]
// CHECK-NEXT: %[[OFFSET:.+]] = arith.addi %[[S]], %[[J_LO]]
// CHECK-NEXT: return %[[OFFSET]]
func.func private @mode_offset(index, index) -> index
    attributes {tile.test_shared_offset = #tile.shared_layout<shape=[32,64], modes=[32,8,8], strides=[8,256,1]>}
