//===- TileTypes.cpp - tile types ------------------------------------------===//
#include "tile/TileDialect.h"
#include "TileSupport.h"

#include "mlir/IR/DialectImplementation.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace lowbit;
using namespace lowbit::tile;

#define GET_TYPEDEF_CLASSES
#include "tile/TileTypes.cpp.inc"

void TileDialect::registerTypes() {
  addTypes<
#define GET_TYPEDEF_LIST
#include "tile/TileTypes.cpp.inc"
      >();
}

/// `<D0xD1x..xT` (the shape may be empty when `allowRank0`).
static ParseResult parseShapeAndElement(AsmParser &parser, bool allowDynamic,
                                        SmallVectorImpl<int64_t> &shape, Type &elementType) {
  return failure(parser.parseLess() || parser.parseDimensionList(shape, allowDynamic) ||
                 parser.parseType(elementType));
}

static void printShapeAndElement(AsmPrinter &printer, ArrayRef<int64_t> shape,
                                 Type elementType) {
  printer << "<";
  if (!shape.empty()) {
    printer.printDimensionList(shape);
    printer << "x";
  }
  printer << elementType;
}

/// An optional `, #tile.<kind>` attribute of type AttrT.
template <typename AttrT>
static ParseResult parseOptionalLayout(AsmParser &parser, StringRef what, AttrT &layout) {
  if (failed(parser.parseOptionalComma()))
    return success();
  SMLoc loc = parser.getCurrentLocation();
  Attribute attr;
  if (parser.parseAttribute(attr))
    return failure();
  layout = dyn_cast<AttrT>(attr);
  if (!layout)
    return parser.emitError(loc) << "expected a " << what << " attribute, got " << attr;
  return success();
}

static LogicalResult verifyShapeAndElement(function_ref<InFlightDiagnostic()> emitError,
                                           StringRef typeName, ArrayRef<int64_t> shape,
                                           Type elementType, bool allowDynamic,
                                           bool allowRank0) {
  if (shape.empty() && !allowRank0)
    return emitError() << typeName << " must have rank at least 1";
  for (int64_t extent : shape) {
    if (ShapedType::isDynamic(extent) ? !allowDynamic : extent < 1)
      return emitError() << typeName << " extents must be "
                         << (allowDynamic ? "dynamic or " : "") << "at least 1, got "
                         << formatShape(shape);
  }
  if (!isTileElementType(elementType))
    return emitError() << typeName << " element type must be an integer of 1-64 bits, a "
                       << "builtin float, !lowbit.float or !lowbit.ternary, got " << elementType;
  return success();
}

//===----------------------------------------------------------------------===//
// !tile.reg
//===----------------------------------------------------------------------===//

Type RegType::parse(AsmParser &parser) {
  SMLoc loc = parser.getCurrentLocation();
  SmallVector<int64_t> shape;
  Type elementType;
  LayoutAttr layout;
  if (parseShapeAndElement(parser, /*allowDynamic=*/false, shape, elementType) ||
      parseOptionalLayout(parser, "#tile.layout", layout) || parser.parseGreater())
    return {};
  return parser.getChecked<RegType>(loc, parser.getContext(), shape, elementType, layout);
}

void RegType::print(AsmPrinter &printer) const {
  printShapeAndElement(printer, getShape(), getElementType());
  if (getLayout()) {
    printer << ", ";
    printer.printAttribute(getLayout());
  }
  printer << ">";
}

LogicalResult RegType::verify(function_ref<InFlightDiagnostic()> emitError,
                              ArrayRef<int64_t> shape, Type elementType, LayoutAttr layout) {
  if (failed(verifyShapeAndElement(emitError, "!tile.reg", shape, elementType,
                                   /*allowDynamic=*/false, /*allowRank0=*/true)))
    return failure();
  if (layout && layout.getShape() != shape)
    return emitError() << "!tile.reg shape " << formatShape(shape) << " differs from the shape "
                       << formatShape(layout.getShape()) << " of its layout "
                       << layout.getLayout().str();
  return success();
}

unsigned RegType::getElementBits() const { return getElementBitWidth(getElementType()); }

RegType RegType::cloneWith(std::optional<ArrayRef<int64_t>> shape, Type elementType) const {
  if (!shape || *shape == getShape())
    return get(getContext(), getShape(), elementType, getLayout());
  return get(getContext(), *shape, elementType, LayoutAttr());
}

//===----------------------------------------------------------------------===//
// !tile.shared
//===----------------------------------------------------------------------===//

Type SharedType::parse(AsmParser &parser) {
  SMLoc loc = parser.getCurrentLocation();
  SmallVector<int64_t> shape;
  Type elementType;
  SharedLayoutAttr layout;
  if (parseShapeAndElement(parser, /*allowDynamic=*/false, shape, elementType) ||
      parseOptionalLayout(parser, "#tile.shared_layout", layout) || parser.parseGreater())
    return {};
  return parser.getChecked<SharedType>(loc, parser.getContext(), shape, elementType, layout);
}

void SharedType::print(AsmPrinter &printer) const {
  printShapeAndElement(printer, getShape(), getElementType());
  if (getLayout()) {
    printer << ", ";
    printer.printAttribute(getLayout());
  }
  printer << ">";
}

LogicalResult SharedType::verify(function_ref<InFlightDiagnostic()> emitError,
                                 ArrayRef<int64_t> shape, Type elementType,
                                 SharedLayoutAttr layout) {
  if (failed(verifyShapeAndElement(emitError, "!tile.shared", shape, elementType,
                                   /*allowDynamic=*/false, /*allowRank0=*/false)))
    return failure();
  if (layout && layout.getShape() != shape)
    return emitError() << "!tile.shared shape " << formatShape(shape)
                       << " differs from the shape " << formatShape(layout.getShape())
                       << " of its layout";
  return success();
}

unsigned SharedType::getElementBits() const { return getElementBitWidth(getElementType()); }

layout::SharedLayout SharedType::getSharedLayoutOrDefault() const {
  if (getLayout())
    return getLayout().getLayout();
  // The verifier guarantees a valid shape, so the row-major layout exists.
  return cantFail(layout::SharedLayout::rowMajor(getShape()));
}

SharedType SharedType::cloneWith(std::optional<ArrayRef<int64_t>> shape,
                                 Type elementType) const {
  if (!shape || *shape == getShape())
    return get(getContext(), getShape(), elementType, getLayout());
  return get(getContext(), *shape, elementType, SharedLayoutAttr());
}

//===----------------------------------------------------------------------===//
// !tile.global
//===----------------------------------------------------------------------===//

Type GlobalType::parse(AsmParser &parser) {
  SMLoc loc = parser.getCurrentLocation();
  SmallVector<int64_t> shape;
  Type elementType;
  if (parseShapeAndElement(parser, /*allowDynamic=*/true, shape, elementType) ||
      parser.parseGreater())
    return {};
  return parser.getChecked<GlobalType>(loc, parser.getContext(), shape, elementType);
}

void GlobalType::print(AsmPrinter &printer) const {
  printShapeAndElement(printer, getShape(), getElementType());
  printer << ">";
}

LogicalResult GlobalType::verify(function_ref<InFlightDiagnostic()> emitError,
                                 ArrayRef<int64_t> shape, Type elementType) {
  return verifyShapeAndElement(emitError, "!tile.global", shape, elementType,
                               /*allowDynamic=*/true, /*allowRank0=*/false);
}

unsigned GlobalType::getElementBits() const { return getElementBitWidth(getElementType()); }

GlobalType GlobalType::cloneWith(std::optional<ArrayRef<int64_t>> shape,
                                 Type elementType) const {
  return get(getContext(), shape.value_or(getShape()), elementType);
}
