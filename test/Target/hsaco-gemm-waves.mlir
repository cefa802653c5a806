// A multi-wave f16 GEMM for HIP: 4 waves (256 workers) in a 2x2 arrangement, each holding a
// 32x32 tile of C as 2x2 fragments of mfma 16x16x16 f16 per thread; the operand layouts are
// block compositions of the fragment layouts (A replicated over the waves of a row, B over
// the waves of a column). Per step of K: 4 C fragments x 2 k fragments = 8 mfma.
// (Implementation: lib/Conversion/TileToROCDL/MfmaDot.cpp.)
//
// RUN: lowbit-opt %s --tile-to-rocdl | FileCheck %s
// RUN: lowbit-opt %s --lowbit-pipeline-hsaco="chip=gfx942 format=isa toolkit=%rocm_toolkit" \
// RUN:   | %extract_gpu_object %t.gfx942.s
// RUN: FileCheck %s --check-prefixes=ISA,GFX942 --input-file=%t.gfx942.s
// RUN: lowbit-opt %s --lowbit-pipeline-hsaco="chip=gfx90a format=isa toolkit=%rocm_toolkit" \
// RUN:   | %extract_gpu_object %t.gfx90a.s
// RUN: FileCheck %s --check-prefixes=ISA,GFX90A --input-file=%t.gfx90a.s

// CHECK: gpu.func @gemm_waves
// CHECK-SAME: known_block_size = array<i32: 256, 1, 1>
// C fragment 0 (rows 0-15, columns 0-15 of the wave's tile): A fragments 0 and 1 (k = 0, 1)
// times B fragments 0 and 2.
// CHECK: %[[C0:.+]] = vector.shuffle %[[ACC:.+]], %[[ACC]] [0, 1, 2, 3] : vector<16xf32>, vector<16xf32>
// CHECK: %[[A0:.+]] = vector.shuffle %[[A:.+]], %[[A]] [0, 1, 2, 3] : vector<16xf16>, vector<16xf16>
// CHECK: %[[B0:.+]] = vector.shuffle %[[B:.+]], %[[B]] [0, 1, 2, 3] : vector<16xf16>, vector<16xf16>
// CHECK: %[[D0:.+]] = amdgpu.mfma 16x16x16 %[[A0]] * %[[B0]] + %[[C0]]
// CHECK: %[[A1:.+]] = vector.shuffle %[[A]], %[[A]] [4, 5, 6, 7]
// CHECK: %[[B2:.+]] = vector.shuffle %[[B]], %[[B]] [8, 9, 10, 11]
// CHECK: %[[D1:.+]] = amdgpu.mfma 16x16x16 %[[A1]] * %[[B2]] + %[[D0]]
// CHECK: vector.shuffle %[[ACC]], %[[D1]] [16, 17, 18, 19, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15] : vector<16xf32>, vector<4xf32>
// CHECK-COUNT-6: amdgpu.mfma 16x16x16
// CHECK-NOT: amdgpu.mfma

// GFX942: .amdgcn_target "amdgcn-amd-amdhsa--gfx942"
// GFX90A: .amdgcn_target "amdgcn-amd-amdhsa--gfx90a"
// ISA-LABEL: gemm_waves:
// ISA-COUNT-8: v_mfma_f32_16x16x16{{_?}}f16
// ISA-NOT: v_mfma
// ISA: .max_flat_workgroup_size: 256

#A = #tile.layout<spatial(2,1).replicated(2).local(2,2).column_spatial(16,4).local(1,4)>
#B = #tile.layout<replicated(2).spatial(1,2).local(2,2).spatial(4,16).local(4,1)>
#C = #tile.layout<spatial(2,2).local(2,2).spatial(4,16).local(4,1)>
tile.kernel @gemm_waves(%a: memref<?xf16>, %b: memref<?xf16>, %c: memref<?xf32>,
                        %m: index, %n: index, %k: index) grid [4, 4] workers 256 {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c32 = arith.constant 32 : index
  %c64 = arith.constant 64 : index
  %zero = arith.constant 0.0 : f32
  %va = tile.global_view %a sizes(%m, %k) strides(%k, %c1) : memref<?xf16> -> !tile.global<?x?xf16>
  %vb = tile.global_view %b sizes(%k, %n) strides(%n, %c1) : memref<?xf16> -> !tile.global<?x?xf16>
  %vc = tile.global_view %c sizes(%m, %n) strides(%n, %c1) : memref<?xf32> -> !tile.global<?x?xf32>
  %bm = tile.block_index 0
  %bn = tile.block_index 1
  %row = arith.muli %bm, %c64 : index
  %col = arith.muli %bn, %c64 : index
  %init = tile.splat %zero : !tile.reg<64x64xf32, #C>
  %acc = scf.for %kk = %c0 to %k step %c32 iter_args(%acc_in = %init) -> (!tile.reg<64x64xf32, #C>) {
    %ta = tile.load_global %va[%row, %kk] : !tile.global<?x?xf16> -> !tile.reg<64x32xf16, #A>
    %tb = tile.load_global %vb[%kk, %col] : !tile.global<?x?xf16> -> !tile.reg<32x64xf16, #B>
    %d = tile.dot %ta, %tb, %acc_in : !tile.reg<64x32xf16, #A>, !tile.reg<32x64xf16, #B> -> !tile.reg<64x64xf32, #C>
    scf.yield %d : !tile.reg<64x64xf32, #C>
  }
  tile.store_global %acc, %vc[%row, %col] : !tile.reg<64x64xf32, #C>, !tile.global<?x?xf32>
  tile.return
}
