//===- MoeLowering.cpp - moe to dense f32 linalg ---------------------------===//
//
// Correct, not fast: every expert runs on every token and the routing weight (zero for experts
// outside a token's top-k) selects. Biases, the sigmoid slope, the up offset and the clamp
// limit go into the elementwise FFN step and the combination. Top-k membership is a rank:
// expert e is selected for token t when fewer than k experts beat it (a higher logit, or an
// equal logit and a lower index).
//
//===----------------------------------------------------------------------===//
#include "Codegen.h"
#include "Patterns.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"

#include <cmath>
#include <limits>

using namespace mlir;
using namespace lowbit;
using utils::IteratorType;

namespace {

/// act(g) for the FFN activations (Reference: Ops.h applyActivation), in f32; `alpha` is
/// silu's sigmoid slope.
static Value emitActivation(OpBuilder &b, Location l, GateActivation act, float alpha, Value x) {
  auto c = [&](float v) { return f32Constant(b, l, v); };
  switch (act) {
  case GateActivation::SiLU: {
    Value negative = arith::NegFOp::create(b, l, x);
    if (alpha != 1.0f)
      negative = arith::MulFOp::create(b, l, negative, c(alpha));
    Value denominator = arith::AddFOp::create(b, l, c(1.0f), math::ExpOp::create(b, l, negative));
    return arith::DivFOp::create(b, l, x, denominator);
  }
  case GateActivation::GELU: {
    Value erf = math::ErfOp::create(b, l, arith::MulFOp::create(b, l, x, c(float(M_SQRT1_2))));
    Value half = arith::MulFOp::create(b, l, x, c(0.5f));
    return arith::MulFOp::create(b, l, half, arith::AddFOp::create(b, l, c(1.0f), erf));
  }
  case GateActivation::GELUTanh: {
    Value cube = arith::MulFOp::create(b, l, x, arith::MulFOp::create(b, l, x, x));
    Value inner = arith::AddFOp::create(b, l, x, arith::MulFOp::create(b, l, cube, c(0.044715f)));
    inner = arith::MulFOp::create(b, l, inner, c(float(std::sqrt(2.0 / M_PI))));
    Value half = arith::MulFOp::create(b, l, x, c(0.5f));
    return arith::MulFOp::create(
        b, l, half, arith::AddFOp::create(b, l, c(1.0f), math::TanhOp::create(b, l, inner)));
  }
  case GateActivation::ReLU: {
    Value positive = arith::CmpFOp::create(b, l, arith::CmpFPredicate::OGT, x, c(0.0f));
    return arith::SelectOp::create(b, l, positive, x, c(0.0f));
  }
  case GateActivation::Identity:
    return x;
  }
  llvm_unreachable("covered switch");
}

struct MoeLowering : OpConversionPattern<MoeOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(MoeOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    if (failed(requireStaticShapes(op, rewriter)))
      return failure();
    Location loc = op.getLoc();
    MLIRContext *ctx = op.getContext();
    Type f32 = rewriter.getF32Type();
    ArrayRef<int64_t> gateShape = cast<RankedTensorType>(op.getWGate().getType()).getShape();
    int64_t tokens = cast<RankedTensorType>(op.getX().getType()).getDimSize(0);
    int64_t experts = gateShape[0], ffn = gateShape[1], hidden = gateShape[2];
    SchemeAttr scheme = op.getWeightSchemeAttr();
    auto par = IteratorType::parallel, red = IteratorType::reduction;
    Value zero = f32Constant(rewriter, loc, 0.0f);
    float negInf = -std::numeric_limits<float>::infinity();

    auto weight = [&](Value original, Value converted, Value originalScale, Value scale,
                      Value originalZero, Value zeroPoint) -> Value {
      return buildAsF32(rewriter, loc,
                        makeQuantizedValue(original, converted, scheme, originalScale, scale,
                                           originalZero, zeroPoint, Value(), Value()));
    };
    Value x = buildToF32(rewriter, loc, adaptor.getX());
    Value logits = buildToF32(rewriter, loc, adaptor.getRouterLogits());
    Value wGate = weight(op.getWGate(), adaptor.getWGate(), op.getGateScale(),
                         adaptor.getGateScale(), op.getGateZero(), adaptor.getGateZero());
    Value wUp = op.getWUp() ? weight(op.getWUp(), adaptor.getWUp(), op.getUpScale(),
                                     adaptor.getUpScale(), op.getUpZero(), adaptor.getUpZero())
                            : Value();
    auto bias = [&](Value converted) {
      return converted ? buildToF32(rewriter, loc, converted) : Value();
    };
    Value gateBias = bias(adaptor.getGateBias()), upBias = bias(adaptor.getUpBias()),
          downBias = bias(adaptor.getDownBias());
    Value wDown = weight(op.getWDown(), adaptor.getWDown(), op.getDownScale(),
                         adaptor.getDownScale(), op.getDownZero(), adaptor.getDownZero());

    AffineExpr t_, e_, f_, h_;
    bindDims(ctx, t_, e_, f_, h_);
    auto map4 = [&](ArrayRef<AffineExpr> r) { return AffineMap::get(4, 0, r, ctx); };
    auto map3 = [&](ArrayRef<AffineExpr> r) { return AffineMap::get(3, 0, r, ctx); };
    auto map2 = [&](ArrayRef<AffineExpr> r) { return AffineMap::get(2, 0, r, ctx); };
    auto multiplyAdd = [](OpBuilder &b, Location l, ValueRange args) -> Value {
      return arith::AddFOp::create(b, l, args[2], arith::MulFOp::create(b, l, args[0], args[1]));
    };

    // g[t, e, f] = sum_h x[t, h] * wGate[e, f, h]; likewise u. Dims (t, e, f, h).
    SmallVector<int64_t> hiddenShape = {tokens, experts, ffn};
    auto project = [&](Value w) {
      return buildGeneric(rewriter, loc, ValueRange{x, w}, {map4({t_, h_}), map4({e_, f_, h_})},
                          hiddenShape, f32, map4({t_, e_, f_}), {par, par, par, red}, zero,
                          multiplyAdd);
    };
    // h = act(g + bg) (* (clamp(u + bu) + up_offset) when gated), g and u clamped by the limit.
    SmallVector<Value> ffnInputs = {project(wGate)};
    SmallVector<AffineMap> ffnMaps = {map3({t_, e_, f_})};
    auto addInput = [&](Value value, AffineMap map) {
      if (!value)
        return -1;
      ffnInputs.push_back(value);
      ffnMaps.push_back(map);
      return static_cast<int>(ffnInputs.size()) - 1;
    };
    int gateBiasAt = addInput(gateBias, map3({e_, f_}));
    int upAt = wUp ? addInput(project(wUp), map3({t_, e_, f_})) : -1;
    int upBiasAt = addInput(upBias, map3({e_, f_}));
    GateActivation act = op.getActivation();
    auto attrOr = [](std::optional<APFloat> value, float fallback) {
      return value ? value->convertToFloat() : fallback;
    };
    float alpha = attrOr(op.getActivationAlpha(), 1.0f);
    float offset = attrOr(op.getUpOffset(), 0.0f);
    std::optional<float> limit;
    if (op.getClampLimit())
      limit = op.getClampLimit()->convertToFloat();
    Value activated = buildGeneric(
        rewriter, loc, ffnInputs, ffnMaps, hiddenShape, f32, map3({t_, e_, f_}),
        {par, par, par}, Value(), [&](OpBuilder &b, Location l, ValueRange args) -> Value {
          Value g = args[0];
          if (gateBiasAt >= 0)
            g = arith::AddFOp::create(b, l, g, args[gateBiasAt]);
          if (upAt < 0)
            return emitActivation(b, l, act, alpha, g);
          Value u = args[upAt];
          if (upBiasAt >= 0)
            u = arith::AddFOp::create(b, l, u, args[upBiasAt]);
          if (limit) {
            g = arith::MinimumFOp::create(b, l, g, f32Constant(b, l, *limit));
            u = arith::MinimumFOp::create(b, l, u, f32Constant(b, l, *limit));
            u = arith::MaximumFOp::create(b, l, u, f32Constant(b, l, -*limit));
          }
          if (offset != 0.0f)
            u = arith::AddFOp::create(b, l, u, f32Constant(b, l, offset));
          return arith::MulFOp::create(b, l, emitActivation(b, l, act, alpha, g), u);
        });
    // y[t, e, h] = sum_f activated[t, e, f] * wDown[e, h, f]. Dims (t, e, h, f) = (t_, e_, f_, h_).
    Value expertOut = buildGeneric(
        rewriter, loc, ValueRange{activated, wDown}, {map4({t_, e_, h_}), map4({e_, f_, h_})},
        {tokens, experts, hidden}, f32, map4({t_, e_, f_}), {par, par, par, red}, zero,
        multiplyAdd);

    // Routing. rank[t, e] = #{e' : l[e'] > l[e] or (l[e'] == l[e] and e' < e)}; dims (t, e, e').
    Value rank = buildGeneric(
        rewriter, loc, ValueRange{logits, logits}, {map3({t_, e_}), map3({t_, f_})},
        {tokens, experts}, f32, map3({t_, e_}), {par, par, red}, zero,
        [](OpBuilder &b, Location l, ValueRange args) -> Value {
          Value e = linalg::IndexOp::create(b, l, 1);
          Value other = linalg::IndexOp::create(b, l, 2);
          Value higher = arith::CmpFOp::create(b, l, arith::CmpFPredicate::OGT, args[1], args[0]);
          Value equal = arith::CmpFOp::create(b, l, arith::CmpFPredicate::OEQ, args[1], args[0]);
          Value before = arith::CmpIOp::create(b, l, arith::CmpIPredicate::ult, other, e);
          Value beats = arith::OrIOp::create(b, l, higher, arith::AndIOp::create(b, l, equal, before));
          Value one = arith::UIToFPOp::create(b, l, b.getF32Type(),
                                              arith::ExtUIOp::create(b, l, b.getI32Type(), beats));
          return arith::AddFOp::create(b, l, args[2], one);
        });
    Value rowMax = buildGeneric(
        rewriter, loc, logits, map2({t_, e_}), {tokens}, f32, map2({t_}), {par, red},
        f32Constant(rewriter, loc, negInf), [](OpBuilder &b, Location l, ValueRange args) -> Value {
          return arith::MaximumFOp::create(b, l, args[0], args[1]);
        });
    float topK = static_cast<float>(op.getTopK());
    bool normalize = op.getNormalizeTopk();
    // p[t, e] = exp(l - max), kept where selected (all of them when normalizing over all).
    Value exps = buildGeneric(
        rewriter, loc, ValueRange{logits, rowMax}, {map2({t_, e_}), map2({t_})}, {tokens, experts},
        f32, map2({t_, e_}), {par, par}, Value(), [](OpBuilder &b, Location l, ValueRange args) -> Value {
          return math::ExpOp::create(b, l, arith::SubFOp::create(b, l, args[0], args[1]));
        });
    auto selected = [&](OpBuilder &b, Location l, Value rankValue) -> Value {
      return arith::CmpFOp::create(b, l, arith::CmpFPredicate::OLT, rankValue, f32Constant(b, l, topK));
    };
    Value denominator = buildGeneric(
        rewriter, loc, ValueRange{exps, rank}, {map2({t_, e_}), map2({t_, e_})}, {tokens}, f32,
        map2({t_}), {par, red}, zero, [&](OpBuilder &b, Location l, ValueRange args) -> Value {
          Value p = args[0];
          if (normalize)
            p = arith::SelectOp::create(b, l, selected(b, l, args[1]), p, f32Constant(b, l, 0.0f));
          return arith::AddFOp::create(b, l, args[2], p);
        });
    Value routing = buildGeneric(
        rewriter, loc, ValueRange{exps, rank, denominator}, {map2({t_, e_}), map2({t_, e_}), map2({t_})},
        {tokens, experts}, f32, map2({t_, e_}), {par, par}, Value(),
        [&](OpBuilder &b, Location l, ValueRange args) -> Value {
          Value w = arith::DivFOp::create(b, l, args[0], args[2]);
          return arith::SelectOp::create(b, l, selected(b, l, args[1]), w, f32Constant(b, l, 0.0f));
        });

    // out[t, h] = sum_e routing[t, e] * (y[t, e, h] + bd[e, h]); dims (t, h, e).
    Type resultElement = elementTypeOf(op.getResult());
    SmallVector<Value> combineInputs = {routing, expertOut};
    SmallVector<AffineMap> combineMaps = {map3({t_, f_}), map3({t_, f_, e_})};
    if (downBias) {
      combineInputs.push_back(downBias);
      combineMaps.push_back(map3({f_, e_}));
    }
    Value combined = buildGeneric(
        rewriter, loc, combineInputs, combineMaps, {tokens, hidden}, f32, map3({t_, e_}),
        {par, par, red}, zero, [&](OpBuilder &b, Location l, ValueRange args) -> Value {
          Value y = args[1];
          if (downBias)
            y = arith::AddFOp::create(b, l, y, args[2]);
          return arith::AddFOp::create(b, l, args.back(), arith::MulFOp::create(b, l, args[0], y));
        });
    if (!resultElement.isF32())
      combined = buildElementwise(rewriter, loc, combined, resultElement,
                                  [&](OpBuilder &b, Location l, ValueRange args) -> Value {
                                    return emitFromF32(b, l, args[0], resultElement);
                                  });
    rewriter.replaceOp(op, combined);
    return success();
  }
};

} // namespace

void lowbit::populateMoeLoweringPatterns(const TypeConverter &converter,
                                         RewritePatternSet &patterns) {
  patterns.add<MoeLowering>(converter, patterns.getContext());
}
