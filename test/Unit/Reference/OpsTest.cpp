//===- OpsTest.cpp - mpgemm, attention and moe on hand-checked cases ------===//

#include "lowbit/Reference/Ops.h"

#include "gtest/gtest.h"

#include <cmath>
#include <limits>

using namespace lowbit::ref;

namespace {

constexpr float kNegInf = -std::numeric_limits<float>::infinity();

FloatTensor tensor(Shape shape, std::vector<float> data) {
  return FloatTensor{std::move(shape), std::move(data)};
}

FloatTensor zeros(Shape shape) {
  return FloatTensor{shape, std::vector<float>(size_t(numElements(shape)), 0.0f)};
}

void expectNear(const std::vector<float> &actual, const std::vector<double> &expected,
                double tol = 1e-6) {
  ASSERT_EQ(actual.size(), expected.size());
  for (size_t i = 0; i < actual.size(); ++i)
    EXPECT_NEAR(actual[i], expected[i], tol) << "element " << i;
}

} // namespace

TEST(OpsTest, TensorHelpers) {
  EXPECT_EQ(numElements({}), 1);
  EXPECT_EQ(numElements({2, 3, 4}), 24);
  EXPECT_EQ(numElements({2, 0, 4}), 0);
  EXPECT_EQ(stridesOf({2, 3, 4}), (Shape{12, 4, 1}));
  EXPECT_EQ(stridesOf({}), Shape{});
}

TEST(OpsTest, MpgemmHandComputed) {
  FloatTensor a = tensor({2, 3}, {1, 2, 3, 4, 5, 6});
  FloatTensor w = tensor({2, 3}, {1, 0, -1, 0.5f, 0.5f, 0.5f});
  FloatTensor bias = tensor({2}, {10, -1});
  FloatTensor y = mpgemm(a, w, &bias);
  EXPECT_EQ(y.shape, (Shape{2, 2}));
  EXPECT_EQ(y.data, (std::vector<float>{8, 2, 8, 6.5f}));
  y = mpgemm(a, w, nullptr);
  EXPECT_EQ(y.data, (std::vector<float>{-2, 3, -2, 7.5f}));
  // Accumulation in double: 1e8 + 1 - 1e8 is 1, not 0 as in f32.
  y = mpgemm(tensor({1, 3}, {1e8f, 1, -1e8f}), tensor({1, 3}, {1, 1, 1}), nullptr);
  EXPECT_EQ(y.data, (std::vector<float>{1}));
  // Products in double: (1 + 2^-12)^2 - 1 = 2^-11 + 2^-24, which f32 products would lose.
  y = mpgemm(tensor({1, 2}, {1 + 0x1p-12f, -1}), tensor({1, 2}, {1 + 0x1p-12f, 1}), nullptr);
  EXPECT_EQ(y.data, (std::vector<float>{0x1p-11f + 0x1p-24f}));
  // Rank 1: a single row.
  y = mpgemm(tensor({3}, {1, 2, 3}), w, nullptr);
  EXPECT_EQ(y.shape, (Shape{2}));
  EXPECT_EQ(y.data, (std::vector<float>{-2, 3}));
}

TEST(OpsTest, MpgemmBatchAxes) {
  // a: [2, 1, 2, 3]; every [2, 3] slice must equal the unbatched product.
  FloatTensor a = tensor({2, 1, 2, 3}, {1, 2, 3, 4, 5, 6, -1, 0, 2, 0.25f, 8, -3});
  FloatTensor w = tensor({4, 3}, {1, 0, -1, 0.5f, 0.5f, 0.5f, 2, 1, 0, 0, 0, 3});
  FloatTensor y = mpgemm(a, w, nullptr);
  EXPECT_EQ(y.shape, (Shape{2, 1, 2, 4}));
  for (int b = 0; b < 2; ++b) {
    FloatTensor slice = tensor({2, 3}, std::vector<float>(a.data.begin() + b * 6,
                                                          a.data.begin() + b * 6 + 6));
    FloatTensor ys = mpgemm(slice, w, nullptr);
    EXPECT_EQ(std::vector<float>(y.data.begin() + b * 8, y.data.begin() + b * 8 + 8), ys.data);
  }
  EXPECT_EQ(y.data[8], -1 - 2.0f);         // [-1, 0, 2] . [1, 0, -1]
  EXPECT_EQ(y.data[15], -9.0f);            // [0.25, 8, -3] . [0, 0, 3]
}

TEST(OpsTest, AttentionUniformScoresAverageV) {
  // q = 0: every score is 0, so each output row is the mean of V.
  FloatTensor q = zeros({1, 1, 2, 2});
  FloatTensor k = tensor({1, 1, 3, 2}, {1, 2, 3, 4, 5, 6});
  FloatTensor v = tensor({1, 1, 3, 2}, {1, 2, 3, 4, 5, 9});
  FloatTensor o = attention(q, k, v, nullptr, false, 1.0f);
  EXPECT_EQ(o.shape, (Shape{1, 1, 2, 2}));
  expectNear(o.data, {3, 5, 3, 5});
}

TEST(OpsTest, AttentionHandSoftmax) {
  FloatTensor q = tensor({1, 1, 1, 2}, {1, 0});
  FloatTensor k = tensor({1, 1, 2, 2}, {1, 0, 0, 0});
  FloatTensor v = tensor({1, 1, 2, 1}, {1, 0});
  FloatTensor o = attention(q, k, v, nullptr, false, 0.5f);
  double p0 = std::exp(0.5) / (std::exp(0.5) + 1);
  expectNear(o.data, {p0});
  // Huge scores stay finite (the maximum is subtracted first).
  o = attention(tensor({1, 1, 1, 1}, {1000}), tensor({1, 1, 2, 1}, {1, 0}), v, nullptr, false,
                1.0f);
  expectNear(o.data, {1.0});
  o = attention(tensor({1, 1, 1, 1}, {1000}), tensor({1, 1, 2, 1}, {1, 1.001f}), v, nullptr,
                false, 1.0f);
  expectNear(o.data, {1 / (1 + std::exp(1000 * double(1.001f) - 1000))});
}

TEST(OpsTest, AttentionCausal) {
  // Sq = 2 < Skv = 4: query i sees keys j <= i + 2.
  FloatTensor v = tensor({1, 1, 4, 1}, {1, 2, 3, 10});
  FloatTensor o = attention(zeros({1, 1, 2, 1}), zeros({1, 1, 4, 1}), v, nullptr, true, 1.0f);
  expectNear(o.data, {2, 4});
  // Sq = Skv: the usual lower triangle.
  o = attention(zeros({1, 1, 4, 1}), zeros({1, 1, 4, 1}), v, nullptr, true, 1.0f);
  expectNear(o.data, {1, 1.5, 2, 4});
  // Sq = 3 > Skv = 2: query 0 sees nothing and is 0.
  FloatTensor v2 = tensor({1, 1, 2, 1}, {4, 8});
  o = attention(zeros({1, 1, 3, 1}), zeros({1, 1, 2, 1}), v2, nullptr, true, 1.0f);
  expectNear(o.data, {0, 4, 6});
  EXPECT_EQ(o.data[0], 0.0f);
}

TEST(OpsTest, AttentionGroupedQueryHeads) {
  // Hq = 4, Hkv = 2: heads 0 and 1 read kv head 0, heads 2 and 3 kv head 1.
  FloatTensor v = tensor({1, 2, 2, 1}, {1, 3, 10, 20});
  FloatTensor o = attention(zeros({1, 4, 1, 1}), zeros({1, 2, 2, 1}), v, nullptr, false, 1.0f);
  EXPECT_EQ(o.shape, (Shape{1, 4, 1, 1}));
  expectNear(o.data, {2, 2, 15, 15});
  // Head-specific queries against head-specific keys: key 1 of kv head 1 wins for heads 2, 3.
  FloatTensor q = tensor({1, 4, 1, 1}, {0, 0, 100, 100});
  FloatTensor k = tensor({1, 2, 2, 1}, {0, 0, 0, 1});
  o = attention(q, k, v, nullptr, false, 1.0f);
  expectNear(o.data, {2, 2, 20, 20});
  // Batches are independent.
  FloatTensor vb = tensor({2, 1, 2, 1}, {1, 3, -5, -7});
  o = attention(zeros({2, 2, 1, 1}), zeros({2, 1, 2, 1}), vb, nullptr, false, 1.0f);
  expectNear(o.data, {2, 2, -6, -6});
}

TEST(OpsTest, AttentionMasks) {
  FloatTensor q = zeros({1, 2, 2, 1});
  FloatTensor k = zeros({1, 1, 3, 1});
  FloatTensor v = tensor({1, 1, 3, 1}, {1, 100, 5});
  // [1, 1, 1, Skv]: key 1 hidden everywhere.
  FloatTensor m = tensor({1, 1, 1, 3}, {0, kNegInf, 0});
  FloatTensor o = attention(q, k, v, &m, false, 1.0f);
  expectNear(o.data, {3, 3, 3, 3});
  // [1, Hq, 1, 1]: a per-head constant does not change the softmax.
  m = tensor({1, 2, 1, 1}, {7, -3});
  o = attention(q, k, v, &m, false, 1.0f);
  expectNear(o.data, {106.0 / 3, 106.0 / 3, 106.0 / 3, 106.0 / 3}, 1e-5);
  // [1, 1, Sq, 1]: query row 1 fully masked gives 0, row 0 unchanged.
  m = tensor({1, 1, 2, 1}, {0, kNegInf});
  o = attention(q, k, v, &m, false, 1.0f);
  expectNear(o.data, {106.0 / 3, 0, 106.0 / 3, 0}, 1e-5);
  // A full [B, Hq, Sq, Skv] additive mask: ln 2 doubles the weight of key 2.
  std::vector<float> full(12, 0.0f);
  full[2] = float(std::log(2.0));
  m = tensor({1, 2, 2, 3}, full);
  o = attention(q, k, v, &m, false, 1.0f);
  double w = std::exp(double(full[2]));
  expectNear(o.data, {(1 + 100 + 5 * w) / (2 + w), 106.0 / 3, 106.0 / 3, 106.0 / 3}, 1e-4);
  // Mask and causal together: row 0 (sees keys 0, 1 as Skv - Sq = 1) with key 1 masked.
  m = tensor({1, 1, 1, 3}, {0, kNegInf, 0});
  o = attention(q, k, v, &m, true, 1.0f);
  expectNear(o.data, {1, 3, 1, 3});
}

TEST(OpsTest, Activations) {
  EXPECT_EQ(applyActivation(GateActivation::SiLU, 0), 0);
  EXPECT_NEAR(applyActivation(GateActivation::SiLU, 1), 0.7310585786300049, 1e-15);
  EXPECT_NEAR(applyActivation(GateActivation::SiLU, -1), -0.2689414213699951, 1e-15);
  EXPECT_NEAR(applyActivation(GateActivation::SiLU, 2), 1.7615941559557646, 1e-15);
  EXPECT_EQ(applyActivation(GateActivation::GELU, 0), 0);
  EXPECT_NEAR(applyActivation(GateActivation::GELU, 1), 0.8413447460685429, 1e-15);
  EXPECT_NEAR(applyActivation(GateActivation::GELU, -1), -0.15865525393145707, 1e-15);
  EXPECT_NEAR(applyActivation(GateActivation::GELU, 2), 1.9544997361036416, 1e-15);
  EXPECT_EQ(applyActivation(GateActivation::GELUTanh, 0), 0);
  EXPECT_NEAR(applyActivation(GateActivation::GELUTanh, 1), 0.8411919906082768, 1e-15);
  EXPECT_NEAR(applyActivation(GateActivation::GELUTanh, -1), -0.15880800939172324, 1e-15);
  EXPECT_NEAR(applyActivation(GateActivation::GELUTanh, 2), 1.954597694087775, 1e-15);
  EXPECT_NEAR(applyActivation(GateActivation::SiLU, -50), 0, 1e-18);
  EXPECT_EQ(applyActivation(GateActivation::GELU, 50), 50);
  EXPECT_EQ(applyActivation(GateActivation::ReLU, -2), 0);
  EXPECT_EQ(applyActivation(GateActivation::ReLU, 1.5), 1.5);
  EXPECT_EQ(applyActivation(GateActivation::Identity, -2.5), -2.5);
  // silu with a sigmoid slope: x * sigmoid(1.702 x).
  EXPECT_NEAR(applyActivation(GateActivation::SiLU, 1, 1.702), 0.8457957659328212, 1e-15);
}

namespace {

/// moe with a gated FFN, no biases and the default activation parameters.
FloatTensor gatedMoe(const FloatTensor &x, const FloatTensor &logits, const FloatTensor &wGate,
                     const FloatTensor &wUp, const FloatTensor &wDown, int64_t topK,
                     bool normalize, GateActivation act) {
  MoeOptions options;
  options.topK = topK;
  options.normalize = normalize;
  options.act = act;
  return moe(x, logits, wGate, &wUp, wDown, options);
}

// One token, H = F = 1, three experts: expert e computes d_e * act(g_e x) * (u_e x).
struct TinyMoe {
  FloatTensor x = tensor({1, 1}, {2});
  FloatTensor wGate = tensor({3, 1, 1}, {1, 0.5f, 3});
  FloatTensor wUp = tensor({3, 1, 1}, {1, 2, 1});
  FloatTensor wDown = tensor({3, 1, 1}, {1, -1, 2});

  double expert(int e, GateActivation act) const {
    double xv = x.data[0];
    return wDown.data[size_t(e)] * applyActivation(act, wGate.data[size_t(e)] * xv) *
           (wUp.data[size_t(e)] * xv);
  }
};

} // namespace

TEST(OpsTest, MoeRouting) {
  TinyMoe m;
  FloatTensor logits = tensor({1, 3}, {0.5f, 2.0f, -1.0f});
  double z = std::exp(0.5) + std::exp(2.0) + std::exp(-1.0);
  double p0 = std::exp(0.5) / z, p1 = std::exp(2.0) / z;
  auto act = GateActivation::SiLU;
  // Top-1 picks expert 1 (largest logit).
  FloatTensor y = gatedMoe(m.x, logits, m.wGate, m.wUp, m.wDown, 1, true, act);
  EXPECT_EQ(y.shape, (Shape{1, 1}));
  expectNear(y.data, {m.expert(1, act)});
  EXPECT_NEAR(y.data[0], -4 * 0.7310585786300049, 1e-6);
  y = gatedMoe(m.x, logits, m.wGate, m.wUp, m.wDown, 1, false, act);
  expectNear(y.data, {p1 * m.expert(1, act)});
  // Top-2: experts 1 and 0.
  y = gatedMoe(m.x, logits, m.wGate, m.wUp, m.wDown, 2, true, act);
  expectNear(y.data, {(p1 * m.expert(1, act) + p0 * m.expert(0, act)) / (p0 + p1)});
  y = gatedMoe(m.x, logits, m.wGate, m.wUp, m.wDown, 2, false, act);
  expectNear(y.data, {p1 * m.expert(1, act) + p0 * m.expert(0, act)});
  // Top-3 normalized: weights sum to one.
  y = gatedMoe(m.x, logits, m.wGate, m.wUp, m.wDown, 3, true, GateActivation::GELU);
  double all = 0;
  for (int e = 0; e < 3; ++e)
    all += std::exp(double(logits.data[size_t(e)])) / z * m.expert(e, GateActivation::GELU);
  expectNear(y.data, {all}, 1e-5);
}

TEST(OpsTest, MoeTiesPreferLowerIndex) {
  TinyMoe m;
  auto act = GateActivation::GELUTanh;
  FloatTensor logits = tensor({1, 3}, {1.0f, 1.0f, 0.0f});
  FloatTensor y = gatedMoe(m.x, logits, m.wGate, m.wUp, m.wDown, 1, true, act);
  expectNear(y.data, {m.expert(0, act)});
  y = gatedMoe(m.x, logits, m.wGate, m.wUp, m.wDown, 2, true, act);
  expectNear(y.data, {0.5 * m.expert(0, act) + 0.5 * m.expert(1, act)});
  // Ties further down the order: expert 2 beats expert 1 only by index order when equal.
  logits = tensor({1, 3}, {5.0f, 0.0f, 0.0f});
  y = gatedMoe(m.x, logits, m.wGate, m.wUp, m.wDown, 2, true, act);
  double e0 = std::exp(5.0), e1 = std::exp(0.0);
  expectNear(y.data, {(e0 * m.expert(0, act) + e1 * m.expert(1, act)) / (e0 + e1)}, 1e-5);
}

TEST(OpsTest, MoeTokensAreIndependent) {
  // T = 2, H = 2, F = 3, E = 2: the two-token result equals two one-token calls.
  FloatTensor x = tensor({2, 2}, {1, -2, 0.5f, 3});
  FloatTensor logits = tensor({2, 2}, {0.3f, -0.2f, -1.0f, 2.0f});
  std::vector<float> g(12), u(12), d(12);
  for (int i = 0; i < 12; ++i) {
    g[size_t(i)] = 0.1f * float(i) - 0.5f;
    u[size_t(i)] = 0.25f * float(i % 5) - 0.3f;
    d[size_t(i)] = 0.2f * float((i * 7) % 11) - 1.0f;
  }
  FloatTensor wg = tensor({2, 3, 2}, g), wu = tensor({2, 3, 2}, u), wd = tensor({2, 2, 3}, d);
  FloatTensor y = gatedMoe(x, logits, wg, wu, wd, 1, false, GateActivation::SiLU);
  EXPECT_EQ(y.shape, (Shape{2, 2}));
  for (int t = 0; t < 2; ++t) {
    FloatTensor xt = tensor({1, 2}, {x.data[size_t(2 * t)], x.data[size_t(2 * t + 1)]});
    FloatTensor lt = tensor({1, 2}, {logits.data[size_t(2 * t)], logits.data[size_t(2 * t + 1)]});
    FloatTensor yt = gatedMoe(xt, lt, wg, wu, wd, 1, false, GateActivation::SiLU);
    EXPECT_EQ(y.data[size_t(2 * t)], yt.data[0]);
    EXPECT_EQ(y.data[size_t(2 * t + 1)], yt.data[1]);
  }
  // Token 0 routes to expert 0; check h = 0 by hand.
  double p = 1 / (1 + std::exp(double(-0.2f) - double(0.3f)));
  double out = 0;
  for (int f = 0; f < 3; ++f) {
    double gate = double(g[size_t(2 * f)]) * 1 + double(g[size_t(2 * f + 1)]) * -2;
    double up = double(u[size_t(2 * f)]) * 1 + double(u[size_t(2 * f + 1)]) * -2;
    out += double(d[size_t(f)]) * applyActivation(GateActivation::SiLU, gate) * up;
  }
  EXPECT_NEAR(y.data[0], p * out, 1e-6);
}

TEST(OpsTest, MoeBiasesClampAndUngated) {
  // One token, H = F = 1, two experts; the logits pick expert 0 (weight 1 after top-1
  // renormalization).
  FloatTensor x = tensor({1, 1}, {2}), logits = tensor({1, 2}, {1, 0});
  FloatTensor wGate = tensor({2, 1, 1}, {3, 1}), wUp = tensor({2, 1, 1}, {4, 1});
  FloatTensor wDown = tensor({2, 1, 1}, {0.5f, 1});
  FloatTensor gateBias = tensor({2, 1}, {0.5f, 0}), upBias = tensor({2, 1}, {-1, 0});
  FloatTensor downBias = tensor({2, 1}, {0.25f, 0});
  MoeOptions options;
  options.normalize = true;
  options.gateBias = &gateBias;
  options.upBias = &upBias;
  options.downBias = &downBias;
  // Gated, clamped: g = min(6.5, 5), u = clamp(7, -5, 5) + 1, h = g sigmoid(2 g) u.
  options.alpha = 2;
  options.upOffset = 1;
  options.limit = 5;
  FloatTensor y = moe(x, logits, wGate, &wUp, wDown, options);
  expectNear(y.data, {0.5 * 5 / (1 + std::exp(-10.0)) * 6 + 0.25});
  // Not gated: h = relu(g + bias).
  options = MoeOptions();
  options.normalize = true;
  options.act = GateActivation::ReLU;
  options.gateBias = &gateBias;
  options.downBias = &downBias;
  y = moe(x, logits, wGate, nullptr, wDown, options);
  expectNear(y.data, {0.5 * 6.5 + 0.25});
  x = tensor({1, 1}, {-2});
  y = moe(x, logits, wGate, nullptr, wDown, options);
  expectNear(y.data, {0.25});
}
