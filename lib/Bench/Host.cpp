//===- Host.cpp - Which extensions and CPUs this process has ---------------===//

#include "lowbit/Bench/MachineLimits.h"
#include "lowbit/Runtime/Threads.h"

#if defined(__linux__)
#include <sched.h>
#endif
#if defined(__x86_64__)
#include <cpuid.h>
#endif

using namespace lowbit::bench;

#if defined(__x86_64__)
/// AVX-VNNI is cpuid leaf 7, subleaf 1, EAX bit 4; it uses the ymm state, which the caller
/// checks through AVX2 (__builtin_cpu_supports also checks that the OS saves it).
static bool cpuHasAvxVnni() {
  unsigned eax, ebx, ecx, edx;
  if (__get_cpuid_max(0, nullptr) < 7)
    return false;
  __cpuid_count(7, 0, eax, ebx, ecx, edx);
  if (eax < 1) // the highest subleaf of leaf 7
    return false;
  __cpuid_count(7, 1, eax, ebx, ecx, edx);
  return (eax >> 4) & 1;
}
#endif

IsaInfo lowbit::bench::detectIsa() {
  IsaInfo isa;
#if defined(__x86_64__)
  __builtin_cpu_init();
  isa.avx2 = __builtin_cpu_supports("avx2");
  isa.fma = __builtin_cpu_supports("fma");
  isa.f16c = __builtin_cpu_supports("f16c");
  isa.avx512f = __builtin_cpu_supports("avx512f");
  isa.avx512bw = __builtin_cpu_supports("avx512bw");
  isa.avx512vl = __builtin_cpu_supports("avx512vl");
  isa.avx512vnni = __builtin_cpu_supports("avx512vnni");
  isa.avx512bf16 = __builtin_cpu_supports("avx512bf16");
  // Not from __builtin_cpu_supports: its bit for AVX-VNNI depends on the libgcc or compiler-rt
  // that the program links.
  isa.avxvnni = isa.avx2 && cpuHasAvxVnni();
#endif
  return isa;
}

std::string IsaInfo::describe() const {
  std::string text;
  if (avx512f) {
    text = "avx512";
    if (avx512vnni)
      text += "+vnni";
    if (avx512bf16)
      text += "+bf16";
  } else if (avx2) {
    text = "avx2";
    if (fma)
      text += "+fma";
    if (avxvnni)
      text += "+avxvnni";
  } else {
    text = "baseline";
  }
  return text;
}

bool lowbit::bench::supports(const IsaInfo &isa, KernelIsa need) {
  switch (need) {
  case KernelIsa::Avx2Fma:
    return isa.avx2 && isa.fma;
  case KernelIsa::Avx512F:
    return isa.avx512f;
  case KernelIsa::AvxVnni:
    return isa.avx2 && isa.avxvnni;
  case KernelIsa::Avx512Vnni:
    return isa.avx512f && isa.avx512bw && isa.avx512vnni;
  }
  return false;
}

std::vector<int> lowbit::bench::allowedCpus() {
  std::vector<int> cpus;
#if defined(__linux__)
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof(set), &set) == 0)
    for (int cpu = 0; cpu < CPU_SETSIZE; ++cpu)
      if (CPU_ISSET(cpu, &set))
        cpus.push_back(cpu);
#endif
  return cpus;
}

int lowbit::bench::defaultThreads() { return lowbit_threads_from_environment(); }
