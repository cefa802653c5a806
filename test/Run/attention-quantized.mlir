// The fused attention kernel over quantized KV caches (lowbit-to-tile: each tile of codes
// decoded to f32 in registers, then (x - zero) * scale, in the reference's order) against
// the scalar reference (double) on random data, fresh per lit run (see %seed): 2-, 4- and
// 8-bit integer codes, fp8 (e4m3, e5m2) and fp4 codes; KIVI (keys per channel in groups of
// tokens, values per token in groups of channels), per-token keys, per-channel values,
// per-head, per-tensor and block scales; f32, f16, bf16, f8E8M0FNU and f8E4M3FN scales;
// integer, float and no zero points; decode over several parts of the cache, causal
// prefill, grouped- and multi-query heads; 1 and 2 threads and the SIMT emulation. f32
// results within 1e-4, f16 within about one ulp.
// RUN: rm -rf %t && mkdir -p %t
// DEFINE: %{case} =
// DEFINE: %{inputs} =
// DEFINE: %{check} = lowbit-run %s --function=%{case} --engine=reference %{inputs} --output=@%t/%{case}.ref.npy && env LOWBIT_NUM_THREADS=1 lowbit-run %s --function=%{case} %{inputs} --output=@%t/%{case}.1.npy && env LOWBIT_NUM_THREADS=2 lowbit-run %s --function=%{case} %{inputs} --output=@%t/%{case}.2.npy && lowbit-run %s --function=%{case} --simd=never %{inputs} --output=@%t/%{case}.e.npy
// DEFINE: %{compare} = lowbit-npy compare %t/%{case}.ref.npy

// Decode over a KIVI ui2 cache: 8 query heads over 2 KV heads, 300 cached tokens (the cost
// model's parts, the last token group short), f16 scales and ui2 zero points.
// RUN: lowbit-npy random --type=1x8x1x64xf32 --seed=%seed1 -o %t/kivi2.q.npy
// RUN: lowbit-npy random --type=1x2x300x64xui2 --seed=%seed2 -o %t/kivi2.k.npy
// RUN: lowbit-npy random --type=1x2x300x64xui2 --seed=%seed3 -o %t/kivi2.v.npy
// RUN: lowbit-npy random --type=1x2x10x64xf16 --min=0.05 --max=0.5 --seed=%seed4 -o %t/kivi2.ks.npy
// RUN: lowbit-npy random --type=1x2x10x64xui2 --seed=%seed5 -o %t/kivi2.kz.npy
// RUN: lowbit-npy random --type=1x2x300x2xf16 --min=0.05 --max=0.5 --seed=%seed6 -o %t/kivi2.vs.npy
// RUN: lowbit-npy random --type=1x2x300x2xui2 --seed=%seed7 -o %t/kivi2.vz.npy
// REDEFINE: %{case} = kivi2_decode
// REDEFINE: %{inputs} = --input=@%t/kivi2.q.npy --input=@%t/kivi2.k.npy --input=@%t/kivi2.v.npy --input=@%t/kivi2.ks.npy --input=@%t/kivi2.kz.npy --input=@%t/kivi2.vs.npy --input=@%t/kivi2.vz.npy
// RUN: %{check}
// RUN: %{compare} %t/%{case}.1.npy --atol=1e-4 --rtol=1e-4 | FileCheck %s --check-prefix=KIVI2
// RUN: %{compare} %t/%{case}.2.npy --atol=1e-4 --rtol=1e-4 | FileCheck %s --check-prefix=KIVI2
// RUN: %{compare} %t/%{case}.e.npy --atol=1e-4 --rtol=1e-4 | FileCheck %s --check-prefix=KIVI2
// RUN: lowbit-opt %s --lowbit-select-schedules="target-cpu=znver3" | FileCheck %s --check-prefix=KIVI2-SCHEDULE
// KIVI2: compare: 512 elements, max abs error
// KIVI2-NOT: FAILED
// KIVI2-SCHEDULE-LABEL: func.func @kivi2_decode
// KIVI2-SCHEDULE: schedule = #lowbit.schedule<fma, workers = 4, tile = [4, 2, 8], {{.*}}split_k = 2
func.func @kivi2_decode(%q: tensor<1x8x1x64xf32>, %k: tensor<1x2x300x64xui2>,
                        %v: tensor<1x2x300x64xui2>, %ks: tensor<1x2x10x64xf16>,
                        %kz: tensor<1x2x10x64xui2>, %vs: tensor<1x2x300x2xf16>,
                        %vz: tensor<1x2x300x2xui2>) -> tensor<1x8x1x64xf32> {
  %o = lowbit.attention %q, %k, %v k_scale(%ks) k_zero(%kz) v_scale(%vs) v_zero(%vz)
         {causal,
          k_scheme = #lowbit.scheme<group(axis = 2, size = 32), scale = f16, zero = int>,
          v_scheme = #lowbit.scheme<group(axis = 3, size = 32), scale = f16, zero = int>}
         : (tensor<1x8x1x64xf32>, tensor<1x2x300x64xui2>, tensor<1x2x300x64xui2>,
            tensor<1x2x10x64xf16>, tensor<1x2x10x64xui2>, tensor<1x2x300x2xf16>,
            tensor<1x2x300x2xui2>) -> tensor<1x8x1x64xf32>
  return %o : tensor<1x8x1x64xf32>
}

// Multi-query decode with 3 new tokens: 4 query heads over 1 KV head, si4 keys per token in
// groups of 16 channels (bf16 scales, no zero points), si4 values per channel in groups of
// 16 tokens (f32 scales, f32 zero points), 77 cached tokens (odd), a written schedule: 4
// tokens per step (dividing the groups of 16), 3 parts, f16 result.
// RUN: lowbit-npy random --type=2x4x3x32xf16 --seed=%seed8 -o %t/mqa.q.npy
// RUN: lowbit-npy random --type=2x1x77x32xsi4 --seed=%seed9 -o %t/mqa.k.npy
// RUN: lowbit-npy random --type=2x1x77x16xsi4 --seed=%seed10 -o %t/mqa.v.npy
// RUN: lowbit-npy random --type=2x1x77x2xbf16 --min=0.05 --max=0.3 --seed=%seed11 -o %t/mqa.ks.npy
// RUN: lowbit-npy random --type=2x1x5x16xf32 --min=0.05 --max=0.3 --seed=%seed12 -o %t/mqa.vs.npy
// RUN: lowbit-npy random --type=2x1x5x16xf32 --min=-2 --max=2 --seed=%seed13 -o %t/mqa.vz.npy
// REDEFINE: %{case} = mqa_decode
// REDEFINE: %{inputs} = --input=@%t/mqa.q.npy --input=@%t/mqa.k.npy --input=@%t/mqa.v.npy --input=@%t/mqa.ks.npy --input=@%t/mqa.vs.npy --input=@%t/mqa.vz.npy
// RUN: %{check}
// RUN: %{compare} %t/%{case}.1.npy --atol=1e-3 --rtol=2e-3 | FileCheck %s --check-prefix=MQA
// RUN: %{compare} %t/%{case}.2.npy --atol=1e-3 --rtol=2e-3 | FileCheck %s --check-prefix=MQA
// RUN: %{compare} %t/%{case}.e.npy --atol=1e-3 --rtol=2e-3 | FileCheck %s --check-prefix=MQA
// MQA: compare: 384 elements, max abs error
// MQA-NOT: FAILED
func.func @mqa_decode(%q: tensor<2x4x3x32xf16>, %k: tensor<2x1x77x32xsi4>,
                      %v: tensor<2x1x77x16xsi4>, %ks: tensor<2x1x77x2xbf16>,
                      %vs: tensor<2x1x5x16xf32>, %vz: tensor<2x1x5x16xf32>)
    -> tensor<2x4x3x16xf16> {
  %o = lowbit.attention %q, %k, %v k_scale(%ks) v_scale(%vs) v_zero(%vz)
         {causal,
          k_scheme = #lowbit.scheme<group(axis = 3, size = 16), scale = bf16>,
          v_scheme = #lowbit.scheme<group(axis = 2, size = 16), scale = f32, zero = float>,
          schedule = #lowbit.schedule<fma, workers = 4, tile = [12, 4, 8], split_k = 3>}
         : (tensor<2x4x3x32xf16>, tensor<2x1x77x32xsi4>, tensor<2x1x77x16xsi4>,
            tensor<2x1x77x2xbf16>, tensor<2x1x5x16xf32>, tensor<2x1x5x16xf32>)
         -> tensor<2x4x3x16xf16>
  return %o : tensor<2x4x3x16xf16>
}

// Causal prefill over fp8 caches: 33 bf16 queries of 4 query heads over 2 KV heads (two rows
// per lane), f8E4M3FN keys with one f32 scale, f8E5M2 values with an f16 scale per KV head.
// RUN: lowbit-npy random --type=1x4x33x32xbf16 --seed=%seed14 -o %t/fp8.q.npy
// RUN: lowbit-npy random --type=1x2x33x32xf8E4M3FN --min=-8 --max=8 --seed=%seed15 -o %t/fp8.k.npy
// RUN: lowbit-npy random --type=1x2x33x32xf8E5M2 --min=-8 --max=8 --seed=%seed16 -o %t/fp8.v.npy
// RUN: lowbit-npy random --type=f32 --min=0.05 --max=0.2 --seed=%seed17 -o %t/fp8.ks.npy
// RUN: lowbit-npy random --type=2xf16 --min=0.05 --max=0.2 --seed=%seed18 -o %t/fp8.vs.npy
// REDEFINE: %{case} = fp8_prefill
// REDEFINE: %{inputs} = --input=@%t/fp8.q.npy --input=@%t/fp8.k.npy --input=@%t/fp8.v.npy --input=@%t/fp8.ks.npy --input=@%t/fp8.vs.npy
// RUN: %{check}
// RUN: %{compare} %t/%{case}.1.npy --atol=1e-4 --rtol=1e-4 | FileCheck %s --check-prefix=FP8
// RUN: %{compare} %t/%{case}.2.npy --atol=1e-4 --rtol=1e-4 | FileCheck %s --check-prefix=FP8
// RUN: %{compare} %t/%{case}.e.npy --atol=1e-4 --rtol=1e-4 | FileCheck %s --check-prefix=FP8
// FP8: compare: 4224 elements, max abs error
// FP8-NOT: FAILED
func.func @fp8_prefill(%q: tensor<1x4x33x32xbf16>, %k: tensor<1x2x33x32xf8E4M3FN>,
                       %v: tensor<1x2x33x32xf8E5M2>, %ks: tensor<f32>, %vs: tensor<2xf16>)
    -> tensor<1x4x33x32xf32> {
  %o = lowbit.attention %q, %k, %v k_scale(%ks) v_scale(%vs)
         {causal, k_scheme = #lowbit.scheme<per_tensor, scale = f32>,
          v_scheme = #lowbit.scheme<per_channel(axis = 1), scale = f16>}
         : (tensor<1x4x33x32xbf16>, tensor<1x2x33x32xf8E4M3FN>, tensor<1x2x33x32xf8E5M2>,
            tensor<f32>, tensor<2xf16>) -> tensor<1x4x33x32xf32>
  return %o : tensor<1x4x33x32xf32>
}

// fp4 keys in blocks of 8 tokens x 16 channels with MX scales (f8E8M0FNU), ui8 values per
// token in groups of 8 channels with f8E4M3FN scales and ui8 zero points, a single key
// (Skv = 1) for 5 non-causal queries, 2 batches, GQA 6 / 3.
// RUN: lowbit-npy random --type=2x6x5x32xf32 --seed=%seed19 -o %t/mx.q.npy
// RUN: lowbit-npy random --type=2x3x1x32xf4E2M1FN --seed=%seed20 -o %t/mx.k.npy
// RUN: lowbit-npy random --type=2x3x1x24xui8 --seed=%seed21 -o %t/mx.v.npy
// RUN: lowbit-npy random --type=2x3x1x2xf8E8M0FNU --min=0.0625 --max=0.5 --seed=%seed22 -o %t/mx.ks.npy
// RUN: lowbit-npy random --type=2x3x1x3xf8E4M3FN --min=0.001 --max=0.01 --seed=%seed23 -o %t/mx.vs.npy
// RUN: lowbit-npy random --type=2x3x1x3xui8 --min=100 --max=150 --seed=%seed24 -o %t/mx.vz.npy
// REDEFINE: %{case} = mx_single_key
// REDEFINE: %{inputs} = --input=@%t/mx.q.npy --input=@%t/mx.k.npy --input=@%t/mx.v.npy --input=@%t/mx.ks.npy --input=@%t/mx.vs.npy --input=@%t/mx.vz.npy
// RUN: %{check}
// RUN: %{compare} %t/%{case}.1.npy --atol=1e-4 --rtol=1e-4 | FileCheck %s --check-prefix=MX
// RUN: %{compare} %t/%{case}.2.npy --atol=1e-4 --rtol=1e-4 | FileCheck %s --check-prefix=MX
// RUN: %{compare} %t/%{case}.e.npy --atol=1e-4 --rtol=1e-4 | FileCheck %s --check-prefix=MX
// MX: compare: 1440 elements, max abs error
// MX-NOT: FAILED
func.func @mx_single_key(%q: tensor<2x6x5x32xf32>, %k: tensor<2x3x1x32xf4E2M1FN>,
                         %v: tensor<2x3x1x24xui8>, %ks: tensor<2x3x1x2xf8E8M0FNU>,
                         %vs: tensor<2x3x1x3xf8E4M3FN>, %vz: tensor<2x3x1x3xui8>)
    -> tensor<2x6x5x24xf32> {
  %o = lowbit.attention %q, %k, %v k_scale(%ks) v_scale(%vs) v_zero(%vz)
         {k_scheme = #lowbit.scheme<block(8, 16), scale = f8E8M0FNU>,
          v_scheme = #lowbit.scheme<group(axis = 3, size = 8), scale = f8E4M3FN, zero = int>}
         : (tensor<2x6x5x32xf32>, tensor<2x3x1x32xf4E2M1FN>, tensor<2x3x1x24xui8>,
            tensor<2x3x1x2xf8E8M0FNU>, tensor<2x3x1x3xf8E4M3FN>, tensor<2x3x1x3xui8>)
         -> tensor<2x6x5x24xf32>
  return %o : tensor<2x6x5x24xf32>
}

// si8 keys with one scale per cached position (shared by the heads and batches), ui4 values
// in KIVI groups of 8 tokens with bf16 zero points; a causal prefill of 19 queries after 45
// cached tokens, an f16 mask, 2 query heads per KV head over 2 KV heads and 2 batches.
// RUN: lowbit-npy random --type=2x4x19x16xf32 --seed=%seed25 -o %t/pos.q.npy
// RUN: lowbit-npy random --type=2x2x64x16xsi8 --seed=%seed26 -o %t/pos.k.npy
// RUN: lowbit-npy random --type=2x2x64x16xui4 --seed=%seed27 -o %t/pos.v.npy
// RUN: lowbit-npy random --type=64xf32 --min=0.002 --max=0.01 --seed=%seed28 -o %t/pos.ks.npy
// RUN: lowbit-npy random --type=2x2x8x16xbf16 --min=0.05 --max=0.2 --seed=%seed29 -o %t/pos.vs.npy
// RUN: lowbit-npy random --type=2x2x8x16xbf16 --min=4 --max=11 --seed=%seed30 -o %t/pos.vz.npy
// RUN: lowbit-npy random --type=2x1x19x64xf16 --min=-1 --max=0 --seed=%seed31 -o %t/pos.m.npy
// REDEFINE: %{case} = per_position
// REDEFINE: %{inputs} = --input=@%t/pos.q.npy --input=@%t/pos.k.npy --input=@%t/pos.v.npy --input=@%t/pos.ks.npy --input=@%t/pos.vs.npy --input=@%t/pos.vz.npy --input=@%t/pos.m.npy
// RUN: %{check}
// RUN: %{compare} %t/%{case}.1.npy --atol=1e-4 --rtol=1e-4 | FileCheck %s --check-prefix=POS
// RUN: %{compare} %t/%{case}.2.npy --atol=1e-4 --rtol=1e-4 | FileCheck %s --check-prefix=POS
// RUN: %{compare} %t/%{case}.e.npy --atol=1e-4 --rtol=1e-4 | FileCheck %s --check-prefix=POS
// POS: compare: 2432 elements, max abs error
// POS-NOT: FAILED
func.func @per_position(%q: tensor<2x4x19x16xf32>, %k: tensor<2x2x64x16xsi8>,
                        %v: tensor<2x2x64x16xui4>, %ks: tensor<64xf32>,
                        %vs: tensor<2x2x8x16xbf16>, %vz: tensor<2x2x8x16xbf16>,
                        %m: tensor<2x1x19x64xf16>) -> tensor<2x4x19x16xf32> {
  %o = lowbit.attention %q, %k, %v k_scale(%ks) v_scale(%vs) v_zero(%vz) mask(%m)
         {causal, k_scheme = #lowbit.scheme<per_channel(axis = 2), scale = f32>,
          v_scheme = #lowbit.scheme<group(axis = 2, size = 8), scale = bf16, zero = float>}
         : (tensor<2x4x19x16xf32>, tensor<2x2x64x16xsi8>, tensor<2x2x64x16xui4>,
            tensor<64xf32>, tensor<2x2x8x16xbf16>, tensor<2x2x8x16xbf16>,
            tensor<2x1x19x64xf16>) -> tensor<2x4x19x16xf32>
  return %o : tensor<2x4x19x16xf32>
}

// KIVI's residual window: a ui4 cache of 256 tokens (groups of 32) and the 21 most recent
// tokens in f16, a decode step over both (the cost model's parts span the boundary); the
// reference lowering (--fast-path=false) too.
// RUN: lowbit-npy random --type=1x8x1x64xf32 --seed=%seed32 -o %t/res.q.npy
// RUN: lowbit-npy random --type=1x2x256x64xui4 --seed=%seed33 -o %t/res.k.npy
// RUN: lowbit-npy random --type=1x2x256x64xui4 --seed=%seed34 -o %t/res.v.npy
// RUN: lowbit-npy random --type=1x2x8x64xf16 --min=0.05 --max=0.2 --seed=%seed35 -o %t/res.ks.npy
// RUN: lowbit-npy random --type=1x2x8x64xui4 --seed=%seed36 -o %t/res.kz.npy
// RUN: lowbit-npy random --type=1x2x256x2xf16 --min=0.05 --max=0.2 --seed=%seed37 -o %t/res.vs.npy
// RUN: lowbit-npy random --type=1x2x256x2xui4 --seed=%seed38 -o %t/res.vz.npy
// RUN: lowbit-npy random --type=1x2x21x64xf16 --min=-2 --max=2 --seed=%seed39 -o %t/res.kr.npy
// RUN: lowbit-npy random --type=1x2x21x64xf16 --min=-2 --max=2 --seed=%seed40 -o %t/res.vr.npy
// REDEFINE: %{case} = residual_decode
// REDEFINE: %{inputs} = --input=@%t/res.q.npy --input=@%t/res.k.npy --input=@%t/res.v.npy --input=@%t/res.ks.npy --input=@%t/res.kz.npy --input=@%t/res.vs.npy --input=@%t/res.vz.npy --input=@%t/res.kr.npy --input=@%t/res.vr.npy
// RUN: %{check}
// RUN: lowbit-run %s --function=%{case} --fast-path=false %{inputs} --output=@%t/%{case}.linalg.npy
// RUN: %{compare} %t/%{case}.1.npy --atol=1e-4 --rtol=1e-4 | FileCheck %s --check-prefix=RESIDUAL
// RUN: %{compare} %t/%{case}.2.npy --atol=1e-4 --rtol=1e-4 | FileCheck %s --check-prefix=RESIDUAL
// RUN: %{compare} %t/%{case}.e.npy --atol=1e-4 --rtol=1e-4 | FileCheck %s --check-prefix=RESIDUAL
// RUN: %{compare} %t/%{case}.linalg.npy --atol=1e-4 --rtol=1e-4 | FileCheck %s --check-prefix=RESIDUAL
// RUN: lowbit-opt %s --lowbit-select-schedules="target-cpu=znver3 threads=2" | FileCheck %s --check-prefix=RESIDUAL-SCHEDULE
// RESIDUAL: compare: 512 elements, max abs error
// RESIDUAL-NOT: FAILED
// RESIDUAL-SCHEDULE-LABEL: func.func @residual_decode
// RESIDUAL-SCHEDULE: split_k = 2
func.func @residual_decode(%q: tensor<1x8x1x64xf32>, %k: tensor<1x2x256x64xui4>,
                           %v: tensor<1x2x256x64xui4>, %ks: tensor<1x2x8x64xf16>,
                           %kz: tensor<1x2x8x64xui4>, %vs: tensor<1x2x256x2xf16>,
                           %vz: tensor<1x2x256x2xui4>, %kr: tensor<1x2x21x64xf16>,
                           %vr: tensor<1x2x21x64xf16>) -> tensor<1x8x1x64xf32> {
  %o = lowbit.attention %q, %k, %v k_scale(%ks) k_zero(%kz) v_scale(%vs) v_zero(%vz)
         k_residual(%kr) v_residual(%vr)
         {causal,
          k_scheme = #lowbit.scheme<group(axis = 2, size = 32), scale = f16, zero = int>,
          v_scheme = #lowbit.scheme<group(axis = 3, size = 32), scale = f16, zero = int>}
         : (tensor<1x8x1x64xf32>, tensor<1x2x256x64xui4>, tensor<1x2x256x64xui4>,
            tensor<1x2x8x64xf16>, tensor<1x2x8x64xui4>, tensor<1x2x256x2xf16>,
            tensor<1x2x256x2xui4>, tensor<1x2x21x64xf16>, tensor<1x2x21x64xf16>)
         -> tensor<1x8x1x64xf32>
  return %o : tensor<1x8x1x64xf32>
}

// A causal prefill whose 7 new tokens are the residual window (bf16) after 30 si8 tokens
// quantized per token, an additive f32 mask over all 37 keys, a written schedule whose
// steps of 4 keys cross neither segment boundary nor part boundary evenly: 3 parts.
// RUN: lowbit-npy random --type=1x4x7x16xf32 --seed=%seed41 -o %t/rp.q.npy
// RUN: lowbit-npy random --type=1x2x30x16xsi8 --seed=%seed42 -o %t/rp.k.npy
// RUN: lowbit-npy random --type=1x2x30x8xsi8 --seed=%seed43 -o %t/rp.v.npy
// RUN: lowbit-npy random --type=1x2x30x1xf32 --min=0.002 --max=0.02 --seed=%seed44 -o %t/rp.ks.npy
// RUN: lowbit-npy random --type=1x2x30x1xf32 --min=0.002 --max=0.02 --seed=%seed45 -o %t/rp.vs.npy
// RUN: lowbit-npy random --type=1x2x7x16xbf16 --seed=%seed46 -o %t/rp.kr.npy
// RUN: lowbit-npy random --type=1x2x7x8xbf16 --seed=%seed47 -o %t/rp.vr.npy
// RUN: lowbit-npy random --type=1x1x7x37xf32 --min=-1 --max=0 --seed=%seed48 -o %t/rp.m.npy
// REDEFINE: %{case} = residual_prefill
// REDEFINE: %{inputs} = --input=@%t/rp.q.npy --input=@%t/rp.k.npy --input=@%t/rp.v.npy --input=@%t/rp.ks.npy --input=@%t/rp.vs.npy --input=@%t/rp.kr.npy --input=@%t/rp.vr.npy --input=@%t/rp.m.npy
// RUN: %{check}
// RUN: lowbit-run %s --function=%{case} --fast-path=false %{inputs} --output=@%t/%{case}.linalg.npy
// RUN: %{compare} %t/%{case}.1.npy --atol=1e-4 --rtol=1e-4 | FileCheck %s --check-prefix=RPREFILL
// RUN: %{compare} %t/%{case}.2.npy --atol=1e-4 --rtol=1e-4 | FileCheck %s --check-prefix=RPREFILL
// RUN: %{compare} %t/%{case}.e.npy --atol=1e-4 --rtol=1e-4 | FileCheck %s --check-prefix=RPREFILL
// RUN: %{compare} %t/%{case}.linalg.npy --atol=1e-4 --rtol=1e-4 | FileCheck %s --check-prefix=RPREFILL
// RPREFILL: compare: 224 elements, max abs error
// RPREFILL-NOT: FAILED
func.func @residual_prefill(%q: tensor<1x4x7x16xf32>, %k: tensor<1x2x30x16xsi8>,
                            %v: tensor<1x2x30x8xsi8>, %ks: tensor<1x2x30x1xf32>,
                            %vs: tensor<1x2x30x1xf32>, %kr: tensor<1x2x7x16xbf16>,
                            %vr: tensor<1x2x7x8xbf16>, %m: tensor<1x1x7x37xf32>)
    -> tensor<1x4x7x8xf32> {
  %o = lowbit.attention %q, %k, %v k_scale(%ks) v_scale(%vs) k_residual(%kr) v_residual(%vr)
         mask(%m)
         {causal, k_scheme = #lowbit.scheme<group(axis = 3, size = 16), scale = f32>,
          v_scheme = #lowbit.scheme<group(axis = 3, size = 8), scale = f32>,
          schedule = #lowbit.schedule<fma, workers = 8, tile = [16, 4, 4], split_k = 3>}
         : (tensor<1x4x7x16xf32>, tensor<1x2x30x16xsi8>, tensor<1x2x30x8xsi8>,
            tensor<1x2x30x1xf32>, tensor<1x2x30x1xf32>, tensor<1x2x7x16xbf16>,
            tensor<1x2x7x8xbf16>, tensor<1x1x7x37xf32>) -> tensor<1x4x7x8xf32>
  return %o : tensor<1x4x7x8xf32>
}

// A sliding window of 40 keys (window = 40) in a decode step over 300 f16 tokens: the blocks of
// the parts before the window skip their keys.
// RUN: lowbit-npy random --type=1x8x1x32xf16 --seed=%seed49 -o %t/win.q.npy
// RUN: lowbit-npy random --type=1x2x300x32xf16 --seed=%seed50 -o %t/win.k.npy
// RUN: lowbit-npy random --type=1x2x300x32xf16 --seed=%seed51 -o %t/win.v.npy
// REDEFINE: %{case} = window_decode
// REDEFINE: %{inputs} = --input=@%t/win.q.npy --input=@%t/win.k.npy --input=@%t/win.v.npy
// RUN: %{check}
// RUN: lowbit-run %s --function=%{case} --fast-path=false %{inputs} --output=@%t/%{case}.linalg.npy
// RUN: %{compare} %t/%{case}.1.npy --atol=1e-4 --rtol=1e-4 | FileCheck %s --check-prefix=WINDOW
// RUN: %{compare} %t/%{case}.2.npy --atol=1e-4 --rtol=1e-4 | FileCheck %s --check-prefix=WINDOW
// RUN: %{compare} %t/%{case}.e.npy --atol=1e-4 --rtol=1e-4 | FileCheck %s --check-prefix=WINDOW
// RUN: %{compare} %t/%{case}.linalg.npy --atol=1e-4 --rtol=1e-4 | FileCheck %s --check-prefix=WINDOW
// WINDOW: compare: 256 elements, max abs error
// WINDOW-NOT: FAILED
func.func @window_decode(%q: tensor<1x8x1x32xf16>, %k: tensor<1x2x300x32xf16>,
                         %v: tensor<1x2x300x32xf16>) -> tensor<1x8x1x32xf32> {
  %o = lowbit.attention %q, %k, %v {causal, window = 40 : i64}
         : (tensor<1x8x1x32xf16>, tensor<1x2x300x32xf16>, tensor<1x2x300x32xf16>)
         -> tensor<1x8x1x32xf32>
  return %o : tensor<1x8x1x32xf32>
}

// A causal prefill of 20 queries after 30 cached tokens with a window of 13 keys, over a KIVI
// si4 cache (keys in groups of 8 tokens) and a residual window of 4 f32 tokens; the window
// starts inside a step, the schedule's steps of 4 keys in 2 parts. Then the same without
// causality (the window bounds the keys from below only).
// RUN: lowbit-npy random --type=1x4x20x16xf32 --seed=%seed52 -o %t/wp.q.npy
// RUN: lowbit-npy random --type=1x2x46x16xsi4 --seed=%seed53 -o %t/wp.k.npy
// RUN: lowbit-npy random --type=1x2x46x16xsi4 --seed=%seed54 -o %t/wp.v.npy
// RUN: lowbit-npy random --type=1x2x6x16xbf16 --min=0.05 --max=0.3 --seed=%seed55 -o %t/wp.ks.npy
// RUN: lowbit-npy random --type=1x2x46x2xf16 --min=0.05 --max=0.3 --seed=%seed56 -o %t/wp.vs.npy
// RUN: lowbit-npy random --type=1x2x4x16xf32 --seed=%seed57 -o %t/wp.kr.npy
// RUN: lowbit-npy random --type=1x2x4x16xf32 --seed=%seed58 -o %t/wp.vr.npy
// REDEFINE: %{inputs} = --input=@%t/wp.q.npy --input=@%t/wp.k.npy --input=@%t/wp.v.npy --input=@%t/wp.ks.npy --input=@%t/wp.vs.npy --input=@%t/wp.kr.npy --input=@%t/wp.vr.npy
// REDEFINE: %{case} = window_prefill
// RUN: %{check}
// RUN: lowbit-run %s --function=%{case} --fast-path=false %{inputs} --output=@%t/%{case}.linalg.npy
// RUN: %{compare} %t/%{case}.1.npy --atol=1e-4 --rtol=1e-4 | FileCheck %s --check-prefix=WPREFILL
// RUN: %{compare} %t/%{case}.2.npy --atol=1e-4 --rtol=1e-4 | FileCheck %s --check-prefix=WPREFILL
// RUN: %{compare} %t/%{case}.e.npy --atol=1e-4 --rtol=1e-4 | FileCheck %s --check-prefix=WPREFILL
// RUN: %{compare} %t/%{case}.linalg.npy --atol=1e-4 --rtol=1e-4 | FileCheck %s --check-prefix=WPREFILL
// REDEFINE: %{case} = window_bidirectional
// RUN: %{check}
// RUN: lowbit-run %s --function=%{case} --fast-path=false %{inputs} --output=@%t/%{case}.linalg.npy
// RUN: %{compare} %t/%{case}.1.npy --atol=1e-4 --rtol=1e-4 | FileCheck %s --check-prefix=WPREFILL
// RUN: %{compare} %t/%{case}.2.npy --atol=1e-4 --rtol=1e-4 | FileCheck %s --check-prefix=WPREFILL
// RUN: %{compare} %t/%{case}.e.npy --atol=1e-4 --rtol=1e-4 | FileCheck %s --check-prefix=WPREFILL
// RUN: %{compare} %t/%{case}.linalg.npy --atol=1e-4 --rtol=1e-4 | FileCheck %s --check-prefix=WPREFILL
// WPREFILL: compare: 1280 elements, max abs error
// WPREFILL-NOT: FAILED
func.func @window_prefill(%q: tensor<1x4x20x16xf32>, %k: tensor<1x2x46x16xsi4>,
                          %v: tensor<1x2x46x16xsi4>, %ks: tensor<1x2x6x16xbf16>,
                          %vs: tensor<1x2x46x2xf16>, %kr: tensor<1x2x4x16xf32>,
                          %vr: tensor<1x2x4x16xf32>) -> tensor<1x4x20x16xf32> {
  %o = lowbit.attention %q, %k, %v k_scale(%ks) v_scale(%vs) k_residual(%kr) v_residual(%vr)
         {causal, window = 13 : i64,
          k_scheme = #lowbit.scheme<group(axis = 2, size = 8), scale = bf16>,
          v_scheme = #lowbit.scheme<group(axis = 3, size = 8), scale = f16>,
          schedule = #lowbit.schedule<fma, workers = 8, tile = [16, 4, 4], split_k = 2>}
         : (tensor<1x4x20x16xf32>, tensor<1x2x46x16xsi4>, tensor<1x2x46x16xsi4>,
            tensor<1x2x6x16xbf16>, tensor<1x2x46x2xf16>, tensor<1x2x4x16xf32>,
            tensor<1x2x4x16xf32>) -> tensor<1x4x20x16xf32>
  return %o : tensor<1x4x20x16xf32>
}
func.func @window_bidirectional(%q: tensor<1x4x20x16xf32>, %k: tensor<1x2x46x16xsi4>,
                                %v: tensor<1x2x46x16xsi4>, %ks: tensor<1x2x6x16xbf16>,
                                %vs: tensor<1x2x46x2xf16>, %kr: tensor<1x2x4x16xf32>,
                                %vr: tensor<1x2x4x16xf32>) -> tensor<1x4x20x16xf32> {
  %o = lowbit.attention %q, %k, %v k_scale(%ks) v_scale(%vs) k_residual(%kr) v_residual(%vr)
         {window = 13 : i64,
          k_scheme = #lowbit.scheme<group(axis = 2, size = 8), scale = bf16>,
          v_scheme = #lowbit.scheme<group(axis = 3, size = 8), scale = f16>,
          schedule = #lowbit.schedule<fma, workers = 8, tile = [16, 4, 4], split_k = 2>}
         : (tensor<1x4x20x16xf32>, tensor<1x2x46x16xsi4>, tensor<1x2x46x16xsi4>,
            tensor<1x2x6x16xbf16>, tensor<1x2x46x2xf16>, tensor<1x2x4x16xf32>,
            tensor<1x2x4x16xf32>) -> tensor<1x4x20x16xf32>
  return %o : tensor<1x4x20x16xf32>
}
