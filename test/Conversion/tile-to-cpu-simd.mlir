// RUN: lowbit-opt %s --split-input-file --tile-to-cpu="target-cpu=znver3" --canonicalize --cse | FileCheck %s
// RUN: lowbit-opt %s --split-input-file --tile-to-cpu="target-cpu=znver4" --canonicalize --cse | FileCheck %s --check-prefix=VNNI

// Implemented in lib/Conversion/TileToCPU/: SimdKernel.cpp (the walk, carried vectors),
// SimdMemory.cpp (loads and stores), SimdForms.cpp (lanes, words, bytes), SimdCompute.cpp
// (view, cast, reduce, broadcast, element-wise), SimdDot.cpp and SimdIsa.cpp (tile.dot).

// tile-to-cpu's SIMD lowering: the 8 workers are the 8 lanes of a 256-bit vector (znver3:
// AVX2) or of a 512-bit one (znver4: AVX-512, vpdpbusd). Constant offsets let --canonicalize
// prove the tiles lie inside their views, so only the fast accesses remain.

// Lane w holds row w's 16 f16 values, 8 words: one 32-byte load per lane, then the words are
// transposed (word t of every lane in vector t) by three stages of 8 interleaves, each one
// instruction (vpunpckl/hdq, vperm2i128).
// CHECK-LABEL: func.func private @row_loads(
// CHECK-SAME: tile.lowering = "simd"
// CHECK-COUNT-8: vector.load %arg0[%{{.+}}] : memref<?xf16>, vector<16xf16>
// CHECK-COUNT-8: vector.shuffle %{{.+}}, %{{.+}} [{{[0-9, ]+}}] : vector<8xi32>, vector<8xi32>
// CHECK-COUNT-8: vector.shuffle %{{.+}}, %{{.+}} [{{[0-9, ]+}}] : vector<8xi32>, vector<8xi32>
// CHECK-COUNT-8: vector.shuffle %{{.+}}, %{{.+}} [{{[0-9, ]+}}] : vector<8xi32>, vector<8xi32>
// CHECK-NOT: vector<64xi32>
// The cast reads each f16 local out of its word and extends it lane-wide.
// CHECK: arith.extf %{{.+}} : vector<8xf16> to vector<8xf32>
// Each lane's 16 f32 results are a row of the view: per-lane element scatters.
// CHECK: vector.scatter %arg1
tile.kernel @row_loads(%s: memref<?xf16>, %y: memref<?xf32>) grid [1] workers 8 {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  %c16 = arith.constant 16 : index
  %vs = tile.global_view %s sizes(%c8, %c16) strides(%c16, %c1) : memref<?xf16> -> !tile.global<?x?xf16>
  %vy = tile.global_view %y sizes(%c8, %c16) strides(%c16, %c1) : memref<?xf32> -> !tile.global<?x?xf32>
  %rows = tile.load_global %vs[%c0, %c0] : !tile.global<?x?xf16> -> !tile.reg<8x16xf16, #tile.layout<spatial(8,1).local(1,16)>>
  %f = tile.cast %rows : !tile.reg<8x16xf16, #tile.layout<spatial(8,1).local(1,16)>> -> !tile.reg<8x16xf32, #tile.layout<spatial(8,1).local(1,16)>>
  tile.store_global %f, %vy[%c0, %c0] : !tile.reg<8x16xf32, #tile.layout<spatial(8,1).local(1,16)>>, !tile.global<?x?xf32>
  tile.return
}

// -----

// The int8 dot of si8 activations (replicated: every lane holds all 32) and 4-bit weights
// (lane w is column w; its 32 codes in 4 words, low nibbles k = 8j..8j+3 and high nibbles
// k = 8j+4..8j+7 of word j). Each activation word is a broadcast load; each weight word gives
// two byte vectors (and, shift+and) that pair with activation words as they are. u4 x s8
// pairs are at most 2 * 15 * 128 = 3840, so all 8 vpmaddubsw results chain in i16
// (8 * 3840 <= 32767) before one vpmaddwd.
// CHECK-LABEL: func.func private @dot_u4s8(
// CHECK-COUNT-8: vector.broadcast %{{.+}} : i32 to vector<8xi32>
// CHECK-COUNT-4: vector.load %arg1[%{{.+}}] : memref<?xi32>, vector<8xi32>
// CHECK: %[[LO:.+]] = arith.andi %{{.+}}, %[[NIBBLES:.+]] : vector<8xi32>
// CHECK-NEXT: %[[SHIFTED:.+]] = arith.shrui
// CHECK-NEXT: arith.andi %[[SHIFTED]], %[[NIBBLES]] : vector<8xi32>
// CHECK: %[[P0:.+]] = llvm.call_intrinsic "llvm.x86.avx2.pmadd.ub.sw"
// CHECK: %[[P1:.+]] = llvm.call_intrinsic "llvm.x86.avx2.pmadd.ub.sw"
// CHECK-NEXT: %[[S1:.+]] = arith.addi %[[P0]], %[[P1]] : vector<16xi16>
// CHECK-COUNT-6: llvm.call_intrinsic "llvm.x86.avx2.pmadd.ub.sw"
// CHECK: llvm.call_intrinsic "llvm.x86.avx2.pmadd.wd"
// CHECK-NOT: llvm.call_intrinsic
// CHECK: vector.store %{{.+}}, %arg2[%{{.+}}] : memref<?xi32>, vector<8xi32>
// On AVX512-VNNI hosts the 8 lanes are one 256-bit vector (AVX512VL): 8 vpdpbusd in
// two accumulator chains.
// VNNI-LABEL: func.func private @dot_u4s8(
// VNNI-COUNT-8: llvm.call_intrinsic "llvm.x86.avx512.vpdpbusd.256"(%{{.+}}, %{{.+}}, %{{.+}}) : (vector<8xi32>, vector<32xi8>, vector<32xi8>) -> vector<8xi32>
// VNNI-NOT: pmadd
#A = #tile.layout<replicated(8).local(1,32)>
#B = #tile.layout<layout<shape=[32,8], modes=[4,2,4,8], spatial=[3], local=[0,2,1]>>
#W = #tile.layout<local(4,1).spatial(1,8)>
#C = #tile.layout<spatial(1,8)>
tile.kernel @dot_u4s8(%a: memref<?xi8>, %w: memref<?xi32>, %y: memref<?xi32>) grid [1] workers 8 {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %c8 = arith.constant 8 : index
  %c32 = arith.constant 32 : index
  %zero = arith.constant 0 : i32
  %va = tile.global_view %a sizes(%c1, %c32) strides(%c32, %c1) : memref<?xi8> -> !tile.global<?x?xi8>
  %vw = tile.global_view %w sizes(%c4, %c8) strides(%c8, %c1) : memref<?xi32> -> !tile.global<?x?xi32>
  %vy = tile.global_view %y sizes(%c1, %c8) strides(%c8, %c1) : memref<?xi32> -> !tile.global<?x?xi32>
  %ta = tile.load_global %va[%c0, %c0] : !tile.global<?x?xi8> -> !tile.reg<1x32xi8, #A>
  %sa = tile.view %ta : !tile.reg<1x32xi8, #A> -> !tile.reg<1x32xsi8, #A>
  %words = tile.load_global %vw[%c0, %c0] : !tile.global<?x?xi32> -> !tile.reg<4x8xi32, #W>
  %q = tile.view %words : !tile.reg<4x8xi32, #W> -> !tile.reg<32x8xui4, #B>
  %init = tile.splat %zero : !tile.reg<1x8xi32, #C>
  %d = tile.dot %sa, %q, %init : !tile.reg<1x32xsi8, #A>, !tile.reg<32x8xui4, #B> -> !tile.reg<1x8xi32, #C>
  tile.store_global %d, %vy[%c0, %c0] : !tile.reg<1x8xi32, #C>, !tile.global<?x?xi32>
  tile.return
}

// -----

// A reduction across the 8 lanes: each lane's partial, then 3 butterfly steps (lanes 1, 2, 4
// apart); the replicated result is stored once, from lane 0.
// CHECK-LABEL: func.func private @reduce_lanes(
// CHECK: %[[X:.+]] = vector.load %arg0[%{{.+}}] : memref<?xf32>, vector<8xf32>
// CHECK: %[[S1:.+]] = vector.shuffle %[[X]], %[[X]] [1, 0, 3, 2, 5, 4, 7, 6]
// CHECK-NEXT: %[[R1:.+]] = arith.addf %[[X]], %[[S1]] : vector<8xf32>
// CHECK-NEXT: %[[S2:.+]] = vector.shuffle %[[R1]], %[[R1]] [2, 3, 0, 1, 6, 7, 4, 5]
// CHECK-NEXT: %[[R2:.+]] = arith.addf %[[R1]], %[[S2]] : vector<8xf32>
// CHECK-NEXT: %[[S4:.+]] = vector.shuffle %[[R2]], %[[R2]] [4, 5, 6, 7, 0, 1, 2, 3]
// CHECK-NEXT: %[[R4:.+]] = arith.addf %[[R2]], %[[S4]] : vector<8xf32>
// CHECK: %[[FIRST:.+]] = vector.shuffle %[[R4]], %[[R4]] [0]
// CHECK-NEXT: vector.store %[[FIRST]], %arg1[%{{.+}}] : memref<?xf32>, vector<1xf32>
tile.kernel @reduce_lanes(%x: memref<?xf32>, %y: memref<?xf32>) grid [1] workers 8 {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c8 = arith.constant 8 : index
  %vx = tile.global_view %x sizes(%c2, %c8) strides(%c8, %c1) : memref<?xf32> -> !tile.global<?x?xf32>
  %vy = tile.global_view %y sizes(%c2, %c1) strides(%c1, %c1) : memref<?xf32> -> !tile.global<?x?xf32>
  %t = tile.load_global %vx[%c0, %c0] : !tile.global<?x?xf32> -> !tile.reg<2x8xf32, #tile.layout<local(2,1).spatial(1,8)>>
  %r = tile.reduce add %t dims [1] : !tile.reg<2x8xf32, #tile.layout<local(2,1).spatial(1,8)>> -> !tile.reg<2x1xf32, #tile.layout<local(2,1).replicated(8)>>
  tile.store_global %r, %vy[%c0, %c0] : !tile.reg<2x1xf32, #tile.layout<local(2,1).replicated(8)>>, !tile.global<?x?xf32>
  tile.return
}

// -----

// Offsets known only at run time: the fast accesses run when the tile lies inside the view,
// masked gathers and scatters otherwise.
// CHECK-LABEL: func.func private @edges(
// CHECK: %[[INSIDE:.+]] = arith.andi
// CHECK: scf.if %[[INSIDE]] -> (vector<8xf32>)
// CHECK: vector.load %arg0
// CHECK: } else {
// CHECK: vector.gather %arg0
// CHECK: scf.if
// CHECK: vector.store
// CHECK: } else {
// CHECK: vector.scatter %arg0
tile.kernel @edges(%x: memref<?xf32>, %n: index) grid [4] workers 8 {
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  %v = tile.global_view %x sizes(%n) strides(%c1) : memref<?xf32> -> !tile.global<?xf32>
  %b = tile.block_index 0
  %o = arith.muli %b, %c8 : index
  %t = tile.load_global %v[%o] : !tile.global<?xf32> -> !tile.reg<8xf32, #tile.layout<spatial(8)>>
  %s = tile.add %t, %t : !tile.reg<8xf32, #tile.layout<spatial(8)>>
  tile.store_global %s, %v[%o] : !tile.reg<8xf32, #tile.layout<spatial(8)>>, !tile.global<?xf32>
  tile.return
}

// -----

// in_bounds: the program vouches for the tile, so neither the check nor the masked path is
// emitted.
// CHECK-LABEL: func.func private @interior(
// CHECK-NOT: scf.if
// CHECK-NOT: vector.gather
// CHECK: vector.load %arg0
// CHECK-NOT: scf.if
// CHECK-NOT: vector.scatter
// CHECK: vector.store
// CHECK: return
tile.kernel @interior(%x: memref<?xf32>, %n: index) grid [4] workers 8 {
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  %v = tile.global_view %x sizes(%n) strides(%c1) : memref<?xf32> -> !tile.global<?xf32>
  %b = tile.block_index 0
  %o = arith.muli %b, %c8 : index
  %t = tile.load_global %v[%o] {in_bounds} : !tile.global<?xf32> -> !tile.reg<8xf32, #tile.layout<spatial(8)>>
  %s = tile.add %t, %t : !tile.reg<8xf32, #tile.layout<spatial(8)>>
  tile.store_global %s, %v[%o] {in_bounds} : !tile.reg<8xf32, #tile.layout<spatial(8)>>, !tile.global<?xf32>
  tile.return
}

// -----

// GPU-shaped programs (a dot in mma fragment layouts, whose operands sit in other lanes) keep
// the SIMT emulation.
// CHECK-LABEL: func.func private @mma_shaped(
// CHECK-SAME: tile.lowering = "simt"
#MA = #tile.layout<column_local(2,2).spatial(8,4).local(1,2)>
#MB = #tile.layout<local(2,1).column_spatial(4,8).local(2,1)>
#MC = #tile.layout<local(2,1).spatial(8,4).local(1,2)>
tile.kernel @mma_shaped(%a: memref<?xf16>, %b: memref<?xf16>, %c: memref<?xf32>) grid [1] workers 32 {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  %c16 = arith.constant 16 : index
  %zero = arith.constant 0.0 : f32
  %va = tile.global_view %a sizes(%c16, %c16) strides(%c16, %c1) : memref<?xf16> -> !tile.global<?x?xf16>
  %vb = tile.global_view %b sizes(%c16, %c8) strides(%c8, %c1) : memref<?xf16> -> !tile.global<?x?xf16>
  %vc = tile.global_view %c sizes(%c16, %c8) strides(%c8, %c1) : memref<?xf32> -> !tile.global<?x?xf32>
  %ta = tile.load_global %va[%c0, %c0] : !tile.global<?x?xf16> -> !tile.reg<16x16xf16, #MA>
  %tb = tile.load_global %vb[%c0, %c0] : !tile.global<?x?xf16> -> !tile.reg<16x8xf16, #MB>
  %init = tile.splat %zero : !tile.reg<16x8xf32, #MC>
  %d = tile.dot %ta, %tb, %init : !tile.reg<16x16xf16, #MA>, !tile.reg<16x8xf16, #MB> -> !tile.reg<16x8xf32, #MC>
  tile.store_global %d, %vc[%c0, %c0] : !tile.reg<16x8xf32, #MC>, !tile.global<?x?xf32>
  tile.return
}

// -----

// tile.extract_slice picks locals: group 3 of 8 per-lane groups is local 3 of every lane.
// CHECK-LABEL: func.func private @slice_groups(
// Only the interleaves that column 3 needs survive: 4 + 2 + 1.
// CHECK-COUNT-8: vector.load %arg0
// CHECK-COUNT-6: vector.shuffle
// CHECK-NEXT: %[[G3:.+]] = vector.shuffle %{{.+}}, %{{.+}} [4, 12, 5, 13, 6, 14, 7, 15]
// CHECK: vector.store %[[G3]], %arg1[%{{.+}}] : memref<?xf32>, vector<8xf32>
tile.kernel @slice_groups(%s: memref<?xf32>, %y: memref<?xf32>) grid [1] workers 8 {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  // s is [rows = 8, groups = 8] row-major; the tile is [groups, rows]: lane w holds row w.
  %vs = tile.global_view %s sizes(%c8, %c8) strides(%c1, %c8) : memref<?xf32> -> !tile.global<?x?xf32>
  %vy = tile.global_view %y sizes(%c1, %c8) strides(%c8, %c1) : memref<?xf32> -> !tile.global<?x?xf32>
  %t = tile.load_global %vs[%c0, %c0] : !tile.global<?x?xf32> -> !tile.reg<8x8xf32, #tile.layout<local(8,1).spatial(1,8)>>
  %g = tile.extract_slice %t [3, 0] : !tile.reg<8x8xf32, #tile.layout<local(8,1).spatial(1,8)>> -> !tile.reg<1x8xf32, #tile.layout<spatial(1,8)>>
  tile.store_global %g, %vy[%c0, %c0] : !tile.reg<1x8xf32, #tile.layout<spatial(1,8)>>, !tile.global<?x?xf32>
  tile.return
}

// -----

// Lanes whose elements are not one contiguous run (each lane a row of a [N, groups] scale
// tensor, or bytes 16 apart) load them with scalar loads at constant offsets: one 4-byte load
// per lane for a pair of f16 scales, one per byte for zero points, assembled with
// vector.from_elements; no masked gather (whose x86 lowering computes an address vector and
// extracts every element).
// CHECK-LABEL: func.func private @lane_words(
// CHECK-NOT: vector.gather
// CHECK-COUNT-8: vector.load %arg0[%{{.+}}] : memref<?xf16>, vector<2xf16>
// CHECK: vector.from_elements {{.*}} : vector<8xi32>
// CHECK-COUNT-8: vector.load %arg0[%{{.+}}] : memref<?xf16>, vector<2xf16>
// CHECK: vector.from_elements {{.*}} : vector<8xi32>
// CHECK-COUNT-16: vector.load %arg1[%{{.+}}] : memref<?xi8>, vector<1xi8>
// CHECK: vector.from_elements {{.*}} : vector<32xi8>
// CHECK-NOT: vector.gather
// CHECK: return
tile.kernel @lane_words(%s: memref<?xf16>, %z: memref<?xi8>, %y: memref<?xf32>, %yz: memref<?xi8>) grid [1] workers 8 {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c16 = arith.constant 16 : index
  %c32 = arith.constant 32 : index
  %vs = tile.global_view %s sizes(%c32, %c16) strides(%c1, %c32) : memref<?xf16> -> !tile.global<?x?xf16>
  %vz = tile.global_view %z sizes(%c16, %c16) strides(%c16, %c1) : memref<?xi8> -> !tile.global<?x?xi8>
  %vy = tile.global_view %y sizes(%c2, %c16) strides(%c16, %c1) : memref<?xf32> -> !tile.global<?x?xf32>
  %vyz = tile.global_view %yz sizes(%c16, %c1) strides(%c1, %c1) : memref<?xi8> -> !tile.global<?x?xi8>
  %t = tile.load_global %vs[%c0, %c0] {in_bounds} : !tile.global<?x?xf16> -> !tile.reg<2x16xf16, #tile.layout<column_local(2,2).spatial(1,8)>>
  %f = tile.cast %t : !tile.reg<2x16xf16, #tile.layout<column_local(2,2).spatial(1,8)>> -> !tile.reg<2x16xf32, #tile.layout<column_local(2,2).spatial(1,8)>>
  tile.store_global %f, %vy[%c0, %c0] {in_bounds} : !tile.reg<2x16xf32, #tile.layout<column_local(2,2).spatial(1,8)>>, !tile.global<?x?xf32>
  %b = tile.load_global %vz[%c0, %c0] {in_bounds} : !tile.global<?x?xi8> -> !tile.reg<16x1xi8, #tile.layout<local(2,1).spatial(8,1)>>
  tile.store_global %b, %vyz[%c0, %c0] {in_bounds} : !tile.reg<16x1xi8, #tile.layout<local(2,1).spatial(8,1)>>, !tile.global<?x?xi8>
  tile.return
}

// -----

// The same tiles from group-major views ([groups, N] rows; lane w holds columns w and 8 + w):
// each local is a run of 8 consecutive elements across the lanes, loaded as one vector and
// interleaved into the lanes' words: two f16 runs per word (one stage), four i8 runs (two
// stages, the second on i16 pairs).
// CHECK-LABEL: func.func private @interleaved_runs(
// CHECK-NOT: vector.gather
// CHECK-COUNT-2: vector.load %arg0[%{{.+}}] : memref<?xf16>, vector<8xf16>
// CHECK: vector.interleave %{{.+}}, %{{.+}} : vector<8xi16> -> vector<16xi16>
// CHECK: vector.bitcast %{{.+}} : vector<16xi16> to vector<8xi32>
// CHECK-COUNT-4: vector.load %arg1[%{{.+}}] : memref<?xi8>, vector<8xi8>
// CHECK: vector.interleave %{{.+}}, %{{.+}} : vector<8xi8> -> vector<16xi8>
// CHECK: vector.interleave %{{.+}}, %{{.+}} : vector<8xi8> -> vector<16xi8>
// CHECK: vector.interleave %{{.+}}, %{{.+}} : vector<8xi16> -> vector<16xi16>
// CHECK-NOT: vector.gather
// CHECK: return
tile.kernel @interleaved_runs(%s: memref<?xf16>, %z: memref<?xi8>, %y: memref<?xf32>) grid [1] workers 8 {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c16 = arith.constant 16 : index
  %vs = tile.global_view %s sizes(%c2, %c16) strides(%c16, %c1) : memref<?xf16> -> !tile.global<?x?xf16>
  %vz = tile.global_view %z sizes(%c2, %c16) strides(%c16, %c1) : memref<?xi8> -> !tile.global<?x?xi8>
  %vy = tile.global_view %y sizes(%c2, %c16) strides(%c16, %c1) : memref<?xf32> -> !tile.global<?x?xf32>
  %t = tile.load_global %vs[%c0, %c0] {in_bounds} : !tile.global<?x?xf16> -> !tile.reg<2x16xf16, #tile.layout<column_local(2,2).spatial(1,8)>>
  %f = tile.cast %t : !tile.reg<2x16xf16, #tile.layout<column_local(2,2).spatial(1,8)>> -> !tile.reg<2x16xf32, #tile.layout<column_local(2,2).spatial(1,8)>>
  %b = tile.load_global %vz[%c0, %c0] {in_bounds} : !tile.global<?x?xi8> -> !tile.reg<2x16xi8, #tile.layout<column_local(2,2).spatial(1,8)>>
  %bf = tile.cast %b : !tile.reg<2x16xi8, #tile.layout<column_local(2,2).spatial(1,8)>> -> !tile.reg<2x16xf32, #tile.layout<column_local(2,2).spatial(1,8)>>
  %sum = tile.add %f, %bf : !tile.reg<2x16xf32, #tile.layout<column_local(2,2).spatial(1,8)>>
  tile.store_global %sum, %vy[%c0, %c0] {in_bounds} : !tile.reg<2x16xf32, #tile.layout<column_local(2,2).spatial(1,8)>>, !tile.global<?x?xf32>
  tile.return
}

// -----

// tile.prefetch_global: one prefetch per 64-byte line of the box (no bounds: a prefetch never
// faults): 256 bytes of words (4 lines, 16 words apart), 16 bytes of each of 16 rows 2048
// bytes apart (16 lines); a view whose row stride is not a constant gets none.
// CHECK-LABEL: func.func private @prefetches(
// CHECK-NOT: memref.dim
// CHECK: %[[ROW:.+]] = arith.muli %{{.+}}, %c64 : index
// CHECK-NEXT: memref.prefetch %arg0[%[[ROW]]], read, locality<3>, data : memref<?xi32>
// CHECK-NEXT: %[[W16:.+]] = arith.addi %[[ROW]], %c16 : index
// CHECK-NEXT: memref.prefetch %arg0[%[[W16]]], read, locality<3>, data : memref<?xi32>
// CHECK-COUNT-2: memref.prefetch %arg0
// CHECK: memref.prefetch %arg1[%arg4], read, locality<3>, data : memref<?xi8>
// CHECK-NEXT: %[[R1:.+]] = arith.addi %arg4, %c2048 : index
// CHECK-NEXT: memref.prefetch %arg1[%[[R1]]], read, locality<3>, data : memref<?xi8>
// CHECK-COUNT-14: memref.prefetch %arg1
// CHECK-NOT: memref.prefetch
// CHECK: return
tile.kernel @prefetches(%w: memref<?xi32>, %b: memref<?xi8>, %x: memref<?xf32>, %ld: index) grid [4] workers 8 {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c64 = arith.constant 64 : index
  %c16 = arith.constant 16 : index
  %c2048 = arith.constant 2048 : index
  %blk = tile.block_index 0
  %words = tile.global_view %w sizes(%c16, %c64) strides(%c64, %c1) : memref<?xi32> -> !tile.global<?x?xi32>
  %rows = tile.global_view %b sizes(%c16, %c2048) strides(%c2048, %c1) : memref<?xi8> -> !tile.global<?x?xi8>
  %dyn = tile.global_view %x sizes(%c16, %c64) strides(%ld, %c1) : memref<?xf32> -> !tile.global<?x?xf32>
  %next = arith.addi %blk, %c1 : index
  tile.prefetch_global %words[%next, %c0] sizes [1, 64] : !tile.global<?x?xi32>
  tile.prefetch_global %rows[%c0, %blk] sizes [16, 16] : !tile.global<?x?xi8>
  tile.prefetch_global %dyn[%blk, %c0] sizes [1, 64] : !tile.global<?x?xf32>
  tile.return
}

// -----

// A view of 3-bit codes in bit planes [2, 1] (3 words per lane) feeding the int8 dot: each
// group of four codes per lane is one byte vector built from the 2-bit plane (a shift and a
// mask 0x03030303) and the 1-bit plane (a shift and a mask 0x04040404), OR-ed: eight such
// vectors for the 32 codes, eight vpmaddubsw.
// CHECK-LABEL: func.func private @planar_dot(
// CHECK-DAG: %[[LOW:.+]] = arith.constant dense<50529027> : vector<8xi32>
// CHECK-DAG: %[[HIGH:.+]] = arith.constant dense<67372036> : vector<8xi32>
// CHECK-DAG: %[[TWO:.+]] = arith.constant dense<2> : vector<8xi32>
// CHECK: %[[W0:.+]] = vector.load %arg1[%c0] : memref<?xi32>, vector<8xi32>
// CHECK: %[[W2:.+]] = vector.load %arg1[%c16] : memref<?xi32>, vector<8xi32>
// CHECK-NEXT: %[[P0:.+]] = arith.andi %[[W0]], %[[LOW]] : vector<8xi32>
// CHECK-NEXT: %[[S0:.+]] = arith.shli %[[W2]], %[[TWO]] : vector<8xi32>
// CHECK-NEXT: %[[H0:.+]] = arith.andi %[[S0]], %[[HIGH]] : vector<8xi32>
// CHECK-NEXT: arith.ori %[[P0]], %[[H0]] : vector<8xi32>
// CHECK-NEXT: %[[S1:.+]] = arith.shrui %[[W0]], %[[TWO]] : vector<8xi32>
// CHECK-NEXT: arith.andi %[[S1]], %[[LOW]] : vector<8xi32>
// CHECK-COUNT-8: llvm.x86.avx2.pmadd.ub.sw
// CHECK-NOT: llvm.x86.avx2.pmadd.ub.sw
// CHECK: return
tile.kernel @planar_dot(%a: memref<?xi8>, %w: memref<?xi32>, %y: memref<?xi32>) grid [1] workers 8 {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  %c24 = arith.constant 24 : index
  %c32 = arith.constant 32 : index
  %va = tile.global_view %a sizes(%c1, %c32) strides(%c32, %c1) : memref<?xi8> -> !tile.global<?x?xi8>
  %vw = tile.global_view %w sizes(%c1, %c24) strides(%c24, %c1) : memref<?xi32> -> !tile.global<?x?xi32>
  %vy = tile.global_view %y sizes(%c1, %c8) strides(%c8, %c1) : memref<?xi32> -> !tile.global<?x?xi32>
  %x = tile.load_global %va[%c0, %c0] {in_bounds} : !tile.global<?x?xi8> -> !tile.reg<1x32xi8, #tile.layout<local(1,32).replicated(8)>>
  %xs = tile.view %x : !tile.reg<1x32xi8, #tile.layout<local(1,32).replicated(8)>> -> !tile.reg<1x32xsi8, #tile.layout<local(1,32).replicated(8)>>
  %words = tile.load_global %vw[%c0, %c0] {in_bounds} : !tile.global<?x?xi32> -> !tile.reg<1x24xi32, #tile.layout<local(1,3).spatial(1,8)>>
  %codes = tile.view %words planes [2, 1] : !tile.reg<1x24xi32, #tile.layout<local(1,3).spatial(1,8)>> -> !tile.reg<32x8xui3, #tile.layout<local(32,1).spatial(1,8)>>
  %zero = arith.constant 0 : i32
  %acc = tile.splat %zero : !tile.reg<1x8xi32, #tile.layout<local(1,1).spatial(1,8)>>
  %d = tile.dot %xs, %codes, %acc : !tile.reg<1x32xsi8, #tile.layout<local(1,32).replicated(8)>>, !tile.reg<32x8xui3, #tile.layout<local(32,1).spatial(1,8)>> -> !tile.reg<1x8xi32, #tile.layout<local(1,1).spatial(1,8)>>
  tile.store_global %d, %vy[%c0, %c0] {in_bounds} : !tile.reg<1x8xi32, #tile.layout<local(1,1).spatial(1,8)>>, !tile.global<?x?xi32>
  tile.return
}

// -----

// tile.lookup of a table of 16 integers of at most 8 bits that every lane holds whole (here the
// offset doubled values of 4-bit floats, as ui5 codes), indexed by 4-bit codes: the table is
// built once as 32 bytes (16 entries, twice) and each vector of four codes per lane is one
// vpshufb; the looked-up bytes go to vpmaddubsw as they are (4-pair i16 chains for 5-bit
// values).
// CHECK-LABEL: func.func private @byte_lookup(
// CHECK: %[[TABLE:.+]] = vector.from_elements {{.*}} : vector<32xi8>
// CHECK-COUNT-8: llvm.call_intrinsic "llvm.x86.avx2.pshuf.b"(%[[TABLE]], %{{.+}}) : (vector<32xi8>, vector<32xi8>) -> vector<32xi8>
// CHECK-COUNT-4: llvm.x86.avx2.pmadd.ub.sw
// CHECK-NOT: llvm.x86.avx2.pmadd.ub.sw
// CHECK: llvm.x86.avx2.pmadd.wd
// CHECK: return
tile.kernel @byte_lookup(%t: memref<?xi8>, %c: memref<?xi8>, %a: memref<?xi8>, %y: memref<?xi32>) grid [1] workers 8 {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  %c16 = arith.constant 16 : index
  %c32 = arith.constant 32 : index
  %c128 = arith.constant 128 : index
  %vt = tile.global_view %t sizes(%c1, %c16) strides(%c16, %c1) : memref<?xi8> -> !tile.global<?x?xi8>
  %vc = tile.global_view %c sizes(%c1, %c128) strides(%c128, %c1) : memref<?xi8> -> !tile.global<?x?xi8>
  %va = tile.global_view %a sizes(%c1, %c32) strides(%c32, %c1) : memref<?xi8> -> !tile.global<?x?xi8>
  %vy = tile.global_view %y sizes(%c1, %c8) strides(%c8, %c1) : memref<?xi32> -> !tile.global<?x?xi32>
  %raw = tile.load_global %vt[%c0, %c0] {in_bounds} : !tile.global<?x?xi8> -> !tile.reg<1x16xi8, #tile.layout<local(1,16).replicated(8)>>
  %table = tile.cast %raw : !tile.reg<1x16xi8, #tile.layout<local(1,16).replicated(8)>> -> !tile.reg<1x16xui5, #tile.layout<local(1,16).replicated(8)>>
  %bytes = tile.load_global %vc[%c0, %c0] {in_bounds} : !tile.global<?x?xi8> -> !tile.reg<1x128xi8, #tile.layout<spatial(1,8).local(1,16)>>
  %codes = tile.view %bytes : !tile.reg<1x128xi8, #tile.layout<spatial(1,8).local(1,16)>> -> !tile.reg<32x8xui4, #tile.layout<local(32,1).spatial(1,8)>>
  %values = tile.lookup %table[%codes] : !tile.reg<1x16xui5, #tile.layout<local(1,16).replicated(8)>>, !tile.reg<32x8xui4, #tile.layout<local(32,1).spatial(1,8)>> -> !tile.reg<32x8xui5, #tile.layout<local(32,1).spatial(1,8)>>
  %x = tile.load_global %va[%c0, %c0] {in_bounds} : !tile.global<?x?xi8> -> !tile.reg<1x32xi8, #tile.layout<local(1,32).replicated(8)>>
  %xs = tile.view %x : !tile.reg<1x32xi8, #tile.layout<local(1,32).replicated(8)>> -> !tile.reg<1x32xsi8, #tile.layout<local(1,32).replicated(8)>>
  %zero = arith.constant 0 : i32
  %acc = tile.splat %zero : !tile.reg<1x8xi32, #tile.layout<local(1,1).spatial(1,8)>>
  %d = tile.dot %xs, %values, %acc : !tile.reg<1x32xsi8, #tile.layout<local(1,32).replicated(8)>>, !tile.reg<32x8xui5, #tile.layout<local(32,1).spatial(1,8)>> -> !tile.reg<1x8xi32, #tile.layout<local(1,1).spatial(1,8)>>
  tile.store_global %d, %vy[%c0, %c0] {in_bounds} : !tile.reg<1x8xi32, #tile.layout<local(1,1).spatial(1,8)>>, !tile.global<?x?xi32>
  tile.return
}

// -----

// tile.lookup in a table of more than 32 entries that every lane holds whole: copied once to a
// stack buffer (allocated at the entry, stored right after the table is loaded), then one
// gather per vector of codes.
// CHECK-LABEL: func.func private @gather_lookup(
// CHECK: %[[COPY:.+]] = memref.alloca() : memref<64xf32>
// CHECK-COUNT-64: memref.store %{{.+}}, %[[COPY]][%{{.+}}] : memref<64xf32>
// CHECK-NOT: memref.store
// CHECK-COUNT-4: vector.gather %[[COPY]][%{{.+}}] [%{{.+}}], %{{.+}}, %{{.+}} : memref<64xf32>, vector<8xi32>, vector<8xi1>, vector<8xf32> into vector<8xf32>
// CHECK: return
tile.kernel @gather_lookup(%t: memref<?xf32>, %c: memref<?xi8>, %y: memref<?xf32>) grid [4] workers 8 {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %c24 = arith.constant 24 : index
  %c32 = arith.constant 32 : index
  %c64 = arith.constant 64 : index
  %r = tile.block_index 0
  %vt = tile.global_view %t sizes(%c1, %c64) strides(%c64, %c1) : memref<?xf32> -> !tile.global<?x?xf32>
  %vc = tile.global_view %c sizes(%c4, %c24) strides(%c24, %c1) : memref<?xi8> -> !tile.global<?x?xi8>
  %vy = tile.global_view %y sizes(%c4, %c32) strides(%c32, %c1) : memref<?xf32> -> !tile.global<?x?xf32>
  %table = tile.load_global %vt[%c0, %c0] {in_bounds} : !tile.global<?x?xf32> -> !tile.reg<1x64xf32, #tile.layout<local(1,64).replicated(8)>>
  %bytes = tile.load_global %vc[%r, %c0] {in_bounds} : !tile.global<?x?xi8> -> !tile.reg<1x24xi8, #tile.layout<spatial(1,8).local(1,3)>>
  %codes = tile.view %bytes : !tile.reg<1x24xi8, #tile.layout<spatial(1,8).local(1,3)>> -> !tile.reg<1x32xui6, #tile.layout<spatial(1,8).local(1,4)>>
  %v = tile.lookup %table[%codes] : !tile.reg<1x64xf32, #tile.layout<local(1,64).replicated(8)>>, !tile.reg<1x32xui6, #tile.layout<spatial(1,8).local(1,4)>> -> !tile.reg<1x32xf32, #tile.layout<spatial(1,8).local(1,4)>>
  tile.store_global %v, %vy[%r, %c0] {in_bounds} : !tile.reg<1x32xf32, #tile.layout<spatial(1,8).local(1,4)>>, !tile.global<?x?xf32>
  tile.return
}

// -----

// 4-bit unsigned codes cast to f32 for a dot of at most two result locals: each code is read
// in place as (word >> (o % 8)) & (15 << e), e = o - o % 8 of its offset o, i.e. code * 2^e,
// without the shift to bit 0: one shift per word (by 4) instead of seven. The products of each
// e go to their own accumulator, scaled by 2^-e (2^-8, 2^-16, 2^-24) when they are added.
// CHECK-LABEL: func.func private @masked_fields(
// CHECK-DAG: %[[S24:.+]] = arith.constant dense<5.96046448E-8> : vector<8xf32>
// CHECK-DAG: %[[S16:.+]] = arith.constant dense<1.52587891E-5> : vector<8xf32>
// CHECK-DAG: %[[S8:.+]] = arith.constant dense<3.906250e-03> : vector<8xf32>
// CHECK-DAG: %[[M24:.+]] = arith.constant dense<251658240> : vector<8xi32>
// CHECK-DAG: %[[M16:.+]] = arith.constant dense<983040> : vector<8xi32>
// CHECK-DAG: %[[M8:.+]] = arith.constant dense<3840> : vector<8xi32>
// CHECK-DAG: %[[M0:.+]] = arith.constant dense<15> : vector<8xi32>
// CHECK-DAG: %[[FOUR:.+]] = arith.constant dense<4> : vector<8xi32>
// CHECK: %[[W0:.+]] = vector.load %arg1[%c0] : memref<?xi32>, vector<8xi32>
// CHECK: %[[F0:.+]] = arith.andi %[[W0]], %[[M0]] : vector<8xi32>
// CHECK-NEXT: %[[C0:.+]] = arith.sitofp %[[F0]] : vector<8xi32> to vector<8xf32>
// CHECK-NEXT: %[[E0:.+]] = math.fma %{{.+}}, %[[C0]], %{{.+}} : vector<8xf32>
// CHECK-NEXT: %[[H0:.+]] = arith.shrui %[[W0]], %[[FOUR]] : vector<8xi32>
// CHECK-NEXT: arith.andi %[[H0]], %[[M0]] : vector<8xi32>
// CHECK: arith.andi %[[W0]], %[[M8]] : vector<8xi32>
// CHECK: arith.andi %[[H0]], %[[M8]] : vector<8xi32>
// CHECK: arith.andi %[[W0]], %[[M16]] : vector<8xi32>
// CHECK: arith.andi %[[W0]], %[[M24]] : vector<8xi32>
// CHECK: arith.shrui
// CHECK-NOT: arith.shrui
// CHECK: %[[T8:.+]] = math.fma %{{.+}}, %[[S8]], %{{.+}} : vector<8xf32>
// CHECK-NEXT: %[[T16:.+]] = math.fma %{{.+}}, %[[S16]], %[[T8]] : vector<8xf32>
// CHECK-NEXT: %[[T24:.+]] = math.fma %{{.+}}, %[[S24]], %[[T16]] : vector<8xf32>
// CHECK-NEXT: vector.store %[[T24]], %arg2
tile.kernel @masked_fields(%a: memref<?xf32>, %w: memref<?xi32>, %y: memref<?xf32>) grid [1] workers 8 {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  %c16 = arith.constant 16 : index
  %va = tile.global_view %a sizes(%c1, %c16) strides(%c16, %c1) : memref<?xf32> -> !tile.global<?x?xf32>
  %vw = tile.global_view %w sizes(%c1, %c16) strides(%c16, %c1) : memref<?xi32> -> !tile.global<?x?xi32>
  %vy = tile.global_view %y sizes(%c1, %c8) strides(%c8, %c1) : memref<?xf32> -> !tile.global<?x?xf32>
  %x = tile.load_global %va[%c0, %c0] {in_bounds} : !tile.global<?x?xf32> -> !tile.reg<1x16xf32, #tile.layout<local(1,16).replicated(8)>>
  %words = tile.load_global %vw[%c0, %c0] {in_bounds} : !tile.global<?x?xi32> -> !tile.reg<1x16xi32, #tile.layout<local(1,2).spatial(1,8)>>
  %codes = tile.view %words : !tile.reg<1x16xi32, #tile.layout<local(1,2).spatial(1,8)>> -> !tile.reg<16x8xui4, #tile.layout<local(16,1).spatial(1,8)>>
  %wf = tile.cast %codes : !tile.reg<16x8xui4, #tile.layout<local(16,1).spatial(1,8)>> -> !tile.reg<16x8xf32, #tile.layout<local(16,1).spatial(1,8)>>
  %zero = arith.constant 0.0 : f32
  %acc = tile.splat %zero : !tile.reg<1x8xf32, #tile.layout<local(1,1).spatial(1,8)>>
  %d = tile.dot %x, %wf, %acc : !tile.reg<1x16xf32, #tile.layout<local(1,16).replicated(8)>>, !tile.reg<16x8xf32, #tile.layout<local(16,1).spatial(1,8)>> -> !tile.reg<1x8xf32, #tile.layout<local(1,1).spatial(1,8)>>
  tile.store_global %d, %vy[%c0, %c0] {in_bounds} : !tile.reg<1x8xf32, #tile.layout<local(1,1).spatial(1,8)>>, !tile.global<?x?xf32>
  tile.return
}

// -----

// f8E4M3FN codes cast to f32 for a dot are decoded where they lie in their words: the word
// shifted left to put the code's sign at bit 31 (by 24, 16, 8, 0), an arithmetic shift right
// by 4 into the f32 exponent's low bits, a mask (sign, exponent, mantissa: 0x87F00000) and a
// multiply by 2^120. The NaN codes are not selected per vector: the dot takes the unsigned byte
// maximum of the words with the sign bits set (0x80808080) and makes a result NaN where it is
// 0xFF.
// CHECK-LABEL: func.func private @float_fields(
// CHECK-DAG: %[[TWO120:.+]] = arith.constant dense<1.329228E+36> : vector<8xf32>
// CHECK-DAG: %[[KEEP:.+]] = arith.constant dense<-2014314496> : vector<8xi32>
// CHECK-DAG: %[[FOUR:.+]] = arith.constant dense<4> : vector<8xi32>
// CHECK-DAG: %[[SIGNS:.+]] = arith.constant dense<-2139062144> : vector<8xi32>
// CHECK-DAG: %[[ONES:.+]] = arith.constant dense<-1> : vector<32xi8>
// CHECK-DAG: %[[NAN:.+]] = arith.constant dense<0x7FC00000> : vector<8xf32>
// CHECK: %[[W0:.+]] = vector.load %arg1[%c0] : memref<?xi32>, vector<8xi32>
// CHECK: %[[T0:.+]] = arith.shli %[[W0]], %{{.+}} : vector<8xi32>
// CHECK-NEXT: %[[S0:.+]] = arith.shrsi %[[T0]], %[[FOUR]] : vector<8xi32>
// CHECK-NEXT: %[[K0:.+]] = arith.andi %[[S0]], %[[KEEP]] : vector<8xi32>
// CHECK-NEXT: %[[B0:.+]] = arith.bitcast %[[K0]] : vector<8xi32> to vector<8xf32>
// CHECK-NEXT: %[[V0:.+]] = arith.mulf %[[B0]], %[[TWO120]] : vector<8xf32>
// CHECK-NOT: arith.cmpi
// CHECK: %[[O0:.+]] = arith.ori %[[W0]], %[[SIGNS]] : vector<8xi32>
// CHECK: arith.maxui %{{.+}}, %{{.+}} : vector<32xi8>
// CHECK: %[[IS:.+]] = arith.cmpi eq, %{{.+}}, %[[ONES]] : vector<32xi8>
// CHECK: %[[ANY:.+]] = arith.cmpi ne, %{{.+}}, %{{.+}} : vector<8xi32>
// CHECK-NEXT: %[[R:.+]] = arith.select %[[ANY]], %[[NAN]], %{{.+}} : vector<8xi1>, vector<8xf32>
// CHECK-NEXT: vector.store %[[R]], %arg2
tile.kernel @float_fields(%a: memref<?xf32>, %w: memref<?xi32>, %y: memref<?xf32>) grid [1] workers 8 {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  %c16 = arith.constant 16 : index
  %va = tile.global_view %a sizes(%c1, %c8) strides(%c8, %c1) : memref<?xf32> -> !tile.global<?x?xf32>
  %vw = tile.global_view %w sizes(%c1, %c16) strides(%c16, %c1) : memref<?xi32> -> !tile.global<?x?xi32>
  %vy = tile.global_view %y sizes(%c1, %c8) strides(%c8, %c1) : memref<?xf32> -> !tile.global<?x?xf32>
  %x = tile.load_global %va[%c0, %c0] {in_bounds} : !tile.global<?x?xf32> -> !tile.reg<1x8xf32, #tile.layout<local(1,8).replicated(8)>>
  %words = tile.load_global %vw[%c0, %c0] {in_bounds} : !tile.global<?x?xi32> -> !tile.reg<1x16xi32, #tile.layout<local(1,2).spatial(1,8)>>
  %codes = tile.view %words : !tile.reg<1x16xi32, #tile.layout<local(1,2).spatial(1,8)>> -> !tile.reg<8x8xf8E4M3FN, #tile.layout<local(8,1).spatial(1,8)>>
  %wf = tile.cast %codes : !tile.reg<8x8xf8E4M3FN, #tile.layout<local(8,1).spatial(1,8)>> -> !tile.reg<8x8xf32, #tile.layout<local(8,1).spatial(1,8)>>
  %zero = arith.constant 0.0 : f32
  %acc = tile.splat %zero : !tile.reg<1x8xf32, #tile.layout<local(1,1).spatial(1,8)>>
  %d = tile.dot %x, %wf, %acc : !tile.reg<1x8xf32, #tile.layout<local(1,8).replicated(8)>>, !tile.reg<8x8xf32, #tile.layout<local(8,1).spatial(1,8)>> -> !tile.reg<1x8xf32, #tile.layout<local(1,1).spatial(1,8)>>
  tile.store_global %d, %vy[%c0, %c0] {in_bounds} : !tile.reg<1x8xf32, #tile.layout<local(1,1).spatial(1,8)>>, !tile.global<?x?xf32>
  tile.return
}

// -----

// f4E2M1FN codes cast to f32 for a dot on AVX2: the codes in bytes (low nibbles, then high
// nibbles) index a vpshufb table of twice their values (0, 1, 2, 3, 4, 6, 8, 12 and their
// negatives); each byte is shifted to the top of its lane and masked (the signed value times
// 2^24, converted exactly), and the dot's sum is added to the accumulator times 2^-25.
// CHECK-LABEL: func.func private @table_fields(
// CHECK-DAG: %[[TABLE:.+]] = arith.constant dense<[0, 1, 2, 3, 4, 6, 8, 12, 0, -1, -2, -3, -4, -6, -8, -12, 0, 1, 2, 3, 4, 6, 8, 12, 0, -1, -2, -3, -4, -6, -8, -12]> : vector<32xi8>
// CHECK-DAG: %[[TOP:.+]] = arith.constant dense<-16777216> : vector<8xi32>
// CHECK-DAG: %[[SCALE:.+]] = arith.constant dense<2.98023224E-8> : vector<8xf32>
// CHECK: %[[W:.+]] = vector.load %arg1[%c0] : memref<?xi32>, vector<8xi32>
// CHECK: %[[LOW:.+]] = arith.andi %[[W]], %{{.+}} : vector<8xi32>
// CHECK: %[[IDX:.+]] = vector.bitcast %[[LOW]] : vector<8xi32> to vector<32xi8>
// CHECK: %[[V:.+]] = llvm.call_intrinsic "llvm.x86.avx2.pshuf.b"(%[[TABLE]], %[[IDX]]) : (vector<32xi8>, vector<32xi8>) -> vector<32xi8>
// CHECK: %[[VW:.+]] = vector.bitcast %[[V]] : vector<32xi8> to vector<8xi32>
// CHECK: %[[S:.+]] = arith.shli %[[VW]], %{{.+}} : vector<8xi32>
// CHECK-NEXT: %[[F:.+]] = arith.andi %[[S]], %[[TOP]] : vector<8xi32>
// CHECK-NEXT: arith.sitofp %[[F]] : vector<8xi32> to vector<8xf32>
// CHECK-NOT: arith.shrsi
// CHECK: %[[R:.+]] = math.fma %{{.+}}, %[[SCALE]], %{{.+}} : vector<8xf32>
// CHECK-NEXT: vector.store %[[R]], %arg2
tile.kernel @table_fields(%a: memref<?xf32>, %w: memref<?xi32>, %y: memref<?xf32>) grid [1] workers 8 {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  %c16 = arith.constant 16 : index
  %va = tile.global_view %a sizes(%c1, %c16) strides(%c16, %c1) : memref<?xf32> -> !tile.global<?x?xf32>
  %vw = tile.global_view %w sizes(%c1, %c16) strides(%c16, %c1) : memref<?xi32> -> !tile.global<?x?xi32>
  %vy = tile.global_view %y sizes(%c1, %c8) strides(%c8, %c1) : memref<?xf32> -> !tile.global<?x?xf32>
  %x = tile.load_global %va[%c0, %c0] {in_bounds} : !tile.global<?x?xf32> -> !tile.reg<1x16xf32, #tile.layout<local(1,16).replicated(8)>>
  %words = tile.load_global %vw[%c0, %c0] {in_bounds} : !tile.global<?x?xi32> -> !tile.reg<1x16xi32, #tile.layout<local(1,2).spatial(1,8)>>
  %codes = tile.view %words : !tile.reg<1x16xi32, #tile.layout<local(1,2).spatial(1,8)>> -> !tile.reg<16x8xf4E2M1FN, #tile.layout<local(16,1).spatial(1,8)>>
  %wf = tile.cast %codes : !tile.reg<16x8xf4E2M1FN, #tile.layout<local(16,1).spatial(1,8)>> -> !tile.reg<16x8xf32, #tile.layout<local(16,1).spatial(1,8)>>
  %zero = arith.constant 0.0 : f32
  %acc = tile.splat %zero : !tile.reg<1x8xf32, #tile.layout<local(1,1).spatial(1,8)>>
  %d = tile.dot %x, %wf, %acc : !tile.reg<1x16xf32, #tile.layout<local(1,16).replicated(8)>>, !tile.reg<16x8xf32, #tile.layout<local(16,1).spatial(1,8)>> -> !tile.reg<1x8xf32, #tile.layout<local(1,1).spatial(1,8)>>
  tile.store_global %d, %vy[%c0, %c0] {in_bounds} : !tile.reg<1x8xf32, #tile.layout<local(1,1).spatial(1,8)>>, !tile.global<?x?xf32>
  tile.return
}
