//===- SharedLayout.cpp - Shared-memory and global-memory layouts ---------===//

#include "lowbit/Layout/SharedLayout.h"
#include "LayoutImpl.h"

#include "llvm/ADT/STLExtras.h"

using namespace lowbit::layout;
using llvm::ArrayRef;

/// Offsets are bounded by sum |stride| * (extent - 1); keep that far from overflow.
static constexpr int64_t kMaxStride = int64_t(1) << 31;
static constexpr int64_t kMaxOffset = int64_t(1) << 40;

/// Fails when sum |stride| * (extent - 1) exceeds kMaxOffset (strides within kMaxStride).
static llvm::Error checkSpan(ArrayRef<int64_t> extents, ArrayRef<int64_t> strides) {
  int64_t span = 0;
  for (auto [extent, stride] : llvm::zip(extents, strides)) {
    span += (extent - 1) * (stride < 0 ? -stride : stride);
    if (span > kMaxOffset)
      return makeError("the layout spans more than 2^40 elements");
  }
  return llvm::Error::success();
}

llvm::Error Swizzle::verify() const {
  if (bits < 0 || base < 0 || shift < 0)
    return makeError("swizzle [" + llvm::Twine(bits) + "," + llvm::Twine(base) + "," +
                     llvm::Twine(shift) + "] has a negative field");
  if (bits > shift)
    return makeError("swizzle bits " + llvm::Twine(bits) + " exceed shift " + llvm::Twine(shift) +
                     " (the XORed bit ranges would overlap)");
  if (base + bits + shift > 40)
    return makeError("swizzle [" + llvm::Twine(bits) + "," + llvm::Twine(base) + "," +
                     llvm::Twine(shift) + "] reaches beyond bit 40");
  return llvm::Error::success();
}

static llvm::Error checkShape(ArrayRef<int64_t> shape) {
  int64_t elements = 1;
  for (int64_t extent : shape) {
    std::optional<int64_t> product = extent >= 1 ? boundedProduct(elements, extent) : std::nullopt;
    if (!product)
      return makeError("invalid shape " + formatList(shape));
    elements = *product;
  }
  return llvm::Error::success();
}

//===----------------------------------------------------------------------===//
// GlobalLayout
//===----------------------------------------------------------------------===//

llvm::Expected<GlobalLayout> GlobalLayout::tryCreate(ArrayRef<int64_t> shape,
                                                     ArrayRef<int64_t> strides) {
  if (llvm::Error error = checkShape(shape))
    return std::move(error);
  if (shape.size() != strides.size())
    return makeError("shape " + formatList(shape) + " and strides " + formatList(strides) +
                     " have different ranks");
  for (int64_t stride : strides)
    if (stride < -kMaxStride || stride > kMaxStride)
      return makeError("stride " + llvm::Twine(stride) + " is too large");
  if (llvm::Error error = checkSpan(shape, strides))
    return std::move(error);
  GlobalLayout layout;
  layout.shape.assign(shape.begin(), shape.end());
  layout.strides.assign(strides.begin(), strides.end());
  return layout;
}

llvm::Expected<GlobalLayout> GlobalLayout::rowMajor(ArrayRef<int64_t> shape) {
  if (llvm::Error error = checkShape(shape))
    return std::move(error);
  llvm::SmallVector<int64_t, 4> strides(shape.size(), 1);
  for (size_t dim = shape.size(); dim-- > 1;)
    strides[dim - 1] = strides[dim] * shape[dim];
  return tryCreate(shape, strides);
}

int64_t GlobalLayout::getOffset(ArrayRef<int64_t> index) const {
  int64_t offset = 0;
  for (auto [value, stride] : llvm::zip(index, strides))
    offset += value * stride;
  return offset;
}

std::string GlobalLayout::str() const {
  return "global<shape=" + formatList(shape) + ", strides=" + formatList(strides) + ">";
}

//===----------------------------------------------------------------------===//
// SharedLayout
//===----------------------------------------------------------------------===//

llvm::Expected<SharedLayout> SharedLayout::tryCreate(ArrayRef<int64_t> shape,
                                                     ArrayRef<int64_t> modeShape,
                                                     ArrayRef<int64_t> modeStrides,
                                                     Swizzle swizzle) {
  if (llvm::Error error = checkShape(shape))
    return std::move(error);
  if (modeShape.size() != modeStrides.size())
    return makeError("modes " + formatList(modeShape) + " and strides " + formatList(modeStrides) +
                     " have different lengths");
  if (llvm::Error error = swizzle.verify())
    return std::move(error);
  SharedLayout layout;
  layout.shape.assign(shape.begin(), shape.end());
  layout.swizzle = swizzle;
  // Greedy grouping, as in RegisterLayout::tryCreate.
  size_t dim = 0;
  int64_t filled = 1;
  auto skipCompleteDims = [&] {
    while (dim < shape.size() && filled == shape[dim]) {
      ++dim;
      filled = 1;
    }
  };
  for (auto [mode, extent] : llvm::enumerate(modeShape)) {
    int64_t stride = modeStrides[mode];
    if (stride < 0 || stride > kMaxStride)
      return makeError("mode stride " + llvm::Twine(stride) + " is invalid");
    if (extent < 1 || extent > kMaxLayoutSize)
      return makeError("mode " + llvm::Twine(mode) + " has invalid extent " + llvm::Twine(extent));
    if (extent > 1) {
      skipCompleteDims();
      if (dim == shape.size() || shape[dim] % (filled * extent) != 0)
        return makeError("modes " + formatList(modeShape) + " do not split shape " +
                         formatList(shape));
      filled *= extent;
    } else if (shape.empty()) {
      return makeError("a rank-0 layout has no modes");
    }
    layout.modeShape.push_back(extent);
    layout.modeStrides.push_back(stride);
    layout.modeDims.push_back(static_cast<unsigned>(std::min(dim, shape.size() - 1)));
  }
  skipCompleteDims();
  if (dim != shape.size())
    return makeError("modes " + formatList(modeShape) + " do not split shape " + formatList(shape));
  if (llvm::Error error = checkSpan(modeShape, modeStrides))
    return std::move(error);
  return layout;
}

llvm::Expected<SharedLayout> SharedLayout::rowMajor(ArrayRef<int64_t> shape, Swizzle swizzle) {
  if (llvm::Error error = checkShape(shape))
    return std::move(error);
  llvm::SmallVector<int64_t, 4> strides(shape.size(), 1);
  for (size_t dim = shape.size(); dim-- > 1;)
    strides[dim - 1] = strides[dim] * shape[dim];
  return tryCreate(shape, shape, strides, swizzle);
}

int64_t SharedLayout::getLinearOffset(ArrayRef<int64_t> index) const {
  llvm::SmallVector<int64_t, 4> rest(index.begin(), index.end());
  int64_t offset = 0;
  for (size_t mode = modeShape.size(); mode-- > 0;) {
    offset += (rest[modeDims[mode]] % modeShape[mode]) * modeStrides[mode];
    rest[modeDims[mode]] /= modeShape[mode];
  }
  return offset;
}

int64_t SharedLayout::getAllocationSize() const {
  int64_t largest = 0;
  for (auto [extent, stride] : llvm::zip(modeShape, modeStrides))
    largest += (extent - 1) * stride;
  int64_t block = swizzle.isIdentity() ? 1 : int64_t(1) << (swizzle.base + swizzle.bits);
  return (largest / block + 1) * block;
}

std::string SharedLayout::str() const {
  std::string text = "shared<shape=" + formatList(shape);
  bool onePerDim = modeShape.size() == shape.size() &&
                   llvm::all_of(llvm::enumerate(modeDims),
                                [](auto pair) { return pair.index() == pair.value(); });
  if (!onePerDim)
    text += ", modes=" + formatList(modeShape);
  text += ", strides=" + formatList(modeStrides);
  if (!swizzle.isIdentity())
    text += ", swizzle=" + formatList({swizzle.bits, swizzle.base, swizzle.shift});
  return text + ">";
}
