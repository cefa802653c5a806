// The 4-warp f16 GEMM of test/Unit/EndToEnd/TileGemmTest.cpp (kGemmF16Shared): a 32x16 tile
// of C per block, staged through swizzled shared memory by tile.copy_async (16-byte cp.async:
// the swizzle keeps runs of 8 f16 contiguous); the operand layouts
// are block compositions of the mma fragments (one 16x8 tile per warp, A and B replicated over
// the warps that share them), so each thread issues one mma.m16n8k16 per K step.
// ptx-assemble.test runs ptxas on it.
// RUN: lowbit-opt %s --lowbit-pipeline-ptx=chip=sm_80 | %extract_ptx | FileCheck %s --check-prefixes=PTX,SM80
// RUN: lowbit-opt %s --lowbit-pipeline-ptx=chip=sm_90 | %extract_ptx | FileCheck %s --check-prefixes=PTX,SM90

// SM80: .target sm_80
// SM90: .target sm_90
// PTX: .visible .entry gemm(
// PTX: .maxntid 128, 1, 1
// PTX: .shared .align 16 .b8 __wg_gemm_0[1024];
// PTX: .shared .align 16 .b8 __wg_gemm_1[512];
// PTX-DAG: cp.async.ca.shared.global [%{{.+}}], [%{{.+}}], 16;
// PTX-DAG: cp.async.wait_group 0;
// PTX-DAG: bar.sync 0;
// PTX-DAG: mma.sync.aligned.m16n8k16.row.col.f32.f16.f16.f32
// PTX-DAG: st.global.b32

#A = #tile.layout<column_local(2,2).spatial(8,4).local(1,2)>
#B = #tile.layout<local(2,1).column_spatial(4,8).local(2,1)>
#C = #tile.layout<local(2,1).spatial(8,4).local(1,2)>
#A4 = #tile.layout<spatial(2,1).replicated(2).column_local(2,2).spatial(8,4).local(1,2)>
#B4 = #tile.layout<replicated(2).spatial(1,2).local(2,1).column_spatial(4,8).local(2,1)>
#C4 = #tile.layout<spatial(2,2).local(2,1).spatial(8,4).local(1,2)>
#SA = #tile.shared_layout<shape=[32,16], strides=[16,1], swizzle=[1,3,1]>
tile.kernel @gemm(%a: memref<?xf16>, %b: memref<?xf16>, %c: memref<?xf32>,
                  %m: index, %n: index, %k: index) grid [4, 4] workers 128 {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c16 = arith.constant 16 : index
  %c32 = arith.constant 32 : index
  %zero = arith.constant 0.0 : f32
  %va = tile.global_view %a sizes(%m, %k) strides(%k, %c1) : memref<?xf16> -> !tile.global<?x?xf16>
  %vb = tile.global_view %b sizes(%k, %n) strides(%n, %c1) : memref<?xf16> -> !tile.global<?x?xf16>
  %vc = tile.global_view %c sizes(%m, %n) strides(%n, %c1) : memref<?xf32> -> !tile.global<?x?xf32>
  %bm = tile.block_index 0
  %bn = tile.block_index 1
  %r0 = arith.muli %bm, %c32 : index
  %c0n = arith.muli %bn, %c16 : index
  %sa = tile.alloc_shared : !tile.shared<32x16xf16, #SA>
  %sb = tile.alloc_shared : !tile.shared<16x16xf16>
  %init = tile.splat %zero : !tile.reg<32x16xf32, #C4>
  %acc = scf.for %kk = %c0 to %k step %c16 iter_args(%acc_in = %init) -> (!tile.reg<32x16xf32, #C4>) {
    tile.copy_async %va[%r0, %kk], %sa : !tile.global<?x?xf16>, !tile.shared<32x16xf16, #SA>
    tile.copy_async %vb[%kk, %c0n], %sb : !tile.global<?x?xf16>, !tile.shared<16x16xf16>
    tile.copy_async_wait pending = 0
    tile.sync
    %ta = tile.load_shared %sa[%c0, %c0] : !tile.shared<32x16xf16, #SA> -> !tile.reg<32x16xf16, #A4>
    %tb = tile.load_shared %sb[%c0, %c0] : !tile.shared<16x16xf16> -> !tile.reg<16x16xf16, #B4>
    %d = tile.dot %ta, %tb, %acc_in : !tile.reg<32x16xf16, #A4>, !tile.reg<16x16xf16, #B4> -> !tile.reg<32x16xf32, #C4>
    tile.sync
    scf.yield %d : !tile.reg<32x16xf32, #C4>
  }
  tile.store_global %acc, %vc[%r0, %c0n] : !tile.reg<32x16xf32, #C4>, !tile.global<?x?xf32>
  tile.return
}
