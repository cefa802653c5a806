//===- Quant.cpp - Quantization schemes, quantize and dequantize ----------===//
//
// The element-wise steps are written one f32 operation per statement, in the order Quant.h
// documents, so that the compiler cannot contract or reassociate them and compiled kernels can
// match the reference bit for bit.
//
//===----------------------------------------------------------------------===//

#include "lowbit/Reference/Quant.h"

#include <cassert>
#include <cmath>

namespace lowbit::ref {

namespace {

int64_t ceilDiv(int64_t a, int64_t b) { return (a + b - 1) / b; }

void checkScheme(const QuantScheme &scheme, const Shape &shape) {
  int64_t rank = static_cast<int64_t>(shape.size());
  switch (scheme.granularity) {
  case Granularity::PerTensor:
    break;
  case Granularity::PerChannel:
    assert(scheme.axis >= 0 && scheme.axis < rank && "channel axis out of range");
    break;
  case Granularity::Group:
    assert(scheme.axis >= 0 && scheme.axis < rank && "group axis out of range");
    assert(scheme.groupSize >= 1 && "group size must be positive");
    break;
  case Granularity::Block:
    assert(rank >= 2 && "block quantization needs rank >= 2");
    assert(scheme.blockRows >= 1 && scheme.blockCols >= 1 && "block sizes must be positive");
    break;
  }
  (void)rank;
}

void checkParams(const QuantScheme &scheme, const Shape &shape, const QuantParams &params) {
  checkScheme(scheme, shape);
  Shape sShape = scaleShape(scheme, shape);
  (void)sShape;
  (void)params;
  assert(params.scale.shape == sShape && "scale has the wrong shape");
  assert(int64_t(params.scale.data.size()) == numElements(sShape) && "scale data size mismatch");
  assert(scheme.hasZero == params.zero.has_value() && "zero point presence mismatch");
  assert((!params.zero || (params.zero->shape == sShape &&
                           int64_t(params.zero->data.size()) == numElements(sShape))) &&
         "zero point has the wrong shape");
  assert(scheme.hasTensorScale == params.tensorScale.has_value() && "tensor scale mismatch");
}

/// Exact "t is strictly nearer to b than to a" for finite floats a != b and any t (NaN: false).
/// With lo < hi, t is nearer to lo iff t < (lo + hi) / 2. The midpoint is computed as
/// mHi + mLo exactly (halving a float is exact in double, TwoSum captures the rounding error);
/// since t is itself a double, t < mHi + mLo iff t < mHi, or t == mHi and mLo > 0.
bool strictlyNearer(float a, float b, float t) {
  double x = 0.5 * double(a), y = 0.5 * double(b);
  double mHi = x + y;
  double yy = mHi - x;
  double mLo = (x - (mHi - yy)) + (y - yy);
  double td = t;
  bool belowMid = td < mHi || (td == mHi && mLo > 0);
  bool aboveMid = td > mHi || (td == mHi && mLo < 0);
  return a < b ? aboveMid : belowMid;
}

uint32_t nearestCodebookIndex(const std::vector<float> &codebook, float t) {
  uint32_t best = 0;
  if (std::isnan(t))
    return best;
  for (uint32_t i = 1; i < codebook.size(); ++i)
    if (codebook[i] != codebook[best] && strictlyNearer(codebook[best], codebook[i], t))
      best = i;
  return best;
}

uint32_t quantizeInteger(const ElementFormat &format, float u, float zero) {
  float lo = static_cast<float>(format.minValue());
  float hi = static_cast<float>(format.maxValue());
  float c = std::isnan(u) ? std::nearbyint(zero) : std::nearbyint(u);
  c = std::fmin(std::fmax(c, lo), hi);
  // lo/hi may round outwards in f32 (si32, ui32); clamp the integer once more.
  int64_t ci = static_cast<int64_t>(c);
  int64_t ilo = static_cast<int64_t>(format.minValue());
  int64_t ihi = static_cast<int64_t>(format.maxValue());
  ci = ci < ilo ? ilo : ci > ihi ? ihi : ci;
  uint32_t mask = format.bits() >= 32 ? ~0u : (1u << format.bits()) - 1;
  return static_cast<uint32_t>(ci) & mask;
}

/// Maps flat element indices to flat scale indices; per-dimension divisors precomputed once.
class ScaleIndexer {
public:
  ScaleIndexer(const QuantScheme &scheme, const Shape &shape)
      : shape_(shape), strides_(stridesOf(shape)), divisors_(shape.size(), 1),
        scaleStrides_(stridesOf(scaleShape(scheme, shape))) {
    size_t rank = shape.size();
    switch (scheme.granularity) {
    case Granularity::PerTensor:
      // Every element uses scale 0: zero weight on every dimension.
      scaleStrides_.assign(rank, 0);
      break;
    case Granularity::PerChannel:
      scaleStrides_.assign(rank, 0);
      scaleStrides_[size_t(scheme.axis)] = 1;
      break;
    case Granularity::Group:
      divisors_[size_t(scheme.axis)] = scheme.groupSize;
      break;
    case Granularity::Block:
      divisors_[rank - 2] = scheme.blockRows;
      divisors_[rank - 1] = scheme.blockCols;
      break;
    }
  }

  int64_t operator()(int64_t flat) const {
    int64_t result = 0;
    for (size_t d = 0; d < shape_.size(); ++d)
      result += ((flat / strides_[d]) % shape_[d]) / divisors_[d] * scaleStrides_[d];
    return result;
  }

private:
  Shape shape_, strides_, divisors_, scaleStrides_;
};

} // namespace

const std::vector<float> &nf4Codebook() {
  static const std::vector<float> table = {
      -1.0f,
      -0.6961928009986877f,
      -0.5250730514526367f,
      -0.39491748809814453f,
      -0.28444138169288635f,
      -0.18477343022823334f,
      -0.09105003625154495f,
      0.0f,
      0.07958029955625534f,
      0.16093020141124725f,
      0.24611230194568634f,
      0.33791524171829224f,
      0.44070982933044434f,
      0.5626170039176941f,
      0.7229568362236328f,
      1.0f,
  };
  return table;
}

Shape scaleShape(const QuantScheme &scheme, const Shape &shape) {
  checkScheme(scheme, shape);
  switch (scheme.granularity) {
  case Granularity::PerTensor:
    return {};
  case Granularity::PerChannel:
    return {shape[size_t(scheme.axis)]};
  case Granularity::Group: {
    Shape s = shape;
    s[size_t(scheme.axis)] = ceilDiv(shape[size_t(scheme.axis)], scheme.groupSize);
    return s;
  }
  case Granularity::Block: {
    Shape s = shape;
    size_t r = s.size();
    s[r - 2] = ceilDiv(shape[r - 2], scheme.blockRows);
    s[r - 1] = ceilDiv(shape[r - 1], scheme.blockCols);
    return s;
  }
  }
  return {};
}

int64_t scaleIndexOf(const QuantScheme &scheme, const Shape &shape, int64_t flat) {
  assert(flat >= 0 && flat < numElements(shape) && "flat index out of range");
  return ScaleIndexer(scheme, shape)(flat);
}

FloatTensor dequantize(const ElementFormat &format, const QuantScheme &scheme,
                       const CodeTensor &codes, const QuantParams &params) {
  checkParams(scheme, codes.shape, params);
  int64_t n = numElements(codes.shape);
  assert(int64_t(codes.codes.size()) == n && "codes do not match shape");
  bool useCodebook = !params.codebook.empty();
  ScaleIndexer scaleIndex(scheme, codes.shape);
  FloatTensor out;
  out.shape = codes.shape;
  out.data.resize(size_t(n));
  for (int64_t i = 0; i < n; ++i) {
    size_t si = size_t(scaleIndex(i));
    uint32_t q = codes.codes[size_t(i)];
    float v;
    if (useCodebook) {
      assert(q < params.codebook.size() && "codebook index out of range");
      v = params.codebook[q];
    } else {
      v = static_cast<float>(decode(format, q));
    }
    if (params.zero)
      v = v - params.zero->data[si];
    float r = v * params.scale.data[si];
    if (params.tensorScale)
      r = r * *params.tensorScale;
    out.data[size_t(i)] = r;
  }
  return out;
}

CodeTensor quantize(const ElementFormat &format, const QuantScheme &scheme, const FloatTensor &x,
                    const QuantParams &params) {
  checkParams(scheme, x.shape, params);
  int64_t n = numElements(x.shape);
  assert(int64_t(x.data.size()) == n && "data does not match shape");
  bool useCodebook = !params.codebook.empty();
  bool isInt = format.isInteger() || format.kind() == FormatKind::Ternary;
  ScaleIndexer scaleIndex(scheme, x.shape);
  CodeTensor out;
  out.shape = x.shape;
  out.codes.resize(size_t(n));
  for (int64_t i = 0; i < n; ++i) {
    size_t si = size_t(scaleIndex(i));
    float s = params.scale.data[si];
    if (params.tensorScale)
      s = s * *params.tensorScale;
    float t = x.data[size_t(i)] / s;
    float zero = params.zero ? params.zero->data[si] : 0.0f;
    float u = t;
    // Integer zero points shift the rounded value (so that ties round as without them);
    // float ones are added before rounding.
    if (params.zero)
      u = isInt && scheme.integerZero ? std::nearbyint(t) + zero : t + zero;
    uint32_t code;
    if (useCodebook)
      code = nearestCodebookIndex(params.codebook, u);
    else if (isInt)
      code = quantizeInteger(format, u, zero);
    else
      code = encode(format, static_cast<double>(u), /*saturate=*/true);
    out.codes[size_t(i)] = code;
  }
  return out;
}

} // namespace lowbit::ref
