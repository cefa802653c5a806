//===- OperationsTest.cpp - reduce, permute, reshape, ... vs brute force ---===//

#include "LayoutTestUtils.h"

#include "gtest/gtest.h"

#include <algorithm>
#include <numeric>

using namespace lowbit::layout;
using namespace lowbit::layout::test;

namespace {

constexpr int kTrials = 2000;

int64_t flatIndex(const Index &index, llvm::ArrayRef<int64_t> shape) {
  int64_t flat = 0;
  for (size_t d = 0; d < shape.size(); ++d)
    flat = flat * shape[d] + index[d];
  return flat;
}

Index unflatIndex(int64_t flat, llvm::ArrayRef<int64_t> shape) {
  Index index(shape.size());
  for (size_t d = shape.size(); d-- > 0;) {
    index[d] = flat % shape[d];
    flat /= shape[d];
  }
  return index;
}

Index at(const RegisterLayout &layout, int64_t worker, int64_t local) {
  auto index = layout.getLogicalIndex(worker, local);
  return Index(index.begin(), index.end());
}

TEST(LayoutOperations, Reduce) {
  auto rng = makeRng(21);
  for (int trial = 0; trial < kTrials; ++trial) {
    RegisterLayout a = randomLayout(rng);
    std::vector<int64_t> dims;
    for (unsigned d = 0; d < a.getRank(); ++d)
      if (std::uniform_int_distribution<int>(0, 1)(rng))
        dims.push_back(d);
    std::shuffle(dims.begin(), dims.end(), rng);
    SCOPED_TRACE(a.str() + " reduce " + std::to_string(dims.size()) + " dims");
    RegisterLayout r = llvm::cantFail(reduce(a, dims));
    auto reduced = [&](unsigned dim) { return std::count(dims.begin(), dims.end(), dim) > 0; };
    // Which local digits survive: those whose mode is not on a reduced dimension.
    auto localModes = a.getLocalModes();
    int64_t kept = 1;
    for (int64_t mode : localModes)
      if (!reduced(a.getModeDims()[mode]))
        kept *= a.getModeShape()[mode];
    ASSERT_EQ(r.getNumWorkers(), a.getNumWorkers());
    ASSERT_EQ(r.getLocalSize(), kept);
    for (unsigned d = 0; d < a.getRank(); ++d)
      EXPECT_EQ(r.getShape()[d], reduced(d) ? 1 : a.getShape()[d]);
    for (int64_t w = 0; w < a.getNumWorkers(); ++w)
      for (int64_t l = 0; l < a.getLocalSize(); ++l) {
        // Project l onto the surviving local digits.
        int64_t rest = l, projected = 0, scale = 1;
        for (size_t i = localModes.size(); i-- > 0;) {
          int64_t extent = a.getModeShape()[localModes[i]];
          if (!reduced(a.getModeDims()[localModes[i]])) {
            projected += (rest % extent) * scale;
            scale *= extent;
          }
          rest /= extent;
        }
        Index expected = at(a, w, l);
        for (int64_t d : dims)
          expected[d] = 0;
        EXPECT_EQ(at(r, w, projected), expected);
      }
  }
  EXPECT_EQ(llvm::cantFail(reduce(local({2, 1}).spatial({8, 4}).local({1, 2}), {1})).str(),
            "local(2,1).spatial(8,1).replicated(4)");
  EXPECT_EQ(llvm::cantFail(reduce(spatial({4, 8}), {0, 1})), replicated(32) * local({1, 1}));
  EXPECT_EQ(llvm::toString(reduce(local({2, 2}), {2}).takeError()),
            "reduce: dimension 2 is out of range for rank 2");
  EXPECT_EQ(llvm::toString(reduce(local({2, 2}), {1, 1}).takeError()),
            "reduce: dimension 1 is repeated");
}

TEST(LayoutOperations, BroadcastFromTheReducedLayoutIsLocal) {
  // Every worker of a holds each element of reduce(a, dims) that its elements repeat.
  auto rng = makeRng(22);
  for (int trial = 0; trial < kTrials; ++trial) {
    RegisterLayout a = randomLayout(rng);
    std::vector<int64_t> dims;
    for (unsigned d = 0; d < a.getRank(); ++d)
      if (std::uniform_int_distribution<int>(0, 1)(rng))
        dims.push_back(d);
    SCOPED_TRACE(a.str());
    RegisterLayout r = llvm::cantFail(reduce(a, dims));
    EXPECT_FALSE(findUnheldBroadcastElement(r, a, dims).has_value());
  }
}

TEST(LayoutOperations, BroadcastNamesTheFirstUnheldElement) {
  // Row w of the result is worker w's, but input column j is worker j's.
  RegisterLayout in = spatial({1, 8});
  RegisterLayout out = llvm::cantFail(compose(spatial({8, 1}), local({1, 8})));
  std::optional<UnheldBroadcastElement> unheld = findUnheldBroadcastElement(in, out, {0});
  ASSERT_TRUE(unheld.has_value());
  EXPECT_EQ(unheld->worker, 0);
  EXPECT_EQ(Index(unheld->index.begin(), unheld->index.end()), Index({0, 1}));
  EXPECT_EQ(Index(unheld->source.begin(), unheld->source.end()), Index({0, 1}));
}

TEST(LayoutOperations, Permute) {
  auto rng = makeRng(22);
  for (int trial = 0; trial < kTrials; ++trial) {
    RegisterLayout a = randomLayout(rng);
    std::vector<int64_t> perm(a.getRank());
    std::iota(perm.begin(), perm.end(), 0);
    std::shuffle(perm.begin(), perm.end(), rng);
    SCOPED_TRACE(a.str());
    RegisterLayout p = llvm::cantFail(permute(a, perm));
    ASSERT_EQ(p.getNumWorkers(), a.getNumWorkers());
    ASSERT_EQ(p.getLocalSize(), a.getLocalSize());
    for (int64_t w = 0; w < a.getNumWorkers(); ++w)
      for (int64_t l = 0; l < a.getLocalSize(); ++l) {
        Index original = at(a, w, l), expected(perm.size());
        for (size_t i = 0; i < perm.size(); ++i)
          expected[i] = original[perm[i]];
        EXPECT_EQ(at(p, w, l), expected);
      }
    // Permuting back restores the layout.
    std::vector<int64_t> inverse(perm.size());
    for (size_t i = 0; i < perm.size(); ++i)
      inverse[perm[i]] = i;
    EXPECT_EQ(llvm::cantFail(permute(p, inverse)), a);
  }
  EXPECT_EQ(llvm::cantFail(permute(local({2, 1}).spatial({8, 4}).local({1, 2}), {1, 0})).str(),
            "local(1,2).column_spatial(4,8).local(2,1)");
  EXPECT_FALSE(static_cast<bool>(permute(local({2, 2}), {0, 0})));
  llvm::consumeError(permute(local({2, 2}), {0, 0}).takeError());
  EXPECT_EQ(llvm::toString(permute(local({2, 2}), {0}).takeError()),
            "permute: [0] has 1 entries, the layout has rank 2");
}

/// A random shape with `elements` elements: its prime factors dealt into up to 4 dimensions.
std::vector<int64_t> randomShape(std::mt19937_64 &rng, int64_t elements) {
  std::vector<int64_t> factors;
  for (int64_t p = 2; elements > 1; ++p)
    while (elements % p == 0) {
      factors.push_back(p);
      elements /= p;
    }
  std::shuffle(factors.begin(), factors.end(), rng);
  unsigned rank = std::uniform_int_distribution<unsigned>(1, 4)(rng);
  std::vector<int64_t> shape(rank, 1);
  for (int64_t f : factors)
    shape[std::uniform_int_distribution<unsigned>(0, rank - 1)(rng)] *= f;
  return shape;
}

TEST(LayoutOperations, ReshapeAndFlatten) {
  auto rng = makeRng(23);
  int reshaped = 0, refused = 0;
  for (int trial = 0; trial < kTrials; ++trial) {
    RegisterLayout a = randomLayout(rng);
    std::vector<int64_t> shape = randomShape(rng, a.getNumElements());
    SCOPED_TRACE(a.str() + " reshaped");
    llvm::Expected<RegisterLayout> r = reshape(a, shape);
    RegisterLayout flat = flatten(a);
    ASSERT_EQ(flat.getShape().vec(), std::vector<int64_t>{a.getNumElements()});
    for (int64_t w = 0; w < a.getNumWorkers(); ++w)
      for (int64_t l = 0; l < a.getLocalSize(); ++l) {
        int64_t f = flatIndex(at(a, w, l), a.getShape());
        EXPECT_EQ(at(flat, w, l), Index{f});
        if (r)
          EXPECT_EQ(at(*r, w, l), unflatIndex(f, shape));
      }
    if (r) {
      ++reshaped;
      EXPECT_EQ(llvm::cantFail(reshape(*r, a.getShape())), a);
    } else {
      ++refused;
      llvm::consumeError(r.takeError());
    }
  }
  EXPECT_GT(reshaped, kTrials / 4);
  EXPECT_GT(refused, 0);
  EXPECT_EQ(llvm::cantFail(reshape(local({6}), {2, 3})), local({2, 3}));
  EXPECT_EQ(llvm::cantFail(reshape(spatial({8, 4}).local({1, 2}), {8, 2, 4})),
            spatial({8, 2, 2}).local({1, 1, 2}));
  EXPECT_EQ(llvm::toString(reshape(local({2, 3}), {3, 2}).takeError()),
            "reshape: local(2,3) cannot be reshaped to [3,2]: a mode would be cut at 2 elements");
  EXPECT_EQ(llvm::toString(reshape(local({2, 3}), {5}).takeError()),
            "reshape: [5] has 5 elements, the layout has 6");
  EXPECT_EQ(llvm::toString(reshape(local({2, 3}), {0, 6}).takeError()),
            "reshape: invalid shape [0,6]");
  EXPECT_EQ(flatten(RegisterLayout()).getShape().vec(), std::vector<int64_t>{1});
}

TEST(LayoutOperations, SqueezeAndUnsqueeze) {
  auto rng = makeRng(24);
  for (int trial = 0; trial < kTrials; ++trial) {
    RegisterLayout a = randomLayout(rng);
    int64_t dim = std::uniform_int_distribution<int64_t>(0, a.getRank())(rng);
    SCOPED_TRACE(a.str());
    RegisterLayout u = llvm::cantFail(unsqueeze(a, dim));
    ASSERT_EQ(u.getRank(), a.getRank() + 1);
    EXPECT_EQ(u.getShape()[dim], 1);
    for (int64_t w = 0; w < a.getNumWorkers(); ++w)
      for (int64_t l = 0; l < a.getLocalSize(); ++l) {
        Index expected = at(a, w, l);
        expected.insert(expected.begin() + dim, 0);
        EXPECT_EQ(at(u, w, l), expected);
      }
    EXPECT_EQ(llvm::cantFail(squeeze(u, dim)), a);
  }
  EXPECT_EQ(llvm::toString(squeeze(local({2, 2}), 0).takeError()),
            "squeeze: dimension 0 has extent 2, not 1");
  EXPECT_EQ(llvm::toString(squeeze(local({2, 2}), 2).takeError()),
            "squeeze: dimension 2 is out of range for rank 2");
  EXPECT_EQ(llvm::toString(unsqueeze(local({2, 2}), 3).takeError()),
            "unsqueeze: position 3 is out of range for rank 2");
  EXPECT_EQ(llvm::cantFail(squeeze(llvm::cantFail(unsqueeze(RegisterLayout(), 0)), 0)),
            RegisterLayout());
}

TEST(LayoutOperations, Concat) {
  auto rng = makeRng(25);
  RandomLayoutOptions options;
  options.maxSize = 48;
  options.maxRank = 2;
  for (int trial = 0; trial < kTrials; ++trial) {
    RegisterLayout a = randomLayout(rng, options), b = randomLayout(rng, options);
    SCOPED_TRACE("concat(" + a.str() + ", " + b.str() + ")");
    RegisterLayout c = llvm::cantFail(concat(a, b));
    ASSERT_EQ(c.getRank(), a.getRank() + b.getRank());
    ASSERT_EQ(c.getNumWorkers(), a.getNumWorkers() * b.getNumWorkers());
    ASSERT_EQ(c.getLocalSize(), a.getLocalSize() * b.getLocalSize());
    for (int64_t wa = 0; wa < a.getNumWorkers(); ++wa)
      for (int64_t wb = 0; wb < b.getNumWorkers(); ++wb)
        for (int64_t la = 0; la < a.getLocalSize(); ++la)
          for (int64_t lb = 0; lb < b.getLocalSize(); ++lb) {
            Index expected = at(a, wa, la), tail = at(b, wb, lb);
            expected.insert(expected.end(), tail.begin(), tail.end());
            EXPECT_EQ(at(c, wa * b.getNumWorkers() + wb, la * b.getLocalSize() + lb), expected);
          }
  }
  EXPECT_EQ(llvm::cantFail(concat(spatial({8}), local({2}))), spatial({8, 1}).local({1, 2}));
}

TEST(LayoutOperations, SizeLimitsAreErrors) {
  RegisterLayout big = local({1 << 20});
  llvm::Expected<RegisterLayout> tooBig = compose(big, big);
  ASSERT_FALSE(static_cast<bool>(tooBig));
  EXPECT_EQ(llvm::toString(tooBig.takeError()), "compose: the result has too many elements");
  EXPECT_FALSE(static_cast<bool>(makePrimitive(PrimitiveKind::Local, {1 << 16, 1 << 16})));
  llvm::consumeError(makePrimitive(PrimitiveKind::Local, {1 << 16, 1 << 16}).takeError());
  EXPECT_EQ(llvm::toString(makePrimitive(PrimitiveKind::Spatial, {2, 0}).takeError()),
            "extent 0 is not positive");
  EXPECT_EQ(llvm::toString(makeReplicated(0).takeError()), "replication factor 0 is invalid");
}

} // namespace
