// A GEMV tile program in the SIMD lowering's shape, run by lowbit-run against the scalar
// reference of the equivalent lowbit.mpgemm on fresh random inputs: the 8 workers are 8
// vector lanes, each the row of an output (two rows per lane: 16 rows per block); a lane's
// 8 codes of a k step are one 32-bit word (pre-packed by Inputs/prepack-gemv.py), viewed as
// ui4 and cast to f32 in registers; the activations are replicated (broadcast loads).
// N = 40 is not a multiple of 16 and K = 60 not of 8: the last block's scale load and result
// store and the last k step's activation load take the masked paths. The 3 blocks run on the
// runtime's threads (1 and 2).
// RUN: rm -rf %t && mkdir -p %t
// RUN: lowbit-npy random --type=1x60xf32 --seed=%seed1 -o %t/a.npy
// RUN: lowbit-npy random --type=40x60xui4 --seed=%seed2 -o %t/w.npy
// RUN: lowbit-npy random --type=40xf32 --min=0.01 --max=0.1 --seed=%seed3 -o %t/s.npy
// RUN: %python %S/Inputs/prepack-gemv.py 40 60 %t/w.npy %t/wp.npy
// RUN: lowbit-run %s --function=reference --engine=reference --input=@%t/a.npy --input=@%t/w.npy --input=@%t/s.npy --output=@%t/ref.npy
// RUN: env LOWBIT_NUM_THREADS=1 lowbit-run %s --function=gemv --input=@%t/a.npy --input=@%t/wp.npy --input=@%t/s.npy --output=@%t/one.npy
// RUN: lowbit-npy compare %t/ref.npy %t/one.npy --atol=1e-5 --rtol=1e-5 | FileCheck %s
// RUN: env LOWBIT_NUM_THREADS=2 lowbit-run %s --function=gemv --input=@%t/a.npy --input=@%t/wp.npy --input=@%t/s.npy --output=@%t/two.npy
// RUN: lowbit-npy compare %t/ref.npy %t/two.npy --atol=1e-5 --rtol=1e-5 | FileCheck %s
// CHECK: compare: 40 elements, max abs error
#W = #tile.layout<local(1,2).spatial(1,8)>
#B = #tile.layout<local(1,2).local(8,1).spatial(1,8)>
#A = #tile.layout<replicated(8).local(1,8)>
#C = #tile.layout<local(1,2).spatial(1,8)>

// y[1, N] = a[1, K] * (q[N, K] * s[N])^T with q ui4, prepacked: word (nb, kt, r, w) holds the
// 8 codes of row nb*16 + r*8 + w, k = kt*8 .. kt*8 + 7 (nibble p = k % 8).
tile.kernel @gemv_kernel(%a: memref<?xf32>, %w: memref<?xi32>, %s: memref<?xf32>, %y: memref<?xf32>)
    grid [3] workers 8 {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  %c16 = arith.constant 16 : index
  %cK = arith.constant 60 : index
  %cN = arith.constant 40 : index
  %cKT = arith.constant 8 : index
  %cRows = arith.constant 24 : index
  %zero = arith.constant 0.0 : f32
  %va = tile.global_view %a sizes(%c1, %cK) strides(%cK, %c1) : memref<?xf32> -> !tile.global<?x?xf32>
  %vw = tile.global_view %w sizes(%cRows, %c16) strides(%c16, %c1) : memref<?xi32> -> !tile.global<?x?xi32>
  %vs = tile.global_view %s sizes(%c1, %cN) strides(%cN, %c1) : memref<?xf32> -> !tile.global<?x?xf32>
  %vy = tile.global_view %y sizes(%c1, %cN) strides(%cN, %c1) : memref<?xf32> -> !tile.global<?x?xf32>
  %nb = tile.block_index 0
  %col = arith.muli %nb, %c16 : index
  %row0 = arith.muli %nb, %cKT : index
  %init = tile.splat %zero : !tile.reg<1x16xf32, #C>
  %acc = scf.for %kt = %c0 to %cKT step %c1 iter_args(%acc_in = %init) -> (!tile.reg<1x16xf32, #C>) {
    %row = arith.addi %row0, %kt : index
    %k = arith.muli %kt, %c8 : index
    %words = tile.load_global %vw[%row, %c0] : !tile.global<?x?xi32> -> !tile.reg<1x16xi32, #W>
    %codes = tile.view %words : !tile.reg<1x16xi32, #W> -> !tile.reg<8x16xui4, #B>
    %wf = tile.cast %codes : !tile.reg<8x16xui4, #B> -> !tile.reg<8x16xf32, #B>
    %at = tile.load_global %va[%c0, %k] : !tile.global<?x?xf32> -> !tile.reg<1x8xf32, #A>
    %d = tile.dot %at, %wf, %acc_in : !tile.reg<1x8xf32, #A>, !tile.reg<8x16xf32, #B> -> !tile.reg<1x16xf32, #C>
    scf.yield %d : !tile.reg<1x16xf32, #C>
  }
  %sc = tile.load_global %vs[%c0, %col] : !tile.global<?x?xf32> -> !tile.reg<1x16xf32, #C>
  %r = tile.mul %acc, %sc : !tile.reg<1x16xf32, #C>
  tile.store_global %r, %vy[%c0, %col] : !tile.reg<1x16xf32, #C>, !tile.global<?x?xf32>
  tile.return
}

func.func @gemv(%a: tensor<1x60xf32>, %wp: tensor<24x16xi32>, %s: tensor<40xf32>) -> tensor<1x40xf32> {
  %ma = bufferization.to_buffer %a read_only : tensor<1x60xf32> to memref<1x60xf32>
  %fa = memref.collapse_shape %ma [[0, 1]] : memref<1x60xf32> into memref<60xf32>
  %da = memref.cast %fa : memref<60xf32> to memref<?xf32>
  %mw = bufferization.to_buffer %wp read_only : tensor<24x16xi32> to memref<24x16xi32>
  %fw = memref.collapse_shape %mw [[0, 1]] : memref<24x16xi32> into memref<384xi32>
  %dw = memref.cast %fw : memref<384xi32> to memref<?xi32>
  %ms = bufferization.to_buffer %s read_only : tensor<40xf32> to memref<40xf32>
  %ds = memref.cast %ms : memref<40xf32> to memref<?xf32>
  %my = memref.alloc() : memref<1x40xf32>
  %fy = memref.collapse_shape %my [[0, 1]] : memref<1x40xf32> into memref<40xf32>
  %dy = memref.cast %fy : memref<40xf32> to memref<?xf32>
  tile.launch @gemv_kernel(%da, %dw, %ds, %dy) : (memref<?xf32>, memref<?xi32>, memref<?xf32>, memref<?xf32>) -> ()
  %y = bufferization.to_tensor %my restrict : memref<1x40xf32> to tensor<1x40xf32>
  return %y : tensor<1x40xf32>
}

func.func @reference(%a: tensor<1x60xf32>, %w: tensor<40x60xui4>, %s: tensor<40xf32>) -> tensor<1x40xf32> {
  %y = lowbit.mpgemm %a, %w scale(%s) {weight_scheme = #lowbit.scheme<per_channel(axis = 0), scale = f32>}
         : (tensor<1x60xf32>, tensor<40x60xui4>, tensor<40xf32>) -> tensor<1x40xf32>
  return %y : tensor<1x40xf32>
}
