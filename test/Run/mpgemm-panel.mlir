// Panel schedules (panel = P): each block decodes its columns' weights chunk by chunk into an
// f32 panel in shared memory and runs its tiles of rows against it on packed activations.
// Against the reference interpreter on fresh random inputs, on 1 and 2 threads and in the SIMT
// emulation (--simd=never), at odd shapes:
// - @grouped: M = 37 in blocks of 12 rows (the last block one row, its tile moved back to end
//   at M), N = 40 in interchange packing (the last block of columns moved back), K = 520 in 13
//   groups of 40 with packed integer zero points, blocks of 2 groups (the last one partial) and
//   3 chunks of 240 codes (the last 40 long), a bias;
// - @per_channel: f16 activations (packed as f32), signed 8-bit weights per channel prepacked
//   at run time (N = 24: the second block of 16 columns lies partly outside N), K = 100 (the
//   last step of 32 codes partial), an f16 result;
// - @codebook: NF4 codes with bf16 scales in groups of 64 and 4-bit floats with E8M0 scales
//   in groups of 32, on one activation (M = 32, one block of rows).
// RUN: rm -rf %t && mkdir -p %t
// RUN: lowbit-npy random --type=37x520xf32 --seed=%seed1 -o %t/a.npy
// RUN: lowbit-npy random --type=40x520xui4 --seed=%seed2 -o %t/w.npy
// RUN: lowbit-npy random --type=40x13xf16 --min=0.01 --max=0.1 --seed=%seed3 -o %t/s.npy
// RUN: lowbit-npy random --type=40x13xui4 --seed=%seed4 -o %t/z.npy
// RUN: lowbit-npy random --type=40xf32 --seed=%seed5 -o %t/b.npy
// RUN: lowbit-npy random --type=33x100xf16 --seed=%seed6 -o %t/ah.npy
// RUN: lowbit-npy random --type=24x100xsi8 --seed=%seed7 -o %t/w8.npy
// RUN: lowbit-npy random --type=24xf32 --min=0.001 --max=0.01 --seed=%seed8 -o %t/s8.npy
// RUN: lowbit-npy random --type=32x192xf32 --seed=%seed9 -o %t/ac.npy
// RUN: lowbit-npy random --type=20x192xui4 --seed=%seed10 -o %t/wn.npy
// RUN: lowbit-npy random --type=20x3xbf16 --min=0.01 --max=0.1 --seed=%seed11 -o %t/sn.npy
// RUN: lowbit-npy random --type=20x192xf4E2M1FN --seed=%seed12 -o %t/wf.npy
// RUN: lowbit-npy random --type=20x6xf8E8M0FNU --min=0.25 --max=2 --seed=%seed13 -o %t/sf.npy

// The kernels: the activations packed by a kernel of their own (buildActivationPackKernel,
// lib/Conversion/LowbitToTile/MpgemmSideKernels.cpp), no activation sums (the
// zero points are applied as the panel is decoded), the panel and the accumulators in shared
// memory, the SIMD lowering taking the whole kernel.
// RUN: lowbit-opt %s --lowbit-to-tile | FileCheck %s --check-prefix=TILE
// TILE-LABEL: tile.kernel @mpgemm_pack
// TILE-SAME: grid [7, 3]
// TILE: scf.for
// TILE: tile.store_global {{.*}} : !tile.reg<6x8xf32,
// TILE-LABEL: tile.kernel @mpgemm_{{[0-9]+}}(
// TILE-SAME: grid [3, 4]
// TILE-DAG: tile.alloc_shared : !tile.shared<240x16xf32>
// TILE-DAG: tile.alloc_shared : !tile.shared<12x16xf32>
// TILE: tile.store_shared {{.*}} !tile.shared<240x16xf32>
// TILE: tile.load_shared {{.*}} !tile.shared<240x16xf32> -> !tile.reg<8x16xf32
// TILE: tile.dot
// TILE-LABEL: func.func @grouped(
// TILE-NOT: mpgemm_sums
// TILE: tile.launch @mpgemm_pack
// TILE: tile.launch @mpgemm_
// RUN: lowbit-opt %s --lowbit-to-tile --tile-to-cpu="simd=always target-cpu=znver3" -o /dev/null

// RUN: env LOWBIT_NUM_THREADS=1 lowbit-run %s --function=grouped --input=@%t/a.npy --input=@%t/w.npy --input=@%t/s.npy --input=@%t/z.npy --input=@%t/b.npy --output=@%t/g1.npy
// RUN: env LOWBIT_NUM_THREADS=2 lowbit-run %s --function=grouped --thread-work-us=0 --input=@%t/a.npy --input=@%t/w.npy --input=@%t/s.npy --input=@%t/z.npy --input=@%t/b.npy --output=@%t/g2.npy
// RUN: lowbit-run %s --function=grouped --simd=never --input=@%t/a.npy --input=@%t/w.npy --input=@%t/s.npy --input=@%t/z.npy --input=@%t/b.npy --output=@%t/ge.npy
// RUN: lowbit-run %s --function=grouped --engine=reference --input=@%t/a.npy --input=@%t/w.npy --input=@%t/s.npy --input=@%t/z.npy --input=@%t/b.npy --output=@%t/gr.npy
// RUN: lowbit-npy compare %t/gr.npy %t/g1.npy --atol=1e-4 --rtol=1e-4 | FileCheck %s --check-prefix=GROUPED
// RUN: lowbit-npy compare %t/gr.npy %t/g2.npy --atol=1e-4 --rtol=1e-4 | FileCheck %s --check-prefix=GROUPED
// RUN: lowbit-npy compare %t/gr.npy %t/ge.npy --atol=1e-4 --rtol=1e-4 | FileCheck %s --check-prefix=GROUPED
// GROUPED: compare: 1480 elements, max abs error
func.func @grouped(%a: tensor<37x520xf32>, %w: tensor<40x520xui4>, %s: tensor<40x13xf16>,
                   %z: tensor<40x13xui4>, %b: tensor<40xf32>) -> tensor<37x40xf32> {
  %y = lowbit.mpgemm %a, %w scale(%s) zero(%z) bias(%b)
         {weight_scheme = #lowbit.scheme<group(axis = 1, size = 40), scale = f16, zero = int>,
          schedule = #lowbit.schedule<fma, workers = 8, tile = [6, 16, 8], packing = interchange,
                                      scale_groups = 2, panel = 12>}
         : (tensor<37x520xf32>, tensor<40x520xui4>, tensor<40x13xf16>, tensor<40x13xui4>,
            tensor<40xf32>) -> tensor<37x40xf32>
  return %y : tensor<37x40xf32>
}

// RUN: env LOWBIT_NUM_THREADS=1 lowbit-run %s --function=per_channel --input=@%t/ah.npy --input=@%t/w8.npy --input=@%t/s8.npy --output=@%t/p1.npy
// RUN: env LOWBIT_NUM_THREADS=2 lowbit-run %s --function=per_channel --thread-work-us=0 --input=@%t/ah.npy --input=@%t/w8.npy --input=@%t/s8.npy --output=@%t/p2.npy
// RUN: lowbit-run %s --function=per_channel --simd=never --input=@%t/ah.npy --input=@%t/w8.npy --input=@%t/s8.npy --output=@%t/pe.npy
// RUN: lowbit-run %s --function=per_channel --engine=reference --input=@%t/ah.npy --input=@%t/w8.npy --input=@%t/s8.npy --output=@%t/pr.npy
// RUN: lowbit-npy compare %t/pr.npy %t/p1.npy --atol=2e-3 --rtol=2e-3 | FileCheck %s --check-prefix=CHANNEL
// RUN: lowbit-npy compare %t/pr.npy %t/p2.npy --atol=2e-3 --rtol=2e-3 | FileCheck %s --check-prefix=CHANNEL
// RUN: lowbit-npy compare %t/pr.npy %t/pe.npy --atol=2e-3 --rtol=2e-3 | FileCheck %s --check-prefix=CHANNEL
// CHANNEL: compare: 792 elements, max abs error
func.func @per_channel(%a: tensor<33x100xf16>, %w: tensor<24x100xsi8> {lowbit.prepack},
                       %s: tensor<24xf32>) -> tensor<33x24xf16> {
  %y = lowbit.mpgemm %a, %w scale(%s)
         {weight_scheme = #lowbit.scheme<per_channel(axis = 0), scale = f32>,
          schedule = #lowbit.schedule<fma, workers = 8, tile = [6, 16, 32], packing = prepacked,
                                      panel = 36>}
         : (tensor<33x100xf16>, tensor<24x100xsi8>, tensor<24xf32>) -> tensor<33x24xf16>
  return %y : tensor<33x24xf16>
}

// RUN: env LOWBIT_NUM_THREADS=2 lowbit-run %s --function=codebook --thread-work-us=0 --input=@%t/ac.npy --input=@%t/wn.npy --input=@%t/sn.npy --input=@%t/wf.npy --input=@%t/sf.npy --output=@%t/cn.npy --output=@%t/cf.npy
// RUN: lowbit-run %s --function=codebook --engine=reference --input=@%t/ac.npy --input=@%t/wn.npy --input=@%t/sn.npy --input=@%t/wf.npy --input=@%t/sf.npy --output=@%t/rn.npy --output=@%t/rf.npy
// RUN: lowbit-npy compare %t/rn.npy %t/cn.npy --atol=1e-4 --rtol=1e-4 | FileCheck %s --check-prefix=BOOK
// RUN: lowbit-npy compare %t/rf.npy %t/cf.npy --atol=1e-4 --rtol=1e-4 | FileCheck %s --check-prefix=BOOK
// BOOK: compare: 640 elements, max abs error
func.func @codebook(%a: tensor<32x192xf32>, %wn: tensor<20x192xui4>, %sn: tensor<20x3xbf16>,
                    %wf: tensor<20x192xf4E2M1FN>, %sf: tensor<20x6xf8E8M0FNU>)
    -> (tensor<32x20xf32>, tensor<32x20xf32>) {
  %yn = lowbit.mpgemm %a, %wn scale(%sn)
          {weight_scheme = #lowbit.scheme<group(axis = 1, size = 64), scale = bf16, codebook = nf4>,
           schedule = #lowbit.schedule<fma, workers = 8, tile = [6, 16, 32],
                                       packing = interchange, panel = 36>}
          : (tensor<32x192xf32>, tensor<20x192xui4>, tensor<20x3xbf16>) -> tensor<32x20xf32>
  %yf = lowbit.mpgemm %a, %wf scale(%sf)
          {weight_scheme = #lowbit.scheme<group(axis = 1, size = 32), scale = f8E8M0FNU>,
           schedule = #lowbit.schedule<fma, workers = 8, tile = [6, 16, 32],
                                       packing = interchange, panel = 36>}
          : (tensor<32x192xf32>, tensor<20x192xf4E2M1FN>, tensor<20x6xf8E8M0FNU>)
         -> tensor<32x20xf32>
  return %yn, %yf : tensor<32x20xf32>, tensor<32x20xf32>
}
