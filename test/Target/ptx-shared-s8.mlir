// Shared memory (a workgroup attribution filled by cp.async, bar.sync between the copy and the
// reads), the s8
// tensor-core path (mma.m16n8k32) and a reduction by warp shuffles through lowbit-pipeline-ptx. ptx-assemble.test runs ptxas.
// RUN: lowbit-opt %s --lowbit-pipeline-ptx=chip=sm_80 | %extract_ptx | FileCheck %s --check-prefixes=PTX,SM80
// RUN: lowbit-opt %s --lowbit-pipeline-ptx=chip=sm_90 | %extract_ptx | FileCheck %s --check-prefixes=PTX,SM90

// SM80: .target sm_80
// SM90: .target sm_90
// PTX: .visible .entry s8_shared(
// PTX: .shared .align 16 .b8 __wg_s8_shared_0[512];
// PTX: .shared .align 16 .b8 __wg_s8_shared_1[256];
// A: 16-byte runs, B (rows of 8 bytes): 8-byte runs; one commit per tile.copy_async.
// PTX: cp.async.ca.shared.global [%{{.+}}], [%{{.+}}], 16;
// PTX: cp.async.commit_group;
// PTX: cp.async.ca.shared.global [%{{.+}}], [%{{.+}}], 8;
// PTX: cp.async.commit_group;
// PTX: cp.async.wait_group 0;
// PTX: bar.sync 0;
// PTX: ld.shared
// nvgpu.mma.sync saturates integer accumulation (.satfinite).
// PTX: mma.sync.aligned.m16n8k32.row.col.satfinite.s32.s8.s8.s32
// PTX: shfl.sync.bfly.b32 {{.*}}, 1, 31, -1;
// PTX: shfl.sync.bfly.b32 {{.*}}, 2, 31, -1;

#A8 = #tile.layout<column_local(2,2).spatial(8,4).local(1,4)>
#B8 = #tile.layout<local(2,1).column_spatial(4,8).local(4,1)>
#C8 = #tile.layout<local(2,1).spatial(8,4).local(1,2)>
#R = #tile.layout<local(2,1).spatial(8,1).replicated(4)>

// C[16 x 8] = A[16 x 32] * B[32 x 8] for one block, A and B staged through shared memory; and
// the row sums of C (tile.reduce: warp shuffles).
tile.kernel @s8_shared(%a: memref<?xi8>, %b: memref<?xi8>, %c: memref<?xi32>, %rows: memref<?xi32>)
    grid [1] workers 32 {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  %c16 = arith.constant 16 : index
  %c32 = arith.constant 32 : index
  %zero = arith.constant 0 : i32
  %va = tile.global_view %a sizes(%c16, %c32) strides(%c32, %c1) : memref<?xi8> -> !tile.global<?x?xi8>
  %vb = tile.global_view %b sizes(%c32, %c8) strides(%c8, %c1) : memref<?xi8> -> !tile.global<?x?xi8>
  %vc = tile.global_view %c sizes(%c16, %c8) strides(%c8, %c1) : memref<?xi32> -> !tile.global<?x?xi32>
  %sa = tile.alloc_shared : !tile.shared<16x32xi8>
  %sb = tile.alloc_shared : !tile.shared<32x8xi8>
  tile.copy_async %va[%c0, %c0], %sa : !tile.global<?x?xi8>, !tile.shared<16x32xi8>
  tile.copy_async %vb[%c0, %c0], %sb : !tile.global<?x?xi8>, !tile.shared<32x8xi8>
  tile.copy_async_wait pending = 0
  tile.sync
  %ta = tile.load_shared %sa[%c0, %c0] : !tile.shared<16x32xi8> -> !tile.reg<16x32xi8, #A8>
  %tb = tile.load_shared %sb[%c0, %c0] : !tile.shared<32x8xi8> -> !tile.reg<32x8xi8, #B8>
  %init = tile.splat %zero : !tile.reg<16x8xi32, #C8>
  %d = tile.dot %ta, %tb, %init : !tile.reg<16x32xi8, #A8>, !tile.reg<32x8xi8, #B8> -> !tile.reg<16x8xi32, #C8>
  tile.store_global %d, %vc[%c0, %c0] : !tile.reg<16x8xi32, #C8>, !tile.global<?x?xi32>
  %sums = tile.reduce add %d dims [1] : !tile.reg<16x8xi32, #C8> -> !tile.reg<16x1xi32, #R>
  %vr = tile.global_view %rows sizes(%c16, %c1) strides(%c1, %c1) : memref<?xi32> -> !tile.global<?x?xi32>
  tile.store_global %sums, %vr[%c0, %c0] : !tile.reg<16x1xi32, #R>, !tile.global<?x?xi32>
  tile.return
}
