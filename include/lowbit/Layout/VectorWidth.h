//===- VectorWidth.h - Widest vector access for a layout --------*- C++ -*-===//
//
// How wide can the loads (or stores) be when every worker moves its local elements between its
// registers and memory laid out by a global or shared layout?
//
// Registers are packed per worker, least significant bits first in local order: local element
// l occupies register bits [l * b, (l + 1) * b) for b-bit elements. Memory is a packed bit
// stream too: the element at offset o (from the memory layout) occupies bits
// [base * 8 + o * b, base * 8 + (o + 1) * b) where `base` is the buffer's byte address.
//
// For each worker, its local elements in local order split into maximal runs of elements with
// consecutive offsets (offset(l + 1) == offset(l) + 1). A width of V bits is feasible when
//   - V is 8 * 2^k (a power-of-two number of whole bytes) and V <= 8 * maxVectorBytes;
//   - V <= 8 * baseAlignBytes (larger accesses cannot be aligned for every admissible base);
//   - for every run of every worker: its length in bits is a multiple of V, and its first bit
//     (start offset * b, relative to the base) is a multiple of V.
// Then each run is moved with (run bits) / V accesses of V bits, each aligned to V bits, and
// the bits land in the worker's registers in order. Elements may straddle accesses: a worker
// holding 128 contiguous 3-bit elements at a 16-byte aligned offset does 3 accesses of 16 bytes.
// The result is the largest feasible V, or 0 when not even single bytes work (e.g. isolated
// 3-bit elements); 0 means element-wise (bit-extracting) accesses.
//
// Replicated workers are analysed like the others (each loads its copy). Masking of partial
// tiles is the caller's business: the analysis is for the full tile. The cost is one map
// evaluation per (worker, local) pair.
//
//===----------------------------------------------------------------------===//
#ifndef LOWBIT_LAYOUT_VECTORWIDTH_H
#define LOWBIT_LAYOUT_VECTORWIDTH_H

#include "lowbit/Layout/Layout.h"
#include "lowbit/Layout/SharedLayout.h"

#include "llvm/ADT/STLFunctionalExtras.h"

namespace lowbit::layout {

/// Largest vector access per target family, in bytes.
constexpr int64_t kGpuMaxVectorBytes = 16;  // ld.global.v4.b32 / global_load_dwordx4
constexpr int64_t kAvx2MaxVectorBytes = 32; // one ymm register
constexpr int64_t kAvx512MaxVectorBytes = 64;
constexpr int64_t kNeonMaxVectorBytes = 16; // one q register

struct VectorWidthOptions {
  /// Element width in bits: 1..8, 16 or 32.
  int64_t elementBits = 16;
  /// The buffer's base address is a multiple of this many bytes (a power of two).
  int64_t baseAlignBytes = 16;
  /// The widest access of the target, in bytes (a power of two).
  int64_t maxVectorBytes = kGpuMaxVectorBytes;
};

/// The widest access in bits (0 if none, see the file comment). Fails when the options are
/// invalid or the memory layout's shape differs from the register layout's.
llvm::Expected<int64_t> computeVectorWidth(const RegisterLayout &layout, const GlobalLayout &memory,
                                           const VectorWidthOptions &options);
llvm::Expected<int64_t> computeVectorWidth(const RegisterLayout &layout, const SharedLayout &memory,
                                           const VectorWidthOptions &options);
/// The same for any memory map from logical index to element offset.
llvm::Expected<int64_t>
computeVectorWidth(const RegisterLayout &layout,
                   llvm::function_ref<int64_t(llvm::ArrayRef<int64_t>)> offsetOf,
                   const VectorWidthOptions &options);

} // namespace lowbit::layout

#endif // LOWBIT_LAYOUT_VECTORWIDTH_H
