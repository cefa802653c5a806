// lowbit-to-tile is target-neutral: a W4A16 GEMV with a GPU schedule (plain FMA, one column per
// thread, untuned) goes through the same lowbit-to-tile as the CPU's and the existing
// tile-to-nvvm to PTX, which ptxas assembles where it is installed (ptx-assemble.test); and the
// same tile program, run by the CPU's SIMT emulation, matches the reference. N = 80 is not a
// multiple of the tile's 64 columns (the last block moves back), K = 160 not one of the groups
// of 64 (the last group is partial).
// RUN: rm -rf %t && mkdir -p %t
// RUN: lowbit-opt %s --lowbit-select-schedules="target=cuda gpu-threads=64" -o %t/scheduled.mlir
// RUN: FileCheck %s --check-prefix=SCHEDULE < %t/scheduled.mlir
// SCHEDULE: schedule = #lowbit.schedule<fma, workers = 64, tile = [1, 64, 32], packing = interchange, scale_groups = 1, split_k = 1, unroll = 1>

// RUN: lowbit-opt %t/scheduled.mlir --lowbit-interchange-abi --lowbit-to-tile | FileCheck %s --check-prefix=TILE
// The f16 activations become f32 once, by a kernel of their own (16 per thread), before the
// main kernel reads them.
// TILE: tile.kernel @mpgemm_widen_0(%{{.+}}: memref<?xf16>, %{{.+}}: memref<?xf32>) grid [1, 1] workers 64
// TILE: tile.kernel @mpgemm_0(%{{.+}}: memref<?xf32>, %{{.+}}: memref<?xi8>, %{{.+}}: memref<?xf16>, %{{.+}}: memref<?xf32>) grid [2, 1] workers 64
// TILE: tile.dot
// TILE: tile.launch @mpgemm_widen_0(
// TILE: tile.launch @mpgemm_0(

// RUN: lowbit-opt %t/scheduled.mlir --lowbit-interchange-abi --lowbit-to-tile --lowbit-pipeline-ptx=chip=sm_80 | FileCheck %s --check-prefix=PTX
// RUN: lowbit-opt %t/scheduled.mlir --lowbit-interchange-abi --lowbit-to-tile --lowbit-pipeline-ptx=chip=sm_80 | %extract_ptx > %t/mpgemm-sm80.ptx
// RUN: FileCheck %s --check-prefix=PTXTEXT < %t/mpgemm-sm80.ptx
// PTX: gpu.binary @mpgemm_0 [#gpu.object<#nvvm.target<chip = "sm_80"
// PTX: gpu.launch_func @mpgemm_0::@mpgemm_0 blocks in
// PTXTEXT: .entry mpgemm_0(
// PTXTEXT: .maxntid 64, 1, 1
// PTXTEXT: %ctaid.x
// PTXTEXT: %tid.x

// The CPU runs the same schedule (kept by lowbit-select-schedules): by its SIMT emulation
// (--simd=never: each of the 64 workers a loop iteration) and by the SIMD lowering (64 lanes,
// split by LLVM into the host's vectors).
// RUN: lowbit-opt %t/scheduled.mlir --lowbit-pipeline-llvm="target-cpu=znver3 simd=never" --mlir-print-ir-after=tile-to-cpu 2>&1 >/dev/null | FileCheck %s --check-prefix=EMULATED
// EMULATED: func.func private @mpgemm_0({{.*}} tile.lowering = "simt"
// RUN: lowbit-npy random --type=1x160xf16 --seed=%seed1 -o %t/a.npy
// RUN: lowbit-npy random --type=80x160xui4 --seed=%seed2 -o %t/w.npy
// RUN: lowbit-npy random --type=80x3xf16 --min=0.01 --max=0.1 --seed=%seed3 -o %t/s.npy
// RUN: lowbit-run %t/scheduled.mlir --simd=never --input=@%t/a.npy --input=@%t/w.npy --input=@%t/s.npy --output=@%t/y.npy
// RUN: lowbit-run %t/scheduled.mlir --input=@%t/a.npy --input=@%t/w.npy --input=@%t/s.npy --output=@%t/y64.npy
// RUN: lowbit-run %s --engine=reference --input=@%t/a.npy --input=@%t/w.npy --input=@%t/s.npy --output=@%t/ref.npy
// RUN: lowbit-npy compare %t/ref.npy %t/y.npy --atol=1e-4 --rtol=1e-4 | FileCheck %s --check-prefix=CMP
// RUN: lowbit-npy compare %t/ref.npy %t/y64.npy --atol=1e-4 --rtol=1e-4 | FileCheck %s --check-prefix=CMP
// CMP: compare: 80 elements, max abs error
func.func @w4a16(%a: tensor<1x160xf16>, %w: tensor<80x160xui4>, %s: tensor<80x3xf16>)
    -> tensor<1x80xf32> {
  %y = lowbit.mpgemm %a, %w scale(%s)
         {weight_scheme = #lowbit.scheme<group(axis = 1, size = 64), scale = f16>}
         : (tensor<1x160xf16>, tensor<80x160xui4>, tensor<80x3xf16>) -> tensor<1x80xf32>
  return %y : tensor<1x80xf32>
}
