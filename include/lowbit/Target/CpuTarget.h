//===- CpuTarget.h - The CPU a kernel is compiled for ------------*- C++ -*-===//
//
// What the CPU lowering and the schedule selection need to know about the target CPU: its
// architecture, the LLVM CPU name and features, and from them the vector width (in 32-bit
// lanes, the number of workers of a SIMD block) and the instruction families it has (FMA,
// int8 dot products: AVX2 vpmaddubsw, AVX-512/AVX-VNNI vpdpbusd, NEON).
//
//   resolveCpuTarget("host")      the machine the compiler runs on (JIT)
//   resolveCpuTarget("znver4")    an LLVM CPU name for the host's architecture (AOT, tests)
//   resolveCpuTarget("cortex-a76", "aarch64-linux-gnu")
//
// Errors (an unknown CPU or triple) are returned, never asserted.
//
//===----------------------------------------------------------------------===//
#ifndef LOWBIT_TARGET_CPUTARGET_H
#define LOWBIT_TARGET_CPUTARGET_H

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <string>

namespace lowbit {

struct CpuTarget {
  std::string triple;   // e.g. x86_64-unknown-linux-gnu
  std::string cpu;      // e.g. znver3
  std::string features; // LLVM feature string the code is generated with, e.g. "+avx2,+fma"
  bool x86 = false, aarch64 = false;
  // x86
  bool avx2 = false, fma = false, f16c = false;
  bool avx512f = false, avx512bw = false, avx512vl = false, avx512vnni = false;
  bool avxvnni = false, avx512bf16 = false;
  // AArch64
  bool neon = false, dotprod = false;

  /// Width of the vectors kernels use: 512 with AVX-512 (F and BW), 256 with AVX2, 128 with
  /// NEON or plain SSE.
  int64_t vectorBits() const;
  /// Workers of a SIMD block: 32-bit lanes of one vector.
  int64_t lanes() const { return vectorBits() / 32; }
  /// An int8 dot instruction of 4 products per 32-bit lane accumulating in i32 (vpdpbusd).
  bool hasVnni() const { return avx512vnni || avxvnni; }
  /// The int8 dot family the CPU lowering uses: "vpdpbusd", "vpmaddubsw", "sdot" or "generic".
  llvm::StringRef int8DotInstruction() const;
  /// One line for reports: "x86_64 znver3: avx2 fma, 256-bit vectors, int8 dot vpmaddubsw".
  std::string describe() const;
};

/// The CPU named `cpu` ("host" for the machine the compiler runs on) for `triple` (empty: the
/// host's). `extraFeatures` ("+avx512vnni,-avx512f") is applied on top of the CPU's own.
llvm::Expected<CpuTarget> resolveCpuTarget(llvm::StringRef cpu, llvm::StringRef triple = "",
                                           llvm::StringRef extraFeatures = "");

} // namespace lowbit

#endif // LOWBIT_TARGET_CPUTARGET_H
