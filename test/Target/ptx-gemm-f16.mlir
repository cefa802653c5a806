// The f16 GEMM of test/Unit/EndToEnd/TileGemmTest.cpp (one warp per 16x8 tile of C, the PTX
// mma.m16n8k16 fragment layouts) through lowbit-pipeline-ptx for sm_80 and sm_90: the PTX is
// in the gpu.binary and has one mma.sync per K step. ptx-assemble.test runs ptxas on it.
// RUN: lowbit-opt %s --lowbit-pipeline-ptx=chip=sm_80 | FileCheck %s --check-prefix=IR
// RUN: lowbit-opt %s --lowbit-pipeline-ptx=chip=sm_80 | %extract_ptx | FileCheck %s --check-prefixes=PTX,SM80
// RUN: lowbit-opt %s --lowbit-pipeline-ptx=chip=sm_90 | %extract_ptx | FileCheck %s --check-prefixes=PTX,SM90

// IR: gpu.binary @gemm [#gpu.object<#nvvm.target<chip = "sm_80", features = "+ptx80">
// PTX: .version 8.0
// SM80: .target sm_80
// SM90: .target sm_90
// PTX: .visible .entry gemm(
// PTX: .maxntid 32, 1, 1
// PTX: mov.u32 {{.*}}%tid.x;
// PTX: mma.sync.aligned.m16n8k16.row.col.f32.f16.f16.f32
// PTX-NOT: mma.sync
// PTX: st.global.b32

#A = #tile.layout<column_local(2,2).spatial(8,4).local(1,2)>
#B = #tile.layout<local(2,1).column_spatial(4,8).local(2,1)>
#C = #tile.layout<local(2,1).spatial(8,4).local(1,2)>

tile.kernel @gemm(%a: memref<?xf16>, %b: memref<?xf16>, %c: memref<?xf32>,
                  %m: index, %n: index, %k: index) grid [4, 8] workers 32 {
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
