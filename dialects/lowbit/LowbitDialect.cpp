//===- LowbitDialect.cpp - The lowbit dialect -------------------------------===//
#include "lowbit/LowbitDialect.h"

#include "mlir/IR/DialectImplementation.h"
#include "mlir/Interfaces/FunctionInterfaces.h"

using namespace mlir;
using namespace lowbit;

#include "lowbit/LowbitDialect.cpp.inc"
#include "lowbit/LowbitEnums.cpp.inc"

void LowbitDialect::initialize() {
  registerTypes();
  registerAttributes();
  addOperations<
#define GET_OP_LIST
#include "lowbit/LowbitOps.cpp.inc"
      >();
}

LogicalResult LowbitDialect::verifyRegionArgAttribute(Operation *op, unsigned regionIndex,
                                                      unsigned argIndex, NamedAttribute attr) {
  if (attr.getName() != "lowbit.prepack")
    return op->emitError() << "unknown argument attribute '" << attr.getName().getValue() << "'";
  if (!isa<UnitAttr>(attr.getValue()))
    return op->emitError() << "'lowbit.prepack' on argument #" << argIndex
                           << " takes no value (a unit attribute)";
  auto function = dyn_cast<FunctionOpInterface>(op);
  if (!function || regionIndex != 0)
    return op->emitError() << "'lowbit.prepack' marks arguments of functions";
  Type type = function.getArgumentTypes()[argIndex];
  auto tensor = dyn_cast<RankedTensorType>(type);
  // After the interchange ABI the argument holds the weights' interchange bytes.
  if (!tensor || !tensor.hasStaticShape() ||
      !(isLowbitElementType(tensor.getElementType()) || tensor.getElementType().isInteger(8)))
    return op->emitError() << "'lowbit.prepack' on argument #" << argIndex
                           << " needs a statically shaped tensor of a low-bit element type, not "
                           << type;
  return success();
}

bool lowbit::isLowbitElementType(Type type) {
  if (auto intType = dyn_cast<IntegerType>(type))
    return !intType.isSignless() && intType.getWidth() >= 1 && intType.getWidth() <= 8;
  return isa<Float4E2M1FNType, Float6E2M3FNType, Float6E3M2FNType, Float8E4M3FNType,
             Float8E5M2Type, Float8E8M0FNUType, lowbit::FloatType, TernaryType>(type);
}

unsigned lowbit::getLowbitWidth(Type type) {
  if (!isLowbitElementType(type))
    return 0;
  if (auto floatType = dyn_cast<lowbit::FloatType>(type))
    return floatType.getWidth();
  if (isa<TernaryType>(type))
    return 2;
  return type.getIntOrFloatBitWidth();
}

bool lowbit::isRealElementType(Type type) { return type.isF32() || type.isF16() || type.isBF16(); }

bool lowbit::isScaleElementType(Type type) {
  return isRealElementType(type) || isa<Float8E8M0FNUType, Float8E4M3FNType>(type);
}

std::string lowbit::explainNotLowbit(Type type) {
  if (isLowbitElementType(type))
    return "";
  std::string text;
  llvm::raw_string_ostream os(text);
  os << type << " is not a low-bit element type";
  if (auto intType = dyn_cast<IntegerType>(type)) {
    if (intType.isSignless() && intType.getWidth() >= 1 && intType.getWidth() <= 8)
      os << " (signless integers are ambiguous: use si" << intType.getWidth() << " or ui"
         << intType.getWidth() << ")";
    else
      os << " (integers must have 1 to 8 bits)";
  } else {
    os << " (expected si1..si8, ui1..ui8, f4E2M1FN, f6E2M3FN, f6E3M2FN, f8E4M3FN, f8E5M2, "
          "f8E8M0FNU, !lowbit.float or !lowbit.ternary)";
  }
  return text;
}
