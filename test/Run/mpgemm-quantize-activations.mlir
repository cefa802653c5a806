// The quantize_activations opt-in: float activations quantized per token to si8 (scale
// max|a| / 127) so that integer weights take the integer dot. The pass rewrites the op into
// per-token scales, lowbit.quantize and an int8-activation mpgemm; lowbit-run (fast path,
// 1 and 2 threads, and the reference lowering) agrees with the reference interpreter, which
// quantizes the same way (lib/Reference: quantizeActivationsPerToken). A row of zeros keeps
// scale 1 and gives zeros, not NaN.
// RUN: rm -rf %t && mkdir -p %t
// RUN: lowbit-npy random --type=7x200xf32 --min=-3 --max=3 --seed=%seed1 -o %t/a.npy
// RUN: lowbit-npy random --type=7x200xbf16 --seed=%seed2 -o %t/ab.npy
// RUN: lowbit-npy random --type=37x200xui4 --seed=%seed3 -o %t/w.npy
// RUN: lowbit-npy random --type=37x7xf16 --min=0.01 --max=0.1 --seed=%seed4 -o %t/s.npy
// RUN: lowbit-npy random --type=37x7xui4 --seed=%seed5 -o %t/z.npy

// RUN: lowbit-opt %s --lowbit-quantize-activations | FileCheck %s --check-prefix=IR
// IR-LABEL: func.func @f32(
// IR: linalg.generic {{.*}}iterator_types = ["parallel", "reduction"]
// IR: math.absf
// IR: arith.maximumf
// IR: linalg.generic
// IR: arith.divf
// IR: %[[Q:.*]] = lowbit.quantize %{{.*}} scale(%[[S:.*]]) {scheme = #lowbit.scheme<per_channel(axis = 0), scale = f32>} : (tensor<7x200xf32>, tensor<7xf32>) -> tensor<7x200xsi8>
// IR: lowbit.mpgemm %[[Q]], %{{.*}} act_scale(%[[S]]) {act_scheme = #lowbit.scheme<per_channel(axis = 0), scale = f32>
// IR-NOT: quantize_activations
// RUN: lowbit-opt %s --lowbit-quantize-activations --lowbit-select-schedules="target-cpu=znver3" | FileCheck %s --check-prefix=SCHED
// SCHED-LABEL: func.func @f32(
// SCHED: #lowbit.schedule<int8_dot

// RUN: env LOWBIT_NUM_THREADS=1 lowbit-run %s --function=f32 --input=@%t/a.npy --input=@%t/w.npy --input=@%t/s.npy --input=@%t/z.npy --output=@%t/y1.npy --output=@%t/o1.npy
// RUN: env LOWBIT_NUM_THREADS=2 lowbit-run %s --function=f32 --thread-work-us=0 --input=@%t/a.npy --input=@%t/w.npy --input=@%t/s.npy --input=@%t/z.npy --output=@%t/y2.npy --output=@%t/o2.npy
// RUN: lowbit-run %s --function=f32 --fast-path=false --input=@%t/a.npy --input=@%t/w.npy --input=@%t/s.npy --input=@%t/z.npy --output=@%t/yf.npy --output=@%t/of.npy
// RUN: lowbit-run %s --function=f32 --engine=reference --input=@%t/a.npy --input=@%t/w.npy --input=@%t/s.npy --input=@%t/z.npy --output=@%t/yr.npy --output=@%t/or.npy
// RUN: lowbit-npy compare %t/yr.npy %t/y1.npy --atol=1e-4 --rtol=1e-5 | FileCheck %s --check-prefix=CMP
// RUN: lowbit-npy compare %t/yr.npy %t/y2.npy --atol=1e-4 --rtol=1e-5 | FileCheck %s --check-prefix=CMP
// RUN: lowbit-npy compare %t/yr.npy %t/yf.npy --atol=1e-4 --rtol=1e-5 | FileCheck %s --check-prefix=CMP
// RUN: lowbit-npy compare %t/or.npy %t/o1.npy --atol=0 --rtol=0 | FileCheck %s --check-prefix=ZERO
// RUN: lowbit-npy compare %t/or.npy %t/o2.npy --atol=0 --rtol=0 | FileCheck %s --check-prefix=ZERO
// CMP: compare: 259 elements, max abs error
// ZERO: compare: 74 elements, max abs error 0
func.func @f32(%a: tensor<7x200xf32>, %w: tensor<37x200xui4>, %s: tensor<37x7xf16>,
               %z: tensor<37x7xui4>) -> (tensor<7x37xf32>, tensor<2x37xf32>) {
  %y = lowbit.mpgemm %a, %w scale(%s) zero(%z)
         {quantize_activations,
          weight_scheme = #lowbit.scheme<group(axis = 1, size = 32), scale = f16, zero = int>}
         : (tensor<7x200xf32>, tensor<37x200xui4>, tensor<37x7xf16>, tensor<37x7xui4>)
        -> tensor<7x37xf32>
  %zeros = arith.constant dense<0.0> : tensor<2x200xf32>
  %o = lowbit.mpgemm %zeros, %w scale(%s) zero(%z)
         {quantize_activations,
          weight_scheme = #lowbit.scheme<group(axis = 1, size = 32), scale = f16, zero = int>}
         : (tensor<2x200xf32>, tensor<37x200xui4>, tensor<37x7xf16>, tensor<37x7xui4>)
        -> tensor<2x37xf32>
  return %y, %o : tensor<7x37xf32>, tensor<2x37xf32>
}

// RUN: env LOWBIT_NUM_THREADS=2 lowbit-run %s --function=bf16 --thread-work-us=0 --input=@%t/ab.npy --input=@%t/w.npy --input=@%t/s.npy --output=@%t/b2.npy
// RUN: lowbit-run %s --function=bf16 --engine=reference --input=@%t/ab.npy --input=@%t/w.npy --input=@%t/s.npy --output=@%t/br.npy
// RUN: lowbit-npy compare %t/br.npy %t/b2.npy --atol=1e-4 --rtol=1e-5 | FileCheck %s --check-prefix=CMP
func.func @bf16(%a: tensor<7x200xbf16>, %w: tensor<37x200xui4>, %s: tensor<37x7xf16>)
    -> tensor<7x37xf32> {
  %y = lowbit.mpgemm %a, %w scale(%s)
         {quantize_activations,
          weight_scheme = #lowbit.scheme<group(axis = 1, size = 32), scale = f16>}
         : (tensor<7x200xbf16>, tensor<37x200xui4>, tensor<37x7xf16>) -> tensor<7x37xf32>
  return %y : tensor<7x37xf32>
}
