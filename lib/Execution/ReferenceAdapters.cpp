//===- ReferenceAdapters.cpp - HostTensors and schemes for lib/Reference --===//
//
// The conversions between HostTensors / #lowbit.scheme and the reference library's tensors and
// schemes. Shapes are checked here as well as by the op verifiers because dynamic extents are
// only known at run time, and lib/Reference asserts on shapes that do not fit.
//
//===----------------------------------------------------------------------===//

#include "ReferenceAdapters.h"

#include "lowbit/Reference/Formats.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "llvm/Support/raw_ostream.h"

#include <cstdint>

using namespace mlir;

namespace lowbit::exec {

namespace {

ref::Granularity toRef(Granularity granularity) {
  switch (granularity) {
  case Granularity::PerTensor:
    return ref::Granularity::PerTensor;
  case Granularity::PerChannel:
    return ref::Granularity::PerChannel;
  case Granularity::Group:
    return ref::Granularity::Group;
  case Granularity::Block:
    return ref::Granularity::Block;
  }
  llvm_unreachable("unknown granularity");
}

/// The scheme without its parameters, checked against the rank of the quantized tensor.
llvm::Expected<ref::QuantScheme> adaptScheme(SchemeAttr attr, const ref::Shape &shape) {
  ref::QuantScheme scheme;
  scheme.granularity = toRef(attr.getGranularity());
  scheme.axis = attr.getAxis();
  scheme.groupSize = attr.getGroupSize();
  scheme.blockRows = attr.getBlockRows();
  scheme.blockCols = attr.getBlockCols();
  scheme.hasZero = attr.hasZero();
  scheme.integerZero = attr.getZeroPoint() != ZeroPoint::Float;
  scheme.hasTensorScale = attr.getTensorScale();
  int64_t rank = int64_t(shape.size());
  switch (scheme.granularity) {
  case ref::Granularity::PerTensor:
    break;
  case ref::Granularity::Group:
    if (scheme.groupSize < 1)
      return makeError("scheme " + attr.getGranularityString() + " has a group size below 1");
    [[fallthrough]];
  case ref::Granularity::PerChannel:
    if (scheme.axis < 0 || scheme.axis >= rank)
      return makeError("scheme " + attr.getGranularityString() + " does not fit a tensor of rank " +
                       llvm::Twine(rank));
    break;
  case ref::Granularity::Block:
    if (rank < 2 || scheme.blockRows < 1 || scheme.blockCols < 1)
      return makeError("scheme " + attr.getGranularityString() + " does not fit a tensor of rank " +
                       llvm::Twine(rank));
    break;
  }
  return scheme;
}

/// Decodes an operand of the scale's shape (scale or zero point).
llvm::Expected<ref::FloatTensor> decodeScaleLike(const HostTensor &tensor, llvm::StringRef what,
                                                 const ref::Shape &expected) {
  if (tensor.shape != expected)
    return makeError(what + " has shape " + shapeText(tensor.shape) + ", the scheme needs " +
                     shapeText(expected));
  return decodeTensor(tensor);
}

/// The codebook of `attr` (empty without one); `bits` is the width of the stored indices.
llvm::Expected<std::vector<float>> adaptCodebook(SchemeAttr attr, unsigned bits,
                                                 const HostTensor *operand) {
  if (operand && attr.getCodebook() != Codebook::Operand)
    return makeError("a codebook operand needs a scheme with codebook = operand");
  std::vector<float> codebook;
  switch (attr.getCodebook()) {
  case Codebook::None:
    return codebook;
  case Codebook::NF4:
    codebook = ref::nf4Codebook();
    break;
  case Codebook::Inline:
    if (DenseF32ArrayAttr values = attr.getCodebookValues())
      codebook.assign(values.asArrayRef().begin(), values.asArrayRef().end());
    break;
  case Codebook::Operand: {
    if (!operand)
      return makeError("the scheme has codebook = operand but there is no codebook operand");
    llvm::Expected<ref::FloatTensor> values = decodeTensor(*operand);
    if (!values)
      return values.takeError();
    codebook = std::move(values->data);
    break;
  }
  }
  if (bits == 0 || bits > 16 || codebook.size() != (size_t(1) << bits))
    return makeError("a codebook for " + llvm::Twine(bits) + "-bit indices needs " +
                     llvm::Twine(bits > 16 ? 0 : 1u << bits) + " entries, has " +
                     llvm::Twine(codebook.size()));
  return codebook;
}

} // namespace

llvm::Error makeError(const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
}

std::string shapeText(llvm::ArrayRef<int64_t> shape) { return formatNumpyShape(shape); }

llvm::Expected<RefQuantization> adaptQuantization(SchemeAttr attr, Type storageType,
                                                  const ref::Shape &shape,
                                                  const QuantOperands &operands) {
  RefQuantization result;
  llvm::Expected<ref::QuantScheme> scheme = adaptScheme(attr, shape);
  if (!scheme)
    return scheme.takeError();
  result.scheme = *scheme;
  ref::Shape expected = ref::scaleShape(result.scheme, shape);

  if (!operands.scale)
    return makeError("the scheme needs a scale operand");
  llvm::Expected<ref::FloatTensor> scale = decodeScaleLike(*operands.scale, "scale", expected);
  if (!scale)
    return scale.takeError();
  result.params.scale = std::move(*scale);

  if (result.scheme.hasZero != (operands.zero != nullptr))
    return makeError(result.scheme.hasZero ? "the scheme has zero points but there is no zero operand"
                                           : "a zero operand needs a scheme with zero points");
  if (operands.zero) {
    llvm::Expected<ref::FloatTensor> zero = decodeScaleLike(*operands.zero, "zero", expected);
    if (!zero)
      return zero.takeError();
    result.params.zero = std::move(*zero);
  }

  if (result.scheme.hasTensorScale != (operands.tensorScale != nullptr))
    return makeError(result.scheme.hasTensorScale
                         ? "the scheme has a tensor scale but there is no tensor_scale operand"
                         : "a tensor_scale operand needs a scheme with tensor_scale");
  if (operands.tensorScale) {
    llvm::Expected<ref::FloatTensor> tensorScale = decodeTensor(*operands.tensorScale);
    if (!tensorScale)
      return tensorScale.takeError();
    if (tensorScale->data.size() != 1)
      return makeError("tensor_scale has shape " + shapeText(operands.tensorScale->shape) +
                       ", expected one element");
    result.params.tensorScale = tensorScale->data.front();
  }

  llvm::Expected<std::vector<float>> codebook =
      adaptCodebook(attr, getLowbitWidth(storageType), operands.codebook);
  if (!codebook)
    return codebook.takeError();
  result.params.codebook = std::move(*codebook);
  return result;
}

llvm::Expected<ref::FloatTensor> decodeTensor(const HostTensor &tensor) {
  llvm::Expected<std::vector<double>> values = decodeValues(tensor);
  if (!values)
    return values.takeError();
  ref::FloatTensor result;
  result.shape = tensor.shape;
  result.data.assign(values->begin(), values->end());
  return result;
}

llvm::Expected<HostTensor> encodeTensor(Type elementType, const ref::FloatTensor &values) {
  std::vector<double> data(values.data.begin(), values.data.end());
  return encodeValues(elementType, values.shape, data);
}

llvm::Expected<ref::FloatTensor> dequantizeTensor(const HostTensor &codes, SchemeAttr scheme,
                                                  const QuantOperands &operands) {
  if (!getLowbitWidth(codes.elementType))
    return makeError("cannot dequantize elements of " + typeToString(codes.elementType) +
                     ", a low-bit type is needed");
  llvm::Expected<ref::ElementFormat> format = getReferenceFormat(codes.elementType);
  if (!format)
    return format.takeError();
  llvm::Expected<RefQuantization> quant =
      adaptQuantization(scheme, codes.elementType, codes.shape, operands);
  if (!quant)
    return quant.takeError();
  ref::CodeTensor codeTensor{codes.shape, unpackCodes(codes)};
  return ref::dequantize(*format, quant->scheme, codeTensor, quant->params);
}

llvm::Expected<ref::FloatTensor> realValuesOf(const HostTensor &tensor, SchemeAttr scheme,
                                              const QuantOperands &operands) {
  if (scheme)
    return dequantizeTensor(tensor, scheme, operands);
  if (operands.scale || operands.zero || operands.tensorScale || operands.codebook)
    return makeError("quantization operands need a scheme");
  return decodeTensor(tensor);
}

llvm::Expected<HostTensor> quantizeTensor(const HostTensor &x, Type resultElementType,
                                          SchemeAttr scheme, const QuantOperands &operands) {
  if (!getLowbitWidth(resultElementType))
    return makeError("cannot quantize to " + typeToString(resultElementType) +
                     ", a low-bit type is needed");
  llvm::Expected<ref::ElementFormat> format = getReferenceFormat(resultElementType);
  if (!format)
    return format.takeError();
  llvm::Expected<ref::FloatTensor> values = decodeTensor(x);
  if (!values)
    return values.takeError();
  llvm::Expected<RefQuantization> quant =
      adaptQuantization(scheme, resultElementType, x.shape, operands);
  if (!quant)
    return quant.takeError();
  ref::CodeTensor codes = ref::quantize(*format, quant->scheme, *values, quant->params);
  return packCodes(resultElementType, codes.shape, codes.codes);
}

llvm::Expected<HostTensor> constantTensor(DenseElementsAttr attr) {
  auto type = dyn_cast<RankedTensorType>(attr.getType());
  if (!type || !type.hasStaticShape())
    return makeError("constants of type " + typeToString(attr.getType()) +
                     " are not supported (statically shaped tensors only)");
  Type elementType = type.getElementType();
  llvm::Expected<int64_t> size = storageSize(elementType, type.getShape());
  if (!size)
    return size.takeError();

  // Raw bits of every element (two's complement for integers, the encoding for floats).
  std::vector<uint64_t> words;
  words.reserve(size_t(type.getNumElements()));
  if (isa<IntegerType>(elementType)) {
    for (const llvm::APInt &value : attr.getValues<llvm::APInt>())
      words.push_back(value.getZExtValue());
  } else if (isa<mlir::FloatType>(elementType)) { // (lowbit::FloatType has no dense attrs)
    for (const llvm::APFloat &value : attr.getValues<llvm::APFloat>())
      words.push_back(value.bitcastToAPInt().getZExtValue());
  } else {
    return makeError("constants of element type " + typeToString(elementType) + " are not supported");
  }

  HostTensor tensor{elementType, std::vector<int64_t>(type.getShape()), {}};
  if (!getLowbitWidth(elementType) && elementType.getIntOrFloatBitWidth() == 64) {
    tensor.bytes.resize(size_t(*size));
    for (size_t i = 0; i < words.size(); ++i)
      for (unsigned b = 0; b < 8; ++b)
        tensor.bytes[8 * i + b] = uint8_t(words[i] >> (8 * b));
    return tensor;
  }
  std::vector<uint32_t> codes(words.begin(), words.end());
  return packCodes(elementType, tensor.shape, codes);
}

} // namespace lowbit::exec
