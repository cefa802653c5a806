//===- Ops.h - Scalar reference of mpgemm, attention and moe ------*- C++ -*-===//
//
// The operands here are already dequantized real values; callers dequantize with Quant.h.
// Accumulation is in double; results are rounded to f32.
//
//===----------------------------------------------------------------------===//
#ifndef LOWBIT_REFERENCE_OPS_H
#define LOWBIT_REFERENCE_OPS_H

#include "lowbit/Reference/Tensor.h"

#include <limits>

namespace lowbit::ref {

/// y[.., m, n] = sum_k a[.., m, k] * w[n, k] (+ bias[n]).
/// a: [.., M, K] (any number of leading batch axes), w: [N, K], bias: [N] or null.
FloatTensor mpgemm(const FloatTensor &a, const FloatTensor &w, const FloatTensor *bias);

/// The quantize_activations opt-in of lowbit.mpgemm: every row m of `a` ([.., K]) quantized to
/// si8 with s = max_k |a[m, k]| / 127 (1 for a row of zeros), q = roundeven(a / s) (NaN gives
/// 0), and returned as q * s. A row with a NaN or an infinity becomes NaN.
FloatTensor quantizeActivationsPerToken(const FloatTensor &a);

/// Scaled dot-product attention with grouped-query heads.
/// q: [B, Hq, Sq, D], k: [B, Hkv, Skv, D], v: [B, Hkv, Skv, Dv], Hq % Hkv == 0; query head h uses
/// kv head h / (Hq / Hkv).
/// s[i, j] = scale * dot(q[i], k[j]) (+ mask[b', h', i, j], the mask broadcasting over axes of
/// extent 1; mask has rank 4). causal: key j is visible to query i iff j <= i + (Skv - Sq).
/// p = softmax over visible j; out[i] = sum_j p[i, j] v[j]. A row with no visible key, or whose
/// scores are all -inf, is 0.
/// softcap > 0: s = softcap * tanh(scale * dot / softcap) before the mask is added. sinks ([Hq]
/// or null): query head h's sink joins the softmax's denominator, p[j] = exp(s[j] - m) /
/// (exp(sink - m) + sum exp(s - m)) with m = max(sink, max s). window > 0: a sliding window,
/// key j is visible to query i only when j > i + (Skv - Sq) - window.
FloatTensor attention(const FloatTensor &q, const FloatTensor &k, const FloatTensor &v,
                      const FloatTensor *mask, bool causal, float scale, float softcap = 0.0f,
                      const FloatTensor *sinks = nullptr, int64_t window = 0);

enum class GateActivation { SiLU, GELU, GELUTanh, ReLU, Identity };

/// Activation functions: silu(x) = x / (1 + exp(-alpha x)) (alpha is 1 unless given);
/// gelu(x) = x/2 (1 + erf(x / sqrt 2)); gelu_tanh(x) = x/2 (1 + tanh(sqrt(2/pi) (x + 0.044715
/// x^3))); relu(x) = max(x, 0); identity(x) = x.
double applyActivation(GateActivation act, double x, double alpha = 1.0);

/// What moe does besides its weights: routing and the FFN's activation.
struct MoeOptions {
  int64_t topK = 1;
  bool normalize = false;
  GateActivation act = GateActivation::SiLU;
  double alpha = 1.0;    // silu's sigmoid slope
  double upOffset = 0.0; // added to the up projection of a gated FFN
  double limit = std::numeric_limits<double>::infinity(); // clamp of gate and up (gated)
  /// [E, F], [E, F], [E, H], or null (0).
  const FloatTensor *gateBias = nullptr, *upBias = nullptr, *downBias = nullptr;
};

/// Mixture of FFN experts.
/// x: [T, H], logits: [T, E], wGate and wUp (null: not gated): [E, F, H], wDown: [E, H, F].
/// Routing: p = softmax(logits[t]); the top-k experts by logit (ties: lower index first) are
/// selected; their weight is p[e], divided by the sum over the selected when `normalize`.
/// g = wGate[e] x[t] + gateBias[e]; gated: u = wUp[e] x[t] + upBias[e], g = min(g, limit),
/// u = clamp(u, -limit, limit), h = act(g) (u + upOffset); else h = act(g).
/// y[t] = sum_{e selected} weight[t, e] * (wDown[e] h + downBias[e]).
FloatTensor moe(const FloatTensor &x, const FloatTensor &logits, const FloatTensor &wGate,
                const FloatTensor *wUp, const FloatTensor &wDown, const MoeOptions &options);

} // namespace lowbit::ref

#endif // LOWBIT_REFERENCE_OPS_H
