//===- LayoutCodegen.cpp - Layout maps as index arithmetic -----------------===//
//
// Trivial steps (a factor or divisor of 1, a term of 0) emit nothing, so the arithmetic reads
// like the formulas in LayoutCodegen.h.
//
//===----------------------------------------------------------------------===//
#include "LayoutCodegen.h"

#include "mlir/Dialect/Arith/IR/Arith.h"

using namespace mlir;
using namespace lowbit;

namespace {
/// Index arithmetic that skips steps by 1 and sums with nothing in them.
struct IndexMath {
  OpBuilder &b;
  Location loc;

  Value constant(int64_t value) { return arith::ConstantIndexOp::create(b, loc, value); }
  Value mul(Value x, int64_t factor) {
    return factor == 1 ? x : arith::MulIOp::create(b, loc, x, constant(factor)).getResult();
  }
  Value div(Value x, int64_t divisor) {
    return divisor == 1 ? x : arith::DivUIOp::create(b, loc, x, constant(divisor)).getResult();
  }
  Value rem(Value x, int64_t divisor) {
    return arith::RemUIOp::create(b, loc, x, constant(divisor));
  }
  /// x + y where a null value stands for 0.
  Value add(Value x, Value y) {
    if (!x)
      return y;
    if (!y)
      return x;
    return arith::AddIOp::create(b, loc, x, y);
  }
  Value orZero(Value x) { return x ? x : constant(0); }

  /// Digit `i` of `value` in the mixed radix `extents` (most significant first): value / (product
  /// of the less significant extents), modulo extents[i] except for the most significant digit.
  Value digit(Value value, ArrayRef<int64_t> extents, size_t i) {
    int64_t below = 1;
    for (int64_t extent : extents.drop_front(i + 1))
      below *= extent;
    Value quotient = div(value, below);
    return i == 0 ? quotient : rem(quotient, extents[i]);
  }

  /// sum_i digits[i] * (product of the extents after i): the inverse of digit(). A null digit
  /// (a replication digit taken as 0) adds nothing.
  Value combine(ArrayRef<Value> digits, ArrayRef<int64_t> extents) {
    Value sum;
    int64_t weight = 1;
    for (size_t i = digits.size(); i-- > 0;) {
      if (digits[i])
        sum = add(sum, mul(digits[i], weight));
      weight *= extents[i];
    }
    return orZero(sum);
  }
};

/// Extents of a role list (spatial or local entries): a mode's extent, or r for replication -r.
SmallVector<int64_t> roleExtents(ArrayRef<int64_t> entries, ArrayRef<int64_t> modeShape) {
  return llvm::map_to_vector(entries,
                             [&](int64_t entry) { return entry >= 0 ? modeShape[entry] : -entry; });
}

/// Splits each dimension's index into the digits of its modes (`modeDims` non-decreasing).
SmallVector<Value> splitIndex(IndexMath &math, ValueRange index, ArrayRef<int64_t> modeShape,
                              ArrayRef<unsigned> modeDims) {
  SmallVector<Value> digits(modeShape.size());
  size_t first = 0;
  while (first < modeShape.size()) {
    size_t end = first;
    while (end < modeShape.size() && modeDims[end] == modeDims[first])
      ++end;
    ArrayRef<int64_t> extents = modeShape.slice(first, end - first);
    for (size_t i = 0; i < extents.size(); ++i)
      digits[first + i] = math.digit(index[modeDims[first]], extents, i);
    first = end;
  }
  return digits;
}
} // namespace

SmallVector<Value> lowbit::emitLogicalIndex(OpBuilder &b, Location loc,
                                            const layout::RegisterLayout &layout, Value worker,
                                            Value local) {
  IndexMath math{b, loc};
  ArrayRef<int64_t> modeShape = layout.getModeShape();
  SmallVector<Value> digits(modeShape.size());
  auto splitRole = [&](Value value, ArrayRef<int64_t> entries) {
    SmallVector<int64_t> extents = roleExtents(entries, modeShape);
    for (auto [i, entry] : llvm::enumerate(entries))
      if (entry >= 0)
        digits[entry] = math.digit(value, extents, i);
  };
  splitRole(worker, layout.getSpatialModes());
  splitRole(local, layout.getLocalModes());

  // Each dimension's index: its modes' digits, most significant first.
  SmallVector<Value> index;
  for (unsigned dim = 0; dim < layout.getRank(); ++dim) {
    SmallVector<Value> dimDigits;
    SmallVector<int64_t> dimExtents;
    for (auto [mode, modeDim] : llvm::enumerate(layout.getModeDims()))
      if (modeDim == dim) {
        dimDigits.push_back(digits[mode]);
        dimExtents.push_back(modeShape[mode]);
      }
    index.push_back(math.combine(dimDigits, dimExtents));
  }
  return index;
}

WorkerLocalValues lowbit::emitOwner(OpBuilder &b, Location loc,
                                    const layout::RegisterLayout &layout, ValueRange index) {
  IndexMath math{b, loc};
  ArrayRef<int64_t> modeShape = layout.getModeShape();
  SmallVector<Value> digits = splitIndex(math, index, modeShape, layout.getModeDims());
  auto combineRole = [&](ArrayRef<int64_t> entries) {
    SmallVector<Value> roleDigits = llvm::map_to_vector(
        entries, [&](int64_t entry) { return entry >= 0 ? digits[entry] : Value(); });
    return math.combine(roleDigits, roleExtents(entries, modeShape));
  };
  return {combineRole(layout.getSpatialModes()), combineRole(layout.getLocalModes())};
}

SmallVector<Value> lowbit::emitDelinearize(OpBuilder &b, Location loc, Value flat,
                                           ArrayRef<int64_t> shape) {
  IndexMath math{b, loc};
  SmallVector<Value> index;
  for (size_t i = 0; i < shape.size(); ++i)
    index.push_back(shape[i] == 1 ? math.constant(0) : math.digit(flat, shape, i));
  return index;
}

Value lowbit::emitSharedOffset(OpBuilder &b, Location loc, const layout::SharedLayout &layout,
                               ValueRange index) {
  IndexMath math{b, loc};
  SmallVector<Value> digits = splitIndex(math, index, layout.getModeShape(), layout.getModeDims());
  Value linear;
  for (auto [digit, stride] : llvm::zip_equal(digits, layout.getModeStrides()))
    if (stride != 0)
      linear = math.add(linear, math.mul(digit, stride));
  linear = math.orZero(linear);

  // CuTe's Swizzle<B, M, S>: o ^ (((o >> (M + S)) & (2^B - 1)) << M).
  layout::Swizzle swizzle = layout.getSwizzle();
  if (swizzle.isIdentity())
    return linear;
  Value bits = arith::ShRUIOp::create(b, loc, linear, math.constant(swizzle.base + swizzle.shift));
  bits = arith::AndIOp::create(b, loc, bits, math.constant((int64_t(1) << swizzle.bits) - 1));
  bits = arith::ShLIOp::create(b, loc, bits, math.constant(swizzle.base));
  return arith::XOrIOp::create(b, loc, linear, bits);
}
