//===- TensorOps.cpp - Shape, Gather, Where, comparisons, Expand, Split ---===//
//
// The index and mask ops of exported models, for tensors computed at run time (small
// constant inputs fold at import time: Folding.cpp): Gather becomes a linalg.generic that
// extracts from the data at the indices (clamped into range, so that a bad index never
// reads outside the tensor), Equal / Less / Greater a comparison to i1, Where an
// arith.select, Expand a broadcast, Split tensor.extract_slices, ConstantOfShape a splat
// constant. Shape and Range always fold (static shapes).
//
//===----------------------------------------------------------------------===//
#include "Importer.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

#include <cstring>

using namespace mlir;
using namespace lowbit;
using namespace lowbit::onnx_import;

using Node = GraphImporter::Node;

namespace {

bool isUnsignedLike(Type type) {
  auto integer = dyn_cast<IntegerType>(type);
  return integer && (integer.isUnsigned() || integer.getWidth() == 1);
}

/// Shape: always folded (static shapes); this handler only runs the folder.
LogicalResult importShape(GraphImporter &g, const Node &node) {
  FailureOr<bool> folded = foldNode(g, node);
  if (failed(folded))
    return failure();
  if (!*folded)
    return g.error(node, "the shape could not be computed");
  return success();
}

/// Range of inputs that are not constants: its length would be known only at run time.
LogicalResult importRange(GraphImporter &g, const Node &node) {
  return g.error(node, "start, limit and delta must be constants (initializers, Constant nodes "
                       "or values computed from them): a range computed at run time has a "
                       "dynamic shape");
}

LogicalResult importGather(GraphImporter &g, const Node &node) {
  FailureOr<Value> data = g.input(node, 0), indices = g.input(node, 1);
  FailureOr<int64_t> axisAttr = g.intAttribute(node, "axis", 0);
  if (failed(data) || failed(indices) || failed(axisAttr))
    return failure();
  Type indexType = elementOf(*indices);
  if (!indexType.isSignlessInteger(32) && !indexType.isSignlessInteger(64))
    return g.error(node, "indices of element type " + typeString(indexType) +
                             " are not taken (INT32 and INT64 are)");
  ArrayRef<int64_t> dataShape = shapeOf(*data);
  int64_t rank = dataShape.size(), axis = *axisAttr < 0 ? *axisAttr + rank : *axisAttr;
  if (axis < 0 || axis >= rank)
    return g.error(node,
                   "axis = " + Twine(*axisAttr) + " is outside the data's rank " + Twine(rank));
  if (dataShape[axis] == 0)
    return g.error(node, "the data has no elements along axis " + Twine(axis));
  return g.defineOutput(node, 0, buildGather(g.builder(), node.loc, *data, *indices, axis));
}

enum class Compare { Equal, Less, Greater };

template <Compare kind> LogicalResult importCompare(GraphImporter &g, const Node &node) {
  FailureOr<Value> lhs = g.input(node, 0), rhs = g.input(node, 1);
  if (failed(lhs) || failed(rhs))
    return failure();
  Type type = elementOf(*lhs);
  if (type != elementOf(*rhs))
    return g.error(node, "its inputs have different element types");
  FailureOr<SmallVector<int64_t>> shape = broadcastShapes(g, node, {shapeOf(*lhs), shapeOf(*rhs)});
  if (failed(shape))
    return failure();
  OpBuilder &b = g.builder();
  bool isFloat = isa<mlir::FloatType>(type), isUnsigned = isUnsignedLike(type);
  Value result = buildElementwise(
      b, node.loc, ValueRange{signless(b, node.loc, *lhs), signless(b, node.loc, *rhs)}, *shape,
      b.getI1Type(), [&](OpBuilder &nb, Location nl, ValueRange args) -> Value {
        if (isFloat) {
          arith::CmpFPredicate predicate = kind == Compare::Equal  ? arith::CmpFPredicate::OEQ
                                           : kind == Compare::Less ? arith::CmpFPredicate::OLT
                                                                   : arith::CmpFPredicate::OGT;
          return arith::CmpFOp::create(nb, nl, predicate, args[0], args[1]);
        }
        arith::CmpIPredicate predicate =
            kind == Compare::Equal ? arith::CmpIPredicate::eq
            : kind == Compare::Less
                ? (isUnsigned ? arith::CmpIPredicate::ult : arith::CmpIPredicate::slt)
                : (isUnsigned ? arith::CmpIPredicate::ugt : arith::CmpIPredicate::sgt);
        return arith::CmpIOp::create(nb, nl, predicate, args[0], args[1]);
      });
  return g.defineOutput(node, 0, result);
}

LogicalResult importWhere(GraphImporter &g, const Node &node) {
  FailureOr<Value> cond = g.input(node, 0), x = g.input(node, 1), y = g.input(node, 2);
  if (failed(cond) || failed(x) || failed(y))
    return failure();
  if (!elementOf(*cond).isInteger(1))
    return g.error(node, "condition of element type " + typeString(elementOf(*cond)) +
                             " is not taken (BOOL is)");
  if (elementOf(*x) != elementOf(*y))
    return g.error(node, "X and Y have different element types");
  FailureOr<SmallVector<int64_t>> shape =
      broadcastShapes(g, node, {shapeOf(*cond), shapeOf(*x), shapeOf(*y)});
  if (failed(shape))
    return failure();
  OpBuilder &b = g.builder();
  Value xs = signless(b, node.loc, *x);
  Value result =
      buildElementwise(b, node.loc, ValueRange{*cond, xs, signless(b, node.loc, *y)}, *shape,
                       elementOf(xs), [](OpBuilder &nb, Location nl, ValueRange args) -> Value {
                         return arith::SelectOp::create(nb, nl, args[0], args[1], args[2]);
                       });
  return g.defineOutput(node, 0, retyped(b, node.loc, result, elementOf(*x)));
}

LogicalResult importExpand(GraphImporter &g, const Node &node) {
  FailureOr<Value> x = g.input(node, 0);
  if (failed(x))
    return failure();
  FailureOr<SmallVector<int64_t>> requested = constantInts(g, node, 1, "shape");
  if (failed(requested))
    return failure();
  FailureOr<SmallVector<int64_t>> shape = broadcastShapes(g, node, {shapeOf(*x), *requested});
  if (failed(shape))
    return failure();
  if (elementCount(*shape) < 0)
    return g.error(node, "shape " + shapeString(*requested) + " is too large");
  OpBuilder &b = g.builder();
  Value xs = signless(b, node.loc, *x);
  Value result = buildElementwise(b, node.loc, xs, *shape, elementOf(xs),
                                  [](OpBuilder &, Location, ValueRange args) { return args[0]; });
  return g.defineOutput(node, 0, retyped(b, node.loc, result, elementOf(*x)));
}

/// ConstantOfShape too large to fold: a splat constant.
LogicalResult importConstantOfShape(GraphImporter &g, const Node &node) {
  FailureOr<SmallVector<int64_t>> shape = constantInts(g, node, 0, "input");
  if (failed(shape))
    return failure();
  if (elementCount(*shape) < 0)
    return g.error(node, "shape " + shapeString(*shape) + " is not a shape or too large");
  Type element = g.builder().getF32Type();
  std::vector<uint8_t> bytes(4, 0);
  if (const onnx::AttributeProto *attr = g.attribute(node, "value")) {
    std::string why;
    std::optional<std::vector<uint8_t>> given;
    if (attr->type() == onnx::AttributeProto::TENSOR)
      given = readTensorBytes(attr->t(), why);
    element =
        attr->type() == onnx::AttributeProto::TENSOR ? g.valueType(attr->t().data_type()) : Type();
    if (!given || !element ||
        elementCount(SmallVector<int64_t>(attr->t().dims().begin(), attr->t().dims().end())) != 1)
      return g.error(node, "attribute 'value' must be a one-element tensor of a type the "
                           "importer takes");
    bytes = *given;
  }
  auto type = RankedTensorType::get(*shape, element);
  auto one = RankedTensorType::get({}, element);
  DenseElementsAttr value;
  if (element.isInteger(1))
    value = DenseElementsAttr::get(type, bytes[0] != 0);
  else
    value = DenseElementsAttr::getFromRawBuffer(
                one, ArrayRef<char>(reinterpret_cast<const char *>(bytes.data()), bytes.size()))
                .reshape(type);
  if (!value.isSplat())
    value = DenseElementsAttr::get(type, value.getSplatValue<Attribute>());
  Value result = arith::ConstantOp::create(g.builder(), node.loc, type, value);
  return g.defineOutput(node, 0, result);
}

LogicalResult importSplit(GraphImporter &g, const Node &node) {
  FailureOr<Value> x = g.input(node, 0);
  FailureOr<int64_t> axisAttr = g.intAttribute(node, "axis", 0);
  if (failed(x) || failed(axisAttr))
    return failure();
  ArrayRef<int64_t> in = shapeOf(*x);
  int64_t rank = in.size(), axis = *axisAttr < 0 ? *axisAttr + rank : *axisAttr;
  if (axis < 0 || axis >= rank)
    return g.error(node, "axis = " + Twine(*axisAttr) + " is outside rank " + Twine(rank));
  int64_t outputs = node.proto.output_size(), extent = in[axis];
  SmallVector<int64_t> sizes;
  if (node.opset >= 13 && g.hasInput(node, 1)) {
    FailureOr<SmallVector<int64_t>> split = constantInts(g, node, 1, "split");
    if (failed(split))
      return failure();
    sizes = *split;
  } else if (const onnx::AttributeProto *attr = g.attribute(node, "split");
             attr && node.opset < 13) {
    sizes.assign(attr->ints().begin(), attr->ints().end());
  } else {
    // Equal parts (the last one smaller when the extent does not divide).
    FailureOr<int64_t> parts = g.intAttribute(node, "num_outputs", outputs);
    if (failed(parts))
      return failure();
    if (*parts != outputs || outputs <= 0)
      return g.error(node, "num_outputs = " + Twine(*parts) + " but the node has " +
                               Twine(outputs) + " outputs");
    int64_t part = (extent + outputs - 1) / outputs;
    for (int64_t i = 0; i < outputs; ++i)
      sizes.push_back(std::clamp<int64_t>(extent - i * part, 0, part));
  }
  int64_t total = 0;
  for (int64_t size : sizes) {
    if (size < 0)
      return g.error(node, "split " + shapeString(sizes) + " has a negative size");
    total += size;
  }
  if (static_cast<int64_t>(sizes.size()) != outputs || total != extent)
    return g.error(node, "split " + shapeString(sizes) + " does not cut " + Twine(extent) +
                             " into " + Twine(outputs) + " outputs");
  OpBuilder &b = g.builder();
  int64_t offset = 0;
  for (auto [i, size] : llvm::enumerate(sizes)) {
    SmallVector<OpFoldResult> offsets(rank, b.getIndexAttr(0)), lengths,
        strides(rank, b.getIndexAttr(1));
    for (int64_t d = 0; d < rank; ++d)
      lengths.push_back(b.getIndexAttr(d == axis ? size : in[d]));
    offsets[axis] = b.getIndexAttr(offset);
    offset += size;
    // An empty part is a new empty tensor (a slice at the end of an axis is out of bounds).
    SmallVector<int64_t> partShape(in);
    partShape[axis] = size;
    Value part = elementCount(partShape) == 0
                     ? tensor::EmptyOp::create(b, node.loc, partShape, elementOf(*x)).getResult()
                     : tensor::ExtractSliceOp::create(b, node.loc, *x, offsets, lengths, strides)
                           .getResult();
    if (failed(g.defineOutput(node, i, part)))
      return failure();
  }
  return success();
}

} // namespace

Value onnx_import::buildGather(OpBuilder &b, Location loc, Value data, Value indices,
                               int64_t axis) {
  Type indexType = elementOf(indices);
  ArrayRef<int64_t> dataShape = shapeOf(data), indexShape = shapeOf(indices);
  int64_t rank = dataShape.size(), extent = dataShape[axis], q = indexShape.size();
  SmallVector<int64_t> shape(dataShape.begin(), dataShape.begin() + axis);
  shape.append(indexShape.begin(), indexShape.end());
  shape.append(dataShape.begin() + axis + 1, dataShape.end());
  int64_t loops = shape.size();
  MLIRContext *ctx = b.getContext();
  Value source = signless(b, loc, data);
  Type element = elementOf(source);
  SmallVector<AffineExpr> indexExprs;
  for (int64_t d = 0; d < q; ++d)
    indexExprs.push_back(b.getAffineDimExpr(axis + d));
  SmallVector<AffineMap> maps = {AffineMap::get(loops, 0, indexExprs, ctx),
                                 b.getMultiDimIdentityMap(loops)};
  Value init = tensor::EmptyOp::create(b, loc, shape, element);
  auto gather = linalg::GenericOp::create(
      b, loc, TypeRange{init.getType()}, ValueRange{indices}, ValueRange{init}, maps,
      SmallVector<utils::IteratorType>(loops, utils::IteratorType::parallel),
      [&](OpBuilder &nb, Location nl, ValueRange args) {
        // A negative index counts from the end; indices out of range are clamped into it.
        Value wide = indexType.isInteger(64)
                         ? args[0]
                         : arith::ExtSIOp::create(nb, nl, nb.getI64Type(), args[0]).getResult();
        auto i64 = [&](int64_t v) {
          return arith::ConstantOp::create(nb, nl, nb.getI64Type(), nb.getI64IntegerAttr(v));
        };
        Value negative = arith::CmpIOp::create(nb, nl, arith::CmpIPredicate::slt, wide, i64(0));
        Value shifted = arith::AddIOp::create(nb, nl, wide, i64(extent));
        Value index = arith::SelectOp::create(nb, nl, negative, shifted, wide);
        index = arith::MaxSIOp::create(nb, nl, index, i64(0));
        index = arith::MinSIOp::create(nb, nl, index, i64(extent - 1));
        SmallVector<Value> coordinates;
        for (int64_t d = 0; d < axis; ++d)
          coordinates.push_back(linalg::IndexOp::create(nb, nl, d));
        coordinates.push_back(arith::IndexCastOp::create(nb, nl, nb.getIndexType(), index));
        for (int64_t d = axis + 1; d < rank; ++d)
          coordinates.push_back(linalg::IndexOp::create(nb, nl, d - 1 + q));
        Value value = tensor::ExtractOp::create(nb, nl, source, coordinates);
        linalg::YieldOp::create(nb, nl, value);
      });
  return retyped(b, loc, gather.getResult(0), elementOf(data));
}

ArrayRef<OpEntry> onnx_import::getTensorOpTable() {
  static const OpEntry table[] = {
      {"", "Shape", 1, 23, importShape, true},
      {"", "Gather", 1, 23, importGather, true},
      {"", "Equal", 7, 23, importCompare<Compare::Equal>, true},
      {"", "Less", 7, 23, importCompare<Compare::Less>, true},
      {"", "Greater", 7, 23, importCompare<Compare::Greater>, true},
      {"", "Where", 9, 23, importWhere, true},
      {"", "Expand", 8, 23, importExpand, true},
      {"", "Range", 11, 23, importRange, true},
      {"", "ConstantOfShape", 9, 23, importConstantOfShape, true},
      {"", "Split", 2, 23, importSplit, true},
  };
  return table;
}
