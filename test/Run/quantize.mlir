// lowbit.quantize end to end: the JIT and the scalar reference give the same codes, bit for bit,
// on random inputs (fresh per lit run, see %seed), with realistic scales and odd shapes.
// RUN: rm -rf %t && mkdir -p %t

// Groups of 8 along K = 37 (the last group has 5 elements) with integer zero points, M = 7.
// RUN: lowbit-npy random --type=7x37xf32 --seed=%seed1 -o %t/g.x.npy
// RUN: lowbit-npy random --type=7x5xf16 --min=0.01 --max=0.2 --seed=%seed2 -o %t/g.s.npy
// RUN: lowbit-npy random --type=7x5xui4 --min=4 --max=11 --seed=%seed3 -o %t/g.z.npy
// RUN: lowbit-run %s --function=group_zero_ui4 --input=@%t/g.x.npy --input=@%t/g.s.npy --input=@%t/g.z.npy --output=@%t/g.jit.npy
// RUN: lowbit-run %s --function=group_zero_ui4 --engine=reference --input=@%t/g.x.npy --input=@%t/g.s.npy --input=@%t/g.z.npy --output=@%t/g.ref.npy
// RUN: lowbit-npy compare %t/g.ref.npy %t/g.jit.npy --atol=0 --rtol=0 | FileCheck %s --check-prefix=GROUP
// GROUP: compare: 259 elements, max abs error 0 at
func.func @group_zero_ui4(%x: tensor<7x37xf32>, %s: tensor<7x5xf16>, %z: tensor<7x5xui4>)
    -> tensor<7x37xui4> {
  %q = lowbit.quantize %x scale(%s) zero(%z)
         {scheme = #lowbit.scheme<group(axis = 1, size = 8), scale = f16, zero = int>}
         : (tensor<7x37xf32>, tensor<7x5xf16>, tensor<7x5xui4>) -> tensor<7x37xui4>
  return %q : tensor<7x37xui4>
}

// ui3 codes, K = 13 (39 bits: rows end mid-byte), groups of 4 with float zero points.
// RUN: lowbit-npy random --type=5x13xf32 --seed=%seed4 -o %t/u3.x.npy
// RUN: lowbit-npy random --type=5x4xf32 --min=0.05 --max=0.3 --seed=%seed5 -o %t/u3.s.npy
// RUN: lowbit-npy random --type=5x4xf32 --min=2 --max=5 --seed=%seed6 -o %t/u3.z.npy
// RUN: lowbit-run %s --function=group_zero_float_ui3 --input=@%t/u3.x.npy --input=@%t/u3.s.npy --input=@%t/u3.z.npy --output=@%t/u3.jit.npy
// RUN: lowbit-run %s --function=group_zero_float_ui3 --engine=reference --input=@%t/u3.x.npy --input=@%t/u3.s.npy --input=@%t/u3.z.npy --output=@%t/u3.ref.npy
// RUN: lowbit-npy compare %t/u3.ref.npy %t/u3.jit.npy --atol=0 --rtol=0 | FileCheck %s --check-prefix=UI3
// UI3: compare: 65 elements, max abs error 0 at
func.func @group_zero_float_ui3(%x: tensor<5x13xf32>, %s: tensor<5x4xf32>, %z: tensor<5x4xf32>)
    -> tensor<5x13xui3> {
  %q = lowbit.quantize %x scale(%s) zero(%z)
         {scheme = #lowbit.scheme<group(axis = 1, size = 4), scale = f32, zero = float>}
         : (tensor<5x13xf32>, tensor<5x4xf32>, tensor<5x4xf32>) -> tensor<5x13xui3>
  return %q : tensor<5x13xui3>
}

// Per channel on the middle axis of a rank-3 bf16 tensor (batch axis in front), si8.
// RUN: lowbit-npy random --type=2x3x19xbf16 --min=-4 --max=4 --seed=%seed7 -o %t/pc.x.npy
// RUN: lowbit-npy random --type=3xbf16 --min=0.01 --max=0.05 --seed=%seed8 -o %t/pc.s.npy
// RUN: lowbit-run %s --function=per_channel_si8 --input=@%t/pc.x.npy --input=@%t/pc.s.npy --output=@%t/pc.jit.npy
// RUN: lowbit-run %s --function=per_channel_si8 --engine=reference --input=@%t/pc.x.npy --input=@%t/pc.s.npy --output=@%t/pc.ref.npy
// RUN: lowbit-npy compare %t/pc.ref.npy %t/pc.jit.npy --atol=0 --rtol=0 | FileCheck %s --check-prefix=CHANNEL
// CHANNEL: compare: 114 elements, max abs error 0 at
func.func @per_channel_si8(%x: tensor<2x3x19xbf16>, %s: tensor<3xbf16>) -> tensor<2x3x19xsi8> {
  %q = lowbit.quantize %x scale(%s)
         {scheme = #lowbit.scheme<per_channel(axis = 1), scale = bf16>}
         : (tensor<2x3x19xbf16>, tensor<3xbf16>) -> tensor<2x3x19xsi8>
  return %q : tensor<2x3x19xsi8>
}

// Per tensor, f16 input, f8E4M3FN codes (round to nearest even, saturating), N = 1.
// RUN: lowbit-npy random --type=1x45xf16 --min=-20 --max=20 --seed=%seed9 -o %t/e4.x.npy
// RUN: lowbit-npy random --type=f32 --min=0.01 --max=0.1 --seed=%seed10 -o %t/e4.s.npy
// RUN: lowbit-run %s --function=per_tensor_e4m3 --input=@%t/e4.x.npy --input=@%t/e4.s.npy --output=@%t/e4.jit.npy
// RUN: lowbit-run %s --function=per_tensor_e4m3 --engine=reference --input=@%t/e4.x.npy --input=@%t/e4.s.npy --output=@%t/e4.ref.npy
// RUN: lowbit-npy compare %t/e4.ref.npy %t/e4.jit.npy --atol=0 --rtol=0 | FileCheck %s --check-prefix=E4M3
// E4M3: compare: 45 elements, max abs error 0 at
func.func @per_tensor_e4m3(%x: tensor<1x45xf16>, %s: tensor<f32>) -> tensor<1x45xf8E4M3FN> {
  %q = lowbit.quantize %x scale(%s) {scheme = #lowbit.scheme<per_tensor, scale = f32>}
         : (tensor<1x45xf16>, tensor<f32>) -> tensor<1x45xf8E4M3FN>
  return %q : tensor<1x45xf8E4M3FN>
}

// The MX format (MXFP4): e2m1 codes, power-of-two e8m0 scales per 32 elements (K = 70: a short last group).
// RUN: lowbit-npy random --type=7x70xf32 --min=-3 --max=3 --seed=%seed11 -o %t/mx.x.npy
// RUN: lowbit-npy random --type=7x3xf8E8M0FNU --min=0.0625 --max=2 --seed=%seed12 -o %t/mx.s.npy
// RUN: lowbit-run %s --function=mxfp4 --input=@%t/mx.x.npy --input=@%t/mx.s.npy --output=@%t/mx.jit.npy
// RUN: lowbit-run %s --function=mxfp4 --engine=reference --input=@%t/mx.x.npy --input=@%t/mx.s.npy --output=@%t/mx.ref.npy
// RUN: lowbit-npy compare %t/mx.ref.npy %t/mx.jit.npy --atol=0 --rtol=0 | FileCheck %s --check-prefix=MX
// MX: compare: 490 elements, max abs error 0 at
func.func @mxfp4(%x: tensor<7x70xf32>, %s: tensor<7x3xf8E8M0FNU>) -> tensor<7x70xf4E2M1FN> {
  %q = lowbit.quantize %x scale(%s)
         {scheme = #lowbit.scheme<group(axis = 1, size = 32), scale = f8E8M0FNU>}
         : (tensor<7x70xf32>, tensor<7x3xf8E8M0FNU>) -> tensor<7x70xf4E2M1FN>
  return %q : tensor<7x70xf4E2M1FN>
}

// The NV format (NVFP4): e4m3 scales per 16 elements times an f32 tensor scale.
// RUN: lowbit-npy random --type=3x48xf32 --min=-2 --max=2 --seed=%seed13 -o %t/nv.x.npy
// RUN: lowbit-npy random --type=3x3xf8E4M3FN --min=0.5 --max=8 --seed=%seed14 -o %t/nv.s.npy
// RUN: lowbit-npy random --type=f32 --min=0.01 --max=0.1 --seed=%seed15 -o %t/nv.t.npy
// RUN: lowbit-run %s --function=nvfp4 --input=@%t/nv.x.npy --input=@%t/nv.s.npy --input=@%t/nv.t.npy --output=@%t/nv.jit.npy
// RUN: lowbit-run %s --function=nvfp4 --engine=reference --input=@%t/nv.x.npy --input=@%t/nv.s.npy --input=@%t/nv.t.npy --output=@%t/nv.ref.npy
// RUN: lowbit-npy compare %t/nv.ref.npy %t/nv.jit.npy --atol=0 --rtol=0 | FileCheck %s --check-prefix=NV
// NV: compare: 144 elements, max abs error 0 at
func.func @nvfp4(%x: tensor<3x48xf32>, %s: tensor<3x3xf8E4M3FN>, %t: tensor<f32>)
    -> tensor<3x48xf4E2M1FN> {
  %q = lowbit.quantize %x scale(%s) tensor_scale(%t)
         {scheme = #lowbit.scheme<group(axis = 1, size = 16), scale = f8E4M3FN, tensor_scale>}
         : (tensor<3x48xf32>, tensor<3x3xf8E4M3FN>, tensor<f32>) -> tensor<3x48xf4E2M1FN>
  return %q : tensor<3x48xf4E2M1FN>
}

// NF4 codebook (nearest entry), bf16 scales per 64 elements.
// RUN: lowbit-npy random --type=4x100xbf16 --seed=%seed16 -o %t/nf4.x.npy
// RUN: lowbit-npy random --type=4x2xbf16 --min=0.5 --max=1.5 --seed=%seed17 -o %t/nf4.s.npy
// RUN: lowbit-run %s --function=nf4 --input=@%t/nf4.x.npy --input=@%t/nf4.s.npy --output=@%t/nf4.jit.npy
// RUN: lowbit-run %s --function=nf4 --engine=reference --input=@%t/nf4.x.npy --input=@%t/nf4.s.npy --output=@%t/nf4.ref.npy
// RUN: lowbit-npy compare %t/nf4.ref.npy %t/nf4.jit.npy --atol=0 --rtol=0 | FileCheck %s --check-prefix=NF4
// NF4: compare: 400 elements, max abs error 0 at
func.func @nf4(%x: tensor<4x100xbf16>, %s: tensor<4x2xbf16>) -> tensor<4x100xui4> {
  %q = lowbit.quantize %x scale(%s)
         {scheme = #lowbit.scheme<group(axis = 1, size = 64), scale = bf16, codebook = nf4>}
         : (tensor<4x100xbf16>, tensor<4x2xbf16>) -> tensor<4x100xui4>
  return %q : tensor<4x100xui4>
}

// Blocks over the two innermost axes of a rank-3 tensor, si4, ternary per tensor.
// RUN: lowbit-npy random --type=2x9x11xf32 --seed=%seed18 -o %t/blk.x.npy
// RUN: lowbit-npy random --type=2x3x2xf32 --min=0.05 --max=0.2 --seed=%seed19 -o %t/blk.s.npy
// RUN: lowbit-npy random --type=f32 --min=0.3 --max=0.6 --seed=%seed20 -o %t/blk.t.npy
// RUN: lowbit-run %s --function=block_si4_and_ternary --input=@%t/blk.x.npy --input=@%t/blk.s.npy --input=@%t/blk.t.npy --output=@%t/blk.jit0.npy --output=@%t/blk.jit1.npy
// RUN: lowbit-run %s --function=block_si4_and_ternary --engine=reference --input=@%t/blk.x.npy --input=@%t/blk.s.npy --input=@%t/blk.t.npy --output=@%t/blk.ref0.npy --output=@%t/blk.ref1.npy
// RUN: lowbit-npy compare %t/blk.ref0.npy %t/blk.jit0.npy --atol=0 --rtol=0 | FileCheck %s --check-prefix=BLOCK
// RUN: lowbit-npy compare %t/blk.ref1.npy %t/blk.jit1.npy --atol=0 --rtol=0 | FileCheck %s --check-prefix=BLOCK
// BLOCK: compare: 198 elements, max abs error 0 at
func.func @block_si4_and_ternary(%x: tensor<2x9x11xf32>, %s: tensor<2x3x2xf32>, %t: tensor<f32>)
    -> (tensor<2x9x11xsi4>, tensor<2x9x11x!lowbit.ternary>) {
  %0 = lowbit.quantize %x scale(%s) {scheme = #lowbit.scheme<block(4, 8), scale = f32>}
         : (tensor<2x9x11xf32>, tensor<2x3x2xf32>) -> tensor<2x9x11xsi4>
  %1 = lowbit.quantize %x scale(%t) {scheme = #lowbit.scheme<per_tensor, scale = f32>}
         : (tensor<2x9x11xf32>, tensor<f32>) -> tensor<2x9x11x!lowbit.ternary>
  return %0, %1 : tensor<2x9x11xsi4>, tensor<2x9x11x!lowbit.ternary>
}

// Literal inputs, codes computed by hand. ui4 with zero point 8 and scale 0.5: t = x / 0.5 + 8
// is rounded half to even and clamped to [0, 15]; NaN gives the zero point.
//   x:  -10  -0.25  0.25  0.75  1.25  100  nan  inf  -inf  3.25
//   t:  -12   7.5    8.5   9.5  10.5  208  nan  inf  -inf  14.5
//   q:    0   8      8    10    10     15    8   15     0   14
// RUN: lowbit-run %s --function=literal_round_clamp --input="2x5xf32=-10 -0.25 0.25 0.75 1.25 100 nan inf -inf 3.25" --input=f32=0.5 --input=ui4=8 | FileCheck %s --check-prefix=ROUND
// RUN: lowbit-run %s --function=literal_round_clamp --engine=reference --input="2x5xf32=-10 -0.25 0.25 0.75 1.25 100 nan inf -inf 3.25" --input=f32=0.5 --input=ui4=8 | FileCheck %s --check-prefix=ROUND
// ROUND:      result[0]: tensor<2x5xui4>
// ROUND-NEXT: {{^\[\[}}0, 8, 8, 10, 10],
// ROUND-NEXT: {{^}} [15, 8, 15, 0, 14]]{{$}}
func.func @literal_round_clamp(%x: tensor<2x5xf32>, %s: tensor<f32>, %z: tensor<ui4>)
    -> tensor<2x5xui4> {
  %q = lowbit.quantize %x scale(%s) zero(%z)
         {scheme = #lowbit.scheme<per_tensor, scale = f32, zero = int>}
         : (tensor<2x5xf32>, tensor<f32>, tensor<ui4>) -> tensor<2x5xui4>
  return %q : tensor<2x5xui4>
}

// e2m1 (values 0, 0.5, 1, 1.5, 2, 3, 4, 6) with an e8m0 scale of 2: ties go to the even code,
// magnitudes beyond 6 saturate.
//   x / 2:  0.2  0.25  0.75  1.25  2.5  5  7  -100
//   code:   0    0     1     1     2    4  6  -6
// RUN: lowbit-run %s --function=literal_e2m1 --input="1x8xf32=0.4 0.5 1.5 2.5 5 10 14 -200" --input="1x1xf8E8M0FNU=2" | FileCheck %s --check-prefix=E2M1
// RUN: lowbit-run %s --function=literal_e2m1 --engine=reference --input="1x8xf32=0.4 0.5 1.5 2.5 5 10 14 -200" --input="1x1xf8E8M0FNU=2" | FileCheck %s --check-prefix=E2M1
// E2M1:      result[0]: tensor<1x8xf4E2M1FN>
// E2M1-NEXT: {{^\[\[}}0, 0, 1, 1, 2, 4, 6, -6]]{{$}}
func.func @literal_e2m1(%x: tensor<1x8xf32>, %s: tensor<1x1xf8E8M0FNU>) -> tensor<1x8xf4E2M1FN> {
  %q = lowbit.quantize %x scale(%s)
         {scheme = #lowbit.scheme<group(axis = 1, size = 32), scale = f8E8M0FNU>}
         : (tensor<1x8xf32>, tensor<1x1xf8E8M0FNU>) -> tensor<1x8xf4E2M1FN>
  return %q : tensor<1x8xf4E2M1FN>
}

// Ties with an odd integer zero point: the zero point shifts the rounded value, as ONNX's
// QuantizeLinear defines it (t = 0.5 rounds to 0, then + 153 = 153; 1.5 to 2, 155), where
// rounding after adding it would give 154 and 154. Float zero points are added first.
// RUN: lowbit-run %s --function=ties_int_zero --input='4xf32=0.25 0.75 -0.25 1.25' | FileCheck %s --check-prefix=TIES
// RUN: lowbit-run %s --function=ties_int_zero --engine=reference --input='4xf32=0.25 0.75 -0.25 1.25' | FileCheck %s --check-prefix=TIES
// TIES: [153, 155, 153, 155]
func.func @ties_int_zero(%x: tensor<4xf32>) -> tensor<4xui8> {
  %s = arith.constant dense<0.5> : tensor<f32>
  %z = arith.constant dense<153> : tensor<ui8>
  %q = lowbit.quantize %x scale(%s) zero(%z)
         {scheme = #lowbit.scheme<per_tensor, scale = f32, zero = int>}
         : (tensor<4xf32>, tensor<f32>, tensor<ui8>) -> tensor<4xui8>
  return %q : tensor<4xui8>
}
