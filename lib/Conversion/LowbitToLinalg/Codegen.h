//===- Codegen.h - Building blocks of the lowbit-to-linalg lowering -*- C++ -*-===//
//
// Tensor builders (a linalg.generic from a body callback, the dequantization of a whole tensor)
// over the scalar emitters of Common/FormatCodegen.h (decode and encode of every element format
// with arith ops, used inside linalg.generic bodies). Every lowbit op's lowering is assembled
// from these.
//
// Inside the lowering a low-bit tensor is a tensor of signless "codes": `si4`, `ui4` and
// `f4E2M1FN` all become `i4`, `!lowbit.float<e3m4>` becomes `i8`, and so on (see
// LowbitCodeTypeConverter). The element type of the *original* value says how to read a code.
//
//===----------------------------------------------------------------------===//
#ifndef LOWBIT_CONVERSION_LOWBITTOLINALG_CODEGEN_H
#define LOWBIT_CONVERSION_LOWBITTOLINALG_CODEGEN_H

#include "Common/FormatCodegen.h"
#include "lowbit/LowbitDialect.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Utils/StructuredOpsUtils.h"
#include "mlir/IR/AffineMap.h"
#include "mlir/IR/Builders.h"
#include "mlir/Transforms/DialectConversion.h"

namespace lowbit {

/// Maps every tensor of a low-bit element type (and of f8 scale types) to the same shape of
/// signless integer codes of the same width. Other types are left alone.
class LowbitCodeTypeConverter : public mlir::TypeConverter {
public:
  LowbitCodeTypeConverter();
};

//===----------------------------------------------------------------------===//
// Tensor builders
//===----------------------------------------------------------------------===//

using BodyBuilder =
    llvm::function_ref<mlir::Value(mlir::OpBuilder &, mlir::Location, mlir::ValueRange)>;

/// A linalg.generic with one output: `inputs` read through `inputMaps`, an output of `shape` x
/// `elementType` written through the identity map over the first shape.size() loops, `iterators`
/// over all loops. With reduction iterators the output is filled with `init` first (init may be
/// null for purely parallel generics). The body gets the input elements then the output element
/// and returns the value to yield.
mlir::Value buildGeneric(mlir::OpBuilder &b, mlir::Location loc, mlir::ValueRange inputs,
                         llvm::ArrayRef<mlir::AffineMap> inputMaps,
                         llvm::ArrayRef<int64_t> shape, mlir::Type elementType,
                         mlir::AffineMap outputMap,
                         llvm::ArrayRef<mlir::utils::IteratorType> iterators,
                         mlir::Value init, BodyBuilder body);

/// Elementwise map of a ranked tensor (identity maps).
mlir::Value buildElementwise(mlir::OpBuilder &b, mlir::Location loc, mlir::ValueRange inputs,
                             mlir::Type resultElement, BodyBuilder body);

/// The scale map of `scheme` over a tensor of `rank` loops: per_tensor () , per_channel (d_a),
/// group (.., d_a floordiv G, ..), block (.., d_r-2 floordiv R, d_r-1 floordiv C).
mlir::AffineMap getScaleMap(mlir::MLIRContext *context, SchemeAttr scheme, unsigned rank);

/// A quantized tensor as the lowering sees it: the codes and their side operands (already
/// converted: code tensors for low-bit types), plus the original element type and scheme.
struct QuantizedValue {
  mlir::Value codes;
  mlir::Type format;       // original element type (ui4, f4E2M1FN, ...)
  SchemeAttr scheme;       // null: plain decode, no scales
  mlir::Value scale, zero, tensorScale, codebook;
  mlir::Type scaleFormat;  // original scale element type (f16, f8E8M0FNU, ...)
  mlir::Type zeroFormat;   // original zero element type
};

/// f32 tensor of the real values of `value` (dequantized, or decoded when it has no scheme;
/// real tensors are extended to f32).
mlir::Value buildDequantize(mlir::OpBuilder &b, mlir::Location loc, const QuantizedValue &value,
                            mlir::Type resultElement);

/// f32 values of an operand that is either real (no scheme: extended, or returned as it is when
/// already f32) or quantized (dequantized with its scheme; low-bit without a scheme: decoded).
mlir::Value buildAsF32(mlir::OpBuilder &b, mlir::Location loc, const QuantizedValue &value);

/// Extends a real tensor (f32, f16, bf16) to f32 (returns it unchanged when already f32).
mlir::Value buildToF32(mlir::OpBuilder &b, mlir::Location loc, mlir::Value tensor);

/// Fails on `op` with a message when any operand or result has a dynamic shape.
mlir::LogicalResult requireStaticShapes(mlir::Operation *op,
                                        mlir::ConversionPatternRewriter &rewriter);

/// Element type of a ranked tensor value.
mlir::Type elementTypeOf(mlir::Value value);

} // namespace lowbit

#endif // LOWBIT_CONVERSION_LOWBITTOLINALG_CODEGEN_H
