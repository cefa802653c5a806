//===- LayoutCodegenTest.cpp - Layout maps as arithmetic vs the algebra ----===//
//
// emitLogicalIndex, emitOwner and emitSharedOffset are emitted for constant inputs, evaluated
// (a few lines interpret the index arithmetic), and compared entry by entry with RegisterLayout's
// getLogicalIndex / getOwners and SharedLayout::getOffset: on every instruction layout of
// lib/Layout and on random layouts (replication and rank 0 to 3 included).
//
//===----------------------------------------------------------------------===//
#include "Common/LayoutCodegen.h"
#include "LayoutTestUtils.h"

#include "lowbit/Layout/InstructionLayouts.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "llvm/ADT/TypeSwitch.h"

#include "gtest/gtest.h"

using namespace mlir;
using namespace lowbit;
using namespace lowbit::layout;

namespace {

/// The value of index arithmetic on constants: the ops the emitters use, interpreted in order.
std::optional<int64_t> interpret(Operation *op, const llvm::DenseMap<Value, int64_t> &values) {
  if (auto constant = dyn_cast<arith::ConstantIndexOp>(op))
    return constant.value();
  if (op->getNumOperands() != 2)
    return std::nullopt;
  uint64_t x = values.lookup(op->getOperand(0)), y = values.lookup(op->getOperand(1));
  return llvm::TypeSwitch<Operation *, std::optional<int64_t>>(op)
      .Case([&](arith::AddIOp) { return x + y; })
      .Case([&](arith::MulIOp) { return x * y; })
      .Case([&](arith::DivUIOp) { return x / y; })
      .Case([&](arith::RemUIOp) { return x % y; })
      .Case([&](arith::ShRUIOp) { return x >> y; })
      .Case([&](arith::ShLIOp) { return x << y; })
      .Case([&](arith::AndIOp) { return x & y; })
      .Case([&](arith::XOrIOp) { return x ^ y; })
      .Default([](Operation *) { return std::nullopt; });
}

/// Emits `emit(builder, constant)` into a block and evaluates the values it returns.
std::vector<int64_t>
evaluate(function_ref<SmallVector<Value>(OpBuilder &, function_ref<Value(int64_t)>)> emit) {
  static MLIRContext *context = [] {
    auto *ctx = new MLIRContext();
    ctx->loadDialect<arith::ArithDialect, func::FuncDialect>();
    return ctx;
  }();
  Location loc = UnknownLoc::get(context);
  OwningOpRef<ModuleOp> module = ModuleOp::create(loc);
  OpBuilder b = OpBuilder::atBlockBegin(module->getBody());
  SmallVector<Value> results = emit(
      b, [&](int64_t value) -> Value { return arith::ConstantIndexOp::create(b, loc, value); });
  llvm::DenseMap<Value, int64_t> values;
  for (Operation &op : *module->getBody()) {
    std::optional<int64_t> value = interpret(&op, values);
    if (!value) {
      ADD_FAILURE() << "unexpected op " << op.getName().getStringRef().str();
      return {};
    }
    values[op.getResult(0)] = *value;
  }
  std::vector<int64_t> evaluated;
  for (Value result : results)
    evaluated.push_back(values.lookup(result));
  return evaluated;
}

void checkRegisterLayout(const RegisterLayout &layout) {
  SCOPED_TRACE(layout.str());
  int64_t workers = layout.getNumWorkers(), locals = layout.getLocalSize();
  unsigned rank = layout.getRank();

  // (worker, local) -> index, for every pair at once.
  std::vector<int64_t> indices = evaluate([&](OpBuilder &b, function_ref<Value(int64_t)> c) {
    SmallVector<Value> all;
    for (int64_t w = 0; w < workers; ++w)
      for (int64_t l = 0; l < locals; ++l)
        llvm::append_range(all, emitLogicalIndex(b, b.getUnknownLoc(), layout, c(w), c(l)));
    return all;
  });
  ASSERT_EQ(indices.size(), size_t(workers * locals * rank));
  std::vector<SmallVector<int64_t, 4>> elements;
  for (int64_t w = 0; w < workers; ++w)
    for (int64_t l = 0; l < locals; ++l) {
      SmallVector<int64_t, 4> expected = layout.getLogicalIndex(w, l);
      SmallVector<int64_t, 4> got(indices.begin() + (w * locals + l) * rank,
                                  indices.begin() + (w * locals + l + 1) * rank);
      ASSERT_EQ(got, expected) << "worker " << w << ", local " << l;
      if (!llvm::is_contained(elements, expected))
        elements.push_back(expected);
    }

  // index -> its first holder, for every element.
  std::vector<int64_t> owners = evaluate([&](OpBuilder &b, function_ref<Value(int64_t)> c) {
    SmallVector<Value> all;
    for (const SmallVector<int64_t, 4> &element : elements) {
      SmallVector<Value> index = llvm::map_to_vector(element, [&](int64_t i) { return c(i); });
      WorkerLocalValues owner = emitOwner(b, b.getUnknownLoc(), layout, index);
      all.append({owner.worker, owner.local});
    }
    return all;
  });
  ASSERT_EQ(owners.size(), 2 * elements.size());
  for (auto [i, element] : llvm::enumerate(elements)) {
    WorkerLocal expected = layout.getOwners(element).front();
    EXPECT_EQ(owners[2 * i], expected.worker) << "worker of element " << i;
    EXPECT_EQ(owners[2 * i + 1], expected.local) << "local of element " << i;
  }
}

TEST(LayoutCodegen, InstructionLayouts) {
  for (const InstructionLayoutInfo &info : getInstructionLayouts()) {
    SCOPED_TRACE(info.name);
    checkRegisterLayout(info.layout);
  }
}

TEST(LayoutCodegen, BlockLevelLayouts) {
  // Warps composed with mma fragments, as the four-warp GEMM uses them.
  for (const char *text :
       {"spatial(2,1).replicated(2).column_local(2,2).spatial(8,4).local(1,2)",
        "replicated(2).spatial(1,2).local(2,1).column_spatial(4,8).local(2,1)",
        "spatial(2,2).local(2,1).spatial(8,4).local(1,2)", "local(1,1).replicated(32)",
        "replicated(32)", "column_local(2,2).column_spatial(4,8).local(2,1)"})
    checkRegisterLayout(llvm::cantFail(parseRegisterLayout(text)));
}

TEST(LayoutCodegen, RandomLayouts) {
  std::mt19937_64 rng = test::makeRng(0x1a7c0de);
  SCOPED_TRACE("seed " + std::to_string(test::testSeed()));
  test::RandomLayoutOptions options;
  options.maxSize = 256;
  for (int i = 0; i < 300; ++i)
    checkRegisterLayout(test::randomLayout(rng, options));
}

TEST(LayoutCodegen, SharedOffsets) {
  for (const char *text : {"shared<shape=[32,16], strides=[16,1], swizzle=[1,3,1]>",
                           "shared<shape=[64,64], strides=[64,1], swizzle=[3,3,3]>",
                           "shared<shape=[32,64], modes=[32,8,8], strides=[8,256,1]>",
                           "shared<shape=[8,8], strides=[1,8]>",
                           "shared<shape=[4,2,8], strides=[16,8,1], swizzle=[2,1,2]>"}) {
    SCOPED_TRACE(text);
    SharedLayout layout = llvm::cantFail(parseSharedLayout(text));
    ArrayRef<int64_t> shape = layout.getShape();
    int64_t count = 1;
    for (int64_t extent : shape)
      count *= extent;
    std::vector<std::vector<int64_t>> indices;
    for (int64_t flat = 0; flat < count; ++flat) {
      std::vector<int64_t> index(shape.size());
      for (int64_t rest = flat, d = shape.size() - 1; d >= 0; --d) {
        index[d] = rest % shape[d];
        rest /= shape[d];
      }
      indices.push_back(index);
    }
    std::vector<int64_t> offsets = evaluate([&](OpBuilder &b, function_ref<Value(int64_t)> c) {
      SmallVector<Value> all;
      for (const std::vector<int64_t> &index : indices) {
        SmallVector<Value> values = llvm::map_to_vector(index, [&](int64_t i) { return c(i); });
        all.push_back(emitSharedOffset(b, b.getUnknownLoc(), layout, values));
      }
      return all;
    });
    ASSERT_EQ(offsets.size(), indices.size());
    for (size_t i = 0; i < indices.size(); ++i)
      EXPECT_EQ(offsets[i], layout.getOffset(indices[i])) << "element " << i;
  }
}

} // namespace
