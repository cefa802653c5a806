//===- TileToCPU.cpp - The tile-to-cpu pass --------------------------------===//
//
// Two patterns: a tile.kernel becomes a func.func whose body KernelEmulator rewrites, a
// tile.launch becomes grid loops calling that function.
//
//===----------------------------------------------------------------------===//
#include "lowbit/Conversion/Passes.h"

#include "KernelEmulator.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Transforms/WalkPatternRewriteDriver.h"

namespace lowbit {
#define GEN_PASS_DEF_TILETOCPU
#include "lowbit/Conversion/Passes.h.inc"
} // namespace lowbit

using namespace mlir;
using namespace lowbit;
using namespace lowbit::tile;

/// Attributes of the lowered function that keep the kernel's launch shape.
static constexpr llvm::StringLiteral kGridAttr = "tile.grid", kWorkersAttr = "tile.workers";

namespace {

struct KernelToFunc : OpRewritePattern<KernelOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(KernelOp kernel, PatternRewriter &rewriter) const override {
    Location loc = kernel.getLoc();
    rewriter.setInsertionPoint(kernel);
    SmallVector<Type> inputs(kernel.getArgumentTypes());
    inputs.append(kernel.getGrid().size(), rewriter.getIndexType());
    auto func = func::FuncOp::create(rewriter, loc, kernel.getSymName(),
                                     rewriter.getFunctionType(inputs, {}));
    for (NamedAttribute attr : kernel->getDiscardableAttrs())
      func->setAttr(attr.getName(), attr.getValue());
    func.setPrivate();
    func->setAttr(kGridAttr, kernel.getGridAttr());
    func->setAttr(kWorkersAttr, kernel.getWorkersAttr());
    if (ArrayAttr argAttrs = kernel.getArgAttrsAttr())
      for (auto [i, attrs] : llvm::enumerate(argAttrs))
        func.setArgAttrs(i, cast<DictionaryAttr>(attrs));
    rewriter.inlineRegionBefore(kernel.getBody(), func.getBody(), func.end());

    Block &entry = func.front();
    SmallVector<Value> blockIndices;
    for (size_t i = 0; i < kernel.getGrid().size(); ++i)
      blockIndices.push_back(entry.addArgument(rewriter.getIndexType(), loc));
    Operation *terminator = entry.getTerminator();
    rewriter.setInsertionPoint(terminator);
    rewriter.replaceOpWithNewOp<func::ReturnOp>(terminator);

    KernelEmulator(rewriter, func, kernel.getNumWorkers(), blockIndices).run();
    rewriter.eraseOp(kernel);
    return success();
  }
};

struct LaunchToLoops : OpRewritePattern<LaunchOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(LaunchOp launch, PatternRewriter &rewriter) const override {
    // The kernel, or the function it already became.
    Operation *callee = SymbolTable::lookupNearestSymbolFrom(launch, launch.getKernelAttr());
    ArrayRef<int64_t> grid;
    if (auto kernel = dyn_cast_or_null<KernelOp>(callee))
      grid = kernel.getGrid();
    else if (auto attr = callee ? callee->getAttrOfType<DenseI64ArrayAttr>(kGridAttr) : nullptr)
      grid = attr.asArrayRef();
    else
      return rewriter.notifyMatchFailure(launch, "the callee is not a tile kernel");

    Location loc = launch.getLoc();
    rewriter.setInsertionPoint(launch);
    SmallVector<Value> lower, upper, steps;
    for (int64_t extent : grid) {
      lower.push_back(arith::ConstantIndexOp::create(rewriter, loc, 0));
      upper.push_back(arith::ConstantIndexOp::create(rewriter, loc, extent));
      steps.push_back(arith::ConstantIndexOp::create(rewriter, loc, 1));
    }
    scf::buildLoopNest(
        rewriter, loc, lower, upper, steps, [&](OpBuilder &b, Location, ValueRange blockIndices) {
          SmallVector<Value> operands(launch.getArgs());
          operands.append(blockIndices.begin(), blockIndices.end());
          func::CallOp::create(b, loc, launch.getKernelAttr(), TypeRange(), operands);
        });
    rewriter.eraseOp(launch);
    return success();
  }
};

struct TileToCPUPass : lowbit::impl::TileToCPUBase<TileToCPUPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    bool ok = true;
    module.walk([&](KernelOp kernel) { ok &= succeeded(checkKernelForCPU(kernel)); });
    if (!ok)
      return signalPassFailure();
    RewritePatternSet patterns(&getContext());
    populateTileToCPUPatterns(patterns);
    walkAndApplyPatterns(module, std::move(patterns));
    // A launch of something that is not a kernel was reported by the verifier already; any
    // tile op left means a pattern did not apply.
    module.walk([&](Operation *op) {
      if (isa<KernelOp, LaunchOp>(op)) {
        op->emitOpError() << "was not lowered by tile-to-cpu";
        ok = false;
      }
    });
    if (!ok)
      signalPassFailure();
  }
};

} // namespace

void lowbit::populateTileToCPUPatterns(RewritePatternSet &patterns) {
  patterns.add<KernelToFunc, LaunchToLoops>(patterns.getContext());
}
