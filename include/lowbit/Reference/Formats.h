//===- Formats.h - Scalar reference of every lowbit element format -*- C++ -*-===//
//
// Plain C++ (no MLIR, no LLVM): the oracle that tests compare compiled code with.
//
// An element format says how a code of `bits` bits (held in the low bits of a uint32_t) stands
// for a real number:
//   - SignedInt  siN, N in 1..32: two's complement.
//   - UnsignedInt uiN, N in 1..32.
//   - Ternary: 2-bit two's complement restricted to {-1, 0, 1}; code 0b10 is reserved and
//     decodes to 0 (encode never produces it).
//   - Float: sign bit (optional), E exponent bits, M mantissa bits, a bias, and one of three
//     special-value conventions:
//       IEEE  (hasInf && hasNaN): exponent all ones is inf (mantissa 0) or NaN (mantissa != 0);
//       FN    (!hasInf && hasNaN): only the all-ones magnitude code is NaN, no infinities;
//       finite(!hasInf && !hasNaN): every code is a finite number.
//     Exponent field 0 is subnormal: value = (-1)^s * mant * 2^(1 - bias - M);
//     otherwise value = (-1)^s * (1 + mant / 2^M) * 2^(exp - bias).
//   - E8M0: the unsigned power-of-two scale of OCP MX (f8E8M0FNU): value = 2^(code - 127),
//     code 0xFF is NaN, there is no zero.
// Float formats without a sign bit (hasSign = false) hold the magnitude code only; their
// generic name carries a "u" prefix ("ue4m3"). A FloatSpec must satisfy isValidFloatSpec().
// f16, bf16 and f32 are Float formats too, so one codec covers activations and scales.
//
//===----------------------------------------------------------------------===//
#ifndef LOWBIT_REFERENCE_FORMATS_H
#define LOWBIT_REFERENCE_FORMATS_H

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace lowbit::ref {

enum class FormatKind { SignedInt, UnsignedInt, Ternary, Float, E8M0 };

struct FloatSpec {
  unsigned exponentBits = 0;
  unsigned mantissaBits = 0;
  int bias = 0;
  bool hasSign = true;
  bool hasInf = false;
  bool hasNaN = false;
  bool operator==(const FloatSpec &o) const {
    return exponentBits == o.exponentBits && mantissaBits == o.mantissaBits && bias == o.bias &&
           hasSign == o.hasSign && hasInf == o.hasInf && hasNaN == o.hasNaN;
  }
};

class ElementFormat {
public:
  static ElementFormat signedInt(unsigned bits);
  static ElementFormat unsignedInt(unsigned bits);
  static ElementFormat ternary();
  static ElementFormat e8m0();
  /// Any float with 1 + E + M bits (or E + M without sign), E >= 1, total <= 32.
  static ElementFormat floating(FloatSpec spec);

  // The builtin MLIR float types, by their MLIR names.
  static ElementFormat f4E2M1FN();
  static ElementFormat f6E2M3FN();
  static ElementFormat f6E3M2FN();
  static ElementFormat f8E4M3FN();
  static ElementFormat f8E5M2();
  static ElementFormat f16();
  static ElementFormat bf16();
  static ElementFormat f32();

  /// Parses an MLIR-style name: "si4", "ui3", "i8" (signed), "ternary", "f4E2M1FN", "f6E2M3FN",
  /// "f6E3M2FN", "f8E4M3FN", "f8E5M2", "f8E8M0FNU", "f16", "bf16", "f32", and the generic
  /// "e<E>m<M>[b<bias>][_inf][_nan]" form used for !lowbit.float (e.g. "e3m2b3_nan").
  /// Generic form: the bias defaults to 2^(E-1) - 1 and may be negative ("b-2"); without
  /// suffix the format is finite-only, "_nan" is FN style, "_inf_nan" is IEEE ("_inf" alone is
  /// rejected); an optional leading "u" ("ue4m3") drops the sign bit. Integer widths are 1..32.
  /// Returns nullopt for anything else, including specs failing isValidFloatSpec().
  static std::optional<ElementFormat> fromName(std::string_view name);
  /// Inverse of fromName: a builtin name where one exists (a generic spec equal to a builtin one,
  /// e.g. "e2m1", prints as "f4E2M1FN"), "si<N>" / "ui<N>" for integers, otherwise the generic
  /// form with "b<bias>" only when the bias is not the default.
  std::string name() const;

  FormatKind kind() const { return kind_; }
  unsigned bits() const { return bits_; }
  /// Meaningful for Float; for E8M0 it is informative only (e8m0, bias 127, unsigned, NaN).
  const FloatSpec &floatSpec() const { return spec_; }
  bool isInteger() const { return kind_ == FormatKind::SignedInt || kind_ == FormatKind::UnsignedInt; }

  /// Smallest and largest finite value.
  double minValue() const;
  double maxValue() const;
  /// Largest code (without sign) of a finite value, e.g. 0x7E for f8E4M3FN. For integer and
  /// ternary formats: the code of maxValue().
  uint32_t maxFiniteMagnitudeCode() const;

  bool operator==(const ElementFormat &o) const {
    return kind_ == o.kind_ && bits_ == o.bits_ && (kind_ != FormatKind::Float || spec_ == o.spec_);
  }

private:
  FormatKind kind_ = FormatKind::SignedInt;
  unsigned bits_ = 8;
  FloatSpec spec_;
};

/// Whether `spec` describes a format this library supports: E >= 1, total bits <= 32,
/// hasInf only together with hasNaN, M >= 1 for IEEE (NaN needs a mantissa), and every value
/// (largest finite, smallest subnormal) representable in a double.
bool isValidFloatSpec(const FloatSpec &spec);

/// Value of `code` (only its low `bits()` bits are read). Integers decode to their integer value.
/// Float NaN codes decode to a quiet NaN; a code with only the sign bit set decodes to -0.0.
double decode(const ElementFormat &format, uint32_t code);

/// Code of `value`, rounding to nearest, ties to even.
/// saturate = true (quantization): out-of-range values, infinities included, clamp to the largest
///   finite magnitude; NaN becomes the format's NaN code, or 0 when it has none.
/// saturate = false (plain conversion, e.g. f32 -> f16): overflow becomes infinity when the
///   format has one, otherwise it saturates as above.
/// Integers: round half to even, then clamp; NaN becomes 0. Ternary clamps to [-1, 1].
/// Float details: rounding is on the exact value (so a value just above the largest finite
///   magnitude may still round down to it, as in IEEE); the NaN code is positive and, for IEEE
///   formats, quiet (exponent all ones, top mantissa bit set, e.g. 0x7E for f8E5M2); -0.0 and
///   negative values that round to zero keep the sign bit (0x80 for f8). Formats without a sign
///   bit map every negative value (-inf included) to code 0, in both modes. "Even" is the
///   integral significand (implicit bit included): with M >= 1 that is the even code; with
///   M = 0 a tie between two powers of two goes to the larger one, a tie with 0 goes to 0.
/// E8M0: round to nearest on the value with the tie between 2^e and 2^(e+1) (1.5 * 2^e) going
///   up to 2^(e+1) (IEEE ties-to-even with a one-bit significand, as llvm::APFloat does); values
///   below 2^-127, zero and negatives give code 0 (2^-127); overflow and +inf give 0xFE
///   (2^127) in both modes, since E8M0 has no infinity; NaN gives 0xFF.
uint32_t encode(const ElementFormat &format, double value, bool saturate = true);

/// Round a value to the nearest value representable in `format` (decode(encode(v))).
double roundTo(const ElementFormat &format, double value);

} // namespace lowbit::ref

#endif // LOWBIT_REFERENCE_FORMATS_H
