//===- LayoutImpl.h - Internals shared by the lib/Layout sources -*- C++ -*-===//
//
// LayoutParts is a layout under construction: modes carry ids (indices into `extents`) that need
// not be in canonical order, may have extent 1, and may be split or merged. Every operation
// converts its operands to parts, rearranges them, and hands the result to
// LayoutBuilder::fromParts, the one place where layouts are canonicalized.
//
//===----------------------------------------------------------------------===//
#ifndef LOWBIT_LIB_LAYOUT_LAYOUTIMPL_H
#define LOWBIT_LIB_LAYOUT_LAYOUTIMPL_H

#include "lowbit/Layout/Layout.h"

#include "llvm/ADT/Twine.h"

namespace lowbit::layout {

struct LayoutParts {
  llvm::SmallVector<int64_t, 4> shape;
  /// Per dimension, the ids of its modes, most significant first.
  llvm::SmallVector<llvm::SmallVector<int64_t, 4>, 4> dimModes;
  /// Extent of each mode id (ids not referenced by dimModes are ignored).
  llvm::SmallVector<int64_t, 8> extents;
  /// Worker digits, most significant first: a mode id (>= 0) or -r for an r-way replication.
  llvm::SmallVector<int64_t, 8> spatial;
  /// Local digits, most significant first: mode ids.
  llvm::SmallVector<int64_t, 8> local;

  int64_t addMode(int64_t extent) {
    extents.push_back(extent);
    return static_cast<int64_t>(extents.size()) - 1;
  }
  /// Splits mode `id` (extent e, lowExtent dividing e) into `id` with extent e / lowExtent and a
  /// new, less significant mode with extent lowExtent, right after it in its dimension and in its
  /// role list. The map does not change. Returns the new id.
  int64_t splitMode(int64_t id, int64_t lowExtent);
};

/// Which digit sequence of a LayoutParts a cut applies to.
enum class DigitSequence { Dimension, Spatial, Local };

/// Splits at most one digit of the chosen sequence so that a suffix of it (its least significant
/// digits) multiplies to exactly `lowProduct`. Returns false when no such cut exists.
bool cutSequence(LayoutParts &parts, DigitSequence which, unsigned dim, int64_t lowProduct);

/// The number of trailing entries of `sequence` whose extents multiply to `lowProduct` (which a
/// previous cutSequence made possible).
size_t suffixLength(const LayoutParts &parts, llvm::ArrayRef<int64_t> sequence, int64_t lowProduct);

class LayoutBuilder {
public:
  static LayoutParts toParts(const RegisterLayout &layout);
  /// Canonicalizes valid parts (every referenced mode exactly once in spatial or local, each
  /// dimension's modes multiplying to its extent) into a RegisterLayout.
  static RegisterLayout fromParts(LayoutParts parts);
};

/// An llvm::Error carrying `message` (no error code).
llvm::Error makeError(const llvm::Twine &message);

/// a * b if it stays <= kMaxLayoutSize (a, b >= 0), else std::nullopt.
std::optional<int64_t> boundedProduct(int64_t a, int64_t b);

/// Formats `values` as "[a,b,c]".
std::string formatList(llvm::ArrayRef<int64_t> values);

} // namespace lowbit::layout

#endif // LOWBIT_LIB_LAYOUT_LAYOUTIMPL_H
