//===- CanonicalTest.cpp - Semantics, canonical form, printing ------------===//

#include "LayoutTestUtils.h"

#include "gtest/gtest.h"

#include <map>
#include <set>

using namespace lowbit::layout;
using namespace lowbit::layout::test;

namespace {

TEST(LayoutCanonical, ExplicitFormMeansTheTilusMap) {
  // tryCreate + getLogicalIndex against an independent evaluation of the explicit form.
  auto rng = makeRng(11);
  for (int trial = 0; trial < 5000; ++trial) {
    ExplicitForm form = randomExplicitForm(rng);
    SCOPED_TRACE(form.str());
    llvm::Expected<RegisterLayout> layout =
        RegisterLayout::tryCreate(form.shape, form.modes, form.spatial, form.local);
    ASSERT_TRUE(static_cast<bool>(layout)) << llvm::toString(layout.takeError());
    EXPECT_EQ(mapTable(*layout), explicitFormTable(form));
  }
}

TEST(LayoutCanonical, SameMapBuiltDifferentWays) {
  RegisterLayout l22 = local({2, 2});
  EXPECT_EQ(local({2, 1}) * local({1, 2}), l22);
  EXPECT_EQ(llvm::cantFail(RegisterLayout::tryCreate({2, 2}, {2, 2}, {}, {0, 1})), l22);
  EXPECT_EQ(llvm::cantFail(RegisterLayout::tryCreate({2, 2}, {2, 1, 1, 2}, {}, {0, 2, 1, 3})), l22);
  EXPECT_EQ(llvm::cantFail(RegisterLayout::tryCreate({2, 2}, {2, 2}, {-1}, {0, 1})), l22);
  EXPECT_EQ(local({4}), local({2}) * local({2}));
  EXPECT_EQ(local({4}), llvm::cantFail(RegisterLayout::tryCreate({4}, {2, 2}, {}, {0, 1})));
  EXPECT_NE(local({4}), llvm::cantFail(RegisterLayout::tryCreate({4}, {2, 2}, {}, {1, 0})));
  EXPECT_NE(spatial({8, 4}) * spatial({2, 2}), spatial({16, 8}));
  EXPECT_EQ(spatial({8, 1}) * spatial({2, 1}), spatial({16, 1}));
  EXPECT_EQ(columnLocal({2, 1}), local({2, 1}));
  EXPECT_EQ(columnSpatial({1, 8}), spatial({1, 8}));
  EXPECT_EQ(replicated(2) * replicated(3), replicated(6));
  EXPECT_EQ(replicated(1), RegisterLayout());
  EXPECT_EQ(local({1, 1}), llvm::cantFail(RegisterLayout::tryCreate({1, 1}, {}, {}, {})));
  EXPECT_NE(local({1, 1}), RegisterLayout());
  // column_local(2,2) is local(1,2) * local(2,1).
  EXPECT_EQ(columnLocal({2, 2}), local({1, 2}) * local({2, 1}));
  EXPECT_EQ(columnLocal({2, 2}).str(), "column_local(2,2)");
  // The mma accumulator three ways.
  RegisterLayout c = local({2, 1}).spatial({8, 4}).local({1, 2});
  EXPECT_EQ(c, llvm::cantFail(RegisterLayout::tryCreate({16, 8}, {2, 8, 4, 2}, {1, 2}, {0, 3})));
  EXPECT_EQ(c, llvm::cantFail(RegisterLayout::tryCreate({16, 8}, {2, 2, 4, 1, 2, 2, 2},
                                                        {1, 2, 3, 4, 5}, {0, 6})));
  EXPECT_EQ(c.str(), "local(2,1).spatial(8,4).local(1,2)");
}

TEST(LayoutCanonical, EquivalentExplicitFormsGiveTheSameObject) {
  auto rng = makeRng(12);
  for (int trial = 0; trial < 5000; ++trial) {
    RegisterLayout layout = randomLayout(rng);
    ExplicitForm form = randomEquivalentForm(layout, rng);
    SCOPED_TRACE(layout.strExplicit() + " vs " + form.str());
    ASSERT_EQ(explicitFormTable(form), mapTable(layout)); // the generator keeps the map
    llvm::Expected<RegisterLayout> other =
        RegisterLayout::tryCreate(form.shape, form.modes, form.spatial, form.local);
    ASSERT_TRUE(static_cast<bool>(other)) << llvm::toString(other.takeError());
    EXPECT_EQ(*other, layout);
    EXPECT_EQ(other->str(), layout.str());
  }
}

TEST(LayoutCanonical, EqualMapsAreEqualObjects) {
  // Many small layouts, bucketed by their full map: every bucket holds one object and one text.
  auto rng = makeRng(13);
  RandomLayoutOptions options;
  options.maxRank = 2;
  options.maxSize = 16;
  std::map<std::string, std::pair<RegisterLayout, std::set<std::string>>> buckets;
  for (int trial = 0; trial < 20000; ++trial) {
    ExplicitForm form = randomExplicitForm(rng, options);
    RegisterLayout layout =
        llvm::cantFail(RegisterLayout::tryCreate(form.shape, form.modes, form.spatial, form.local));
    auto [it, inserted] = buckets.try_emplace(tableKey(layout), layout, std::set<std::string>{});
    it->second.second.insert(form.str());
    if (!inserted) {
      SCOPED_TRACE(form.str() + " and " + it->second.first.strExplicit());
      EXPECT_EQ(layout, it->second.first);
      EXPECT_EQ(layout.str(), it->second.first.str());
      EXPECT_EQ(hash_value(layout), hash_value(it->second.first));
    }
  }
  // Also: different maps are different objects.
  std::set<std::string> texts;
  int shared = 0;
  for (auto &[key, bucket] : buckets) {
    EXPECT_TRUE(texts.insert(bucket.first.str()).second) << bucket.first.str();
    shared += bucket.second.size() > 1;
  }
  // The generator does produce the same map from different explicit forms, often.
  EXPECT_GT(shared, 100);
}

TEST(LayoutCanonical, CanonicalInvariantsHold) {
  auto rng = makeRng(14);
  for (int trial = 0; trial < 5000; ++trial) {
    RegisterLayout layout = randomLayout(rng);
    SCOPED_TRACE(layout.strExplicit());
    auto modes = layout.getModeShape();
    auto dims = layout.getModeDims();
    for (size_t m = 0; m < modes.size(); ++m) {
      EXPECT_GT(modes[m], 1);
      if (m)
        EXPECT_LE(dims[m - 1], dims[m]);
    }
    for (auto list : {layout.getSpatialModes(), layout.getLocalModes()})
      for (size_t i = 0; i + 1 < list.size(); ++i) {
        EXPECT_FALSE(list[i] < 0 && list[i + 1] < 0);
        EXPECT_FALSE(list[i] >= 0 && list[i + 1] == list[i] + 1 &&
                     dims[list[i]] == dims[list[i + 1]]);
      }
  }
}

TEST(LayoutCanonical, MapIsABijectionOntoElementsUpToReplication) {
  auto rng = makeRng(15);
  for (int trial = 0; trial < 3000; ++trial) {
    RegisterLayout layout = randomLayout(rng);
    SCOPED_TRACE(layout.str());
    std::map<Index, std::vector<WorkerLocal>> holders;
    for (int64_t w = 0; w < layout.getNumWorkers(); ++w)
      for (int64_t l = 0; l < layout.getLocalSize(); ++l) {
        auto index = layout.getLogicalIndex(w, l);
        ASSERT_EQ(index.size(), layout.getRank());
        for (unsigned d = 0; d < layout.getRank(); ++d) {
          ASSERT_GE(index[d], 0);
          ASSERT_LT(index[d], layout.getShape()[d]);
        }
        holders[Index(index.begin(), index.end())].push_back({w, l});
      }
    ASSERT_EQ(static_cast<int64_t>(holders.size()), layout.getNumElements());
    for (auto &[index, pairs] : holders) {
      EXPECT_EQ(static_cast<int64_t>(pairs.size()), layout.getReplication());
      auto owners = layout.getOwners(index);
      EXPECT_EQ(std::vector<WorkerLocal>(owners.begin(), owners.end()), pairs);
      // Replicated copies sit at the same local position of different workers.
      for (const WorkerLocal &pair : pairs)
        EXPECT_EQ(pair.local, pairs.front().local);
    }
    EXPECT_TRUE(layout.getOwners(Index(layout.getRank() + 1, 0)).empty());
    if (layout.getRank() > 0) {
      Index outside(layout.getRank(), 0);
      outside[0] = layout.getShape()[0];
      EXPECT_TRUE(layout.getOwners(outside).empty());
    }
    EXPECT_TRUE(layout.getLogicalIndex(layout.getNumWorkers(), 0).empty());
  }
}

TEST(LayoutCanonical, PrintThenParseGivesTheSameLayout) {
  auto rng = makeRng(16);
  int explicitOnly = 0;
  for (int trial = 0; trial < 5000; ++trial) {
    RegisterLayout layout = randomLayout(rng);
    std::string text = layout.str();
    SCOPED_TRACE(text);
    llvm::Expected<RegisterLayout> parsed = parseRegisterLayout(text);
    ASSERT_TRUE(static_cast<bool>(parsed)) << llvm::toString(parsed.takeError());
    EXPECT_EQ(*parsed, layout);
    EXPECT_EQ(parsed->str(), text);
    EXPECT_EQ(llvm::cantFail(parseRegisterLayout(layout.strExplicit())), layout);
    if (!layout.strExpression()) {
      ++explicitOnly;
      EXPECT_EQ(text, layout.strExplicit());
    }
  }
  EXPECT_GT(explicitOnly, 0);
}

TEST(LayoutCanonical, ExpressionWhenOneExists) {
  // Layouts built from primitives always print as an expression with at most as many factors.
  auto rng = makeRng(17);
  const PrimitiveKind kinds[] = {PrimitiveKind::Local, PrimitiveKind::Spatial,
                                 PrimitiveKind::ColumnLocal, PrimitiveKind::ColumnSpatial};
  for (int trial = 0; trial < 3000; ++trial) {
    unsigned rank = std::uniform_int_distribution<unsigned>(1, 3)(rng);
    unsigned factors = std::uniform_int_distribution<unsigned>(1, 4)(rng);
    RegisterLayout layout;
    for (unsigned f = 0; f < factors; ++f) {
      if (std::uniform_int_distribution<int>(0, 5)(rng) == 0) {
        layout = layout * replicated(std::uniform_int_distribution<int64_t>(2, 3)(rng));
        continue;
      }
      std::vector<int64_t> extents;
      for (unsigned d = 0; d < rank; ++d)
        extents.push_back(std::uniform_int_distribution<int64_t>(1, 3)(rng));
      layout = layout * llvm::cantFail(makePrimitive(
                            kinds[std::uniform_int_distribution<int>(0, 3)(rng)], extents));
    }
    if (layout.getRank() == 0)
      continue;
    SCOPED_TRACE(layout.strExplicit());
    std::optional<std::string> expression = layout.strExpression();
    ASSERT_TRUE(expression.has_value());
    EXPECT_LE(std::count(expression->begin(), expression->end(), '.') + 1,
              static_cast<long>(factors) + 1);
  }
}

} // namespace
