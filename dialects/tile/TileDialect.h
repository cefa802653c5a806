//===- TileDialect.h - The tile dialect ---------------------------*- C++ -*-===//
//
// Include this one header to use the tile dialect: dialect, attributes (#tile.layout,
// #tile.shared_layout), the tile::ReduceKind enum, types (!tile.reg, !tile.shared,
// !tile.global) and ops, plus the element-type predicates the verifiers use.
//
// Getting at a layout from C++:
//   auto reg = cast<tile::RegType>(value.getType());
//   if (reg.hasLayout()) {
//     const layout::RegisterLayout &l = reg.getRegisterLayout();   // the algebra's object
//     l.getNumWorkers(); l.getLocalSize(); l.getLogicalIndex(w, i);
//   }
//   tile::LayoutAttr attr = tile::LayoutAttr::get(ctx, layout::local({2, 1}).spatial({8, 4}));
//   reg.withLayout(attr);                                         // the same tensor, laid out
//
//===----------------------------------------------------------------------===//
#ifndef LOWBIT_DIALECT_TILEDIALECT_H
#define LOWBIT_DIALECT_TILEDIALECT_H

#include "lowbit/Layout/Layout.h"
#include "lowbit/Layout/SharedLayout.h"

#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Dialect.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/IR/OpImplementation.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Interfaces/CallInterfaces.h"
#include "mlir/Interfaces/ControlFlowInterfaces.h"
#include "mlir/Interfaces/FunctionInterfaces.h"
#include "mlir/Interfaces/InferTypeOpInterface.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#include "tile/TileDialect.h.inc"
#include "tile/TileEnums.h.inc"

#define GET_ATTRDEF_CLASSES
#include "tile/TileAttrs.h.inc"

#define GET_TYPEDEF_CLASSES
#include "tile/TileTypes.h.inc"

#define GET_OP_CLASSES
#include "tile/TileOps.h.inc"

namespace lowbit::tile {

/// Element types of tile tensors: integers of 1-64 bits (any signedness), builtin floats,
/// !lowbit.float and !lowbit.ternary.
bool isTileElementType(mlir::Type type);

/// Element types of tile arithmetic (elementwise ops, reduce, splat of accumulators):
/// integers and f16, bf16, f32, f64.
bool isArithmeticElementType(mlir::Type type);

/// Bits of one element of a tile element type (e.g. 4 for ui4 and f4E2M1FN, 2 for
/// !lowbit.ternary); 0 for any other type.
unsigned getElementBitWidth(mlir::Type type);

/// Bits [codeBit, codeBit + width) of a planar code (tile.view with `planes`) are bits
/// [bit, bit + width) of the worker's 32-bit word `word`.
struct PlanarPiece {
  int64_t word, bit, codeBit, width;
};

/// Why `planes` cannot lay out `locals` codes of `bits` bits per worker (tile.view's rules),
/// or an empty string when it can.
std::string explainInvalidPlanes(llvm::ArrayRef<int64_t> planes, int64_t bits, int64_t locals);

/// The pieces, one per plane, of local `local` of `locals` planar codes (valid `planes`).
llvm::SmallVector<PlanarPiece, 4> getPlanarPieces(llvm::ArrayRef<int64_t> planes, int64_t locals,
                                                  int64_t local);

} // namespace lowbit::tile

#endif // LOWBIT_DIALECT_TILEDIALECT_H
