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

/// Code (iN, N = width of `format`) of the f32 value `t`, rounding to nearest even, NaN to the
/// format's NaN code or 0. Out-of-range values saturate to the largest finite magnitude; with
/// `saturate = false` they become infinity in formats that have one (the semantics of
/// `lowbit::ref::encode(format, t, saturate)`). Integer formats: `t` must already be rounded and
/// clamped by the caller (see emitQuantizeInteger).
mlir::Value emitEncodeFloat(mlir::OpBuilder &b, mlir::Location loc, mlir::Type format,
                            mlir::Value t, bool saturate = true);

/// Integer quantization: clamp(roundeven(t + zero)) in the format's range, NaN as t = 0; returns
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
