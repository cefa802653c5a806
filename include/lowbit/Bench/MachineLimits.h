//===- MachineLimits.h - Measured memory and compute limits of this host -*- C++ -*-===//
//
// Plain C++17 (no LLVM, no MLIR, no exceptions). The benchmark tools report a kernel's speed as
// a ratio to the limits of the machine it ran on, measured in the same run: the shared build
// machines differ in kind and move by tens of percent between hours, so an absolute time from
// another run means little.
//
// The measurements, each the median of several timed repeats after one untimed warm-up, all
// threads pinned (thread i on the i-th CPU this process may run on) and released together from
// a spinning barrier; a repeat lasts from the release to the last thread's finish. Compute
// repeats are sized to about 60 ms each.
//
//   readBandwidth  GB/s (1e9 bytes per second). Every thread sums its own contiguous share of a
//                  buffer far larger than any last-level cache (1 GiB by default) with the widest
//                  vector loads, into several accumulators. Each thread first-touches its share,
//                  so the pages sit on its memory node. The sums are checked against the fill
//                  pattern: a read that was skipped or summed wrong gives value 0, not a speed.
//   fmaPeak        GFLOP/s. vfmadd231ps on the widest registers (zmm with AVX-512F, else ymm)
//                  on 12 independent accumulator chains per thread (more than latency x
//                  throughput: 4 x 2 on Zen3/Zen5/Skylake); 2 flops per fp32 lane.
//   int8DotPeak    GOP/s. The best u8 x s8 dot instruction of the host: vpdpbusd zmm
//                  (AVX512-VNNI), else vpdpbusd ymm (AVX-VNNI), else the AVX2 sequence
//                  vpmaddubsw + vpmaddwd (by ones) + vpaddd. 2 ops (multiply, add) per u8 x s8
//                  product: 64 ops per ymm vpmaddubsw sequence, 128 per zmm vpdpbusd.
//                  vpdpbusd runs 12 accumulator chains; the AVX2 sequence 8 independent
//                  products into 4 accumulators (its only loop-carried step is the 1-cycle
//                  vpaddd).
//   fmaPeakYmm, int8DotPeakAvx2
//                  the same with ymm FMA and with the AVX2 sequence, also on AVX-512 hosts:
//                  code generated for AVX2 only is measured against these.
//
// A measurement that cannot run here (non-x86 build, host without AVX2+FMA, allocation failure)
// has value 0 and says why in `how`.
//
// Example:
//
//   lowbit::bench::Limits limits = lowbit::bench::measureLimits();
//   double fraction = gemvBytes / gemvSeconds / 1e9 / limits.readBandwidth.value;
//   std::printf("%s\n", lowbit::bench::formatLimits(limits).c_str());
//
// The measuring kernels are listed at the end of this header, so that tests can check that each
// computes its documented result (a kernel that is optimized away or computes garbage would
// report any speed at all).
//
//===----------------------------------------------------------------------===//
#ifndef LOWBIT_BENCH_MACHINELIMITS_H
#define LOWBIT_BENCH_MACHINELIMITS_H

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace lowbit::bench {

/// The vector extensions this host and its OS support (false everywhere on non-x86 builds).
struct IsaInfo {
  bool avx2 = false;
  bool fma = false;
  bool f16c = false;
  bool avx512f = false;
  bool avx512bw = false;
  bool avx512vl = false;
  bool avx512vnni = false;
  bool avx512bf16 = false;
  bool avxvnni = false; // VEX-encoded vpdpbusd ymm (Alder Lake, Zen5)
  /// "avx512+vnni+bf16", "avx512", "avx2+fma+avxvnni", "avx2+fma", "baseline".
  std::string describe() const;
};

/// Reads the features with __builtin_cpu_supports (AVX-VNNI from cpuid leaf 7, subleaf 1).
IsaInfo detectIsa();

/// The threads compiled kernels use (lowbit_threads_from_environment, lib/Runtime/Threads.cpp):
/// LOWBIT_NUM_THREADS when it is a positive integer, else the CPUs this process may run on.
int defaultThreads();

/// The CPUs this process may run on, in increasing order; thread i is pinned to entry
/// i % size(). Empty where the OS does not say (then threads are not pinned).
std::vector<int> allowedCpus();

struct Measurement {
  double value = 0;        ///< 0 when not measured
  std::string unit;        ///< "GB/s", "GFLOP/s", "GOP/s"
  std::string instruction; ///< what was timed: "vfmadd231ps zmm"; empty when not measured
  std::string how;         ///< "vfmadd231ps zmm, 12 chains, 2 threads, median of 5 x 60 ms"
  bool measured() const { return value > 0; }
};

/// `threads <= 0` means defaultThreads(). Repeats are timed after one untimed warm-up run.
Measurement measureReadBandwidth(int threads, size_t bytes = size_t(1) << 30, int repeats = 5);
Measurement measureFmaPeak(int threads, int repeats = 5);

struct ReadKernel;

/// The read-bandwidth measurement's buffer, allocated and first-touched once, for measuring
/// again and again during a benchmark: a kernel's speed is then compared with the bandwidth of
/// the same seconds (on a shared host it moves by tens of percent between minutes).
class ReadBandwidthProbe {
public:
  ReadBandwidthProbe(int threads, size_t bytes);
  ~ReadBandwidthProbe();
  ReadBandwidthProbe(const ReadBandwidthProbe &) = delete;
  ReadBandwidthProbe &operator=(const ReadBandwidthProbe &) = delete;
  /// The median of `repeats` timed passes over the buffer (after one untimed pass with
  /// `warmUp`).
  Measurement measure(int repeats, bool warmUp);

private:
  int threads;
  size_t share = 0;
  uint64_t *words = nullptr;
  const ReadKernel *kernel = nullptr;
  Measurement failure; ///< what measure() returns when the buffer or a kernel is missing
};
Measurement measureFmaPeakYmm(int threads, int repeats = 5);
Measurement measureInt8DotPeak(int threads, int repeats = 5);
Measurement measureInt8DotPeakAvx2(int threads, int repeats = 5);

struct Limits {
  IsaInfo isa;
  int threads = 0;
  Measurement readBandwidth;
  Measurement fmaPeak;
  Measurement int8DotPeak;
  Measurement fmaPeakYmm;      ///< a copy of fmaPeak where that already used ymm
  Measurement int8DotPeakAvx2; ///< a copy of int8DotPeak where that already was the AVX2 sequence
};

/// All of the above, on `threads` threads (defaultThreads() when <= 0). Takes about a second
/// plus the first touch of the 1 GiB buffer (seconds on a fresh VM, whose host backs guest
/// memory lazily).
Limits measureLimits(int threads = 0);

/// One line per measurement: "read bandwidth   31.2 GB/s   (vmovdqu ymm + vpaddq, ...)".
std::string formatLimits(const Limits &limits);

//===----------------------------------------------------------------------===//
// The measuring kernels
//===----------------------------------------------------------------------===//

/// The extension a kernel needs.
enum class KernelIsa { Avx2Fma, Avx512F, AvxVnni, Avx512Vnni };
bool supports(const IsaInfo &isa, KernelIsa need);

/// Sums `bytes` bytes at `data` as 64-bit words (wrapping), with `accumulators` vector
/// accumulators. `data` is 64-byte aligned and `bytes` a multiple of blockBytes.
struct ReadKernel {
  const char *instruction; ///< "vmovdqu ymm + vpaddq"
  KernelIsa isa;
  size_t blockBytes;
  int accumulators;
  uint64_t (*run)(const void *data, size_t bytes);
};

/// Lane l of chain c (0 <= c < chains) starts at init[c * lanes + l]; every iteration does
/// acc = fma(a, b, acc) (one rounding, as std::fma) on every lane of every chain. Returns the
/// sum of the final acc[c][l] in double, over c then l in increasing order.
struct FmaKernel {
  const char *instruction; ///< "vfmadd231ps ymm"
  KernelIsa isa;
  int lanes;
  int chains;
  double (*run)(const float *init, float a, float b, int64_t iterations);
};

/// `u` and `s` each hold 2 vectors of vectorBytes bytes. Every iteration, dot c
/// (0 <= c < chains) multiplies the unsigned bytes of vector c % 2 of `u` with the signed bytes
/// of vector (c / 2) % 2 of `s` and adds the products into 32-bit lanes. Returns the sum of all
/// lanes, which is iterations * sum over c of dot(u[c % 2], s[(c / 2) % 2]) while no lane
/// overflows. Keep u <= 127: the AVX2 sequence saturates the sum of two products to int16.
struct Int8DotKernel {
  const char *instruction; ///< "vpdpbusd zmm", "vpmaddubsw+vpmaddwd+vpaddd ymm"
  KernelIsa isa;
  int vectorBytes;
  int chains;
  int64_t (*run)(const uint8_t *u, const int8_t *s, int64_t iterations);
};

/// Every kernel compiled into this build (none on non-x86), whether or not this host runs it;
/// widest first.
const std::vector<ReadKernel> &readKernels();
const std::vector<FmaKernel> &fmaKernels();
const std::vector<Int8DotKernel> &int8DotKernels();

} // namespace lowbit::bench

#endif // LOWBIT_BENCH_MACHINELIMITS_H
