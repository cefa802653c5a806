// RUN: lowbit-opt %s | lowbit-opt | FileCheck %s
// RUN: lowbit-opt %s --mlir-print-op-generic | lowbit-opt | FileCheck %s

// Round trip of every lowbit type, attribute form and op, with and without each optional
// operand. Both RUN lines end in the custom form, so they share one set of CHECK lines.

//===----------------------------------------------------------------------===//
// Element types
//===----------------------------------------------------------------------===//

// CHECK-LABEL: func @integer_codes(
// CHECK-SAME: tensor<8xsi1>, {{.*}}: tensor<8xsi2>, {{.*}}: tensor<8xsi3>, {{.*}}: tensor<8xsi4>,
// CHECK-SAME: tensor<8xsi5>, {{.*}}: tensor<8xsi8>, {{.*}}: tensor<8xui1>, {{.*}}: tensor<8xui2>,
// CHECK-SAME: tensor<8xui3>, {{.*}}: tensor<8xui4>, {{.*}}: tensor<8xui6>, {{.*}}: tensor<8xui7>,
// CHECK-SAME: tensor<8xui8>)
func.func @integer_codes(%a: tensor<8xsi1>, %b: tensor<8xsi2>, %c: tensor<8xsi3>,
                         %d: tensor<8xsi4>, %e: tensor<8xsi5>, %f: tensor<8xsi8>,
                         %g: tensor<8xui1>, %h: tensor<8xui2>, %i: tensor<8xui3>,
                         %j: tensor<8xui4>, %k: tensor<8xui6>, %l: tensor<8xui7>,
                         %m: tensor<8xui8>) {
  return
}

// CHECK-LABEL: func @builtin_float_codes(
// CHECK-SAME: tensor<8xf4E2M1FN>, {{.*}}: tensor<8xf6E2M3FN>, {{.*}}: tensor<8xf6E3M2FN>,
// CHECK-SAME: tensor<8xf8E4M3FN>, {{.*}}: tensor<8xf8E5M2>, {{.*}}: tensor<8xf8E8M0FNU>)
func.func @builtin_float_codes(%a: tensor<8xf4E2M1FN>, %b: tensor<8xf6E2M3FN>,
                               %c: tensor<8xf6E3M2FN>, %d: tensor<8xf8E4M3FN>,
                               %e: tensor<8xf8E5M2>, %f: tensor<8xf8E8M0FNU>) {
  return
}

// The default bias is not printed (bias = 3 is e3m4's default); options print as "inf, nan".
// CHECK-LABEL: func @lowbit_float_codes(
// CHECK-SAME: tensor<8x!lowbit.float<e3m4>>,
// CHECK-SAME: tensor<8x!lowbit.float<e3m4>>,
// CHECK-SAME: tensor<8x!lowbit.float<e2m2>>,
// CHECK-SAME: tensor<8x!lowbit.float<e1m1>>,
// CHECK-SAME: tensor<8x!lowbit.float<e7m0>>,
// CHECK-SAME: tensor<8x!lowbit.float<e3m2, bias = 5>>,
// CHECK-SAME: tensor<8x!lowbit.float<e3m2, bias = -2>>,
// CHECK-SAME: tensor<8x!lowbit.float<e4m3, bias = 9, nan>>,
// CHECK-SAME: tensor<8x!lowbit.float<e2m3, nan>>,
// CHECK-SAME: tensor<8x!lowbit.float<e4m2, inf, nan>>,
// CHECK-SAME: tensor<8x!lowbit.float<e5m2, bias = 20, inf, nan>>,
// CHECK-SAME: tensor<8x!lowbit.float<e2m1, inf, nan>>)
func.func @lowbit_float_codes(%a: tensor<8x!lowbit.float<e3m4>>,
                              %b: tensor<8x!lowbit.float<e3m4, bias = 3>>,
                              %c: tensor<8x!lowbit.float<e2m2>>,
                              %d: tensor<8x!lowbit.float<e1m1>>,
                              %e: tensor<8x!lowbit.float<e7m0>>,
                              %f: tensor<8x!lowbit.float<e3m2, bias = 5>>,
                              %g: tensor<8x!lowbit.float<e3m2, bias = -2>>,
                              %h: tensor<8x!lowbit.float<e4m3, bias = 9, nan>>,
                              %i: tensor<8x!lowbit.float<e2m3, nan>>,
                              %j: tensor<8x!lowbit.float<e4m2, nan, inf>>,
                              %k: tensor<8x!lowbit.float<e5m2, bias = 20, inf, nan>>,
                              %l: tensor<8x!lowbit.float<e2m1, inf, nan>>) {
  return
}

// CHECK-LABEL: func @ternary_codes(
// CHECK-SAME: tensor<8x!lowbit.ternary>, {{.*}}: tensor<?x3x!lowbit.ternary>)
func.func @ternary_codes(%a: tensor<8x!lowbit.ternary>, %b: tensor<?x3x!lowbit.ternary>) {
  return
}

//===----------------------------------------------------------------------===//
// Attributes
//===----------------------------------------------------------------------===//

// Every scheme form and every gate activation, as discardable attributes. Inline codebook
// values print as exact f32 literals: 12345678.0 has no exact short decimal form, so it prints
// in hexadecimal and must read back as the same f32.
// CHECK-LABEL: func @attributes(
// CHECK-SAME: act_gelu = #lowbit.activation<gelu>
// CHECK-SAME: act_gelu_tanh = #lowbit.activation<gelu_tanh>
// CHECK-SAME: act_silu = #lowbit.activation<silu>
// CHECK-SAME: block = #lowbit.scheme<block(32, 16), scale = f32>
// CHECK-SAME: block_zero_float = #lowbit.scheme<block(1, 128), scale = bf16, zero = float>
// CHECK-SAME: codebook_inline = #lowbit.scheme<per_tensor, scale = f32, codebook = [-1.000000e+00, -0.000000e+00, 5.000000e-01, 1.000000e-01]>
// CHECK-SAME: codebook_inline_exact = #lowbit.scheme<per_tensor, scale = f32, codebook = [0x4B3C614E, 1.000000e+00]>
// CHECK-SAME: codebook_nf4 = #lowbit.scheme<group(axis = 1, size = 64), scale = bf16, codebook = nf4>
// CHECK-SAME: codebook_operand = #lowbit.scheme<per_channel(axis = 0), scale = f16, codebook = operand>
// CHECK-SAME: group_zero_int = #lowbit.scheme<group(axis = 1, size = 128), scale = f16, zero = int>
// CHECK-SAME: mxfp4 = #lowbit.scheme<group(axis = 1, size = 32), scale = f8E8M0FNU>
// CHECK-SAME: nvfp4 = #lowbit.scheme<group(axis = 1, size = 16), scale = f8E4M3FN, tensor_scale>
// CHECK-SAME: per_channel = #lowbit.scheme<per_channel(axis = 3), scale = f16>
// CHECK-SAME: per_tensor = #lowbit.scheme<per_tensor, scale = f32>
// CHECK-SAME: tensor_scale_codebook = #lowbit.scheme<group(axis = 0, size = 8), scale = f32, tensor_scale, codebook = operand>
// CHECK-SAME: zero_int_tensor_scale = #lowbit.scheme<per_tensor, scale = bf16, zero = int, tensor_scale>
func.func @attributes() attributes {
  act_gelu = #lowbit.activation<gelu>,
  act_gelu_tanh = #lowbit.activation<gelu_tanh>,
  act_silu = #lowbit.activation<silu>,
  block = #lowbit.scheme<block(32, 16), scale = f32>,
  block_zero_float = #lowbit.scheme<block(1, 128), scale = bf16, zero = float>,
  codebook_inline = #lowbit.scheme<per_tensor, scale = f32, codebook = [-1.0, -0.0, 0.5, 0.1]>,
  codebook_inline_exact = #lowbit.scheme<per_tensor, scale = f32, codebook = [12345678.0, 1.0]>,
  codebook_nf4 = #lowbit.scheme<group(axis = 1, size = 64), scale = bf16, codebook = nf4>,
  codebook_operand = #lowbit.scheme<per_channel(axis = 0), scale = f16, codebook = operand>,
  group_zero_int = #lowbit.scheme<group(axis = 1, size = 128), scale = f16, zero = int>,
  mxfp4 = #lowbit.scheme<group(axis = 1, size = 32), scale = f8E8M0FNU>,
  nvfp4 = #lowbit.scheme<group(axis = 1, size = 16), scale = f8E4M3FN, tensor_scale>,
  per_channel = #lowbit.scheme<per_channel(axis = 3), scale = f16>,
  per_tensor = #lowbit.scheme<per_tensor, scale = f32>,
  // Fields after the granularity may come in any order; they print in a fixed order.
  tensor_scale_codebook = #lowbit.scheme<group(axis = 0, size = 8), codebook = operand, tensor_scale, scale = f32>,
  zero_int_tensor_scale = #lowbit.scheme<per_tensor, tensor_scale, zero = int, scale = bf16>
} {
  return
}

//===----------------------------------------------------------------------===//
// lowbit.quantize
//===----------------------------------------------------------------------===//

// CHECK-LABEL: func @quantize_per_tensor(
// CHECK-SAME: [[X:%[^:]+]]: tensor<16x64xf32>, [[S:%[^:]+]]: tensor<f32>)
// CHECK: [[Q:%.+]] = lowbit.quantize [[X]] scale([[S]])
// CHECK-SAME: {scheme = #lowbit.scheme<per_tensor, scale = f32>}
// CHECK-SAME: : (tensor<16x64xf32>, tensor<f32>) -> tensor<16x64xsi8>
// CHECK: return [[Q]]
func.func @quantize_per_tensor(%x: tensor<16x64xf32>, %s: tensor<f32>) -> tensor<16x64xsi8> {
  %q = lowbit.quantize %x scale(%s) {scheme = #lowbit.scheme<per_tensor, scale = f32>}
         : (tensor<16x64xf32>, tensor<f32>) -> tensor<16x64xsi8>
  return %q : tensor<16x64xsi8>
}

// CHECK-LABEL: func @quantize_per_channel_zero_int(
// CHECK-SAME: [[X:%[^:]+]]: tensor<16x64xf16>, [[S:%[^:]+]]: tensor<16xf16>, [[Z:%[^:]+]]: tensor<16xui4>)
// CHECK: [[Q:%.+]] = lowbit.quantize [[X]] scale([[S]]) zero([[Z]])
// CHECK-SAME: {scheme = #lowbit.scheme<per_channel(axis = 0), scale = f16, zero = int>}
// CHECK-SAME: : (tensor<16x64xf16>, tensor<16xf16>, tensor<16xui4>) -> tensor<16x64xui4>
// CHECK: return [[Q]]
func.func @quantize_per_channel_zero_int(%x: tensor<16x64xf16>, %s: tensor<16xf16>,
                                         %z: tensor<16xui4>) -> tensor<16x64xui4> {
  %q = lowbit.quantize %x scale(%s) zero(%z)
         {scheme = #lowbit.scheme<per_channel(axis = 0), scale = f16, zero = int>}
         : (tensor<16x64xf16>, tensor<16xf16>, tensor<16xui4>) -> tensor<16x64xui4>
  return %q : tensor<16x64xui4>
}

// Groups of 32 along K = 100: ceil(100 / 32) = 4 scales per row; dynamic rows.
// CHECK-LABEL: func @quantize_group_zero_float(
// CHECK-SAME: [[X:%[^:]+]]: tensor<?x100xbf16>, [[S:%[^:]+]]: tensor<?x4xbf16>, [[Z:%[^:]+]]: tensor<?x4xbf16>)
// CHECK: [[Q:%.+]] = lowbit.quantize [[X]] scale([[S]]) zero([[Z]])
// CHECK-SAME: {scheme = #lowbit.scheme<group(axis = 1, size = 32), scale = bf16, zero = float>}
// CHECK-SAME: : (tensor<?x100xbf16>, tensor<?x4xbf16>, tensor<?x4xbf16>) -> tensor<?x100xui3>
// CHECK: return [[Q]]
func.func @quantize_group_zero_float(%x: tensor<?x100xbf16>, %s: tensor<?x4xbf16>,
                                     %z: tensor<?x4xbf16>) -> tensor<?x100xui3> {
  %q = lowbit.quantize %x scale(%s) zero(%z)
         {scheme = #lowbit.scheme<group(axis = 1, size = 32), scale = bf16, zero = float>}
         : (tensor<?x100xbf16>, tensor<?x4xbf16>, tensor<?x4xbf16>) -> tensor<?x100xui3>
  return %q : tensor<?x100xui3>
}

// Groups along axis 0 of a rank-3 tensor.
// CHECK-LABEL: func @quantize_group_axis0(
// CHECK: lowbit.quantize {{.*}} {scheme = #lowbit.scheme<group(axis = 0, size = 4), scale = f32>}
// CHECK-SAME: : (tensor<10x3x8xf32>, tensor<3x3x8xf32>) -> tensor<10x3x8xsi5>
func.func @quantize_group_axis0(%x: tensor<10x3x8xf32>, %s: tensor<3x3x8xf32>)
    -> tensor<10x3x8xsi5> {
  %q = lowbit.quantize %x scale(%s)
         {scheme = #lowbit.scheme<group(axis = 0, size = 4), scale = f32>}
         : (tensor<10x3x8xf32>, tensor<3x3x8xf32>) -> tensor<10x3x8xsi5>
  return %q : tensor<10x3x8xsi5>
}

// A group or block larger than its axis is one group (the scale extent is 1, not 0, even for
// the largest size).
// CHECK-LABEL: func @quantize_huge_groups(
// CHECK: lowbit.quantize {{.*}} {scheme = #lowbit.scheme<group(axis = 1, size = 9223372036854775807), scale = f32>}
// CHECK-SAME: : (tensor<4x64xf32>, tensor<4x1xf32>) -> tensor<4x64xsi8>
// CHECK: lowbit.quantize {{.*}} {scheme = #lowbit.scheme<block(9223372036854775807, 128), scale = f32>}
// CHECK-SAME: : (tensor<4x64xf32>, tensor<1x1xf32>) -> tensor<4x64xsi8>
func.func @quantize_huge_groups(%x: tensor<4x64xf32>, %s: tensor<4x1xf32>, %t: tensor<1x1xf32>) {
  %0 = lowbit.quantize %x scale(%s)
         {scheme = #lowbit.scheme<group(axis = 1, size = 9223372036854775807), scale = f32>}
         : (tensor<4x64xf32>, tensor<4x1xf32>) -> tensor<4x64xsi8>
  %1 = lowbit.quantize %x scale(%t)
         {scheme = #lowbit.scheme<block(9223372036854775807, 128), scale = f32>}
         : (tensor<4x64xf32>, tensor<1x1xf32>) -> tensor<4x64xsi8>
  return
}

// Blocks over the two innermost axes: [2, 100, 70] with block(32, 32) -> [2, 4, 3].
// CHECK-LABEL: func @quantize_block_zero_float(
// CHECK-SAME: [[X:%[^:]+]]: tensor<2x100x70xf32>, [[S:%[^:]+]]: tensor<2x4x3xf32>, [[Z:%[^:]+]]: tensor<2x4x3xf32>)
// CHECK: [[Q:%.+]] = lowbit.quantize [[X]] scale([[S]]) zero([[Z]])
// CHECK-SAME: {scheme = #lowbit.scheme<block(32, 32), scale = f32, zero = float>}
// CHECK-SAME: : (tensor<2x100x70xf32>, tensor<2x4x3xf32>, tensor<2x4x3xf32>) -> tensor<2x100x70xsi4>
func.func @quantize_block_zero_float(%x: tensor<2x100x70xf32>, %s: tensor<2x4x3xf32>,
                                     %z: tensor<2x4x3xf32>) -> tensor<2x100x70xsi4> {
  %q = lowbit.quantize %x scale(%s) zero(%z)
         {scheme = #lowbit.scheme<block(32, 32), scale = f32, zero = float>}
         : (tensor<2x100x70xf32>, tensor<2x4x3xf32>, tensor<2x4x3xf32>) -> tensor<2x100x70xsi4>
  return %q : tensor<2x100x70xsi4>
}

// MXFP4: e2m1 codes, one power-of-two scale per 32 elements.
// CHECK-LABEL: func @quantize_mxfp4(
// CHECK: lowbit.quantize {{.*}} {scheme = #lowbit.scheme<group(axis = 1, size = 32), scale = f8E8M0FNU>}
// CHECK-SAME: : (tensor<16x64xf32>, tensor<16x2xf8E8M0FNU>) -> tensor<16x64xf4E2M1FN>
func.func @quantize_mxfp4(%x: tensor<16x64xf32>, %s: tensor<16x2xf8E8M0FNU>)
    -> tensor<16x64xf4E2M1FN> {
  %q = lowbit.quantize %x scale(%s)
         {scheme = #lowbit.scheme<group(axis = 1, size = 32), scale = f8E8M0FNU>}
         : (tensor<16x64xf32>, tensor<16x2xf8E8M0FNU>) -> tensor<16x64xf4E2M1FN>
  return %q : tensor<16x64xf4E2M1FN>
}

// NVFP4: e4m3 scales per 16 elements and a second-level f32 tensor scale.
// CHECK-LABEL: func @quantize_nvfp4(
// CHECK-SAME: [[X:%[^:]+]]: tensor<16x64xf32>, [[S:%[^:]+]]: tensor<16x4xf8E4M3FN>, [[T:%[^:]+]]: tensor<f32>)
// CHECK: [[Q:%.+]] = lowbit.quantize [[X]] scale([[S]]) tensor_scale([[T]])
// CHECK-SAME: {scheme = #lowbit.scheme<group(axis = 1, size = 16), scale = f8E4M3FN, tensor_scale>}
// CHECK-SAME: : (tensor<16x64xf32>, tensor<16x4xf8E4M3FN>, tensor<f32>) -> tensor<16x64xf4E2M1FN>
func.func @quantize_nvfp4(%x: tensor<16x64xf32>, %s: tensor<16x4xf8E4M3FN>, %t: tensor<f32>)
    -> tensor<16x64xf4E2M1FN> {
  %q = lowbit.quantize %x scale(%s) tensor_scale(%t)
         {scheme = #lowbit.scheme<group(axis = 1, size = 16), scale = f8E4M3FN, tensor_scale>}
         : (tensor<16x64xf32>, tensor<16x4xf8E4M3FN>, tensor<f32>) -> tensor<16x64xf4E2M1FN>
  return %q : tensor<16x64xf4E2M1FN>
}

// Integer zero points together with a tensor scale.
// CHECK-LABEL: func @quantize_zero_and_tensor_scale(
// CHECK-SAME: [[X:%[^:]+]]: tensor<4x8xf32>, [[S:%[^:]+]]: tensor<bf16>, [[Z:%[^:]+]]: tensor<ui8>, [[T:%[^:]+]]: tensor<f32>)
// CHECK: lowbit.quantize [[X]] scale([[S]]) zero([[Z]]) tensor_scale([[T]])
// CHECK-SAME: {scheme = #lowbit.scheme<per_tensor, scale = bf16, zero = int, tensor_scale>}
// CHECK-SAME: : (tensor<4x8xf32>, tensor<bf16>, tensor<ui8>, tensor<f32>) -> tensor<4x8xui8>
func.func @quantize_zero_and_tensor_scale(%x: tensor<4x8xf32>, %s: tensor<bf16>, %z: tensor<ui8>,
                                          %t: tensor<f32>) -> tensor<4x8xui8> {
  %q = lowbit.quantize %x scale(%s) zero(%z) tensor_scale(%t)
         {scheme = #lowbit.scheme<per_tensor, scale = bf16, zero = int, tensor_scale>}
         : (tensor<4x8xf32>, tensor<bf16>, tensor<ui8>, tensor<f32>) -> tensor<4x8xui8>
  return %q : tensor<4x8xui8>
}

// Every float code type as a quantize result.
// CHECK-LABEL: func @quantize_float_codes(
// CHECK: lowbit.quantize {{.*}} -> tensor<8x32xf6E2M3FN>
// CHECK: lowbit.quantize {{.*}} -> tensor<8x32xf6E3M2FN>
// CHECK: lowbit.quantize {{.*}} -> tensor<8x32xf8E4M3FN>
// CHECK: lowbit.quantize {{.*}} -> tensor<8x32xf8E5M2>
// CHECK: lowbit.quantize {{.*}} -> tensor<8x32xf8E8M0FNU>
// CHECK: lowbit.quantize {{.*}} -> tensor<8x32x!lowbit.float<e3m4>>
// CHECK: lowbit.quantize {{.*}} -> tensor<8x32x!lowbit.float<e4m3, bias = 9, nan>>
// CHECK: lowbit.quantize {{.*}} -> tensor<8x32x!lowbit.float<e4m2, inf, nan>>
// CHECK: lowbit.quantize {{.*}} -> tensor<8x32x!lowbit.ternary>
func.func @quantize_float_codes(%x: tensor<8x32xf32>, %s: tensor<8xf32>) {
  %0 = lowbit.quantize %x scale(%s) {scheme = #lowbit.scheme<per_channel(axis = 0), scale = f32>}
         : (tensor<8x32xf32>, tensor<8xf32>) -> tensor<8x32xf6E2M3FN>
  %1 = lowbit.quantize %x scale(%s) {scheme = #lowbit.scheme<per_channel(axis = 0), scale = f32>}
         : (tensor<8x32xf32>, tensor<8xf32>) -> tensor<8x32xf6E3M2FN>
  %2 = lowbit.quantize %x scale(%s) {scheme = #lowbit.scheme<per_channel(axis = 0), scale = f32>}
         : (tensor<8x32xf32>, tensor<8xf32>) -> tensor<8x32xf8E4M3FN>
  %3 = lowbit.quantize %x scale(%s) {scheme = #lowbit.scheme<per_channel(axis = 0), scale = f32>}
         : (tensor<8x32xf32>, tensor<8xf32>) -> tensor<8x32xf8E5M2>
  %4 = lowbit.quantize %x scale(%s) {scheme = #lowbit.scheme<per_channel(axis = 0), scale = f32>}
         : (tensor<8x32xf32>, tensor<8xf32>) -> tensor<8x32xf8E8M0FNU>
  %5 = lowbit.quantize %x scale(%s) {scheme = #lowbit.scheme<per_channel(axis = 0), scale = f32>}
         : (tensor<8x32xf32>, tensor<8xf32>) -> tensor<8x32x!lowbit.float<e3m4>>
  %6 = lowbit.quantize %x scale(%s) {scheme = #lowbit.scheme<per_channel(axis = 0), scale = f32>}
         : (tensor<8x32xf32>, tensor<8xf32>) -> tensor<8x32x!lowbit.float<e4m3, bias = 9, nan>>
  %7 = lowbit.quantize %x scale(%s) {scheme = #lowbit.scheme<per_channel(axis = 0), scale = f32>}
         : (tensor<8x32xf32>, tensor<8xf32>) -> tensor<8x32x!lowbit.float<e4m2, inf, nan>>
  %8 = lowbit.quantize %x scale(%s) {scheme = #lowbit.scheme<per_channel(axis = 0), scale = f32>}
         : (tensor<8x32xf32>, tensor<8xf32>) -> tensor<8x32x!lowbit.ternary>
  return
}

// CHECK-LABEL: func @quantize_codebook_nf4(
// CHECK: lowbit.quantize {{.*}} {scheme = #lowbit.scheme<group(axis = 1, size = 64), scale = bf16, codebook = nf4>}
// CHECK-SAME: : (tensor<4x128xbf16>, tensor<4x2xbf16>) -> tensor<4x128xui4>
func.func @quantize_codebook_nf4(%x: tensor<4x128xbf16>, %s: tensor<4x2xbf16>)
    -> tensor<4x128xui4> {
  %q = lowbit.quantize %x scale(%s)
         {scheme = #lowbit.scheme<group(axis = 1, size = 64), scale = bf16, codebook = nf4>}
         : (tensor<4x128xbf16>, tensor<4x2xbf16>) -> tensor<4x128xui4>
  return %q : tensor<4x128xui4>
}

// Inline codebooks of 2 (ui1) and 4 (ui2) entries.
// CHECK-LABEL: func @quantize_codebook_inline(
// CHECK: lowbit.quantize {{.*}} {scheme = #lowbit.scheme<per_tensor, scale = f32, codebook = [-1.000000e+00, 1.000000e+00]>}
// CHECK-SAME: -> tensor<4x8xui1>
// CHECK: lowbit.quantize {{.*}} {scheme = #lowbit.scheme<per_tensor, scale = f32, codebook = [-1.500000e+00, -5.000000e-01, 5.000000e-01, 1.500000e+00]>}
// CHECK-SAME: -> tensor<4x8xui2>
func.func @quantize_codebook_inline(%x: tensor<4x8xf32>, %s: tensor<f32>) {
  %0 = lowbit.quantize %x scale(%s)
         {scheme = #lowbit.scheme<per_tensor, scale = f32, codebook = [-1.0, 1.0]>}
         : (tensor<4x8xf32>, tensor<f32>) -> tensor<4x8xui1>
  %1 = lowbit.quantize %x scale(%s)
         {scheme = #lowbit.scheme<per_tensor, scale = f32, codebook = [-1.5, -0.5, 0.5, 1.5]>}
         : (tensor<4x8xf32>, tensor<f32>) -> tensor<4x8xui2>
  return
}

// A codebook operand (2^3 entries for ui3) with a tensor scale: every optional operand that a
// codebook scheme allows.
// CHECK-LABEL: func @quantize_codebook_operand(
// CHECK-SAME: [[X:%[^:]+]]: tensor<4x32xf32>, [[S:%[^:]+]]: tensor<4x4xf32>, [[T:%[^:]+]]: tensor<f32>, [[C:%[^:]+]]: tensor<8xf16>)
// CHECK: [[Q:%.+]] = lowbit.quantize [[X]] scale([[S]]) tensor_scale([[T]]) codebook([[C]])
// CHECK-SAME: {scheme = #lowbit.scheme<group(axis = 1, size = 8), scale = f32, tensor_scale, codebook = operand>}
// CHECK-SAME: : (tensor<4x32xf32>, tensor<4x4xf32>, tensor<f32>, tensor<8xf16>) -> tensor<4x32xui3>
// CHECK: return [[Q]]
func.func @quantize_codebook_operand(%x: tensor<4x32xf32>, %s: tensor<4x4xf32>, %t: tensor<f32>,
                                     %c: tensor<8xf16>) -> tensor<4x32xui3> {
  %q = lowbit.quantize %x scale(%s) tensor_scale(%t) codebook(%c)
         {scheme = #lowbit.scheme<group(axis = 1, size = 8), scale = f32, tensor_scale,
                                  codebook = operand>}
         : (tensor<4x32xf32>, tensor<4x4xf32>, tensor<f32>, tensor<8xf16>) -> tensor<4x32xui3>
  return %q : tensor<4x32xui3>
}

//===----------------------------------------------------------------------===//
// lowbit.dequantize
//===----------------------------------------------------------------------===//

// CHECK-LABEL: func @dequantize_mxfp4(
// CHECK-SAME: [[Q:%[^:]+]]: tensor<16x64xf4E2M1FN>, [[S:%[^:]+]]: tensor<16x2xf8E8M0FNU>)
// CHECK: [[R:%.+]] = lowbit.dequantize [[Q]] scale([[S]])
// CHECK-SAME: {scheme = #lowbit.scheme<group(axis = 1, size = 32), scale = f8E8M0FNU>}
// CHECK-SAME: : (tensor<16x64xf4E2M1FN>, tensor<16x2xf8E8M0FNU>) -> tensor<16x64xf32>
// CHECK: return [[R]]
func.func @dequantize_mxfp4(%q: tensor<16x64xf4E2M1FN>, %s: tensor<16x2xf8E8M0FNU>)
    -> tensor<16x64xf32> {
  %r = lowbit.dequantize %q scale(%s)
         {scheme = #lowbit.scheme<group(axis = 1, size = 32), scale = f8E8M0FNU>}
         : (tensor<16x64xf4E2M1FN>, tensor<16x2xf8E8M0FNU>) -> tensor<16x64xf32>
  return %r : tensor<16x64xf32>
}

// CHECK-LABEL: func @dequantize_zero_int_tensor_scale(
// CHECK-SAME: [[Q:%[^:]+]]: tensor<8x64xsi3>, [[S:%[^:]+]]: tensor<8x1xf16>, [[Z:%[^:]+]]: tensor<8x1xsi3>, [[T:%[^:]+]]: tensor<f32>)
// CHECK: lowbit.dequantize [[Q]] scale([[S]]) zero([[Z]]) tensor_scale([[T]])
// CHECK-SAME: {scheme = #lowbit.scheme<group(axis = 1, size = 64), scale = f16, zero = int, tensor_scale>}
// CHECK-SAME: : (tensor<8x64xsi3>, tensor<8x1xf16>, tensor<8x1xsi3>, tensor<f32>) -> tensor<8x64xf16>
func.func @dequantize_zero_int_tensor_scale(%q: tensor<8x64xsi3>, %s: tensor<8x1xf16>,
                                            %z: tensor<8x1xsi3>, %t: tensor<f32>)
    -> tensor<8x64xf16> {
  %r = lowbit.dequantize %q scale(%s) zero(%z) tensor_scale(%t)
         {scheme = #lowbit.scheme<group(axis = 1, size = 64), scale = f16, zero = int,
                                  tensor_scale>}
         : (tensor<8x64xsi3>, tensor<8x1xf16>, tensor<8x1xsi3>, tensor<f32>) -> tensor<8x64xf16>
  return %r : tensor<8x64xf16>
}

// Float zero points on float codes.
// CHECK-LABEL: func @dequantize_zero_float(
// CHECK: lowbit.dequantize {{.*}} {scheme = #lowbit.scheme<block(16, 16), scale = bf16, zero = float>}
// CHECK-SAME: : (tensor<32x32x!lowbit.float<e2m2>>, tensor<2x2xbf16>, tensor<2x2xbf16>) -> tensor<32x32xbf16>
func.func @dequantize_zero_float(%q: tensor<32x32x!lowbit.float<e2m2>>, %s: tensor<2x2xbf16>,
                                 %z: tensor<2x2xbf16>) -> tensor<32x32xbf16> {
  %r = lowbit.dequantize %q scale(%s) zero(%z)
         {scheme = #lowbit.scheme<block(16, 16), scale = bf16, zero = float>}
         : (tensor<32x32x!lowbit.float<e2m2>>, tensor<2x2xbf16>, tensor<2x2xbf16>)
         -> tensor<32x32xbf16>
  return %r : tensor<32x32xbf16>
}

// CHECK-LABEL: func @dequantize_ternary(
// CHECK: lowbit.dequantize {{.*}} {scheme = #lowbit.scheme<per_tensor, scale = f32>}
// CHECK-SAME: : (tensor<4x16x!lowbit.ternary>, tensor<f32>) -> tensor<4x16xf32>
func.func @dequantize_ternary(%q: tensor<4x16x!lowbit.ternary>, %s: tensor<f32>)
    -> tensor<4x16xf32> {
  %r = lowbit.dequantize %q scale(%s) {scheme = #lowbit.scheme<per_tensor, scale = f32>}
         : (tensor<4x16x!lowbit.ternary>, tensor<f32>) -> tensor<4x16xf32>
  return %r : tensor<4x16xf32>
}

// CHECK-LABEL: func @dequantize_codebook_operand(
// CHECK-SAME: [[Q:%[^:]+]]: tensor<4x16xui4>, [[S:%[^:]+]]: tensor<4xf16>, [[C:%[^:]+]]: tensor<16xbf16>)
// CHECK: lowbit.dequantize [[Q]] scale([[S]]) codebook([[C]])
// CHECK-SAME: {scheme = #lowbit.scheme<per_channel(axis = 0), scale = f16, codebook = operand>}
// CHECK-SAME: : (tensor<4x16xui4>, tensor<4xf16>, tensor<16xbf16>) -> tensor<4x16xf32>
func.func @dequantize_codebook_operand(%q: tensor<4x16xui4>, %s: tensor<4xf16>,
                                       %c: tensor<16xbf16>) -> tensor<4x16xf32> {
  %r = lowbit.dequantize %q scale(%s) codebook(%c)
         {scheme = #lowbit.scheme<per_channel(axis = 0), scale = f16, codebook = operand>}
         : (tensor<4x16xui4>, tensor<4xf16>, tensor<16xbf16>) -> tensor<4x16xf32>
  return %r : tensor<4x16xf32>
}

// CHECK-LABEL: func @dequantize_codebook_nf4(
// CHECK: lowbit.dequantize {{.*}} {scheme = #lowbit.scheme<group(axis = 1, size = 64), scale = bf16, tensor_scale, codebook = nf4>}
// CHECK-SAME: : (tensor<4x128xui4>, tensor<4x2xbf16>, tensor<f32>) -> tensor<4x128xbf16>
func.func @dequantize_codebook_nf4(%q: tensor<4x128xui4>, %s: tensor<4x2xbf16>, %t: tensor<f32>)
    -> tensor<4x128xbf16> {
  %r = lowbit.dequantize %q scale(%s) tensor_scale(%t)
         {scheme = #lowbit.scheme<group(axis = 1, size = 64), scale = bf16, tensor_scale,
                                  codebook = nf4>}
         : (tensor<4x128xui4>, tensor<4x2xbf16>, tensor<f32>) -> tensor<4x128xbf16>
  return %r : tensor<4x128xbf16>
}

//===----------------------------------------------------------------------===//
// lowbit.pack / lowbit.unpack
//===----------------------------------------------------------------------===//

// K = 7 4-bit codes: 28 bits -> 4 bytes per row.
// CHECK-LABEL: func @pack_unpack_ui4(
// CHECK-SAME: [[Q:%[^:]+]]: tensor<4x7xui4>)
// CHECK: [[B:%.+]] = lowbit.pack [[Q]] : tensor<4x7xui4> -> tensor<4x4xi8>
// CHECK: [[U:%.+]] = lowbit.unpack [[B]] : tensor<4x4xi8> -> tensor<4x7xui4>
// CHECK: return [[U]]
func.func @pack_unpack_ui4(%q: tensor<4x7xui4>) -> tensor<4x7xui4> {
  %b = lowbit.pack %q : tensor<4x7xui4> -> tensor<4x4xi8>
  %u = lowbit.unpack %b : tensor<4x4xi8> -> tensor<4x7xui4>
  return %u : tensor<4x7xui4>
}

// A rank-0 tensor packs into one byte.
// CHECK-LABEL: func @pack_rank0(
// CHECK: lowbit.pack {{.*}} : tensor<si3> -> tensor<1xi8>
// CHECK: lowbit.unpack {{.*}} : tensor<1xi8> -> tensor<ui8>
func.func @pack_rank0(%q: tensor<si3>, %b: tensor<1xi8>) -> (tensor<1xi8>, tensor<ui8>) {
  %p = lowbit.pack %q : tensor<si3> -> tensor<1xi8>
  %u = lowbit.unpack %b : tensor<1xi8> -> tensor<ui8>
  return %p, %u : tensor<1xi8>, tensor<ui8>
}

// Odd widths, rows padded to whole bytes: ceil(K * b / 8).
// CHECK-LABEL: func @pack_odd_widths(
// CHECK: lowbit.pack {{.*}} : tensor<2x7xsi3> -> tensor<2x3xi8>
// CHECK: lowbit.pack {{.*}} : tensor<5xui5> -> tensor<4xi8>
// CHECK: lowbit.pack {{.*}} : tensor<3x9xsi1> -> tensor<3x2xi8>
// CHECK: lowbit.pack {{.*}} : tensor<5x!lowbit.ternary> -> tensor<2xi8>
// CHECK: lowbit.pack {{.*}} : tensor<3x!lowbit.float<e2m2>> -> tensor<2xi8>
// CHECK: lowbit.pack {{.*}} : tensor<6x!lowbit.float<e3m3, nan>> -> tensor<6xi8>
// CHECK: lowbit.pack {{.*}} : tensor<4xf6E2M3FN> -> tensor<3xi8>
// CHECK: lowbit.pack {{.*}} : tensor<5xf4E2M1FN> -> tensor<3xi8>
// CHECK: lowbit.pack {{.*}} : tensor<3xf8E5M2> -> tensor<3xi8>
// CHECK: lowbit.pack {{.*}} : tensor<2x3x11xui7> -> tensor<2x3x10xi8>
func.func @pack_odd_widths(%a: tensor<2x7xsi3>, %b: tensor<5xui5>, %c: tensor<3x9xsi1>,
                           %d: tensor<5x!lowbit.ternary>, %e: tensor<3x!lowbit.float<e2m2>>,
                           %f: tensor<6x!lowbit.float<e3m3, nan>>, %g: tensor<4xf6E2M3FN>,
                           %h: tensor<5xf4E2M1FN>, %i: tensor<3xf8E5M2>,
                           %j: tensor<2x3x11xui7>) {
  %0 = lowbit.pack %a : tensor<2x7xsi3> -> tensor<2x3xi8>
  %1 = lowbit.pack %b : tensor<5xui5> -> tensor<4xi8>
  %2 = lowbit.pack %c : tensor<3x9xsi1> -> tensor<3x2xi8>
  %3 = lowbit.pack %d : tensor<5x!lowbit.ternary> -> tensor<2xi8>
  %4 = lowbit.pack %e : tensor<3x!lowbit.float<e2m2>> -> tensor<2xi8>
  %5 = lowbit.pack %f : tensor<6x!lowbit.float<e3m3, nan>> -> tensor<6xi8>
  %6 = lowbit.pack %g : tensor<4xf6E2M3FN> -> tensor<3xi8>
  %7 = lowbit.pack %h : tensor<5xf4E2M1FN> -> tensor<3xi8>
  %8 = lowbit.pack %i : tensor<3xf8E5M2> -> tensor<3xi8>
  %9 = lowbit.pack %j : tensor<2x3x11xui7> -> tensor<2x3x10xi8>
  return
}

// CHECK-LABEL: func @unpack_odd_widths(
// CHECK: lowbit.unpack {{.*}} : tensor<2x3xi8> -> tensor<2x7xsi3>
// CHECK: lowbit.unpack {{.*}} : tensor<4xi8> -> tensor<5xui5>
// CHECK: lowbit.unpack {{.*}} : tensor<2xi8> -> tensor<5x!lowbit.ternary>
// CHECK: lowbit.unpack {{.*}} : tensor<3xi8> -> tensor<4xf6E3M2FN>
// CHECK: lowbit.unpack {{.*}} : tensor<3xi8> -> tensor<3xf8E8M0FNU>
func.func @unpack_odd_widths(%a: tensor<2x3xi8>, %b: tensor<4xi8>, %c: tensor<2xi8>,
                             %d: tensor<3xi8>) {
  %0 = lowbit.unpack %a : tensor<2x3xi8> -> tensor<2x7xsi3>
  %1 = lowbit.unpack %b : tensor<4xi8> -> tensor<5xui5>
  %2 = lowbit.unpack %c : tensor<2xi8> -> tensor<5x!lowbit.ternary>
  %3 = lowbit.unpack %d : tensor<3xi8> -> tensor<4xf6E3M2FN>
  %4 = lowbit.unpack %d : tensor<3xi8> -> tensor<3xf8E8M0FNU>
  return
}

// Dynamic extents: a dynamic innermost extent packs to a dynamic byte count.
// CHECK-LABEL: func @pack_dynamic(
// CHECK: lowbit.pack {{.*}} : tensor<?x7xui4> -> tensor<?x4xi8>
// CHECK: lowbit.pack {{.*}} : tensor<3x?xsi2> -> tensor<3x?xi8>
// CHECK: lowbit.unpack {{.*}} : tensor<3x?xi8> -> tensor<3x?xsi2>
func.func @pack_dynamic(%a: tensor<?x7xui4>, %b: tensor<3x?xsi2>) {
  %0 = lowbit.pack %a : tensor<?x7xui4> -> tensor<?x4xi8>
  %1 = lowbit.pack %b : tensor<3x?xsi2> -> tensor<3x?xi8>
  %2 = lowbit.unpack %1 : tensor<3x?xi8> -> tensor<3x?xsi2>
  return
}

//===----------------------------------------------------------------------===//
// lowbit.mpgemm
//===----------------------------------------------------------------------===//

// W4A16 with groups of 32 along K and integer zero points.
// CHECK-LABEL: func @mpgemm_w4a16(
// CHECK-SAME: [[A:%[^:]+]]: tensor<7x64xf16>, [[W:%[^:]+]]: tensor<16x64xui4>, [[S:%[^:]+]]: tensor<16x2xf16>, [[Z:%[^:]+]]: tensor<16x2xui4>)
// CHECK: [[Y:%.+]] = lowbit.mpgemm [[A]], [[W]] scale([[S]]) zero([[Z]])
// CHECK-SAME: {weight_scheme = #lowbit.scheme<group(axis = 1, size = 32), scale = f16, zero = int>}
// CHECK-SAME: : (tensor<7x64xf16>, tensor<16x64xui4>, tensor<16x2xf16>, tensor<16x2xui4>) -> tensor<7x16xf32>
// CHECK: return [[Y]]
func.func @mpgemm_w4a16(%a: tensor<7x64xf16>, %w: tensor<16x64xui4>, %s: tensor<16x2xf16>,
                        %z: tensor<16x2xui4>) -> tensor<7x16xf32> {
  %y = lowbit.mpgemm %a, %w scale(%s) zero(%z)
         {weight_scheme = #lowbit.scheme<group(axis = 1, size = 32), scale = f16, zero = int>}
         : (tensor<7x64xf16>, tensor<16x64xui4>, tensor<16x2xf16>, tensor<16x2xui4>)
         -> tensor<7x16xf32>
  return %y : tensor<7x16xf32>
}

// f32 and bf16 activations, N = 1, f16 / bf16 results.
// CHECK-LABEL: func @mpgemm_real_activations(
// CHECK: lowbit.mpgemm {{.*}} {weight_scheme = #lowbit.scheme<per_channel(axis = 0), scale = f32>}
// CHECK-SAME: : (tensor<3x32xf32>, tensor<1x32xsi8>, tensor<1xf32>) -> tensor<3x1xf16>
// CHECK: lowbit.mpgemm {{.*}} {weight_scheme = #lowbit.scheme<per_tensor, scale = bf16>}
// CHECK-SAME: : (tensor<3x32xbf16>, tensor<1x32x!lowbit.ternary>, tensor<bf16>) -> tensor<3x1xbf16>
func.func @mpgemm_real_activations(%a: tensor<3x32xf32>, %b: tensor<3x32xbf16>,
                                   %w: tensor<1x32xsi8>, %s: tensor<1xf32>,
                                   %t: tensor<1x32x!lowbit.ternary>, %ts: tensor<bf16>) {
  %0 = lowbit.mpgemm %a, %w scale(%s)
         {weight_scheme = #lowbit.scheme<per_channel(axis = 0), scale = f32>}
         : (tensor<3x32xf32>, tensor<1x32xsi8>, tensor<1xf32>) -> tensor<3x1xf16>
  %1 = lowbit.mpgemm %b, %t scale(%ts)
         {weight_scheme = #lowbit.scheme<per_tensor, scale = bf16>}
         : (tensor<3x32xbf16>, tensor<1x32x!lowbit.ternary>, tensor<bf16>) -> tensor<3x1xbf16>
  return
}

// W8A8: per-token activation scales and a bias.
// CHECK-LABEL: func @mpgemm_w8a8_bias(
// CHECK-SAME: [[A:%[^:]+]]: tensor<4x32xsi8>, [[W:%[^:]+]]: tensor<8x32xsi8>, [[S:%[^:]+]]: tensor<8xf32>, [[AS:%[^:]+]]: tensor<4xf32>, [[B:%[^:]+]]: tensor<8xf32>)
// CHECK: lowbit.mpgemm [[A]], [[W]] scale([[S]]) act_scale([[AS]]) bias([[B]])
// CHECK-SAME: act_scheme = #lowbit.scheme<per_channel(axis = 0), scale = f32>
// CHECK-SAME: weight_scheme = #lowbit.scheme<per_channel(axis = 0), scale = f32>
// CHECK-SAME: : (tensor<4x32xsi8>, tensor<8x32xsi8>, tensor<8xf32>, tensor<4xf32>, tensor<8xf32>) -> tensor<4x8xf32>
func.func @mpgemm_w8a8_bias(%a: tensor<4x32xsi8>, %w: tensor<8x32xsi8>, %s: tensor<8xf32>,
                            %as: tensor<4xf32>, %b: tensor<8xf32>) -> tensor<4x8xf32> {
  %y = lowbit.mpgemm %a, %w scale(%s) act_scale(%as) bias(%b)
         {weight_scheme = #lowbit.scheme<per_channel(axis = 0), scale = f32>,
          act_scheme = #lowbit.scheme<per_channel(axis = 0), scale = f32>}
         : (tensor<4x32xsi8>, tensor<8x32xsi8>, tensor<8xf32>, tensor<4xf32>, tensor<8xf32>)
         -> tensor<4x8xf32>
  return %y : tensor<4x8xf32>
}

// Every optional operand a zero-point scheme allows: weight zero points and tensor scale,
// activation scales and zero points, bias; batch axes [2, 7] in front of [M, K].
// CHECK-LABEL: func @mpgemm_all_operands(
// CHECK-SAME: [[A:%[^:]+]]: tensor<2x7x64xui8>, [[W:%[^:]+]]: tensor<16x64xsi4>, [[S:%[^:]+]]: tensor<16x4xf32>, [[Z:%[^:]+]]: tensor<16x4xsi4>, [[T:%[^:]+]]: tensor<f32>, [[AS:%[^:]+]]: tensor<2x7x1xf16>, [[AZ:%[^:]+]]: tensor<2x7x1xui8>, [[B:%[^:]+]]: tensor<16xbf16>)
// CHECK: [[Y:%.+]] = lowbit.mpgemm [[A]], [[W]] scale([[S]]) zero([[Z]]) tensor_scale([[T]]) act_scale([[AS]]) act_zero([[AZ]]) bias([[B]])
// CHECK-SAME: act_scheme = #lowbit.scheme<group(axis = 2, size = 64), scale = f16, zero = int>
// CHECK-SAME: weight_scheme = #lowbit.scheme<group(axis = 1, size = 16), scale = f32, zero = int, tensor_scale>
// CHECK-SAME: : (tensor<2x7x64xui8>, tensor<16x64xsi4>, tensor<16x4xf32>, tensor<16x4xsi4>, tensor<f32>, tensor<2x7x1xf16>, tensor<2x7x1xui8>, tensor<16xbf16>) -> tensor<2x7x16xbf16>
// CHECK: return [[Y]]
func.func @mpgemm_all_operands(%a: tensor<2x7x64xui8>, %w: tensor<16x64xsi4>,
                               %s: tensor<16x4xf32>, %z: tensor<16x4xsi4>, %t: tensor<f32>,
                               %as: tensor<2x7x1xf16>, %az: tensor<2x7x1xui8>,
                               %b: tensor<16xbf16>) -> tensor<2x7x16xbf16> {
  %y = lowbit.mpgemm %a, %w scale(%s) zero(%z) tensor_scale(%t) act_scale(%as) act_zero(%az)
         bias(%b)
         {weight_scheme = #lowbit.scheme<group(axis = 1, size = 16), scale = f32, zero = int,
                                         tensor_scale>,
          act_scheme = #lowbit.scheme<group(axis = 2, size = 64), scale = f16, zero = int>}
         : (tensor<2x7x64xui8>, tensor<16x64xsi4>, tensor<16x4xf32>, tensor<16x4xsi4>,
            tensor<f32>, tensor<2x7x1xf16>, tensor<2x7x1xui8>, tensor<16xbf16>)
         -> tensor<2x7x16xbf16>
  return %y : tensor<2x7x16xbf16>
}

// Low-bit activations used as they are (decoded, no act_scheme): f8E4M3FN and si4.
// CHECK-LABEL: func @mpgemm_lowbit_activations(
// CHECK: lowbit.mpgemm {{.*}} {weight_scheme = #lowbit.scheme<per_tensor, scale = f32>}
// CHECK-SAME: : (tensor<5x32xf8E4M3FN>, tensor<8x32xf8E4M3FN>, tensor<f32>) -> tensor<5x8xf32>
// CHECK: lowbit.mpgemm {{.*}} {weight_scheme = #lowbit.scheme<per_tensor, scale = f32>}
// CHECK-SAME: : (tensor<5x32xsi4>, tensor<8x32xf8E4M3FN>, tensor<f32>) -> tensor<5x8xf32>
func.func @mpgemm_lowbit_activations(%a: tensor<5x32xf8E4M3FN>, %b: tensor<5x32xsi4>,
                                     %w: tensor<8x32xf8E4M3FN>, %s: tensor<f32>) {
  %0 = lowbit.mpgemm %a, %w scale(%s) {weight_scheme = #lowbit.scheme<per_tensor, scale = f32>}
         : (tensor<5x32xf8E4M3FN>, tensor<8x32xf8E4M3FN>, tensor<f32>) -> tensor<5x8xf32>
  %1 = lowbit.mpgemm %b, %w scale(%s) {weight_scheme = #lowbit.scheme<per_tensor, scale = f32>}
         : (tensor<5x32xsi4>, tensor<8x32xf8E4M3FN>, tensor<f32>) -> tensor<5x8xf32>
  return
}

// Scaled low-bit activations: f8E4M3FN per tensor, si4 in groups with float zero points.
// CHECK-LABEL: func @mpgemm_scaled_lowbit_activations(
// CHECK: lowbit.mpgemm {{.*}} act_scale({{%[^)]+}})
// CHECK-SAME: act_scheme = #lowbit.scheme<per_tensor, scale = f32>
// CHECK-SAME: : (tensor<5x32xf8E4M3FN>, tensor<8x32xf4E2M1FN>, tensor<8x2xf8E8M0FNU>, tensor<f32>) -> tensor<5x8xf32>
// CHECK: lowbit.mpgemm {{.*}} act_scale({{%[^)]+}}) act_zero({{%[^)]+}})
// CHECK-SAME: act_scheme = #lowbit.scheme<group(axis = 1, size = 16), scale = bf16, zero = float>
// CHECK-SAME: : (tensor<5x32xsi4>, tensor<8x32xf4E2M1FN>, tensor<8x2xf8E8M0FNU>, tensor<5x2xbf16>, tensor<5x2xbf16>) -> tensor<5x8xf32>
func.func @mpgemm_scaled_lowbit_activations(%a: tensor<5x32xf8E4M3FN>, %as: tensor<f32>,
                                            %b: tensor<5x32xsi4>, %bs: tensor<5x2xbf16>,
                                            %bz: tensor<5x2xbf16>, %w: tensor<8x32xf4E2M1FN>,
                                            %s: tensor<8x2xf8E8M0FNU>) {
  %0 = lowbit.mpgemm %a, %w scale(%s) act_scale(%as)
         {weight_scheme = #lowbit.scheme<group(axis = 1, size = 16), scale = f8E8M0FNU>,
          act_scheme = #lowbit.scheme<per_tensor, scale = f32>}
         : (tensor<5x32xf8E4M3FN>, tensor<8x32xf4E2M1FN>, tensor<8x2xf8E8M0FNU>, tensor<f32>)
         -> tensor<5x8xf32>
  %1 = lowbit.mpgemm %b, %w scale(%s) act_scale(%bs) act_zero(%bz)
         {weight_scheme = #lowbit.scheme<group(axis = 1, size = 16), scale = f8E8M0FNU>,
          act_scheme = #lowbit.scheme<group(axis = 1, size = 16), scale = bf16, zero = float>}
         : (tensor<5x32xsi4>, tensor<8x32xf4E2M1FN>, tensor<8x2xf8E8M0FNU>, tensor<5x2xbf16>,
            tensor<5x2xbf16>) -> tensor<5x8xf32>
  return
}

// Every optional operand a codebook scheme allows: tensor scale and codebook operand.
// CHECK-LABEL: func @mpgemm_codebook_operand(
// CHECK-SAME: [[A:%[^:]+]]: tensor<?x64xf16>, [[W:%[^:]+]]: tensor<32x64xui4>, [[S:%[^:]+]]: tensor<32x1xbf16>, [[T:%[^:]+]]: tensor<f32>, [[C:%[^:]+]]: tensor<16xf32>)
// CHECK: lowbit.mpgemm [[A]], [[W]] scale([[S]]) tensor_scale([[T]]) codebook([[C]])
// CHECK-SAME: {weight_scheme = #lowbit.scheme<group(axis = 1, size = 64), scale = bf16, tensor_scale, codebook = operand>}
// CHECK-SAME: : (tensor<?x64xf16>, tensor<32x64xui4>, tensor<32x1xbf16>, tensor<f32>, tensor<16xf32>) -> tensor<?x32xf16>
func.func @mpgemm_codebook_operand(%a: tensor<?x64xf16>, %w: tensor<32x64xui4>,
                                   %s: tensor<32x1xbf16>, %t: tensor<f32>, %c: tensor<16xf32>)
    -> tensor<?x32xf16> {
  %y = lowbit.mpgemm %a, %w scale(%s) tensor_scale(%t) codebook(%c)
         {weight_scheme = #lowbit.scheme<group(axis = 1, size = 64), scale = bf16, tensor_scale,
                                         codebook = operand>}
         : (tensor<?x64xf16>, tensor<32x64xui4>, tensor<32x1xbf16>, tensor<f32>, tensor<16xf32>)
         -> tensor<?x32xf16>
  return %y : tensor<?x32xf16>
}

// NF4 weights (QLoRA) with bf16 activations.
// CHECK-LABEL: func @mpgemm_nf4(
// CHECK: lowbit.mpgemm {{.*}} {weight_scheme = #lowbit.scheme<group(axis = 1, size = 64), scale = bf16, codebook = nf4>}
// CHECK-SAME: : (tensor<1x128xbf16>, tensor<8x128xui4>, tensor<8x2xbf16>) -> tensor<1x8xbf16>
func.func @mpgemm_nf4(%a: tensor<1x128xbf16>, %w: tensor<8x128xui4>, %s: tensor<8x2xbf16>)
    -> tensor<1x8xbf16> {
  %y = lowbit.mpgemm %a, %w scale(%s)
         {weight_scheme = #lowbit.scheme<group(axis = 1, size = 64), scale = bf16,
                                         codebook = nf4>}
         : (tensor<1x128xbf16>, tensor<8x128xui4>, tensor<8x2xbf16>) -> tensor<1x8xbf16>
  return %y : tensor<1x8xbf16>
}

//===----------------------------------------------------------------------===//
// lowbit.attention
//===----------------------------------------------------------------------===//

// A float cache, no optional operand or attribute.
// CHECK-LABEL: func @attention_float_cache(
// CHECK-SAME: [[Q:%[^:]+]]: tensor<2x4x8x64xf16>, [[K:%[^:]+]]: tensor<2x4x16x64xf16>, [[V:%[^:]+]]: tensor<2x4x16x64xf16>)
// CHECK: [[O:%.+]] = lowbit.attention [[Q]], [[K]], [[V]] : (tensor<2x4x8x64xf16>, tensor<2x4x16x64xf16>, tensor<2x4x16x64xf16>) -> tensor<2x4x8x64xf16>
// CHECK: return [[O]]
func.func @attention_float_cache(%q: tensor<2x4x8x64xf16>, %k: tensor<2x4x16x64xf16>,
                                 %v: tensor<2x4x16x64xf16>) -> tensor<2x4x8x64xf16> {
  %o = lowbit.attention %q, %k, %v
         : (tensor<2x4x8x64xf16>, tensor<2x4x16x64xf16>, tensor<2x4x16x64xf16>)
         -> tensor<2x4x8x64xf16>
  return %o : tensor<2x4x8x64xf16>
}

// Sinks and soft-capping.
// CHECK-LABEL: func @attention_sinks_softcap(
// CHECK: lowbit.attention {{%[^,]+}}, {{%[^,]+}}, {{%[^ ]+}} sinks({{%[^)]+}}) {softcap = 3.000000e+01 : f32}
// CHECK-SAME: : (tensor<1x4x2x16xf32>, tensor<1x2x9x16xf32>, tensor<1x2x9x16xf32>, tensor<4xbf16>) -> tensor<1x4x2x16xf32>
func.func @attention_sinks_softcap(%q: tensor<1x4x2x16xf32>, %k: tensor<1x2x9x16xf32>,
                                   %v: tensor<1x2x9x16xf32>, %s: tensor<4xbf16>)
    -> tensor<1x4x2x16xf32> {
  %o = lowbit.attention %q, %k, %v sinks(%s) {softcap = 30.0 : f32}
         : (tensor<1x4x2x16xf32>, tensor<1x2x9x16xf32>, tensor<1x2x9x16xf32>, tensor<4xbf16>)
         -> tensor<1x4x2x16xf32>
  return %o : tensor<1x4x2x16xf32>
}

// A 4-bit KIVI cache (keys grouped along tokens, values along channels) with zero points;
// 8 query heads share 2 KV heads; causal.
// CHECK-LABEL: func @attention_quantized_cache(
// CHECK-SAME: [[Q:%[^:]+]]: tensor<1x8x1x64xf16>, [[K:%[^:]+]]: tensor<1x2x128x64xui4>, [[V:%[^:]+]]: tensor<1x2x128x64xui4>, [[KS:%[^:]+]]: tensor<1x2x4x64xf16>, [[KZ:%[^:]+]]: tensor<1x2x4x64xui4>, [[VS:%[^:]+]]: tensor<1x2x128x2xf16>, [[VZ:%[^:]+]]: tensor<1x2x128x2xui4>)
// CHECK: [[O:%.+]] = lowbit.attention [[Q]], [[K]], [[V]] k_scale([[KS]]) k_zero([[KZ]]) v_scale([[VS]]) v_zero([[VZ]])
// CHECK-SAME: causal
// CHECK-SAME: k_scheme = #lowbit.scheme<group(axis = 2, size = 32), scale = f16, zero = int>
// CHECK-SAME: v_scheme = #lowbit.scheme<group(axis = 3, size = 32), scale = f16, zero = int>
// CHECK-SAME: : (tensor<1x8x1x64xf16>, tensor<1x2x128x64xui4>, tensor<1x2x128x64xui4>, tensor<1x2x4x64xf16>, tensor<1x2x4x64xui4>, tensor<1x2x128x2xf16>, tensor<1x2x128x2xui4>) -> tensor<1x8x1x64xf16>
// CHECK: return [[O]]
func.func @attention_quantized_cache(%q: tensor<1x8x1x64xf16>, %k: tensor<1x2x128x64xui4>,
                                     %v: tensor<1x2x128x64xui4>, %ks: tensor<1x2x4x64xf16>,
                                     %kz: tensor<1x2x4x64xui4>, %vs: tensor<1x2x128x2xf16>,
                                     %vz: tensor<1x2x128x2xui4>) -> tensor<1x8x1x64xf16> {
  %o = lowbit.attention %q, %k, %v k_scale(%ks) k_zero(%kz) v_scale(%vs) v_zero(%vz)
         {causal,
          k_scheme = #lowbit.scheme<group(axis = 2, size = 32), scale = f16, zero = int>,
          v_scheme = #lowbit.scheme<group(axis = 3, size = 32), scale = f16, zero = int>}
         : (tensor<1x8x1x64xf16>, tensor<1x2x128x64xui4>, tensor<1x2x128x64xui4>,
            tensor<1x2x4x64xf16>, tensor<1x2x4x64xui4>, tensor<1x2x128x2xf16>,
            tensor<1x2x128x2xui4>) -> tensor<1x8x1x64xf16>
  return %o : tensor<1x8x1x64xf16>
}

// A residual window of 5 f16 tokens after a KIVI cache of 64; the mask covers all 69 keys.
// CHECK-LABEL: func @attention_residual_window(
// CHECK: lowbit.attention {{%[^,]+}}, {{%[^,]+}}, {{%[^ ]+}} k_scale({{%[^)]+}}) v_scale({{%[^)]+}}) k_residual({{%[^)]+}}) v_residual({{%[^)]+}}) mask({{%[^)]+}})
// CHECK-SAME: : (tensor<1x4x1x32xf32>, tensor<1x2x64x32xsi4>, tensor<1x2x64x32xsi4>, tensor<1x2x2x32xf16>, tensor<1x2x64x1xf16>, tensor<1x2x5x32xf16>, tensor<1x2x5x32xf16>, tensor<1x1x1x69xf32>) -> tensor<1x4x1x32xf32>
func.func @attention_residual_window(%q: tensor<1x4x1x32xf32>, %k: tensor<1x2x64x32xsi4>,
                                     %v: tensor<1x2x64x32xsi4>, %ks: tensor<1x2x2x32xf16>,
                                     %vs: tensor<1x2x64x1xf16>, %kr: tensor<1x2x5x32xf16>,
                                     %vr: tensor<1x2x5x32xf16>, %m: tensor<1x1x1x69xf32>)
    -> tensor<1x4x1x32xf32> {
  %o = lowbit.attention %q, %k, %v k_scale(%ks) v_scale(%vs) k_residual(%kr) v_residual(%vr)
         mask(%m)
         {k_scheme = #lowbit.scheme<group(axis = 2, size = 32), scale = f16>,
          v_scheme = #lowbit.scheme<group(axis = 3, size = 32), scale = f16>}
         : (tensor<1x4x1x32xf32>, tensor<1x2x64x32xsi4>, tensor<1x2x64x32xsi4>,
            tensor<1x2x2x32xf16>, tensor<1x2x64x1xf16>, tensor<1x2x5x32xf16>,
            tensor<1x2x5x32xf16>, tensor<1x1x1x69xf32>) -> tensor<1x4x1x32xf32>
  return %o : tensor<1x4x1x32xf32>
}

// Every optional operand and attribute: quantized K and V, zero points, a broadcast mask,
// causal, an explicit softmax_scale; GQA 6 / 3, value depth 32 != key depth 64.
// CHECK-LABEL: func @attention_all_operands(
// CHECK-SAME: [[Q:%[^:]+]]: tensor<2x6x4x64xbf16>, [[K:%[^:]+]]: tensor<2x3x16x64xsi8>, [[V:%[^:]+]]: tensor<2x3x16x32xf8E4M3FN>, [[KS:%[^:]+]]: tensor<64xf32>, [[KZ:%[^:]+]]: tensor<64xsi8>, [[VS:%[^:]+]]: tensor<2x3x16x1xbf16>, [[VZ:%[^:]+]]: tensor<2x3x16x1xbf16>, [[M:%[^:]+]]: tensor<1x1x4x16xf32>)
// CHECK: [[O:%.+]] = lowbit.attention [[Q]], [[K]], [[V]] k_scale([[KS]]) k_zero([[KZ]]) v_scale([[VS]]) v_zero([[VZ]]) mask([[M]])
// CHECK-SAME: causal
// CHECK-SAME: k_scheme = #lowbit.scheme<per_channel(axis = 3), scale = f32, zero = int>
// CHECK-SAME: softmax_scale = 1.250000e-01 : f32
// CHECK-SAME: v_scheme = #lowbit.scheme<group(axis = 3, size = 32), scale = bf16, zero = float>
// CHECK-SAME: : (tensor<2x6x4x64xbf16>, tensor<2x3x16x64xsi8>, tensor<2x3x16x32xf8E4M3FN>, tensor<64xf32>, tensor<64xsi8>, tensor<2x3x16x1xbf16>, tensor<2x3x16x1xbf16>, tensor<1x1x4x16xf32>) -> tensor<2x6x4x32xf32>
func.func @attention_all_operands(%q: tensor<2x6x4x64xbf16>, %k: tensor<2x3x16x64xsi8>,
                                  %v: tensor<2x3x16x32xf8E4M3FN>, %ks: tensor<64xf32>,
                                  %kz: tensor<64xsi8>, %vs: tensor<2x3x16x1xbf16>,
                                  %vz: tensor<2x3x16x1xbf16>, %m: tensor<1x1x4x16xf32>)
    -> tensor<2x6x4x32xf32> {
  %o = lowbit.attention %q, %k, %v k_scale(%ks) k_zero(%kz) v_scale(%vs) v_zero(%vz) mask(%m)
         {causal, softmax_scale = 0.125 : f32,
          k_scheme = #lowbit.scheme<per_channel(axis = 3), scale = f32, zero = int>,
          v_scheme = #lowbit.scheme<group(axis = 3, size = 32), scale = bf16, zero = float>}
         : (tensor<2x6x4x64xbf16>, tensor<2x3x16x64xsi8>, tensor<2x3x16x32xf8E4M3FN>,
            tensor<64xf32>, tensor<64xsi8>, tensor<2x3x16x1xbf16>, tensor<2x3x16x1xbf16>,
            tensor<1x1x4x16xf32>) -> tensor<2x6x4x32xf32>
  return %o : tensor<2x6x4x32xf32>
}

// Only the keys quantized (no zero points); a full-shape f16 mask; dynamic sequence lengths.
// CHECK-LABEL: func @attention_quantized_keys_mask(
// CHECK-SAME: [[Q:%[^:]+]]: tensor<1x4x?x32xf32>, [[K:%[^:]+]]: tensor<1x4x?x32xf8E5M2>, [[V:%[^:]+]]: tensor<1x4x?x32xf32>, [[KS:%[^:]+]]: tensor<f32>, [[M:%[^:]+]]: tensor<1x4x?x?xf16>)
// CHECK: lowbit.attention [[Q]], [[K]], [[V]] k_scale([[KS]]) mask([[M]])
// CHECK-SAME: {k_scheme = #lowbit.scheme<per_tensor, scale = f32>}
// CHECK-SAME: : (tensor<1x4x?x32xf32>, tensor<1x4x?x32xf8E5M2>, tensor<1x4x?x32xf32>, tensor<f32>, tensor<1x4x?x?xf16>) -> tensor<1x4x?x32xf32>
func.func @attention_quantized_keys_mask(%q: tensor<1x4x?x32xf32>, %k: tensor<1x4x?x32xf8E5M2>,
                                         %v: tensor<1x4x?x32xf32>, %ks: tensor<f32>,
                                         %m: tensor<1x4x?x?xf16>) -> tensor<1x4x?x32xf32> {
  %o = lowbit.attention %q, %k, %v k_scale(%ks) mask(%m)
         {k_scheme = #lowbit.scheme<per_tensor, scale = f32>}
         : (tensor<1x4x?x32xf32>, tensor<1x4x?x32xf8E5M2>, tensor<1x4x?x32xf32>, tensor<f32>,
            tensor<1x4x?x?xf16>) -> tensor<1x4x?x32xf32>
  return %o : tensor<1x4x?x32xf32>
}

// Only the values quantized.
// CHECK-LABEL: func @attention_quantized_values(
// CHECK: lowbit.attention {{.*}} v_scale({{%[^)]+}})
// CHECK-SAME: {v_scheme = #lowbit.scheme<per_channel(axis = 2), scale = f16>}
// CHECK-SAME: : (tensor<1x2x3x16xf16>, tensor<1x2x5x16xf16>, tensor<1x2x5x16xsi4>, tensor<5xf16>) -> tensor<1x2x3x16xf16>
func.func @attention_quantized_values(%q: tensor<1x2x3x16xf16>, %k: tensor<1x2x5x16xf16>,
                                      %v: tensor<1x2x5x16xsi4>, %vs: tensor<5xf16>)
    -> tensor<1x2x3x16xf16> {
  %o = lowbit.attention %q, %k, %v v_scale(%vs)
         {v_scheme = #lowbit.scheme<per_channel(axis = 2), scale = f16>}
         : (tensor<1x2x3x16xf16>, tensor<1x2x5x16xf16>, tensor<1x2x5x16xsi4>, tensor<5xf16>)
         -> tensor<1x2x3x16xf16>
  return %o : tensor<1x2x3x16xf16>
}

//===----------------------------------------------------------------------===//
// lowbit.moe
//===----------------------------------------------------------------------===//

// 4-bit experts with integer zero points, grouped along the input features.
// CHECK-LABEL: func @moe_quantized_zero(
// CHECK-SAME: [[X:%[^:]+]]: tensor<5x64xf32>, [[L:%[^:]+]]: tensor<5x8xf32>, [[WG:%[^:]+]]: tensor<8x96x64xui4>, [[WU:%[^:]+]]: tensor<8x96x64xui4>, [[WD:%[^:]+]]: tensor<8x64x96xui4>, [[GS:%[^:]+]]: tensor<8x96x2xf16>, [[GZ:%[^:]+]]: tensor<8x96x2xui4>, [[US:%[^:]+]]: tensor<8x96x2xf16>, [[UZ:%[^:]+]]: tensor<8x96x2xui4>, [[DS:%[^:]+]]: tensor<8x64x3xf16>, [[DZ:%[^:]+]]: tensor<8x64x3xui4>)
// CHECK: [[Y:%.+]] = lowbit.moe [[X]], [[L]] gate([[WG]]) up([[WU]]) down([[WD]]) gate_scale([[GS]]) gate_zero([[GZ]]) up_scale([[US]]) up_zero([[UZ]]) down_scale([[DS]]) down_zero([[DZ]])
// CHECK-SAME: activation = #lowbit.activation<silu>
// CHECK-SAME: normalize_topk
// CHECK-SAME: top_k = 2 : i64
// CHECK-SAME: weight_scheme = #lowbit.scheme<group(axis = 2, size = 32), scale = f16, zero = int>
// CHECK-SAME: : (tensor<5x64xf32>, tensor<5x8xf32>, tensor<8x96x64xui4>, tensor<8x96x64xui4>, tensor<8x64x96xui4>, tensor<8x96x2xf16>, tensor<8x96x2xui4>, tensor<8x96x2xf16>, tensor<8x96x2xui4>, tensor<8x64x3xf16>, tensor<8x64x3xui4>) -> tensor<5x64xf32>
// CHECK: return [[Y]]
func.func @moe_quantized_zero(%x: tensor<5x64xf32>, %logits: tensor<5x8xf32>,
                              %wg: tensor<8x96x64xui4>, %wu: tensor<8x96x64xui4>,
                              %wd: tensor<8x64x96xui4>, %gs: tensor<8x96x2xf16>,
                              %gz: tensor<8x96x2xui4>, %us: tensor<8x96x2xf16>,
                              %uz: tensor<8x96x2xui4>, %ds: tensor<8x64x3xf16>,
                              %dz: tensor<8x64x3xui4>) -> tensor<5x64xf32> {
  %y = lowbit.moe %x, %logits gate(%wg) up(%wu) down(%wd)
         gate_scale(%gs) gate_zero(%gz) up_scale(%us)
         up_zero(%uz) down_scale(%ds) down_zero(%dz)
         {top_k = 2 : i64, activation = #lowbit.activation<silu>, normalize_topk,
          weight_scheme = #lowbit.scheme<group(axis = 2, size = 32), scale = f16, zero = int>}
         : (tensor<5x64xf32>, tensor<5x8xf32>, tensor<8x96x64xui4>, tensor<8x96x64xui4>,
            tensor<8x64x96xui4>, tensor<8x96x2xf16>, tensor<8x96x2xui4>, tensor<8x96x2xf16>,
            tensor<8x96x2xui4>, tensor<8x64x3xf16>, tensor<8x64x3xui4>) -> tensor<5x64xf32>
  return %y : tensor<5x64xf32>
}

// Float experts take no scheme and no scales; gelu; top_k = E.
// CHECK-LABEL: func @moe_float_weights(
// CHECK-SAME: [[X:%[^:]+]]: tensor<3x16xbf16>, [[L:%[^:]+]]: tensor<3x4xf32>, [[WG:%[^:]+]]: tensor<4x32x16xbf16>, [[WU:%[^:]+]]: tensor<4x32x16xbf16>, [[WD:%[^:]+]]: tensor<4x16x32xbf16>)
// CHECK: lowbit.moe [[X]], [[L]] gate([[WG]]) up([[WU]]) down([[WD]]) {activation = #lowbit.activation<gelu>, top_k = 4 : i64}
// CHECK-SAME: : (tensor<3x16xbf16>, tensor<3x4xf32>, tensor<4x32x16xbf16>, tensor<4x32x16xbf16>, tensor<4x16x32xbf16>) -> tensor<3x16xbf16>
func.func @moe_float_weights(%x: tensor<3x16xbf16>, %logits: tensor<3x4xf32>,
                             %wg: tensor<4x32x16xbf16>, %wu: tensor<4x32x16xbf16>,
                             %wd: tensor<4x16x32xbf16>) -> tensor<3x16xbf16> {
  %y = lowbit.moe %x, %logits gate(%wg) up(%wu) down(%wd)
         {top_k = 4 : i64, activation = #lowbit.activation<gelu>}
         : (tensor<3x16xbf16>, tensor<3x4xf32>, tensor<4x32x16xbf16>, tensor<4x32x16xbf16>,
            tensor<4x16x32xbf16>) -> tensor<3x16xbf16>
  return %y : tensor<3x16xbf16>
}

// Not gated (relu), biases; and the clamped SwiGLU of gpt-oss.
// CHECK-LABEL: func @moe_ungated_bias(
// CHECK: lowbit.moe {{%[^,]+}}, {{%[^ ]+}} gate({{%[^)]+}}) down({{%[^)]+}}) gate_bias({{%[^)]+}}) down_bias({{%[^)]+}})
// CHECK-SAME: activation = #lowbit.activation<relu>
// CHECK: lowbit.moe {{.*}} up({{%[^)]+}}) {{.*}} up_bias({{%[^)]+}})
// CHECK-SAME: activation = #lowbit.activation<silu>, activation_alpha = 1.702000e+00 : f32, clamp_limit = 7.000000e+00 : f32
// CHECK-SAME: up_offset = 1.000000e+00 : f32
// CHECK: lowbit.moe {{.*}}activation = #lowbit.activation<identity>
func.func @moe_ungated_bias(%x: tensor<3x16xf32>, %logits: tensor<3x4xf32>,
                            %wg: tensor<4x32x16xf32>, %wu: tensor<4x32x16xf32>,
                            %wd: tensor<4x16x32xf32>, %bg: tensor<4x32xf32>,
                            %bd: tensor<4x16xf16>)
    -> (tensor<3x16xf32>, tensor<3x16xf32>, tensor<3x16xf32>) {
  %a = lowbit.moe %x, %logits gate(%wg) down(%wd) gate_bias(%bg) down_bias(%bd)
         {top_k = 2 : i64, activation = #lowbit.activation<relu>}
         : (tensor<3x16xf32>, tensor<3x4xf32>, tensor<4x32x16xf32>, tensor<4x16x32xf32>,
            tensor<4x32xf32>, tensor<4x16xf16>) -> tensor<3x16xf32>
  %b = lowbit.moe %x, %logits gate(%wg) up(%wu) down(%wd) gate_bias(%bg) up_bias(%bg)
         {top_k = 2 : i64, activation = #lowbit.activation<silu>, activation_alpha = 1.702 : f32,
          up_offset = 1.0 : f32, clamp_limit = 7.0 : f32}
         : (tensor<3x16xf32>, tensor<3x4xf32>, tensor<4x32x16xf32>, tensor<4x32x16xf32>,
            tensor<4x16x32xf32>, tensor<4x32xf32>, tensor<4x32xf32>) -> tensor<3x16xf32>
  %c = lowbit.moe %x, %logits gate(%wg) down(%wd)
         {top_k = 1 : i64, activation = #lowbit.activation<identity>}
         : (tensor<3x16xf32>, tensor<3x4xf32>, tensor<4x32x16xf32>, tensor<4x16x32xf32>)
         -> tensor<3x16xf32>
  return %a, %b, %c : tensor<3x16xf32>, tensor<3x16xf32>, tensor<3x16xf32>
}

// Scales without zero points (MXFP4 experts), gelu_tanh, dynamic token count.
// CHECK-LABEL: func @moe_quantized_scales(
// CHECK: lowbit.moe {{.*}} gate_scale({{%[^)]+}}) up_scale({{%[^)]+}}) down_scale({{%[^)]+}})
// CHECK-SAME: activation = #lowbit.activation<gelu_tanh>
// CHECK-SAME: top_k = 1 : i64
// CHECK-SAME: weight_scheme = #lowbit.scheme<group(axis = 2, size = 32), scale = f8E8M0FNU>
// CHECK-SAME: : (tensor<?x64xf16>, tensor<?x2xf16>, tensor<2x32x64xf4E2M1FN>, tensor<2x32x64xf4E2M1FN>, tensor<2x64x32xf4E2M1FN>, tensor<2x32x2xf8E8M0FNU>, tensor<2x32x2xf8E8M0FNU>, tensor<2x64x1xf8E8M0FNU>) -> tensor<?x64xf16>
func.func @moe_quantized_scales(%x: tensor<?x64xf16>, %logits: tensor<?x2xf16>,
                                %wg: tensor<2x32x64xf4E2M1FN>, %wu: tensor<2x32x64xf4E2M1FN>,
                                %wd: tensor<2x64x32xf4E2M1FN>, %gs: tensor<2x32x2xf8E8M0FNU>,
                                %us: tensor<2x32x2xf8E8M0FNU>, %ds: tensor<2x64x1xf8E8M0FNU>)
    -> tensor<?x64xf16> {
  %y = lowbit.moe %x, %logits gate(%wg) up(%wu) down(%wd)
         gate_scale(%gs) up_scale(%us) down_scale(%ds)
         {top_k = 1 : i64, activation = #lowbit.activation<gelu_tanh>,
          weight_scheme = #lowbit.scheme<group(axis = 2, size = 32), scale = f8E8M0FNU>}
         : (tensor<?x64xf16>, tensor<?x2xf16>, tensor<2x32x64xf4E2M1FN>,
            tensor<2x32x64xf4E2M1FN>, tensor<2x64x32xf4E2M1FN>, tensor<2x32x2xf8E8M0FNU>,
            tensor<2x32x2xf8E8M0FNU>, tensor<2x64x1xf8E8M0FNU>) -> tensor<?x64xf16>
  return %y : tensor<?x64xf16>
}
