// REQUIRES: qemu-aarch64
// AArch64 NEON code of the fast path, run: the whole lowbit-pipeline-llvm for a Cortex-A76
// (4 lanes, fma family; one thread), assembled by llc, linked with a small C harness
// (Inputs/aarch64-harness.c, through the function's C interface) into a static AArch64
// program, run under qemu-user and checked against the reference interpreter on the host.
// 4-bit weights in groups of 32 at M = 3, N = 37, K = 200 (a partial last group), and the same
// weights as NF4 codebook indices (tile.lookup: a tree of selects on NEON), and as f4E2M1FN
// and f8E4M3FN weights (the field decode of small floats, read from their words by the dot).
// RUN: rm -rf %t && mkdir -p %t
// RUN: lowbit-npy random --type=3x200xf32 --seed=%seed1 -o %t/a.npy
// RUN: lowbit-npy random --type=37x200xui4 --seed=%seed2 -o %t/w.npy
// RUN: lowbit-npy random --type=37x7xf32 --min=0.01 --max=0.1 --seed=%seed3 -o %t/s.npy

// RUN: lowbit-opt %s --lowbit-pipeline-llvm="target-cpu=cortex-a76 target-triple=aarch64-unknown-linux-gnu parallel=false" | mlir-translate --mlir-to-llvmir -o %t/gemv.ll
// RUN: llc -O3 -mtriple=aarch64-unknown-linux-gnu -mcpu=cortex-a76 -filetype=obj %t/gemv.ll -o %t/gemv.o
// RUN: llvm-objdump -d %t/gemv.o | FileCheck %s --check-prefix=NEON
// NEON: fmla v{{[0-9]+}}.4s
// RUN: %aarch64_cc %S/Inputs/aarch64-harness.c %t/gemv.o -lm -o %t/gemv.exe
// RUN: %qemu_aarch64 %t/gemv.exe %t/a.npy %t/w.npy %t/s.npy 3 200 37 100 7 %t/y.npy
// RUN: lowbit-run %s --function=gemv --engine=reference --input=@%t/a.npy --input=@%t/w.npy --input=@%t/s.npy --output=@%t/yr.npy
// RUN: lowbit-npy compare %t/yr.npy %t/y.npy --atol=1e-5 --rtol=1e-5 | FileCheck %s --check-prefix=CMP
// CMP: compare: 111 elements, max abs error

// RUN: sed -e 's/scale = f32>}/scale = f32, codebook = nf4>}/' %s > %t/nf4.mlir
// RUN: lowbit-opt %t/nf4.mlir --lowbit-pipeline-llvm="target-cpu=cortex-a76 target-triple=aarch64-unknown-linux-gnu parallel=false" | mlir-translate --mlir-to-llvmir -o %t/nf4.ll
// RUN: llc -O3 -mtriple=aarch64-unknown-linux-gnu -mcpu=cortex-a76 -filetype=obj %t/nf4.ll -o %t/nf4.o
// RUN: %aarch64_cc %S/Inputs/aarch64-harness.c %t/nf4.o -lm -o %t/nf4.exe
// RUN: %qemu_aarch64 %t/nf4.exe %t/a.npy %t/w.npy %t/s.npy 3 200 37 100 7 %t/n.npy
// RUN: lowbit-run %t/nf4.mlir --function=gemv --engine=reference --input=@%t/a.npy --input=@%t/w.npy --input=@%t/s.npy --output=@%t/nr.npy
// RUN: lowbit-npy compare %t/nr.npy %t/n.npy --atol=1e-5 --rtol=1e-5 | FileCheck %s --check-prefix=CMP
// RUN: lowbit-npy random --type=37x200xf4E2M1FN --seed=%seed4 -o %t/w4.npy
// RUN: sed -e 's/xui4>/xf4E2M1FN>/g' %s > %t/fp4.mlir
// RUN: lowbit-opt %t/fp4.mlir --lowbit-pipeline-llvm="target-cpu=cortex-a76 target-triple=aarch64-unknown-linux-gnu parallel=false" | mlir-translate --mlir-to-llvmir -o %t/fp4.ll
// RUN: llc -O3 -mtriple=aarch64-unknown-linux-gnu -mcpu=cortex-a76 -filetype=obj %t/fp4.ll -o %t/fp4.o
// RUN: %aarch64_cc %S/Inputs/aarch64-harness.c %t/fp4.o -lm -o %t/fp4.exe
// RUN: %qemu_aarch64 %t/fp4.exe %t/a.npy %t/w4.npy %t/s.npy 3 200 37 100 7 %t/f4.npy
// RUN: lowbit-run %t/fp4.mlir --function=gemv --engine=reference --input=@%t/a.npy --input=@%t/w4.npy --input=@%t/s.npy --output=@%t/f4r.npy
// RUN: lowbit-npy compare %t/f4r.npy %t/f4.npy --atol=1e-5 --rtol=1e-5 | FileCheck %s --check-prefix=CMP

// RUN: lowbit-npy random --type=37x200xf8E4M3FN --seed=%seed5 -o %t/w8.npy
// RUN: sed -e 's/xui4>/xf8E4M3FN>/g' %s > %t/fp8.mlir
// RUN: lowbit-opt %t/fp8.mlir --lowbit-pipeline-llvm="target-cpu=cortex-a76 target-triple=aarch64-unknown-linux-gnu parallel=false" | mlir-translate --mlir-to-llvmir -o %t/fp8.ll
// RUN: llc -O3 -mtriple=aarch64-unknown-linux-gnu -mcpu=cortex-a76 -filetype=obj %t/fp8.ll -o %t/fp8.o
// RUN: %aarch64_cc %S/Inputs/aarch64-harness.c %t/fp8.o -lm -o %t/fp8.exe
// RUN: %qemu_aarch64 %t/fp8.exe %t/a.npy %t/w8.npy %t/s.npy 3 200 37 200 7 %t/f8.npy
// RUN: lowbit-run %t/fp8.mlir --function=gemv --engine=reference --input=@%t/a.npy --input=@%t/w8.npy --input=@%t/s.npy --output=@%t/f8r.npy
// RUN: lowbit-npy compare %t/f8r.npy %t/f8.npy --atol=1e-5 --rtol=1e-5 | FileCheck %s --check-prefix=CMP
func.func @gemv(%a: tensor<3x200xf32>, %w: tensor<37x200xui4>, %s: tensor<37x7xf32>)
    -> tensor<3x37xf32> attributes {llvm.emit_c_interface} {
  %y = lowbit.mpgemm %a, %w scale(%s)
         {weight_scheme = #lowbit.scheme<group(axis = 1, size = 32), scale = f32>}
         : (tensor<3x200xf32>, tensor<37x200xui4>, tensor<37x7xf32>) -> tensor<3x37xf32>
  return %y : tensor<3x37xf32>
}
