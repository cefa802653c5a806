// The f16 tile GEMM for HIP: one wave (64 workers) per 16x16 tile of C, one
// v_mfma_f32_16x16x16f16 per step of K, layouts = the mfma fragment layouts. The whole
// lowbit-pipeline-hsaco, as AMDGCN assembly (format=isa) and as an HSACO ELF (format=bin), for
// gfx90a and gfx942. (Implementation: lib/Conversion/TileToROCDL, lib/Pipelines/Pipelines.cpp.)
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
// RUN: llvm-objdump-22 -d %t.gfx942.hsaco | FileCheck %s --check-prefix=DIS
// RUN: lowbit-opt %s --lowbit-pipeline-hsaco="chip=gfx90a format=bin toolkit=%rocm_toolkit" \
// RUN:   | %extract_gpu_object %t.gfx90a.hsaco
// RUN: llvm-readelf-22 -h %t.gfx90a.hsaco | FileCheck %s --check-prefixes=ELF,ELF90A

// GFX942: .amdgcn_target "amdgcn-amd-amdhsa--gfx942"
// GFX90A: .amdgcn_target "amdgcn-amd-amdhsa--gfx90a"
// ISA-LABEL: gemm_f16:
// ISA: v_mfma_f32_16x16x16{{_?}}f16
// ISA: global_store_dword
// ISA: s_endpgm
// ISA: .amdhsa_kernel gemm_f16
// ISA: .max_flat_workgroup_size: 64

// ELF: Class: ELF64
// ELF: OS/ABI: AMDGPU - HSA
// ELF: Type: DYN
// ELF: Machine: EM_AMDGPU
// ELF942: Flags: {{.*}}, gfx942
// ELF90A: Flags: {{.*}}, gfx90a

// DIS: file format elf64-amdgpu
// DIS: <gemm_f16>:
// DIS: v_mfma_f32_16x16x16{{_?}}f16

#A = #tile.layout<column_spatial(16,4).local(1,4)>   // mfma 16x16x16 f16 A: 4 f16 per lane
#B = #tile.layout<spatial(4,16).local(4,1)>          // B: 4 f16 per lane
#C = #tile.layout<spatial(4,16).local(4,1)>          // C/D: 4 f32 per lane

tile.kernel @gemm_f16(%a: memref<?xf16>, %b: memref<?xf16>, %c: memref<?xf32>,
                      %m: index, %n: index, %k: index) grid [8, 8] workers 64 {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c16 = arith.constant 16 : index
  %zero = arith.constant 0.0 : f32
  %va = tile.global_view %a sizes(%m, %k) strides(%k, %c1) : memref<?xf16> -> !tile.global<?x?xf16>
  %vb = tile.global_view %b sizes(%k, %n) strides(%n, %c1) : memref<?xf16> -> !tile.global<?x?xf16>
  %vc = tile.global_view %c sizes(%m, %n) strides(%n, %c1) : memref<?xf32> -> !tile.global<?x?xf32>
  %bm = tile.block_index 0
  %bn = tile.block_index 1
  %row = arith.muli %bm, %c16 : index
  %col = arith.muli %bn, %c16 : index
  %init = tile.splat %zero : !tile.reg<16x16xf32, #C>
  %acc = scf.for %kk = %c0 to %k step %c16 iter_args(%acc_in = %init) -> (!tile.reg<16x16xf32, #C>) {
    %ta = tile.load_global %va[%row, %kk] : !tile.global<?x?xf16> -> !tile.reg<16x16xf16, #A>
    %tb = tile.load_global %vb[%kk, %col] : !tile.global<?x?xf16> -> !tile.reg<16x16xf16, #B>
    %d = tile.dot %ta, %tb, %acc_in : !tile.reg<16x16xf16, #A>, !tile.reg<16x16xf16, #B> -> !tile.reg<16x16xf32, #C>
    scf.yield %d : !tile.reg<16x16xf32, #C>
  }
  tile.store_global %acc, %vc[%row, %col] : !tile.reg<16x16xf32, #C>, !tile.global<?x?xf32>
  tile.return
}
