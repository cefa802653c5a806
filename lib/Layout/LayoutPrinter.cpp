//===- LayoutPrinter.cpp - Canonical text of a register layout ------------===//
//
// A constructor expression is a product of primitives, so it consumes the worker digits and the
// local digits from the most significant end; a primitive takes a few digits of one role list
// whose modes lie in distinct dimensions, in increasing (row-major) or decreasing
// (column-major) dimension order, each the most significant mode of its dimension not yet
// consumed. The consumed state is just (i, j) = how many worker and local digits are consumed,
// so a small dynamic program finds the expression with the fewest primitives, or shows that
// none exists (then the explicit form is printed).
//
//===----------------------------------------------------------------------===//

#include "LayoutImpl.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/raw_ostream.h"

#include <limits>

using namespace lowbit::layout;
using llvm::ArrayRef;
using llvm::SmallVector;
using llvm::SmallVectorImpl;

namespace {
struct Factor {
  enum Kind { Local, Spatial, Replicated } kind;
  bool column = false;
  size_t begin = 0, length = 0; // digits [begin, begin + length) of the role list
};

class ExpressionFinder {
public:
  explicit ExpressionFinder(const RegisterLayout &layout)
      : layout(layout), spatial(layout.getSpatialModes()), local(layout.getLocalModes()) {}

  std::optional<std::string> find();

private:
  /// Factors that can be taken in state (i, j), preferred ones first.
  SmallVector<Factor, 8> moves(size_t i, size_t j) const;
  bool consumed(int64_t mode, size_t i, size_t j) const {
    return llvm::is_contained(spatial.take_front(i), mode) ||
           llvm::is_contained(local.take_front(j), mode);
  }
  /// Whether every more significant mode of `mode`'s dimension is consumed.
  bool available(int64_t mode, size_t i, size_t j) const {
    for (int64_t other = mode - 1;
         other >= 0 && layout.getModeDims()[other] == layout.getModeDims()[mode]; --other)
      if (!consumed(other, i, j))
        return false;
    return true;
  }
  void appendGroups(SmallVectorImpl<Factor> &out, ArrayRef<int64_t> list, size_t begin,
                    Factor::Kind kind, size_t i, size_t j) const;
  std::string format(const Factor &factor) const;

  const RegisterLayout &layout;
  ArrayRef<int64_t> spatial, local;
};
} // namespace

void ExpressionFinder::appendGroups(SmallVectorImpl<Factor> &out, ArrayRef<int64_t> list,
                                    size_t begin, Factor::Kind kind, size_t i, size_t j) const {
  // Longest groups first; a group of one digit is row-major.
  SmallVector<Factor, 4> groups;
  for (bool column : {false, true}) {
    for (size_t end = begin; end < list.size(); ++end) {
      int64_t mode = list[end];
      if (mode < 0 || !available(mode, i, j))
        break;
      if (end > begin) {
        unsigned previous = layout.getModeDims()[list[end - 1]];
        unsigned current = layout.getModeDims()[mode];
        if (column ? current >= previous : current <= previous)
          break;
      }
      if (column && end == begin)
        continue;
      groups.push_back({kind, column, begin, end - begin + 1});
    }
  }
  llvm::sort(groups, [](const Factor &x, const Factor &y) {
    return x.length != y.length ? x.length > y.length : x.column < y.column;
  });
  out.append(groups.begin(), groups.end());
}

SmallVector<Factor, 8> ExpressionFinder::moves(size_t i, size_t j) const {
  SmallVector<Factor, 8> result;
  appendGroups(result, local, j, Factor::Local, i, j);
  appendGroups(result, spatial, i, Factor::Spatial, i, j);
  if (i < spatial.size() && spatial[i] < 0)
    result.push_back({Factor::Replicated, false, i, 1});
  return result;
}

std::string ExpressionFinder::format(const Factor &factor) const {
  if (factor.kind == Factor::Replicated)
    return "replicated(" + std::to_string(-spatial[factor.begin]) + ")";
  ArrayRef<int64_t> list = factor.kind == Factor::Local ? local : spatial;
  SmallVector<int64_t, 4> extents(layout.getRank(), 1);
  for (int64_t mode : list.slice(factor.begin, factor.length))
    extents[layout.getModeDims()[mode]] = layout.getModeShape()[mode];
  std::string text = factor.column ? "column_" : "";
  text += factor.kind == Factor::Local ? "local(" : "spatial(";
  llvm::raw_string_ostream os(text);
  llvm::interleave(extents, os, ",");
  os << ")";
  return text;
}

std::optional<std::string> ExpressionFinder::find() {
  size_t rows = spatial.size() + 1, cols = local.size() + 1;
  constexpr int kUnreachable = std::numeric_limits<int>::max();
  // cost[i][j]: fewest factors that consume the rest from state (i, j).
  SmallVector<int, 64> cost(rows * cols, kUnreachable);
  auto at = [&](size_t i, size_t j) -> int & { return cost[i * cols + j]; };
  auto next = [](const Factor &factor, size_t i, size_t j) {
    return factor.kind == Factor::Local ? std::make_pair(i, j + factor.length)
                                        : std::make_pair(i + factor.length, j);
  };
  at(rows - 1, cols - 1) = 0;
  for (size_t i = rows; i-- > 0;)
    for (size_t j = cols; j-- > 0;)
      for (const Factor &factor : moves(i, j)) {
        auto [ni, nj] = next(factor, i, j);
        if (at(ni, nj) != kUnreachable)
          at(i, j) = std::min(at(i, j), at(ni, nj) + 1);
      }
  if (at(0, 0) == kUnreachable)
    return std::nullopt;

  SmallVector<std::string, 8> factors;
  bool hasRank = false;
  for (size_t i = 0, j = 0; i + 1 < rows || j + 1 < cols;) {
    for (const Factor &factor : moves(i, j)) {
      auto [ni, nj] = next(factor, i, j);
      if (at(ni, nj) != kUnreachable && at(ni, nj) + 1 == at(i, j)) {
        factors.push_back(format(factor));
        hasRank |= factor.kind != Factor::Replicated;
        std::tie(i, j) = std::make_pair(ni, nj);
        break;
      }
    }
  }
  // A layout without modes: an all-ones local carries the rank.
  if (!hasRank && layout.getRank() > 0)
    factors.insert(factors.begin(), format({Factor::Local, false, 0, 0}));
  if (factors.empty())
    factors.push_back("replicated(1)");
  std::string text;
  llvm::raw_string_ostream os(text);
  llvm::interleave(factors, os, ".");
  return text;
}

std::optional<std::string> RegisterLayout::strExpression() const {
  return ExpressionFinder(*this).find();
}

std::string RegisterLayout::strExplicit() const {
  return "layout<shape=" + formatList(shape) + ", modes=" + formatList(modeShape) +
         ", spatial=" + formatList(spatialModes) + ", local=" + formatList(localModes) + ">";
}

std::string RegisterLayout::str() const {
  if (std::optional<std::string> expression = strExpression())
    return *expression;
  return strExplicit();
}

llvm::raw_ostream &lowbit::layout::operator<<(llvm::raw_ostream &os, const RegisterLayout &layout) {
  return os << layout.str();
}
