//===- TileToCPU.cpp - The tile-to-cpu pass --------------------------------===//
//
// Two patterns: a tile.kernel becomes a func.func whose body SimdKernel (workers = SIMD lanes)
// or KernelEmulator (SIMT emulation) rewrites; a tile.launch becomes a parallel loop over the
// grid calling that function.
//
//===----------------------------------------------------------------------===//
#include "lowbit/Conversion/Passes.h"
#include "lowbit/Target/CpuTarget.h"

#include "KernelEmulator.h"
#include "SimdKernel.h"

#include "mlir/Dialect/Math/Transforms/Passes.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Transforms/WalkPatternRewriteDriver.h"

namespace lowbit {
#define GEN_PASS_DEF_TILETOCPU
#include "lowbit/Conversion/Passes.h.inc"
} // namespace lowbit

using namespace mlir;
using namespace lowbit;
using namespace lowbit::tile;

/// Attributes of the lowered function that keep the kernel's launch shape and lowering.
static constexpr llvm::StringLiteral kGridAttr = "tile.grid", kWorkersAttr = "tile.workers",
                                     kLoweringAttr = "tile.lowering";
/// Marks the loop over a launch's blocks that tile-launches-to-openmp parallelizes.
static constexpr llvm::StringLiteral kParallelBlocksAttr = "tile.parallel_blocks";
/// The launch's `max_threads`, carried on its block loop to tile-launches-to-openmp.
static constexpr llvm::StringLiteral kMaxThreadsAttr = "tile.max_threads";

namespace {

struct KernelToFunc : OpRewritePattern<KernelOp> {
  KernelToFunc(MLIRContext *context, const TileToCPUConfig &config)
      : OpRewritePattern(context), config(config) {}

  LogicalResult matchAndRewrite(KernelOp kernel, PatternRewriter &rewriter) const override {
    Location loc = kernel.getLoc();
    bool simd = config.simd != TileToCPUConfig::Simd::Never &&
                explainNotSimdLowerable(kernel, *config.target).empty();
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
    func->setAttr(kLoweringAttr, rewriter.getStringAttr(simd ? "simd" : "simt"));
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

    if (simd)
      SimdKernel(rewriter, func, kernel.getNumWorkers(), blockIndices, *config.target).run();
    else
      KernelEmulator(rewriter, func, kernel.getNumWorkers(), blockIndices).run();
    rewriter.eraseOp(kernel);
    return success();
  }

  const TileToCPUConfig &config;
};

struct LaunchToLoops : OpRewritePattern<LaunchOp> {
  LaunchToLoops(MLIRContext *context, const TileToCPUConfig &config)
      : OpRewritePattern(context), config(config) {}

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
    auto callBlock = [&](OpBuilder &b, ValueRange blockIndices) {
      SmallVector<Value> operands(launch.getArgs());
      operands.append(blockIndices.begin(), blockIndices.end());
      func::CallOp::create(b, loc, launch.getKernelAttr(), TypeRange(), operands);
    };
    int64_t blocks = 1;
    for (int64_t extent : grid)
      blocks *= extent;

    std::optional<int64_t> maxThreads = launch.getMaxThreads();
    if (!config.parallel || maxThreads == 1) {
      SmallVector<Value> lower, upper, steps;
      for (int64_t extent : grid) {
        lower.push_back(arith::ConstantIndexOp::create(rewriter, loc, 0));
        upper.push_back(arith::ConstantIndexOp::create(rewriter, loc, extent));
        steps.push_back(arith::ConstantIndexOp::create(rewriter, loc, 1));
      }
      scf::buildLoopNest(rewriter, loc, lower, upper, steps,
                         [&](OpBuilder &b, Location, ValueRange indices) { callBlock(b, indices); });
      rewriter.eraseOp(launch);
      return success();
    }

    if (blocks == 1) {
      Value zero = arith::ConstantIndexOp::create(rewriter, loc, 0);
      callBlock(rewriter, SmallVector<Value>(grid.size(), zero));
      rewriter.eraseOp(launch);
      return success();
    }
    // One loop over the linearized grid (last dimension fastest), marked for
    // tile-launches-to-openmp, which runs it on threads once buffers are final.
    Value zero = arith::ConstantIndexOp::create(rewriter, loc, 0);
    Value upper = arith::ConstantIndexOp::create(rewriter, loc, blocks);
    Value one = arith::ConstantIndexOp::create(rewriter, loc, 1);
    auto loop = scf::ForOp::create(rewriter, loc, zero, upper, one);
    loop->setAttr(kParallelBlocksAttr, rewriter.getUnitAttr());
    if (maxThreads)
      loop->setAttr(kMaxThreadsAttr, rewriter.getI64IntegerAttr(*maxThreads));
    rewriter.setInsertionPointToStart(loop.getBody());
    SmallVector<Value> indices(grid.size());
    Value rest = loop.getInductionVar();
    for (int64_t d = static_cast<int64_t>(grid.size()) - 1; d >= 0; --d) {
      Value extent = arith::ConstantIndexOp::create(rewriter, loc, grid[d]);
      indices[d] = d == 0 ? rest : arith::RemUIOp::create(rewriter, loc, rest, extent).getResult();
      if (d > 0)
        rest = arith::DivUIOp::create(rewriter, loc, rest, extent);
    }
    callBlock(rewriter, indices);
    rewriter.eraseOp(launch);
    return success();
  }

  const TileToCPUConfig &config;
};

struct TileToCPUPass : lowbit::impl::TileToCPUBase<TileToCPUPass> {
  using TileToCPUBase::TileToCPUBase;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    llvm::Expected<CpuTarget> target = resolveCpuTarget(targetCpu, targetTriple, targetFeatures);
    if (!target) {
      module.emitError() << "tile-to-cpu: " << llvm::toString(target.takeError());
      return signalPassFailure();
    }
    TileToCPUConfig config;
    config.target = &*target;
    config.parallel = parallel;
    if (simd == "auto")
      config.simd = TileToCPUConfig::Simd::Auto;
    else if (simd == "never")
      config.simd = TileToCPUConfig::Simd::Never;
    else if (simd == "always")
      config.simd = TileToCPUConfig::Simd::Always;
    else {
      module.emitError() << "tile-to-cpu: simd must be auto, never or always, not '" << simd
                         << "'";
      return signalPassFailure();
    }

    bool ok = true;
    module.walk([&](KernelOp kernel) {
      ok &= succeeded(checkKernelForCPU(kernel));
      if (ok && config.simd == TileToCPUConfig::Simd::Always) {
        std::string why = explainNotSimdLowerable(kernel, *target);
        if (!why.empty()) {
          kernel.emitOpError() << "has no SIMD lowering (simd=always): " << why;
          ok = false;
        }
      }
    });
    if (!ok)
      return signalPassFailure();
    RewritePatternSet patterns(&getContext());
    populateTileToCPUPatterns(patterns, config);
    walkAndApplyPatterns(module, std::move(patterns));
    module.walk([&](Operation *op) {
      if (isa<KernelOp, LaunchOp>(op)) {
        op->emitOpError() << "was not lowered by tile-to-cpu";
        ok = false;
      }
    });
    if (!ok)
      return signalPassFailure();
    // exp and tanh of the kernels (f32 vectors) as MLIR's polynomial approximations: LLVM has
    // no vector exp on x86 and would call libm once per lane. Host code keeps its libm calls.
    RewritePatternSet math(&getContext());
    populateMathPolynomialApproximationPatterns(
        math, [](StringRef name) { return name == "math.exp" || name == "math.tanh"; });
    FrozenRewritePatternSet frozenMath(std::move(math));
    for (auto func : module.getOps<func::FuncOp>())
      if (auto lowering = func->getAttrOfType<StringAttr>(kLoweringAttr);
          lowering && lowering.getValue() == "simd" &&
          failed(applyPatternsGreedily(func, frozenMath)))
        return signalPassFailure();
  }
};

} // namespace

void lowbit::populateTileToCPUPatterns(RewritePatternSet &patterns,
                                       const TileToCPUConfig &config) {
  patterns.add<KernelToFunc, LaunchToLoops>(patterns.getContext(), config);
}
