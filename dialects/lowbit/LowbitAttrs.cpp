//===- LowbitAttrs.cpp - lowbit attributes ---------------------------------===//
#include "lowbit/LowbitDialect.h"

#include "mlir/IR/DialectImplementation.h"
#include "llvm/ADT/TypeSwitch.h"

#include <cmath>

using namespace mlir;
using namespace lowbit;

#define GET_ATTRDEF_CLASSES
#include "lowbit/LowbitAttrs.cpp.inc"

void LowbitDialect::registerAttributes() {
  addAttributes<
#define GET_ATTRDEF_LIST
#include "lowbit/LowbitAttrs.cpp.inc"
      >();
}

//===----------------------------------------------------------------------===//
// #lowbit.scheme
//===----------------------------------------------------------------------===//

namespace {
struct SchemeFields {
  Granularity granularity = Granularity::PerTensor;
  int64_t axis = 0, groupSize = 0, blockRows = 0, blockCols = 0;
  Type scaleType;
  ZeroPoint zeroPoint = ZeroPoint::None;
  bool tensorScale = false;
  Codebook codebook = Codebook::None;
  DenseF32ArrayAttr codebookValues;
};
} // namespace

/// per_tensor | per_channel(axis = A) | group(axis = A, size = G) | block(R, C)
static ParseResult parseGranularity(AsmParser &parser, SchemeFields &fields) {
  SMLoc loc = parser.getCurrentLocation();
  StringRef word;
  if (parser.parseKeyword(&word))
    return failure();
  std::optional<Granularity> granularity = symbolizeGranularity(word);
  if (!granularity)
    return parser.emitError(loc, "expected per_tensor, per_channel, group or block, got '")
           << word << "'";
  fields.granularity = *granularity;
  switch (*granularity) {
  case Granularity::PerTensor:
    return success();
  case Granularity::PerChannel:
    return failure(parser.parseLParen() || parser.parseKeyword("axis") || parser.parseEqual() ||
                   parser.parseInteger(fields.axis) || parser.parseRParen());
  case Granularity::Group:
    return failure(parser.parseLParen() || parser.parseKeyword("axis") || parser.parseEqual() ||
                   parser.parseInteger(fields.axis) || parser.parseComma() ||
                   parser.parseKeyword("size") || parser.parseEqual() ||
                   parser.parseInteger(fields.groupSize) || parser.parseRParen());
  case Granularity::Block:
    return failure(parser.parseLParen() || parser.parseInteger(fields.blockRows) ||
                   parser.parseComma() || parser.parseInteger(fields.blockCols) ||
                   parser.parseRParen());
  }
  llvm_unreachable("covered switch");
}

static ParseResult parseCodebook(AsmParser &parser, SchemeFields &fields) {
  if (succeeded(parser.parseOptionalKeyword("nf4"))) {
    fields.codebook = Codebook::NF4;
    return success();
  }
  if (succeeded(parser.parseOptionalKeyword("operand"))) {
    fields.codebook = Codebook::Operand;
    return success();
  }
  SmallVector<float> values;
  auto parseValue = [&]() -> ParseResult {
    // Parse as f32 so that the printer's hexadecimal form (f32 bits, used for values such as
    // 12345678.0 whose short decimal form is not exact) reads back as the same value.
    APFloat value(0.0f);
    if (parser.parseFloat(APFloat::IEEEsingle(), value))
      return failure();
    values.push_back(value.convertToFloat());
    return success();
  };
  if (parser.parseCommaSeparatedList(AsmParser::Delimiter::Square, parseValue,
                                     " in a codebook (nf4, operand or [v0, v1, ...])"))
    return failure();
  fields.codebook = Codebook::Inline;
  fields.codebookValues = DenseF32ArrayAttr::get(parser.getContext(), values);
  return success();
}

Attribute SchemeAttr::parse(AsmParser &parser, Type) {
  SMLoc loc = parser.getCurrentLocation();
  SchemeFields fields;
  if (parser.parseLess() || parseGranularity(parser, fields))
    return {};
  SmallVector<StringRef> seen;
  while (succeeded(parser.parseOptionalComma())) {
    SMLoc keyLoc = parser.getCurrentLocation();
    StringRef key;
    if (parser.parseKeyword(&key))
      return {};
    if (llvm::is_contained(seen, key)) {
      parser.emitError(keyLoc, "duplicate scheme field '") << key << "'";
      return {};
    }
    seen.push_back(key);
    if (key == "scale") {
      if (parser.parseEqual() || parser.parseType(fields.scaleType))
        return {};
    } else if (key == "zero") {
      StringRef kind;
      SMLoc kindLoc = parser.getCurrentLocation();
      if (parser.parseEqual() || parser.parseKeyword(&kind))
        return {};
      if (kind == "int")
        fields.zeroPoint = ZeroPoint::Int;
      else if (kind == "float")
        fields.zeroPoint = ZeroPoint::Float;
      else {
        parser.emitError(kindLoc, "expected 'int' or 'float' zero points, got '") << kind << "'";
        return {};
      }
    } else if (key == "tensor_scale") {
      fields.tensorScale = true;
    } else if (key == "codebook") {
      if (parser.parseEqual() || parseCodebook(parser, fields))
        return {};
    } else {
      parser.emitError(keyLoc, "unknown scheme field '")
          << key << "' (expected scale, zero, tensor_scale or codebook)";
      return {};
    }
  }
  if (parser.parseGreater())
    return {};
  if (!fields.scaleType) {
    parser.emitError(loc, "a scheme needs 'scale = TYPE'");
    return {};
  }
  return parser.getChecked<SchemeAttr>(
      loc, parser.getContext(), fields.granularity, fields.axis, fields.groupSize,
      fields.blockRows, fields.blockCols, fields.scaleType, fields.zeroPoint, fields.tensorScale,
      fields.codebook, fields.codebookValues);
}

std::string SchemeAttr::getGranularityString() const {
  std::string text;
  llvm::raw_string_ostream os(text);
  os << stringifyGranularity(getGranularity());
  switch (getGranularity()) {
  case Granularity::PerTensor:
    break;
  case Granularity::PerChannel:
    os << "(axis = " << getAxis() << ")";
    break;
  case Granularity::Group:
    os << "(axis = " << getAxis() << ", size = " << getGroupSize() << ")";
    break;
  case Granularity::Block:
    os << "(" << getBlockRows() << ", " << getBlockCols() << ")";
    break;
  }
  return text;
}

void SchemeAttr::print(AsmPrinter &printer) const {
  printer << "<" << getGranularityString() << ", scale = " << getScaleType();
  if (hasZero())
    printer << ", zero = " << stringifyZeroPoint(getZeroPoint());
  if (getTensorScale())
    printer << ", tensor_scale";
  switch (getCodebook()) {
  case Codebook::None:
    break;
  case Codebook::NF4:
    printer << ", codebook = nf4";
    break;
  case Codebook::Operand:
    printer << ", codebook = operand";
    break;
  case Codebook::Inline:
    printer << ", codebook = [";
    llvm::interleaveComma(getCodebookValues().asArrayRef(), printer,
                          [&](float value) { printer << APFloat(value); });
    printer << "]";
    break;
  }
  printer << ">";
}

LogicalResult SchemeAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                                 Granularity granularity, int64_t axis, int64_t groupSize,
                                 int64_t blockRows, int64_t blockCols, Type scaleType,
                                 ZeroPoint zeroPoint, bool tensorScale, Codebook codebook,
                                 DenseF32ArrayAttr codebookValues) {
  if (axis < 0)
    return emitError() << "scheme axis must be non-negative, got " << axis;
  if (granularity == Granularity::Group && groupSize < 1)
    return emitError() << "group size must be positive, got " << groupSize;
  if (granularity == Granularity::Block && (blockRows < 1 || blockCols < 1))
    return emitError() << "block extents must be positive, got (" << blockRows << ", "
                       << blockCols << ")";
  if (!isScaleElementType(scaleType))
    return emitError() << "scale type must be f32, f16, bf16, f8E8M0FNU or f8E4M3FN, got "
                       << scaleType;
  if (zeroPoint == ZeroPoint::Float && !isRealElementType(scaleType))
    return emitError() << "float zero points need an f32, f16 or bf16 scale type, got "
                       << scaleType;
  if (codebook != Codebook::None && zeroPoint != ZeroPoint::None)
    return emitError() << "a codebook scheme cannot have zero points";
  if ((codebook == Codebook::Inline) != static_cast<bool>(codebookValues))
    return emitError() << "codebook values are given exactly for inline codebooks";
  if (codebook == Codebook::Inline) {
    ArrayRef<float> values = codebookValues.asArrayRef();
    if (values.size() < 2 || values.size() > 256 || !llvm::isPowerOf2_64(values.size()))
      return emitError() << "an inline codebook needs 2^b entries (2 to 256), got "
                         << values.size();
    for (float value : values)
      if (!std::isfinite(value))
        return emitError() << "codebook entries must be finite";
  }
  return success();
}

FailureOr<SmallVector<int64_t>> SchemeAttr::getScaleShape(ArrayRef<int64_t> shape) const {
  // Written so that it cannot overflow, whatever the group or block size.
  auto ceilDiv = [](int64_t extent, int64_t by) {
    if (ShapedType::isDynamic(extent))
      return ShapedType::kDynamic;
    return extent / by + (extent % by != 0 ? 1 : 0);
  };
  int64_t rank = shape.size();
  switch (getGranularity()) {
  case Granularity::PerTensor:
    return SmallVector<int64_t>{};
  case Granularity::PerChannel:
    if (getAxis() >= rank)
      return failure();
    return SmallVector<int64_t>{shape[getAxis()]};
  case Granularity::Group: {
    if (getAxis() >= rank)
      return failure();
    SmallVector<int64_t> result(shape);
    result[getAxis()] = ceilDiv(shape[getAxis()], getGroupSize());
    return result;
  }
  case Granularity::Block: {
    if (rank < 2)
      return failure();
    SmallVector<int64_t> result(shape);
    result[rank - 2] = ceilDiv(shape[rank - 2], getBlockRows());
    result[rank - 1] = ceilDiv(shape[rank - 1], getBlockCols());
    return result;
  }
  }
  llvm_unreachable("covered switch");
}

ArrayRef<float> lowbit::getNF4Codebook() {
  static const float values[16] = {
      -1.0f, -0.6961928009986877f, -0.5250730514526367f, -0.39491748809814453f,
      -0.28444138169288635f, -0.18477343022823334f, -0.09105003625154495f, 0.0f,
      0.07958029955625534f, 0.16093020141124725f, 0.24611230194568634f, 0.33791524171829224f,
      0.44070982933044434f, 0.5626170039176941f, 0.7229568362236328f, 1.0f};
  return values;
}
