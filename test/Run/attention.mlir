// lowbit.attention end to end: the JIT (f32; the fused kernel, and the reference lowering with
// --fast-path=false) against the scalar reference (double) on random data (fresh per lit run,
// see %seed): KIVI-quantized caches, grouped-query heads, causal masks and additive masks with
// -inf entries. f32 results within 1e-4, f16 within about one ulp.
// RUN: rm -rf %t && mkdir -p %t

// KIVI ui4 cache (keys per channel in groups of 8 tokens, values per token in groups of 8
// channels, integer zero points), GQA 4 / 2, causal, and a mask broadcast over heads with about
// one -inf in five; Skv = 37 (a short last token group), Sq = 3, B = 2.
// RUN: lowbit-npy random --type=2x4x3x16xf32 --seed=%seed1 -o %t/kivi.q.npy
// RUN: lowbit-npy random --type=2x2x37x16xui4 --seed=%seed2 -o %t/kivi.k.npy
// RUN: lowbit-npy random --type=2x2x37x16xui4 --seed=%seed3 -o %t/kivi.v.npy
// RUN: lowbit-npy random --type=2x2x5x16xf16 --min=0.01 --max=0.1 --seed=%seed4 -o %t/kivi.ks.npy
// RUN: lowbit-npy random --type=2x2x5x16xui4 --min=6 --max=9 --seed=%seed5 -o %t/kivi.kz.npy
// RUN: lowbit-npy random --type=2x2x37x2xf16 --min=0.01 --max=0.1 --seed=%seed6 -o %t/kivi.vs.npy
// RUN: lowbit-npy random --type=2x2x37x2xui4 --min=6 --max=9 --seed=%seed7 -o %t/kivi.vz.npy
// RUN: %python -c "import numpy as np; r = np.random.default_rng(%seed8); m = r.uniform(-2, 0, (2, 1, 3, 37)).astype(np.float32); m[r.uniform(size=m.shape) < 0.2] = -np.inf; np.save('%t/kivi.m.npy', m)"
// RUN: lowbit-run %s --function=kivi_gqa_causal_mask --input=@%t/kivi.q.npy --input=@%t/kivi.k.npy --input=@%t/kivi.v.npy --input=@%t/kivi.ks.npy --input=@%t/kivi.kz.npy --input=@%t/kivi.vs.npy --input=@%t/kivi.vz.npy --input=@%t/kivi.m.npy --output=@%t/kivi.jit.npy
// RUN: lowbit-run %s --function=kivi_gqa_causal_mask --engine=reference --input=@%t/kivi.q.npy --input=@%t/kivi.k.npy --input=@%t/kivi.v.npy --input=@%t/kivi.ks.npy --input=@%t/kivi.kz.npy --input=@%t/kivi.vs.npy --input=@%t/kivi.vz.npy --input=@%t/kivi.m.npy --output=@%t/kivi.ref.npy
// RUN: lowbit-npy compare %t/kivi.ref.npy %t/kivi.jit.npy --atol=1e-4 --rtol=1e-4 | FileCheck %s --check-prefix=KIVI
// RUN: lowbit-run %s --function=kivi_gqa_causal_mask --fast-path=false --input=@%t/kivi.q.npy --input=@%t/kivi.k.npy --input=@%t/kivi.v.npy --input=@%t/kivi.ks.npy --input=@%t/kivi.kz.npy --input=@%t/kivi.vs.npy --input=@%t/kivi.vz.npy --input=@%t/kivi.m.npy --output=@%t/kivi.linalg.npy
// RUN: lowbit-npy compare %t/kivi.ref.npy %t/kivi.linalg.npy --atol=1e-4 --rtol=1e-4 | FileCheck %s --check-prefix=KIVI
// KIVI: compare: 384 elements, max abs error
func.func @kivi_gqa_causal_mask(%q: tensor<2x4x3x16xf32>, %k: tensor<2x2x37x16xui4>,
                                %v: tensor<2x2x37x16xui4>, %ks: tensor<2x2x5x16xf16>,
                                %kz: tensor<2x2x5x16xui4>, %vs: tensor<2x2x37x2xf16>,
                                %vz: tensor<2x2x37x2xui4>, %m: tensor<2x1x3x37xf32>)
    -> tensor<2x4x3x16xf32> {
  %o = lowbit.attention %q, %k, %v k_scale(%ks) k_zero(%kz) v_scale(%vs) v_zero(%vz) mask(%m)
         {causal,
          k_scheme = #lowbit.scheme<group(axis = 2, size = 8), scale = f16, zero = int>,
          v_scheme = #lowbit.scheme<group(axis = 3, size = 8), scale = f16, zero = int>}
         : (tensor<2x4x3x16xf32>, tensor<2x2x37x16xui4>, tensor<2x2x37x16xui4>,
            tensor<2x2x5x16xf16>, tensor<2x2x5x16xui4>, tensor<2x2x37x2xf16>,
            tensor<2x2x37x2xui4>, tensor<2x1x3x37xf32>) -> tensor<2x4x3x16xf32>
  return %o : tensor<2x4x3x16xf32>
}

// A decode step: one f16 query per head, 8 query heads over 2 KV heads, KIVI ui4 cache with
// 32-token key groups, an explicit softmax_scale, f16 result.
// RUN: lowbit-npy random --type=1x8x1x64xf16 --seed=%seed9 -o %t/dec.q.npy
// RUN: lowbit-npy random --type=1x2x100x64xui4 --seed=%seed10 -o %t/dec.k.npy
// RUN: lowbit-npy random --type=1x2x100x64xui4 --seed=%seed11 -o %t/dec.v.npy
// RUN: lowbit-npy random --type=1x2x4x64xf16 --min=0.01 --max=0.1 --seed=%seed12 -o %t/dec.ks.npy
// RUN: lowbit-npy random --type=1x2x4x64xui4 --seed=%seed13 -o %t/dec.kz.npy
// RUN: lowbit-npy random --type=1x2x100x2xf16 --min=0.01 --max=0.1 --seed=%seed14 -o %t/dec.vs.npy
// RUN: lowbit-npy random --type=1x2x100x2xui4 --seed=%seed15 -o %t/dec.vz.npy
// RUN: lowbit-run %s --function=decode_step --input=@%t/dec.q.npy --input=@%t/dec.k.npy --input=@%t/dec.v.npy --input=@%t/dec.ks.npy --input=@%t/dec.kz.npy --input=@%t/dec.vs.npy --input=@%t/dec.vz.npy --output=@%t/dec.jit.npy
// RUN: lowbit-run %s --function=decode_step --engine=reference --input=@%t/dec.q.npy --input=@%t/dec.k.npy --input=@%t/dec.v.npy --input=@%t/dec.ks.npy --input=@%t/dec.kz.npy --input=@%t/dec.vs.npy --input=@%t/dec.vz.npy --output=@%t/dec.ref.npy
// RUN: lowbit-npy compare %t/dec.ref.npy %t/dec.jit.npy --atol=1e-3 --rtol=1e-3 | FileCheck %s --check-prefix=DECODE
// DECODE: compare: 512 elements, max abs error
func.func @decode_step(%q: tensor<1x8x1x64xf16>, %k: tensor<1x2x100x64xui4>,
                       %v: tensor<1x2x100x64xui4>, %ks: tensor<1x2x4x64xf16>,
                       %kz: tensor<1x2x4x64xui4>, %vs: tensor<1x2x100x2xf16>,
                       %vz: tensor<1x2x100x2xui4>) -> tensor<1x8x1x64xf16> {
  %o = lowbit.attention %q, %k, %v k_scale(%ks) k_zero(%kz) v_scale(%vs) v_zero(%vz)
         {causal, softmax_scale = 0.5 : f32,
          k_scheme = #lowbit.scheme<group(axis = 2, size = 32), scale = f16, zero = int>,
          v_scheme = #lowbit.scheme<group(axis = 3, size = 32), scale = f16, zero = int>}
         : (tensor<1x8x1x64xf16>, tensor<1x2x100x64xui4>, tensor<1x2x100x64xui4>,
            tensor<1x2x4x64xf16>, tensor<1x2x4x64xui4>, tensor<1x2x100x2xf16>,
            tensor<1x2x100x2xui4>) -> tensor<1x8x1x64xf16>
  return %o : tensor<1x8x1x64xf16>
}

// A bf16 float cache, causal with more queries than keys (Sq = 5, Skv = 3): the first two
// queries see no key and give 0; value depth 8 differs from key depth 12.
// RUN: lowbit-npy random --type=1x3x5x12xbf16 --min=-2 --max=2 --seed=%seed16 -o %t/fl.q.npy
// RUN: lowbit-npy random --type=1x3x3x12xbf16 --min=-2 --max=2 --seed=%seed17 -o %t/fl.k.npy
// RUN: lowbit-npy random --type=1x3x3x8xbf16 --seed=%seed18 -o %t/fl.v.npy
// RUN: lowbit-run %s --function=float_cache_causal --input=@%t/fl.q.npy --input=@%t/fl.k.npy --input=@%t/fl.v.npy --output=@%t/fl.jit.npy
// RUN: lowbit-run %s --function=float_cache_causal --engine=reference --input=@%t/fl.q.npy --input=@%t/fl.k.npy --input=@%t/fl.v.npy --output=@%t/fl.ref.npy
// RUN: lowbit-npy compare %t/fl.ref.npy %t/fl.jit.npy --atol=1e-4 --rtol=1e-4 | FileCheck %s --check-prefix=FLOAT
// FLOAT: compare: 120 elements, max abs error
// RUN: %python -c "import numpy as np; o = np.load('%t/fl.jit.npy'); print((o[:, :, :2] == 0).all(), (o[:, :, 2:] != 0).any())" | FileCheck %s --check-prefix=NO-KEY
// NO-KEY: True True
func.func @float_cache_causal(%q: tensor<1x3x5x12xbf16>, %k: tensor<1x3x3x12xbf16>,
                              %v: tensor<1x3x3x8xbf16>) -> tensor<1x3x5x8xf32> {
  %o = lowbit.attention %q, %k, %v {causal}
         : (tensor<1x3x5x12xbf16>, tensor<1x3x3x12xbf16>, tensor<1x3x3x8xbf16>)
         -> tensor<1x3x5x8xf32>
  return %o : tensor<1x3x5x8xf32>
}

// si8 keys per channel with integer zero points, f8E4M3FN values per token with float zero
// points, GQA 6 / 3, a full f16 mask, M-like odd extents (Sq = 7, Skv = 13).
// RUN: lowbit-npy random --type=2x6x7x32xbf16 --seed=%seed19 -o %t/mix.q.npy
// RUN: lowbit-npy random --type=2x3x13x32xsi8 --seed=%seed20 -o %t/mix.k.npy
// RUN: lowbit-npy random --type=2x3x13x24xf8E4M3FN --min=-8 --max=8 --seed=%seed21 -o %t/mix.v.npy
// RUN: lowbit-npy random --type=32xf32 --min=0.001 --max=0.01 --seed=%seed22 -o %t/mix.ks.npy
// RUN: lowbit-npy random --type=32xsi8 --min=-10 --max=10 --seed=%seed23 -o %t/mix.kz.npy
// RUN: lowbit-npy random --type=2x3x13x1xbf16 --min=0.05 --max=0.2 --seed=%seed24 -o %t/mix.vs.npy
// RUN: lowbit-npy random --type=2x3x13x1xbf16 --min=-0.5 --max=0.5 --seed=%seed25 -o %t/mix.vz.npy
// RUN: lowbit-npy random --type=2x6x7x13xf16 --min=-1 --max=0 --seed=%seed26 -o %t/mix.m.npy
// RUN: lowbit-run %s --function=mixed_cache --input=@%t/mix.q.npy --input=@%t/mix.k.npy --input=@%t/mix.v.npy --input=@%t/mix.ks.npy --input=@%t/mix.kz.npy --input=@%t/mix.vs.npy --input=@%t/mix.vz.npy --input=@%t/mix.m.npy --output=@%t/mix.jit.npy
// RUN: lowbit-run %s --function=mixed_cache --engine=reference --input=@%t/mix.q.npy --input=@%t/mix.k.npy --input=@%t/mix.v.npy --input=@%t/mix.ks.npy --input=@%t/mix.kz.npy --input=@%t/mix.vs.npy --input=@%t/mix.vz.npy --input=@%t/mix.m.npy --output=@%t/mix.ref.npy
// RUN: lowbit-npy compare %t/mix.ref.npy %t/mix.jit.npy --atol=1e-4 --rtol=1e-4 | FileCheck %s --check-prefix=MIXED
// RUN: lowbit-run %s --function=mixed_cache --fast-path=false --input=@%t/mix.q.npy --input=@%t/mix.k.npy --input=@%t/mix.v.npy --input=@%t/mix.ks.npy --input=@%t/mix.kz.npy --input=@%t/mix.vs.npy --input=@%t/mix.vz.npy --input=@%t/mix.m.npy --output=@%t/mix.linalg.npy
// RUN: lowbit-npy compare %t/mix.ref.npy %t/mix.linalg.npy --atol=1e-4 --rtol=1e-4 | FileCheck %s --check-prefix=MIXED
// MIXED: compare: 2016 elements, max abs error
func.func @mixed_cache(%q: tensor<2x6x7x32xbf16>, %k: tensor<2x3x13x32xsi8>,
                       %v: tensor<2x3x13x24xf8E4M3FN>, %ks: tensor<32xf32>, %kz: tensor<32xsi8>,
                       %vs: tensor<2x3x13x1xbf16>, %vz: tensor<2x3x13x1xbf16>,
                       %m: tensor<2x6x7x13xf16>) -> tensor<2x6x7x24xf32> {
  %o = lowbit.attention %q, %k, %v k_scale(%ks) k_zero(%kz) v_scale(%vs) v_zero(%vz) mask(%m)
         {k_scheme = #lowbit.scheme<per_channel(axis = 3), scale = f32, zero = int>,
          v_scheme = #lowbit.scheme<group(axis = 3, size = 32), scale = bf16, zero = float>}
         : (tensor<2x6x7x32xbf16>, tensor<2x3x13x32xsi8>, tensor<2x3x13x24xf8E4M3FN>,
            tensor<32xf32>, tensor<32xsi8>, tensor<2x3x13x1xbf16>, tensor<2x3x13x1xbf16>,
            tensor<2x6x7x13xf16>) -> tensor<2x6x7x24xf32>
  return %o : tensor<2x6x7x24xf32>
}

// A mask row of all -inf: that query sees no key and gives 0 (hand-checked values). One
// query, two keys with values [1, 2] and [3, 4]; the scores tie, so the first query averages
// them; the second query's mask hides both keys.
// RUN: lowbit-run %s --function=masked_row --input="1x1x2x2xf32=1 1 1 1" --input="1x1x2x2xf32=1 0 0 1" --input="1x1x2x2xf32=1 2 3 4" --input="1x1x2x2xf32=0 0 -inf -inf" | FileCheck %s --check-prefix=MASKED-ROW
// RUN: lowbit-run %s --function=masked_row --engine=reference --input="1x1x2x2xf32=1 1 1 1" --input="1x1x2x2xf32=1 0 0 1" --input="1x1x2x2xf32=1 2 3 4" --input="1x1x2x2xf32=0 0 -inf -inf" | FileCheck %s --check-prefix=MASKED-ROW
// MASKED-ROW:      result[0]: tensor<1x1x2x2xf32>
// MASKED-ROW-NEXT: {{^\[\[\[\[}}2, 3],
// MASKED-ROW-NEXT: {{^}}   [0, 0]]]]{{$}}
func.func @masked_row(%q: tensor<1x1x2x2xf32>, %k: tensor<1x1x2x2xf32>, %v: tensor<1x1x2x2xf32>,
                      %m: tensor<1x1x2x2xf32>) -> tensor<1x1x2x2xf32> {
  %o = lowbit.attention %q, %k, %v mask(%m)
         : (tensor<1x1x2x2xf32>, tensor<1x1x2x2xf32>, tensor<1x1x2x2xf32>, tensor<1x1x2x2xf32>)
         -> tensor<1x1x2x2xf32>
  return %o : tensor<1x1x2x2xf32>
}

// A sliding window of 2 keys (hand-checked values): two queries at positions 1 and 2 of 3
// keys whose scores tie; the first sees keys 0 and 1 (causal, window 2), the second keys 1
// and 2, so each averages two values; a residual window holds the last key.
// RUN: lowbit-run %s --function=window_hand --input="1x1x2x2xf32=1 1 1 1" --input="1x1x2x2xf32=1 0 0 1" --input="1x1x2x2xf32=2 4 6 8" --input="1x1x1x2xf32=0.5 0.5" --input="1x1x1x2xf32=10 12" | FileCheck %s --check-prefix=WINDOW-HAND
// RUN: lowbit-run %s --function=window_hand --engine=reference --input="1x1x2x2xf32=1 1 1 1" --input="1x1x2x2xf32=1 0 0 1" --input="1x1x2x2xf32=2 4 6 8" --input="1x1x1x2xf32=0.5 0.5" --input="1x1x1x2xf32=10 12" | FileCheck %s --check-prefix=WINDOW-HAND
// RUN: lowbit-run %s --function=window_hand --fast-path=false --input="1x1x2x2xf32=1 1 1 1" --input="1x1x2x2xf32=1 0 0 1" --input="1x1x2x2xf32=2 4 6 8" --input="1x1x1x2xf32=0.5 0.5" --input="1x1x1x2xf32=10 12" | FileCheck %s --check-prefix=WINDOW-HAND
// WINDOW-HAND:      result[0]: tensor<1x1x2x2xf32>
// WINDOW-HAND-NEXT: {{^\[\[\[\[}}4, 6],
// WINDOW-HAND-NEXT: {{^}}   [8, 10]]]]{{$}}
func.func @window_hand(%q: tensor<1x1x2x2xf32>, %k: tensor<1x1x2x2xf32>, %v: tensor<1x1x2x2xf32>,
                       %kr: tensor<1x1x1x2xf32>, %vr: tensor<1x1x1x2xf32>)
    -> tensor<1x1x2x2xf32> {
  %o = lowbit.attention %q, %k, %v k_residual(%kr) v_residual(%vr) {causal, window = 2 : i64}
         : (tensor<1x1x2x2xf32>, tensor<1x1x2x2xf32>, tensor<1x1x2x2xf32>, tensor<1x1x1x2xf32>,
            tensor<1x1x1x2xf32>) -> tensor<1x1x2x2xf32>
  return %o : tensor<1x1x2x2xf32>
}

// Attention sinks and soft-capping (gpt-oss): 4-bit KIVI keys, 8 query heads over 2 KV heads,
// a sink per query head, scores capped at 5 before the causal mask and a bias.
// RUN: lowbit-npy random --type=1x8x6x32xf32 --min=-3 --max=3 --seed=%seed30 -o %t/sk.q.npy
// RUN: lowbit-npy random --type=1x2x20x32xui4 --seed=%seed31 -o %t/sk.k.npy
// RUN: lowbit-npy random --type=1x2x20x32xf32 --seed=%seed32 -o %t/sk.v.npy
// RUN: lowbit-npy random --type=1x2x1x32xf32 --min=0.1 --max=0.5 --seed=%seed33 -o %t/sk.ks.npy
// RUN: lowbit-npy random --type=1x2x1x32xui4 --seed=%seed34 -o %t/sk.kz.npy
// RUN: lowbit-npy random --type=8xf32 --min=-2 --max=4 --seed=%seed35 -o %t/sk.s.npy
// RUN: lowbit-npy random --type=1x1x6x20xf32 --seed=%seed36 -o %t/sk.m.npy
// RUN: for e in jit reference; do lowbit-run %s --function=sinks_softcap --engine=$e --input=@%t/sk.q.npy --input=@%t/sk.k.npy --input=@%t/sk.v.npy --input=@%t/sk.ks.npy --input=@%t/sk.kz.npy --input=@%t/sk.s.npy --input=@%t/sk.m.npy --output=@%t/sk.$e.npy || exit 1; done
// RUN: lowbit-npy compare %t/sk.reference.npy %t/sk.jit.npy --atol=1e-5 --rtol=1e-4 | FileCheck %s --check-prefix=SINKS
// SINKS: compare: 1536 elements, max abs error
func.func @sinks_softcap(%q: tensor<1x8x6x32xf32>, %k: tensor<1x2x20x32xui4>,
                         %v: tensor<1x2x20x32xf32>, %ks: tensor<1x2x1x32xf32>,
                         %kz: tensor<1x2x1x32xui4>, %s: tensor<8xf32>,
                         %m: tensor<1x1x6x20xf32>) -> tensor<1x8x6x32xf32> {
  %o = lowbit.attention %q, %k, %v k_scale(%ks) k_zero(%kz) mask(%m) sinks(%s)
         {causal, softcap = 5.0 : f32,
          k_scheme = #lowbit.scheme<group(axis = 2, size = 32), scale = f32, zero = int>}
         : (tensor<1x8x6x32xf32>, tensor<1x2x20x32xui4>, tensor<1x2x20x32xf32>,
            tensor<1x2x1x32xf32>, tensor<1x2x1x32xui4>, tensor<1x1x6x20xf32>, tensor<8xf32>)
         -> tensor<1x8x6x32xf32>
  return %o : tensor<1x8x6x32xf32>
}

// A sink alone, by hand: one query whose only key is hidden gives 0; one visible key with
// score 0 and a sink of 0 gets weight exp(0) / (exp(0) + exp(0)) = 1/2 of its value 4.
// RUN: lowbit-run %s --function=sink_by_hand --input="1x1x2x1xf32=1 1" --input="1x1x1x1xf32=0" --input="1x1x1x1xf32=4" --input="1x1x2x1xf32=-inf 0" --input="1xf32=0" | FileCheck %s --check-prefix=SINK-HAND
// RUN: lowbit-run %s --function=sink_by_hand --engine=reference --input="1x1x2x1xf32=1 1" --input="1x1x1x1xf32=0" --input="1x1x1x1xf32=4" --input="1x1x2x1xf32=-inf 0" --input="1xf32=0" | FileCheck %s --check-prefix=SINK-HAND
// SINK-HAND:      result[0]: tensor<1x1x2x1xf32>
// SINK-HAND-NEXT: {{^\[\[\[\[}}0],
// SINK-HAND-NEXT: {{^}}   [2]]]]{{$}}
func.func @sink_by_hand(%q: tensor<1x1x2x1xf32>, %k: tensor<1x1x1x1xf32>,
                        %v: tensor<1x1x1x1xf32>, %m: tensor<1x1x2x1xf32>,
                        %s: tensor<1xf32>) -> tensor<1x1x2x1xf32> {
  %o = lowbit.attention %q, %k, %v mask(%m) sinks(%s)
         : (tensor<1x1x2x1xf32>, tensor<1x1x1x1xf32>, tensor<1x1x1x1xf32>, tensor<1x1x2x1xf32>,
            tensor<1xf32>) -> tensor<1x1x2x1xf32>
  return %o : tensor<1x1x2x1xf32>
}
