//===- Ops.cpp - Scalar reference of mpgemm, attention and moe ------------===//
//
// Straightforward loops: every sum is accumulated in double (products of two floats are exact
// in double) and only the final results are rounded to f32.
//
//===----------------------------------------------------------------------===//

#include "lowbit/Reference/Ops.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <limits>
#include <numeric>

namespace lowbit::ref {

namespace {

constexpr double kNegInf = -std::numeric_limits<double>::infinity();

[[maybe_unused]] bool isValid(const FloatTensor &t) {
  return int64_t(t.data.size()) == numElements(t.shape);
}

/// Numerically stable softmax over the entries of `s` with visible[j] set, in place; entries
/// that are not visible get probability 0. Returns false (and zeroes `s`) when no visible entry
/// is above -inf.
bool softmaxInPlace(std::vector<double> &s, const std::vector<bool> &visible) {
  double maxScore = kNegInf;
  for (size_t j = 0; j < s.size(); ++j)
    if (visible[j])
      maxScore = std::max(maxScore, s[j]);
  if (maxScore == kNegInf) {
    std::fill(s.begin(), s.end(), 0.0);
    return false;
  }
  double sum = 0;
  for (size_t j = 0; j < s.size(); ++j) {
    s[j] = visible[j] ? std::exp(s[j] - maxScore) : 0.0;
    sum += s[j];
  }
  for (double &p : s)
    p /= sum;
  return true;
}

} // namespace

FloatTensor quantizeActivationsPerToken(const FloatTensor &a) {
  assert(isValid(a) && !a.shape.empty() && "tensor data does not match its shape");
  FloatTensor result = a;
  size_t k = static_cast<size_t>(a.shape.back());
  for (size_t row = 0; k && row < a.data.size() / k; ++row) {
    float *x = &result.data[row * k];
    float largest = 0.0f;
    bool finite = true;
    for (size_t i = 0; i < k; ++i) {
      finite = finite && std::isfinite(x[i]);
      largest = std::max(largest, std::fabs(x[i]));
    }
    float scale = largest == 0.0f ? 1.0f : largest / 127.0f;
    for (size_t i = 0; i < k; ++i) {
      float q = std::nearbyint(x[i] / scale);
      x[i] = finite ? std::clamp(q, -128.0f, 127.0f) * scale
                    : std::numeric_limits<float>::quiet_NaN();
    }
  }
  return result;
}

// a may have any rank >= 1: every axis but the last is a row axis ([K] gives [N]).
FloatTensor mpgemm(const FloatTensor &a, const FloatTensor &w, const FloatTensor *bias) {
  assert(isValid(a) && isValid(w) && "tensor data does not match its shape");
  assert(!a.shape.empty() && w.shape.size() == 2 && "a must be [.., M, K] and w [N, K]");
  int64_t K = a.shape.back();
  int64_t N = w.shape[0];
  assert(w.shape[1] == K && "reduction extents differ");
  assert((!bias || (bias->shape == Shape{N} && isValid(*bias))) && "bias must be [N]");
  int64_t rows = K == 0 ? numElements(Shape(a.shape.begin(), a.shape.end() - 1))
                        : numElements(a.shape) / K;
  FloatTensor y;
  y.shape = a.shape;
  y.shape.back() = N;
  y.data.resize(size_t(rows * N));
  for (int64_t m = 0; m < rows; ++m) {
    const float *aRow = a.data.data() + m * K;
    for (int64_t n = 0; n < N; ++n) {
      const float *wRow = w.data.data() + n * K;
      double acc = 0;
      for (int64_t k = 0; k < K; ++k)
        acc += double(aRow[k]) * double(wRow[k]);
      if (bias)
        acc += double(bias->data[size_t(n)]);
      y.data[size_t(m * N + n)] = static_cast<float>(acc);
    }
  }
  return y;
}

FloatTensor attention(const FloatTensor &q, const FloatTensor &k, const FloatTensor &v,
                      const FloatTensor *mask, bool causal, float scale, float softcap,
                      const FloatTensor *sinks, int64_t window) {
  assert(isValid(q) && isValid(k) && isValid(v) && "tensor data does not match its shape");
  assert(q.shape.size() == 4 && k.shape.size() == 4 && v.shape.size() == 4 && "rank 4 expected");
  int64_t B = q.shape[0], Hq = q.shape[1], Sq = q.shape[2], D = q.shape[3];
  int64_t Hkv = k.shape[1], Skv = k.shape[2], Dv = v.shape[3];
  assert(k.shape[0] == B && k.shape[3] == D && "k must be [B, Hkv, Skv, D]");
  assert(v.shape[0] == B && v.shape[1] == Hkv && v.shape[2] == Skv &&
         "v must be [B, Hkv, Skv, Dv]");
  assert(Hkv > 0 && Hq % Hkv == 0 && "query heads must be a multiple of kv heads");
  assert((!sinks || sinks->shape == Shape{Hq}) && "sinks must be [Hq]");
  int64_t group = Hq / Hkv;

  Shape full = {B, Hq, Sq, Skv};
  Shape maskStrides(4, 0);
  if (mask) {
    assert(isValid(*mask) && mask->shape.size() == 4 && "mask must have rank 4");
    Shape strides = stridesOf(mask->shape);
    for (size_t d = 0; d < 4; ++d) {
      assert((mask->shape[d] == 1 || mask->shape[d] == full[d]) && "mask does not broadcast");
      maskStrides[d] = mask->shape[d] == 1 ? 0 : strides[d];
    }
  }

  FloatTensor out;
  out.shape = {B, Hq, Sq, Dv};
  out.data.assign(size_t(numElements(out.shape)), 0.0f);
  std::vector<double> s(static_cast<size_t>(Skv));
  std::vector<bool> visible(static_cast<size_t>(Skv));
  for (int64_t b = 0; b < B; ++b) {
    for (int64_t h = 0; h < Hq; ++h) {
      int64_t hkv = h / group;
      const float *kHead = k.data.data() + (b * Hkv + hkv) * Skv * D;
      const float *vHead = v.data.data() + (b * Hkv + hkv) * Skv * Dv;
      for (int64_t i = 0; i < Sq; ++i) {
        const float *qRow = q.data.data() + ((b * Hq + h) * Sq + i) * D;
        for (int64_t j = 0; j < Skv; ++j) {
          int64_t position = i + (Skv - Sq);
          visible[size_t(j)] = (!causal || j <= position) && (window <= 0 || j > position - window);
          double dot = 0;
          for (int64_t d = 0; d < D; ++d)
            dot += double(qRow[d]) * double(kHead[j * D + d]);
          double score = double(scale) * dot;
          if (softcap > 0.0f)
            score = double(softcap) * std::tanh(score / double(softcap));
          if (mask)
            score += double(mask->data[size_t(b * maskStrides[0] + h * maskStrides[1] +
                                              i * maskStrides[2] + j * maskStrides[3])]);
          s[size_t(j)] = score;
        }
        if (sinks) {
          double sink = sinks->data[size_t(h)], maxScore = sink, sum = 0;
          for (int64_t j = 0; j < Skv; ++j)
            if (visible[size_t(j)])
              maxScore = std::max(maxScore, s[size_t(j)]);
          for (int64_t j = 0; j < Skv; ++j) {
            s[size_t(j)] = visible[size_t(j)] ? std::exp(s[size_t(j)] - maxScore) : 0.0;
            sum += s[size_t(j)];
          }
          sum += std::exp(sink - maxScore);
          for (double &p : s)
            p /= sum;
        } else if (!softmaxInPlace(s, visible)) {
          continue; // the output row stays 0
        }
        float *oRow = out.data.data() + ((b * Hq + h) * Sq + i) * Dv;
        for (int64_t e = 0; e < Dv; ++e) {
          double acc = 0;
          for (int64_t j = 0; j < Skv; ++j)
            acc += s[size_t(j)] * double(vHead[j * Dv + e]);
          oRow[e] = static_cast<float>(acc);
        }
      }
    }
  }
  return out;
}

double applyActivation(GateActivation act, double x, double alpha) {
  switch (act) {
  case GateActivation::SiLU:
    return x / (1.0 + std::exp(-alpha * x));
  case GateActivation::GELU:
    return 0.5 * x * (1.0 + std::erf(x / std::sqrt(2.0)));
  case GateActivation::GELUTanh: {
    const double kSqrt2OverPi = std::sqrt(2.0 / 3.14159265358979323846);
    return 0.5 * x * (1.0 + std::tanh(kSqrt2OverPi * (x + 0.044715 * x * x * x)));
  }
  case GateActivation::ReLU:
    return x > 0 ? x : 0.0;
  case GateActivation::Identity:
    return x;
  }
  return x;
}

FloatTensor moe(const FloatTensor &x, const FloatTensor &logits, const FloatTensor &wGate,
                const FloatTensor *wUp, const FloatTensor &wDown, const MoeOptions &options) {
  assert(isValid(x) && isValid(logits) && isValid(wGate) && (!wUp || isValid(*wUp)) &&
         isValid(wDown) && "tensor data does not match its shape");
  assert(x.shape.size() == 2 && logits.shape.size() == 2 && "x and logits must have rank 2");
  int64_t T = x.shape[0], H = x.shape[1], E = logits.shape[1], topK = options.topK;
  assert(logits.shape[0] == T && "logits must be [T, E]");
  assert(wGate.shape.size() == 3 && wGate.shape[0] == E && wGate.shape[2] == H &&
         "wGate must be [E, F, H]");
  int64_t F = wGate.shape[1];
  assert((!wUp || wUp->shape == wGate.shape) && "wUp must be [E, F, H]");
  assert(wDown.shape == (Shape{E, H, F}) && "wDown must be [E, H, F]");
  assert(topK >= 1 && topK <= E && "topK must be in 1..E");
  assert((!options.gateBias || options.gateBias->shape == (Shape{E, F})) &&
         (!options.upBias || options.upBias->shape == (Shape{E, F})) &&
         (!options.downBias || options.downBias->shape == (Shape{E, H})) &&
         "biases must be [E, F], [E, F], [E, H]");
  auto biasAt = [](const FloatTensor *bias, int64_t index) {
    return bias ? double(bias->data[size_t(index)]) : 0.0;
  };

  FloatTensor y;
  y.shape = {T, H};
  y.data.assign(size_t(T * H), 0.0f);
  std::vector<double> p(static_cast<size_t>(E)), acc(static_cast<size_t>(H)),
      hidden(static_cast<size_t>(F));
  std::vector<bool> all(static_cast<size_t>(E), true);
  std::vector<int64_t> order(static_cast<size_t>(E));
  double limit = options.limit;
  for (int64_t t = 0; t < T; ++t) {
    const float *xRow = x.data.data() + t * H;
    const float *lRow = logits.data.data() + t * E;
    for (int64_t e = 0; e < E; ++e)
      p[size_t(e)] = lRow[e];
    softmaxInPlace(p, all);
    // Highest logit first, the lower index first among equal logits.
    std::iota(order.begin(), order.end(), 0);
    // NaN logits sort last so that the order stays strict and weak.
    auto key = [&](int64_t e) { return std::isnan(lRow[e]) ? kNegInf : double(lRow[e]); };
    std::sort(order.begin(), order.end(), [&](int64_t a, int64_t b) {
      return key(a) != key(b) ? key(a) > key(b) : a < b;
    });
    double selectedSum = 0;
    for (int64_t r = 0; r < topK; ++r)
      selectedSum += p[size_t(order[size_t(r)])];

    std::fill(acc.begin(), acc.end(), 0.0);
    for (int64_t r = 0; r < topK; ++r) {
      int64_t e = order[size_t(r)];
      double weight = options.normalize ? p[size_t(e)] / selectedSum : p[size_t(e)];
      for (int64_t f = 0; f < F; ++f) {
        const float *gRow = wGate.data.data() + (e * F + f) * H;
        double g = biasAt(options.gateBias, e * F + f);
        for (int64_t h = 0; h < H; ++h)
          g += double(gRow[h]) * double(xRow[h]);
        if (!wUp) {
          hidden[size_t(f)] = applyActivation(options.act, g, options.alpha);
          continue;
        }
        const float *uRow = wUp->data.data() + (e * F + f) * H;
        double u = biasAt(options.upBias, e * F + f);
        for (int64_t h = 0; h < H; ++h)
          u += double(uRow[h]) * double(xRow[h]);
        g = std::min(g, limit);
        u = std::clamp(u, -limit, limit);
        hidden[size_t(f)] = applyActivation(options.act, g, options.alpha) * (u + options.upOffset);
      }
      for (int64_t h = 0; h < H; ++h) {
        const float *dRow = wDown.data.data() + (e * H + h) * F;
        double d = biasAt(options.downBias, e * H + h);
        for (int64_t f = 0; f < F; ++f)
          d += double(dRow[f]) * hidden[size_t(f)];
        acc[size_t(h)] += weight * d;
      }
    }
    for (int64_t h = 0; h < H; ++h)
      y.data[size_t(t * H + h)] = static_cast<float>(acc[size_t(h)]);
  }
  return y;
}

} // namespace lowbit::ref
