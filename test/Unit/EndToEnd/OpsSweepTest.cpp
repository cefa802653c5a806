//===- OpsSweepTest.cpp - mpgemm, attention and moe sweeps ------------------===//
//
// The JIT accumulates in f32, the reference in double: results agree within a tolerance that
// covers f32 accumulation over K terms and one rounding of f16/bf16 results.
//
//===----------------------------------------------------------------------===//
#include "SweepHarness.h"

#include "gtest/gtest.h"

using namespace lowbit::sweep;

namespace {

std::string tensor(const std::vector<int64_t> &shape, const std::string &element) {
  std::string text = "tensor<";
  for (int64_t extent : shape)
    text += std::to_string(extent) + "x";
  return text + element + ">";
}

/// Tolerances for a result element type.
void setTolerance(Case &c, const std::string &element) {
  c.atol = 2e-4;
  c.rtol = element == "f32" ? 2e-4 : element == "f16" ? 2e-3 : 1.6e-2;
}

struct Weight {
  const char *type;
  const char *scheme;   // inside #lowbit.scheme<...>, for w: [N, K]
  bool zero;            // integer zero points
  enum { Group8, PerChannel, PerTensor, Block } scales;
  const char *scaleElem;
  bool tensorScale = false;
};

const Weight kWeights[] = {
    {"ui4", "group(axis = 1, size = 8), scale = f16, zero = int", true, Weight::Group8, "f16"},
    {"si4", "group(axis = 1, size = 8), scale = bf16", false, Weight::Group8, "bf16"},
    {"si8", "per_channel(axis = 0), scale = f32", false, Weight::PerChannel, "f32"},
    {"ui2", "group(axis = 1, size = 8), scale = f32, zero = int", true, Weight::Group8, "f32"},
    {"si3", "per_channel(axis = 0), scale = f16", false, Weight::PerChannel, "f16"},
    {"ui5", "block(4, 8), scale = f32, zero = int", true, Weight::Block, "f32"},
    {"f4E2M1FN", "group(axis = 1, size = 8), scale = f8E8M0FNU", false, Weight::Group8, "f8E8M0FNU"},
    {"f4E2M1FN", "group(axis = 1, size = 8), scale = f8E4M3FN, tensor_scale", false, Weight::Group8,
     "f8E4M3FN", true},
    {"f8E4M3FN", "per_tensor, scale = f32", false, Weight::PerTensor, "f32"},
    {"f6E2M3FN", "group(axis = 1, size = 8), scale = f16", false, Weight::Group8, "f16"},
    {"!lowbit.float<e3m2, nan>", "per_channel(axis = 0), scale = f32", false, Weight::PerChannel, "f32"},
    {"!lowbit.ternary", "per_tensor, scale = f32", false, Weight::PerTensor, "f32"},
    {"ui4", "group(axis = 1, size = 8), scale = f16, codebook = nf4", false, Weight::Group8, "f16"},
};

std::vector<int64_t> scaleShape(const Weight &w, int64_t n, int64_t k) {
  switch (w.scales) {
  case Weight::Group8:
    return {n, (k + 7) / 8};
  case Weight::PerChannel:
    return {n};
  case Weight::PerTensor:
    return {};
  case Weight::Block:
    return {(n + 3) / 4, (k + 7) / 8};
  }
  return {};
}

struct Activation {
  const char *type;
  const char *scheme; // empty: none; else per-token (axis 0 of a 2-D a)
};
const Activation kActivations[] = {{"f32", ""},      {"f16", ""},
                                   {"bf16", ""},     {"si8", "per_channel(axis = 0), scale = f32"},
                                   {"f8E4M3FN", ""}, {"si4", ""}};

Case mpgemmCase(const Weight &w, const Activation &act, std::vector<int64_t> aShape, int64_t n,
                bool bias, const std::string &result) {
  int64_t k = aShape.back();
  std::vector<int64_t> rShape = aShape;
  rShape.back() = n;
  Case c;
  c.name = "Mpgemm_" + sanitize(w.type) + "_" + sanitize(w.scheme) +
           "_" + act.type + "_M" + std::to_string(aShape[aShape.size() - 2]) + "N" +
           std::to_string(n) + "K" + std::to_string(k) + (aShape.size() > 2 ? "_batch" : "") +
           (bias ? "_bias" : "") + "_" + result;
  bool actIsReal = std::string(act.type) == "f32" || act.type[0] == 'b' || act.type[1] == '1';
  c.arguments.push_back({tensor(aShape, act.type), actIsReal ? real() : codes()});
  c.arguments.push_back({tensor({n, k}, w.type), codes()});
  std::string scaleType = tensor(scaleShape(w, n, k), w.scaleElem);
  c.arguments.push_back({scaleType, scales(0.25, 2)});
  std::string operands = "%arg0, %arg1 scale(%arg2)";
  std::string types = c.arguments[0].type + ", " + c.arguments[1].type + ", " + scaleType;
  int next = 3;
  auto add = [&](const std::string &keyword, const std::string &type, Distribution dist) {
    c.arguments.push_back({type, dist});
    operands += " " + keyword + "(%arg" + std::to_string(next++) + ")";
    types += ", " + type;
  };
  if (w.zero)
    add("zero", tensor(scaleShape(w, n, k), w.type), codes());
  if (w.tensorScale)
    add("tensor_scale", "tensor<f32>", scales(0.5, 2));
  std::string attrs = "weight_scheme = #lowbit.scheme<" + std::string(w.scheme) + ">";
  if (*act.scheme) {
    std::vector<int64_t> rows(aShape.begin(), aShape.end() - 1);
    add("act_scale", tensor({rows.front()}, "f32"), scales(0.01, 0.1));
    attrs += ", act_scheme = #lowbit.scheme<" + std::string(act.scheme) + ">";
  }
  if (bias)
    add("bias", tensor({n}, "f32"), real());
  c.resultType = tensor(rShape, result);
  c.body = "%r = lowbit.mpgemm " + operands + " {" + attrs + "} : (" + types + ") -> " +
           c.resultType;
  setTolerance(c, result);
  return c;
}

std::vector<Case> mpgemmCases() {
  std::vector<Case> cases;
  const char *results[] = {"f32", "f16", "bf16"};
  int rotate = 0;
  for (const Weight &w : kWeights) {
    // Odd shapes: N = 1, M = 7, K not a multiple of a byte's worth of elements.
    cases.push_back(mpgemmCase(w, kActivations[0], {7, 37}, 1, false, "f32"));
    cases.push_back(mpgemmCase(w, kActivations[rotate % 6 == 3 ? 0 : rotate % 6], {5, 24}, 9,
                               rotate % 2 == 0, results[rotate % 3]));
    ++rotate;
  }
  for (const Activation &act : kActivations) {
    cases.push_back(mpgemmCase(kWeights[0], act, {3, 40}, 16, true, "f32"));
    if (!*act.scheme)
      cases.push_back(mpgemmCase(kWeights[6], act, {2, 3, 16}, 4, false, "f16"));
  }
  return cases;
}

/// attention with float or KIVI-quantized caches.
Case attentionCase(const std::string &name, int64_t b, int64_t hq, int64_t hkv, int64_t sq,
                   int64_t skv, int64_t d, const std::string &qElem, const std::string &cache,
                   bool causal, bool mask, const std::string &result) {
  Case c;
  c.name = "Attention_" + name;
  c.arguments.push_back({tensor({b, hq, sq, d}, qElem), real()});
  std::string operands = "%arg0, %arg1, %arg2", attrs;
  std::string types = tensor({b, hq, sq, d}, qElem);
  int next = 3;
  auto add = [&](const std::string &keyword, const std::string &type, Distribution dist) {
    c.arguments.push_back({type, dist});
    operands += " " + keyword + "(%arg" + std::to_string(next++) + ")";
    types += ", " + type;
  };
  bool quantized = cache == "ui4" || cache == "ui2" || cache == "f8E4M3FN";
  c.arguments.push_back({tensor({b, hkv, skv, d}, cache), quantized ? codes() : real()});
  c.arguments.push_back({tensor({b, hkv, skv, d}, cache), quantized ? codes() : real()});
  types += ", " + tensor({b, hkv, skv, d}, cache) + ", " + tensor({b, hkv, skv, d}, cache);
  if (quantized) {
    bool zero = cache != "f8E4M3FN";
    std::string zeroClause = zero ? ", zero = int" : "";
    // Keys per channel in groups of 4 tokens, values per token in groups of 8 channels.
    std::vector<int64_t> kScale = {b, hkv, (skv + 3) / 4, d}, vScale = {b, hkv, skv, (d + 7) / 8};
    add("k_scale", tensor(kScale, "f16"), scales(0.05, 0.3));
    if (zero)
      add("k_zero", tensor(kScale, cache), codes());
    add("v_scale", tensor(vScale, "f16"), scales(0.05, 0.3));
    if (zero)
      add("v_zero", tensor(vScale, cache), codes());
    attrs += "k_scheme = #lowbit.scheme<group(axis = 2, size = 4), scale = f16" + zeroClause +
             ">, v_scheme = #lowbit.scheme<group(axis = 3, size = 8), scale = f16" + zeroClause +
             ">";
  }
  if (mask)
    add("mask", tensor({1, hq, sq, skv}, "f32"), real(-2, 0));
  if (causal)
    attrs += std::string(attrs.empty() ? "" : ", ") + "causal";
  c.resultType = tensor({b, hq, sq, d}, result);
  c.body = "%r = lowbit.attention " + operands + " {" + attrs + "} : (" + types + ") -> " +
           c.resultType;
  setTolerance(c, result);
  return c;
}

std::vector<Case> attentionCases() {
  return {
      attentionCase("f32_mha", 2, 2, 2, 5, 5, 16, "f32", "f32", false, false, "f32"),
      attentionCase("f16_gqa_causal_decode", 1, 8, 2, 1, 19, 16, "f16", "f16", true, false, "f16"),
      attentionCase("kivi4_gqa_causal", 1, 4, 2, 3, 13, 16, "f16", "ui4", true, false, "f32"),
      attentionCase("kivi2_mask", 2, 2, 1, 4, 9, 8, "f32", "ui2", false, true, "f32"),
      attentionCase("fp8_causal_prefill_more_queries", 1, 2, 2, 6, 4, 8, "bf16", "f8E4M3FN", true,
                    false, "bf16"),
      attentionCase("kivi4_mask_causal", 1, 2, 2, 7, 7, 12, "f32", "ui4", true, true, "f32"),
  };
}

/// moe: quantized or float experts, every activation, top-k 1, 2 and E.
Case moeCase(const std::string &name, int64_t t, int64_t h, int64_t e, int64_t f,
             const std::string &weight, int64_t topK, const std::string &act, bool normalize,
             const std::string &result) {
  Case c;
  c.name = "Moe_" + name;
  c.arguments = {{tensor({t, h}, "f32"), real()}, {tensor({t, e}, "f32"), real(-3, 3)}};
  std::string types = tensor({t, h}, "f32") + ", " + tensor({t, e}, "f32");
  bool quantized = weight != "f32" && weight != "f16";
  for (auto shape : {std::vector<int64_t>{e, f, h}, {e, f, h}, {e, h, f}}) {
    c.arguments.push_back({tensor(shape, weight), quantized ? codes() : real(-0.5, 0.5)});
    types += ", " + tensor(shape, weight);
  }
  std::string operands = "%arg0, %arg1 gate(%arg2) up(%arg3) down(%arg4)", attrs;
  int next = 5;
  if (quantized) {
    bool zero = weight[0] == 'u';
    const char *names[] = {"gate", "up", "down"};
    std::vector<int64_t> shapes[] = {{e, f, (h + 7) / 8}, {e, f, (h + 7) / 8}, {e, h, (f + 7) / 8}};
    for (int i = 0; i < 3; ++i) {
      std::string scale = tensor(shapes[i], "f16");
      c.arguments.push_back({scale, scales(0.02, 0.1)});
      operands += std::string(" ") + names[i] + "_scale(%arg" + std::to_string(next++) + ")";
      types += ", " + scale;
      if (zero) {
        std::string z = tensor(shapes[i], weight);
        c.arguments.push_back({z, codes()});
        operands += std::string(" ") + names[i] + "_zero(%arg" + std::to_string(next++) + ")";
        types += ", " + z;
      }
    }
    attrs += ", weight_scheme = #lowbit.scheme<group(axis = 2, size = 8), scale = f16" +
             std::string(zero ? ", zero = int" : "") + ">";
  }
  if (normalize)
    attrs += ", normalize_topk";
  c.resultType = tensor({t, h}, result);
  c.body = "%r = lowbit.moe " + operands + " {top_k = " + std::to_string(topK) +
           " : i64, activation = #lowbit.activation<" + act + ">" + attrs + "} : (" + types +
           ") -> " + c.resultType;
  setTolerance(c, result);
  c.atol = 1e-3;
  return c;
}

std::vector<Case> moeCases() {
  return {
      moeCase("si4_silu_top2_norm", 5, 16, 4, 12, "si4", 2, "silu", true, "f32"),
      moeCase("ui4_gelu_top1", 3, 24, 3, 8, "ui4", 1, "gelu", false, "f32"),
      moeCase("f16_gelutanh_topall", 4, 8, 3, 16, "f16", 3, "gelu_tanh", true, "f16"),
      moeCase("ui2_silu_top2", 7, 16, 6, 8, "ui2", 2, "silu", false, "bf16"),
      moeCase("f32_silu_top3_of_8", 2, 8, 8, 9, "f32", 3, "silu", true, "f32"),
  };
}

class Mpgemm : public ::testing::TestWithParam<Case> {};
class Attention : public ::testing::TestWithParam<Case> {};
class Moe : public ::testing::TestWithParam<Case> {};
TEST_P(Mpgemm, MatchesReference) { runCase(GetParam()); }
TEST_P(Attention, MatchesReference) { runCase(GetParam()); }
TEST_P(Moe, MatchesReference) { runCase(GetParam()); }

std::string caseName(const ::testing::TestParamInfo<Case> &info) { return info.param.name; }
INSTANTIATE_TEST_SUITE_P(Sweep, Mpgemm, ::testing::ValuesIn(mpgemmCases()), caseName);
INSTANTIATE_TEST_SUITE_P(Sweep, Attention, ::testing::ValuesIn(attentionCases()), caseName);
INSTANTIATE_TEST_SUITE_P(Sweep, Moe, ::testing::ValuesIn(moeCases()), caseName);

} // namespace
