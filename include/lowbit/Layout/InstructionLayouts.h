//===- InstructionLayouts.h - Register layouts of hardware instructions -*- C++ -*-===//
//
// The one place where the register fragments of matrix and vector instructions are named.
// Worker = the lane (%laneid within the warp or warpgroup on NVIDIA, the lane of the wave64 on
// AMD, the SIMD lane on CPUs); local = the element's position in the lane's fragment, in the
// vendor's "elements (low to high)" order (a0, a1, ... packed from the low bits of the first
// register). Dimension 0 is the matrix row, dimension 1 the column: A is M x K, B is K x N,
// C/D is M x N. Every layout is checked element by element against the vendor's fragment
// tables in test/Unit/Layout/InstructionLayoutsTest.cpp.
//
//===----------------------------------------------------------------------===//
#ifndef LOWBIT_LAYOUT_INSTRUCTIONLAYOUTS_H
#define LOWBIT_LAYOUT_INSTRUCTIONLAYOUTS_H

#include "lowbit/Layout/Layout.h"

#include <optional>
#include <string>
#include <vector>

namespace lowbit::layout {

// --- NVIDIA PTX: mma.sync (warp of 32 threads) --------------------------------------------------
/// mma.m16n8k16 .f16/.bf16: A (16x16), B (16x8), C/D (16x8, .f32 or .f16).
RegisterLayout ptxMmaM16N8K16F16A();
RegisterLayout ptxMmaM16N8K16F16B();
RegisterLayout ptxMmaM16N8K16C();
/// mma.m16n8k32 .s8/.u8: A (16x32), B (32x8), C/D (16x8, .s32).
RegisterLayout ptxMmaM16N8K32S8A();
RegisterLayout ptxMmaM16N8K32S8B();
RegisterLayout ptxMmaM16N8K32C();
/// mma.m16n8k64 .s4/.u4: A (16x64), B (64x8), C/D (16x8, .s32).
RegisterLayout ptxMmaM16N8K64S4A();
RegisterLayout ptxMmaM16N8K64S4B();
RegisterLayout ptxMmaM16N8K64C();

/// ldmatrix.sync.aligned.m8n8.x{1,2,4}{.trans}.b16. Matrix j is the one whose row addresses come
/// from lanes 8j..8j+7; the logical tile places it at block (j % 2, j / 2) of 8x8 blocks:
/// x1 is 8x8, x2 is 16x8 (matrices stacked along rows), x4 is 16x16. Without .trans the tile is
/// indexed (row addressed by the lanes, element within the row); with .trans it is the same
/// stored tile, so x4 gives the mma A fragment and x2.trans the mma B fragment. std::nullopt
/// unless numMatrices is 1, 2 or 4.
std::optional<RegisterLayout> ptxLdmatrix(unsigned numMatrices, bool transpose);

/// wgmma.mma_async.m64nNk16 accumulator D (.f32, or .f16 packed in pairs) of a warpgroup of 128
/// threads, 64 x n. std::nullopt unless n is a multiple of 8 in [8, 256].
std::optional<RegisterLayout> ptxWgmmaM64NK16D(int64_t n);

// --- AMD CDNA: MFMA (wave64)
// ----------------------------------------------------------------------
/// v_mfma_f32_16x16x16f16: A (16x16), B (16x16), C/D (16x16 .f32).
RegisterLayout amdMfma16x16x16F16A();
RegisterLayout amdMfma16x16x16F16B();
RegisterLayout amdMfma16x16x16F16C();
/// v_mfma_f32_32x32x8f16: A (32x8), B (8x32), C/D (32x32 .f32).
RegisterLayout amdMfma32x32x8F16A();
RegisterLayout amdMfma32x32x8F16B();
RegisterLayout amdMfma32x32x8F16C();

// --- CPU SIMD registers
// ---------------------------------------------------------------------------
/// An AVX2 ymm register of 8 x f32: lane i holds element i (rank 1).
RegisterLayout x86Avx2F32();
/// A NEON q register of 4 x f32: lane i holds element i (rank 1).
RegisterLayout armNeonF32();

/// One catalogued instruction operand: the name used by `lowbit-layout --instruction`, the
/// constructor expression (equal to layout.str()), and the vendor document section.
struct InstructionLayoutInfo {
  std::string name;
  std::string expression;
  std::string source;
  RegisterLayout layout;
};
/// Every layout above (wgmma for n = 8, 16, 32, 64, 128, 256).
std::vector<InstructionLayoutInfo> getInstructionLayouts();

} // namespace lowbit::layout

#endif // LOWBIT_LAYOUT_INSTRUCTIONLAYOUTS_H
