//===- Kernels.h - The measuring kernels of each x86 extension (private) -*- C++ -*-===//
//
// Each kernel is compiled with a target attribute for its extension, so that these files build
// with the default x86-64 flags; MachineLimits.cpp lists them (readKernels(), fmaKernels(),
// int8DotKernels()) and runs only those that detectIsa() allows. Their results are documented
// on ReadKernel, FmaKernel and Int8DotKernel in MachineLimits.h.
//
// The loops keep every accumulator in a register: 12 chains plus the operands fit the 16 ymm
// registers of AVX2, and the 32 zmm registers of AVX-512 easily.
//
//===----------------------------------------------------------------------===//
#ifndef LOWBIT_LIB_BENCH_KERNELS_H
#define LOWBIT_LIB_BENCH_KERNELS_H

#include <cstddef>
#include <cstdint>

namespace lowbit::bench::detail {

/// Independent accumulator chains of the FMA and vpdpbusd kernels (latency 4 x throughput 2 on
/// Zen3, Zen5 and Skylake-X needs 8).
constexpr int kComputeChains = 12;
/// Dot products per iteration of the AVX2 sequence. Its loop-carried dependency is only the
/// 1-cycle vpaddd, so 4 accumulators suffice; the 8 multiply sequences are independent.
constexpr int kAvx2DotChains = 8;
/// Vector accumulators of the read kernels.
constexpr int kReadAccumulators = 8;

#if defined(__x86_64__)
// AVX2 + FMA (KernelsAvx2.cpp).
uint64_t readSumYmm(const void *data, size_t bytes);
double fmaChainsYmm(const float *init, float a, float b, int64_t iterations);
int64_t int8DotAvx2Sequence(const uint8_t *u, const int8_t *s, int64_t iterations);
// AVX-VNNI (KernelsAvxVnni.cpp).
int64_t int8DotVnniYmm(const uint8_t *u, const int8_t *s, int64_t iterations);
// AVX-512F, AVX512-VNNI (KernelsAvx512.cpp).
uint64_t readSumZmm(const void *data, size_t bytes);
double fmaChainsZmm(const float *init, float a, float b, int64_t iterations);
int64_t int8DotVnniZmm(const uint8_t *u, const int8_t *s, int64_t iterations);
#endif

} // namespace lowbit::bench::detail

#endif // LOWBIT_LIB_BENCH_KERNELS_H
