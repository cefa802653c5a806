//===- AttentionSchedule.h - The fused attention kernel's problem and schedule -*- C++ -*-===//
//
// What lowbit-to-tile's fused attention kernel computes for a lowbit.attention (the problem,
// shapes folded into rows per KV head) and how a #lowbit.schedule maps onto it:
//
//   #lowbit.schedule<fma, workers = W, tile = [TM, TN, TK], split_k = S[, threads = T]>
//
//   rows     R = (Hq / Hkv) * Sq per KV head: query head g of the group, query i is row
//            g * Sq + i; a block computes TM of them (TM a multiple of W; lane w holds rows
//            w, W + w, ...), so each cached token is read once for all the query heads that
//            share its KV head;
//   TN       cached tokens per step of the online softmax (one score tile [TM, TN]); with a
//            quantized cache whose scales change every G tokens (G > 1), TN divides G;
//   TK       the head-dimension step of both products (divides D and Dv); with a quantized
//            cache, TK codes are whole bytes and TK divides the channels per scale;
//   S        parts of the cached sequence, computed by different blocks (decode: more blocks
//            than KV heads to keep every core busy) and merged by a second kernel.
//
//===----------------------------------------------------------------------===//
#ifndef LOWBIT_TRANSFORMS_ATTENTIONSCHEDULE_H
#define LOWBIT_TRANSFORMS_ATTENTIONSCHEDULE_H

#include "lowbit/Transforms/MpgemmSchedule.h"

#include <array>
#include <optional>
#include <string>

namespace lowbit {

/// How the fused kernel reads a quantized K or V cache ([B, Hkv, Skv, D]): codes of
/// `codeType` as interchange bytes, scales of `scaleType` and optional zero points (integer
/// zero points converted to f32 by the host, float ones of the scale type). The scale of
/// element (b, h, j, c) is the one at the row-major index over `extents` of (b / divisors[0],
/// h / divisors[1], j / divisors[2], c / divisors[3]); a divisor of 0 means the axis does not
/// index the scale (its extent is 1).
struct AttentionCacheScheme {
  enum class Zero { None, Int, Float };
  mlir::Type codeType; ///< null: a float cache, read as it is
  mlir::Type scaleType;
  Zero zero = Zero::None;
  std::array<int64_t, 4> extents = {1, 1, 1, 1}, divisors = {0, 0, 0, 0};

  bool quantized() const { return static_cast<bool>(codeType); }
  unsigned codeBits() const;
};

/// A lowbit.attention with static shapes, as the fused kernel computes it.
struct AttentionProblem {
  int64_t batch = 0, qHeads = 0, kvHeads = 0, queries = 0, keys = 0, headDim = 0, valueDim = 0;
  mlir::Type qType, kType, vType, resultType, maskType;
  bool causal = false, hasMask = false, hasSinks = false;
  /// A sliding window of this many keys (0: none).
  int64_t window = 0;
  float scale = 1;
  std::optional<float> softcap;
  AttentionCacheScheme kScheme, vScheme;
  /// A residual window: its tokens (the last `residualKeys` of `keys`) and their types.
  int64_t residualKeys = 0;
  mlir::Type kResidualType, vResidualType;

  int64_t groupSize() const { return qHeads / kvHeads; }
  /// The tokens of the (quantized or float) cache, before the residual window.
  int64_t cachedKeys() const { return keys - residualKeys; }
  /// Rows per KV head: (Hq / Hkv) * Sq.
  int64_t rows() const { return groupSize() * queries; }
};

/// The problem of `op`, or nullopt with the reason in `whyNot` when the fused kernel does not
/// take it (dynamic shapes, cache formats it does not read).
std::optional<AttentionProblem> analyzeAttention(AttentionOp op, std::string &whyNot);

/// The cost model's schedule for `problem` on `target` (CPU only; null for other targets).
ScheduleAttr selectAttentionSchedule(mlir::MLIRContext *context, const AttentionProblem &problem,
                                     const ScheduleTarget &target);

/// Whether `schedule` fits `problem`; otherwise an error at `op` naming the field.
mlir::LogicalResult checkAttentionSchedule(mlir::Operation *op, const AttentionProblem &problem,
                                           ScheduleAttr schedule);

/// Blocks of rows per KV head: ceil(R / TM).
int64_t attentionRowBlocks(const AttentionProblem &problem, ScheduleAttr schedule);
/// Cached tokens per part of the sequence: ceil(Skv / S) rounded up to whole steps of TN.
int64_t attentionPartKeys(const AttentionProblem &problem, ScheduleAttr schedule);

} // namespace lowbit

#endif // LOWBIT_TRANSFORMS_ATTENTIONSCHEDULE_H
