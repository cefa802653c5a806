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

// Activation codes narrower than 8 bits with integer zero points (their values passed to the
// kernel as f32), and float zero points (in the scale type): unsigned 4-bit activations with a
// zero point per token and 2-bit ones with one zero point through the integer dot (unsigned
// 4-bit ones without zero points too); signed 4-bit ones with zero points through fma; fp8
// activations with float zero points per token (fma) and int8 ones with a float zero point
// (the integer dot folds it out in f32).
// RUN: lowbit-npy random --type=7x200xui4 --seed=%seed13 -o %t/u4.npy
// RUN: lowbit-npy random --type=7xui4 --seed=%seed14 -o %t/u4z.npy
// RUN: lowbit-npy random --type=7x200xui2 --seed=%seed15 -o %t/u2.npy
// RUN: lowbit-npy random --type=ui2 --seed=%seed16 -o %t/u2z.npy
// RUN: lowbit-npy random --type=7x200xsi4 --seed=%seed17 -o %t/s4.npy
// RUN: lowbit-npy random --type=7xsi4 --seed=%seed18 -o %t/s4z.npy
// RUN: lowbit-npy random --type=7x200xf8E4M3FN --min=-4 --max=4 --seed=%seed19 -o %t/f8.npy
// RUN: lowbit-npy random --type=7xf16 --min=-1 --max=1 --seed=%seed20 -o %t/f8z.npy
// RUN: lowbit-npy random --type=f32 --min=-3 --max=3 --seed=%seed21 -o %t/fz.npy
// RUN: lowbit-npy random --type=7xf16 --min=0.01 --max=0.02 --seed=%seed22 -o %t/f8s.npy
// RUN: lowbit-opt %s --lowbit-select-schedules="target-cpu=znver3" --lowbit-to-tile | FileCheck %s --check-prefix=NARROW
// NARROW-LABEL: func.func @narrow(
// NARROW: lowbit.dequantize %{{.+}} scale(%{{.+}}) {{.*}} : (tensor<7xui4>, tensor<f32>) -> tensor<7xf32>
// RUN: lowbit-opt %s --lowbit-select-schedules="target-cpu=znver3" | FileCheck %s --check-prefix=NSCHED
// NSCHED-LABEL: func.func @narrow(
// NSCHED: schedule = #lowbit.schedule<int8_dot
// NSCHED: schedule = #lowbit.schedule<int8_dot
// NSCHED: schedule = #lowbit.schedule<int8_dot
// NSCHED: schedule = #lowbit.schedule<fma
// NSCHED: schedule = #lowbit.schedule<fma
// NSCHED: schedule = #lowbit.schedule<int8_dot
// RUN: env LOWBIT_NUM_THREADS=1 lowbit-run %s --function=narrow --input=@%t/u4.npy --input=@%t/u4z.npy --input=@%t/u2.npy --input=@%t/u2z.npy --input=@%t/s4.npy --input=@%t/s4z.npy --input=@%t/f8.npy --input=@%t/f8s.npy --input=@%t/f8z.npy --input=@%t/b.npy --input=@%t/fz.npy --input=@%t/bs.npy --input=@%t/as.npy --input=@%t/w.npy --input=@%t/w4.npy --input=@%t/z4.npy --input=@%t/s.npy --output=@%t/o1a.npy --output=@%t/o1b.npy --output=@%t/o1c.npy --output=@%t/o1d.npy --output=@%t/o1e.npy --output=@%t/o1f.npy
// RUN: env LOWBIT_NUM_THREADS=2 lowbit-run %s --function=narrow --thread-work-us=0 --input=@%t/u4.npy --input=@%t/u4z.npy --input=@%t/u2.npy --input=@%t/u2z.npy --input=@%t/s4.npy --input=@%t/s4z.npy --input=@%t/f8.npy --input=@%t/f8s.npy --input=@%t/f8z.npy --input=@%t/b.npy --input=@%t/fz.npy --input=@%t/bs.npy --input=@%t/as.npy --input=@%t/w.npy --input=@%t/w4.npy --input=@%t/z4.npy --input=@%t/s.npy --output=@%t/o2a.npy --output=@%t/o2b.npy --output=@%t/o2c.npy --output=@%t/o2d.npy --output=@%t/o2e.npy --output=@%t/o2f.npy
// RUN: lowbit-run %s --function=narrow --engine=reference --input=@%t/u4.npy --input=@%t/u4z.npy --input=@%t/u2.npy --input=@%t/u2z.npy --input=@%t/s4.npy --input=@%t/s4z.npy --input=@%t/f8.npy --input=@%t/f8s.npy --input=@%t/f8z.npy --input=@%t/b.npy --input=@%t/fz.npy --input=@%t/bs.npy --input=@%t/as.npy --input=@%t/w.npy --input=@%t/w4.npy --input=@%t/z4.npy --input=@%t/s.npy --output=@%t/ora.npy --output=@%t/orb.npy --output=@%t/orc.npy --output=@%t/ord.npy --output=@%t/ore.npy --output=@%t/orf.npy
// RUN: for x in a b c d e f; do for t in 1 2; do lowbit-npy compare %t/or$x.npy %t/o$t$x.npy --atol=1e-3 --rtol=1e-5; done; done | FileCheck %s --check-prefix=NCMP
// NCMP-COUNT-12: compare: 259 elements, max abs error
// NCMP-NOT: compare
func.func @narrow(%u4: tensor<7x200xui4>, %u4z: tensor<7xui4>, %u2: tensor<7x200xui2>,
                  %u2z: tensor<ui2>, %s4: tensor<7x200xsi4>, %s4z: tensor<7xsi4>,
                  %f8: tensor<7x200xf8E4M3FN>, %f8s: tensor<7xf16>, %f8z: tensor<7xf16>,
                  %b: tensor<7x200xsi8>,
                  %fz: tensor<f32>, %bs: tensor<7xf32>, %as: tensor<f32>,
                  %w: tensor<37x200xsi4>, %w4: tensor<37x200xui4>, %z4: tensor<37x7xui4>,
                  %s: tensor<37x7xf16>)
    -> (tensor<7x37xf32>, tensor<7x37xf32>, tensor<7x37xf32>, tensor<7x37xf32>,
        tensor<7x37xf32>, tensor<7x37xf32>) {
  %ya = lowbit.mpgemm %u4, %w scale(%s) act_scale(%bs) act_zero(%u4z)
         {weight_scheme = #lowbit.scheme<group(axis = 1, size = 32), scale = f16>,
          act_scheme = #lowbit.scheme<per_channel(axis = 0), scale = f32, zero = int>}
         : (tensor<7x200xui4>, tensor<37x200xsi4>, tensor<37x7xf16>, tensor<7xf32>,
            tensor<7xui4>) -> tensor<7x37xf32>
  %yb = lowbit.mpgemm %u2, %w4 scale(%s) zero(%z4) act_scale(%as) act_zero(%u2z)
         {weight_scheme = #lowbit.scheme<group(axis = 1, size = 32), scale = f16, zero = int>,
          act_scheme = #lowbit.scheme<per_tensor, scale = f32, zero = int>}
         : (tensor<7x200xui2>, tensor<37x200xui4>, tensor<37x7xf16>, tensor<37x7xui4>,
            tensor<f32>, tensor<ui2>) -> tensor<7x37xf32>
  %yc = lowbit.mpgemm %u4, %w scale(%s) act_scale(%bs)
         {weight_scheme = #lowbit.scheme<group(axis = 1, size = 32), scale = f16>,
          act_scheme = #lowbit.scheme<per_channel(axis = 0), scale = f32>}
         : (tensor<7x200xui4>, tensor<37x200xsi4>, tensor<37x7xf16>, tensor<7xf32>)
        -> tensor<7x37xf32>
  %yd = lowbit.mpgemm %s4, %w4 scale(%s) zero(%z4) act_scale(%bs) act_zero(%s4z)
         {schedule = #lowbit.schedule<fma, workers = 8, tile = [4, 16, 32], scale_groups = 2>,
          weight_scheme = #lowbit.scheme<group(axis = 1, size = 32), scale = f16, zero = int>,
          act_scheme = #lowbit.scheme<per_channel(axis = 0), scale = f32, zero = int>}
         : (tensor<7x200xsi4>, tensor<37x200xui4>, tensor<37x7xf16>, tensor<37x7xui4>,
            tensor<7xf32>, tensor<7xsi4>) -> tensor<7x37xf32>
  %ye = lowbit.mpgemm %f8, %w scale(%s) act_scale(%f8s) act_zero(%f8z)
         {weight_scheme = #lowbit.scheme<group(axis = 1, size = 32), scale = f16>,
          act_scheme = #lowbit.scheme<per_channel(axis = 0), scale = f16, zero = float>}
         : (tensor<7x200xf8E4M3FN>, tensor<37x200xsi4>, tensor<37x7xf16>, tensor<7xf16>,
            tensor<7xf16>) -> tensor<7x37xf32>
  %yf = lowbit.mpgemm %b, %w4 scale(%s) zero(%z4) act_scale(%as) act_zero(%fz)
         {weight_scheme = #lowbit.scheme<group(axis = 1, size = 32), scale = f16, zero = int>,
          act_scheme = #lowbit.scheme<per_tensor, scale = f32, zero = float>}
         : (tensor<7x200xsi8>, tensor<37x200xui4>, tensor<37x7xf16>, tensor<37x7xui4>,
            tensor<f32>, tensor<f32>) -> tensor<7x37xf32>
  return %ya, %yb, %yc, %yd, %ye, %yf
      : tensor<7x37xf32>, tensor<7x37xf32>, tensor<7x37xf32>, tensor<7x37xf32>,
        tensor<7x37xf32>, tensor<7x37xf32>
}
