//===- QuantTest.cpp - Schemes, quantize and dequantize -------------------===//

#include "lowbit/Reference/Quant.h"

#include "gtest/gtest.h"

#include <cmath>
#include <cstring>
#include <random>

using namespace lowbit::ref;

namespace {

QuantScheme perTensor() { return QuantScheme{}; }

QuantScheme perChannel(int64_t axis) {
  QuantScheme s;
  s.granularity = Granularity::PerChannel;
  s.axis = axis;
  return s;
}

QuantScheme group(int64_t axis, int64_t size) {
  QuantScheme s;
  s.granularity = Granularity::Group;
  s.axis = axis;
  s.groupSize = size;
  return s;
}

QuantScheme block(int64_t rows, int64_t cols) {
  QuantScheme s;
  s.granularity = Granularity::Block;
  s.blockRows = rows;
  s.blockCols = cols;
  return s;
}

QuantParams params(Shape scaleShape, std::vector<float> scale) {
  QuantParams p;
  p.scale = FloatTensor{std::move(scaleShape), std::move(scale)};
  return p;
}

uint32_t bitsOf(float f) {
  uint32_t u;
  std::memcpy(&u, &f, 4);
  return u;
}

unsigned randomSeed() {
  std::random_device rd;
  return rd();
}

} // namespace

TEST(QuantTest, ScaleShapes) {
  EXPECT_EQ(scaleShape(perTensor(), {3, 4}), Shape{});
  EXPECT_EQ(scaleShape(perTensor(), {}), Shape{});
  EXPECT_EQ(scaleShape(perChannel(0), {3, 4}), (Shape{3}));
  EXPECT_EQ(scaleShape(perChannel(1), {3, 4}), (Shape{4}));
  EXPECT_EQ(scaleShape(perChannel(2), {2, 3, 5}), (Shape{5}));
  EXPECT_EQ(scaleShape(group(1, 4), {2, 10}), (Shape{2, 3}));
  EXPECT_EQ(scaleShape(group(1, 5), {2, 10}), (Shape{2, 2}));
  EXPECT_EQ(scaleShape(group(0, 32), {10, 7}), (Shape{1, 7}));
  EXPECT_EQ(scaleShape(group(1, 1), {2, 3, 4}), (Shape{2, 3, 4}));
  EXPECT_EQ(scaleShape(block(2, 3), {5, 7}), (Shape{3, 3}));
  EXPECT_EQ(scaleShape(block(2, 3), {4, 2, 5, 7}), (Shape{4, 2, 3, 3}));
  EXPECT_EQ(scaleShape(block(16, 16), {16, 32}), (Shape{1, 2}));
}

TEST(QuantTest, ScaleIndexOfAgreesWithCoordinates) {
  // [2, 3, 10]: walk coordinates and compute each scheme's scale coordinate by hand.
  Shape shape = {2, 3, 10};
  int64_t flat = 0;
  for (int64_t a = 0; a < 2; ++a)
    for (int64_t b = 0; b < 3; ++b)
      for (int64_t c = 0; c < 10; ++c, ++flat) {
        EXPECT_EQ(scaleIndexOf(perTensor(), shape, flat), 0);
        EXPECT_EQ(scaleIndexOf(perChannel(0), shape, flat), a);
        EXPECT_EQ(scaleIndexOf(perChannel(1), shape, flat), b);
        EXPECT_EQ(scaleIndexOf(perChannel(2), shape, flat), c);
        // Group of 4 along the last axis: scale shape [2, 3, 3].
        EXPECT_EQ(scaleIndexOf(group(2, 4), shape, flat), (a * 3 + b) * 3 + c / 4);
        // Group of 2 along axis 1: scale shape [2, 2, 10].
        EXPECT_EQ(scaleIndexOf(group(1, 2), shape, flat), (a * 2 + b / 2) * 10 + c);
        // Group of 3 along axis 0: scale shape [1, 3, 10].
        EXPECT_EQ(scaleIndexOf(group(0, 3), shape, flat), b * 10 + c);
        // Blocks 2 x 3 over the last two axes: scale shape [2, 2, 4].
        EXPECT_EQ(scaleIndexOf(block(2, 3), shape, flat), (a * 2 + b / 2) * 4 + c / 3);
      }
  // Rank 1 group: 7 elements in groups of 3.
  for (int64_t i = 0; i < 7; ++i)
    EXPECT_EQ(scaleIndexOf(group(0, 3), {7}, i), i / 3);
}

TEST(QuantTest, DequantizePerTensorSignedInt) {
  FloatTensor r = dequantize(ElementFormat::signedInt(4), perTensor(),
                             CodeTensor{{4}, {0x7, 0x8, 0xF, 0x0}}, params({}, {0.5f}));
  EXPECT_EQ(r.shape, (Shape{4}));
  EXPECT_EQ(r.data, (std::vector<float>{3.5f, -4.0f, -0.5f, 0.0f}));
}

TEST(QuantTest, DequantizePerChannelIntZero) {
  QuantScheme s = perChannel(0);
  s.hasZero = true;
  QuantParams p = params({2}, {0.5f, 2.0f});
  p.zero = FloatTensor{{2}, {8.0f, 1.0f}};
  FloatTensor r =
      dequantize(ElementFormat::unsignedInt(4), s, CodeTensor{{2, 2}, {8, 10, 1, 0}}, p);
  EXPECT_EQ(r.data, (std::vector<float>{0.0f, 1.0f, 0.0f, -2.0f}));
}

TEST(QuantTest, DequantizeGroupFloatZeroPartialGroup) {
  // K = 3 in groups of 2: the second group has one element.
  QuantScheme s = group(1, 2);
  s.hasZero = true;
  QuantParams p = params({2, 2}, {0.5f, 4.0f, 1.0f, 0.25f});
  p.zero = FloatTensor{{2, 2}, {1.5f, 0.25f, 0.0f, 3.0f}};
  FloatTensor r = dequantize(ElementFormat::unsignedInt(2), s,
                             CodeTensor{{2, 3}, {3, 0, 2, 1, 2, 3}}, p);
  EXPECT_EQ(r.data, (std::vector<float>{0.75f, -0.75f, 7.0f, 1.0f, 2.0f, 0.0f}));
}

TEST(QuantTest, DequantizeBlockWithTensorScale) {
  // NVFP4-like: f4E2M1FN codes, 2 x 2 blocks over a 3 x 3 tensor, and a tensor scale of 2.
  QuantScheme s = block(2, 2);
  s.hasTensorScale = true;
  QuantParams p = params({2, 2}, {1.0f, 0.5f, 0.25f, 3.0f});
  p.tensorScale = 2.0f;
  // Codes: 0x2 = 1.0, 0x7 = 6.0, 0x9 = -0.5, 0xF = -6.0, 0x5 = 3.0.
  CodeTensor c{{3, 3}, {0x2, 0x7, 0x2, 0x9, 0x5, 0xF, 0x2, 0x7, 0x5}};
  FloatTensor r = dequantize(ElementFormat::f4E2M1FN(), s, c, p);
  EXPECT_EQ(r.data, (std::vector<float>{2.0f, 12.0f, 1.0f, -1.0f, 6.0f, -6.0f, 0.5f, 3.0f, 18.0f}));
}

TEST(QuantTest, DequantizeCodebooks) {
  QuantParams p = params({}, {2.0f});
  p.codebook = nf4Codebook();
  ASSERT_EQ(p.codebook.size(), 16u);
  EXPECT_EQ(p.codebook[0], -1.0f);
  EXPECT_EQ(p.codebook[7], 0.0f);
  EXPECT_EQ(p.codebook[15], 1.0f);
  EXPECT_EQ(p.codebook[1], -0.6961928009986877f);
  EXPECT_EQ(p.codebook[13], 0.5626170039176941f);
  for (size_t i = 1; i < 16; ++i)
    EXPECT_LT(p.codebook[i - 1], p.codebook[i]);
  FloatTensor r = dequantize(ElementFormat::unsignedInt(4), perTensor(),
                             CodeTensor{{4}, {0, 7, 15, 13}}, p);
  EXPECT_EQ(r.data, (std::vector<float>{-2.0f, 0.0f, 2.0f, 2.0f * 0.5626170039176941f}));

  // A custom 2-bit codebook with a zero point, per channel.
  QuantScheme s = perChannel(1);
  s.hasZero = true;
  QuantParams q = params({2}, {1.0f, 10.0f});
  q.zero = FloatTensor{{2}, {0.0f, 0.5f}};
  q.codebook = {0.1f, -3.0f, 7.0f, 0.5f};
  r = dequantize(ElementFormat::unsignedInt(2), s, CodeTensor{{2, 2}, {2, 3, 1, 0}}, q);
  EXPECT_EQ(r.data, (std::vector<float>{7.0f, 0.0f, -3.0f, (0.1f - 0.5f) * 10.0f}));
}

TEST(QuantTest, DequantizeFollowsTheF32OperationOrder) {
  // ((v - z) * s) * ts in f32, each step rounded; checked bit for bit on random operands.
  unsigned seed = randomSeed();
  SCOPED_TRACE("seed " + std::to_string(seed));
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> scaleDist(1e-3f, 3.0f), zeroDist(-8.0f, 8.0f);
  QuantScheme s = group(1, 4);
  s.hasZero = s.hasTensorScale = true;
  Shape shape = {3, 10}, sShape = {3, 3};
  QuantParams p = params(sShape, std::vector<float>(9));
  p.zero = FloatTensor{sShape, std::vector<float>(9)};
  p.tensorScale = scaleDist(rng);
  for (int i = 0; i < 9; ++i) {
    p.scale.data[size_t(i)] = scaleDist(rng);
    p.zero->data[size_t(i)] = zeroDist(rng);
  }
  ElementFormat f = ElementFormat::f8E4M3FN();
  CodeTensor c{shape, std::vector<uint32_t>(30)};
  for (uint32_t &v : c.codes)
    v = rng() % 0x7F;
  FloatTensor r = dequantize(f, s, c, p);
  for (int64_t i = 0; i < 30; ++i) {
    size_t si = size_t((i / 10) * 3 + (i % 10) / 4);
    float v = float(decode(f, c.codes[size_t(i)]));
    float d = v - p.zero->data[si];
    float m = d * p.scale.data[si];
    float e = m * *p.tensorScale;
    EXPECT_EQ(bitsOf(r.data[size_t(i)]), bitsOf(e)) << i;
  }
}

TEST(QuantTest, QuantizeIntegersRoundTripWithinHalfScale) {
  unsigned seed = randomSeed();
  SCOPED_TRACE("seed " + std::to_string(seed));
  std::mt19937 rng(seed);
  for (unsigned bits = 2; bits <= 8; ++bits) {
    for (bool isSigned : {true, false}) {
      ElementFormat f =
          isSigned ? ElementFormat::signedInt(bits) : ElementFormat::unsignedInt(bits);
      QuantScheme s = perChannel(0);
      s.hasZero = !isSigned;
      QuantParams p = params({4}, {0.1f, 0.37f, 2.0f, 1e-3f});
      if (s.hasZero)
        p.zero = FloatTensor{{4}, std::vector<float>(4, float(1u << (bits - 1)))};
      // Values inside the representable range of each channel.
      FloatTensor x{{4, 50}, std::vector<float>(200)};
      for (int64_t i = 0; i < 200; ++i) {
        float sc = p.scale.data[size_t(i / 50)];
        double lo = isSigned ? f.minValue() : -double(1u << (bits - 1));
        double hi = isSigned ? f.maxValue() : double((1u << (bits - 1)) - 1);
        std::uniform_real_distribution<double> dist(lo * sc, hi * sc);
        x.data[size_t(i)] = float(dist(rng));
      }
      CodeTensor c = quantize(f, s, x, p);
      FloatTensor back = dequantize(f, s, c, p);
      for (int64_t i = 0; i < 200; ++i) {
        float sc = p.scale.data[size_t(i / 50)];
        ASSERT_LE(std::fabs(back.data[size_t(i)] - x.data[size_t(i)]), sc / 2 * (1 + 1e-4))
            << "bits " << bits << " element " << i << " x " << x.data[size_t(i)];
        // The exact documented formula.
        float t = x.data[size_t(i)] / sc;
        float u = s.hasZero ? t + p.zero->data[0] : t;
        float r = std::nearbyint(u);
        r = std::fmin(std::fmax(r, float(f.minValue())), float(f.maxValue()));
        ASSERT_EQ(c.codes[size_t(i)], encode(f, double(r)));
      }
    }
  }
}

TEST(QuantTest, QuantizeIntegerTiesSaturationAndNaN) {
  ElementFormat s4 = ElementFormat::signedInt(4);
  QuantParams p = params({}, {0.5f});
  FloatTensor x{{8}, {1.25f, 1.75f, -1.25f, 100.0f, -100.0f, NAN, INFINITY, -INFINITY}};
  CodeTensor c = quantize(s4, perTensor(), x, p);
  // t = 2.5 -> 2, 3.5 -> 4, -2.5 -> -2, then clamps to 7 and -8; NaN -> 0.
  EXPECT_EQ(c.codes, (std::vector<uint32_t>{2, 4, 0xE, 7, 8, 0, 7, 8}));

  QuantScheme z = perTensor();
  z.hasZero = true;
  p.zero = FloatTensor{{}, {3.0f}};
  ElementFormat u4 = ElementFormat::unsignedInt(4);
  c = quantize(u4, z, FloatTensor{{4}, {NAN, -100.0f, 100.0f, 0.25f}}, p);
  // An integer zero point shifts the rounded value: 0.5 -> 0, + 3 = 3 (as ONNX's
  // QuantizeLinear); a float one is added first: 0.5 + 3 = 3.5 -> 4.
  EXPECT_EQ(c.codes, (std::vector<uint32_t>{3, 0, 15, 3}));
  z.integerZero = false;
  c = quantize(u4, z, FloatTensor{{4}, {NAN, -100.0f, 100.0f, 0.25f}}, p);
  EXPECT_EQ(c.codes, (std::vector<uint32_t>{3, 0, 15, 4}));

  ElementFormat t = ElementFormat::ternary();
  c = quantize(t, perTensor(), FloatTensor{{5}, {0.3f, -0.3f, 0.2f, -5.0f, NAN}},
               params({}, {0.4f}));
  EXPECT_EQ(c.codes, (std::vector<uint32_t>{0b01, 0b11, 0b00, 0b11, 0b00}));

  // Wide integers clamp without overflowing.
  c = quantize(ElementFormat::signedInt(32), perTensor(), FloatTensor{{2}, {1e20f, -1e20f}},
               params({}, {1.0f}));
  EXPECT_EQ(c.codes, (std::vector<uint32_t>{0x7FFFFFFF, 0x80000000}));
  c = quantize(ElementFormat::unsignedInt(32), perTensor(), FloatTensor{{2}, {1e20f, -1.0f}},
               params({}, {1.0f}));
  EXPECT_EQ(c.codes, (std::vector<uint32_t>{0xFFFFFFFF, 0}));
}

TEST(QuantTest, QuantizeFloatFormats) {
  // NVFP4-like: the block scale times the tensor scale divides x, then e2m1 rounding.
  QuantScheme s = block(1, 4);
  s.hasTensorScale = true;
  QuantParams p = params({1, 2}, {0.5f, 1.0f});
  p.tensorScale = 4.0f;
  FloatTensor x{{1, 8}, {2.0f, 5.0f, 10.0f, -3.0f, 1e9f, -1e9f, NAN, 6.0f}};
  CodeTensor c = quantize(ElementFormat::f4E2M1FN(), s, x, p);
  // t = 1.0, 2.5 (tie 2|3 -> 2), 5.0 (tie 4|6 -> 4), -1.5; 1e9/4 saturates; NaN -> 0; 1.5.
  EXPECT_EQ(c.codes, (std::vector<uint32_t>{0x2, 0x4, 0x6, 0xB, 0x7, 0xF, 0x0, 0x3}));

  c = quantize(ElementFormat::f8E4M3FN(), perTensor(), FloatTensor{{3}, {NAN, 1e6f, -0.0f}},
               params({}, {1.0f}));
  EXPECT_EQ(c.codes, (std::vector<uint32_t>{0x7F, 0x7E, 0x80}));

  // A float zero point shifts t before encoding, inverting dequantize.
  QuantScheme zs = perTensor();
  zs.hasZero = true;
  QuantParams zp = params({}, {2.0f});
  zp.zero = FloatTensor{{}, {1.0f}};
  c = quantize(ElementFormat::f8E4M3FN(), zs, FloatTensor{{2}, {4.0f, -2.0f}}, zp);
  EXPECT_EQ(c.codes, (std::vector<uint32_t>{encode(ElementFormat::f8E4M3FN(), 3.0), 0u}));
  EXPECT_EQ(dequantize(ElementFormat::f8E4M3FN(), zs, c, zp).data,
            (std::vector<float>{4.0f, -2.0f}));
}

TEST(QuantTest, QuantizeDividesByTheScale) {
  // x / s is exactly 2.5 (a tie for both formats below), while x * (1 / s) is one ulp above;
  // the documented t = x / s must be what gets rounded.
  const float s = 0x1.000bccp+0f, x = 0x1.400ecp+1f;
  ASSERT_EQ(x / s, 2.5f);
  QuantParams p = params({}, {s});
  CodeTensor c = quantize(ElementFormat::f4E2M1FN(), perTensor(), FloatTensor{{2}, {x, -x}}, p);
  EXPECT_EQ(c.codes, (std::vector<uint32_t>{0x4, 0xC})); // 2.5 -> 2 (even mantissa)
  c = quantize(ElementFormat::signedInt(4), perTensor(), FloatTensor{{2}, {x, -x}}, p);
  EXPECT_EQ(c.codes, (std::vector<uint32_t>{2, 0xE}));
  // The tensor scale multiplies the scale first: s * 1 == s.
  QuantScheme ts = perTensor();
  ts.hasTensorScale = true;
  p.tensorScale = 1.0f;
  c = quantize(ElementFormat::signedInt(4), ts, FloatTensor{{1}, {x}}, p);
  EXPECT_EQ(c.codes, (std::vector<uint32_t>{2}));
}

TEST(QuantTest, QuantizeCodebookNearestTiesLow) {
  QuantParams p = params({}, {1.0f});
  p.codebook = {0.0f, 1.0f, 2.0f, 4.0f};
  FloatTensor x{{12}, {0.5f, 1.5f, 3.0f, 3.0001f, 2.9999f, -7.0f, 1e30f, -1e30f, INFINITY,
                       -INFINITY, NAN, 0.49f}};
  CodeTensor c = quantize(ElementFormat::unsignedInt(2), perTensor(), x, p);
  EXPECT_EQ(c.codes, (std::vector<uint32_t>{0, 1, 2, 3, 2, 0, 3, 0, 3, 0, 0, 0}));

  // Unsorted, with a duplicate: ties go to the lower index.
  p.codebook = {4.0f, 1.0f, 2.0f, 1.0f};
  c = quantize(ElementFormat::unsignedInt(2), perTensor(), FloatTensor{{3}, {1.5f, 1.0f, 3.0f}}, p);
  EXPECT_EQ(c.codes, (std::vector<uint32_t>{1, 1, 0}));

  // Distances far below the values' magnitude are still compared exactly.
  p.codebook = {-1.0f, 1.0f};
  c = quantize(ElementFormat::unsignedInt(1), perTensor(),
               FloatTensor{{4}, {1e-30f, -1e-30f, 0.0f, -0.0f}}, p);
  EXPECT_EQ(c.codes, (std::vector<uint32_t>{1, 0, 0, 0}));
  // 2^99 is nearer to 3 * 2^-100 than to 2^100, although both distances round to 2^99 in
  // double; the midpoint of 2^-100 and 3 * 2^-100 is an exact tie.
  p.codebook = {0x1p100f, 0x1p-100f, 0x3p-100f};
  c = quantize(ElementFormat::unsignedInt(2), perTensor(),
               FloatTensor{{4}, {0x1p99f, 0x2p-100f, 0x1.000002p-99f, 0x1.000002p99f}}, p);
  EXPECT_EQ(c.codes, (std::vector<uint32_t>{2, 1, 2, 0}));
}

TEST(QuantTest, QuantizeNF4RoundTrip) {
  unsigned seed = randomSeed();
  SCOPED_TRACE("seed " + std::to_string(seed));
  std::mt19937 rng(seed);
  const std::vector<float> &nf4 = nf4Codebook();
  QuantScheme s = group(1, 8);
  QuantParams p = params({2, 2}, {0.5f, 2.0f, 3.0f, 0.125f});
  p.codebook = nf4;
  Shape shape = {2, 16};
  FloatTensor x{shape, std::vector<float>(32)};
  CodeTensor expectCodes{shape, std::vector<uint32_t>(32)};
  for (int64_t i = 0; i < 32; ++i) {
    uint32_t code = rng() % 16;
    expectCodes.codes[size_t(i)] = code;
    x.data[size_t(i)] = nf4[code] * p.scale.data[size_t(scaleIndexOf(s, shape, i))];
  }
  CodeTensor c = quantize(ElementFormat::unsignedInt(4), s, x, p);
  EXPECT_EQ(c.codes, expectCodes.codes);
  EXPECT_EQ(dequantize(ElementFormat::unsignedInt(4), s, c, p).data, x.data);

  // Random values: the chosen entry is a nearest one (checked by brute force in double).
  std::uniform_real_distribution<float> dist(-1.2f, 1.2f);
  FloatTensor y{{1000}, std::vector<float>(1000)};
  for (float &v : y.data)
    v = dist(rng);
  QuantParams unit = params({}, {1.0f});
  unit.codebook = nf4;
  c = quantize(ElementFormat::unsignedInt(4), perTensor(), y, unit);
  for (size_t i = 0; i < 1000; ++i) {
    double chosen = std::fabs(double(nf4[c.codes[i]]) - y.data[i]);
    for (size_t j = 0; j < 16; ++j) {
      double other = std::fabs(double(nf4[j]) - y.data[i]);
      ASSERT_LE(chosen, other) << y.data[i];
      if (chosen == other)
        ASSERT_LE(c.codes[i], j) << y.data[i];
    }
  }
}
