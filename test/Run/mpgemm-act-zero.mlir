// Asymmetric 8-bit activations (integer activation zero points) through the fast path's
// integer dot, which folds them out of its sums: sum (a - za) * w = sum a * w - za * sum w,
// the weights' codes summed per group and column alongside the dot (a second dot with ones),
// corrected for the code offsets and zero points of the weights and for the padding of a
// partial last group. uint8 activations with one zero point (as DynamicQuantizeLinear makes)
// and int8 activations with a zero point per token; weights signed and unsigned, with and
// without zero points, in interchange packing and prepacked (signed codes stored offset),
// 4-bit floats (through their byte table); against the reference interpreter, on 1 and 2
// threads, at M = 7, N = 37, K = 200 in groups of 32 (the last group partial).
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
// RUN: lowbit-npy random --type=37x7xui4 --seed=%seed10 -o %t/z4.npy
// RUN: lowbit-npy random --type=37x200xf4E2M1FN --seed=%seed11 -o %t/wf.npy
// RUN: lowbit-npy random --type=37x7xf8E8M0FNU --min=0.25 --max=2 --seed=%seed12 -o %t/sf.npy

// RUN: lowbit-opt %s --lowbit-pipeline-linalg="target-cpu=znver3" | FileCheck %s --check-prefix=IR
// IR-LABEL: tile.kernel @mpgemm_
// IR: %[[CODES:.+]] = tile.view %{{.*}} -> !tile.reg<32x16xsi4,
// IR: %[[ONES:.+]] = tile.view %{{.*}} : !tile.reg<1x32xi8, #tile.layout<local(1,32).replicated(8)>> -> !tile.reg<1x32xsi8,
// IR: tile.dot %[[ONES]], %[[CODES]], %{{.*}} : !tile.reg<1x32xsi8, {{.*}}>, !tile.reg<32x16xsi4, {{.*}}> -> !tile.reg<1x16xi32,
// IR: tile.dot %{{.*}}, %[[CODES]], %{{.*}} : !tile.reg<4x32xui8, {{.*}}>, !tile.reg<32x16xsi4, {{.*}}> -> !tile.reg<4x16xi32,
// IR-LABEL: func.func @tensor(

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

// Prepacked signed codes (stored value + 8) with a zero point per token, unsigned codes with
// their own zero points, and 4-bit floats (byte table, offset 12).
// RUN: env LOWBIT_NUM_THREADS=1 lowbit-run %s --function=more --input=@%t/a.npy --input=@%t/as.npy --input=@%t/b.npy --input=@%t/bs.npy --input=@%t/bz.npy --input=@%t/w.npy --input=@%t/w4.npy --input=@%t/z4.npy --input=@%t/wf.npy --input=@%t/sf.npy --input=@%t/az.npy --input=@%t/s.npy --output=@%t/m1.npy --output=@%t/n1.npy --output=@%t/f1.npy
// RUN: env LOWBIT_NUM_THREADS=2 lowbit-run %s --function=more --thread-work-us=0 --input=@%t/a.npy --input=@%t/as.npy --input=@%t/b.npy --input=@%t/bs.npy --input=@%t/bz.npy --input=@%t/w.npy --input=@%t/w4.npy --input=@%t/z4.npy --input=@%t/wf.npy --input=@%t/sf.npy --input=@%t/az.npy --input=@%t/s.npy --output=@%t/m2.npy --output=@%t/n2.npy --output=@%t/f2.npy
// RUN: lowbit-run %s --function=more --engine=reference --input=@%t/a.npy --input=@%t/as.npy --input=@%t/b.npy --input=@%t/bs.npy --input=@%t/bz.npy --input=@%t/w.npy --input=@%t/w4.npy --input=@%t/z4.npy --input=@%t/wf.npy --input=@%t/sf.npy --input=@%t/az.npy --input=@%t/s.npy --output=@%t/mr.npy --output=@%t/nr.npy --output=@%t/fr.npy
// RUN: lowbit-npy compare %t/mr.npy %t/m1.npy --atol=1e-4 --rtol=1e-5 | FileCheck %s --check-prefix=CMP
// RUN: lowbit-npy compare %t/mr.npy %t/m2.npy --atol=1e-4 --rtol=1e-5 | FileCheck %s --check-prefix=CMP
// RUN: lowbit-npy compare %t/nr.npy %t/n1.npy --atol=1e-4 --rtol=1e-5 | FileCheck %s --check-prefix=CMP
// RUN: lowbit-npy compare %t/nr.npy %t/n2.npy --atol=1e-4 --rtol=1e-5 | FileCheck %s --check-prefix=CMP
// RUN: lowbit-npy compare %t/fr.npy %t/f1.npy --atol=1e-3 --rtol=1e-5 | FileCheck %s --check-prefix=CMP
// RUN: lowbit-npy compare %t/fr.npy %t/f2.npy --atol=1e-3 --rtol=1e-5 | FileCheck %s --check-prefix=CMP
func.func @more(%a: tensor<7x200xui8>, %as: tensor<f32>, %b: tensor<7x200xsi8>,
                %bs: tensor<7xf32>, %bz: tensor<7xsi8>,
                %w: tensor<37x200xsi4> {lowbit.prepack}, %w4: tensor<37x200xui4> {lowbit.prepack},
                %z4: tensor<37x7xui4>, %wf: tensor<37x200xf4E2M1FN>, %sf: tensor<37x7xf8E8M0FNU>,
                %az: tensor<ui8>, %s: tensor<37x7xf16>)
    -> (tensor<7x37xf32>, tensor<7x37xf32>, tensor<7x37xf32>) {
  %y = lowbit.mpgemm %b, %w scale(%s) act_scale(%bs) act_zero(%bz)
         {weight_scheme = #lowbit.scheme<group(axis = 1, size = 32), scale = f16>,
          act_scheme = #lowbit.scheme<per_channel(axis = 0), scale = f32, zero = int>}
         : (tensor<7x200xsi8>, tensor<37x200xsi4>, tensor<37x7xf16>, tensor<7xf32>, tensor<7xsi8>)
        -> tensor<7x37xf32>
  %z = lowbit.mpgemm %a, %w4 scale(%s) zero(%z4) act_scale(%as) act_zero(%az)
         {weight_scheme = #lowbit.scheme<group(axis = 1, size = 32), scale = f16, zero = int>,
          act_scheme = #lowbit.scheme<per_tensor, scale = f32, zero = int>}
         : (tensor<7x200xui8>, tensor<37x200xui4>, tensor<37x7xf16>, tensor<37x7xui4>,
            tensor<f32>, tensor<ui8>) -> tensor<7x37xf32>
  %f = lowbit.mpgemm %a, %wf scale(%sf) act_scale(%as) act_zero(%az)
         {weight_scheme = #lowbit.scheme<group(axis = 1, size = 32), scale = f8E8M0FNU>,
          act_scheme = #lowbit.scheme<per_tensor, scale = f32, zero = int>}
         : (tensor<7x200xui8>, tensor<37x200xf4E2M1FN>, tensor<37x7xf8E8M0FNU>, tensor<f32>,
            tensor<ui8>) -> tensor<7x37xf32>
  return %y, %z, %f : tensor<7x37xf32>, tensor<7x37xf32>, tensor<7x37xf32>
}

// The fma family (as non-x86 targets take it) with weight zero points: it subtracts za from the
// activations, so the weight zero points' correction adds za * z * n back (the sums are of the
// raw activations).
// RUN: env LOWBIT_NUM_THREADS=2 lowbit-run %s --function=fma_zero --thread-work-us=0 --input=@%t/a.npy --input=@%t/as.npy --input=@%t/az.npy --input=@%t/w4.npy --input=@%t/z4.npy --input=@%t/s.npy --output=@%t/g2.npy
// RUN: lowbit-run %s --function=fma_zero --engine=reference --input=@%t/a.npy --input=@%t/as.npy --input=@%t/az.npy --input=@%t/w4.npy --input=@%t/z4.npy --input=@%t/s.npy --output=@%t/gr.npy
// RUN: lowbit-npy compare %t/gr.npy %t/g2.npy --atol=1e-4 --rtol=1e-5 | FileCheck %s --check-prefix=CMP
func.func @fma_zero(%a: tensor<7x200xui8>, %as: tensor<f32>, %az: tensor<ui8>,
                    %w4: tensor<37x200xui4>, %z4: tensor<37x7xui4>, %s: tensor<37x7xf16>)
    -> tensor<7x37xf32> {
  %y = lowbit.mpgemm %a, %w4 scale(%s) zero(%z4) act_scale(%as) act_zero(%az)
         {schedule = #lowbit.schedule<fma, workers = 8, tile = [4, 16, 32], scale_groups = 2>,
          weight_scheme = #lowbit.scheme<group(axis = 1, size = 32), scale = f16, zero = int>,
          act_scheme = #lowbit.scheme<per_tensor, scale = f32, zero = int>}
         : (tensor<7x200xui8>, tensor<37x200xui4>, tensor<37x7xf16>, tensor<37x7xui4>,
            tensor<f32>, tensor<ui8>) -> tensor<7x37xf32>
  return %y : tensor<7x37xf32>
}
