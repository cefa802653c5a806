//===- RegisterLayout.cpp - Construction, canonical form and the map ------===//
//
// Invariants are checked in one place, tryCreate (user input) and makePrimitive; every other
// layout is produced by LayoutBuilder::fromParts from valid parts and is canonical by
// construction.
//
//===----------------------------------------------------------------------===//

#include "LayoutImpl.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/ErrorHandling.h"
#include "llvm/Support/raw_ostream.h"

using namespace lowbit::layout;
using llvm::ArrayRef;
using llvm::SmallVector;
using llvm::SmallVectorImpl;

//===----------------------------------------------------------------------===//
// Helpers
//===----------------------------------------------------------------------===//

llvm::Error lowbit::layout::makeError(const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
}

std::optional<int64_t> lowbit::layout::boundedProduct(int64_t a, int64_t b) {
  if (a < 0 || b < 0)
    return std::nullopt;
  if (a != 0 && b > kMaxLayoutSize / a)
    return std::nullopt;
  return a * b;
}

std::string lowbit::layout::formatList(ArrayRef<int64_t> values) {
  std::string text = "[";
  llvm::raw_string_ostream os(text);
  llvm::interleave(values, os, ",");
  os << "]";
  return text;
}

int64_t LayoutParts::splitMode(int64_t id, int64_t lowExtent) {
  int64_t low = addMode(lowExtent);
  extents[id] /= lowExtent;
  for (auto &modes : dimModes) {
    auto *it = llvm::find(modes, id);
    if (it != modes.end()) {
      modes.insert(std::next(it), low);
      break;
    }
  }
  for (auto *list : {&spatial, &local}) {
    auto *it = llvm::find(*list, id);
    if (it != list->end()) {
      list->insert(std::next(it), low);
      break;
    }
  }
  return low;
}

static SmallVectorImpl<int64_t> &sequenceOf(LayoutParts &parts, DigitSequence which, unsigned dim) {
  switch (which) {
  case DigitSequence::Dimension:
    return parts.dimModes[dim];
  case DigitSequence::Spatial:
    return parts.spatial;
  case DigitSequence::Local:
    return parts.local;
  }
  llvm_unreachable("unknown digit sequence");
}

static int64_t digitExtent(const LayoutParts &parts, int64_t entry) {
  return entry >= 0 ? parts.extents[entry] : -entry;
}

bool lowbit::layout::cutSequence(LayoutParts &parts, DigitSequence which, unsigned dim,
                                 int64_t lowProduct) {
  int64_t remaining = lowProduct;
  for (size_t i = sequenceOf(parts, which, dim).size(); i-- > 0 && remaining > 1;) {
    int64_t entry = sequenceOf(parts, which, dim)[i];
    int64_t extent = digitExtent(parts, entry);
    if (remaining % extent == 0) {
      remaining /= extent;
      continue;
    }
    if (extent % remaining != 0)
      return false;
    if (entry >= 0) {
      parts.splitMode(entry, remaining);
    } else {
      auto &seq = sequenceOf(parts, which, dim);
      seq[i] = -(extent / remaining);
      seq.insert(seq.begin() + i + 1, -remaining);
    }
    remaining = 1;
  }
  return remaining == 1;
}

size_t lowbit::layout::suffixLength(const LayoutParts &parts, ArrayRef<int64_t> sequence,
                                    int64_t lowProduct) {
  int64_t product = 1;
  size_t length = 0;
  while (product < lowProduct && length < sequence.size()) {
    product *= digitExtent(parts, sequence[sequence.size() - 1 - length]);
    ++length;
  }
  return length;
}

//===----------------------------------------------------------------------===//
// Canonical form
//===----------------------------------------------------------------------===//

LayoutParts LayoutBuilder::toParts(const RegisterLayout &layout) {
  LayoutParts parts;
  parts.shape.assign(layout.shape.begin(), layout.shape.end());
  parts.dimModes.resize(layout.shape.size());
  parts.extents.assign(layout.modeShape.begin(), layout.modeShape.end());
  for (auto [mode, dim] : llvm::enumerate(layout.modeDims))
    parts.dimModes[dim].push_back(static_cast<int64_t>(mode));
  parts.spatial.assign(layout.spatialModes.begin(), layout.spatialModes.end());
  parts.local.assign(layout.localModes.begin(), layout.localModes.end());
  return parts;
}

RegisterLayout LayoutBuilder::fromParts(LayoutParts parts) {
  // Rule 1: drop extent-1 modes and 1-way replication.
  auto isTrivial = [&](int64_t entry) { return digitExtent(parts, entry) == 1; };
  for (auto &modes : parts.dimModes)
    llvm::erase_if(modes, isTrivial);
  llvm::erase_if(parts.spatial, isTrivial);
  llvm::erase_if(parts.local, isTrivial);

  // Rules 2 and 3: merge neighbours. Merging never creates a new mergeable pair elsewhere, so
  // one pass per list (re-checking a merged digit against its new neighbour) reaches the fixed
  // point.
  auto nextInDimension = [&](int64_t id) -> int64_t {
    for (auto &modes : parts.dimModes) {
      auto *it = llvm::find(modes, id);
      if (it != modes.end())
        return std::next(it) == modes.end() ? -1 : *std::next(it);
    }
    return -1;
  };
  for (auto *list : {&parts.spatial, &parts.local}) {
    for (size_t i = 0; i + 1 < list->size();) {
      int64_t first = (*list)[i], second = (*list)[i + 1];
      if (first < 0 && second < 0) {
        (*list)[i] = -(first * second);
        list->erase(list->begin() + i + 1);
      } else if (first >= 0 && second >= 0 && nextInDimension(first) == second) {
        parts.extents[first] *= parts.extents[second];
        for (auto &modes : parts.dimModes)
          llvm::erase(modes, second);
        list->erase(list->begin() + i + 1);
      } else {
        ++i;
      }
    }
  }

  // Number the modes dimension by dimension.
  RegisterLayout layout;
  layout.shape.assign(parts.shape.begin(), parts.shape.end());
  SmallVector<int64_t, 8> newIndex(parts.extents.size(), -1);
  for (auto [dim, modes] : llvm::enumerate(parts.dimModes)) {
    for (int64_t id : modes) {
      newIndex[id] = static_cast<int64_t>(layout.modeShape.size());
      layout.modeShape.push_back(parts.extents[id]);
      layout.modeDims.push_back(static_cast<unsigned>(dim));
    }
  }
  for (int64_t entry : parts.spatial)
    layout.spatialModes.push_back(entry >= 0 ? newIndex[entry] : entry);
  for (int64_t entry : parts.local)
    layout.localModes.push_back(newIndex[entry]);
  return layout;
}

//===----------------------------------------------------------------------===//
// Construction
//===----------------------------------------------------------------------===//

llvm::Expected<RegisterLayout> RegisterLayout::tryCreate(ArrayRef<int64_t> shape,
                                                         ArrayRef<int64_t> modeShape,
                                                         ArrayRef<int64_t> spatialModes,
                                                         ArrayRef<int64_t> localModes) {
  int64_t numElements = 1;
  for (auto [dim, extent] : llvm::enumerate(shape)) {
    if (extent < 1)
      return makeError("extent " + llvm::Twine(extent) + " of dimension " + llvm::Twine(dim) +
                       " is not positive");
    std::optional<int64_t> product = boundedProduct(numElements, extent);
    if (!product)
      return makeError("shape " + formatList(shape) + " has too many elements");
    numElements = *product;
  }

  // Assign modes to dimensions greedily.
  LayoutParts parts;
  parts.shape.assign(shape.begin(), shape.end());
  parts.dimModes.resize(shape.size());
  size_t dim = 0;
  int64_t filled = 1;
  auto skipCompleteDims = [&] {
    while (dim < shape.size() && filled == shape[dim]) {
      ++dim;
      filled = 1;
    }
  };
  for (auto [mode, extent] : llvm::enumerate(modeShape)) {
    if (extent < 1 || extent > kMaxLayoutSize)
      return makeError("mode " + llvm::Twine(mode) + " has invalid extent " + llvm::Twine(extent));
    parts.addMode(extent);
    if (extent == 1) {
      if (shape.empty())
        return makeError("a rank-0 layout has no modes, found mode " + llvm::Twine(mode));
      parts.dimModes[std::min(dim, shape.size() - 1)].push_back(static_cast<int64_t>(mode));
      continue;
    }
    skipCompleteDims();
    if (dim == shape.size() || shape[dim] % (filled * extent) != 0)
      return makeError("modes " + formatList(modeShape) + " do not split shape " +
                       formatList(shape) + " (mode " + llvm::Twine(mode) + " of extent " +
                       llvm::Twine(extent) + " does not fit)");
    filled *= extent;
    parts.dimModes[dim].push_back(static_cast<int64_t>(mode));
  }
  skipCompleteDims();
  if (dim != shape.size())
    return makeError("modes " + formatList(modeShape) + " do not split shape " + formatList(shape) +
                     " (dimension " + llvm::Twine(dim) + " is incomplete)");

  SmallVector<int, 8> uses(modeShape.size(), 0);
  auto checkList = [&](ArrayRef<int64_t> list, llvm::StringRef role) -> llvm::Error {
    int64_t size = 1;
    for (int64_t entry : list) {
      if (entry >= static_cast<int64_t>(modeShape.size()))
        return makeError(role + " entry " + llvm::Twine(entry) +
                         " is not a mode index (there are " + llvm::Twine(modeShape.size()) +
                         " modes)");
      if (entry < 0 && role == "local")
        return makeError("local entry " + llvm::Twine(entry) +
                         ": replication is only allowed among the spatial modes");
      if (entry < -kMaxLayoutSize)
        return makeError(role + " replication " + llvm::Twine(entry) + " is too large");
      std::optional<int64_t> product = boundedProduct(size, entry >= 0 ? modeShape[entry] : -entry);
      if (!product)
        return makeError("too many " + role + " elements");
      size = *product;
      if (entry >= 0)
        ++uses[entry];
    }
    return llvm::Error::success();
  };
  if (llvm::Error error = checkList(spatialModes, "spatial"))
    return std::move(error);
  if (llvm::Error error = checkList(localModes, "local"))
    return std::move(error);
  for (auto [mode, count] : llvm::enumerate(uses))
    if (count != 1)
      return makeError("mode " + llvm::Twine(mode) + " appears " + llvm::Twine(count) +
                       " times in the spatial and local modes (expected once)");
  parts.spatial.assign(spatialModes.begin(), spatialModes.end());
  parts.local.assign(localModes.begin(), localModes.end());
  return LayoutBuilder::fromParts(std::move(parts));
}

llvm::Expected<RegisterLayout> lowbit::layout::makePrimitive(PrimitiveKind kind,
                                                             ArrayRef<int64_t> extents) {
  LayoutParts parts;
  int64_t size = 1;
  for (auto [dim, extent] : llvm::enumerate(extents)) {
    if (extent < 1)
      return makeError("extent " + llvm::Twine(extent) + " is not positive");
    std::optional<int64_t> product = boundedProduct(size, extent);
    if (!product)
      return makeError("primitive " + formatList(extents) + " is too large");
    size = *product;
    parts.shape.push_back(extent);
    parts.dimModes.push_back({parts.addMode(extent)});
  }
  bool column = kind == PrimitiveKind::ColumnLocal || kind == PrimitiveKind::ColumnSpatial;
  bool spatial = kind == PrimitiveKind::Spatial || kind == PrimitiveKind::ColumnSpatial;
  auto &list = spatial ? parts.spatial : parts.local;
  for (size_t i = 0; i < extents.size(); ++i)
    list.push_back(static_cast<int64_t>(column ? extents.size() - 1 - i : i));
  return LayoutBuilder::fromParts(std::move(parts));
}

llvm::Expected<RegisterLayout> lowbit::layout::makeReplicated(int64_t factor) {
  if (factor < 1 || factor > kMaxLayoutSize)
    return makeError("replication factor " + llvm::Twine(factor) + " is invalid");
  LayoutParts parts;
  parts.spatial.push_back(-factor);
  return LayoutBuilder::fromParts(std::move(parts));
}

static RegisterLayout orFatal(llvm::Expected<RegisterLayout> layout) {
  if (!layout)
    llvm::report_fatal_error(llvm::Twine("invalid layout built in code: ") +
                             llvm::toString(layout.takeError()));
  return std::move(*layout);
}

RegisterLayout lowbit::layout::local(ArrayRef<int64_t> extents) {
  return orFatal(makePrimitive(PrimitiveKind::Local, extents));
}
RegisterLayout lowbit::layout::spatial(ArrayRef<int64_t> extents) {
  return orFatal(makePrimitive(PrimitiveKind::Spatial, extents));
}
RegisterLayout lowbit::layout::columnLocal(ArrayRef<int64_t> extents) {
  return orFatal(makePrimitive(PrimitiveKind::ColumnLocal, extents));
}
RegisterLayout lowbit::layout::columnSpatial(ArrayRef<int64_t> extents) {
  return orFatal(makePrimitive(PrimitiveKind::ColumnSpatial, extents));
}
RegisterLayout lowbit::layout::replicated(int64_t factor) {
  return orFatal(makeReplicated(factor));
}

RegisterLayout lowbit::layout::operator*(const RegisterLayout &a, const RegisterLayout &b) {
  return orFatal(compose(a, b));
}

RegisterLayout RegisterLayout::local(ArrayRef<int64_t> extents) const {
  return *this * lowbit::layout::local(extents);
}
RegisterLayout RegisterLayout::spatial(ArrayRef<int64_t> extents) const {
  return *this * lowbit::layout::spatial(extents);
}
RegisterLayout RegisterLayout::columnLocal(ArrayRef<int64_t> extents) const {
  return *this * lowbit::layout::columnLocal(extents);
}
RegisterLayout RegisterLayout::columnSpatial(ArrayRef<int64_t> extents) const {
  return *this * lowbit::layout::columnSpatial(extents);
}
RegisterLayout RegisterLayout::replicated(int64_t factor) const {
  return *this * lowbit::layout::replicated(factor);
}

//===----------------------------------------------------------------------===//
// Sizes and the map
//===----------------------------------------------------------------------===//

llvm::hash_code lowbit::layout::hash_value(const RegisterLayout &layout) {
  auto range = [](auto values) { return llvm::hash_combine_range(values.begin(), values.end()); };
  return llvm::hash_combine(range(layout.getShape()), range(layout.getModeShape()),
                            range(layout.getModeDims()), range(layout.getSpatialModes()),
                            range(layout.getLocalModes()));
}

int64_t RegisterLayout::getNumWorkers() const {
  int64_t size = 1;
  for (int64_t entry : spatialModes)
    size *= entry >= 0 ? modeShape[entry] : -entry;
  return size;
}

int64_t RegisterLayout::getLocalSize() const {
  int64_t size = 1;
  for (int64_t entry : localModes)
    size *= modeShape[entry];
  return size;
}

int64_t RegisterLayout::getNumElements() const {
  int64_t size = 1;
  for (int64_t extent : shape)
    size *= extent;
  return size;
}

int64_t RegisterLayout::getReplication() const {
  int64_t factor = 1;
  for (int64_t entry : spatialModes)
    if (entry < 0)
      factor *= -entry;
  return factor;
}

SmallVector<int64_t, 4> RegisterLayout::getLogicalIndex(int64_t worker, int64_t local) const {
  if (worker < 0 || worker >= getNumWorkers() || local < 0 || local >= getLocalSize())
    return {};
  SmallVector<int64_t, 8> digits(modeShape.size(), 0);
  for (int64_t entry : llvm::reverse(spatialModes)) {
    int64_t extent = entry >= 0 ? modeShape[entry] : -entry;
    if (entry >= 0)
      digits[entry] = worker % extent;
    worker /= extent;
  }
  for (int64_t entry : llvm::reverse(localModes)) {
    digits[entry] = local % modeShape[entry];
    local /= modeShape[entry];
  }
  SmallVector<int64_t, 4> index(shape.size(), 0);
  for (auto [mode, dim] : llvm::enumerate(modeDims))
    index[dim] = index[dim] * modeShape[mode] + digits[mode];
  return index;
}

SmallVector<WorkerLocal, 4> RegisterLayout::getOwners(ArrayRef<int64_t> index) const {
  if (index.size() != shape.size())
    return {};
  for (auto [value, extent] : llvm::zip(index, shape))
    if (value < 0 || value >= extent)
      return {};
  // Digits of each dimension's index, least significant mode last.
  SmallVector<int64_t, 8> digits(modeShape.size(), 0);
  SmallVector<int64_t, 4> rest(index.begin(), index.end());
  for (size_t mode = modeShape.size(); mode-- > 0;) {
    digits[mode] = rest[modeDims[mode]] % modeShape[mode];
    rest[modeDims[mode]] /= modeShape[mode];
  }
  int64_t local = 0;
  for (int64_t entry : localModes)
    local = local * modeShape[entry] + digits[entry];
  SmallVector<int64_t, 4> workers = {0};
  for (int64_t entry : spatialModes) {
    SmallVector<int64_t, 4> next;
    if (entry >= 0) {
      for (int64_t worker : workers)
        next.push_back(worker * modeShape[entry] + digits[entry]);
    } else {
      for (int64_t worker : workers)
        for (int64_t copy = 0; copy < -entry; ++copy)
          next.push_back(worker * -entry + copy);
    }
    workers = std::move(next);
  }
  SmallVector<WorkerLocal, 4> owners;
  for (int64_t worker : workers)
    owners.push_back({worker, local});
  return owners;
}
