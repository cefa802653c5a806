//===- HostTensor.cpp - Tensors in host memory, as tools exchange them ----===//
//
// Low-bit element types go through the reference library (codes, interchange packing); native
// types are read and written as little-endian words. 64-bit integers and f64 have no reference
// format and are handled here directly.
//
//===----------------------------------------------------------------------===//

#include "lowbit/Support/HostTensor.h"

#include "lowbit/LowbitDialect.h"
#include "lowbit/Reference/Packing.h"

#include "mlir/AsmParser/AsmParser.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "llvm/Support/CheckedArithmetic.h"
#include "llvm/Support/raw_ostream.h"

#include <cassert>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>

using namespace mlir;

namespace lowbit {

namespace {


llvm::Error makeError(const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
}

/// Bytes per element of a type stored natively (one element after another), 0 for low-bit and
/// unsupported types.
unsigned nativeByteWidth(Type type) {
  if (isLowbitElementType(type))
    return 0;
  if (type.isF16() || type.isBF16())
    return 2;
  if (type.isF32())
    return 4;
  if (type.isF64())
    return 8;
  if (auto intType = dyn_cast<IntegerType>(type)) {
    unsigned width = intType.getWidth();
    if (width == 1 && intType.isSignless())
      return 1;
    if (width == 8 || width == 16 || width == 32 || width == 64)
      return width / 8;
  }
  return 0;
}

/// Element count of a static shape; nullopt for negative extents or overflow.
std::optional<int64_t> checkedNumElements(ArrayRef<int64_t> shape) {
  int64_t count = 1;
  for (int64_t extent : shape) {
    if (extent < 0)
      return std::nullopt;
    std::optional<int64_t> product = llvm::checkedMul(count, extent);
    if (!product)
      return std::nullopt;
    count = *product;
  }
  return count;
}

bool is64BitInteger(Type type) {
  auto intType = dyn_cast<IntegerType>(type);
  return intType && intType.getWidth() == 64;
}

uint64_t readLittleEndian(const uint8_t *bytes, unsigned width) {
  uint64_t word = 0;
  for (unsigned i = 0; i < width; ++i)
    word |= uint64_t(bytes[i]) << (8 * i);
  return word;
}

/// printf of one double with "%.<precision><conversion>".
std::string printDouble(int precision, char conversion, double value) {
  char text[400];
  if (conversion == 'f')
    std::snprintf(text, sizeof(text), "%.*f", precision, value);
  else
    std::snprintf(text, sizeof(text), "%.*g", precision, value);
  return text;
}

void writeLittleEndian(uint8_t *bytes, uint64_t word, unsigned width) {
  for (unsigned i = 0; i < width; ++i)
    bytes[i] = uint8_t(word >> (8 * i));
}

/// Checks that `tensor.bytes` is exactly the storage of its type and shape.
llvm::Error checkStorage(const HostTensor &tensor) {
  llvm::Expected<int64_t> size = storageSize(tensor.elementType, tensor.shape);
  if (!size)
    return size.takeError();
  if (*size != int64_t(tensor.bytes.size()))
    return makeError("tensor of " + typeToString(tensor.elementType) + " and shape " +
                     formatNumpyShape(tensor.shape) + " needs " + llvm::Twine(*size) +
                     " bytes, has " + llvm::Twine(tensor.bytes.size()));
  return llvm::Error::success();
}

/// Rounds an integer-typed value and checks it against the type's range; the result is the
/// two's-complement bit pattern.
llvm::Expected<uint64_t> encodeInteger(IntegerType type, size_t index, double value) {
  unsigned width = type.getWidth();
  bool isSigned = !type.isUnsigned() && !(width == 1 && type.isSignless());
  double lowest = isSigned ? -std::ldexp(1.0, int(width) - 1) : 0.0;
  double limit = std::ldexp(1.0, int(width) - (isSigned ? 1 : 0)); // exclusive
  double rounded = std::nearbyint(value); // ties to even in the default rounding mode
  if (!(rounded >= lowest && rounded < limit)) {
    uint64_t highest =
        width == 64 && !isSigned ? ~uint64_t(0) : (uint64_t(1) << (width - isSigned)) - 1;
    return makeError("element " + llvm::Twine(index) + " (" +
                     formatElementValue(Float64Type::get(type.getContext()), value) +
                     ") is out of range for " + typeToString(type) + " [" +
                     llvm::Twine(int64_t(lowest)) + ", " + llvm::Twine(highest) + "]");
  }
  if (isSigned)
    return uint64_t(int64_t(rounded));
  return uint64_t(rounded);
}

} // namespace

int64_t HostTensor::numElements() const {
  int64_t count = 1;
  for (int64_t extent : shape)
    count *= extent;
  return count;
}

llvm::Expected<int64_t> storageSize(Type elementType, ArrayRef<int64_t> shape) {
  unsigned lowbitWidth = getLowbitWidth(elementType);
  unsigned byteWidth = nativeByteWidth(elementType);
  if (!lowbitWidth && !byteWidth)
    return makeError("host tensors cannot hold elements of type " + typeToString(elementType));
  std::optional<int64_t> count = checkedNumElements(shape);
  if (!count)
    return makeError("shape " + formatNumpyShape(shape) + " has a negative or too large extent");
  if (byteWidth) {
    if (std::optional<int64_t> size = llvm::checkedMul<int64_t>(*count, byteWidth))
      return *size;
    return makeError("shape " + formatNumpyShape(shape) + " is too large");
  }
  // Rows of the innermost axis, each padded to whole bytes (Packing.h).
  int64_t rowLength = shape.empty() ? 1 : shape.back();
  int64_t rows = shape.empty() ? 1 : *checkedNumElements(shape.drop_back());
  if (rowLength > std::numeric_limits<int64_t>::max() / 8)
    return makeError("shape " + formatNumpyShape(shape) + " is too large");
  int64_t rowBytes = (rowLength * lowbitWidth + 7) / 8;
  if (std::optional<int64_t> size = llvm::checkedMul(rows, rowBytes))
    return *size;
  return makeError("shape " + formatNumpyShape(shape) + " is too large");
}

llvm::Expected<ref::ElementFormat> getReferenceFormat(Type elementType) {
  if (auto intType = dyn_cast<IntegerType>(elementType)) {
    unsigned width = intType.getWidth();
    if (width < 1 || width > 32)
      return makeError("the reference library has no format for " + typeToString(elementType) +
                       " (integers of 1..32 bits only)");
    if (intType.isUnsigned() || (width == 1 && intType.isSignless()))
      return ref::ElementFormat::unsignedInt(width);
    return ref::ElementFormat::signedInt(width);
  }
  if (auto floatType = dyn_cast<lowbit::FloatType>(elementType)) {
    ref::FloatSpec spec;
    spec.exponentBits = floatType.getExponentBits();
    spec.mantissaBits = floatType.getMantissaBits();
    spec.bias = floatType.getBias();
    spec.hasSign = true;
    spec.hasInf = floatType.getHasInf();
    spec.hasNaN = floatType.getHasNaN();
    if (!ref::isValidFloatSpec(spec))
      return makeError("the reference library does not support " + typeToString(elementType));
    return ref::ElementFormat::floating(spec);
  }
  if (isa<TernaryType>(elementType))
    return ref::ElementFormat::ternary();
  if (isa<Float4E2M1FNType>(elementType))
    return ref::ElementFormat::f4E2M1FN();
  if (isa<Float6E2M3FNType>(elementType))
    return ref::ElementFormat::f6E2M3FN();
  if (isa<Float6E3M2FNType>(elementType))
    return ref::ElementFormat::f6E3M2FN();
  if (isa<Float8E4M3FNType>(elementType))
    return ref::ElementFormat::f8E4M3FN();
  if (isa<Float8E5M2Type>(elementType))
    return ref::ElementFormat::f8E5M2();
  if (isa<Float8E8M0FNUType>(elementType))
    return ref::ElementFormat::e8m0();
  if (elementType.isF16())
    return ref::ElementFormat::f16();
  if (elementType.isBF16())
    return ref::ElementFormat::bf16();
  if (elementType.isF32())
    return ref::ElementFormat::f32();
  return makeError("the reference library has no format for " + typeToString(elementType));
}

llvm::Expected<std::vector<double>> decodeValues(const HostTensor &tensor) {
  if (llvm::Error error = checkStorage(tensor))
    return std::move(error);
  Type type = tensor.elementType;
  size_t count = size_t(tensor.numElements());
  std::vector<double> values(count);
  if (type.isF64() || is64BitInteger(type)) {
    bool isUnsigned = type.isUnsignedInteger();
    for (size_t i = 0; i < count; ++i) {
      uint64_t word = readLittleEndian(tensor.bytes.data() + 8 * i, 8);
      if (type.isF64())
        std::memcpy(&values[i], &word, sizeof(double));
      else
        values[i] = isUnsigned ? double(word) : double(int64_t(word));
    }
    return values;
  }
  llvm::Expected<ref::ElementFormat> format = getReferenceFormat(type);
  if (!format)
    return format.takeError();
  std::vector<uint32_t> codes = unpackCodes(tensor);
  // NumPy reads any nonzero byte as True.
  bool isBool = type.isSignlessInteger(1);
  for (size_t i = 0; i < count; ++i)
    values[i] = isBool ? double(codes[i] != 0) : ref::decode(*format, codes[i]);
  return values;
}

llvm::Expected<HostTensor> encodeValues(Type elementType, ArrayRef<int64_t> shape,
                                        ArrayRef<double> values) {
  llvm::Expected<int64_t> size = storageSize(elementType, shape);
  if (!size)
    return size.takeError();
  int64_t count = *checkedNumElements(shape);
  if (count != int64_t(values.size()))
    return makeError("shape " + formatNumpyShape(shape) + " has " + llvm::Twine(count) +
                     " elements, got " + llvm::Twine(values.size()) + " values");
  HostTensor tensor{elementType, std::vector<int64_t>(shape.begin(), shape.end()), {}};
  if (elementType.isF64() || is64BitInteger(elementType)) {
    tensor.bytes.resize(size_t(*size));
    for (size_t i = 0; i < values.size(); ++i) {
      uint64_t word;
      if (elementType.isF64()) {
        std::memcpy(&word, &values[i], sizeof(double));
      } else {
        llvm::Expected<uint64_t> bits = encodeInteger(cast<IntegerType>(elementType), i, values[i]);
        if (!bits)
          return bits.takeError();
        word = *bits;
      }
      writeLittleEndian(tensor.bytes.data() + 8 * i, word, 8);
    }
    return tensor;
  }
  llvm::Expected<ref::ElementFormat> format = getReferenceFormat(elementType);
  if (!format)
    return format.takeError();
  // Low-bit formats saturate (quantization); f16/bf16/f32 overflow to infinity as in IEEE.
  bool saturate = isLowbitElementType(elementType);
  std::vector<uint32_t> codes(values.size());
  for (size_t i = 0; i < values.size(); ++i) {
    if (auto intType = dyn_cast<IntegerType>(elementType)) {
      llvm::Expected<uint64_t> bits = encodeInteger(intType, i, values[i]);
      if (!bits)
        return bits.takeError();
      codes[i] = uint32_t(*bits);
      continue;
    }
    codes[i] = ref::encode(*format, values[i], saturate);
  }
  return packCodes(elementType, shape, codes);
}

std::vector<uint32_t> unpackCodes(const HostTensor &tensor) {
  if (unsigned bits = getLowbitWidth(tensor.elementType))
    return ref::unpack(tensor.bytes, tensor.shape, bits).codes;
  unsigned byteWidth = nativeByteWidth(tensor.elementType);
  assert(byteWidth >= 1 && byteWidth <= 4 && "element type has no 32-bit codes");
  assert(tensor.bytes.size() == size_t(tensor.numElements()) * byteWidth &&
         "storage does not match the shape");
  std::vector<uint32_t> codes(size_t(tensor.numElements()));
  for (size_t i = 0; i < codes.size(); ++i)
    codes[i] = uint32_t(readLittleEndian(tensor.bytes.data() + i * byteWidth, byteWidth));
  return codes;
}

HostTensor packCodes(Type elementType, ArrayRef<int64_t> shape, ArrayRef<uint32_t> codes) {
  HostTensor tensor{elementType, std::vector<int64_t>(shape.begin(), shape.end()), {}};
  assert(int64_t(codes.size()) == tensor.numElements() && "codes do not match the shape");
  if (unsigned bits = getLowbitWidth(elementType)) {
    ref::CodeTensor codeTensor{tensor.shape, std::vector<uint32_t>(codes.begin(), codes.end())};
    tensor.bytes = ref::pack(codeTensor, bits);
    return tensor;
  }
  unsigned byteWidth = nativeByteWidth(elementType);
  assert(byteWidth >= 1 && byteWidth <= 4 && "element type has no 32-bit codes");
  tensor.bytes.resize(codes.size() * byteWidth);
  for (size_t i = 0; i < codes.size(); ++i)
    writeLittleEndian(tensor.bytes.data() + i * byteWidth, codes[i], byteWidth);
  return tensor;
}

llvm::Expected<Type> parseTypeText(MLIRContext *context, llvm::StringRef text) {
  context->getOrLoadDialect<LowbitDialect>();
  std::string diagnostic;
  Type type;
  size_t numRead = 0;
  {
    ScopedDiagnosticHandler handler(context, [&](Diagnostic &diag) {
      if (diagnostic.empty())
        diagnostic = diag.str();
      return success();
    });
    type = mlir::parseType(text, context, &numRead);
  }
  if (!type)
    return makeError("cannot parse type '" + text + "'" +
                     (diagnostic.empty() ? "" : ": " + diagnostic));
  if (numRead != text.size() && !text.drop_front(numRead).trim().empty())
    return makeError("cannot parse type '" + text + "': unexpected '" +
                     text.drop_front(numRead).trim() + "' after the type");
  return type;
}

std::string formatNumpyShape(ArrayRef<int64_t> shape) {
  std::string text = "(";
  for (size_t i = 0; i < shape.size(); ++i)
    text += (i ? ", " : "") + std::to_string(shape[i]);
  return text + (shape.size() == 1 ? ",)" : ")");
}

std::string formatElementValue(Type elementType, double value) {
  if (std::isnan(value))
    return "nan";
  if (std::isinf(value))
    return value < 0 ? "-inf" : "inf";
  if (value == std::trunc(value) && std::fabs(value) < 1e16)
    return std::signbit(value) && value == 0 ? "-0" : printDouble(0, 'f', value);
  // f16, bf16 and f32 print in their own precision, as NumPy does. Low-bit values print
  // exactly: they have few significant bits, and 0.0078125 says more than "0.008".
  bool isF32 = elementType.isF32();
  bool isHalf = elementType.isF16() || elementType.isBF16();
  ref::ElementFormat half =
      elementType.isF16() ? ref::ElementFormat::f16() : ref::ElementFormat::bf16();
  for (int precision = 1; precision < 17; ++precision) {
    std::string text = printDouble(precision, 'g', value);
    double back = std::strtod(text.c_str(), nullptr);
    bool same = isF32    ? float(back) == float(value)
                : isHalf ? ref::encode(half, back, false) == ref::encode(half, value, false)
                         : back == value;
    if (same)
      return text;
  }
  return printDouble(17, 'g', value);
}

llvm::Expected<std::vector<std::string>> formatValues(const HostTensor &tensor) {
  llvm::Expected<std::vector<double>> values = decodeValues(tensor);
  if (!values)
    return values.takeError();
  std::vector<std::string> texts;
  texts.reserve(values->size());
  bool isUnsigned64 = is64BitInteger(tensor.elementType) && tensor.elementType.isUnsignedInteger();
  for (size_t i = 0; i < values->size(); ++i) {
    if (!is64BitInteger(tensor.elementType)) {
      texts.push_back(formatElementValue(tensor.elementType, (*values)[i]));
      continue;
    }
    uint64_t word = readLittleEndian(tensor.bytes.data() + 8 * i, 8);
    texts.push_back(isUnsigned64 ? std::to_string(word) : std::to_string(int64_t(word)));
  }
  return texts;
}

std::string typeToString(Type type) {
  std::string text;
  llvm::raw_string_ostream os(text);
  type.print(os);
  return text;
}

} // namespace lowbit
