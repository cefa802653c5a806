//===- HostBuffers.h - The buffers host code hands to tile kernels -*- C++ -*-===//
//
// lowbit-to-tile's host code passes every kernel argument as a 1-d memref<?x...>: tensors
// through bufferization.to_buffer, flattened; low-bit tensors as their interchange bytes;
// results and scratch as new allocations.
//
//===----------------------------------------------------------------------===//
#ifndef LOWBIT_CONVERSION_LOWBITTOTILE_HOSTBUFFERS_H
#define LOWBIT_CONVERSION_LOWBITTOTILE_HOSTBUFFERS_H

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"

namespace lowbit {

/// The interchange bytes of a low-bit tensor value: the bytes a lowbit.unpack read, or a
/// lowbit.pack of the value.
mlir::Value interchangeBytes(mlir::OpBuilder &b, mlir::Location loc, mlir::Value value);

/// The values of the integer codes `codes` (any shape) as f32: their lowbit.dequantize with
/// a scale of 1.
mlir::Value codeValuesAsF32(mlir::OpBuilder &b, mlir::Location loc, mlir::Value codes);

/// A statically shaped tensor as the flat buffer a kernel argument takes.
mlir::Value flatBuffer(mlir::OpBuilder &b, mlir::Location loc, mlir::Value tensor);

/// Scales and float zero points: as they are, 8-bit float types as their bytes (`element`:
/// the buffer's element type).
mlir::Value scaleLikeBuffer(mlir::OpBuilder &b, mlir::Location loc, mlir::Value tensor,
                            mlir::Type &element);

/// A new buffer for a result of `type` (`memrefOut`, for bufferization.to_tensor), and the
/// same as the 1-d memref<?x...> kernels take.
mlir::Value allocateResult(mlir::OpBuilder &b, mlir::Location loc, mlir::RankedTensorType type,
                           mlir::Value &memrefOut);

/// A new buffer of `elements` f32 values for a kernel to write, as memref<?xf32>.
mlir::Value allocateF32(mlir::OpBuilder &b, mlir::Location loc, int64_t elements);

} // namespace lowbit

#endif // LOWBIT_CONVERSION_LOWBITTOTILE_HOSTBUFFERS_H
