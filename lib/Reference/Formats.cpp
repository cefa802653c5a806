//===- Formats.cpp - Scalar reference of every lowbit element format ------===//
//
// One generic float codec serves every FloatSpec. Doubles hold every value of every valid spec
// exactly (isValidFloatSpec guarantees the range), so encode can round the exact input: it
// scales |v| by the quantum (a power of two, exact) and rounds the quotient with nearbyint,
// which is round-half-to-even in the default rounding mode.
//
//===----------------------------------------------------------------------===//

#include "lowbit/Reference/Formats.h"

#include <cassert>
#include <cmath>
#include <limits>

namespace lowbit::ref {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

uint32_t lowMask(unsigned bits) { return bits >= 32 ? ~0u : (1u << bits) - 1; }

int defaultBias(unsigned exponentBits) { return (1 << (exponentBits - 1)) - 1; }

bool isIEEE(const FloatSpec &s) { return s.hasInf && s.hasNaN; }
bool isFN(const FloatSpec &s) { return !s.hasInf && s.hasNaN; }

unsigned floatBits(const FloatSpec &s) {
  return (s.hasSign ? 1 : 0) + s.exponentBits + s.mantissaBits;
}

/// Largest finite magnitude code of a float spec.
uint32_t floatMaxMagnitude(const FloatSpec &s) {
  uint32_t allOnes = lowMask(s.exponentBits + s.mantissaBits);
  if (isIEEE(s))
    return (lowMask(s.exponentBits) << s.mantissaBits) - 1;
  if (isFN(s))
    return allOnes - 1;
  return allOnes;
}

/// Value of a magnitude code that is known to be finite.
double decodeFiniteMagnitude(const FloatSpec &s, uint32_t mag) {
  uint32_t mant = mag & lowMask(s.mantissaBits);
  int exp = static_cast<int>(mag >> s.mantissaBits);
  int M = static_cast<int>(s.mantissaBits);
  if (exp == 0)
    return std::ldexp(static_cast<double>(mant), 1 - s.bias - M);
  double significand = static_cast<double>((uint64_t(1) << M) + mant);
  return std::ldexp(significand, exp - s.bias - M);
}

double decodeFloat(const FloatSpec &s, uint32_t code) {
  unsigned magBits = s.exponentBits + s.mantissaBits;
  uint32_t mag = code & lowMask(magBits);
  bool negative = s.hasSign && ((code >> magBits) & 1);
  uint32_t expAllOnes = lowMask(s.exponentBits);
  double value;
  if (isIEEE(s) && (mag >> s.mantissaBits) == expAllOnes)
    value = (mag & lowMask(s.mantissaBits)) == 0 ? kInf : kNaN;
  else if (isFN(s) && mag == lowMask(magBits))
    value = kNaN;
  else
    value = decodeFiniteMagnitude(s, mag);
  return negative ? -value : value;
}

uint32_t floatNaNCode(const FloatSpec &s) {
  if (isIEEE(s))
    return (lowMask(s.exponentBits) << s.mantissaBits) | (1u << (s.mantissaBits - 1));
  if (isFN(s))
    return lowMask(s.exponentBits + s.mantissaBits);
  return 0;
}

uint32_t encodeFloat(const FloatSpec &s, double value, bool saturate) {
  unsigned magBits = s.exponentBits + s.mantissaBits;
  if (std::isnan(value))
    return floatNaNCode(s);
  bool negative = std::signbit(value);
  if (negative && !s.hasSign)
    return 0;
  uint32_t signBit = negative ? (1u << magBits) : 0;
  uint32_t maxMag = floatMaxMagnitude(s);
  uint32_t infMag = lowMask(s.exponentBits) << s.mantissaBits;
  uint32_t overflowMag = (!saturate && s.hasInf) ? infMag : maxMag;
  double a = std::fabs(value);
  if (std::isinf(a))
    return signBit | overflowMag;
  if (a == 0)
    return signBit;

  int M = static_cast<int>(s.mantissaBits);
  int minNormalExp = 1 - s.bias;
  int e;
  std::frexp(a, &e);
  --e; // a in [2^e, 2^(e+1))
  bool subnormal = e < minNormalExp;
  int quantumExp = subnormal ? minNormalExp - M : e - M;
  // Exact: both are powers of two and the quotient has at most 53 significant bits.
  double n = std::nearbyint(std::ldexp(a, -quantumExp));
  // Magnitude code: subnormals are n itself (n = 2^M is the first normal code); normals are
  // (exponent field << M) + (n - 2^M), which carries into the exponent when n = 2^(M+1).
  double magCode = subnormal ? n : std::ldexp(double(e + s.bias), M) + (n - std::ldexp(1.0, M));
  if (magCode > static_cast<double>(maxMag))
    return signBit | overflowMag;
  return signBit | static_cast<uint32_t>(magCode);
}

double decodeE8M0(uint32_t code) {
  code &= 0xFF;
  if (code == 0xFF)
    return kNaN;
  return std::ldexp(1.0, static_cast<int>(code) - 127);
}

uint32_t encodeE8M0(double value) {
  if (std::isnan(value))
    return 0xFF;
  if (!(value > 0))
    return 0;
  if (std::isinf(value))
    return 0xFE;
  int e;
  double m = std::frexp(value, &e); // value = m * 2^e, m in [0.5, 1)
  // nearbyint(2m) is 1 or 2: the tie 1.5 goes to 2, i.e. up to the next power of two.
  int code = (e - 1) + 127 + (std::nearbyint(2 * m) == 2 ? 1 : 0);
  if (code < 0)
    return 0;
  if (code > 0xFE)
    return 0xFE;
  return static_cast<uint32_t>(code);
}

int64_t signedMin(unsigned bits) { return -(int64_t(1) << (bits - 1)); }
int64_t signedMax(unsigned bits) { return (int64_t(1) << (bits - 1)) - 1; }
int64_t unsignedMax(unsigned bits) { return (int64_t(1) << bits) - 1; }

uint32_t encodeInteger(int64_t lo, int64_t hi, unsigned bits, double value) {
  if (std::isnan(value))
    return 0;
  double r = std::nearbyint(value);
  r = std::fmin(std::fmax(r, static_cast<double>(lo)), static_cast<double>(hi));
  return static_cast<uint32_t>(static_cast<int64_t>(r)) & lowMask(bits);
}

// Parses a non-empty run of decimal digits (optionally negative) at the front of `s`.
bool parseInt(std::string_view &s, int64_t &out, bool allowNegative) {
  bool negative = false;
  if (allowNegative && !s.empty() && s.front() == '-') {
    negative = true;
    s.remove_prefix(1);
  }
  size_t i = 0;
  int64_t v = 0;
  while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
    v = v * 10 + (s[i] - '0');
    if (v > (int64_t(1) << 20))
      return false;
    ++i;
  }
  if (i == 0)
    return false;
  s.remove_prefix(i);
  out = negative ? -v : v;
  return true;
}

bool consume(std::string_view &s, std::string_view prefix) {
  if (s.substr(0, prefix.size()) != prefix)
    return false;
  s.remove_prefix(prefix.size());
  return true;
}

std::optional<FloatSpec> parseGenericFloat(std::string_view s) {
  FloatSpec spec;
  spec.hasSign = !consume(s, "u");
  int64_t E, M, bias;
  if (!consume(s, "e") || !parseInt(s, E, false) || !consume(s, "m") || !parseInt(s, M, false))
    return std::nullopt;
  if (E < 1 || E > 31 || M > 31)
    return std::nullopt;
  spec.exponentBits = static_cast<unsigned>(E);
  spec.mantissaBits = static_cast<unsigned>(M);
  spec.bias = defaultBias(spec.exponentBits);
  if (consume(s, "b")) {
    if (!parseInt(s, bias, true))
      return std::nullopt;
    spec.bias = static_cast<int>(bias);
  }
  if (consume(s, "_inf")) {
    if (!consume(s, "_nan"))
      return std::nullopt;
    spec.hasInf = spec.hasNaN = true;
  } else if (consume(s, "_nan")) {
    spec.hasNaN = true;
  }
  if (!s.empty() || !isValidFloatSpec(spec))
    return std::nullopt;
  return spec;
}

struct BuiltinFloat {
  const char *name;
  ElementFormat (*make)();
};

const BuiltinFloat kBuiltinFloats[] = {
    {"f4E2M1FN", ElementFormat::f4E2M1FN}, {"f6E2M3FN", ElementFormat::f6E2M3FN},
    {"f6E3M2FN", ElementFormat::f6E3M2FN}, {"f8E4M3FN", ElementFormat::f8E4M3FN},
    {"f8E5M2", ElementFormat::f8E5M2},     {"f16", ElementFormat::f16},
    {"bf16", ElementFormat::bf16},         {"f32", ElementFormat::f32},
};

FloatSpec makeSpec(unsigned E, unsigned M, int bias, bool ieee, bool fn) {
  FloatSpec s;
  s.exponentBits = E;
  s.mantissaBits = M;
  s.bias = bias;
  s.hasInf = ieee;
  s.hasNaN = ieee || fn;
  return s;
}

} // namespace

bool isValidFloatSpec(const FloatSpec &s) {
  if (s.exponentBits < 1 || s.exponentBits > 11 || s.mantissaBits > 31)
    return false;
  if (floatBits(s) > 32)
    return false;
  if (s.hasInf && !s.hasNaN)
    return false;
  if (isIEEE(s) && s.mantissaBits == 0)
    return false;
  // The largest exponent of a finite value and the exponent of the smallest subnormal must fit a
  // double, so that decode and encode are exact.
  int64_t maxExpField = int64_t(lowMask(s.exponentBits)) - (isIEEE(s) ? 1 : 0);
  int64_t maxExp = maxExpField - s.bias;
  int64_t minExp = int64_t(1) - s.bias - s.mantissaBits;
  return maxExp <= 1023 && minExp >= -1074;
}

ElementFormat ElementFormat::signedInt(unsigned bits) {
  assert(bits >= 1 && bits <= 32 && "signed integer width must be in 1..32");
  ElementFormat f;
  f.kind_ = FormatKind::SignedInt;
  f.bits_ = bits;
  return f;
}

ElementFormat ElementFormat::unsignedInt(unsigned bits) {
  assert(bits >= 1 && bits <= 32 && "unsigned integer width must be in 1..32");
  ElementFormat f;
  f.kind_ = FormatKind::UnsignedInt;
  f.bits_ = bits;
  return f;
}

ElementFormat ElementFormat::ternary() {
  ElementFormat f;
  f.kind_ = FormatKind::Ternary;
  f.bits_ = 2;
  return f;
}

ElementFormat ElementFormat::e8m0() {
  ElementFormat f;
  f.kind_ = FormatKind::E8M0;
  f.bits_ = 8;
  // Informative only: E8M0 has its own codec (no subnormals, no zero).
  f.spec_ = makeSpec(8, 0, 127, false, true);
  f.spec_.hasSign = false;
  return f;
}

ElementFormat ElementFormat::floating(FloatSpec spec) {
  assert(isValidFloatSpec(spec) && "unsupported float spec");
  ElementFormat f;
  f.kind_ = FormatKind::Float;
  f.bits_ = floatBits(spec);
  f.spec_ = spec;
  return f;
}

ElementFormat ElementFormat::f4E2M1FN() { return floating(makeSpec(2, 1, 1, false, false)); }
ElementFormat ElementFormat::f6E2M3FN() { return floating(makeSpec(2, 3, 1, false, false)); }
ElementFormat ElementFormat::f6E3M2FN() { return floating(makeSpec(3, 2, 3, false, false)); }
ElementFormat ElementFormat::f8E4M3FN() { return floating(makeSpec(4, 3, 7, false, true)); }
ElementFormat ElementFormat::f8E5M2() { return floating(makeSpec(5, 2, 15, true, false)); }
ElementFormat ElementFormat::f16() { return floating(makeSpec(5, 10, 15, true, false)); }
ElementFormat ElementFormat::bf16() { return floating(makeSpec(8, 7, 127, true, false)); }
ElementFormat ElementFormat::f32() { return floating(makeSpec(8, 23, 127, true, false)); }

std::optional<ElementFormat> ElementFormat::fromName(std::string_view name) {
  if (name == "ternary")
    return ternary();
  if (name == "f8E8M0FNU")
    return e8m0();
  for (const BuiltinFloat &b : kBuiltinFloats)
    if (name == b.name)
      return b.make();
  std::string_view rest = name;
  bool isSigned = consume(rest, "si") || consume(rest, "i");
  bool isUnsigned = !isSigned && consume(rest, "ui");
  if (isSigned || isUnsigned) {
    int64_t bits;
    if (!parseInt(rest, bits, false) || !rest.empty() || bits < 1 || bits > 32)
      return std::nullopt;
    return isSigned ? signedInt(unsigned(bits)) : unsignedInt(unsigned(bits));
  }
  if (std::optional<FloatSpec> spec = parseGenericFloat(name))
    return floating(*spec);
  return std::nullopt;
}

std::string ElementFormat::name() const {
  switch (kind_) {
  case FormatKind::SignedInt:
    return "si" + std::to_string(bits_);
  case FormatKind::UnsignedInt:
    return "ui" + std::to_string(bits_);
  case FormatKind::Ternary:
    return "ternary";
  case FormatKind::E8M0:
    return "f8E8M0FNU";
  case FormatKind::Float:
    break;
  }
  for (const BuiltinFloat &b : kBuiltinFloats)
    if (b.make() == *this)
      return b.name;
  std::string s = spec_.hasSign ? "" : "u";
  s += "e" + std::to_string(spec_.exponentBits) + "m" + std::to_string(spec_.mantissaBits);
  if (spec_.bias != defaultBias(spec_.exponentBits))
    s += "b" + std::to_string(spec_.bias);
  if (spec_.hasInf)
    s += "_inf";
  if (spec_.hasNaN)
    s += "_nan";
  return s;
}

double ElementFormat::minValue() const {
  switch (kind_) {
  case FormatKind::SignedInt:
    return static_cast<double>(signedMin(bits_));
  case FormatKind::UnsignedInt:
    return 0;
  case FormatKind::Ternary:
    return -1;
  case FormatKind::E8M0:
    return std::ldexp(1.0, -127);
  case FormatKind::Float:
    return spec_.hasSign ? -maxValue() : 0;
  }
  return 0;
}

double ElementFormat::maxValue() const {
  switch (kind_) {
  case FormatKind::SignedInt:
    return static_cast<double>(signedMax(bits_));
  case FormatKind::UnsignedInt:
    return static_cast<double>(unsignedMax(bits_));
  case FormatKind::Ternary:
    return 1;
  case FormatKind::E8M0:
    return std::ldexp(1.0, 127);
  case FormatKind::Float:
    return decodeFiniteMagnitude(spec_, floatMaxMagnitude(spec_));
  }
  return 0;
}

uint32_t ElementFormat::maxFiniteMagnitudeCode() const {
  switch (kind_) {
  case FormatKind::SignedInt:
    return static_cast<uint32_t>(signedMax(bits_));
  case FormatKind::UnsignedInt:
    return static_cast<uint32_t>(unsignedMax(bits_));
  case FormatKind::Ternary:
    return 1;
  case FormatKind::E8M0:
    return 0xFE;
  case FormatKind::Float:
    return floatMaxMagnitude(spec_);
  }
  return 0;
}

double decode(const ElementFormat &format, uint32_t code) {
  unsigned bits = format.bits();
  code &= lowMask(bits);
  switch (format.kind()) {
  case FormatKind::SignedInt: {
    // Sign-extend the low `bits` bits.
    int64_t v = code;
    if ((code >> (bits - 1)) & 1)
      v -= int64_t(1) << bits;
    return static_cast<double>(v);
  }
  case FormatKind::UnsignedInt:
    return static_cast<double>(code);
  case FormatKind::Ternary:
    return code == 0b01 ? 1.0 : code == 0b11 ? -1.0 : 0.0;
  case FormatKind::E8M0:
    return decodeE8M0(code);
  case FormatKind::Float:
    return decodeFloat(format.floatSpec(), code);
  }
  return 0;
}

uint32_t encode(const ElementFormat &format, double value, bool saturate) {
  unsigned bits = format.bits();
  switch (format.kind()) {
  case FormatKind::SignedInt:
    return encodeInteger(signedMin(bits), signedMax(bits), bits, value);
  case FormatKind::UnsignedInt:
    return encodeInteger(0, unsignedMax(bits), bits, value);
  case FormatKind::Ternary:
    return encodeInteger(-1, 1, 2, value);
  case FormatKind::E8M0:
    return encodeE8M0(value);
  case FormatKind::Float:
    return encodeFloat(format.floatSpec(), value, saturate);
  }
  return 0;
}

double roundTo(const ElementFormat &format, double value) {
  return decode(format, encode(format, value));
}

} // namespace lowbit::ref
