// lowbit.dequantize end to end: the JIT and the scalar reference give the same values, bit for
// bit, on random codes and realistic scales (fresh per lit run, see %seed), with odd shapes.
// RUN: rm -rf %t && mkdir -p %t

// ui4 groups of 8 along K = 37 with integer zero points, M = 7, f32 result.
// RUN: lowbit-npy random --type=7x37xui4 --seed=%seed1 -o %t/g.q.npy
// RUN: lowbit-npy random --type=7x5xf16 --min=0.01 --max=0.1 --seed=%seed2 -o %t/g.s.npy
// RUN: lowbit-npy random --type=7x5xui4 --seed=%seed3 -o %t/g.z.npy
// RUN: lowbit-run %s --function=group_zero_ui4 --input=@%t/g.q.npy --input=@%t/g.s.npy --input=@%t/g.z.npy --output=@%t/g.jit.npy
// RUN: lowbit-run %s --function=group_zero_ui4 --engine=reference --input=@%t/g.q.npy --input=@%t/g.s.npy --input=@%t/g.z.npy --output=@%t/g.ref.npy
// RUN: lowbit-npy compare %t/g.ref.npy %t/g.jit.npy --atol=0 --rtol=0 | FileCheck %s --check-prefix=GROUP
// GROUP: compare: 259 elements, max abs error 0 at
func.func @group_zero_ui4(%q: tensor<7x37xui4>, %s: tensor<7x5xf16>, %z: tensor<7x5xui4>)
    -> tensor<7x37xf32> {
  %r = lowbit.dequantize %q scale(%s) zero(%z)
         {scheme = #lowbit.scheme<group(axis = 1, size = 8), scale = f16, zero = int>}
         : (tensor<7x37xui4>, tensor<7x5xf16>, tensor<7x5xui4>) -> tensor<7x37xf32>
  return %r : tensor<7x37xf32>
}

// si3 per channel with integer zero points and a tensor scale, rounded to f16; N = 1 row.
// RUN: lowbit-npy random --type=1x13xsi3 --seed=%seed4 -o %t/s3.q.npy
// RUN: lowbit-npy random --type=1xf16 --min=0.01 --max=0.1 --seed=%seed5 -o %t/s3.s.npy
// RUN: lowbit-npy random --type=1xsi3 --seed=%seed6 -o %t/s3.z.npy
// RUN: lowbit-npy random --type=f32 --min=0.5 --max=4 --seed=%seed7 -o %t/s3.t.npy
// RUN: lowbit-run %s --function=per_channel_si3_f16 --input=@%t/s3.q.npy --input=@%t/s3.s.npy --input=@%t/s3.z.npy --input=@%t/s3.t.npy --output=@%t/s3.jit.npy
// RUN: lowbit-run %s --function=per_channel_si3_f16 --engine=reference --input=@%t/s3.q.npy --input=@%t/s3.s.npy --input=@%t/s3.z.npy --input=@%t/s3.t.npy --output=@%t/s3.ref.npy
// RUN: lowbit-npy compare %t/s3.ref.npy %t/s3.jit.npy --atol=0 --rtol=0 | FileCheck %s --check-prefix=SI3
// SI3: compare: 13 elements, max abs error 0 at
func.func @per_channel_si3_f16(%q: tensor<1x13xsi3>, %s: tensor<1xf16>, %z: tensor<1xsi3>,
                               %t: tensor<f32>) -> tensor<1x13xf16> {
  %r = lowbit.dequantize %q scale(%s) zero(%z) tensor_scale(%t)
         {scheme = #lowbit.scheme<per_channel(axis = 0), scale = f16, zero = int, tensor_scale>}
         : (tensor<1x13xsi3>, tensor<1xf16>, tensor<1xsi3>, tensor<f32>) -> tensor<1x13xf16>
  return %r : tensor<1x13xf16>
}

// ui3 codes (K = 13) looked up in an 8-entry f16 codebook operand, per row, bf16 result.
// RUN: lowbit-npy random --type=6x13xui3 --seed=%seed8 -o %t/cb.q.npy
// RUN: lowbit-npy random --type=6xf32 --min=0.01 --max=0.1 --seed=%seed9 -o %t/cb.s.npy
// RUN: lowbit-npy random --type=8xf16 --min=-2 --max=2 --seed=%seed10 -o %t/cb.c.npy
// RUN: lowbit-run %s --function=codebook_ui3_bf16 --input=@%t/cb.q.npy --input=@%t/cb.s.npy --input=@%t/cb.c.npy --output=@%t/cb.jit.npy
// RUN: lowbit-run %s --function=codebook_ui3_bf16 --engine=reference --input=@%t/cb.q.npy --input=@%t/cb.s.npy --input=@%t/cb.c.npy --output=@%t/cb.ref.npy
// RUN: lowbit-npy compare %t/cb.ref.npy %t/cb.jit.npy --atol=0 --rtol=0 | FileCheck %s --check-prefix=CODEBOOK
// CODEBOOK: compare: 78 elements, max abs error 0 at
func.func @codebook_ui3_bf16(%q: tensor<6x13xui3>, %s: tensor<6xf32>, %c: tensor<8xf16>)
    -> tensor<6x13xbf16> {
  %r = lowbit.dequantize %q scale(%s) codebook(%c)
         {scheme = #lowbit.scheme<per_channel(axis = 0), scale = f32, codebook = operand>}
         : (tensor<6x13xui3>, tensor<6xf32>, tensor<8xf16>) -> tensor<6x13xbf16>
  return %r : tensor<6x13xbf16>
}

// NF4 with bf16 group scales and a tensor scale.
// RUN: lowbit-npy random --type=3x100xui4 --seed=%seed11 -o %t/nf4.q.npy
// RUN: lowbit-npy random --type=3x2xbf16 --min=0.01 --max=0.1 --seed=%seed12 -o %t/nf4.s.npy
// RUN: lowbit-npy random --type=f32 --min=0.5 --max=2 --seed=%seed13 -o %t/nf4.t.npy
// RUN: lowbit-run %s --function=nf4 --input=@%t/nf4.q.npy --input=@%t/nf4.s.npy --input=@%t/nf4.t.npy --output=@%t/nf4.jit.npy
// RUN: lowbit-run %s --function=nf4 --engine=reference --input=@%t/nf4.q.npy --input=@%t/nf4.s.npy --input=@%t/nf4.t.npy --output=@%t/nf4.ref.npy
// RUN: lowbit-npy compare %t/nf4.ref.npy %t/nf4.jit.npy --atol=0 --rtol=0 | FileCheck %s --check-prefix=NF4
// NF4: compare: 300 elements, max abs error 0 at
func.func @nf4(%q: tensor<3x100xui4>, %s: tensor<3x2xbf16>, %t: tensor<f32>) -> tensor<3x100xf32> {
  %r = lowbit.dequantize %q scale(%s) tensor_scale(%t)
         {scheme = #lowbit.scheme<group(axis = 1, size = 64), scale = bf16, tensor_scale,
                                  codebook = nf4>}
         : (tensor<3x100xui4>, tensor<3x2xbf16>, tensor<f32>) -> tensor<3x100xf32>
  return %r : tensor<3x100xf32>
}

// The MX format: e2m1 codes, e8m0 scales per 32 elements, K = 70.
// RUN: lowbit-npy random --type=7x70xf4E2M1FN --seed=%seed14 -o %t/mx.q.npy
// RUN: lowbit-npy random --type=7x3xf8E8M0FNU --min=0.0009765625 --max=0.125 --seed=%seed15 -o %t/mx.s.npy
// RUN: lowbit-run %s --function=mxfp4 --input=@%t/mx.q.npy --input=@%t/mx.s.npy --output=@%t/mx.jit.npy
// RUN: lowbit-run %s --function=mxfp4 --engine=reference --input=@%t/mx.q.npy --input=@%t/mx.s.npy --output=@%t/mx.ref.npy
// RUN: lowbit-npy compare %t/mx.ref.npy %t/mx.jit.npy --atol=0 --rtol=0 | FileCheck %s --check-prefix=MX
// MX: compare: 490 elements, max abs error 0 at
func.func @mxfp4(%q: tensor<7x70xf4E2M1FN>, %s: tensor<7x3xf8E8M0FNU>) -> tensor<7x70xf32> {
  %r = lowbit.dequantize %q scale(%s)
         {scheme = #lowbit.scheme<group(axis = 1, size = 32), scale = f8E8M0FNU>}
         : (tensor<7x70xf4E2M1FN>, tensor<7x3xf8E8M0FNU>) -> tensor<7x70xf32>
  return %r : tensor<7x70xf32>
}

// The NV format: e2m1 codes, e4m3 scales per 16 elements, an f32 tensor scale; f16 result.
// RUN: lowbit-npy random --type=5x48xf4E2M1FN --seed=%seed16 -o %t/nv.q.npy
// RUN: lowbit-npy random --type=5x3xf8E4M3FN --min=0.5 --max=64 --seed=%seed17 -o %t/nv.s.npy
// RUN: lowbit-npy random --type=f32 --min=0.001 --max=0.01 --seed=%seed18 -o %t/nv.t.npy
// RUN: lowbit-run %s --function=nvfp4 --input=@%t/nv.q.npy --input=@%t/nv.s.npy --input=@%t/nv.t.npy --output=@%t/nv.jit.npy
// RUN: lowbit-run %s --function=nvfp4 --engine=reference --input=@%t/nv.q.npy --input=@%t/nv.s.npy --input=@%t/nv.t.npy --output=@%t/nv.ref.npy
// RUN: lowbit-npy compare %t/nv.ref.npy %t/nv.jit.npy --atol=0 --rtol=0 | FileCheck %s --check-prefix=NV
// NV: compare: 240 elements, max abs error 0 at
func.func @nvfp4(%q: tensor<5x48xf4E2M1FN>, %s: tensor<5x3xf8E4M3FN>, %t: tensor<f32>)
    -> tensor<5x48xf16> {
  %r = lowbit.dequantize %q scale(%s) tensor_scale(%t)
         {scheme = #lowbit.scheme<group(axis = 1, size = 16), scale = f8E4M3FN, tensor_scale>}
         : (tensor<5x48xf4E2M1FN>, tensor<5x3xf8E4M3FN>, tensor<f32>) -> tensor<5x48xf16>
  return %r : tensor<5x48xf16>
}

// Batch axes: groups of 3 along axis 0 of a rank-3 tensor (a short last group), si5, and a
// custom e2m2 float with float zero points in 2-D blocks on the same shape.
// RUN: lowbit-npy random --type=5x2x9xsi5 --seed=%seed19 -o %t/b.q.npy
// RUN: lowbit-npy random --type=2x2x9xf32 --min=0.01 --max=0.1 --seed=%seed20 -o %t/b.s.npy
// RUN: lowbit-npy random "--type=5x2x9x!lowbit.float<e2m2>" --seed=%seed21 -o %t/b.e.npy
// RUN: lowbit-npy random --type=5x1x3xbf16 --min=0.01 --max=0.1 --seed=%seed22 -o %t/b.es.npy
// RUN: lowbit-npy random --type=5x1x3xbf16 --min=-1 --max=1 --seed=%seed23 -o %t/b.ez.npy
// RUN: lowbit-run %s --function=batch_axes --input=@%t/b.q.npy --input=@%t/b.s.npy --input=@%t/b.e.npy --input=@%t/b.es.npy --input=@%t/b.ez.npy --output=@%t/b.jit0.npy --output=@%t/b.jit1.npy
// RUN: lowbit-run %s --function=batch_axes --engine=reference --input=@%t/b.q.npy --input=@%t/b.s.npy --input=@%t/b.e.npy --input=@%t/b.es.npy --input=@%t/b.ez.npy --output=@%t/b.ref0.npy --output=@%t/b.ref1.npy
// RUN: lowbit-npy compare %t/b.ref0.npy %t/b.jit0.npy --atol=0 --rtol=0 | FileCheck %s --check-prefix=BATCH
// RUN: lowbit-npy compare %t/b.ref1.npy %t/b.jit1.npy --atol=0 --rtol=0 | FileCheck %s --check-prefix=BATCH
// BATCH: compare: 90 elements, max abs error 0 at
func.func @batch_axes(%q: tensor<5x2x9xsi5>, %s: tensor<2x2x9xf32>,
                      %e: tensor<5x2x9x!lowbit.float<e2m2>>, %es: tensor<5x1x3xbf16>,
                      %ez: tensor<5x1x3xbf16>) -> (tensor<5x2x9xf32>, tensor<5x2x9xbf16>) {
  %0 = lowbit.dequantize %q scale(%s)
         {scheme = #lowbit.scheme<group(axis = 0, size = 3), scale = f32>}
         : (tensor<5x2x9xsi5>, tensor<2x2x9xf32>) -> tensor<5x2x9xf32>
  %1 = lowbit.dequantize %e scale(%es) zero(%ez)
         {scheme = #lowbit.scheme<block(2, 4), scale = bf16, zero = float>}
         : (tensor<5x2x9x!lowbit.float<e2m2>>, tensor<5x1x3xbf16>, tensor<5x1x3xbf16>)
         -> tensor<5x2x9xbf16>
  return %0, %1 : tensor<5x2x9xf32>, tensor<5x2x9xbf16>
}

// Ternary, f8E5M2 and f6E3M2FN codes per tensor.
// RUN: lowbit-npy random --type=3x17x!lowbit.ternary --seed=%seed24 -o %t/c.t.npy
// RUN: lowbit-npy random --type=3x17xf8E5M2 --seed=%seed25 -o %t/c.e5.npy
// RUN: lowbit-npy random --type=3x17xf6E3M2FN --seed=%seed26 -o %t/c.e3.npy
// RUN: lowbit-npy random --type=f32 --min=0.01 --max=0.1 --seed=%seed27 -o %t/c.s.npy
// RUN: lowbit-run %s --function=code_types --input=@%t/c.t.npy --input=@%t/c.e5.npy --input=@%t/c.e3.npy --input=@%t/c.s.npy --output=@%t/c.jit0.npy --output=@%t/c.jit1.npy --output=@%t/c.jit2.npy
// RUN: lowbit-run %s --function=code_types --engine=reference --input=@%t/c.t.npy --input=@%t/c.e5.npy --input=@%t/c.e3.npy --input=@%t/c.s.npy --output=@%t/c.ref0.npy --output=@%t/c.ref1.npy --output=@%t/c.ref2.npy
// RUN: lowbit-npy compare %t/c.ref0.npy %t/c.jit0.npy --atol=0 --rtol=0 | FileCheck %s --check-prefix=CODES
// RUN: lowbit-npy compare %t/c.ref1.npy %t/c.jit1.npy --atol=0 --rtol=0 | FileCheck %s --check-prefix=CODES
// RUN: lowbit-npy compare %t/c.ref2.npy %t/c.jit2.npy --atol=0 --rtol=0 | FileCheck %s --check-prefix=CODES
// CODES: compare: 51 elements, max abs error 0 at
func.func @code_types(%t: tensor<3x17x!lowbit.ternary>, %e5: tensor<3x17xf8E5M2>,
                      %e3: tensor<3x17xf6E3M2FN>, %s: tensor<f32>)
    -> (tensor<3x17xf32>, tensor<3x17xf32>, tensor<3x17xf32>) {
  %0 = lowbit.dequantize %t scale(%s) {scheme = #lowbit.scheme<per_tensor, scale = f32>}
         : (tensor<3x17x!lowbit.ternary>, tensor<f32>) -> tensor<3x17xf32>
  %1 = lowbit.dequantize %e5 scale(%s) {scheme = #lowbit.scheme<per_tensor, scale = f32>}
         : (tensor<3x17xf8E5M2>, tensor<f32>) -> tensor<3x17xf32>
  %2 = lowbit.dequantize %e3 scale(%s) {scheme = #lowbit.scheme<per_tensor, scale = f32>}
         : (tensor<3x17xf6E3M2FN>, tensor<f32>) -> tensor<3x17xf32>
  return %0, %1, %2 : tensor<3x17xf32>, tensor<3x17xf32>, tensor<3x17xf32>
}

// Literal inputs, values computed by hand: si4 codes [[-8, -1, 0, 1, 7], [2, 3, 4, 5, 6]],
// scales 0.5 and 0.25 per row.
// RUN: lowbit-run %s --function=literal_per_channel_si4 --input="2x5xsi4=-8 -1 0 1 7 2 3 4 5 6" --input="2xf32=0.5 0.25" | FileCheck %s --check-prefix=LITERAL
// RUN: lowbit-run %s --function=literal_per_channel_si4 --engine=reference --input="2x5xsi4=-8 -1 0 1 7 2 3 4 5 6" --input="2xf32=0.5 0.25" | FileCheck %s --check-prefix=LITERAL
// LITERAL:      result[0]: tensor<2x5xf32>
// LITERAL-NEXT: {{^\[\[}}-4, -0.5, 0, 0.5, 3.5],
// LITERAL-NEXT: {{^}} [0.5, 0.75, 1, 1.25, 1.5]]{{$}}
func.func @literal_per_channel_si4(%q: tensor<2x5xsi4>, %s: tensor<2xf32>) -> tensor<2x5xf32> {
  %r = lowbit.dequantize %q scale(%s)
         {scheme = #lowbit.scheme<per_channel(axis = 0), scale = f32>}
         : (tensor<2x5xsi4>, tensor<2xf32>) -> tensor<2x5xf32>
  return %r : tensor<2x5xf32>
}
