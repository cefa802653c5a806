//===- TileCodegen.cpp - Storage types, arithmetic, tile.cast and reduce combines ===//
//
// tile.cast's conversion of one element, on storage values (codes for low-bit types). Low-bit
// formats go through the shared emitters of Common/FormatCodegen.h (decode to f32, encode with
// round to nearest even, quantize integers), so tile.cast matches lowbit.quantize and the
// reference bit for bit. The rest is plain arith:
//   - integer -> integer: exact, clamped to the target's range in a wider integer;
//   - float -> wide integer (more than 8 bits): roundeven in f64, clamped, NaN -> 0;
//   - wide integer -> f16/f32/f64: one rounding (sitofp/uitofp); to bf16 and low-bit floats
//     through f32;
//   - f64 -> f16/bf16 and low-bit types through f32 (two roundings; no libgcc helper needed).
//
//===----------------------------------------------------------------------===//
#include "Common/TileCodegen.h"
#include "Common/FormatCodegen.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "llvm/ADT/TypeSwitch.h"

#include <algorithm>
#include <cmath>

using namespace mlir;
using namespace lowbit;
using namespace lowbit::tile;

static bool isRealFloat(Type type) {
  return type.isF16() || type.isBF16() || type.isF32() || type.isF64();
}

static bool isIntegerLike(Type type) { return isa<IntegerType, TernaryType>(type); }

Type tile::getStorageType(Type elementType) {
  if (isRealFloat(elementType))
    return elementType;
  if (auto intType = dyn_cast<IntegerType>(elementType); intType && intType.isSignless())
    return elementType;
  return IntegerType::get(elementType.getContext(), getElementBitWidth(elementType));
}

const layout::RegisterLayout &tile::getRegisterLayout(Value reg) {
  return cast<RegType>(reg.getType()).getRegisterLayout();
}

bool tile::isUnsignedElement(Type element) {
  auto intType = dyn_cast<IntegerType>(element);
  return intType && (intType.isUnsigned() || (intType.isSignless() && intType.getWidth() == 1));
}

namespace {

/// The value range of an integer-like type, as integers of `width` bits.
struct IntegerRange {
  APInt low, high;
  bool isUnsigned;
};

IntegerRange rangeOf(Type type, unsigned width) {
  if (isa<TernaryType>(type))
    return {APInt(width, -1, /*isSigned=*/true), APInt(width, 1), false};
  auto intType = cast<IntegerType>(type);
  unsigned bits = intType.getWidth();
  if (intType.isUnsigned() || (intType.isSignless() && bits == 1))
    return {APInt::getZero(width), APInt::getMaxValue(bits).zext(width), true};
  return {APInt::getSignedMinValue(bits).sext(width), APInt::getSignedMaxValue(bits).sext(width),
          false};
}

Value intConstant(OpBuilder &b, Location loc, const APInt &value) {
  return arith::ConstantOp::create(b, loc,
                                   b.getIntegerAttr(b.getIntegerType(value.getBitWidth()), value));
}

/// Exact integer conversion with saturation: extend both ranges into a common wider type,
/// clamp, truncate.
Value castIntegerToInteger(OpBuilder &b, Location loc, Value code, Type from, Type to) {
  unsigned fromBits = code.getType().getIntOrFloatBitWidth();
  unsigned toBits = getElementBitWidth(to);
  unsigned width = std::max(fromBits, toBits) + 2;
  Type wide = b.getIntegerType(width);
  IntegerRange source = rangeOf(from, width), target = rangeOf(to, width);
  Value value = source.isUnsigned ? arith::ExtUIOp::create(b, loc, wide, code).getResult()
                                  : arith::ExtSIOp::create(b, loc, wide, code).getResult();
  if (isa<TernaryType>(from)) {
    // The reserved code 0b10 reads as 0.
    Value reserved = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, value,
                                           intConstant(b, loc, APInt(width, -2, true)));
    value = arith::SelectOp::create(b, loc, reserved, intConstant(b, loc, APInt::getZero(width)),
                                    value);
  }
  value = arith::MaxSIOp::create(b, loc, value, intConstant(b, loc, target.low));
  value = arith::MinSIOp::create(b, loc, value, intConstant(b, loc, target.high));
  return arith::TruncIOp::create(b, loc, b.getIntegerType(toBits), value);
}

/// The value of a float element (real or low-bit) as f32 (f64 stays f64 when `keepF64`).
Value floatValue(OpBuilder &b, Location loc, Value stored, Type from, bool keepF64) {
  if (from.isF64())
    return keepF64 ? stored : arith::TruncFOp::create(b, loc, b.getF32Type(), stored).getResult();
  return emitDecode(b, loc, from, stored);
}

/// roundeven(x), clamped to the range of the wide integer type `to`; NaN -> 0.
Value castFloatToWideInteger(OpBuilder &b, Location loc, Value x, Type to) {
  Type f64 = b.getF64Type();
  if (!x.getType().isF64())
    x = arith::ExtFOp::create(b, loc, f64, x);
  unsigned bits = getElementBitWidth(to);
  IntegerRange range = rangeOf(to, bits);
  // The bounds as doubles: low is 0 or -2^(bits-1), high + 1 a power of two; both exact.
  double low = range.isUnsigned ? 0.0 : -std::ldexp(1.0, bits - 1);
  double highPlusOne = std::ldexp(1.0, range.isUnsigned ? bits : bits - 1);
  Type intType = b.getIntegerType(bits);
  Value t = math::RoundEvenOp::create(b, loc, x);
  Value inRange = range.isUnsigned ? arith::FPToUIOp::create(b, loc, intType, t).getResult()
                                   : arith::FPToSIOp::create(b, loc, intType, t).getResult();
  auto f64Constant = [&](double value) {
    return arith::ConstantOp::create(b, loc, b.getF64FloatAttr(value));
  };
  Value tooHigh =
      arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OGE, t, f64Constant(highPlusOne));
  Value tooLow = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OLT, t, f64Constant(low));
  Value isNaN = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::UNO, x, x);
  Value result = arith::SelectOp::create(b, loc, tooLow, intConstant(b, loc, range.low), inRange);
  result = arith::SelectOp::create(b, loc, tooHigh, intConstant(b, loc, range.high), result);
  return arith::SelectOp::create(b, loc, isNaN, intConstant(b, loc, APInt::getZero(bits)), result);
}

/// An f32 (or f64) value to the float element type `to` (real or low-bit).
Value floatToFloat(OpBuilder &b, Location loc, Value value, Type to) {
  if (to.isF64())
    return value.getType().isF64() ? value : arith::ExtFOp::create(b, loc, to, value).getResult();
  if (value.getType().isF64()) {
    if (to.isF32() || to.isF16())
      return arith::TruncFOp::create(b, loc, to, value);
    value = arith::TruncFOp::create(b, loc, b.getF32Type(), value);
  }
  if (isRealFloat(to))
    return emitFromF32(b, loc, value, to);
  return emitEncodeFloat(b, loc, to, value, /*saturate=*/false);
}

} // namespace

Value tile::emitElementCast(OpBuilder &b, Location loc, Value value, Type from, Type to) {
  if (from == to)
    return value;
  if (isIntegerLike(from) && isIntegerLike(to))
    return castIntegerToInteger(b, loc, value, from, to);
  if (isIntegerLike(to)) {
    if (isLowbitElementType(to))
      return emitQuantizeInteger(b, loc, to, floatValue(b, loc, value, from, false), nullptr);
    return castFloatToWideInteger(b, loc, floatValue(b, loc, value, from, true), to);
  }
  if (isIntegerLike(from) && !isLowbitElementType(from)) {
    // Wide integers: one rounding straight to f16/f32/f64.
    Type direct = (to.isF16() || to.isF32() || to.isF64()) ? to : b.getF32Type();
    Value converted = rangeOf(from, 1 + getElementBitWidth(from)).isUnsigned
                          ? arith::UIToFPOp::create(b, loc, direct, value).getResult()
                          : arith::SIToFPOp::create(b, loc, direct, value).getResult();
    return direct == to ? converted : floatToFloat(b, loc, converted, to);
  }
  // Low-bit integers and floats decode exactly to f32; f64 stays f64.
  Value real =
      isIntegerLike(from) ? emitDecode(b, loc, from, value) : floatValue(b, loc, value, from, true);
  return floatToFloat(b, loc, real, to);
}

Value tile::emitVectorCast(OpBuilder &b, Location loc, Value vector, Type from, Type to,
                           VectorType resultType) {
  Value result = arith::ConstantOp::create(b, loc, b.getZeroAttr(resultType));
  for (int64_t l = 0; l < resultType.getNumElements(); ++l) {
    Value x = vector::ExtractOp::create(b, loc, vector, l);
    result = vector::InsertOp::create(b, loc, emitElementCast(b, loc, x, from, to), result, l);
  }
  return result;
}

namespace {

/// The binary arithmetic of the element-wise ops and of the reduce combines.
enum class Arithmetic { Add, Sub, Mul, Div, Max, Min };

/// FloatOp on floats, UnsignedOp on isUnsignedElement integers, SignedOp on other integers.
template <typename FloatOp, typename SignedOp, typename UnsignedOp = SignedOp>
Value emitTypedOp(OpBuilder &b, Location loc, Type element, Value x, Value y) {
  if (isa<mlir::FloatType>(element))
    return FloatOp::create(b, loc, x, y);
  if (isUnsignedElement(element))
    return UnsignedOp::create(b, loc, x, y);
  return SignedOp::create(b, loc, x, y);
}

Value emitArithmetic(OpBuilder &b, Location loc, Arithmetic kind, Type element, Value x, Value y) {
  switch (kind) {
  case Arithmetic::Add:
    return emitTypedOp<arith::AddFOp, arith::AddIOp>(b, loc, element, x, y);
  case Arithmetic::Sub:
    return emitTypedOp<arith::SubFOp, arith::SubIOp>(b, loc, element, x, y);
  case Arithmetic::Mul:
    return emitTypedOp<arith::MulFOp, arith::MulIOp>(b, loc, element, x, y);
  case Arithmetic::Div:
    return emitTypedOp<arith::DivFOp, arith::DivSIOp, arith::DivUIOp>(b, loc, element, x, y);
  case Arithmetic::Max:
    return emitTypedOp<arith::MaximumFOp, arith::MaxSIOp, arith::MaxUIOp>(b, loc, element, x, y);
  case Arithmetic::Min:
    return emitTypedOp<arith::MinimumFOp, arith::MinSIOp, arith::MinUIOp>(b, loc, element, x, y);
  }
  llvm_unreachable("unknown arithmetic");
}

} // namespace

Value tile::emitElementwiseArithmetic(OpBuilder &b, Location loc, Operation *op, Type element,
                                      Value x, Value y) {
  Arithmetic kind = TypeSwitch<Operation *, Arithmetic>(op)
                        .Case([](AddOp) { return Arithmetic::Add; })
                        .Case([](SubOp) { return Arithmetic::Sub; })
                        .Case([](MulOp) { return Arithmetic::Mul; })
                        .Case([](DivOp) { return Arithmetic::Div; })
                        .Case([](MaximumOp) { return Arithmetic::Max; })
                        .Case([](MinimumOp) { return Arithmetic::Min; })
                        .Default([](Operation *) -> Arithmetic {
                          llvm_unreachable("not a binary element-wise op");
                        });
  return emitArithmetic(b, loc, kind, element, x, y);
}

Value tile::emitElementwiseMath(OpBuilder &b, Location loc, Operation *op, Value x) {
  return TypeSwitch<Operation *, Value>(op)
      .Case([&](ExpOp) { return math::ExpOp::create(b, loc, x); })
      .Case([&](TanhOp) { return math::TanhOp::create(b, loc, x); })
      .Default([](Operation *) -> Value { llvm_unreachable("not a unary element-wise op"); });
}

Value tile::emitIndexAsElement(OpBuilder &b, Location loc, Value index, Type element) {
  Type storage = getStorageType(element);
  if (auto floatType = dyn_cast<mlir::FloatType>(storage)) {
    Value wide = arith::IndexCastOp::create(b, loc, b.getI64Type(), index);
    return arith::SIToFPOp::create(b, loc, floatType, wide);
  }
  return arith::IndexCastOp::create(b, loc, storage, index);
}

Value tile::emitReduceCombine(OpBuilder &b, Location loc, ReduceKind kind, Type element, Value x,
                              Value y) {
  switch (kind) {
  case ReduceKind::Add:
    return emitArithmetic(b, loc, Arithmetic::Add, element, x, y);
  case ReduceKind::Max:
    return emitArithmetic(b, loc, Arithmetic::Max, element, x, y);
  case ReduceKind::Min:
    return emitArithmetic(b, loc, Arithmetic::Min, element, x, y);
  }
  llvm_unreachable("unknown reduce kind");
}

/// A dot operand element as an f32 (float operands) or i32 (integer operands) product factor.
Value tile::emitDotOperand(OpBuilder &b, Location loc, Type element, Value stored) {
  Type i32 = b.getI32Type();
  if (element.isF64())
    return arith::TruncFOp::create(b, loc, b.getF32Type(), stored);
  if (isa<mlir::FloatType, lowbit::FloatType>(element))
    return emitDecode(b, loc, element, stored);
  if (isa<TernaryType>(element))
    return arith::FPToSIOp::create(b, loc, i32, emitDecode(b, loc, element, stored));
  unsigned width = stored.getType().getIntOrFloatBitWidth();
  if (width > 32)
    return arith::TruncIOp::create(b, loc, i32, stored);
  if (width == 32)
    return stored;
  if (isUnsignedElement(element))
    return arith::ExtUIOp::create(b, loc, i32, stored);
  return arith::ExtSIOp::create(b, loc, i32, stored);
}

Value tile::emitDotStep(OpBuilder &b, Location loc, Value acc, Value x, Value y) {
  if (isa<mlir::FloatType>(acc.getType()))
    return arith::AddFOp::create(b, loc, acc, arith::MulFOp::create(b, loc, x, y));
  return arith::AddIOp::create(b, loc, acc, arith::MulIOp::create(b, loc, x, y));
}
