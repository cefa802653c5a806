//===- Arguments.cpp - Inputs and outputs of lowbit-run --------------------===//
#include "lowbit/Execution/Arguments.h"

#include "lowbit/LowbitDialect.h"
#include "lowbit/Support/Npy.h"

#include "mlir/IR/BuiltinTypes.h"
#include "llvm/ADT/StringExtras.h"

#include <cmath>
#include <cstdlib>

using namespace mlir;
using namespace lowbit;

static llvm::Error makeError(const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
}

std::string lowbit::describeTensor(const HostTensor &tensor) {
  return typeToString(RankedTensorType::get(tensor.shape, tensor.elementType));
}

/// "4x7xui4" -> shape [4, 7] and the element type; "f32" -> shape [].
static llvm::Expected<std::pair<SmallVector<int64_t>, Type>>
parseShapedType(MLIRContext *context, llvm::StringRef text) {
  SmallVector<int64_t> shape;
  llvm::StringRef rest = text.trim();
  while (!rest.empty() && llvm::isDigit(rest.front())) {
    size_t x = rest.find('x');
    int64_t extent;
    if (x == llvm::StringRef::npos || rest.substr(0, x).getAsInteger(10, extent))
      break;
    shape.push_back(extent);
    rest = rest.substr(x + 1);
  }
  llvm::Expected<Type> element = parseTypeText(context, rest);
  if (!element)
    return element.takeError();
  return std::make_pair(shape, *element);
}

/// Splits a literal's values on spaces, commas and brackets.
static llvm::Expected<std::vector<double>> parseValues(llvm::StringRef text) {
  std::vector<double> values;
  SmallVector<llvm::StringRef> words;
  llvm::SplitString(text, words, " ,[]\t\n");
  for (llvm::StringRef word : words) {
    std::string owned = word.lower();
    if (owned == "nan" || owned == "+nan" || owned == "-nan") {
      values.push_back(std::nan(""));
      continue;
    }
    char *end = nullptr;
    double value = std::strtod(owned.c_str(), &end);
    if (end != owned.c_str() + owned.size())
      return makeError("'" + word + "' is not a number");
    values.push_back(value);
  }
  return values;
}

llvm::Expected<HostTensor> lowbit::parseInput(MLIRContext *context, llvm::StringRef spec) {
  if (spec.consume_front("@")) {
    if (spec.empty())
      return makeError("input '@' names no file");
    return readNpyFile(context, spec);
  }
  auto [typeText, valueText] = spec.split('=');
  if (valueText.data() == nullptr || !spec.contains('='))
    return makeError("input '" + spec +
                     "' is neither @file.npy nor SHAPExTYPE=VALUES (e.g. 2x3xf32=1 2 3 4 5 6)");
  auto shaped = parseShapedType(context, typeText);
  if (!shaped)
    return makeError("input '" + typeText + "': " + llvm::toString(shaped.takeError()));
  auto [shape, element] = *shaped;
  llvm::Expected<std::vector<double>> values = parseValues(valueText);
  if (!values)
    return makeError("input '" + typeText + "': " + llvm::toString(values.takeError()));
  int64_t count = 1;
  for (int64_t extent : shape)
    count *= extent;
  if (static_cast<int64_t>(values->size()) != count)
    return makeError("input '" + typeText + "' needs " + llvm::Twine(count) + " values, got " +
                     llvm::Twine(values->size()));
  llvm::Expected<HostTensor> tensor = encodeValues(element, shape, *values);
  if (!tensor)
    return makeError("input '" + typeText + "': " + llvm::toString(tensor.takeError()));
  return tensor;
}

llvm::Expected<HostTensor> lowbit::bindArgument(Type type, HostTensor tensor) {
  auto expected = [&]() { return typeToString(type); };
  auto mismatch = [&]() {
    return makeError("expects " + expected() + ", got " + describeTensor(tensor));
  };
  auto tensorType = dyn_cast<RankedTensorType>(type);
  Type element = tensorType ? tensorType.getElementType() : type;
  ArrayRef<int64_t> shape = tensorType ? tensorType.getShape() : ArrayRef<int64_t>();
  if (!tensorType && tensor.numElements() != 1)
    return mismatch();
  // Dynamic extents take any size (the engine decides whether it can run them).
  if (tensorType && (tensor.shape.size() != shape.size() ||
                     !llvm::all_of(llvm::zip_equal(tensor.shape, shape), [](auto pair) {
                       return ShapedType::isDynamic(std::get<1>(pair)) ||
                              std::get<0>(pair) == std::get<1>(pair);
                     })))
    return mismatch();
  if (!tensorType)
    tensor.shape.clear();

  if (tensor.elementType == element)
    return tensor;
  // Signless integers take signed or unsigned data of their width.
  auto want = dyn_cast<IntegerType>(element);
  auto have = dyn_cast<IntegerType>(tensor.elementType);
  if (want && have && want.isSignless() && want.getWidth() == have.getWidth()) {
    tensor.elementType = element;
    return tensor;
  }
  // Sub-byte integers given one value per element in a wider integer array (NumPy's uint8 and
  // int8 included).
  if (want && have && isLowbitElementType(want) && want.getWidth() < have.getWidth()) {
    llvm::Expected<std::vector<double>> values = decodeValues(tensor);
    if (!values)
      return values.takeError();
    int64_t low = want.isUnsigned() ? 0 : -(int64_t(1) << (want.getWidth() - 1));
    int64_t high = want.isUnsigned() ? (int64_t(1) << want.getWidth()) - 1
                                     : (int64_t(1) << (want.getWidth() - 1)) - 1;
    for (auto [index, value] : llvm::enumerate(*values))
      if (value < low || value > high)
        return makeError("expects " + expected() + ", but element " + llvm::Twine(index) +
                         " of the given " + describeTensor(tensor) + " is " +
                         llvm::Twine(static_cast<int64_t>(value)) + ", outside [" +
                         llvm::Twine(low) + ", " + llvm::Twine(high) + "]");
    return encodeValues(element, tensor.shape, *values);
  }
  return mismatch();
}

/// Prints values[offset...] of the sub-tensor at `axis`, NumPy style.
static void printNested(llvm::raw_ostream &os, ArrayRef<int64_t> shape, unsigned axis,
                        ArrayRef<std::string> values, size_t &next) {
  if (axis == shape.size()) {
    os << values[next++];
    return;
  }
  os << "[";
  for (int64_t i = 0; i < shape[axis]; ++i) {
    if (i) {
      os << ",";
      if (axis + 1 < shape.size())
        os << "\n" << std::string(axis + 1, ' ');
      else
        os << " ";
    }
    printNested(os, shape, axis + 1, values, next);
  }
  os << "]";
}

llvm::Error lowbit::printHostTensor(llvm::raw_ostream &os, const HostTensor &tensor) {
  llvm::Expected<std::vector<std::string>> values = formatValues(tensor);
  if (!values)
    return values.takeError();
  os << describeTensor(tensor) << "\n";
  size_t next = 0;
  printNested(os, tensor.shape, 0, *values, next);
  os << "\n";
  return llvm::Error::success();
}
