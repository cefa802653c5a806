// RUN: lowbit-opt %s | lowbit-opt | FileCheck %s
// RUN: lowbit-opt %s --mlir-print-op-generic | lowbit-opt | FileCheck %s
// RUN: lowbit-opt %s --emit-bytecode | lowbit-opt | FileCheck %s

// Round trip of every tile attribute and type form and every op, then three complete kernels
// with the PTX mma.m16n8k16 fragment layouts. Every RUN line ends in the custom form, so they
// share one set of CHECK lines (bytecode stores the layouts as text and parses them back).

//===----------------------------------------------------------------------===//
// Attributes
//===----------------------------------------------------------------------===//

// Layouts print in canonical form: `*` and `.` are one composition, whitespace goes, adjacent
// modes merge, an explicit form that an expression produces prints as the expression, and one
// that no expression produces stays explicit. (Attribute names sort in print order.)
// CHECK-LABEL: func.func private @layouts()
// CHECK-SAME: a_mma_a = #tile.layout<column_local(2,2).spatial(8,4).local(1,2)>
// CHECK-SAME: b_mma_b = #tile.layout<local(2,1).column_spatial(4,8).local(2,1)>
// CHECK-SAME: c_mma_c = #tile.layout<local(2,1).spatial(8,4).local(1,2)>
// CHECK-SAME: d_merged = #tile.layout<local(2,2)>
// CHECK-SAME: e_spaced = #tile.layout<local(2,1).spatial(8,4)>
// CHECK-SAME: f_replicated = #tile.layout<local(2,1).spatial(8,1).replicated(4)>
// CHECK-SAME: g_rank0 = #tile.layout<replicated(32)>
// CHECK-SAME: h_explicit = #tile.layout<layout<shape=[4,4], modes=[2,2,2,2], spatial=[1,2], local=[3,0]>>
// CHECK-SAME: i_explicit_as_expression = #tile.layout<local(2,1).spatial(1,8)>
// CHECK-SAME: j_verbose_form = #tile.layout<spatial(4)>
// CHECK-SAME: k_row_major = #tile.shared_layout<shape=[64,32], strides=[32,1]>
// CHECK-SAME: l_swizzled = #tile.shared_layout<shape=[64,64], strides=[64,1], swizzle=[3,3,3]>
// CHECK-SAME: m_modes = #tile.shared_layout<shape=[32,64], modes=[32,8,8], strides=[8,256,1]>
// CHECK-SAME: n_one_mode_per_dim = #tile.shared_layout<shape=[8,8], strides=[1,8]>
func.func private @layouts() attributes {
  a_mma_a = #tile.layout<column_local(2,2).spatial(8,4).local(1,2)>,
  b_mma_b = #tile.layout<local(2,1) * column_spatial(4,8) * local(2,1)>,
  c_mma_c = #tile.layout<local(2,1).spatial(8,4).local(1,2)>,
  d_merged = #tile.layout<local(2,1).local(1,2)>,
  e_spaced = #tile.layout< local( 2 , 1 ) . spatial(8, 4) >,
  f_replicated = #tile.layout<local(2,1).spatial(8,1).replicated(4)>,
  g_rank0 = #tile.layout<replicated(32)>,
  h_explicit = #tile.layout<layout<shape=[4,4], modes=[2,2,2,2], spatial=[1,2], local=[3,0]>>,
  i_explicit_as_expression = #tile.layout<layout<shape=[2,8], modes=[2,8], spatial=[1], local=[0]>>,
  j_verbose_form = #tile<layout<spatial(4)>>,
  k_row_major = #tile.shared_layout<shape=[64,32], strides=[32,1]>,
  l_swizzled = #tile.shared_layout<shape = [64, 64], strides = [64, 1], swizzle = [3, 3, 3]>,
  m_modes = #tile.shared_layout<shape=[32,64], modes=[32,8,8], strides=[8,256,1]>,
  n_one_mode_per_dim = #tile.shared_layout<shape=[8,8], modes=[8,8], strides=[1,8]>
}

//===----------------------------------------------------------------------===//
// Types
//===----------------------------------------------------------------------===//

// CHECK-LABEL: func.func private @reg_element_types(
// CHECK-SAME: !tile.reg<4xf32>, !tile.reg<4xf16>, !tile.reg<4xbf16>, !tile.reg<4xf64>,
// CHECK-SAME: !tile.reg<4xi1>, !tile.reg<4xi32>, !tile.reg<4xsi4>, !tile.reg<4xui4>,
// CHECK-SAME: !tile.reg<4xsi1>, !tile.reg<4xui8>, !tile.reg<4xsi3>, !tile.reg<4xf4E2M1FN>,
// CHECK-SAME: !tile.reg<4xf6E2M3FN>, !tile.reg<4xf6E3M2FN>, !tile.reg<4xf8E4M3FN>,
// CHECK-SAME: !tile.reg<4xf8E5M2>, !tile.reg<4xf8E8M0FNU>, !tile.reg<4x!lowbit.float<e3m2>>,
// CHECK-SAME: !tile.reg<4x!lowbit.ternary>)
func.func private @reg_element_types(
  !tile.reg<4xf32>, !tile.reg<4xf16>, !tile.reg<4xbf16>, !tile.reg<4xf64>,
  !tile.reg<4xi1>, !tile.reg<4xi32>, !tile.reg<4xsi4>, !tile.reg<4xui4>,
  !tile.reg<4xsi1>, !tile.reg<4xui8>, !tile.reg<4xsi3>, !tile.reg<4xf4E2M1FN>,
  !tile.reg<4xf6E2M3FN>, !tile.reg<4xf6E3M2FN>, !tile.reg<4xf8E4M3FN>,
  !tile.reg<4xf8E5M2>, !tile.reg<4xf8E8M0FNU>, !tile.reg<4x!lowbit.float<e3m2>>,
  !tile.reg<4x!lowbit.ternary>)

// CHECK-LABEL: func.func private @reg_layouts(
// CHECK-SAME: !tile.reg<16x8xf32, #tile.layout<local(2,1).spatial(8,4).local(1,2)>>,
// CHECK-SAME: !tile.reg<16x64xui4, #tile.layout<spatial(16,2).local(1,32)>>,
// CHECK-SAME: !tile.reg<16x1xf32, #tile.layout<local(2,1).spatial(8,1).replicated(4)>>,
// CHECK-SAME: !tile.reg<f32, #tile.layout<replicated(32)>>,
// CHECK-SAME: !tile.reg<f32>,
// CHECK-SAME: !tile.reg<2x2x8xf16, #tile.layout<local(2,1,1).spatial(1,2,8)>>,
// CHECK-SAME: !tile.reg<16x8xf32, #tile.layout<local(2,1).spatial(8,4).local(1,2)>>)
func.func private @reg_layouts(
  !tile.reg<16x8xf32, #tile.layout<local(2,1).spatial(8,4).local(1,2)>>,
  !tile.reg<16x64xui4, #tile.layout<spatial(16,2).local(1,32)>>,
  !tile.reg<16x1xf32, #tile.layout<local(2,1).spatial(8,1).replicated(4)>>,
  !tile.reg<f32, #tile.layout<replicated(32)>>,
  !tile.reg<f32>,
  !tile.reg<2x2x8xf16, #tile.layout<local(2,1,1).spatial(1,2,8)>>,
  !tile.reg<16x8xf32, #tile<layout<local(2,1).spatial(8,4).local(1,2)>>>)

// CHECK-LABEL: func.func private @shared_types(
// CHECK-SAME: !tile.shared<64x32xf16>,
// CHECK-SAME: !tile.shared<64x64xf16, #tile.shared_layout<shape=[64,64], strides=[64,1], swizzle=[3,3,3]>>,
// CHECK-SAME: !tile.shared<128xui4>)
func.func private @shared_types(
  !tile.shared<64x32xf16>,
  !tile.shared<64x64xf16, #tile.shared_layout<shape=[64,64], strides=[64,1], swizzle=[3,3,3]>>,
  !tile.shared<128xui4>)

// CHECK-LABEL: func.func private @global_types(
// CHECK-SAME: !tile.global<?x?xf16>, !tile.global<4096x?xui4>, !tile.global<16xf32>,
// CHECK-SAME: !tile.global<?x?x?xbf16>)
func.func private @global_types(
  !tile.global<?x?xf16>, !tile.global<4096x?xui4>, !tile.global<16xf32>,
  !tile.global<?x?x?xbf16>)

//===----------------------------------------------------------------------===//
// Kernels and indices
//===----------------------------------------------------------------------===//

// CHECK-LABEL: tile.kernel @indices(%{{.*}}: memref<?xf32>, %{{.*}}: index, %{{.*}}: f32, %{{.*}}: i8)
// CHECK-SAME: grid [2, 3, 4] workers 64 attributes {lowbit.note = "kept"} {
// CHECK-NEXT: tile.block_index 0
// CHECK-NEXT: tile.block_index 1
// CHECK-NEXT: tile.block_index 2
// CHECK-NEXT: tile.worker_index
// CHECK-NEXT: tile.return
tile.kernel @indices(%x: memref<?xf32>, %n: index, %s: f32, %t: i8) grid [2, 3, 4] workers 64
    attributes {lowbit.note = "kept"} {
  %b0 = tile.block_index 0
  %b1 = tile.block_index 1
  %b2 = tile.block_index 2
  %w = tile.worker_index
  tile.return
}

// CHECK-LABEL: tile.kernel @no_arguments() grid [1] workers 1 {
tile.kernel @no_arguments() grid [1] workers 1 {
  tile.return
}

//===----------------------------------------------------------------------===//
// Memory
//===----------------------------------------------------------------------===//

// CHECK-LABEL: func @memory(
func.func @memory(%buf: memref<?xf16>, %out: memref<128xf16>, %m: index, %n: index,
                  %r: index, %c: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c16 = arith.constant 16 : index
  // CHECK: [[VIEW:%.+]] = tile.global_view %{{.*}} sizes(%{{.*}}, %{{.*}}) strides(%{{.*}}, %{{.*}}) : memref<?xf16> -> !tile.global<?x?xf16>
  %v = tile.global_view %buf sizes(%m, %n) strides(%n, %c1) : memref<?xf16> -> !tile.global<?x?xf16>
  // CHECK: tile.global_view %{{.*}} sizes(%{{.*}}, %{{.*}}) strides(%{{.*}}, %{{.*}}) : memref<128xf16> -> !tile.global<8x16xf16>
  %o = tile.global_view %out sizes(%m, %c16) strides(%c16, %c1) : memref<128xf16> -> !tile.global<8x16xf16>
  // CHECK: [[T:%.+]] = tile.load_global [[VIEW]][%{{.*}}, %{{.*}}] : !tile.global<?x?xf16> -> !tile.reg<16x8xf16, #tile.layout<local(2,1).spatial(8,4).local(1,2)>>
  %t = tile.load_global %v[%r, %c] : !tile.global<?x?xf16> -> !tile.reg<16x8xf16, #tile.layout<local(2,1).spatial(8,4).local(1,2)>>
  // CHECK: tile.load_global [[VIEW]][%{{.*}}, %{{.*}}] : !tile.global<?x?xf16> -> !tile.reg<16x8xf16>
  %u = tile.load_global %v[%r, %c] : !tile.global<?x?xf16> -> !tile.reg<16x8xf16>
  // CHECK: tile.store_global [[T]], [[VIEW]][%{{.*}}, %{{.*}}] : !tile.reg<16x8xf16, #tile.layout<local(2,1).spatial(8,4).local(1,2)>>, !tile.global<?x?xf16>
  tile.store_global %t, %v[%r, %c] : !tile.reg<16x8xf16, #tile.layout<local(2,1).spatial(8,4).local(1,2)>>, !tile.global<?x?xf16>
  // CHECK: tile.load_global [[VIEW]][%{{.*}}, %{{.*}}] {in_bounds} : !tile.global<?x?xf16> -> !tile.reg<16x8xf16>
  %w = tile.load_global %v[%r, %c] {in_bounds} : !tile.global<?x?xf16> -> !tile.reg<16x8xf16>
  // CHECK: tile.store_global %{{.*}}, %{{.*}}[%{{.*}}, %{{.*}}] {in_bounds} : !tile.reg<8x16xf16>, !tile.global<8x16xf16>
  %x = tile.load_global %o[%c0, %c0] {in_bounds} : !tile.global<8x16xf16> -> !tile.reg<8x16xf16>
  tile.store_global %x, %o[%c0, %c0] {in_bounds} : !tile.reg<8x16xf16>, !tile.global<8x16xf16>
  // CHECK: tile.prefetch_global [[VIEW]][%{{.*}}, %{{.*}}] sizes [16, 8] : !tile.global<?x?xf16>
  tile.prefetch_global %v[%r, %c] sizes [16, 8] : !tile.global<?x?xf16>
  // CHECK: [[S:%.+]] = tile.alloc_shared : !tile.shared<32x16xf16, #tile.shared_layout<shape=[32,16], strides=[16,1], swizzle=[1,3,1]>>
  %s = tile.alloc_shared : !tile.shared<32x16xf16, #tile.shared_layout<shape=[32,16], strides=[16,1], swizzle=[1,3,1]>>
  // CHECK: tile.copy_async [[VIEW]][%{{.*}}, %{{.*}}], [[S]] : !tile.global<?x?xf16>, !tile.shared<32x16xf16, #tile.shared_layout<shape=[32,16], strides=[16,1], swizzle=[1,3,1]>>
  tile.copy_async %v[%r, %c], %s : !tile.global<?x?xf16>, !tile.shared<32x16xf16, #tile.shared_layout<shape=[32,16], strides=[16,1], swizzle=[1,3,1]>>
  // CHECK: tile.copy_async_wait pending = 0
  tile.copy_async_wait pending = 0
  // CHECK: tile.sync
  tile.sync
  // CHECK: tile.load_shared [[S]][%{{.*}}, %{{.*}}] : !tile.shared<32x16xf16, #tile.shared_layout<shape=[32,16], strides=[16,1], swizzle=[1,3,1]>> -> !tile.reg<16x8xf16, #tile.layout<local(2,1).spatial(8,4).local(1,2)>>
  %l = tile.load_shared %s[%c16, %c0] : !tile.shared<32x16xf16, #tile.shared_layout<shape=[32,16], strides=[16,1], swizzle=[1,3,1]>> -> !tile.reg<16x8xf16, #tile.layout<local(2,1).spatial(8,4).local(1,2)>>
  // CHECK: tile.store_shared [[T]], [[S]][%{{.*}}, %{{.*}}] : !tile.reg<16x8xf16, #tile.layout<local(2,1).spatial(8,4).local(1,2)>>, !tile.shared<32x16xf16, #tile.shared_layout<shape=[32,16], strides=[16,1], swizzle=[1,3,1]>>
  tile.store_shared %t, %s[%r, %c] : !tile.reg<16x8xf16, #tile.layout<local(2,1).spatial(8,4).local(1,2)>>, !tile.shared<32x16xf16, #tile.shared_layout<shape=[32,16], strides=[16,1], swizzle=[1,3,1]>>
  // CHECK: tile.store_global %{{.*}}, %{{.*}}[%{{.*}}, %{{.*}}] : !tile.reg<16x8xf16>, !tile.global<8x16xf16>
  tile.store_global %u, %o[%c0, %c0] : !tile.reg<16x8xf16>, !tile.global<8x16xf16>
  return
}

//===----------------------------------------------------------------------===//
// view, cast
//===----------------------------------------------------------------------===//

// A ui4 16x64 tile with 32 locals (128 bits) per worker is 4 i32 words per worker.
// CHECK-LABEL: func @view_and_cast(
func.func @view_and_cast(%w: !tile.reg<16x8xi32, #tile.layout<spatial(16,2).local(1,4)>>,
                         %x: !tile.reg<16x8xf32>,
                         %w3: !tile.reg<16x6xi32, #tile.layout<spatial(16,2).local(1,3)>>) {
  // CHECK: [[Q:%.+]] = tile.view %{{.*}} : !tile.reg<16x8xi32, #tile.layout<spatial(16,2).local(1,4)>> -> !tile.reg<16x64xui4, #tile.layout<spatial(16,2).local(1,32)>>
  %q = tile.view %w : !tile.reg<16x8xi32, #tile.layout<spatial(16,2).local(1,4)>>
         -> !tile.reg<16x64xui4, #tile.layout<spatial(16,2).local(1,32)>>
  // CHECK: tile.view [[Q]] : !tile.reg<16x64xui4, #tile.layout<spatial(16,2).local(1,32)>> -> !tile.reg<16x8xi32, #tile.layout<spatial(16,2).local(1,4)>>
  %back = tile.view %q : !tile.reg<16x64xui4, #tile.layout<spatial(16,2).local(1,32)>>
            -> !tile.reg<16x8xi32, #tile.layout<spatial(16,2).local(1,4)>>
  // Shape and layout may change as long as every worker keeps its 128 bits (8 f16 here).
  // (spatial(32,1).local(1,8) is the same layout: modes of different dimensions commute.)
  // CHECK: tile.view %{{.*}} : !tile.reg<16x64xui4, #tile.layout<spatial(16,2).local(1,32)>> -> !tile.reg<32x8xf16, #tile.layout<local(1,8).spatial(32,1)>>
  %h = tile.view %q : !tile.reg<16x64xui4, #tile.layout<spatial(16,2).local(1,32)>>
         -> !tile.reg<32x8xf16, #tile.layout<local(1,8).spatial(32,1)>>
  // Bit planes: 3-bit codes, 32 per worker (96 bits), as a 2-bit plane (2 words) and a 1-bit
  // plane (1 word).
  // CHECK: [[P:%.+]] = tile.view %{{.*}} planes [2, 1] : !tile.reg<16x6xi32, #tile.layout<spatial(16,2).local(1,3)>> -> !tile.reg<16x64xui3, #tile.layout<spatial(16,2).local(1,32)>>
  %p = tile.view %w3 planes [2, 1] : !tile.reg<16x6xi32, #tile.layout<spatial(16,2).local(1,3)>>
         -> !tile.reg<16x64xui3, #tile.layout<spatial(16,2).local(1,32)>>
  // CHECK: tile.view [[P]] planes [2, 1] : !tile.reg<16x64xui3, #tile.layout<spatial(16,2).local(1,32)>> -> !tile.reg<16x6xi32, #tile.layout<spatial(16,2).local(1,3)>>
  %p2 = tile.view %p planes [2, 1] : !tile.reg<16x64xui3, #tile.layout<spatial(16,2).local(1,32)>>
         -> !tile.reg<16x6xi32, #tile.layout<spatial(16,2).local(1,3)>>
  // CHECK: tile.cast [[Q]] : !tile.reg<16x64xui4, #tile.layout<spatial(16,2).local(1,32)>> -> !tile.reg<16x64xf16, #tile.layout<spatial(16,2).local(1,32)>>
  %f = tile.cast %q : !tile.reg<16x64xui4, #tile.layout<spatial(16,2).local(1,32)>>
         -> !tile.reg<16x64xf16, #tile.layout<spatial(16,2).local(1,32)>>
  // CHECK: tile.cast %{{.*}} : !tile.reg<16x8xf32> -> !tile.reg<16x8xf8E4M3FN>
  %e = tile.cast %x : !tile.reg<16x8xf32> -> !tile.reg<16x8xf8E4M3FN>
  // CHECK: tile.cast %{{.*}} : !tile.reg<16x8xf8E4M3FN> -> !tile.reg<16x8x!lowbit.float<e3m2>>
  %l = tile.cast %e : !tile.reg<16x8xf8E4M3FN> -> !tile.reg<16x8x!lowbit.float<e3m2>>
  // CHECK: tile.cast %{{.*}} : !tile.reg<16x8x!lowbit.float<e3m2>> -> !tile.reg<16x8xsi8>
  %i = tile.cast %l : !tile.reg<16x8x!lowbit.float<e3m2>> -> !tile.reg<16x8xsi8>
  return
}

// CHECK-LABEL: func @lookup(
func.func @lookup(%table: !tile.reg<1x16xf32, #tile.layout<local(1,16).replicated(32)>>,
                  %codes: !tile.reg<16x64xui4, #tile.layout<spatial(16,2).local(1,32)>>,
                  %t2: !tile.reg<4xf16>, %c2: !tile.reg<8x8xui2>, %t5: !tile.reg<4xui5>) {
  // CHECK: tile.lookup %{{.*}}[%{{.*}}] : !tile.reg<1x16xf32, #tile.layout<local(1,16).replicated(32)>>, !tile.reg<16x64xui4, #tile.layout<spatial(16,2).local(1,32)>> -> !tile.reg<16x64xf32, #tile.layout<spatial(16,2).local(1,32)>>
  %v = tile.lookup %table[%codes] : !tile.reg<1x16xf32, #tile.layout<local(1,16).replicated(32)>>,
         !tile.reg<16x64xui4, #tile.layout<spatial(16,2).local(1,32)>>
         -> !tile.reg<16x64xf32, #tile.layout<spatial(16,2).local(1,32)>>
  // CHECK: tile.lookup %{{.*}}[%{{.*}}] : !tile.reg<4xf16>, !tile.reg<8x8xui2> -> !tile.reg<8x8xf16>
  %w = tile.lookup %t2[%c2] : !tile.reg<4xf16>, !tile.reg<8x8xui2> -> !tile.reg<8x8xf16>
  // An integer table.
  // CHECK: tile.lookup %{{.*}}[%{{.*}}] : !tile.reg<4xui5>, !tile.reg<8x8xui2> -> !tile.reg<8x8xui5>
  %u = tile.lookup %t5[%c2] : !tile.reg<4xui5>, !tile.reg<8x8xui2> -> !tile.reg<8x8xui5>
  return
}

// A table spread over the workers (entry = local * 8 + worker): a collective lookup.
// CHECK-LABEL: func @lookup_spread(
func.func @lookup_spread(%sums: !tile.reg<1x16xf32, #tile.layout<local(1,2).spatial(1,8)>>,
                         %slices: !tile.reg<1x32xui4, #tile.layout<local(1,4).spatial(1,8)>>) {
  // CHECK: tile.lookup %{{.*}}[%{{.*}}] : !tile.reg<1x16xf32, #tile.layout<local(1,2).spatial(1,8)>>, !tile.reg<1x32xui4, #tile.layout<local(1,4).spatial(1,8)>> -> !tile.reg<1x32xf32, #tile.layout<local(1,4).spatial(1,8)>>
  %v = tile.lookup %sums[%slices] : !tile.reg<1x16xf32, #tile.layout<local(1,2).spatial(1,8)>>,
         !tile.reg<1x32xui4, #tile.layout<local(1,4).spatial(1,8)>>
         -> !tile.reg<1x32xf32, #tile.layout<local(1,4).spatial(1,8)>>
  return
}

//===----------------------------------------------------------------------===//
// Computation
//===----------------------------------------------------------------------===//

// CHECK-LABEL: func @compute(
func.func @compute(%a: !tile.reg<16x16xf16, #tile.layout<column_local(2,2).spatial(8,4).local(1,2)>>,
                   %b: !tile.reg<16x8xf16, #tile.layout<local(2,1).column_spatial(4,8).local(2,1)>>,
                   %ia: !tile.reg<16x32xsi8>, %ib: !tile.reg<32x8xui4>, %ic: !tile.reg<16x8xi32>,
                   %x: !tile.reg<16x8xf32, #tile.layout<local(2,1).spatial(8,4).local(1,2)>>,
                   %s: f32) {
  // CHECK: [[C:%.+]] = tile.splat %{{.*}} : !tile.reg<16x8xf32, #tile.layout<local(2,1).spatial(8,4).local(1,2)>>
  %c = tile.splat %s : !tile.reg<16x8xf32, #tile.layout<local(2,1).spatial(8,4).local(1,2)>>
  // CHECK: [[D:%.+]] = tile.dot %{{.*}}, %{{.*}}, [[C]] : !tile.reg<16x16xf16, #tile.layout<column_local(2,2).spatial(8,4).local(1,2)>>, !tile.reg<16x8xf16, #tile.layout<local(2,1).column_spatial(4,8).local(2,1)>> -> !tile.reg<16x8xf32, #tile.layout<local(2,1).spatial(8,4).local(1,2)>>
  %d = tile.dot %a, %b, %c
         : !tile.reg<16x16xf16, #tile.layout<column_local(2,2).spatial(8,4).local(1,2)>>,
           !tile.reg<16x8xf16, #tile.layout<local(2,1).column_spatial(4,8).local(2,1)>>
           -> !tile.reg<16x8xf32, #tile.layout<local(2,1).spatial(8,4).local(1,2)>>
  // CHECK: tile.dot %{{.*}}, %{{.*}}, %{{.*}} : !tile.reg<16x32xsi8>, !tile.reg<32x8xui4> -> !tile.reg<16x8xi32>
  %id = tile.dot %ia, %ib, %ic : !tile.reg<16x32xsi8>, !tile.reg<32x8xui4> -> !tile.reg<16x8xi32>
  // CHECK: tile.add [[D]], %{{.*}} : !tile.reg<16x8xf32, #tile.layout<local(2,1).spatial(8,4).local(1,2)>>
  %0 = tile.add %d, %x : !tile.reg<16x8xf32, #tile.layout<local(2,1).spatial(8,4).local(1,2)>>
  // CHECK: tile.sub
  %1 = tile.sub %0, %x : !tile.reg<16x8xf32, #tile.layout<local(2,1).spatial(8,4).local(1,2)>>
  // CHECK: tile.mul
  %2 = tile.mul %1, %x : !tile.reg<16x8xf32, #tile.layout<local(2,1).spatial(8,4).local(1,2)>>
  // CHECK: tile.div
  %3 = tile.div %2, %x : !tile.reg<16x8xf32, #tile.layout<local(2,1).spatial(8,4).local(1,2)>>
  // CHECK: tile.maximum
  %4 = tile.maximum %3, %x : !tile.reg<16x8xf32, #tile.layout<local(2,1).spatial(8,4).local(1,2)>>
  // CHECK: tile.minimum
  %5 = tile.minimum %4, %x : !tile.reg<16x8xf32, #tile.layout<local(2,1).spatial(8,4).local(1,2)>>
  // CHECK: tile.add %{{.*}}, %{{.*}} : !tile.reg<16x8xi32>
  %6 = tile.add %id, %ic : !tile.reg<16x8xi32>
  // CHECK: tile.exp %{{.*}} : !tile.reg<16x8xf32, #tile.layout<local(2,1).spatial(8,4).local(1,2)>>
  %e = tile.exp %5 : !tile.reg<16x8xf32, #tile.layout<local(2,1).spatial(8,4).local(1,2)>>
  // CHECK: tile.tanh %{{.*}} : !tile.reg<16x8xf32, #tile.layout<local(2,1).spatial(8,4).local(1,2)>>
  %th = tile.tanh %e : !tile.reg<16x8xf32, #tile.layout<local(2,1).spatial(8,4).local(1,2)>>
  // CHECK: tile.iota 1 : !tile.reg<16x8xf32, #tile.layout<local(2,1).spatial(8,4).local(1,2)>>
  %io = tile.iota 1 : !tile.reg<16x8xf32, #tile.layout<local(2,1).spatial(8,4).local(1,2)>>
  // CHECK: tile.iota 0 : !tile.reg<16x8xi32>
  %ii = tile.iota 0 : !tile.reg<16x8xi32>
  // CHECK: [[R:%.+]] = tile.reduce add %{{.*}} dims [1] : !tile.reg<16x8xf32, #tile.layout<local(2,1).spatial(8,4).local(1,2)>> -> !tile.reg<16x1xf32, #tile.layout<local(2,1).spatial(8,1).replicated(4)>>
  %r = tile.reduce add %5 dims [1]
         : !tile.reg<16x8xf32, #tile.layout<local(2,1).spatial(8,4).local(1,2)>>
         -> !tile.reg<16x1xf32, #tile.layout<local(2,1).spatial(8,1).replicated(4)>>
  // CHECK: tile.reduce max %{{.*}} dims [0, 1] : !tile.reg<16x8xf32, #tile.layout<local(2,1).spatial(8,4).local(1,2)>> -> !tile.reg<1x1xf32, #tile.layout<local(1,1).replicated(32)>>
  %m = tile.reduce max %5 dims [0, 1]
         : !tile.reg<16x8xf32, #tile.layout<local(2,1).spatial(8,4).local(1,2)>>
         -> !tile.reg<1x1xf32, #tile.layout<local(1,1).replicated(32)>>
  // CHECK: tile.reduce min %{{.*}} dims [0] : !tile.reg<16x8xi32> -> !tile.reg<1x8xi32>
  %n = tile.reduce min %6 dims [0] : !tile.reg<16x8xi32> -> !tile.reg<1x8xi32>
  // CHECK: tile.broadcast [[R]] : !tile.reg<16x1xf32, #tile.layout<local(2,1).spatial(8,1).replicated(4)>> -> !tile.reg<16x8xf32, #tile.layout<local(2,1).spatial(8,4).local(1,2)>>
  %bc = tile.broadcast %r
          : !tile.reg<16x1xf32, #tile.layout<local(2,1).spatial(8,1).replicated(4)>>
          -> !tile.reg<16x8xf32, #tile.layout<local(2,1).spatial(8,4).local(1,2)>>
  // Every worker holding all of the input is also a valid broadcast source.
  // CHECK: tile.broadcast %{{.*}} : !tile.reg<1x1xf32, #tile.layout<local(1,1).replicated(32)>> -> !tile.reg<16x8xf32, #tile.layout<local(2,1).spatial(8,4).local(1,2)>>
  %bm = tile.broadcast %m
          : !tile.reg<1x1xf32, #tile.layout<local(1,1).replicated(32)>>
          -> !tile.reg<16x8xf32, #tile.layout<local(2,1).spatial(8,4).local(1,2)>>
  // CHECK: tile.broadcast %{{.*}} : !tile.reg<1x8xi32> -> !tile.reg<16x8xi32>
  %bn = tile.broadcast %n : !tile.reg<1x8xi32> -> !tile.reg<16x8xi32>
  // The row pair 8-9 of the accumulator: every worker keeps two of its locals.
  // CHECK: tile.extract_slice %{{.*}} [8, 0] : !tile.reg<16x8xf32, #tile.layout<local(2,1).spatial(8,4).local(1,2)>> -> !tile.reg<8x8xf32, #tile.layout<spatial(8,4).local(1,2)>>
  %sl = tile.extract_slice %5 [8, 0]
          : !tile.reg<16x8xf32, #tile.layout<local(2,1).spatial(8,4).local(1,2)>>
          -> !tile.reg<8x8xf32, #tile.layout<spatial(8,4).local(1,2)>>
  // CHECK: tile.extract_slice %{{.*}} [3, 0] : !tile.reg<16x8xi32> -> !tile.reg<1x8xi32>
  %sn = tile.extract_slice %6 [3, 0] : !tile.reg<16x8xi32> -> !tile.reg<1x8xi32>
  // CHECK: tile.annotate_layout %{{.*}} {layout = #tile.layout<local(2,2).spatial(8,4)>} : !tile.reg<16x8xi32>
  %an = tile.annotate_layout %bn {layout = #tile.layout<local(2,2).spatial(8,4)>} : !tile.reg<16x8xi32>
  // An annotation that repeats the layout is allowed (it is what inference leaves behind).
  // CHECK: tile.annotate_layout %{{.*}} {layout = #tile.layout<local(2,2).spatial(8,4)>} : !tile.reg<16x8xi32, #tile.layout<local(2,2).spatial(8,4)>>
  %an2 = tile.annotate_layout %an {layout = #tile.layout<local(2,2).spatial(8,4)>}
           : !tile.reg<16x8xi32, #tile.layout<local(2,2).spatial(8,4)>>
  return
}

//===----------------------------------------------------------------------===//
// Complete kernels
//===----------------------------------------------------------------------===//

// The PTX mma.m16n8k16 fragment layouts (f16 A and B, f32 C; 32 workers = one warp).
#A = #tile.layout<column_local(2,2).spatial(8,4).local(1,2)>
#B = #tile.layout<local(2,1).column_spatial(4,8).local(2,1)>
#C = #tile.layout<local(2,1).spatial(8,4).local(1,2)>

// C[M, N] = A[M, K] * B[K, N], row-major f16 in, f32 out. One warp per 16x8 tile of C; each
// step of the K loop is one mma.m16n8k16. Tiles that overhang M, N or K read zeros and store
// nothing, so any M <= 128, N <= 128 and any K work.
// CHECK-LABEL: tile.kernel @gemm_f16(
// CHECK-SAME: grid [8, 16] workers 32 {
// CHECK: [[VA:%.+]] = tile.global_view %{{.*}} : memref<?xf16> -> !tile.global<?x?xf16>
// CHECK: [[VB:%.+]] = tile.global_view %{{.*}} : memref<?xf16> -> !tile.global<?x?xf16>
// CHECK: [[VC:%.+]] = tile.global_view %{{.*}} : memref<?xf32> -> !tile.global<?x?xf32>
// CHECK: [[INIT:%.+]] = tile.splat %{{.*}} : !tile.reg<16x8xf32, #tile.layout<local(2,1).spatial(8,4).local(1,2)>>
// CHECK: [[ACC:%.+]] = scf.for %[[K:.+]] = %{{.*}} to %{{.*}} step %{{.*}} iter_args(%[[ACC_IN:.+]] = [[INIT]]) -> (!tile.reg<16x8xf32, #tile.layout<local(2,1).spatial(8,4).local(1,2)>>) {
// CHECK-NEXT: [[TA:%.+]] = tile.load_global [[VA]][%{{.*}}, %[[K]]] : !tile.global<?x?xf16> -> !tile.reg<16x16xf16, #tile.layout<column_local(2,2).spatial(8,4).local(1,2)>>
// CHECK-NEXT: [[TB:%.+]] = tile.load_global [[VB]][%[[K]], %{{.*}}] : !tile.global<?x?xf16> -> !tile.reg<16x8xf16, #tile.layout<local(2,1).column_spatial(4,8).local(2,1)>>
// CHECK-NEXT: [[D:%.+]] = tile.dot [[TA]], [[TB]], %[[ACC_IN]]
// CHECK-NEXT: scf.yield [[D]]
// CHECK: tile.store_global [[ACC]], [[VC]][%{{.*}}, %{{.*}}]
// CHECK-NEXT: tile.return
tile.kernel @gemm_f16(%a: memref<?xf16>, %b: memref<?xf16>, %c: memref<?xf32>,
                      %m: index, %n: index, %k: index) grid [8, 16] workers 32 {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  %c16 = arith.constant 16 : index
  %zero = arith.constant 0.0 : f32
  %va = tile.global_view %a sizes(%m, %k) strides(%k, %c1) : memref<?xf16> -> !tile.global<?x?xf16>
  %vb = tile.global_view %b sizes(%k, %n) strides(%n, %c1) : memref<?xf16> -> !tile.global<?x?xf16>
  %vc = tile.global_view %c sizes(%m, %n) strides(%n, %c1) : memref<?xf32> -> !tile.global<?x?xf32>
  %bm = tile.block_index 0
  %bn = tile.block_index 1
  %row = arith.muli %bm, %c16 : index
  %col = arith.muli %bn, %c8 : index
  %init = tile.splat %zero : !tile.reg<16x8xf32, #C>
  %acc = scf.for %kk = %c0 to %k step %c16 iter_args(%acc_in = %init) -> (!tile.reg<16x8xf32, #C>) {
    %ta = tile.load_global %va[%row, %kk] : !tile.global<?x?xf16> -> !tile.reg<16x16xf16, #A>
    %tb = tile.load_global %vb[%kk, %col] : !tile.global<?x?xf16> -> !tile.reg<16x8xf16, #B>
    %d = tile.dot %ta, %tb, %acc_in : !tile.reg<16x16xf16, #A>, !tile.reg<16x8xf16, #B> -> !tile.reg<16x8xf32, #C>
    scf.yield %d : !tile.reg<16x8xf32, #C>
  }
  tile.store_global %acc, %vc[%row, %col] : !tile.reg<16x8xf32, #C>, !tile.global<?x?xf32>
  tile.return
}

// The same product staged through shared memory by four warps: the block computes a 32x16
// tile of C as 2x2 mma tiles. Composition places the warps: `spatial(2,2) * C` gives warp
// (wm, wn) the C fragment (wm, wn); the warps of one row share A (`replicated(2)` in the
// worker index), the warps of one column share B.
#A4 = #tile.layout<spatial(2,1).replicated(2).column_local(2,2).spatial(8,4).local(1,2)>
#B4 = #tile.layout<replicated(2).spatial(1,2).local(2,1).column_spatial(4,8).local(2,1)>
#C4 = #tile.layout<spatial(2,2).local(2,1).spatial(8,4).local(1,2)>
#SA = #tile.shared_layout<shape=[32,16], strides=[16,1], swizzle=[1,3,1]>

// CHECK-LABEL: tile.kernel @gemm_f16_shared(
// CHECK-SAME: grid [4, 8] workers 128 {
// CHECK: [[SA:%.+]] = tile.alloc_shared : !tile.shared<32x16xf16, #tile.shared_layout<shape=[32,16], strides=[16,1], swizzle=[1,3,1]>>
// CHECK: [[SB:%.+]] = tile.alloc_shared : !tile.shared<16x16xf16>
// CHECK: scf.for
// CHECK-NEXT: tile.copy_async %{{.*}}[%{{.*}}, %{{.*}}], [[SA]]
// CHECK-NEXT: tile.copy_async %{{.*}}[%{{.*}}, %{{.*}}], [[SB]]
// CHECK-NEXT: tile.copy_async_wait pending = 0
// CHECK-NEXT: tile.sync
// CHECK-NEXT: tile.load_shared [[SA]]{{.*}} -> !tile.reg<32x16xf16, #tile.layout<spatial(2,1).column_local(2,2).replicated(2).spatial(8,4).local(1,2)>>
// CHECK-NEXT: tile.load_shared [[SB]]{{.*}} -> !tile.reg<16x16xf16, #tile.layout<local(2,1).replicated(2).column_spatial(4,16).local(2,1)>>
// CHECK-NEXT: tile.dot
// CHECK-SAME: -> !tile.reg<32x16xf32, #tile.layout<spatial(2,2).local(2,1).spatial(8,4).local(1,2)>>
// CHECK-NEXT: tile.sync
tile.kernel @gemm_f16_shared(%a: memref<?xf16>, %b: memref<?xf16>, %c: memref<?xf32>,
                             %m: index, %n: index, %k: index) grid [4, 8] workers 128 {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c16 = arith.constant 16 : index
  %c32 = arith.constant 32 : index
  %zero = arith.constant 0.0 : f32
  %va = tile.global_view %a sizes(%m, %k) strides(%k, %c1) : memref<?xf16> -> !tile.global<?x?xf16>
  %vb = tile.global_view %b sizes(%k, %n) strides(%n, %c1) : memref<?xf16> -> !tile.global<?x?xf16>
  %vc = tile.global_view %c sizes(%m, %n) strides(%n, %c1) : memref<?xf32> -> !tile.global<?x?xf32>
  %bm = tile.block_index 0
  %bn = tile.block_index 1
  %r0 = arith.muli %bm, %c32 : index
  %c0n = arith.muli %bn, %c16 : index
  %sa = tile.alloc_shared : !tile.shared<32x16xf16, #SA>
  %sb = tile.alloc_shared : !tile.shared<16x16xf16>
  %init = tile.splat %zero : !tile.reg<32x16xf32, #C4>
  %acc = scf.for %kk = %c0 to %k step %c16 iter_args(%acc_in = %init) -> (!tile.reg<32x16xf32, #C4>) {
    tile.copy_async %va[%r0, %kk], %sa : !tile.global<?x?xf16>, !tile.shared<32x16xf16, #SA>
    tile.copy_async %vb[%kk, %c0n], %sb : !tile.global<?x?xf16>, !tile.shared<16x16xf16>
    tile.copy_async_wait pending = 0
    tile.sync
    %ta = tile.load_shared %sa[%c0, %c0] : !tile.shared<32x16xf16, #SA> -> !tile.reg<32x16xf16, #A4>
    %tb = tile.load_shared %sb[%c0, %c0] : !tile.shared<16x16xf16> -> !tile.reg<16x16xf16, #B4>
    %d = tile.dot %ta, %tb, %acc_in : !tile.reg<32x16xf16, #A4>, !tile.reg<16x16xf16, #B4> -> !tile.reg<32x16xf32, #C4>
    // The next iteration's copies overwrite the tiles every warp is reading now.
    tile.sync
    scf.yield %d : !tile.reg<32x16xf32, #C4>
  }
  tile.store_global %acc, %vc[%r0, %c0n] : !tile.reg<32x16xf32, #C4>, !tile.global<?x?xf32>
  tile.return
}

// W4A16: C[M, N] = A[M, K] * dequant(W)[K, N] with 4-bit weights (zero point 8, one f16 scale
// per group of 16 along K). The weights are pre-packed for the kernel: each 16x16 K x N tile is
// 32 words, word t holding the 8 codes that worker t needs for two mma B fragments (layout
// #BW = local(1,2) * B, 8 locals x 4 bits = 32 bits). The kernel loads one word per worker,
// views it as the 16x16 ui4 tile, casts to f16, removes the zero point and scales.
#BW = #tile.layout<column_local(2,2).column_spatial(4,8).local(2,1)>
#CW = #tile.layout<column_local(2,2).spatial(8,4).local(1,2)>
#SW = #tile.layout<local(1,2).spatial(1,8).replicated(4)>

// CHECK-LABEL: tile.kernel @gemm_w4a16(
// CHECK-SAME: grid [8, 8] workers 32 {
// CHECK: [[WORDS:%.+]] = tile.load_global %{{.*}} : !tile.global<?x?xi32> -> !tile.reg<1x32xi32, #tile.layout<spatial(1,32)>>
// CHECK-NEXT: [[CODES:%.+]] = tile.view [[WORDS]] : !tile.reg<1x32xi32, #tile.layout<spatial(1,32)>> -> !tile.reg<16x16xui4, #tile.layout<column_local(2,2).column_spatial(4,8).local(2,1)>>
// CHECK-NEXT: [[WF:%.+]] = tile.cast [[CODES]] : !tile.reg<16x16xui4, #tile.layout<column_local(2,2).column_spatial(4,8).local(2,1)>> -> !tile.reg<16x16xf16, #tile.layout<column_local(2,2).column_spatial(4,8).local(2,1)>>
// CHECK-NEXT: [[CENTERED:%.+]] = tile.sub [[WF]], %{{.*}}
// CHECK-NEXT: [[S:%.+]] = tile.load_global %{{.*}} -> !tile.reg<1x16xf16, #tile.layout<local(1,2).spatial(1,8).replicated(4)>>
// CHECK-NEXT: [[SB:%.+]] = tile.broadcast [[S]]
// CHECK-NEXT: [[W:%.+]] = tile.mul [[CENTERED]], [[SB]]
// CHECK-NEXT: tile.load_global
// CHECK-NEXT: tile.dot %{{.*}}, [[W]], %{{.*}} : !tile.reg<16x16xf16, #tile.layout<column_local(2,2).spatial(8,4).local(1,2)>>, !tile.reg<16x16xf16, #tile.layout<column_local(2,2).column_spatial(4,8).local(2,1)>> -> !tile.reg<16x16xf32, #tile.layout<column_local(2,2).spatial(8,4).local(1,2)>>
tile.kernel @gemm_w4a16(%a: memref<?xf16>, %packed: memref<?xi32>, %scales: memref<?xf16>,
                        %c: memref<?xf32>, %m: index, %n: index, %k: index)
    grid [8, 8] workers 32 {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c16 = arith.constant 16 : index
  %c32 = arith.constant 32 : index
  %zero = arith.constant 0.0 : f32
  %eight = arith.constant 8.0 : f16
  // Packed weights: [K/16, (N/16) * 32] words; scales: [K/16, N].
  %kt = arith.divui %k, %c16 : index
  %nt = arith.divui %n, %c16 : index
  %nw = arith.muli %nt, %c32 : index
  %va = tile.global_view %a sizes(%m, %k) strides(%k, %c1) : memref<?xf16> -> !tile.global<?x?xf16>
  %vw = tile.global_view %packed sizes(%kt, %nw) strides(%nw, %c1) : memref<?xi32> -> !tile.global<?x?xi32>
  %vs = tile.global_view %scales sizes(%kt, %n) strides(%n, %c1) : memref<?xf16> -> !tile.global<?x?xf16>
  %vc = tile.global_view %c sizes(%m, %n) strides(%n, %c1) : memref<?xf32> -> !tile.global<?x?xf32>
  %bm = tile.block_index 0
  %bn = tile.block_index 1
  %row = arith.muli %bm, %c16 : index
  %col = arith.muli %bn, %c16 : index
  %wcol = arith.muli %bn, %c32 : index
  %zp = tile.splat %eight : !tile.reg<16x16xf16, #BW>
  %init = tile.splat %zero : !tile.reg<16x16xf32, #CW>
  %acc = scf.for %kk = %c0 to %k step %c16 iter_args(%acc_in = %init) -> (!tile.reg<16x16xf32, #CW>) {
    %g = arith.divui %kk, %c16 : index
    %words = tile.load_global %vw[%g, %wcol] : !tile.global<?x?xi32> -> !tile.reg<1x32xi32, #tile.layout<spatial(1,32)>>
    %codes = tile.view %words : !tile.reg<1x32xi32, #tile.layout<spatial(1,32)>> -> !tile.reg<16x16xui4, #BW>
    %wf = tile.cast %codes : !tile.reg<16x16xui4, #BW> -> !tile.reg<16x16xf16, #BW>
    %centered = tile.sub %wf, %zp : !tile.reg<16x16xf16, #BW>
    %s = tile.load_global %vs[%g, %col] : !tile.global<?x?xf16> -> !tile.reg<1x16xf16, #SW>
    %sb = tile.broadcast %s : !tile.reg<1x16xf16, #SW> -> !tile.reg<16x16xf16, #BW>
    %w = tile.mul %centered, %sb : !tile.reg<16x16xf16, #BW>
    %ta = tile.load_global %va[%row, %kk] : !tile.global<?x?xf16> -> !tile.reg<16x16xf16, #A>
    %d = tile.dot %ta, %w, %acc_in : !tile.reg<16x16xf16, #A>, !tile.reg<16x16xf16, #BW> -> !tile.reg<16x16xf32, #CW>
    scf.yield %d : !tile.reg<16x16xf32, #CW>
  }
  tile.store_global %acc, %vc[%row, %col] : !tile.reg<16x16xf32, #CW>, !tile.global<?x?xf32>
  tile.return
}

//===----------------------------------------------------------------------===//
// Launches (host code)
//===----------------------------------------------------------------------===//

// CHECK-LABEL: func @launch_gemm(
// CHECK-NEXT: tile.launch @gemm_f16(%{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}) : (memref<?xf16>, memref<?xf16>, memref<?xf32>, index, index, index) -> ()
// CHECK-NEXT: tile.launch @no_arguments() : () -> ()
func.func @launch_gemm(%a: memref<?xf16>, %b: memref<?xf16>, %c: memref<?xf32>, %m: index,
                       %n: index, %k: index) {
  tile.launch @gemm_f16(%a, %b, %c, %m, %n, %k)
    : (memref<?xf16>, memref<?xf16>, memref<?xf32>, index, index, index) -> ()
  tile.launch @no_arguments() : () -> ()
  return
}
