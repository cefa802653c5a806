// Asymmetric 8-bit activations (integer activation zero points) through the fast path: the
// fma family subtracts the rows' zero points from the activations once per block (the integer
// dot does not take them). uint8 activations with one zero point (as DynamicQuantizeLinear
// makes) and int8 activations with a zero point per token, against the reference interpreter,
// on 1 and 2 threads, at M = 7, N = 37, K = 200 in groups of 32.
// RUN: rm -rf %t && mkdir -p %t
// RUN: lowbit-npy random --type=7x200xui8 --seed=%seed1 -o %t/a.npy
// RUN: lowbit-npy random --type=f32 --min=0.01 --max=0.02 --seed=%seed2 -o %t/as.npy
// RUN: lowbit-npy random --type=ui8 --seed=%seed3 -o %t/az.npy
// RUN: lowbit-npy random --type=37x200xsi4 --seed=%seed4 -o %t/w.npy
// RUN: lowbit-npy random --type=37x7xf16 --min=0.01 --max=0.1 --seed=%seed5 -o %t/s.npy
// RUN: lowbit-npy random --type=7x200xsi8 --seed=%seed6 -o %t/b.npy
// RUN: lowbit-npy random --type=7xf32 --min=0.01 --max=0.02 --seed=%seed7 -o %t/bs.npy
// RUN: lowbit-npy random --type=7xsi8 --seed=%seed8 -o %t/bz.npy
// RUN: lowbit-npy random --type=37x200xui4 --seed=%seed9 -o %t/w4.npy

// RUN: lowbit-opt %s --lowbit-pipeline-linalg="target-cpu=znver3" | FileCheck %s --check-prefix=IR
// IR-LABEL: tile.kernel @mpgemm_
// IR: tile.view %{{.*}} : !tile.reg<1x1xi8, {{.*}}> -> !tile.reg<1x1xui8,
// IR: tile.broadcast {{.*}} -> !tile.reg<4x32xf32,
// IR: tile.sub %{{.*}}, %{{.*}} : !tile.reg<4x32xf32,
// IR: tile.dot

// RUN: env LOWBIT_NUM_THREADS=1 lowbit-run %s --function=tensor --input=@%t/a.npy --input=@%t/as.npy --input=@%t/az.npy --input=@%t/w.npy --input=@%t/s.npy --output=@%t/t1.npy
// RUN: env LOWBIT_NUM_THREADS=2 lowbit-run %s --function=tensor --thread-work-us=0 --input=@%t/a.npy --input=@%t/as.npy --input=@%t/az.npy --input=@%t/w.npy --input=@%t/s.npy --output=@%t/t2.npy
// RUN: lowbit-run %s --function=tensor --engine=reference --input=@%t/a.npy --input=@%t/as.npy --input=@%t/az.npy --input=@%t/w.npy --input=@%t/s.npy --output=@%t/tr.npy
// RUN: lowbit-npy compare %t/tr.npy %t/t1.npy --atol=1e-4 --rtol=1e-5 | FileCheck %s --check-prefix=CMP
// RUN: lowbit-npy compare %t/tr.npy %t/t2.npy --atol=1e-4 --rtol=1e-5 | FileCheck %s --check-prefix=CMP
// CMP: compare: 259 elements, max abs error
func.func @tensor(%a: tensor<7x200xui8>, %as: tensor<f32>, %az: tensor<ui8>,
                  %w: tensor<37x200xsi4>, %s: tensor<37x7xf16>) -> tensor<7x37xf32> {
  %y = lowbit.mpgemm %a, %w scale(%s) act_scale(%as) act_zero(%az)
         {weight_scheme = #lowbit.scheme<group(axis = 1, size = 32), scale = f16>,
          act_scheme = #lowbit.scheme<per_tensor, scale = f32, zero = int>}
         : (tensor<7x200xui8>, tensor<37x200xsi4>, tensor<37x7xf16>, tensor<f32>, tensor<ui8>)
        -> tensor<7x37xf32>
  return %y : tensor<7x37xf32>
}

// RUN: env LOWBIT_NUM_THREADS=2 lowbit-run %s --function=token --thread-work-us=0 --input=@%t/b.npy --input=@%t/bs.npy --input=@%t/bz.npy --input=@%t/w4.npy --input=@%t/s.npy --output=@%t/k2.npy
// RUN: lowbit-run %s --function=token --engine=reference --input=@%t/b.npy --input=@%t/bs.npy --input=@%t/bz.npy --input=@%t/w4.npy --input=@%t/s.npy --output=@%t/kr.npy
// RUN: lowbit-npy compare %t/kr.npy %t/k2.npy --atol=1e-4 --rtol=1e-5 | FileCheck %s --check-prefix=CMP
func.func @token(%a: tensor<7x200xsi8>, %as: tensor<7xf32>, %az: tensor<7xsi8>,
                 %w: tensor<37x200xui4>, %s: tensor<37x7xf16>) -> tensor<7x37xf32> {
  %y = lowbit.mpgemm %a, %w scale(%s) act_scale(%as) act_zero(%az)
         {weight_scheme = #lowbit.scheme<group(axis = 1, size = 32), scale = f16>,
          act_scheme = #lowbit.scheme<per_channel(axis = 0), scale = f32, zero = int>}
         : (tensor<7x200xsi8>, tensor<37x200xui4>, tensor<37x7xf16>, tensor<7xf32>, tensor<7xsi8>)
        -> tensor<7x37xf32>
  return %y : tensor<7x37xf32>
}
