//===- MpgemmKernel.h - The tile kernels of a scheduled lowbit.mpgemm -*- C++ -*-===//
//
// lowbit-to-tile turns a scheduled `lowbit.mpgemm` into tile kernels (this file's builders:
// MpgemmKernel.cpp for the main kernel, MpgemmSideKernels.cpp for those launched around it
// and, for weight re-layout, MpgemmWeights.cpp) and host code that hands them
// buffers (LowbitToTile.cpp).
//
// The main kernel: grid [ceil(N / TN), ceil(M / TM)] (blocks of one column tile are
// consecutive; split_k = S > 1 adds a third dimension of S parts of K), W workers, arguments
// (all 1-d memrefs):
//
//   act      [M, K]        the activations as the caller passed them (f32/f16/bf16, or the bytes
//                          of low-bit codes)
//   weights  [N, RB] bytes (interchange: rows of codes, LSB first, RB = ceil(K * bits / 8)) or
//                          [NB * KT, R * J * W] i32 words (prepacked: the words of block nb,
//                          K step kt, column group r, word j, worker w in that order)
//   scales   [N, G]        per group (G = 1 per channel; a single value per tensor)
//   zeros    [N, ZB] bytes / [N, G]   integer zero points (packed along groups) / float ones
//   sums     [M, G] f32    sum of the activations of each row over each group (zero points;
//                          over the pieces of groups that activation groups cut instead)
//   act_scale, act_zero    [M] or [1] or [M, K / GA] (groups along K); zero points as bytes
//                          of 8-bit codes, f32 values of narrower ones, or float ones,
//   bias [N], tensor_scale [1]
//   codebook [2^b]         the table codebook weights index (f32, or the operand's f16/bf16);
//                          for the lut family instead: its tables [M, 16 * slices] f32; for
//                          int8_dot with 4-bit float weights: the byte table
//                          (mpgemmInt8WeightTable) [16] i8
//   out      [M, N]         (split_k > 1: [S * P, N] f32, the parts' partial results, P =
//                          max(M, TM) rows each, which a second kernel, buildSplitKSumKernel,
//                          sums into the result)
//
// Block (bn, bm) covers rows m0 = bm * TM and columns n0 = bn * TN, except that the last
// block of a dimension the tile does not divide moves back to end at the edge (m0 = M - TM;
// n0 = N - TN with interchange weights), overlapping its neighbour: the overlapped results are
// computed alike by both and written twice with the same values. Blocks inside the matrix
// read and write with `in_bounds`; only tiles larger than the matrix keep masked edges.
//
// Its body, per block (m0, n0):
//   acc = 0                                                      [TM, TN] f32
//   for each block of GB groups:
//     s = scales of the GB groups, z = zero points               [GB, TN]  (one load each)
//     for each group g of the block (unrolled):
//       p = 0                                                    [TM, TN] i32 (int8_dot) / f32
//       for each step of TK codes in the group:
//         w = the step's weight codes  (load bytes or words, tile.view as the code type)
//         a = the step's activations   (replicated: every worker holds all of them; fma:
//                                         minus their zero points, loaded once per block)
//         p = tile.dot(a, w, p)        (fma: both tile.cast to f32 first; codebook codes
//                                         tile.lookup in the codebook instead; int8_dot with
//                                         4-bit float weights: tile.lookup in the byte table)
//       p = p - z[g] * sums[g]         (zero points, folded through the activation sums)
//       acc = acc + p * s[g]
//   acc = acc * act_scale * tensor_scale + bias; store as the result type
//
// Activation scales in groups of GA along K: when GA is a multiple of the group size, p is
// also multiplied by its rows' scale of the activation group holding g; when GA divides it,
// the steps of each activation group inside g make a p of their own, which is corrected by
// its own sums and multiplied by its rows' scale before the p's of g are added up.
//
// With split_k = S, part s of K covers the blocks of groups [s C, (s + 1) C), C =
// ceil(blocks / S), adds the bias only when s = 0, and stores its f32 partial result.
//
// With panel = P (fma, float activations), grid [ceil(N / TN), ceil(M / P)]: block (bn, bc)
// covers rows bc P .. min(M, (bc + 1) P) in tiles of TM (the last tile of M moved back to end
// at M) and reads the activations packed by buildActivationPackKernel (`act` is then that
// f32 buffer). Its body:
//   acc[tiles * TM, TN] = 0                                  shared
//   for each chunk of KC codes of K (mpgemmPanelChunk):
//     for each step of the chunk (its blocks of groups, or steps of the one group):
//       panel[k - chunk start] = (value(codes) - z[g]) * s[g]  shared [KC, TN] f32
//     for each tile t: acc[t] += the tile's packed activations . panel, step by step
//   for each tile t: acc[t] * tensor_scale + bias, stored as the result type
// (no activation sums: the zero points are applied to the panel).
//
// The sums kernel (when zero points need them): grid [M, G] (or [M, pieces of K]), one group
// of one row per block, reduced across the lanes.
//
//===----------------------------------------------------------------------===//
#ifndef LOWBIT_CONVERSION_LOWBITTOTILE_MPGEMMKERNEL_H
#define LOWBIT_CONVERSION_LOWBITTOTILE_MPGEMMKERNEL_H

#include "lowbit/Transforms/MpgemmSchedule.h"
#include "tile/TileDialect.h"

#include "mlir/IR/Builders.h"

#include <vector>

namespace lowbit {

/// Which optional arguments the main kernel has, and the element types of its buffers.
struct MpgemmKernelSignature {
  mlir::Type act, weights, scales, zeros, actScale, actZero, bias, table, out;
  bool hasSums = false, hasTensorScale = false;
  /// Scales and zero points in groups are [G, N] (constants re-laid-out at compile time; integer
  /// zero points as their values in bytes) rather than [N, G] (integer zero points packed along
  /// the groups).
  bool groupMajor = false;
  /// Weights were re-laid-out as unsigned codes value + codeOffset (prepacked int8_dot with
  /// signed or ternary weights): the kernel subtracts codeOffset * sums.
  int64_t codeOffset = 0;

  /// The kernel's argument types, in order.
  llvm::SmallVector<mlir::Type> argumentTypes(mlir::MLIRContext *context) const;
};

/// The byte table through which int8_dot reads 4-bit float weights
/// (MpgemmProblem::int8TableWeights): entry c is 2 value(c) + offset, from 0 to 24, which the dot
/// reads as ui5 codes; the kernel subtracts offset times the activation sums (as it does for the
/// offset of signed codes, MpgemmKernelSignature::codeOffset) and multiplies its result by
/// valueScale (1/2). Exact: every product and sum is an integer.
struct Int8WeightTable {
  std::vector<int8_t> entries;
  int64_t offset = 0;
  float valueScale = 1;
  unsigned bits = 0;
};
Int8WeightTable mpgemmInt8WeightTable(const MpgemmProblem &problem);

/// Builds the main kernel of `problem` with `schedule` at `builder`'s insertion point (in a
/// module) under the name `name`.
tile::KernelOp buildMpgemmKernel(mlir::OpBuilder &builder, mlir::Location loc, llvm::StringRef name,
                                 const MpgemmProblem &problem, ScheduleAttr schedule,
                                 const MpgemmKernelSignature &signature);

/// Builds the kernel that writes sums[m, g] = sum over group g of act[m, :] (f32); arguments
/// (act, sums). At most `workers` lanes per block (fewer for small groups).
tile::KernelOp buildActivationSumsKernel(mlir::OpBuilder &builder, mlir::Location loc,
                                         llvm::StringRef name, const MpgemmProblem &problem,
                                         mlir::Type actBuffer, int64_t workers);

/// Builds the kernel that writes wide[m, k] = f32(act[m, k]) for float activations of
/// `problem` (f16, bf16); arguments (act, wide); grid [M, K / (16 workers)], each lane a run
/// of 16 elements.
tile::KernelOp buildActivationWidenKernel(mlir::OpBuilder &builder, mlir::Location loc,
                                          llvm::StringRef name, const MpgemmProblem &problem,
                                          int64_t workers);

/// Builds the kernel that packs the activations of a panel schedule for the main kernel:
/// arguments (act [M, K] as the caller passed them, packed [C * T * KC * TM] f32 for C chunks
/// of KC codes); tile g holds rows r0 = min(g TM, M - TM) .. r0 + TM, and element (r, k) of
/// chunk c = k / KC is at ((c T + g) KC + k - c KC) TM + r (zero for k >= K): the TM
/// activations a step broadcasts per k are adjacent, and one chunk of all tiles is one
/// stream. Grid [T, C]; each block steps over its chunk W codes at a time, lane w holding
/// code w of the step of every row of the tile.
tile::KernelOp buildActivationPackKernel(mlir::OpBuilder &builder, mlir::Location loc,
                                         llvm::StringRef name, const MpgemmProblem &problem,
                                         ScheduleAttr schedule);

/// Rows P per part of K in a split-K main kernel's partial results [S * P, N]: max(M, TM), so
/// that a block whose tile overhangs M (TM > M) stays in its own part.
int64_t mpgemmSplitPartRows(const MpgemmProblem &problem, ScheduleAttr schedule);

/// Builds the kernel that sums the parts of a split-K main kernel: out[m, n] = the sum over
/// parts s of partials[s * P + m, n] (P = mpgemmSplitPartRows), as the result type; arguments
/// (partials [S * P, N] f32, out [M, N]); grid [M, N / (8 workers)], each lane a run of 8
/// columns.
tile::KernelOp buildSplitKSumKernel(mlir::OpBuilder &builder, mlir::Location loc,
                                    llvm::StringRef name, const MpgemmProblem &problem,
                                    ScheduleAttr schedule);

/// The lut family's decoding table [4 / b, 16] (row-major): entry [i, x] is the value of the
/// i-th code of 4-bit slice x (bits [i b, (i + 1) b)), so that the table of activations
/// a[0 .. 4 / b) is a * decoding.
std::vector<float> mpgemmLutDecoding(const MpgemmProblem &problem);

/// Columns of the lut family's tables per row of activations: 16 per slice of 4 / b codes,
/// over whole steps of K.
int64_t mpgemmLutTableColumns(const MpgemmProblem &problem, ScheduleAttr schedule);

/// The lut family's tables kernel: arguments (act, decoding [4 / b, 16] f32 (mpgemmLutDecoding),
/// tables [M, mpgemmLutTableColumns] f32), grid [steps of K, M]. Block (kt, m) writes, for
/// each slice j of g = 4 / b codes of the step, t[x] = sum_i a[m, k + j g + i] * value(code i
/// of x) for the 16 slices x (a tile.dot of the activations with the decoding table; zero
/// beyond K), at columns 16 (k / g + j) ...
tile::KernelOp buildLutTablesKernel(mlir::OpBuilder &builder, mlir::Location loc,
                                    llvm::StringRef name, const MpgemmProblem &problem,
                                    ScheduleAttr schedule, mlir::Type actBuffer);

/// The grid of the main kernel.
llvm::SmallVector<int64_t> mpgemmGrid(const MpgemmProblem &problem, ScheduleAttr schedule);

/// The shape of the prepacked words of `problem`'s weights for `schedule`: [NB * KT, J * W]
/// (NB blocks of N, KT steps of K, J words of each of the W workers per step).
llvm::SmallVector<int64_t, 2> prepackedWordsShape(const MpgemmProblem &problem,
                                                  ScheduleAttr schedule);

/// The offset the int8_dot family adds to signed (2^(bits-1)) or ternary (1) weight codes when
/// it re-lays them out, so that they read as unsigned bytes; 0 otherwise.
int64_t prepackCodeOffset(const MpgemmProblem &problem, ScheduleAttr schedule);

/// The kernel that prepacks weights at run time into the words prepackWeights makes at compile
/// time (codes offset by prepackCodeOffset): arguments (bytes [N, RB] i8, words
/// [NB * KT, J * W] i32), grid [NB, KT], W workers. Each block reads its step of interchange
/// bytes as the interchange loads do (worker = column, codes along K), offsets the codes,
/// moves them into the schedule's weight layout within each worker (tile.broadcast without
/// broadcast dimensions) and stores the workers' registers as they are. Codes outside N and K
/// are zero bytes (offset, where there is an offset).
tile::KernelOp buildPrepackKernel(mlir::OpBuilder &builder, mlir::Location loc,
                                  llvm::StringRef name, const MpgemmProblem &problem,
                                  ScheduleAttr schedule);

/// Prepacked words of constant weight codes (`codes[n * K + k]`, zero-extended, each stored as
/// transform(code)) for `schedule`: row nb * KT + kt holds, at column word * W + w, word
/// `word` of worker w's bits of the step's weight tile in the schedule's weight layout
/// (local l at bits [l * bits, (l + 1) * bits)); codes outside N and K are transform(0), as the
/// prepack kernel stores them. Row-major [NB * KT, R * J * W].
std::vector<int32_t> prepackWeights(llvm::ArrayRef<uint8_t> codes, const MpgemmProblem &problem,
                                    ScheduleAttr schedule,
                                    llvm::function_ref<uint32_t(uint32_t)> transform);

} // namespace lowbit

#endif // LOWBIT_CONVERSION_LOWBITTOTILE_MPGEMMKERNEL_H
