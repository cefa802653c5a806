// The fast path's code for CPUs other than the host: the whole lowbit-pipeline-llvm for a given
// target CPU and triple, translated to LLVM IR and assembled by llc, whatever machine runs the
// test. A decode layer with int8 activations (int8_dot) and a prefill layer with f16
// activations (fma), 4-bit weights in groups of 128, an MXFP4 decode layer whose weights
// are prepacked by the generated entry point, and decode layers with 3-bit weights in bit
// planes, MXFP4 weights with int8 activations (a byte-table lookup) and a 64-entry codebook.
// RUN: lowbit-opt %s --lowbit-pipeline-llvm="target-cpu=znver3 target-triple=x86_64-unknown-linux-gnu" | mlir-translate --mlir-to-llvmir | llc -O3 -mtriple=x86_64-unknown-linux-gnu -mcpu=znver3 | FileCheck %s --check-prefix=AVX2
// RUN: lowbit-opt %s --lowbit-pipeline-llvm="target-cpu=znver4 target-triple=x86_64-unknown-linux-gnu" | mlir-translate --mlir-to-llvmir | llc -O3 -mtriple=x86_64-unknown-linux-gnu -mcpu=znver4 | FileCheck %s --check-prefix=AVX512
// RUN: lowbit-opt %s --lowbit-pipeline-llvm="target-cpu=cortex-a76 target-triple=aarch64-unknown-linux-gnu" | mlir-translate --mlir-to-llvmir | llc -O3 -mtriple=aarch64-unknown-linux-gnu -mcpu=cortex-a76 | FileCheck %s --check-prefix=NEON

// AVX2 (8 lanes): the int8 dot is vpmaddubsw chained in i16, closed by vpmaddwd; the f16
// activations convert with vcvtph2ps and meet the weights in ymm FMAs. No 512-bit registers.
// The weights of the steps ahead are prefetched (the schedule's prefetch).
// AVX2-LABEL: mpgemm_0:
// AVX2: prefetcht0
// AVX2: vpmaddubsw {{.*}}%ymm
// AVX2: vpmaddwd {{.*}}%ymm
// AVX2-NOT: zmm
// AVX2-LABEL: gemv:
// AVX2: __kmpc_fork_call
// AVX2-LABEL: mpgemm_1:
// AVX2: vcvtph2ps
// AVX2: vfmadd{{[0-9]+}}ps {{.*}}%ymm
// AVX2-NOT: zmm
// AVX2-LABEL: gemm:
// The 4-bit float codes read by the dot become twice their values as bytes (one vpshufb per
// 32 codes), each byte moved to the top of its lane and converted exactly, not two 8-entry
// table lookups per 8 codes.
// AVX2-LABEL: mpgemm_2:
// AVX2-NOT: {{vpermd|vpermps}}
// AVX2: vpshufb {{.*}}%ymm
// AVX2: vcvtdq2ps {{.*}}%ymm
// AVX2: vfmadd{{[0-9]+}}ps {{.*}}%ymm
// AVX2-NOT: {{vpermd|vpermps}}
// AVX2-LABEL: mxfp4:
// AVX2-LABEL: mpgemm_prepack_{{[0-9]+}}:
// AVX2-LABEL: mxfp4_prepack:
// Bit planes: each byte vector is a mask of the 2-bit plane OR-ed with the shifted, masked
// 1-bit plane.
// AVX2-LABEL: mpgemm_3:
// AVX2: vpor {{.*}}%ymm
// AVX2: vpmaddubsw {{.*}}%ymm
// AVX2-LABEL: w3_planes:
// AVX2-LABEL: mpgemm_4:
// AVX2: vpshufb {{.*}}%ymm
// AVX2: vpmaddubsw {{.*}}%ymm
// AVX2-LABEL: mxfp4_int8:
// AVX2-LABEL: mpgemm_5:
// AVX2-LABEL: codebook6:

// AVX-512 with VNNI (16 lanes): one vpdpbusd per pair of byte vectors, FMAs on zmm.
// AVX512-LABEL: mpgemm_0:
// AVX512-NOT: vpmaddubsw
// AVX512: vpdpbusd {{.*}}%zmm
// AVX512-NOT: vpmaddubsw
// AVX512-LABEL: gemv:
// AVX512-LABEL: mpgemm_1:
// AVX512: vfmadd{{[0-9]+}}ps {{.*}}%zmm
// AVX512-LABEL: gemm:
// With 16 lanes one vpermps holds the 16 values of a 4-bit float.
// AVX512-LABEL: mpgemm_2:
// AVX512: {{vpermd|vpermps|vpermt2ps|vpermi2ps}} {{.*}}%zmm
// AVX512: vfmadd{{[0-9]+}}ps {{.*}}%zmm
// The planes' mask and OR fuse into vpternlogd; the table lookup is vpshufb on zmm; the
// codebook is gathered (on Zen3 LLVM scalarizes the gather instead).
// AVX512-LABEL: mpgemm_3:
// AVX512: vpternlogd {{.*}}%zmm
// AVX512: vpdpbusd {{.*}}%zmm
// AVX512-LABEL: mpgemm_4:
// AVX512: vpshufb {{.*}}%zmm
// AVX512: vpdpbusd {{.*}}%zmm
// AVX512-LABEL: mpgemm_5:
// AVX512: vgatherdps {{.*}}%zmm

// NEON (4 lanes): no x86 byte dot, so both layers take fma on 4 x f32.
// NEON-LABEL: mpgemm_0:
// NEON: fmla v{{[0-9]+}}.4s
// NEON-LABEL: gemv:
// NEON: __kmpc_fork_call
// NEON-LABEL: mpgemm_1:
// NEON: fmla v{{[0-9]+}}.4s
// NEON-LABEL: mpgemm_2:
// NEON: fmla v{{[0-9]+}}.4s
// NEON-LABEL: mpgemm_3:
// NEON: fmla v{{[0-9]+}}.4s
// NEON-LABEL: mpgemm_4:
// NEON: fmla v{{[0-9]+}}.4s
// NEON-LABEL: mpgemm_5:
// NEON: fmla v{{[0-9]+}}.4s

// 512 KiB of weights: enough work for more than one thread (the call forks).
func.func @gemv(%a: tensor<1x4096xsi8>, %w: tensor<256x4096xui4>, %s: tensor<256x32xf16>, %as: tensor<1xf32>) -> tensor<1x256xf32> {
  %y = lowbit.mpgemm %a, %w scale(%s) act_scale(%as)
         {weight_scheme = #lowbit.scheme<group(axis = 1, size = 128), scale = f16>,
          act_scheme = #lowbit.scheme<per_channel(axis = 0), scale = f32>}
         : (tensor<1x4096xsi8>, tensor<256x4096xui4>, tensor<256x32xf16>, tensor<1xf32>) -> tensor<1x256xf32>
  return %y : tensor<1x256xf32>
}

func.func @gemm(%a: tensor<8x256xf16>, %w: tensor<64x256xui4>, %s: tensor<64x2xf16>) -> tensor<8x64xf32> {
  %y = lowbit.mpgemm %a, %w scale(%s) {weight_scheme = #lowbit.scheme<group(axis = 1, size = 128), scale = f16>}
         : (tensor<8x256xf16>, tensor<64x256xui4>, tensor<64x2xf16>) -> tensor<8x64xf32>
  return %y : tensor<8x64xf32>
}

func.func @mxfp4(%a: tensor<1x1024xf32>, %w: tensor<256x1024xf4E2M1FN> {lowbit.prepack},
                 %s: tensor<256x32xf8E8M0FNU>) -> tensor<1x256xf32> {
  %y = lowbit.mpgemm %a, %w scale(%s)
         {weight_scheme = #lowbit.scheme<group(axis = 1, size = 32), scale = f8E8M0FNU>}
         : (tensor<1x1024xf32>, tensor<256x1024xf4E2M1FN>, tensor<256x32xf8E8M0FNU>) -> tensor<1x256xf32>
  return %y : tensor<1x256xf32>
}

// 3-bit weights in bit planes (prepacked) with int8 activations.
func.func @w3_planes(%a: tensor<1x1024xsi8>, %w: tensor<256x1024xui3> {lowbit.prepack},
                     %s: tensor<256x8xf16>, %as: tensor<1xf32>) -> tensor<1x256xf32> {
  %y = lowbit.mpgemm %a, %w scale(%s) act_scale(%as)
         {weight_scheme = #lowbit.scheme<group(axis = 1, size = 128), scale = f16>,
          act_scheme = #lowbit.scheme<per_channel(axis = 0), scale = f32>}
         : (tensor<1x1024xsi8>, tensor<256x1024xui3>, tensor<256x8xf16>, tensor<1xf32>) -> tensor<1x256xf32>
  return %y : tensor<1x256xf32>
}

// 4-bit floats with int8 activations: the byte-table lookup before the int8 dot.
func.func @mxfp4_int8(%a: tensor<1x1024xsi8>, %w: tensor<256x1024xf4E2M1FN>,
                      %s: tensor<256x32xf8E8M0FNU>, %as: tensor<1xf32>) -> tensor<1x256xf32> {
  %y = lowbit.mpgemm %a, %w scale(%s) act_scale(%as)
         {weight_scheme = #lowbit.scheme<group(axis = 1, size = 32), scale = f8E8M0FNU>,
          act_scheme = #lowbit.scheme<per_channel(axis = 0), scale = f32>}
         : (tensor<1x1024xsi8>, tensor<256x1024xf4E2M1FN>, tensor<256x32xf8E8M0FNU>, tensor<1xf32>) -> tensor<1x256xf32>
  return %y : tensor<1x256xf32>
}

// A 64-entry codebook: gathered from a copy of the table.
func.func @codebook6(%a: tensor<1x1024xf32>, %w: tensor<256x1024xui6>, %c: tensor<64xf32>,
                     %s: tensor<256x16xf16>) -> tensor<1x256xf32> {
  %y = lowbit.mpgemm %a, %w scale(%s) codebook(%c)
         {weight_scheme = #lowbit.scheme<group(axis = 1, size = 64), scale = f16, codebook = operand>}
         : (tensor<1x1024xf32>, tensor<256x1024xui6>, tensor<256x16xf16>, tensor<64xf32>) -> tensor<1x256xf32>
  return %y : tensor<1x256xf32>
}
