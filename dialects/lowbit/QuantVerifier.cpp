//===- QuantVerifier.cpp - Checks shared by ops with quantized operands ----===//
#include "QuantVerifier.h"

using namespace mlir;
using namespace lowbit;

std::string lowbit::formatShape(ArrayRef<int64_t> shape) {
  std::string text = "[";
  llvm::raw_string_ostream os(text);
  llvm::interleaveComma(shape, os, [&](int64_t extent) {
    if (ShapedType::isDynamic(extent))
      os << "?";
    else
      os << extent;
  });
  os << "]";
  return text;
}

static bool shapesCompatible(ArrayRef<int64_t> a, ArrayRef<int64_t> b) {
  if (a.size() != b.size())
    return false;
  for (auto [x, y] : llvm::zip_equal(a, b))
    if (!extentsCompatible(x, y))
      return false;
  return true;
}

LogicalResult lowbit::verifyRealElement(Operation *op, StringRef name, Type type) {
  if (isRealElementType(type))
    return success();
  return op->emitOpError() << "'" << name << "' must have element type f32, f16 or bf16, got "
                           << type;
}

/// Checks one side operand: present iff `wanted`, with the given element type and shape.
static LogicalResult verifySideOperand(Operation *op, Value value, bool wanted, StringRef name,
                                       StringRef why, Type elementType,
                                       ArrayRef<int64_t> shape, StringRef shapeWhy) {
  if (!wanted) {
    if (value)
      return op->emitOpError() << "'" << name << "' given, but " << why;
    return success();
  }
  if (!value)
    return op->emitOpError() << "'" << name << "' is required: " << why;
  auto type = cast<RankedTensorType>(value.getType());
  auto expected = RankedTensorType::get(shape, elementType);
  if (type.getElementType() != elementType || !shapesCompatible(type.getShape(), shape))
    return op->emitOpError() << "'" << name << "' expected " << expected << " (" << shapeWhy
                             << "), got " << type;
  return success();
}

LogicalResult lowbit::verifyQuantOperands(Operation *op, RankedTensorType quantized,
                                          SchemeAttr scheme, const QuantOperands &operands,
                                          const QuantOperandNames &names) {
  Type element = quantized.getElementType();
  if (!isLowbitElementType(element))
    return op->emitOpError() << "'" << names.tensor << "': " << explainNotLowbit(element);

  FailureOr<SmallVector<int64_t>> scaleShape = scheme.getScaleShape(quantized.getShape());
  if (failed(scaleShape))
    return op->emitOpError() << "scheme " << scheme.getGranularityString() << " does not fit '"
                             << names.tensor << "' of rank " << quantized.getRank();
  std::string shapeWhy = scheme.getGranularityString() + " over " +
                         formatShape(quantized.getShape());
  std::string schemeText;
  llvm::raw_string_ostream(schemeText) << scheme;

  if (failed(verifySideOperand(op, operands.scale, true, names.scale, "every scheme has scales",
                               scheme.getScaleType(), *scaleShape, shapeWhy)))
    return failure();

  // Zero points.
  Type zeroType = scheme.getZeroPoint() == ZeroPoint::Int ? element : scheme.getScaleType();
  if (scheme.getZeroPoint() == ZeroPoint::Int && !isa<IntegerType>(element))
    return op->emitOpError() << "integer zero points need an integer element type, but '"
                             << names.tensor << "' has " << element;
  if (scheme.getZeroPoint() == ZeroPoint::Float && isa<TernaryType>(element))
    return op->emitOpError() << "'" << names.tensor << "' of type " << element
                             << " cannot have zero points";
  if (failed(verifySideOperand(op, operands.zero, scheme.hasZero(), names.zero,
                               scheme.hasZero() ? "the scheme has zero points"
                                                : "the scheme has no zero points",
                               zeroType, *scaleShape, shapeWhy)))
    return failure();

  // Second-level tensor scale.
  Builder builder(op->getContext());
  if (failed(verifySideOperand(op, operands.tensorScale, scheme.getTensorScale(),
                               names.tensorScale,
                               scheme.getTensorScale() ? "the scheme has tensor_scale"
                                                       : "the scheme has no tensor_scale",
                               builder.getF32Type(), {}, "one f32 for the whole tensor")))
    return failure();

  // Codebooks index with unsigned codes.
  if (scheme.hasCodebook()) {
    auto intType = dyn_cast<IntegerType>(element);
    if (!intType || !intType.isUnsigned())
      return op->emitOpError() << "a codebook needs unsigned integer codes, but '" << names.tensor
                               << "' has " << element;
    int64_t entries = int64_t(1) << intType.getWidth();
    if (scheme.getCodebook() == Codebook::NF4 && intType.getWidth() != 4)
      return op->emitOpError() << "the nf4 codebook needs ui4 codes, but '" << names.tensor
                               << "' has " << element;
    if (scheme.getCodebook() == Codebook::Inline &&
        static_cast<int64_t>(scheme.getCodebookValues().size()) != entries)
      return op->emitOpError() << "inline codebook has " << scheme.getCodebookValues().size()
                               << " entries, but " << element << " codes need " << entries;
  }
  bool wantsCodebook = scheme.getCodebook() == Codebook::Operand;
  if (!wantsCodebook) {
    if (operands.codebook)
      return op->emitOpError() << "'" << names.codebook
                               << "' given, but the scheme has no codebook = operand";
  } else {
    if (!operands.codebook)
      return op->emitOpError() << "'" << names.codebook
                               << "' is required: the scheme has codebook = operand";
    auto type = cast<RankedTensorType>(operands.codebook.getType());
    int64_t entries = int64_t(1) << getLowbitWidth(element);
    if (type.getRank() != 1 || !extentsCompatible(type.getDimSize(0), entries) ||
        !isRealElementType(type.getElementType()))
      return op->emitOpError() << "'" << names.codebook << "' expected tensor<" << entries
                               << "xf32|f16|bf16> (one entry per " << element << " code), got "
                               << type;
  }
  return success();
}

LogicalResult lowbit::verifyNoQuantOperands(Operation *op, StringRef tensorName,
                                            const QuantOperands &operands,
                                            const QuantOperandNames &names) {
  std::pair<Value, StringRef> sides[] = {{operands.scale, names.scale},
                                         {operands.zero, names.zero},
                                         {operands.tensorScale, names.tensorScale},
                                         {operands.codebook, names.codebook}};
  for (auto [value, name] : sides)
    if (value)
      return op->emitOpError() << "'" << name << "' given, but '" << tensorName
                               << "' is not quantized (it has no scheme)";
  return success();
}
