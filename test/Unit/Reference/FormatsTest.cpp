//===- FormatsTest.cpp - Element format codec against APFloat and oracles -===//
//
// Builtin float formats are checked code by code against llvm::APFloat. Generic formats, which
// APFloat does not know, are checked against a table built in this file straight from the format
// definition (sign, exponent and mantissa fields) and a brute-force nearest-value encoder.
//
//===----------------------------------------------------------------------===//

#include "lowbit/Reference/Formats.h"

#include "llvm/ADT/APFloat.h"
#include "llvm/ADT/APInt.h"

#include "gtest/gtest.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <random>
#include <vector>

using namespace lowbit::ref;

namespace {

struct BuiltinCase {
  const char *name;
  ElementFormat format;
  const llvm::fltSemantics &sem;
};

std::vector<BuiltinCase> builtinCases() {
  return {
      {"f4E2M1FN", ElementFormat::f4E2M1FN(), llvm::APFloat::Float4E2M1FN()},
      {"f6E2M3FN", ElementFormat::f6E2M3FN(), llvm::APFloat::Float6E2M3FN()},
      {"f6E3M2FN", ElementFormat::f6E3M2FN(), llvm::APFloat::Float6E3M2FN()},
      {"f8E4M3FN", ElementFormat::f8E4M3FN(), llvm::APFloat::Float8E4M3FN()},
      {"f8E5M2", ElementFormat::f8E5M2(), llvm::APFloat::Float8E5M2()},
      {"f8E8M0FNU", ElementFormat::e8m0(), llvm::APFloat::Float8E8M0FNU()},
      {"f16", ElementFormat::f16(), llvm::APFloat::IEEEhalf()},
      {"bf16", ElementFormat::bf16(), llvm::APFloat::BFloat()},
  };
}

double apDecode(const llvm::fltSemantics &sem, unsigned bits, uint32_t code) {
  llvm::APFloat f(sem, llvm::APInt(bits, code));
  // Ask NaN-ness before converting: APFloat turns the E8M0 NaN into +inf on conversion.
  if (f.isNaN())
    return std::numeric_limits<double>::quiet_NaN();
  bool losesInfo = false;
  f.convert(llvm::APFloat::IEEEdouble(), llvm::APFloat::rmNearestTiesToEven, &losesInfo);
  return f.convertToDouble();
}

/// APFloat's code for `v`, with its status.
uint32_t apEncode(const llvm::fltSemantics &sem, double v, llvm::APFloat::opStatus &status) {
  llvm::APFloat f(v);
  bool losesInfo = false;
  status = f.convert(sem, llvm::APFloat::rmNearestTiesToEven, &losesInfo);
  return static_cast<uint32_t>(f.bitcastToAPInt().getZExtValue());
}

bool sameValue(double a, double b) {
  if (std::isnan(a) || std::isnan(b))
    return std::isnan(a) && std::isnan(b);
  return a == b && std::signbit(a) == std::signbit(b);
}

/// Test inputs around the values of `format`: every finite value, the midpoints between
/// neighbours (ties), those nudged by one double ulp, and random values across its range.
std::vector<double> probeValues(const ElementFormat &format, std::mt19937_64 &rng) {
  std::vector<double> finite;
  for (uint32_t c = 0; c < (1u << format.bits()); ++c) {
    double v = decode(format, c);
    if (std::isfinite(v))
      finite.push_back(v);
  }
  std::sort(finite.begin(), finite.end());
  std::vector<double> out;
  for (size_t i = 0; i < finite.size(); ++i) {
    out.push_back(finite[i]);
    if (i + 1 < finite.size() && finite[i] != finite[i + 1]) {
      double mid = finite[i] / 2 + finite[i + 1] / 2;
      out.push_back(mid);
      out.push_back(std::nextafter(mid, -INFINITY));
      out.push_back(std::nextafter(mid, INFINITY));
    }
  }
  double maxV = format.maxValue();
  int hi;
  std::frexp(maxV, &hi);
  std::uniform_real_distribution<double> mant(1.0, 2.0);
  std::uniform_int_distribution<int> sign(0, 1);
  // Exponents from well below the smallest subnormal to above the largest value.
  double minPos = INFINITY;
  for (double v : finite)
    if (v > 0)
      minPos = std::min(minPos, v);
  int minExp;
  std::frexp(minPos, &minExp);
  std::uniform_int_distribution<int> exp(minExp - 4, hi + 2);
  for (int i = 0; i < 4000; ++i)
    out.push_back((sign(rng) ? -1 : 1) * std::ldexp(mant(rng), exp(rng)));
  out.push_back(maxV * 1.0625);
  out.push_back(-maxV * 4);
  out.push_back(0.0);
  out.push_back(-0.0);
  return out;
}

unsigned randomSeed() {
  std::random_device rd;
  return rd();
}

} // namespace

TEST(FormatsTest, BuiltinDecodeMatchesAPFloatForEveryCode) {
  for (const BuiltinCase &c : builtinCases()) {
    SCOPED_TRACE(c.name);
    unsigned bits = c.format.bits();
    for (uint32_t code = 0; code < (1u << bits); ++code) {
      double expected = apDecode(c.sem, bits, code);
      double actual = decode(c.format, code);
      ASSERT_TRUE(sameValue(actual, expected))
          << "code 0x" << std::hex << code << ": " << actual << " vs APFloat " << expected;
      // High bits above the format's width are ignored.
      ASSERT_TRUE(sameValue(decode(c.format, code | (0xFFFFFFFFu << bits)), expected));
    }
  }
}

TEST(FormatsTest, F32DecodeMatchesBitCast) {
  unsigned seed = randomSeed();
  SCOPED_TRACE("seed " + std::to_string(seed));
  std::mt19937 rng(seed);
  ElementFormat f32 = ElementFormat::f32();
  const uint32_t special[] = {0x0,        0x80000000, 0x1,        0x807FFFFF, 0x00800000,
                              0x7F7FFFFF, 0xFF7FFFFF, 0x7F800000, 0xFF800000, 0x3F800000};
  std::uniform_real_distribution<double> mant(-2.0, 2.0);
  std::uniform_int_distribution<int> exp(-160, 140);
  for (int i = 0; i < 100000; ++i) {
    uint32_t code = i < 10 ? special[i] : rng();
    float expected;
    std::memcpy(&expected, &code, 4);
    ASSERT_TRUE(sameValue(decode(f32, code), expected)) << std::hex << code;
    if (!std::isnan(expected))
      ASSERT_EQ(encode(f32, expected, false), code);
    // Any double: the same as the hardware's round-to-nearest-even conversion.
    double d = std::ldexp(mant(rng), exp(rng));
    float rounded = static_cast<float>(d);
    uint32_t roundedBits;
    std::memcpy(&roundedBits, &rounded, 4);
    ASSERT_EQ(encode(f32, d, false), roundedBits) << d;
  }
  EXPECT_TRUE(std::isnan(decode(f32, 0x7FC00000)));
  EXPECT_EQ(encode(f32, NAN), 0x7FC00000u);
}

TEST(FormatsTest, EncodeInvertsDecodeForEveryFiniteCode) {
  for (const BuiltinCase &c : builtinCases()) {
    SCOPED_TRACE(c.name);
    for (uint32_t code = 0; code < (1u << c.format.bits()); ++code) {
      double v = decode(c.format, code);
      if (std::isnan(v))
        continue;
      ASSERT_EQ(encode(c.format, v, /*saturate=*/false), code) << std::hex << code;
      if (std::isfinite(v))
        ASSERT_EQ(encode(c.format, v, /*saturate=*/true), code) << std::hex << code;
      ASSERT_TRUE(sameValue(roundTo(c.format, v), v) || std::isinf(v));
    }
  }
}

TEST(FormatsTest, BuiltinEncodeMatchesAPFloat) {
  unsigned seed = randomSeed();
  SCOPED_TRACE("seed " + std::to_string(seed));
  std::mt19937_64 rng(seed);
  for (const BuiltinCase &c : builtinCases()) {
    SCOPED_TRACE(c.name);
    const ElementFormat &f = c.format;
    bool isE8M0 = f.kind() == FormatKind::E8M0;
    bool ieee = f.kind() == FormatKind::Float && f.floatSpec().hasInf;
    uint32_t signBit = isE8M0 ? 0 : 1u << (f.bits() - 1);
    for (double v : probeValues(f, rng)) {
      if (isE8M0 && !(v >= f.minValue() && v <= f.maxValue()))
        continue; // APFloat gives NaN for these; covered by E8M0Special.
      llvm::APFloat::opStatus status;
      uint32_t expected = apEncode(c.sem, v, status);
      if (!ieee && (status & llvm::APFloat::opOverflow))
        expected = (v < 0 ? signBit : 0) | f.maxFiniteMagnitudeCode(); // we saturate instead
      ASSERT_EQ(encode(f, v, /*saturate=*/false), expected) << "value " << v;
      if (ieee && (status & llvm::APFloat::opOverflow))
        expected = (v < 0 ? signBit : 0) | f.maxFiniteMagnitudeCode();
      ASSERT_EQ(encode(f, v, /*saturate=*/true), expected) << "value " << v;
    }
  }
}

TEST(FormatsTest, SaturationAndSpecialValuesByHand) {
  const double inf = std::numeric_limits<double>::infinity();
  const double nan = std::numeric_limits<double>::quiet_NaN();
  ElementFormat e4m3 = ElementFormat::f8E4M3FN();
  EXPECT_EQ(e4m3.maxValue(), 448.0);
  EXPECT_EQ(e4m3.minValue(), -448.0);
  EXPECT_EQ(e4m3.maxFiniteMagnitudeCode(), 0x7Eu);
  EXPECT_EQ(encode(e4m3, 464.0), 0x7Eu); // tie between 448 (even) and 480 (not finite)
  EXPECT_EQ(encode(e4m3, 1000.0), 0x7Eu);
  EXPECT_EQ(encode(e4m3, 1000.0, false), 0x7Eu);
  EXPECT_EQ(encode(e4m3, -inf), 0xFEu);
  EXPECT_EQ(encode(e4m3, -inf, false), 0xFEu);
  EXPECT_EQ(encode(e4m3, nan), 0x7Fu);
  EXPECT_EQ(encode(e4m3, -0.0), 0x80u);
  EXPECT_EQ(encode(e4m3, -1e-30), 0x80u);
  EXPECT_TRUE(std::signbit(decode(e4m3, 0x80)));
  EXPECT_EQ(decode(e4m3, 0x01), std::ldexp(1.0, -9));

  ElementFormat e5m2 = ElementFormat::f8E5M2();
  EXPECT_EQ(e5m2.maxValue(), 57344.0);
  EXPECT_EQ(encode(e5m2, 1e6), 0x7Bu);
  EXPECT_EQ(encode(e5m2, 1e6, false), 0x7Cu);
  EXPECT_EQ(encode(e5m2, 61439.0, false), 0x7Bu);
  EXPECT_EQ(encode(e5m2, 61440.0, false), 0x7Cu); // max + half ulp ties to inf
  EXPECT_EQ(encode(e5m2, -inf, false), 0xFCu);
  EXPECT_EQ(encode(e5m2, -inf, true), 0xFBu);
  EXPECT_EQ(encode(e5m2, nan), 0x7Eu);

  ElementFormat e2m1 = ElementFormat::f4E2M1FN();
  EXPECT_EQ(e2m1.maxValue(), 6.0);
  EXPECT_EQ(encode(e2m1, 100.0, false), 0x7u);
  EXPECT_EQ(encode(e2m1, -inf, false), 0xFu);
  EXPECT_EQ(encode(e2m1, nan), 0u); // no NaN code
  EXPECT_EQ(encode(e2m1, 5.0), 0x6u); // tie 4 | 6 -> 4 (mantissa 0)
  EXPECT_EQ(encode(e2m1, 0.25), 0x0u); // tie 0 | 0.5 -> 0
  EXPECT_EQ(encode(e2m1, 0.75), 0x2u); // tie 0.5 | 1 -> 1
  EXPECT_EQ(ElementFormat::f6E2M3FN().maxValue(), 7.5);
  EXPECT_EQ(ElementFormat::f6E3M2FN().maxValue(), 28.0);
  EXPECT_EQ(ElementFormat::f16().maxValue(), 65504.0);
  EXPECT_EQ(ElementFormat::bf16().maxValue(), 0x1.FEp127);
  EXPECT_EQ(ElementFormat::f32().maxValue(), double(std::numeric_limits<float>::max()));
  EXPECT_EQ(encode(ElementFormat::f16(), nan), 0x7E00u);
  EXPECT_EQ(encode(ElementFormat::bf16(), nan), 0x7FC0u);
  EXPECT_EQ(encode(ElementFormat::f16(), 65520.0, false), 0x7C00u);
  EXPECT_EQ(encode(ElementFormat::f16(), 65519.99, false), 0x7BFFu);
}

TEST(FormatsTest, E8M0Special) {
  ElementFormat f = ElementFormat::e8m0();
  EXPECT_EQ(f.bits(), 8u);
  EXPECT_EQ(decode(f, 127), 1.0);
  EXPECT_EQ(decode(f, 0), std::ldexp(1.0, -127));
  EXPECT_EQ(decode(f, 0xFE), std::ldexp(1.0, 127));
  EXPECT_TRUE(std::isnan(decode(f, 0xFF)));
  EXPECT_EQ(encode(f, 1.0), 127u);
  EXPECT_EQ(encode(f, 1.4), 127u);
  EXPECT_EQ(encode(f, 1.5), 128u); // ties go up
  EXPECT_EQ(encode(f, 3.0), 129u);
  EXPECT_EQ(encode(f, 0.75), 127u);
  EXPECT_EQ(encode(f, 0.0), 0u);
  EXPECT_EQ(encode(f, -0.0), 0u);
  EXPECT_EQ(encode(f, -5.0), 0u);
  EXPECT_EQ(encode(f, 1e-300), 0u);
  EXPECT_EQ(encode(f, 1e300), 0xFEu);
  EXPECT_EQ(encode(f, INFINITY, false), 0xFEu);
  EXPECT_EQ(encode(f, NAN), 0xFFu);
  EXPECT_EQ(f.maxFiniteMagnitudeCode(), 0xFEu);
  EXPECT_EQ(f.minValue(), std::ldexp(1.0, -127));
}

//===----------------------------------------------------------------------===//
// Generic formats against an oracle written from the definition.
//===----------------------------------------------------------------------===//

namespace {

enum class Special { Finite, FN, IEEE };

struct OracleFormat {
  const char *name;
  unsigned E, M;
  int bias;
  bool hasSign;
  Special special;
};

/// The value of every code, enumerated field by field.
std::vector<double> oracleTable(const OracleFormat &o) {
  unsigned total = (o.hasSign ? 1 : 0) + o.E + o.M;
  std::vector<double> table(size_t(1) << total);
  for (unsigned s = 0; s < (o.hasSign ? 2u : 1u); ++s) {
    for (unsigned e = 0; e < (1u << o.E); ++e) {
      for (unsigned m = 0; m < (1u << o.M); ++m) {
        uint32_t code = (s << (o.E + o.M)) | (e << o.M) | m;
        double frac = double(m) / std::pow(2.0, o.M);
        double v = e == 0 ? frac * std::pow(2.0, 1 - o.bias)
                          : (1 + frac) * std::pow(2.0, int(e) - o.bias);
        bool expAllOnes = e == (1u << o.E) - 1;
        if (o.special == Special::IEEE && expAllOnes)
          v = m == 0 ? INFINITY : NAN;
        if (o.special == Special::FN && expAllOnes && m == (1u << o.M) - 1)
          v = NAN;
        table[code] = s ? -v : v;
      }
    }
  }
  return table;
}

/// Saturating encode by brute force: the nearest finite value, with the sign of the input kept on
/// zero. Ties go to the even significand: the even code when M >= 1; when M = 0 every nonzero
/// significand is 1, so a tie between powers of two goes up (2 is even) and a tie with 0 to 0.
uint32_t oracleEncode(const OracleFormat &o, const std::vector<double> &table, double v) {
  if (!o.hasSign && (v < 0 || std::signbit(v)))
    return 0;
  uint32_t magMask = (1u << (o.E + o.M)) - 1;
  uint32_t best = 0;
  double bestDist = INFINITY;
  for (uint32_t c = 0; c < table.size(); ++c) {
    double t = table[c];
    if (!std::isfinite(t) || std::signbit(t) != std::signbit(v))
      continue;
    double d = std::fabs(t - v);
    bool winsTie;
    if (o.M > 0)
      winsTie = (c & 1) == 0 && (best & 1) == 1;
    else
      winsTie = (c & magMask) != 0 && (best & magMask) != 0 &&
                std::fabs(t) > std::fabs(table[best]);
    if (d < bestDist || (d == bestDist && winsTie)) {
      best = c;
      bestDist = d;
    }
  }
  return best;
}

const OracleFormat kOracleFormats[] = {
    {"e3m4", 3, 4, 3, true, Special::Finite}, {"e2m2", 2, 2, 1, true, Special::Finite},
    {"e4m3b9", 4, 3, 9, true, Special::Finite}, {"e5m2_nan", 5, 2, 15, true, Special::FN},
    {"e1m2", 1, 2, 0, true, Special::Finite}, {"e3m0", 3, 0, 3, true, Special::Finite},
    {"e4m2_inf_nan", 4, 2, 7, true, Special::IEEE}, {"ue4m3", 4, 3, 7, false, Special::Finite},
    {"ue3m2_nan", 3, 2, 3, false, Special::FN}, {"e3m1b-2", 3, 1, -2, true, Special::Finite},
    {"e2m5b4_nan", 2, 5, 4, true, Special::FN}, {"e2m0", 2, 0, 1, true, Special::Finite},
    {"ue5m0_nan", 5, 0, 15, false, Special::FN}, {"e3m4b-5_inf_nan", 3, 4, -5, true, Special::IEEE},
    {"e5m3_inf_nan", 5, 3, 15, true, Special::IEEE},
};

} // namespace

TEST(FormatsTest, GenericFormatsMatchFieldOracle) {
  unsigned seed = randomSeed();
  SCOPED_TRACE("seed " + std::to_string(seed));
  std::mt19937_64 rng(seed);
  for (const OracleFormat &o : kOracleFormats) {
    SCOPED_TRACE(o.name);
    std::optional<ElementFormat> f = ElementFormat::fromName(o.name);
    ASSERT_TRUE(f.has_value());
    EXPECT_EQ(f->name(), o.name);
    EXPECT_EQ(f->floatSpec().bias, o.bias);
    EXPECT_EQ(f->floatSpec().hasSign, o.hasSign);
    std::vector<double> table = oracleTable(o);
    ASSERT_EQ(size_t(1) << f->bits(), table.size());
    double maxFinite = 0;
    for (uint32_t c = 0; c < table.size(); ++c) {
      ASSERT_TRUE(sameValue(decode(*f, c), table[c])) << "code " << c;
      if (std::isfinite(table[c])) {
        maxFinite = std::max(maxFinite, table[c]);
        ASSERT_EQ(encode(*f, table[c]), c);
      }
    }
    EXPECT_EQ(f->maxValue(), maxFinite);
    EXPECT_EQ(f->minValue(), o.hasSign ? -maxFinite : 0.0);
    for (double v : probeValues(*f, rng))
      ASSERT_EQ(encode(*f, v, /*saturate=*/true), oracleEncode(o, table, v)) << "value " << v;
    // Infinities and NaN.
    uint32_t maxCode = f->maxFiniteMagnitudeCode();
    ASSERT_TRUE(sameValue(decode(*f, maxCode), maxFinite));
    EXPECT_EQ(encode(*f, INFINITY), maxCode);
    EXPECT_EQ(encode(*f, INFINITY, false),
              o.special == Special::IEEE ? maxCode + 1 : maxCode);
    uint32_t nanCode = encode(*f, NAN);
    if (o.special == Special::Finite)
      EXPECT_EQ(nanCode, 0u);
    else
      EXPECT_TRUE(std::isnan(table[nanCode]));
  }
}

TEST(FormatsTest, Names) {
  struct {
    const char *in, *out;
  } cases[] = {
      {"si4", "si4"}, {"i8", "si8"}, {"si1", "si1"}, {"si32", "si32"}, {"ui1", "ui1"},
      {"ui32", "ui32"}, {"ternary", "ternary"}, {"f8E8M0FNU", "f8E8M0FNU"},
      {"f4E2M1FN", "f4E2M1FN"}, {"f6E2M3FN", "f6E2M3FN"}, {"f6E3M2FN", "f6E3M2FN"},
      {"f8E4M3FN", "f8E4M3FN"}, {"f8E5M2", "f8E5M2"}, {"f16", "f16"}, {"bf16", "bf16"},
      {"f32", "f32"}, {"e2m1", "f4E2M1FN"}, {"e4m3_nan", "f8E4M3FN"}, {"e5m2_inf_nan", "f8E5M2"},
      {"e5m10_inf_nan", "f16"}, {"e8m7_inf_nan", "bf16"}, {"e8m23_inf_nan", "f32"},
      {"e4m3b7_nan", "f8E4M3FN"}, {"e3m2b3_nan", "e3m2_nan"}, {"e3m2b2_nan", "e3m2b2_nan"},
      {"e4m3", "e4m3"}, {"ue4m3", "ue4m3"}, {"e3m1b-2", "e3m1b-2"},
  };
  for (const auto &c : cases) {
    SCOPED_TRACE(c.in);
    std::optional<ElementFormat> f = ElementFormat::fromName(c.in);
    ASSERT_TRUE(f.has_value());
    EXPECT_EQ(f->name(), c.out);
    std::optional<ElementFormat> again = ElementFormat::fromName(f->name());
    ASSERT_TRUE(again.has_value());
    EXPECT_TRUE(*again == *f);
  }
  EXPECT_TRUE(*ElementFormat::fromName("i8") == ElementFormat::signedInt(8));
  EXPECT_TRUE(*ElementFormat::fromName("e2m1") == ElementFormat::f4E2M1FN());
  EXPECT_EQ(ElementFormat::fromName("e4m3")->bits(), 8u);
  EXPECT_EQ(ElementFormat::fromName("ue4m3")->bits(), 7u);
  for (const char *bad : {"", "x", "si0", "si33", "ui0", "i", "e0m3", "e4m3_inf", "e4m3_nan_inf",
                          "e3m2b", "e12m3", "e4m0_inf_nan", "e8m24_inf_nan", "e4m3junk", "E4M3",
                          "f8E4M3", "em3", "e4m", "si4x", "ue4m3b"})
    EXPECT_FALSE(ElementFormat::fromName(bad).has_value()) << bad;
  // An exponent range beyond a double's is rejected.
  FloatSpec huge;
  huge.exponentBits = 11;
  huge.mantissaBits = 4;
  huge.bias = 1023;
  EXPECT_FALSE(isValidFloatSpec(huge));
  huge.hasInf = huge.hasNaN = true;
  EXPECT_TRUE(isValidFloatSpec(huge));
}

TEST(FormatsTest, IntegerFormats) {
  for (unsigned bits = 1; bits <= 8; ++bits) {
    SCOPED_TRACE("bits " + std::to_string(bits));
    ElementFormat s = ElementFormat::signedInt(bits), u = ElementFormat::unsignedInt(bits);
    double sMin = -std::ldexp(1.0, int(bits) - 1), sMax = std::ldexp(1.0, int(bits) - 1) - 1;
    double uMax = std::ldexp(1.0, int(bits)) - 1;
    EXPECT_EQ(s.minValue(), sMin);
    EXPECT_EQ(s.maxValue(), sMax);
    EXPECT_EQ(u.minValue(), 0.0);
    EXPECT_EQ(u.maxValue(), uMax);
    EXPECT_EQ(s.maxFiniteMagnitudeCode(), uint32_t(sMax));
    EXPECT_EQ(u.maxFiniteMagnitudeCode(), uint32_t(uMax));
    for (uint32_t c = 0; c < (1u << bits); ++c) {
      double sv = c >= (1u << (bits - 1)) ? double(c) - std::ldexp(1.0, int(bits)) : double(c);
      EXPECT_EQ(decode(s, c), sv);
      EXPECT_EQ(decode(u, c), double(c));
      EXPECT_EQ(decode(u, c | 0xFFFFFF00u), double(c)); // high bits ignored
      EXPECT_EQ(encode(s, sv), c);
      EXPECT_EQ(encode(u, double(c)), c);
    }
    EXPECT_EQ(encode(s, 1e9), uint32_t(sMax));
    EXPECT_EQ(decode(s, encode(s, -1e9)), sMin);
    EXPECT_EQ(decode(s, encode(s, -INFINITY)), sMin);
    EXPECT_EQ(encode(u, -3.0), 0u);
    EXPECT_EQ(encode(u, INFINITY), uint32_t(uMax));
    EXPECT_EQ(encode(s, NAN), 0u);
    EXPECT_EQ(encode(u, NAN), 0u);
  }
  ElementFormat s8 = ElementFormat::signedInt(8), u4 = ElementFormat::unsignedInt(4);
  const std::pair<double, double> ties[] = {{2.5, 2},   {3.5, 4},   {-2.5, -2}, {-3.5, -4},
                                            {0.5, 0},   {1.5, 2},   {-0.5, 0},  {2.4999, 2},
                                            {2.5001, 3}, {-127.5, -128}, {126.5, 126}};
  for (auto [in, out] : ties)
    EXPECT_EQ(decode(s8, encode(s8, in)), out) << in;
  EXPECT_EQ(encode(u4, 14.5), 14u);
  EXPECT_EQ(encode(u4, 15.5), 15u);
  EXPECT_EQ(encode(u4, -0.4), 0u);
  ElementFormat s32 = ElementFormat::signedInt(32), u32 = ElementFormat::unsignedInt(32);
  EXPECT_EQ(encode(s32, 1e12), 0x7FFFFFFFu);
  EXPECT_EQ(encode(s32, -1e12), 0x80000000u);
  EXPECT_EQ(decode(s32, 0x80000000u), -2147483648.0);
  EXPECT_EQ(decode(s32, 0xFFFFFFFFu), -1.0);
  EXPECT_EQ(encode(u32, 1e12), 0xFFFFFFFFu);
  EXPECT_EQ(decode(u32, 0xFFFFFFFFu), 4294967295.0);
  EXPECT_EQ(s32.name(), "si32");
}

TEST(FormatsTest, Ternary) {
  ElementFormat t = ElementFormat::ternary();
  EXPECT_EQ(t.bits(), 2u);
  EXPECT_EQ(decode(t, 0b00), 0.0);
  EXPECT_EQ(decode(t, 0b01), 1.0);
  EXPECT_EQ(decode(t, 0b10), 0.0); // reserved
  EXPECT_EQ(decode(t, 0b11), -1.0);
  EXPECT_EQ(encode(t, 0.0), 0b00u);
  EXPECT_EQ(encode(t, 1.0), 0b01u);
  EXPECT_EQ(encode(t, -1.0), 0b11u);
  EXPECT_EQ(encode(t, 7.0), 0b01u);
  EXPECT_EQ(encode(t, -7.0), 0b11u);
  EXPECT_EQ(encode(t, 0.5), 0b00u);
  EXPECT_EQ(encode(t, -1.5), 0b11u);
  EXPECT_EQ(encode(t, NAN), 0b00u);
  EXPECT_EQ(t.minValue(), -1.0);
  EXPECT_EQ(t.maxValue(), 1.0);
  for (double v = -4; v <= 4; v += 0.25)
    EXPECT_NE(encode(t, v), 0b10u);
}
