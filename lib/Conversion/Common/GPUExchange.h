//===- GPUExchange.h - Collective tile ops through workgroup memory -*- C++ -*-===//
//
// The general path of both GPU lowerings for the collective ops their instruction plans do not
// cover (a dot whose layouts are not mma/mfma fragments or whose types no instruction takes, a
// reduction across warps/waves or of elements the shuffles do not move, a lookup in a table
// spread over the threads):
//   1. every thread stores the locals of the op's register operands into a workgroup scratch
//      buffer, each operand row-major in logical order (replicated elements are stored by
//      each holder, with the same value);
//   2. barrier;
//   3. every thread computes each of its result locals from the scratch: a dot loops over K
//      (acc = c + sum_k a[m, k] * b[k, n], in f32 or i32, as on the CPU), a reduction over the
//      reduced dims, a lookup reads the entry its code indexes;
//   4. barrier, so that the next exchange may overwrite the scratch.
// One scratch attribution per kernel (`memref<bytes x i8>` in workgroup memory) serves every
// exchange of the kernel, as large as the largest; each op carries the attribution's index.
//
//===----------------------------------------------------------------------===//
#ifndef LOWBIT_CONVERSION_COMMON_GPUEXCHANGE_H
#define LOWBIT_CONVERSION_COMMON_GPUEXCHANGE_H

#include "tile/TileDialect.h"

#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Transforms/DialectConversion.h"

namespace lowbit::tile {

/// The attribute on an op lowered through the scratch: the index of the scratch attribution.
inline constexpr llvm::StringLiteral kExchangeAttr = "tile.exchange_scratch";

/// Bytes of scratch the exchange of `op` needs: each register operand row-major, its elements
/// in their storage type (sub-byte ones in a byte each), each operand 16-byte aligned.
int64_t getExchangeBytes(mlir::Operation *op);

/// Bytes of workgroup memory a kernel needs: its tile.alloc_shared tensors plus the scratch of
/// the ops `needsExchange` selects.
int64_t getWorkgroupBytes(KernelOp kernel,
                          llvm::function_ref<bool(mlir::Operation *)> needsExchange);

/// Adds the scratch attribution to `func` (when some op of it needs one) and marks those ops
/// with kExchangeAttr.
void addExchangeScratch(mlir::gpu::GPUFuncOp func,
                        llvm::function_ref<bool(mlir::Operation *)> needsExchange);

/// Whether a lookup's table is spread over the threads (some thread lacks an entry), so that
/// the lookup goes through the exchange.
bool lookupNeedsExchange(LookupOp op);

/// tile.dot, tile.reduce and tile.lookup marked with kExchangeAttr.
void populateGPUExchangePatterns(const mlir::TypeConverter &converter,
                                 mlir::RewritePatternSet &patterns);

} // namespace lowbit::tile

#endif // LOWBIT_CONVERSION_COMMON_GPUEXCHANGE_H
