//===- QuantSweepTest.cpp - quantize, dequantize, pack, unpack sweeps -------===//
//
// Every low-bit element type x several schemes x result types, on shapes whose innermost extent
// is not a multiple of a byte's worth of elements. These ops do the same f32 operations in the
// same order in the JIT and in the reference, so results must match exactly.
//
//===----------------------------------------------------------------------===//
#include "SweepHarness.h"

#include "gtest/gtest.h"

using namespace lowbit::sweep;

namespace {

const char *kAllTypes[] = {"si1", "si2", "si3", "si4", "si5", "si6", "si7", "si8",
                           "ui1", "ui2", "ui3", "ui4", "ui5", "ui6", "ui7", "ui8",
                           "f4E2M1FN", "f6E2M3FN", "f6E3M2FN", "f8E4M3FN", "f8E5M2",
                           "!lowbit.float<e3m4>", "!lowbit.float<e2m2, bias = 2>",
                           "!lowbit.float<e4m2, inf, nan>", "!lowbit.float<e3m3, nan>",
                           "!lowbit.float<e5m0>", "!lowbit.ternary"};

bool isInt(const std::string &type) { return type[0] == 's' || type[0] == 'u'; }

struct SchemeChoice {
  const char *name;
  const char *scheme;    // with %Z for the zero clause
  const char *scaleType; // tensor type of the scale for a 6x13 tensor
  const char *scaleElem;
  bool allowsZero;
};

// Scales of a [6, 13] tensor.
const SchemeChoice kSchemes[] = {
    {"pertensor", "per_tensor, scale = f32", "tensor<f32>", "f32", true},
    {"perchannel", "per_channel(axis = 0), scale = f16", "tensor<6xf16>", "f16", true},
    {"group4", "group(axis = 1, size = 4), scale = bf16", "tensor<6x4xbf16>", "bf16", true},
    {"block", "block(4, 8), scale = f32", "tensor<2x2xf32>", "f32", true},
    {"mx", "group(axis = 1, size = 8), scale = f8E8M0FNU", "tensor<6x2xf8E8M0FNU>", "f8E8M0FNU", false},
    {"nvfp4", "group(axis = 1, size = 8), scale = f8E4M3FN, tensor_scale", "tensor<6x2xf8E4M3FN>",
     "f8E4M3FN", false},
};

std::string replace(std::string text, const std::string &from, const std::string &to) {
  for (size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
    text.replace(at, from.size(), to);
  return text;
}

/// Builds a quantize or dequantize case of a [6, 13] tensor.
Case quantCase(bool quantize, const std::string &type, const SchemeChoice &scheme,
               const std::string &zero, const std::string &resultElem) {
  Case c;
  std::string q = "tensor<6x13x" + type + ">", x = "tensor<6x13x" + resultElem + ">";
  c.name = std::string(quantize ? "Q_" : "DQ_") + sanitize(type) + "_" + scheme.name + "_" +
           (zero.empty() ? "nozero" : zero) + "_" + resultElem;
  std::string schemeText = scheme.scheme;
  if (!zero.empty())
    schemeText += ", zero = " + zero;
  std::string zeroType = replace(scheme.scaleType, scheme.scaleElem,
                                 zero == "int" ? type : std::string(scheme.scaleElem));
  bool tensorScale = std::string(scheme.scheme).find("tensor_scale") != std::string::npos;

  c.arguments.push_back(quantize ? Argument{x, real(-3, 3)} : Argument{q, codes()});
  c.arguments.push_back({scheme.scaleType, scales(0.25, 2)});
  std::string operands = "%arg0 scale(%arg1)", types = c.arguments[0].type + ", " + scheme.scaleType;
  int next = 2;
  if (!zero.empty()) {
    c.arguments.push_back({zeroType, zero == "int" ? codes() : real(-2, 2)});
    operands += " zero(%arg" + std::to_string(next++) + ")";
    types += ", " + zeroType;
  }
  if (tensorScale) {
    c.arguments.push_back({"tensor<f32>", scales(0.5, 2)});
    operands += " tensor_scale(%arg" + std::to_string(next++) + ")";
    types += ", tensor<f32>";
  }
  c.resultType = quantize ? q : x;
  c.body = std::string("%r = lowbit.") + (quantize ? "quantize " : "dequantize ") + operands +
           " {scheme = #lowbit.scheme<" + schemeText + ">} : (" + types + ") -> " + c.resultType;
  return c;
}

std::vector<Case> dequantizeCases() {
  std::vector<Case> cases;
  const char *results[] = {"f32", "f16", "bf16"};
  int rotate = 0;
  for (const char *type : kAllTypes)
    for (const SchemeChoice &scheme : kSchemes) {
      std::string result = results[rotate++ % 3];
      cases.push_back(quantCase(false, type, scheme, "", result));
      if (scheme.allowsZero && isInt(type))
        cases.push_back(quantCase(false, type, scheme, "int", "f32"));
      if (scheme.allowsZero && isInt(type) && std::string(type).size() == 3 && type[2] == '4')
        cases.push_back(quantCase(false, type, scheme, "float", "f32"));
    }
  return cases;
}

std::vector<Case> quantizeCases() {
  std::vector<Case> cases;
  const char *inputs[] = {"f32", "f16", "bf16"};
  int rotate = 0;
  for (const char *type : kAllTypes)
    for (const SchemeChoice &scheme : kSchemes) {
      cases.push_back(quantCase(true, type, scheme, "", inputs[rotate++ % 3]));
      if (scheme.allowsZero && isInt(type) && type[2] >= '3')
        cases.push_back(quantCase(true, type, scheme, rotate % 2 ? "int" : "float", "f32"));
    }
  return cases;
}

/// Codebooks: nf4, an inline 2-bit table, an f16 operand table of 8 entries.
std::vector<Case> codebookCases() {
  std::vector<Case> cases;
  for (bool quantize : {false, true}) {
    Case nf4;
    nf4.name = std::string(quantize ? "Q" : "DQ") + "_nf4";
    std::string q = "tensor<5x11xui4>", x = "tensor<5x11xf32>";
    nf4.arguments = {quantize ? Argument{x, real(-3, 3)} : Argument{q, codes()},
                     {"tensor<5x3xf16>", scales()}};
    nf4.resultType = quantize ? q : x;
    nf4.body = std::string("%r = lowbit.") + (quantize ? "quantize" : "dequantize") +
               " %arg0 scale(%arg1) {scheme = #lowbit.scheme<group(axis = 1, size = 4), scale = "
               "f16, codebook = nf4>} : (" + nf4.arguments[0].type + ", tensor<5x3xf16>) -> " +
               nf4.resultType;
    cases.push_back(nf4);

    Case table;
    table.name = std::string(quantize ? "Q" : "DQ") + "_inline_ui2";
    q = "tensor<3x9xui2>";
    x = "tensor<3x9xf16>";
    table.arguments = {quantize ? Argument{x, real(-2, 2)} : Argument{q, codes()},
                       {"tensor<3xf32>", scales()}};
    table.resultType = quantize ? q : x;
    table.body = std::string("%r = lowbit.") + (quantize ? "quantize" : "dequantize") +
                 " %arg0 scale(%arg1) {scheme = #lowbit.scheme<per_channel(axis = 0), scale = "
                 "f32, codebook = [-1.5, -0.25, 0.5, 1.0]>} : (" + table.arguments[0].type +
                 ", tensor<3xf32>) -> " + table.resultType;
    cases.push_back(table);

    Case operand;
    operand.name = std::string(quantize ? "Q" : "DQ") + "_operand_ui3";
    q = "tensor<4x10xui3>";
    x = "tensor<4x10xf32>";
    operand.arguments = {quantize ? Argument{x, real(-2, 2)} : Argument{q, codes()},
                         {"tensor<f32>", scales()},
                         {"tensor<8xf16>", real(-1, 1)}};
    operand.resultType = quantize ? q : x;
    operand.body = std::string("%r = lowbit.") + (quantize ? "quantize" : "dequantize") +
                   " %arg0 scale(%arg1) codebook(%arg2) {scheme = #lowbit.scheme<per_tensor, "
                   "scale = f32, codebook = operand>} : (" + operand.arguments[0].type +
                   ", tensor<f32>, tensor<8xf16>) -> " + operand.resultType;
    cases.push_back(operand);
  }
  return cases;
}

/// pack then unpack, and a packed value returned as bytes: every width, odd row lengths, rank
/// 0..3. (Every quantize case also packs its result at the boundary and every dequantize case
/// unpacks its input.)
std::vector<Case> packCases() {
  const std::vector<std::vector<int64_t>> shapes = {{}, {13}, {3, 7}, {2, 3, 5}};
  const std::pair<const char *, unsigned> types[] = {
      {"ui1", 1}, {"si2", 2}, {"ui3", 3}, {"si4", 4}, {"ui5", 5}, {"f6E3M2FN", 6},
      {"!lowbit.float<e3m3>", 7}, {"si8", 8}, {"!lowbit.ternary", 2}};
  std::vector<Case> cases;
  int rotate = 0;
  for (auto [type, bits] : types) {
    const std::vector<int64_t> &shape = shapes[rotate++ % shapes.size()];
    std::string logical = "tensor<", packed = "tensor<";
    for (size_t i = 0; i < shape.size(); ++i) {
      logical += std::to_string(shape[i]) + "x";
      int64_t extent = i + 1 == shape.size() ? (shape[i] * bits + 7) / 8 : shape[i];
      packed += std::to_string(extent) + "x";
    }
    if (shape.empty())
      packed += std::to_string((bits + 7) / 8) + "x";
    logical += std::string(type) + ">";
    packed += "i8>";
    Case c;
    c.name = "Pack_" + sanitize(type) + "_rank" + std::to_string(shape.size());
    c.arguments = {{logical, codes()}};
    c.resultType = packed;
    c.body = "%r = lowbit.pack %arg0 : " + logical + " -> " + packed;
    cases.push_back(c);
    Case u = c;
    u.name = "Unpack_" + sanitize(type) + "_rank" + std::to_string(shape.size());
    u.arguments = {{packed, real(-128, 127)}};
    u.resultType = logical;
    u.body = "%r = lowbit.unpack %arg0 : " + packed + " -> " + logical;
    cases.push_back(u);
  }
  return cases;
}

class Dequantize : public ::testing::TestWithParam<Case> {};
class Quantize : public ::testing::TestWithParam<Case> {};
class Codebook : public ::testing::TestWithParam<Case> {};
class Packing : public ::testing::TestWithParam<Case> {};

TEST_P(Dequantize, MatchesReference) { runCase(GetParam()); }
TEST_P(Quantize, MatchesReference) { runCase(GetParam()); }
TEST_P(Codebook, MatchesReference) { runCase(GetParam()); }
TEST_P(Packing, MatchesReference) { runCase(GetParam()); }

std::string caseName(const ::testing::TestParamInfo<Case> &info) { return info.param.name; }

INSTANTIATE_TEST_SUITE_P(Sweep, Dequantize, ::testing::ValuesIn(dequantizeCases()), caseName);
INSTANTIATE_TEST_SUITE_P(Sweep, Quantize, ::testing::ValuesIn(quantizeCases()), caseName);
INSTANTIATE_TEST_SUITE_P(Sweep, Codebook, ::testing::ValuesIn(codebookCases()), caseName);
INSTANTIATE_TEST_SUITE_P(Sweep, Packing, ::testing::ValuesIn(packCases()), caseName);

} // namespace
