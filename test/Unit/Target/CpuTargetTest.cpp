//===- CpuTargetTest.cpp - resolveCpuTarget on named CPUs and the host -----===//
#include "lowbit/Target/CpuTarget.h"

#include "gtest/gtest.h"

#include <fstream>
#include <sstream>
#include <string>

using namespace lowbit;

namespace {

CpuTarget resolve(llvm::StringRef cpu, llvm::StringRef triple = "x86_64-unknown-linux-gnu") {
  llvm::Expected<CpuTarget> target = resolveCpuTarget(cpu, triple);
  if (!target) {
    ADD_FAILURE() << llvm::toString(target.takeError());
    return CpuTarget();
  }
  return *target;
}

TEST(CpuTarget, Zen3IsAvx2WithoutVnni) {
  CpuTarget target = resolve("znver3");
  EXPECT_TRUE(target.x86);
  EXPECT_TRUE(target.avx2 && target.fma && target.f16c);
  EXPECT_FALSE(target.avx512f);
  EXPECT_FALSE(target.hasVnni());
  EXPECT_EQ(target.vectorBits(), 256);
  EXPECT_EQ(target.lanes(), 8);
  EXPECT_EQ(target.int8DotInstruction(), "vpmaddubsw");
}

TEST(CpuTarget, Zen4HasAvx512Vnni) {
  CpuTarget target = resolve("znver4");
  EXPECT_TRUE(target.avx512f && target.avx512bw && target.avx512vl && target.avx512vnni);
  EXPECT_EQ(target.lanes(), 16);
  EXPECT_EQ(target.int8DotInstruction(), "vpdpbusd");
}

TEST(CpuTarget, SkylakeAvx512HasNoVnni) {
  CpuTarget target = resolve("skylake-avx512");
  EXPECT_TRUE(target.avx512bw);
  EXPECT_FALSE(target.avx512vnni);
  EXPECT_EQ(target.lanes(), 16);
  EXPECT_EQ(target.int8DotInstruction(), "vpmaddubsw");
}

TEST(CpuTarget, ExtraFeaturesApply) {
  llvm::Expected<CpuTarget> target =
      resolveCpuTarget("znver3", "x86_64-unknown-linux-gnu", "+avxvnni");
  ASSERT_TRUE(static_cast<bool>(target)) << llvm::toString(target.takeError());
  EXPECT_TRUE(target->avxvnni);
  EXPECT_EQ(target->int8DotInstruction(), "vpdpbusd");
  EXPECT_EQ(target->features, "+avxvnni");
}

TEST(CpuTarget, AArch64Neon) {
  CpuTarget target = resolve("cortex-a76", "aarch64-unknown-linux-gnu");
  EXPECT_TRUE(target.aarch64);
  EXPECT_TRUE(target.neon);
  EXPECT_TRUE(target.dotprod);
  EXPECT_EQ(target.lanes(), 4);
  EXPECT_EQ(target.int8DotInstruction(), "sdot");
}

TEST(CpuTarget, UnknownCpuAndArchitectureAreErrors) {
  llvm::Expected<CpuTarget> cpu = resolveCpuTarget("no-such-cpu", "x86_64-unknown-linux-gnu");
  ASSERT_FALSE(static_cast<bool>(cpu));
  EXPECT_NE(llvm::toString(cpu.takeError()).find("unknown CPU 'no-such-cpu'"), std::string::npos);
  llvm::Expected<CpuTarget> arch = resolveCpuTarget("generic", "riscv64-unknown-linux-gnu");
  ASSERT_FALSE(static_cast<bool>(arch));
  EXPECT_NE(llvm::toString(arch.takeError()).find("unsupported CPU architecture"),
            std::string::npos);
}

/// The host's features agree with what the kernel reports in /proc/cpuinfo.
TEST(CpuTarget, HostMatchesProcCpuinfo) {
  std::ifstream cpuinfo("/proc/cpuinfo");
  std::string line, flags;
  while (std::getline(cpuinfo, line))
    if (line.rfind("flags", 0) == 0) {
      flags = " " + line.substr(line.find(':') + 1) + " ";
      break;
    }
  if (flags.empty())
    GTEST_SKIP() << "no x86 flags in /proc/cpuinfo";
  auto has = [&](const char *flag) { return flags.find(" " + std::string(flag) + " ") != std::string::npos; };
  llvm::Expected<CpuTarget> host = resolveCpuTarget("host");
  ASSERT_TRUE(static_cast<bool>(host)) << llvm::toString(host.takeError());
  EXPECT_EQ(host->avx2, has("avx2"));
  EXPECT_EQ(host->fma, has("fma"));
  EXPECT_EQ(host->avx512f, has("avx512f"));
  EXPECT_EQ(host->avx512vnni, has("avx512_vnni"));
  EXPECT_EQ(host->lanes(), has("avx512bw") && has("avx512f") ? 16 : has("avx2") ? 8 : 4);
}

} // namespace
