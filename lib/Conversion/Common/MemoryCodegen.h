//===- MemoryCodegen.h - Global views and shared tensors as memref accesses -*- C++ -*-===//
//
// How tile-to-cpu and tile-to-rocdl move tile elements between memory and registers. A global
// view is its 1-d memref with the sizes and strides of its tile.global_view: element g (one
// index per dimension, g = offsets + index in the tile) is at sum_d g_d * stride_d, and
// accesses are masked with 0 <= g_d < size_d (outside, loads read 0 and stores write nothing).
// Registers hold storage values (getStorageType), so 8-bit float elements are bitcast to and
// from their i8 codes at the memory access.
//
// tile-to-nvvm masks with one unsigned comparison per dimension instead (its global views
// always hold storage values) and keeps that in NVVMOps.cpp.
//
//===----------------------------------------------------------------------===//
#ifndef LOWBIT_CONVERSION_COMMON_MEMORYCODEGEN_H
#define LOWBIT_CONVERSION_COMMON_MEMORYCODEGEN_H

#include "Common/TileCodegen.h"

#include "mlir/IR/Builders.h"

namespace lowbit::tile {

/// The buffer, sizes and strides of `view` (not converted).
GlobalView getGlobalView(GlobalViewOp view);

/// offsets + index, one `index` value per dimension.
llvm::SmallVector<mlir::Value> emitAddOffsets(mlir::OpBuilder &b, mlir::Location loc,
                                              mlir::ValueRange offsets, mlir::ValueRange index);

/// `value` as `type` (a bitcast when the types differ): memory element <-> register storage.
mlir::Value emitBitcastTo(mlir::OpBuilder &b, mlir::Location loc, mlir::Value value,
                          mlir::Type type);

/// 0 <= g_d < size_d for every dimension d of the view (signed comparisons).
mlir::Value emitInBounds(mlir::OpBuilder &b, mlir::Location loc, const GlobalView &view,
                         mlir::ValueRange g);

/// sum_d g_d * stride_d: the position of element g in the view's memref.
mlir::Value emitViewOffset(mlir::OpBuilder &b, mlir::Location loc, const GlobalView &view,
                           mlir::ValueRange g);

/// view[g] as a `storage` value, or 0 outside the view.
mlir::Value emitMaskedLoad(mlir::OpBuilder &b, mlir::Location loc, const GlobalView &view,
                           mlir::ValueRange g, mlir::Type storage);

/// view[g] = value(), inside the view only; `value` builds the storage value in the guarded
/// region, so that what it reads is read only there.
void emitMaskedStore(mlir::OpBuilder &b, mlir::Location loc, const GlobalView &view,
                     mlir::ValueRange g, llvm::function_ref<mlir::Value(mlir::OpBuilder &)> value);

/// The prefetches of a tile.prefetch_global (CPU): one memref.prefetch (read, data,
/// locality 3) per 64-byte line of the box of `sizes` at `offsets` (lines counted from the
/// box's first element), past the buffer's end as well (a prefetch never faults). Nothing when a
/// stride of the view is not a constant or the box covers more than 64 lines (or 65536
/// elements).
void emitPrefetch(mlir::OpBuilder &b, mlir::Location loc, const GlobalView &view,
                  mlir::ValueRange offsets, llvm::ArrayRef<int64_t> sizes);

/// The copy of element `flat` (row-major in `shape`) of a tile.copy_async: `dest` (a shared
/// tensor's buffer, addressed through `shared`) at index <- view at offsets + index, as a
/// `storage` value (0 outside the view).
void emitCopyElement(mlir::OpBuilder &b, mlir::Location loc, const GlobalView &view,
                     mlir::ValueRange offsets, mlir::Value dest, const layout::SharedLayout &shared,
                     llvm::ArrayRef<int64_t> shape, mlir::Value flat, mlir::Type storage);

} // namespace lowbit::tile

#endif // LOWBIT_CONVERSION_COMMON_MEMORYCODEGEN_H
