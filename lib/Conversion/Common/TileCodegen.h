//===- TileCodegen.h - Element-level emitters shared by the tile lowerings -*- C++ -*-===//
//
// What tile-to-cpu, tile-to-nvvm and tile-to-rocdl do the same way, element by element:
// storage types of tile elements, the arithmetic of the element-wise ops, tile.cast of one
// element or of a thread's vector of locals, the combine step of tile.reduce, and the operands
// of a global view.
//
//===----------------------------------------------------------------------===//
#ifndef LOWBIT_CONVERSION_COMMON_TILECODEGEN_H
#define LOWBIT_CONVERSION_COMMON_TILECODEGEN_H

#include "tile/TileDialect.h"

#include "mlir/IR/Builders.h"
#include "llvm/ADT/SmallVector.h"

namespace lowbit::tile {

/// The storage type C of a tile element type: the type itself for f16/bf16/f32/f64 and
/// signless integers, the signless code iN of its width otherwise (ui4 -> i4, f8E4M3FN -> i8,
/// !lowbit.ternary -> i2).
mlir::Type getStorageType(mlir::Type elementType);

/// The register layout of a laid-out `!tile.reg` value.
const layout::RegisterLayout &getRegisterLayout(mlir::Value reg);

/// Whether integer division, comparisons and extensions of `element` are unsigned: unsigned
/// integers, and i1 (a flag, 0 or 1).
bool isUnsignedElement(mlir::Type element);

/// The arithmetic of a binary element-wise tile op (add, sub, mul, div, maximum, minimum) on
/// storage values of `element`, scalars or vectors: NaN-propagating maximum/minimum for floats,
/// unsigned division and comparisons for isUnsignedElement types.
mlir::Value emitElementwiseArithmetic(mlir::OpBuilder &b, mlir::Location loc, mlir::Operation *op,
                                      mlir::Type element, mlir::Value x, mlir::Value y);

/// The function of a unary element-wise tile op (exp, tanh) on float storage values, scalars
/// or vectors.
mlir::Value emitElementwiseMath(mlir::OpBuilder &b, mlir::Location loc, mlir::Operation *op,
                                mlir::Value x);

/// An `index` value as a storage value of the arithmetic element type `element` (tile.iota).
mlir::Value emitIndexAsElement(mlir::OpBuilder &b, mlir::Location loc, mlir::Value index,
                               mlir::Type element);

/// Converts `value` of element type `from` (stored as getStorageType(from)) to element type
/// `to` (stored as getStorageType(to)) with tile.cast's semantics.
mlir::Value emitElementCast(mlir::OpBuilder &b, mlir::Location loc, mlir::Value value,
                            mlir::Type from, mlir::Type to);

/// emitElementCast of every element of a vector of locals, into a vector of `resultType`.
mlir::Value emitVectorCast(mlir::OpBuilder &b, mlir::Location loc, mlir::Value vector,
                           mlir::Type from, mlir::Type to, mlir::VectorType resultType);

/// One combine step of tile.reduce on storage values of `element` (add, max or min; unsigned
/// comparisons for ui and i1, NaN-propagating maximum/minimum for floats).
mlir::Value emitReduceCombine(mlir::OpBuilder &b, mlir::Location loc, ReduceKind kind,
                              mlir::Type element, mlir::Value x, mlir::Value y);

/// A tile.dot operand element (stored as getStorageType(element)) as a product factor: f32
/// for float elements, i32 for integers (sign- or zero-extended, ternary as -1/0/1).
mlir::Value emitDotOperand(mlir::OpBuilder &b, mlir::Location loc, mlir::Type element,
                           mlir::Value stored);

/// acc + x * y in f32 or i32 (the type of acc): one K step of tile.dot.
mlir::Value emitDotStep(mlir::OpBuilder &b, mlir::Location loc, mlir::Value acc, mlir::Value x,
                        mlir::Value y);

/// The sizes and strides of a global view, as tile.global_view received them.
struct GlobalView {
  mlir::Value memref;
  llvm::SmallVector<mlir::Value> sizes, strides;
};

} // namespace lowbit::tile

#endif // LOWBIT_CONVERSION_COMMON_TILECODEGEN_H
