//===- ShapeOps.cpp - Reshape, Squeeze, Unsqueeze, Transpose, Concat, Slice ---===//
//
// The ONNX shape ops. Shapes, axes, starts and ends must be constants (initializers or
// Constant nodes): reshapes become a collapse to one dimension and an expansion, Transpose
// linalg.transpose, Concat tensor.concat, Slice tensor.extract_slice.
//
//===----------------------------------------------------------------------===//
#include "Importer.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

#include <algorithm>
#include <cstring>

using namespace mlir;
using namespace lowbit;
using namespace lowbit::onnx_import;

using Node = GraphImporter::Node;

/// `value` reshaped to `shape` (same element count): collapsed to one dimension, expanded.
Value onnx_import::reshapeTo(OpBuilder &b, Location loc, Value value, ArrayRef<int64_t> shape) {
  auto type = cast<RankedTensorType>(value.getType());
  if (type.getShape() == shape)
    return value;
  auto flatType = RankedTensorType::get({type.getNumElements()}, type.getElementType());
  ReassociationIndices all;
  for (int64_t d = 0; d < type.getRank(); ++d)
    all.push_back(d);
  Value flat = value;
  if (type.getRank() != 1)
    flat = type.getRank() == 0 ? tensor::ExpandShapeOp::create(b, loc, flatType, value,
                                                               ArrayRef<ReassociationIndices>{})
                                     .getResult()
                               : tensor::CollapseShapeOp::create(
                                     b, loc, flatType, value, ArrayRef<ReassociationIndices>{all})
                                     .getResult();
  auto resultType = RankedTensorType::get(shape, type.getElementType());
  if (shape.size() == 1)
    return flat;
  if (shape.empty())
    return tensor::CollapseShapeOp::create(b, loc, resultType, flat,
                                           ArrayRef<ReassociationIndices>{});
  ReassociationIndices out;
  for (int64_t d = 0; d < static_cast<int64_t>(shape.size()); ++d)
    out.push_back(d);
  return tensor::ExpandShapeOp::create(b, loc, resultType, flat,
                                       ArrayRef<ReassociationIndices>{out});
}

Value onnx_import::retyped(OpBuilder &b, Location loc, Value value, Type element) {
  if (elementOf(value) == element)
    return value;
  return tensor::BitcastOp::create(b, loc, RankedTensorType::get(shapeOf(value), element), value);
}

Value onnx_import::signless(OpBuilder &b, Location loc, Value value) {
  auto integer = dyn_cast<IntegerType>(elementOf(value));
  if (!integer || integer.isSignless())
    return value;
  return retyped(b, loc, value, IntegerType::get(b.getContext(), integer.getWidth()));
}

/// The values of a constant INT64 input (shapes, axes), or an error naming it.
FailureOr<SmallVector<int64_t>> onnx_import::constantInts(GraphImporter &g, const Node &node,
                                                          unsigned index, StringRef what) {
  const onnx::TensorProto *tensor = g.constantInput(node, index);
  if (!tensor)
    return g.error(node, what + " (input " + Twine(index) +
                             ") must be an initializer or a Constant: shapes computed at run "
                             "time are not taken");
  if (tensor->data_type() != kInt64 || tensor->dims_size() > 1)
    return g.error(node, what + " must be a 1-D INT64 tensor");
  std::string why;
  std::optional<std::vector<uint8_t>> bytes = readTensorBytes(*tensor, why);
  if (!bytes)
    return g.error(node, what + " cannot be read: " + why);
  SmallVector<int64_t> values(bytes->size() / 8);
  std::memcpy(values.data(), bytes->data(), bytes->size());
  return values;
}

/// The axes of Squeeze / Unsqueeze / reductions: input 1 from `inputSince` on, the `axes`
/// attribute before; normalized against `rank`, each once.
FailureOr<SmallVector<int64_t>> onnx_import::readAxes(GraphImporter &g, const Node &node,
                                                      int64_t inputSince, int64_t rank,
                                                      bool &given) {
  SmallVector<int64_t> axes;
  given = false;
  if (node.opset >= inputSince) {
    if (g.hasInput(node, 1)) {
      FailureOr<SmallVector<int64_t>> values = constantInts(g, node, 1, "axes");
      if (failed(values))
        return failure();
      axes = *values;
      given = true;
    }
  } else if (const onnx::AttributeProto *attr = g.attribute(node, "axes")) {
    if (attr->type() != onnx::AttributeProto::INTS)
      return g.error(node, "attribute 'axes' must be a list of integers");
    axes.assign(attr->ints().begin(), attr->ints().end());
    given = true;
  }
  for (int64_t &axis : axes) {
    if (axis < -rank || axis >= rank)
      return g.error(node, "axis " + Twine(axis) + " is outside rank " + Twine(rank));
    if (axis < 0)
      axis += rank;
  }
  llvm::sort(axes);
  if (std::adjacent_find(axes.begin(), axes.end()) != axes.end())
    return g.error(node, "an axis is given twice");
  return axes;
}

namespace {

LogicalResult importReshape(GraphImporter &g, const Node &node) {
  FailureOr<Value> x = g.input(node, 0);
  if (failed(x))
    return failure();
  FailureOr<SmallVector<int64_t>> requested = constantInts(g, node, 1, "shape");
  FailureOr<int64_t> allowZero = g.intAttribute(node, "allowzero", 0);
  if (failed(requested) || failed(allowZero))
    return failure();
  ArrayRef<int64_t> in = shapeOf(*x);
  SmallVector<int64_t> shape;
  int64_t known = 1, inferred = -1;
  for (auto [i, d] : llvm::enumerate(*requested)) {
    if (d == 0 && !*allowZero) {
      if (i >= in.size())
        return g.error(node, "shape " + shapeString(*requested) + " copies dimension " + Twine(i) +
                                 " of an input of rank " + Twine(in.size()));
      d = in[i];
    }
    if (d == -1) {
      if (inferred >= 0)
        return g.error(node, "shape " + shapeString(*requested) + " has two -1 dimensions");
      inferred = i;
      shape.push_back(1);
      continue;
    }
    if (d < 0)
      return g.error(node, "shape " + shapeString(*requested) + " has a negative dimension");
    shape.push_back(d);
    known *= d;
  }
  int64_t count = elementCount(in);
  if (inferred >= 0) {
    if (known == 0 || count % known)
      return g.error(node, "shape " + shapeString(*requested) + " does not fit " + shapeString(in));
    shape[inferred] = count / known;
  }
  if (elementCount(shape) != count)
    return g.error(node, "shape " + shapeString(*requested) + " does not fit " + shapeString(in));
  return g.defineOutput(node, 0, reshapeTo(g.builder(), node.loc, *x, shape));
}

LogicalResult importSqueeze(GraphImporter &g, const Node &node) {
  FailureOr<Value> x = g.input(node, 0);
  if (failed(x))
    return failure();
  ArrayRef<int64_t> in = shapeOf(*x);
  bool given;
  FailureOr<SmallVector<int64_t>> axes = readAxes(g, node, 13, in.size(), given);
  if (failed(axes))
    return failure();
  SmallVector<int64_t> shape;
  for (auto [i, d] : llvm::enumerate(in)) {
    bool listed = llvm::is_contained(*axes, static_cast<int64_t>(i));
    if (listed && d != 1)
      return g.error(node, "axis " + Twine(i) + " of " + shapeString(in) + " is not 1");
    if (!(given ? listed : d == 1))
      shape.push_back(d);
  }
  return g.defineOutput(node, 0, reshapeTo(g.builder(), node.loc, *x, shape));
}

LogicalResult importUnsqueeze(GraphImporter &g, const Node &node) {
  FailureOr<Value> x = g.input(node, 0);
  if (failed(x))
    return failure();
  ArrayRef<int64_t> in = shapeOf(*x);
  bool given;
  int64_t outRank = in.size();
  // The axes refer to the output's rank: read them against it.
  if (node.opset >= 13) {
    FailureOr<SmallVector<int64_t>> raw = constantInts(g, node, 1, "axes");
    if (failed(raw))
      return failure();
    outRank += raw->size();
  } else if (const onnx::AttributeProto *attr = g.attribute(node, "axes")) {
    outRank += attr->ints_size();
  }
  FailureOr<SmallVector<int64_t>> axes = readAxes(g, node, 13, outRank, given);
  if (failed(axes))
    return failure();
  if (!given || axes->empty())
    return g.error(node, "axes are required");
  SmallVector<int64_t> shape;
  unsigned next = 0;
  for (int64_t i = 0; i < outRank; ++i)
    shape.push_back(llvm::is_contained(*axes, i) ? 1 : in[next++]);
  return g.defineOutput(node, 0, reshapeTo(g.builder(), node.loc, *x, shape));
}

LogicalResult importTranspose(GraphImporter &g, const Node &node) {
  FailureOr<Value> x = g.input(node, 0);
  if (failed(x))
    return failure();
  ArrayRef<int64_t> in = shapeOf(*x);
  int64_t rank = in.size();
  SmallVector<int64_t> perm;
  if (const onnx::AttributeProto *attr = g.attribute(node, "perm")) {
    if (attr->type() != onnx::AttributeProto::INTS)
      return g.error(node, "attribute 'perm' must be a list of integers");
    perm.assign(attr->ints().begin(), attr->ints().end());
  } else {
    for (int64_t d = rank - 1; d >= 0; --d)
      perm.push_back(d);
  }
  SmallVector<int64_t> sorted(perm);
  llvm::sort(sorted);
  for (int64_t d = 0; d < rank; ++d)
    if (static_cast<int64_t>(sorted.size()) != rank || sorted[d] != d)
      return g.error(node, "perm " + shapeString(perm) + " is not a permutation of " + Twine(rank) +
                               " axes");
  SmallVector<int64_t> shape;
  for (int64_t d : perm)
    shape.push_back(in[d]);
  OpBuilder &b = g.builder();
  Value input = signless(b, node.loc, *x);
  Value init = tensor::EmptyOp::create(b, node.loc, shape, elementOf(input));
  Value result = linalg::TransposeOp::create(b, node.loc, input, init, perm).getResult()[0];
  return g.defineOutput(node, 0, retyped(b, node.loc, result, elementOf(*x)));
}

LogicalResult importConcat(GraphImporter &g, const Node &node) {
  FailureOr<int64_t> axis = g.intAttribute(node, "axis", std::nullopt);
  if (failed(axis))
    return failure();
  SmallVector<Value> inputs;
  for (int i = 0; i < node.proto.input_size(); ++i) {
    FailureOr<Value> v = g.input(node, i);
    if (failed(v))
      return failure();
    inputs.push_back(*v);
  }
  if (inputs.empty())
    return g.error(node, "has no inputs");
  ArrayRef<int64_t> first = shapeOf(inputs[0]);
  int64_t rank = first.size();
  if (*axis < -rank || *axis >= rank)
    return g.error(node, "axis " + Twine(*axis) + " is outside rank " + Twine(rank));
  if (*axis < 0)
    *axis += rank;
  for (Value v : inputs) {
    ArrayRef<int64_t> shape = shapeOf(v);
    bool fits = shape.size() == first.size() && elementOf(v) == elementOf(inputs[0]);
    for (int64_t d = 0; fits && d < rank; ++d)
      fits = d == *axis || shape[d] == first[d];
    if (!fits)
      return g.error(node, "inputs of shapes " + shapeString(first) + " and " + shapeString(shape) +
                               " do not concatenate along axis " + Twine(*axis));
  }
  if (inputs.size() == 1)
    return g.defineOutput(node, 0, inputs[0]);
  Value result = tensor::ConcatOp::create(g.builder(), node.loc, *axis, inputs);
  return g.defineOutput(node, 0, result);
}

/// Slice (opset 10 on) with constant starts, ends, axes and positive steps.
LogicalResult importSlice(GraphImporter &g, const Node &node) {
  FailureOr<Value> x = g.input(node, 0);
  if (failed(x))
    return failure();
  ArrayRef<int64_t> in = shapeOf(*x);
  int64_t rank = in.size();
  FailureOr<SmallVector<int64_t>> starts = constantInts(g, node, 1, "starts");
  FailureOr<SmallVector<int64_t>> ends = constantInts(g, node, 2, "ends");
  if (failed(starts) || failed(ends))
    return failure();
  if (starts->size() != ends->size())
    return g.error(node, "starts and ends differ in length");
  SmallVector<int64_t> axes, steps(starts->size(), 1);
  if (g.hasInput(node, 3)) {
    FailureOr<SmallVector<int64_t>> given = constantInts(g, node, 3, "axes");
    if (failed(given))
      return failure();
    axes = *given;
  } else {
    for (int64_t i = 0; i < static_cast<int64_t>(starts->size()); ++i)
      axes.push_back(i);
  }
  if (g.hasInput(node, 4)) {
    FailureOr<SmallVector<int64_t>> given = constantInts(g, node, 4, "steps");
    if (failed(given))
      return failure();
    steps = *given;
  }
  if (axes.size() != starts->size() || steps.size() != starts->size())
    return g.error(node, "starts, ends, axes and steps differ in length");
  SmallVector<int64_t> offsets(rank, 0), sizes(in), strides(rank, 1);
  SmallVector<bool> seen(rank, false);
  for (size_t i = 0; i < axes.size(); ++i) {
    int64_t axis = axes[i] < 0 ? axes[i] + rank : axes[i];
    if (axis < 0 || axis >= rank || seen[axis])
      return g.error(node, "axis " + Twine(axes[i]) + " is outside rank " + Twine(rank) +
                               " or given twice");
    seen[axis] = true;
    if (steps[i] <= 0)
      return g.error(node, "step " + Twine(steps[i]) + ": only positive steps are taken");
    int64_t extent = in[axis];
    auto clampIndex = [&](int64_t v) {
      if (v < 0)
        v += extent;
      return std::clamp<int64_t>(v, 0, extent);
    };
    int64_t start = clampIndex((*starts)[i]), end = clampIndex((*ends)[i]);
    offsets[axis] = start;
    strides[axis] = steps[i];
    sizes[axis] = end > start ? (end - start + steps[i] - 1) / steps[i] : 0;
    // An empty range reads nothing: its offset need only be in bounds.
    if (sizes[axis] == 0)
      offsets[axis] = 0;
  }
  auto resultType = RankedTensorType::get(sizes, elementOf(*x));
  Value result =
      tensor::ExtractSliceOp::create(g.builder(), node.loc, resultType, *x, ValueRange{},
                                     ValueRange{}, ValueRange{}, offsets, sizes, strides);
  return g.defineOutput(node, 0, result);
}

} // namespace

ArrayRef<OpEntry> onnx_import::getShapeOpTable() {
  static const OpEntry table[] = {
      // Each moves elements of any type.
      {"", "Reshape", 5, 23, importReshape, true},
      {"", "Squeeze", 1, 23, importSqueeze, true},
      {"", "Unsqueeze", 1, 23, importUnsqueeze, true},
      {"", "Transpose", 1, 23, importTranspose, true},
      {"", "Concat", 4, 23, importConcat, true},
      {"", "Slice", 10, 23, importSlice, true},
  };
  return table;
}
