// Split K on a GPU schedule: the same lowbit-to-tile makes a main kernel whose grid's third
// dimension is the part of K (%ctaid.z in the PTX) and the kernel that sums the parts into the
// f16 result; the CPU's SIMT emulation of the same program matches the reference. K = 160 in
// groups of 64 (the last partial), three parts of one group each.
// RUN: rm -rf %t && mkdir -p %t
// RUN: lowbit-opt %s --lowbit-interchange-abi --lowbit-to-tile --lowbit-pipeline-ptx=chip=sm_80 | FileCheck %s --check-prefix=PTX
// RUN: lowbit-opt %s --lowbit-interchange-abi --lowbit-to-tile --lowbit-pipeline-ptx=chip=sm_80 | %extract_ptx > %t/split-sm80.ptx
// RUN: FileCheck %s --check-prefix=PTXTEXT < %t/split-sm80.ptx
// PTX: gpu.binary @mpgemm_0 [#gpu.object<#nvvm.target<chip = "sm_80"
// PTX: gpu.binary @mpgemm_split_sum_0 [#gpu.object<#nvvm.target<chip = "sm_80"
// PTX: gpu.launch_func @mpgemm_0::@mpgemm_0 blocks in
// PTX-NEXT: gpu.launch_func @mpgemm_split_sum_0::@mpgemm_split_sum_0 blocks in
// PTXTEXT: .entry mpgemm_0(
// PTXTEXT: %ctaid.z
// PTXTEXT: .entry mpgemm_split_sum_0(
// PTXTEXT: cvt.rn.f16x2.f32

// RUN: lowbit-npy random --type=1x160xf16 --seed=%seed1 -o %t/a.npy
// RUN: lowbit-npy random --type=80x160xui4 --seed=%seed2 -o %t/w.npy
// RUN: lowbit-npy random --type=80x3xf16 --min=0.01 --max=0.1 --seed=%seed3 -o %t/s.npy
// RUN: lowbit-run %s --simd=never --input=@%t/a.npy --input=@%t/w.npy --input=@%t/s.npy --output=@%t/y.npy
// RUN: lowbit-run %s --engine=reference --input=@%t/a.npy --input=@%t/w.npy --input=@%t/s.npy --output=@%t/ref.npy
// RUN: lowbit-npy compare %t/ref.npy %t/y.npy --atol=1e-2 --rtol=2e-3 | FileCheck %s --check-prefix=CMP
// CMP: compare: 80 elements, max abs error
func.func @w4a16(%a: tensor<1x160xf16>, %w: tensor<80x160xui4>, %s: tensor<80x3xf16>)
    -> tensor<1x80xf16> {
  %y = lowbit.mpgemm %a, %w scale(%s)
         {weight_scheme = #lowbit.scheme<group(axis = 1, size = 64), scale = f16>,
          schedule = #lowbit.schedule<fma, workers = 64, tile = [1, 64, 32],
                                      packing = interchange, split_k = 3>}
         : (tensor<1x160xf16>, tensor<80x160xui4>, tensor<80x3xf16>) -> tensor<1x80xf16>
  return %y : tensor<1x80xf16>
}
