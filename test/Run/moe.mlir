// lowbit.moe end to end: the JIT (f32) against the scalar reference (double) on random data
// (fresh per lit run, see %seed): quantized and float experts, each activation, top-k with and
// without renormalization. f32 results within 1e-4, f16 within about one ulp.
// RUN: rm -rf %t && mkdir -p %t

// Top-2 of 4 si4 experts grouped along the input features (groups of 16: H = 37 and F = 24
// both end in a short group), silu, renormalized, T = 7 tokens.
// RUN: lowbit-npy random --type=7x37xf32 --seed=%seed1 -o %t/si4.x.npy
// RUN: lowbit-npy random --type=7x4xf32 --min=-3 --max=3 --seed=%seed2 -o %t/si4.l.npy
// RUN: lowbit-npy random --type=4x24x37xsi4 --seed=%seed3 -o %t/si4.wg.npy
// RUN: lowbit-npy random --type=4x24x37xsi4 --seed=%seed4 -o %t/si4.wu.npy
// RUN: lowbit-npy random --type=4x37x24xsi4 --seed=%seed5 -o %t/si4.wd.npy
// RUN: lowbit-npy random --type=4x24x3xf16 --min=0.01 --max=0.1 --seed=%seed6 -o %t/si4.gs.npy
// RUN: lowbit-npy random --type=4x24x3xf16 --min=0.01 --max=0.1 --seed=%seed7 -o %t/si4.us.npy
// RUN: lowbit-npy random --type=4x37x2xf16 --min=0.01 --max=0.1 --seed=%seed8 -o %t/si4.ds.npy
// RUN: lowbit-run %s --function=top2_si4 --input=@%t/si4.x.npy --input=@%t/si4.l.npy --input=@%t/si4.wg.npy --input=@%t/si4.wu.npy --input=@%t/si4.wd.npy --input=@%t/si4.gs.npy --input=@%t/si4.us.npy --input=@%t/si4.ds.npy --output=@%t/si4.jit.npy
// RUN: lowbit-run %s --function=top2_si4 --engine=reference --input=@%t/si4.x.npy --input=@%t/si4.l.npy --input=@%t/si4.wg.npy --input=@%t/si4.wu.npy --input=@%t/si4.wd.npy --input=@%t/si4.gs.npy --input=@%t/si4.us.npy --input=@%t/si4.ds.npy --output=@%t/si4.ref.npy
// RUN: lowbit-npy compare %t/si4.ref.npy %t/si4.jit.npy --atol=1e-4 --rtol=1e-4 | FileCheck %s --check-prefix=SI4
// SI4: compare: 259 elements, max abs error
func.func @top2_si4(%x: tensor<7x37xf32>, %logits: tensor<7x4xf32>, %wg: tensor<4x24x37xsi4>,
                    %wu: tensor<4x24x37xsi4>, %wd: tensor<4x37x24xsi4>, %gs: tensor<4x24x3xf16>,
                    %us: tensor<4x24x3xf16>, %ds: tensor<4x37x2xf16>) -> tensor<7x37xf32> {
  %y = lowbit.moe %x, %logits, %wg, %wu, %wd gate_scale(%gs) up_scale(%us) down_scale(%ds)
         {top_k = 2 : i64, activation = #lowbit.activation<silu>, normalize_topk,
          weight_scheme = #lowbit.scheme<group(axis = 2, size = 16), scale = f16>}
         : (tensor<7x37xf32>, tensor<7x4xf32>, tensor<4x24x37xsi4>, tensor<4x24x37xsi4>,
            tensor<4x37x24xsi4>, tensor<4x24x3xf16>, tensor<4x24x3xf16>, tensor<4x37x2xf16>)
         -> tensor<7x37xf32>
  return %y : tensor<7x37xf32>
}

// Top-2 of 8 ui4 experts with integer zero points, gelu, not renormalized; one bf16 token,
// f16 logits and result.
// RUN: lowbit-npy random --type=1x32xbf16 --seed=%seed9 -o %t/ui4.x.npy
// RUN: lowbit-npy random --type=1x8xf16 --min=-3 --max=3 --seed=%seed10 -o %t/ui4.l.npy
// RUN: lowbit-npy random --type=8x16x32xui4 --seed=%seed11 -o %t/ui4.wg.npy
// RUN: lowbit-npy random --type=8x16x32xui4 --seed=%seed12 -o %t/ui4.wu.npy
// RUN: lowbit-npy random --type=8x32x16xui4 --seed=%seed13 -o %t/ui4.wd.npy
// RUN: lowbit-npy random --type=8x16x1xbf16 --min=0.01 --max=0.1 --seed=%seed14 -o %t/ui4.gs.npy
// RUN: lowbit-npy random --type=8x16x1xui4 --min=6 --max=9 --seed=%seed15 -o %t/ui4.gz.npy
// RUN: lowbit-npy random --type=8x16x1xbf16 --min=0.01 --max=0.1 --seed=%seed16 -o %t/ui4.us.npy
// RUN: lowbit-npy random --type=8x16x1xui4 --min=6 --max=9 --seed=%seed17 -o %t/ui4.uz.npy
// RUN: lowbit-npy random --type=8x32x1xbf16 --min=0.01 --max=0.1 --seed=%seed18 -o %t/ui4.ds.npy
// RUN: lowbit-npy random --type=8x32x1xui4 --min=6 --max=9 --seed=%seed19 -o %t/ui4.dz.npy
// RUN: lowbit-run %s --function=top2_ui4_zero --input=@%t/ui4.x.npy --input=@%t/ui4.l.npy --input=@%t/ui4.wg.npy --input=@%t/ui4.wu.npy --input=@%t/ui4.wd.npy --input=@%t/ui4.gs.npy --input=@%t/ui4.gz.npy --input=@%t/ui4.us.npy --input=@%t/ui4.uz.npy --input=@%t/ui4.ds.npy --input=@%t/ui4.dz.npy --output=@%t/ui4.jit.npy
// RUN: lowbit-run %s --function=top2_ui4_zero --engine=reference --input=@%t/ui4.x.npy --input=@%t/ui4.l.npy --input=@%t/ui4.wg.npy --input=@%t/ui4.wu.npy --input=@%t/ui4.wd.npy --input=@%t/ui4.gs.npy --input=@%t/ui4.gz.npy --input=@%t/ui4.us.npy --input=@%t/ui4.uz.npy --input=@%t/ui4.ds.npy --input=@%t/ui4.dz.npy --output=@%t/ui4.ref.npy
// RUN: lowbit-npy compare %t/ui4.ref.npy %t/ui4.jit.npy --atol=1e-4 --rtol=2e-3 | FileCheck %s --check-prefix=UI4
// UI4: compare: 32 elements, max abs error
func.func @top2_ui4_zero(%x: tensor<1x32xbf16>, %logits: tensor<1x8xf16>,
                         %wg: tensor<8x16x32xui4>, %wu: tensor<8x16x32xui4>,
                         %wd: tensor<8x32x16xui4>, %gs: tensor<8x16x1xbf16>,
                         %gz: tensor<8x16x1xui4>, %us: tensor<8x16x1xbf16>,
                         %uz: tensor<8x16x1xui4>, %ds: tensor<8x32x1xbf16>,
                         %dz: tensor<8x32x1xui4>) -> tensor<1x32xf16> {
  %y = lowbit.moe %x, %logits, %wg, %wu, %wd gate_scale(%gs) gate_zero(%gz) up_scale(%us)
         up_zero(%uz) down_scale(%ds) down_zero(%dz)
         {top_k = 2 : i64, activation = #lowbit.activation<gelu>,
          weight_scheme = #lowbit.scheme<group(axis = 2, size = 32), scale = bf16, zero = int>}
         : (tensor<1x32xbf16>, tensor<1x8xf16>, tensor<8x16x32xui4>, tensor<8x16x32xui4>,
            tensor<8x32x16xui4>, tensor<8x16x1xbf16>, tensor<8x16x1xui4>, tensor<8x16x1xbf16>,
            tensor<8x16x1xui4>, tensor<8x32x1xbf16>, tensor<8x32x1xui4>) -> tensor<1x32xf16>
  return %y : tensor<1x32xf16>
}

// MXFP4 experts (e2m1 with e8m0 scales per 32 features), top-1 of 2, gelu_tanh, f16 tokens.
// RUN: lowbit-npy random --type=5x64xf16 --seed=%seed20 -o %t/mx.x.npy
// RUN: lowbit-npy random --type=5x2xf32 --seed=%seed21 -o %t/mx.l.npy
// RUN: lowbit-npy random --type=2x32x64xf4E2M1FN --seed=%seed22 -o %t/mx.wg.npy
// RUN: lowbit-npy random --type=2x32x64xf4E2M1FN --seed=%seed23 -o %t/mx.wu.npy
// RUN: lowbit-npy random --type=2x64x32xf4E2M1FN --seed=%seed24 -o %t/mx.wd.npy
// RUN: lowbit-npy random --type=2x32x2xf8E8M0FNU --min=0.0078125 --max=0.0625 --seed=%seed25 -o %t/mx.gs.npy
// RUN: lowbit-npy random --type=2x32x2xf8E8M0FNU --min=0.0078125 --max=0.0625 --seed=%seed26 -o %t/mx.us.npy
// RUN: lowbit-npy random --type=2x64x1xf8E8M0FNU --min=0.0078125 --max=0.0625 --seed=%seed27 -o %t/mx.ds.npy
// RUN: lowbit-run %s --function=top1_mxfp4 --input=@%t/mx.x.npy --input=@%t/mx.l.npy --input=@%t/mx.wg.npy --input=@%t/mx.wu.npy --input=@%t/mx.wd.npy --input=@%t/mx.gs.npy --input=@%t/mx.us.npy --input=@%t/mx.ds.npy --output=@%t/mx.jit.npy
// RUN: lowbit-run %s --function=top1_mxfp4 --engine=reference --input=@%t/mx.x.npy --input=@%t/mx.l.npy --input=@%t/mx.wg.npy --input=@%t/mx.wu.npy --input=@%t/mx.wd.npy --input=@%t/mx.gs.npy --input=@%t/mx.us.npy --input=@%t/mx.ds.npy --output=@%t/mx.ref.npy
// RUN: lowbit-npy compare %t/mx.ref.npy %t/mx.jit.npy --atol=1e-4 --rtol=1e-4 | FileCheck %s --check-prefix=MX
// MX: compare: 320 elements, max abs error
func.func @top1_mxfp4(%x: tensor<5x64xf16>, %logits: tensor<5x2xf32>,
                      %wg: tensor<2x32x64xf4E2M1FN>, %wu: tensor<2x32x64xf4E2M1FN>,
                      %wd: tensor<2x64x32xf4E2M1FN>, %gs: tensor<2x32x2xf8E8M0FNU>,
                      %us: tensor<2x32x2xf8E8M0FNU>, %ds: tensor<2x64x1xf8E8M0FNU>)
    -> tensor<5x64xf32> {
  %y = lowbit.moe %x, %logits, %wg, %wu, %wd gate_scale(%gs) up_scale(%us) down_scale(%ds)
         {top_k = 1 : i64, activation = #lowbit.activation<gelu_tanh>,
          weight_scheme = #lowbit.scheme<group(axis = 2, size = 32), scale = f8E8M0FNU>}
         : (tensor<5x64xf16>, tensor<5x2xf32>, tensor<2x32x64xf4E2M1FN>,
            tensor<2x32x64xf4E2M1FN>, tensor<2x64x32xf4E2M1FN>, tensor<2x32x2xf8E8M0FNU>,
            tensor<2x32x2xf8E8M0FNU>, tensor<2x64x1xf8E8M0FNU>) -> tensor<5x64xf32>
  return %y : tensor<5x64xf32>
}

// Float experts (bf16), every expert selected (top_k = E = 3), silu, renormalized.
// RUN: lowbit-npy random --type=3x16xbf16 --seed=%seed28 -o %t/fl.x.npy
// RUN: lowbit-npy random --type=3x3xf32 --seed=%seed29 -o %t/fl.l.npy
// RUN: lowbit-npy random --type=3x24x16xbf16 --min=-0.5 --max=0.5 --seed=%seed30 -o %t/fl.wg.npy
// RUN: lowbit-npy random --type=3x24x16xbf16 --min=-0.5 --max=0.5 --seed=%seed31 -o %t/fl.wu.npy
// RUN: lowbit-npy random --type=3x16x24xbf16 --min=-0.5 --max=0.5 --seed=%seed32 -o %t/fl.wd.npy
// RUN: lowbit-run %s --function=all_float_experts --input=@%t/fl.x.npy --input=@%t/fl.l.npy --input=@%t/fl.wg.npy --input=@%t/fl.wu.npy --input=@%t/fl.wd.npy --output=@%t/fl.jit.npy
// RUN: lowbit-run %s --function=all_float_experts --engine=reference --input=@%t/fl.x.npy --input=@%t/fl.l.npy --input=@%t/fl.wg.npy --input=@%t/fl.wu.npy --input=@%t/fl.wd.npy --output=@%t/fl.ref.npy
// RUN: lowbit-npy compare %t/fl.ref.npy %t/fl.jit.npy --atol=1e-4 --rtol=1e-4 | FileCheck %s --check-prefix=FLOAT
// FLOAT: compare: 48 elements, max abs error
func.func @all_float_experts(%x: tensor<3x16xbf16>, %logits: tensor<3x3xf32>,
                             %wg: tensor<3x24x16xbf16>, %wu: tensor<3x24x16xbf16>,
                             %wd: tensor<3x16x24xbf16>) -> tensor<3x16xf32> {
  %y = lowbit.moe %x, %logits, %wg, %wu, %wd
         {top_k = 3 : i64, activation = #lowbit.activation<silu>, normalize_topk}
         : (tensor<3x16xbf16>, tensor<3x3xf32>, tensor<3x24x16xbf16>, tensor<3x24x16xbf16>,
            tensor<3x16x24xbf16>) -> tensor<3x16xf32>
  return %y : tensor<3x16xf32>
}

// Routing by hand: logits [0, 0] tie, so top-1 takes expert 0 (the lower index); with identity
// 1x1 experts, y = weight * silu(x) * x where the weight is softmax([0, 0])[0] = 0.5:
// x = 2 -> 0.5 * 2 * sigmoid(2) * 2 = 1.7615942.
// RUN: lowbit-run %s --function=tie_top1 --input="1x1xf32=2" --input="1x2xf32=0 0" --input="2x1x1xf32=1 -1" --input="2x1x1xf32=1 1" --input="2x1x1xf32=1 1" | FileCheck %s --check-prefix=TIE
// RUN: lowbit-run %s --function=tie_top1 --engine=reference --input="1x1xf32=2" --input="1x2xf32=0 0" --input="2x1x1xf32=1 -1" --input="2x1x1xf32=1 1" --input="2x1x1xf32=1 1" | FileCheck %s --check-prefix=TIE
// TIE:      result[0]: tensor<1x1xf32>
// TIE-NEXT: {{^\[\[}}1.76159{{[0-9]*}}]]{{$}}
func.func @tie_top1(%x: tensor<1x1xf32>, %logits: tensor<1x2xf32>, %wg: tensor<2x1x1xf32>,
                    %wu: tensor<2x1x1xf32>, %wd: tensor<2x1x1xf32>) -> tensor<1x1xf32> {
  %y = lowbit.moe %x, %logits, %wg, %wu, %wd
         {top_k = 1 : i64, activation = #lowbit.activation<silu>}
         : (tensor<1x1xf32>, tensor<1x2xf32>, tensor<2x1x1xf32>, tensor<2x1x1xf32>,
            tensor<2x1x1xf32>) -> tensor<1x1xf32>
  return %y : tensor<1x1xf32>
}
