//===- Ops.cpp - com.microsoft.MatMulNBits, and the table of ops ----------===//
//
// com.microsoft.MatMulNBits becomes lowbit.mpgemm with its weights decoded from their blocks
// at import time. getOpTable gathers every op the importer takes (the float ops are in
// FloatOps.cpp, the shape ops in ShapeOps.cpp, DequantizeLinear in QdqOps.cpp).
//
//===----------------------------------------------------------------------===//
#include "Importer.h"

#include "lowbit/LowbitDialect.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

#include <vector>

using namespace mlir;
using namespace lowbit;
using namespace lowbit::onnx_import;

using Node = GraphImporter::Node;

uint32_t onnx_import::packedCode(const uint8_t *row, int64_t rowBytes, int64_t index,
                                 int64_t bits) {
  int64_t bit = index * bits;
  uint32_t window = row[bit / 8];
  if (bit / 8 + 1 < rowBytes)
    window |= uint32_t(row[bit / 8 + 1]) << 8;
  return (window >> (bit % 8)) & ((1u << bits) - 1);
}

namespace {

LogicalResult importMatMulNBits(GraphImporter &g, const Node &node) {
  FailureOr<int64_t> k = g.intAttribute(node, "K", std::nullopt);
  FailureOr<int64_t> n = g.intAttribute(node, "N", std::nullopt);
  FailureOr<int64_t> bits = g.intAttribute(node, "bits", 4);
  FailureOr<int64_t> blockSize = g.intAttribute(node, "block_size", std::nullopt);
  FailureOr<int64_t> accuracy = g.intAttribute(node, "accuracy_level", 0);
  FailureOr<int64_t> prepacked = g.intAttribute(node, "weight_prepacked", 0);
  if (failed(k) || failed(n) || failed(bits) || failed(blockSize) || failed(accuracy) ||
      failed(prepacked))
    return failure();
  if (*bits < 2 || *bits > 8)
    return g.error(node, "bits = " + Twine(*bits) + ": the importer takes 2 to 8");
  if (*blockSize < 16 || (*blockSize & (*blockSize - 1)))
    return g.error(node, "block_size = " + Twine(*blockSize) +
                             ": it must be a power of 2 of at least 16");
  if (*k <= 0 || *n <= 0 || *k > (int64_t(1) << 31) || *n > (int64_t(1) << 31))
    return g.error(node, "K = " + Twine(*k) + " and N = " + Twine(*n) + " must be positive");
  if (*accuracy < 0 || *accuracy > 4)
    return g.error(node, "accuracy_level = " + Twine(*accuracy) + ": it must be 0 to 4");
  if (*prepacked != 0)
    return g.error(node, "weight_prepacked = " + Twine(*prepacked) +
                             ": only weights in the plain layout (0) are taken");
  if (g.hasInput(node, 4))
    return g.error(node, "g_idx (input 4) is not taken");
  int64_t blocks = (*k + *blockSize - 1) / *blockSize;
  int64_t blob = *blockSize * *bits / 8;

  FailureOr<Value> a = g.input(node, 0);
  if (failed(a))
    return failure();
  Type element = elementOf(*a);
  ArrayRef<int64_t> aShape = shapeOf(*a);
  if (aShape.size() < 2 || aShape.back() != *k)
    return g.error(node, "input A has shape " + shapeString(aShape) +
                             ": the importer takes [.., M, K] with K = " + Twine(*k));

  // The codes.
  const onnx::TensorProto *bTensor = g.constantInput(node, 1);
  if (!bTensor)
    return g.error(node, "B (input 1) must be an initializer: weights given at run time are "
                         "not taken");
  if (bTensor->data_type() != kUint8)
    return g.error(node, "B has element type " + dataTypeName(bTensor->data_type()) +
                             " where UINT8 is required");
  SmallVector<int64_t> bDims(bTensor->dims().begin(), bTensor->dims().end());
  if (elementCount(bDims) != *n * blocks * blob)
    return g.error(node, "B has shape " + shapeString(bDims) + " where [" + Twine(*n) + ", " +
                             Twine(blocks) + ", " + Twine(blob) + "] is required");
  std::string why;
  std::optional<std::vector<uint8_t>> bBytes = readTensorBytes(*bTensor, why);
  if (!bBytes)
    return g.error(node, "B cannot be read: " + why);

  // Zero points: packed uint8 codes, real values of A's type ([N, k_blocks] or [N * k_blocks];
  // w = (q - zero) * scale), or absent.
  std::optional<std::vector<uint8_t>> zeroCodes;
  Value floatZero;
  const onnx::TensorProto *zTensor = g.hasInput(node, 3) ? g.constantInput(node, 3) : nullptr;
  if (g.hasInput(node, 3) && !(zTensor && zTensor->data_type() == kUint8)) {
    FailureOr<Value> given = g.input(node, 3);
    if (failed(given))
      return failure();
    ArrayRef<int64_t> zShape = shapeOf(*given);
    if (elementOf(*given) != element ||
        (zShape != ArrayRef<int64_t>{*n, blocks} && zShape != ArrayRef<int64_t>{*n * blocks}))
      return g.error(node, "zero_points of type " + typeString(given->getType()) +
                               " are neither packed UINT8 codes nor [" + Twine(*n) + ", " +
                               Twine(blocks) + "] (or [" + Twine(*n * blocks) +
                               "]) of A's element type");
    floatZero =
        zShape.size() == 2 ? *given : reshapeTo(g.builder(), node.loc, *given, {*n, blocks});
  } else if (zTensor) {
    int64_t rowBytes = (blocks * *bits + 7) / 8;
    SmallVector<int64_t> zDims(zTensor->dims().begin(), zTensor->dims().end());
    if (elementCount(zDims) != *n * rowBytes)
      return g.error(node, "zero_points have shape " + shapeString(zDims) + " where [" + Twine(*n) +
                               ", " + Twine(rowBytes) + "] is required");
    std::optional<std::vector<uint8_t>> zBytes = readTensorBytes(*zTensor, why);
    if (!zBytes)
      return g.error(node, "zero_points cannot be read: " + why);
    zeroCodes.emplace(*n * blocks);
    for (int64_t row = 0; row < *n; ++row)
      for (int64_t blk = 0; blk < blocks; ++blk) {
        (*zeroCodes)[row * blocks + blk] =
            packedCode(zBytes->data() + row * rowBytes, rowBytes, blk, *bits);
      }
  }
  // One code per byte (the storage of sub-byte integers in a DenseElementsAttr).
  std::vector<uint8_t> codes(*n * *k);
  uint32_t half = 1u << (*bits - 1);
  int64_t rowBytes = blocks * blob;
  for (int64_t row = 0; row < *n; ++row) {
    const uint8_t *rowData = bBytes->data() + row * rowBytes;
    for (int64_t col = 0; col < *k; ++col) {
      uint32_t code = packedCode(rowData, rowBytes, col, *bits);
      codes[row * *k + col] = static_cast<uint8_t>(zeroCodes || floatZero ? code : code ^ half);
    }
  }
  OpBuilder &b = g.builder();
  MLIRContext *ctx = g.context();
  Location loc = node.loc;
  auto codeType = IntegerType::get(
      ctx, *bits, zeroCodes || floatZero ? IntegerType::Unsigned : IntegerType::Signed);
  auto weightType = RankedTensorType::get({*n, *k}, codeType);
  Value weights = bytesConstant(b, loc, weightType, codes);
  Value zero = floatZero;
  if (zeroCodes)
    zero = bytesConstant(b, loc, RankedTensorType::get({*n, blocks}, codeType), *zeroCodes);

  // Scales [N, k_blocks] (or the legacy [N * k_blocks]) and the bias [N], of A's type.
  FailureOr<Value> scales = g.input(node, 2);
  if (failed(scales))
    return failure();
  if (elementOf(*scales) != element)
    return g.error(node, "scales must have A's element type");
  ArrayRef<int64_t> sShape = shapeOf(*scales);
  auto scaleType = RankedTensorType::get({*n, blocks}, element);
  if (sShape.size() == 1 && sShape[0] == *n * blocks)
    *scales = tensor::ExpandShapeOp::create(b, loc, scaleType, *scales,
                                            ArrayRef<ReassociationIndices>{{0, 1}});
  else if (sShape != scaleType.getShape())
    return g.error(node, "scales have shape " + shapeString(sShape) + " where [" + Twine(*n) +
                             ", " + Twine(blocks) + "] is required");
  Value bias;
  if (g.hasInput(node, 5)) {
    FailureOr<Value> given = g.input(node, 5);
    if (failed(given))
      return failure();
    if (elementOf(*given) != element || shapeOf(*given) != ArrayRef<int64_t>{*n})
      return g.error(node, "bias must be [" + Twine(*n) + "] of A's element type");
    bias = *given;
  }
  auto scheme =
      SchemeAttr::get(ctx, Granularity::Group, /*axis=*/1, *blockSize, 0, 0, element,
                      zeroCodes ? ZeroPoint::Int : (floatZero ? ZeroPoint::Float : ZeroPoint::None),
                      false, Codebook::None, {});
  SmallVector<int64_t> resultShape(aShape.drop_back());
  resultShape.push_back(*n);
  // accuracy_level gives the least accuracy the model accepts. Level 4 (int8 compute) lets the
  // activations be quantized to int8 per token (quantize_activations, which takes rank 2: the
  // leading axes are collapsed around it) so that the weights take the integer dot; levels 0
  // to 3 compute with A as it is, accumulating in f32.
  if (*accuracy == 4) {
    int64_t rows = 1;
    for (int64_t size : aShape.drop_back())
      rows *= size;
    bool batched = aShape.size() > 2;
    Value matrix = batched ? reshapeTo(b, loc, *a, {rows, aShape.back()}) : *a;
    Value product = MpgemmOp::create(b, loc, RankedTensorType::get({rows, *n}, element), matrix,
                                     weights, *scales, zero, Value(), Value(), Value(), Value(),
                                     bias, scheme, SchemeAttr(), ScheduleAttr(), b.getUnitAttr());
    return g.defineOutput(node, 0, batched ? reshapeTo(b, loc, product, resultShape) : product);
  }
  Value result = MpgemmOp::create(b, loc, RankedTensorType::get(resultShape, element), *a, weights,
                                  *scales, zero, Value(), Value(), Value(), Value(), bias, scheme,
                                  SchemeAttr(), ScheduleAttr(), UnitAttr());
  return g.defineOutput(node, 0, result);
}

/// Code `index` of a tensor of INT4 / UINT4 elements stored two per byte, the first in the low
/// bits.
uint8_t nibble(ArrayRef<uint8_t> bytes, int64_t index) {
  return (bytes[index / 2] >> (4 * (index % 2))) & 0xF;
}

/// com.microsoft.GatherBlockQuantized: rows of a block-quantized 2-D table (an embedding) at
/// the indices, dequantized: the codes, scales and zero points of the rows are gathered
/// (buildGather), then one lowbit.dequantize of groups along the row; the table is never
/// dequantized whole.
LogicalResult importGatherBlockQuantized(GraphImporter &g, const Node &node) {
  FailureOr<int64_t> bits = g.intAttribute(node, "bits", 4);
  FailureOr<int64_t> blockSize = g.intAttribute(node, "block_size", 128);
  FailureOr<int64_t> gatherAxis = g.intAttribute(node, "gather_axis", 0);
  FailureOr<int64_t> quantizeAxis = g.intAttribute(node, "quantize_axis", 1);
  if (failed(bits) || failed(blockSize) || failed(gatherAxis) || failed(quantizeAxis))
    return failure();
  const onnx::TensorProto *data = g.constantInput(node, 0);
  if (!data)
    return g.error(node, "data (input 0) must be an initializer");
  int32_t type = data->data_type();
  if (type != kUint8 && type != kInt4 && type != kUint4)
    return g.error(node, "data of element type " + dataTypeName(type) +
                             " is not taken (UINT8, INT4, UINT4 are)");
  SmallVector<int64_t> dims(data->dims().begin(), data->dims().end());
  if (dims.size() != 2)
    return g.error(node, "data has shape " + shapeString(dims) + ": the importer takes 2-D tables");
  if ((*gatherAxis != 0 && *gatherAxis != -2) || (*quantizeAxis != 1 && *quantizeAxis != -1))
    return g.error(node, "gather_axis = " + Twine(*gatherAxis) +
                             " and quantize_axis = " + Twine(*quantizeAxis) +
                             ": the importer takes rows (0) of tables quantized along them (1)");
  if ((type == kUint8 && *bits != 4 && *bits != 8) || (type != kUint8 && *bits != 4))
    return g.error(node, "bits = " + Twine(*bits) + " does not fit data of element type " +
                             dataTypeName(type) + " (UINT8 takes 4 or 8, INT4 and UINT4 take 4)");
  if (*blockSize < 16 || (*blockSize & (*blockSize - 1)))
    return g.error(node, "block_size = " + Twine(*blockSize) +
                             ": it must be a power of 2 of at least 16");
  // UINT8 data packs 8 / bits codes per byte along the row.
  int64_t n = dims[0], k = type == kUint8 ? dims[1] * 8 / *bits : dims[1];
  int64_t blocks = (k + *blockSize - 1) / *blockSize;
  std::string why;
  std::optional<std::vector<uint8_t>> bytes = readTensorBytes(*data, why);
  if (!bytes)
    return g.error(node, "data cannot be read: " + why);

  // Zero points: of data's type, [N, blocks] (UINT8: packed like the data); without them
  // UINT8 codes are centred on 2^(bits - 1), INT4 and UINT4 ones on 0.
  std::optional<std::vector<uint8_t>> zeroCodes;
  if (g.hasInput(node, 3)) {
    const onnx::TensorProto *zTensor = g.constantInput(node, 3);
    if (!zTensor)
      return g.error(node, "zero_points (input 3) must be an initializer");
    if (zTensor->data_type() != type)
      return g.error(node, "zero_points must have data's element type");
    int64_t rowBytes = type == kUint8 ? (blocks * *bits + 7) / 8 : blocks;
    SmallVector<int64_t> zDims(zTensor->dims().begin(), zTensor->dims().end());
    if (zDims != SmallVector<int64_t>{n, rowBytes})
      return g.error(node, "zero_points have shape " + shapeString(zDims) + " where [" + Twine(n) +
                               ", " + Twine(rowBytes) + "] is required");
    std::optional<std::vector<uint8_t>> zBytes = readTensorBytes(*zTensor, why);
    if (!zBytes)
      return g.error(node, "zero_points cannot be read: " + why);
    zeroCodes.emplace(n * blocks);
    for (int64_t row = 0; row < n; ++row)
      for (int64_t blk = 0; blk < blocks; ++blk)
        (*zeroCodes)[row * blocks + blk] =
            type == kUint8 ? packedCode(zBytes->data() + row * rowBytes, rowBytes, blk, *bits)
                           : nibble(*zBytes, row * blocks + blk);
  }
  bool centred = type == kUint8 && !zeroCodes;
  std::vector<uint8_t> codes(n * k);
  uint32_t half = 1u << (*bits - 1);
  for (int64_t row = 0; row < n; ++row)
    for (int64_t col = 0; col < k; ++col) {
      uint32_t code = type == kUint8
                          ? packedCode(bytes->data() + row * dims[1], dims[1], col, *bits)
                          : nibble(*bytes, row * k + col);
      codes[row * k + col] = static_cast<uint8_t>(centred ? code ^ half : code);
    }
  bool isSigned = centred || type == kInt4;

  FailureOr<Value> indices = g.input(node, 1), scales = g.input(node, 2);
  if (failed(indices) || failed(scales))
    return failure();
  Type indexType = elementOf(*indices), element = elementOf(*scales);
  if (!indexType.isSignlessInteger(32) && !indexType.isSignlessInteger(64))
    return g.error(node, "indices must be INT32 or INT64");
  if (!isa<mlir::FloatType>(element) || shapeOf(*scales) != ArrayRef<int64_t>{n, blocks})
    return g.error(node,
                   "scales must be [" + Twine(n) + ", " + Twine(blocks) + "] of a float type");
  OpBuilder &b = g.builder();
  MLIRContext *ctx = g.context();
  Location loc = node.loc;
  auto codeType =
      IntegerType::get(ctx, *bits, isSigned ? IntegerType::Signed : IntegerType::Unsigned);
  Value table = bytesConstant(b, loc, RankedTensorType::get({n, k}, codeType), codes);
  Value rows = buildGather(b, loc, table, *indices, 0);
  Value rowScales = buildGather(b, loc, *scales, *indices, 0);
  Value rowZeros;
  if (zeroCodes)
    rowZeros = buildGather(
        b, loc, bytesConstant(b, loc, RankedTensorType::get({n, blocks}, codeType), *zeroCodes),
        *indices, 0);
  int64_t rank = shapeOf(rows).size();
  auto scheme =
      SchemeAttr::get(ctx, Granularity::Group, rank - 1, *blockSize, 0, 0, element,
                      zeroCodes ? ZeroPoint::Int : ZeroPoint::None, false, Codebook::None, {});
  Value result = DequantizeOp::create(b, loc, RankedTensorType::get(shapeOf(rows), element), rows,
                                      rowScales, rowZeros, Value(), Value(), scheme)
                     .getResult();
  return g.defineOutput(node, 0, result);
}

} // namespace

ArrayRef<OpEntry> onnx_import::getOpTable() {
  static const std::vector<OpEntry> table = [] {
    std::vector<OpEntry> all(getFloatOpTable().begin(), getFloatOpTable().end());
    all.insert(all.end(), getShapeOpTable().begin(), getShapeOpTable().end());
    all.insert(all.end(), getIntegerOpTable().begin(), getIntegerOpTable().end());
    all.insert(all.end(), getTensorOpTable().begin(), getTensorOpTable().end());
    all.insert(all.end(), getRotaryOpTable().begin(), getRotaryOpTable().end());
    all.insert(all.end(), getAttentionOpTable().begin(), getAttentionOpTable().end());
    all.insert(all.end(), getMoeOpTable().begin(), getMoeOpTable().end());
    all.push_back({"", "DequantizeLinear", 10, 23, importDequantizeLinear, /*integers=*/true});
    all.push_back({"", "QuantizeLinear", 10, 23, importQuantizeLinear});
    all.push_back({"com.microsoft", "MatMulNBits", 1, 1, importMatMulNBits});
    all.push_back({"com.microsoft", "GatherBlockQuantized", 1, 1, importGatherBlockQuantized,
                   /*integers=*/true});
    return all;
  }();
  return table;
}
