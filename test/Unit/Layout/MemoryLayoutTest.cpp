//===- MemoryLayoutTest.cpp - Shared/global layouts and vector width ------===//

#include "LayoutTestUtils.h"
#include "lowbit/Layout/InstructionLayouts.h"
#include "lowbit/Layout/SharedLayout.h"
#include "lowbit/Layout/VectorWidth.h"

#include "gtest/gtest.h"

#include <set>

using namespace lowbit::layout;
using namespace lowbit::layout::test;

namespace {

TEST(MemoryLayouts, SwizzleIsABijectionOnEachRowGroup) {
  for (int64_t bits = 0; bits <= 3; ++bits)
    for (int64_t base = 0; base <= 4; ++base)
      for (int64_t shift = bits; shift <= 4; ++shift) {
        Swizzle swizzle{bits, base, shift};
        ASSERT_FALSE(static_cast<bool>(swizzle.verify()));
        int64_t group = int64_t(1) << (base + bits + shift);
        for (int64_t block = 0; block < 3; ++block) {
          std::set<int64_t> image;
          for (int64_t o = block * group; o < (block + 1) * group; ++o) {
            int64_t s = swizzle.apply(o);
            // CuTe's Swizzle<B,M,S>: o ^ ((o >> (M+S)) & (2^B-1)) << M.
            EXPECT_EQ(s, o ^ (((o >> (base + shift)) & ((int64_t(1) << bits) - 1)) << base));
            EXPECT_EQ(swizzle.apply(s), o); // an involution
            EXPECT_GE(s, block * group);
            EXPECT_LT(s, (block + 1) * group);
            image.insert(s);
          }
          EXPECT_EQ(static_cast<int64_t>(image.size()), group);
        }
      }
  EXPECT_EQ(llvm::toString(Swizzle{3, 3, 2}.verify()),
            "swizzle bits 3 exceed shift 2 (the XORed bit ranges would overlap)");
  EXPECT_EQ(llvm::toString(Swizzle{-1, 3, 3}.verify()), "swizzle [-1,3,3] has a negative field");
}

TEST(MemoryLayouts, SharedLayoutOffsets) {
  // f16 tile of 8 rows x 64 columns with Swizzle<3,3,3>: the 16-byte chunk c/8 of row r moves
  // to chunk (c/8) ^ r.
  SharedLayout layout = llvm::cantFail(SharedLayout::rowMajor({8, 64}, {3, 3, 3}));
  for (int64_t r = 0; r < 8; ++r)
    for (int64_t c = 0; c < 64; ++c)
      EXPECT_EQ(layout.getOffset({r, c}), r * 64 + (((c / 8) ^ r) * 8) + c % 8);
  EXPECT_EQ(layout.getOffset({1, 0}), 72);
  EXPECT_EQ(layout.getOffset({7, 8}), 496);
  EXPECT_EQ(layout.getAllocationSize(), 512);
  // Modes with strides: a 16x16 tile stored as two 8x16 halves, each row padded to 24.
  SharedLayout moded = llvm::cantFail(SharedLayout::tryCreate({16, 16}, {2, 8, 16}, {192, 24, 1}));
  EXPECT_EQ(moded.getOffset({9, 3}), 192 + 24 + 3);
  EXPECT_EQ(moded.getAllocationSize(), 192 + 7 * 24 + 15 + 1);
  EXPECT_EQ(llvm::toString(SharedLayout::tryCreate({16}, {4, 8}, {8, 1}).takeError()),
            "modes [4,8] do not split shape [16]");
  EXPECT_EQ(llvm::toString(SharedLayout::tryCreate({16}, {16}, {-1}).takeError()),
            "mode stride -1 is invalid");
  EXPECT_EQ(llvm::toString(GlobalLayout::tryCreate({1 << 20}, {1 << 30}).takeError()),
            "the layout spans more than 2^40 elements");
}

/// The definition in VectorWidth.h, checked width by width.
int64_t widthByDefinition(const RegisterLayout &layout, const GlobalLayout &memory,
                          const VectorWidthOptions &options) {
  int64_t best = 0;
  for (int64_t width = 8; width <= 8 * options.maxVectorBytes; width *= 2) {
    bool feasible = width <= 8 * options.baseAlignBytes;
    for (int64_t w = 0; feasible && w < layout.getNumWorkers(); ++w) {
      int64_t runStart = 0, runEnd = 0; // bits
      for (int64_t l = 0; l <= layout.getLocalSize(); ++l) {
        bool last = l == layout.getLocalSize();
        int64_t bit =
            last ? -1 : memory.getOffset(layout.getLogicalIndex(w, l)) * options.elementBits;
        if (l > 0 && (last || bit != runEnd)) {
          // A run ends: it must start on and span whole accesses.
          if (((runStart % width) + width) % width != 0 || (runEnd - runStart) % width != 0)
            feasible = false;
        }
        if (!last && (l == 0 || bit != runEnd))
          runStart = bit;
        runEnd = bit + options.elementBits;
      }
    }
    if (feasible)
      best = width;
  }
  return best;
}

int64_t width(llvm::StringRef expression, int64_t bits, int64_t align = 16, int64_t maxBytes = 16,
              std::vector<int64_t> strides = {}) {
  RegisterLayout layout = llvm::cantFail(parseRegisterLayout(expression));
  GlobalLayout memory = strides.empty()
                            ? llvm::cantFail(GlobalLayout::rowMajor(layout.getShape()))
                            : llvm::cantFail(GlobalLayout::tryCreate(layout.getShape(), strides));
  VectorWidthOptions options{bits, align, maxBytes};
  int64_t result = llvm::cantFail(computeVectorWidth(layout, memory, options));
  EXPECT_EQ(result, widthByDefinition(layout, memory, options)) << expression.str();
  return result;
}

TEST(VectorWidth, SubByteElementsGetFullWidthAccesses) {
  // 128 contiguous elements per worker: 3 * 128 = 384 bits = 3 x 16 bytes.
  for (int64_t bits : {1, 2, 3, 4, 5, 6, 7, 8, 16, 32})
    EXPECT_EQ(width("spatial(32).local(128)", bits), 128) << bits << "-bit";
  // 64 three-bit elements = 192 bits: runs start at multiples of 192, so 8-byte accesses.
  EXPECT_EQ(width("spatial(32).local(64)", 3), 64);
  EXPECT_EQ(width("spatial(32).local(64)", 4), 128);
  EXPECT_EQ(width("spatial(32).local(8)", 6), 16);
  EXPECT_EQ(width("spatial(32).local(8)", 5), 8);
  EXPECT_EQ(width("spatial(32).local(8)", 7), 8);
  // Isolated 3-bit elements are not whole bytes.
  EXPECT_EQ(width("spatial(32)", 3), 0);
  EXPECT_EQ(width("spatial(32).local(2)", 3), 0);
  EXPECT_EQ(width("spatial(32)", 8), 8);
  EXPECT_EQ(width("local(128).spatial(32)", 4), 0);
}

TEST(VectorWidth, AlignmentAndTargetLimits) {
  EXPECT_EQ(width("spatial(32).local(128)", 3, /*align=*/4), 32);
  EXPECT_EQ(width("spatial(32).local(128)", 3, /*align=*/1), 8);
  EXPECT_EQ(width("spatial(8).local(64)", 32, /*align=*/32, /*maxBytes=*/32), 256); // AVX2
  EXPECT_EQ(width("spatial(8).local(64)", 32, /*align=*/16, /*maxBytes=*/32), 128);
  EXPECT_EQ(width("spatial(8).local(64)", 32, /*align=*/64, /*maxBytes=*/64), 512); // AVX-512
  EXPECT_EQ(width("spatial(8).local(64)", 16, /*align=*/16, /*maxBytes=*/8), 64);
}

TEST(VectorWidth, StridesAndLayouts) {
  // 8 contiguous f16 per worker in a row-major 8x32 tile.
  EXPECT_EQ(width("spatial(8,4).local(1,8)", 16), 128);
  // Column-major memory: a worker's elements are 8 apart.
  EXPECT_EQ(width("spatial(8,4).local(1,8)", 16, 16, 16, {1, 8}), 16);
  // Padded rows (stride 36 elements = 72 bytes): 8-byte aligned runs only.
  EXPECT_EQ(width("spatial(8,4).local(1,8)", 16, 16, 16, {36, 1}), 64);
  // Broadcast (stride 0) and reversed (negative stride) dimensions.
  EXPECT_EQ(width("spatial(8,4).local(1,8)", 16, 16, 16, {0, 1}), 128);
  EXPECT_EQ(width("spatial(32).local(8)", 8, 16, 16, {-1}), 8);
  // The mma A fragment from a row-major 16x16 f16 tile: pairs of elements, 4-byte accesses.
  EXPECT_EQ(width("column_local(2,2).spatial(8,4).local(1,2)", 16), 32);
  // Replicated layouts: every copy loads the same runs.
  EXPECT_EQ(width("replicated(2).spatial(8,4).local(1,8)", 16), 128);
  EXPECT_EQ(width("spatial(8,4).replicated(4).local(1,8)", 4), 32);
}

TEST(VectorWidth, SharedLayoutsWithSwizzle) {
  RegisterLayout layout = llvm::cantFail(parseRegisterLayout("spatial(8,8).local(1,8)"));
  VectorWidthOptions f16{16, 16, 16};
  // Swizzle<3,3,3> moves whole 8-element chunks: each worker's chunk stays contiguous.
  SharedLayout chunks = llvm::cantFail(SharedLayout::rowMajor({8, 64}, {3, 3, 3}));
  EXPECT_EQ(llvm::cantFail(computeVectorWidth(layout, chunks, f16)), 128);
  // Swizzle<3,2,3> moves 4-element pieces: 8-byte accesses.
  SharedLayout pieces = llvm::cantFail(SharedLayout::rowMajor({8, 64}, {3, 2, 3}));
  EXPECT_EQ(llvm::cantFail(computeVectorWidth(layout, pieces, f16)), 64);
}

TEST(VectorWidth, MatchesTheDefinitionOnRandomLayouts) {
  auto rng = makeRng(31);
  for (int trial = 0; trial < 3000; ++trial) {
    RegisterLayout layout = randomLayout(rng);
    std::vector<int64_t> strides(layout.getRank());
    int64_t stride = std::uniform_int_distribution<int64_t>(1, 2)(rng);
    for (size_t d = strides.size(); d-- > 0;) {
      strides[d] = stride;
      stride *= layout.getShape()[d] + std::uniform_int_distribution<int64_t>(0, 1)(rng);
    }
    if (layout.getRank() > 1 && std::uniform_int_distribution<int>(0, 3)(rng) == 0)
      std::swap(strides.front(), strides.back());
    GlobalLayout memory = llvm::cantFail(GlobalLayout::tryCreate(layout.getShape(), strides));
    const int64_t allBits[] = {1, 2, 3, 4, 5, 6, 7, 8, 16, 32};
    VectorWidthOptions options;
    options.elementBits = allBits[std::uniform_int_distribution<int>(0, 9)(rng)];
    options.baseAlignBytes = int64_t(1) << std::uniform_int_distribution<int>(0, 6)(rng);
    options.maxVectorBytes = int64_t(1) << std::uniform_int_distribution<int>(0, 6)(rng);
    SCOPED_TRACE(layout.str() + " on " + memory.str() + " bits " +
                 std::to_string(options.elementBits));
    EXPECT_EQ(llvm::cantFail(computeVectorWidth(layout, memory, options)),
              widthByDefinition(layout, memory, options));
  }
}

TEST(VectorWidth, InvalidQueriesAreErrors) {
  RegisterLayout layout = spatial({8, 4});
  GlobalLayout memory = llvm::cantFail(GlobalLayout::rowMajor({8, 4}));
  auto error = [&](VectorWidthOptions options) {
    llvm::Expected<int64_t> result = computeVectorWidth(layout, memory, options);
    return result ? std::string("ok") : llvm::toString(result.takeError());
  };
  EXPECT_EQ(error({9, 16, 16}), "element width 9 bits is not supported (1..8, 16, 32)");
  EXPECT_EQ(error({0, 16, 16}), "element width 0 bits is not supported (1..8, 16, 32)");
  EXPECT_EQ(error({8, 3, 16}), "base alignment 3 bytes is not a power of two");
  EXPECT_EQ(error({8, 16, 24}), "largest vector 24 bytes is not a power of two up to 1024");
  llvm::Expected<int64_t> mismatch =
      computeVectorWidth(layout, llvm::cantFail(GlobalLayout::rowMajor({4, 8})), {});
  EXPECT_EQ(llvm::toString(mismatch.takeError()),
            "the memory layout's shape [4,8] differs from the register layout's [8,4]");
}

} // namespace
