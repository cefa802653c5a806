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

std::string lowbit::tile::explainInvalidPlanes(ArrayRef<int64_t> planes, int64_t bits,
                                               int64_t locals) {
  if (planes.size() < 2)
    return "needs at least two planes";
  int64_t total = 0;
  for (auto [k, width] : llvm::enumerate(planes)) {
    if (width != 1 && width != 2 && width != 4)
      return "plane " + std::to_string(k) + " has " + std::to_string(width) +
             " bits; planes have 4, 2 or 1";
    if (k > 0 && width > planes[k - 1])
      return "the planes' widths must not increase";
    total += width;
  }
  if (total != bits)
    return "the planes hold " + std::to_string(total) + " bits but the codes have " +
           std::to_string(bits);
  int64_t unit = 32 / planes.back();
  if (locals % unit != 0)
    return "each worker holds " + std::to_string(locals) + " codes, not a multiple of " +
           std::to_string(unit) + " (32 / the smallest plane)";
  return "";
}

SmallVector<lowbit::tile::PlanarPiece, 4> lowbit::tile::getPlanarPieces(ArrayRef<int64_t> planes,
                                                                int64_t locals, int64_t local) {
  int64_t q = 8 / planes.front();
  int64_t slot = local / q, c = local % q, byte = slot % 4, group = (slot / 4) * q + c;
  SmallVector<PlanarPiece, 4> pieces;
  int64_t codeBit = 0;
  for (int64_t width : planes) {
    int64_t perByte = 8 / width, firstWord = locals * codeBit / 32;
    pieces.push_back({firstWord + group / perByte, 8 * byte + (group % perByte) * width, codeBit,
                      width});
    codeBit += width;
  }
  return pieces;
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
