// RUN: lowbit-opt %s --split-input-file --lowbit-to-linalg | FileCheck %s

// Where each case is implemented, in lib/Conversion/LowbitToLinalg/:
//   FormatCodegen.cpp      decoding and encoding of element formats (fp8 decode, MXFP4 encode)
//   Builders.cpp           generics, scale maps, whole-tensor dequantization, codebook tables
//   QuantLowering.cpp      quantize, dequantize, pack, unpack
//   MpgemmLowering.cpp     @mpgemm_batch_bias
//   AttentionLowering.cpp  @attention_gqa_causal, @attention_kivi
//   MoeLowering.cpp        @moe_gelu
//   CodeTypePatterns.cpp   @retype (signatures, constants, tensor ops on code types)

// Group scales read through a floordiv map; unsigned codes zero-extend; integer zero points
// are subtracted before scaling; the f32 result is rounded to bf16 at the end.
// CHECK-DAG: #[[ID:.+]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-DAG: #[[G4:.+]] = affine_map<(d0, d1) -> (d0, d1 floordiv 4)>
// CHECK-LABEL: func.func @dequantize_group_zero
// CHECK-SAME: (%[[Q:.+]]: tensor<4x13xi4>, %[[S:.+]]: tensor<4x4xf16>, %[[Z:.+]]: tensor<4x4xi4>) -> tensor<4x13xbf16>
// CHECK: linalg.generic {indexing_maps = [#[[ID]], #[[G4]], #[[G4]], #[[ID]]]
// CHECK-SAME: ins(%[[Q]], %[[S]], %[[Z]] : tensor<4x13xi4>, tensor<4x4xf16>, tensor<4x4xi4>)
// CHECK: ^bb0(%[[C:.+]]: i4, %[[SC:.+]]: f16, %[[ZC:.+]]: i4, %{{.+}}: bf16):
// CHECK: %[[CW:.+]] = arith.extui %[[C]] : i4 to i32
// CHECK: %[[CF:.+]] = arith.sitofp %[[CW]] : i32 to f32
// CHECK: %[[ZW:.+]] = arith.extui %[[ZC]] : i4 to i32
// CHECK: %[[ZF:.+]] = arith.sitofp %[[ZW]] : i32 to f32
// CHECK: %[[V:.+]] = arith.subf %[[CF]], %[[ZF]] : f32
// CHECK: %[[SF:.+]] = arith.extf %[[SC]] : f16 to f32
// CHECK: %[[R:.+]] = arith.mulf %[[V]], %[[SF]] : f32
// CHECK: %[[B:.+]] = arith.truncf %[[R]] : f32 to bf16
// CHECK: linalg.yield %[[B]] : bf16
func.func @dequantize_group_zero(%q: tensor<4x13xui4>, %s: tensor<4x4xf16>, %z: tensor<4x4xui4>) -> tensor<4x13xbf16> {
  %r = lowbit.dequantize %q scale(%s) zero(%z) {scheme = #lowbit.scheme<group(axis = 1, size = 4), scale = f16, zero = int>} : (tensor<4x13xui4>, tensor<4x4xf16>, tensor<4x4xui4>) -> tensor<4x13xbf16>
  return %r : tensor<4x13xbf16>
}

// -----

// Signed codes sign-extend; a per-channel scale reads (d0); a tensor scale reads ().
// CHECK-DAG: #[[CH:.+]] = affine_map<(d0, d1) -> (d0)>
// CHECK-DAG: #[[T:.+]] = affine_map<(d0, d1) -> ()>
// CHECK-LABEL: func.func @dequantize_signed_tensor_scale
// CHECK: linalg.generic {indexing_maps = [#{{.+}}, #[[CH]], #[[T]], #{{.+}}]
// CHECK: arith.extsi %{{.+}} : i3 to i32
// CHECK: arith.mulf
// CHECK: arith.mulf
func.func @dequantize_signed_tensor_scale(%q: tensor<3x5xsi3>, %s: tensor<3xf32>, %t: tensor<f32>) -> tensor<3x5xf32> {
  %r = lowbit.dequantize %q scale(%s) tensor_scale(%t) {scheme = #lowbit.scheme<per_channel(axis = 0), scale = f32, tensor_scale>} : (tensor<3x5xsi3>, tensor<3xf32>, tensor<f32>) -> tensor<3x5xf32>
  return %r : tensor<3x5xf32>
}

// -----

// f8E4M3FN is decoded with integer arithmetic: sign, exponent and mantissa fields are moved
// into an f32 bit pattern (exponent rebias 127 - 7 = 120), subnormals scale the mantissa by
// 2^-9, and the all-ones magnitude (0x7F) is NaN.
// CHECK-LABEL: func.func @dequantize_fp8
// CHECK-SAME: %{{.+}}: tensor<2x4xi8>
// CHECK: arith.extui %{{.+}} : i8 to i32
// CHECK: %[[REBIAS:.+]] = arith.constant 120 : i32
// CHECK: arith.addi %{{.+}}, %[[REBIAS]] : i32
// CHECK: arith.bitcast %{{.+}} : i32 to f32
// CHECK: arith.constant 0.001953125 : f32
// CHECK: arith.constant 0x7FC00000 : f32
// CHECK: %[[MASK:.+]] = arith.constant 127 : i32
// CHECK: %[[MAG:.+]] = arith.andi %{{.+}}, %[[MASK]] : i32
// CHECK: %[[ISNAN:.+]] = arith.cmpi eq, %[[MAG]], %{{.+}} : i32
// CHECK: arith.select %[[ISNAN]]
func.func @dequantize_fp8(%q: tensor<2x4xf8E4M3FN>, %s: tensor<f32>) -> tensor<2x4xf32> {
  %r = lowbit.dequantize %q scale(%s) {scheme = #lowbit.scheme<per_tensor, scale = f32>} : (tensor<2x4xf8E4M3FN>, tensor<f32>) -> tensor<2x4xf32>
  return %r : tensor<2x4xf32>
}

// -----

// Codebooks become a constant table indexed by the code.
// CHECK-LABEL: func.func @dequantize_nf4
// CHECK: %[[TABLE:.+]] = arith.constant dense<[-1.000000e+00, -0.6961928, -0.525073051, -0.394917488, -0.284441382, -0.18477343, -0.0910500362, 0.000000e+00, 0.0795802995, 0.160930201, 0.246112302, 0.337915242, 0.440709829, 5.626170e-01, 0.722956836, 1.000000e+00]> : tensor<16xf32>
// CHECK: linalg.generic
// CHECK: %[[I:.+]] = arith.index_castui %{{.+}} : i32 to index
// CHECK: tensor.extract %[[TABLE]][%[[I]]] : tensor<16xf32>
func.func @dequantize_nf4(%q: tensor<2x8xui4>, %s: tensor<2x1xbf16>) -> tensor<2x8xf32> {
  %r = lowbit.dequantize %q scale(%s) {scheme = #lowbit.scheme<group(axis = 1, size = 8), scale = bf16, codebook = nf4>} : (tensor<2x8xui4>, tensor<2x1xbf16>) -> tensor<2x8xf32>
  return %r : tensor<2x8xf32>
}

// -----

// Integer quantization: divide by the scale, round half to even, add the (integer) zero point,
// clamp to [0, 15] (ui4), NaN treated as 0, and truncate to the 4-bit code.
// CHECK-LABEL: func.func @quantize_ui4
// CHECK-SAME: -> tensor<8x64xi4>
// CHECK: %[[D:.+]] = arith.divf
// CHECK: %[[T:.+]] = math.roundeven %[[D]] : f32
// CHECK: arith.cmpf uno, %[[T]], %[[T]] : f32
// CHECK: %[[U:.+]] = arith.addf
// CHECK: %[[R:.+]] = math.roundeven %[[U]] : f32
// CHECK: %[[LO:.+]] = arith.maxnumf %[[R]], %{{.+}} : f32
// CHECK: %[[HI:.+]] = arith.minnumf %[[LO]], %{{.+}} : f32
// CHECK: %[[I:.+]] = arith.fptosi %[[HI]] : f32 to i32
// CHECK: arith.trunci %[[I]] : i32 to i4
func.func @quantize_ui4(%x: tensor<8x64xf32>, %s: tensor<8x2xf16>, %z: tensor<8x2xui4>) -> tensor<8x64xui4> {
  %q = lowbit.quantize %x scale(%s) zero(%z) {scheme = #lowbit.scheme<group(axis = 1, size = 32), scale = f16, zero = int>} : (tensor<8x64xf32>, tensor<8x2xf16>, tensor<8x2xui4>) -> tensor<8x64xui4>
  return %q : tensor<8x64xui4>
}

// -----

// Float quantization (MXFP4): the E8M0 scale is decoded (code << 23, code 0 is 2^-127), the
// magnitude saturates at 6.0, is divided by the binade's quantum and rounded to even, and the
// sign goes to bit 3.
// CHECK-LABEL: func.func @quantize_mxfp4
// CHECK-SAME: (%{{.+}}: tensor<2x32xf32>, %{{.+}}: tensor<2x1xi8>) -> tensor<2x32xi4>
// CHECK: arith.shli %{{.+}}, %{{.+}} : i32
// CHECK: arith.constant 5.87747175E-39 : f32
// CHECK: arith.divf
// CHECK: arith.constant 6.000000e+00 : f32
// CHECK: arith.minnumf
// CHECK: math.roundeven
// CHECK: %[[SIGNBIT:.+]] = arith.constant 3 : i32
// CHECK: arith.shli %{{.+}}, %[[SIGNBIT]] : i32
// CHECK: arith.trunci %{{.+}} : i32 to i4
func.func @quantize_mxfp4(%x: tensor<2x32xf32>, %s: tensor<2x1xf8E8M0FNU>) -> tensor<2x32xf4E2M1FN> {
  %r = lowbit.quantize %x scale(%s) {scheme = #lowbit.scheme<group(axis = 1, size = 32), scale = f8E8M0FNU>} : (tensor<2x32xf32>, tensor<2x1xf8E8M0FNU>) -> tensor<2x32xf4E2M1FN>
  return %r : tensor<2x32xf4E2M1FN>
}

// -----

// unpack of 3-bit codes: element k starts at bit 3k; it can straddle two bytes, so the next
// byte (clamped to the row) is shifted in at bit 8 before the element is shifted down.
// CHECK-LABEL: func.func @unpack_ui3
// CHECK-SAME: (%[[B:.+]]: tensor<2x5xi8>) -> tensor<2x13xi3>
// CHECK: linalg.generic
// CHECK-SAME: outs(%{{.+}} : tensor<2x13xi3>)
// CHECK: %[[K:.+]] = linalg.index 1 : index
// CHECK: %[[BIT:.+]] = arith.muli %[[K]], %{{.+}} : index
// CHECK: %[[BYTE:.+]] = arith.divui %[[BIT]], %{{.+}} : index
// CHECK: %[[SHIFT:.+]] = arith.remui %[[BIT]], %{{.+}} : index
// CHECK: tensor.extract %[[B]][%{{.+}}, %[[BYTE]]] : tensor<2x5xi8>
// CHECK: arith.minui %{{.+}}, %{{.+}} : index
// CHECK: %[[HIGH:.+]] = arith.shli %{{.+}}, %{{.+}} : i32
// CHECK: %[[WORD:.+]] = arith.ori %{{.+}}, %[[HIGH]] : i32
// CHECK: arith.shrui %[[WORD]], %{{.+}} : i32
// CHECK: arith.trunci %{{.+}} : i32 to i3
func.func @unpack_ui3(%b: tensor<2x5xi8>) -> tensor<2x13xui3> {
  %q = lowbit.unpack %b : tensor<2x5xi8> -> tensor<2x13xui3>
  return %q : tensor<2x13xui3>
}

// -----

// 4-bit elements never straddle bytes: one byte is read.
// CHECK-LABEL: func.func @unpack_si4
// CHECK-COUNT-1: tensor.extract
// CHECK-NOT: tensor.extract
func.func @unpack_si4(%b: tensor<3x4xi8>) -> tensor<3x7xsi4> {
  %q = lowbit.unpack %b : tensor<3x4xi8> -> tensor<3x7xsi4>
  return %q : tensor<3x7xsi4>
}

// -----

// pack: byte j ORs the parts of the (at most ceil(8/5) + 1 = 3) elements that touch it.
// CHECK-LABEL: func.func @pack_ui5
// CHECK-SAME: -> tensor<4x5xi8>
// CHECK: linalg.generic
// CHECK-COUNT-3: tensor.extract %{{.+}} : tensor<4x7xi5>
// CHECK: arith.trunci %{{.+}} : i32 to i8
func.func @pack_ui5(%q: tensor<4x7xui5>) -> tensor<4x5xi8> {
  %b = lowbit.pack %q : tensor<4x7xui5> -> tensor<4x5xi8>
  return %b : tensor<4x5xi8>
}

// -----

// mpgemm: batch axes fold into M, the weight is dequantized once, the contraction reads
// A(m, k) and W(n, k) with k as the reduction, the bias is added along n, and the result is
// expanded back.
// CHECK-DAG: #[[A:.+]] = affine_map<(d0, d1, d2) -> (d0, d2)>
// CHECK-DAG: #[[W:.+]] = affine_map<(d0, d1, d2) -> (d1, d2)>
// CHECK-DAG: #[[C:.+]] = affine_map<(d0, d1, d2) -> (d0, d1)>
// CHECK-DAG: #[[BIAS:.+]] = affine_map<(d0, d1) -> (d1)>
// CHECK-LABEL: func.func @mpgemm_batch_bias
// CHECK: tensor.collapse_shape %{{.+}} {{\[\[}}0, 1], [2]] : tensor<2x7x64xf32> into tensor<14x64xf32>
// CHECK: linalg.fill
// CHECK: linalg.generic {indexing_maps = [#[[A]], #[[W]], #[[C]]], iterator_types = ["parallel", "parallel", "reduction"]}
// CHECK-SAME: ins(%{{.+}}, %{{.+}} : tensor<14x64xf32>, tensor<16x64xf32>)
// CHECK: arith.mulf
// CHECK: arith.addf
// CHECK: linalg.generic {indexing_maps = [#{{.+}}, #[[BIAS]], #{{.+}}]
// CHECK: arith.truncf %{{.+}} : f32 to f16
// CHECK: tensor.expand_shape %{{.+}} {{\[\[}}0, 1], [2]] output_shape [2, 7, 16] : tensor<14x16xf16> into tensor<2x7x16xf16>
func.func @mpgemm_batch_bias(%a: tensor<2x7x64xf32>, %w: tensor<16x64xui4>, %s: tensor<16x2xf16>, %z: tensor<16x2xui4>, %b: tensor<16xf32>) -> tensor<2x7x16xf16> {
  %y = lowbit.mpgemm %a, %w scale(%s) zero(%z) bias(%b) {weight_scheme = #lowbit.scheme<group(axis = 1, size = 32), scale = f16, zero = int>} : (tensor<2x7x64xf32>, tensor<16x64xui4>, tensor<16x2xf16>, tensor<16x2xui4>, tensor<16xf32>) -> tensor<2x7x16xf16>
  return %y : tensor<2x7x16xf16>
}

// -----

// Grouped-query attention reads KV head h floordiv 4 (8 query heads, 2 KV heads) without
// expanding the cache; causal masking compares j with i + (Skv - Sq) = i + 18; the softmax
// subtracts the row maximum.
// CHECK-DAG: #[[KV:.+]] = affine_map<(d0, d1, d2, d3, d4) -> (d0, d1 floordiv 4, d3, d4)>
// CHECK-LABEL: func.func @attention_gqa_causal
// CHECK: linalg.generic {indexing_maps = [#{{.+}}, #[[KV]], #{{.+}}], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction"]}
// CHECK: %[[OFF:.+]] = arith.constant 18 : index
// CHECK: arith.addi %{{.+}}, %[[OFF]] : index
// CHECK: arith.cmpi sgt
// CHECK: arith.constant 0xFF800000 : f32
// CHECK: arith.maximumf
// CHECK: math.exp
// CHECK: arith.divf
func.func @attention_gqa_causal(%q: tensor<1x8x1x16xf16>, %k: tensor<1x2x19x16xf16>, %v: tensor<1x2x19x16xf16>) -> tensor<1x8x1x16xf16> {
  %o = lowbit.attention %q, %k, %v {causal} : (tensor<1x8x1x16xf16>, tensor<1x2x19x16xf16>, tensor<1x2x19x16xf16>) -> tensor<1x8x1x16xf16>
  return %o : tensor<1x8x1x16xf16>
}

// -----

// A KIVI cache is dequantized first: keys per channel in token groups, values per token.
// CHECK-DAG: #[[KS:.+]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2 floordiv 4, d3)>
// CHECK-DAG: #[[VS:.+]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3 floordiv 8)>
// CHECK-LABEL: func.func @attention_kivi
// CHECK: linalg.generic {indexing_maps = [#{{.+}}, #[[KS]], #[[KS]], #{{.+}}]
// CHECK: linalg.generic {indexing_maps = [#{{.+}}, #[[VS]], #[[VS]], #{{.+}}]
func.func @attention_kivi(%q: tensor<1x2x3x16xf32>, %k: tensor<1x2x8x16xui4>, %v: tensor<1x2x8x16xui4>, %ks: tensor<1x2x2x16xf16>, %kz: tensor<1x2x2x16xui4>, %vs: tensor<1x2x8x2xf16>, %vz: tensor<1x2x8x2xui4>) -> tensor<1x2x3x16xf32> {
  %o = lowbit.attention %q, %k, %v k_scale(%ks) k_zero(%kz) v_scale(%vs) v_zero(%vz) {k_scheme = #lowbit.scheme<group(axis = 2, size = 4), scale = f16, zero = int>, v_scheme = #lowbit.scheme<group(axis = 3, size = 8), scale = f16, zero = int>} : (tensor<1x2x3x16xf32>, tensor<1x2x8x16xui4>, tensor<1x2x8x16xui4>, tensor<1x2x2x16xf16>, tensor<1x2x2x16xui4>, tensor<1x2x8x2xf16>, tensor<1x2x8x2xui4>) -> tensor<1x2x3x16xf32>
  return %o : tensor<1x2x3x16xf32>
}

// -----

// moe: the top-k rank counts, for each expert, the experts that beat it (higher logit, or equal
// logit and lower index); GELU uses erf.
// CHECK-LABEL: func.func @moe_gelu
// CHECK: math.erf
// CHECK: linalg.index 1 : index
// CHECK: linalg.index 2 : index
// CHECK: arith.cmpf ogt
// CHECK: arith.cmpf oeq
// CHECK: arith.cmpi ult
// CHECK: %[[K:.+]] = arith.constant 2.000000e+00 : f32
// CHECK: arith.cmpf olt, %{{.+}}, %[[K]] : f32
func.func @moe_gelu(%x: tensor<3x16xf32>, %l: tensor<3x4xf32>, %g: tensor<4x8x16xsi4>, %u: tensor<4x8x16xsi4>, %d: tensor<4x16x8xsi4>, %gs: tensor<4x8x2xf16>, %us: tensor<4x8x2xf16>, %ds: tensor<4x16x1xf16>) -> tensor<3x16xf32> {
  %y = lowbit.moe %x, %l gate(%g) up(%u) down(%d)
         gate_scale(%gs) up_scale(%us) down_scale(%ds)
         {top_k = 2 : i64, activation = #lowbit.activation<gelu>,
          weight_scheme = #lowbit.scheme<group(axis = 2, size = 8), scale = f16>}
         : (tensor<3x16xf32>, tensor<3x4xf32>, tensor<4x8x16xsi4>, tensor<4x8x16xsi4>,
            tensor<4x16x8xsi4>, tensor<4x8x2xf16>, tensor<4x8x2xf16>, tensor<4x16x1xf16>)
         -> tensor<3x16xf32>
  return %y : tensor<3x16xf32>
}

// -----

// Ops outside lowbit keep their meaning on codes: signatures, constants and tensor ops.
// CHECK-LABEL: func.func @retype
// CHECK-SAME: (%[[A:.+]]: tensor<4x8xi4>) -> tensor<2x8xi4>
// CHECK: %[[C:.+]] = arith.constant dense<{{\[}}{{\[}}1, -1, 2, -2, 3, -3, 4, -4]]> : tensor<1x8xi4>
// CHECK: tensor.extract_slice %[[A]][0, 0] [1, 8] [1, 1] : tensor<4x8xi4> to tensor<1x8xi4>
// CHECK: tensor.concat dim(0) %{{.+}}, %[[C]] : (tensor<1x8xi4>, tensor<1x8xi4>) -> tensor<2x8xi4>
func.func @retype(%a: tensor<4x8xsi4>) -> tensor<2x8xsi4> {
  %c = arith.constant dense<[[1, -1, 2, -2, 3, -3, 4, -4]]> : tensor<1x8xsi4>
  %s = tensor.extract_slice %a[0, 0] [1, 8] [1, 1] : tensor<4x8xsi4> to tensor<1x8xsi4>
  %r = tensor.concat dim(0) %s, %c : (tensor<1x8xsi4>, tensor<1x8xsi4>) -> tensor<2x8xsi4>
  return %r : tensor<2x8xsi4>
}
