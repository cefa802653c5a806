//===- KernelsAvx512.cpp - Read, FMA and vpdpbusd kernels on zmm registers -===//

#include "Kernels.h"

#if defined(__x86_64__)
#include <immintrin.h>

#include <utility>

using namespace lowbit::bench::detail;

__attribute__((target("avx512f"))) uint64_t lowbit::bench::detail::readSumZmm(const void *data,
                                                                              size_t bytes) {
  const __m512i *vectors = static_cast<const __m512i *>(data);
  size_t count = bytes / sizeof(__m512i);
  __m512i acc[kReadAccumulators];
  for (__m512i &a : acc)
    a = _mm512_setzero_si512();
  for (size_t i = 0; i < count; i += kReadAccumulators)
    for (int k = 0; k < kReadAccumulators; ++k)
      acc[k] = _mm512_add_epi64(acc[k], _mm512_load_si512(vectors + i + k));
  for (int k = 1; k < kReadAccumulators; ++k)
    acc[0] = _mm512_add_epi64(acc[0], acc[k]);
  alignas(64) uint64_t lanes[8];
  _mm512_store_si512(lanes, acc[0]);
  uint64_t sum = 0;
  for (uint64_t lane : lanes)
    sum += lane;
  return sum;
}

__attribute__((target("avx512f"))) double
lowbit::bench::detail::fmaChainsZmm(const float *init, float a, float b, int64_t iterations) {
  __m512 acc[kComputeChains];
  for (int c = 0; c < kComputeChains; ++c)
    acc[c] = _mm512_loadu_ps(init + 16 * c);
  const __m512 va = _mm512_set1_ps(a), vb = _mm512_set1_ps(b);
  for (int64_t i = 0; i < iterations; ++i)
    for (__m512 &chain : acc)
      chain = _mm512_fmadd_ps(va, vb, chain); // vfmadd231ps chain, va, vb
  alignas(64) float lanes[kComputeChains * 16];
  for (int c = 0; c < kComputeChains; ++c)
    _mm512_store_ps(lanes + 16 * c, acc[c]);
  double sum = 0;
  for (float lane : lanes)
    sum += lane;
  return sum;
}

#define LOWBIT_TARGET_AVX512VNNI __attribute__((target("avx512f,avx512bw,avx512vnni")))

namespace {
/// One iteration: acc[c] += dot(u[c % 2], s[(c / 2) % 2]) for every chain c, with compile-time
/// indices so that the accumulators stay in registers.
template <int... C>
LOWBIT_TARGET_AVX512VNNI __attribute__((always_inline)) inline void
vnniZmmIteration(std::integer_sequence<int, C...>, __m512i (&acc)[kComputeChains],
                 const __m512i (&us)[2], const __m512i (&ss)[2]) {
  ((acc[C] = _mm512_dpbusd_epi32(acc[C], us[C % 2], ss[(C / 2) % 2])), ...);
}
} // namespace

LOWBIT_TARGET_AVX512VNNI int64_t lowbit::bench::detail::int8DotVnniZmm(const uint8_t *u,
                                                                       const int8_t *s,
                                                                       int64_t iterations) {
  const __m512i us[2] = {_mm512_loadu_si512(u), _mm512_loadu_si512(u + 64)};
  const __m512i ss[2] = {_mm512_loadu_si512(s), _mm512_loadu_si512(s + 64)};
  __m512i acc[kComputeChains];
  for (__m512i &a : acc)
    a = _mm512_setzero_si512();
  for (int64_t i = 0; i < iterations; ++i)
    vnniZmmIteration(std::make_integer_sequence<int, kComputeChains>(), acc, us, ss);
  int64_t sum = 0;
  for (const __m512i &a : acc) {
    alignas(64) int32_t lanes[16];
    _mm512_store_si512(lanes, a);
    for (int32_t lane : lanes)
      sum += lane;
  }
  return sum;
}

#endif // defined(__x86_64__)
