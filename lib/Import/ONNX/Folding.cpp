//===- Folding.cpp - Shape computations folded at import time ------------===//
//
// Exported models compute shapes, positions and masks with small integer subgraphs (Shape,
// Gather, Unsqueeze, Concat, Reshape, Range, ConstantOfShape, Equal, Where, ...). lowbit
// compiles static shapes, so a node whose inputs are all constants (initializers, Constant
// nodes, earlier folded nodes) and whose outputs are small (at most kMaxFoldedElements) is
// evaluated here, and its outputs become constants that later nodes read like initializers:
// a Reshape's shape computed from a Shape is then a constant. Shape itself always folds.
// Other nodes take their handlers (TensorOps.cpp and the others).
//
//===----------------------------------------------------------------------===//
#include "Importer.h"

#include <cmath>
#include <cstring>
#include <limits>

using namespace mlir;
using namespace lowbit;
using namespace lowbit::onnx_import;

using Node = GraphImporter::Node;

namespace {

/// Folded results larger than this stay computations (a ConstantOfShape of a whole mask).
constexpr int64_t kMaxFoldedElements = 1 << 16;

bool isIntegerData(int32_t type) {
  return type == kInt64 || type == kInt32 || type == kInt8 || type == kUint8 || type == kBool;
}

/// A small tensor: integer and BOOL elements in `ints`, FLOAT and DOUBLE ones in `reals`.
struct Folded {
  int32_t type = kInt64;
  SmallVector<int64_t> dims;
  std::vector<int64_t> ints;
  std::vector<double> reals;

  bool real() const { return !isIntegerData(type); }
  int64_t size() const { return real() ? reals.size() : ints.size(); }
  double asReal(int64_t i) const { return real() ? reals[i] : static_cast<double>(ints[i]); }
  int64_t asInt(int64_t i) const {
    return real() ? static_cast<int64_t>(std::trunc(reals[i])) : ints[i];
  }
  /// Appends element `i` of `from` (of this tensor's type).
  void push(const Folded &from, int64_t i) {
    if (real())
      reals.push_back(from.reals[i]);
    else
      ints.push_back(from.ints[i]);
  }
};

/// The tensor's elements, or nothing for types the folder does not take.
std::optional<Folded> decode(const onnx::TensorProto &tensor) {
  int32_t type = tensor.data_type();
  if (!isIntegerData(type) && type != kFloat && type != kDouble)
    return std::nullopt;
  Folded out;
  out.type = type;
  out.dims.assign(tensor.dims().begin(), tensor.dims().end());
  int64_t n = elementCount(out.dims);
  if (n < 0 || n > kMaxFoldedElements)
    return std::nullopt;
  std::string why;
  std::optional<std::vector<uint8_t>> bytes = readTensorBytes(tensor, why);
  if (!bytes)
    return std::nullopt;
  const uint8_t *p = bytes->data();
  for (int64_t i = 0; i < n; ++i) {
    switch (type) {
    case kInt64: {
      int64_t v;
      std::memcpy(&v, p + 8 * i, 8);
      out.ints.push_back(v);
      break;
    }
    case kInt32: {
      int32_t v;
      std::memcpy(&v, p + 4 * i, 4);
      out.ints.push_back(v);
      break;
    }
    case kInt8:
      out.ints.push_back(static_cast<int8_t>(p[i]));
      break;
    case kUint8:
    case kBool:
      out.ints.push_back(p[i]);
      break;
    case kFloat: {
      float v;
      std::memcpy(&v, p + 4 * i, 4);
      out.reals.push_back(v);
      break;
    }
    default: {
      double v;
      std::memcpy(&v, p + 8 * i, 8);
      out.reals.push_back(v);
      break;
    }
    }
  }
  return out;
}

/// The tensor as a TensorProto named `name` (values converted to its type).
std::unique_ptr<onnx::TensorProto> encode(const Folded &value, const std::string &name) {
  auto tensor = std::make_unique<onnx::TensorProto>();
  tensor->set_name(name);
  tensor->set_data_type(value.type);
  for (int64_t d : value.dims)
    tensor->add_dims(d);
  std::string raw;
  auto append = [&](const void *data, size_t size) {
    raw.append(static_cast<const char *>(data), size);
  };
  for (int64_t i = 0, n = value.size(); i < n; ++i) {
    switch (value.type) {
    case kInt64: {
      int64_t v = value.ints[i];
      append(&v, 8);
      break;
    }
    case kInt32: {
      int32_t v = static_cast<int32_t>(value.ints[i]);
      append(&v, 4);
      break;
    }
    case kInt8:
    case kUint8:
    case kBool: {
      uint8_t v = static_cast<uint8_t>(value.ints[i]);
      append(&v, 1);
      break;
    }
    case kFloat: {
      float v = static_cast<float>(value.reals[i]);
      append(&v, 4);
      break;
    }
    default: {
      double v = value.reals[i];
      append(&v, 8);
      break;
    }
    }
  }
  tensor->set_raw_data(raw);
  return tensor;
}

/// Row-major strides of `dims`.
SmallVector<int64_t> stridesOf(ArrayRef<int64_t> dims) {
  SmallVector<int64_t> strides(dims.size(), 1);
  for (int64_t d = static_cast<int64_t>(dims.size()) - 2; d >= 0; --d)
    strides[d] = strides[d + 1] * dims[d + 1];
  return strides;
}

/// The flat index into a tensor of `dims` broadcast (numpy's rules) to `shape`, of the element
/// at the flat index `i` of `shape`.
int64_t broadcastIndex(int64_t i, ArrayRef<int64_t> shape, ArrayRef<int64_t> dims) {
  SmallVector<int64_t> strides = stridesOf(dims);
  int64_t offset = shape.size() - dims.size(), index = 0;
  for (int64_t d = static_cast<int64_t>(shape.size()) - 1; d >= 0; --d) {
    int64_t coordinate = i % shape[d];
    i /= shape[d];
    int64_t k = d - offset;
    if (k >= 0 && dims[k] != 1)
      index += coordinate * strides[k];
  }
  return index;
}

int64_t normalizeAxis(int64_t axis, int64_t rank) { return axis < 0 ? axis + rank : axis; }

enum class Binary { Add, Sub, Mul, Div, Equal, Less, Greater };

struct Folder {
  GraphImporter &g;
  const Node &node;

  /// The inputs decoded so far (each once; sized once, so references to them stay valid).
  std::vector<std::optional<std::optional<Folded>>> decoded;

  /// Input `index` as a folded tensor, or nothing when it is not a small constant.
  const std::optional<Folded> &in(unsigned index) {
    static const std::optional<Folded> absent;
    if (decoded.empty())
      decoded.resize(node.proto.input_size());
    if (index >= decoded.size())
      return absent;
    if (!decoded[index]) {
      const onnx::TensorProto *tensor = g.constantInput(node, index);
      decoded[index] = tensor ? decode(*tensor) : std::nullopt;
    }
    return *decoded[index];
  }
  bool allConstant() {
    for (int i = 0; i < node.proto.input_size(); ++i)
      if (!node.proto.input(i).empty() && !in(i))
        return false;
    return true;
  }

  // Each returns the outputs, nothing to leave the node to its handler, or failure.
  using Result = FailureOr<std::optional<SmallVector<Folded>>>;
  static Result none() { return std::optional<SmallVector<Folded>>(); }
  static Result one(Folded value) { return std::optional<SmallVector<Folded>>({value}); }

  Result shape() {
    SmallVector<int64_t> dims;
    if (const onnx::TensorProto *constant = g.constantInput(node, 0)) {
      dims.assign(constant->dims().begin(), constant->dims().end());
    } else if (const GraphImporter::DequantizedConstant *deferred = g.dequantizedInput(node, 0)) {
      dims.assign(deferred->codes->dims().begin(), deferred->codes->dims().end());
    } else {
      FailureOr<Value> x = g.input(node, 0);
      if (failed(x))
        return failure();
      dims.assign(shapeOf(*x).begin(), shapeOf(*x).end());
    }
    int64_t rank = dims.size();
    FailureOr<int64_t> start = g.intAttribute(node, "start", 0);
    FailureOr<int64_t> end = g.intAttribute(node, "end", rank);
    if (failed(start) || failed(end))
      return failure();
    auto clampAxis = [&](int64_t a) {
      return std::clamp<int64_t>(normalizeAxis(a, rank), 0, rank);
    };
    Folded out;
    out.type = kInt64;
    for (int64_t d = clampAxis(*start); d < clampAxis(*end); ++d)
      out.ints.push_back(dims[d]);
    out.dims = {static_cast<int64_t>(out.ints.size())};
    return one(out);
  }

  Result gather(const Folded &data, const Folded &indices) {
    FailureOr<int64_t> axisAttr = g.intAttribute(node, "axis", 0);
    if (failed(axisAttr))
      return failure();
    int64_t rank = data.dims.size(), axis = normalizeAxis(*axisAttr, rank);
    if (axis < 0 || axis >= rank)
      return g.error(node, "axis = " + Twine(*axisAttr) + " is outside the data's rank");
    int64_t outer = 1, inner = 1, extent = data.dims[axis];
    for (int64_t d = 0; d < axis; ++d)
      outer *= data.dims[d];
    for (int64_t d = axis + 1; d < rank; ++d)
      inner *= data.dims[d];
    Folded out;
    out.type = data.type;
    out.dims.assign(data.dims.begin(), data.dims.begin() + axis);
    out.dims.append(indices.dims.begin(), indices.dims.end());
    out.dims.append(data.dims.begin() + axis + 1, data.dims.end());
    for (int64_t o = 0; o < outer; ++o)
      for (int64_t j = 0; j < indices.size(); ++j) {
        int64_t index = indices.ints[j] < 0 ? indices.ints[j] + extent : indices.ints[j];
        if (index < 0 || index >= extent)
          return g.error(node, "index " + Twine(indices.ints[j]) + " is outside [" +
                                   Twine(-extent) + ", " + Twine(extent) + ")");
        for (int64_t i = 0; i < inner; ++i)
          out.push(data, (o * extent + index) * inner + i);
      }
    return one(out);
  }

  Result concat(SmallVector<Folded> &parts) {
    FailureOr<int64_t> axisAttr = g.intAttribute(node, "axis", std::nullopt);
    if (failed(axisAttr))
      return failure();
    int64_t rank = parts[0].dims.size(), axis = normalizeAxis(*axisAttr, rank);
    if (axis < 0 || axis >= rank)
      return none();
    Folded out;
    out.type = parts[0].type;
    out.dims = parts[0].dims;
    out.dims[axis] = 0;
    for (const Folded &part : parts) {
      if (part.type != out.type || part.dims.size() != out.dims.size())
        return none();
      out.dims[axis] += part.dims[axis];
    }
    int64_t outer = 1;
    for (int64_t d = 0; d < axis; ++d)
      outer *= out.dims[d];
    for (int64_t o = 0; o < outer; ++o)
      for (const Folded &part : parts) {
        int64_t chunk = part.size() / std::max<int64_t>(outer, 1);
        for (int64_t i = 0; i < chunk; ++i)
          out.push(part, o * chunk + i);
      }
    return one(out);
  }

  Result binary(Binary kind, const Folded &a, const Folded &b) {
    if (a.type != b.type)
      return none();
    std::optional<SmallVector<int64_t>> shape = broadcastShapes({a.dims, b.dims});
    if (!shape)
      return g.error(node, "shapes " + shapeString(a.dims) + " and " + shapeString(b.dims) +
                               " do not broadcast");
    bool compare = kind == Binary::Equal || kind == Binary::Less || kind == Binary::Greater;
    Folded out;
    out.type = compare ? kBool : a.type;
    out.dims = *shape;
    int64_t n = elementCount(*shape);
    for (int64_t i = 0; i < n; ++i) {
      int64_t ia = broadcastIndex(i, *shape, a.dims), ib = broadcastIndex(i, *shape, b.dims);
      if (a.real()) {
        double x = a.reals[ia], y = b.reals[ib], r = 0;
        switch (kind) {
        case Binary::Add:
          r = x + y;
          break;
        case Binary::Sub:
          r = x - y;
          break;
        case Binary::Mul:
          r = x * y;
          break;
        case Binary::Div:
          r = x / y;
          break;
        case Binary::Equal:
          out.ints.push_back(x == y);
          continue;
        case Binary::Less:
          out.ints.push_back(x < y);
          continue;
        case Binary::Greater:
          out.ints.push_back(x > y);
          continue;
        }
        out.reals.push_back(a.type == kFloat ? static_cast<float>(r) : r);
        continue;
      }
      int64_t x = a.ints[ia], y = b.ints[ib], r = 0;
      switch (kind) {
      case Binary::Add:
        r = static_cast<int64_t>(static_cast<uint64_t>(x) + y);
        break;
      case Binary::Sub:
        r = static_cast<int64_t>(static_cast<uint64_t>(x) - y);
        break;
      case Binary::Mul:
        r = static_cast<int64_t>(static_cast<uint64_t>(x) * y);
        break;
      case Binary::Div:
        if (y == 0)
          return g.error(node, "an integer division by zero");
        r = x == std::numeric_limits<int64_t>::min() && y == -1 ? x : x / y;
        break;
      case Binary::Equal:
        r = x == y;
        break;
      case Binary::Less:
        r = x < y;
        break;
      case Binary::Greater:
        r = x > y;
        break;
      }
      out.ints.push_back(r);
    }
    return one(out);
  }

  Result where(const Folded &c, const Folded &x, const Folded &y) {
    if (c.type != kBool || x.type != y.type)
      return none();
    std::optional<SmallVector<int64_t>> shape = broadcastShapes({c.dims, x.dims, y.dims});
    if (!shape)
      return g.error(node, "the shapes of its inputs do not broadcast");
    Folded out;
    out.type = x.type;
    out.dims = *shape;
    for (int64_t i = 0, n = elementCount(*shape); i < n; ++i) {
      bool pick = c.ints[broadcastIndex(i, *shape, c.dims)];
      out.push(pick ? x : y, broadcastIndex(i, *shape, pick ? x.dims : y.dims));
    }
    return one(out);
  }

  Result cast(const Folded &x) {
    FailureOr<int64_t> to = g.intAttribute(node, "to", std::nullopt);
    if (failed(to))
      return failure();
    int32_t type = static_cast<int32_t>(*to);
    if (!isIntegerData(type) && type != kFloat && type != kDouble)
      return none();
    Folded out;
    out.type = type;
    out.dims = x.dims;
    for (int64_t i = 0; i < x.size(); ++i) {
      if (out.real()) {
        out.reals.push_back(type == kFloat ? static_cast<float>(x.asReal(i)) : x.asReal(i));
        continue;
      }
      int64_t v = type == kBool ? x.asReal(i) != 0 : x.asInt(i);
      switch (type) {
      case kInt32:
        v = static_cast<int32_t>(v);
        break;
      case kInt8:
        v = static_cast<int8_t>(v);
        break;
      case kUint8:
        v = static_cast<uint8_t>(v);
        break;
      default:
        break;
      }
      out.ints.push_back(v);
    }
    return one(out);
  }

  /// Unsqueeze, Squeeze, Reshape, Identity, Expand: the elements of x under new dims.
  Result reshaped(const Folded &x, SmallVector<int64_t> dims) {
    Folded out = x;
    out.dims = std::move(dims);
    return one(out);
  }

  Result expand(const Folded &x, const Folded &shape) {
    std::optional<SmallVector<int64_t>> dims =
        broadcastShapes({x.dims, SmallVector<int64_t>(shape.ints.begin(), shape.ints.end())});
    if (!dims)
      return g.error(node, "shape " + shapeString(shape.ints) + " does not broadcast with " +
                               shapeString(x.dims));
    int64_t n = elementCount(*dims);
    if (n < 0 || n > kMaxFoldedElements)
      return none();
    Folded out;
    out.type = x.type;
    out.dims = *dims;
    for (int64_t i = 0; i < n; ++i)
      out.push(x, broadcastIndex(i, *dims, x.dims));
    return one(out);
  }

  Result range(const Folded &start, const Folded &limit, const Folded &delta) {
    if (start.size() != 1 || limit.size() != 1 || delta.size() != 1 || start.type != limit.type ||
        start.type != delta.type)
      return g.error(node, "start, limit and delta must be scalars of one type");
    if (delta.asReal(0) == 0)
      return g.error(node, "delta is 0");
    double count = std::ceil((limit.asReal(0) - start.asReal(0)) / delta.asReal(0));
    if (count > kMaxFoldedElements)
      return g.error(node, "the range has more than " + Twine(kMaxFoldedElements) + " elements");
    Folded out;
    out.type = start.type;
    int64_t n = std::max<int64_t>(0, static_cast<int64_t>(count));
    out.dims = {n};
    for (int64_t i = 0; i < n; ++i) {
      if (out.real())
        out.reals.push_back(start.reals[0] + i * delta.reals[0]);
      else
        out.ints.push_back(start.ints[0] + i * delta.ints[0]);
    }
    return one(out);
  }

  Result constantOfShape(const Folded &shape) {
    int64_t n = elementCount(shape.ints);
    if (n < 0)
      return g.error(node, "shape " + shapeString(shape.ints) + " is not a shape");
    Folded value;
    value.type = kFloat;
    value.reals = {0.0};
    if (const onnx::AttributeProto *attr = g.attribute(node, "value")) {
      std::optional<Folded> given;
      if (attr->type() == onnx::AttributeProto::TENSOR)
        given = decode(attr->t());
      if (!given || given->size() != 1)
        return none();
      value = *given;
    }
    if (n > kMaxFoldedElements)
      return none();
    Folded out;
    out.type = value.type;
    out.dims.assign(shape.ints.begin(), shape.ints.end());
    for (int64_t i = 0; i < n; ++i)
      out.push(value, 0);
    return one(out);
  }

  Result slice(const Folded &x) {
    int64_t rank = x.dims.size();
    std::optional<Folded> starts = in(1), ends = in(2), axes, steps;
    if (g.hasInput(node, 3))
      axes = in(3);
    if (g.hasInput(node, 4))
      steps = in(4);
    SmallVector<int64_t> begin(rank, 0), step(rank, 1), count(x.dims);
    if (ends->size() != starts->size() || (axes && axes->size() != starts->size()) ||
        (steps && steps->size() != starts->size()))
      return none();
    for (int64_t i = 0; i < starts->size(); ++i) {
      int64_t axis = normalizeAxis(axes ? axes->ints[i] : i, rank);
      if (axis < 0 || axis >= rank)
        return none();
      int64_t extent = x.dims[axis], s = steps ? steps->ints[i] : 1;
      if (s == 0)
        return g.error(node, "a step of 0");
      auto clampIndex = [&](int64_t v, int64_t lo, int64_t hi) {
        if (v < 0)
          v += extent;
        return std::clamp<int64_t>(v, lo, hi);
      };
      int64_t first = s > 0 ? clampIndex(starts->ints[i], 0, extent)
                            : clampIndex(starts->ints[i], -1, extent - 1);
      int64_t last =
          s > 0 ? clampIndex(ends->ints[i], 0, extent) : clampIndex(ends->ints[i], -1, extent - 1);
      begin[axis] = first;
      step[axis] = s;
      count[axis] = s > 0 ? std::max<int64_t>(0, (last - first + s - 1) / s)
                          : std::max<int64_t>(0, (first - last - s - 1) / -s);
    }
    Folded out;
    out.type = x.type;
    out.dims = count;
    SmallVector<int64_t> strides = stridesOf(x.dims);
    for (int64_t i = 0, n = elementCount(count); i < n; ++i) {
      int64_t rest = i, index = 0;
      for (int64_t d = rank - 1; d >= 0; --d) {
        index += (begin[d] + (rest % count[d]) * step[d]) * strides[d];
        rest /= count[d];
      }
      out.push(x, index);
    }
    return one(out);
  }

  Result run() {
    StringRef op = node.proto.op_type();
    if (!node.domain.empty())
      return none();
    if (op == "Shape")
      return shape();
    static const StringRef kFolded[] = {
        "Identity", "Cast",   "Gather",          "Add",     "Sub",
        "Mul",      "Div",    "Equal",           "Less",    "Greater",
        "Where",    "Concat", "Unsqueeze",       "Squeeze", "Reshape",
        "Expand",   "Range",  "ConstantOfShape", "Slice"};
    if (!llvm::is_contained(kFolded, op) || node.proto.input_size() == 0 || !allConstant() ||
        !in(0))
      return none();
    const std::optional<Folded> &x = in(0);
    auto operand = [&](unsigned i) -> const Folded & { return *in(i); };
    if (op == "Identity")
      return reshaped(*x, x->dims);
    if (op == "Cast")
      return cast(*x);
    if (op == "Gather" && in(1) && isIntegerData(in(1)->type))
      return gather(*x, operand(1));
    if (op == "Add" || op == "Sub" || op == "Mul" || op == "Div" || op == "Equal" || op == "Less" ||
        op == "Greater") {
      if (node.proto.input_size() != 2)
        return none();
      Binary kind = StringSwitch<Binary>(op)
                        .Case("Add", Binary::Add)
                        .Case("Sub", Binary::Sub)
                        .Case("Mul", Binary::Mul)
                        .Case("Div", Binary::Div)
                        .Case("Equal", Binary::Equal)
                        .Case("Less", Binary::Less)
                        .Default(Binary::Greater);
      return binary(kind, *x, operand(1));
    }
    if (op == "Where" && node.proto.input_size() == 3)
      return where(*x, operand(1), operand(2));
    if (op == "Concat") {
      SmallVector<Folded> parts;
      for (int i = 0; i < node.proto.input_size(); ++i)
        parts.push_back(operand(i));
      return concat(parts);
    }
    if (op == "Unsqueeze" || op == "Squeeze") {
      bool unsqueeze = op == "Unsqueeze";
      int64_t rank = x->dims.size();
      if (unsqueeze) {
        // Unsqueeze's axes count in the output's rank.
        std::optional<Folded> axesInput = node.opset >= 13 ? in(1) : std::nullopt;
        SmallVector<int64_t> raw;
        if (axesInput)
          raw.assign(axesInput->ints.begin(), axesInput->ints.end());
        else if (const onnx::AttributeProto *attr = g.attribute(node, "axes"))
          raw.assign(attr->ints().begin(), attr->ints().end());
        int64_t outRank = rank + raw.size();
        SmallVector<int64_t> dims(outRank, 0);
        SmallVector<bool> inserted(outRank, false);
        for (int64_t a : raw) {
          int64_t axis = normalizeAxis(a, outRank);
          if (axis < 0 || axis >= outRank || inserted[axis])
            return none();
          inserted[axis] = true;
        }
        for (int64_t d = 0, k = 0; d < outRank; ++d)
          dims[d] = inserted[d] ? 1 : x->dims[k++];
        return reshaped(*x, dims);
      }
      bool given = false;
      FailureOr<SmallVector<int64_t>> axes = readAxes(g, node, 13, rank, given);
      if (failed(axes))
        return failure();
      SmallVector<int64_t> dims;
      for (int64_t d = 0; d < rank; ++d)
        if (given ? !llvm::is_contained(*axes, d) : x->dims[d] != 1)
          dims.push_back(x->dims[d]);
      return reshaped(*x, dims);
    }
    if (op == "Reshape" && in(1)) {
      FailureOr<int64_t> allowZero = g.intAttribute(node, "allowzero", 0);
      if (failed(allowZero))
        return failure();
      Folded shape = operand(1);
      SmallVector<int64_t> dims;
      int64_t known = 1, inferred = -1;
      for (int64_t i = 0; i < shape.size(); ++i) {
        int64_t d = shape.ints[i];
        if (d == 0 && !*allowZero && i < static_cast<int64_t>(x->dims.size()))
          d = x->dims[i];
        if (d == -1 && inferred < 0) {
          inferred = i;
          dims.push_back(1);
          continue;
        }
        if (d < 0)
          return none();
        dims.push_back(d);
        known *= d;
      }
      if (inferred >= 0 && known > 0)
        dims[inferred] = x->size() / known;
      if (elementCount(dims) != x->size())
        return none();
      return reshaped(*x, dims);
    }
    if (op == "Expand" && in(1))
      return expand(*x, operand(1));
    if (op == "Range" && node.proto.input_size() == 3)
      return range(*x, operand(1), operand(2));
    if (op == "ConstantOfShape")
      return constantOfShape(*x);
    if (op == "Slice" && node.opset >= 10 && in(1) && in(2))
      return slice(*x);
    return none();
  }
};

} // namespace

FailureOr<bool> onnx_import::foldNode(GraphImporter &g, const Node &node) {
  Folder folder{g, node, {}};
  FailureOr<std::optional<SmallVector<Folded>>> outputs = folder.run();
  if (failed(outputs))
    return failure();
  if (!*outputs)
    return false;
  for (auto [i, value] : llvm::enumerate(**outputs)) {
    if (value.size() > kMaxFoldedElements)
      return false;
    if (static_cast<int>(i) >= node.proto.output_size() || node.proto.output(i).empty())
      continue;
    if (failed(g.defineConstant(node, encode(value, node.proto.output(i)))))
      return failure();
  }
  return true;
}
