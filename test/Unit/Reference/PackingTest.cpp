//===- PackingTest.cpp - Interchange packing, byte by byte ----------------===//

#include "lowbit/Reference/Packing.h"

#include "gtest/gtest.h"

#include <random>

using namespace lowbit::ref;

namespace {

using Bytes = std::vector<uint8_t>;

CodeTensor codes(Shape shape, std::vector<uint32_t> values) {
  return CodeTensor{std::move(shape), std::move(values)};
}

/// Packs, compares with the expected bytes, and unpacks back.
void expectPacks(const CodeTensor &c, unsigned bits, const Bytes &expected) {
  Bytes packed = pack(c, bits);
  EXPECT_EQ(packed, expected);
  EXPECT_EQ(int64_t(expected.size()), numElements(packedShape(c.shape, bits)));
  CodeTensor back = unpack(expected, c.shape, bits);
  EXPECT_EQ(back.shape, c.shape);
  uint32_t mask = bits == 32 ? ~0u : (1u << bits) - 1;
  for (size_t i = 0; i < c.codes.size(); ++i)
    EXPECT_EQ(back.codes[i], c.codes[i] & mask) << "element " << i;
}

} // namespace

TEST(PackingTest, PackedShape) {
  EXPECT_EQ(packedShape({4, 5}, 4), (Shape{4, 3}));
  EXPECT_EQ(packedShape({4, 6}, 4), (Shape{4, 3}));
  EXPECT_EQ(packedShape({3}, 3), (Shape{2}));
  EXPECT_EQ(packedShape({2, 3, 8}, 3), (Shape{2, 3, 3}));
  EXPECT_EQ(packedShape({7}, 1), (Shape{1}));
  EXPECT_EQ(packedShape({9}, 1), (Shape{2}));
  EXPECT_EQ(packedShape({5}, 8), (Shape{5}));
  EXPECT_EQ(packedShape({5}, 16), (Shape{10}));
  EXPECT_EQ(packedShape({2, 0}, 4), (Shape{2, 0}));
  EXPECT_EQ(packedShape({}, 4), (Shape{1}));
  EXPECT_EQ(packedShape({}, 12), (Shape{2}));
  EXPECT_EQ(packedShape({}, 32), (Shape{4}));
}

TEST(PackingTest, FourBitsLowNibbleFirst) {
  expectPacks(codes({5}, {1, 2, 3, 4, 5}), 4, {0x21, 0x43, 0x05});
  expectPacks(codes({4}, {0xF, 0x0, 0xA, 0x5}), 4, {0x0F, 0x5A});
  // Bits above the width are dropped.
  EXPECT_EQ(pack(codes({2}, {0x1F3, 0xFFFFFFF7}), 4), (Bytes{0x73}));
}

TEST(PackingTest, ThreeBitsStraddleBytes) {
  // 101 | 011 | 110 -> bits 0..8 = 1,0,1, 1,1,0, 0,1,1 -> 0x9D, then 0x01.
  expectPacks(codes({3}, {5, 3, 6}), 3, {0x9D, 0x01});
  // Eight 3-bit elements fill three bytes exactly.
  expectPacks(codes({8}, {7, 0, 7, 0, 7, 0, 7, 0}), 3, {0xC7, 0x71, 0x1C});
  expectPacks(codes({8}, {0, 1, 2, 3, 4, 5, 6, 7}), 3, {0x88, 0xC6, 0xFA});
}

TEST(PackingTest, FiveBitsStraddleBytes) {
  expectPacks(codes({3}, {31, 0, 17}), 5, {0x1F, 0x44});
  expectPacks(codes({3}, {1, 31, 2}), 5, {0xE1, 0x0B});
  expectPacks(codes({8}, {1, 2, 3, 4, 5, 6, 7, 8}), 5, {0x41, 0x0C, 0x52, 0xCC, 0x41});
}

TEST(PackingTest, OtherWidths) {
  expectPacks(codes({5}, {0, 1, 2, 3, 3}), 2, {0xE4, 0x03});
  expectPacks(codes({10}, {1, 0, 1, 1, 0, 0, 0, 1, 1, 1}), 1, {0x8D, 0x03});
  expectPacks(codes({3}, {0x3F, 0x01, 0x2A}), 6, {0x7F, 0xA0, 0x02});
  expectPacks(codes({2}, {0x55, 0x7F}), 7, {0xD5, 0x3F});
  expectPacks(codes({3}, {0x12, 0xFF, 0x80}), 8, {0x12, 0xFF, 0x80});
  expectPacks(codes({2}, {0x1234, 0xBEEF}), 16, {0x34, 0x12, 0xEF, 0xBE});
  expectPacks(codes({1}, {0xDEADBEEF}), 32, {0xEF, 0xBE, 0xAD, 0xDE});
  expectPacks(codes({2}, {0xABC, 0x123}), 12, {0xBC, 0x3A, 0x12});
}

TEST(PackingTest, RowsArePaddedSeparately) {
  // [2, 3] at 4 bits: each row of 12 bits becomes 2 bytes; the top nibble is padding.
  expectPacks(codes({2, 3}, {1, 2, 3, 4, 5, 6}), 4, {0x21, 0x03, 0x54, 0x06});
  // Rank 3, [2, 2, 3] at 3 bits: 9 bits per row -> 2 bytes per row.
  expectPacks(codes({2, 2, 3}, {5, 3, 6, 0, 0, 0, 7, 7, 7, 1, 2, 4}), 3,
              {0x9D, 0x01, 0x00, 0x00, 0xFF, 0x01, 0x11, 0x01});
  EXPECT_EQ(packedShape({2, 2, 3}, 3), (Shape{2, 2, 2}));
}

TEST(PackingTest, RankZeroAndEmpty) {
  expectPacks(codes({}, {7}), 4, {0x07});
  expectPacks(codes({}, {0x5}), 3, {0x05});
  expectPacks(codes({}, {0xABC}), 12, {0xBC, 0x0A});
  expectPacks(codes({1}, {0x3}), 2, {0x03});
  expectPacks(codes({3, 0}, {}), 4, {});
  expectPacks(codes({0, 5}, {}), 4, {});
}

TEST(PackingTest, UnpackIgnoresPaddingBits) {
  // 4-bit [2, 3]: the high nibble of each row's second byte is padding.
  CodeTensor c = unpack({0x21, 0xF3, 0x54, 0xA6}, {2, 3}, 4);
  EXPECT_EQ(c.codes, (std::vector<uint32_t>{1, 2, 3, 4, 5, 6}));
  // 3-bit [3]: bits 9..15 are padding.
  c = unpack({0x9D, 0xFF}, {3}, 3);
  EXPECT_EQ(c.codes, (std::vector<uint32_t>{5, 3, 6}));
  // 5-bit [1]: bits 5..7.
  c = unpack({0xE1}, {1}, 5);
  EXPECT_EQ(c.codes, (std::vector<uint32_t>{1}));
}

TEST(PackingTest, RandomRoundTrip) {
  std::random_device rd;
  unsigned seed = rd();
  SCOPED_TRACE("seed " + std::to_string(seed));
  std::mt19937 rng(seed);
  for (unsigned bits : {1u, 2u, 3u, 4u, 5u, 6u, 7u, 8u, 12u, 16u, 24u, 32u}) {
    for (int64_t k : {1, 3, 7, 13, 16}) {
      for (Shape lead : {Shape{}, Shape{2}, Shape{2, 3}}) {
        SCOPED_TRACE("bits " + std::to_string(bits) + " K " + std::to_string(k) + " rank " +
                     std::to_string(lead.size() + 1));
        Shape shape = lead;
        shape.push_back(k);
        CodeTensor c{shape, std::vector<uint32_t>(size_t(numElements(shape)))};
        uint32_t mask = bits == 32 ? ~0u : (1u << bits) - 1;
        for (uint32_t &v : c.codes)
          v = rng() & mask;
        Bytes packed = pack(c, bits);
        ASSERT_EQ(int64_t(packed.size()), numElements(packedShape(shape, bits)));
        // Padding bits are zero.
        int64_t rowBytes = packedShape(shape, bits).back();
        int64_t usedBits = k * bits;
        if (usedBits % 8 != 0)
          for (size_t r = 0; r < packed.size() / size_t(rowBytes); ++r)
            ASSERT_EQ(packed[(r + 1) * size_t(rowBytes) - 1] >> (usedBits % 8), 0);
        ASSERT_EQ(unpack(packed, shape, bits).codes, c.codes);
        // Setting every padding bit changes nothing on unpack.
        if (usedBits % 8 != 0) {
          for (size_t r = 0; r < packed.size() / size_t(rowBytes); ++r)
            packed[(r + 1) * size_t(rowBytes) - 1] |= uint8_t(0xFF << (usedBits % 8));
          ASSERT_EQ(unpack(packed, shape, bits).codes, c.codes);
        }
        // Compared with an independent bit-string model: bit j of element e of row r is bit
        // (e*b + j) of the row.
        for (size_t i = 0; i < c.codes.size(); ++i) {
          size_t r = i / size_t(k), e = i % size_t(k);
          for (unsigned j = 0; j < bits; ++j) {
            size_t bit = e * bits + j;
            ASSERT_EQ((packed[r * size_t(rowBytes) + bit / 8] >> (bit % 8)) & 1,
                      int((c.codes[i] >> j) & 1));
          }
        }
      }
    }
  }
}
