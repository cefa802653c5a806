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
  %y = lowbit.moe %x, %logits gate(%wg) up(%wu) down(%wd)
         gate_scale(%gs) up_scale(%us) down_scale(%ds)
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
  %y = lowbit.moe %x, %logits gate(%wg) up(%wu) down(%wd)
         gate_scale(%gs) gate_zero(%gz) up_scale(%us)
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
  %y = lowbit.moe %x, %logits gate(%wg) up(%wu) down(%wd)
         gate_scale(%gs) up_scale(%us) down_scale(%ds)
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
  %y = lowbit.moe %x, %logits gate(%wg) up(%wu) down(%wd)
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
  %y = lowbit.moe %x, %logits gate(%wg) up(%wu) down(%wd)
         {top_k = 1 : i64, activation = #lowbit.activation<silu>}
         : (tensor<1x1xf32>, tensor<1x2xf32>, tensor<2x1x1xf32>, tensor<2x1x1xf32>,
            tensor<2x1x1xf32>) -> tensor<1x1xf32>
  return %y : tensor<1x1xf32>
}

// Not gated: relu over 4-bit experts with biases (the gate's f32, the down projection's f16),
// top-2 of 5, not renormalized, F = 20 in groups of 16 (a short last group).
// RUN: lowbit-npy random --type=6x24xf32 --seed=%seed40 -o %t/ug.x.npy
// RUN: lowbit-npy random --type=6x5xf32 --min=-3 --max=3 --seed=%seed41 -o %t/ug.l.npy
// RUN: lowbit-npy random --type=5x20x24xsi4 --seed=%seed42 -o %t/ug.wg.npy
// RUN: lowbit-npy random --type=5x24x20xsi4 --seed=%seed43 -o %t/ug.wd.npy
// RUN: lowbit-npy random --type=5x20x2xf16 --min=0.01 --max=0.1 --seed=%seed44 -o %t/ug.gs.npy
// RUN: lowbit-npy random --type=5x24x2xf16 --min=0.01 --max=0.1 --seed=%seed45 -o %t/ug.ds.npy
// RUN: lowbit-npy random --type=5x20xf32 --seed=%seed46 -o %t/ug.bg.npy
// RUN: lowbit-npy random --type=5x24xf16 --seed=%seed47 -o %t/ug.bd.npy
// RUN: lowbit-run %s --function=ungated_relu_bias --input=@%t/ug.x.npy --input=@%t/ug.l.npy --input=@%t/ug.wg.npy --input=@%t/ug.wd.npy --input=@%t/ug.gs.npy --input=@%t/ug.ds.npy --input=@%t/ug.bg.npy --input=@%t/ug.bd.npy --output=@%t/ug.jit.npy
// RUN: lowbit-run %s --function=ungated_relu_bias --engine=reference --input=@%t/ug.x.npy --input=@%t/ug.l.npy --input=@%t/ug.wg.npy --input=@%t/ug.wd.npy --input=@%t/ug.gs.npy --input=@%t/ug.ds.npy --input=@%t/ug.bg.npy --input=@%t/ug.bd.npy --output=@%t/ug.ref.npy
// RUN: lowbit-npy compare %t/ug.ref.npy %t/ug.jit.npy --atol=1e-4 --rtol=1e-4 | FileCheck %s --check-prefix=UNGATED
// UNGATED: compare: 144 elements, max abs error
func.func @ungated_relu_bias(%x: tensor<6x24xf32>, %logits: tensor<6x5xf32>,
                             %wg: tensor<5x20x24xsi4>, %wd: tensor<5x24x20xsi4>,
                             %gs: tensor<5x20x2xf16>, %ds: tensor<5x24x2xf16>,
                             %bg: tensor<5x20xf32>, %bd: tensor<5x24xf16>) -> tensor<6x24xf32> {
  %y = lowbit.moe %x, %logits gate(%wg) down(%wd) gate_scale(%gs) down_scale(%ds)
         gate_bias(%bg) down_bias(%bd)
         {top_k = 2 : i64, activation = #lowbit.activation<relu>,
          weight_scheme = #lowbit.scheme<group(axis = 2, size = 16), scale = f16>}
         : (tensor<6x24xf32>, tensor<6x5xf32>, tensor<5x20x24xsi4>, tensor<5x24x20xsi4>,
            tensor<5x20x2xf16>, tensor<5x24x2xf16>, tensor<5x20xf32>, tensor<5x24xf16>)
         -> tensor<6x24xf32>
  return %y : tensor<6x24xf32>
}

// The clamped SwiGLU of gpt-oss (sigmoid slope 1.702, up offset 1, limit 1.5: the projections
// of these inputs spread past it, so both clamps act) with all three biases, 8-bit experts with
// zero points, top-3 of 4, renormalized; and identity (not gated) on the same experts.
// RUN: lowbit-npy random --type=5x32xf32 --seed=%seed50 -o %t/sw.x.npy
// RUN: lowbit-npy random --type=5x4xf32 --min=-3 --max=3 --seed=%seed51 -o %t/sw.l.npy
// RUN: lowbit-npy random --type=4x12x32xui8 --seed=%seed52 -o %t/sw.wg.npy
// RUN: lowbit-npy random --type=4x12x32xui8 --seed=%seed53 -o %t/sw.wu.npy
// RUN: lowbit-npy random --type=4x32x12xui8 --seed=%seed54 -o %t/sw.wd.npy
// RUN: lowbit-npy random --type=4x12x1xf32 --min=0.001 --max=0.01 --seed=%seed55 -o %t/sw.gs.npy
// RUN: lowbit-npy random --type=4x12x1xf32 --min=0.001 --max=0.01 --seed=%seed56 -o %t/sw.us.npy
// RUN: lowbit-npy random --type=4x32x1xf32 --min=0.001 --max=0.01 --seed=%seed57 -o %t/sw.ds.npy
// RUN: lowbit-npy random --type=4x12x1xui8 --seed=%seed58 -o %t/sw.gz.npy
// RUN: lowbit-npy random --type=4x12x1xui8 --seed=%seed59 -o %t/sw.uz.npy
// RUN: lowbit-npy random --type=4x32x1xui8 --seed=%seed60 -o %t/sw.dz.npy
// RUN: lowbit-npy random --type=4x12xf32 --seed=%seed61 -o %t/sw.bg.npy
// RUN: lowbit-npy random --type=4x12xf32 --seed=%seed62 -o %t/sw.bu.npy
// RUN: lowbit-npy random --type=4x32xf32 --seed=%seed63 -o %t/sw.bd.npy
// RUN: for e in jit reference; do lowbit-run %s --function=clamped_swiglu --engine=$e $(for n in x l wg wu wd gs us ds gz uz dz bg bu bd; do printf -- '--input=@%t/sw.%%s.npy ' $n; done) --output=@%t/sw.$e.npy --output=@%t/id.$e.npy || exit 1; done
// RUN: lowbit-npy compare %t/sw.reference.npy %t/sw.jit.npy --atol=1e-4 --rtol=1e-4 | FileCheck %s --check-prefix=SWIGLU
// RUN: lowbit-npy compare %t/id.reference.npy %t/id.jit.npy --atol=1e-4 --rtol=1e-4 | FileCheck %s --check-prefix=SWIGLU
// SWIGLU: compare: 160 elements, max abs error
func.func @clamped_swiglu(%x: tensor<5x32xf32>, %logits: tensor<5x4xf32>,
                          %wg: tensor<4x12x32xui8>, %wu: tensor<4x12x32xui8>,
                          %wd: tensor<4x32x12xui8>, %gs: tensor<4x12x1xf32>,
                          %us: tensor<4x12x1xf32>, %ds: tensor<4x32x1xf32>,
                          %gz: tensor<4x12x1xui8>, %uz: tensor<4x12x1xui8>,
                          %dz: tensor<4x32x1xui8>, %bg: tensor<4x12xf32>, %bu: tensor<4x12xf32>,
                          %bd: tensor<4x32xf32>) -> (tensor<5x32xf32>, tensor<5x32xf32>) {
  %y = lowbit.moe %x, %logits gate(%wg) up(%wu) down(%wd) gate_scale(%gs) gate_zero(%gz)
         up_scale(%us) up_zero(%uz) down_scale(%ds) down_zero(%dz) gate_bias(%bg) up_bias(%bu)
         down_bias(%bd)
         {top_k = 3 : i64, activation = #lowbit.activation<silu>, normalize_topk,
          activation_alpha = 1.702 : f32, up_offset = 1.0 : f32, clamp_limit = 1.5 : f32,
          weight_scheme = #lowbit.scheme<group(axis = 2, size = 32), scale = f32, zero = int>}
         : (tensor<5x32xf32>, tensor<5x4xf32>, tensor<4x12x32xui8>, tensor<4x12x32xui8>,
            tensor<4x32x12xui8>, tensor<4x12x1xf32>, tensor<4x12x1xui8>, tensor<4x12x1xf32>,
            tensor<4x12x1xui8>, tensor<4x32x1xf32>, tensor<4x32x1xui8>, tensor<4x12xf32>,
            tensor<4x12xf32>, tensor<4x32xf32>) -> tensor<5x32xf32>
  %i = lowbit.moe %x, %logits gate(%wg) down(%wd) gate_scale(%gs) gate_zero(%gz)
         down_scale(%ds) down_zero(%dz)
         {top_k = 3 : i64, activation = #lowbit.activation<identity>,
          weight_scheme = #lowbit.scheme<group(axis = 2, size = 32), scale = f32, zero = int>}
         : (tensor<5x32xf32>, tensor<5x4xf32>, tensor<4x12x32xui8>, tensor<4x32x12xui8>,
            tensor<4x12x1xf32>, tensor<4x12x1xui8>, tensor<4x32x1xf32>, tensor<4x32x1xui8>)
         -> tensor<5x32xf32>
  return %y, %i : tensor<5x32xf32>, tensor<5x32xf32>
}
