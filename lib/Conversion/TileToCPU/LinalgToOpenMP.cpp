//===- LinalgToOpenMP.cpp - The lowbit-linalg-to-openmp pass ----------------===//
//
// Large structured ops of host code (after bufferization) become loops here, one of their
// leading parallel loops running on the OpenMP runtime's threads through the launch loop
// lowering of tile-launches-to-openmp.
//
//===----------------------------------------------------------------------===//
#include "lowbit/Conversion/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/OpenMP/OpenMPDialect.h"
#include "mlir/IR/PatternMatch.h"

namespace lowbit {
#define GEN_PASS_DEF_LINALGTOOPENMP
#include "lowbit/Conversion/Passes.h.inc"
} // namespace lowbit

using namespace mlir;
using namespace lowbit;

namespace {

/// The loop of `op` to run on threads: the outermost leading parallel loop of at least 4
/// iterations with at most 4 iterations of the loops around it, that every output indexes;
/// or none.
std::optional<unsigned> parallelLoopOf(linalg::LinalgOp op, ArrayRef<int64_t> ranges) {
  SmallVector<utils::IteratorType> iterators = op.getIteratorTypesArray();
  int64_t outer = 1;
  for (unsigned dim = 0; dim < ranges.size(); ++dim) {
    if (iterators[dim] != utils::IteratorType::parallel || outer > 4)
      return std::nullopt;
    if (ranges[dim] >= 4) {
      for (OpOperand &init : op.getDpsInitsMutable()) {
        AffineMap map = op.getMatchingIndexingMap(&init);
        if (!map.isProjectedPermutation() || !map.isFunctionOfDim(dim))
          return std::nullopt;
      }
      return dim;
    }
    outer *= ranges[dim];
  }
  return std::nullopt;
}

struct LinalgToOpenMPPass : lowbit::impl::LinalgToOpenMPBase<LinalgToOpenMPPass> {
  using LinalgToOpenMPBase::LinalgToOpenMPBase;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    SmallVector<std::pair<linalg::LinalgOp, unsigned>> ops;
    module.walk([&](linalg::LinalgOp op) {
      // Host code on buffers, outside any parallel region already.
      if (!op.hasPureBufferSemantics() || op->getParentOfType<omp::ParallelOp>())
        return;
      std::optional<SmallVector<int64_t, 4>> ranges = op.getStaticLoopRanges();
      if (!ranges || llvm::any_of(*ranges, ShapedType::isDynamic))
        return;
      int64_t points = 1;
      for (int64_t range : *ranges)
        points = range == 0 ? 0 : std::min<int64_t>(points * range, INT64_MAX / 2);
      if (points < minIterations)
        return;
      if (std::optional<unsigned> dim = parallelLoopOf(op, *ranges))
        ops.push_back({op, *dim});
    });
    if (ops.empty())
      return;
    func::FuncOp numThreads = getNumThreadsFunction(module);
    IRRewriter rewriter(module.getContext());
    for (auto [op, dim] : ops) {
      rewriter.setInsertionPoint(op);
      FailureOr<linalg::LinalgLoops> loops = linalg::linalgOpToLoops(rewriter, op);
      if (failed(loops)) {
        op->emitOpError() << "could not be lowered to loops";
        return signalPassFailure();
      }
      rewriter.eraseOp(op);
      auto loop = dyn_cast<scf::ForOp>((*loops)[dim]);
      if (!loop || !loop.getInitArgs().empty()) {
        loop->emitOpError() << "is not a loop without iteration arguments";
        return signalPassFailure();
      }
      convertLaunchLoopToOpenMP(loop, numThreads);
    }
  }
};

} // namespace
