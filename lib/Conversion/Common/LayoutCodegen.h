//===- LayoutCodegen.h - Layout maps as index arithmetic ----------*- C++ -*-===//
//
// The maps of the layout algebra (include/lowbit/Layout) emitted as `arith` ops on `index`
// values, for lowerings that compute at run time who holds what: the CPU lowering (worker =
// iteration of the SIMT emulation loop) and the GPU lowerings (worker = thread id).
//
// A register layout splits the worker index and the local index into mixed-radix digits, one
// per mode, and reassembles each dimension's index from its modes' digits (see Layout.h):
//
//   layout local(2,1).spatial(8,4).local(1,2)     modes (2 | 8, 4, 2) of dims (0 | 0, 1, 1)
//                                                 spatial [1, 2], local [0, 3]
//   emitLogicalIndex(w, l):   i0 = (l / 2) * 8 + w / 4
//                             i1 = (w % 4) * 2 + l % 2
//   emitOwner(i0, i1):        worker = (i0 % 8) * 4 + i1 / 2
//                             local  = (i0 / 8) * 2 + i1 % 2
//
// emitOwner is the inverse digit split: every mode's digit is cut out of its dimension's index,
// and the spatial digits form the worker, the local digits the local index. A replication
// digit has no dimension; the owner returned is the holder whose replication digits are 0 (the
// first of getOwners()). The most significant digit of a split is taken without a remainder,
// so inputs must be in range (worker < getNumWorkers(), local < getLocalSize(), index inside
// the shape): callers loop over exactly those. Divisions and remainders are unsigned by
// constants (powers of two in practice, i.e. shifts and masks after LLVM).
//
// Shared layouts split the index into their own modes, weight the digits by the mode strides
// and apply the XOR swizzle (SharedLayout.h).
//
//===----------------------------------------------------------------------===//
#ifndef LOWBIT_CONVERSION_COMMON_LAYOUTCODEGEN_H
#define LOWBIT_CONVERSION_COMMON_LAYOUTCODEGEN_H

#include "lowbit/Layout/Layout.h"
#include "lowbit/Layout/SharedLayout.h"

#include "mlir/IR/Builders.h"

namespace lowbit {

/// The logical index `layout(worker, local)`: one `index` value per dimension of the layout
/// (none for rank 0). `worker` and `local` are `index` values in range.
llvm::SmallVector<mlir::Value> emitLogicalIndex(mlir::OpBuilder &b, mlir::Location loc,
                                                const layout::RegisterLayout &layout,
                                                mlir::Value worker, mlir::Value local);

/// A (worker, local) pair of `index` values.
struct WorkerLocalValues {
  mlir::Value worker;
  mlir::Value local;
};

/// The holder of logical element `index` (one `index` value per dimension, inside the shape)
/// whose replication digits are 0.
WorkerLocalValues emitOwner(mlir::OpBuilder &b, mlir::Location loc,
                            const layout::RegisterLayout &layout, mlir::ValueRange index);

/// The row-major index (one `index` value per extent) of element `flat` of a static shape,
/// 0 <= flat < product(shape).
llvm::SmallVector<mlir::Value> emitDelinearize(mlir::OpBuilder &b, mlir::Location loc,
                                               mlir::Value flat, llvm::ArrayRef<int64_t> shape);

/// The element offset of `index` (inside the shape) in a shared-memory layout, swizzled.
mlir::Value emitSharedOffset(mlir::OpBuilder &b, mlir::Location loc,
                             const layout::SharedLayout &layout, mlir::ValueRange index);

} // namespace lowbit

#endif // LOWBIT_CONVERSION_COMMON_LAYOUTCODEGEN_H
