// 8-bit float weights holding NaN and infinity codes, through the fast path's FMA family with
// f32 activations, against the reference interpreter on fresh random codes (about one code in
// a hundred special): f8E4M3FN, whose NaN codes the dot marks per result column instead of
// decoding them, and f8E5M2, whose infinities and NaNs the decode selects. Weights passed as
// they are (interchange) and prepacked by the generated entry point, on 1 and 2 threads, at
// odd shapes (M = 7, N = 40, K = 72 and K = 24, short enough that some columns hold no special
// code). A result is NaN exactly where the reference's is.
// RUN: rm -rf %t && mkdir -p %t
// RUN: lowbit-npy random --type=7x72xf32 --seed=%seed1 -o %t/a.npy
// RUN: lowbit-npy random --type=7x24xf32 --seed=%seed5 -o %t/a5.npy
// RUN: lowbit-npy random --type=40x72xf8E4M3FN --allow-nan --seed=%seed2 -o %t/w4.npy
// RUN: lowbit-npy random --type=40x24xf8E5M2 --allow-nan --seed=%seed3 -o %t/w5.npy
// RUN: lowbit-npy random --type=40xf32 --min=0.01 --max=0.1 --seed=%seed4 -o %t/s.npy

// RUN: lowbit-run %s --function=e4m3 --engine=reference --input=@%t/a.npy --input=@%t/w4.npy --input=@%t/s.npy --output=@%t/r4.npy
// RUN: env LOWBIT_NUM_THREADS=1 lowbit-run %s --function=e4m3 --input=@%t/a.npy --input=@%t/w4.npy --input=@%t/s.npy --output=@%t/y4a.npy
// RUN: env LOWBIT_NUM_THREADS=2 lowbit-run %s --function=e4m3 --thread-work-us=0 --input=@%t/a.npy --input=@%t/w4.npy --input=@%t/s.npy --output=@%t/y4b.npy
// RUN: env LOWBIT_NUM_THREADS=2 lowbit-run %s --function=e4m3_prepacked --thread-work-us=0 --input=@%t/a.npy --input=@%t/w4.npy --input=@%t/s.npy --output=@%t/y4c.npy
// RUN: lowbit-npy compare %t/r4.npy %t/y4a.npy --atol=1e-4 --rtol=1e-4 | FileCheck %s
// RUN: lowbit-npy compare %t/r4.npy %t/y4b.npy --atol=1e-4 --rtol=1e-4 | FileCheck %s
// RUN: lowbit-npy compare %t/r4.npy %t/y4c.npy --atol=1e-4 --rtol=1e-4 | FileCheck %s
// RUN: lowbit-npy print %t/r4.npy | FileCheck %s --check-prefix=NAN
// RUN: lowbit-npy print %t/r4.npy | FileCheck %s --check-prefix=FINITE

// RUN: lowbit-run %s --function=e5m2 --engine=reference --input=@%t/a5.npy --input=@%t/w5.npy --input=@%t/s.npy --output=@%t/r5.npy
// RUN: env LOWBIT_NUM_THREADS=1 lowbit-run %s --function=e5m2 --input=@%t/a5.npy --input=@%t/w5.npy --input=@%t/s.npy --output=@%t/y5a.npy
// RUN: env LOWBIT_NUM_THREADS=2 lowbit-run %s --function=e5m2_prepacked --thread-work-us=0 --input=@%t/a5.npy --input=@%t/w5.npy --input=@%t/s.npy --output=@%t/y5b.npy
// RUN: lowbit-npy compare %t/r5.npy %t/y5a.npy --atol=1e-4 --rtol=1e-4 | FileCheck %s
// RUN: lowbit-npy compare %t/r5.npy %t/y5b.npy --atol=1e-4 --rtol=1e-4 | FileCheck %s
// RUN: lowbit-npy print %t/r5.npy | FileCheck %s --check-prefix=NAN
// RUN: lowbit-npy print %t/r5.npy | FileCheck %s --check-prefix=FINITE
// CHECK: compare: 280 elements, max abs error
// Some results are NaN, others finite.
// NAN: nan
// FINITE: {{ -?[0-9]+\.[0-9]+}}
func.func @e4m3(%a: tensor<7x72xf32>, %w: tensor<40x72xf8E4M3FN>, %s: tensor<40xf32>)
    -> tensor<7x40xf32> {
  %y = lowbit.mpgemm %a, %w scale(%s)
         {weight_scheme = #lowbit.scheme<per_channel(axis = 0), scale = f32>}
         : (tensor<7x72xf32>, tensor<40x72xf8E4M3FN>, tensor<40xf32>) -> tensor<7x40xf32>
  return %y : tensor<7x40xf32>
}
func.func @e4m3_prepacked(%a: tensor<7x72xf32>, %w: tensor<40x72xf8E4M3FN> {lowbit.prepack},
                          %s: tensor<40xf32>) -> tensor<7x40xf32> {
  %y = lowbit.mpgemm %a, %w scale(%s)
         {weight_scheme = #lowbit.scheme<per_channel(axis = 0), scale = f32>}
         : (tensor<7x72xf32>, tensor<40x72xf8E4M3FN>, tensor<40xf32>) -> tensor<7x40xf32>
  return %y : tensor<7x40xf32>
}
func.func @e5m2(%a: tensor<7x24xf32>, %w: tensor<40x24xf8E5M2>, %s: tensor<40xf32>)
    -> tensor<7x40xf32> {
  %y = lowbit.mpgemm %a, %w scale(%s)
         {weight_scheme = #lowbit.scheme<per_channel(axis = 0), scale = f32>}
         : (tensor<7x24xf32>, tensor<40x24xf8E5M2>, tensor<40xf32>) -> tensor<7x40xf32>
  return %y : tensor<7x40xf32>
}
func.func @e5m2_prepacked(%a: tensor<7x24xf32>, %w: tensor<40x24xf8E5M2> {lowbit.prepack},
                          %s: tensor<40xf32>) -> tensor<7x40xf32> {
  %y = lowbit.mpgemm %a, %w scale(%s)
         {weight_scheme = #lowbit.scheme<per_channel(axis = 0), scale = f32>}
         : (tensor<7x24xf32>, tensor<40x24xf8E5M2>, tensor<40xf32>) -> tensor<7x40xf32>
  return %y : tensor<7x40xf32>
}
