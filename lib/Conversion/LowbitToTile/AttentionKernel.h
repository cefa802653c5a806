//===- AttentionKernel.h - The fused attention kernels ------------*- C++ -*-===//
//
// lowbit-to-tile turns a scheduled lowbit.attention into two tile kernels
// (AttentionKernel.cpp) and host code (LowbitToTile.cpp). With R = (Hq / Hkv) * Sq rows per
// KV head (row g * Sq + i: query head g of the group, query i), BH = B * Hkv, S parts of the
// cached sequence and the schedule's TM, TN, TK (lowbit/Transforms/AttentionSchedule.h):
//
// The main kernel, grid [ceil(R / TM), BH, S], arguments (1-d memrefs):
//   qt      [BH, D, R] f32   the queries times the softmax scale, transposed so that the
//                            lanes (rows) of each head-dimension element are consecutive
//   k, v    [BH, Skv, D], [BH, Skv, Dv] as given (f32, f16, bf16), or the interchange
//                            bytes of quantized codes
//   scales, zero points      per quantized cache (K's, then V's): the scales (8-bit float
//                            scales as bytes) and zero points (integer ones as f32); each
//                            tile of codes is decoded to f32, then (x - zero) * scale
//   k_residual, v_residual   (optional) [BH, Sr, D], [BH, Sr, Dv] float: the residual window,
//                            keys Skv - Sr .. Skv - 1 (Skv counts both)
//   limits  [R] f32          the last visible key of each row: i + Skv - Sq when causal,
//                            Skv - 1 otherwise
//   starts  [R] f32          (with a sliding window of W keys) the first visible key of each
//                            row, i + Skv - Sq - W + 1; blocks skip the steps before their
//                            first row's
//   mask    [BH, R, Skv] f32 (optional) the additive mask, broadcast to every row
//   o       [S, BH, Dv, R] f32, m, l [S, BH, R] f32: each part's unnormalized output, running
//                            maximum and sum (the partial softmax state)
// Block (rb, bh, s), rows r0 = rb * TM, keys [s P, min((s + 1) P, Skv)) (P =
// attentionPartKeys), causal rows stopping at their block's last visible key:
//   m = -1e30, l = 0, o = 0
//   for each step of TN keys from j0:
//     x = qt . K^T                              [TM, TN], over D in steps of TK
//     x = softcap * tanh(x / softcap)           (softcap)
//     t = clamp(limit - (j0 + column) + 1, 0, 1)   1 for a visible key, 0 for a hidden one
//     x = x * t + (t - 1) * 1e30 + mask         hidden keys far below every visible one
//     m' = max(m, rowmax(x)), a = exp(m - m')
//     p = exp(x - m') * t                       hidden keys exactly 0
//     l = l * a + rowsum(p), o = o * a + p . V  (o read and written per TK columns)
// Lane w holds rows w, W + w, ... with their whole rows of every tile, so each row's max,
// sum and dot products stay in its lane, and K and V elements are broadcast to all lanes:
// every cached token is read once per block for all the query heads that share it.
//
// The merge kernel, grid [ceil(R / TM), BH], arguments (o, m, l, [sinks [Hkv, R] f32],
// out [BH, R, Dv] of the result type):
//   M = max(max_s m_s, sink), L = sum_s l_s exp(m_s - M) + exp(sink - M)
//   out = (sum_s o_s exp(m_s - M)) / L          (0 for a row that sees no key: L = 0, o = 0)
//
//===----------------------------------------------------------------------===//
#ifndef LOWBIT_CONVERSION_LOWBITTOTILE_ATTENTIONKERNEL_H
#define LOWBIT_CONVERSION_LOWBITTOTILE_ATTENTIONKERNEL_H

#include "lowbit/Transforms/AttentionSchedule.h"
#include "tile/TileDialect.h"

#include "mlir/IR/Builders.h"

namespace lowbit {

/// Builds the main kernel (see the file comment) at `builder`'s insertion point in a module.
tile::KernelOp buildAttentionKernel(mlir::OpBuilder &builder, mlir::Location loc,
                                    llvm::StringRef name, const AttentionProblem &problem,
                                    ScheduleAttr schedule);

/// Builds the merge kernel (see the file comment).
tile::KernelOp buildAttentionMergeKernel(mlir::OpBuilder &builder, mlir::Location loc,
                                         llvm::StringRef name, const AttentionProblem &problem,
                                         ScheduleAttr schedule);

/// The element types of a quantized cache's scale and zero-point buffers: 8-bit float scales
/// as their bytes (i8), integer zero points as f32 values, float zero points as they are.
mlir::Type attentionScaleBufferType(const AttentionCacheScheme &cache);
mlir::Type attentionZeroBufferType(const AttentionCacheScheme &cache);

/// The last visible key of each row (the kernel's `limits`).
std::vector<float> attentionRowLimits(const AttentionProblem &problem);
/// With a sliding window, the first visible key of each row (the kernel's `starts`; may be
/// negative).
std::vector<float> attentionRowStarts(const AttentionProblem &problem);

} // namespace lowbit

#endif // LOWBIT_CONVERSION_LOWBITTOTILE_ATTENTIONKERNEL_H
