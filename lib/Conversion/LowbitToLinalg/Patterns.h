//===- Patterns.h - Pattern families of the lowbit-to-linalg lowering -*- C++ -*-===//
#ifndef LOWBIT_CONVERSION_LOWBITTOLINALG_PATTERNS_H
#define LOWBIT_CONVERSION_LOWBITTOLINALG_PATTERNS_H

#include "Codegen.h"

namespace lowbit {

/// quantize, dequantize, pack, unpack.
void populateQuantLoweringPatterns(const mlir::TypeConverter &converter,
                                   mlir::RewritePatternSet &patterns);
/// mpgemm.
void populateMpgemmLoweringPatterns(const mlir::TypeConverter &converter,
                                    mlir::RewritePatternSet &patterns);
/// attention.
void populateAttentionLoweringPatterns(const mlir::TypeConverter &converter,
                                       mlir::RewritePatternSet &patterns);
/// moe.
void populateMoeLoweringPatterns(const mlir::TypeConverter &converter,
                                 mlir::RewritePatternSet &patterns);
/// Non-lowbit ops whose only link to lowbit is a low-bit element type (func signatures, calls,
/// returns, tensor ops, constants): rebuilt with code types.
void populateCodeTypePatterns(mlir::TypeConverter &converter, mlir::RewritePatternSet &patterns,
                              mlir::ConversionTarget &target);

/// Bundles an op's quantized operand: `original*` are the op's values (their element types say
/// how to read the codes), the others the converted values.
QuantizedValue makeQuantizedValue(mlir::Value originalTensor, mlir::Value codes,
                                  SchemeAttr scheme, mlir::Value originalScale, mlir::Value scale,
                                  mlir::Value originalZero, mlir::Value zero,
                                  mlir::Value tensorScale, mlir::Value codebook);

/// The codebook of a scheme as a tensor: a constant for nf4/inline, the operand otherwise.
mlir::Value buildCodebookConstant(mlir::OpBuilder &b, mlir::Location loc,
                                  const QuantizedValue &value);

} // namespace lowbit

#endif // LOWBIT_CONVERSION_LOWBITTOLINALG_PATTERNS_H
