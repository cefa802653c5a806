// Weights passed at run time and prepacked once by the generated entry point (arguments marked
// lowbit.prepack): lowbit-run calls @<function>_prepack on them and passes what it returns.
// Against the reference interpreter, on 1 and 2 threads, at odd shapes (M = 7, N = 40, K = 160
// in groups of 32; N = 37, K = 200 with a partial last group): signed 4-bit codes offset to
// unsigned in the dot's byte order, ternary codes, 3-bit codes (words that codes straddle),
// 4-bit floats read by the FMA family, two ops sharing one prepacked weight, and the reference
// lowering (--fast-path=false), where the entry point passes the bytes through.
// RUN: rm -rf %t && mkdir -p %t
// RUN: lowbit-npy random --type=7x160xsi8 --seed=%seed1 -o %t/a.npy
// RUN: lowbit-npy random --type=7xf32 --min=0.001 --max=0.01 --seed=%seed2 -o %t/as.npy
// RUN: lowbit-npy random --type=40x160xsi4 --seed=%seed3 -o %t/w4.npy
// RUN: lowbit-npy random --type=40x5xf16 --min=0.01 --max=0.1 --seed=%seed4 -o %t/s.npy
// RUN: lowbit-npy random --type=40x160x!lowbit.ternary --seed=%seed5 -o %t/wt.npy
// RUN: lowbit-npy random --type=7x200xf32 --seed=%seed6 -o %t/af.npy
// RUN: lowbit-npy random --type=37x200xui3 --seed=%seed7 -o %t/w3.npy
// RUN: lowbit-npy random --type=37x4xf32 --min=0.01 --max=0.1 --seed=%seed8 -o %t/s3.npy
// RUN: lowbit-npy random --type=37x200xf4E2M1FN --seed=%seed9 -o %t/wf.npy
// RUN: lowbit-npy random --type=37x7xf8E8M0FNU --min=0.25 --max=2 --seed=%seed10 -o %t/sf.npy

// The generated entry point and the signature it gives the function.
// RUN: lowbit-opt %s --lowbit-pipeline-linalg="target-cpu=znver3" | FileCheck %s --check-prefix=IR
// IR-LABEL: func.func @signed(
// IR-SAME: %{{.*}}: tensor<7x160xi8>, %{{.*}}: tensor<7xf32>, %{{.*}}: tensor<15x64xi32>, %{{.*}}: tensor<40x5xf16>)
// IR-NOT: lowbit.prepack
// IR: tile.launch @mpgemm_
// IR-LABEL: func.func @signed_prepack(
// IR-SAME: %{{.*}}: tensor<40x80xi8>) -> tensor<15x64xi32>
// IR: tile.launch @mpgemm_prepack_{{[0-9]+}}(
// IR-LABEL: func.func @shared(
// IR-SAME: %{{.*}}: [[WORDS:tensor<[0-9]+x[0-9]+xi32>]]
// IR-LABEL: func.func @shared_prepack(
// IR-SAME: -> [[WORDS]]
// IR-COUNT-1: tile.launch @mpgemm_prepack
// IR: return

// Without the fast path the entry point returns the bytes and the function takes them.
// RUN: lowbit-opt %s --lowbit-pipeline-linalg="fast-path=false" | FileCheck %s --check-prefix=REF
// REF-LABEL: func.func @signed(
// REF-SAME: tensor<40x80xi8>
// REF-LABEL: func.func @signed_prepack(
// REF-SAME: %[[W:.*]]: tensor<40x80xi8>) -> tensor<40x80xi8>
// REF-NEXT: return %[[W]]

// RUN: env LOWBIT_NUM_THREADS=1 lowbit-run %s --function=signed --input=@%t/a.npy --input=@%t/as.npy --input=@%t/w4.npy --input=@%t/s.npy --output=@%t/y1.npy
// RUN: env LOWBIT_NUM_THREADS=2 lowbit-run %s --function=signed --thread-work-us=0 --input=@%t/a.npy --input=@%t/as.npy --input=@%t/w4.npy --input=@%t/s.npy --output=@%t/y2.npy
// RUN: lowbit-run %s --function=signed --fast-path=false --input=@%t/a.npy --input=@%t/as.npy --input=@%t/w4.npy --input=@%t/s.npy --output=@%t/yf.npy
// RUN: lowbit-run %s --function=signed --engine=reference --input=@%t/a.npy --input=@%t/as.npy --input=@%t/w4.npy --input=@%t/s.npy --output=@%t/yr.npy
// RUN: lowbit-npy compare %t/yr.npy %t/y1.npy --atol=1e-5 --rtol=1e-5 | FileCheck %s --check-prefix=CMP
// RUN: lowbit-npy compare %t/yr.npy %t/y2.npy --atol=1e-5 --rtol=1e-5 | FileCheck %s --check-prefix=CMP
// RUN: lowbit-npy compare %t/yr.npy %t/yf.npy --atol=1e-5 --rtol=1e-5 | FileCheck %s --check-prefix=CMP
// CMP: compare: 280 elements, max abs error
func.func @signed(%a: tensor<7x160xsi8>, %as: tensor<7xf32>,
                  %w: tensor<40x160xsi4> {lowbit.prepack}, %s: tensor<40x5xf16>)
    -> tensor<7x40xf32> {
  %y = lowbit.mpgemm %a, %w scale(%s) act_scale(%as)
         {weight_scheme = #lowbit.scheme<group(axis = 1, size = 32), scale = f16>,
          act_scheme = #lowbit.scheme<per_channel(axis = 0), scale = f32>}
         : (tensor<7x160xsi8>, tensor<40x160xsi4>, tensor<40x5xf16>, tensor<7xf32>)
        -> tensor<7x40xf32>
  return %y : tensor<7x40xf32>
}

// RUN: env LOWBIT_NUM_THREADS=2 lowbit-run %s --function=ternary --thread-work-us=0 --input=@%t/a.npy --input=@%t/as.npy --input=@%t/wt.npy --input=@%t/s.npy --output=@%t/t2.npy
// RUN: lowbit-run %s --function=ternary --engine=reference --input=@%t/a.npy --input=@%t/as.npy --input=@%t/wt.npy --input=@%t/s.npy --output=@%t/tr.npy
// RUN: lowbit-npy compare %t/tr.npy %t/t2.npy --atol=1e-5 --rtol=1e-5 | FileCheck %s --check-prefix=CMP
func.func @ternary(%a: tensor<7x160xsi8>, %as: tensor<7xf32>,
                   %w: tensor<40x160x!lowbit.ternary> {lowbit.prepack}, %s: tensor<40x5xf16>)
    -> tensor<7x40xf32> {
  %y = lowbit.mpgemm %a, %w scale(%s) act_scale(%as)
         {weight_scheme = #lowbit.scheme<group(axis = 1, size = 32), scale = f16>,
          act_scheme = #lowbit.scheme<per_channel(axis = 0), scale = f32>}
         : (tensor<7x160xsi8>, tensor<40x160x!lowbit.ternary>, tensor<40x5xf16>, tensor<7xf32>)
        -> tensor<7x40xf32>
  return %y : tensor<7x40xf32>
}

// RUN: env LOWBIT_NUM_THREADS=1 lowbit-run %s --function=odd --input=@%t/af.npy --input=@%t/w3.npy --input=@%t/s3.npy --input=@%t/wf.npy --input=@%t/sf.npy --output=@%t/o1.npy --output=@%t/p1.npy
// RUN: env LOWBIT_NUM_THREADS=2 lowbit-run %s --function=odd --thread-work-us=0 --input=@%t/af.npy --input=@%t/w3.npy --input=@%t/s3.npy --input=@%t/wf.npy --input=@%t/sf.npy --output=@%t/o2.npy --output=@%t/p2.npy
// RUN: lowbit-run %s --function=odd --engine=reference --input=@%t/af.npy --input=@%t/w3.npy --input=@%t/s3.npy --input=@%t/wf.npy --input=@%t/sf.npy --output=@%t/or.npy --output=@%t/pr.npy
// RUN: lowbit-npy compare %t/or.npy %t/o1.npy --atol=1e-4 --rtol=1e-5 | FileCheck %s --check-prefix=ODD
// RUN: lowbit-npy compare %t/or.npy %t/o2.npy --atol=1e-4 --rtol=1e-5 | FileCheck %s --check-prefix=ODD
// RUN: lowbit-npy compare %t/pr.npy %t/p1.npy --atol=1e-4 --rtol=1e-5 | FileCheck %s --check-prefix=ODD
// RUN: lowbit-npy compare %t/pr.npy %t/p2.npy --atol=1e-4 --rtol=1e-5 | FileCheck %s --check-prefix=ODD
// ODD: compare: 259 elements, max abs error
func.func @odd(%a: tensor<7x200xf32>, %w3: tensor<37x200xui3> {lowbit.prepack},
               %s3: tensor<37x4xf32>, %wf: tensor<37x200xf4E2M1FN> {lowbit.prepack},
               %sf: tensor<37x7xf8E8M0FNU>) -> (tensor<7x37xf32>, tensor<7x37xf32>) {
  %y = lowbit.mpgemm %a, %w3 scale(%s3)
         {weight_scheme = #lowbit.scheme<group(axis = 1, size = 64), scale = f32>}
         : (tensor<7x200xf32>, tensor<37x200xui3>, tensor<37x4xf32>) -> tensor<7x37xf32>
  %z = lowbit.mpgemm %a, %wf scale(%sf)
         {weight_scheme = #lowbit.scheme<group(axis = 1, size = 32), scale = f8E8M0FNU>}
         : (tensor<7x200xf32>, tensor<37x200xf4E2M1FN>, tensor<37x7xf8E8M0FNU>)
        -> tensor<7x37xf32>
  return %y, %z : tensor<7x37xf32>, tensor<7x37xf32>
}

// One weight, two ops with the same schedule: prepacked once, read by both.
// RUN: lowbit-npy random --type=7x200xf32 --seed=%seed11 -o %t/bf.npy
// RUN: env LOWBIT_NUM_THREADS=2 lowbit-run %s --function=shared --thread-work-us=0 --input=@%t/af.npy --input=@%t/bf.npy --input=@%t/w3.npy --input=@%t/s3.npy --output=@%t/h1.npy --output=@%t/h2.npy
// RUN: lowbit-run %s --function=shared --engine=reference --input=@%t/af.npy --input=@%t/bf.npy --input=@%t/w3.npy --input=@%t/s3.npy --output=@%t/hr1.npy --output=@%t/hr2.npy
// RUN: lowbit-npy compare %t/hr1.npy %t/h1.npy --atol=1e-4 --rtol=1e-5 | FileCheck %s --check-prefix=ODD
// RUN: lowbit-npy compare %t/hr2.npy %t/h2.npy --atol=1e-4 --rtol=1e-5 | FileCheck %s --check-prefix=ODD
func.func @shared(%a: tensor<7x200xf32>, %b: tensor<7x200xf32>,
                  %w: tensor<37x200xui3> {lowbit.prepack},
                  %s: tensor<37x4xf32>) -> (tensor<7x37xf32>, tensor<7x37xf32>) {
  %y = lowbit.mpgemm %a, %w scale(%s)
         {weight_scheme = #lowbit.scheme<group(axis = 1, size = 64), scale = f32>}
         : (tensor<7x200xf32>, tensor<37x200xui3>, tensor<37x4xf32>) -> tensor<7x37xf32>
  %z = lowbit.mpgemm %b, %w scale(%s)
         {weight_scheme = #lowbit.scheme<group(axis = 1, size = 64), scale = f32>}
         : (tensor<7x200xf32>, tensor<37x200xui3>, tensor<37x4xf32>) -> tensor<7x37xf32>
  return %y, %z : tensor<7x37xf32>, tensor<7x37xf32>
}
