//===- InstructionLayoutsTest.cpp - Fragment layouts vs the vendors' tables ===//
//
// Each expectation below is transcribed from the vendor's document, not derived from the layout
// code: PTX gives (lane, element i) -> (row, col) formulas; AMD's matrix instruction calculator
// gives matrix entry -> (lane, register element). Every lane and element is checked, plus a few
// literal entries read off the figures.
//
//===----------------------------------------------------------------------===//

#include "lowbit/Layout/InstructionLayouts.h"

#include "gtest/gtest.h"

#include <functional>
#include <set>

using namespace lowbit::layout;

namespace {

using RowCol = std::pair<int64_t, int64_t>;

/// Checks layout(lane, i) == table(lane, i) for every lane and element, and that the layout
/// covers a rows x cols tile with `lanes` workers of `elements` elements.
void expectPtxTable(const RegisterLayout &layout, int64_t rows, int64_t cols, int64_t lanes,
                    int64_t elements, const std::function<RowCol(int64_t, int64_t)> &table) {
  SCOPED_TRACE(layout.str());
  ASSERT_EQ(layout.getShape().vec(), (std::vector<int64_t>{rows, cols}));
  ASSERT_EQ(layout.getNumWorkers(), lanes);
  ASSERT_EQ(layout.getLocalSize(), elements);
  ASSERT_EQ(layout.getReplication(), 1);
  for (int64_t lane = 0; lane < lanes; ++lane)
    for (int64_t i = 0; i < elements; ++i) {
      auto [row, col] = table(lane, i);
      auto index = layout.getLogicalIndex(lane, i);
      EXPECT_EQ(index[0], row) << "lane " << lane << " element " << i;
      EXPECT_EQ(index[1], col) << "lane " << lane << " element " << i;
    }
}

/// Checks that matrix entry (row, col) is held exactly by table(row, col) = (lane, element).
void expectAmdTable(const RegisterLayout &layout, int64_t rows, int64_t cols, int64_t elements,
                    const std::function<WorkerLocal(int64_t, int64_t)> &table) {
  SCOPED_TRACE(layout.str());
  ASSERT_EQ(layout.getShape().vec(), (std::vector<int64_t>{rows, cols}));
  ASSERT_EQ(layout.getNumWorkers(), 64);
  ASSERT_EQ(layout.getLocalSize(), elements);
  for (int64_t row = 0; row < rows; ++row)
    for (int64_t col = 0; col < cols; ++col) {
      auto owners = layout.getOwners({row, col});
      ASSERT_EQ(owners.size(), 1u);
      WorkerLocal expected = table(row, col);
      EXPECT_EQ(owners[0].worker, expected.worker) << "entry (" << row << "," << col << ")";
      EXPECT_EQ(owners[0].local, expected.local) << "entry (" << row << "," << col << ")";
    }
}

std::vector<int64_t> at(const RegisterLayout &layout, int64_t worker, int64_t local) {
  auto index = layout.getLogicalIndex(worker, local);
  return std::vector<int64_t>(index.begin(), index.end());
}

int64_t groupID(int64_t lane) { return lane >> 2; }
int64_t threadInGroup(int64_t lane) { return lane % 4; }

// PTX 9.7.14.5.8, .f16/.bf16 A: a0..a7.
RowCol mma16816A(int64_t lane, int64_t i) {
  int64_t row = (i < 2 || (i >= 4 && i < 6)) ? groupID(lane) : groupID(lane) + 8;
  int64_t col = i < 4 ? threadInGroup(lane) * 2 + (i & 1) : threadInGroup(lane) * 2 + (i & 1) + 8;
  return {row, col};
}
// B: b0..b3.
RowCol mma16816B(int64_t lane, int64_t i) {
  int64_t row = i < 2 ? threadInGroup(lane) * 2 + (i & 1) : threadInGroup(lane) * 2 + (i & 1) + 8;
  return {row, groupID(lane)};
}
// C/D: c0..c3 (also m16n8k32 and m16n8k64 .s32 accumulators).
RowCol mma168C(int64_t lane, int64_t i) {
  int64_t row = i < 2 ? groupID(lane) : groupID(lane) + 8;
  return {row, threadInGroup(lane) * 2 + (i & 1)};
}

TEST(InstructionLayouts, PtxMmaM16N8K16) {
  expectPtxTable(ptxMmaM16N8K16F16A(), 16, 16, 32, 8, mma16816A);
  expectPtxTable(ptxMmaM16N8K16F16B(), 16, 8, 32, 4, mma16816B);
  expectPtxTable(ptxMmaM16N8K16C(), 16, 8, 32, 4, mma168C);
  // Figure 83 read directly: T0 holds c0..c3 at (0,0) (0,1) (8,0) (8,1); T5 at rows 1 and 9,
  // columns 2 and 3; T31 at rows 7 and 15, columns 6 and 7.
  RegisterLayout c = ptxMmaM16N8K16C();
  std::vector<std::vector<int64_t>> t0 = {{0, 0}, {0, 1}, {8, 0}, {8, 1}};
  std::vector<std::vector<int64_t>> t5 = {{1, 2}, {1, 3}, {9, 2}, {9, 3}};
  std::vector<std::vector<int64_t>> t31 = {{7, 6}, {7, 7}, {15, 6}, {15, 7}};
  for (int64_t i = 0; i < 4; ++i) {
    EXPECT_EQ(at(c, 0, i), t0[i]);
    EXPECT_EQ(at(c, 5, i), t5[i]);
    EXPECT_EQ(at(c, 31, i), t31[i]);
  }
  // Figure 79: T1 holds a0,a1 at (0,2),(0,3) and a6,a7 at (8,10),(8,11).
  RegisterLayout a = ptxMmaM16N8K16F16A();
  EXPECT_EQ(at(a, 1, 0), (std::vector<int64_t>{0, 2}));
  EXPECT_EQ(at(a, 1, 7), (std::vector<int64_t>{8, 11}));
}

TEST(InstructionLayouts, PtxMmaM16N8K32S8) {
  // PTX 9.7.14.5.10, .s8/.u8 A: a0..a15.
  expectPtxTable(ptxMmaM16N8K32S8A(), 16, 32, 32, 16, [](int64_t lane, int64_t i) {
    int64_t row = (i < 4 || (i >= 8 && i < 12)) ? groupID(lane) : groupID(lane) + 8;
    int64_t col =
        i < 8 ? threadInGroup(lane) * 4 + (i & 3) : threadInGroup(lane) * 4 + (i & 3) + 16;
    return RowCol{row, col};
  });
  // B: b0..b7.
  expectPtxTable(ptxMmaM16N8K32S8B(), 32, 8, 32, 8, [](int64_t lane, int64_t i) {
    int64_t row =
        i < 4 ? threadInGroup(lane) * 4 + (i & 3) : threadInGroup(lane) * 4 + (i & 3) + 16;
    return RowCol{row, groupID(lane)};
  });
  expectPtxTable(ptxMmaM16N8K32C(), 16, 8, 32, 4, mma168C);
}

TEST(InstructionLayouts, PtxMmaM16N8K64S4) {
  // PTX 9.7.14.5.11, .s4/.u4 A: a0..a31.
  expectPtxTable(ptxMmaM16N8K64S4A(), 16, 64, 32, 32, [](int64_t lane, int64_t i) {
    int64_t row = (i < 8 || (i >= 16 && i < 24)) ? groupID(lane) : groupID(lane) + 8;
    int64_t col =
        i < 16 ? threadInGroup(lane) * 8 + (i & 7) : threadInGroup(lane) * 8 + (i & 7) + 32;
    return RowCol{row, col};
  });
  // B: b0..b15.
  expectPtxTable(ptxMmaM16N8K64S4B(), 64, 8, 32, 16, [](int64_t lane, int64_t i) {
    int64_t row =
        i < 8 ? threadInGroup(lane) * 8 + (i & 7) : threadInGroup(lane) * 8 + (i & 7) + 32;
    return RowCol{row, groupID(lane)};
  });
  expectPtxTable(ptxMmaM16N8K64C(), 16, 8, 32, 4, mma168C);
}

TEST(InstructionLayouts, PtxLdmatrix) {
  // PTX 9.7.14.5.15, Figure 104: in each 8x8 b16 matrix, lane l gets row l/4, elements
  // 2*(l%4) and 2*(l%4)+1; .trans delivers the transpose. Register j holds matrix j, which our
  // tile places at block (j % 2, j / 2).
  for (unsigned num : {1u, 2u, 4u})
    for (bool trans : {false, true}) {
      SCOPED_TRACE("x" + std::to_string(num) + (trans ? ".trans" : ""));
      std::optional<RegisterLayout> layout = ptxLdmatrix(num, trans);
      ASSERT_TRUE(layout.has_value());
      int64_t rows = num == 1 ? 8 : 16, cols = num == 4 ? 16 : 8;
      expectPtxTable(*layout, rows, cols, 32, 2 * num, [&](int64_t lane, int64_t i) {
        int64_t matrix = i / 2, element = i % 2;
        int64_t row = lane / 4, col = 2 * (lane % 4) + element;
        if (trans)
          std::swap(row, col);
        return RowCol{8 * (matrix % 2) + row, 8 * (matrix / 2) + col};
      });
    }
  // ldmatrix.x4 feeds the mma A fragment, ldmatrix.x2.trans the B fragment.
  EXPECT_EQ(*ptxLdmatrix(4, false), ptxMmaM16N8K16F16A());
  EXPECT_EQ(*ptxLdmatrix(2, true), ptxMmaM16N8K16F16B());
  EXPECT_FALSE(ptxLdmatrix(3, false).has_value());
  EXPECT_FALSE(ptxLdmatrix(8, true).has_value());
}

TEST(InstructionLayouts, PtxWgmmaAccumulator) {
  // PTX 9.7.15.5.1.1.1, Figure 149: warp w of the warpgroup covers rows 16w..16w+15; d_i at
  // row 16w + groupID + 8*((i>>1)&1), col 8*(i>>2) + 2*threadID_in_group + (i&1).
  for (int64_t n : {8, 16, 24, 64, 256}) {
    SCOPED_TRACE("n = " + std::to_string(n));
    std::optional<RegisterLayout> layout = ptxWgmmaM64NK16D(n);
    ASSERT_TRUE(layout.has_value());
    expectPtxTable(*layout, 64, n, 128, n / 2, [](int64_t thread, int64_t i) {
      int64_t warp = thread / 32, lane = thread % 32;
      return RowCol{16 * warp + groupID(lane) + 8 * ((i >> 1) & 1),
                    8 * (i >> 2) + 2 * threadInGroup(lane) + (i & 1)};
    });
  }
  // Read off the figure: T0 holds d0..d5 at (0,0) (0,1) (8,0) (8,1) (0,8) (0,9); T32 starts at
  // row 16.
  RegisterLayout d = *ptxWgmmaM64NK16D(64);
  std::vector<std::vector<int64_t>> t0 = {{0, 0}, {0, 1}, {8, 0}, {8, 1}, {0, 8}, {0, 9}};
  for (int64_t i = 0; i < 6; ++i)
    EXPECT_EQ(at(d, 0, i), t0[i]);
  EXPECT_EQ(at(d, 32, 0), (std::vector<int64_t>{16, 0}));
  EXPECT_FALSE(ptxWgmmaM64NK16D(12).has_value());
  EXPECT_FALSE(ptxWgmmaM64NK16D(264).has_value());
  EXPECT_FALSE(ptxWgmmaM64NK16D(0).has_value());
}

TEST(InstructionLayouts, AmdMfma16x16x16F16) {
  // CDNA3 ISA / matrix calculator, V_MFMA_F32_16X16X16_F16:
  //   A[i][k] -> lane i + 16*(k/4), element k%4;  B[k][j] -> lane j + 16*(k/4), element k%4;
  //   D[i][j] -> lane j + 16*(i/4), register i%4.
  expectAmdTable(amdMfma16x16x16F16A(), 16, 16, 4, [](int64_t i, int64_t k) {
    return WorkerLocal{i + 16 * (k / 4), k % 4};
  });
  expectAmdTable(amdMfma16x16x16F16B(), 16, 16, 4, [](int64_t k, int64_t j) {
    return WorkerLocal{j + 16 * (k / 4), k % 4};
  });
  expectAmdTable(amdMfma16x16x16F16C(), 16, 16, 4, [](int64_t i, int64_t j) {
    return WorkerLocal{j + 16 * (i / 4), i % 4};
  });
  // The calculator's listing: A[0][0..3] in lane 0 (v0 low, v0 high, v1 low, v1 high),
  // A[0][4..7] in lane 16.
  RegisterLayout a = amdMfma16x16x16F16A();
  for (int64_t k = 0; k < 4; ++k) {
    EXPECT_EQ(at(a, 0, k), (std::vector<int64_t>{0, k}));
    EXPECT_EQ(at(a, 16, k), (std::vector<int64_t>{0, 4 + k}));
  }
}

TEST(InstructionLayouts, AmdMfma32x32x8F16) {
  // V_MFMA_F32_32X32X8_F16:
  //   A[i][k] -> lane i + 32*(k/4), element k%4;  B[k][j] -> lane j + 32*(k/4), element k%4;
  //   D[i][j] -> lane j + 32*((i/4)%2), register 4*(i/8) + i%4.
  expectAmdTable(amdMfma32x32x8F16A(), 32, 8, 4, [](int64_t i, int64_t k) {
    return WorkerLocal{i + 32 * (k / 4), k % 4};
  });
  expectAmdTable(amdMfma32x32x8F16B(), 8, 32, 4, [](int64_t k, int64_t j) {
    return WorkerLocal{j + 32 * (k / 4), k % 4};
  });
  expectAmdTable(amdMfma32x32x8F16C(), 32, 32, 16, [](int64_t i, int64_t j) {
    return WorkerLocal{j + 32 * ((i / 4) % 2), 4 * (i / 8) + i % 4};
  });
}

TEST(InstructionLayouts, CpuVectorRegisters) {
  // A ymm register holds 8 f32 lanes, a NEON q register 4: lane i holds element i.
  RegisterLayout avx2 = x86Avx2F32(), neon = armNeonF32();
  ASSERT_EQ(avx2.getNumWorkers(), 8);
  ASSERT_EQ(neon.getNumWorkers(), 4);
  for (int64_t lane = 0; lane < 8; ++lane)
    EXPECT_EQ(at(avx2, lane, 0), std::vector<int64_t>{lane});
  for (int64_t lane = 0; lane < 4; ++lane)
    EXPECT_EQ(at(neon, lane, 0), std::vector<int64_t>{lane});
  EXPECT_EQ(avx2.getLocalSize(), 1);
  EXPECT_EQ(neon.getLocalSize(), 1);
}

TEST(InstructionLayouts, CatalogExpressionsAreCanonical) {
  std::set<std::string> names;
  for (const InstructionLayoutInfo &info : getInstructionLayouts()) {
    SCOPED_TRACE(info.name);
    EXPECT_TRUE(names.insert(info.name).second);
    EXPECT_EQ(info.expression, info.layout.str());
    EXPECT_EQ(llvm::cantFail(parseRegisterLayout(info.expression)), info.layout);
    EXPECT_FALSE(info.source.empty());
  }
  EXPECT_EQ(ptxMmaM16N8K16F16A().str(), "column_local(2,2).spatial(8,4).local(1,2)");
  EXPECT_EQ(ptxMmaM16N8K16F16B().str(), "local(2,1).column_spatial(4,8).local(2,1)");
  EXPECT_EQ(ptxMmaM16N8K16C().str(), "local(2,1).spatial(8,4).local(1,2)");
  EXPECT_EQ(ptxLdmatrix(1, false)->str(), "spatial(8,4).local(1,2)");
}

} // namespace
