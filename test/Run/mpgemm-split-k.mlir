// Split K (split_k = S): each part of K, whole blocks of groups, is computed by blocks of a
// third grid dimension into f32 partial results that a second kernel sums into the result
// type. Against the reference interpreter on 1 and 2 threads, at M = 7, N = 37, K = 200 (the
// last group partial), for the three families: int8_dot with weight and activation zero
// points, per-token activation scales, a bias (added once) and an f16 result, prepacked
// weights; fma with f32 activations, zero points and a bias in interchange packing, three
// parts of seven groups (the last part shorter); lut with 2-bit weights and f16 activations.
// RUN: rm -rf %t && mkdir -p %t
// RUN: lowbit-npy random --type=7x200xui8 --seed=%seed1 -o %t/a.npy
// RUN: lowbit-npy random --type=7xf32 --min=0.001 --max=0.02 --seed=%seed2 -o %t/as.npy
// RUN: lowbit-npy random --type=7xui8 --min=100 --max=150 --seed=%seed3 -o %t/az.npy
// RUN: lowbit-npy random --type=37x200xui4 --seed=%seed4 -o %t/w.npy
// RUN: lowbit-npy random --type=37x7xf16 --min=0.01 --max=0.1 --seed=%seed5 -o %t/s.npy
// RUN: lowbit-npy random --type=37x7xui4 --seed=%seed6 -o %t/z.npy
// RUN: lowbit-npy random --type=37xf32 --seed=%seed7 -o %t/b.npy
// RUN: lowbit-npy random --type=7x200xf32 --seed=%seed8 -o %t/f.npy
// RUN: lowbit-npy random --type=37x200xui2 --seed=%seed9 -o %t/w2.npy
// RUN: lowbit-npy random --type=7x200xf16 --seed=%seed10 -o %t/h.npy

// The grid's third dimension, the partial results' buffer and the sum kernel.
// RUN: lowbit-opt %s --lowbit-pipeline-linalg="target-cpu=znver3" | FileCheck %s --check-prefix=IR
// IR-LABEL: tile.kernel @mpgemm_0(
// IR-SAME: grid [3, 1, 4] workers 8
// IR: tile.block_index 2
// IR-LABEL: tile.kernel @mpgemm_split_sum_0(%{{.+}}: memref<?xf32>, %{{.+}}: memref<?xf16>) grid [7, 1] workers 8
// IR-COUNT-4: tile.load_global
// IR-NOT: tile.load_global
// IR: tile.store_global
// IR-LABEL: func.func @int8_parts(
// IR: memref.alloc() : memref<1184xf32>
// IR: tile.launch @mpgemm_0(
// IR-NEXT: tile.launch @mpgemm_split_sum_0(

// RUN: env LOWBIT_NUM_THREADS=1 lowbit-run %s --function=int8_parts --input=@%t/a.npy --input=@%t/as.npy --input=@%t/az.npy --input=@%t/w.npy --input=@%t/s.npy --input=@%t/z.npy --input=@%t/b.npy --output=@%t/i1.npy
// RUN: env LOWBIT_NUM_THREADS=2 lowbit-run %s --function=int8_parts --thread-work-us=0 --input=@%t/a.npy --input=@%t/as.npy --input=@%t/az.npy --input=@%t/w.npy --input=@%t/s.npy --input=@%t/z.npy --input=@%t/b.npy --output=@%t/i2.npy
// RUN: lowbit-run %s --function=int8_parts --engine=reference --input=@%t/a.npy --input=@%t/as.npy --input=@%t/az.npy --input=@%t/w.npy --input=@%t/s.npy --input=@%t/z.npy --input=@%t/b.npy --output=@%t/ir.npy
// RUN: lowbit-npy compare %t/ir.npy %t/i1.npy --atol=2e-2 --rtol=2e-3 | FileCheck %s --check-prefix=CMP
// RUN: lowbit-npy compare %t/ir.npy %t/i2.npy --atol=2e-2 --rtol=2e-3 | FileCheck %s --check-prefix=CMP
// CMP: compare: 259 elements, max abs error
func.func @int8_parts(%a: tensor<7x200xui8>, %as: tensor<7xf32>, %az: tensor<7xui8>,
                      %w: tensor<37x200xui4> {lowbit.prepack}, %s: tensor<37x7xf16>,
                      %z: tensor<37x7xui4>, %b: tensor<37xf32>) -> tensor<7x37xf16> {
  %y = lowbit.mpgemm %a, %w scale(%s) zero(%z) act_scale(%as) act_zero(%az) bias(%b)
         {weight_scheme = #lowbit.scheme<group(axis = 1, size = 32), scale = f16, zero = int>,
          act_scheme = #lowbit.scheme<per_channel(axis = 0), scale = f32, zero = int>,
          schedule = #lowbit.schedule<int8_dot, workers = 8, tile = [8, 16, 32],
                                      packing = prepacked, scale_groups = 2, split_k = 4>}
         : (tensor<7x200xui8>, tensor<37x200xui4>, tensor<37x7xf16>, tensor<37x7xui4>,
            tensor<7xf32>, tensor<7xui8>, tensor<37xf32>) -> tensor<7x37xf16>
  return %y : tensor<7x37xf16>
}

// RUN: env LOWBIT_NUM_THREADS=1 lowbit-run %s --function=fma_parts --input=@%t/f.npy --input=@%t/w.npy --input=@%t/s.npy --input=@%t/z.npy --input=@%t/b.npy --output=@%t/f1.npy
// RUN: env LOWBIT_NUM_THREADS=2 lowbit-run %s --function=fma_parts --thread-work-us=0 --input=@%t/f.npy --input=@%t/w.npy --input=@%t/s.npy --input=@%t/z.npy --input=@%t/b.npy --output=@%t/f2.npy
// RUN: lowbit-run %s --function=fma_parts --engine=reference --input=@%t/f.npy --input=@%t/w.npy --input=@%t/s.npy --input=@%t/z.npy --input=@%t/b.npy --output=@%t/fr.npy
// RUN: lowbit-npy compare %t/fr.npy %t/f1.npy --atol=1e-4 --rtol=1e-5 | FileCheck %s --check-prefix=CMP
// RUN: lowbit-npy compare %t/fr.npy %t/f2.npy --atol=1e-4 --rtol=1e-5 | FileCheck %s --check-prefix=CMP
func.func @fma_parts(%a: tensor<7x200xf32>, %w: tensor<37x200xui4>, %s: tensor<37x7xf16>,
                     %z: tensor<37x7xui4>, %b: tensor<37xf32>) -> tensor<7x37xf32> {
  %y = lowbit.mpgemm %a, %w scale(%s) zero(%z) bias(%b)
         {weight_scheme = #lowbit.scheme<group(axis = 1, size = 32), scale = f16, zero = int>,
          schedule = #lowbit.schedule<fma, workers = 8, tile = [1, 16, 32],
                                      packing = interchange, scale_groups = 2, split_k = 3>}
         : (tensor<7x200xf32>, tensor<37x200xui4>, tensor<37x7xf16>, tensor<37x7xui4>,
            tensor<37xf32>) -> tensor<7x37xf32>
  return %y : tensor<7x37xf32>
}

// RUN: env LOWBIT_NUM_THREADS=2 lowbit-run %s --function=lut_parts --thread-work-us=0 --input=@%t/h.npy --input=@%t/w2.npy --input=@%t/s.npy --output=@%t/l2.npy
// RUN: lowbit-run %s --function=lut_parts --engine=reference --input=@%t/h.npy --input=@%t/w2.npy --input=@%t/s.npy --output=@%t/lr.npy
// RUN: lowbit-npy compare %t/lr.npy %t/l2.npy --atol=1e-4 --rtol=1e-5 | FileCheck %s --check-prefix=CMP
func.func @lut_parts(%a: tensor<7x200xf16>, %w: tensor<37x200xui2>, %s: tensor<37x7xf16>)
    -> tensor<7x37xf32> {
  %y = lowbit.mpgemm %a, %w scale(%s)
         {weight_scheme = #lowbit.scheme<group(axis = 1, size = 32), scale = f16>,
          schedule = #lowbit.schedule<lut, workers = 8, tile = [1, 16, 32], split_k = 7>}
         : (tensor<7x200xf16>, tensor<37x200xui2>, tensor<37x7xf16>) -> tensor<7x37xf32>
  return %y : tensor<7x37xf32>
}
