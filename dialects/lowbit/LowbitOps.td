//===- LowbitOps.td - lowbit operations ---------------------------*- tablegen -*-===//
#ifndef LOWBIT_OPS_TD
#define LOWBIT_OPS_TD

include "LowbitBase.td"
include "LowbitTypes.td"
include "LowbitAttrs.td"
include "mlir/Interfaces/SideEffectInterfaces.td"

def Lowbit_AnyTensor : RankedTensorOf<[AnyType]>;
def Lowbit_OptTensor : Optional<RankedTensorOf<[AnyType]>>;

//===----------------------------------------------------------------------===//
// Quantization
//===----------------------------------------------------------------------===//

def Lowbit_QuantizeOp : Lowbit_Op<"quantize", [Pure, AttrSizedOperandSegments]> {
  let summary = "quantize real values to a low-bit element type";
  let description = [{
    Quantizes each element of a float tensor with the `scheme`:
    ```
    s = scale[g(i)]                       (s = s * tensor_scale when present)
    t = x[i] / s
    integer result:   q = clamp(roundeven(t) + zero[g(i)], min, max)   // NaN -> zero point
                      (zero = float: q = clamp(roundeven(t + zero[g(i)]), min, max))
    float result:     q = encode(t)       // round to nearest even, saturate to max finite
    codebook:         q = argmin_j |t - codebook[j]|                 // ties: lower j
    ```
    `g(i)` selects the scale of element `i` as the scheme's granularity says. All arithmetic is
    f32 (f16/bf16 inputs and scales are extended first).

    Constraints (each checked by the verifier):
    - `input` is a ranked tensor of f32, f16 or bf16; the result has the same shape and a
      low-bit element type (1-8 bit `si`/`ui` integer, low-bit float, `!lowbit.ternary`);
    - `scale` has the scheme's scale type and the scale shape the granularity implies;
    - `zero` is present exactly when the scheme has zero points, with the scale's shape;
    - `tensor_scale` (`tensor<f32>`) exactly when the scheme has `tensor_scale`;
    - `codebook` exactly when the scheme has `codebook = operand`; codebooks need an unsigned
      integer result of `b` bits and `2^b` entries.

    Example:
    ```mlir
    %q = lowbit.quantize %x scale(%s) zero(%z)
           {scheme = #lowbit.scheme<group(axis = 1, size = 32), scale = f16, zero = int>}
           : (tensor<8x64xf32>, tensor<8x2xf16>, tensor<8x2xui4>) -> tensor<8x64xui4>
    ```
  }];
  let arguments = (ins Lowbit_AnyTensor:$input, Lowbit_AnyTensor:$scale,
                       Lowbit_OptTensor:$zero, Lowbit_OptTensor:$tensor_scale,
                       Lowbit_OptTensor:$codebook, Lowbit_SchemeAttr:$scheme);
  let results = (outs Lowbit_AnyTensor:$result);
  let assemblyFormat = [{
    $input `scale` `(` $scale `)` (`zero` `(` $zero^ `)`)?
    (`tensor_scale` `(` $tensor_scale^ `)`)? (`codebook` `(` $codebook^ `)`)?
    attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def Lowbit_DequantizeOp : Lowbit_Op<"dequantize", [Pure, AttrSizedOperandSegments]> {
  let summary = "turn stored low-bit codes into real values";
  let description = [{
    ```
    v = codebook ? codebook[q[i]] : decode(q[i])
    v = v - zero[g(i)]                     // when the scheme has zero points
    r[i] = v * scale[g(i)]                 // then * tensor_scale when present
    ```
    computed in f32 and rounded (to nearest even) to the result element type (f32, f16, bf16).

    Constraints: the input has a low-bit element type; the result is f32, f16 or bf16 of the
    same shape; operands as for `lowbit.quantize`. Zero points need an integer element type
    (`zero = int`: same type as the input) or `zero = float` (the scale type).

    Example:
    ```mlir
    %w = lowbit.dequantize %q scale(%s)
           {scheme = #lowbit.scheme<group(axis = 1, size = 32), scale = f8E8M0FNU>}
           : (tensor<16x64xf4E2M1FN>, tensor<16x2xf8E8M0FNU>) -> tensor<16x64xf32>
    ```
  }];
  let arguments = (ins Lowbit_AnyTensor:$input, Lowbit_AnyTensor:$scale,
                       Lowbit_OptTensor:$zero, Lowbit_OptTensor:$tensor_scale,
                       Lowbit_OptTensor:$codebook, Lowbit_SchemeAttr:$scheme);
  let results = (outs Lowbit_AnyTensor:$result);
  let assemblyFormat = [{
    $input `scale` `(` $scale `)` (`zero` `(` $zero^ `)`)?
    (`tensor_scale` `(` $tensor_scale^ `)`)? (`codebook` `(` $codebook^ `)`)?
    attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Interchange packing
//===----------------------------------------------------------------------===//

def Lowbit_PackOp : Lowbit_Op<"pack", [Pure]> {
  let summary = "pack low-bit codes into interchange bytes";
  let description = [{
    Interchange packing: along the innermost axis, little-endian, least-significant bits first;
    element `k` of a row occupies bits `[k*b, (k+1)*b)` of the row's bytes, and each row is
    padded with zero bits to whole bytes. A `[.., K]` tensor of `b`-bit codes becomes
    `[.., ceil(K*b/8)]` bytes (`i8`). A rank-0 tensor becomes `tensor<1xi8>`.
    ```
    bytes[.., j] = OR over k of  (code(x[.., k]) << (k*b - 8*j))  restricted to bits 0..7
    ```
    Constraints: the input element type has 1-8 bits; the result is `i8` with the packed shape.

    Example (`7 * 4` bits = 3.5 bytes per row):
    ```mlir
    %b = lowbit.pack %q : tensor<4x7xui4> -> tensor<4x4xi8>
    ```
  }];
  let arguments = (ins Lowbit_AnyTensor:$input);
  let results = (outs Lowbit_AnyTensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
  let hasVerifier = 1;
}

def Lowbit_UnpackOp : Lowbit_Op<"unpack", [Pure]> {
  let summary = "read low-bit codes from interchange bytes";
  let description = [{
    The inverse of `lowbit.pack`: element `k` of a row is bits `[k*b, (k+1)*b)` of the row's
    bytes (LSB first); padding bits are ignored. The result type fixes `b` and the logical
    shape; the input must be `i8` with the packed shape.

    Example:
    ```mlir
    %q = lowbit.unpack %b : tensor<4x4xi8> -> tensor<4x7xui4>
    ```
  }];
  let arguments = (ins Lowbit_AnyTensor:$input);
  let results = (outs Lowbit_AnyTensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
  let hasVerifier = 1;
  let hasFolder = 1;
}

//===----------------------------------------------------------------------===//
// Mixed-precision GEMM
//===----------------------------------------------------------------------===//

def Lowbit_MpgemmOp : Lowbit_Op<"mpgemm", [Pure, AttrSizedOperandSegments]> {
  let summary = "activations times quantized weights (weight-only or W-A quantized GEMM)";
  let description = [{
    ```
    A = act_scheme ? dequantize(a, act_scale, act_zero) : decode(a)      // [.., M, K]
    W = dequantize(w, scale, zero, tensor_scale, codebook)               // [N, K]
    result[.., m, n] = sum_k A[.., m, k] * W[n, k]  (+ bias[n])
    ```
    accumulated in f32 and rounded to the result element type.

    With `quantize_activations` (an explicit opt-in; f32/f16/bf16 activations of rank 2 only)
    the activations are first quantized per token to `si8`, so that integer weights can take
    the integer dot:
    ```
    s[m] = max_k |A[m, k]| / 127        (1 for a row of zeros)
    A[m, k] = roundeven(A[m, k] / s[m]) * s[m]
    ```
    Each activation moves by at most s[m] / 2, so each result moves by at most
    (max_k |A[m, k]| / 254) * sum_k |W[n, k]| (for activations spread evenly, much less:
    the rounding errors are independent). Without the attribute activations are never
    quantized.

    Constraints:
    - `a`: rank >= 2, `[.., M, K]`, element f32, f16, bf16 or a low-bit type (e.g. `si8`,
      `f8E4M3FN`, `si4`). `act_scheme` (with `act_scale`, and `act_zero` when it has zero points)
      may only be given for low-bit activations; it may not use a codebook or a tensor scale.
    - `w`: `[N, K]` with a low-bit element type and `weight_scheme` (axes refer to `[N, K]`);
      `scale`, `zero`, `tensor_scale`, `codebook` as in `lowbit.dequantize`.
    - `bias`: `[N]`, f32, f16 or bf16.
    - result: `[.., M, N]` with `a`'s leading axes, element f32, f16 or bf16.
    - `schedule` (optional, `#lowbit.schedule`): how `lowbit-to-tile` computes the op;
      `lowbit-select-schedules` attaches one where it is missing.
    - `quantize_activations` (unit): f32, f16 or bf16 activations of rank 2, no `act_scheme`.

    Examples:
    ```mlir
    // W4A16, groups of 32 along K with integer zero points
    %y = lowbit.mpgemm %a, %w scale(%s) zero(%z)
           {weight_scheme = #lowbit.scheme<group(axis = 1, size = 32), scale = f16, zero = int>}
           : (tensor<7x64xf16>, tensor<16x64xui4>, tensor<16x2xf16>, tensor<16x2xui4>)
           -> tensor<7x16xf32>
    // W8A8 with per-token activation scales and a bias
    %y = lowbit.mpgemm %a, %w scale(%s) act_scale(%as) bias(%b)
           {weight_scheme = #lowbit.scheme<per_channel(axis = 0), scale = f32>,
            act_scheme = #lowbit.scheme<per_channel(axis = 0), scale = f32>}
           : (tensor<4x32xsi8>, tensor<8x32xsi8>, tensor<8xf32>, tensor<4xf32>, tensor<8xf32>)
           -> tensor<4x8xf32>
    ```
  }];
  let arguments = (ins Lowbit_AnyTensor:$a, Lowbit_AnyTensor:$w, Lowbit_AnyTensor:$scale,
                       Lowbit_OptTensor:$zero, Lowbit_OptTensor:$tensor_scale,
                       Lowbit_OptTensor:$codebook, Lowbit_OptTensor:$act_scale,
                       Lowbit_OptTensor:$act_zero, Lowbit_OptTensor:$bias,
                       Lowbit_SchemeAttr:$weight_scheme,
                       OptionalAttr<Lowbit_SchemeAttr>:$act_scheme,
                       OptionalAttr<Lowbit_ScheduleAttr>:$schedule,
                       UnitAttr:$quantize_activations);
  let results = (outs Lowbit_AnyTensor:$result);
  let assemblyFormat = [{
    $a `,` $w `scale` `(` $scale `)` (`zero` `(` $zero^ `)`)?
    (`tensor_scale` `(` $tensor_scale^ `)`)? (`codebook` `(` $codebook^ `)`)?
    (`act_scale` `(` $act_scale^ `)`)? (`act_zero` `(` $act_zero^ `)`)?
    (`bias` `(` $bias^ `)`)?
    attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Attention over a quantized KV cache
//===----------------------------------------------------------------------===//

def Lowbit_AttentionOp : Lowbit_Op<"attention", [Pure, AttrSizedOperandSegments]> {
  let summary = "scaled dot-product attention with a quantized KV cache and grouped-query heads";
  let description = [{
    ```
    K = k_scheme ? dequantize(k, k_scale, k_zero) : k          // [B, Hkv, Skv, D]
    V = v_scheme ? dequantize(v, v_scale, v_zero) : v          // [B, Hkv, Skv, Dv]
    K = concat(K, k_residual), V = concat(V, v_residual)       // along the tokens, with a
                                                               // residual window of Sr tokens
    for each b, query head h (kv head h / (Hq / Hkv)), query i:
      s[j] = softmax_scale * dot(q[b, h, i], K[b, h', j])
      s[j] = softcap * tanh(s[j] / softcap)                     // with softcap
      s[j] += mask[b, h, i, j]
      key j is visible when mask != -inf and (not causal or j <= i + Skv - Sq)
                         and (no window or j > i + Skv - Sq - window)
      p = softmax(s) over the visible keys                      // without sinks
      p[j] = exp(s[j] - m) / (exp(sinks[h] - m) + sum_j' exp(s[j'] - m)),
             m = max(sinks[h], max_j s[j])                      // with sinks
      result[b, h, i] = sum_j p[j] * V[b, h', j]                // 0 when no key is visible
    ```
    `window = W` is a sliding window (Mistral; onnxruntime's `local_window_size` + 1): query
    i sees at most the W keys ending at its position i + Skv - Sq.
    `k_residual` and `v_residual` are KIVI's residual window: the most recent Sr tokens, kept
    in full precision (f32, f16 or bf16) after the Skv tokens of the (quantized) cache. Keys
    are then the Skv + Sr tokens of both, in that order, for the causal limit and the mask.
    `sinks` are attention sinks: one extra logit per query head that takes part in the
    softmax's denominator only (gpt-oss; a sink of 0 for every head is the "smooth softmax"
    that adds 1 to the denominator).
    Quantized caches follow KIVI: keys per channel (e.g. `group(axis = 2, size = G)`: one scale
    per channel for each G tokens), values per token (e.g. `group(axis = 3, size = G)` or
    `per_channel` on the token axis). Any scheme without a codebook or tensor scale is accepted.

    Constraints:
    - `q`: `[B, Hq, Sq, D]` f32, f16 or bf16; `k`: `[B, Hkv, Skv, D]`; `v`: `[B, Hkv, Skv, Dv]`;
      `Hq % Hkv == 0`.
    - `k`/`v` are float (then without scheme and scales) or low-bit (then `k_scheme`/`v_scheme`
      with `k_scale`/`v_scale`, and zero points when the scheme has them).
    - `k_residual`: `[B, Hkv, Sr, D]`, `v_residual`: `[B, Hkv, Sr, Dv]`, f32/f16/bf16, both or
      neither; below, Skv stands for Skv + Sr when they are present.
    - `mask`: rank 4, f32/f16/bf16, each extent equal to `[B, Hq, Sq, Skv]`'s or 1; added to the
      scores.
    - `sinks`: `[Hq]`, f32/f16/bf16; `softcap` > 0; `window` >= 1.
    - `softmax_scale` defaults to `1 / sqrt(D)`.
    - result: `[B, Hq, Sq, Dv]`, f32, f16 or bf16.

    `schedule` (set by `lowbit-select-schedules`, or written by hand) sends the op through the
    fused kernel of `lowbit-to-tile` (float caches, and quantized ones of integer, fp8 and
    fp4 codes; docs/cpu-backend.md, "Attention"):
    `#lowbit.schedule<fma, workers = W, tile = [TM, TN, TK], split_k = S>` computes TM rows
    (query heads x queries of one KV head) per block, W of them at a time, over blocks of TN
    cached tokens, in steps of TK along the head dimension, with the cached sequence cut into
    S parts whose partial softmax states a second kernel merges.

    Example (4-bit KIVI cache, 8 query heads sharing 2 KV heads):
    ```mlir
    %o = lowbit.attention %q, %k, %v k_scale(%ks) k_zero(%kz) v_scale(%vs) v_zero(%vz)
           {causal, k_scheme = #lowbit.scheme<group(axis = 2, size = 32), scale = f16, zero = int>,
            v_scheme = #lowbit.scheme<group(axis = 3, size = 32), scale = f16, zero = int>}
           : (tensor<1x8x1x64xf16>, tensor<1x2x128x64xui4>, tensor<1x2x128x64xui4>,
              tensor<1x2x4x64xf16>, tensor<1x2x4x64xui4>, tensor<1x2x128x2xf16>,
              tensor<1x2x128x2xui4>) -> tensor<1x8x1x64xf16>
    ```
  }];
  let arguments = (ins Lowbit_AnyTensor:$q, Lowbit_AnyTensor:$k, Lowbit_AnyTensor:$v,
                       Lowbit_OptTensor:$k_scale, Lowbit_OptTensor:$k_zero,
                       Lowbit_OptTensor:$v_scale, Lowbit_OptTensor:$v_zero,
                       Lowbit_OptTensor:$k_residual, Lowbit_OptTensor:$v_residual,
                       Lowbit_OptTensor:$mask, Lowbit_OptTensor:$sinks,
                       OptionalAttr<Lowbit_SchemeAttr>:$k_scheme,
                       OptionalAttr<Lowbit_SchemeAttr>:$v_scheme,
                       UnitAttr:$causal, OptionalAttr<I64Attr>:$window,
                       OptionalAttr<F32Attr>:$softmax_scale,
                       OptionalAttr<F32Attr>:$softcap,
                       OptionalAttr<Lowbit_ScheduleAttr>:$schedule);
  let results = (outs Lowbit_AnyTensor:$result);
  let assemblyFormat = [{
    $q `,` $k `,` $v (`k_scale` `(` $k_scale^ `)`)? (`k_zero` `(` $k_zero^ `)`)?
    (`v_scale` `(` $v_scale^ `)`)? (`v_zero` `(` $v_zero^ `)`)?
    (`k_residual` `(` $k_residual^ `)`)? (`v_residual` `(` $v_residual^ `)`)?
    (`mask` `(` $mask^ `)`)?
    (`sinks` `(` $sinks^ `)`)? attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    /// softmax_scale, or 1/sqrt(D) when absent.
    float getEffectiveSoftmaxScale();
    /// The keys of the scores: Skv, plus Sr with a residual window (dynamic if either is).
    int64_t getNumKeys();
  }];
}

//===----------------------------------------------------------------------===//
// Mixture of experts
//===----------------------------------------------------------------------===//

def Lowbit_MoeOp : Lowbit_Op<"moe", [Pure, AttrSizedOperandSegments]> {
  let summary = "top-k routed mixture of FFN experts with quantized expert weights";
  let description = [{
    ```
    p[t] = softmax(router_logits[t])                       // over E experts
    sel[t] = the top_k experts by logit (ties: lower index)
    weight[t, e] = p[t, e]  (/ sum_{e' in sel[t]} p[t, e'] when normalize_topk)
    Wg, Wu, Wd = dequantize(w_gate), dequantize(w_up), dequantize(w_down)
    g = Wg[e] . x[t] + gate_bias[e]                         // [F]
    gated (w_up given):  u = Wu[e] . x[t] + up_bias[e]
                         with clamp_limit L: g = min(g, L), u = clamp(u, -L, L)
                         h = act(g) * (u + up_offset)
    otherwise:           h = act(g)
    result[t] = sum_{e in sel[t]} weight[t, e] * (Wd[e] . h + down_bias[e])
    ```
    `act` is `silu` (`g * sigmoid(activation_alpha * g)`, alpha 1 by default), `gelu` (erf),
    `gelu_tanh`, `relu` or `identity`. Arithmetic is f32. Missing biases are 0, `up_offset`
    is 0 by default and there is no clamping without `clamp_limit`: SwiGLU is `silu` with
    `w_up`; the clamped SwiGLU of gpt-oss is `silu` with `activation_alpha = 1.702`,
    `up_offset = 1.0`, `clamp_limit = 7.0`.

    Constraints:
    - `x`: `[T, H]` f32/f16/bf16; `router_logits`: `[T, E]` f32/f16/bf16;
    - `w_gate` and `w_up` (optional): `[E, F, H]`; `w_down`: `[E, H, F]`; all the same element
      type; low-bit weights need `weight_scheme` (one scheme for all; axes refer to each
      weight's own shape, e.g. `group(axis = 2, size = G)` groups along the input features) and
      `*_scale` operands (plus `*_zero` when it has zero points); f32/f16/bf16 weights take no
      scheme and no scales;
    - `gate_bias`, `up_bias` (only with `w_up`): `[E, F]`; `down_bias`: `[E, H]`; f32/f16/bf16;
    - `activation_alpha` only with `silu`; `up_offset` and `clamp_limit` (> 0) only with `w_up`;
    - `1 <= top_k <= E`; result `[T, H]`, f32, f16 or bf16.

    Example (8 experts, top-2, 4-bit experts grouped along the input features):
    ```mlir
    %y = lowbit.moe %x, %logits gate(%wg) up(%wu) down(%wd) gate_scale(%gs) up_scale(%us)
           down_scale(%ds)
           {top_k = 2 : i64, activation = #lowbit.activation<silu>, normalize_topk,
            weight_scheme = #lowbit.scheme<group(axis = 2, size = 32), scale = f16>}
           : (tensor<5x64xf32>, tensor<5x8xf32>, tensor<8x96x64xsi4>, tensor<8x96x64xsi4>,
              tensor<8x64x96xsi4>, tensor<8x96x2xf16>, tensor<8x96x2xf16>, tensor<8x64x3xf16>)
           -> tensor<5x64xf32>
    ```
  }];
  let arguments = (ins Lowbit_AnyTensor:$x, Lowbit_AnyTensor:$router_logits,
                       Lowbit_AnyTensor:$w_gate, Lowbit_OptTensor:$w_up,
                       Lowbit_AnyTensor:$w_down,
                       Lowbit_OptTensor:$gate_scale, Lowbit_OptTensor:$gate_zero,
                       Lowbit_OptTensor:$up_scale, Lowbit_OptTensor:$up_zero,
                       Lowbit_OptTensor:$down_scale, Lowbit_OptTensor:$down_zero,
                       Lowbit_OptTensor:$gate_bias, Lowbit_OptTensor:$up_bias,
                       Lowbit_OptTensor:$down_bias,
                       OptionalAttr<Lowbit_SchemeAttr>:$weight_scheme,
                       ConfinedAttr<I64Attr, [IntPositive]>:$top_k,
                       Lowbit_GateActivationAttr:$activation, UnitAttr:$normalize_topk,
                       OptionalAttr<F32Attr>:$activation_alpha,
                       OptionalAttr<F32Attr>:$up_offset,
                       OptionalAttr<F32Attr>:$clamp_limit);
  let results = (outs Lowbit_AnyTensor:$result);
  let assemblyFormat = [{
    $x `,` $router_logits `gate` `(` $w_gate `)` (`up` `(` $w_up^ `)`)? `down` `(` $w_down `)`
    (`gate_scale` `(` $gate_scale^ `)`)? (`gate_zero` `(` $gate_zero^ `)`)?
    (`up_scale` `(` $up_scale^ `)`)? (`up_zero` `(` $up_zero^ `)`)?
    (`down_scale` `(` $down_scale^ `)`)? (`down_zero` `(` $down_zero^ `)`)?
    (`gate_bias` `(` $gate_bias^ `)`)? (`up_bias` `(` $up_bias^ `)`)?
    (`down_bias` `(` $down_bias^ `)`)?
    attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

#endif // LOWBIT_OPS_TD
