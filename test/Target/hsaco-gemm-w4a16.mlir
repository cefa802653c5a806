// The int4-weight tile GEMM for HIP: C[M, N] = A[M, K] * ((W - 8) * scale), with the
// 4-bit weights pre-packed so that each lane loads one i16 word holding the 4 codes of its
// mfma 16x16x16 B fragment, tile.view reinterprets it, tile.cast converts the codes to f16,
// the per-column scales are broadcast from a 1x16 tile. One wave per 16x16 tile of C. The
// whole lowbit-pipeline-hsaco for gfx90a and gfx942. (Implementation:
// lib/Conversion/TileToROCDL, lib/Pipelines/Pipelines.cpp.)
//
// RUN: lowbit-opt %s --lowbit-pipeline-hsaco="chip=gfx942 format=isa toolkit=%rocm_toolkit" \
// RUN:   | %extract_gpu_object %t.gfx942.s
// RUN: FileCheck %s --check-prefixes=ISA,GFX942 --input-file=%t.gfx942.s
// RUN: lowbit-opt %s --lowbit-pipeline-hsaco="chip=gfx90a format=isa toolkit=%rocm_toolkit" \
// RUN:   | %extract_gpu_object %t.gfx90a.s
// RUN: FileCheck %s --check-prefixes=ISA,GFX90A --input-file=%t.gfx90a.s
// RUN: lowbit-opt %s --lowbit-pipeline-hsaco="chip=gfx942 format=bin toolkit=%rocm_toolkit" \
// RUN:   | %extract_gpu_object %t.gfx942.hsaco
// RUN: llvm-readelf-22 -h %t.gfx942.hsaco | FileCheck %s --check-prefixes=ELF,ELF942
// RUN: lowbit-opt %s --lowbit-pipeline-hsaco="chip=gfx90a format=bin toolkit=%rocm_toolkit" \
// RUN:   | %extract_gpu_object %t.gfx90a.hsaco
// RUN: llvm-readelf-22 -h %t.gfx90a.hsaco | FileCheck %s --check-prefixes=ELF,ELF90A
// RUN: llvm-objdump-22 -d %t.gfx90a.hsaco | FileCheck %s --check-prefix=DIS

// GFX942: .amdgcn_target "amdgcn-amd-amdhsa--gfx942"
// GFX90A: .amdgcn_target "amdgcn-amd-amdhsa--gfx90a"
// ISA-LABEL: gemm_w4a16:
// The packed word: one 16-bit load per lane, unpacked with shifts and masks (the order of
// the loop body is the scheduler's).
// ISA-DAG: global_load_{{u?}}short
// ISA-DAG: v_lshrrev_b16_e32 v{{[0-9]+}}, 4,
// ISA-DAG: v_mfma_f32_16x16x16{{_?}}f16
// ISA: s_endpgm
// ISA: .amdhsa_kernel gemm_w4a16
// ISA: .max_flat_workgroup_size: 64

// ELF: OS/ABI: AMDGPU - HSA
// ELF: Machine: EM_AMDGPU
// ELF942: Flags: {{.*}}, gfx942
// ELF90A: Flags: {{.*}}, gfx90a

// DIS: <gemm_w4a16>:
// DIS: v_mfma_f32_16x16x16f16

#A = #tile.layout<column_spatial(16,4).local(1,4)>   // mfma 16x16x16 f16 A
#B = #tile.layout<spatial(4,16).local(4,1)>          // B (K x N): 4 f16 = 16 bits per lane
#C = #tile.layout<spatial(4,16).local(4,1)>          // C/D
#S = #tile.layout<replicated(4).spatial(1,16)>       // reduce(#B, [0]): the scales of a column

tile.kernel @gemm_w4a16(%a: memref<?xf16>, %packed: memref<?xi16>, %scales: memref<?xf16>,
                        %c: memref<?xf32>, %m: index, %n: index, %k: index)
    grid [8, 8] workers 64 {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c16 = arith.constant 16 : index
  %c64 = arith.constant 64 : index
  %zero = arith.constant 0.0 : f32
  %eight = arith.constant 8.0 : f16
  // Packed weights: [K/16, (N/16) * 64] words of 4 codes; scales: [K/16, N].
  %kt = arith.divui %k, %c16 : index
  %nt = arith.divui %n, %c16 : index
  %nw = arith.muli %nt, %c64 : index
  %va = tile.global_view %a sizes(%m, %k) strides(%k, %c1) : memref<?xf16> -> !tile.global<?x?xf16>
  %vw = tile.global_view %packed sizes(%kt, %nw) strides(%nw, %c1) : memref<?xi16> -> !tile.global<?x?xi16>
  %vs = tile.global_view %scales sizes(%kt, %n) strides(%n, %c1) : memref<?xf16> -> !tile.global<?x?xf16>
  %vc = tile.global_view %c sizes(%m, %n) strides(%n, %c1) : memref<?xf32> -> !tile.global<?x?xf32>
  %bm = tile.block_index 0
  %bn = tile.block_index 1
  %row = arith.muli %bm, %c16 : index
  %col = arith.muli %bn, %c16 : index
  %wcol = arith.muli %bn, %c64 : index
  %zp = tile.splat %eight : !tile.reg<16x16xf16, #B>
  %init = tile.splat %zero : !tile.reg<16x16xf32, #C>
  %acc = scf.for %kk = %c0 to %k step %c16 iter_args(%acc_in = %init) -> (!tile.reg<16x16xf32, #C>) {
    %g = arith.divui %kk, %c16 : index
    %words = tile.load_global %vw[%g, %wcol] : !tile.global<?x?xi16> -> !tile.reg<1x64xi16, #tile.layout<spatial(1,64)>>
    %codes = tile.view %words : !tile.reg<1x64xi16, #tile.layout<spatial(1,64)>> -> !tile.reg<16x16xui4, #B>
    %wf = tile.cast %codes : !tile.reg<16x16xui4, #B> -> !tile.reg<16x16xf16, #B>
    %centered = tile.sub %wf, %zp : !tile.reg<16x16xf16, #B>
    %s = tile.load_global %vs[%g, %col] : !tile.global<?x?xf16> -> !tile.reg<1x16xf16, #S>
    %sb = tile.broadcast %s : !tile.reg<1x16xf16, #S> -> !tile.reg<16x16xf16, #B>
    %w = tile.mul %centered, %sb : !tile.reg<16x16xf16, #B>
    %ta = tile.load_global %va[%row, %kk] : !tile.global<?x?xf16> -> !tile.reg<16x16xf16, #A>
    %d = tile.dot %ta, %w, %acc_in : !tile.reg<16x16xf16, #A>, !tile.reg<16x16xf16, #B> -> !tile.reg<16x16xf32, #C>
    scf.yield %d : !tile.reg<16x16xf32, #C>
  }
  tile.store_global %acc, %vc[%row, %col] : !tile.reg<16x16xf32, #C>, !tile.global<?x?xf32>
  tile.return
}
