//===- AlgebraTest.cpp - Laws of composition and division -----------------===//

#include "LayoutTestUtils.h"

#include "gtest/gtest.h"

using namespace lowbit::layout;
using namespace lowbit::layout::test;

namespace {

constexpr int kTrials = 3000;

/// Shape of a layout as a factor of rank `rank` (rank 0 acts as all ones).
Index factorShape(const RegisterLayout &layout, unsigned rank) {
  if (layout.getRank() == 0)
    return Index(rank, 1);
  return Index(layout.getShape().begin(), layout.getShape().end());
}

/// (A*B)(wA*WB + wB, lA*LB + lB) == A(wA,lA) * shapeB + B(wB,lB), computed from A and B alone.
Table composedTable(const RegisterLayout &a, const RegisterLayout &b) {
  unsigned rank = std::max(a.getRank(), b.getRank());
  Index shapeB = factorShape(b, rank);
  Table table;
  for (int64_t wa = 0; wa < a.getNumWorkers(); ++wa)
    for (int64_t wb = 0; wb < b.getNumWorkers(); ++wb)
      for (int64_t la = 0; la < a.getLocalSize(); ++la)
        for (int64_t lb = 0; lb < b.getLocalSize(); ++lb) {
          auto ia = a.getLogicalIndex(wa, la);
          auto ib = b.getLogicalIndex(wb, lb);
          Index index(rank, 0);
          for (unsigned d = 0; d < rank; ++d)
            index[d] = (a.getRank() ? ia[d] : 0) * shapeB[d] + (b.getRank() ? ib[d] : 0);
          table.push_back(index);
        }
  // Reorder from (wa, wb, la, lb) to (w, l) = (wa*WB + wb, la*LB + lb).
  Table ordered(table.size());
  int64_t wbN = b.getNumWorkers(), laN = a.getLocalSize(), lbN = b.getLocalSize();
  int64_t localSize = laN * lbN;
  size_t i = 0;
  for (int64_t wa = 0; wa < a.getNumWorkers(); ++wa)
    for (int64_t wb = 0; wb < wbN; ++wb)
      for (int64_t la = 0; la < laN; ++la)
        for (int64_t lb = 0; lb < lbN; ++lb)
          ordered[(wa * wbN + wb) * localSize + la * lbN + lb] = table[i++];
  return ordered;
}

TEST(LayoutAlgebra, CompositionMatchesDefinition) {
  auto rng = makeRng(1);
  RandomLayoutOptions options;
  options.maxSize = 64;
  for (int trial = 0; trial < kTrials; ++trial) {
    unsigned rank = std::uniform_int_distribution<unsigned>(0, 3)(rng);
    RegisterLayout a = randomLayoutOfRank(rng, rank, options);
    RegisterLayout b = trial % 5 == 0 ? randomLayoutOfRank(rng, 0, options)
                                      : randomLayoutOfRank(rng, rank, options);
    if (trial % 7 == 0)
      std::swap(a, b);
    SCOPED_TRACE(a.str() + " * " + b.str());
    RegisterLayout c = llvm::cantFail(compose(a, b));
    EXPECT_EQ(c.getNumWorkers(), a.getNumWorkers() * b.getNumWorkers());
    EXPECT_EQ(c.getLocalSize(), a.getLocalSize() * b.getLocalSize());
    EXPECT_EQ(mapTable(c), composedTable(a, b));
  }
}

TEST(LayoutAlgebra, CompositionIsAssociative) {
  auto rng = makeRng(2);
  RandomLayoutOptions options;
  options.maxSize = 32;
  for (int trial = 0; trial < kTrials; ++trial) {
    unsigned rank = std::uniform_int_distribution<unsigned>(0, 3)(rng);
    auto pickLayout = [&] {
      return trial % 4 == 0 && std::uniform_int_distribution<int>(0, 2)(rng) == 0
                 ? randomLayoutOfRank(rng, 0, options)
                 : randomLayoutOfRank(rng, rank, options);
    };
    RegisterLayout a = pickLayout(), b = pickLayout(), c = pickLayout();
    SCOPED_TRACE(a.str() + " * " + b.str() + " * " + c.str());
    RegisterLayout left = (a * b) * c, right = a * (b * c);
    EXPECT_EQ(left, right);
    EXPECT_EQ(left.str(), right.str());
  }
}

TEST(LayoutAlgebra, TheHeaderTutorialHolds) {
  RegisterLayout c = local({2, 1}).spatial({8, 4}).local({1, 2});
  EXPECT_EQ(llvm::cantFail(parseRegisterLayout("local(2,1).spatial(8,4).local(1,2)")), c);
  EXPECT_EQ(c.getLogicalIndex(5, 2).size(), 2u);
  EXPECT_EQ(c.getLogicalIndex(5, 2)[0], 9);
  EXPECT_EQ(c.getLogicalIndex(5, 2)[1], 2);
  auto owners = c.getOwners({9, 2});
  ASSERT_EQ(owners.size(), 1u);
  EXPECT_EQ(owners[0], (WorkerLocal{5, 2}));
  EXPECT_EQ(llvm::cantFail(divideRight(c, local({1, 2}))).str(), "local(2,1).spatial(8,4)");
  EXPECT_EQ(llvm::cantFail(reduce(c, {1})).str(), "local(2,1).spatial(8,1).replicated(4)");
  EXPECT_EQ(c.str(), "local(2,1).spatial(8,4).local(1,2)");
  // The primitives' maps as the tutorial states them.
  for (int64_t i = 0; i < 8; ++i) {
    EXPECT_EQ(local({2, 4}).getLogicalIndex(0, i)[0], i / 4);
    EXPECT_EQ(local({2, 4}).getLogicalIndex(0, i)[1], i % 4);
    EXPECT_EQ(columnLocal({2, 4}).getLogicalIndex(0, i)[0], i % 2);
    EXPECT_EQ(columnLocal({2, 4}).getLogicalIndex(0, i)[1], i / 2);
  }
  for (int64_t w = 0; w < 32; ++w) {
    EXPECT_EQ(spatial({8, 4}).getLogicalIndex(w, 0)[0], w / 4);
    EXPECT_EQ(spatial({8, 4}).getLogicalIndex(w, 0)[1], w % 4);
    EXPECT_EQ(columnSpatial({4, 8}).getLogicalIndex(w, 0)[0], w % 4);
    EXPECT_EQ(columnSpatial({4, 8}).getLogicalIndex(w, 0)[1], w / 4);
  }
}

TEST(LayoutAlgebra, IdentityAndRankZero) {
  RegisterLayout identity;
  RegisterLayout c = local({2, 1}).spatial({8, 4}).local({1, 2});
  EXPECT_EQ(identity * c, c);
  EXPECT_EQ(c * identity, c);
  EXPECT_EQ(identity.str(), "replicated(1)");
  EXPECT_EQ(identity.getNumWorkers(), 1);
  EXPECT_EQ(identity.getLocalSize(), 1);
  // A rank-0 layout composes with any rank.
  RegisterLayout r = replicated(2) * local({2, 2});
  EXPECT_EQ(r.getRank(), 2u);
  EXPECT_EQ(r.getNumWorkers(), 2);
  EXPECT_EQ(r.getReplication(), 2);
  EXPECT_EQ(r.str(), "local(2,2).replicated(2)");
  // Ranks must otherwise match.
  llvm::Expected<RegisterLayout> bad = compose(local({2}), local({2, 2}));
  ASSERT_FALSE(static_cast<bool>(bad));
  EXPECT_EQ(llvm::toString(bad.takeError()),
            "cannot compose layouts of rank 1 and 2 (ranks must match, or one must be 0)");
}

TEST(LayoutAlgebra, RightDivisionUndoesComposition) {
  auto rng = makeRng(3);
  RandomLayoutOptions options;
  options.maxSize = 64;
  for (int trial = 0; trial < kTrials; ++trial) {
    unsigned rank = std::uniform_int_distribution<unsigned>(0, 3)(rng);
    RegisterLayout a = randomLayoutOfRank(rng, rank, options);
    RegisterLayout b = randomLayoutOfRank(rng, trial % 6 == 0 ? 0 : rank, options);
    SCOPED_TRACE("(" + a.str() + " * " + b.str() + ") / " + b.str());
    llvm::Expected<RegisterLayout> q = divideRight(a * b, b);
    ASSERT_TRUE(static_cast<bool>(q)) << llvm::toString(q.takeError());
    EXPECT_EQ(*q, a);
  }
}

TEST(LayoutAlgebra, LeftDivisionUndoesComposition) {
  auto rng = makeRng(4);
  RandomLayoutOptions options;
  options.maxSize = 64;
  for (int trial = 0; trial < kTrials; ++trial) {
    unsigned rank = std::uniform_int_distribution<unsigned>(0, 3)(rng);
    RegisterLayout a = randomLayoutOfRank(rng, rank, options);
    RegisterLayout b = randomLayoutOfRank(rng, trial % 6 == 0 ? 0 : rank, options);
    SCOPED_TRACE(b.str() + " \\ (" + b.str() + " * " + a.str() + ")");
    llvm::Expected<RegisterLayout> q = divideLeft(b * a, b);
    ASSERT_TRUE(static_cast<bool>(q)) << llvm::toString(q.takeError());
    EXPECT_EQ(*q, a);
  }
}

/// Whether some function R (not necessarily a layout) satisfies R * b == a, by brute force:
/// R(wR, lR) must be a(wR*WB, lR*LB) / shapeB and then every entry of a must agree.
bool functionalRightQuotientExists(const RegisterLayout &a, const RegisterLayout &b) {
  if (b.getRank() != 0 && b.getRank() != a.getRank())
    return false;
  Index shapeB = factorShape(b, a.getRank());
  int64_t wb = b.getNumWorkers(), lb = b.getLocalSize();
  if (a.getNumWorkers() % wb || a.getLocalSize() % lb)
    return false;
  for (unsigned d = 0; d < a.getRank(); ++d)
    if (a.getShape()[d] % shapeB[d])
      return false;
  for (int64_t w = 0; w < a.getNumWorkers(); ++w)
    for (int64_t l = 0; l < a.getLocalSize(); ++l) {
      auto base = a.getLogicalIndex(w / wb * wb, l / lb * lb);
      auto full = a.getLogicalIndex(w, l);
      auto low = b.getLogicalIndex(w % wb, l % lb);
      for (unsigned d = 0; d < a.getRank(); ++d) {
        int64_t lowD = b.getRank() ? low[d] : 0;
        if (base[d] % shapeB[d] != 0 || full[d] != base[d] + lowD)
          return false;
      }
    }
  return true;
}

TEST(LayoutAlgebra, DivisionOfUnrelatedLayouts) {
  // A / B succeeds exactly when a quotient exists, and the quotient is one.
  auto rng = makeRng(5);
  RandomLayoutOptions options;
  options.maxSize = 48;
  options.maxRank = 2;
  int successes = 0;
  for (int trial = 0; trial < 4 * kTrials; ++trial) {
    unsigned rank = std::uniform_int_distribution<unsigned>(0, 2)(rng);
    RegisterLayout a = randomLayoutOfRank(rng, rank, options);
    RegisterLayout b = randomLayoutOfRank(rng, trial % 5 == 0 ? 0 : rank, options);
    SCOPED_TRACE(a.str() + " / " + b.str());
    llvm::Expected<RegisterLayout> right = divideRight(a, b);
    if (right) {
      ++successes;
      EXPECT_EQ(*right * b, a);
    } else {
      llvm::consumeError(right.takeError());
    }
    EXPECT_EQ(static_cast<bool>(right), functionalRightQuotientExists(a, b));
    llvm::Expected<RegisterLayout> left = divideLeft(a, b);
    if (left)
      EXPECT_EQ(b * *left, a);
    else
      llvm::consumeError(left.takeError());
  }
  EXPECT_GT(successes, 0);
}

TEST(LayoutAlgebra, DivisionFailsCleanly) {
  RegisterLayout c = local({2, 1}).spatial({8, 4}).local({1, 2});
  EXPECT_EQ(llvm::cantFail(divideRight(c, local({1, 2}))), local({2, 1}).spatial({8, 4}));
  EXPECT_EQ(llvm::cantFail(divideLeft(c, local({2, 1}))), spatial({8, 4}).local({1, 2}));
  EXPECT_EQ(llvm::cantFail(divideRight(local({4, 2}), local({2, 2}))), local({2, 1}));
  EXPECT_EQ(llvm::cantFail(divideRight(replicated(6), replicated(3))), replicated(2));
  struct Case {
    RegisterLayout a, b;
    bool left;
    const char *message;
  };
  std::vector<Case> cases = {
      {c, spatial({8, 4}), false,
       "local(2,1).spatial(8,4).local(1,2) / spatial(8,4): the least significant digits of the "
       "workers and locals do not hold the least significant digits of the dimensions"},
      {c, spatial({16, 4}), false, "the number of workers 32 is not a multiple of 64"},
      {c, local({1, 4}), false, "do not hold"},
      {c, local({1, 8}), false, "the local size 4 is not a multiple of 8"},
      {local({3}), local({2}), false, "not a multiple"},
      {local({2, 2}), local({2}), false, "ranks 2 and 1 do not match"},
      {spatial({2}).local({2}), spatial({2}), false, "least significant"},
      {columnLocal({2, 2}), local({2, 2}), false, "least significant"},
      {local({6}), local({4}), false, "not a multiple"},
      {spatial({6}), spatial({2}).spatial({2}), false, "not a multiple"},
      {c, local({1, 2}), true, "do not hold"},
      {c, spatial({8, 1}).local({2, 1}), true,
       "the most significant part of the dividend is local(2,1).spatial(8,1), not the divisor"},
      {local({2}), local({2, 1}), true, "ranks 2 and 1 do not match"},
  };
  for (Case &test : cases) {
    SCOPED_TRACE(test.a.str() + (test.left ? " left-divided by " : " / ") + test.b.str());
    llvm::Expected<RegisterLayout> q =
        test.left ? divideLeft(test.a, test.b) : divideRight(test.a, test.b);
    ASSERT_FALSE(static_cast<bool>(q));
    std::string message = llvm::toString(q.takeError());
    llvm::StringRef expected(test.message);
    if (expected.ends_with("..."))
      EXPECT_TRUE(llvm::StringRef(message).starts_with(expected.drop_back(3))) << message;
    else
      EXPECT_NE(message.find(test.message), std::string::npos) << message;
  }
}

} // namespace
