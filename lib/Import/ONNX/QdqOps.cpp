//===- QdqOps.cpp - DequantizeLinear of weights, and MatMul over it -------===//
//
// The QDQ form of a weight-quantized layer: DequantizeLinear(W codes, scale, zero point) of an
// initializer feeding MatMul's weight operand. The importer defers the DequantizeLinear
// (GraphImporter::DequantizedConstant); MatMul takes it whole and becomes lowbit.mpgemm over
// the codes transposed to [N, K], and any other reader gets a lowbit.dequantize.
//
// y = (x - zero) * scale, with one scale per tensor (scalar scale), per index of `axis` (1-D
// scale), or per block of `block_size` indices along `axis` (scale of x's rank; opset 21).
//
//===----------------------------------------------------------------------===//
#include "Importer.h"

#include "lowbit/LowbitDialect.h"

#include "mlir/Dialect/Arith/IR/Arith.h"

#include <cstring>

using namespace mlir;
using namespace lowbit;
using namespace lowbit::onnx_import;

using Node = GraphImporter::Node;
using DequantizedConstant = GraphImporter::DequantizedConstant;

namespace {

SmallVector<int64_t> dimsOf(const onnx::TensorProto &tensor) {
  return SmallVector<int64_t>(tensor.dims().begin(), tensor.dims().end());
}

/// The lowbit element type of the integer codes DequantizeLinear takes, or null.
Type codeElementType(MLIRContext *ctx, int32_t dataType) {
  switch (dataType) {
  case kInt8:
    return IntegerType::get(ctx, 8, IntegerType::Signed);
  case kUint8:
    return IntegerType::get(ctx, 8, IntegerType::Unsigned);
  case kInt4:
    return IntegerType::get(ctx, 4, IntegerType::Signed);
  case kUint4:
    return IntegerType::get(ctx, 4, IntegerType::Unsigned);
  default:
    return {};
  }
}

/// The codes of `tensor`, one byte each (4-bit codes from their packed pairs, the first in the
/// low bits), as DenseElementsAttr stores integers of up to 8 bits. Read before (the handler
/// checked the tensor).
std::vector<uint8_t> unpackedCodes(const onnx::TensorProto &tensor) {
  std::string why;
  std::vector<uint8_t> bytes = *readTensorBytes(tensor, why);
  if (tensor.data_type() != kInt4 && tensor.data_type() != kUint4)
    return bytes;
  int64_t count = elementCount(dimsOf(tensor));
  std::vector<uint8_t> codes(count);
  for (int64_t i = 0; i < count; ++i)
    codes[i] = (bytes[i / 2] >> (4 * (i % 2))) & 0xF;
  return codes;
}

/// The elements of a [rows, cols] array of `size`-byte elements, transposed.
std::vector<uint8_t> transposed(ArrayRef<uint8_t> bytes, int64_t rows, int64_t cols, int64_t size) {
  std::vector<uint8_t> out(bytes.size());
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t c = 0; c < cols; ++c)
      std::memcpy(&out[(c * rows + r) * size], &bytes[(r * cols + c) * size], size);
  return out;
}

Value constantOf(OpBuilder &b, Location loc, RankedTensorType type, ArrayRef<uint8_t> bytes) {
  ArrayRef<char> raw(reinterpret_cast<const char *>(bytes.data()), bytes.size());
  return arith::ConstantOp::create(b, loc, type, DenseElementsAttr::getFromRawBuffer(type, raw));
}

/// The scheme of a DequantizeLinear as lowbit spells it, with the scale axis `axis` of a
/// tensor of the given rank.
SchemeAttr schemeOf(MLIRContext *ctx, const DequantizedConstant &value, int64_t axis,
                    Type scaleType) {
  ZeroPoint zero = value.zero ? ZeroPoint::Int : ZeroPoint::None;
  if (value.scale->dims_size() == 0)
    return SchemeAttr::get(ctx, Granularity::PerTensor, 0, 0, 0, 0, scaleType, zero, false,
                           Codebook::None, {});
  if (!value.blockSize)
    return SchemeAttr::get(ctx, Granularity::PerChannel, axis, 0, 0, 0, scaleType, zero, false,
                           Codebook::None, {});
  return SchemeAttr::get(ctx, Granularity::Group, axis, value.blockSize, 0, 0, scaleType, zero,
                         false, Codebook::None, {});
}

} // namespace

LogicalResult onnx_import::importDequantizeLinear(GraphImporter &g, const Node &node) {
  const onnx::TensorProto *x = g.constantInput(node, 0);
  if (!x)
    return g.error(node, "DequantizeLinear of a tensor computed at run time is not taken yet "
                         "(of initializers, quantized weights, it is)");
  if (!codeElementType(g.context(), x->data_type()))
    return g.error(node, "codes of element type " + dataTypeName(x->data_type()) +
                             " are not taken (INT8, UINT8, INT4, UINT4 are)");
  const onnx::TensorProto *scale = g.constantInput(node, 1);
  if (!scale)
    return g.error(node, "x_scale must be an initializer");
  if (!g.elementType(scale->data_type()))
    return g.error(node, "x_scale of element type " + dataTypeName(scale->data_type()) +
                             " is not taken (FLOAT, FLOAT16, BFLOAT16 are)");
  const onnx::TensorProto *zero = nullptr;
  if (g.hasInput(node, 2)) {
    zero = g.constantInput(node, 2);
    if (!zero)
      return g.error(node, "x_zero_point must be an initializer");
    if (zero->data_type() != x->data_type())
      return g.error(node, "x_zero_point must have x's element type");
  }
  FailureOr<int64_t> axis = g.intAttribute(node, "axis", 1);
  FailureOr<int64_t> blockSize = g.intAttribute(node, "block_size", 0);
  if (failed(axis) || failed(blockSize))
    return failure();
  if (g.attribute(node, "output_dtype"))
    return g.error(node, "attribute 'output_dtype' is not taken");
  SmallVector<int64_t> xDims = dimsOf(*x), sDims = dimsOf(*scale);
  int64_t rank = xDims.size();
  if (*axis < -rank || *axis >= std::max<int64_t>(rank, 1))
    return g.error(node, "axis = " + Twine(*axis) + " is outside x's rank " + Twine(rank));
  if (*axis < 0)
    *axis += rank;
  if (sDims.empty()) {
    if (*blockSize)
      return g.error(node, "a scalar scale takes no block_size");
  } else if (sDims.size() == 1 && !*blockSize) {
    if (sDims[0] != xDims[*axis])
      return g.error(node, "x_scale has shape " + shapeString(sDims) + " where [" +
                               Twine(xDims[*axis]) + "] (x's axis " + Twine(*axis) +
                               ") is required");
  } else if (static_cast<int64_t>(sDims.size()) == rank && *blockSize > 0) {
    for (int64_t d = 0; d < rank; ++d) {
      int64_t want = d == *axis ? (xDims[d] + *blockSize - 1) / *blockSize : xDims[d];
      if (sDims[d] != want)
        return g.error(node, "x_scale has shape " + shapeString(sDims) + ": blocks of " +
                                 Twine(*blockSize) + " along axis " + Twine(*axis) + " of " +
                                 shapeString(xDims) + " need " + Twine(want) + " in dimension " +
                                 Twine(d));
    }
  } else {
    return g.error(
        node, "x_scale of shape " + shapeString(sDims) +
                  (*blockSize ? " with block_size " + std::to_string(*blockSize) : std::string()) +
                  " fits neither per-tensor, per-axis nor blocked quantization of " +
                  shapeString(xDims));
  }
  if (zero && dimsOf(*zero) != sDims)
    return g.error(node, "x_zero_point must have x_scale's shape");
  std::string why;
  for (const onnx::TensorProto *t : {x, scale, zero})
    if (t && !readTensorBytes(*t, why))
      return g.error(node, "initializer '" + t->name() + "' cannot be read: " + why);
  return g.defineDequantized(node, {x, scale, zero, *axis, *blockSize, node.loc});
}

FailureOr<Value> onnx_import::buildDequantize(GraphImporter &g, const DequantizedConstant &value) {
  OpBuilder &b = g.builder();
  MLIRContext *ctx = g.context();
  Type codeType = codeElementType(ctx, value.codes->data_type());
  Type scaleType = g.elementType(value.scale->data_type());
  auto codesType = RankedTensorType::get(dimsOf(*value.codes), codeType);
  Value codes = constantOf(b, value.loc, codesType, unpackedCodes(*value.codes));
  FailureOr<Value> scale = g.constantValue(*value.scale, "x_scale");
  if (failed(scale))
    return failure();
  Value zero;
  if (value.zero)
    zero = constantOf(b, value.loc, RankedTensorType::get(dimsOf(*value.zero), codeType),
                      unpackedCodes(*value.zero));
  return DequantizeOp::create(b, value.loc, RankedTensorType::get(codesType.getShape(), scaleType),
                              codes, *scale, zero, Value(), Value(),
                              schemeOf(ctx, value, value.axis, scaleType))
      .getResult();
}

FailureOr<Value> onnx_import::buildDequantizedProduct(GraphImporter &g, const Node &node, Value a,
                                                      const DequantizedConstant &weights,
                                                      bool transposedWeights) {
  auto aType = cast<RankedTensorType>(a.getType());
  Type scaleType = g.elementType(weights.scale->data_type());
  if (aType.getElementType() != scaleType)
    return g.error(node, "its inputs have different element types");
  SmallVector<int64_t> wDims = dimsOf(*weights.codes);
  int64_t kDim = transposedWeights ? 1 : 0;
  if (aType.getRank() < 2 || wDims.size() != 2 || aType.getShape().back() != wDims[kDim])
    return g.error(node, "the importer takes products of a [.., M, K] operand by " +
                             Twine(transposedWeights ? "[N, K]" : "[K, N]") +
                             " weights; these have shapes " + shapeString(aType.getShape()) +
                             " and " + shapeString(wDims));
  int64_t k = wDims[kDim], n = wDims[1 - kDim];
  OpBuilder &b = g.builder();
  MLIRContext *ctx = g.context();
  Location loc = node.loc;
  Type codeType = codeElementType(ctx, weights.codes->data_type());
  // lowbit.mpgemm's weights are [N, K]: [K, N] codes are transposed, and with them blocked
  // scales and zero points (per-tensor and per-axis ones keep their shape; the axis swaps).
  auto codesType = RankedTensorType::get({n, k}, codeType);
  std::vector<uint8_t> codeBytes = unpackedCodes(*weights.codes);
  Value codes =
      constantOf(b, loc, codesType, transposedWeights ? codeBytes : transposed(codeBytes, k, n, 1));
  int64_t axis = transposedWeights ? weights.axis : 1 - weights.axis;
  auto parameter = [&](const onnx::TensorProto &tensor, Type element, ArrayRef<uint8_t> bytes,
                       int64_t size) -> Value {
    SmallVector<int64_t> dims = dimsOf(tensor);
    if (dims.size() == 2 && !transposedWeights)
      return constantOf(b, loc, RankedTensorType::get({dims[1], dims[0]}, element),
                        transposed(bytes, dims[0], dims[1], size));
    return constantOf(b, loc, RankedTensorType::get(dims, element), bytes);
  };
  std::string why;
  std::vector<uint8_t> scaleBytes = *readTensorBytes(*weights.scale, why);
  Value scale =
      parameter(*weights.scale, scaleType, scaleBytes, scaleType.getIntOrFloatBitWidth() / 8);
  Value zero;
  if (weights.zero)
    zero = parameter(*weights.zero, codeType, unpackedCodes(*weights.zero), 1);
  SmallVector<int64_t> resultShape(aType.getShape().drop_back());
  resultShape.push_back(n);
  return MpgemmOp::create(b, loc, RankedTensorType::get(resultShape, scaleType), a, codes, scale,
                          zero, Value(), Value(), Value(), Value(), Value(),
                          schemeOf(ctx, weights, axis, scaleType), SchemeAttr(), ScheduleAttr(),
                          UnitAttr())
      .getResult();
}
