//===- ComputeOps.cpp - tile-to-nvvm: register computation -----------------===//
//
// Per-thread vectors of locals: tile.broadcast is a shuffle of the thread's own locals (the
// same for every thread, checked here). The element-wise ops, splat, view and cast are the
// patterns both GPU lowerings share (Common/GPUPatterns.h); tile.dot: DotOps.cpp;
// tile.reduce: ReduceOps.cpp.
//
//===----------------------------------------------------------------------===//
#include "Common/GPUPatterns.h"
#include "TileToNVVM.h"

#include "mlir/Dialect/Vector/IR/VectorOps.h"

using namespace mlir;
using namespace lowbit;
using namespace lowbit::tile;

namespace {

/// For each result local, the input local the thread repeats (the same for every thread), or
/// nothing.
std::optional<SmallVector<int64_t>> getBroadcastMap(BroadcastOp op) {
  const layout::RegisterLayout &in = getRegisterLayout(op.getInput()),
                               &out = getRegisterLayout(op.getResult());
  ArrayRef<int64_t> inShape = in.getShape();
  SmallVector<int64_t> map;
  for (int64_t l = 0; l < out.getLocalSize(); ++l) {
    int64_t source = -1;
    for (int64_t w = 0; w < out.getNumWorkers(); ++w) {
      SmallVector<int64_t, 4> index = out.getLogicalIndex(w, l);
      for (auto [d, extent] : llvm::enumerate(inShape))
        if (extent == 1)
          index[d] = 0;
      int64_t found = -1;
      for (const layout::WorkerLocal &owner : in.getOwners(index))
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

struct BroadcastLowering : OpConversionPattern<BroadcastOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(BroadcastOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    std::optional<SmallVector<int64_t>> map = getBroadcastMap(op);
    if (!map)
      return rewriter.notifyMatchFailure(op, "not thread-uniform");
    Value input = adaptor.getInput();
    rewriter.replaceOpWithNewOp<vector::ShuffleOp>(op, input, input, *map);
    return success();
  }
};

} // namespace

LogicalResult lowbit::tile::checkOpForNVVM(Operation *op) {
  for (Type type : llvm::concat<Type>(op->getOperandTypes(), op->getResultTypes()))
    if (auto reg = dyn_cast<RegType>(type); reg && !reg.hasLayout())
      return op->emitOpError()
             << "tile-to-nvvm: register tensors need layouts (run tile-infer-layouts first)";
  if (auto reduce = dyn_cast<ReduceOp>(op))
    return checkReduceForNVVM(reduce);
  if (auto dot = dyn_cast<DotOp>(op))
    return checkDotForNVVM(dot);
  if (auto broadcast = dyn_cast<BroadcastOp>(op); broadcast && !getBroadcastMap(broadcast))
    return op->emitOpError() << "tile-to-nvvm: the broadcast reads locals at positions that "
                                "depend on the thread";
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
  patterns.add<BroadcastLowering>(converter, patterns.getContext());
  populateGPUThreadComputePatterns(converter, patterns);
  populateTileToNVVMReducePatterns(converter, patterns);
  populateTileToNVVMDotPatterns(converter, patterns);
}
