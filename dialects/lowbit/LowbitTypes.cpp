//===- LowbitTypes.cpp - lowbit element types ------------------------------===//
#include "lowbit/LowbitDialect.h"

#include "mlir/IR/DialectImplementation.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace lowbit;

#define GET_TYPEDEF_CLASSES
#include "lowbit/LowbitTypes.cpp.inc"

void LowbitDialect::registerTypes() {
  addTypes<
#define GET_TYPEDEF_LIST
#include "lowbit/LowbitTypes.cpp.inc"
      >();
}

/// Parses "eXmY" into its two numbers.
static bool parseExponentMantissa(StringRef word, unsigned &exponentBits, unsigned &mantissaBits) {
  if (!word.consume_front("e"))
    return false;
  size_t m = word.find('m');
  if (m == StringRef::npos)
    return false;
  return !word.substr(0, m).getAsInteger(10, exponentBits) &&
         !word.substr(m + 1).getAsInteger(10, mantissaBits);
}

// !lowbit.float<e3m2[, bias = 5][, inf][, nan]>
Type lowbit::FloatType::parse(AsmParser &parser) {
  SMLoc loc = parser.getCurrentLocation();
  StringRef word;
  unsigned exponentBits = 0, mantissaBits = 0;
  if (parser.parseLess() || parser.parseKeyword(&word))
    return {};
  if (!parseExponentMantissa(word, exponentBits, mantissaBits) || exponentBits == 0 ||
      exponentBits > 7 || mantissaBits > 7) {
    parser.emitError(loc, "expected 'eXmY' with 1 <= X <= 7 and 0 <= Y <= 7, got '") << word << "'";
    return {};
  }
  std::optional<int> bias;
  bool hasInf = false, hasNaN = false;
  SmallVector<StringRef> seen;
  while (succeeded(parser.parseOptionalComma())) {
    SMLoc keyLoc = parser.getCurrentLocation();
    StringRef key;
    if (parser.parseKeyword(&key))
      return {};
    if (llvm::is_contained(seen, key)) {
      parser.emitError(keyLoc, "duplicate !lowbit.float option '") << key << "'";
      return {};
    }
    seen.push_back(key);
    if (key == "bias") {
      int value = 0;
      if (parser.parseEqual() || parser.parseInteger(value))
        return {};
      bias = value;
    } else if (key == "inf") {
      hasInf = true;
    } else if (key == "nan") {
      hasNaN = true;
    } else {
      parser.emitError(keyLoc, "unknown !lowbit.float option '") << key
          << "' (expected bias, inf or nan)";
      return {};
    }
  }
  if (parser.parseGreater())
    return {};
  return parser.getChecked<lowbit::FloatType>(
      loc, parser.getContext(), exponentBits, mantissaBits,
      bias.value_or(defaultBias(exponentBits)), hasInf, hasNaN);
}

void lowbit::FloatType::print(AsmPrinter &printer) const {
  printer << "<e" << getExponentBits() << "m" << getMantissaBits();
  if (getBias() != defaultBias(getExponentBits()))
    printer << ", bias = " << getBias();
  if (getHasInf())
    printer << ", inf";
  if (getHasNaN())
    printer << ", nan";
  printer << ">";
}

LogicalResult lowbit::FloatType::verify(function_ref<InFlightDiagnostic()> emitError,
                                        unsigned exponentBits, unsigned mantissaBits, int bias,
                                        bool hasInf, bool hasNaN) {
  unsigned width = 1 + exponentBits + mantissaBits;
  if (exponentBits < 1)
    return emitError() << "!lowbit.float needs at least one exponent bit";
  if (width < 3 || width > 8)
    return emitError() << "!lowbit.float must have 3 to 8 bits (sign + exponent + mantissa), got "
                       << width;
  if (hasInf && !hasNaN)
    return emitError() << "!lowbit.float with 'inf' must also have 'nan' (IEEE-style special "
                          "values use the all-ones exponent for both)";
  if (hasInf && exponentBits < 2)
    return emitError() << "!lowbit.float with 'inf' needs at least two exponent bits";
  if (hasInf && mantissaBits < 1)
    return emitError() << "!lowbit.float with 'inf' needs at least one mantissa bit (IEEE-style "
                          "NaNs are the all-ones exponent with a nonzero mantissa)";
  // Every value must be a normal f32 so that compiled code can decode exactly.
  // 64-bit so that extreme biases (e.g. INT_MIN) do not overflow.
  int64_t maxExponentField = (int64_t(1) << exponentBits) - 1 - (hasInf ? 1 : 0);
  int64_t minScaleExponent = 1 - int64_t(bias) - int64_t(mantissaBits);
  if (minScaleExponent < -126 || maxExponentField - int64_t(bias) > 127)
    return emitError() << "!lowbit.float bias " << bias
                       << " puts values outside the normal f32 range";
  return success();
}
