//===- ComputeOps.cpp - tile-to-nvvm: register computation -----------------===//
//
// Per-thread vectors of locals: tile.broadcast is a shuffle of the thread's own locals when
// their positions are the same in every thread (else the shared lowering picks them at run
// time). The element-wise ops, splat, view and cast are the patterns both GPU lowerings share
// (Common/GPUPatterns.h); tile.dot: mma.sync (DotOps.cpp), tile.reduce: warp shuffles
// (ReduceOps.cpp), each through workgroup memory where its plan does not apply
// (Common/GPUExchange.h).
//
//===----------------------------------------------------------------------===//
#include "Common/GPUExchange.h"
#include "Common/GPUPatterns.h"
#include "TileToNVVM.h"

#include "mlir/Dialect/Vector/IR/VectorOps.h"

using namespace mlir;
using namespace lowbit;
using namespace lowbit::tile;

namespace {

/// For each result local of a local gather (tile.broadcast, tile.extract_slice), the input
/// local the thread reads (the same for every thread), or nothing.
template <typename GatherOp>
std::optional<SmallVector<int64_t>> getGatherMap(GatherOp op) {
  const layout::RegisterLayout &in = getRegisterLayout(op.getInput()),
                               &out = getRegisterLayout(op.getResult());
  SmallVector<int64_t> map;
  for (int64_t l = 0; l < out.getLocalSize(); ++l) {
    int64_t source = -1;
    for (int64_t w = 0; w < out.getNumWorkers(); ++w) {
      int64_t found = -1;
      for (const layout::WorkerLocal &owner :
           in.getOwners(op.getSourceIndex(out.getLogicalIndex(w, l))))
        if (owner.worker == w)
          found = owner.local;
      if (found < 0 || (source >= 0 && found != source))
        return std::nullopt;
      source = found;
    }
    map.push_back(source);
  }
  return map;
}

/// A local gather whose locals are the same in every thread: one vector.shuffle.
template <typename GatherOp>
struct UniformGatherLowering : OpConversionPattern<GatherOp> {
  using OpConversionPattern<GatherOp>::OpConversionPattern;
  LogicalResult matchAndRewrite(GatherOp op, typename GatherOp::Adaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    std::optional<SmallVector<int64_t>> map = getGatherMap(op);
    if (!map)
      return rewriter.notifyMatchFailure(op, "not thread-uniform");
    Value input = adaptor.getInput();
    rewriter.replaceOpWithNewOp<vector::ShuffleOp>(op, input, input, *map);
    return success();
  }
};

} // namespace

bool lowbit::tile::needsExchangeForNVVM(Operation *op) {
  if (auto dot = dyn_cast<DotOp>(op))
    return !hasMmaPlan(dot);
  if (auto reduce = dyn_cast<ReduceOp>(op))
    return !hasShuffleReducePlan(reduce);
  if (auto lookup = dyn_cast<LookupOp>(op))
    return lookupNeedsExchange(lookup);
  return false;
}

LogicalResult lowbit::tile::checkOpForNVVM(Operation *op) {
  for (Type type : llvm::concat<Type>(op->getOperandTypes(), op->getResultTypes()))
    if (auto reg = dyn_cast<RegType>(type); reg && !reg.hasLayout())
      return op->emitOpError()
             << "tile-to-nvvm: register tensors need layouts (run tile-infer-layouts first)";
  if (auto splat = dyn_cast<SplatOp>(op)) {
    Type element = cast<RegType>(splat.getType()).getElementType();
    if (getStorageType(element) != element)
      return op->emitOpError() << "tile-to-nvvm: splat of " << element << " is not supported";
  }
  if (auto view = dyn_cast<AnnotateLayoutOp>(op);
      view && view.getInput().getType() != view.getType())
    return op->emitOpError() << "tile-to-nvvm: run tile-infer-layouts first";
  return success();
}

void lowbit::tile::populateTileToNVVMComputePatterns(TypeConverter &converter,
                                                     RewritePatternSet &patterns) {
  // Preferred over the shared lowerings, which pick the local at run time.
  patterns.add<UniformGatherLowering<BroadcastOp>, UniformGatherLowering<ExtractSliceOp>>(
      converter, patterns.getContext(), /*benefit=*/2);
  populateGPUThreadComputePatterns(converter, patterns);
  populateTileToNVVMReducePatterns(converter, patterns);
  populateTileToNVVMDotPatterns(converter, patterns);
  populateGPUExchangePatterns(converter, patterns);
}
