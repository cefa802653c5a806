//===- SharedLayout.h - Shared-memory and global-memory layouts -*- C++ -*-===//
//
// Memory layouts map a logical index to an element offset (in elements, not bytes).
//
// A global layout is a strided view: offset(i) = sum_d i_d * strides[d]. Strides may be any
// integers (0 broadcasts, negative walks backwards).
//
// A shared layout splits each dimension into modes, like a register layout (modeShape, most
// significant first, dimension by dimension), gives each mode a stride, and XOR-swizzles the
// result:
//
//     linear(i) = sum_m digit_m(i) * modeStrides[m]
//     offset(i) = swizzle(linear(i))
//
// The swizzle is CuTe's Swizzle<B, M, S> with B = bits, M = base, S = shift (S >= B >= 0):
//
//     swizzle(o) = o ^ (((o >> (M + S)) & (2^B - 1)) << M)
//
// i.e. the B bits of the offset starting at bit M + S are XORed into the B bits starting at
// bit M. Offsets keep their bits outside [M, M + B), so the swizzle is an involution, and a
// bijection on every aligned block of 2^(M + B + S) offsets (a "row group": with M + B + S
// bits, e.g. 8 rows of 64 f16 for Swizzle<3,3,3>). bits = 0 is the identity. Offsets are
// element offsets: for f16, Swizzle<3,3,3> permutes 16-byte chunks (2^3 elements) within a
// 128-byte row, 8 rows per group; for 4-bit elements the same chunks are Swizzle<3,5,3>.
//
// Text forms (parseSharedLayout / parseGlobalLayout; `modes` may be omitted for one mode per
// dimension, `swizzle` for none):
//   shared<shape=[64,64], modes=[64,8,8], strides=[64,8,1], swizzle=[3,3,3]>
//   global<shape=[128,256], strides=[256,1]>
//
//===----------------------------------------------------------------------===//
#ifndef LOWBIT_LAYOUT_SHAREDLAYOUT_H
#define LOWBIT_LAYOUT_SHAREDLAYOUT_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <string>

namespace lowbit::layout {

/// CuTe's Swizzle<bits, base, shift> on element offsets (see the file comment).
struct Swizzle {
  int64_t bits = 0;
  int64_t base = 0;
  int64_t shift = 0;

  bool isIdentity() const { return bits == 0; }
  /// Fails unless 0 <= bits <= shift, 0 <= base and base + bits + shift <= 40.
  llvm::Error verify() const;
  /// Applies the swizzle to a non-negative offset.
  int64_t apply(int64_t offset) const {
    if (bits == 0 || offset < 0)
      return offset;
    int64_t mask = (int64_t(1) << bits) - 1;
    return offset ^ (((offset >> (base + shift)) & mask) << base);
  }
  bool operator==(const Swizzle &other) const {
    return bits == other.bits && base == other.base && shift == other.shift;
  }
};

/// A global (strided) layout: shape and per-dimension strides in elements.
class GlobalLayout {
public:
  /// Fails when the ranks differ, an extent is < 1, or the sizes overflow.
  static llvm::Expected<GlobalLayout> tryCreate(llvm::ArrayRef<int64_t> shape,
                                                llvm::ArrayRef<int64_t> strides);
  /// Row-major contiguous strides.
  static llvm::Expected<GlobalLayout> rowMajor(llvm::ArrayRef<int64_t> shape);

  llvm::ArrayRef<int64_t> getShape() const { return shape; }
  llvm::ArrayRef<int64_t> getStrides() const { return strides; }
  /// Element offset of an index inside the shape (precondition).
  int64_t getOffset(llvm::ArrayRef<int64_t> index) const;
  /// `global<shape=[..], strides=[..]>`.
  std::string str() const;
  bool operator==(const GlobalLayout &other) const {
    return shape == other.shape && strides == other.strides;
  }

private:
  llvm::SmallVector<int64_t, 4> shape, strides;
};

/// A shared-memory layout: modes with strides, then a swizzle.
class SharedLayout {
public:
  /// Modes are grouped into dimensions greedily (as for RegisterLayout::tryCreate). Fails when
  /// the modes do not split the shape, the stride count differs from the mode count, a stride
  /// is negative, the swizzle is invalid, or the sizes overflow.
  static llvm::Expected<SharedLayout> tryCreate(llvm::ArrayRef<int64_t> shape,
                                                llvm::ArrayRef<int64_t> modeShape,
                                                llvm::ArrayRef<int64_t> modeStrides,
                                                Swizzle swizzle = {});
  /// Row-major contiguous, one mode per dimension, with an optional swizzle.
  static llvm::Expected<SharedLayout> rowMajor(llvm::ArrayRef<int64_t> shape, Swizzle swizzle = {});

  llvm::ArrayRef<int64_t> getShape() const { return shape; }
  llvm::ArrayRef<int64_t> getModeShape() const { return modeShape; }
  llvm::ArrayRef<unsigned> getModeDims() const { return modeDims; }
  llvm::ArrayRef<int64_t> getModeStrides() const { return modeStrides; }
  Swizzle getSwizzle() const { return swizzle; }
  /// Offset before the swizzle, of an index inside the shape (precondition).
  int64_t getLinearOffset(llvm::ArrayRef<int64_t> index) const;
  /// Element offset (swizzled) of an index inside the shape (precondition).
  int64_t getOffset(llvm::ArrayRef<int64_t> index) const {
    return swizzle.apply(getLinearOffset(index));
  }
  /// Elements the buffer must hold: 1 + the largest linear offset, rounded up to a whole swizzle
  /// block (2^(base + bits)) so that swizzled offsets stay inside.
  int64_t getAllocationSize() const;
  /// `shared<shape=[..], modes=[..], strides=[..], swizzle=[b,m,s]>` (modes/swizzle omitted when
  /// trivial).
  std::string str() const;
  bool operator==(const SharedLayout &other) const {
    return shape == other.shape && modeShape == other.modeShape &&
           modeStrides == other.modeStrides && swizzle == other.swizzle;
  }

private:
  llvm::SmallVector<int64_t, 4> shape;
  llvm::SmallVector<int64_t, 8> modeShape, modeStrides;
  llvm::SmallVector<unsigned, 8> modeDims;
  Swizzle swizzle;
};

/// Parse the text forms in the file comment; errors read "<column>: <what was expected>".
llvm::Expected<SharedLayout> parseSharedLayout(llvm::StringRef text);
llvm::Expected<GlobalLayout> parseGlobalLayout(llvm::StringRef text);

} // namespace lowbit::layout

#endif // LOWBIT_LAYOUT_SHAREDLAYOUT_H
