//===- CodeTypePatterns.cpp - Low-bit element types become code types ------===//
//
// Ops outside the lowbit dialect may carry low-bit tensors (function signatures, calls,
// returns, tensor.extract_slice, constants...). They keep their meaning on codes, so they are
// rebuilt with the converted types.
//
//===----------------------------------------------------------------------===//
#include "Codegen.h"
#include "Patterns.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Func/Transforms/FuncConversions.h"
#include "mlir/Interfaces/FunctionInterfaces.h"

using namespace mlir;
using namespace lowbit;

namespace {

/// arith.constant dense<...> : tensor<..xui4> -> the same bits as tensor<..xi4>.
struct ConstantCodes : OpConversionPattern<arith::ConstantOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(arith::ConstantOp op, OpAdaptor,
                                ConversionPatternRewriter &rewriter) const override {
    auto dense = dyn_cast<DenseElementsAttr>(op.getValue());
    Type converted = getTypeConverter()->convertType(op.getType());
    if (!dense || !converted || converted == op.getType())
      return failure();
    auto bits = dense.bitcast(cast<ShapedType>(converted).getElementType());
    rewriter.replaceOpWithNewOp<arith::ConstantOp>(op, cast<TypedAttr>(bits));
    return success();
  }
};

/// Any other op without regions: the same op on converted types.
struct RetypeOp : ConversionPattern {
  RetypeOp(const TypeConverter &converter, MLIRContext *context)
      : ConversionPattern(converter, MatchAnyOpTypeTag(), /*benefit=*/0, context) {}
  LogicalResult matchAndRewrite(Operation *op, ArrayRef<Value> operands,
                                ConversionPatternRewriter &rewriter) const override {
    if (op->getNumRegions() != 0 || isa<LowbitDialect>(op->getDialect()) ||
        isa<arith::ConstantOp, func::FuncOp, func::CallOp, func::ReturnOp>(op))
      return failure();
    SmallVector<Type> resultTypes;
    if (failed(getTypeConverter()->convertTypes(op->getResultTypes(), resultTypes)))
      return failure();
    OperationState state(op->getLoc(), op->getName(), operands, resultTypes, op->getAttrs());
    Operation *rebuilt = rewriter.create(state);
    rewriter.replaceOp(op, rebuilt->getResults());
    return success();
  }
};

} // namespace

void lowbit::populateCodeTypePatterns(TypeConverter &converter, RewritePatternSet &patterns,
                                      ConversionTarget &target) {
  populateFunctionOpInterfaceTypeConversionPattern<func::FuncOp>(patterns, converter);
  populateCallOpTypeConversionPattern(patterns, converter);
  populateReturnOpTypeConversionPattern(patterns, converter);
  patterns.add<ConstantCodes, RetypeOp>(converter, patterns.getContext());
  target.addDynamicallyLegalOp<func::FuncOp>([&converter](func::FuncOp op) {
    return converter.isSignatureLegal(op.getFunctionType()) && converter.isLegal(&op.getBody());
  });
  target.markUnknownOpDynamicallyLegal(
      [&converter](Operation *op) { return converter.isLegal(op); });
}
