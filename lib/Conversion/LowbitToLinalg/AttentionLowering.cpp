//===- AttentionLowering.cpp - attention to f32 linalg ---------------------===//
//
// scores = scale * Q K^T (soft-capped, + mask, causal), a numerically stable softmax (with a
// per-head sink in the denominator when given), then P V. Query head h reads KV head
// h floordiv (Hq / Hkv) through the indexing maps, so K and V are not expanded.
//
//===----------------------------------------------------------------------===//
#include "Codegen.h"
#include "Patterns.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

#include <limits>

using namespace mlir;
using namespace lowbit;
using utils::IteratorType;

namespace {

struct AttentionLowering : OpConversionPattern<AttentionOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(AttentionOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    if (failed(requireStaticShapes(op, rewriter)))
      return failure();
    Location loc = op.getLoc();
    MLIRContext *ctx = op.getContext();
    Type f32 = rewriter.getF32Type();
    ArrayRef<int64_t> qShape = cast<RankedTensorType>(op.getQ().getType()).getShape();
    ArrayRef<int64_t> kShape = cast<RankedTensorType>(op.getK().getType()).getShape();
    ArrayRef<int64_t> vShape = cast<RankedTensorType>(op.getV().getType()).getShape();
    int64_t batch = qShape[0], heads = qShape[1], queries = qShape[2];
    int64_t keys = kShape[2], valueDepth = vShape[3];
    int64_t group = heads / kShape[1];
    float scale = op.getEffectiveSoftmaxScale();
    float negInf = -std::numeric_limits<float>::infinity();

    Value q = buildToF32(rewriter, loc, adaptor.getQ());
    Value k = buildAsF32(rewriter, loc,
                         makeQuantizedValue(op.getK(), adaptor.getK(), op.getKSchemeAttr(),
                                            op.getKScale(), adaptor.getKScale(), op.getKZero(),
                                            adaptor.getKZero(), Value(), Value()));
    Value v = buildAsF32(rewriter, loc,
                         makeQuantizedValue(op.getV(), adaptor.getV(), op.getVSchemeAttr(),
                                            op.getVScale(), adaptor.getVScale(), op.getVZero(),
                                            adaptor.getVZero(), Value(), Value()));

    // A residual window: its tokens (as f32) after the cache's.
    if (adaptor.getKResidual()) {
      auto joinTokens = [&](Value cache, Value residual) -> Value {
        Value recent = buildToF32(rewriter, loc, residual);
        ArrayRef<int64_t> cacheShape = cast<RankedTensorType>(cache.getType()).getShape();
        ArrayRef<int64_t> recentShape = cast<RankedTensorType>(recent.getType()).getShape();
        SmallVector<int64_t> shape(cacheShape);
        shape[2] += recentShape[2];
        Value joined = tensor::EmptyOp::create(rewriter, loc, shape, f32);
        auto folded = [&](ArrayRef<int64_t> values) { return getAsIndexOpFoldResult(ctx, values); };
        SmallVector<OpFoldResult> ones = folded({1, 1, 1, 1});
        joined = tensor::InsertSliceOp::create(rewriter, loc, cache, joined, folded({0, 0, 0, 0}),
                                               folded(cacheShape), ones);
        return tensor::InsertSliceOp::create(rewriter, loc, recent, joined,
                                             folded({0, 0, cacheShape[2], 0}), folded(recentShape),
                                             ones);
      };
      k = joinTokens(k, adaptor.getKResidual());
      v = joinTokens(v, adaptor.getVResidual());
      keys = cast<RankedTensorType>(k.getType()).getDimSize(2);
    }

    AffineExpr b_, h_, i_, j_, d_;
    bindDims(ctx, b_, h_, i_, j_, d_);
    auto map5 = [&](ArrayRef<AffineExpr> r) { return AffineMap::get(5, 0, r, ctx); };
    auto map4 = [&](ArrayRef<AffineExpr> r) { return AffineMap::get(4, 0, r, ctx); };
    auto map3 = [&](ArrayRef<AffineExpr> r) { return AffineMap::get(3, 0, r, ctx); };
    AffineExpr kvHead = h_.floorDiv(group);
    auto par = IteratorType::parallel, red = IteratorType::reduction;
    SmallVector<int64_t> scoreShape = {batch, heads, queries, keys};

    // raw[b, h, i, j] = sum_d q[b, h, i, d] * k[b, h / g, j, d]
    Value raw = buildGeneric(
        rewriter, loc, ValueRange{q, k}, {map5({b_, h_, i_, d_}), map5({b_, kvHead, j_, d_})},
        scoreShape, f32, map5({b_, h_, i_, j_}), {par, par, par, par, red},
        f32Constant(rewriter, loc, 0.0f), [](OpBuilder &b, Location l, ValueRange args) -> Value {
          return arith::AddFOp::create(b, l, args[2], arith::MulFOp::create(b, l, args[0], args[1]));
        });

    // s = scale * raw + mask, -inf where causality hides the key.
    SmallVector<Value> inputs = {raw};
    SmallVector<AffineMap> maps = {map4({b_, h_, i_, j_})};
    Value mask = adaptor.getMask();
    if (mask) {
      ArrayRef<int64_t> maskShape = cast<RankedTensorType>(mask.getType()).getShape();
      SmallVector<AffineExpr> results;
      AffineExpr dims[] = {b_, h_, i_, j_};
      for (int64_t axis = 0; axis < 4; ++axis)
        results.push_back(maskShape[axis] == 1 && scoreShape[axis] != 1
                              ? getAffineConstantExpr(0, ctx)
                              : dims[axis]);
      inputs.push_back(mask);
      maps.push_back(map4(results));
    }
    Type maskType = mask ? elementTypeOf(mask) : Type();
    bool causal = op.getCausal();
    int64_t window = op.getWindow().value_or(0);
    std::optional<float> softcap;
    if (op.getSoftcap())
      softcap = op.getSoftcap()->convertToFloat();
    Value scores = buildGeneric(
        rewriter, loc, inputs, maps, scoreShape, f32, map4({b_, h_, i_, j_}),
        {par, par, par, par}, Value(), [&](OpBuilder &b, Location l, ValueRange args) -> Value {
          Value s = arith::MulFOp::create(b, l, args[0], f32Constant(b, l, scale));
          if (softcap) {
            Value t = math::TanhOp::create(
                b, l, arith::MulFOp::create(b, l, s, f32Constant(b, l, 1.0f / *softcap)));
            s = arith::MulFOp::create(b, l, t, f32Constant(b, l, *softcap));
          }
          if (mask)
            s = arith::AddFOp::create(b, l, s, emitDecode(b, l, maskType, args[1]));
          if (causal || window) {
            // key j is visible to query i when j <= i + (Skv - Sq) (causal) and
            // j > i + (Skv - Sq) - window (a sliding window)
            Value i = linalg::IndexOp::create(b, l, 2);
            Value j = linalg::IndexOp::create(b, l, 3);
            Value limit = arith::AddIOp::create(b, l, i, indexConstant(b, l, keys - queries));
            auto hide = [&](arith::CmpIPredicate predicate, Value bound) {
              Value hidden = arith::CmpIOp::create(b, l, predicate, j, bound);
              s = arith::SelectOp::create(b, l, hidden, f32Constant(b, l, negInf), s);
            };
            if (causal)
              hide(arith::CmpIPredicate::sgt, limit);
            if (window)
              hide(arith::CmpIPredicate::sle,
                   arith::AddIOp::create(b, l, limit, indexConstant(b, l, -window)));
          }
          return s;
        });

    // Row maximum, then p = exp(s - max) (0 for hidden keys and empty rows), row sums.
    SmallVector<int64_t> rowShape = {batch, heads, queries};
    Value rowMax = buildGeneric(
        rewriter, loc, scores, map4({b_, h_, i_, j_}), rowShape, f32, map4({b_, h_, i_}),
        {par, par, par, red}, f32Constant(rewriter, loc, negInf),
        [](OpBuilder &b, Location l, ValueRange args) -> Value {
          return arith::MaximumFOp::create(b, l, args[0], args[1]);
        });
    // With sinks the maximum takes query head h's sink too, and the sink's exp(sink - max)
    // joins the denominator.
    Value sinks = adaptor.getSinks() ? buildToF32(rewriter, loc, adaptor.getSinks()) : Value();
    Value sinkTerm;
    if (sinks) {
      rowMax = buildGeneric(
          rewriter, loc, ValueRange{rowMax, sinks}, {map3({b_, h_, i_}), map3({h_})}, rowShape,
          f32, map3({b_, h_, i_}), {par, par, par}, Value(),
          [](OpBuilder &b, Location l, ValueRange args) -> Value {
            return arith::MaximumFOp::create(b, l, args[0], args[1]);
          });
      sinkTerm = buildGeneric(
          rewriter, loc, ValueRange{rowMax, sinks}, {map3({b_, h_, i_}), map3({h_})}, rowShape,
          f32, map3({b_, h_, i_}), {par, par, par}, Value(),
          [](OpBuilder &b, Location l, ValueRange args) -> Value {
            return math::ExpOp::create(b, l, arith::SubFOp::create(b, l, args[1], args[0]));
          });
    }
    Value probabilities = buildGeneric(
        rewriter, loc, ValueRange{scores, rowMax}, {map4({b_, h_, i_, j_}), map4({b_, h_, i_})},
        scoreShape, f32, map4({b_, h_, i_, j_}), {par, par, par, par}, Value(),
        [&](OpBuilder &b, Location l, ValueRange args) -> Value {
          Value p = math::ExpOp::create(b, l, arith::SubFOp::create(b, l, args[0], args[1]));
          Value empty = arith::CmpFOp::create(b, l, arith::CmpFPredicate::OEQ, args[1],
                                              f32Constant(b, l, negInf));
          return arith::SelectOp::create(b, l, empty, f32Constant(b, l, 0.0f), p);
        });
    Value rowSum = buildGeneric(
        rewriter, loc, probabilities, map4({b_, h_, i_, j_}), rowShape, f32, map4({b_, h_, i_}),
        {par, par, par, red}, f32Constant(rewriter, loc, 0.0f),
        [](OpBuilder &b, Location l, ValueRange args) -> Value {
          return arith::AddFOp::create(b, l, args[0], args[1]);
        });

    // o[b, h, i, e] = sum_j p[b, h, i, j] * v[b, h / g, j, e]; dims (b, h, i, e, j).
    AffineExpr e_ = j_, jj = d_;
    SmallVector<int64_t> outShape = {batch, heads, queries, valueDepth};
    Value weighted = buildGeneric(
        rewriter, loc, ValueRange{probabilities, v},
        {map5({b_, h_, i_, jj}), map5({b_, kvHead, jj, e_})}, outShape, f32,
        map5({b_, h_, i_, e_}), {par, par, par, par, red}, f32Constant(rewriter, loc, 0.0f),
        [](OpBuilder &b, Location l, ValueRange args) -> Value {
          return arith::AddFOp::create(b, l, args[2], arith::MulFOp::create(b, l, args[0], args[1]));
        });

    Type resultElement = elementTypeOf(op.getResult());
    SmallVector<Value> finalInputs = {weighted, rowSum};
    SmallVector<AffineMap> finalMaps = {map4({b_, h_, i_, j_}), map4({b_, h_, i_})};
    if (sinkTerm) {
      finalInputs.push_back(sinkTerm);
      finalMaps.push_back(map4({b_, h_, i_}));
    }
    Value result = buildGeneric(
        rewriter, loc, finalInputs, finalMaps, outShape, resultElement, map4({b_, h_, i_, j_}),
        {par, par, par, par}, Value(), [&](OpBuilder &b, Location l, ValueRange args) -> Value {
          Value denominator = args[1];
          if (sinkTerm)
            denominator = arith::AddFOp::create(b, l, denominator, args[2]);
          Value empty = arith::CmpFOp::create(b, l, arith::CmpFPredicate::OEQ, denominator,
                                              f32Constant(b, l, 0.0f));
          Value o = arith::DivFOp::create(b, l, args[0], denominator);
          o = arith::SelectOp::create(b, l, empty, f32Constant(b, l, 0.0f), o);
          return emitFromF32(b, l, o, resultElement);
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

} // namespace

void lowbit::populateAttentionLoweringPatterns(const TypeConverter &converter,
                                               RewritePatternSet &patterns) {
  patterns.add<AttentionLowering>(converter, patterns.getContext());
}
