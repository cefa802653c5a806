//===- PlanarPiecesTest.cpp - The bit planes of tile.view --------------------===//
//
// tile::getPlanarPieces, which the verifier, the SIMD and SIMT lowerings, the GPU lowerings and
// the compile-time prepacking of weights share: every bit of a worker's words holds exactly one
// bit of one code; plane 0 is the plain packing of the codes' low bits; the four codes of a
// group have each plane's bits at the same position of the four bytes of one word (what lets
// the SIMD lowering decode a plane with one shift and one mask); explicit positions; and the
// rules explainInvalidPlanes states.
//
//===----------------------------------------------------------------------===//
#include "tile/TileDialect.h"

#include "gtest/gtest.h"

#include <vector>

using namespace lowbit;
using tile::PlanarPiece;

namespace {

const std::vector<std::vector<int64_t>> kPlanes = {{2, 1}, {4, 1}, {4, 2}, {4, 2, 1}, {4, 4}};

int64_t sum(const std::vector<int64_t> &planes) {
  int64_t total = 0;
  for (int64_t p : planes)
    total += p;
  return total;
}

TEST(PlanarPieces, EveryWordBitHoldsOneCodeBit) {
  for (const auto &planes : kPlanes)
    for (int64_t locals : {32, 64, 96, 256}) {
      int64_t bits = sum(planes);
      ASSERT_EQ(tile::explainInvalidPlanes(planes, bits, locals), "");
      std::vector<int> seen(locals * bits, 0);
      for (int64_t l = 0; l < locals; ++l) {
        int64_t codeBits = 0;
        for (const PlanarPiece &piece : tile::getPlanarPieces(planes, locals, l)) {
          ASSERT_EQ(piece.codeBit, codeBits);
          codeBits += piece.width;
          ASSERT_GE(piece.word, 0);
          ASSERT_LE(piece.bit + piece.width, 32);
          for (int64_t t = 0; t < piece.width; ++t) {
            int64_t position = piece.word * 32 + piece.bit + t;
            ASSERT_LT(position, locals * bits);
            ++seen[position];
          }
        }
        EXPECT_EQ(codeBits, bits);
      }
      for (int count : seen)
        EXPECT_EQ(count, 1);
    }
}

TEST(PlanarPieces, FirstPlaneIsThePlainPackingOfTheLowBits) {
  for (const auto &planes : kPlanes) {
    int64_t locals = 64;
    for (int64_t l = 0; l < locals; ++l) {
      PlanarPiece first = tile::getPlanarPieces(planes, locals, l).front();
      EXPECT_EQ(first.word * 32 + first.bit, l * planes.front());
    }
  }
}

TEST(PlanarPieces, TheCodesOfAGroupShareBitPositionsInTheirBytes) {
  for (const auto &planes : kPlanes) {
    int64_t locals = 128, q = 8 / planes.front();
    for (int64_t g = 0; g < locals / 4; ++g) {
      auto base = tile::getPlanarPieces(planes, locals, q * (4 * (g / q)) + g % q);
      for (int64_t i = 1; i < 4; ++i) {
        auto pieces = tile::getPlanarPieces(planes, locals, q * (4 * (g / q) + i) + g % q);
        for (size_t k = 0; k < planes.size(); ++k) {
          EXPECT_EQ(pieces[k].word, base[k].word);
          EXPECT_EQ(pieces[k].bit, base[k].bit + 8 * i);
        }
      }
    }
  }
}

TEST(PlanarPieces, ExplicitPositions) {
  // 3-bit codes as [2, 1], 64 per worker: plane 1 starts at word 4. Local 5: byte slot 1 of
  // four codes each (byte 1 of word 0), sub-slot 1, group 1.
  auto pieces = tile::getPlanarPieces({2, 1}, 64, 5);
  ASSERT_EQ(pieces.size(), 2u);
  EXPECT_EQ(pieces[0].word, 0);
  EXPECT_EQ(pieces[0].bit, 10);
  EXPECT_EQ(pieces[1].word, 4);
  EXPECT_EQ(pieces[1].bit, 9);
  EXPECT_EQ(pieces[1].codeBit, 2);
  // Local 63: slot 15 (word 3, byte 3), sub-slot 3, group 15: plane 1 word 4 + 15 / 8 = 5,
  // bit 24 + 7.
  pieces = tile::getPlanarPieces({2, 1}, 64, 63);
  EXPECT_EQ(pieces[1].word, 5);
  EXPECT_EQ(pieces[1].bit, 31);
  // 7-bit codes as [4, 2, 1], 32 per worker: planes at words 0, 4, 6. Local 17: slot 8 (word
  // 2, byte 0), sub-slot 1, group 5.
  pieces = tile::getPlanarPieces({4, 2, 1}, 32, 17);
  EXPECT_EQ(pieces[0].word, 2);
  EXPECT_EQ(pieces[0].bit, 4);
  EXPECT_EQ(pieces[1].word, 4 + 5 / 4);
  EXPECT_EQ(pieces[1].bit, (5 % 4) * 2);
  EXPECT_EQ(pieces[2].word, 6 + 5 / 8);
  EXPECT_EQ(pieces[2].bit, 5);
}

TEST(PlanarPieces, InvalidPlanes) {
  EXPECT_NE(tile::explainInvalidPlanes({3}, 3, 32), "");
  EXPECT_NE(tile::explainInvalidPlanes({2, 1}, 4, 32), "");
  EXPECT_NE(tile::explainInvalidPlanes({1, 2}, 3, 32), "");
  EXPECT_NE(tile::explainInvalidPlanes({3, 2}, 5, 32), "");
  EXPECT_NE(tile::explainInvalidPlanes({4, 1}, 5, 16), "");
  EXPECT_EQ(tile::explainInvalidPlanes({4, 2}, 6, 16), "");
}

} // namespace
