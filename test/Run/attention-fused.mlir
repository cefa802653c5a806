// The fused attention kernel (float K and V caches through lowbit-to-tile: online softmax,
// parts of the cached sequence merged by a second kernel) against the scalar reference
// (double) on random data, fresh per lit run (see %seed): grouped-query heads, causal and
// additive masks with -inf entries, sinks, soft-capping, f16 and bf16 tensors, more queries
// than keys, head dimensions that are not multiples of 8; 1 and 2 threads and the SIMT
// emulation. f32 results within 1e-4, f16 within about one ulp.
// RUN: rm -rf %t && mkdir -p %t

// GQA 4 / 2, causal, a mask broadcast over heads with about one -inf in five, Skv = 37 in 3
// parts of 16 tokens (the last one short), B = 2.
// RUN: lowbit-npy random --type=2x4x3x16xf32 --seed=%seed1 -o %t/gqa.q.npy
// RUN: lowbit-npy random --type=2x2x37x16xf32 --seed=%seed2 -o %t/gqa.k.npy
// RUN: lowbit-npy random --type=2x2x37x8xf32 --seed=%seed3 -o %t/gqa.v.npy
// RUN: %python -c "import numpy as np; r = np.random.default_rng(%seed4); m = r.uniform(-2, 0, (2, 1, 3, 37)).astype(np.float32); m[r.uniform(size=m.shape) < 0.2] = -np.inf; np.save('%t/gqa.m.npy', m)"
// RUN: lowbit-run %s --function=gqa_causal_mask --engine=reference --input=@%t/gqa.q.npy --input=@%t/gqa.k.npy --input=@%t/gqa.v.npy --input=@%t/gqa.m.npy --output=@%t/gqa.ref.npy
// RUN: env LOWBIT_NUM_THREADS=1 lowbit-run %s --function=gqa_causal_mask --input=@%t/gqa.q.npy --input=@%t/gqa.k.npy --input=@%t/gqa.v.npy --input=@%t/gqa.m.npy --output=@%t/gqa.1.npy
// RUN: env LOWBIT_NUM_THREADS=2 lowbit-run %s --function=gqa_causal_mask --input=@%t/gqa.q.npy --input=@%t/gqa.k.npy --input=@%t/gqa.v.npy --input=@%t/gqa.m.npy --output=@%t/gqa.2.npy
// RUN: lowbit-run %s --function=gqa_causal_mask --simd=never --input=@%t/gqa.q.npy --input=@%t/gqa.k.npy --input=@%t/gqa.v.npy --input=@%t/gqa.m.npy --output=@%t/gqa.e.npy
// RUN: lowbit-npy compare %t/gqa.ref.npy %t/gqa.1.npy --atol=1e-4 --rtol=1e-4 | FileCheck %s --check-prefix=GQA
// RUN: lowbit-npy compare %t/gqa.ref.npy %t/gqa.2.npy --atol=1e-4 --rtol=1e-4 | FileCheck %s --check-prefix=GQA
// RUN: lowbit-npy compare %t/gqa.ref.npy %t/gqa.e.npy --atol=1e-4 --rtol=1e-4 | FileCheck %s --check-prefix=GQA
// GQA: compare: 192 elements, max abs error
// GQA-NOT: FAILED
func.func @gqa_causal_mask(%q: tensor<2x4x3x16xf32>, %k: tensor<2x2x37x16xf32>,
                           %v: tensor<2x2x37x8xf32>, %m: tensor<2x1x3x37xf32>)
    -> tensor<2x4x3x8xf32> {
  %o = lowbit.attention %q, %k, %v mask(%m)
         {causal, schedule = #lowbit.schedule<fma, workers = 8, tile = [8, 16, 8],
                                              split_k = 3>}
         : (tensor<2x4x3x16xf32>, tensor<2x2x37x16xf32>, tensor<2x2x37x8xf32>,
            tensor<2x1x3x37xf32>) -> tensor<2x4x3x8xf32>
  return %o : tensor<2x4x3x8xf32>
}

// A decode step in f16: one query per head, 8 query heads over 2 KV heads, 300 cached
// tokens (the cost model's parts), attention sinks and soft-capping, f16 result.
// RUN: lowbit-npy random --type=1x8x1x64xf16 --seed=%seed5 -o %t/dec.q.npy
// RUN: lowbit-npy random --type=1x2x300x64xf16 --seed=%seed6 -o %t/dec.k.npy
// RUN: lowbit-npy random --type=1x2x300x64xf16 --seed=%seed7 -o %t/dec.v.npy
// RUN: lowbit-npy random --type=8xf32 --min=-1 --max=3 --seed=%seed8 -o %t/dec.s.npy
// RUN: lowbit-run %s --function=decode_sinks_softcap --engine=reference --input=@%t/dec.q.npy --input=@%t/dec.k.npy --input=@%t/dec.v.npy --input=@%t/dec.s.npy --output=@%t/dec.ref.npy
// RUN: env LOWBIT_NUM_THREADS=2 lowbit-run %s --function=decode_sinks_softcap --input=@%t/dec.q.npy --input=@%t/dec.k.npy --input=@%t/dec.v.npy --input=@%t/dec.s.npy --output=@%t/dec.jit.npy
// RUN: lowbit-npy compare %t/dec.ref.npy %t/dec.jit.npy --atol=1e-3 --rtol=2e-3 | FileCheck %s --check-prefix=DECODE
// DECODE: compare: 512 elements, max abs error
// DECODE-NOT: FAILED
func.func @decode_sinks_softcap(%q: tensor<1x8x1x64xf16>, %k: tensor<1x2x300x64xf16>,
                                %v: tensor<1x2x300x64xf16>, %s: tensor<8xf32>)
    -> tensor<1x8x1x64xf16> {
  %o = lowbit.attention %q, %k, %v sinks(%s) {causal, softcap = 2.5 : f32}
         : (tensor<1x8x1x64xf16>, tensor<1x2x300x64xf16>, tensor<1x2x300x64xf16>,
            tensor<8xf32>) -> tensor<1x8x1x64xf16>
  return %o : tensor<1x8x1x64xf16>
}

// Causal prefill in bf16 with an f32 result: 2 heads, 40 queries over 40 keys (two rows per
// lane), an explicit softmax_scale.
// RUN: lowbit-npy random --type=1x2x40x32xbf16 --seed=%seed9 -o %t/pre.q.npy
// RUN: lowbit-npy random --type=1x2x40x32xbf16 --seed=%seed10 -o %t/pre.k.npy
// RUN: lowbit-npy random --type=1x2x40x32xbf16 --seed=%seed11 -o %t/pre.v.npy
// RUN: lowbit-run %s --function=prefill_bf16 --engine=reference --input=@%t/pre.q.npy --input=@%t/pre.k.npy --input=@%t/pre.v.npy --output=@%t/pre.ref.npy
// RUN: lowbit-run %s --function=prefill_bf16 --input=@%t/pre.q.npy --input=@%t/pre.k.npy --input=@%t/pre.v.npy --output=@%t/pre.jit.npy
// RUN: lowbit-npy compare %t/pre.ref.npy %t/pre.jit.npy --atol=1e-4 --rtol=1e-4 | FileCheck %s --check-prefix=PREFILL
// PREFILL: compare: 2560 elements, max abs error
// PREFILL-NOT: FAILED
func.func @prefill_bf16(%q: tensor<1x2x40x32xbf16>, %k: tensor<1x2x40x32xbf16>,
                        %v: tensor<1x2x40x32xbf16>) -> tensor<1x2x40x32xf32> {
  %o = lowbit.attention %q, %k, %v {causal, softmax_scale = 0.3 : f32}
         : (tensor<1x2x40x32xbf16>, tensor<1x2x40x32xbf16>, tensor<1x2x40x32xbf16>)
         -> tensor<1x2x40x32xf32>
  return %o : tensor<1x2x40x32xf32>
}

// More queries than keys, causal: the first two queries see no key and give 0. Head
// dimensions 12 and 6 (steps of 2), 3 query heads over 1 KV head.
// RUN: lowbit-npy random --type=1x3x5x12xf32 --seed=%seed12 -o %t/few.q.npy
// RUN: lowbit-npy random --type=1x1x3x12xf32 --seed=%seed13 -o %t/few.k.npy
// RUN: lowbit-npy random --type=1x1x3x6xf32 --seed=%seed14 -o %t/few.v.npy
// RUN: lowbit-run %s --function=few_keys --engine=reference --input=@%t/few.q.npy --input=@%t/few.k.npy --input=@%t/few.v.npy --output=@%t/few.ref.npy
// RUN: lowbit-run %s --function=few_keys --input=@%t/few.q.npy --input=@%t/few.k.npy --input=@%t/few.v.npy --output=@%t/few.jit.npy
// RUN: lowbit-npy compare %t/few.ref.npy %t/few.jit.npy --atol=1e-5 --rtol=1e-4 | FileCheck %s --check-prefix=FEW
// RUN: lowbit-npy print %t/few.jit.npy | FileCheck %s --check-prefix=ZERO
// FEW: compare: 90 elements, max abs error
// FEW-NOT: FAILED
// ZERO: tensor<1x3x5x6xf32>
// ZERO-NEXT: {{^\[\[\[\[ *0 +0 +0 +0 +0 +0\]$}}
// ZERO-NEXT: {{^ +\[ *0 +0 +0 +0 +0 +0\]$}}
func.func @few_keys(%q: tensor<1x3x5x12xf32>, %k: tensor<1x1x3x12xf32>,
                    %v: tensor<1x1x3x6xf32>) -> tensor<1x3x5x6xf32> {
  %o = lowbit.attention %q, %k, %v {causal}
         : (tensor<1x3x5x12xf32>, tensor<1x1x3x12xf32>, tensor<1x1x3x6xf32>)
         -> tensor<1x3x5x6xf32>
  return %o : tensor<1x3x5x6xf32>
}
