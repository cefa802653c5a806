//===- ComputeOps.cpp - tile-to-nvvm: register computation -----------------===//
//
// Per-thread vectors of locals: element-wise ops are vector arith, tile.view a vector.bitcast
// of the thread's bits (registers are packed LSB first, as on the CPU), tile.cast the format
// emitters per local, and tile.broadcast a shuffle of the thread's own locals.
// tile.dot: DotOps.cpp; tile.reduce: ReduceOps.cpp.
//
//===----------------------------------------------------------------------===//
#include "Common/FormatCodegen.h"
#include "TileToNVVM.h"

#include "mlir/Dialect/Vector/IR/VectorOps.h"

using namespace mlir;
using namespace lowbit;
using namespace lowbit::tile;

namespace {

const layout::RegisterLayout &layoutOf(Value value) {
  return cast<RegType>(value.getType()).getRegisterLayout();
}

bool isUnsignedType(Type type) {
  auto intType = dyn_cast<IntegerType>(type);
  return intType && (intType.isUnsigned() || (intType.isSignless() && intType.getWidth() == 1));
}

/// For each result local, the input local the thread repeats (the same for every thread), or
/// nothing.
std::optional<SmallVector<int64_t>> getBroadcastMap(BroadcastOp op) {
  const layout::RegisterLayout &in = layoutOf(op.getInput()), &out = layoutOf(op.getResult());
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

template <typename Op>
struct ElementwiseLowering : OpConversionPattern<Op> {
  using OpConversionPattern<Op>::OpConversionPattern;
  using OpAdaptor = typename Op::Adaptor;
  LogicalResult matchAndRewrite(Op op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    Type element = cast<RegType>(op.getType()).getElementType();
    Value x = adaptor.getLhs(), y = adaptor.getRhs();
    Location loc = op.getLoc();
    bool isFloat = isa<mlir::FloatType>(element), isUns = isUnsignedType(element);
    Value r;
    if constexpr (std::is_same_v<Op, AddOp>)
      r = isFloat ? arith::AddFOp::create(rewriter, loc, x, y).getResult()
                  : arith::AddIOp::create(rewriter, loc, x, y).getResult();
    else if constexpr (std::is_same_v<Op, SubOp>)
      r = isFloat ? arith::SubFOp::create(rewriter, loc, x, y).getResult()
                  : arith::SubIOp::create(rewriter, loc, x, y).getResult();
    else if constexpr (std::is_same_v<Op, MulOp>)
      r = isFloat ? arith::MulFOp::create(rewriter, loc, x, y).getResult()
                  : arith::MulIOp::create(rewriter, loc, x, y).getResult();
    else if constexpr (std::is_same_v<Op, DivOp>)
      r = isFloat ? arith::DivFOp::create(rewriter, loc, x, y).getResult()
          : isUns ? arith::DivUIOp::create(rewriter, loc, x, y).getResult()
                  : arith::DivSIOp::create(rewriter, loc, x, y).getResult();
    else if constexpr (std::is_same_v<Op, MaximumOp>)
      r = isFloat ? arith::MaximumFOp::create(rewriter, loc, x, y).getResult()
          : isUns ? arith::MaxUIOp::create(rewriter, loc, x, y).getResult()
                  : arith::MaxSIOp::create(rewriter, loc, x, y).getResult();
    else
      r = isFloat ? arith::MinimumFOp::create(rewriter, loc, x, y).getResult()
          : isUns ? arith::MinUIOp::create(rewriter, loc, x, y).getResult()
                  : arith::MinSIOp::create(rewriter, loc, x, y).getResult();
    rewriter.replaceOp(op, r);
    return success();
  }
};

struct SplatLowering : OpConversionPattern<SplatOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(SplatOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    Type type = getTypeConverter()->convertType(op.getType());
    rewriter.replaceOpWithNewOp<vector::BroadcastOp>(op, type, adaptor.getInput());
    return success();
  }
};

struct ViewLowering : OpConversionPattern<ViewOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(ViewOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    Type type = getTypeConverter()->convertType(op.getType());
    Value input = adaptor.getInput();
    if (input.getType() == type)
      rewriter.replaceOp(op, input);
    else
      rewriter.replaceOpWithNewOp<vector::BitCastOp>(op, type, input);
    return success();
  }
};

struct CastLowering : OpConversionPattern<CastOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(CastOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Type from = cast<RegType>(op.getInput().getType()).getElementType();
    Type to = cast<RegType>(op.getType()).getElementType();
    auto type = cast<VectorType>(getTypeConverter()->convertType(op.getType()));
    Value result = arith::ConstantOp::create(rewriter, loc, type, rewriter.getZeroAttr(type));
    for (int64_t l = 0; l < type.getNumElements(); ++l) {
      Value x = vector::ExtractOp::create(rewriter, loc, adaptor.getInput(), l);
      result = vector::InsertOp::create(rewriter, loc, emitElementCast(rewriter, loc, x, from, to),
                                        result, l);
    }
    rewriter.replaceOp(op, result);
    return success();
  }
};

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

struct AnnotateLayoutLowering : OpConversionPattern<AnnotateLayoutOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(AnnotateLayoutOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    rewriter.replaceOp(op, adaptor.getInput());
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
  patterns.add<ElementwiseLowering<AddOp>, ElementwiseLowering<SubOp>, ElementwiseLowering<MulOp>,
               ElementwiseLowering<DivOp>, ElementwiseLowering<MaximumOp>,
               ElementwiseLowering<MinimumOp>, SplatLowering, ViewLowering, CastLowering,
               BroadcastLowering, AnnotateLayoutLowering>(converter,
                                                                       patterns.getContext());
  populateTileToNVVMReducePatterns(converter, patterns);
  populateTileToNVVMDotPatterns(converter, patterns);
}
