// A tile-level W4A16 GEMM run by lowbit-run (tile-to-cpu inside lowbit-pipeline-llvm) against
// the scalar reference of the equivalent lowbit.mpgemm, on the same random .npy inputs (fresh per
// lit run, see %seed). The kernel reads the weights in their interchange packing (two si4 codes
// per byte, K innermost) with the PTX mma.m16n8k16 fragment layouts: each worker loads the two
// bytes that hold its four B elements, tile.view turns them into si4 codes, tile.cast into f32,
// and the group scales are broadcast over K. M = 40, N = 20, K = 37: the 3 x 3 grid of 16 x 8
// tiles hangs over every edge, and the last byte of each weight row is half padding.
// RUN: rm -rf %t && mkdir -p %t
// RUN: lowbit-npy random --type=40x37xf16 --seed=%seed1 -o %t/a.npy
// RUN: lowbit-npy random --type=20x37xsi4 --seed=%seed2 -o %t/w.npy
// RUN: lowbit-npy random --type=20x3xf16 --min=0.01 --max=0.1 --seed=%seed3 -o %t/s.npy
// RUN: lowbit-run %s --function=tile_w4a16 --input=@%t/a.npy --input=@%t/w.npy --input=@%t/s.npy --output=@%t/tile.npy
// RUN: lowbit-run %s --function=reference --engine=reference --input=@%t/a.npy --input=@%t/w.npy --input=@%t/s.npy --output=@%t/ref.npy
// RUN: lowbit-npy compare %t/ref.npy %t/tile.npy --atol=1e-4 --rtol=1e-4 | FileCheck %s
// CHECK: compare: 800 elements, max abs error

#A = #tile.layout<column_local(2,2).spatial(8,4).local(1,2)>
#B = #tile.layout<local(2,1).column_spatial(4,8).local(2,1)>
#C = #tile.layout<local(2,1).spatial(8,4).local(1,2)>
// Byte j of weight row n holds K elements 2j and 2j + 1: B's locals in pairs.
#BYTES = #tile.layout<local(2,1).column_spatial(4,8)>
// One scale per column n, held by the 4 workers that hold column n of B.
#S = #tile.layout<spatial(1,8).replicated(4)>

// C[M, N] = A[M, K] * (W[N, K] * scale[N, K / 16])^T with W in interchange-packed bytes.
tile.kernel @w4a16(%a: memref<?xf16>, %w: memref<?xi8>, %s: memref<?xf16>, %c: memref<?xf32>,
                   %m: index, %n: index, %k: index) grid [3, 3] workers 32 {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c8 = arith.constant 8 : index
  %c16 = arith.constant 16 : index
  %zero = arith.constant 0.0 : f32
  %row_bytes = arith.ceildivui %k, %c2 : index
  %groups = arith.ceildivui %k, %c16 : index
  %va = tile.global_view %a sizes(%m, %k) strides(%k, %c1) : memref<?xf16> -> !tile.global<?x?xf16>
  // Both weight views are transposed: (k, n) -> W[n, k].
  %vw = tile.global_view %w sizes(%row_bytes, %n) strides(%c1, %row_bytes) : memref<?xi8> -> !tile.global<?x?xi8>
  %vs = tile.global_view %s sizes(%groups, %n) strides(%c1, %groups) : memref<?xf16> -> !tile.global<?x?xf16>
  %vc = tile.global_view %c sizes(%m, %n) strides(%n, %c1) : memref<?xf32> -> !tile.global<?x?xf32>
  %bm = tile.block_index 0
  %bn = tile.block_index 1
  %row = arith.muli %bm, %c16 : index
  %col = arith.muli %bn, %c8 : index
  %init = tile.splat %zero : !tile.reg<16x8xf32, #C>
  %acc = scf.for %kk = %c0 to %k step %c16 iter_args(%acc_in = %init) -> (!tile.reg<16x8xf32, #C>) {
    %byte = arith.divui %kk, %c2 : index
    %group = arith.divui %kk, %c16 : index
    %bytes = tile.load_global %vw[%byte, %col] : !tile.global<?x?xi8> -> !tile.reg<8x8xi8, #BYTES>
    %codes = tile.view %bytes : !tile.reg<8x8xi8, #BYTES> -> !tile.reg<16x8xsi4, #B>
    %wf = tile.cast %codes : !tile.reg<16x8xsi4, #B> -> !tile.reg<16x8xf32, #B>
    %sh = tile.load_global %vs[%group, %col] : !tile.global<?x?xf16> -> !tile.reg<1x8xf16, #S>
    %sf = tile.cast %sh : !tile.reg<1x8xf16, #S> -> !tile.reg<1x8xf32, #S>
    %sb = tile.broadcast %sf : !tile.reg<1x8xf32, #S> -> !tile.reg<16x8xf32, #B>
    %wt = tile.mul %wf, %sb : !tile.reg<16x8xf32, #B>
    %ta = tile.load_global %va[%row, %kk] : !tile.global<?x?xf16> -> !tile.reg<16x16xf16, #A>
    %d = tile.dot %ta, %wt, %acc_in : !tile.reg<16x16xf16, #A>, !tile.reg<16x8xf32, #B> -> !tile.reg<16x8xf32, #C>
    scf.yield %d : !tile.reg<16x8xf32, #C>
  }
  tile.store_global %acc, %vc[%row, %col] : !tile.reg<16x8xf32, #C>, !tile.global<?x?xf32>
  tile.return
}

// The host side: tensors in, flat buffers to the kernel, a tensor out.
func.func @tile_w4a16(%a: tensor<40x37xf16>, %w: tensor<20x37xsi4>, %s: tensor<20x3xf16>)
    -> tensor<40x20xf32> {
  %m = arith.constant 40 : index
  %n = arith.constant 20 : index
  %k = arith.constant 37 : index
  %bytes = lowbit.pack %w : tensor<20x37xsi4> -> tensor<20x19xi8>
  %ma = bufferization.to_buffer %a read_only : tensor<40x37xf16> to memref<40x37xf16>
  %fa = memref.collapse_shape %ma [[0, 1]] : memref<40x37xf16> into memref<1480xf16>
  %da = memref.cast %fa : memref<1480xf16> to memref<?xf16>
  %mw = bufferization.to_buffer %bytes read_only : tensor<20x19xi8> to memref<20x19xi8>
  %fw = memref.collapse_shape %mw [[0, 1]] : memref<20x19xi8> into memref<380xi8>
  %dw = memref.cast %fw : memref<380xi8> to memref<?xi8>
  %ms = bufferization.to_buffer %s read_only : tensor<20x3xf16> to memref<20x3xf16>
  %fs = memref.collapse_shape %ms [[0, 1]] : memref<20x3xf16> into memref<60xf16>
  %ds = memref.cast %fs : memref<60xf16> to memref<?xf16>
  %mc = memref.alloc() : memref<40x20xf32>
  %fc = memref.collapse_shape %mc [[0, 1]] : memref<40x20xf32> into memref<800xf32>
  %dc = memref.cast %fc : memref<800xf32> to memref<?xf32>
  tile.launch @w4a16(%da, %dw, %ds, %dc, %m, %n, %k)
    : (memref<?xf16>, memref<?xi8>, memref<?xf16>, memref<?xf32>, index, index, index) -> ()
  %c = bufferization.to_tensor %mc restrict : memref<40x20xf32> to tensor<40x20xf32>
  return %c : tensor<40x20xf32>
}

func.func @reference(%a: tensor<40x37xf16>, %w: tensor<20x37xsi4>, %s: tensor<20x3xf16>)
    -> tensor<40x20xf32> {
  %y = lowbit.mpgemm %a, %w scale(%s)
         {weight_scheme = #lowbit.scheme<group(axis = 1, size = 16), scale = f16>}
         : (tensor<40x37xf16>, tensor<20x37xsi4>, tensor<20x3xf16>) -> tensor<40x20xf32>
  return %y : tensor<40x20xf32>
}
