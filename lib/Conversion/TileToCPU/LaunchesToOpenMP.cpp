//===- LaunchesToOpenMP.cpp - The tile-launches-to-openmp pass --------------===//
//
// tile-to-cpu turns each launch of more than one block into a loop over the linearized grid
// marked `tile.parallel_blocks`; this pass, run once buffers are final (the deallocation
// passes add code to loop bodies, and an OpenMP loop wrapper must hold nothing but its loop),
// runs those loops on the OpenMP runtime's threads.
//
//===----------------------------------------------------------------------===//
#include "lowbit/Conversion/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/IR/PatternMatch.h"

namespace lowbit {
#define GEN_PASS_DEF_TILELAUNCHESTOOPENMP
#include "lowbit/Conversion/Passes.h.inc"
} // namespace lowbit

using namespace mlir;
using namespace lowbit;

static constexpr llvm::StringLiteral kParallelBlocksAttr = "tile.parallel_blocks";
/// A cap on the threads (the launch's max_threads), where tile-to-cpu put one.
static constexpr llvm::StringLiteral kMaxThreadsAttr = "tile.max_threads";
/// The runtime's thread count (lib/Runtime/Threads.cpp, include/lowbit/Runtime/Threads.h).
static constexpr llvm::StringLiteral kNumThreadsFunc = "lowbit_num_threads";

func::FuncOp lowbit::getNumThreadsFunction(ModuleOp module) {
  if (auto existing = module.lookupSymbol<func::FuncOp>(kNumThreadsFunc))
    return existing;
  OpBuilder builder(module.getContext());
  builder.setInsertionPointToStart(module.getBody());
  auto func = func::FuncOp::create(builder, module.getLoc(), kNumThreadsFunc,
                                   builder.getFunctionType({}, {builder.getI32Type()}));
  func.setPrivate();
  return func;
}

void lowbit::convertLaunchLoopToOpenMP(scf::ForOp loop, func::FuncOp numThreads) {
  Location loc = loop.getLoc();
  IRRewriter rewriter(loop);
  // min(blocks, max_threads, lowbit_num_threads()) threads; blocks is the trip count
  // (constant bounds).
  Value threads = func::CallOp::create(rewriter, loc, numThreads).getResult(0);
  std::optional<int64_t> cap;
  std::optional<int64_t> upper = getConstantIntValue(loop.getUpperBound());
  std::optional<int64_t> lower = getConstantIntValue(loop.getLowerBound());
  if (upper && lower)
    cap = *upper - *lower;
  if (auto maxThreads = loop->getAttrOfType<IntegerAttr>(kMaxThreadsAttr))
    cap = cap ? std::min(*cap, maxThreads.getInt()) : maxThreads.getInt();
  if (cap)
    threads = arith::MinSIOp::create(
        rewriter, loc, threads,
        arith::ConstantIntOp::create(rewriter, loc, rewriter.getI32Type(),
                                     std::min<int64_t>(*cap, INT32_MAX)));
  omp::ParallelOperands parallelClauses;
  parallelClauses.numThreads = threads;
  auto parallel = omp::ParallelOp::create(rewriter, loc, parallelClauses);
  rewriter.createBlock(&parallel.getRegion());
  omp::WsloopOperands loopClauses;
  loopClauses.scheduleKind =
      omp::ClauseScheduleKindAttr::get(rewriter.getContext(), omp::ClauseScheduleKind::Static);
  auto wsloop = omp::WsloopOp::create(rewriter, loc, loopClauses);
  omp::TerminatorOp::create(rewriter, loc);
  rewriter.createBlock(&wsloop.getRegion());
  omp::LoopNestOperands nestClauses;
  nestClauses.loopLowerBounds.push_back(loop.getLowerBound());
  nestClauses.loopUpperBounds.push_back(loop.getUpperBound());
  nestClauses.loopSteps.push_back(loop.getStep());
  auto nest = omp::LoopNestOp::create(rewriter, loc, nestClauses);
  Block *body = rewriter.createBlock(&nest.getRegion(), {}, {rewriter.getIndexType()}, {loc});
  // The loop body moves over; its yield becomes omp.yield.
  Block *old = loop.getBody();
  rewriter.eraseOp(old->getTerminator());
  rewriter.mergeBlocks(old, body, body->getArguments());
  rewriter.setInsertionPointToEnd(body);
  omp::YieldOp::create(rewriter, loc);
  rewriter.eraseOp(loop);
}

namespace {
struct LaunchesToOpenMPPass
    : lowbit::impl::TileLaunchesToOpenMPBase<LaunchesToOpenMPPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    SmallVector<scf::ForOp> loops;
    module.walk([&](scf::ForOp loop) {
      if (loop->hasAttr(kParallelBlocksAttr))
        loops.push_back(loop);
    });
    if (loops.empty())
      return;
    func::FuncOp numThreads = getNumThreadsFunction(module);
    for (scf::ForOp loop : loops) {
      if (!loop.getInitArgs().empty()) {
        loop.emitOpError() << "marked tile.parallel_blocks carries values; a launch loop "
                              "carries none";
        return signalPassFailure();
      }
      convertLaunchLoopToOpenMP(loop, numThreads);
    }
  }
};
} // namespace
