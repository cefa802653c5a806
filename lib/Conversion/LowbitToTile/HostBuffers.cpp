//===- HostBuffers.cpp - The buffers host code hands to tile kernels -------===//
#include "HostBuffers.h"

#include "lowbit/LowbitDialect.h"
#include "lowbit/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;
using namespace lowbit;

/// `buffer` (static shape) collapsed to 1-d and cast to memref<?x...>.
static Value flattened(OpBuilder &b, Location loc, Value buffer) {
  auto type = cast<MemRefType>(buffer.getType());
  if (type.getRank() > 1) {
    ReassociationIndices all;
    for (int64_t d = 0; d < type.getRank(); ++d)
      all.push_back(d);
    buffer = memref::CollapseShapeOp::create(b, loc, buffer, ArrayRef<ReassociationIndices>{all});
  }
  return memref::CastOp::create(
      b, loc, MemRefType::get({ShapedType::kDynamic}, type.getElementType()), buffer);
}

Value lowbit::interchangeBytes(OpBuilder &b, Location loc, Value value) {
  if (auto unpack = value.getDefiningOp<UnpackOp>())
    return unpack.getInput();
  Type bytes = getInterchangeType(value.getType());
  return PackOp::create(b, loc, bytes, value);
}

Value lowbit::codeValuesAsF32(OpBuilder &b, Location loc, Value codes) {
  auto type = cast<RankedTensorType>(codes.getType());
  Type f32 = b.getF32Type();
  Value one = arith::ConstantOp::create(
      b, loc, DenseElementsAttr::get(RankedTensorType::get({}, f32), b.getF32FloatAttr(1.0f)));
  SchemeAttr unit = SchemeAttr::get(b.getContext(), Granularity::PerTensor, 0, 0, 0, 0, f32,
                                    ZeroPoint::None, false, Codebook::None, {});
  return DequantizeOp::create(b, loc, RankedTensorType::get(type.getShape(), f32), codes, one,
                              Value(), Value(), Value(), unit);
}

Value lowbit::flatBuffer(OpBuilder &b, Location loc, Value tensor) {
  auto type = cast<RankedTensorType>(tensor.getType());
  if (type.getRank() == 0) {
    Value scalar = tensor::ExtractOp::create(b, loc, tensor, ValueRange{});
    tensor = tensor::FromElementsOp::create(
        b, loc, RankedTensorType::get({1}, type.getElementType()), ValueRange{scalar});
    type = cast<RankedTensorType>(tensor.getType());
  }
  auto memrefType = MemRefType::get(type.getShape(), type.getElementType());
  return flattened(
      b, loc, bufferization::ToBufferOp::create(b, loc, memrefType, tensor, b.getUnitAttr()));
}

Value lowbit::scaleLikeBuffer(OpBuilder &b, Location loc, Value tensor, Type &element) {
  Type type = cast<RankedTensorType>(tensor.getType()).getElementType();
  if (isLowbitElementType(type)) {
    element = b.getI8Type();
    return flatBuffer(b, loc, interchangeBytes(b, loc, tensor));
  }
  element = type;
  return flatBuffer(b, loc, tensor);
}

Value lowbit::allocateResult(OpBuilder &b, Location loc, RankedTensorType type,
                             Value &memrefOut) {
  memrefOut =
      memref::AllocOp::create(b, loc, MemRefType::get(type.getShape(), type.getElementType()));
  return flattened(b, loc, memrefOut);
}

Value lowbit::allocateF32(OpBuilder &b, Location loc, int64_t elements) {
  return flattened(b, loc,
                   memref::AllocOp::create(b, loc, MemRefType::get({elements}, b.getF32Type())));
}
