// The W4A16 GEMM with pre-packed weights of test/Unit/EndToEnd/TileGemmTest.cpp (kGemmW4A16):
// each thread loads the 32-bit word of its 8 ui4 codes, tile.view makes them codes, tile.cast
// f16, the zero point and the broadcast group scale apply in registers; the 16x16 tile of C is
// two mma.m16n8k16 fragments side by side (block compositions of the fragment layouts), so two
// mma.sync per K step. ptx-assemble.test runs ptxas on it.
// RUN: lowbit-opt %s --lowbit-pipeline-ptx=chip=sm_80 | %extract_ptx | FileCheck %s --check-prefixes=PTX,SM80
// RUN: lowbit-opt %s --lowbit-pipeline-ptx=chip=sm_90 | %extract_ptx | FileCheck %s --check-prefixes=PTX,SM90

// SM80: .target sm_80
// SM90: .target sm_90
// PTX: .visible .entry gemm(
// PTX-COUNT-2: mma.sync.aligned.m16n8k16.row.col.f32.f16.f16.f32
// PTX-NOT: mma.sync
// PTX: st.global.b32

#A = #tile.layout<column_local(2,2).spatial(8,4).local(1,2)>
#B = #tile.layout<local(2,1).column_spatial(4,8).local(2,1)>
#C = #tile.layout<local(2,1).spatial(8,4).local(1,2)>
#BW = #tile.layout<column_local(2,2).column_spatial(4,8).local(2,1)>
#CW = #tile.layout<column_local(2,2).spatial(8,4).local(1,2)>
#SW = #tile.layout<local(1,2).spatial(1,8).replicated(4)>
#WORDS = #tile.layout<spatial(1,32)>
tile.kernel @gemm(%a: memref<?xf16>, %packed: memref<?xi32>, %scales: memref<?xf16>,
                  %c: memref<?xf32>, %m: index, %n: index, %k: index)
    grid [4, 4] workers 32 {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c16 = arith.constant 16 : index
  %c32 = arith.constant 32 : index
  %zero = arith.constant 0.0 : f32
  %eight = arith.constant 8.0 : f16
  // Packed weights: [ceil(K/16), ceil(N/16) * 32] words; scales: [ceil(K/16), N].
  %kt = arith.ceildivui %k, %c16 : index
  %nt = arith.ceildivui %n, %c16 : index
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
    %words = tile.load_global %vw[%g, %wcol] : !tile.global<?x?xi32> -> !tile.reg<1x32xi32, #WORDS>
    %codes = tile.view %words : !tile.reg<1x32xi32, #WORDS> -> !tile.reg<16x16xui4, #BW>
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
