//===- MachineLimits.cpp - Timed runs of the measuring kernels -------------===//
//
// Chooses the widest kernel that detectIsa() allows, sizes a compute run to kComputeSeconds on
// the calling thread, then times it on a pinned ThreadTeam: one warm-up run (clock ramp, page
// faults), then the median of the repeats.
//
//===----------------------------------------------------------------------===//

#include "lowbit/Bench/MachineLimits.h"

#include "Kernels.h"
#include "ThreadTeam.h"

#include <algorithm>
#include <chrono>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <functional>

#if defined(__linux__)
#include <sys/mman.h>
#endif

using namespace lowbit::bench;
using namespace lowbit::bench::detail;

namespace {
/// Length of one timed compute run: long enough that thread start-up and timer resolution do
/// not matter, short enough that measureLimits takes about a second.
constexpr double kComputeSeconds = 0.06;

/// Kernel results end here so that no run can be optimized away.
volatile double resultSink;

std::string format(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
std::string format(const char *fmt, ...) {
  char buffer[512];
  va_list args;
  va_start(args, fmt);
  std::vsnprintf(buffer, sizeof(buffer), fmt, args);
  va_end(args);
  return buffer;
}

int resolveThreads(int threads) { return threads > 0 ? threads : defaultThreads(); }

Measurement notMeasured(const char *unit, const char *what) {
  Measurement m;
  m.unit = unit;
#if defined(__x86_64__)
  m.how = format("not measured: the host lacks %s", what);
#else
  (void)what;
  m.how = "not measured on this architecture";
#endif
  return m;
}

/// The first (widest) kernel of `kernels` that the host runs, or that needs exactly `only`.
template <typename Kernel>
const Kernel *pickKernel(const std::vector<Kernel> &kernels, const IsaInfo &isa,
                         const KernelIsa *only = nullptr) {
  for (const Kernel &kernel : kernels)
    if ((!only || kernel.isa == *only) && supports(isa, kernel.isa))
      return &kernel;
  return nullptr;
}

/// Iterations of `run` that take about `seconds` on one thread.
int64_t calibrateIterations(const std::function<double(int64_t)> &run, double seconds) {
  using Clock = std::chrono::steady_clock;
  for (int64_t iterations = 1024;; iterations *= 4) {
    Clock::time_point start = Clock::now();
    resultSink = resultSink + run(iterations);
    double took = std::chrono::duration<double>(Clock::now() - start).count();
    if (took >= 0.005 || iterations >= (int64_t(1) << 40))
      return std::max<int64_t>(1,
                               static_cast<int64_t>(iterations * seconds / std::max(took, 1e-9)));
  }
}

/// Times `run` (one thread's share, returning its result) on `threads` threads.
Measurement timeCompute(const char *instruction, int chains, double opsPerIteration,
                        const char *unit, int threads, int repeats,
                        const std::function<double(int64_t)> &run) {
  threads = resolveThreads(threads);
  repeats = std::max(repeats, 1);
  int64_t iterations = calibrateIterations(run, kComputeSeconds);
  std::vector<double> results(threads);
  std::vector<double> seconds = runTeam(
      threads, repeats + 1, [](int) {},
      [&](int thread, int) { results[thread] += run(iterations); });
  for (double result : results)
    resultSink = resultSink + result;

  double ops = opsPerIteration * static_cast<double>(iterations) * threads;
  std::vector<double> rates;
  for (size_t r = 1; r < seconds.size(); ++r) // run 0 is the warm-up
    rates.push_back(ops / seconds[r] / 1e9);
  Measurement m;
  m.value = median(rates);
  m.unit = unit;
  m.instruction = instruction;
  m.how = format("%s, %d chains, %d threads, median of %d x %.0f ms", instruction, chains, threads,
                 repeats, median(std::vector<double>(seconds.begin() + 1, seconds.end())) * 1e3);
  return m;
}

Measurement timeFma(const FmaKernel &kernel, int threads, int repeats) {
  // a * b is small and normal: the lanes grow slowly and never reach denormals or infinity.
  std::vector<float> init(static_cast<size_t>(kernel.chains) * kernel.lanes);
  for (size_t k = 0; k < init.size(); ++k)
    init[k] = 1.0f + 0.001f * static_cast<float>(k);
  auto run = [&](int64_t iterations) { return kernel.run(init.data(), 1e-3f, 1e-3f, iterations); };
  return timeCompute(kernel.instruction, kernel.chains, 2.0 * kernel.lanes * kernel.chains,
                     "GFLOP/s", threads, repeats, run);
}

Measurement timeInt8Dot(const Int8DotKernel &kernel, int threads, int repeats) {
  // Two vectors of each operand, at most 64 bytes wide; values do not change the timing.
  uint8_t u[128];
  int8_t s[128];
  for (int k = 0; k < 128; ++k) {
    u[k] = static_cast<uint8_t>((k * 37 + 11) % 128);
    s[k] = static_cast<int8_t>((k * 53 + 7) % 256 - 128);
  }
  auto run = [&](int64_t iterations) { return static_cast<double>(kernel.run(u, s, iterations)); };
  return timeCompute(kernel.instruction, kernel.chains, 2.0 * kernel.vectorBytes * kernel.chains,
                     "GOP/s", threads, repeats, run);
}

/// first + (first + 1) + ... + (first + count - 1), wrapping like the read kernels.
uint64_t wrappingIndexSum(uint64_t first, uint64_t count) {
  uint64_t ends = 2 * first + count - 1; // first + last; one of count and ends is even
  return count % 2 == 0 ? (count / 2) * ends : count * (ends / 2);
}
} // namespace

//===----------------------------------------------------------------------===//
// Kernel lists
//===----------------------------------------------------------------------===//

const std::vector<ReadKernel> &lowbit::bench::readKernels() {
  static const std::vector<ReadKernel> kernels = {
#if defined(__x86_64__)
    {"vpaddq zmm, m512", KernelIsa::Avx512F, 8 * 64, kReadAccumulators, readSumZmm},
    {"vpaddq ymm, m256", KernelIsa::Avx2Fma, 8 * 32, kReadAccumulators, readSumYmm},
#endif
  };
  return kernels;
}

const std::vector<FmaKernel> &lowbit::bench::fmaKernels() {
  static const std::vector<FmaKernel> kernels = {
#if defined(__x86_64__)
    {"vfmadd231ps zmm", KernelIsa::Avx512F, 16, kComputeChains, fmaChainsZmm},
    {"vfmadd231ps ymm", KernelIsa::Avx2Fma, 8, kComputeChains, fmaChainsYmm},
#endif
  };
  return kernels;
}

const std::vector<Int8DotKernel> &lowbit::bench::int8DotKernels() {
  static const std::vector<Int8DotKernel> kernels = {
#if defined(__x86_64__)
    {"vpdpbusd zmm", KernelIsa::Avx512Vnni, 64, kComputeChains, int8DotVnniZmm},
    {"vpdpbusd ymm", KernelIsa::AvxVnni, 32, kComputeChains, int8DotVnniYmm},
    {"vpmaddubsw+vpmaddwd+vpaddd ymm", KernelIsa::Avx2Fma, 32, kAvx2DotChains, int8DotAvx2Sequence},
#endif
  };
  return kernels;
}

//===----------------------------------------------------------------------===//
// Measurements
//===----------------------------------------------------------------------===//

ReadBandwidthProbe::ReadBandwidthProbe(int threads, size_t bytes)
    : threads(resolveThreads(threads)) {
  kernel = pickKernel(readKernels(), detectIsa());
  if (!kernel) {
    failure = notMeasured("GB/s", "AVX2");
    return;
  }
  // Page-sized shares (a multiple of every kernel's block), on huge pages where the OS agrees.
  constexpr size_t kPage = 4096, kHugePage = size_t(2) << 20;
  share = std::max(bytes / this->threads / kPage * kPage, kPage);
  size_t total = share * this->threads;
  size_t allocated = (total + kHugePage - 1) / kHugePage * kHugePage;
  words = static_cast<uint64_t *>(std::aligned_alloc(kHugePage, allocated));
  if (!words) {
    failure = notMeasured("GB/s", "");
    failure.how = format("not measured: could not allocate %zu bytes", allocated);
    return;
  }
#if defined(__linux__)
  (void)madvise(words, allocated, MADV_HUGEPAGE);
#endif
  // Word i holds i, so every thread knows the sum it must read. The first touch is by the
  // thread that reads these pages.
  size_t shareWords = share / sizeof(uint64_t);
  runTeam(
      this->threads, 0,
      [&](int thread) {
        uint64_t first = static_cast<uint64_t>(thread) * shareWords;
        for (size_t i = 0; i < shareWords; ++i)
          words[first + i] = first + i;
      },
      [](int, int) {});
}

ReadBandwidthProbe::~ReadBandwidthProbe() { std::free(words); }

Measurement ReadBandwidthProbe::measure(int repeats, bool warmUp) {
  if (!words)
    return failure;
  repeats = std::max(repeats, 1);
  int runs = repeats + (warmUp ? 1 : 0);
  size_t shareWords = share / sizeof(uint64_t);
  std::vector<uint64_t> sums(static_cast<size_t>(runs) * threads);
  std::vector<double> seconds = runTeam(
      threads, runs, [](int) {},
      [&](int thread, int run) {
        sums[static_cast<size_t>(run) * threads + thread] =
            kernel->run(words + static_cast<size_t>(thread) * shareWords, share);
      });
  for (int run = 0; run < runs; ++run)
    for (int thread = 0; thread < threads; ++thread)
      if (sums[static_cast<size_t>(run) * threads + thread] !=
          wrappingIndexSum(static_cast<uint64_t>(thread) * shareWords, shareWords)) {
        Measurement m = notMeasured("GB/s", "");
        m.how = format("not measured: %s read a wrong sum", kernel->instruction);
        return m;
      }

  size_t total = share * threads;
  std::vector<double> rates;
  for (int run = warmUp ? 1 : 0; run < runs; ++run)
    rates.push_back(static_cast<double>(total) / seconds[run] / 1e9);
  Measurement m;
  m.value = median(rates);
  m.unit = "GB/s";
  m.instruction = kernel->instruction;
  m.how = format("%s, %d accumulators, %zu MiB, %d threads, median of %d", kernel->instruction,
                 kernel->accumulators, total >> 20, threads, repeats);
  return m;
}

Measurement lowbit::bench::measureReadBandwidth(int threads, size_t bytes, int repeats) {
  ReadBandwidthProbe probe(threads, bytes);
  return probe.measure(repeats, /*warmUp=*/true);
}

Measurement lowbit::bench::measureFmaPeak(int threads, int repeats) {
  const FmaKernel *kernel = pickKernel(fmaKernels(), detectIsa());
  return kernel ? timeFma(*kernel, threads, repeats) : notMeasured("GFLOP/s", "AVX2+FMA");
}

Measurement lowbit::bench::measureFmaPeakYmm(int threads, int repeats) {
  KernelIsa ymm = KernelIsa::Avx2Fma;
  const FmaKernel *kernel = pickKernel(fmaKernels(), detectIsa(), &ymm);
  return kernel ? timeFma(*kernel, threads, repeats) : notMeasured("GFLOP/s", "AVX2+FMA");
}

Measurement lowbit::bench::measureInt8DotPeak(int threads, int repeats) {
  const Int8DotKernel *kernel = pickKernel(int8DotKernels(), detectIsa());
  return kernel ? timeInt8Dot(*kernel, threads, repeats) : notMeasured("GOP/s", "AVX2");
}

Measurement lowbit::bench::measureInt8DotPeakAvx2(int threads, int repeats) {
  KernelIsa avx2 = KernelIsa::Avx2Fma;
  const Int8DotKernel *kernel = pickKernel(int8DotKernels(), detectIsa(), &avx2);
  return kernel ? timeInt8Dot(*kernel, threads, repeats) : notMeasured("GOP/s", "AVX2");
}

Limits lowbit::bench::measureLimits(int threads) {
  Limits limits;
  limits.isa = detectIsa();
  limits.threads = resolveThreads(threads);
  limits.readBandwidth = measureReadBandwidth(limits.threads);
  limits.fmaPeak = measureFmaPeak(limits.threads);
  limits.int8DotPeak = measureInt8DotPeak(limits.threads);

  // Measure the AVX2 variants again only where the widest ones were something else.
  KernelIsa avx2 = KernelIsa::Avx2Fma;
  const FmaKernel *fmaYmm = pickKernel(fmaKernels(), limits.isa, &avx2);
  bool fmaWasYmm = !fmaYmm || limits.fmaPeak.instruction == fmaYmm->instruction;
  limits.fmaPeakYmm = fmaWasYmm ? limits.fmaPeak : measureFmaPeakYmm(limits.threads);
  const Int8DotKernel *dotAvx2 = pickKernel(int8DotKernels(), limits.isa, &avx2);
  bool dotWasAvx2 = !dotAvx2 || limits.int8DotPeak.instruction == dotAvx2->instruction;
  limits.int8DotPeakAvx2 = dotWasAvx2 ? limits.int8DotPeak : measureInt8DotPeakAvx2(limits.threads);
  return limits;
}

std::string lowbit::bench::formatLimits(const Limits &limits) {
  std::string text = format("host %s, %d threads\n", limits.isa.describe().c_str(), limits.threads);
  auto line = [&](const char *name, const Measurement &m) {
    text += format("  %-22s %9.1f %-8s %s\n", name, m.value, m.unit.c_str(), m.how.c_str());
  };
  line("read bandwidth", limits.readBandwidth);
  line("fp32 FMA peak", limits.fmaPeak);
  line("int8 dot peak", limits.int8DotPeak);
  line("fp32 FMA peak (ymm)", limits.fmaPeakYmm);
  line("int8 dot peak (AVX2)", limits.int8DotPeakAvx2);
  return text;
}
