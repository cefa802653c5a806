//===- KernelsAvxVnni.cpp - vpdpbusd on ymm registers (VEX, AVX-VNNI) -----===//

#include "Kernels.h"

#if defined(__x86_64__)
#include <immintrin.h>

#include <utility>

using namespace lowbit::bench::detail;

#define LOWBIT_TARGET_AVXVNNI __attribute__((target("avx2,avxvnni")))

namespace {
/// One iteration: acc[c] += dot(u[c % 2], s[(c / 2) % 2]) for every chain c. Compile-time
/// indices keep the 12 accumulators and 4 operands in the 16 ymm registers.
template <int... C>
LOWBIT_TARGET_AVXVNNI __attribute__((always_inline)) inline void
vnniYmmIteration(std::integer_sequence<int, C...>, __m256i (&acc)[kComputeChains],
                 const __m256i (&us)[2], const __m256i (&ss)[2]) {
  ((acc[C] = _mm256_dpbusd_avx_epi32(acc[C], us[C % 2], ss[(C / 2) % 2])), ...);
}
} // namespace

LOWBIT_TARGET_AVXVNNI int64_t lowbit::bench::detail::int8DotVnniYmm(const uint8_t *u,
                                                                    const int8_t *s,
                                                                    int64_t iterations) {
  const __m256i *uv = reinterpret_cast<const __m256i *>(u);
  const __m256i *sv = reinterpret_cast<const __m256i *>(s);
  const __m256i us[2] = {_mm256_loadu_si256(uv), _mm256_loadu_si256(uv + 1)};
  const __m256i ss[2] = {_mm256_loadu_si256(sv), _mm256_loadu_si256(sv + 1)};
  __m256i acc[kComputeChains];
  for (__m256i &a : acc)
    a = _mm256_setzero_si256();
  for (int64_t i = 0; i < iterations; ++i)
    vnniYmmIteration(std::make_integer_sequence<int, kComputeChains>(), acc, us, ss);
  int64_t sum = 0;
  for (const __m256i &a : acc) {
    alignas(32) int32_t lanes[8];
    _mm256_store_si256(reinterpret_cast<__m256i *>(lanes), a);
    for (int32_t lane : lanes)
      sum += lane;
  }
  return sum;
}

#endif // defined(__x86_64__)
