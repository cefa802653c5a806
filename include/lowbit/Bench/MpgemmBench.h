//===- MpgemmBench.h - Timing lowbit.mpgemm against the machine's limits -*- C++ -*-===//
//
// One benchmark case is an MLIR function with one lowbit.mpgemm (activations [M, K], weights
// [N, K] of some format, scales per group along K) compiled by the JIT exactly as lowbit-run
// compiles it (the fast path unless disabled), run on random inputs:
//   1. the result is checked against lib/Reference (the reference interpreter) on the first
//      and last rows of the activations: max_rel_err = max |y - ref| / max |ref| over them;
//   2. the function is timed with the weights (and their scales and zero points) streamed
//      from DRAM: enough distinct copies to exceed 4x the last-level cache are used in turn,
//      one per call (with constant weights, one compiled function per copy); median of the
//      calls after warm-up;
//   3. the figures are ratios to the limits measured in the same run (MachineLimits.h):
//      weight bytes per second over the read bandwidth, 2*M*N*K per second over the FMA peak
//      (fma schedules, the reference lowering) or the int8 dot peak (int8_dot schedules).
//
//===----------------------------------------------------------------------===//
#ifndef LOWBIT_BENCH_MPGEMMBENCH_H
#define LOWBIT_BENCH_MPGEMMBENCH_H

#include "lowbit/Bench/MachineLimits.h"

#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <string>
#include <vector>

namespace mlir {
class MLIRContext;
class ModuleOp;
} // namespace mlir

namespace lowbit::bench {

struct MpgemmCase {
  int64_t m = 1, k = 4096, n = 4096;
  /// The weight element type ("ui4", "si3", "f4E2M1FN", ...).
  std::string weights = "ui4";
  /// The activation element type: "f32", "f16", "bf16", or "si8" (with per-token f32 scales).
  std::string activations = "si8";
  /// Scales per group of `group` along K; 0 for one scale per output channel.
  int64_t group = 128;
  std::string scale = "f16";
  bool zeroPoints = false;
  /// NVFP4's second-level f32 scale.
  bool tensorScale = false;
  /// "nf4" for QLoRA's codebook (4-bit weights index it), empty for none.
  std::string codebook;
  /// A #lowbit.schedule to use instead of the cost model's (its text), empty for none.
  std::string schedule;
  /// The weight side (weights, scales, zero points, tensor scale) are constants of the function
  /// (as in a model compiled ahead of time), so the fast path may re-lay them out at compile
  /// time (packing = prepacked, group-major scales); each rotated copy is a function of its own.
  bool constantWeights = false;
  /// The weights argument is marked lowbit.prepack: each rotated copy goes through the
  /// generated prepack entry point once, before the timed calls (as a caller loading a model
  /// would), and the timed calls read the prepacked words.
  bool prepackWeights = false;
  /// f32/f16/bf16 activations quantized per token to si8 by the op (its quantize_activations
  /// opt-in), so that integer weights take the integer dot.
  bool quantizeActivations = false;

  /// A short name, e.g. "m1_k4096_n4096_ui4_g128f16_zero_si8".
  std::string name() const;
  /// The MLIR function @main computing it.
  std::string mlirSource() const;
  /// The case's format label for tables, e.g. "ui4 g128 f16 zero".
  std::string format() const;
};

struct MpgemmBenchOptions {
  /// Compile with the fast path (else the reference lowering).
  bool fastPath = true;
  /// Target time per case (s): calls are timed until this much time passed (at least
  /// minCalls, at most maxCalls).
  double seconds = 0.5;
  int minCalls = 10, maxCalls = 200;
  /// Random data seed.
  uint64_t seed = 1;
  /// Largest accepted error against the reference, relative to the largest |result| of the
  /// checked rows; a case above it fails.
  double tolerance = 1e-3;
  /// Total bytes of weight copies to rotate over (0: 4x the last-level cache, at least 64 MiB).
  int64_t rotateBytes = 0;
  /// Copies of the weight side, if positive (instead of rotateBytes' worth).
  int64_t copies = 0;
  /// The pipeline's thread-work-us (0: every call on all threads).
  int64_t threadWorkUs = 20;
  /// With a probe: the timed calls run in `rounds` rounds, each after a measurement of the read
  /// bandwidth, and the bandwidth fraction is the median over the rounds of the round's GB/s
  /// over the bandwidth just before it. Without one, the fraction is over the run's limits.
  ReadBandwidthProbe *probe = nullptr;
  int rounds = 5;
};

struct MpgemmResult {
  MpgemmCase spec;
  /// The #lowbit.schedule the op got, or "reference" when the fast path did not take it.
  std::string schedule;
  int threads = 0;
  int64_t calls = 0, copies = 0;
  double timeMs = 0, weightBytes = 0, gbps = 0, bwFraction = 0, gops = 0, peakFraction = 0;
  /// With a probe: the median of the read bandwidths measured between the rounds (GB/s), which
  /// bwFraction is relative to; else the run's limit.
  double readGbps = 0;
  /// Which peak peakFraction is relative to: "fma" or "int8".
  std::string peak;
  double maxRelErr = 0;
  /// Compile time of the case (s).
  double compileSeconds = 0;
  /// With prepackWeights: the median time of a call of the prepack entry point over the
  /// copies (ms; the call allocates its result and a temporary).
  double prepackMs = 0;
};

/// Compiles, checks and times one case. Errors: a case that does not parse or compile, a
/// failed run, results further than options.tolerance from the reference.
llvm::Expected<MpgemmResult> runMpgemmCase(mlir::MLIRContext &context, const MpgemmCase &spec,
                                           const Limits &limits,
                                           const MpgemmBenchOptions &options);

/// The default set: M in {1, 16, 128, 512} x (K, N) in {(4096, 4096), (4096, 11008),
/// (11008, 4096)} x formats (unsigned integers of 1..8 bits with zero points and int8
/// activations; 2, 3, 4 and 8 bits with constant weights at M <= 16; 2 to 8 bits with weights
/// prepacked at run time at M <= 16, 4 bits at every M; 4-bit with f32, f16 and bf16
/// activations (f32 prepacked too); MXFP4, NVFP4, MXFP6, FP8, NF4). `quick`:
/// M in {1, 16}, K = N = 4096, 4-bit only (int8 activations with run-time, run-time prepacked
/// and constant weights, f32).
std::vector<MpgemmCase> defaultMpgemmCases(bool quick);

/// Bytes of weight copies the timed calls rotate over by default: 4x the last-level cache, at
/// least 64 MiB.
int64_t defaultRotateBytes();

/// How a function's calls took: the median of the timed calls and, for the bytes each call
/// streams from DRAM, the fraction of the read bandwidth.
struct TimedCalls {
  int64_t calls = 0;
  double medianSeconds = 0;
  /// With a probe: the median of the bandwidths measured between the rounds (GB/s), which
  /// bwFraction is relative to; else the run's limit.
  double readGbps = 0, bwFraction = 0;
};

/// Times `call` (given the index of the copy of the streamed data to use, in turn over
/// `copies`) after two warm-up calls, with options' time, call counts and bandwidth probe
/// rounds (MpgemmBenchOptions; the other benchmarks take the same options).
llvm::Expected<TimedCalls> timeRotatedCalls(llvm::function_ref<llvm::Error(int64_t copy)> call,
                                            int64_t copies, double streamedBytes,
                                            const Limits &limits,
                                            const MpgemmBenchOptions &options);

/// The schedule the pipeline gives the first lowbit op of `module` that gets one (its first
/// passes, as the JIT runs them), or "reference".
std::string scheduleOf(mlir::ModuleOp module, bool fastPath, int64_t threadWorkUs);

/// One JSON object (one line) with the result, the case and the limits.
std::string toJson(const MpgemmResult &result, const Limits &limits);

} // namespace lowbit::bench

#endif // LOWBIT_BENCH_MPGEMMBENCH_H
