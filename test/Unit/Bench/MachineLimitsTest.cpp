//===- MachineLimitsTest.cpp - ISA detection, kernel results, measurements -===//
//
// The kernels are checked against scalar computations of their documented results, so that a
// kernel that computes garbage or is optimized away fails here instead of reporting a speed.
// Timings are only checked for sanity (finite, positive).
//
//===----------------------------------------------------------------------===//

#include "lowbit/Bench/MachineLimits.h"

#include "gtest/gtest.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <random>
#include <set>
#include <sstream>
#include <string>

using namespace lowbit::bench;

namespace {

/// The flags of the first processor in /proc/cpuinfo; empty where there is none.
std::set<std::string> cpuinfoFlags() {
  std::ifstream cpuinfo("/proc/cpuinfo");
  std::string line;
  while (std::getline(cpuinfo, line)) {
    if (line.rfind("flags", 0) != 0)
      continue;
    std::istringstream words(line.substr(line.find(':') + 1));
    std::set<std::string> flags;
    for (std::string flag; words >> flag;)
      flags.insert(flag);
    return flags;
  }
  return {};
}

class BenchTest : public ::testing::Test {
protected:
  BenchTest() : seed(std::random_device()()), random(seed) {}
  void SetUp() override { RecordProperty("seed", std::to_string(seed)); }

  unsigned seed;
  std::mt19937_64 random;
  IsaInfo isa = detectIsa();
};

TEST(IsaTest, DetectIsaAgreesWithProcCpuinfo) {
  std::set<std::string> flags = cpuinfoFlags();
  if (flags.empty())
    GTEST_SKIP() << "no /proc/cpuinfo flags on this system";
  IsaInfo isa = detectIsa();
#if defined(__x86_64__)
  auto has = [&](const char *flag) { return flags.count(flag) != 0; };
  EXPECT_EQ(isa.avx2, has("avx2"));
  EXPECT_EQ(isa.fma, has("fma"));
  EXPECT_EQ(isa.f16c, has("f16c"));
  EXPECT_EQ(isa.avx512f, has("avx512f"));
  EXPECT_EQ(isa.avx512bw, has("avx512bw"));
  EXPECT_EQ(isa.avx512vl, has("avx512vl"));
  EXPECT_EQ(isa.avx512vnni, has("avx512_vnni"));
  EXPECT_EQ(isa.avx512bf16, has("avx512_bf16"));
  EXPECT_EQ(isa.avxvnni, has("avx_vnni"));
#else
  EXPECT_FALSE(isa.avx2 || isa.fma || isa.f16c || isa.avx512f || isa.avx512bw || isa.avx512vl ||
               isa.avx512vnni || isa.avx512bf16 || isa.avxvnni);
#endif
}

TEST(IsaTest, DescribeNamesTheWidestExtension) {
  IsaInfo isa;
  EXPECT_EQ(isa.describe(), "baseline");
  isa.avx2 = isa.fma = isa.f16c = true;
  EXPECT_EQ(isa.describe(), "avx2+fma");
  isa.avxvnni = true;
  EXPECT_EQ(isa.describe(), "avx2+fma+avxvnni");
  isa.avx512f = isa.avx512bw = isa.avx512vl = true;
  EXPECT_EQ(isa.describe(), "avx512");
  isa.avx512vnni = true;
  EXPECT_EQ(isa.describe(), "avx512+vnni");
  isa.avx512bf16 = true;
  EXPECT_EQ(isa.describe(), "avx512+vnni+bf16");
}

TEST(IsaTest, SupportsFollowsTheFlags) {
  IsaInfo isa;
  isa.avx2 = true;
  EXPECT_FALSE(supports(isa, KernelIsa::Avx2Fma)); // no FMA
  isa.fma = true;
  EXPECT_TRUE(supports(isa, KernelIsa::Avx2Fma));
  EXPECT_FALSE(supports(isa, KernelIsa::AvxVnni));
  EXPECT_FALSE(supports(isa, KernelIsa::Avx512F));
  isa.avx512f = isa.avx512vnni = true;
  EXPECT_TRUE(supports(isa, KernelIsa::Avx512F));
  EXPECT_FALSE(supports(isa, KernelIsa::Avx512Vnni)); // vpdpbusd zmm is compiled with BW
  isa.avx512bw = true;
  EXPECT_TRUE(supports(isa, KernelIsa::Avx512Vnni));
}

TEST(ThreadsTest, DefaultThreadsIsTheAffinityOrTheEnvironment) {
  const char *saved = std::getenv("LOWBIT_NUM_THREADS");
  std::string savedValue = saved ? saved : "";
  int allowed = static_cast<int>(allowedCpus().size());

  unsetenv("LOWBIT_NUM_THREADS");
  if (allowed > 0) {
    EXPECT_EQ(defaultThreads(), allowed);
  }
  EXPECT_GE(defaultThreads(), 1);
  setenv("LOWBIT_NUM_THREADS", "3", 1);
  EXPECT_EQ(defaultThreads(), 3);
  for (const char *invalid : {"0", "-2", "two", "4x", ""}) {
    setenv("LOWBIT_NUM_THREADS", invalid, 1);
    if (allowed > 0) {
      EXPECT_EQ(defaultThreads(), allowed) << "LOWBIT_NUM_THREADS=" << invalid;
    }
  }

  if (saved)
    setenv("LOWBIT_NUM_THREADS", savedValue.c_str(), 1);
  else
    unsetenv("LOWBIT_NUM_THREADS");
}

TEST(ThreadsTest, AllowedCpusAreIncreasing) {
  std::vector<int> cpus = allowedCpus();
#if defined(__linux__)
  EXPECT_FALSE(cpus.empty());
#endif
  for (size_t i = 1; i < cpus.size(); ++i)
    EXPECT_LT(cpus[i - 1], cpus[i]);
}

//===----------------------------------------------------------------------===//
// Kernel results
//===----------------------------------------------------------------------===//

TEST(KernelListTest, EveryExtensionHasItsKernels) {
#if defined(__x86_64__)
  auto count = [](const auto &kernels, KernelIsa isa) {
    int n = 0;
    for (const auto &kernel : kernels)
      n += kernel.isa == isa;
    return n;
  };
  EXPECT_EQ(count(readKernels(), KernelIsa::Avx2Fma), 1);
  EXPECT_EQ(count(readKernels(), KernelIsa::Avx512F), 1);
  EXPECT_EQ(count(fmaKernels(), KernelIsa::Avx2Fma), 1);
  EXPECT_EQ(count(fmaKernels(), KernelIsa::Avx512F), 1);
  EXPECT_EQ(count(int8DotKernels(), KernelIsa::Avx2Fma), 1);
  EXPECT_EQ(count(int8DotKernels(), KernelIsa::AvxVnni), 1);
  EXPECT_EQ(count(int8DotKernels(), KernelIsa::Avx512Vnni), 1);
#else
  EXPECT_TRUE(readKernels().empty());
  EXPECT_TRUE(fmaKernels().empty());
  EXPECT_TRUE(int8DotKernels().empty());
#endif
}

TEST_F(BenchTest, ReadKernelsSumEveryWord) {
  int checked = 0;
  for (const ReadKernel &kernel : readKernels()) {
    if (!supports(isa, kernel.isa))
      continue;
    SCOPED_TRACE(kernel.instruction);
    for (size_t blocks : {size_t(1), size_t(3), size_t(257)}) {
      size_t bytes = blocks * kernel.blockBytes;
      size_t words = bytes / sizeof(uint64_t);
      std::unique_ptr<uint64_t, decltype(&std::free)> data(
          static_cast<uint64_t *>(std::aligned_alloc(64, bytes)), &std::free);
      ASSERT_TRUE(data);
      uint64_t expected = 0;
      for (size_t i = 0; i < words; ++i) {
        data.get()[i] = random();
        expected += data.get()[i]; // wraps, like the kernel
      }
      EXPECT_EQ(kernel.run(data.get(), bytes), expected) << blocks << " blocks";
      // A change in the last word must show.
      data.get()[words - 1] += 1;
      EXPECT_EQ(kernel.run(data.get(), bytes), expected + 1) << blocks << " blocks";
    }
    ++checked;
  }
  if (!checked)
    GTEST_SKIP() << "no read kernel runs on " << isa.describe();
}

TEST_F(BenchTest, FmaKernelsMatchScalarFma) {
  int checked = 0;
  std::uniform_real_distribution<float> initValue(-2.0f, 2.0f), factor(0.01f, 0.5f);
  for (const FmaKernel &kernel : fmaKernels()) {
    if (!supports(isa, kernel.isa))
      continue;
    SCOPED_TRACE(kernel.instruction);
    size_t count = static_cast<size_t>(kernel.chains) * kernel.lanes;
    std::vector<float> init(count);
    for (float &value : init)
      value = initValue(random);
    float a = factor(random), b = -factor(random);
    for (int64_t iterations : {0, 1, 13, 1000}) {
      double expected = 0;
      for (float acc : init) { // chain-major, lanes in order: the kernel's order of summation
        for (int64_t i = 0; i < iterations; ++i)
          acc = std::fma(a, b, acc);
        expected += acc;
      }
      // Exact: one rounding per fma on both sides, and the same order of summation.
      EXPECT_EQ(kernel.run(init.data(), a, b, iterations), expected)
          << iterations << " iterations, a = " << a << ", b = " << b;
    }
    ++checked;
  }
  if (!checked)
    GTEST_SKIP() << "no FMA kernel runs on " << isa.describe();
}

/// iterations * sum over c of dot(u[c % 2], s[(c / 2) % 2]), the documented result.
int64_t scalarInt8Dot(const Int8DotKernel &kernel, const uint8_t *u, const int8_t *s,
                      int64_t iterations) {
  int64_t perIteration = 0;
  for (int c = 0; c < kernel.chains; ++c) {
    const uint8_t *uc = u + (c % 2) * kernel.vectorBytes;
    const int8_t *sc = s + ((c / 2) % 2) * kernel.vectorBytes;
    for (int k = 0; k < kernel.vectorBytes; ++k)
      perIteration += int64_t(uc[k]) * int64_t(sc[k]);
  }
  return iterations * perIteration;
}

TEST_F(BenchTest, Int8DotKernelsMatchScalarDot) {
  int checked = 0;
  std::uniform_int_distribution<int> unsignedValue(0, 127), signedValue(-128, 127);
  for (const Int8DotKernel &kernel : int8DotKernels()) {
    if (!supports(isa, kernel.isa))
      continue;
    SCOPED_TRACE(kernel.instruction);
    std::vector<uint8_t> u(2 * kernel.vectorBytes);
    std::vector<int8_t> s(2 * kernel.vectorBytes);
    for (int trial = 0; trial < 4; ++trial) {
      for (uint8_t &value : u)
        value = static_cast<uint8_t>(unsignedValue(random));
      for (int8_t &value : s)
        value = static_cast<int8_t>(signedValue(random));
      if (trial == 3) { // the extremes that are still exact in the AVX2 sequence
        std::fill(u.begin(), u.end(), 127);
        std::fill(s.begin(), s.end(), -128);
      }
      for (int64_t iterations : {0, 1, 5, 200}) {
        int64_t expected = scalarInt8Dot(kernel, u.data(), s.data(), iterations);
        EXPECT_EQ(kernel.run(u.data(), s.data(), iterations), expected)
            << "trial " << trial << ", " << iterations << " iterations";
      }
    }
    // Every operand byte counts: a kernel that skips one vector or lane fails here.
    std::fill(u.begin(), u.end(), 0);
    std::fill(s.begin(), s.end(), 1);
    for (size_t k = 0; k < u.size(); ++k) {
      u[k] = 1;
      EXPECT_EQ(kernel.run(u.data(), s.data(), 3), scalarInt8Dot(kernel, u.data(), s.data(), 3))
          << "only u[" << k << "] set";
      u[k] = 0;
    }
    ++checked;
  }
  if (!checked)
    GTEST_SKIP() << "no int8 dot kernel runs on " << isa.describe();
}

//===----------------------------------------------------------------------===//
// Measurements
//===----------------------------------------------------------------------===//

/// A measurement that ran: a finite positive value in `unit`, timed with `instruction`.
void expectMeasured(const Measurement &m, const char *unit, const std::string &instruction,
                    int threads) {
  EXPECT_TRUE(std::isfinite(m.value)) << m.how;
  EXPECT_GT(m.value, 0) << m.how;
  EXPECT_LT(m.value, 1e6) << m.how; // a million G per second: something was not timed
  EXPECT_EQ(m.unit, unit);
  EXPECT_EQ(m.instruction, instruction);
  EXPECT_NE(m.how.find(instruction), std::string::npos) << m.how;
  EXPECT_NE(m.how.find(std::to_string(threads) + " threads"), std::string::npos) << m.how;
}

void expectNotMeasured(const Measurement &m, const char *unit) {
  EXPECT_EQ(m.value, 0);
  EXPECT_EQ(m.unit, unit);
  EXPECT_TRUE(m.instruction.empty());
  EXPECT_EQ(m.how.rfind("not measured", 0), 0u) << m.how;
}

TEST_F(BenchTest, ReadBandwidthUsesTheWidestLoads) {
  int threads = defaultThreads();
  Measurement m = measureReadBandwidth(threads, size_t(64) << 20, 2);
  if (!supports(isa, KernelIsa::Avx2Fma))
    return expectNotMeasured(m, "GB/s");
  expectMeasured(m, "GB/s", isa.avx512f ? "vpaddq zmm, m512" : "vpaddq ymm, m256", threads);
}

// The probe keeps its buffer: every measure() reads it again (checking the sums) and the
// cold first pass is the only one a warm-up skips.
TEST_F(BenchTest, ReadBandwidthProbeMeasuresAgainAndAgain) {
  int threads = defaultThreads();
  ReadBandwidthProbe probe(threads, size_t(64) << 20);
  for (bool warmUp : {true, false, false}) {
    Measurement m = probe.measure(1, warmUp);
    if (!supports(isa, KernelIsa::Avx2Fma))
      return expectNotMeasured(m, "GB/s");
    expectMeasured(m, "GB/s", isa.avx512f ? "vpaddq zmm, m512" : "vpaddq ymm, m256", threads);
  }
}

TEST_F(BenchTest, FmaPeakUsesTheWidestRegisters) {
  Measurement widest = measureFmaPeak(1, 1);
  Measurement ymm = measureFmaPeakYmm(1, 1);
  if (!supports(isa, KernelIsa::Avx2Fma)) {
    expectNotMeasured(widest, "GFLOP/s");
    return expectNotMeasured(ymm, "GFLOP/s");
  }
  expectMeasured(widest, "GFLOP/s", isa.avx512f ? "vfmadd231ps zmm" : "vfmadd231ps ymm", 1);
  expectMeasured(ymm, "GFLOP/s", "vfmadd231ps ymm", 1);
}

TEST_F(BenchTest, Int8DotPeakUsesTheBestDotInstruction) {
  Measurement best = measureInt8DotPeak(1, 1);
  Measurement avx2 = measureInt8DotPeakAvx2(1, 1);
  if (!supports(isa, KernelIsa::Avx2Fma)) {
    expectNotMeasured(best, "GOP/s");
    return expectNotMeasured(avx2, "GOP/s");
  }
  const char *sequence = "vpmaddubsw+vpmaddwd+vpaddd ymm";
  const char *expected = isa.avx512f && isa.avx512bw && isa.avx512vnni ? "vpdpbusd zmm"
                         : isa.avxvnni                                 ? "vpdpbusd ymm"
                                                                       : sequence;
  expectMeasured(best, "GOP/s", expected, 1);
  expectMeasured(avx2, "GOP/s", sequence, 1);
}

TEST(MeasureLimitsTest, FormatLimitsHasOneLinePerMeasurement) {
  Limits limits;
  limits.isa.avx2 = limits.isa.fma = true;
  limits.threads = 2;
  limits.readBandwidth = {31.5, "GB/s", "vpaddq ymm, m256", "read how"};
  limits.fmaPeak = limits.fmaPeakYmm = {204.0, "GFLOP/s", "vfmadd231ps ymm", "fma how"};
  limits.int8DotPeak = limits.int8DotPeakAvx2 = {325.0, "GOP/s", "seq", "dot how"};
  std::string text = formatLimits(limits);
  EXPECT_EQ(text.rfind("host avx2+fma, 2 threads\n", 0), 0u) << text;
  for (const char *part : {"31.5 GB/s", "read how", "204.0 GFLOP/s", "fma how", "325.0 GOP/s",
                           "dot how", "(ymm)", "(AVX2)"})
    EXPECT_NE(text.find(part), std::string::npos) << part << " in\n" << text;
  EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 6);
}

TEST(MeasureLimitsTest, NonX86BuildsMeasureNothing) {
#if defined(__x86_64__)
  GTEST_SKIP() << "x86-64 build";
#else
  expectNotMeasured(measureFmaPeak(1, 1), "GFLOP/s");
  expectNotMeasured(measureInt8DotPeak(1, 1), "GOP/s");
  expectNotMeasured(measureReadBandwidth(1, size_t(1) << 20, 1), "GB/s");
  EXPECT_EQ(measureFmaPeak(1, 1).how, "not measured on this architecture");
#endif
}

} // namespace
