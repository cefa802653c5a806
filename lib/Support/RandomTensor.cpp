//===- RandomTensor.cpp - Reproducible random host tensors ------------------===//
#include "lowbit/Support/RandomTensor.h"

#include "lowbit/LowbitDialect.h"

#include "mlir/IR/BuiltinTypes.h"

#include <cmath>
#include <limits>
#include <random>

using namespace mlir;
using namespace lowbit;

namespace {

/// The stream of a seed: std::mt19937_64 is specified bit for bit by the standard; the
/// std::uniform_*_distribution classes are not, so the mappings are written here.
class RandomStream {
public:
  explicit RandomStream(uint64_t seed) : engine(seed) {}
  /// Uniform in [0, 1), from 53 random bits.
  double unit() { return double(engine() >> 11) * 0x1p-53; }
  /// Uniform in [0, n) by rejection; n == 0 stands for 2^64.
  uint64_t below(uint64_t n) {
    if (n == 0)
      return engine();
    uint64_t threshold = (0 - n) % n;
    uint64_t r;
    do
      r = engine();
    while (r < threshold);
    return r % n;
  }

private:
  std::mt19937_64 engine;
};

bool isRealType(Type type) { return type.isF16() || type.isBF16() || type.isF32() || type.isF64(); }

/// f16/bf16/f32/f64: uniform in [min, max], rounded to the type.
llvm::Expected<HostTensor> randomReals(Type type, ArrayRef<int64_t> shape, int64_t count,
                                       RandomStream &random, const RandomTensorOptions &options) {
  double lo = options.min.value_or(-1.0);
  double hi = options.max.value_or(1.0);
  double largest = std::numeric_limits<double>::max();
  if (!type.isF64())
    largest = cantFail(getReferenceFormat(type)).maxValue();
  if (!(std::fabs(lo) <= largest && std::fabs(hi) <= largest && lo <= hi))
    return llvm::createStringError("random: need finite --min <= --max within the range of the "
                                   "type (largest " +
                                   formatElementValue(type, largest) + ")");
  std::vector<double> values(static_cast<size_t>(count));
  for (double &value : values) {
    double u = random.unit();
    // hi - lo overflows for bounds near the largest double; the other form does not. One
    // operation per statement, so that no compiler fuses a multiply-add on some targets only.
    double low = std::isfinite(hi - lo) ? lo : lo * (1 - u);
    double step = std::isfinite(hi - lo) ? (hi - lo) * u : hi * u;
    value = low + step;
  }
  return encodeValues(type, shape, values);
}

/// Integers: uniform over the values of the type within [min, max]. Works on the value minus
/// the type's minimum, as an unsigned number, so that every width up to 64 bits is exact.
llvm::Expected<HostTensor> randomIntegers(IntegerType type, ArrayRef<int64_t> shape, int64_t count,
                                          RandomStream &random, const RandomTensorOptions &options) {
  unsigned width = type.getWidth();
  bool isSigned = !type.isUnsigned() && !(width == 1 && type.isSignless());
  uint64_t span = width == 64 ? ~uint64_t(0) : (uint64_t(1) << width) - 1; // max - min
  uint64_t typeMinBits = isSigned ? uint64_t(0) - (uint64_t(1) << (width - 1)) : 0;
  double typeMin = isSigned ? -std::ldexp(1.0, int(width) - 1) : 0.0;
  double typeEnd = typeMin + std::ldexp(1.0, int(width)); // one past the largest; exact
  double lo = options.min ? std::ceil(*options.min) : typeMin;
  double hi = options.max ? std::floor(*options.max) : typeEnd;
  if (std::isnan(lo) || std::isnan(hi) || lo >= typeEnd || hi < typeMin || lo > hi)
    return llvm::createStringError("random: no value of the type in [--min, --max]");
  // Offsets from the type's minimum, in exact integer arithmetic, for integral values in
  // [typeMin, typeEnd).
  auto offsetOf = [&](double value) {
    uint64_t bits = isSigned ? uint64_t(int64_t(value)) : uint64_t(value);
    return bits - typeMinBits;
  };
  uint64_t lowOffset = lo > typeMin ? offsetOf(lo) : 0;
  uint64_t highOffset = hi < typeEnd ? offsetOf(hi) : span;
  std::vector<uint64_t> words(static_cast<size_t>(count));
  for (uint64_t &word : words)
    word = typeMinBits + lowOffset + random.below(highOffset - lowOffset + 1);
  if (width == 64) {
    HostTensor tensor{type, std::vector<int64_t>(shape.begin(), shape.end()), {}};
    for (uint64_t word : words)
      for (unsigned i = 0; i < 8; ++i)
        tensor.bytes.push_back(uint8_t(word >> (8 * i)));
    return tensor;
  }
  std::vector<uint32_t> codes(words.size());
  for (size_t i = 0; i < words.size(); ++i)
    codes[i] = uint32_t(words[i] & span);
  return packCodes(type, shape, codes);
}

/// Low-bit floats and ternary: a uniformly random code among the codes of finite values in
/// [min, max] (NaN and infinity codes too with --allow-nan); reserved codes are never drawn.
llvm::Expected<HostTensor> randomCodes(Type type, ArrayRef<int64_t> shape, int64_t count,
                                       RandomStream &random, const RandomTensorOptions &options) {
  llvm::Expected<ref::ElementFormat> expectedFormat = getReferenceFormat(type);
  if (!expectedFormat)
    return expectedFormat.takeError();
  ref::ElementFormat format = *expectedFormat;
  std::vector<uint32_t> candidates;
  for (uint32_t code = 0; code < (1u << format.bits()); ++code) {
    double value = ref::decode(format, code);
    if (!std::isfinite(value)) {
      if (options.allowNaN)
        candidates.push_back(code);
      continue;
    }
    if (ref::encode(format, value) != code) // e.g. ternary's reserved 0b10
      continue;
    if ((options.min && !(value >= *options.min)) || (options.max && !(value <= *options.max)))
      continue;
    candidates.push_back(code);
  }
  if (candidates.empty())
    return llvm::createStringError("random: no value of the type in [--min, --max]");
  std::vector<uint32_t> codes(static_cast<size_t>(count));
  for (uint32_t &code : codes)
    code = candidates[random.below(candidates.size())];
  return packCodes(type, shape, codes);
}



} // namespace

llvm::Expected<HostTensor> lowbit::randomTensor(Type type, ArrayRef<int64_t> shape,
                                                const RandomTensorOptions &options) {
  bool isCodeType = isLowbitElementType(type) && !isa<IntegerType>(type);
  if (options.allowNaN && !isCodeType)
    return llvm::createStringError("random: --allow-nan applies to low-bit float types only");
  RandomStream random(options.seed);
  int64_t count = 1;
  for (int64_t extent : shape)
    count *= extent;
  if (isRealType(type))
    return randomReals(type, shape, count, random, options);
  if (auto intType = dyn_cast<IntegerType>(type))
    return randomIntegers(intType, shape, count, random, options);
  if (isCodeType)
    return randomCodes(type, shape, count, random, options);
  return llvm::createStringError("random: unsupported element type");
}
