//===- TileComputeOps.cpp - tile computation ops ----------------------------===//
//
// Verifiers of dot, the element-wise ops, reduce, broadcast and annotate_layout (the op
// classes are generated in TileOps.cpp).
//
//===----------------------------------------------------------------------===//
#include "tile/TileDialect.h"
#include "TileSupport.h"

#include "lowbit/LowbitDialect.h"

using namespace mlir;
using namespace lowbit;
using namespace lowbit::tile;

static std::string describeLayout(RegType type) {
  return type.hasLayout() ? type.getRegisterLayout().str() : std::string("(none)");
}

static LogicalResult verifyArithmeticElement(Operation *op, Type elementType) {
  if (isArithmeticElementType(elementType))
    return success();
  return op->emitOpError() << "element type must be an integer or f16, bf16, f32, f64, got "
                           << elementType << " (tile.cast storage types first)";
}

//===----------------------------------------------------------------------===//
// tile.dot
//===----------------------------------------------------------------------===//

LogicalResult DotOp::verify() {
  RegType a = getA().getType(), b = getB().getType(), c = getC().getType();
  for (auto [name, type] : {std::pair<StringRef, RegType>{"'a'", a}, {"'b'", b}, {"'c'", c}})
    if (type.getRank() != 2)
      return emitOpError() << name << " must be a 2-d tile, got shape "
                           << formatShape(type.getShape());
  int64_t m = a.getShape()[0], k = a.getShape()[1], n = b.getShape()[1];
  if (b.getShape()[0] != k)
    return emitOpError() << "'a' is " << formatShape(a.getShape()) << " (M x K) and 'b' is "
                         << formatShape(b.getShape()) << " (K x N): 'b' must have " << k
                         << " rows";
  if (c.getShape() != ArrayRef<int64_t>{m, n})
    return emitOpError() << "'c' must be M x N = " << formatShape({m, n}) << ", got "
                         << formatShape(c.getShape());

  Type aElement = a.getElementType(), bElement = b.getElementType();
  bool floats = isa<mlir::FloatType, lowbit::FloatType>(aElement) &&
                isa<mlir::FloatType, lowbit::FloatType>(bElement);
  bool integers = isa<IntegerType, lowbit::TernaryType>(aElement) &&
                  isa<IntegerType, lowbit::TernaryType>(bElement);
  if (!floats && !integers)
    return emitOpError() << "'a' and 'b' must both have float or both integer elements, got "
                         << aElement << " and " << bElement;
  Type expected = floats ? Type(Float32Type::get(getContext()))
                         : Type(IntegerType::get(getContext(), 32));
  if (c.getElementType() != expected)
    return emitOpError() << "the accumulator 'c' must have element type " << expected << " for "
                         << (floats ? "float" : "integer") << " operands, got "
                         << c.getElementType();

  // Layouts that are present must distribute over one set of workers.
  std::optional<std::pair<StringRef, int64_t>> first;
  for (auto [name, type] : {std::pair<StringRef, RegType>{"'a'", a}, {"'b'", b}, {"'c'", c}}) {
    if (!type.hasLayout())
      continue;
    int64_t workers = type.getRegisterLayout().getNumWorkers();
    if (!first)
      first = {name, workers};
    else if (first->second != workers)
      return emitOpError() << first->first << " layout has " << first->second << " workers but "
                           << name << " layout " << type.getRegisterLayout().str() << " has "
                           << workers;
  }
  return success();
}

//===----------------------------------------------------------------------===//
// Element-wise ops, splat
//===----------------------------------------------------------------------===//

/// Operands and result have one type. (SameOperandsAndResultType compares ShapedTypes by shape
/// and element type only, so it would let different layouts through.)
static LogicalResult verifyElementwise(Operation *op) {
  Type type = op->getResult(0).getType();
  for (auto [name, operand] : llvm::zip_equal(ArrayRef<StringRef>{"'lhs'", "'rhs'"},
                                              op->getOperands()))
    if (operand.getType() != type)
      return op->emitOpError() << name << " type " << operand.getType()
                               << " differs from the result type " << type;
  return verifyArithmeticElement(op, cast<RegType>(type).getElementType());
}

LogicalResult AddOp::verify() { return verifyElementwise(*this); }
LogicalResult SubOp::verify() { return verifyElementwise(*this); }
LogicalResult MulOp::verify() { return verifyElementwise(*this); }
LogicalResult DivOp::verify() { return verifyElementwise(*this); }
LogicalResult MaximumOp::verify() { return verifyElementwise(*this); }
LogicalResult MinimumOp::verify() { return verifyElementwise(*this); }

static LogicalResult verifyFloatUnary(Operation *op) {
  Type element = cast<RegType>(op->getResult(0).getType()).getElementType();
  if (!element.isF16() && !element.isBF16() && !element.isF32() && !element.isF64())
    return op->emitOpError() << "element type must be f16, bf16, f32 or f64, got " << element;
  return success();
}

LogicalResult ExpOp::verify() { return verifyFloatUnary(*this); }
LogicalResult TanhOp::verify() { return verifyFloatUnary(*this); }

LogicalResult IotaOp::verify() {
  RegType type = getResult().getType();
  auto dim = static_cast<int64_t>(getDim());
  if (dim < 0 || dim >= type.getRank())
    return emitOpError() << "dim " << dim << " must be below the rank " << type.getRank();
  return verifyArithmeticElement(*this, type.getElementType());
}

//===----------------------------------------------------------------------===//
// tile.reduce
//===----------------------------------------------------------------------===//

LogicalResult ReduceOp::verify() {
  RegType input = getInput().getType(), result = getResult().getType();
  ArrayRef<int64_t> dims = getDims();
  int64_t rank = input.getRank();
  for (auto [i, dim] : llvm::enumerate(dims))
    if (dim < 0 || dim >= rank || (i > 0 && dim <= dims[i - 1]))
      return emitOpError() << "dims must be strictly increasing and below the rank " << rank
                           << ", got " << formatShape(dims);
  if (input.getElementType() != result.getElementType())
    return emitOpError() << "the result element type " << result.getElementType()
                         << " differs from the 'input' element type " << input.getElementType();
  if (failed(verifyArithmeticElement(*this, input.getElementType())))
    return failure();
  SmallVector<int64_t> expectedShape(input.getShape());
  for (int64_t dim : dims)
    expectedShape[dim] = 1;
  if (result.getShape() != ArrayRef<int64_t>(expectedShape))
    return emitOpError() << "the result shape " << formatShape(result.getShape())
                         << " must be the 'input' shape with extent 1 in dims, "
                         << formatShape(expectedShape);
  if (!input.hasLayout() || !result.hasLayout())
    return success();
  llvm::Expected<layout::RegisterLayout> expected =
      layout::reduce(input.getRegisterLayout(), dims);
  if (!expected)
    return emitOpError() << "cannot reduce the 'input' layout: "
                         << llvm::toString(expected.takeError());
  if (*expected != result.getRegisterLayout())
    return emitOpError() << "the result layout " << result.getRegisterLayout().str()
                         << " must be reduce('input' layout, dims) = " << expected->str();
  return success();
}

//===----------------------------------------------------------------------===//
// tile.broadcast
//===----------------------------------------------------------------------===//


LogicalResult BroadcastOp::verify() {
  RegType input = getInput().getType(), result = getResult().getType();
  if (input.getRank() != result.getRank())
    return emitOpError() << "'input' has rank " << input.getRank() << " but the result has rank "
                         << result.getRank();
  if (input.getElementType() != result.getElementType())
    return emitOpError() << "the result element type " << result.getElementType()
                         << " differs from the 'input' element type " << input.getElementType();
  SmallVector<int64_t> broadcastDims;
  for (auto [dim, from, to] : llvm::enumerate(input.getShape(), result.getShape())) {
    if (from != to && from != 1)
      return emitOpError() << "'input' extent " << from << " in dimension " << dim
                           << " must be 1 or the result's extent " << to;
    if (from != to)
      broadcastDims.push_back(dim);
  }
  if (!input.hasLayout() || !result.hasLayout())
    return success();

  const layout::RegisterLayout &in = input.getRegisterLayout(), &out = result.getRegisterLayout();
  std::string suggestion;
  if (llvm::Expected<layout::RegisterLayout> reduced = layout::reduce(out, broadcastDims))
    suggestion = " (e.g. " + reduced->str() + ")";
  else
    llvm::consumeError(reduced.takeError());
  if (in.getNumWorkers() != out.getNumWorkers())
    return emitOpError() << "'input' layout " << in.str() << " has " << in.getNumWorkers()
                         << " workers but the result layout " << out.str() << " has "
                         << out.getNumWorkers() << "; the input needs a layout over "
                         << out.getNumWorkers() << " workers" << suggestion;
  if (std::optional<layout::UnheldBroadcastElement> unheld =
          layout::findUnheldBroadcastElement(in, out, broadcastDims))
    return emitOpError() << "worker " << unheld->worker << " holds result element "
                         << formatShape(unheld->index) << " but not the 'input' element "
                         << formatShape(unheld->source) << " it repeats; the 'input' layout "
                         << in.str() << " must give every worker the elements it "
                         << "broadcasts" << suggestion;
  return success();
}

SmallVector<int64_t, 4> BroadcastOp::getSourceIndex(ArrayRef<int64_t> index) {
  SmallVector<int64_t, 4> source(index);
  for (auto [d, extent] : llvm::enumerate(getInput().getType().getShape()))
    if (extent == 1)
      source[d] = 0;
  return source;
}

//===----------------------------------------------------------------------===//
// tile.extract_slice
//===----------------------------------------------------------------------===//

SmallVector<int64_t, 4> ExtractSliceOp::getSourceIndex(ArrayRef<int64_t> index) {
  SmallVector<int64_t, 4> source;
  for (auto [i, offset] : llvm::zip_equal(index, getOffsets()))
    source.push_back(i + offset);
  return source;
}

LogicalResult ExtractSliceOp::verify() {
  RegType input = getInput().getType(), result = getResult().getType();
  if (input.getRank() != result.getRank())
    return emitOpError() << "'input' has rank " << input.getRank() << " but the result has rank "
                         << result.getRank();
  if (input.getElementType() != result.getElementType())
    return emitOpError() << "the result element type " << result.getElementType()
                         << " differs from the 'input' element type " << input.getElementType();
  ArrayRef<int64_t> offsets = getOffsets();
  if (static_cast<int64_t>(offsets.size()) != input.getRank())
    return emitOpError() << "has " << offsets.size() << " offsets for an 'input' of rank "
                         << input.getRank();
  for (auto [dim, offset, from, to] :
       llvm::enumerate(offsets, input.getShape(), result.getShape()))
    if (offset < 0 || offset + to > from)
      return emitOpError() << "the slice [" << offset << ", " << offset + to << ") of dimension "
                           << dim << " lies outside the 'input' extent " << from;
  if (!input.hasLayout() || !result.hasLayout())
    return success();
  const layout::RegisterLayout &in = input.getRegisterLayout(), &out = result.getRegisterLayout();
  if (in.getNumWorkers() != out.getNumWorkers())
    return emitOpError() << "'input' layout " << in.str() << " has " << in.getNumWorkers()
                         << " workers but the result layout " << out.str() << " has "
                         << out.getNumWorkers();
  if (std::optional<layout::UnheldBroadcastElement> unheld = layout::findUnheldElement(
          in, out, [&](ArrayRef<int64_t> index) { return getSourceIndex(index); }))
    return emitOpError() << "worker " << unheld->worker << " holds result element "
                         << formatShape(unheld->index) << " but not the 'input' element "
                         << formatShape(unheld->source) << " it comes from; the 'input' layout "
                         << in.str() << " must give every worker the elements it slices";
  return success();
}

//===----------------------------------------------------------------------===//
// tile.annotate_layout
//===----------------------------------------------------------------------===//

LogicalResult AnnotateLayoutOp::inferReturnTypes(MLIRContext *context,
                                                 std::optional<Location> location,
                                                 ValueRange operands, DictionaryAttr attributes,
                                                 OpaqueProperties properties, RegionRange regions,
                                                 SmallVectorImpl<Type> &inferredReturnTypes) {
  Adaptor adaptor(operands, attributes, properties, regions);
  auto input = dyn_cast_or_null<RegType>(adaptor.getInput() ? adaptor.getInput().getType()
                                                             : Type());
  // The parser infers the type before the attributes become properties.
  LayoutAttr layout = adaptor.getLayoutAttr();
  if (!layout && attributes)
    layout = attributes.getAs<LayoutAttr>(
        getLayoutAttrName(OperationName(getOperationName(), context)));
  if (!input || !layout)
    return emitOptionalError(location, "tile.annotate_layout needs a !tile.reg operand and a "
                                       "'layout' attribute");
  if (layout.getShape() != input.getShape())
    return emitOptionalError(location, "'layout' ", layout.getLayout().str(), " has shape ",
                             formatShape(layout.getShape()), " but 'input' has shape ",
                             formatShape(input.getShape()));
  inferredReturnTypes.push_back(input.withLayout(layout));
  return success();
}

LogicalResult AnnotateLayoutOp::verify() {
  RegType input = getInput().getType();
  if (input.hasLayout() && input.getLayout() != getLayoutAttr())
    return emitOpError() << "'input' already has layout " << describeLayout(input)
                         << ", which differs from the annotation "
                         << getLayoutAttr().getLayout().str();
  return success();
}
