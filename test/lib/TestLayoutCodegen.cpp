//===- TestLayoutCodegen.cpp - FileCheck access to LayoutCodegen.h ---------===//
//
// tile-test-layout-codegen gives a body to every function declaration that carries one of
//   tile.test_logical_index = #tile.layout<..>        (index, index) -> (index x rank)
//   tile.test_owner = #tile.layout<..>                (index x rank) -> (index, index)
//   tile.test_shared_offset = #tile.shared_layout<..> (index x rank) -> index
// returning emitLogicalIndex(worker, local), emitOwner(index) or emitSharedOffset(index), so
// test/Conversion/tile-test-layout-codegen.mlir shows the arithmetic of each map.
//
//===----------------------------------------------------------------------===//
#include "TestPasses.h"

#include "Common/LayoutCodegen.h"
#include "tile/TileDialect.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"

using namespace mlir;
using namespace lowbit;

namespace {

struct TestLayoutCodegenPass : PassWrapper<TestLayoutCodegenPass, OperationPass<ModuleOp>> {
  MLIR_DEFINE_EXPLICIT_INTERNAL_INLINE_TYPE_ID(TestLayoutCodegenPass)

  StringRef getArgument() const final { return "tile-test-layout-codegen"; }
  StringRef getDescription() const final {
    return "Fill test functions with the index arithmetic of layout maps (LayoutCodegen.h)";
  }
  void getDependentDialects(DialectRegistry &registry) const override {
    registry.insert<arith::ArithDialect, func::FuncDialect>();
  }

  void runOnOperation() override {
    for (auto func : getOperation().getOps<func::FuncOp>()) {
      if (!func.isExternal())
        continue;
      auto logical = func->getAttrOfType<tile::LayoutAttr>("tile.test_logical_index");
      auto owner = func->getAttrOfType<tile::LayoutAttr>("tile.test_owner");
      auto shared = func->getAttrOfType<tile::SharedLayoutAttr>("tile.test_shared_offset");
      if (!logical && !owner && !shared)
        continue;
      Block *entry = func.addEntryBlock();
      OpBuilder b = OpBuilder::atBlockBegin(entry);
      Location loc = func.getLoc();
      SmallVector<Value> results;
      if (logical) {
        results = emitLogicalIndex(b, loc, logical.getLayout(), entry->getArgument(0),
                                   entry->getArgument(1));
      } else if (owner) {
        WorkerLocalValues holder = emitOwner(b, loc, owner.getLayout(), entry->getArguments());
        results = {holder.worker, holder.local};
      } else {
        results = {emitSharedOffset(b, loc, shared.getLayout(), entry->getArguments())};
      }
      func::ReturnOp::create(b, loc, results);
      func.setPrivate();
    }
  }
};

} // namespace

void lowbit::test::registerTestPasses() { PassRegistration<TestLayoutCodegenPass>(); }
