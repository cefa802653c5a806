// tile.exp, tile.tanh and tile.iota, run by lowbit-run against the same function written with
// linalg and math (libm) on fresh random inputs: the SIMD lowering (polynomial exp and tanh,
// constant iota vectors; within 1 ulp here) and the SIMT emulation (--simd=never).
// RUN: rm -rf %t && mkdir -p %t
// RUN: lowbit-npy random --type=32x4xf32 --min=-6 --max=6 --seed=%seed1 -o %t/x.npy
// RUN: lowbit-run %s --function=reference --input=@%t/x.npy --output=@%t/ref.npy
// RUN: lowbit-run %s --function=kern --input=@%t/x.npy --output=@%t/simd.npy
// RUN: lowbit-run %s --function=kern --simd=never --input=@%t/x.npy --output=@%t/simt.npy
// RUN: lowbit-npy compare %t/ref.npy %t/simd.npy --atol=1e-6 --rtol=1e-6 | FileCheck %s
// RUN: lowbit-npy compare %t/ref.npy %t/simt.npy --atol=1e-6 --rtol=1e-6 | FileCheck %s
// RUN: lowbit-opt %s --tile-to-cpu | FileCheck %s --check-prefix=IR
// CHECK: compare: 128 elements, max abs error
// CHECK-NOT: FAILED

// The kernel's exp and tanh are polynomials (no math.exp or math.tanh left); the iotas are
// constant vectors (lane w holds row w at local 0, so the rows' vector is 0 .. 7).
// IR-LABEL: func.func private @k(
// IR: arith.constant dense<[0.000000e+00, 1.000000e+00, 2.000000e+00, 3.000000e+00, 4.000000e+00, 5.000000e+00, 6.000000e+00, 7.000000e+00]> : vector<8xf32>
// IR-NOT: math.exp
// IR-NOT: math.tanh
// IR-LABEL: func.func @kern(

#L = #tile.layout<local(2,1).spatial(8,1).local(1,4)>
tile.kernel @k(%x: memref<?xf32>, %y: memref<?xf32>) grid [2] workers 8 {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %c16 = arith.constant 16 : index
  %c32 = arith.constant 32 : index
  %vx = tile.global_view %x sizes(%c32, %c4) strides(%c4, %c1) : memref<?xf32> -> !tile.global<?x?xf32>
  %vy = tile.global_view %y sizes(%c32, %c4) strides(%c4, %c1) : memref<?xf32> -> !tile.global<?x?xf32>
  %b = tile.block_index 0
  %r = arith.muli %b, %c16 : index
  %t = tile.load_global %vx[%r, %c0] : !tile.global<?x?xf32> -> !tile.reg<16x4xf32, #L>
  %e = tile.exp %t : !tile.reg<16x4xf32, #L>
  %h = tile.tanh %t : !tile.reg<16x4xf32, #L>
  %i = tile.iota 0 : !tile.reg<16x4xf32, #L>
  %j = tile.iota 1 : !tile.reg<16x4xf32, #L>
  %s1 = tile.add %e, %h : !tile.reg<16x4xf32, #L>
  %s2 = tile.mul %i, %j : !tile.reg<16x4xf32, #L>
  %s = tile.add %s1, %s2 : !tile.reg<16x4xf32, #L>
  tile.store_global %s, %vy[%r, %c0] : !tile.reg<16x4xf32, #L>, !tile.global<?x?xf32>
  tile.return
}
func.func @kern(%x: tensor<32x4xf32>) -> tensor<32x4xf32> {
  %mx = bufferization.to_buffer %x read_only : tensor<32x4xf32> to memref<32x4xf32>
  %fx = memref.collapse_shape %mx [[0, 1]] : memref<32x4xf32> into memref<128xf32>
  %dx = memref.cast %fx : memref<128xf32> to memref<?xf32>
  %my = memref.alloc() : memref<32x4xf32>
  %fy = memref.collapse_shape %my [[0, 1]] : memref<32x4xf32> into memref<128xf32>
  %dy = memref.cast %fy : memref<128xf32> to memref<?xf32>
  tile.launch @k(%dx, %dy) : (memref<?xf32>, memref<?xf32>) -> ()
  %y = bufferization.to_tensor %my restrict : memref<32x4xf32> to tensor<32x4xf32>
  return %y : tensor<32x4xf32>
}
func.func @reference(%x: tensor<32x4xf32>) -> tensor<32x4xf32> {
  %c16 = arith.constant 16 : index
  %init = tensor.empty() : tensor<32x4xf32>
  %y = linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i, j)>],
                       iterator_types = ["parallel", "parallel"]} ins(%x : tensor<32x4xf32>) outs(%init : tensor<32x4xf32>) {
  ^bb0(%a: f32, %o: f32):
    %i = linalg.index 0 : index
    %j = linalg.index 1 : index
    %i16 = arith.remui %i, %c16 : index
    %ii = arith.index_cast %i16 : index to i64
    %jj = arith.index_cast %j : index to i64
    %fi = arith.sitofp %ii : i64 to f32
    %fj = arith.sitofp %jj : i64 to f32
    %e = math.exp %a : f32
    %h = math.tanh %a : f32
    %s1 = arith.addf %e, %h : f32
    %s2 = arith.mulf %fi, %fj : f32
    %s = arith.addf %s1, %s2 : f32
    linalg.yield %s : f32
  } -> tensor<32x4xf32>
  return %y : tensor<32x4xf32>
}
