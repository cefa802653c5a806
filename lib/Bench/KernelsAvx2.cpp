//===- KernelsAvx2.cpp - Read, FMA and int8 dot kernels on ymm registers --===//

#include "Kernels.h"

#if defined(__x86_64__)
#include <immintrin.h>

#include <utility>

#define LOWBIT_TARGET_AVX2 __attribute__((target("avx2,fma")))

using namespace lowbit::bench::detail;

LOWBIT_TARGET_AVX2 uint64_t lowbit::bench::detail::readSumYmm(const void *data, size_t bytes) {
  const __m256i *vectors = static_cast<const __m256i *>(data);
  size_t count = bytes / sizeof(__m256i);
  __m256i acc[kReadAccumulators];
  for (__m256i &a : acc)
    a = _mm256_setzero_si256();
  for (size_t i = 0; i < count; i += kReadAccumulators)
    for (int k = 0; k < kReadAccumulators; ++k)
      acc[k] = _mm256_add_epi64(acc[k], _mm256_load_si256(vectors + i + k));
  for (int k = 1; k < kReadAccumulators; ++k)
    acc[0] = _mm256_add_epi64(acc[0], acc[k]);
  alignas(32) uint64_t lanes[4];
  _mm256_store_si256(reinterpret_cast<__m256i *>(lanes), acc[0]);
  return lanes[0] + lanes[1] + lanes[2] + lanes[3];
}

LOWBIT_TARGET_AVX2 double lowbit::bench::detail::fmaChainsYmm(const float *init, float a, float b,
                                                              int64_t iterations) {
  __m256 acc[kComputeChains];
  for (int c = 0; c < kComputeChains; ++c)
    acc[c] = _mm256_loadu_ps(init + 8 * c);
  const __m256 va = _mm256_set1_ps(a), vb = _mm256_set1_ps(b);
  for (int64_t i = 0; i < iterations; ++i)
    for (__m256 &chain : acc)
      chain = _mm256_fmadd_ps(va, vb, chain); // vfmadd231ps chain, va, vb
  alignas(32) float lanes[kComputeChains * 8];
  for (int c = 0; c < kComputeChains; ++c)
    _mm256_store_ps(lanes + 8 * c, acc[c]);
  double sum = 0;
  for (float lane : lanes)
    sum += lane;
  return sum;
}

namespace {
/// Dot product C of one iteration. A compile-time C keeps every accumulator in a register.
template <int C>
LOWBIT_TARGET_AVX2 __attribute__((always_inline)) inline void
avx2DotStep(__m256i (&acc)[4], __m256i (&us)[2], __m256i (&ss)[2], __m256i ones) {
  __m256i pairs = _mm256_maddubs_epi16(us[C % 2], ss[(C / 2) % 2]); // int16 sums of 2 products
  acc[C % 4] = _mm256_add_epi32(acc[C % 4], _mm256_madd_epi16(pairs, ones));
  // The products do not depend on the accumulators: without this empty barrier the compiler
  // would compute the 4 distinct ones once per iteration, or once for the whole loop.
  if constexpr (C % 4 == 3)
    asm volatile("" : "+x"(us[0]), "+x"(us[1]), "+x"(ss[0]), "+x"(ss[1]));
}

template <int... C>
LOWBIT_TARGET_AVX2 __attribute__((always_inline)) inline void
avx2DotIteration(std::integer_sequence<int, C...>, __m256i (&acc)[4], __m256i (&us)[2],
                 __m256i (&ss)[2], __m256i ones) {
  (avx2DotStep<C>(acc, us, ss, ones), ...);
}
} // namespace

LOWBIT_TARGET_AVX2 int64_t lowbit::bench::detail::int8DotAvx2Sequence(const uint8_t *u,
                                                                      const int8_t *s,
                                                                      int64_t iterations) {
  const __m256i *uv = reinterpret_cast<const __m256i *>(u);
  const __m256i *sv = reinterpret_cast<const __m256i *>(s);
  __m256i us[2] = {_mm256_loadu_si256(uv), _mm256_loadu_si256(uv + 1)};
  __m256i ss[2] = {_mm256_loadu_si256(sv), _mm256_loadu_si256(sv + 1)};
  const __m256i ones = _mm256_set1_epi16(1);
  __m256i acc[4];
  for (__m256i &a : acc)
    a = _mm256_setzero_si256();
  for (int64_t i = 0; i < iterations; ++i)
    avx2DotIteration(std::make_integer_sequence<int, kAvx2DotChains>(), acc, us, ss, ones);
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
