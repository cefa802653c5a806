//===- QdqOps.cpp - QuantizeLinear, DequantizeLinear, and MatMul over weights ----===//
//
// The QDQ form of a weight-quantized layer: DequantizeLinear(W codes, scale, zero point) of an
// initializer feeding MatMul's weight operand. The importer defers the DequantizeLinear
// (GraphImporter::DequantizedConstant); MatMul takes it whole and becomes lowbit.mpgemm over
// the codes transposed to [N, K], and any other reader gets a lowbit.dequantize. Activations
// quantized at run time (QuantizeLinear, then DequantizeLinear of its codes: static QDQ
// models) become lowbit.quantize and lowbit.dequantize.
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

/// The scheme of a QuantizeLinear or DequantizeLinear as lowbit spells it: scales per tensor
/// (scalar), per index of `axis`, or per block of `blockSize` along it.
SchemeAttr schemeOf(MLIRContext *ctx, bool scalarScale, bool hasZero, int64_t axis,
                    int64_t blockSize, Type scaleType) {
  ZeroPoint zero = hasZero ? ZeroPoint::Int : ZeroPoint::None;
  if (scalarScale)
    return SchemeAttr::get(ctx, Granularity::PerTensor, 0, 0, 0, 0, scaleType, zero, false,
                           Codebook::None, {});
  if (!blockSize)
    return SchemeAttr::get(ctx, Granularity::PerChannel, axis, 0, 0, 0, scaleType, zero, false,
                           Codebook::None, {});
  return SchemeAttr::get(ctx, Granularity::Group, axis, blockSize, 0, 0, scaleType, zero, false,
                         Codebook::None, {});
}

SchemeAttr schemeOf(MLIRContext *ctx, const DequantizedConstant &value, int64_t axis,
                    Type scaleType) {
  return schemeOf(ctx, value.scale->dims_size() == 0, value.zero != nullptr, axis, value.blockSize,
                  scaleType);
}

/// The scale and zero point of a QuantizeLinear or DequantizeLinear (inputs 1 and 2, named
/// `scaleName` and `zeroName`) and its axis and block size, checked against the quantized
/// tensor's dimensions `dims`.
struct QuantParameters {
  const onnx::TensorProto *scale, *zero;
  int64_t axis, blockSize;
};

FailureOr<QuantParameters> readQuantParameters(GraphImporter &g, const Node &node,
                                               ArrayRef<int64_t> xDims, StringRef scaleName,
                                               StringRef zeroName) {
  const onnx::TensorProto *scale = g.constantInput(node, 1);
  if (!scale)
    return g.error(node, scaleName + " must be an initializer");
  if (!g.elementType(scale->data_type()))
    return g.error(node, scaleName + " of element type " + dataTypeName(scale->data_type()) +
                             " is not taken (FLOAT, FLOAT16, BFLOAT16 are)");
  const onnx::TensorProto *zero = nullptr;
  if (g.hasInput(node, 2)) {
    zero = g.constantInput(node, 2);
    if (!zero)
      return g.error(node, zeroName + " must be an initializer");
  }
  FailureOr<int64_t> axis = g.intAttribute(node, "axis", 1);
  FailureOr<int64_t> blockSize = g.intAttribute(node, "block_size", 0);
  if (failed(axis) || failed(blockSize))
    return failure();
  if (g.attribute(node, "output_dtype"))
    return g.error(node, "attribute 'output_dtype' is not taken");
  SmallVector<int64_t> sDims = dimsOf(*scale);
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
      return g.error(node, scaleName + " has shape " + shapeString(sDims) + " where [" +
                               Twine(xDims[*axis]) + "] (x's axis " + Twine(*axis) +
                               ") is required");
  } else if (static_cast<int64_t>(sDims.size()) == rank && *blockSize > 0) {
    for (int64_t d = 0; d < rank; ++d) {
      int64_t want = d == *axis ? (xDims[d] + *blockSize - 1) / *blockSize : xDims[d];
      if (sDims[d] != want)
        return g.error(node, scaleName + " has shape " + shapeString(sDims) + ": blocks of " +
                                 Twine(*blockSize) + " along axis " + Twine(*axis) + " of " +
                                 shapeString(xDims) + " need " + Twine(want) + " in dimension " +
                                 Twine(d));
    }
  } else {
    return g.error(
        node, scaleName + " of shape " + shapeString(sDims) +
                  (*blockSize ? " with block_size " + std::to_string(*blockSize) : std::string()) +
                  " fits neither per-tensor, per-axis nor blocked quantization of " +
                  shapeString(xDims));
  }
  if (zero && dimsOf(*zero) != sDims)
    return g.error(node, zeroName + " must have " + scaleName + "'s shape");
  std::string why;
  for (const onnx::TensorProto *t : {scale, zero})
    if (t && !readTensorBytes(*t, why))
      return g.error(node, "initializer '" + t->name() + "' cannot be read: " + why);
  return QuantParameters{scale, zero, *axis, *blockSize};
}

/// A zero-point initializer as a constant of `codeType`, or null without one.
Value zeroConstant(OpBuilder &b, Location loc, const onnx::TensorProto *zero, Type codeType) {
  if (!zero)
    return Value();
  return bytesConstant(b, loc, RankedTensorType::get(dimsOf(*zero), codeType),
                       unpackedCodes(*zero));
}

/// The operands and scheme a lowbit.quantize or lowbit.dequantize of codes of `codeType`
/// takes for `params`.
struct QuantOperands {
  Value scale, zero;
  SchemeAttr scheme;
};

FailureOr<QuantOperands> quantOperands(GraphImporter &g, const Node &node,
                                       const QuantParameters &params, Type codeType,
                                       StringRef scaleName) {
  FailureOr<Value> scale = g.constantValue(*params.scale, scaleName);
  if (failed(scale))
    return failure();
  Type scaleType = g.elementType(params.scale->data_type());
  return QuantOperands{*scale, zeroConstant(g.builder(), node.loc, params.zero, codeType),
                       schemeOf(g.context(), params.scale->dims_size() == 0, params.zero != nullptr,
                                params.axis, params.blockSize, scaleType)};
}

} // namespace

Value onnx_import::bytesConstant(OpBuilder &b, Location loc, RankedTensorType type,
                                 ArrayRef<uint8_t> bytes) {
  ArrayRef<char> raw(reinterpret_cast<const char *>(bytes.data()), bytes.size());
  return arith::ConstantOp::create(b, loc, type, DenseElementsAttr::getFromRawBuffer(type, raw));
}

Type onnx_import::codeElementType(MLIRContext *ctx, int32_t dataType) {
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

Value onnx_import::weightCodes(OpBuilder &b, Location loc, const onnx::TensorProto &tensor,
                               bool transposedCodes) {
  SmallVector<int64_t> dims = dimsOf(tensor);
  int64_t n = transposedCodes ? dims[0] : dims[1], k = transposedCodes ? dims[1] : dims[0];
  auto type = RankedTensorType::get({n, k}, codeElementType(b.getContext(), tensor.data_type()));
  std::vector<uint8_t> codes = unpackedCodes(tensor);
  return bytesConstant(b, loc, type, transposedCodes ? codes : transposed(codes, k, n, 1));
}

LogicalResult onnx_import::importDequantizeLinear(GraphImporter &g, const Node &node) {
  const onnx::TensorProto *x = g.constantInput(node, 0);
  if (!x)
    return importDequantizeValue(g, node);
  if (!codeElementType(g.context(), x->data_type()))
    return g.error(node, "codes of element type " + dataTypeName(x->data_type()) +
                             " are not taken (INT8, UINT8, INT4, UINT4 are)");
  FailureOr<QuantParameters> params =
      readQuantParameters(g, node, dimsOf(*x), "x_scale", "x_zero_point");
  if (failed(params))
    return failure();
  if (params->zero && params->zero->data_type() != x->data_type())
    return g.error(node, "x_zero_point must have x's element type");
  std::string why;
  if (!readTensorBytes(*x, why))
    return g.error(node, "initializer '" + x->name() + "' cannot be read: " + why);
  return g.defineDequantized(
      node, {x, params->scale, params->zero, params->axis, params->blockSize, node.loc});
}

/// DequantizeLinear of codes computed at run time (a QuantizeLinear's output): lowbit.dequantize.
LogicalResult onnx_import::importDequantizeValue(GraphImporter &g, const Node &node) {
  FailureOr<Value> x = g.input(node, 0);
  if (failed(x))
    return failure();
  auto codeType = dyn_cast<IntegerType>(elementOf(*x));
  if (!codeType || codeType.isSignless() ||
      (codeType.getWidth() != 8 && codeType.getWidth() != 4)) {
    return g.error(node, "x of element type " + typeString(elementOf(*x)) +
                             " is not taken (8- and 4-bit integer codes are)");
  }
  FailureOr<QuantParameters> params =
      readQuantParameters(g, node, shapeOf(*x), "x_scale", "x_zero_point");
  if (failed(params))
    return failure();
  if (params->zero && codeElementType(g.context(), params->zero->data_type()) != codeType)
    return g.error(node, "x_zero_point must have x's element type");
  FailureOr<QuantOperands> operands = quantOperands(g, node, *params, codeType, "x_scale");
  if (failed(operands))
    return failure();
  Type scaleType = g.elementType(params->scale->data_type());
  Value result =
      DequantizeOp::create(g.builder(), node.loc, RankedTensorType::get(shapeOf(*x), scaleType), *x,
                           operands->scale, operands->zero, Value(), Value(), operands->scheme)
          .getResult();
  return g.defineOutput(node, 0, result);
}

/// QuantizeLinear: y = saturate(roundeven(x / y_scale) + y_zero_point), codes of the zero
/// point's type (UINT8 without one): lowbit.quantize.
LogicalResult onnx_import::importQuantizeLinear(GraphImporter &g, const Node &node) {
  FailureOr<Value> x = g.input(node, 0);
  if (failed(x))
    return failure();
  FailureOr<QuantParameters> params =
      readQuantParameters(g, node, shapeOf(*x), "y_scale", "y_zero_point");
  if (failed(params))
    return failure();
  int32_t codeDataType = params->zero ? params->zero->data_type() : kUint8;
  Type codeType = codeElementType(g.context(), codeDataType);
  if (!codeType)
    return g.error(node, "codes of element type " + dataTypeName(codeDataType) +
                             " are not taken (INT8, UINT8, INT4, UINT4 are)");
  Type scaleType = g.elementType(params->scale->data_type());
  if (scaleType != elementOf(*x))
    return g.error(node, "y_scale must have x's element type");
  FailureOr<int64_t> saturate = g.intAttribute(node, "saturate", 1);
  if (failed(saturate))
    return failure();
  FailureOr<QuantOperands> operands = quantOperands(g, node, *params, codeType, "y_scale");
  if (failed(operands))
    return failure();
  Value result =
      QuantizeOp::create(g.builder(), node.loc, RankedTensorType::get(shapeOf(*x), codeType), *x,
                         operands->scale, operands->zero, Value(), Value(), operands->scheme)
          .getResult();
  return g.defineOutput(node, 0, result);
}

FailureOr<Value> onnx_import::buildDequantize(GraphImporter &g, const DequantizedConstant &value) {
  OpBuilder &b = g.builder();
  MLIRContext *ctx = g.context();
  Type codeType = codeElementType(ctx, value.codes->data_type());
  Type scaleType = g.elementType(value.scale->data_type());
  auto codesType = RankedTensorType::get(dimsOf(*value.codes), codeType);
  Value codes = bytesConstant(b, value.loc, codesType, unpackedCodes(*value.codes));
  FailureOr<Value> scale = g.constantValue(*value.scale, "x_scale");
  if (failed(scale))
    return failure();
  Value zero = zeroConstant(b, value.loc, value.zero, codeType);
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
  int64_t n = wDims[1 - kDim];
  OpBuilder &b = g.builder();
  MLIRContext *ctx = g.context();
  Location loc = node.loc;
  Type codeType = codeElementType(ctx, weights.codes->data_type());
  // lowbit.mpgemm's weights are [N, K]: [K, N] codes are transposed, and with them blocked
  // scales and zero points (per-tensor and per-axis ones keep their shape; the axis swaps).
  Value codes = weightCodes(b, loc, *weights.codes, transposedWeights);
  int64_t axis = transposedWeights ? weights.axis : 1 - weights.axis;
  auto parameter = [&](const onnx::TensorProto &tensor, Type element, ArrayRef<uint8_t> bytes,
                       int64_t size) -> Value {
    SmallVector<int64_t> dims = dimsOf(tensor);
    if (dims.size() == 2 && !transposedWeights)
      return bytesConstant(b, loc, RankedTensorType::get({dims[1], dims[0]}, element),
                           transposed(bytes, dims[0], dims[1], size));
    return bytesConstant(b, loc, RankedTensorType::get(dims, element), bytes);
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
  // Activations that are the DequantizeLinear of run-time codes (static QDQ) enter as those
  // codes with their scale and zero point, so that integer weights take the integer dot.
  Value actScale, actZero;
  SchemeAttr actScheme;
  if (auto dequantized = a.getDefiningOp<DequantizeOp>();
      dequantized && !dequantized.getTensorScale() && !dequantized.getCodebook()) {
    a = dequantized.getInput();
    actScale = dequantized.getScale();
    actZero = dequantized.getZero();
    actScheme = dequantized.getScheme();
  }
  return MpgemmOp::create(b, loc, RankedTensorType::get(resultShape, scaleType), a, codes, scale,
                          zero, Value(), Value(), actScale, actZero, Value(),
                          schemeOf(ctx, weights, axis, scaleType), actScheme, ScheduleAttr(),
                          UnitAttr())
      .getResult();
}
