//===- TileDialect.cpp - The tile dialect -----------------------------------===//
#include "tile/TileDialect.h"
#include "TileSupport.h"

#include "lowbit/LowbitDialect.h"

#include "mlir/IR/DialectImplementation.h"

using namespace mlir;
using namespace lowbit::tile;

#include "tile/TileDialect.cpp.inc"
#include "tile/TileEnums.cpp.inc"

void TileDialect::initialize() {
  registerAttributes();
  registerTypes();
  addOperations<
#define GET_OP_LIST
#include "tile/TileOps.cpp.inc"
      >();
}

bool lowbit::tile::isTileElementType(Type type) {
  if (auto intType = dyn_cast<IntegerType>(type))
    return intType.getWidth() >= 1 && intType.getWidth() <= 64;
  return isa<mlir::FloatType, lowbit::FloatType, lowbit::TernaryType>(type);
}

bool lowbit::tile::isArithmeticElementType(Type type) {
  if (auto intType = dyn_cast<IntegerType>(type))
    return intType.getWidth() >= 1 && intType.getWidth() <= 64;
  return type.isF16() || type.isBF16() || type.isF32() || type.isF64();
}

unsigned lowbit::tile::getElementBitWidth(Type type) {
  if (!isTileElementType(type))
    return 0;
  if (auto floatType = dyn_cast<lowbit::FloatType>(type))
    return floatType.getWidth();
  if (isa<lowbit::TernaryType>(type))
    return 2;
  return type.getIntOrFloatBitWidth();
}

std::string lowbit::tile::formatShape(ArrayRef<int64_t> shape) {
  std::string text = "[";
  for (auto [i, extent] : llvm::enumerate(shape)) {
    if (i)
      text += ", ";
    text += ShapedType::isDynamic(extent) ? "?" : std::to_string(extent);
  }
  return text + "]";
}
