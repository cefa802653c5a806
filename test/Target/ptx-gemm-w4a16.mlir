// The int4-weight GEMM of test/Run/tile-gemm.mlir through lowbit-pipeline-ptx for sm_80 and
// sm_90, with the weights dequantized to f16 (the tensor cores multiply f16): each thread loads
// the two bytes of its four B elements, tile.view makes them si4 codes (a bitcast of the
// thread's bits), tile.cast f16, the group scales are broadcast within the thread; then one
// mma.m16n8k16 per K step. ptx-assemble.test runs ptxas on it.
// RUN: lowbit-opt %s --lowbit-pipeline-ptx=chip=sm_80 | %extract_ptx | FileCheck %s --check-prefixes=PTX,SM80
// RUN: lowbit-opt %s --lowbit-pipeline-ptx=chip=sm_90 | %extract_ptx | FileCheck %s --check-prefixes=PTX,SM90

// SM80: .target sm_80
// SM90: .target sm_90
// PTX: .visible .entry w4a16(
// PTX-DAG: ld.global.b8
// PTX-DAG: mma.sync.aligned.m16n8k16.row.col.f32.f16.f16.f32
// PTX: st.global.b32

#A = #tile.layout<column_local(2,2).spatial(8,4).local(1,2)>
#B = #tile.layout<local(2,1).column_spatial(4,8).local(2,1)>
#C = #tile.layout<local(2,1).spatial(8,4).local(1,2)>
// Byte j of weight row n holds K elements 2j and 2j + 1: B's locals in pairs.
#BYTES = #tile.layout<local(2,1).column_spatial(4,8)>
// One scale per column n, held by the 4 threads that hold column n of B.
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
    %wf = tile.cast %codes : !tile.reg<16x8xsi4, #B> -> !tile.reg<16x8xf16, #B>
    %sh = tile.load_global %vs[%group, %col] : !tile.global<?x?xf16> -> !tile.reg<1x8xf16, #S>
    %sb = tile.broadcast %sh : !tile.reg<1x8xf16, #S> -> !tile.reg<16x8xf16, #B>
    %wt = tile.mul %wf, %sb : !tile.reg<16x8xf16, #B>
    %ta = tile.load_global %va[%row, %kk] : !tile.global<?x?xf16> -> !tile.reg<16x16xf16, #A>
    %d = tile.dot %ta, %wt, %acc_in : !tile.reg<16x16xf16, #A>, !tile.reg<16x8xf16, #B> -> !tile.reg<16x8xf32, #C>
    scf.yield %d : !tile.reg<16x8xf32, #C>
  }
  tile.store_global %acc, %vc[%row, %col] : !tile.reg<16x8xf32, #C>, !tile.global<?x?xf32>
  tile.return
}
