//===- LayoutOps.cpp - Composition, division and shape operations ---------===//
//
// Each operation rearranges the operands' digits (LayoutParts) and lets fromParts canonicalize.
// Division and reshape first cut digits at the boundaries they need (cutSequence); a boundary
// that falls inside a digit which it does not split into whole factors means no result exists.
//
//===----------------------------------------------------------------------===//

#include "LayoutImpl.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/SmallSet.h"

using namespace lowbit::layout;
using llvm::ArrayRef;
using llvm::SmallVector;
using llvm::SmallVectorImpl;

/// Checks the sizes of a result before it is built.
static llvm::Error checkSizes(ArrayRef<int64_t> shape, int64_t workers, int64_t locals,
                              llvm::StringRef what) {
  int64_t elements = 1;
  for (int64_t extent : shape) {
    std::optional<int64_t> product = boundedProduct(elements, extent);
    if (!product)
      return makeError(what + ": the result has too many elements");
    elements = *product;
  }
  if (workers > kMaxLayoutSize || locals > kMaxLayoutSize)
    return makeError(what + ": the result has too many workers or local elements");
  return llvm::Error::success();
}

/// Appends b's parts after a's: b's modes become less significant in each dimension
/// (composition) or new dimensions (concat); b's digits follow a's in both role lists.
static LayoutParts combine(const RegisterLayout &a, const RegisterLayout &b, bool newDims) {
  LayoutParts parts = LayoutBuilder::toParts(a);
  LayoutParts other = LayoutBuilder::toParts(b);
  int64_t offset = static_cast<int64_t>(parts.extents.size());
  parts.extents.append(other.extents.begin(), other.extents.end());
  auto shifted = [&](int64_t entry) { return entry >= 0 ? entry + offset : entry; };
  if (newDims || parts.shape.empty()) {
    // New dimensions (concat), or a's rank is 0 and b's dimensions are the result's.
    for (auto [extent, modes] : llvm::zip(other.shape, other.dimModes)) {
      parts.shape.push_back(extent);
      parts.dimModes.emplace_back();
      for (int64_t id : modes)
        parts.dimModes.back().push_back(shifted(id));
    }
  } else if (!other.shape.empty()) {
    for (size_t dim = 0; dim < parts.shape.size(); ++dim) {
      parts.shape[dim] *= other.shape[dim];
      for (int64_t id : other.dimModes[dim])
        parts.dimModes[dim].push_back(shifted(id));
    }
  }
  for (int64_t entry : other.spatial)
    parts.spatial.push_back(shifted(entry));
  for (int64_t entry : other.local)
    parts.local.push_back(shifted(entry));
  return parts;
}

llvm::Expected<RegisterLayout> lowbit::layout::compose(const RegisterLayout &a,
                                                       const RegisterLayout &b) {
  if (a.getRank() != b.getRank() && a.getRank() != 0 && b.getRank() != 0)
    return makeError("cannot compose layouts of rank " + llvm::Twine(a.getRank()) + " and " +
                     llvm::Twine(b.getRank()) + " (ranks must match, or one must be 0)");
  SmallVector<int64_t, 4> shape;
  for (unsigned dim = 0; dim < std::max(a.getRank(), b.getRank()); ++dim)
    shape.push_back((a.getRank() ? a.getShape()[dim] : 1) * (b.getRank() ? b.getShape()[dim] : 1));
  // Each factor is <= kMaxLayoutSize, so these products fit in int64_t before the check.
  if (llvm::Error error = checkSizes(shape, a.getNumWorkers() * b.getNumWorkers(),
                                     a.getLocalSize() * b.getLocalSize(), "compose"))
    return std::move(error);
  return LayoutBuilder::fromParts(combine(a, b, /*newDims=*/false));
}

llvm::Expected<RegisterLayout> lowbit::layout::concat(const RegisterLayout &a,
                                                      const RegisterLayout &b) {
  SmallVector<int64_t, 4> shape(a.getShape().begin(), a.getShape().end());
  shape.append(b.getShape().begin(), b.getShape().end());
  if (llvm::Error error = checkSizes(shape, a.getNumWorkers() * b.getNumWorkers(),
                                     a.getLocalSize() * b.getLocalSize(), "concat"))
    return std::move(error);
  return LayoutBuilder::fromParts(combine(a, b, /*newDims=*/true));
}

//===----------------------------------------------------------------------===//
// Division
//===----------------------------------------------------------------------===//

namespace {
/// a split as high * low, the low part having the given sizes.
struct Split {
  RegisterLayout high, low;
};
} // namespace

/// Splits `a` as high * low where low has the given shape and sizes; a rank-0 divisor is
/// matched by a rank-0 part (`rank0` names which part that is, if any).
enum class RankZeroPart { None, High, Low };
static llvm::Expected<Split> splitLayout(const RegisterLayout &a, ArrayRef<int64_t> lowShape,
                                         int64_t lowWorkers, int64_t lowLocals,
                                         llvm::StringRef what, RankZeroPart rank0) {
  auto fail = [&](const llvm::Twine &why) { return makeError(what + ": " + why); };
  for (unsigned dim = 0; dim < a.getRank(); ++dim)
    if (a.getShape()[dim] % lowShape[dim] != 0)
      return fail("extent " + llvm::Twine(a.getShape()[dim]) + " of dimension " + llvm::Twine(dim) +
                  " is not a multiple of " + llvm::Twine(lowShape[dim]));
  if (a.getNumWorkers() % lowWorkers != 0)
    return fail("the number of workers " + llvm::Twine(a.getNumWorkers()) +
                " is not a multiple of " + llvm::Twine(lowWorkers));
  if (a.getLocalSize() % lowLocals != 0)
    return fail("the local size " + llvm::Twine(a.getLocalSize()) + " is not a multiple of " +
                llvm::Twine(lowLocals));
  LayoutParts parts = LayoutBuilder::toParts(a);
  for (unsigned dim = 0; dim < a.getRank(); ++dim) {
    if (!cutSequence(parts, DigitSequence::Dimension, dim, lowShape[dim]))
      return fail("dimension " + llvm::Twine(dim) + " cannot be split at " +
                  llvm::Twine(lowShape[dim]) + " (its modes are " +
                  formatList(LayoutBuilder::toParts(a).extents) + ")");
  }
  if (!cutSequence(parts, DigitSequence::Spatial, 0, lowWorkers))
    return fail("the worker digits cannot be split at " + llvm::Twine(lowWorkers));
  if (!cutSequence(parts, DigitSequence::Local, 0, lowLocals))
    return fail("the local digits cannot be split at " + llvm::Twine(lowLocals));

  LayoutParts high, low;
  high.extents = low.extents = parts.extents;
  llvm::SmallSet<int64_t, 8> lowByDim, lowByRole;
  for (unsigned dim = 0; dim < a.getRank(); ++dim) {
    ArrayRef<int64_t> modes = parts.dimModes[dim];
    size_t length = suffixLength(parts, modes, lowShape[dim]);
    high.shape.push_back(a.getShape()[dim] / lowShape[dim]);
    low.shape.push_back(lowShape[dim]);
    high.dimModes.emplace_back(modes.drop_back(length));
    low.dimModes.emplace_back(modes.take_back(length));
    lowByDim.insert(modes.take_back(length).begin(), modes.take_back(length).end());
  }
  auto splitList = [&](ArrayRef<int64_t> list, int64_t lowProduct,
                       SmallVectorImpl<int64_t> &highList, SmallVectorImpl<int64_t> &lowList) {
    size_t length = suffixLength(parts, list, lowProduct);
    highList.assign(list.drop_back(length).begin(), list.drop_back(length).end());
    lowList.assign(list.take_back(length).begin(), list.take_back(length).end());
    for (int64_t entry : lowList)
      if (entry >= 0)
        lowByRole.insert(entry);
  };
  splitList(parts.spatial, lowWorkers, high.spatial, low.spatial);
  splitList(parts.local, lowLocals, high.local, low.local);
  if (lowByDim.size() != lowByRole.size() ||
      !llvm::all_of(lowByDim, [&](int64_t id) { return lowByRole.contains(id); }))
    return fail("the least significant digits of the workers and locals do not hold the "
                "least significant digits of the dimensions");
  // A part with no extent (all ones) stands for a rank-0 divisor.
  LayoutParts &scalar = rank0 == RankZeroPart::High ? high : low;
  if (rank0 != RankZeroPart::None) {
    scalar.shape.clear();
    scalar.dimModes.clear();
  }
  return Split{LayoutBuilder::fromParts(std::move(high)), LayoutBuilder::fromParts(std::move(low))};
}

/// The per-dimension shape of `b` as a factor of a rank-`rank` layout (rank 0 acts as ones).
static std::optional<SmallVector<int64_t, 4>> factorShape(const RegisterLayout &b, unsigned rank) {
  if (b.getRank() == 0)
    return SmallVector<int64_t, 4>(rank, 1);
  if (b.getRank() != rank)
    return std::nullopt;
  return SmallVector<int64_t, 4>(b.getShape().begin(), b.getShape().end());
}

llvm::Expected<RegisterLayout> lowbit::layout::divideRight(const RegisterLayout &a,
                                                           const RegisterLayout &b) {
  std::string what = a.str() + " / " + b.str();
  std::optional<SmallVector<int64_t, 4>> lowShape = factorShape(b, a.getRank());
  if (!lowShape)
    return makeError(what + ": ranks " + llvm::Twine(a.getRank()) + " and " +
                     llvm::Twine(b.getRank()) + " do not match");
  llvm::Expected<Split> split =
      splitLayout(a, *lowShape, b.getNumWorkers(), b.getLocalSize(), what,
                  b.getRank() == 0 ? RankZeroPart::Low : RankZeroPart::None);
  if (!split)
    return split.takeError();
  if (split->low != b)
    return makeError(what + ": the least significant part of the dividend is " + split->low.str() +
                     ", not the divisor");
  return std::move(split->high);
}

llvm::Expected<RegisterLayout> lowbit::layout::divideLeft(const RegisterLayout &a,
                                                          const RegisterLayout &b) {
  std::string what = b.str() + " \\ " + a.str();
  std::optional<SmallVector<int64_t, 4>> highShape = factorShape(b, a.getRank());
  if (!highShape)
    return makeError(what + ": ranks " + llvm::Twine(b.getRank()) + " and " +
                     llvm::Twine(a.getRank()) + " do not match");
  SmallVector<int64_t, 4> lowShape;
  for (auto [extent, highExtent] : llvm::zip(a.getShape(), *highShape)) {
    if (extent % highExtent != 0)
      return makeError(what + ": extent " + llvm::Twine(extent) + " is not a multiple of " +
                       llvm::Twine(highExtent));
    lowShape.push_back(extent / highExtent);
  }
  if (a.getNumWorkers() % b.getNumWorkers() != 0 || a.getLocalSize() % b.getLocalSize() != 0)
    return makeError(what + ": the worker or local counts are not multiples of the divisor's");
  llvm::Expected<Split> split = splitLayout(
      a, lowShape, a.getNumWorkers() / b.getNumWorkers(), a.getLocalSize() / b.getLocalSize(), what,
      b.getRank() == 0 ? RankZeroPart::High : RankZeroPart::None);
  if (!split)
    return split.takeError();
  if (split->high != b)
    return makeError(what + ": the most significant part of the dividend is " + split->high.str() +
                     ", not the divisor");
  return std::move(split->low);
}

//===----------------------------------------------------------------------===//
// Shape operations
//===----------------------------------------------------------------------===//

llvm::Expected<RegisterLayout> lowbit::layout::reduce(const RegisterLayout &a,
                                                      ArrayRef<int64_t> dims) {
  LayoutParts parts = LayoutBuilder::toParts(a);
  llvm::SmallSet<int64_t, 4> seen;
  for (int64_t dim : dims) {
    if (dim < 0 || dim >= static_cast<int64_t>(a.getRank()))
      return makeError("reduce: dimension " + llvm::Twine(dim) + " is out of range for rank " +
                       llvm::Twine(a.getRank()));
    if (!seen.insert(dim).second)
      return makeError("reduce: dimension " + llvm::Twine(dim) + " is repeated");
    for (int64_t id : parts.dimModes[dim]) {
      llvm::erase(parts.local, id);
      for (int64_t &entry : parts.spatial)
        if (entry == id)
          entry = -parts.extents[id];
    }
    parts.dimModes[dim].clear();
    parts.shape[dim] = 1;
  }
  return LayoutBuilder::fromParts(std::move(parts));
}

llvm::Expected<RegisterLayout> lowbit::layout::permute(const RegisterLayout &a,
                                                       ArrayRef<int64_t> perm) {
  if (perm.size() != a.getRank())
    return makeError("permute: " + formatList(perm) + " has " + llvm::Twine(perm.size()) +
                     " entries, the layout has rank " + llvm::Twine(a.getRank()));
  LayoutParts parts = LayoutBuilder::toParts(a);
  LayoutParts result = parts;
  llvm::SmallSet<int64_t, 4> seen;
  for (auto [dim, source] : llvm::enumerate(perm)) {
    if (source < 0 || source >= static_cast<int64_t>(a.getRank()) || !seen.insert(source).second)
      return makeError("permute: " + formatList(perm) + " is not a permutation of 0.." +
                       llvm::Twine(a.getRank() - 1));
    result.shape[dim] = parts.shape[source];
    result.dimModes[dim] = parts.dimModes[source];
  }
  return LayoutBuilder::fromParts(std::move(result));
}

llvm::Expected<RegisterLayout> lowbit::layout::reshape(const RegisterLayout &a,
                                                       ArrayRef<int64_t> newShape) {
  int64_t elements = 1;
  for (int64_t extent : newShape) {
    std::optional<int64_t> product = extent >= 1 ? boundedProduct(elements, extent) : std::nullopt;
    if (!product)
      return makeError("reshape: invalid shape " + formatList(newShape));
    elements = *product;
  }
  if (elements != a.getNumElements())
    return makeError("reshape: " + formatList(newShape) + " has " + llvm::Twine(elements) +
                     " elements, the layout has " + llvm::Twine(a.getNumElements()));
  // All modes in row-major order form one mixed-radix number: the flattened index.
  LayoutParts parts = LayoutBuilder::toParts(a);
  LayoutParts flat = parts;
  flat.shape = {a.getNumElements()};
  flat.dimModes.assign(1, {});
  for (auto &modes : parts.dimModes)
    flat.dimModes[0].append(modes.begin(), modes.end());
  // Cut it at the new dimensions' boundaries, least significant first.
  int64_t inner = 1;
  for (int64_t extent : llvm::reverse(newShape)) {
    inner *= extent;
    if (!cutSequence(flat, DigitSequence::Dimension, 0, inner))
      return makeError("reshape: " + a.str() + " cannot be reshaped to " + formatList(newShape) +
                       ": a mode would be cut at " + llvm::Twine(inner) + " elements");
  }
  LayoutParts result = flat;
  result.shape.assign(newShape.begin(), newShape.end());
  result.dimModes.assign(newShape.size(), {});
  ArrayRef<int64_t> rest = flat.dimModes[0];
  for (size_t dim = newShape.size(); dim-- > 0;) {
    size_t length = suffixLength(flat, rest, newShape[dim]);
    result.dimModes[dim].assign(rest.take_back(length).begin(), rest.take_back(length).end());
    rest = rest.drop_back(length);
  }
  return LayoutBuilder::fromParts(std::move(result));
}

RegisterLayout lowbit::layout::flatten(const RegisterLayout &a) {
  return llvm::cantFail(reshape(a, {a.getNumElements()}));
}

llvm::Expected<RegisterLayout> lowbit::layout::squeeze(const RegisterLayout &a, int64_t dim) {
  if (dim < 0 || dim >= static_cast<int64_t>(a.getRank()))
    return makeError("squeeze: dimension " + llvm::Twine(dim) + " is out of range for rank " +
                     llvm::Twine(a.getRank()));
  if (a.getShape()[dim] != 1)
    return makeError("squeeze: dimension " + llvm::Twine(dim) + " has extent " +
                     llvm::Twine(a.getShape()[dim]) + ", not 1");
  LayoutParts parts = LayoutBuilder::toParts(a);
  parts.shape.erase(parts.shape.begin() + dim);
  parts.dimModes.erase(parts.dimModes.begin() + dim);
  return LayoutBuilder::fromParts(std::move(parts));
}

llvm::Expected<RegisterLayout> lowbit::layout::unsqueeze(const RegisterLayout &a, int64_t dim) {
  if (dim < 0 || dim > static_cast<int64_t>(a.getRank()))
    return makeError("unsqueeze: position " + llvm::Twine(dim) + " is out of range for rank " +
                     llvm::Twine(a.getRank()));
  LayoutParts parts = LayoutBuilder::toParts(a);
  parts.shape.insert(parts.shape.begin() + dim, 1);
  parts.dimModes.insert(parts.dimModes.begin() + dim, SmallVector<int64_t, 4>());
  return LayoutBuilder::fromParts(std::move(parts));
}

std::optional<UnheldBroadcastElement>
lowbit::layout::findUnheldElement(
    const RegisterLayout &in, const RegisterLayout &out,
    llvm::function_ref<llvm::SmallVector<int64_t, 4>(llvm::ArrayRef<int64_t>)> sourceOf) {
  assert(in.getNumWorkers() == out.getNumWorkers() && "local gather across worker counts");
  constexpr int64_t kMaxPairsChecked = int64_t(1) << 20;
  if (out.getNumWorkers() * out.getLocalSize() > kMaxPairsChecked)
    return std::nullopt;
  for (int64_t worker = 0; worker < out.getNumWorkers(); ++worker)
    for (int64_t local = 0; local < out.getLocalSize(); ++local) {
      llvm::SmallVector<int64_t, 4> index = out.getLogicalIndex(worker, local);
      llvm::SmallVector<int64_t, 4> source = sourceOf(index);
      if (llvm::none_of(in.getOwners(source),
                        [&](const WorkerLocal &owner) { return owner.worker == worker; }))
        return UnheldBroadcastElement{worker, std::move(index), std::move(source)};
    }
  return std::nullopt;
}

std::optional<UnheldBroadcastElement>
lowbit::layout::findUnheldBroadcastElement(const RegisterLayout &in, const RegisterLayout &out,
                                           llvm::ArrayRef<int64_t> dims) {
  return findUnheldElement(in, out, [&](llvm::ArrayRef<int64_t> index) {
    llvm::SmallVector<int64_t, 4> source(index);
    for (int64_t dim : dims)
      source[dim] = 0;
    return source;
  });
}

SmallVector<int64_t, 4> lowbit::layout::delinearize(int64_t flat, ArrayRef<int64_t> shape) {
  SmallVector<int64_t, 4> index(shape.size());
  for (int64_t d = static_cast<int64_t>(shape.size()) - 1; d >= 0; --d) {
    index[d] = flat % shape[d];
    flat /= shape[d];
  }
  return index;
}

bool lowbit::layout::holdsWholeTensor(const RegisterLayout &layout) {
  int64_t elements = 1;
  for (int64_t extent : layout.getShape())
    elements *= extent;
  for (int64_t e = 0; e < elements; ++e) {
    llvm::SmallDenseSet<int64_t, 16> holders;
    for (const WorkerLocal &owner : layout.getOwners(delinearize(e, layout.getShape())))
      holders.insert(owner.worker);
    if (static_cast<int64_t>(holders.size()) < layout.getNumWorkers())
      return false;
  }
  return true;
}
