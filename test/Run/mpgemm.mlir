// lowbit.mpgemm end to end: the JIT (f32 accumulation) against the scalar reference (double
// accumulation) on random data (fresh per lit run, see %seed), for each weight format, with odd
// shapes. f32 results within 1e-4; f16/bf16 results within about one unit in the last place.
// RUN: rm -rf %t && mkdir -p %t

// W4A16 with f16 activations, ui4 weights in groups of 16 along K = 37 with integer zero points,
// M = 7.
// RUN: lowbit-npy random --type=7x37xf16 --seed=%seed1 -o %t/w4.a.npy
// RUN: lowbit-npy random --type=16x37xui4 --seed=%seed2 -o %t/w4.w.npy
// RUN: lowbit-npy random --type=16x3xf16 --min=0.01 --max=0.1 --seed=%seed3 -o %t/w4.s.npy
// RUN: lowbit-npy random --type=16x3xui4 --min=6 --max=9 --seed=%seed4 -o %t/w4.z.npy
// RUN: lowbit-run %s --function=w4a16_group_zero --input=@%t/w4.a.npy --input=@%t/w4.w.npy --input=@%t/w4.s.npy --input=@%t/w4.z.npy --output=@%t/w4.jit.npy
// RUN: lowbit-run %s --function=w4a16_group_zero --engine=reference --input=@%t/w4.a.npy --input=@%t/w4.w.npy --input=@%t/w4.s.npy --input=@%t/w4.z.npy --output=@%t/w4.ref.npy
// RUN: lowbit-npy compare %t/w4.ref.npy %t/w4.jit.npy --atol=1e-4 --rtol=1e-4 | FileCheck %s --check-prefix=W4A16
// W4A16: compare: 112 elements, max abs error
func.func @w4a16_group_zero(%a: tensor<7x37xf16>, %w: tensor<16x37xui4>, %s: tensor<16x3xf16>,
                            %z: tensor<16x3xui4>) -> tensor<7x16xf32> {
  %y = lowbit.mpgemm %a, %w scale(%s) zero(%z)
         {weight_scheme = #lowbit.scheme<group(axis = 1, size = 16), scale = f16, zero = int>}
         : (tensor<7x37xf16>, tensor<16x37xui4>, tensor<16x3xf16>, tensor<16x3xui4>)
         -> tensor<7x16xf32>
  return %y : tensor<7x16xf32>
}

// bf16 activations with batch axes [2, 3], N = 1, si4 per-channel weights, bf16 result.
// RUN: lowbit-npy random --type=2x3x64xbf16 --seed=%seed5 -o %t/bf.a.npy
// RUN: lowbit-npy random --type=1x64xsi4 --seed=%seed6 -o %t/bf.w.npy
// RUN: lowbit-npy random --type=1xbf16 --min=0.01 --max=0.1 --seed=%seed7 -o %t/bf.s.npy
// RUN: lowbit-run %s --function=bf16_batch_n1 --input=@%t/bf.a.npy --input=@%t/bf.w.npy --input=@%t/bf.s.npy --output=@%t/bf.jit.npy
// RUN: lowbit-run %s --function=bf16_batch_n1 --engine=reference --input=@%t/bf.a.npy --input=@%t/bf.w.npy --input=@%t/bf.s.npy --output=@%t/bf.ref.npy
// RUN: lowbit-npy compare %t/bf.ref.npy %t/bf.jit.npy --atol=1e-3 --rtol=8e-3 | FileCheck %s --check-prefix=BF16
// BF16: compare: 6 elements, max abs error
func.func @bf16_batch_n1(%a: tensor<2x3x64xbf16>, %w: tensor<1x64xsi4>, %s: tensor<1xbf16>)
    -> tensor<2x3x1xbf16> {
  %y = lowbit.mpgemm %a, %w scale(%s)
         {weight_scheme = #lowbit.scheme<per_channel(axis = 0), scale = bf16>}
         : (tensor<2x3x64xbf16>, tensor<1x64xsi4>, tensor<1xbf16>) -> tensor<2x3x1xbf16>
  return %y : tensor<2x3x1xbf16>
}

// W8A8 with si8 activations with per-token scales (act_scheme), si8 per-channel weights, a bias.
// RUN: lowbit-npy random --type=7x45xsi8 --seed=%seed8 -o %t/w8.a.npy
// RUN: lowbit-npy random --type=9x45xsi8 --seed=%seed9 -o %t/w8.w.npy
// RUN: lowbit-npy random --type=9xf32 --min=0.001 --max=0.01 --seed=%seed10 -o %t/w8.s.npy
// RUN: lowbit-npy random --type=7xf32 --min=0.001 --max=0.01 --seed=%seed11 -o %t/w8.as.npy
// RUN: lowbit-npy random --type=9xf32 --seed=%seed12 -o %t/w8.b.npy
// RUN: lowbit-run %s --function=w8a8_bias --input=@%t/w8.a.npy --input=@%t/w8.w.npy --input=@%t/w8.s.npy --input=@%t/w8.as.npy --input=@%t/w8.b.npy --output=@%t/w8.jit.npy
// RUN: lowbit-run %s --function=w8a8_bias --engine=reference --input=@%t/w8.a.npy --input=@%t/w8.w.npy --input=@%t/w8.s.npy --input=@%t/w8.as.npy --input=@%t/w8.b.npy --output=@%t/w8.ref.npy
// RUN: lowbit-npy compare %t/w8.ref.npy %t/w8.jit.npy --atol=1e-4 --rtol=1e-4 | FileCheck %s --check-prefix=W8A8
// W8A8: compare: 63 elements, max abs error
func.func @w8a8_bias(%a: tensor<7x45xsi8>, %w: tensor<9x45xsi8>, %s: tensor<9xf32>,
                     %as: tensor<7xf32>, %b: tensor<9xf32>) -> tensor<7x9xf32> {
  %y = lowbit.mpgemm %a, %w scale(%s) act_scale(%as) bias(%b)
         {weight_scheme = #lowbit.scheme<per_channel(axis = 0), scale = f32>,
          act_scheme = #lowbit.scheme<per_channel(axis = 0), scale = f32>}
         : (tensor<7x45xsi8>, tensor<9x45xsi8>, tensor<9xf32>, tensor<7xf32>, tensor<9xf32>)
         -> tensor<7x9xf32>
  return %y : tensor<7x9xf32>
}

// f8E4M3FN activations with a per-tensor scale against ui4 group + zero weights (K = 40,
// groups of 8); and ui8 activations with per-token zero points over batch axes.
// RUN: lowbit-npy random --type=5x40xf8E4M3FN --min=-16 --max=16 --seed=%seed13 -o %t/f8.a.npy
// RUN: lowbit-npy random --type=f32 --min=0.01 --max=0.1 --seed=%seed14 -o %t/f8.as.npy
// RUN: lowbit-npy random --type=2x5x40xui8 --seed=%seed15 -o %t/f8.b.npy
// RUN: lowbit-npy random --type=2x5x1xf16 --min=0.001 --max=0.01 --seed=%seed16 -o %t/f8.bs.npy
// RUN: lowbit-npy random --type=2x5x1xui8 --min=100 --max=150 --seed=%seed17 -o %t/f8.bz.npy
// RUN: lowbit-npy random --type=6x40xui4 --seed=%seed18 -o %t/f8.w.npy
// RUN: lowbit-npy random --type=6x5xf16 --min=0.01 --max=0.1 --seed=%seed19 -o %t/f8.s.npy
// RUN: lowbit-npy random --type=6x5xui4 --seed=%seed20 -o %t/f8.z.npy
// RUN: lowbit-run %s --function=scaled_lowbit_activations --input=@%t/f8.a.npy --input=@%t/f8.as.npy --input=@%t/f8.b.npy --input=@%t/f8.bs.npy --input=@%t/f8.bz.npy --input=@%t/f8.w.npy --input=@%t/f8.s.npy --input=@%t/f8.z.npy --output=@%t/f8.jit0.npy --output=@%t/f8.jit1.npy
// RUN: lowbit-run %s --function=scaled_lowbit_activations --engine=reference --input=@%t/f8.a.npy --input=@%t/f8.as.npy --input=@%t/f8.b.npy --input=@%t/f8.bs.npy --input=@%t/f8.bz.npy --input=@%t/f8.w.npy --input=@%t/f8.s.npy --input=@%t/f8.z.npy --output=@%t/f8.ref0.npy --output=@%t/f8.ref1.npy
// RUN: lowbit-npy compare %t/f8.ref0.npy %t/f8.jit0.npy --atol=1e-4 --rtol=1e-4 | FileCheck %s --check-prefix=FP8
// RUN: lowbit-npy compare %t/f8.ref1.npy %t/f8.jit1.npy --atol=1e-4 --rtol=1e-4 | FileCheck %s --check-prefix=UI8
// FP8: compare: 30 elements, max abs error
// UI8: compare: 60 elements, max abs error
func.func @scaled_lowbit_activations(%a: tensor<5x40xf8E4M3FN>, %as: tensor<f32>,
                                     %b: tensor<2x5x40xui8>, %bs: tensor<2x5x1xf16>,
                                     %bz: tensor<2x5x1xui8>, %w: tensor<6x40xui4>,
                                     %s: tensor<6x5xf16>, %z: tensor<6x5xui4>)
    -> (tensor<5x6xf32>, tensor<2x5x6xf32>) {
  %0 = lowbit.mpgemm %a, %w scale(%s) zero(%z) act_scale(%as)
         {weight_scheme = #lowbit.scheme<group(axis = 1, size = 8), scale = f16, zero = int>,
          act_scheme = #lowbit.scheme<per_tensor, scale = f32>}
         : (tensor<5x40xf8E4M3FN>, tensor<6x40xui4>, tensor<6x5xf16>, tensor<6x5xui4>,
            tensor<f32>) -> tensor<5x6xf32>
  %1 = lowbit.mpgemm %b, %w scale(%s) zero(%z) act_scale(%bs) act_zero(%bz)
         {weight_scheme = #lowbit.scheme<group(axis = 1, size = 8), scale = f16, zero = int>,
          act_scheme = #lowbit.scheme<group(axis = 2, size = 64), scale = f16, zero = int>}
         : (tensor<2x5x40xui8>, tensor<6x40xui4>, tensor<6x5xf16>, tensor<6x5xui4>,
            tensor<2x5x1xf16>, tensor<2x5x1xui8>) -> tensor<2x5x6xf32>
  return %0, %1 : tensor<5x6xf32>, tensor<2x5x6xf32>
}

// Unscaled low-bit activations: f8E4M3FN and si4 codes used as their values.
// RUN: lowbit-npy random --type=3x32xf8E4M3FN --min=-4 --max=4 --seed=%seed21 -o %t/raw.a.npy
// RUN: lowbit-npy random --type=3x32xsi4 --seed=%seed22 -o %t/raw.b.npy
// RUN: lowbit-npy random --type=5x32xf8E4M3FN --min=-2 --max=2 --seed=%seed23 -o %t/raw.w.npy
// RUN: lowbit-npy random --type=f32 --min=0.01 --max=0.1 --seed=%seed24 -o %t/raw.s.npy
// RUN: lowbit-run %s --function=raw_lowbit_activations --input=@%t/raw.a.npy --input=@%t/raw.b.npy --input=@%t/raw.w.npy --input=@%t/raw.s.npy --output=@%t/raw.jit0.npy --output=@%t/raw.jit1.npy
// RUN: lowbit-run %s --function=raw_lowbit_activations --engine=reference --input=@%t/raw.a.npy --input=@%t/raw.b.npy --input=@%t/raw.w.npy --input=@%t/raw.s.npy --output=@%t/raw.ref0.npy --output=@%t/raw.ref1.npy
// RUN: lowbit-npy compare %t/raw.ref0.npy %t/raw.jit0.npy --atol=1e-4 --rtol=1e-4 | FileCheck %s --check-prefix=RAW
// RUN: lowbit-npy compare %t/raw.ref1.npy %t/raw.jit1.npy --atol=1e-4 --rtol=1e-4 | FileCheck %s --check-prefix=RAW
// RAW: compare: 15 elements, max abs error
func.func @raw_lowbit_activations(%a: tensor<3x32xf8E4M3FN>, %b: tensor<3x32xsi4>,
                                  %w: tensor<5x32xf8E4M3FN>, %s: tensor<f32>)
    -> (tensor<3x5xf32>, tensor<3x5xf32>) {
  %0 = lowbit.mpgemm %a, %w scale(%s) {weight_scheme = #lowbit.scheme<per_tensor, scale = f32>}
         : (tensor<3x32xf8E4M3FN>, tensor<5x32xf8E4M3FN>, tensor<f32>) -> tensor<3x5xf32>
  %1 = lowbit.mpgemm %b, %w scale(%s) {weight_scheme = #lowbit.scheme<per_tensor, scale = f32>}
         : (tensor<3x32xsi4>, tensor<5x32xf8E4M3FN>, tensor<f32>) -> tensor<3x5xf32>
  return %0, %1 : tensor<3x5xf32>, tensor<3x5xf32>
}

// NF4 (QLoRA): bf16 activations, M = 1, K = 100 (groups of 64: a short last group).
// RUN: lowbit-npy random --type=1x100xbf16 --seed=%seed25 -o %t/nf4.a.npy
// RUN: lowbit-npy random --type=8x100xui4 --seed=%seed26 -o %t/nf4.w.npy
// RUN: lowbit-npy random --type=8x2xbf16 --min=0.01 --max=0.1 --seed=%seed27 -o %t/nf4.s.npy
// RUN: lowbit-run %s --function=nf4 --input=@%t/nf4.a.npy --input=@%t/nf4.w.npy --input=@%t/nf4.s.npy --output=@%t/nf4.jit.npy
// RUN: lowbit-run %s --function=nf4 --engine=reference --input=@%t/nf4.a.npy --input=@%t/nf4.w.npy --input=@%t/nf4.s.npy --output=@%t/nf4.ref.npy
// RUN: lowbit-npy compare %t/nf4.ref.npy %t/nf4.jit.npy --atol=1e-4 --rtol=1e-4 | FileCheck %s --check-prefix=NF4
// NF4: compare: 8 elements, max abs error
func.func @nf4(%a: tensor<1x100xbf16>, %w: tensor<8x100xui4>, %s: tensor<8x2xbf16>)
    -> tensor<1x8xf32> {
  %y = lowbit.mpgemm %a, %w scale(%s)
         {weight_scheme = #lowbit.scheme<group(axis = 1, size = 64), scale = bf16,
                                         codebook = nf4>}
         : (tensor<1x100xbf16>, tensor<8x100xui4>, tensor<8x2xbf16>) -> tensor<1x8xf32>
  return %y : tensor<1x8xf32>
}

// The MX format: e2m1 weights with e8m0 scales per 32 elements, f32 activations, M = 7.
// RUN: lowbit-npy random --type=7x64xf32 --seed=%seed28 -o %t/mx.a.npy
// RUN: lowbit-npy random --type=16x64xf4E2M1FN --seed=%seed29 -o %t/mx.w.npy
// RUN: lowbit-npy random --type=16x2xf8E8M0FNU --min=0.0078125 --max=0.125 --seed=%seed30 -o %t/mx.s.npy
// RUN: lowbit-run %s --function=mxfp4 --input=@%t/mx.a.npy --input=@%t/mx.w.npy --input=@%t/mx.s.npy --output=@%t/mx.jit.npy
// RUN: lowbit-run %s --function=mxfp4 --engine=reference --input=@%t/mx.a.npy --input=@%t/mx.w.npy --input=@%t/mx.s.npy --output=@%t/mx.ref.npy
// RUN: lowbit-npy compare %t/mx.ref.npy %t/mx.jit.npy --atol=1e-4 --rtol=1e-4 | FileCheck %s --check-prefix=MX
// MX: compare: 112 elements, max abs error
func.func @mxfp4(%a: tensor<7x64xf32>, %w: tensor<16x64xf4E2M1FN>, %s: tensor<16x2xf8E8M0FNU>)
    -> tensor<7x16xf32> {
  %y = lowbit.mpgemm %a, %w scale(%s)
         {weight_scheme = #lowbit.scheme<group(axis = 1, size = 32), scale = f8E8M0FNU>}
         : (tensor<7x64xf32>, tensor<16x64xf4E2M1FN>, tensor<16x2xf8E8M0FNU>) -> tensor<7x16xf32>
  return %y : tensor<7x16xf32>
}

// The NV format: e2m1 weights, e4m3 scales per 16 elements and an f32 tensor scale; f16
// activations and result.
// RUN: lowbit-npy random --type=3x48xf16 --seed=%seed31 -o %t/nv.a.npy
// RUN: lowbit-npy random --type=8x48xf4E2M1FN --seed=%seed32 -o %t/nv.w.npy
// RUN: lowbit-npy random --type=8x3xf8E4M3FN --min=1 --max=64 --seed=%seed33 -o %t/nv.s.npy
// RUN: lowbit-npy random --type=f32 --min=0.0005 --max=0.002 --seed=%seed34 -o %t/nv.t.npy
// RUN: lowbit-run %s --function=nvfp4 --input=@%t/nv.a.npy --input=@%t/nv.w.npy --input=@%t/nv.s.npy --input=@%t/nv.t.npy --output=@%t/nv.jit.npy
// RUN: lowbit-run %s --function=nvfp4 --engine=reference --input=@%t/nv.a.npy --input=@%t/nv.w.npy --input=@%t/nv.s.npy --input=@%t/nv.t.npy --output=@%t/nv.ref.npy
// RUN: lowbit-npy compare %t/nv.ref.npy %t/nv.jit.npy --atol=1e-3 --rtol=1e-3 | FileCheck %s --check-prefix=NV
// NV: compare: 24 elements, max abs error
func.func @nvfp4(%a: tensor<3x48xf16>, %w: tensor<8x48xf4E2M1FN>, %s: tensor<8x3xf8E4M3FN>,
                 %t: tensor<f32>) -> tensor<3x8xf16> {
  %y = lowbit.mpgemm %a, %w scale(%s) tensor_scale(%t)
         {weight_scheme = #lowbit.scheme<group(axis = 1, size = 16), scale = f8E4M3FN,
                                         tensor_scale>}
         : (tensor<3x48xf16>, tensor<8x48xf4E2M1FN>, tensor<8x3xf8E4M3FN>, tensor<f32>)
         -> tensor<3x8xf16>
  return %y : tensor<3x8xf16>
}

// ui3 weights with K = 13 (rows end mid-byte) and float zero points, N = 1.
// RUN: lowbit-npy random --type=4x13xf32 --seed=%seed35 -o %t/u3.a.npy
// RUN: lowbit-npy random --type=1x13xui3 --seed=%seed36 -o %t/u3.w.npy
// RUN: lowbit-npy random --type=1x1xf32 --min=0.01 --max=0.1 --seed=%seed37 -o %t/u3.s.npy
// RUN: lowbit-npy random --type=1x1xf32 --min=3 --max=4 --seed=%seed38 -o %t/u3.z.npy
// RUN: lowbit-run %s --function=ui3_k13 --input=@%t/u3.a.npy --input=@%t/u3.w.npy --input=@%t/u3.s.npy --input=@%t/u3.z.npy --output=@%t/u3.jit.npy
// RUN: lowbit-run %s --function=ui3_k13 --engine=reference --input=@%t/u3.a.npy --input=@%t/u3.w.npy --input=@%t/u3.s.npy --input=@%t/u3.z.npy --output=@%t/u3.ref.npy
// RUN: lowbit-npy compare %t/u3.ref.npy %t/u3.jit.npy --atol=1e-4 --rtol=1e-4 | FileCheck %s --check-prefix=UI3
// UI3: compare: 4 elements, max abs error
func.func @ui3_k13(%a: tensor<4x13xf32>, %w: tensor<1x13xui3>, %s: tensor<1x1xf32>,
                   %z: tensor<1x1xf32>) -> tensor<4x1xf32> {
  %y = lowbit.mpgemm %a, %w scale(%s) zero(%z)
         {weight_scheme = #lowbit.scheme<group(axis = 1, size = 32), scale = f32, zero = float>}
         : (tensor<4x13xf32>, tensor<1x13xui3>, tensor<1x1xf32>, tensor<1x1xf32>)
         -> tensor<4x1xf32>
  return %y : tensor<4x1xf32>
}

// A large K (4096) in f32: the f32 accumulation drifts from the double reference by about
// sqrt(K) * |terms| * 2^-24, so the tolerance is looser.
// RUN: lowbit-npy random --type=3x4096xf32 --seed=%seed39 -o %t/big.a.npy
// RUN: lowbit-npy random --type=5x4096xsi4 --seed=%seed40 -o %t/big.w.npy
// RUN: lowbit-npy random --type=5x32xf16 --min=0.01 --max=0.1 --seed=%seed41 -o %t/big.s.npy
// RUN: lowbit-run %s --function=large_k --input=@%t/big.a.npy --input=@%t/big.w.npy --input=@%t/big.s.npy --output=@%t/big.jit.npy
// RUN: lowbit-run %s --function=large_k --engine=reference --input=@%t/big.a.npy --input=@%t/big.w.npy --input=@%t/big.s.npy --output=@%t/big.ref.npy
// RUN: lowbit-npy compare %t/big.ref.npy %t/big.jit.npy --atol=1e-3 --rtol=1e-4 | FileCheck %s --check-prefix=LARGE-K
// LARGE-K: compare: 15 elements, max abs error
func.func @large_k(%a: tensor<3x4096xf32>, %w: tensor<5x4096xsi4>, %s: tensor<5x32xf16>)
    -> tensor<3x5xf32> {
  %y = lowbit.mpgemm %a, %w scale(%s)
         {weight_scheme = #lowbit.scheme<group(axis = 1, size = 128), scale = f16>}
         : (tensor<3x4096xf32>, tensor<5x4096xsi4>, tensor<5x32xf16>) -> tensor<3x5xf32>
  return %y : tensor<3x5xf32>
}
