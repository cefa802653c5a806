//===- VectorWidth.cpp - Widest vector access for a layout ----------------===//
//
// Every feasible width divides the bit length and the bit offset of every run, so it divides
// their gcd G; the answer is the largest power of two dividing G, capped by the target and by
// the base alignment (see VectorWidth.h for the definition).
//
//===----------------------------------------------------------------------===//

#include "lowbit/Layout/VectorWidth.h"
#include "LayoutImpl.h"

#include "llvm/Support/MathExtras.h"

#include <numeric>

using namespace lowbit::layout;
using llvm::ArrayRef;

static llvm::Error checkOptions(const VectorWidthOptions &options) {
  int64_t bits = options.elementBits;
  if (!((bits >= 1 && bits <= 8) || bits == 16 || bits == 32))
    return makeError("element width " + llvm::Twine(bits) +
                     " bits is not supported (1..8, 16, 32)");
  if (options.baseAlignBytes < 1 || !llvm::isPowerOf2_64(options.baseAlignBytes))
    return makeError("base alignment " + llvm::Twine(options.baseAlignBytes) +
                     " bytes is not a power of two");
  if (options.maxVectorBytes < 1 || !llvm::isPowerOf2_64(options.maxVectorBytes) ||
      options.maxVectorBytes > 1024)
    return makeError("largest vector " + llvm::Twine(options.maxVectorBytes) +
                     " bytes is not a power of two up to 1024");
  return llvm::Error::success();
}

llvm::Expected<int64_t>
lowbit::layout::computeVectorWidth(const RegisterLayout &layout,
                                   llvm::function_ref<int64_t(ArrayRef<int64_t>)> offsetOf,
                                   const VectorWidthOptions &options) {
  if (llvm::Error error = checkOptions(options))
    return std::move(error);
  const int64_t bits = options.elementBits;
  // gcd of every run's bit length and bit offset; 0 until a run is seen.
  int64_t common = 0;
  auto addRun = [&](int64_t startOffset, int64_t length) {
    common = std::gcd(common, std::gcd(startOffset * bits, length * bits));
  };
  const int64_t locals = layout.getLocalSize();
  for (int64_t worker = 0, workers = layout.getNumWorkers(); worker < workers; ++worker) {
    int64_t start = 0, previous = 0, length = 0;
    for (int64_t local = 0; local < locals; ++local) {
      int64_t offset = offsetOf(layout.getLogicalIndex(worker, local));
      if (length > 0 && offset == previous + 1) {
        ++length;
      } else {
        if (length > 0)
          addRun(start, length);
        start = offset;
        length = 1;
      }
      previous = offset;
    }
    addRun(start, length);
  }
  int64_t limit = 8 * std::min(options.maxVectorBytes, options.baseAlignBytes);
  // The largest power of two dividing `common` (any power if common == 0, which cannot happen
  // for a non-empty layout but keeps the arithmetic total).
  int64_t width = common == 0 ? limit : std::min(limit, common & -common);
  return width >= 8 ? width : 0;
}

llvm::Expected<int64_t> lowbit::layout::computeVectorWidth(const RegisterLayout &layout,
                                                           const GlobalLayout &memory,
                                                           const VectorWidthOptions &options) {
  if (memory.getShape() != layout.getShape())
    return makeError("the memory layout's shape " + formatList(memory.getShape()) +
                     " differs from the register layout's " + formatList(layout.getShape()));
  return computeVectorWidth(
      layout, [&](ArrayRef<int64_t> index) { return memory.getOffset(index); }, options);
}

llvm::Expected<int64_t> lowbit::layout::computeVectorWidth(const RegisterLayout &layout,
                                                           const SharedLayout &memory,
                                                           const VectorWidthOptions &options) {
  if (memory.getShape() != layout.getShape())
    return makeError("the memory layout's shape " + formatList(memory.getShape()) +
                     " differs from the register layout's " + formatList(layout.getShape()));
  return computeVectorWidth(
      layout, [&](ArrayRef<int64_t> index) { return memory.getOffset(index); }, options);
}
