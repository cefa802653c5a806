// Activations with a scale per token and group along K (as llama.cpp's q8_0 blocks and
// onnxruntime's int8 MatMulNBits quantize them) through the fast path: each weight group's
// partial sum is scaled by its rows' activation scale. int8 activations with groups as large
// as the weights' (32) and twice as large (64), weights with zero points in interchange
// packing and prepacked; fp8 activations with groups (the fma family). Against the reference
// interpreter on 1 and 2 threads, at M = 7, N = 37, K = 200 (the last groups partial).
// RUN: rm -rf %t && mkdir -p %t
// RUN: lowbit-npy random --type=7x200xsi8 --seed=%seed1 -o %t/a.npy
// RUN: lowbit-npy random --type=7x7xf32 --min=0.001 --max=0.02 --seed=%seed2 -o %t/as32.npy
// RUN: lowbit-npy random --type=7x4xf16 --min=0.001 --max=0.02 --seed=%seed3 -o %t/as64.npy
// RUN: lowbit-npy random --type=37x200xui4 --seed=%seed4 -o %t/w.npy
// RUN: lowbit-npy random --type=37x7xf16 --min=0.01 --max=0.1 --seed=%seed5 -o %t/s.npy
// RUN: lowbit-npy random --type=37x7xui4 --seed=%seed6 -o %t/z.npy
// RUN: lowbit-npy random --type=7x200xf8E4M3FN --seed=%seed7 -o %t/f.npy

// RUN: lowbit-opt %s --lowbit-pipeline-linalg="target-cpu=znver3" | FileCheck %s --check-prefix=IR
// IR-LABEL: tile.kernel @mpgemm_
// IR: tile.dot %{{.*}}, %{{.*}}, %{{.*}} : !tile.reg<4x32xsi8,
// IR: %[[COL:.+]] = arith.divui %{{.+}}, %c32 : index
// IR: tile.load_global %{{.+}}[%{{.+}}, %[[COL]]] {{.*}} -> !tile.reg<4x1xf32,
// IR-LABEL: func.func @groups(

// RUN: env LOWBIT_NUM_THREADS=1 lowbit-run %s --function=groups --input=@%t/a.npy --input=@%t/as32.npy --input=@%t/as64.npy --input=@%t/w.npy --input=@%t/s.npy --input=@%t/z.npy --input=@%t/f.npy --output=@%t/g1.npy --output=@%t/h1.npy --output=@%t/f1.npy
// RUN: env LOWBIT_NUM_THREADS=2 lowbit-run %s --function=groups --thread-work-us=0 --input=@%t/a.npy --input=@%t/as32.npy --input=@%t/as64.npy --input=@%t/w.npy --input=@%t/s.npy --input=@%t/z.npy --input=@%t/f.npy --output=@%t/g2.npy --output=@%t/h2.npy --output=@%t/f2.npy
// RUN: lowbit-run %s --function=groups --engine=reference --input=@%t/a.npy --input=@%t/as32.npy --input=@%t/as64.npy --input=@%t/w.npy --input=@%t/s.npy --input=@%t/z.npy --input=@%t/f.npy --output=@%t/gr.npy --output=@%t/hr.npy --output=@%t/fr.npy
// RUN: lowbit-npy compare %t/gr.npy %t/g1.npy --atol=1e-4 --rtol=1e-5 | FileCheck %s --check-prefix=CMP
// RUN: lowbit-npy compare %t/gr.npy %t/g2.npy --atol=1e-4 --rtol=1e-5 | FileCheck %s --check-prefix=CMP
// RUN: lowbit-npy compare %t/hr.npy %t/h1.npy --atol=1e-4 --rtol=1e-5 | FileCheck %s --check-prefix=CMP
// RUN: lowbit-npy compare %t/hr.npy %t/h2.npy --atol=1e-4 --rtol=1e-5 | FileCheck %s --check-prefix=CMP
// RUN: lowbit-npy compare %t/fr.npy %t/f1.npy --atol=1e-3 --rtol=1e-5 | FileCheck %s --check-prefix=CMP
// RUN: lowbit-npy compare %t/fr.npy %t/f2.npy --atol=1e-3 --rtol=1e-5 | FileCheck %s --check-prefix=CMP
// CMP: compare: 259 elements, max abs error
func.func @groups(%a: tensor<7x200xsi8>, %as32: tensor<7x7xf32>, %as64: tensor<7x4xf16>,
                  %w: tensor<37x200xui4>, %s: tensor<37x7xf16>, %z: tensor<37x7xui4>,
                  %f: tensor<7x200xf8E4M3FN>)
    -> (tensor<7x37xf32>, tensor<7x37xf32>, tensor<7x37xf32>) {
  %g = lowbit.mpgemm %a, %w scale(%s) zero(%z) act_scale(%as32)
         {weight_scheme = #lowbit.scheme<group(axis = 1, size = 32), scale = f16, zero = int>,
          act_scheme = #lowbit.scheme<group(axis = 1, size = 32), scale = f32>}
         : (tensor<7x200xsi8>, tensor<37x200xui4>, tensor<37x7xf16>, tensor<37x7xui4>,
            tensor<7x7xf32>) -> tensor<7x37xf32>
  %h = lowbit.mpgemm %a, %w scale(%s) zero(%z) act_scale(%as64)
         {weight_scheme = #lowbit.scheme<group(axis = 1, size = 32), scale = f16, zero = int>,
          act_scheme = #lowbit.scheme<group(axis = 1, size = 64), scale = f16>}
         : (tensor<7x200xsi8>, tensor<37x200xui4>, tensor<37x7xf16>, tensor<37x7xui4>,
            tensor<7x4xf16>) -> tensor<7x37xf32>
  %q = lowbit.mpgemm %f, %w scale(%s) zero(%z) act_scale(%as64)
         {weight_scheme = #lowbit.scheme<group(axis = 1, size = 32), scale = f16, zero = int>,
          act_scheme = #lowbit.scheme<group(axis = 1, size = 64), scale = f16>}
         : (tensor<7x200xf8E4M3FN>, tensor<37x200xui4>, tensor<37x7xf16>, tensor<37x7xui4>,
            tensor<7x4xf16>) -> tensor<7x37xf32>
  return %g, %h, %q : tensor<7x37xf32>, tensor<7x37xf32>, tensor<7x37xf32>
}

// RUN: env LOWBIT_NUM_THREADS=2 lowbit-run %s --function=prepacked --thread-work-us=0 --input=@%t/a.npy --input=@%t/as32.npy --input=@%t/w.npy --input=@%t/s.npy --input=@%t/z.npy --output=@%t/p2.npy
// RUN: lowbit-run %s --function=prepacked --engine=reference --input=@%t/a.npy --input=@%t/as32.npy --input=@%t/w.npy --input=@%t/s.npy --input=@%t/z.npy --output=@%t/pr.npy
// RUN: lowbit-npy compare %t/pr.npy %t/p2.npy --atol=1e-4 --rtol=1e-5 | FileCheck %s --check-prefix=CMP
func.func @prepacked(%a: tensor<7x200xsi8>, %as: tensor<7x7xf32>,
                     %w: tensor<37x200xui4> {lowbit.prepack}, %s: tensor<37x7xf16>,
                     %z: tensor<37x7xui4>) -> tensor<7x37xf32> {
  %y = lowbit.mpgemm %a, %w scale(%s) zero(%z) act_scale(%as)
         {weight_scheme = #lowbit.scheme<group(axis = 1, size = 32), scale = f16, zero = int>,
          act_scheme = #lowbit.scheme<group(axis = 1, size = 32), scale = f32>}
         : (tensor<7x200xsi8>, tensor<37x200xui4>, tensor<37x7xf16>, tensor<37x7xui4>,
            tensor<7x7xf32>) -> tensor<7x37xf32>
  return %y : tensor<7x37xf32>
}
