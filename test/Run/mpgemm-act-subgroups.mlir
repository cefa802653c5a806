// Activation scales in groups along K smaller than the weights' groups (dividing them) through
// the fast path: each activation group's partial sum, less its zero points' share (through
// activation sums per activation group), is scaled by its rows' activation scale before the
// weight scale. int8 activations in groups of 16 against weights in groups of 32 with zero
// points, in interchange packing and prepacked; fp8 activations in groups of 16 (fma); and
// per-channel weights with zero points under activation groups of 40 (five per row of K).
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
