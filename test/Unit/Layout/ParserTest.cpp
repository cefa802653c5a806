//===- ParserTest.cpp - Layout expression syntax and its errors -----------===//

#include "lowbit/Layout/Layout.h"
#include "lowbit/Layout/SharedLayout.h"

#include "gtest/gtest.h"

using namespace lowbit::layout;

namespace {

RegisterLayout parse(llvm::StringRef text) {
  llvm::Expected<RegisterLayout> layout = parseRegisterLayout(text);
  if (!layout) {
    ADD_FAILURE() << text.str() << ": " << llvm::toString(layout.takeError());
    return {};
  }
  return *layout;
}

std::string parseError(llvm::StringRef text) {
  llvm::Expected<RegisterLayout> layout = parseRegisterLayout(text);
  if (layout)
    return "parsed as " + layout->str();
  return llvm::toString(layout.takeError());
}

TEST(LayoutParser, Expressions) {
  RegisterLayout c = local({2, 1}).spatial({8, 4}).local({1, 2});
  EXPECT_EQ(parse("local(2,1).spatial(8,4).local(1,2)"), c);
  EXPECT_EQ(parse("  local( 2 , 1 ) * spatial(8,4)\t. local(1,2) "), c);
  EXPECT_EQ(parse("local(2,1)*spatial(8,4)*local(1,2)"), c);
  EXPECT_EQ(parse("column_spatial(4,8)"), columnSpatial({4, 8}));
  EXPECT_EQ(parse("column_local(2,2)"), columnLocal({2, 2}));
  EXPECT_EQ(parse("replicated(2)"), replicated(2));
  EXPECT_EQ(parse("replicated(2).local(2,2)").getRank(), 2u);
  EXPECT_EQ(parse("local(2,2).replicated(3)").getReplication(), 3);
  EXPECT_EQ(parse("spatial(32)").getNumWorkers(), 32);
  EXPECT_EQ(parse("layout<shape=[16,8], modes=[2,8,4,2], spatial=[1,2], local=[0,3]>"), c);
  EXPECT_EQ(parse("layout< shape = [16, 8] , modes=[2,8,4,2],spatial=[1,2],local=[0,3] >"), c);
  EXPECT_EQ(parse("layout<shape=[], modes=[], spatial=[-2], local=[]>"), replicated(2));
  EXPECT_EQ(parse("layout<shape=[4,4], modes=[2,2,2,2], spatial=[1,2], local=[3,0]>.local(1,2)")
                .getShape()
                .vec(),
            (std::vector<int64_t>{4, 8}));
}

TEST(LayoutParser, ErrorsNameTheColumnAndWhatWasExpected) {
  const char *anyFactor =
      "expected local, spatial, column_local, column_spatial, replicated or layout<...>";
  EXPECT_EQ(parseError(""), std::string("1: ") + anyFactor + ", found end of input");
  EXPECT_EQ(parseError("locl(2)"), std::string("1: ") + anyFactor + ", found 'locl'");
  EXPECT_EQ(parseError("(2)"), std::string("1: ") + anyFactor + ", found '('");
  EXPECT_EQ(parseError("local(2)."), std::string("10: ") + anyFactor + ", found end of input");
  EXPECT_EQ(parseError("local(2,1"), "10: expected ',' or ')', found end of input");
  EXPECT_EQ(parseError("local(2;1)"), "8: expected ',' or ')', found ';'");
  EXPECT_EQ(parseError("local 2"), "7: expected '(', found '2'");
  EXPECT_EQ(parseError("local(2,0)"), "9: extent must be at least 1");
  EXPECT_EQ(parseError("local()"), "7: expected a positive integer, found ')'");
  EXPECT_EQ(parseError("local(-2)"), "7: expected a positive integer, found '-'");
  EXPECT_EQ(parseError("local(99999999999)"), "7: integer is too large (the limit is 2147483648)");
  EXPECT_EQ(parseError("local(2,1) spatial(2,2)"),
            "12: expected '.', '*' or the end of the layout, found 's'");
  EXPECT_EQ(parseError("local(2,1).spatial(8)"),
            "12: cannot compose layouts of rank 2 and 1 (ranks must match, or one must be 0)");
  EXPECT_EQ(parseError("replicated(0)"), "12: replication must be at least 1");
  EXPECT_EQ(parseError("replicated(2,2)"), "13: expected ')', found ','");
  EXPECT_EQ(parseError("layout<shape=[4] modes=[4], spatial=[0], local=[]>"),
            "18: expected ',', found 'm'");
  EXPECT_EQ(parseError("layout<shape=[4], mode=[4], spatial=[0], local=[]>"),
            "19: expected 'modes', found 'm'");
  EXPECT_EQ(parseError("layout<shape=[4], modes=[4], spatial=[0], local=[]"),
            "51: expected '>', found end of input");
  EXPECT_EQ(
      parseError("layout<shape=[4], modes=[3], spatial=[0], local=[]>"),
      "1: invalid layout: modes [3] do not split shape [4] (mode 0 of extent 3 does not fit)");
  EXPECT_EQ(parseError("local(2).layout<shape=[4], modes=[4], spatial=[0], local=[0]>"),
            "10: invalid layout: mode 0 appears 2 times in the spatial and local modes (expected "
            "once)");
  EXPECT_EQ(parseError("local(1 << 40)"), "9: expected ',' or ')', found '<'");
  EXPECT_EQ(parseError("local(65536,65536)"), "1: primitive [65536,65536] is too large");
}

TEST(LayoutParser, DiagnosticOverload) {
  ParseDiagnostic diag;
  EXPECT_FALSE(parseRegisterLayout("local(2,1).bogus(1)", diag).has_value());
  EXPECT_EQ(diag.column, 12u);
  EXPECT_EQ(diag.message, "expected local, spatial, column_local, column_spatial, replicated or "
                          "layout<...>, found 'bogus'");
  std::optional<RegisterLayout> good = parseRegisterLayout("spatial(8,4)", diag);
  ASSERT_TRUE(good.has_value());
  EXPECT_EQ(diag.column, 0u);
  EXPECT_EQ(*good, spatial({8, 4}));
}

TEST(LayoutParser, TryCreateRejectsInvalidExplicitForms) {
  auto error = [](std::vector<int64_t> shape, std::vector<int64_t> modes,
                  std::vector<int64_t> spatial, std::vector<int64_t> local) {
    llvm::Expected<RegisterLayout> layout = RegisterLayout::tryCreate(shape, modes, spatial, local);
    return layout ? std::string("ok") : llvm::toString(layout.takeError());
  };
  EXPECT_EQ(error({4}, {4}, {0}, {}), "ok");
  EXPECT_EQ(error({0}, {}, {}, {}), "extent 0 of dimension 0 is not positive");
  EXPECT_EQ(error({4}, {2}, {0}, {}),
            "modes [2] do not split shape [4] (dimension 0 is incomplete)");
  EXPECT_EQ(error({4}, {2, 2, 2}, {0, 1, 2}, {}),
            "modes [2,2,2] do not split shape [4] (mode 2 of extent 2 does not fit)");
  EXPECT_EQ(error({4}, {4}, {1}, {}), "spatial entry 1 is not a mode index (there are 1 modes)");
  EXPECT_EQ(error({4}, {4}, {}, {}),
            "mode 0 appears 0 times in the spatial and local modes (expected once)");
  EXPECT_EQ(error({4}, {4}, {0}, {0}),
            "mode 0 appears 2 times in the spatial and local modes (expected once)");
  EXPECT_EQ(error({4}, {4}, {0}, {-2}),
            "local entry -2: replication is only allowed among the spatial modes");
  EXPECT_EQ(error({4}, {0, 4}, {1}, {0}), "mode 0 has invalid extent 0");
  EXPECT_EQ(error({}, {1}, {}, {0}), "a rank-0 layout has no modes, found mode 0");
  EXPECT_EQ(error({1 << 20, 1 << 20}, {}, {}, {}), "shape [1048576,1048576] has too many elements");
  EXPECT_EQ(error({}, {}, {-65536, -65536}, {}), "too many spatial elements");
}

TEST(LayoutParser, MemoryLayouts) {
  SharedLayout shared =
      llvm::cantFail(parseSharedLayout("shared<shape=[8,64], strides=[64,1], swizzle=[3,3,3]>"));
  EXPECT_EQ(shared, llvm::cantFail(SharedLayout::rowMajor({8, 64}, {3, 3, 3})));
  EXPECT_EQ(shared.str(), "shared<shape=[8,64], strides=[64,1], swizzle=[3,3,3]>");
  SharedLayout moded = llvm::cantFail(
      parseSharedLayout("shared<shape=[16,16], modes=[2,8,16], strides=[128,16,1]>"));
  EXPECT_EQ(moded.str(), "shared<shape=[16,16], modes=[2,8,16], strides=[128,16,1]>");
  EXPECT_EQ(llvm::cantFail(parseSharedLayout(moded.str())), moded);
  GlobalLayout global = llvm::cantFail(parseGlobalLayout("global<shape=[4,4], strides=[1,4]>"));
  EXPECT_EQ(global.str(), "global<shape=[4,4], strides=[1,4]>");
  EXPECT_EQ(global.getOffset({1, 2}), 9);

  auto sharedError = [](llvm::StringRef text) {
    llvm::Expected<SharedLayout> layout = parseSharedLayout(text);
    return layout ? std::string("ok") : llvm::toString(layout.takeError());
  };
  EXPECT_EQ(sharedError("shared<shape=[8,64], strides=[64,1], swizzle=[3,3]>"),
            "38: swizzle takes three values [bits, base, shift]");
  EXPECT_EQ(sharedError("shared<shape=[8,64], strides=[64,1], swizzle=[4,3,3]>"),
            "1: invalid shared layout: swizzle bits 4 exceed shift 3 (the XORed bit ranges "
            "would overlap)");
  EXPECT_EQ(sharedError("shared<shape=[8,64], strides=[64]>"),
            "1: invalid shared layout: modes [8,64] and strides [64] have different lengths");
  EXPECT_EQ(sharedError("shared<shape=[8,64], strides=[64,1]> x"),
            "38: expected the end of the layout, found 'x'");
  EXPECT_EQ(sharedError("global<shape=[8], strides=[1]>"), "1: expected 'shared', found 'g'");
  llvm::Expected<GlobalLayout> badGlobal = parseGlobalLayout("global<shape=[8,8], strides=[1]>");
  ASSERT_FALSE(static_cast<bool>(badGlobal));
  EXPECT_EQ(llvm::toString(badGlobal.takeError()),
            "1: invalid global layout: shape [8,8] and strides [1] have different ranks");
}

} // namespace
