//===- MpgemmLowering.cpp - mpgemm to dequantize + f32 contraction ---------===//
#include "Codegen.h"
#include "Patterns.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;
using namespace lowbit;

namespace {

struct MpgemmLowering : OpConversionPattern<MpgemmOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(MpgemmOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    if (failed(requireStaticShapes(op, rewriter)))
      return failure();
    Location loc = op.getLoc();
    MLIRContext *context = op.getContext();
    Type f32 = rewriter.getF32Type();
    auto aType = cast<RankedTensorType>(op.getA().getType());
    auto resultType = cast<RankedTensorType>(op.getResult().getType());
    int64_t rank = aType.getRank();
    int64_t k = aType.getShape().back();
    int64_t n = cast<RankedTensorType>(op.getW().getType()).getDimSize(0);
    int64_t rows = aType.getNumElements() / k;

    // Activations and weights as f32.
    Value a = buildAsF32(rewriter, loc,
                         makeQuantizedValue(op.getA(), adaptor.getA(), op.getActSchemeAttr(),
                                            op.getActScale(), adaptor.getActScale(),
                                            op.getActZero(), adaptor.getActZero(), Value(),
                                            Value()));
    Value w = buildDequantize(
        rewriter, loc,
        makeQuantizedValue(op.getW(), adaptor.getW(), op.getWeightScheme(), op.getScale(),
                           adaptor.getScale(), op.getZero(), adaptor.getZero(),
                           adaptor.getTensorScale(), adaptor.getCodebook()),
        f32);

    // Batch axes fold into M.
    if (rank > 2) {
      SmallVector<ReassociationIndices> groups(2);
      for (int64_t i = 0; i < rank - 1; ++i)
        groups[0].push_back(i);
      groups[1].push_back(rank - 1);
      a = tensor::CollapseShapeOp::create(rewriter, loc, RankedTensorType::get({rows, k}, f32), a,
                                          groups);
    }

    // C[m, n] = sum_k A[m, k] * W[n, k], in f32.
    AffineExpr m_, n_, k_;
    bindDims(context, m_, n_, k_);
    auto map = [&](ArrayRef<AffineExpr> results) { return AffineMap::get(3, 0, results, context); };
    using utils::IteratorType;
    Value c = buildGeneric(
        rewriter, loc, ValueRange{a, w}, {map({m_, k_}), map({n_, k_})}, {rows, n}, f32,
        map({m_, n_}), {IteratorType::parallel, IteratorType::parallel, IteratorType::reduction},
        f32Constant(rewriter, loc, 0.0f), [](OpBuilder &b, Location l, ValueRange args) -> Value {
          Value product = arith::MulFOp::create(b, l, args[0], args[1]);
          return arith::AddFOp::create(b, l, args[2], product);
        });

    // Bias and the result type.
    Type resultElement = resultType.getElementType();
    if (adaptor.getBias() || !resultElement.isF32()) {
      AffineExpr i, j;
      bindDims(context, i, j);
      SmallVector<Value> inputs = {c};
      SmallVector<AffineMap> maps = {AffineMap::get(2, 0, {i, j}, context)};
      Value bias = adaptor.getBias();
      if (bias) {
        inputs.push_back(bias);
        maps.push_back(AffineMap::get(2, 0, {j}, context));
      }
      Type biasType = bias ? elementTypeOf(bias) : Type();
      c = buildGeneric(rewriter, loc, inputs, maps, {rows, n}, resultElement,
                       AffineMap::get(2, 0, {i, j}, context),
                       {IteratorType::parallel, IteratorType::parallel}, Value(),
                       [&](OpBuilder &b, Location l, ValueRange args) -> Value {
                         Value v = args[0];
                         if (bias)
                           v = arith::AddFOp::create(b, l, v, emitDecode(b, l, biasType, args[1]));
                         return emitFromF32(b, l, v, resultElement);
                       });
    }
    if (rank > 2) {
      SmallVector<ReassociationIndices> groups(2);
      for (int64_t i = 0; i < rank - 1; ++i)
        groups[0].push_back(i);
      groups[1].push_back(rank - 1);
      c = tensor::ExpandShapeOp::create(rewriter, loc, resultType, c, groups);
    }
    rewriter.replaceOp(op, c);
    return success();
  }
};

} // namespace

void lowbit::populateMpgemmLoweringPatterns(const TypeConverter &converter,
                                            RewritePatternSet &patterns) {
  patterns.add<MpgemmLowering>(converter, patterns.getContext());
}
