//===- AttentionBench.h - Timing lowbit.attention against the machine's limits -*- C++ -*-===//
//
// One case is an MLIR function with one lowbit.attention (q [B, Hq, Sq, D], a K/V cache
// [B, Hkv, Skv, D], result f32), compiled by the JIT as lowbit-run compiles it, run on random
// inputs. A float cache (f32, f16, bf16) is read as it is, with queries of its type; an
// integer or fp8 cache (si8, ui8, si4, ui4, si2, ui2, f8E4M3FN, f8E5M2) is quantized as KIVI
// quantizes it (keys per channel in groups of 32 tokens, values per token in groups of 32
// channels, f16 scales, integer zero points for integer codes), with f16 queries:
//   1. the last query of every head is checked against lib/Reference (a causal mask is
//      relative to the end of the cache, so the reference runs that query alone);
//   2. the function is timed with the cache streamed from DRAM (rotated copies, as the mpgemm
//      cases rotate their weights; MpgemmBench.h's timeRotatedCalls);
//   3. figures: cache bytes per second over the read bandwidth (decode), and
//      4 * Hq * D * (visible query-key pairs) FLOP per second over the FMA peak (prefill).
//
//===----------------------------------------------------------------------===//
#ifndef LOWBIT_BENCH_ATTENTIONBENCH_H
#define LOWBIT_BENCH_ATTENTIONBENCH_H

#include "lowbit/Bench/MpgemmBench.h"

namespace lowbit::bench {

struct AttentionCase {
  int64_t batch = 1, qHeads = 32, kvHeads = 8, queries = 1, keys = 4096, headDim = 128;
  /// The cache's element type: "f32", "f16" or "bf16" (also the queries'), or a quantized
  /// one (see the file comment).
  std::string cache = "f16";
  bool causal = true;
  /// A #lowbit.schedule to use instead of the cost model's (its text), empty for none.
  std::string schedule;

  /// A short name, e.g. "sq1_skv4096_h32x8_d128_f16_causal".
  std::string name() const;
  /// The MLIR function @main computing it (with `queries` queries).
  std::string mlirSource(int64_t queries) const;
  /// Whether the cache is quantized (codes with scales), by its type's name.
  bool quantized() const;
  /// Query-key pairs the causal mask leaves visible (all of them without it), per query head.
  double visiblePairs() const;
};

struct AttentionResult {
  AttentionCase spec;
  std::string schedule;
  int threads = 0;
  int64_t calls = 0, copies = 0;
  double timeMs = 0, cacheBytes = 0, gbps = 0, readGbps = 0, bwFraction = 0, gflops = 0,
         peakFraction = 0, maxRelErr = 0, compileSeconds = 0;
};

/// Compiles, checks and times one case (options as for the mpgemm cases).
llvm::Expected<AttentionResult> runAttentionCase(mlir::MLIRContext &context,
                                                 const AttentionCase &spec, const Limits &limits,
                                                 const MpgemmBenchOptions &options);

/// The default set: decode (Sq = 1) over 4096 and 32768 cached tokens with f32, f16 and bf16
/// caches, and a causal prefill of 2048 tokens (f16); 32 query heads over 8 KV heads, D = 128.
/// `quick`: decode over 4096 tokens (f16) only.
std::vector<AttentionCase> defaultAttentionCases(bool quick);

/// One JSON object (one line) with the result, the case and the limits.
std::string toJson(const AttentionResult &result, const Limits &limits);

} // namespace lowbit::bench

#endif // LOWBIT_BENCH_ATTENTIONBENCH_H
