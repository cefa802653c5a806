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
//   TN       cached tokens per step of the online softmax (one score tile [TM, TN]);
//   TK       the head-dimension step of both products (divides D and Dv);
//   S        parts of the cached sequence, computed by different blocks (decode: more blocks
//            than KV heads to keep every core busy) and merged by a second kernel.
//
//===----------------------------------------------------------------------===//
#ifndef LOWBIT_TRANSFORMS_ATTENTIONSCHEDULE_H
#define LOWBIT_TRANSFORMS_ATTENTIONSCHEDULE_H

#include "lowbit/Transforms/MpgemmSchedule.h"

#include <optional>
#include <string>

namespace lowbit {

/// A lowbit.attention with static shapes and float K and V, as the fused kernel computes it.
struct AttentionProblem {
  int64_t batch = 0, qHeads = 0, kvHeads = 0, queries = 0, keys = 0, headDim = 0, valueDim = 0;
  mlir::Type qType, kType, vType, resultType, maskType;
  bool causal = false, hasMask = false, hasSinks = false;
  float scale = 1;
  std::optional<float> softcap;

  int64_t groupSize() const { return qHeads / kvHeads; }
  /// Rows per KV head: (Hq / Hkv) * Sq.
  int64_t rows() const { return groupSize() * queries; }
};

/// The problem of `op`, or nullopt with the reason in `whyNot` when the fused kernel does not
/// take it (quantized K or V, dynamic shapes).
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
