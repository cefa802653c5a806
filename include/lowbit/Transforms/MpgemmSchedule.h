//===- MpgemmSchedule.h - lowbit.mpgemm as the fast path sees it -*- C++ -*-===//
//
// What lowbit-select-schedules and lowbit-to-tile agree on for `lowbit.mpgemm`:
//   - analyzeMpgemm: the problem (sizes, formats, schemes), or the reason the fast path does
//     not take the op (it then stays on the reference lowering, lowbit-to-linalg);
//   - selectMpgemmSchedule: the cost model's schedule for a target;
//   - checkMpgemmSchedule: whether a schedule (written by hand or selected) fits the problem,
//     with a located error naming the field that does not;
//   - the register layouts every generated kernel uses, derived from the schedule.
//
//===----------------------------------------------------------------------===//
#ifndef LOWBIT_TRANSFORMS_MPGEMMSCHEDULE_H
#define LOWBIT_TRANSFORMS_MPGEMMSCHEDULE_H

#include "lowbit/Layout/Layout.h"
#include "lowbit/LowbitDialect.h"
#include "lowbit/Target/CpuTarget.h"

#include <numeric>
#include <optional>
#include <string>

namespace lowbit {

/// How the codes of a weight (or activation) format read as numbers.
enum class CodeKind {
  Unsigned, // uiN
  Signed,   // siN
  Ternary,  // !lowbit.ternary
  Float,    // f4E2M1FN, f8E4M3FN, !lowbit.float, ...
};

/// A lowbit.mpgemm with static shapes, as the fast path computes it.
struct MpgemmProblem {
  /// M is the product of the activation's leading axes.
  int64_t m = 0, n = 0, k = 0;
  mlir::Type actType, weightType, resultType;
  unsigned weightBits = 0;
  CodeKind weightKind = CodeKind::Unsigned;
  SchemeAttr weightScheme;
  /// Scales along K: one per group of `groupSize` (K itself for per-channel and per-tensor).
  int64_t groupSize = 0, numGroups = 0;
  bool perTensorScale = false;
  bool hasZero = false, hasTensorScale = false, hasBias = false;
  /// Activations: real (f32/f16/bf16), or low-bit with `actScheme` (per tensor or per token).
  bool realActivations = true;
  SchemeAttr actScheme;
  bool actPerToken = false, actHasZero = false;
  /// Activation scales per token and group of actGroupSize codes along K (scales
  /// [M, ceil(K / actGroupSize)]; any size); 0 otherwise.
  int64_t actGroupSize = 0;
  unsigned actBits = 0;
  CodeKind actKind = CodeKind::Float;
  /// The weight is an arith.constant (it can be re-laid-out at compile time).
  bool constantWeights = false;
  /// The weight is a function argument marked `lowbit.prepack` (a generated entry point
  /// re-lays it out at run time, once; see getPrepackArgument).
  mlir::BlockArgument prepackArgument;

  /// The codes of K over which the kernels sum products before they meet one weight scale
  /// and one activation scale: a weight group, cut where activation groups that do not
  /// contain it begin (their greatest common divisor; with a single weight group along K,
  /// the activation groups themselves).
  int64_t sumGroupSize() const {
    if (!actGroupSize || actGroupSize % groupSize == 0 ||
        (numGroups == 1 && actGroupSize >= groupSize))
      return groupSize;
    return numGroups > 1 ? std::gcd(actGroupSize, groupSize) : actGroupSize;
  }
  /// The sum groups (above) of each group of weights: 1 unless activation groups cut them.
  int64_t actSubGroups() const { return (groupSize + sumGroupSize() - 1) / sumGroupSize(); }
  int64_t numSumGroups() const { return (k + sumGroupSize() - 1) / sumGroupSize(); }

  /// Whether the weights can be re-laid-out into the order the kernel loads (prepacked).
  bool prepackableWeights() const { return constantWeights || prepackArgument; }

  /// Whether the int8_dot family applies: integer (or ternary) weights, or weights it reads
  /// through a byte table (int8TableWeights), and integer activations of up to 8 bits (signed
  /// or not, with or without zero points).
  bool allowsInt8Dot() const;
  /// 4-bit float weights (f4E2M1FN, without a codebook) whose values, doubled, are the
  /// integers -12..12: int8_dot reads them through a byte table (mpgemmInt8WeightTable).
  bool int8TableWeights() const;
  /// Whether the lut family applies: integer or ternary weights of 1 or 2 bits without a
  /// codebook, activations without zero points.
  bool allowsLut() const;
};

/// The argument attribute that asks for a weight argument to be prepacked by a generated entry
/// point (`@<function>_prepack`) instead of read in interchange packing on every call.
inline constexpr llvm::StringLiteral kPrepackAttrName = "lowbit.prepack";

/// The entry-block argument of a func.func marked `lowbit.prepack` that `weights` is (directly,
/// or through the lowbit.unpack the interchange ABI puts after it), or null.
mlir::BlockArgument getPrepackArgument(mlir::Value weights);

/// The problem, or nullopt with `whyNot` saying why the fast path does not take the op.
std::optional<MpgemmProblem> analyzeMpgemm(MpgemmOp op, std::string &whyNot);

/// Where the kernels of a schedule run.
struct ScheduleTarget {
  enum class Kind { CPU, CUDA } kind = Kind::CPU;
  /// The CPU (Kind::CPU): its lanes are the workers of a block.
  const CpuTarget *cpu = nullptr;
  /// Threads per block (Kind::CUDA).
  int64_t gpuThreads = 128;
  /// Threads the kernels will run on (CPU): enough blocks are made to keep them busy.
  int64_t threads = 1;
  /// Microseconds of one core's work (estimated) that pay for one more thread of a call (CPU):
  /// smaller calls get fewer threads (the schedule's `threads`); 0 never caps them.
  double threadWorkUs = 20;
};

/// The cost model's schedule for `problem` on `target`, or null when no schedule of the
/// model fits (the op then stays on the reference lowering).
ScheduleAttr selectMpgemmSchedule(mlir::MLIRContext *context, const MpgemmProblem &problem,
                                  const ScheduleTarget &target);

/// Why `schedule` does not fit `problem` (a sentence naming the field), or "" when it does.
std::string explainMpgemmScheduleMisfit(const MpgemmProblem &problem, ScheduleAttr schedule);

/// Whether `schedule` fits `problem`; otherwise an error at `op` naming the field.
mlir::LogicalResult checkMpgemmSchedule(mlir::Operation *op, const MpgemmProblem &problem,
                                        ScheduleAttr schedule);

// --- The layouts of a generated mpgemm kernel (W workers, R = TN / W column groups) ----------

/// The result tile [TM, TN]: worker w holds columns r*W + w of every row, local m*R + r.
layout::RegisterLayout mpgemmResultLayout(ScheduleAttr schedule);
/// The activation tile [TM, TK]: every worker holds all of it (replicated), row-major.
layout::RegisterLayout mpgemmActivationLayout(ScheduleAttr schedule);

/// Panel schedules (panel = P): the codes of K per chunk of a block's weight panel (KC), about
/// 256: whole blocks of scale_groups groups for grouped weights, whole steps of TK otherwise.
int64_t mpgemmPanelChunk(const MpgemmProblem &problem, ScheduleAttr schedule);
/// Panel schedules: the chunks of K, ceil(K / KC).
int64_t mpgemmPanelChunks(const MpgemmProblem &problem, ScheduleAttr schedule);
/// Panel schedules: the tiles of TM rows of the packed activations, ceil(M / TM).
int64_t mpgemmPanelTiles(const MpgemmProblem &problem, ScheduleAttr schedule);
/// Panel schedules: the bytes of shared memory a block uses, its f32 panel [KC, TN] and
/// accumulators [ceil(P / TM) TM, TN].
int64_t mpgemmPanelSharedBytes(const MpgemmProblem &problem, ScheduleAttr schedule);
/// The weight tile [TK, TN] (codes): the schedule's weight_layout, or by default
/// mpgemmColumnWeightLayout.
layout::RegisterLayout mpgemmWeightLayout(ScheduleAttr schedule);
/// A [rows, tileN] tile whose worker w holds whole columns r*W + w, local r*rows + k (codes of
/// a column consecutive, as in interchange packing).
layout::RegisterLayout mpgemmColumnWeightLayout(int64_t rows, int64_t tileN, int64_t workers);
/// For int8_dot weights of 1, 2 or 4 bits (b): the weight layout in the order the SIMD byte
/// dot unpacks a 32-bit word of codes (byte vector c holds, in byte i, the code at bits
/// [((8/b) i + c) b, ...)), with those codes at k = 4c + i of the word's range, so that each
/// byte vector pairs with a 4-byte activation word as loaded. Modes of K: [word j, byte
/// vector c, byte i]; of N: [column group r, worker w]; local order r, j, i, c. None for other
/// widths or a tile K that is not whole words.
std::optional<layout::RegisterLayout>
mpgemmByteOrderWeightLayout(int64_t bits, int64_t tileK, int64_t tileN, int64_t workers);
/// Whether the schedule reads interchange weights in the byte order above, so that the
/// activations must be permuted to match: within each word's range of P = 32/b codes,
/// a'[4c + i] = a[(8/b) i + c].
bool mpgemmPermutesActivations(const MpgemmProblem &problem, ScheduleAttr schedule);
/// The bit planes of prepacked int8_dot weights of 3, 5, 6 or 7 bits ([2, 1], [4, 1], [4, 2],
/// [4, 2, 1]; tile.view's `planes`), so that the dot unpacks them into bytes with a shift and
/// a mask per plane as it does 1-, 2- and 4-bit codes; empty for other weights and schedules,
/// and where a worker's codes per step are not a multiple of 32 / the smallest plane.
llvm::SmallVector<int64_t, 3> mpgemmWeightPlanes(const MpgemmProblem &problem,
                                                 ScheduleAttr schedule);
/// The lut family's table of sums [1, 16], spread over the W workers: entry r * W + w at
/// worker w, local r (on x86, the vpermps tables as they are).
layout::RegisterLayout mpgemmLutTableLayout(ScheduleAttr schedule);
/// The lut family's decoding table [4 / b, 16] (b = `bits`): worker w holds entries r * W + w
/// of every row, local r * (4 / b) + i, so that the table of sums is a dot of the activations
/// with it.
layout::RegisterLayout mpgemmLutDecodingLayout(ScheduleAttr schedule, unsigned bits);
/// Per-group values of a block [GB, TN] (scales, zero points): worker w holds its columns'
/// values for every group, local r*GB + g.
layout::RegisterLayout mpgemmGroupLayout(ScheduleAttr schedule);
/// One row of per-column values [1, TN] (a group's scales, the bias).
layout::RegisterLayout mpgemmColumnLayout(ScheduleAttr schedule);
/// Per-row values [TM, 1] (activation sums, per-token scales), held by every worker.
layout::RegisterLayout mpgemmRowLayout(ScheduleAttr schedule);

} // namespace lowbit

#endif // LOWBIT_TRANSFORMS_MPGEMMSCHEDULE_H
