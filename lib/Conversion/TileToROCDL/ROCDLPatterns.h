//===- ROCDLPatterns.h - tile-to-rocdl conversion patterns ---------*- C++ -*-===//
//
// tile-to-rocdl runs every worker as one GPU thread (64-wide waves). After the kernel became a
// gpu.func (TileToROCDL.cpp), a dialect conversion rewrites the tile ops with the type
// conversion below:
//   - `!tile.reg<S x T, L>` -> `vector<localSize(L) x C>`: the worker's locals, C the storage
//     type of T (getStorageType: ui4 -> i4, f8E4M3FN -> i8, ...). Packed LSB first, so
//     tile.view is a vector.bitcast of the thread's bits;
//   - `!tile.shared<..>` -> `memref<allocationSize x C, #gpu.address_space<workgroup>>`, a
//     workgroup attribution of the gpu.func;
//   - `!tile.global<..>` stays: the ops that use a view read the memref, sizes and strides
//     from its tile.global_view, which is erased afterwards.
//
//===----------------------------------------------------------------------===//
#ifndef LOWBIT_CONVERSION_TILETOROCDL_ROCDLPATTERNS_H
#define LOWBIT_CONVERSION_TILETOROCDL_ROCDLPATTERNS_H

#include "tile/TileDialect.h"

#include "mlir/Transforms/DialectConversion.h"
#include "llvm/ADT/DenseMap.h"

namespace lowbit::tile::rocdl {

/// The wave size of CDNA (gfx90a, gfx942).
constexpr int64_t kWaveSize = 64;

/// The type conversion of the file comment.
void populateTypeConversions(mlir::TypeConverter &converter);

/// `alloc_shared` op -> its workgroup attribution (a block argument of the gpu.func).
using SharedAllocations = llvm::DenseMap<mlir::Operation *, mlir::Value>;

/// Index, memory and synchronization ops (MemoryPatterns.cpp).
void populateMemoryPatterns(const mlir::TypeConverter &converter, mlir::RewritePatternSet &patterns,
                            const SharedAllocations &allocations);

/// Register computation: dot (mfma), reduce (shuffles), both through workgroup memory where
/// no plan applies, and the ops both GPU lowerings share (ComputePatterns.cpp).
void populateComputePatterns(const mlir::TypeConverter &converter,
                             mlir::RewritePatternSet &patterns);

/// A tile.dot as amdgpu.mfma steps (MfmaDot.cpp): for each fragment tile of C the thread
/// holds (outer local lc: locals [lc * cLocals, (lc + 1) * cLocals)), the outer locals of the
/// A and B fragments to multiply into it, in order of k.
struct MfmaPlan {
  int64_t m, n, k;
  int64_t aLocals, bLocals, cLocals;
  llvm::SmallVector<llvm::SmallVector<std::pair<int64_t, int64_t>>> steps;
};
/// The plan, when A, B and C are block compositions of one mfma's fragment layouts (f16 x f16
/// -> f32, 16x16x16 or 32x32x8), with the same fragment-tile steps in every wave.
std::optional<MfmaPlan> planMfmaDot(DotOp op);
void populateMfmaDotPattern(const mlir::TypeConverter &converter,
                            mlir::RewritePatternSet &patterns);

/// Whether tile-to-rocdl lowers `op` (a tile.dot or tile.reduce) through workgroup memory
/// (Common/GPUExchange.h): a dot without an mfma plan, a reduction without a wave-shuffle plan.
bool needsExchangeForROCDL(mlir::Operation *op);

/// Why tile-to-rocdl cannot lower `op` (a host launch), or the empty string. Checked before
/// anything is rewritten.
std::string checkOpForROCDL(mlir::Operation *op);

} // namespace lowbit::tile::rocdl

#endif // LOWBIT_CONVERSION_TILETOROCDL_ROCDLPATTERNS_H
