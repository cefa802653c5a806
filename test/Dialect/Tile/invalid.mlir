// RUN: lowbit-opt %s --split-input-file --verify-diagnostics

// Op verifier errors, one case per message. Attribute and type errors (malformed layouts,
// shape/layout mismatches) are in types-invalid.mlir.

//===----------------------------------------------------------------------===//
// tile.kernel
//===----------------------------------------------------------------------===//

// expected-error @+1 {{'tile.kernel' op grid must have 1 to 3 extents, got 4}}
tile.kernel @grid_rank() grid [1, 2, 3, 4] workers 32 {
  tile.return
}

// -----

// expected-error @+1 {{'tile.kernel' op grid extents must be at least 1, got [4, 0]}}
tile.kernel @grid_zero() grid [4, 0] workers 32 {
  tile.return
}

// -----

// expected-error @+1 {{'tile.kernel' op workers must be at least 1, got 0}}
tile.kernel @no_workers() grid [1] workers 0 {
  tile.return
}

// -----

// expected-error @+1 {{'tile.kernel' op argument #1 must be a memref or a scalar (integer, index, float), got '!tile.reg<4xf32>'}}
tile.kernel @reg_argument(%a: memref<?xf32>, %r: !tile.reg<4xf32>) grid [1] workers 32 {
  tile.return
}

// -----

// expected-error @+1 {{a tile.kernel has no results}}
tile.kernel @results(%a: memref<?xf32>) -> f32 grid [1] workers 32 {
  tile.return
}

// -----

tile.kernel @worker_mismatch(%x: f32) grid [1] workers 128 {
  // expected-error @+1 {{'tile.splat' op result #0 has layout local(2,1).spatial(8,4).local(1,2) over 32 workers, but the enclosing tile.kernel @worker_mismatch has workers = 128}}
  %acc = tile.splat %x : !tile.reg<16x8xf32, #tile.layout<local(2,1).spatial(8,4).local(1,2)>>
  tile.return
}

// -----

// Replication counts: reduce(C, [1]) still has 32 workers.
tile.kernel @worker_mismatch_replicated(%x: f32) grid [1] workers 8 {
  // expected-error @+1 {{'tile.splat' op result #0 has layout local(2,1).spatial(8,1).replicated(4) over 32 workers, but the enclosing tile.kernel @worker_mismatch_replicated has workers = 8}}
  %r = tile.splat %x : !tile.reg<16x1xf32, #tile.layout<local(2,1).spatial(8,1).replicated(4)>>
  tile.return
}

// -----

tile.kernel @worker_mismatch_nested(%x: f32, %n: index) grid [1] workers 64 {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  scf.for %i = %c0 to %n step %c1 {
    // expected-error @+1 {{'tile.splat' op result #0 has layout spatial(32) over 32 workers, but the enclosing tile.kernel @worker_mismatch_nested has workers = 64}}
    %r = tile.splat %x : !tile.reg<32xf32, #tile.layout<spatial(32)>>
  }
  tile.return
}

// -----

// expected-error @+1 {{'tile.kernel' op argument #0 of block #1 of region #0 has layout spatial(32) over 32 workers, but the enclosing tile.kernel @worker_mismatch_block has workers = 64}}
tile.kernel @worker_mismatch_block() grid [1] workers 64 {
  tile.return
^unreachable(%r: !tile.reg<32xf32, #tile.layout<spatial(32)>>):
  tile.return
}

// -----

func.func @return_outside_kernel() {
  // expected-error @+1 {{'tile.return' op expects parent op 'tile.kernel'}}
  tile.return
}

//===----------------------------------------------------------------------===//
// tile.block_index
//===----------------------------------------------------------------------===//

// -----

func.func @block_index_dim() {
  // expected-error @+1 {{'tile.block_index' op dim must be 0, 1 or 2, got 3}}
  %b = tile.block_index 3
  return
}

// -----

tile.kernel @block_index_grid() grid [4, 4] workers 32 {
  // expected-error @+1 {{'tile.block_index' op dim 2 is outside the 2-d grid of tile.kernel @block_index_grid}}
  %b = tile.block_index 2
  tile.return
}

//===----------------------------------------------------------------------===//
// tile.global_view
//===----------------------------------------------------------------------===//

// -----

func.func @view_element(%buf: memref<?xf32>, %m: index) {
  // expected-error @+1 {{'tile.global_view' op 'source' element type 'f32' differs from the view's 'f16'}}
  %v = tile.global_view %buf sizes(%m) strides(%m) : memref<?xf32> -> !tile.global<?xf16>
  return
}

// -----

func.func @view_sizes(%buf: memref<?xf16>, %m: index) {
  // expected-error @+1 {{'tile.global_view' op expects one size per dimension of the view (2), got 1}}
  %v = tile.global_view %buf sizes(%m) strides(%m, %m) : memref<?xf16> -> !tile.global<?x?xf16>
  return
}

// -----

func.func @view_strides(%buf: memref<?xf16>, %m: index) {
  // expected-error @+1 {{'tile.global_view' op expects one stride per dimension of the view (2), got 3}}
  %v = tile.global_view %buf sizes(%m, %m) strides(%m, %m, %m) : memref<?xf16> -> !tile.global<?x?xf16>
  return
}

// -----

func.func @view_static_size(%buf: memref<?xf16>, %m: index) {
  %c8 = arith.constant 8 : index
  // expected-error @+1 {{'tile.global_view' op constant size 8 of dimension 1 differs from the view's static extent 16}}
  %v = tile.global_view %buf sizes(%m, %c8) strides(%m, %m) : memref<?xf16> -> !tile.global<?x16xf16>
  return
}

// -----

func.func @view_2d_source(%buf: memref<?x?xf16>, %m: index) {
  // expected-error @+1 {{'tile.global_view' op operand #0 must be 1D memref of any type values, but got 'memref<?x?xf16>'}}
  %v = tile.global_view %buf sizes(%m) strides(%m) : memref<?x?xf16> -> !tile.global<?xf16>
  return
}

//===----------------------------------------------------------------------===//
// load_global, store_global
//===----------------------------------------------------------------------===//

// -----

func.func @prefetch_offsets(%v: !tile.global<?x?xf16>, %i: index) {
  // expected-error @+1 {{'tile.prefetch_global' op expects one offset per dimension of 'view' (2), got 1}}
  tile.prefetch_global %v[%i] sizes [16, 16] : !tile.global<?x?xf16>
  return
}

// -----

func.func @prefetch_sizes(%v: !tile.global<?x?xf16>, %i: index) {
  // expected-error @+1 {{'tile.prefetch_global' op needs one size per dimension of 'view' (2), got 3}}
  tile.prefetch_global %v[%i, %i] sizes [1, 16, 16] : !tile.global<?x?xf16>
  return
}

// -----

func.func @prefetch_empty(%v: !tile.global<?x?xf16>, %i: index) {
  // expected-error @+1 {{'tile.prefetch_global' op sizes must be at least 1, got 0}}
  tile.prefetch_global %v[%i, %i] sizes [0, 16] : !tile.global<?x?xf16>
  return
}

// -----

func.func @load_offsets(%v: !tile.global<?x?xf16>, %i: index) {
  // expected-error @+1 {{'tile.load_global' op expects one offset per dimension of 'view' (2), got 1}}
  %t = tile.load_global %v[%i] : !tile.global<?x?xf16> -> !tile.reg<16x16xf16>
  return
}

// -----

func.func @load_rank(%v: !tile.global<?x?xf16>, %i: index) {
  // expected-error @+1 {{'tile.load_global' op the result has rank 1 but 'view' has rank 2}}
  %t = tile.load_global %v[%i, %i] : !tile.global<?x?xf16> -> !tile.reg<16xf16>
  return
}

// -----

func.func @load_element(%v: !tile.global<?x?xf16>, %i: index) {
  // expected-error @+1 {{'tile.load_global' op the result has element type 'f32' but 'view' has 'f16'}}
  %t = tile.load_global %v[%i, %i] : !tile.global<?x?xf16> -> !tile.reg<16x16xf32>
  return
}

// -----

func.func @load_in_bounds_overhang(%buf: memref<?xf16>, %i: index) {
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  %c20 = arith.constant 20 : index
  %v = tile.global_view %buf sizes(%c20, %c8) strides(%c8, %c1) : memref<?xf16> -> !tile.global<?x?xf16>
  // expected-error @+1 {{'tile.load_global' op is marked in_bounds, but its tile [8, 24) of dimension 0 is not inside the view's extent 20}}
  %t = tile.load_global %v[%c8, %i] {in_bounds} : !tile.global<?x?xf16> -> !tile.reg<16x8xf16>
  return
}

// -----

func.func @store_in_bounds_negative(%t: !tile.reg<4x8xf16>, %buf: memref<?xf16>, %i: index) {
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  %m1 = arith.constant -1 : index
  %v = tile.global_view %buf sizes(%c8, %c8) strides(%c8, %c1) : memref<?xf16> -> !tile.global<?x?xf16>
  // expected-error @+1 {{'tile.store_global' op is marked in_bounds, but its tile [-1, 7) of dimension 1 is not inside the view's extent 8}}
  tile.store_global %t, %v[%i, %m1] {in_bounds} : !tile.reg<4x8xf16>, !tile.global<?x?xf16>
  return
}

// -----

func.func @store_element(%t: !tile.reg<16x16xf32>, %v: !tile.global<?x?xf16>, %i: index) {
  // expected-error @+1 {{'tile.store_global' op 'value' has element type 'f32' but 'view' has 'f16'}}
  tile.store_global %t, %v[%i, %i] : !tile.reg<16x16xf32>, !tile.global<?x?xf16>
  return
}

// -----

func.func @store_offsets(%t: !tile.reg<16x16xf16>, %v: !tile.global<?x?xf16>, %i: index) {
  // expected-error @+1 {{'tile.store_global' op expects one offset per dimension of 'view' (2), got 3}}
  tile.store_global %t, %v[%i, %i, %i] : !tile.reg<16x16xf16>, !tile.global<?x?xf16>
  return
}

//===----------------------------------------------------------------------===//
// Shared memory
//===----------------------------------------------------------------------===//

// -----

func.func @load_shared_extent(%s: !tile.shared<16x16xf16>, %i: index) {
  // expected-error @+1 {{'tile.load_shared' op the result extent 32 in dimension 1 exceeds the extent of 'source' (16)}}
  %t = tile.load_shared %s[%i, %i] : !tile.shared<16x16xf16> -> !tile.reg<16x32xf16>
  return
}

// -----

func.func @load_shared_offset(%s: !tile.shared<32x16xf16>, %i: index) {
  %c24 = arith.constant 24 : index
  // expected-error @+1 {{'tile.load_shared' op constant offset 24 in dimension 0 puts the 16-element tile outside 'source' (extent 32)}}
  %t = tile.load_shared %s[%c24, %i] : !tile.shared<32x16xf16> -> !tile.reg<16x16xf16>
  return
}

// -----

func.func @load_shared_offsets(%s: !tile.shared<32x16xf16>, %i: index) {
  // expected-error @+1 {{'tile.load_shared' op expects one offset per dimension of 'source' (2), got 1}}
  %t = tile.load_shared %s[%i] : !tile.shared<32x16xf16> -> !tile.reg<16x16xf16>
  return
}

// -----

func.func @store_shared_rank(%t: !tile.reg<16xf16>, %s: !tile.shared<16x16xf16>, %i: index) {
  // expected-error @+1 {{'tile.store_shared' op 'value' has rank 1 but 'dest' has rank 2}}
  tile.store_shared %t, %s[%i, %i] : !tile.reg<16xf16>, !tile.shared<16x16xf16>
  return
}

// -----

func.func @store_shared_negative(%t: !tile.reg<16x16xf16>, %s: !tile.shared<16x16xf16>, %i: index) {
  %m1 = arith.constant -1 : index
  // expected-error @+1 {{'tile.store_shared' op constant offset -1 in dimension 1 puts the 16-element tile outside 'dest' (extent 16)}}
  tile.store_shared %t, %s[%i, %m1] : !tile.reg<16x16xf16>, !tile.shared<16x16xf16>
  return
}

// -----

func.func @copy_async_element(%v: !tile.global<?x?xf32>, %s: !tile.shared<16x16xf16>, %i: index) {
  // expected-error @+1 {{'tile.copy_async' op 'dest' has element type 'f16' but 'source' has 'f32'}}
  tile.copy_async %v[%i, %i], %s : !tile.global<?x?xf32>, !tile.shared<16x16xf16>
  return
}

// -----

func.func @copy_async_offsets(%v: !tile.global<?x?xf16>, %s: !tile.shared<16x16xf16>, %i: index) {
  // expected-error @+1 {{'tile.copy_async' op expects one offset per dimension of 'source' (2), got 1}}
  tile.copy_async %v[%i], %s : !tile.global<?x?xf16>, !tile.shared<16x16xf16>
  return
}

// -----

func.func @copy_async_wait_negative() {
  // expected-error @+1 {{'tile.copy_async_wait' op pending must be at least 0, got -1}}
  tile.copy_async_wait pending = -1
  return
}

//===----------------------------------------------------------------------===//
// tile.view
//===----------------------------------------------------------------------===//

// -----

func.func @view_no_input_layout(%w: !tile.reg<16x8xi32>) {
  // expected-error @+1 {{'tile.view' op 'input' must have a layout (tile.view reinterprets each worker's registers)}}
  %q = tile.view %w : !tile.reg<16x8xi32> -> !tile.reg<16x64xui4, #tile.layout<spatial(16,2).local(1,32)>>
  return
}

// -----

func.func @view_no_result_layout(%w: !tile.reg<16x8xi32, #tile.layout<spatial(16,2).local(1,4)>>) {
  // expected-error @+1 {{'tile.view' op the result must have a layout (tile.view reinterprets each worker's registers)}}
  %q = tile.view %w : !tile.reg<16x8xi32, #tile.layout<spatial(16,2).local(1,4)>> -> !tile.reg<16x64xui4>
  return
}

// -----

func.func @view_workers(%w: !tile.reg<16x8xi32, #tile.layout<spatial(16,2).local(1,4)>>) {
  // expected-error @+1 {{'tile.view' op 'input' layout spatial(16,2).local(1,4) has 32 workers but the result layout local(1,64).spatial(16,1) has 16}}
  %q = tile.view %w : !tile.reg<16x8xi32, #tile.layout<spatial(16,2).local(1,4)>>
         -> !tile.reg<16x64xui4, #tile.layout<spatial(16,1).local(1,64)>>
  return
}

// -----

// Bit planes: widths 4, 2 or 1, non-increasing, summing to the codes' bits; i32 words on the
// other side; enough codes per worker for whole words of the smallest plane.
func.func @view_planes_sum(%w: !tile.reg<16x6xi32, #tile.layout<spatial(16,2).local(1,3)>>) {
  // expected-error @+1 {{'tile.view' op planes [2, 2]: the planes hold 4 bits but the codes have 3}}
  %q = tile.view %w planes [2, 2] : !tile.reg<16x6xi32, #tile.layout<spatial(16,2).local(1,3)>>
         -> !tile.reg<16x64xui3, #tile.layout<spatial(16,2).local(1,32)>>
  return
}

// -----

func.func @view_planes_order(%w: !tile.reg<16x6xi32, #tile.layout<spatial(16,2).local(1,3)>>) {
  // expected-error @+1 {{'tile.view' op planes [1, 2]: the planes' widths must not increase}}
  %q = tile.view %w planes [1, 2] : !tile.reg<16x6xi32, #tile.layout<spatial(16,2).local(1,3)>>
         -> !tile.reg<16x64xui3, #tile.layout<spatial(16,2).local(1,32)>>
  return
}

// -----

func.func @view_planes_width(%w: !tile.reg<16x6xi32, #tile.layout<spatial(16,2).local(1,3)>>) {
  // expected-error @+1 {{'tile.view' op planes [3]: needs at least two planes}}
  %q = tile.view %w planes [3] : !tile.reg<16x6xi32, #tile.layout<spatial(16,2).local(1,3)>>
         -> !tile.reg<16x64xui3, #tile.layout<spatial(16,2).local(1,32)>>
  return
}

// -----

func.func @view_planes_three(%w: !tile.reg<16x10xi32, #tile.layout<spatial(16,2).local(1,5)>>) {
  // expected-error @+1 {{'tile.view' op planes [3, 2]: plane 0 has 3 bits; planes have 4, 2 or 1}}
  %q = tile.view %w planes [3, 2] : !tile.reg<16x10xi32, #tile.layout<spatial(16,2).local(1,5)>>
         -> !tile.reg<16x64xui5, #tile.layout<spatial(16,2).local(1,32)>>
  return
}

// -----

// 16 six-bit codes per worker (3 words) as [4, 1, 1]: each 1-bit plane would fill half a word.
func.func @view_planes_locals(%w: !tile.reg<16x3xi32, #tile.layout<spatial(16,1).local(1,3)>>) {
  // expected-error @+1 {{'tile.view' op planes [4, 1, 1]: each worker holds 16 codes, not a multiple of 32 (32 / the smallest plane)}}
  %q = tile.view %w planes [4, 1, 1] : !tile.reg<16x3xi32, #tile.layout<spatial(16,1).local(1,3)>>
         -> !tile.reg<16x16xui6, #tile.layout<spatial(16,1).local(1,16)>>
  return
}

// -----

func.func @view_planes_words(%w: !tile.reg<16x12xi16, #tile.layout<spatial(16,2).local(1,6)>>) {
  // expected-error @+1 {{'tile.view' op with planes views integer codes of at most 8 bits as i32 words or back, not 'i16' as 'ui3'}}
  %q = tile.view %w planes [2, 1] : !tile.reg<16x12xi16, #tile.layout<spatial(16,2).local(1,6)>>
         -> !tile.reg<16x64xui3, #tile.layout<spatial(16,2).local(1,32)>>
  return
}

// -----

// 4 i32 words (128 bits) per worker cannot hold 32 eight-bit codes (256 bits).
func.func @view_bits(%w: !tile.reg<16x8xi32, #tile.layout<spatial(16,2).local(1,4)>>) {
  // expected-error @+1 {{'tile.view' op each worker holds 128 bits of 'input' (4 x 'i32') but 256 bits of the result (32 x 'ui8'); tile.view keeps every worker's bits}}
  %q = tile.view %w : !tile.reg<16x8xi32, #tile.layout<spatial(16,2).local(1,4)>>
         -> !tile.reg<16x64xui8, #tile.layout<spatial(16,2).local(1,32)>>
  return
}

//===----------------------------------------------------------------------===//
// tile.lookup
//===----------------------------------------------------------------------===//

// -----

func.func @lookup_signed(%t: !tile.reg<16xf32>, %c: !tile.reg<8x8xsi4>) {
  // expected-error @+1 {{'tile.lookup' op 'codes' must have unsigned integer elements of 1 to 8 bits, not 'si4'}}
  %v = tile.lookup %t[%c] : !tile.reg<16xf32>, !tile.reg<8x8xsi4> -> !tile.reg<8x8xf32>
  return
}

// -----

func.func @lookup_size(%t: !tile.reg<8xf32>, %c: !tile.reg<8x8xui4>) {
  // expected-error @+1 {{'tile.lookup' op 'table' has 8 elements; codes of 4 bits index 16}}
  %v = tile.lookup %t[%c] : !tile.reg<8xf32>, !tile.reg<8x8xui4> -> !tile.reg<8x8xf32>
  return
}

// -----

func.func @lookup_ternary_table(%t: !tile.reg<4x!lowbit.ternary>, %c: !tile.reg<8x8xui2>) {
  // expected-error @+1 {{'tile.lookup' op 'table' must have float or integer elements, not '!lowbit.ternary'}}
  %v = tile.lookup %t[%c] : !tile.reg<4x!lowbit.ternary>, !tile.reg<8x8xui2> -> !tile.reg<8x8x!lowbit.ternary>
  return
}

// -----

func.func @lookup_element(%t: !tile.reg<4xf16>, %c: !tile.reg<8x8xui2>) {
  // expected-error @+1 {{'tile.lookup' op the result element type 'f32' differs from the 'table' element type 'f16'}}
  %v = tile.lookup %t[%c] : !tile.reg<4xf16>, !tile.reg<8x8xui2> -> !tile.reg<8x8xf32>
  return
}

// -----

func.func @lookup_shape(%t: !tile.reg<4xf32>, %c: !tile.reg<8x8xui2>) {
  // expected-error @+1 {{'tile.lookup' op the result shape [8, 4] differs from the 'codes' shape [8, 8]}}
  %v = tile.lookup %t[%c] : !tile.reg<4xf32>, !tile.reg<8x8xui2> -> !tile.reg<8x4xf32>
  return
}

// -----

func.func @lookup_table_workers(%t: !tile.reg<1x16xf32, #tile.layout<local(1,2).spatial(1,8)>>,
                                 %c: !tile.reg<16x64xui4, #tile.layout<spatial(16,2).local(1,32)>>) {
  // expected-error @+1 {{'tile.lookup' op 'table' layout local(1,2).spatial(1,8) has 8 workers but the 'codes' layout has 32}}
  %v = tile.lookup %t[%c] : !tile.reg<1x16xf32, #tile.layout<local(1,2).spatial(1,8)>>,
         !tile.reg<16x64xui4, #tile.layout<spatial(16,2).local(1,32)>>
         -> !tile.reg<16x64xf32, #tile.layout<spatial(16,2).local(1,32)>>
  return
}

//===----------------------------------------------------------------------===//
// tile.cast
//===----------------------------------------------------------------------===//

// -----

func.func @cast_shape(%x: !tile.reg<16x8xf32>) {
  // expected-error @+1 {{'tile.cast' op the result shape [8, 16] differs from the 'input' shape [16, 8]}}
  %y = tile.cast %x : !tile.reg<16x8xf32> -> !tile.reg<8x16xf16>
  return
}

// -----

func.func @cast_layout(%x: !tile.reg<16x8xf32, #tile.layout<local(2,1).spatial(8,4).local(1,2)>>) {
  // expected-error @+1 {{'tile.cast' op the result layout spatial(16,2).local(1,4) differs from the 'input' layout local(2,1).spatial(8,4).local(1,2)}}
  %y = tile.cast %x : !tile.reg<16x8xf32, #tile.layout<local(2,1).spatial(8,4).local(1,2)>>
         -> !tile.reg<16x8xf16, #tile.layout<spatial(16,2).local(1,4)>>
  return
}

// -----

func.func @cast_layout_dropped(%x: !tile.reg<16x8xf32, #tile.layout<local(2,1).spatial(8,4).local(1,2)>>) {
  // expected-error @+1 {{'tile.cast' op 'input' has layout local(2,1).spatial(8,4).local(1,2) but the result has none}}
  %y = tile.cast %x : !tile.reg<16x8xf32, #tile.layout<local(2,1).spatial(8,4).local(1,2)>> -> !tile.reg<16x8xf16>
  return
}

// -----

func.func @cast_layout_added(%x: !tile.reg<16x8xf32>) {
  // expected-error @+1 {{'tile.cast' op the result has layout local(2,1).spatial(8,4).local(1,2) but 'input' has none}}
  %y = tile.cast %x : !tile.reg<16x8xf32> -> !tile.reg<16x8xf16, #tile.layout<local(2,1).spatial(8,4).local(1,2)>>
  return
}

//===----------------------------------------------------------------------===//
// tile.dot
//===----------------------------------------------------------------------===//

// -----

func.func @dot_rank(%a: !tile.reg<16xf16>, %b: !tile.reg<16x8xf16>, %c: !tile.reg<16x8xf32>) {
  // expected-error @+1 {{'tile.dot' op 'a' must be a 2-d tile, got shape [16]}}
  %d = tile.dot %a, %b, %c : !tile.reg<16xf16>, !tile.reg<16x8xf16> -> !tile.reg<16x8xf32>
  return
}

// -----

func.func @dot_k(%a: !tile.reg<16x16xf16>, %b: !tile.reg<8x8xf16>, %c: !tile.reg<16x8xf32>) {
  // expected-error @+1 {{'tile.dot' op 'a' is [16, 16] (M x K) and 'b' is [8, 8] (K x N): 'b' must have 16 rows}}
  %d = tile.dot %a, %b, %c : !tile.reg<16x16xf16>, !tile.reg<8x8xf16> -> !tile.reg<16x8xf32>
  return
}

// -----

func.func @dot_c(%a: !tile.reg<16x16xf16>, %b: !tile.reg<16x8xf16>, %c: !tile.reg<16x16xf32>) {
  // expected-error @+1 {{'tile.dot' op 'c' must be M x N = [16, 8], got [16, 16]}}
  %d = tile.dot %a, %b, %c : !tile.reg<16x16xf16>, !tile.reg<16x8xf16> -> !tile.reg<16x16xf32>
  return
}

// -----

func.func @dot_mixed(%a: !tile.reg<16x16xf16>, %b: !tile.reg<16x8xsi8>, %c: !tile.reg<16x8xf32>) {
  // expected-error @+1 {{'tile.dot' op 'a' and 'b' must both have float or both integer elements, got 'f16' and 'si8'}}
  %d = tile.dot %a, %b, %c : !tile.reg<16x16xf16>, !tile.reg<16x8xsi8> -> !tile.reg<16x8xf32>
  return
}

// -----

func.func @dot_float_accumulator(%a: !tile.reg<16x16xf16>, %b: !tile.reg<16x8xf16>, %c: !tile.reg<16x8xf16>) {
  // expected-error @+1 {{'tile.dot' op the accumulator 'c' must have element type 'f32' for float operands, got 'f16'}}
  %d = tile.dot %a, %b, %c : !tile.reg<16x16xf16>, !tile.reg<16x8xf16> -> !tile.reg<16x8xf16>
  return
}

// -----

func.func @dot_int_accumulator(%a: !tile.reg<16x32xsi8>, %b: !tile.reg<32x8xsi8>, %c: !tile.reg<16x8xf32>) {
  // expected-error @+1 {{'tile.dot' op the accumulator 'c' must have element type 'i32' for integer operands, got 'f32'}}
  %d = tile.dot %a, %b, %c : !tile.reg<16x32xsi8>, !tile.reg<32x8xsi8> -> !tile.reg<16x8xf32>
  return
}

// -----

func.func @dot_workers(%a: !tile.reg<16x16xf16, #tile.layout<column_local(2,2).spatial(8,4).local(1,2)>>,
                       %b: !tile.reg<16x8xf16>,
                       %c: !tile.reg<16x8xf32, #tile.layout<spatial(16,8)>>) {
  // expected-error @+1 {{'tile.dot' op 'a' layout has 32 workers but 'c' layout spatial(16,8) has 128}}
  %d = tile.dot %a, %b, %c : !tile.reg<16x16xf16, #tile.layout<column_local(2,2).spatial(8,4).local(1,2)>>,
                             !tile.reg<16x8xf16> -> !tile.reg<16x8xf32, #tile.layout<spatial(16,8)>>
  return
}

// -----

func.func @dot_result_type(%a: !tile.reg<16x16xf16>, %b: !tile.reg<16x8xf16>, %c: !tile.reg<16x8xf32>) {
  // expected-error @+1 {{'tile.dot' op failed to verify that all of {c, result} have same type}}
  %d = "tile.dot"(%a, %b, %c) : (!tile.reg<16x16xf16>, !tile.reg<16x8xf16>, !tile.reg<16x8xf32>) -> !tile.reg<16x8xf16>
  return
}

//===----------------------------------------------------------------------===//
// Element-wise ops, splat
//===----------------------------------------------------------------------===//

// -----

func.func @add_storage_type(%x: !tile.reg<16x8xf8E4M3FN>) {
  // expected-error @+1 {{'tile.add' op element type must be an integer or f16, bf16, f32, f64, got 'f8E4M3FN' (tile.cast storage types first)}}
  %y = tile.add %x, %x : !tile.reg<16x8xf8E4M3FN>
  return
}

// -----

func.func @exp_integer(%x: !tile.reg<16x8xi32>) {
  // expected-error @+1 {{'tile.exp' op element type must be f16, bf16, f32 or f64, got 'i32'}}
  %y = tile.exp %x : !tile.reg<16x8xi32>
  return
}

// -----

func.func @tanh_types(%x: !tile.reg<16x8xf32>) {
  // expected-error @+1 {{'tile.tanh' op requires the same type for all operands and results}}
  %y = "tile.tanh"(%x) : (!tile.reg<16x8xf32>) -> !tile.reg<16x8xf16>
  return
}

// -----

func.func @iota_dim() {
  // expected-error @+1 {{'tile.iota' op dim 2 must be below the rank 2}}
  %y = tile.iota 2 : !tile.reg<16x8xf32>
  return
}

// -----

func.func @iota_storage_type() {
  // expected-error @+1 {{'tile.iota' op element type must be an integer or f16, bf16, f32, f64, got 'f8E4M3FN' (tile.cast storage types first)}}
  %y = tile.iota 0 : !tile.reg<16x8xf8E4M3FN>
  return
}

// -----

func.func @mul_layouts(%x: !tile.reg<16x8xf32>, %y: !tile.reg<16x8xf32, #tile.layout<spatial(16,8)>>) {
  // expected-error @+1 {{'tile.mul' op 'rhs' type '!tile.reg<16x8xf32, #tile.layout<spatial(16,8)>>' differs from the result type '!tile.reg<16x8xf32>'}}
  %z = "tile.mul"(%x, %y) : (!tile.reg<16x8xf32>, !tile.reg<16x8xf32, #tile.layout<spatial(16,8)>>) -> !tile.reg<16x8xf32>
  return
}

// -----

func.func @splat_type(%s: f16) {
  // expected-error @+1 {{'tile.splat' op failed to verify that the scalar is an element of the result}}
  %t = "tile.splat"(%s) : (f16) -> !tile.reg<16x8xf32>
  return
}

//===----------------------------------------------------------------------===//
// tile.reduce
//===----------------------------------------------------------------------===//

// -----

func.func @reduce_dims(%x: !tile.reg<16x8xf32>) {
  // expected-error @+1 {{'tile.reduce' op dims must be strictly increasing and below the rank 2, got [1, 0]}}
  %r = tile.reduce add %x dims [1, 0] : !tile.reg<16x8xf32> -> !tile.reg<1x1xf32>
  return
}

// -----

func.func @reduce_dims_range(%x: !tile.reg<16x8xf32>) {
  // expected-error @+1 {{'tile.reduce' op dims must be strictly increasing and below the rank 2, got [2]}}
  %r = tile.reduce max %x dims [2] : !tile.reg<16x8xf32> -> !tile.reg<16x8xf32>
  return
}

// -----

func.func @reduce_element(%x: !tile.reg<16x8xf32>) {
  // expected-error @+1 {{'tile.reduce' op the result element type 'f16' differs from the 'input' element type 'f32'}}
  %r = tile.reduce add %x dims [1] : !tile.reg<16x8xf32> -> !tile.reg<16x1xf16>
  return
}

// -----

func.func @reduce_storage(%x: !tile.reg<16x8x!lowbit.ternary>) {
  // expected-error @+1 {{'tile.reduce' op element type must be an integer or f16, bf16, f32, f64, got '!lowbit.ternary' (tile.cast storage types first)}}
  %r = tile.reduce add %x dims [1] : !tile.reg<16x8x!lowbit.ternary> -> !tile.reg<16x1x!lowbit.ternary>
  return
}

// -----

func.func @reduce_shape(%x: !tile.reg<16x8xf32>) {
  // expected-error @+1 {{'tile.reduce' op the result shape [16] must be the 'input' shape with extent 1 in dims, [16, 1]}}
  %r = tile.reduce add %x dims [1] : !tile.reg<16x8xf32> -> !tile.reg<16xf32>
  return
}

// -----

// Reducing the mma accumulator along its columns leaves each row with the 4 workers that held
// it: local(2,1).spatial(8,1).replicated(4), not a fresh spatial layout.
func.func @reduce_layout(%x: !tile.reg<16x8xf32, #tile.layout<local(2,1).spatial(8,4).local(1,2)>>) {
  // expected-error @+1 {{'tile.reduce' op the result layout local(2,1).spatial(8,1) must be reduce('input' layout, dims) = local(2,1).spatial(8,1).replicated(4)}}
  %r = tile.reduce add %x dims [1] : !tile.reg<16x8xf32, #tile.layout<local(2,1).spatial(8,4).local(1,2)>>
         -> !tile.reg<16x1xf32, #tile.layout<local(2,1).spatial(8,1)>>
  return
}

//===----------------------------------------------------------------------===//
// tile.broadcast
//===----------------------------------------------------------------------===//

// -----

func.func @broadcast_rank(%x: !tile.reg<16xf32>) {
  // expected-error @+1 {{'tile.broadcast' op 'input' has rank 1 but the result has rank 2}}
  %b = tile.broadcast %x : !tile.reg<16xf32> -> !tile.reg<16x8xf32>
  return
}

// -----

func.func @broadcast_element(%x: !tile.reg<16x1xf32>) {
  // expected-error @+1 {{'tile.broadcast' op the result element type 'f16' differs from the 'input' element type 'f32'}}
  %b = tile.broadcast %x : !tile.reg<16x1xf32> -> !tile.reg<16x8xf16>
  return
}

// -----

func.func @broadcast_extent(%x: !tile.reg<16x2xf32>) {
  // expected-error @+1 {{'tile.broadcast' op 'input' extent 2 in dimension 1 must be 1 or the result's extent 8}}
  %b = tile.broadcast %x : !tile.reg<16x2xf32> -> !tile.reg<16x8xf32>
  return
}

// -----

func.func @broadcast_workers(%x: !tile.reg<16x1xf32, #tile.layout<local(2,1).spatial(8,1)>>) {
  // expected-error @+1 {{'tile.broadcast' op 'input' layout local(2,1).spatial(8,1) has 8 workers but the result layout local(2,1).spatial(8,4).local(1,2) has 32; the input needs a layout over 32 workers (e.g. local(2,1).spatial(8,1).replicated(4))}}
  %b = tile.broadcast %x : !tile.reg<16x1xf32, #tile.layout<local(2,1).spatial(8,1)>>
         -> !tile.reg<16x8xf32, #tile.layout<local(2,1).spatial(8,4).local(1,2)>>
  return
}

// -----

// Worker 1 holds row 0 of the result, but row 1 of the input.
func.func @broadcast_not_local(%x: !tile.reg<16x1xf32, #tile.layout<local(2,1).replicated(4).spatial(8,1)>>) {
  // expected-error @+1 {{'tile.broadcast' op worker 1 holds result element [0, 2] but not the 'input' element [0, 0] it repeats; the 'input' layout local(2,1).replicated(4).spatial(8,1) must give every worker the elements it broadcasts (e.g. local(2,1).spatial(8,1).replicated(4))}}
  %b = tile.broadcast %x : !tile.reg<16x1xf32, #tile.layout<local(2,1).replicated(4).spatial(8,1)>>
         -> !tile.reg<16x8xf32, #tile.layout<local(2,1).spatial(8,4).local(1,2)>>
  return
}

//===----------------------------------------------------------------------===//
// tile.extract_slice
//===----------------------------------------------------------------------===//

// -----

func.func @slice_rank(%x: !tile.reg<16xf32>) {
  // expected-error @+1 {{'tile.extract_slice' op 'input' has rank 1 but the result has rank 2}}
  %b = tile.extract_slice %x [0] : !tile.reg<16xf32> -> !tile.reg<1x8xf32>
  return
}

// -----

func.func @slice_element(%x: !tile.reg<16x8xf32>) {
  // expected-error @+1 {{'tile.extract_slice' op the result element type 'f16' differs from the 'input' element type 'f32'}}
  %b = tile.extract_slice %x [0, 0] : !tile.reg<16x8xf32> -> !tile.reg<1x8xf16>
  return
}

// -----

func.func @slice_offsets(%x: !tile.reg<16x8xf32>) {
  // expected-error @+1 {{'tile.extract_slice' op has 1 offsets for an 'input' of rank 2}}
  %b = tile.extract_slice %x [0] : !tile.reg<16x8xf32> -> !tile.reg<1x8xf32>
  return
}

// -----

func.func @slice_outside(%x: !tile.reg<16x8xf32>) {
  // expected-error @+1 {{'tile.extract_slice' op the slice [15, 17) of dimension 0 lies outside the 'input' extent 16}}
  %b = tile.extract_slice %x [15, 0] : !tile.reg<16x8xf32> -> !tile.reg<2x8xf32>
  return
}

// -----

func.func @slice_workers(%x: !tile.reg<16x8xf32, #tile.layout<local(16,1).spatial(1,8)>>) {
  // expected-error @+1 {{'tile.extract_slice' op 'input' layout local(16,1).spatial(1,8) has 8 workers but the result layout spatial(1,8).replicated(2) has 16}}
  %b = tile.extract_slice %x [2, 0] : !tile.reg<16x8xf32, #tile.layout<local(16,1).spatial(1,8)>>
         -> !tile.reg<1x8xf32, #tile.layout<spatial(1,8).replicated(2)>>
  return
}

// -----

// Row 3 is held by workers 24-31; worker 0 would have to hold it.
func.func @slice_not_local(%x: !tile.reg<4x8xf32, #tile.layout<spatial(4,8)>>) {
  // expected-error @+1 {{'tile.extract_slice' op worker 0 holds result element [0, 0] but not the 'input' element [3, 0] it comes from; the 'input' layout spatial(4,8) must give every worker the elements it slices}}
  %b = tile.extract_slice %x [3, 0] : !tile.reg<4x8xf32, #tile.layout<spatial(4,8)>>
         -> !tile.reg<1x8xf32, #tile.layout<spatial(1,8).replicated(4)>>
  return
}

//===----------------------------------------------------------------------===//
// tile.annotate_layout
//===----------------------------------------------------------------------===//

// -----

func.func @annotate_shape(%x: !tile.reg<16x8xf32>) {
  // expected-error @+1 {{'layout' local(2,1).spatial(8,4) has shape [16, 4] but 'input' has shape [16, 8]}}
  %a = tile.annotate_layout %x {layout = #tile.layout<local(2,1).spatial(8,4)>} : !tile.reg<16x8xf32>
  return
}

// -----

func.func @annotate_conflict(%x: !tile.reg<16x8xf32, #tile.layout<spatial(16,2).local(1,4)>>) {
  // expected-error @+1 {{'tile.annotate_layout' op 'input' already has layout spatial(16,2).local(1,4), which differs from the annotation local(2,1).spatial(8,4).local(1,2)}}
  %a = tile.annotate_layout %x {layout = #tile.layout<local(2,1).spatial(8,4).local(1,2)>}
         : !tile.reg<16x8xf32, #tile.layout<spatial(16,2).local(1,4)>>
  return
}

// -----

// The custom form cannot spell results; the generic form is checked by the verifier.
// expected-error @+1 {{'tile.kernel' op must have no results, got 1}}
"tile.kernel"() <{function_type = () -> f32, grid = array<i64: 1>, sym_name = "results_generic", workers = 32 : i64}> ({
  "tile.return"() : () -> ()
}) : () -> ()

//===----------------------------------------------------------------------===//
// tile.launch
//===----------------------------------------------------------------------===//

// -----

func.func @launch_missing() {
  // expected-error @+1 {{'tile.launch' op 'missing' does not name a symbol}}
  tile.launch @missing() : () -> ()
  return
}

// -----

func.func private @not_a_kernel()

func.func @launch_function() {
  // expected-error @+1 {{'tile.launch' op 'not_a_kernel' is a 'func.func', not a tile.kernel}}
  tile.launch @not_a_kernel() : () -> ()
  return
}

// -----

tile.kernel @scale(%x: memref<?xf32>, %n: index) grid [4] workers 32 {
  tile.return
}

func.func @launch_threads(%x: memref<?xf32>, %n: index) {
  // expected-error @+1 {{'tile.launch' op max_threads must be positive, not 0}}
  tile.launch @scale(%x, %n) {max_threads = 0} : (memref<?xf32>, index) -> ()
  return
}

// -----

tile.kernel @scale(%x: memref<?xf32>, %n: index) grid [4] workers 32 {
  tile.return
}

func.func @launch_count(%x: memref<?xf32>) {
  // expected-error @+1 {{'tile.launch' op passes 1 arguments but tile.kernel @scale takes 2}}
  tile.launch @scale(%x) : (memref<?xf32>) -> ()
  return
}

// -----

tile.kernel @scale(%x: memref<?xf32>, %n: index) grid [4] workers 32 {
  tile.return
}

func.func @launch_type(%x: memref<?xf16>, %n: index) {
  // expected-error @+1 {{'tile.launch' op argument #0 has type 'memref<?xf16>' but tile.kernel @scale expects 'memref<?xf32>'}}
  tile.launch @scale(%x, %n) : (memref<?xf16>, index) -> ()
  return
}

// -----

tile.kernel @inner() grid [1] workers 1 {
  tile.return
}

tile.kernel @outer() grid [1] workers 1 {
  // expected-error @+1 {{'tile.launch' op is host code and cannot appear inside tile.kernel @outer}}
  tile.launch @inner() : () -> ()
  tile.return
}
