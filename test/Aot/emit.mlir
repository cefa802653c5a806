// lowbit-compile's levels (--emit), targets (--target-cpu) and what the library does with
// weights passed at run time (lowbit.prepack): prepacked on every call by the generated
// entry point, into the context's buffers, against the reference interpreter.
// RUN: rm -rf %t && mkdir -p %t

// mlir: the module as given.
// RUN: lowbit-compile %s --emit=mlir -o %t/mlir | FileCheck %s --check-prefix=FILES-MLIR
// FILES-MLIR: {{.*}}/mlir/emit.mlir
// RUN: FileCheck %s --check-prefix=MLIR < %t/mlir/emit.mlir
// MLIR: lowbit.mpgemm

// tile: after lowbit-pipeline-linalg, the tile kernel and the prepack entry point.
// RUN: lowbit-compile %s --emit=tile --target-cpu=x86-64-v3 -o %t/tile | FileCheck %s --check-prefix=FILES-TILE
// FILES-TILE: {{.*}}/tile/emit.tile.mlir
// RUN: FileCheck %s --check-prefix=TILE < %t/tile/emit.tile.mlir
// TILE-DAG: tile.kernel @mpgemm_
// TILE-DAG: func.func @layer(
// TILE-DAG: func.func @layer_prepack(
// TILE-NOT: lowbit.mpgemm

// llvm: the library's optimized LLVM IR, the C API public, everything else internal.
// RUN: lowbit-compile %s --emit=llvm --name=lay -O2 -o %t/llvm | FileCheck %s --check-prefix=FILES-LLVM
// FILES-LLVM: {{.*}}/llvm/lay.ll
// RUN: FileCheck %s --check-prefix=LLVM < %t/llvm/lay.ll
// LLVM-DAG: define {{.*}}i32 @lay_run(ptr
// LLVM-DAG: define {{.*}}i32 @lay_create(ptr
// LLVM-DAG: @lowbit_model_table = internal
// LLVM-DAG: define internal {{.*}}@mpgemm_
// RUN: grep '^define' %t/llvm/lay.ll | grep -v '^define internal' | FileCheck %s --check-prefix=EXPORTS
// EXPORTS-COUNT-16: @lay_{{[a-z_]+}}(
// EXPORTS-NOT: define

// obj: one object and the header, for AVX-512 (x86-64-v4: zmm registers) or AArch64.
// RUN: lowbit-compile %s --emit=obj --name=lay --target-cpu=x86-64-v4 -o %t/obj | FileCheck %s --check-prefix=FILES-OBJ
// FILES-OBJ: {{.*}}/obj/lay.h
// FILES-OBJ-NEXT: {{.*}}/obj/lay.o
// RUN: llvm-objdump -d %t/obj/lay.o | FileCheck %s --check-prefix=AVX512
// AVX512: zmm
// RUN: lowbit-compile %s --emit=lib --name=lay --target-cpu=aarch64 -o %t/arm
// RUN: llvm-readelf -h %t/arm/liblay.so | FileCheck %s --check-prefix=ARM
// RUN: llvm-readelf -h %t/arm/liblay.a | FileCheck %s --check-prefix=ARM
// ARM: Machine: AArch64
// RUN: llvm-objdump -d %t/arm/liblay.so | FileCheck %s --check-prefix=NEON
// NEON: {{fmla|sdot|smlal|mul}}

// The header: pure C (it compiles as C11 and as C++17), the tensors listed.
// RUN: FileCheck %s --check-prefix=HEADER < %t/obj/lay.h
// HEADER: input  0  arg0: f32 [7, 200]
// HEADER: input  1  arg1: ui4 [37, 200]
// HEADER: output 0  result0: f32 [7, 37]
// HEADER: typedef struct lay_context lay_context;
// HEADER: int lay_run(lay_context *ctx, const void *const *inputs, void *const *outputs);
// RUN: %cc -fsyntax-only -pedantic -x c %t/obj/lay.h
// RUN: %cc -fsyntax-only -x c++ -std=c++17 -pedantic %t/obj/lay.h

// lib, for this machine, run on 1 and 2 threads against the reference interpreter.
// RUN: lowbit-npy random --type=7x200xf32 --seed=%seed1 -o %t/a.npy
// RUN: lowbit-npy random --type=37x200xui4 --seed=%seed2 -o %t/w.npy
// RUN: lowbit-npy random --type=37x7xf16 --min=0.01 --max=0.1 --seed=%seed3 -o %t/s.npy
// RUN: lowbit-npy random --type=37x7xui4 --seed=%seed4 -o %t/z.npy
// RUN: lowbit-compile %s -o %t/lib
// RUN: %cc -DMODEL=emit -I%t/lib %lowbit_src_root/examples/c/run_model.c -L%t/lib -lemit -Wl,-rpath,%t/lib -o %t/run
// RUN: env LOWBIT_NUM_THREADS=1 %t/run %t/a.npy %t/w.npy %t/s.npy %t/z.npy -- %t/y1.npy
// RUN: env LOWBIT_NUM_THREADS=2 %t/run --repeat=2 %t/a.npy %t/w.npy %t/s.npy %t/z.npy -- %t/y2.npy
// RUN: lowbit-run %s --engine=reference --input=@%t/a.npy --input=@%t/w.npy --input=@%t/s.npy --input=@%t/z.npy --output=@%t/yr.npy
// RUN: lowbit-npy compare %t/yr.npy %t/y1.npy --atol=1e-4 --rtol=1e-5 | FileCheck %s --check-prefix=CMP
// RUN: lowbit-npy compare %t/yr.npy %t/y2.npy --atol=1e-4 --rtol=1e-5 | FileCheck %s --check-prefix=CMP
// CMP: compare: 259 elements, max abs error

// -O0 compiles and computes the same.
// RUN: lowbit-compile %s -O0 --name=slow -o %t/lib
// RUN: %cc -DMODEL=slow -I%t/lib %lowbit_src_root/examples/c/run_model.c -L%t/lib -lslow -Wl,-rpath,%t/lib -o %t/run0
// RUN: %t/run0 %t/a.npy %t/w.npy %t/s.npy %t/z.npy -- %t/y0.npy
// RUN: lowbit-npy compare %t/yr.npy %t/y0.npy --atol=1e-4 --rtol=1e-5 | FileCheck %s --check-prefix=CMP

func.func @layer(%a: tensor<7x200xf32>, %w: tensor<37x200xui4> {lowbit.prepack},
                 %s: tensor<37x7xf16>, %z: tensor<37x7xui4>) -> tensor<7x37xf32> {
  %y = lowbit.mpgemm %a, %w scale(%s) zero(%z)
         {weight_scheme = #lowbit.scheme<group(axis = 1, size = 32), scale = f16, zero = int>}
         : (tensor<7x200xf32>, tensor<37x200xui4>, tensor<37x7xf16>, tensor<37x7xui4>)
        -> tensor<7x37xf32>
  return %y : tensor<7x37xf32>
}
