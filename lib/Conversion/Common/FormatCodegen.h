//===- FormatCodegen.h - Decode and encode element formats with arith -*- C++ -*-===//
//
// Scalar emitters shared by the lowerings (lowbit-to-linalg inside linalg.generic bodies,
// tile-to-cpu for tile.cast): every element format of at most 8 bits is read and written with
// integer arithmetic on f32 bit patterns, so the code lowers on every target without support
// for f8/f6/f4. The operation order matches lib/Reference exactly.
//
// A low-bit value is handled as its signless "code" of the same width: `si4`, `ui4` and
// `f4E2M1FN` codes are all `i4`, `!lowbit.float<e3m4>` codes are `i8`. The element type of the
// original value (the "format") says how to read a code.
//
//===----------------------------------------------------------------------===//
#ifndef LOWBIT_CONVERSION_COMMON_FORMATCODEGEN_H
#define LOWBIT_CONVERSION_COMMON_FORMATCODEGEN_H

#include "lowbit/LowbitDialect.h"

#include "mlir/IR/Builders.h"

namespace lowbit {

/// The signless code type of a low-bit element type (i4 for ui4, i8 for f8E4M3FN), or the type
/// itself when it is not low-bit.
mlir::Type getCodeType(mlir::Type elementType);

/// f32 value of `code` (an iN code of `format`, a low-bit element type) or of a real value
/// (`format` f32/f16/bf16: `code` is that value).
mlir::Value emitDecode(mlir::OpBuilder &b, mlir::Location loc, mlir::Type format, mlir::Value code);

/// Whether emitFloatFieldDecode reads `format`: a sign/exponent/mantissa float of at most 8
/// bits with at most 7 exponent bits whose values and subnormals are exact in f32 (not E8M0).
bool hasFloatFieldDecode(mlir::Type format);

/// The f32 value of a code of `format` (hasFloatFieldDecode) held in `bits` (i32) with its sign
/// bit at bit 31; the bits below the code are ignored. A shift, a mask and a multiply instead
/// of emitDecode's field-by-field rebuild: an arithmetic shift right by 8 - E puts the exponent
/// into the low bits of the f32 exponent field (the sign spreads over the rest, masked off
/// with the bits below the mantissa), and a multiply by 2^(127 - bias) moves it into place. A
/// code with a zero exponent is an f32 subnormal before the multiply, so the result is exact
/// unless the code runs with denormal inputs treated as zero (MXCSR.DAZ, which lowbit never
/// sets).
/// Infinities and NaNs are selected after, unless `specials` is false: then the caller has
/// made sure that no code is one or handles them itself (see hasOnlyAllOnesNaN8). For the
/// vector lowerings (through emitVectorized).
mlir::Value emitFloatFieldDecode(mlir::OpBuilder &b, mlir::Location loc, mlir::Type format,
                                 mlir::Value bits, bool specials = true);

/// Whether `format` is an 8-bit float whose only special codes are NaNs with every magnitude
/// bit set (FN style, e.g. f8E4M3FN): a code c is NaN exactly when (c | 0x80) == 0xFF.
bool hasOnlyAllOnesNaN8(mlir::Type format);

/// Code (iN, N = width of `format`) of the f32 value `t`, rounding to nearest even, NaN to the
/// format's NaN code or 0. Out-of-range values saturate to the largest finite magnitude; with
/// `saturate = false` they become infinity in formats that have one (the semantics of
/// `lowbit::ref::encode(format, t, saturate)`). Integer formats: `t` must already be rounded and
/// clamped by the caller (see emitQuantizeInteger).
mlir::Value emitEncodeFloat(mlir::OpBuilder &b, mlir::Location loc, mlir::Type format,
                            mlir::Value t, bool saturate = true);

/// Integer quantization: clamp(roundeven(t + zero)) in the format's range (callers with integer
/// zero points round t first), NaN as t = 0; returns
/// the iN code. `zero` may be null.
mlir::Value emitQuantizeInteger(mlir::OpBuilder &b, mlir::Location loc, mlir::Type format,
                                mlir::Value t, mlir::Value zero);

/// Converts an f32 to a real type (f32, f16, bf16; round to nearest even).
mlir::Value emitFromF32(mlir::OpBuilder &b, mlir::Location loc, mlir::Value value, mlir::Type type);

mlir::Value f32Constant(mlir::OpBuilder &b, mlir::Location loc, float value);
mlir::Value i32Constant(mlir::OpBuilder &b, mlir::Location loc, int64_t value);
mlir::Value indexConstant(mlir::OpBuilder &b, mlir::Location loc, int64_t value);
/// The zero of an integer, float, index or vector type.
mlir::Value zeroConstant(mlir::OpBuilder &b, mlir::Location loc, mlir::Type type);

} // namespace lowbit

#endif // LOWBIT_CONVERSION_COMMON_FORMATCODEGEN_H
