//===- QuantVerifier.h - Checks shared by every op with quantized operands -*- C++ -*-===//
#ifndef LOWBIT_DIALECT_QUANTVERIFIER_H
#define LOWBIT_DIALECT_QUANTVERIFIER_H

#include "lowbit/LowbitDialect.h"

namespace lowbit {

/// The operands that come with one quantized tensor.
struct QuantOperands {
  mlir::Value scale, zero, tensorScale, codebook;
};

/// How the operands are called in the op's syntax, for messages (e.g. "k_scale").
struct QuantOperandNames {
  llvm::StringRef tensor, scale, zero, tensorScale, codebook;
};

/// Verifies that `operands` fit a tensor of type `quantized` under `scheme`: element type,
/// presence of each optional operand, and every shape and element type. Messages name the
/// operand and show expected and actual types.
mlir::LogicalResult verifyQuantOperands(mlir::Operation *op, mlir::RankedTensorType quantized,
                                        SchemeAttr scheme, const QuantOperands &operands,
                                        const QuantOperandNames &names);

/// Fails with a message when any of `operands` is present (a float tensor takes no scales).
mlir::LogicalResult verifyNoQuantOperands(mlir::Operation *op, llvm::StringRef tensorName,
                                          const QuantOperands &operands,
                                          const QuantOperandNames &names);

/// Emits "'<name>' must have element type f32, f16 or bf16, got T" when it does not.
mlir::LogicalResult verifyRealElement(mlir::Operation *op, llvm::StringRef name, mlir::Type type);

/// Formats a shape as "[2, ?, 4]".
std::string formatShape(llvm::ArrayRef<int64_t> shape);

/// True when two extents agree (either may be dynamic).
inline bool extentsCompatible(int64_t a, int64_t b) {
  return mlir::ShapedType::isDynamic(a) || mlir::ShapedType::isDynamic(b) || a == b;
}

} // namespace lowbit

#endif // LOWBIT_DIALECT_QUANTVERIFIER_H
