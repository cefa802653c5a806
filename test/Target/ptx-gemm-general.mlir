// The f16 GEMM of ptx-gemm-f16.mlir with layouts that suit the memory rather than mma.sync:
// each thread loads 8 contiguous f16 of an A row, 4 of a B column block, and stores 4
// contiguous f32 of C. No instruction takes these fragments, so tile-to-nvvm lowers the dot
// through workgroup memory (Common/GPUExchange.h): every thread stores its A and B locals
// row-major into the kernel's scratch, bar.sync, each thread sums its 4 C elements over K from
// the scratch, bar.sync. Same kernel ABI as gemm of ptx-gemm-f16.mlir, so
// bench/gpu-tile-gemm.sh runs it with the f16 runner. ptx-assemble.test runs ptxas on it.
// RUN: lowbit-opt %s --lowbit-pipeline-ptx=chip=sm_80 | FileCheck %s --check-prefix=IR
// RUN: lowbit-opt %s --lowbit-pipeline-ptx=chip=sm_90 | %extract_ptx | FileCheck %s --check-prefix=PTX

// IR: gpu.binary @gemm
// PTX: .target sm_90
// PTX: .visible .entry gemm(
// PTX: .shared .align 16 .b8 {{.*}}[768];
// PTX-NOT: mma.sync
// PTX: st.shared.b16
// PTX: bar.sync 0;
// PTX: ld.shared.b16
// PTX: mul.rn.f32
// PTX: add.rn.f32
// PTX: bar.sync 0;
// PTX: st.global

#A = #tile.layout<spatial(16,2).local(1,8)>
#B = #tile.layout<spatial(4,8).local(4,1)>
#C = #tile.layout<spatial(16,2).local(1,4)>

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
