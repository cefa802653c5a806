//===- TileToNVVM.h - Internals of tile-to-nvvm ------------------*- C++ -*-===//
//
// Value representation after tile-to-nvvm (per thread = per worker):
//   - !tile.reg<S x T, L>  -> vector<localSize(L) x C> (C: the storage type of T, as on the
//                              CPU: si4 -> i4, f8E4M3FN -> i8), local l at position l;
//   - !tile.shared<S x T>   -> memref<allocationSize x C, #gpu.address_space<workgroup>>, a
//                              workgroup attribution of the gpu.func;
//   - !tile.global<S x T>   -> memref<?xT> (the view's buffer); sizes and strides are read from
//                              the defining tile.global_view.
//
//===----------------------------------------------------------------------===//
#ifndef LOWBIT_CONVERSION_TILETONVVM_TILETONVVM_H
#define LOWBIT_CONVERSION_TILETONVVM_TILETONVVM_H

#include "Common/TileCodegen.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"

#include "mlir/Transforms/DialectConversion.h"

namespace lowbit::tile {

/// Attribute on tile.alloc_shared: the index of its workgroup attribution.
inline constexpr llvm::StringLiteral kAttributionAttr = "tile.nvvm.attribution";

class TileNVVMTypeConverter : public mlir::TypeConverter {
public:
  TileNVVMTypeConverter();
};

mlir::Type convertSharedType(SharedType type);

/// Rejects (with an error on `op`) a tile op that tile-to-nvvm cannot lower.
mlir::LogicalResult checkOpForNVVM(mlir::Operation *op);

void populateTileToNVVMPatterns(mlir::TypeConverter &converter,
                                mlir::RewritePatternSet &patterns);
/// Whether tile-to-nvvm lowers `op` (a tile.dot or tile.reduce) through workgroup memory
/// (Common/GPUExchange.h) because no instruction plan below applies.
bool needsExchangeForNVVM(mlir::Operation *op);

/// tile.dot by nvgpu.mma.sync (DotOps.cpp), when the layouts and types allow.
bool hasMmaPlan(DotOp op);
void populateTileToNVVMDotPatterns(mlir::TypeConverter &converter,
                                   mlir::RewritePatternSet &patterns);

/// tile.reduce by warp shuffles (ReduceOps.cpp), when the layouts and types allow.
bool hasShuffleReducePlan(ReduceOp op);
void populateTileToNVVMReducePatterns(mlir::TypeConverter &converter,
                                      mlir::RewritePatternSet &patterns);

/// The register computation patterns (ComputeOps.cpp).
void populateTileToNVVMComputePatterns(mlir::TypeConverter &converter,
                                       mlir::RewritePatternSet &patterns);

} // namespace lowbit::tile

#endif // LOWBIT_CONVERSION_TILETONVVM_TILETONVVM_H
