//===- LowbitToLinalg.cpp - The lowbit-to-linalg pass ----------------------===//
#include "lowbit/Conversion/Passes.h"

#include "Codegen.h"
#include "Patterns.h"

#include "mlir/Dialect/Func/Transforms/FuncConversions.h"
#include "mlir/Transforms/DialectConversion.h"

namespace lowbit {
#define GEN_PASS_DEF_LOWBITTOLINALG
#include "lowbit/Conversion/Passes.h.inc"
} // namespace lowbit

using namespace mlir;
using namespace lowbit;

void lowbit::populateLowbitToLinalgConversionPatterns(TypeConverter &converter,
                                                      RewritePatternSet &patterns,
                                                      ConversionTarget &target) {
  populateQuantLoweringPatterns(converter, patterns);
  populateMpgemmLoweringPatterns(converter, patterns);
  populateAttentionLoweringPatterns(converter, patterns);
  populateMoeLoweringPatterns(converter, patterns);
  populateCodeTypePatterns(converter, patterns, target);
  target.addIllegalDialect<LowbitDialect>();
}

namespace {
struct LowbitToLinalgPass : lowbit::impl::LowbitToLinalgBase<LowbitToLinalgPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    // Report every dynamic shape up front, with the op's location.
    WalkResult walk = module.walk([](Operation *op) {
      if (!isa<LowbitDialect>(op->getDialect()))
        return WalkResult::advance();
      auto isDynamic = [](Type type) {
        auto shaped = dyn_cast<ShapedType>(type);
        return shaped && !shaped.hasStaticShape();
      };
      if (llvm::any_of(op->getOperandTypes(), isDynamic) ||
          llvm::any_of(op->getResultTypes(), isDynamic)) {
        op->emitOpError() << "has dynamic extents; the lowbit-to-linalg lowering needs static "
                             "shapes";
        return WalkResult::interrupt();
      }
      return WalkResult::advance();
    });
    if (walk.wasInterrupted())
      return signalPassFailure();

    LowbitCodeTypeConverter converter;
    RewritePatternSet patterns(&getContext());
    ConversionTarget target(getContext());
    populateLowbitToLinalgConversionPatterns(converter, patterns, target);
    if (failed(applyPartialConversion(module, target, std::move(patterns))))
      signalPassFailure();
  }
};
} // namespace
