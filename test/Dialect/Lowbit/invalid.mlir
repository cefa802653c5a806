// RUN: lowbit-opt %s --split-input-file --verify-diagnostics

// Op verifier errors, one case per message (and per operand that a shared check names).
// Type and attribute errors (!lowbit.float, #lowbit.scheme) are in types-invalid.mlir.

//===----------------------------------------------------------------------===//
// lowbit.quantize: input, result and element types
//===----------------------------------------------------------------------===//

func.func @quantize_integer_input(%x: tensor<4x8xsi8>, %s: tensor<f32>) {
  // expected-error @+1 {{'input' must have element type f32, f16 or bf16, got 'si8'}}
  %q = lowbit.quantize %x scale(%s) {scheme = #lowbit.scheme<per_tensor, scale = f32>}
         : (tensor<4x8xsi8>, tensor<f32>) -> tensor<4x8xsi8>
  return
}

// -----

func.func @quantize_shape_mismatch(%x: tensor<4x8xf32>, %s: tensor<f32>) {
  // expected-error @+1 {{'result' shape [4, 9] must equal 'input' shape [4, 8]}}
  %q = lowbit.quantize %x scale(%s) {scheme = #lowbit.scheme<per_tensor, scale = f32>}
         : (tensor<4x8xf32>, tensor<f32>) -> tensor<4x9xsi8>
  return
}

// -----

func.func @quantize_rank_mismatch(%x: tensor<4x8xf32>, %s: tensor<f32>) {
  // expected-error @+1 {{'result' shape [32] must equal 'input' shape [4, 8]}}
  %q = lowbit.quantize %x scale(%s) {scheme = #lowbit.scheme<per_tensor, scale = f32>}
         : (tensor<4x8xf32>, tensor<f32>) -> tensor<32xsi8>
  return
}

// -----

func.func @quantize_signless_result(%x: tensor<4x8xf32>, %s: tensor<f32>) {
  // expected-error @+1 {{'result': i4 is not a low-bit element type (signless integers are ambiguous: use si4 or ui4)}}
  %q = lowbit.quantize %x scale(%s) {scheme = #lowbit.scheme<per_tensor, scale = f32>}
         : (tensor<4x8xf32>, tensor<f32>) -> tensor<4x8xi4>
  return
}

// -----

func.func @quantize_wide_integer_result(%x: tensor<4x8xf32>, %s: tensor<f32>) {
  // expected-error @+1 {{'result': si16 is not a low-bit element type (integers must have 1 to 8 bits)}}
  %q = lowbit.quantize %x scale(%s) {scheme = #lowbit.scheme<per_tensor, scale = f32>}
         : (tensor<4x8xf32>, tensor<f32>) -> tensor<4x8xsi16>
  return
}

// -----

func.func @quantize_i0_result(%x: tensor<4x8xf32>, %s: tensor<f32>) {
  // expected-error @+1 {{'result': i0 is not a low-bit element type (integers must have 1 to 8 bits)}}
  %q = lowbit.quantize %x scale(%s) {scheme = #lowbit.scheme<per_tensor, scale = f32>}
         : (tensor<4x8xf32>, tensor<f32>) -> tensor<4x8xi0>
  return
}

// -----

func.func @quantize_real_result(%x: tensor<4x8xf32>, %s: tensor<f32>) {
  // expected-error @+1 {{'result': f16 is not a low-bit element type (expected si1..si8, ui1..ui8, f4E2M1FN, f6E2M3FN, f6E3M2FN, f8E4M3FN, f8E5M2, f8E8M0FNU, !lowbit.float or !lowbit.ternary)}}
  %q = lowbit.quantize %x scale(%s) {scheme = #lowbit.scheme<per_tensor, scale = f32>}
         : (tensor<4x8xf32>, tensor<f32>) -> tensor<4x8xf16>
  return
}

// -----

//===----------------------------------------------------------------------===//
// Scheme against the quantized tensor (shared by every op; shown on quantize)
//===----------------------------------------------------------------------===//

func.func @scheme_per_channel_axis_out_of_range(%x: tensor<4x8xf32>, %s: tensor<4xf32>) {
  // expected-error @+1 {{scheme per_channel(axis = 2) does not fit 'result' of rank 2}}
  %q = lowbit.quantize %x scale(%s)
         {scheme = #lowbit.scheme<per_channel(axis = 2), scale = f32>}
         : (tensor<4x8xf32>, tensor<4xf32>) -> tensor<4x8xsi8>
  return
}

// -----

func.func @scheme_group_axis_out_of_range(%x: tensor<4x8xf32>, %s: tensor<4x8xf32>) {
  // expected-error @+1 {{scheme group(axis = 5, size = 2) does not fit 'result' of rank 2}}
  %q = lowbit.quantize %x scale(%s)
         {scheme = #lowbit.scheme<group(axis = 5, size = 2), scale = f32>}
         : (tensor<4x8xf32>, tensor<4x8xf32>) -> tensor<4x8xsi8>
  return
}

// -----

func.func @scheme_block_rank1(%x: tensor<64xf32>, %s: tensor<2xf32>) {
  // expected-error @+1 {{scheme block(32, 32) does not fit 'result' of rank 1}}
  %q = lowbit.quantize %x scale(%s) {scheme = #lowbit.scheme<block(32, 32), scale = f32>}
         : (tensor<64xf32>, tensor<2xf32>) -> tensor<64xsi8>
  return
}

// -----

func.func @scale_wrong_shape(%x: tensor<16x64xf32>, %s: tensor<16x4xf16>) {
  // expected-error @+1 {{'scale' expected 'tensor<16x2xf16>' (group(axis = 1, size = 32) over [16, 64]), got 'tensor<16x4xf16>'}}
  %q = lowbit.quantize %x scale(%s)
         {scheme = #lowbit.scheme<group(axis = 1, size = 32), scale = f16>}
         : (tensor<16x64xf32>, tensor<16x4xf16>) -> tensor<16x64xui4>
  return
}

// -----

func.func @scale_wrong_type(%x: tensor<16x64xf32>, %s: tensor<16xf32>) {
  // expected-error @+1 {{'scale' expected 'tensor<16xbf16>' (per_channel(axis = 0) over [16, 64]), got 'tensor<16xf32>'}}
  %q = lowbit.quantize %x scale(%s)
         {scheme = #lowbit.scheme<per_channel(axis = 0), scale = bf16>}
         : (tensor<16x64xf32>, tensor<16xf32>) -> tensor<16x64xui4>
  return
}

// -----

func.func @scale_per_tensor_not_scalar(%x: tensor<16x64xf32>, %s: tensor<1xf32>) {
  // expected-error @+1 {{'scale' expected 'tensor<f32>' (per_tensor over [16, 64]), got 'tensor<1xf32>'}}
  %q = lowbit.quantize %x scale(%s) {scheme = #lowbit.scheme<per_tensor, scale = f32>}
         : (tensor<16x64xf32>, tensor<1xf32>) -> tensor<16x64xui4>
  return
}

// -----

// Blocks cover the two innermost axes: ceil(100 / 32) = 4 rows, ceil(70 / 32) = 3 columns.
func.func @scale_block_shape(%x: tensor<2x100x70xf32>, %s: tensor<2x3x3xf32>) {
  // expected-error @+1 {{'scale' expected 'tensor<2x4x3xf32>' (block(32, 32) over [2, 100, 70]), got 'tensor<2x3x3xf32>'}}
  %q = lowbit.quantize %x scale(%s) {scheme = #lowbit.scheme<block(32, 32), scale = f32>}
         : (tensor<2x100x70xf32>, tensor<2x3x3xf32>) -> tensor<2x100x70xsi4>
  return
}

// -----

//===----------------------------------------------------------------------===//
// Zero points
//===----------------------------------------------------------------------===//

func.func @zero_missing(%x: tensor<16x64xf32>, %s: tensor<16xf16>) {
  // expected-error @+1 {{'zero' is required: the scheme has zero points}}
  %q = lowbit.quantize %x scale(%s)
         {scheme = #lowbit.scheme<per_channel(axis = 0), scale = f16, zero = int>}
         : (tensor<16x64xf32>, tensor<16xf16>) -> tensor<16x64xui4>
  return
}

// -----

func.func @zero_extra(%x: tensor<16x64xf32>, %s: tensor<16xf16>, %z: tensor<16xui4>) {
  // expected-error @+1 {{'zero' given, but the scheme has no zero points}}
  %q = lowbit.quantize %x scale(%s) zero(%z)
         {scheme = #lowbit.scheme<per_channel(axis = 0), scale = f16>}
         : (tensor<16x64xf32>, tensor<16xf16>, tensor<16xui4>) -> tensor<16x64xui4>
  return
}

// -----

// Integer zero points have the quantized element type (here ui4, not si4).
func.func @zero_int_wrong_type(%x: tensor<16x64xf32>, %s: tensor<16xf16>, %z: tensor<16xsi4>) {
  // expected-error @+1 {{'zero' expected 'tensor<16xui4>' (per_channel(axis = 0) over [16, 64]), got 'tensor<16xsi4>'}}
  %q = lowbit.quantize %x scale(%s) zero(%z)
         {scheme = #lowbit.scheme<per_channel(axis = 0), scale = f16, zero = int>}
         : (tensor<16x64xf32>, tensor<16xf16>, tensor<16xsi4>) -> tensor<16x64xui4>
  return
}

// -----

// Float zero points have the scale type.
func.func @zero_float_wrong_type(%x: tensor<16x64xf32>, %s: tensor<16xf16>, %z: tensor<16xf32>) {
  // expected-error @+1 {{'zero' expected 'tensor<16xf16>' (per_channel(axis = 0) over [16, 64]), got 'tensor<16xf32>'}}
  %q = lowbit.quantize %x scale(%s) zero(%z)
         {scheme = #lowbit.scheme<per_channel(axis = 0), scale = f16, zero = float>}
         : (tensor<16x64xf32>, tensor<16xf16>, tensor<16xf32>) -> tensor<16x64xui4>
  return
}

// -----

func.func @zero_wrong_shape(%x: tensor<16x64xf32>, %s: tensor<16x2xf16>, %z: tensor<16x1xui4>) {
  // expected-error @+1 {{'zero' expected 'tensor<16x2xui4>' (group(axis = 1, size = 32) over [16, 64]), got 'tensor<16x1xui4>'}}
  %q = lowbit.quantize %x scale(%s) zero(%z)
         {scheme = #lowbit.scheme<group(axis = 1, size = 32), scale = f16, zero = int>}
         : (tensor<16x64xf32>, tensor<16x2xf16>, tensor<16x1xui4>) -> tensor<16x64xui4>
  return
}

// -----

func.func @zero_int_on_float_codes(%x: tensor<16x64xf32>, %s: tensor<16xf16>,
                                   %z: tensor<16xf4E2M1FN>) {
  // expected-error @+1 {{integer zero points need an integer element type, but 'result' has 'f4E2M1FN'}}
  %q = lowbit.quantize %x scale(%s) zero(%z)
         {scheme = #lowbit.scheme<per_channel(axis = 0), scale = f16, zero = int>}
         : (tensor<16x64xf32>, tensor<16xf16>, tensor<16xf4E2M1FN>) -> tensor<16x64xf4E2M1FN>
  return
}

// -----

func.func @zero_int_on_ternary(%x: tensor<16x64xf32>, %s: tensor<f32>,
                               %z: tensor<!lowbit.ternary>) {
  // expected-error @+1 {{integer zero points need an integer element type, but 'result' has '!lowbit.ternary'}}
  %q = lowbit.quantize %x scale(%s) zero(%z)
         {scheme = #lowbit.scheme<per_tensor, scale = f32, zero = int>}
         : (tensor<16x64xf32>, tensor<f32>, tensor<!lowbit.ternary>) -> tensor<16x64x!lowbit.ternary>
  return
}

// -----

func.func @zero_float_on_ternary(%x: tensor<16x64xf32>, %s: tensor<f32>, %z: tensor<f32>) {
  // expected-error @+1 {{'result' of type '!lowbit.ternary' cannot have zero points}}
  %q = lowbit.quantize %x scale(%s) zero(%z)
         {scheme = #lowbit.scheme<per_tensor, scale = f32, zero = float>}
         : (tensor<16x64xf32>, tensor<f32>, tensor<f32>) -> tensor<16x64x!lowbit.ternary>
  return
}

// -----

//===----------------------------------------------------------------------===//
// Tensor scale
//===----------------------------------------------------------------------===//

func.func @tensor_scale_missing(%x: tensor<16x64xf32>, %s: tensor<16x4xf8E4M3FN>) {
  // expected-error @+1 {{'tensor_scale' is required: the scheme has tensor_scale}}
  %q = lowbit.quantize %x scale(%s)
         {scheme = #lowbit.scheme<group(axis = 1, size = 16), scale = f8E4M3FN, tensor_scale>}
         : (tensor<16x64xf32>, tensor<16x4xf8E4M3FN>) -> tensor<16x64xf4E2M1FN>
  return
}

// -----

func.func @tensor_scale_extra(%x: tensor<16x64xf32>, %s: tensor<16x4xf8E4M3FN>, %t: tensor<f32>) {
  // expected-error @+1 {{'tensor_scale' given, but the scheme has no tensor_scale}}
  %q = lowbit.quantize %x scale(%s) tensor_scale(%t)
         {scheme = #lowbit.scheme<group(axis = 1, size = 16), scale = f8E4M3FN>}
         : (tensor<16x64xf32>, tensor<16x4xf8E4M3FN>, tensor<f32>) -> tensor<16x64xf4E2M1FN>
  return
}

// -----

func.func @tensor_scale_not_scalar(%x: tensor<16x64xf32>, %s: tensor<16x4xf8E4M3FN>,
                                   %t: tensor<1xf32>) {
  // expected-error @+1 {{'tensor_scale' expected 'tensor<f32>' (one f32 for the whole tensor), got 'tensor<1xf32>'}}
  %q = lowbit.quantize %x scale(%s) tensor_scale(%t)
         {scheme = #lowbit.scheme<group(axis = 1, size = 16), scale = f8E4M3FN, tensor_scale>}
         : (tensor<16x64xf32>, tensor<16x4xf8E4M3FN>, tensor<1xf32>) -> tensor<16x64xf4E2M1FN>
  return
}

// -----

func.func @tensor_scale_wrong_type(%x: tensor<16x64xf32>, %s: tensor<16x4xf8E4M3FN>,
                                   %t: tensor<f16>) {
  // expected-error @+1 {{'tensor_scale' expected 'tensor<f32>' (one f32 for the whole tensor), got 'tensor<f16>'}}
  %q = lowbit.quantize %x scale(%s) tensor_scale(%t)
         {scheme = #lowbit.scheme<group(axis = 1, size = 16), scale = f8E4M3FN, tensor_scale>}
         : (tensor<16x64xf32>, tensor<16x4xf8E4M3FN>, tensor<f16>) -> tensor<16x64xf4E2M1FN>
  return
}

// -----

//===----------------------------------------------------------------------===//
// Codebooks
//===----------------------------------------------------------------------===//

func.func @codebook_signed_codes(%x: tensor<4x64xf32>, %s: tensor<4xf32>) {
  // expected-error @+1 {{a codebook needs unsigned integer codes, but 'result' has 'si4'}}
  %q = lowbit.quantize %x scale(%s)
         {scheme = #lowbit.scheme<per_channel(axis = 0), scale = f32, codebook = nf4>}
         : (tensor<4x64xf32>, tensor<4xf32>) -> tensor<4x64xsi4>
  return
}

// -----

func.func @codebook_float_codes(%x: tensor<4x64xf32>, %s: tensor<4xf32>) {
  // expected-error @+1 {{a codebook needs unsigned integer codes, but 'result' has 'f4E2M1FN'}}
  %q = lowbit.quantize %x scale(%s)
         {scheme = #lowbit.scheme<per_channel(axis = 0), scale = f32, codebook = nf4>}
         : (tensor<4x64xf32>, tensor<4xf32>) -> tensor<4x64xf4E2M1FN>
  return
}

// -----

func.func @codebook_nf4_ui3(%x: tensor<4x64xf32>, %s: tensor<4xf32>) {
  // expected-error @+1 {{the nf4 codebook needs ui4 codes, but 'result' has 'ui3'}}
  %q = lowbit.quantize %x scale(%s)
         {scheme = #lowbit.scheme<per_channel(axis = 0), scale = f32, codebook = nf4>}
         : (tensor<4x64xf32>, tensor<4xf32>) -> tensor<4x64xui3>
  return
}

// -----

func.func @codebook_inline_size_mismatch(%x: tensor<4x64xf32>, %s: tensor<f32>) {
  // expected-error @+1 {{inline codebook has 4 entries, but 'ui3' codes need 8}}
  %q = lowbit.quantize %x scale(%s)
         {scheme = #lowbit.scheme<per_tensor, scale = f32, codebook = [-1.5, -0.5, 0.5, 1.5]>}
         : (tensor<4x64xf32>, tensor<f32>) -> tensor<4x64xui3>
  return
}

// -----

func.func @codebook_operand_missing(%x: tensor<4x64xf32>, %s: tensor<f32>) {
  // expected-error @+1 {{'codebook' is required: the scheme has codebook = operand}}
  %q = lowbit.quantize %x scale(%s)
         {scheme = #lowbit.scheme<per_tensor, scale = f32, codebook = operand>}
         : (tensor<4x64xf32>, tensor<f32>) -> tensor<4x64xui3>
  return
}

// -----

func.func @codebook_operand_extra(%x: tensor<4x64xf32>, %s: tensor<f32>, %c: tensor<16xf32>) {
  // expected-error @+1 {{'codebook' given, but the scheme has no codebook = operand}}
  %q = lowbit.quantize %x scale(%s) codebook(%c)
         {scheme = #lowbit.scheme<per_tensor, scale = f32, codebook = nf4>}
         : (tensor<4x64xf32>, tensor<f32>, tensor<16xf32>) -> tensor<4x64xui4>
  return
}

// -----

func.func @codebook_operand_without_codebook(%x: tensor<4x64xf32>, %s: tensor<f32>,
                                             %c: tensor<16xf32>) {
  // expected-error @+1 {{'codebook' given, but the scheme has no codebook = operand}}
  %q = lowbit.quantize %x scale(%s) codebook(%c)
         {scheme = #lowbit.scheme<per_tensor, scale = f32>}
         : (tensor<4x64xf32>, tensor<f32>, tensor<16xf32>) -> tensor<4x64xui4>
  return
}

// -----

func.func @codebook_operand_wrong_size(%x: tensor<4x64xf32>, %s: tensor<f32>,
                                       %c: tensor<16xf32>) {
  // expected-error @+1 {{'codebook' expected tensor<8xf32|f16|bf16> (one entry per 'ui3' code), got 'tensor<16xf32>'}}
  %q = lowbit.quantize %x scale(%s) codebook(%c)
         {scheme = #lowbit.scheme<per_tensor, scale = f32, codebook = operand>}
         : (tensor<4x64xf32>, tensor<f32>, tensor<16xf32>) -> tensor<4x64xui3>
  return
}

// -----

func.func @codebook_operand_wrong_type(%x: tensor<4x64xf32>, %s: tensor<f32>,
                                       %c: tensor<8xf8E4M3FN>) {
  // expected-error @+1 {{'codebook' expected tensor<8xf32|f16|bf16> (one entry per 'ui3' code), got 'tensor<8xf8E4M3FN>'}}
  %q = lowbit.quantize %x scale(%s) codebook(%c)
         {scheme = #lowbit.scheme<per_tensor, scale = f32, codebook = operand>}
         : (tensor<4x64xf32>, tensor<f32>, tensor<8xf8E4M3FN>) -> tensor<4x64xui3>
  return
}

// -----

func.func @codebook_operand_wrong_rank(%x: tensor<4x64xf32>, %s: tensor<f32>,
                                       %c: tensor<2x4xf32>) {
  // expected-error @+1 {{'codebook' expected tensor<8xf32|f16|bf16> (one entry per 'ui3' code), got 'tensor<2x4xf32>'}}
  %q = lowbit.quantize %x scale(%s) codebook(%c)
         {scheme = #lowbit.scheme<per_tensor, scale = f32, codebook = operand>}
         : (tensor<4x64xf32>, tensor<f32>, tensor<2x4xf32>) -> tensor<4x64xui3>
  return
}

// -----

//===----------------------------------------------------------------------===//
// lowbit.dequantize
//===----------------------------------------------------------------------===//

func.func @dequantize_lowbit_result(%q: tensor<4x8xsi8>, %s: tensor<f32>) {
  // expected-error @+1 {{'result' must have element type f32, f16 or bf16, got 'f8E4M3FN'}}
  %r = lowbit.dequantize %q scale(%s) {scheme = #lowbit.scheme<per_tensor, scale = f32>}
         : (tensor<4x8xsi8>, tensor<f32>) -> tensor<4x8xf8E4M3FN>
  return
}

// -----

func.func @dequantize_shape_mismatch(%q: tensor<4x8xsi8>, %s: tensor<f32>) {
  // expected-error @+1 {{'result' shape [8, 4] must equal 'input' shape [4, 8]}}
  %r = lowbit.dequantize %q scale(%s) {scheme = #lowbit.scheme<per_tensor, scale = f32>}
         : (tensor<4x8xsi8>, tensor<f32>) -> tensor<8x4xf32>
  return
}

// -----

func.func @dequantize_signless_input(%q: tensor<4x8xi8>, %s: tensor<f32>) {
  // expected-error @+1 {{'input': i8 is not a low-bit element type (signless integers are ambiguous: use si8 or ui8)}}
  %r = lowbit.dequantize %q scale(%s) {scheme = #lowbit.scheme<per_tensor, scale = f32>}
         : (tensor<4x8xi8>, tensor<f32>) -> tensor<4x8xf32>
  return
}

// -----

func.func @dequantize_scheme_rank(%q: tensor<64xui4>, %s: tensor<2xf32>) {
  // expected-error @+1 {{scheme block(32, 32) does not fit 'input' of rank 1}}
  %r = lowbit.dequantize %q scale(%s) {scheme = #lowbit.scheme<block(32, 32), scale = f32>}
         : (tensor<64xui4>, tensor<2xf32>) -> tensor<64xf32>
  return
}

// -----

func.func @dequantize_codebook_signed(%q: tensor<4x8xsi2>, %s: tensor<f32>) {
  // expected-error @+1 {{a codebook needs unsigned integer codes, but 'input' has 'si2'}}
  %r = lowbit.dequantize %q scale(%s)
         {scheme = #lowbit.scheme<per_tensor, scale = f32, codebook = [-1.0, -0.5, 0.5, 1.0]>}
         : (tensor<4x8xsi2>, tensor<f32>) -> tensor<4x8xf32>
  return
}

// -----

func.func @dequantize_zero_int_float_codes(%q: tensor<4x8xf8E5M2>, %s: tensor<f32>,
                                           %z: tensor<f8E5M2>) {
  // expected-error @+1 {{integer zero points need an integer element type, but 'input' has 'f8E5M2'}}
  %r = lowbit.dequantize %q scale(%s) zero(%z)
         {scheme = #lowbit.scheme<per_tensor, scale = f32, zero = int>}
         : (tensor<4x8xf8E5M2>, tensor<f32>, tensor<f8E5M2>) -> tensor<4x8xf32>
  return
}

// -----

//===----------------------------------------------------------------------===//
// lowbit.pack / lowbit.unpack
//===----------------------------------------------------------------------===//

func.func @pack_signless(%q: tensor<4x8xi4>) {
  // expected-error @+1 {{'input': i4 is not a low-bit element type (signless integers are ambiguous: use si4 or ui4)}}
  %b = lowbit.pack %q : tensor<4x8xi4> -> tensor<4x4xi8>
  return
}

// -----

func.func @pack_real_input(%q: tensor<4x8xf16>) {
  // expected-error @+1 {{'input': f16 is not a low-bit element type}}
  %b = lowbit.pack %q : tensor<4x8xf16> -> tensor<4x16xi8>
  return
}

// -----

func.func @pack_result_not_i8(%q: tensor<4x8xui4>) {
  // expected-error @+1 {{'result' must hold i8 bytes, got 'ui8'}}
  %b = lowbit.pack %q : tensor<4x8xui4> -> tensor<4x4xui8>
  return
}

// -----

// 7 codes of 4 bits fill 4 bytes (the last one half padding), not 3.
func.func @pack_wrong_shape(%q: tensor<4x7xui4>) {
  // expected-error @+1 {{'result' expected 'tensor<4x4xi8>' ('tensor<4x7xui4>' packed 4 bits per element, rows padded to bytes), got 'tensor<4x3xi8>'}}
  %b = lowbit.pack %q : tensor<4x7xui4> -> tensor<4x3xi8>
  return
}

// -----

func.func @pack_wrong_outer_shape(%q: tensor<4x8xsi3>) {
  // expected-error @+1 {{'result' expected 'tensor<4x3xi8>' ('tensor<4x8xsi3>' packed 3 bits per element, rows padded to bytes), got 'tensor<3x3xi8>'}}
  %b = lowbit.pack %q : tensor<4x8xsi3> -> tensor<3x3xi8>
  return
}

// -----

func.func @pack_rank0_wrong_shape(%q: tensor<ui5>) {
  // expected-error @+1 {{'result' expected 'tensor<1xi8>' ('tensor<ui5>' packed 5 bits per element, rows padded to bytes), got 'tensor<i8>'}}
  %b = lowbit.pack %q : tensor<ui5> -> tensor<i8>
  return
}

// -----

func.func @unpack_wrong_input_shape(%b: tensor<2x2xi8>) {
  // expected-error @+1 {{'input' expected 'tensor<2x3xi8>' ('tensor<2x7xsi3>' packed 3 bits per element, rows padded to bytes), got 'tensor<2x2xi8>'}}
  %q = lowbit.unpack %b : tensor<2x2xi8> -> tensor<2x7xsi3>
  return
}

// -----

func.func @unpack_ternary_wrong_shape(%b: tensor<3xi8>) {
  // expected-error @+1 {{'input' expected 'tensor<2xi8>' ('tensor<5x!lowbit.ternary>' packed 2 bits per element, rows padded to bytes), got 'tensor<3xi8>'}}
  %q = lowbit.unpack %b : tensor<3xi8> -> tensor<5x!lowbit.ternary>
  return
}

// -----

func.func @unpack_input_not_i8(%b: tensor<4xsi8>) {
  // expected-error @+1 {{'input' must hold i8 bytes, got 'si8'}}
  %q = lowbit.unpack %b : tensor<4xsi8> -> tensor<8xui4>
  return
}

// -----

func.func @unpack_real_result(%b: tensor<4xi8>) {
  // expected-error @+1 {{'result': bf16 is not a low-bit element type}}
  %q = lowbit.unpack %b : tensor<4xi8> -> tensor<2xbf16>
  return
}

// -----

//===----------------------------------------------------------------------===//
// lowbit.mpgemm
//===----------------------------------------------------------------------===//

func.func @mpgemm_a_rank1(%a: tensor<64xf16>, %w: tensor<16x64xui4>, %s: tensor<16xf16>) {
  // expected-error @+1 {{'a' must have rank >= 2 ([.., M, K]), got 'tensor<64xf16>'}}
  %y = lowbit.mpgemm %a, %w scale(%s)
         {weight_scheme = #lowbit.scheme<per_channel(axis = 0), scale = f16>}
         : (tensor<64xf16>, tensor<16x64xui4>, tensor<16xf16>) -> tensor<16xf32>
  return
}

// -----

func.func @mpgemm_w_rank3(%a: tensor<7x64xf16>, %w: tensor<2x16x64xui4>, %s: tensor<f16>) {
  // expected-error @+1 {{'w' must have rank 2 ([N, K]), got 'tensor<2x16x64xui4>'}}
  %y = lowbit.mpgemm %a, %w scale(%s) {weight_scheme = #lowbit.scheme<per_tensor, scale = f16>}
         : (tensor<7x64xf16>, tensor<2x16x64xui4>, tensor<f16>) -> tensor<7x16xf32>
  return
}

// -----

func.func @mpgemm_k_mismatch(%a: tensor<7x64xf16>, %w: tensor<16x32xui4>, %s: tensor<f16>) {
  // expected-error @+1 {{'w' K extent 32 must equal 'a' K extent 64 (a is [.., M, K], w is [N, K])}}
  %y = lowbit.mpgemm %a, %w scale(%s) {weight_scheme = #lowbit.scheme<per_tensor, scale = f16>}
         : (tensor<7x64xf16>, tensor<16x32xui4>, tensor<f16>) -> tensor<7x16xf32>
  return
}

// -----

// w is [N, K], not [K, N].
func.func @mpgemm_w_transposed(%a: tensor<7x64xf16>, %w: tensor<64x16xui4>, %s: tensor<f16>) {
  // expected-error @+1 {{'w' K extent 16 must equal 'a' K extent 64}}
  %y = lowbit.mpgemm %a, %w scale(%s) {weight_scheme = #lowbit.scheme<per_tensor, scale = f16>}
         : (tensor<7x64xf16>, tensor<64x16xui4>, tensor<f16>) -> tensor<7x16xf32>
  return
}

// -----

func.func @mpgemm_signless_activations(%a: tensor<7x64xi8>, %w: tensor<16x64xui4>,
                                       %s: tensor<f16>) {
  // expected-error @+1 {{'a' must have element type f32, f16, bf16 or a low-bit type, got 'i8'}}
  %y = lowbit.mpgemm %a, %w scale(%s) {weight_scheme = #lowbit.scheme<per_tensor, scale = f16>}
         : (tensor<7x64xi8>, tensor<16x64xui4>, tensor<f16>) -> tensor<7x16xf32>
  return
}

// -----

func.func @mpgemm_act_scale_without_scheme(%a: tensor<7x64xsi8>, %w: tensor<16x64xui4>,
                                           %s: tensor<f16>, %as: tensor<7xf32>) {
  // expected-error @+1 {{'act_scale' given, but 'a' is not quantized (it has no scheme)}}
  %y = lowbit.mpgemm %a, %w scale(%s) act_scale(%as)
         {weight_scheme = #lowbit.scheme<per_tensor, scale = f16>}
         : (tensor<7x64xsi8>, tensor<16x64xui4>, tensor<f16>, tensor<7xf32>) -> tensor<7x16xf32>
  return
}

// -----

func.func @mpgemm_act_zero_without_scheme(%a: tensor<7x64xsi8>, %w: tensor<16x64xui4>,
                                          %s: tensor<f16>, %az: tensor<7xsi8>) {
  // expected-error @+1 {{'act_zero' given, but 'a' is not quantized (it has no scheme)}}
  %y = lowbit.mpgemm %a, %w scale(%s) act_zero(%az)
         {weight_scheme = #lowbit.scheme<per_tensor, scale = f16>}
         : (tensor<7x64xsi8>, tensor<16x64xui4>, tensor<f16>, tensor<7xsi8>) -> tensor<7x16xf32>
  return
}

// -----

func.func @mpgemm_act_scheme_codebook(%a: tensor<7x64xui4>, %w: tensor<16x64xui4>,
                                      %s: tensor<f16>, %as: tensor<f32>) {
  // expected-error @+1 {{'act_scheme' may not use a codebook or a tensor scale (activations take scales and zero points only)}}
  %y = lowbit.mpgemm %a, %w scale(%s) act_scale(%as)
         {weight_scheme = #lowbit.scheme<per_tensor, scale = f16>,
          act_scheme = #lowbit.scheme<per_tensor, scale = f32, codebook = nf4>}
         : (tensor<7x64xui4>, tensor<16x64xui4>, tensor<f16>, tensor<f32>) -> tensor<7x16xf32>
  return
}

// -----

func.func @mpgemm_act_scheme_tensor_scale(%a: tensor<7x64xf4E2M1FN>, %w: tensor<16x64xui4>,
                                          %s: tensor<f16>, %as: tensor<7x4xf8E4M3FN>) {
  // expected-error @+1 {{'act_scheme' may not use a codebook or a tensor scale (activations take scales and zero points only)}}
  %y = lowbit.mpgemm %a, %w scale(%s) act_scale(%as)
         {weight_scheme = #lowbit.scheme<per_tensor, scale = f16>,
          act_scheme = #lowbit.scheme<group(axis = 1, size = 16), scale = f8E4M3FN, tensor_scale>}
         : (tensor<7x64xf4E2M1FN>, tensor<16x64xui4>, tensor<f16>, tensor<7x4xf8E4M3FN>)
         -> tensor<7x16xf32>
  return
}

// -----

func.func @mpgemm_act_scheme_real_activations(%a: tensor<7x64xf16>, %w: tensor<16x64xui4>,
                                              %s: tensor<f16>, %as: tensor<7xf32>) {
  // expected-error @+1 {{'a': f16 is not a low-bit element type}}
  %y = lowbit.mpgemm %a, %w scale(%s) act_scale(%as)
         {weight_scheme = #lowbit.scheme<per_tensor, scale = f16>,
          act_scheme = #lowbit.scheme<per_channel(axis = 0), scale = f32>}
         : (tensor<7x64xf16>, tensor<16x64xui4>, tensor<f16>, tensor<7xf32>) -> tensor<7x16xf32>
  return
}

// -----

func.func @mpgemm_act_scale_missing(%a: tensor<7x64xsi8>, %w: tensor<16x64xui4>,
                                    %s: tensor<f16>) {
  // expected-error @+1 {{'act_scale' is required: every scheme has scales}}
  %y = lowbit.mpgemm %a, %w scale(%s)
         {weight_scheme = #lowbit.scheme<per_tensor, scale = f16>,
          act_scheme = #lowbit.scheme<per_channel(axis = 0), scale = f32>}
         : (tensor<7x64xsi8>, tensor<16x64xui4>, tensor<f16>) -> tensor<7x16xf32>
  return
}

// -----

func.func @mpgemm_act_zero_missing(%a: tensor<7x64xui8>, %w: tensor<16x64xui4>,
                                   %s: tensor<f16>, %as: tensor<7xf32>) {
  // expected-error @+1 {{'act_zero' is required: the scheme has zero points}}
  %y = lowbit.mpgemm %a, %w scale(%s) act_scale(%as)
         {weight_scheme = #lowbit.scheme<per_tensor, scale = f16>,
          act_scheme = #lowbit.scheme<per_channel(axis = 0), scale = f32, zero = int>}
         : (tensor<7x64xui8>, tensor<16x64xui4>, tensor<f16>, tensor<7xf32>) -> tensor<7x16xf32>
  return
}

// -----

// Activation scheme axes refer to a's own shape [.., M, K].
func.func @mpgemm_act_scale_shape(%a: tensor<2x7x64xsi8>, %w: tensor<16x64xui4>,
                                  %s: tensor<f16>, %as: tensor<7xf32>) {
  // expected-error @+1 {{'act_scale' expected 'tensor<2xf32>' (per_channel(axis = 0) over [2, 7, 64]), got 'tensor<7xf32>'}}
  %y = lowbit.mpgemm %a, %w scale(%s) act_scale(%as)
         {weight_scheme = #lowbit.scheme<per_tensor, scale = f16>,
          act_scheme = #lowbit.scheme<per_channel(axis = 0), scale = f32>}
         : (tensor<2x7x64xsi8>, tensor<16x64xui4>, tensor<f16>, tensor<7xf32>)
         -> tensor<2x7x16xf32>
  return
}

// -----

func.func @mpgemm_signless_weights(%a: tensor<7x64xf16>, %w: tensor<16x64xi4>, %s: tensor<f16>) {
  // expected-error @+1 {{'w': i4 is not a low-bit element type (signless integers are ambiguous: use si4 or ui4)}}
  %y = lowbit.mpgemm %a, %w scale(%s) {weight_scheme = #lowbit.scheme<per_tensor, scale = f16>}
         : (tensor<7x64xf16>, tensor<16x64xi4>, tensor<f16>) -> tensor<7x16xf32>
  return
}

// -----

func.func @mpgemm_weight_scheme_rank(%a: tensor<7x64xf16>, %w: tensor<16x64xui4>,
                                     %s: tensor<16xf16>) {
  // expected-error @+1 {{scheme per_channel(axis = 2) does not fit 'w' of rank 2}}
  %y = lowbit.mpgemm %a, %w scale(%s)
         {weight_scheme = #lowbit.scheme<per_channel(axis = 2), scale = f16>}
         : (tensor<7x64xf16>, tensor<16x64xui4>, tensor<16xf16>) -> tensor<7x16xf32>
  return
}

// -----

// Weight scheme axes refer to [N, K]: groups along K are axis 1.
func.func @mpgemm_weight_scale_shape(%a: tensor<7x64xf16>, %w: tensor<16x64xui4>,
                                     %s: tensor<1x64xf16>) {
  // expected-error @+1 {{'scale' expected 'tensor<16x2xf16>' (group(axis = 1, size = 32) over [16, 64]), got 'tensor<1x64xf16>'}}
  %y = lowbit.mpgemm %a, %w scale(%s)
         {weight_scheme = #lowbit.scheme<group(axis = 1, size = 32), scale = f16>}
         : (tensor<7x64xf16>, tensor<16x64xui4>, tensor<1x64xf16>) -> tensor<7x16xf32>
  return
}

// -----

func.func @mpgemm_weight_codebook_missing(%a: tensor<7x64xf16>, %w: tensor<16x64xui4>,
                                          %s: tensor<f16>) {
  // expected-error @+1 {{'codebook' is required: the scheme has codebook = operand}}
  %y = lowbit.mpgemm %a, %w scale(%s)
         {weight_scheme = #lowbit.scheme<per_tensor, scale = f16, codebook = operand>}
         : (tensor<7x64xf16>, tensor<16x64xui4>, tensor<f16>) -> tensor<7x16xf32>
  return
}

// -----

func.func @mpgemm_weight_tensor_scale_missing(%a: tensor<7x64xf16>, %w: tensor<16x64xf4E2M1FN>,
                                              %s: tensor<16x4xf8E4M3FN>) {
  // expected-error @+1 {{'tensor_scale' is required: the scheme has tensor_scale}}
  %y = lowbit.mpgemm %a, %w scale(%s)
         {weight_scheme = #lowbit.scheme<group(axis = 1, size = 16), scale = f8E4M3FN, tensor_scale>}
         : (tensor<7x64xf16>, tensor<16x64xf4E2M1FN>, tensor<16x4xf8E4M3FN>) -> tensor<7x16xf32>
  return
}

// -----

func.func @mpgemm_bias_integer(%a: tensor<7x64xf16>, %w: tensor<16x64xui4>, %s: tensor<f16>,
                               %b: tensor<16xsi8>) {
  // expected-error @+1 {{'bias' must have element type f32, f16 or bf16, got 'si8'}}
  %y = lowbit.mpgemm %a, %w scale(%s) bias(%b)
         {weight_scheme = #lowbit.scheme<per_tensor, scale = f16>}
         : (tensor<7x64xf16>, tensor<16x64xui4>, tensor<f16>, tensor<16xsi8>) -> tensor<7x16xf32>
  return
}

// -----

func.func @mpgemm_bias_shape(%a: tensor<7x64xf16>, %w: tensor<16x64xui4>, %s: tensor<f16>,
                             %b: tensor<7xf32>) {
  // expected-error @+1 {{'bias' expected shape [16] ([N]), got [7]}}
  %y = lowbit.mpgemm %a, %w scale(%s) bias(%b)
         {weight_scheme = #lowbit.scheme<per_tensor, scale = f16>}
         : (tensor<7x64xf16>, tensor<16x64xui4>, tensor<f16>, tensor<7xf32>) -> tensor<7x16xf32>
  return
}

// -----

func.func @mpgemm_bias_rank(%a: tensor<7x64xf16>, %w: tensor<16x64xui4>, %s: tensor<f16>,
                            %b: tensor<7x16xf32>) {
  // expected-error @+1 {{'bias' expected shape [16] ([N]), got [7, 16]}}
  %y = lowbit.mpgemm %a, %w scale(%s) bias(%b)
         {weight_scheme = #lowbit.scheme<per_tensor, scale = f16>}
         : (tensor<7x64xf16>, tensor<16x64xui4>, tensor<f16>, tensor<7x16xf32>)
         -> tensor<7x16xf32>
  return
}

// -----

func.func @mpgemm_result_shape(%a: tensor<7x64xf16>, %w: tensor<16x64xui4>, %s: tensor<f16>) {
  // expected-error @+1 {{'result' shape [7, 64] must equal '[.., M, N]' shape [7, 16]}}
  %y = lowbit.mpgemm %a, %w scale(%s) {weight_scheme = #lowbit.scheme<per_tensor, scale = f16>}
         : (tensor<7x64xf16>, tensor<16x64xui4>, tensor<f16>) -> tensor<7x64xf32>
  return
}

// -----

// The result keeps a's batch axes.
func.func @mpgemm_result_batch(%a: tensor<2x7x64xf16>, %w: tensor<16x64xui4>, %s: tensor<f16>) {
  // expected-error @+1 {{'result' shape [7, 16] must equal '[.., M, N]' shape [2, 7, 16]}}
  %y = lowbit.mpgemm %a, %w scale(%s) {weight_scheme = #lowbit.scheme<per_tensor, scale = f16>}
         : (tensor<2x7x64xf16>, tensor<16x64xui4>, tensor<f16>) -> tensor<7x16xf32>
  return
}

// -----

func.func @mpgemm_result_not_real(%a: tensor<7x64xsi8>, %w: tensor<16x64xsi8>, %s: tensor<f32>) {
  // expected-error @+1 {{'result' must have element type f32, f16 or bf16, got 'i32'}}
  %y = lowbit.mpgemm %a, %w scale(%s) {weight_scheme = #lowbit.scheme<per_tensor, scale = f32>}
         : (tensor<7x64xsi8>, tensor<16x64xsi8>, tensor<f32>) -> tensor<7x16xi32>
  return
}

// -----

//===----------------------------------------------------------------------===//
// lowbit.attention
//===----------------------------------------------------------------------===//

func.func @attention_q_rank(%q: tensor<8x4x64xf16>, %k: tensor<1x8x16x64xf16>,
                            %v: tensor<1x8x16x64xf16>) {
  // expected-error @+1 {{'q' must have rank 4 ([B, H, S, D]), got 'tensor<8x4x64xf16>'}}
  %o = lowbit.attention %q, %k, %v
         : (tensor<8x4x64xf16>, tensor<1x8x16x64xf16>, tensor<1x8x16x64xf16>)
         -> tensor<1x8x4x64xf16>
  return
}

// -----

func.func @attention_k_rank(%q: tensor<1x8x4x64xf16>, %k: tensor<8x16x64xf16>,
                            %v: tensor<1x8x16x64xf16>) {
  // expected-error @+1 {{'k' must have rank 4 ([B, H, S, D]), got 'tensor<8x16x64xf16>'}}
  %o = lowbit.attention %q, %k, %v
         : (tensor<1x8x4x64xf16>, tensor<8x16x64xf16>, tensor<1x8x16x64xf16>)
         -> tensor<1x8x4x64xf16>
  return
}

// -----

func.func @attention_v_rank(%q: tensor<1x8x4x64xf16>, %k: tensor<1x8x16x64xf16>,
                            %v: tensor<1x1x8x16x64xf16>) {
  // expected-error @+1 {{'v' must have rank 4 ([B, H, S, D]), got 'tensor<1x1x8x16x64xf16>'}}
  %o = lowbit.attention %q, %k, %v
         : (tensor<1x8x4x64xf16>, tensor<1x8x16x64xf16>, tensor<1x1x8x16x64xf16>)
         -> tensor<1x8x4x64xf16>
  return
}

// -----

func.func @attention_q_not_real(%q: tensor<1x8x4x64xsi8>, %k: tensor<1x8x16x64xf16>,
                                %v: tensor<1x8x16x64xf16>) {
  // expected-error @+1 {{'q' must have element type f32, f16 or bf16, got 'si8'}}
  %o = lowbit.attention %q, %k, %v
         : (tensor<1x8x4x64xsi8>, tensor<1x8x16x64xf16>, tensor<1x8x16x64xf16>)
         -> tensor<1x8x4x64xf16>
  return
}

// -----

func.func @attention_k_depth(%q: tensor<1x8x4x64xf16>, %k: tensor<1x8x16x32xf16>,
                             %v: tensor<1x8x16x64xf16>) {
  // expected-error @+1 {{'k' shape [1, 8, 16, 32] must equal '[B, Hkv, Skv, D] from q' shape [1, 8, 16, 64]}}
  %o = lowbit.attention %q, %k, %v
         : (tensor<1x8x4x64xf16>, tensor<1x8x16x32xf16>, tensor<1x8x16x64xf16>)
         -> tensor<1x8x4x64xf16>
  return
}

// -----

func.func @attention_k_batch(%q: tensor<1x8x4x64xf16>, %k: tensor<2x8x16x64xf16>,
                             %v: tensor<2x8x16x64xf16>) {
  // expected-error @+1 {{'k' shape [2, 8, 16, 64] must equal '[B, Hkv, Skv, D] from q' shape [1, 8, 16, 64]}}
  %o = lowbit.attention %q, %k, %v
         : (tensor<1x8x4x64xf16>, tensor<2x8x16x64xf16>, tensor<2x8x16x64xf16>)
         -> tensor<1x8x4x64xf16>
  return
}

// -----

func.func @attention_v_tokens(%q: tensor<1x8x4x64xf16>, %k: tensor<1x8x16x64xf16>,
                              %v: tensor<1x8x12x64xf16>) {
  // expected-error @+1 {{'v' shape [1, 8, 12, 64] must equal '[B, Hkv, Skv, Dv] from q and k' shape [1, 8, 16, 64]}}
  %o = lowbit.attention %q, %k, %v
         : (tensor<1x8x4x64xf16>, tensor<1x8x16x64xf16>, tensor<1x8x12x64xf16>)
         -> tensor<1x8x4x64xf16>
  return
}

// -----

func.func @attention_gqa_not_divisible(%q: tensor<1x6x4x64xf16>, %k: tensor<1x4x16x64xf16>,
                                       %v: tensor<1x4x16x64xf16>) {
  // expected-error @+1 {{query heads (6) must be a multiple of KV heads (4)}}
  %o = lowbit.attention %q, %k, %v
         : (tensor<1x6x4x64xf16>, tensor<1x4x16x64xf16>, tensor<1x4x16x64xf16>)
         -> tensor<1x6x4x64xf16>
  return
}

// -----

func.func @attention_zero_kv_heads(%q: tensor<1x6x4x64xf16>, %k: tensor<1x0x16x64xf16>,
                                   %v: tensor<1x0x16x64xf16>) {
  // expected-error @+1 {{query heads (6) must be a multiple of KV heads (0)}}
  %o = lowbit.attention %q, %k, %v
         : (tensor<1x6x4x64xf16>, tensor<1x0x16x64xf16>, tensor<1x0x16x64xf16>)
         -> tensor<1x6x4x64xf16>
  return
}

// -----

func.func @attention_quantized_k_without_scheme(%q: tensor<1x8x4x64xf16>,
                                                %k: tensor<1x8x16x64xui4>,
                                                %v: tensor<1x8x16x64xf16>) {
  // expected-error @+1 {{'k' of element type 'ui4' needs 'k_scheme' (only f32, f16 and bf16 caches are used as they are)}}
  %o = lowbit.attention %q, %k, %v
         : (tensor<1x8x4x64xf16>, tensor<1x8x16x64xui4>, tensor<1x8x16x64xf16>)
         -> tensor<1x8x4x64xf16>
  return
}

// -----

func.func @attention_quantized_v_without_scheme(%q: tensor<1x8x4x64xf16>,
                                                %k: tensor<1x8x16x64xf16>,
                                                %v: tensor<1x8x16x64xf8E4M3FN>) {
  // expected-error @+1 {{'v' of element type 'f8E4M3FN' needs 'v_scheme' (only f32, f16 and bf16 caches are used as they are)}}
  %o = lowbit.attention %q, %k, %v
         : (tensor<1x8x4x64xf16>, tensor<1x8x16x64xf16>, tensor<1x8x16x64xf8E4M3FN>)
         -> tensor<1x8x4x64xf16>
  return
}

// -----

func.func @attention_k_scale_float_cache(%q: tensor<1x8x4x64xf16>, %k: tensor<1x8x16x64xf16>,
                                         %v: tensor<1x8x16x64xf16>, %ks: tensor<f32>) {
  // expected-error @+1 {{'k_scale' given, but 'k' is not quantized (it has no scheme)}}
  %o = lowbit.attention %q, %k, %v k_scale(%ks)
         : (tensor<1x8x4x64xf16>, tensor<1x8x16x64xf16>, tensor<1x8x16x64xf16>, tensor<f32>)
         -> tensor<1x8x4x64xf16>
  return
}

// -----

func.func @attention_v_zero_float_cache(%q: tensor<1x8x4x64xf16>, %k: tensor<1x8x16x64xf16>,
                                        %v: tensor<1x8x16x64xf16>, %vz: tensor<f32>) {
  // expected-error @+1 {{'v_zero' given, but 'v' is not quantized (it has no scheme)}}
  %o = lowbit.attention %q, %k, %v v_zero(%vz)
         : (tensor<1x8x4x64xf16>, tensor<1x8x16x64xf16>, tensor<1x8x16x64xf16>, tensor<f32>)
         -> tensor<1x8x4x64xf16>
  return
}

// -----

func.func @attention_k_scheme_float_cache(%q: tensor<1x8x4x64xf16>, %k: tensor<1x8x16x64xf16>,
                                          %v: tensor<1x8x16x64xf16>, %ks: tensor<f32>) {
  // expected-error @+1 {{'k': f16 is not a low-bit element type}}
  %o = lowbit.attention %q, %k, %v k_scale(%ks)
         {k_scheme = #lowbit.scheme<per_tensor, scale = f32>}
         : (tensor<1x8x4x64xf16>, tensor<1x8x16x64xf16>, tensor<1x8x16x64xf16>, tensor<f32>)
         -> tensor<1x8x4x64xf16>
  return
}

// -----

func.func @attention_k_scheme_codebook(%q: tensor<1x8x4x64xf16>, %k: tensor<1x8x16x64xui4>,
                                       %v: tensor<1x8x16x64xf16>, %ks: tensor<f32>) {
  // expected-error @+1 {{'k_scheme' may not use a codebook or a tensor scale (KV caches take scales and zero points only)}}
  %o = lowbit.attention %q, %k, %v k_scale(%ks)
         {k_scheme = #lowbit.scheme<per_tensor, scale = f32, codebook = nf4>}
         : (tensor<1x8x4x64xf16>, tensor<1x8x16x64xui4>, tensor<1x8x16x64xf16>, tensor<f32>)
         -> tensor<1x8x4x64xf16>
  return
}

// -----

func.func @attention_v_scheme_tensor_scale(%q: tensor<1x8x4x64xf16>, %k: tensor<1x8x16x64xf16>,
                                           %v: tensor<1x8x16x64xui4>, %vs: tensor<f32>) {
  // expected-error @+1 {{'v_scheme' may not use a codebook or a tensor scale (KV caches take scales and zero points only)}}
  %o = lowbit.attention %q, %k, %v v_scale(%vs)
         {v_scheme = #lowbit.scheme<per_tensor, scale = f32, tensor_scale>}
         : (tensor<1x8x4x64xf16>, tensor<1x8x16x64xf16>, tensor<1x8x16x64xui4>, tensor<f32>)
         -> tensor<1x8x4x64xf16>
  return
}

// -----

func.func @attention_k_scale_missing(%q: tensor<1x8x4x64xf16>, %k: tensor<1x8x16x64xui4>,
                                     %v: tensor<1x8x16x64xf16>) {
  // expected-error @+1 {{'k_scale' is required: every scheme has scales}}
  %o = lowbit.attention %q, %k, %v {k_scheme = #lowbit.scheme<per_tensor, scale = f32>}
         : (tensor<1x8x4x64xf16>, tensor<1x8x16x64xui4>, tensor<1x8x16x64xf16>)
         -> tensor<1x8x4x64xf16>
  return
}

// -----

func.func @attention_k_zero_missing(%q: tensor<1x8x4x64xf16>, %k: tensor<1x8x16x64xui4>,
                                    %v: tensor<1x8x16x64xf16>, %ks: tensor<1x8x1x64xf16>) {
  // expected-error @+1 {{'k_zero' is required: the scheme has zero points}}
  %o = lowbit.attention %q, %k, %v k_scale(%ks)
         {k_scheme = #lowbit.scheme<group(axis = 2, size = 16), scale = f16, zero = int>}
         : (tensor<1x8x4x64xf16>, tensor<1x8x16x64xui4>, tensor<1x8x16x64xf16>,
            tensor<1x8x1x64xf16>) -> tensor<1x8x4x64xf16>
  return
}

// -----

func.func @attention_v_scale_shape(%q: tensor<1x8x4x64xf16>, %k: tensor<1x8x16x64xf16>,
                                   %v: tensor<1x8x16x64xui4>, %vs: tensor<1x8x1x64xf16>) {
  // expected-error @+1 {{'v_scale' expected 'tensor<1x8x16x2xf16>' (group(axis = 3, size = 32) over [1, 8, 16, 64]), got 'tensor<1x8x1x64xf16>'}}
  %o = lowbit.attention %q, %k, %v v_scale(%vs)
         {v_scheme = #lowbit.scheme<group(axis = 3, size = 32), scale = f16>}
         : (tensor<1x8x4x64xf16>, tensor<1x8x16x64xf16>, tensor<1x8x16x64xui4>,
            tensor<1x8x1x64xf16>) -> tensor<1x8x4x64xf16>
  return
}

// -----

func.func @attention_mask_type(%q: tensor<1x8x4x64xf16>, %k: tensor<1x8x16x64xf16>,
                               %v: tensor<1x8x16x64xf16>, %m: tensor<1x1x4x16xi1>) {
  // expected-error @+1 {{'mask' must have element type f32, f16 or bf16, got 'i1'}}
  %o = lowbit.attention %q, %k, %v mask(%m)
         : (tensor<1x8x4x64xf16>, tensor<1x8x16x64xf16>, tensor<1x8x16x64xf16>,
            tensor<1x1x4x16xi1>) -> tensor<1x8x4x64xf16>
  return
}

// -----

func.func @attention_mask_not_broadcastable(%q: tensor<1x8x4x64xf16>, %k: tensor<1x8x16x64xf16>,
                                            %v: tensor<1x8x16x64xf16>,
                                            %m: tensor<1x1x4x8xf32>) {
  // expected-error @+1 {{'mask' shape [1, 1, 4, 8] must broadcast to the scores' shape [1, 8, 4, 16] ([B, Hq, Sq, Skv], extents equal or 1)}}
  %o = lowbit.attention %q, %k, %v mask(%m)
         : (tensor<1x8x4x64xf16>, tensor<1x8x16x64xf16>, tensor<1x8x16x64xf16>,
            tensor<1x1x4x8xf32>) -> tensor<1x8x4x64xf16>
  return
}

// -----

func.func @attention_mask_rank(%q: tensor<1x8x4x64xf16>, %k: tensor<1x8x16x64xf16>,
                               %v: tensor<1x8x16x64xf16>, %m: tensor<4x16xf32>) {
  // expected-error @+1 {{'mask' shape [4, 16] must broadcast to the scores' shape [1, 8, 4, 16]}}
  %o = lowbit.attention %q, %k, %v mask(%m)
         : (tensor<1x8x4x64xf16>, tensor<1x8x16x64xf16>, tensor<1x8x16x64xf16>,
            tensor<4x16xf32>) -> tensor<1x8x4x64xf16>
  return
}

// -----

func.func @attention_sinks_shape(%q: tensor<1x8x4x64xf16>, %k: tensor<1x8x16x64xf16>,
                                 %v: tensor<1x8x16x64xf16>, %s: tensor<4xf32>) {
  // expected-error @+1 {{'sinks' shape [4] must equal '[Hq]' shape [8]}}
  %o = lowbit.attention %q, %k, %v sinks(%s)
         : (tensor<1x8x4x64xf16>, tensor<1x8x16x64xf16>, tensor<1x8x16x64xf16>, tensor<4xf32>)
         -> tensor<1x8x4x64xf16>
  return
}

// -----

func.func @attention_softcap_negative(%q: tensor<1x8x4x64xf16>, %k: tensor<1x8x16x64xf16>,
                                      %v: tensor<1x8x16x64xf16>) {
  // expected-error @+1 {{'softcap' must be positive and finite, got -3}}
  %o = lowbit.attention %q, %k, %v {softcap = -3.0 : f32}
         : (tensor<1x8x4x64xf16>, tensor<1x8x16x64xf16>, tensor<1x8x16x64xf16>)
         -> tensor<1x8x4x64xf16>
  return
}

// -----

func.func @attention_softmax_scale_inf(%q: tensor<1x8x4x64xf16>, %k: tensor<1x8x16x64xf16>,
                                       %v: tensor<1x8x16x64xf16>) {
  // expected-error @+1 {{'softmax_scale' must be finite}}
  %o = lowbit.attention %q, %k, %v {softmax_scale = 0x7F800000 : f32}
         : (tensor<1x8x4x64xf16>, tensor<1x8x16x64xf16>, tensor<1x8x16x64xf16>)
         -> tensor<1x8x4x64xf16>
  return
}

// -----

func.func @attention_softmax_scale_nan(%q: tensor<1x8x4x64xf16>, %k: tensor<1x8x16x64xf16>,
                                       %v: tensor<1x8x16x64xf16>) {
  // expected-error @+1 {{'softmax_scale' must be finite}}
  %o = lowbit.attention %q, %k, %v {softmax_scale = 0x7FC00000 : f32}
         : (tensor<1x8x4x64xf16>, tensor<1x8x16x64xf16>, tensor<1x8x16x64xf16>)
         -> tensor<1x8x4x64xf16>
  return
}

// -----

// The result has q's heads and v's depth.
func.func @attention_result_shape(%q: tensor<1x8x4x64xf16>, %k: tensor<1x2x16x64xf16>,
                                  %v: tensor<1x2x16x32xf16>) {
  // expected-error @+1 {{'result' shape [1, 2, 4, 64] must equal '[B, Hq, Sq, Dv]' shape [1, 8, 4, 32]}}
  %o = lowbit.attention %q, %k, %v
         : (tensor<1x8x4x64xf16>, tensor<1x2x16x64xf16>, tensor<1x2x16x32xf16>)
         -> tensor<1x2x4x64xf16>
  return
}

// -----

func.func @attention_result_not_real(%q: tensor<1x8x4x64xf16>, %k: tensor<1x8x16x64xf16>,
                                     %v: tensor<1x8x16x64xf16>) {
  // expected-error @+1 {{'result' must have element type f32, f16 or bf16, got 'f8E4M3FN'}}
  %o = lowbit.attention %q, %k, %v
         : (tensor<1x8x4x64xf16>, tensor<1x8x16x64xf16>, tensor<1x8x16x64xf16>)
         -> tensor<1x8x4x64xf8E4M3FN>
  return
}

// -----

//===----------------------------------------------------------------------===//
// lowbit.moe
//===----------------------------------------------------------------------===//

func.func @moe_x_rank(%x: tensor<2x5x64xf32>, %l: tensor<5x8xf32>, %wg: tensor<8x96x64xf32>,
                      %wu: tensor<8x96x64xf32>, %wd: tensor<8x64x96xf32>) {
  // expected-error @+1 {{'x' must have rank 2 ([T, H]), got 'tensor<2x5x64xf32>'}}
  %y = lowbit.moe %x, %l gate(%wg) up(%wu) down(%wd)
         {top_k = 2 : i64, activation = #lowbit.activation<silu>}
         : (tensor<2x5x64xf32>, tensor<5x8xf32>, tensor<8x96x64xf32>, tensor<8x96x64xf32>,
            tensor<8x64x96xf32>) -> tensor<5x64xf32>
  return
}

// -----

func.func @moe_logits_rank(%x: tensor<5x64xf32>, %l: tensor<8xf32>, %wg: tensor<8x96x64xf32>,
                           %wu: tensor<8x96x64xf32>, %wd: tensor<8x64x96xf32>) {
  // expected-error @+1 {{'router_logits' must have rank 2 ([T, E]), got 'tensor<8xf32>'}}
  %y = lowbit.moe %x, %l gate(%wg) up(%wu) down(%wd)
         {top_k = 2 : i64, activation = #lowbit.activation<silu>}
         : (tensor<5x64xf32>, tensor<8xf32>, tensor<8x96x64xf32>, tensor<8x96x64xf32>,
            tensor<8x64x96xf32>) -> tensor<5x64xf32>
  return
}

// -----

func.func @moe_x_not_real(%x: tensor<5x64xsi8>, %l: tensor<5x8xf32>, %wg: tensor<8x96x64xf32>,
                          %wu: tensor<8x96x64xf32>, %wd: tensor<8x64x96xf32>) {
  // expected-error @+1 {{'x' must have element type f32, f16 or bf16, got 'si8'}}
  %y = lowbit.moe %x, %l gate(%wg) up(%wu) down(%wd)
         {top_k = 2 : i64, activation = #lowbit.activation<silu>}
         : (tensor<5x64xsi8>, tensor<5x8xf32>, tensor<8x96x64xf32>, tensor<8x96x64xf32>,
            tensor<8x64x96xf32>) -> tensor<5x64xf32>
  return
}

// -----

func.func @moe_logits_not_real(%x: tensor<5x64xf32>, %l: tensor<5x8xi32>, %wg: tensor<8x96x64xf32>,
                               %wu: tensor<8x96x64xf32>, %wd: tensor<8x64x96xf32>) {
  // expected-error @+1 {{'router_logits' must have element type f32, f16 or bf16, got 'i32'}}
  %y = lowbit.moe %x, %l gate(%wg) up(%wu) down(%wd)
         {top_k = 2 : i64, activation = #lowbit.activation<silu>}
         : (tensor<5x64xf32>, tensor<5x8xi32>, tensor<8x96x64xf32>, tensor<8x96x64xf32>,
            tensor<8x64x96xf32>) -> tensor<5x64xf32>
  return
}

// -----

func.func @moe_token_mismatch(%x: tensor<5x64xf32>, %l: tensor<4x8xf32>, %wg: tensor<8x96x64xf32>,
                              %wu: tensor<8x96x64xf32>, %wd: tensor<8x64x96xf32>) {
  // expected-error @+1 {{'router_logits' has 4 tokens, 'x' has 5}}
  %y = lowbit.moe %x, %l gate(%wg) up(%wu) down(%wd)
         {top_k = 2 : i64, activation = #lowbit.activation<silu>}
         : (tensor<5x64xf32>, tensor<4x8xf32>, tensor<8x96x64xf32>, tensor<8x96x64xf32>,
            tensor<8x64x96xf32>) -> tensor<5x64xf32>
  return
}

// -----

func.func @moe_gate_rank(%x: tensor<5x64xf32>, %l: tensor<5x8xf32>, %wg: tensor<96x64xf32>,
                         %wu: tensor<8x96x64xf32>, %wd: tensor<8x64x96xf32>) {
  // expected-error @+1 {{'w_gate' must have rank 3 ([E, F, H]), got 'tensor<96x64xf32>'}}
  %y = lowbit.moe %x, %l gate(%wg) up(%wu) down(%wd)
         {top_k = 2 : i64, activation = #lowbit.activation<silu>}
         : (tensor<5x64xf32>, tensor<5x8xf32>, tensor<96x64xf32>, tensor<8x96x64xf32>,
            tensor<8x64x96xf32>) -> tensor<5x64xf32>
  return
}

// -----

func.func @moe_gate_experts(%x: tensor<5x64xf32>, %l: tensor<5x8xf32>, %wg: tensor<4x96x64xf32>,
                            %wu: tensor<8x96x64xf32>, %wd: tensor<8x64x96xf32>) {
  // expected-error @+1 {{'w_gate' shape [4, 96, 64] must equal '[E, F, H] from x and router_logits' shape [8, 96, 64]}}
  %y = lowbit.moe %x, %l gate(%wg) up(%wu) down(%wd)
         {top_k = 2 : i64, activation = #lowbit.activation<silu>}
         : (tensor<5x64xf32>, tensor<5x8xf32>, tensor<4x96x64xf32>, tensor<8x96x64xf32>,
            tensor<8x64x96xf32>) -> tensor<5x64xf32>
  return
}

// -----

func.func @moe_up_shape(%x: tensor<5x64xf32>, %l: tensor<5x8xf32>, %wg: tensor<8x96x64xf32>,
                        %wu: tensor<8x64x96xf32>, %wd: tensor<8x64x96xf32>) {
  // expected-error @+1 {{'w_up' shape [8, 64, 96] must equal '[E, F, H]' shape [8, 96, 64]}}
  %y = lowbit.moe %x, %l gate(%wg) up(%wu) down(%wd)
         {top_k = 2 : i64, activation = #lowbit.activation<silu>}
         : (tensor<5x64xf32>, tensor<5x8xf32>, tensor<8x96x64xf32>, tensor<8x64x96xf32>,
            tensor<8x64x96xf32>) -> tensor<5x64xf32>
  return
}

// -----

func.func @moe_down_shape(%x: tensor<5x64xf32>, %l: tensor<5x8xf32>, %wg: tensor<8x96x64xf32>,
                          %wu: tensor<8x96x64xf32>, %wd: tensor<8x96x64xf32>) {
  // expected-error @+1 {{'w_down' shape [8, 96, 64] must equal '[E, H, F]' shape [8, 64, 96]}}
  %y = lowbit.moe %x, %l gate(%wg) up(%wu) down(%wd)
         {top_k = 2 : i64, activation = #lowbit.activation<silu>}
         : (tensor<5x64xf32>, tensor<5x8xf32>, tensor<8x96x64xf32>, tensor<8x96x64xf32>,
            tensor<8x96x64xf32>) -> tensor<5x64xf32>
  return
}

// -----

func.func @moe_mixed_element_types(%x: tensor<5x64xf32>, %l: tensor<5x8xf32>,
                                   %wg: tensor<8x96x64xui4>, %wu: tensor<8x96x64xui4>,
                                   %wd: tensor<8x64x96xsi4>) {
  // expected-error @+1 {{'w_gate', 'w_up' and 'w_down' must share one element type, got 'ui4', 'ui4', 'si4'}}
  %y = lowbit.moe %x, %l gate(%wg) up(%wu) down(%wd)
         {top_k = 2 : i64, activation = #lowbit.activation<silu>}
         : (tensor<5x64xf32>, tensor<5x8xf32>, tensor<8x96x64xui4>, tensor<8x96x64xui4>,
            tensor<8x64x96xsi4>) -> tensor<5x64xf32>
  return
}

// -----

func.func @moe_lowbit_without_scheme(%x: tensor<5x64xf32>, %l: tensor<5x8xf32>,
                                     %wg: tensor<8x96x64xui4>, %wu: tensor<8x96x64xui4>,
                                     %wd: tensor<8x64x96xui4>) {
  // expected-error @+1 {{'w_gate' of element type 'ui4' needs 'weight_scheme' (only f32, f16 and bf16 weights are used as they are)}}
  %y = lowbit.moe %x, %l gate(%wg) up(%wu) down(%wd)
         {top_k = 2 : i64, activation = #lowbit.activation<silu>}
         : (tensor<5x64xf32>, tensor<5x8xf32>, tensor<8x96x64xui4>, tensor<8x96x64xui4>,
            tensor<8x64x96xui4>) -> tensor<5x64xf32>
  return
}

// -----

func.func @moe_scale_without_scheme(%x: tensor<5x64xf32>, %l: tensor<5x8xf32>,
                                    %wg: tensor<8x96x64xf16>, %wu: tensor<8x96x64xf16>,
                                    %wd: tensor<8x64x96xf16>, %us: tensor<f32>) {
  // expected-error @+1 {{'up_scale' given, but 'w_up' is not quantized (it has no scheme)}}
  %y = lowbit.moe %x, %l gate(%wg) up(%wu) down(%wd) up_scale(%us)
         {top_k = 2 : i64, activation = #lowbit.activation<silu>}
         : (tensor<5x64xf32>, tensor<5x8xf32>, tensor<8x96x64xf16>, tensor<8x96x64xf16>,
            tensor<8x64x96xf16>, tensor<f32>) -> tensor<5x64xf32>
  return
}

// -----

func.func @moe_scheme_on_float_weights(%x: tensor<5x64xf32>, %l: tensor<5x8xf32>,
                                       %wg: tensor<8x96x64xf16>, %wu: tensor<8x96x64xf16>,
                                       %wd: tensor<8x64x96xf16>, %s: tensor<f32>) {
  // expected-error @+1 {{'w_gate': f16 is not a low-bit element type}}
  %y = lowbit.moe %x, %l gate(%wg) up(%wu) down(%wd) gate_scale(%s) up_scale(%s) down_scale(%s)
         {top_k = 2 : i64, activation = #lowbit.activation<silu>,
          weight_scheme = #lowbit.scheme<per_tensor, scale = f32>}
         : (tensor<5x64xf32>, tensor<5x8xf32>, tensor<8x96x64xf16>, tensor<8x96x64xf16>,
            tensor<8x64x96xf16>, tensor<f32>, tensor<f32>, tensor<f32>) -> tensor<5x64xf32>
  return
}

// -----

func.func @moe_scheme_codebook(%x: tensor<5x64xf32>, %l: tensor<5x8xf32>,
                               %wg: tensor<8x96x64xui4>, %wu: tensor<8x96x64xui4>,
                               %wd: tensor<8x64x96xui4>, %s: tensor<f32>) {
  // expected-error @+1 {{'weight_scheme' may not use a codebook or a tensor scale (expert weights take scales and zero points only)}}
  %y = lowbit.moe %x, %l gate(%wg) up(%wu) down(%wd) gate_scale(%s) up_scale(%s) down_scale(%s)
         {top_k = 2 : i64, activation = #lowbit.activation<silu>,
          weight_scheme = #lowbit.scheme<per_tensor, scale = f32, codebook = nf4>}
         : (tensor<5x64xf32>, tensor<5x8xf32>, tensor<8x96x64xui4>, tensor<8x96x64xui4>,
            tensor<8x64x96xui4>, tensor<f32>, tensor<f32>, tensor<f32>) -> tensor<5x64xf32>
  return
}

// -----

func.func @moe_down_scale_missing(%x: tensor<5x64xf32>, %l: tensor<5x8xf32>,
                                  %wg: tensor<8x96x64xui4>, %wu: tensor<8x96x64xui4>,
                                  %wd: tensor<8x64x96xui4>, %s: tensor<f32>) {
  // expected-error @+1 {{'down_scale' is required: every scheme has scales}}
  %y = lowbit.moe %x, %l gate(%wg) up(%wu) down(%wd) gate_scale(%s) up_scale(%s)
         {top_k = 2 : i64, activation = #lowbit.activation<silu>,
          weight_scheme = #lowbit.scheme<per_tensor, scale = f32>}
         : (tensor<5x64xf32>, tensor<5x8xf32>, tensor<8x96x64xui4>, tensor<8x96x64xui4>,
            tensor<8x64x96xui4>, tensor<f32>, tensor<f32>) -> tensor<5x64xf32>
  return
}

// -----

// One scheme for the three weights; its axes refer to each weight's own shape, so w_down
// ([E, H, F]) has ceil(96 / 32) = 3 groups per row.
func.func @moe_down_scale_shape(%x: tensor<5x64xf32>, %l: tensor<5x8xf32>,
                                %wg: tensor<8x96x64xui4>, %wu: tensor<8x96x64xui4>,
                                %wd: tensor<8x64x96xui4>, %gs: tensor<8x96x2xf16>,
                                %us: tensor<8x96x2xf16>, %ds: tensor<8x64x2xf16>) {
  // expected-error @+1 {{'down_scale' expected 'tensor<8x64x3xf16>' (group(axis = 2, size = 32) over [8, 64, 96]), got 'tensor<8x64x2xf16>'}}
  %y = lowbit.moe %x, %l gate(%wg) up(%wu) down(%wd) gate_scale(%gs) up_scale(%us) down_scale(%ds)
         {top_k = 2 : i64, activation = #lowbit.activation<silu>,
          weight_scheme = #lowbit.scheme<group(axis = 2, size = 32), scale = f16>}
         : (tensor<5x64xf32>, tensor<5x8xf32>, tensor<8x96x64xui4>, tensor<8x96x64xui4>,
            tensor<8x64x96xui4>, tensor<8x96x2xf16>, tensor<8x96x2xf16>, tensor<8x64x2xf16>)
         -> tensor<5x64xf32>
  return
}

// -----

func.func @moe_up_zero_missing(%x: tensor<5x64xf32>, %l: tensor<5x8xf32>,
                               %wg: tensor<8x96x64xui4>, %wu: tensor<8x96x64xui4>,
                               %wd: tensor<8x64x96xui4>, %s: tensor<f32>, %z: tensor<ui4>) {
  // expected-error @+1 {{'up_zero' is required: the scheme has zero points}}
  %y = lowbit.moe %x, %l gate(%wg) up(%wu) down(%wd) gate_scale(%s) gate_zero(%z) up_scale(%s)
         down_scale(%s) down_zero(%z)
         {top_k = 2 : i64, activation = #lowbit.activation<silu>,
          weight_scheme = #lowbit.scheme<per_tensor, scale = f32, zero = int>}
         : (tensor<5x64xf32>, tensor<5x8xf32>, tensor<8x96x64xui4>, tensor<8x96x64xui4>,
            tensor<8x64x96xui4>, tensor<f32>, tensor<ui4>, tensor<f32>, tensor<f32>, tensor<ui4>)
         -> tensor<5x64xf32>
  return
}

// -----

func.func @moe_gate_zero_extra(%x: tensor<5x64xf32>, %l: tensor<5x8xf32>,
                               %wg: tensor<8x96x64xui4>, %wu: tensor<8x96x64xui4>,
                               %wd: tensor<8x64x96xui4>, %s: tensor<f32>, %z: tensor<ui4>) {
  // expected-error @+1 {{'gate_zero' given, but the scheme has no zero points}}
  %y = lowbit.moe %x, %l gate(%wg) up(%wu) down(%wd) gate_scale(%s) gate_zero(%z) up_scale(%s)
         down_scale(%s)
         {top_k = 2 : i64, activation = #lowbit.activation<silu>,
          weight_scheme = #lowbit.scheme<per_tensor, scale = f32>}
         : (tensor<5x64xf32>, tensor<5x8xf32>, tensor<8x96x64xui4>, tensor<8x96x64xui4>,
            tensor<8x64x96xui4>, tensor<f32>, tensor<ui4>, tensor<f32>, tensor<f32>)
         -> tensor<5x64xf32>
  return
}

// -----

func.func @moe_top_k_exceeds_experts(%x: tensor<5x64xf32>, %l: tensor<5x8xf32>,
                                     %wg: tensor<8x96x64xf32>, %wu: tensor<8x96x64xf32>,
                                     %wd: tensor<8x64x96xf32>) {
  // expected-error @+1 {{'top_k' (9) exceeds the number of experts (8)}}
  %y = lowbit.moe %x, %l gate(%wg) up(%wu) down(%wd)
         {top_k = 9 : i64, activation = #lowbit.activation<silu>}
         : (tensor<5x64xf32>, tensor<5x8xf32>, tensor<8x96x64xf32>, tensor<8x96x64xf32>,
            tensor<8x64x96xf32>) -> tensor<5x64xf32>
  return
}

// -----

func.func @moe_top_k_zero(%x: tensor<5x64xf32>, %l: tensor<5x8xf32>, %wg: tensor<8x96x64xf32>,
                          %wu: tensor<8x96x64xf32>, %wd: tensor<8x64x96xf32>) {
  // expected-error @+2 {{attribute 'top_k' failed to satisfy constraint: 64-bit signless integer attribute whose value is positive}}
  %y = lowbit.moe %x, %l gate(%wg) up(%wu) down(%wd)
         {top_k = 0 : i64, activation = #lowbit.activation<silu>}
         : (tensor<5x64xf32>, tensor<5x8xf32>, tensor<8x96x64xf32>, tensor<8x96x64xf32>,
            tensor<8x64x96xf32>) -> tensor<5x64xf32>
  return
}

// -----

func.func @moe_result_shape(%x: tensor<5x64xf32>, %l: tensor<5x8xf32>, %wg: tensor<8x96x64xf32>,
                            %wu: tensor<8x96x64xf32>, %wd: tensor<8x64x96xf32>) {
  // expected-error @+1 {{'result' shape [5, 96] must equal '[T, H]' shape [5, 64]}}
  %y = lowbit.moe %x, %l gate(%wg) up(%wu) down(%wd)
         {top_k = 2 : i64, activation = #lowbit.activation<silu>}
         : (tensor<5x64xf32>, tensor<5x8xf32>, tensor<8x96x64xf32>, tensor<8x96x64xf32>,
            tensor<8x64x96xf32>) -> tensor<5x96xf32>
  return
}

// -----

func.func @moe_result_not_real(%x: tensor<5x64xf32>, %l: tensor<5x8xf32>, %wg: tensor<8x96x64xf32>,
                               %wu: tensor<8x96x64xf32>, %wd: tensor<8x64x96xf32>) {
  // expected-error @+1 {{'result' must have element type f32, f16 or bf16, got 'si8'}}
  %y = lowbit.moe %x, %l gate(%wg) up(%wu) down(%wd)
         {top_k = 2 : i64, activation = #lowbit.activation<silu>}
         : (tensor<5x64xf32>, tensor<5x8xf32>, tensor<8x96x64xf32>, tensor<8x96x64xf32>,
            tensor<8x64x96xf32>) -> tensor<5x64xsi8>
  return
}

// -----

// expected-error @+1 {{'lowbit.prepack' on argument #0 needs a statically shaped tensor of a low-bit element type, not 'tensor<16x64xf32>'}}
func.func @prepack_not_lowbit(%w: tensor<16x64xf32> {lowbit.prepack}) {
  return
}

// -----

// expected-error @+1 {{'lowbit.prepack' on argument #0 needs a statically shaped tensor of a low-bit element type, not 'tensor<?x64xui4>'}}
func.func @prepack_dynamic(%w: tensor<?x64xui4> {lowbit.prepack}) {
  return
}

// -----

// expected-error @+1 {{'lowbit.prepack' on argument #0 takes no value (a unit attribute)}}
func.func @prepack_value(%w: tensor<16x64xui4> {lowbit.prepack = 1 : i64}) {
  return
}

// -----

// expected-error @+1 {{unknown argument attribute 'lowbit.prepacked'}}
func.func @prepack_misspelled(%w: tensor<16x64xui4> {lowbit.prepacked}) {
  return
}

// -----

func.func @quantize_activations_int(%a: tensor<4x32xsi8>, %w: tensor<8x32xui4>, %s: tensor<8xf32>,
                                    %as: tensor<4xf32>) -> tensor<4x8xf32> {
  // expected-error @+1 {{'quantize_activations' needs f32, f16 or bf16 activations of rank 2 without 'act_scheme', got 'tensor<4x32xsi8>' with 'act_scheme'}}
  %y = lowbit.mpgemm %a, %w scale(%s) act_scale(%as)
         {quantize_activations, weight_scheme = #lowbit.scheme<per_channel(axis = 0), scale = f32>,
          act_scheme = #lowbit.scheme<per_channel(axis = 0), scale = f32>}
         : (tensor<4x32xsi8>, tensor<8x32xui4>, tensor<8xf32>, tensor<4xf32>) -> tensor<4x8xf32>
  return %y : tensor<4x8xf32>
}

// -----

func.func @quantize_activations_rank(%a: tensor<2x4x32xf32>, %w: tensor<8x32xui4>,
                                     %s: tensor<8xf32>) -> tensor<2x4x8xf32> {
  // expected-error @+1 {{'quantize_activations' needs f32, f16 or bf16 activations of rank 2 without 'act_scheme', got 'tensor<2x4x32xf32>'}}
  %y = lowbit.mpgemm %a, %w scale(%s)
         {quantize_activations, weight_scheme = #lowbit.scheme<per_channel(axis = 0), scale = f32>}
         : (tensor<2x4x32xf32>, tensor<8x32xui4>, tensor<8xf32>) -> tensor<2x4x8xf32>
  return %y : tensor<2x4x8xf32>
}

// -----

func.func @moe_up_scale_without_up(%x: tensor<5x64xf32>, %l: tensor<5x8xf32>,
    %wg: tensor<8x96x64xf32>, %wd: tensor<8x64x96xf32>, %us: tensor<8x96x2xf16>) {
  // expected-error @+1 {{'up_scale', 'up_zero' and 'up_bias' need 'w_up'}}
  %y = lowbit.moe %x, %l gate(%wg) down(%wd) up_scale(%us)
         {top_k = 2 : i64, activation = #lowbit.activation<silu>}
         : (tensor<5x64xf32>, tensor<5x8xf32>, tensor<8x96x64xf32>, tensor<8x64x96xf32>,
            tensor<8x96x2xf16>) -> tensor<5x64xf32>
  return
}

// -----

func.func @moe_bias_shape(%x: tensor<5x64xf32>, %l: tensor<5x8xf32>,
    %wg: tensor<8x96x64xf32>, %wd: tensor<8x64x96xf32>, %bd: tensor<8x96xf32>) {
  // expected-error @+1 {{'down_bias' shape [8, 96] must equal '[E, H]' shape [8, 64]}}
  %y = lowbit.moe %x, %l gate(%wg) down(%wd) down_bias(%bd)
         {top_k = 2 : i64, activation = #lowbit.activation<silu>}
         : (tensor<5x64xf32>, tensor<5x8xf32>, tensor<8x96x64xf32>, tensor<8x64x96xf32>,
            tensor<8x96xf32>) -> tensor<5x64xf32>
  return
}

// -----

func.func @moe_alpha_not_silu(%x: tensor<5x64xf32>, %l: tensor<5x8xf32>,
    %wg: tensor<8x96x64xf32>, %wd: tensor<8x64x96xf32>) {
  // expected-error @+1 {{'activation_alpha' (the sigmoid's slope) needs the silu activation}}
  %y = lowbit.moe %x, %l gate(%wg) down(%wd)
         {top_k = 2 : i64, activation = #lowbit.activation<gelu>, activation_alpha = 1.702 : f32}
         : (tensor<5x64xf32>, tensor<5x8xf32>, tensor<8x96x64xf32>, tensor<8x64x96xf32>)
         -> tensor<5x64xf32>
  return
}

// -----

func.func @moe_limit_not_gated(%x: tensor<5x64xf32>, %l: tensor<5x8xf32>,
    %wg: tensor<8x96x64xf32>, %wd: tensor<8x64x96xf32>) {
  // expected-error @+1 {{'up_offset' and 'clamp_limit' need 'w_up' (a gated FFN)}}
  %y = lowbit.moe %x, %l gate(%wg) down(%wd)
         {top_k = 2 : i64, activation = #lowbit.activation<silu>, clamp_limit = 7.0 : f32}
         : (tensor<5x64xf32>, tensor<5x8xf32>, tensor<8x96x64xf32>, tensor<8x64x96xf32>)
         -> tensor<5x64xf32>
  return
}

// -----

func.func @moe_limit_negative(%x: tensor<5x64xf32>, %l: tensor<5x8xf32>,
    %wg: tensor<8x96x64xf32>, %wu: tensor<8x96x64xf32>, %wd: tensor<8x64x96xf32>) {
  // expected-error @+1 {{'clamp_limit' must be positive, got -1}}
  %y = lowbit.moe %x, %l gate(%wg) up(%wu) down(%wd)
         {top_k = 2 : i64, activation = #lowbit.activation<silu>, clamp_limit = -1.0 : f32}
         : (tensor<5x64xf32>, tensor<5x8xf32>, tensor<8x96x64xf32>, tensor<8x96x64xf32>,
            tensor<8x64x96xf32>) -> tensor<5x64xf32>
  return
}

// -----

func.func @attention_residual_alone(%q: tensor<1x4x1x16xf32>, %k: tensor<1x2x8x16xf32>,
                                    %v: tensor<1x2x8x16xf32>, %kr: tensor<1x2x3x16xf32>)
    -> tensor<1x4x1x16xf32> {
  // expected-error @+1 {{'k_residual' and 'v_residual' go together}}
  %o = lowbit.attention %q, %k, %v k_residual(%kr)
         : (tensor<1x4x1x16xf32>, tensor<1x2x8x16xf32>, tensor<1x2x8x16xf32>,
            tensor<1x2x3x16xf32>) -> tensor<1x4x1x16xf32>
  return %o : tensor<1x4x1x16xf32>
}

// -----

func.func @attention_residual_type(%q: tensor<1x4x1x16xf32>, %k: tensor<1x2x8x16xf32>,
                                   %v: tensor<1x2x8x16xf32>, %kr: tensor<1x2x3x16xsi8>,
                                   %vr: tensor<1x2x3x16xf32>) -> tensor<1x4x1x16xf32> {
  // expected-error @+1 {{'k_residual'}}
  %o = lowbit.attention %q, %k, %v k_residual(%kr) v_residual(%vr)
         : (tensor<1x4x1x16xf32>, tensor<1x2x8x16xf32>, tensor<1x2x8x16xf32>,
            tensor<1x2x3x16xsi8>, tensor<1x2x3x16xf32>) -> tensor<1x4x1x16xf32>
  return %o : tensor<1x4x1x16xf32>
}

// -----

func.func @attention_residual_tokens(%q: tensor<1x4x1x16xf32>, %k: tensor<1x2x8x16xf32>,
                                     %v: tensor<1x2x8x8xf32>, %kr: tensor<1x2x3x16xf32>,
                                     %vr: tensor<1x2x4x8xf32>) -> tensor<1x4x1x8xf32> {
  // expected-error @+1 {{'v_residual' shape [1, 2, 4, 8] must equal '[B, Hkv, Sr, Dv] from q, v and k_residual' shape [1, 2, 3, 8]}}
  %o = lowbit.attention %q, %k, %v k_residual(%kr) v_residual(%vr)
         : (tensor<1x4x1x16xf32>, tensor<1x2x8x16xf32>, tensor<1x2x8x8xf32>,
            tensor<1x2x3x16xf32>, tensor<1x2x4x8xf32>) -> tensor<1x4x1x8xf32>
  return %o : tensor<1x4x1x8xf32>
}

// -----

// The mask covers the cache's and the residual window's keys: 8 + 3.
func.func @attention_residual_mask(%q: tensor<1x4x1x16xf32>, %k: tensor<1x2x8x16xf32>,
                                   %v: tensor<1x2x8x16xf32>, %kr: tensor<1x2x3x16xf32>,
                                   %vr: tensor<1x2x3x16xf32>, %m: tensor<1x1x1x8xf32>)
    -> tensor<1x4x1x16xf32> {
  // expected-error @+1 {{'mask' shape [1, 1, 1, 8] must broadcast to the scores' shape [1, 4, 1, 11]}}
  %o = lowbit.attention %q, %k, %v k_residual(%kr) v_residual(%vr) mask(%m)
         : (tensor<1x4x1x16xf32>, tensor<1x2x8x16xf32>, tensor<1x2x8x16xf32>,
            tensor<1x2x3x16xf32>, tensor<1x2x3x16xf32>, tensor<1x1x1x8xf32>)
         -> tensor<1x4x1x16xf32>
  return %o : tensor<1x4x1x16xf32>
}

// -----

func.func @attention_window(%q: tensor<1x4x1x16xf32>, %k: tensor<1x2x8x16xf32>,
                            %v: tensor<1x2x8x16xf32>) -> tensor<1x4x1x16xf32> {
  // expected-error @+1 {{'window' must be at least 1, got 0}}
  %o = lowbit.attention %q, %k, %v {causal, window = 0 : i64}
         : (tensor<1x4x1x16xf32>, tensor<1x2x8x16xf32>, tensor<1x2x8x16xf32>)
         -> tensor<1x4x1x16xf32>
  return %o : tensor<1x4x1x16xf32>
}
