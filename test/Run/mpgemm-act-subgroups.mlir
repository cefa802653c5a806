// Activation scales in groups along K that cut the weights' groups (dividing them or not) through
// the fast path: each activation group's partial sum, less its zero points' share (through
// activation sums per activation group), is scaled by its rows' activation scale before the
// weight scale. int8 activations in groups of 16 against weights in groups of 32 with zero
// points, in interchange packing and prepacked; fp8 activations in groups of 16 (fma); and
// per-channel weights with zero points under activation groups of 40 (five per row of K).
// Activation groups that neither divide nor contain the weights' groups: int8 activations in
// groups of 48 against weights in groups of 32 (pieces of gcd = 16 codes), in interchange
// packing and prepacked, fp8 ones in groups of 48 (fma), and per-channel weights under
// activation groups of 64, which do not divide K.
// Against the reference interpreter on 1 and 2 threads, at M = 7, N = 37, K = 200 (the last
// weight and activation groups partial).
// RUN: rm -rf %t && mkdir -p %t
// RUN: lowbit-npy random --type=7x200xsi8 --seed=%seed1 -o %t/a.npy
// RUN: lowbit-npy random --type=7x13xf32 --min=0.001 --max=0.02 --seed=%seed2 -o %t/as16.npy
// RUN: lowbit-npy random --type=7x5xf16 --min=0.001 --max=0.02 --seed=%seed3 -o %t/as40.npy
// RUN: lowbit-npy random --type=37x200xui4 --seed=%seed4 -o %t/w.npy
// RUN: lowbit-npy random --type=37x7xf16 --min=0.01 --max=0.1 --seed=%seed5 -o %t/s.npy
// RUN: lowbit-npy random --type=37x7xui4 --seed=%seed6 -o %t/z.npy
// RUN: lowbit-npy random --type=7x200xf8E4M3FN --seed=%seed7 -o %t/f.npy
// RUN: lowbit-npy random --type=37xf16 --min=0.01 --max=0.1 --seed=%seed8 -o %t/sc.npy
// RUN: lowbit-npy random --type=37xui4 --seed=%seed9 -o %t/zc.npy
// RUN: lowbit-npy random --type=7x5xf32 --min=0.001 --max=0.02 --seed=%seed10 -o %t/as48.npy
// RUN: lowbit-npy random --type=7x4xf16 --min=0.001 --max=0.02 --seed=%seed11 -o %t/as64.npy

// The activation groups' loop inside each weight group, and the sums per activation group.
// RUN: lowbit-opt %s --lowbit-pipeline-linalg="target-cpu=znver3" | FileCheck %s --check-prefix=IR
// IR-LABEL: tile.kernel @mpgemm_sums_0(%{{.+}}: memref<?xi8>, %{{.+}}: memref<?xf32>) grid [7, 13]
// IR-LABEL: tile.kernel @mpgemm_0(
// IR: scf.for
// IR: scf.for
// IR: tile.dot %{{.*}}, %{{.*}}, %{{.*}} : !tile.reg<{{[0-9]+}}x16xsi8,
// IR-LABEL: func.func @groups(

// RUN: env LOWBIT_NUM_THREADS=1 lowbit-run %s --function=groups --input=@%t/a.npy --input=@%t/as16.npy --input=@%t/w.npy --input=@%t/s.npy --input=@%t/z.npy --input=@%t/f.npy --output=@%t/g1.npy --output=@%t/f1.npy
// RUN: env LOWBIT_NUM_THREADS=2 lowbit-run %s --function=groups --thread-work-us=0 --input=@%t/a.npy --input=@%t/as16.npy --input=@%t/w.npy --input=@%t/s.npy --input=@%t/z.npy --input=@%t/f.npy --output=@%t/g2.npy --output=@%t/f2.npy
// RUN: lowbit-run %s --function=groups --engine=reference --input=@%t/a.npy --input=@%t/as16.npy --input=@%t/w.npy --input=@%t/s.npy --input=@%t/z.npy --input=@%t/f.npy --output=@%t/gr.npy --output=@%t/fr.npy
// RUN: lowbit-npy compare %t/gr.npy %t/g1.npy --atol=1e-4 --rtol=1e-5 | FileCheck %s --check-prefix=CMP
// RUN: lowbit-npy compare %t/gr.npy %t/g2.npy --atol=1e-4 --rtol=1e-5 | FileCheck %s --check-prefix=CMP
// RUN: lowbit-npy compare %t/fr.npy %t/f1.npy --atol=1e-3 --rtol=1e-5 | FileCheck %s --check-prefix=CMP
// RUN: lowbit-npy compare %t/fr.npy %t/f2.npy --atol=1e-3 --rtol=1e-5 | FileCheck %s --check-prefix=CMP
// CMP: compare: 259 elements, max abs error
func.func @groups(%a: tensor<7x200xsi8>, %as: tensor<7x13xf32>, %w: tensor<37x200xui4>,
                  %s: tensor<37x7xf16>, %z: tensor<37x7xui4>, %f: tensor<7x200xf8E4M3FN>)
    -> (tensor<7x37xf32>, tensor<7x37xf32>) {
  %g = lowbit.mpgemm %a, %w scale(%s) zero(%z) act_scale(%as)
         {weight_scheme = #lowbit.scheme<group(axis = 1, size = 32), scale = f16, zero = int>,
          act_scheme = #lowbit.scheme<group(axis = 1, size = 16), scale = f32>}
         : (tensor<7x200xsi8>, tensor<37x200xui4>, tensor<37x7xf16>, tensor<37x7xui4>,
            tensor<7x13xf32>) -> tensor<7x37xf32>
  %q = lowbit.mpgemm %f, %w scale(%s) zero(%z) act_scale(%as)
         {weight_scheme = #lowbit.scheme<group(axis = 1, size = 32), scale = f16, zero = int>,
          act_scheme = #lowbit.scheme<group(axis = 1, size = 16), scale = f32>}
         : (tensor<7x200xf8E4M3FN>, tensor<37x200xui4>, tensor<37x7xf16>, tensor<37x7xui4>,
            tensor<7x13xf32>) -> tensor<7x37xf32>
  return %g, %q : tensor<7x37xf32>, tensor<7x37xf32>
}

// RUN: env LOWBIT_NUM_THREADS=2 lowbit-run %s --function=prepacked --thread-work-us=0 --input=@%t/a.npy --input=@%t/as16.npy --input=@%t/w.npy --input=@%t/s.npy --input=@%t/z.npy --output=@%t/p2.npy
// RUN: lowbit-npy compare %t/gr.npy %t/p2.npy --atol=1e-4 --rtol=1e-5 | FileCheck %s --check-prefix=CMP
func.func @prepacked(%a: tensor<7x200xsi8>, %as: tensor<7x13xf32>,
                     %w: tensor<37x200xui4> {lowbit.prepack}, %s: tensor<37x7xf16>,
                     %z: tensor<37x7xui4>) -> tensor<7x37xf32> {
  %y = lowbit.mpgemm %a, %w scale(%s) zero(%z) act_scale(%as)
         {weight_scheme = #lowbit.scheme<group(axis = 1, size = 32), scale = f16, zero = int>,
          act_scheme = #lowbit.scheme<group(axis = 1, size = 16), scale = f32>}
         : (tensor<7x200xsi8>, tensor<37x200xui4>, tensor<37x7xf16>, tensor<37x7xui4>,
            tensor<7x13xf32>) -> tensor<7x37xf32>
  return %y : tensor<7x37xf32>
}

// RUN: env LOWBIT_NUM_THREADS=2 lowbit-run %s --function=per_channel --thread-work-us=0 --input=@%t/a.npy --input=@%t/as40.npy --input=@%t/w.npy --input=@%t/sc.npy --input=@%t/zc.npy --output=@%t/c2.npy
// RUN: lowbit-run %s --function=per_channel --engine=reference --input=@%t/a.npy --input=@%t/as40.npy --input=@%t/w.npy --input=@%t/sc.npy --input=@%t/zc.npy --output=@%t/cr.npy
// RUN: lowbit-npy compare %t/cr.npy %t/c2.npy --atol=1e-4 --rtol=1e-5 | FileCheck %s --check-prefix=CMP
func.func @per_channel(%a: tensor<7x200xsi8>, %as: tensor<7x5xf16>, %w: tensor<37x200xui4>,
                       %s: tensor<37xf16>, %z: tensor<37xui4>) -> tensor<7x37xf32> {
  %y = lowbit.mpgemm %a, %w scale(%s) zero(%z) act_scale(%as)
         {weight_scheme = #lowbit.scheme<per_channel(axis = 0), scale = f16, zero = int>,
          act_scheme = #lowbit.scheme<group(axis = 1, size = 40), scale = f16>}
         : (tensor<7x200xsi8>, tensor<37x200xui4>, tensor<37xf16>, tensor<37xui4>,
            tensor<7x5xf16>) -> tensor<7x37xf32>
  return %y : tensor<7x37xf32>
}

// The pieces' activation group: piece * 16 / 48.
// RUN: lowbit-opt %s --lowbit-pipeline-linalg="target-cpu=znver3" | FileCheck %s --check-prefix=CUT
// CUT-LABEL: tile.kernel @mpgemm_sums_{{[0-9]+}}(%{{.+}}: memref<?xi8>, %{{.+}}: memref<?xf32>) grid [7, 13]
// CUT-LABEL: func.func @cut(
// RUN: env LOWBIT_NUM_THREADS=1 lowbit-run %s --function=cut --input=@%t/a.npy --input=@%t/as48.npy --input=@%t/as64.npy --input=@%t/w.npy --input=@%t/s.npy --input=@%t/z.npy --input=@%t/f.npy --input=@%t/sc.npy --input=@%t/zc.npy --output=@%t/x1.npy --output=@%t/y1.npy --output=@%t/q1.npy --output=@%t/u1.npy
// RUN: env LOWBIT_NUM_THREADS=2 lowbit-run %s --function=cut --thread-work-us=0 --input=@%t/a.npy --input=@%t/as48.npy --input=@%t/as64.npy --input=@%t/w.npy --input=@%t/s.npy --input=@%t/z.npy --input=@%t/f.npy --input=@%t/sc.npy --input=@%t/zc.npy --output=@%t/x2.npy --output=@%t/y2.npy --output=@%t/q2.npy --output=@%t/u2.npy
// RUN: lowbit-run %s --function=cut --engine=reference --input=@%t/a.npy --input=@%t/as48.npy --input=@%t/as64.npy --input=@%t/w.npy --input=@%t/s.npy --input=@%t/z.npy --input=@%t/f.npy --input=@%t/sc.npy --input=@%t/zc.npy --output=@%t/xr.npy --output=@%t/yr.npy --output=@%t/qr.npy --output=@%t/ur.npy
// RUN: lowbit-npy compare %t/xr.npy %t/x1.npy --atol=1e-4 --rtol=1e-5 | FileCheck %s --check-prefix=CMP
// RUN: lowbit-npy compare %t/xr.npy %t/x2.npy --atol=1e-4 --rtol=1e-5 | FileCheck %s --check-prefix=CMP
// RUN: lowbit-npy compare %t/xr.npy %t/y1.npy --atol=1e-4 --rtol=1e-5 | FileCheck %s --check-prefix=CMP
// RUN: lowbit-npy compare %t/xr.npy %t/y2.npy --atol=1e-4 --rtol=1e-5 | FileCheck %s --check-prefix=CMP
// RUN: lowbit-npy compare %t/qr.npy %t/q1.npy --atol=1e-3 --rtol=1e-5 | FileCheck %s --check-prefix=CMP
// RUN: lowbit-npy compare %t/qr.npy %t/q2.npy --atol=1e-3 --rtol=1e-5 | FileCheck %s --check-prefix=CMP
// RUN: lowbit-npy compare %t/ur.npy %t/u1.npy --atol=1e-4 --rtol=1e-5 | FileCheck %s --check-prefix=CMP
// RUN: lowbit-npy compare %t/ur.npy %t/u2.npy --atol=1e-4 --rtol=1e-5 | FileCheck %s --check-prefix=CMP
func.func @cut(%a: tensor<7x200xsi8>, %as: tensor<7x5xf32>, %as64: tensor<7x4xf16>,
               %w: tensor<37x200xui4>, %s: tensor<37x7xf16>, %z: tensor<37x7xui4>,
               %f: tensor<7x200xf8E4M3FN>, %sc: tensor<37xf16>, %zc: tensor<37xui4>)
    -> (tensor<7x37xf32>, tensor<7x37xf32>, tensor<7x37xf32>, tensor<7x37xf32>) {
  %x = lowbit.mpgemm %a, %w scale(%s) zero(%z) act_scale(%as)
         {weight_scheme = #lowbit.scheme<group(axis = 1, size = 32), scale = f16, zero = int>,
          act_scheme = #lowbit.scheme<group(axis = 1, size = 48), scale = f32>}
         : (tensor<7x200xsi8>, tensor<37x200xui4>, tensor<37x7xf16>, tensor<37x7xui4>,
            tensor<7x5xf32>) -> tensor<7x37xf32>
  %y = lowbit.mpgemm %a, %w scale(%s) zero(%z) act_scale(%as)
         {schedule = #lowbit.schedule<int8_dot, workers = 8, tile = [4, 16, 16], packing = prepacked, scale_groups = 2>,
          weight_scheme = #lowbit.scheme<group(axis = 1, size = 32), scale = f16, zero = int>,
          act_scheme = #lowbit.scheme<group(axis = 1, size = 48), scale = f32>}
         : (tensor<7x200xsi8>, tensor<37x200xui4>, tensor<37x7xf16>, tensor<37x7xui4>,
            tensor<7x5xf32>) -> tensor<7x37xf32>
  %q = lowbit.mpgemm %f, %w scale(%s) zero(%z) act_scale(%as)
         {weight_scheme = #lowbit.scheme<group(axis = 1, size = 32), scale = f16, zero = int>,
          act_scheme = #lowbit.scheme<group(axis = 1, size = 48), scale = f32>}
         : (tensor<7x200xf8E4M3FN>, tensor<37x200xui4>, tensor<37x7xf16>, tensor<37x7xui4>,
            tensor<7x5xf32>) -> tensor<7x37xf32>
  %u = lowbit.mpgemm %a, %w scale(%sc) zero(%zc) act_scale(%as64)
         {weight_scheme = #lowbit.scheme<per_channel(axis = 0), scale = f16, zero = int>,
          act_scheme = #lowbit.scheme<group(axis = 1, size = 64), scale = f16>}
         : (tensor<7x200xsi8>, tensor<37x200xui4>, tensor<37xf16>, tensor<37xui4>,
            tensor<7x4xf16>) -> tensor<7x37xf32>
  return %x, %y, %q, %u : tensor<7x37xf32>, tensor<7x37xf32>, tensor<7x37xf32>, tensor<7x37xf32>
}

// Activation zero points per token and group along K, loaded per group or piece and folded
// out of each one's partial sum before its activation scale: int8 activations in groups of 16
// (inside the weights' groups of 32) and ui8 ones in groups of 64 (holding two), through the
// integer dot; ui4 activations in groups of 48 (pieces of 16) with 4-bit zero points; fp8
// activations with float zero points in groups of 48 (fma); and the int8 case through fma.
// RUN: lowbit-npy random --type=7x13xsi8 --seed=%seed12 -o %t/az16.npy
// RUN: lowbit-npy random --type=7x200xui8 --seed=%seed13 -o %t/u8.npy
// RUN: lowbit-npy random --type=7x4xui8 --seed=%seed14 -o %t/az64.npy
// RUN: lowbit-npy random --type=7x200xui4 --seed=%seed15 -o %t/u4.npy
// RUN: lowbit-npy random --type=7x5xui4 --seed=%seed16 -o %t/az48.npy
// RUN: lowbit-npy random --type=7x5xf32 --min=-2 --max=2 --seed=%seed17 -o %t/fz48.npy
// RUN: lowbit-opt %s --lowbit-select-schedules="target-cpu=znver3" | FileCheck %s --check-prefix=ZSCHED
// ZSCHED-LABEL: func.func @zero_groups(
// ZSCHED: schedule = #lowbit.schedule<int8_dot
// ZSCHED: schedule = #lowbit.schedule<int8_dot
// ZSCHED: schedule = #lowbit.schedule<int8_dot
// ZSCHED: schedule = #lowbit.schedule<fma
// RUN: env LOWBIT_NUM_THREADS=1 lowbit-run %s --function=zero_groups --input=@%t/a.npy --input=@%t/as16.npy --input=@%t/az16.npy --input=@%t/u8.npy --input=@%t/as64.npy --input=@%t/az64.npy --input=@%t/u4.npy --input=@%t/as48.npy --input=@%t/az48.npy --input=@%t/f.npy --input=@%t/fz48.npy --input=@%t/w.npy --input=@%t/s.npy --input=@%t/z.npy --output=@%t/za1.npy --output=@%t/zb1.npy --output=@%t/zc1.npy --output=@%t/zd1.npy --output=@%t/ze1.npy
// RUN: env LOWBIT_NUM_THREADS=2 lowbit-run %s --function=zero_groups --thread-work-us=0 --input=@%t/a.npy --input=@%t/as16.npy --input=@%t/az16.npy --input=@%t/u8.npy --input=@%t/as64.npy --input=@%t/az64.npy --input=@%t/u4.npy --input=@%t/as48.npy --input=@%t/az48.npy --input=@%t/f.npy --input=@%t/fz48.npy --input=@%t/w.npy --input=@%t/s.npy --input=@%t/z.npy --output=@%t/za2.npy --output=@%t/zb2.npy --output=@%t/zc2.npy --output=@%t/zd2.npy --output=@%t/ze2.npy
// RUN: lowbit-run %s --function=zero_groups --engine=reference --input=@%t/a.npy --input=@%t/as16.npy --input=@%t/az16.npy --input=@%t/u8.npy --input=@%t/as64.npy --input=@%t/az64.npy --input=@%t/u4.npy --input=@%t/as48.npy --input=@%t/az48.npy --input=@%t/f.npy --input=@%t/fz48.npy --input=@%t/w.npy --input=@%t/s.npy --input=@%t/z.npy --output=@%t/zar.npy --output=@%t/zbr.npy --output=@%t/zcr.npy --output=@%t/zdr.npy --output=@%t/zer.npy
// RUN: for x in a b c d e; do for t in 1 2; do lowbit-npy compare %t/z${x}r.npy %t/z$x$t.npy --atol=1e-3 --rtol=1e-5; done; done | FileCheck %s --check-prefix=ZCMP
// ZCMP-COUNT-10: compare: 259 elements, max abs error
// ZCMP-NOT: compare
func.func @zero_groups(%a: tensor<7x200xsi8>, %as16: tensor<7x13xf32>, %az16: tensor<7x13xsi8>,
                       %u8: tensor<7x200xui8>, %as64: tensor<7x4xf16>, %az64: tensor<7x4xui8>,
                       %u4: tensor<7x200xui4>, %as48: tensor<7x5xf32>, %az48: tensor<7x5xui4>,
                       %f: tensor<7x200xf8E4M3FN>, %fz48: tensor<7x5xf32>,
                       %w: tensor<37x200xui4>, %s: tensor<37x7xf16>, %z: tensor<37x7xui4>)
    -> (tensor<7x37xf32>, tensor<7x37xf32>, tensor<7x37xf32>, tensor<7x37xf32>,
        tensor<7x37xf32>) {
  %ya = lowbit.mpgemm %a, %w scale(%s) zero(%z) act_scale(%as16) act_zero(%az16)
         {weight_scheme = #lowbit.scheme<group(axis = 1, size = 32), scale = f16, zero = int>,
          act_scheme = #lowbit.scheme<group(axis = 1, size = 16), scale = f32, zero = int>}
         : (tensor<7x200xsi8>, tensor<37x200xui4>, tensor<37x7xf16>, tensor<37x7xui4>,
            tensor<7x13xf32>, tensor<7x13xsi8>) -> tensor<7x37xf32>
  %yb = lowbit.mpgemm %u8, %w scale(%s) zero(%z) act_scale(%as64) act_zero(%az64)
         {weight_scheme = #lowbit.scheme<group(axis = 1, size = 32), scale = f16, zero = int>,
          act_scheme = #lowbit.scheme<group(axis = 1, size = 64), scale = f16, zero = int>}
         : (tensor<7x200xui8>, tensor<37x200xui4>, tensor<37x7xf16>, tensor<37x7xui4>,
            tensor<7x4xf16>, tensor<7x4xui8>) -> tensor<7x37xf32>
  %yc = lowbit.mpgemm %u4, %w scale(%s) zero(%z) act_scale(%as48) act_zero(%az48)
         {weight_scheme = #lowbit.scheme<group(axis = 1, size = 32), scale = f16, zero = int>,
          act_scheme = #lowbit.scheme<group(axis = 1, size = 48), scale = f32, zero = int>}
         : (tensor<7x200xui4>, tensor<37x200xui4>, tensor<37x7xf16>, tensor<37x7xui4>,
            tensor<7x5xf32>, tensor<7x5xui4>) -> tensor<7x37xf32>
  %yd = lowbit.mpgemm %f, %w scale(%s) zero(%z) act_scale(%as48) act_zero(%fz48)
         {weight_scheme = #lowbit.scheme<group(axis = 1, size = 32), scale = f16, zero = int>,
          act_scheme = #lowbit.scheme<group(axis = 1, size = 48), scale = f32, zero = float>}
         : (tensor<7x200xf8E4M3FN>, tensor<37x200xui4>, tensor<37x7xf16>, tensor<37x7xui4>,
            tensor<7x5xf32>, tensor<7x5xf32>) -> tensor<7x37xf32>
  %ye = lowbit.mpgemm %a, %w scale(%s) zero(%z) act_scale(%as16) act_zero(%az16)
         {schedule = #lowbit.schedule<fma, workers = 8, tile = [4, 16, 16], scale_groups = 2>,
          weight_scheme = #lowbit.scheme<group(axis = 1, size = 32), scale = f16, zero = int>,
          act_scheme = #lowbit.scheme<group(axis = 1, size = 16), scale = f32, zero = int>}
         : (tensor<7x200xsi8>, tensor<37x200xui4>, tensor<37x7xf16>, tensor<37x7xui4>,
            tensor<7x13xf32>, tensor<7x13xsi8>) -> tensor<7x37xf32>
  return %ya, %yb, %yc, %yd, %ye
      : tensor<7x37xf32>, tensor<7x37xf32>, tensor<7x37xf32>, tensor<7x37xf32>,
        tensor<7x37xf32>
}
