// Shared tensors on the CPU: the SIMD lowering keeps each block's shared tensor in its stack
// frame and reads and writes it like a strided global view; the SIMT emulation (--simd=never)
// has a buffer per block too. Each block writes its 16 x 8 tile of x into a shared tensor
// with lane = row, reads it back with lane = column in two halves at different offsets, and
// makes a round trip through an f16 shared tensor: y = 2 x + f32(f16(x)), against the same
// function written with linalg on fresh random inputs.
// RUN: rm -rf %t && mkdir -p %t
// RUN: lowbit-npy random --type=32x8xf32 --min=-4 --max=4 --seed=%seed1 -o %t/x.npy
// RUN: lowbit-run %s --function=reference --input=@%t/x.npy --output=@%t/ref.npy
// RUN: lowbit-run %s --function=kern --input=@%t/x.npy --output=@%t/simd.npy
// RUN: lowbit-run %s --function=kern --simd=never --input=@%t/x.npy --output=@%t/simt.npy
// RUN: lowbit-npy compare %t/ref.npy %t/simd.npy --atol=1e-6 --rtol=1e-6 | FileCheck %s
// RUN: lowbit-npy compare %t/ref.npy %t/simt.npy --atol=1e-6 --rtol=1e-6 | FileCheck %s
// RUN: lowbit-opt %s --tile-to-cpu | FileCheck %s --check-prefix=IR
// CHECK: compare: 256 elements, max abs error
// CHECK-NOT: FAILED

// The SIMD lowering (no emulation loops over workers): one aligned stack buffer per shared
// tensor at the kernel's entry, whole-vector loads along its rows.
// IR-LABEL: func.func private @k(
// IR-DAG: memref.alloca() {alignment = 64 : i64} : memref<128xf32>
// IR-DAG: memref.alloca() {alignment = 64 : i64} : memref<128xf16>
// IR: vector.load %{{.*}} : memref<128xf32>, vector<8xf32>
// IR-LABEL: func.func @kern(

#ROWS = #tile.layout<local(2,1).spatial(8,1).local(1,8)>
#COLS = #tile.layout<local(8,1).spatial(1,8)>
tile.kernel @k(%x: memref<?xf32>, %y: memref<?xf32>) grid [2] workers 8 {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  %c16 = arith.constant 16 : index
  %c32 = arith.constant 32 : index
  %two = arith.constant 2.0 : f32
  %vx = tile.global_view %x sizes(%c32, %c8) strides(%c8, %c1) : memref<?xf32> -> !tile.global<?x?xf32>
  %vy = tile.global_view %y sizes(%c32, %c8) strides(%c8, %c1) : memref<?xf32> -> !tile.global<?x?xf32>
  %b = tile.block_index 0
  %r = arith.muli %b, %c16 : index
  %s = tile.alloc_shared : !tile.shared<16x8xf32>
  %h = tile.alloc_shared : !tile.shared<16x8xf16>
  %t = tile.load_global %vx[%r, %c0] : !tile.global<?x?xf32> -> !tile.reg<16x8xf32, #ROWS>
  tile.store_shared %t, %s[%c0, %c0] : !tile.reg<16x8xf32, #ROWS>, !tile.shared<16x8xf32>
  %t16 = tile.cast %t : !tile.reg<16x8xf32, #ROWS> -> !tile.reg<16x8xf16, #ROWS>
  tile.store_shared %t16, %h[%c0, %c0] : !tile.reg<16x8xf16, #ROWS>, !tile.shared<16x8xf16>
  tile.sync
  %twos = tile.splat %two : !tile.reg<8x8xf32, #COLS>
  scf.for %half = %c0 to %c16 step %c8 {
    %a = tile.load_shared %s[%half, %c0] : !tile.shared<16x8xf32> -> !tile.reg<8x8xf32, #COLS>
    %a16 = tile.load_shared %h[%half, %c0] : !tile.shared<16x8xf16> -> !tile.reg<8x8xf16, #COLS>
    %w = tile.cast %a16 : !tile.reg<8x8xf16, #COLS> -> !tile.reg<8x8xf32, #COLS>
    %a2 = tile.mul %a, %twos : !tile.reg<8x8xf32, #COLS>
    %sum = tile.add %a2, %w : !tile.reg<8x8xf32, #COLS>
    %row = arith.addi %r, %half : index
    tile.store_global %sum, %vy[%row, %c0] : !tile.reg<8x8xf32, #COLS>, !tile.global<?x?xf32>
  }
  tile.return
}
func.func @kern(%x: tensor<32x8xf32>) -> tensor<32x8xf32> {
  %mx = bufferization.to_buffer %x read_only : tensor<32x8xf32> to memref<32x8xf32>
  %fx = memref.collapse_shape %mx [[0, 1]] : memref<32x8xf32> into memref<256xf32>
  %dx = memref.cast %fx : memref<256xf32> to memref<?xf32>
  %my = memref.alloc() : memref<32x8xf32>
  %fy = memref.collapse_shape %my [[0, 1]] : memref<32x8xf32> into memref<256xf32>
  %dy = memref.cast %fy : memref<256xf32> to memref<?xf32>
  tile.launch @k(%dx, %dy) : (memref<?xf32>, memref<?xf32>) -> ()
  %y = bufferization.to_tensor %my restrict : memref<32x8xf32> to tensor<32x8xf32>
  return %y : tensor<32x8xf32>
}
func.func @reference(%x: tensor<32x8xf32>) -> tensor<32x8xf32> {
  %two = arith.constant 2.0 : f32
  %init = tensor.empty() : tensor<32x8xf32>
  %y = linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i, j)>],
                       iterator_types = ["parallel", "parallel"]} ins(%x : tensor<32x8xf32>) outs(%init : tensor<32x8xf32>) {
  ^bb0(%a: f32, %o: f32):
    %h = arith.truncf %a : f32 to f16
    %w = arith.extf %h : f16 to f32
    %a2 = arith.mulf %a, %two : f32
    %s = arith.addf %a2, %w : f32
    linalg.yield %s : f32
  } -> tensor<32x8xf32>
  return %y : tensor<32x8xf32>
}
