//===- FormatCodegen.cpp - Decode and encode element formats with arith -----===//
//
// Every float format of at most 8 bits is read and written with integer bit manipulation on
// f32 bit patterns, so the result lowers on every target (upstream arith only expands f4E2M1FN
// and f8E8M0FNU conversions). The operation order matches lib/Reference/Quant.h exactly.
//
//===----------------------------------------------------------------------===//
#include "FormatCodegen.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"

#include <cmath>

using namespace mlir;
using namespace lowbit;

namespace {
/// Field layout of a sign/exponent/mantissa float of at most 8 bits.
struct FloatLayout {
  unsigned exponentBits, mantissaBits;
  int bias;
  bool hasInf, hasNaN;
  unsigned width() const { return 1 + exponentBits + mantissaBits; }
  unsigned exponentMask() const { return (1u << exponentBits) - 1; }
  unsigned magnitudeMask() const { return (1u << (exponentBits + mantissaBits)) - 1; }
  /// Largest magnitude code of a finite value.
  unsigned maxFiniteCode() const {
    if (hasInf)
      return ((exponentMask() - 1) << mantissaBits) | ((1u << mantissaBits) - 1);
    if (hasNaN)
      return magnitudeMask() - 1;
    return magnitudeMask();
  }
  double maxFinite() const {
    unsigned code = maxFiniteCode();
    unsigned exponent = code >> mantissaBits, mantissa = code & ((1u << mantissaBits) - 1);
    return std::ldexp(1.0 + mantissa / double(1u << mantissaBits), int(exponent) - bias);
  }
  /// The canonical NaN code: IEEE sets the mantissa's top bit, FN uses all ones.
  unsigned nanCode() const {
    if (hasInf)
      return (exponentMask() << mantissaBits) | (1u << (mantissaBits - 1));
    return magnitudeMask();
  }
};
} // namespace

static std::optional<FloatLayout> getFloatLayout(Type type) {
  if (isa<Float4E2M1FNType>(type))
    return FloatLayout{2, 1, 1, false, false};
  if (isa<Float6E2M3FNType>(type))
    return FloatLayout{2, 3, 1, false, false};
  if (isa<Float6E3M2FNType>(type))
    return FloatLayout{3, 2, 3, false, false};
  if (isa<Float8E4M3FNType>(type))
    return FloatLayout{4, 3, 7, false, true};
  if (isa<Float8E5M2Type>(type))
    return FloatLayout{5, 2, 15, true, true};
  if (auto floatType = dyn_cast<lowbit::FloatType>(type))
    return FloatLayout{floatType.getExponentBits(), floatType.getMantissaBits(),
                       floatType.getBias(), floatType.getHasInf(), floatType.getHasNaN()};
  return std::nullopt;
}

Type lowbit::getCodeType(Type elementType) {
  unsigned width = getLowbitWidth(elementType);
  if (width == 0)
    return elementType;
  return IntegerType::get(elementType.getContext(), width);
}

Value lowbit::f32Constant(OpBuilder &b, Location loc, float value) {
  return arith::ConstantOp::create(b, loc, b.getF32FloatAttr(value));
}

Value lowbit::i32Constant(OpBuilder &b, Location loc, int64_t value) {
  return arith::ConstantOp::create(b, loc, b.getI32IntegerAttr(static_cast<int32_t>(value)));
}

Value lowbit::indexConstant(OpBuilder &b, Location loc, int64_t value) {
  return arith::ConstantIndexOp::create(b, loc, value);
}

Value lowbit::zeroConstant(OpBuilder &b, Location loc, Type type) {
  return arith::ConstantOp::create(b, loc, type, b.getZeroAttr(type));
}

static Value f32FromBits(OpBuilder &b, Location loc, uint32_t bits) {
  float value;
  std::memcpy(&value, &bits, sizeof(value));
  return f32Constant(b, loc, value);
}

/// Zero-extends an iN code to i32.
static Value codeToI32(OpBuilder &b, Location loc, Value code) {
  if (code.getType().isInteger(32))
    return code;
  return arith::ExtUIOp::create(b, loc, b.getI32Type(), code);
}

static Value decodeFloatLayout(OpBuilder &b, Location loc, const FloatLayout &f, Value code) {
  Value c = codeToI32(b, loc, code);
  unsigned m = f.mantissaBits;
  auto shr = [&](Value v, unsigned n) { return arith::ShRUIOp::create(b, loc, v, i32Constant(b, loc, n)); };
  auto shl = [&](Value v, unsigned n) { return arith::ShLIOp::create(b, loc, v, i32Constant(b, loc, n)); };
  auto andi = [&](Value v, unsigned mask) { return arith::AndIOp::create(b, loc, v, i32Constant(b, loc, mask)); };
  Value sign = andi(shr(c, f.exponentBits + m), 1);
  Value exponent = andi(shr(c, m), f.exponentMask());
  Value mantissa = andi(c, (1u << m) - 1);

  // Normal: rebuild the f32 bit pattern.
  Value biased = arith::AddIOp::create(b, loc, exponent, i32Constant(b, loc, 127 - f.bias));
  Value bits = arith::OrIOp::create(
      b, loc, arith::OrIOp::create(b, loc, shl(sign, 31), shl(biased, 23)), shl(mantissa, 23 - m));
  Value normal = arith::BitcastOp::create(b, loc, b.getF32Type(), bits);

  // Subnormal: mantissa * 2^(1 - bias - M), exact in f32.
  Value magnitude = arith::UIToFPOp::create(b, loc, b.getF32Type(), mantissa);
  Value subnormal = arith::MulFOp::create(
      b, loc, magnitude, f32Constant(b, loc, std::ldexp(1.0f, 1 - f.bias - int(m))));
  Value negative = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ne, sign, i32Constant(b, loc, 0));
  subnormal = arith::SelectOp::create(b, loc, negative, arith::NegFOp::create(b, loc, subnormal), subnormal);
  Value isSubnormal = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, exponent, i32Constant(b, loc, 0));
  Value value = arith::SelectOp::create(b, loc, isSubnormal, subnormal, normal);

  Value nan = f32FromBits(b, loc, 0x7FC00000u);
  Value magnitudeCode = andi(c, f.magnitudeMask());
  if (f.hasInf) {
    Value special = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, exponent,
                                          i32Constant(b, loc, f.exponentMask()));
    Value isInf = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, mantissa, i32Constant(b, loc, 0));
    Value inf = arith::SelectOp::create(b, loc, negative, f32FromBits(b, loc, 0xFF800000u),
                                        f32FromBits(b, loc, 0x7F800000u));
    Value specialValue = arith::SelectOp::create(b, loc, isInf, inf, nan);
    value = arith::SelectOp::create(b, loc, special, specialValue, value);
  } else if (f.hasNaN) {
    Value isNaN = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, magnitudeCode,
                                        i32Constant(b, loc, f.magnitudeMask()));
    value = arith::SelectOp::create(b, loc, isNaN, nan, value);
  }
  return value;
}

bool lowbit::hasFloatFieldDecode(Type format) {
  std::optional<FloatLayout> f = getFloatLayout(format);
  // The exponent must not reach the f32 all-ones field (7 bits at most), 2^(127 - bias) must
  // be a normal f32 and the smallest subnormal must not fall below f32's.
  return f && f->exponentBits <= 7 && f->bias >= 0 && f->bias <= 253 &&
         f->bias + int(f->mantissaBits) <= 150;
}

Value lowbit::emitFloatFieldDecode(OpBuilder &b, Location loc, Type format, Value bits,
                                   bool specials) {
  assert(hasFloatFieldDecode(format) && "format without a field decode");
  FloatLayout f = *getFloatLayout(format);
  unsigned m = f.mantissaBits;
  uint32_t exponentField = f.exponentMask() << 23;
  uint32_t magnitudeField = exponentField | (((1u << m) - 1) << (23 - m));
  auto andi = [&](Value v, uint32_t mask) {
    return arith::AndIOp::create(b, loc, v, i32Constant(b, loc, mask)).getResult();
  };
  Value v = arith::ShRSIOp::create(b, loc, bits, i32Constant(b, loc, 8 - f.exponentBits));
  v = andi(v, 0x80000000u | magnitudeField);
  Value value = arith::MulFOp::create(b, loc, arith::BitcastOp::create(b, loc, b.getF32Type(), v),
                                      f32Constant(b, loc, std::ldexp(1.0f, 127 - f.bias)));
  if (!specials)
    return value;
  if (f.hasInf) {
    // All-ones exponent: the f32 all-ones exponent with the same mantissa (Inf or NaN).
    Value special = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, andi(v, exponentField),
                                          i32Constant(b, loc, exponentField));
    Value inf = arith::OrIOp::create(b, loc, v, i32Constant(b, loc, 0x7F800000u));
    value = arith::SelectOp::create(b, loc, special,
                                    arith::BitcastOp::create(b, loc, b.getF32Type(), inf), value);
  } else if (f.hasNaN) {
    Value isNaN = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, andi(v, magnitudeField),
                                        i32Constant(b, loc, magnitudeField));
    value = arith::SelectOp::create(b, loc, isNaN, f32FromBits(b, loc, 0x7FC00000u), value);
  }
  return value;
}

bool lowbit::hasOnlyAllOnesNaN8(Type format) {
  std::optional<FloatLayout> f = getFloatLayout(format);
  return f && f->width() == 8 && f->hasNaN && !f->hasInf;
}

/// f8E8M0FNU: 2^(code - 127); 0xFF is NaN; code 0 is 2^-127 (an f32 subnormal).
static Value decodeE8M0(OpBuilder &b, Location loc, Value code) {
  Value c = codeToI32(b, loc, code);
  Value bits = arith::ShLIOp::create(b, loc, c, i32Constant(b, loc, 23));
  Value value = arith::BitcastOp::create(b, loc, b.getF32Type(), bits);
  Value isZeroCode = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, c, i32Constant(b, loc, 0));
  value = arith::SelectOp::create(b, loc, isZeroCode, f32FromBits(b, loc, 0x00400000u), value);
  Value isNaN = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, c, i32Constant(b, loc, 0xFF));
  return arith::SelectOp::create(b, loc, isNaN, f32FromBits(b, loc, 0x7FC00000u), value);
}

Value lowbit::emitDecode(OpBuilder &b, Location loc, Type format, Value code) {
  if (format.isF32())
    return code;
  if (format.isF16() || format.isBF16())
    return arith::ExtFOp::create(b, loc, b.getF32Type(), code);
  if (auto intType = dyn_cast<IntegerType>(format)) {
    Value wide = intType.isUnsigned()
                     ? Value(arith::ExtUIOp::create(b, loc, b.getI32Type(), code))
                     : Value(arith::ExtSIOp::create(b, loc, b.getI32Type(), code));
    return arith::SIToFPOp::create(b, loc, b.getF32Type(), wide);
  }
  if (isa<TernaryType>(format)) {
    // 0b00 = 0, 0b01 = 1, 0b11 = -1; the reserved 0b10 reads as 0.
    Value wide = arith::ExtSIOp::create(b, loc, b.getI32Type(), code);
    Value reserved = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, wide, i32Constant(b, loc, -2));
    wide = arith::SelectOp::create(b, loc, reserved, i32Constant(b, loc, 0), wide);
    return arith::SIToFPOp::create(b, loc, b.getF32Type(), wide);
  }
  if (isa<Float8E8M0FNUType>(format))
    return decodeE8M0(b, loc, code);
  std::optional<FloatLayout> layout = getFloatLayout(format);
  assert(layout && "decode of a type that is neither real nor low-bit");
  return decodeFloatLayout(b, loc, *layout, code);
}

/// Nearest power of two, ties upward (as llvm::APFloat), saturating to [2^-127, 2^127]; zero,
/// negative values and values below 2^-127 give code 0, NaN 0xFF.
static Value encodeE8M0(OpBuilder &b, Location loc, Value t) {
  Value bits = arith::BitcastOp::create(b, loc, b.getI32Type(), t);
  Value exponent = arith::ShRUIOp::create(b, loc, bits, i32Constant(b, loc, 23));
  exponent = arith::AndIOp::create(b, loc, exponent, i32Constant(b, loc, 0xFF));
  Value mantissa = arith::AndIOp::create(b, loc, bits, i32Constant(b, loc, 0x7FFFFF));
  // Normal f32: at or above the midpoint 1.5 * 2^e rounds up to the next code.
  Value up = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::uge, mantissa, i32Constant(b, loc, 0x400000));
  Value code = arith::AddIOp::create(b, loc, exponent, arith::ExtUIOp::create(b, loc, b.getI32Type(), up));
  // f32 subnormals lie between 0 and 2^-126: code 1 from 1.5 * 2^-127 on, else code 0.
  Value subnormalUp = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::uge, mantissa, i32Constant(b, loc, 0x600000));
  Value subnormalCode = arith::ExtUIOp::create(b, loc, b.getI32Type(), subnormalUp);
  Value isSubnormal = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, exponent, i32Constant(b, loc, 0));
  code = arith::SelectOp::create(b, loc, isSubnormal, subnormalCode, code);
  code = arith::MinUIOp::create(b, loc, code, i32Constant(b, loc, 254));
  Value notPositive = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OLE, t, f32Constant(b, loc, 0));
  code = arith::SelectOp::create(b, loc, notPositive, i32Constant(b, loc, 0), code);
  Value isNaN = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::UNO, t, t);
  code = arith::SelectOp::create(b, loc, isNaN, i32Constant(b, loc, 0xFF), code);
  return arith::TruncIOp::create(b, loc, b.getI8Type(), code);
}

Value lowbit::emitEncodeFloat(OpBuilder &b, Location loc, Type format, Value t, bool saturate) {
  if (isa<Float8E8M0FNUType>(format))
    return encodeE8M0(b, loc, t);
  std::optional<FloatLayout> layout = getFloatLayout(format);
  assert(layout && "encode of a non-float format");
  const FloatLayout &f = *layout;
  int m = f.mantissaBits;
  Type i32 = b.getI32Type();

  Value bits = arith::BitcastOp::create(b, loc, i32, t);
  Value sign = arith::ShRUIOp::create(b, loc, bits, i32Constant(b, loc, 31));
  // Saturate first: everything at or above the largest finite value encodes as it. Without
  // saturation, formats with infinities clamp at twice that instead (still finite, so the
  // arithmetic below stays defined) and let the code overflow into the infinity code.
  bool overflowToInf = !saturate && f.hasInf;
  Value magnitude = math::AbsFOp::create(b, loc, t);
  magnitude = arith::MinNumFOp::create(
      b, loc, magnitude, f32Constant(b, loc, (overflowToInf ? 2 : 1) * f.maxFinite()));
  Value magnitudeBits = arith::BitcastOp::create(b, loc, i32, magnitude);
  Value exponent = arith::SubIOp::create(
      b, loc, arith::ShRUIOp::create(b, loc, magnitudeBits, i32Constant(b, loc, 23)),
      i32Constant(b, loc, 127));
  // Quantum of the binade (subnormals share the lowest one): 2^(max(e, 1 - bias) - M).
  exponent = arith::MaxSIOp::create(b, loc, exponent, i32Constant(b, loc, 1 - f.bias));
  Value quantumBits = arith::ShLIOp::create(
      b, loc, arith::AddIOp::create(b, loc, exponent, i32Constant(b, loc, 127 - m)),
      i32Constant(b, loc, 23));
  Value quantum = arith::BitcastOp::create(b, loc, b.getF32Type(), quantumBits);
  Value steps = math::RoundEvenOp::create(b, loc, arith::DivFOp::create(b, loc, magnitude, quantum));
  Value stepsInt = arith::FPToUIOp::create(b, loc, i32, steps);
  // code = steps + ((e + bias - 1) << M): a rounding carry moves into the exponent by itself.
  Value base = arith::ShLIOp::create(
      b, loc, arith::AddIOp::create(b, loc, exponent, i32Constant(b, loc, f.bias - 1)),
      i32Constant(b, loc, m));
  Value code = arith::AddIOp::create(b, loc, stepsInt, base);
  // The infinity code (exponent all ones, mantissa 0) is the largest finite code plus one.
  code = arith::MinUIOp::create(b, loc, code,
                                i32Constant(b, loc, f.maxFiniteCode() + (overflowToInf ? 1 : 0)));
  code = arith::OrIOp::create(b, loc, code,
                              arith::ShLIOp::create(b, loc, sign, i32Constant(b, loc, f.width() - 1)));
  Value isNaN = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::UNO, t, t);
  code = arith::SelectOp::create(b, loc, isNaN, i32Constant(b, loc, f.hasNaN ? f.nanCode() : 0), code);
  return arith::TruncIOp::create(b, loc, b.getIntegerType(f.width()), code);
}

Value lowbit::emitQuantizeInteger(OpBuilder &b, Location loc, Type format, Value t, Value zero) {
  double low, high;
  if (isa<TernaryType>(format)) {
    low = -1;
    high = 1;
  } else {
    auto intType = cast<IntegerType>(format);
    unsigned width = intType.getWidth();
    low = intType.isUnsigned() ? 0 : -std::ldexp(1.0, width - 1);
    high = intType.isUnsigned() ? std::ldexp(1.0, width) - 1 : std::ldexp(1.0, width - 1) - 1;
  }
  // NaN quantizes as t = 0 (to the zero point).
  Value isNaN = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::UNO, t, t);
  t = arith::SelectOp::create(b, loc, isNaN, f32Constant(b, loc, 0), t);
  Value shifted = zero ? Value(arith::AddFOp::create(b, loc, t, zero)) : t;
  Value rounded = math::RoundEvenOp::create(b, loc, shifted);
  Value clamped = arith::MaxNumFOp::create(b, loc, rounded, f32Constant(b, loc, low));
  clamped = arith::MinNumFOp::create(b, loc, clamped, f32Constant(b, loc, high));
  Value wide = arith::FPToSIOp::create(b, loc, b.getI32Type(), clamped);
  return arith::TruncIOp::create(b, loc, b.getIntegerType(getLowbitWidth(format)), wide);
}

Value lowbit::emitFromF32(OpBuilder &b, Location loc, Value value, Type type) {
  if (type.isF32())
    return value;
  return arith::TruncFOp::create(b, loc, type, value);
}
