//===- InstructionLayouts.cpp - Register layouts of hardware instructions -===//
//
// Each layout is written as its constructor expression, next to the vendor section it encodes.
// PTX references are to the PTX ISA 9.x; AMD references are to the AMD Instinct MI200 (CDNA2)
// and MI300 (CDNA3) ISAs, "Matrix Arithmetic Instructions" (the f16 MFMA layouts below are the
// same on both), whose lane/register tables AMD's Matrix Instruction Calculator prints
// (`matrix_calculator.py --register-layout`).
//
//===----------------------------------------------------------------------===//

#include "lowbit/Layout/InstructionLayouts.h"

using namespace lowbit::layout;

// PTX 9.7.14.5.8 "Matrix Fragments for mma.m16n8k16 with floating point type":
//   A: row = groupID (+8 for a2,a3,a6,a7), col = threadID_in_group*2 + (i&1) (+8 for i >= 4)
RegisterLayout lowbit::layout::ptxMmaM16N8K16F16A() {
  return columnLocal({2, 2}).spatial({8, 4}).local({1, 2});
}
//   B: row = threadID_in_group*2 + (i&1) (+8 for i >= 2), col = groupID
RegisterLayout lowbit::layout::ptxMmaM16N8K16F16B() {
  return local({2, 1}).columnSpatial({4, 8}).local({2, 1});
}
//   C/D: row = groupID (+8 for i >= 2), col = threadID_in_group*2 + (i&1)
RegisterLayout lowbit::layout::ptxMmaM16N8K16C() {
  return local({2, 1}).spatial({8, 4}).local({1, 2});
}

// PTX 9.7.14.5.10 "Matrix Fragments for mma.m16n8k32", .s8/.u8:
//   A: row = groupID (+8 for 4 <= i < 8, 12 <= i), col = threadID_in_group*4 + (i&3) (+16, i >= 8)
RegisterLayout lowbit::layout::ptxMmaM16N8K32S8A() {
  return columnLocal({2, 2}).spatial({8, 4}).local({1, 4});
}
//   B: row = threadID_in_group*4 + (i&3) (+16 for i >= 4), col = groupID
RegisterLayout lowbit::layout::ptxMmaM16N8K32S8B() {
  return local({2, 1}).columnSpatial({4, 8}).local({4, 1});
}
//   C/D (.s32): row = groupID (+8 for i >= 2), col = threadID_in_group*2 + (i&1)
RegisterLayout lowbit::layout::ptxMmaM16N8K32C() { return ptxMmaM16N8K16C(); }

// PTX 9.7.14.5.11 "Matrix Fragments for mma.m16n8k64", .s4/.u4:
//   A: row = groupID (+8 for 8 <= i < 16, 24 <= i), col = threadID_in_group*8 + (i&7) (+32, i >=
//   16)
RegisterLayout lowbit::layout::ptxMmaM16N8K64S4A() {
  return columnLocal({2, 2}).spatial({8, 4}).local({1, 8});
}
//   B: row = threadID_in_group*8 + (i&7) (+32 for i >= 8), col = groupID
RegisterLayout lowbit::layout::ptxMmaM16N8K64S4B() {
  return local({2, 1}).columnSpatial({4, 8}).local({8, 1});
}
//   C/D (.s32): as for m16n8k16
RegisterLayout lowbit::layout::ptxMmaM16N8K64C() { return ptxMmaM16N8K16C(); }

// PTX 9.7.14.5.15 "Warp-level matrix load instruction: ldmatrix" (Figure 104): in each 8x8
// matrix, lane l receives row l/4, elements 2*(l%4) and 2*(l%4)+1; with .trans the matrix is
// read column-major, so lane l receives rows 2*(l%4) and 2*(l%4)+1 of column l/4. Register j
// holds matrix j, placed at block (j % 2, j / 2).
std::optional<RegisterLayout> lowbit::layout::ptxLdmatrix(unsigned numMatrices, bool transpose) {
  RegisterLayout matrix = transpose ? columnSpatial({4, 8}).local({2, 1}) // .trans
                                    : spatial({8, 4}).local({1, 2});
  switch (numMatrices) {
  case 1:
    return matrix;
  case 2:
    return local({2, 1}) * matrix;
  case 4:
    return columnLocal({2, 2}) * matrix;
  default:
    return std::nullopt;
  }
}

// PTX 9.7.15.5.1.1.1 "Matrix Fragments for wgmma.mma_async.m64nNk16", accumulator D
// (Figure 149): warp w of the warpgroup holds rows 16w..16w+15 like an mma.m16n8 C fragment
// repeated over the n/8 column blocks: d_i at row 16w + groupID + 8*((i>>1)&1),
// col 8*(i>>2) + threadID_in_group*2 + (i&1).
std::optional<RegisterLayout> lowbit::layout::ptxWgmmaM64NK16D(int64_t n) {
  if (n < 8 || n > 256 || n % 8 != 0)
    return std::nullopt;
  return spatial({4, 1}).columnLocal({2, n / 8}).spatial({8, 4}).local({1, 2});
}

// CDNA3 ISA "Matrix Arithmetic Instructions", V_MFMA_F32_16X16X16_F16 (one block):
//   A[i][k]: lane i + 16*(k/4), element k%4 (low half of the first VGPR first)
RegisterLayout lowbit::layout::amdMfma16x16x16F16A() {
  return columnSpatial({16, 4}).local({1, 4});
}
//   B[k][j]: lane j + 16*(k/4), element k%4
RegisterLayout lowbit::layout::amdMfma16x16x16F16B() { return spatial({4, 16}).local({4, 1}); }
//   D[i][j]: lane j + 16*(i/4), VGPR i%4
RegisterLayout lowbit::layout::amdMfma16x16x16F16C() { return spatial({4, 16}).local({4, 1}); }

// V_MFMA_F32_32X32X8_F16 (one block):
//   A[i][k]: lane i + 32*(k/4), element k%4
RegisterLayout lowbit::layout::amdMfma32x32x8F16A() { return columnSpatial({32, 2}).local({1, 4}); }
//   B[k][j]: lane j + 32*(k/4), element k%4
RegisterLayout lowbit::layout::amdMfma32x32x8F16B() { return spatial({2, 32}).local({4, 1}); }
//   D[i][j]: lane j + 32*((i/4)%2), VGPR 4*(i/8) + i%4
RegisterLayout lowbit::layout::amdMfma32x32x8F16C() {
  return local({4, 1}).spatial({2, 32}).local({4, 1});
}

// Intel SDM Vol. 1 §14.1 (AVX): a YMM register holds 8 packed single-precision elements,
// element i in bits [32i+31:32i].
RegisterLayout lowbit::layout::x86Avx2F32() { return spatial({8}); }
// Arm ARM A1.4 / "Vector registers": a 128-bit V register viewed as 4S holds lanes S[0..3].
RegisterLayout lowbit::layout::armNeonF32() { return spatial({4}); }

std::vector<InstructionLayoutInfo> lowbit::layout::getInstructionLayouts() {
  const std::string mma = "PTX ISA 9.7.14.5.8 (mma.m16n8k16, floating point)";
  const std::string mma32 = "PTX ISA 9.7.14.5.10 (mma.m16n8k32)";
  const std::string mma64 = "PTX ISA 9.7.14.5.11 (mma.m16n8k64)";
  const std::string ldm = "PTX ISA 9.7.14.5.15 (ldmatrix), Figure 104";
  const std::string wgmma = "PTX ISA 9.7.15.5.1.1.1 (wgmma .m64nNk16), Figure 149";
  const std::string mfma = "CDNA2/CDNA3 ISA, Matrix Arithmetic Instructions (matrix calculator)";
  std::vector<InstructionLayoutInfo> table;
  auto add = [&](std::string name, std::string source, RegisterLayout layout) {
    std::string expression = layout.str();
    table.push_back({std::move(name), std::move(expression), std::move(source), std::move(layout)});
  };
  add("mma.m16n8k16.f16.a", mma, ptxMmaM16N8K16F16A());
  add("mma.m16n8k16.f16.b", mma, ptxMmaM16N8K16F16B());
  add("mma.m16n8k16.f32.c", mma, ptxMmaM16N8K16C());
  add("mma.m16n8k32.s8.a", mma32, ptxMmaM16N8K32S8A());
  add("mma.m16n8k32.s8.b", mma32, ptxMmaM16N8K32S8B());
  add("mma.m16n8k32.s32.c", mma32, ptxMmaM16N8K32C());
  add("mma.m16n8k64.s4.a", mma64, ptxMmaM16N8K64S4A());
  add("mma.m16n8k64.s4.b", mma64, ptxMmaM16N8K64S4B());
  add("mma.m16n8k64.s32.c", mma64, ptxMmaM16N8K64C());
  for (unsigned num : {1u, 2u, 4u})
    for (bool trans : {false, true})
      add("ldmatrix.x" + std::to_string(num) + (trans ? ".trans" : "") + ".b16", ldm,
          *ptxLdmatrix(num, trans));
  for (int64_t n : {8, 16, 32, 64, 128, 256})
    add("wgmma.m64n" + std::to_string(n) + "k16.d", wgmma, *ptxWgmmaM64NK16D(n));
  add("mfma.f32.16x16x16f16.a", mfma, amdMfma16x16x16F16A());
  add("mfma.f32.16x16x16f16.b", mfma, amdMfma16x16x16F16B());
  add("mfma.f32.16x16x16f16.c", mfma, amdMfma16x16x16F16C());
  add("mfma.f32.32x32x8f16.a", mfma, amdMfma32x32x8F16A());
  add("mfma.f32.32x32x8f16.b", mfma, amdMfma32x32x8F16B());
  add("mfma.f32.32x32x8f16.c", mfma, amdMfma32x32x8F16C());
  add("avx2.f32", "Intel SDM Vol. 1, 14.1 (YMM: 8 x f32)", x86Avx2F32());
  add("neon.f32", "Arm ARM, SIMD&FP registers (V as 4S)", armNeonF32());
  return table;
}
