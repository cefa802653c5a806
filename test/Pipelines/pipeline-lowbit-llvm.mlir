// RUN: lowbit-opt %s --split-input-file --lowbit-pipeline-llvm | FileCheck %s
// RUN: lowbit-opt %s --split-input-file --lowbit-pipeline-llvm="fast-path=false" | FileCheck %s --check-prefix=REF

// The calling convention of compiled code: every memref expands to (allocated, aligned, offset,
// sizes, strides); the packed weight arrives as i8 bytes; the result is an out-parameter, so
// the function returns nothing; temporaries come from and go back to the runtime's buffer
// cache (MLIR's generic allocation functions, lowbit/Runtime/BufferCache.h).
// Four 2-D memrefs (a, packed w, scales, the result) of 7 values each: 28 arguments, no result.
// With the fast path the op is a generated tile kernel, a private function of vector code
// (FMA of the fp4 codes decoded to f32), called once (its grid has one block).
// CHECK-LABEL: llvm.func @mpgemm_0(
// CHECK-SAME: tile.lowering = "simd"
// CHECK: llvm.intr.fma
// CHECK-LABEL: llvm.func @mpgemm(%arg0: !llvm.ptr, %arg1: !llvm.ptr, %arg2: i64,
// CHECK-SAME: %arg7: !llvm.ptr, %arg8: !llvm.ptr, %arg9: i64,
// CHECK-SAME: %arg21: !llvm.ptr, %arg22: !llvm.ptr, %arg23: i64, %arg24: i64, %arg25: i64, %arg26: i64, %arg27: i64) {
// CHECK: llvm.call @_mlir_memref_to_llvm_alloc
// CHECK: llvm.call @mpgemm_0(
// CHECK: llvm.call @_mlir_memref_to_llvm_free
// CHECK: llvm.return{{$}}
// CHECK-NOT: lowbit.
// CHECK-NOT: linalg.
// CHECK-NOT: builtin.unrealized_conversion_cast
// The reference lowering: scalar loops over the unpacked codes, bf16 conversions as integer
// code.
// REF-LABEL: llvm.func @mpgemm(%arg0: !llvm.ptr, %arg1: !llvm.ptr, %arg2: i64,
// REF: llvm.call @_mlir_memref_to_llvm_alloc
// REF: llvm.load %{{.+}} : !llvm.ptr -> i8
// REF: llvm.fmul
// REF: llvm.call @_mlir_memref_to_llvm_free
// REF: llvm.return{{$}}
func.func @mpgemm(%a: tensor<3x16xbf16>, %w: tensor<4x16xf4E2M1FN>, %s: tensor<4x1xf8E8M0FNU>) -> tensor<3x4xbf16> {
  %y = lowbit.mpgemm %a, %w scale(%s) {weight_scheme = #lowbit.scheme<group(axis = 1, size = 16), scale = f8E8M0FNU>} : (tensor<3x16xbf16>, tensor<4x16xf4E2M1FN>, tensor<4x1xf8E8M0FNU>) -> tensor<3x4xbf16>
  return %y : tensor<3x4xbf16>
}

// -----

// Tile programs go the same way: tile-to-cpu makes the kernel a private function of vector
// code (its 32 workers are the 32 lanes of vector<32xf32>: a vector load when the block lies
// inside the view, a masked gather at the edge), and the launch a loop over the grid that runs
// on the runtime's threads (omp.parallel, in LLVM types until translation); the host
// function's to_buffer / to_tensor become its own buffers.
// CHECK-LABEL: llvm.func @scale(
// CHECK-SAME: %arg5: f32, %arg6: i64, %arg7: i64)
// CHECK-SAME: attributes {sym_visibility = "private", tile.grid = array<i64: 4>, tile.lowering = "simd", tile.workers = 32 : i64}
// CHECK: llvm.load %{{.+}} : !llvm.ptr -> vector<32xf32>
// CHECK: llvm.intr.masked.gather
// CHECK: llvm.fmul %{{.+}}, %{{.+}} : vector<32xf32>
// CHECK-LABEL: llvm.func @host(
// CHECK: llvm.call @lowbit_num_threads() : () -> i32
// CHECK: omp.parallel num_threads
// CHECK-NEXT: omp.wsloop schedule(static)
// CHECK-NEXT: omp.loop_nest
// CHECK: llvm.call @scale(
// CHECK-NOT: tile.launch
// CHECK-NOT: bufferization.
tile.kernel @scale(%x: memref<?xf32>, %s: f32, %n: index) grid [4] workers 32 {
  %c1 = arith.constant 1 : index
  %c32 = arith.constant 32 : index
  %v = tile.global_view %x sizes(%n) strides(%c1) : memref<?xf32> -> !tile.global<?xf32>
  %b = tile.block_index 0
  %offset = arith.muli %b, %c32 : index
  %t = tile.load_global %v[%offset] : !tile.global<?xf32> -> !tile.reg<32xf32, #tile.layout<spatial(32)>>
  %f = tile.splat %s : !tile.reg<32xf32, #tile.layout<spatial(32)>>
  %r = tile.mul %t, %f : !tile.reg<32xf32, #tile.layout<spatial(32)>>
  tile.store_global %r, %v[%offset] : !tile.reg<32xf32, #tile.layout<spatial(32)>>, !tile.global<?xf32>
  tile.return
}

func.func @host(%x: tensor<100xf32>, %s: f32) -> tensor<100xf32> {
  %n = arith.constant 100 : index
  %m = bufferization.to_buffer %x read_only : tensor<100xf32> to memref<100xf32>
  %y = memref.alloc() : memref<100xf32>
  memref.copy %m, %y : memref<100xf32> to memref<100xf32>
  %d = memref.cast %y : memref<100xf32> to memref<?xf32>
  tile.launch @scale(%d, %s, %n) : (memref<?xf32>, f32, index) -> ()
  %r = bufferization.to_tensor %y restrict : memref<100xf32> to tensor<100xf32>
  return %r : tensor<100xf32>
}
