//===- QuantizeActivations.cpp - The quantize_activations opt-in of mpgemm --===//
//
// lowbit.mpgemm {quantize_activations} -> per-token absmax scales (linalg), lowbit.quantize of
// the activations to si8, and an mpgemm of those codes with their scales (see the pass
// description in Passes.td).
//
//===----------------------------------------------------------------------===//
#include "lowbit/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

namespace lowbit {
#define GEN_PASS_DEF_LOWBITQUANTIZEACTIVATIONS
#include "lowbit/Transforms/Passes.h.inc"
} // namespace lowbit

using namespace mlir;
using namespace lowbit;

namespace {

/// scale[m] = max_k |a[m, k]| / 127, or 1 for a row of zeros (f32).
Value buildTokenScales(OpBuilder &b, Location loc, Value activations) {
  auto type = cast<RankedTensorType>(activations.getType());
  Type f32 = b.getF32Type();
  int64_t rows = type.getDimSize(0);
  auto rowType = RankedTensorType::get({rows}, f32);
  MLIRContext *ctx = b.getContext();
  AffineMap all = AffineMap::getMultiDimIdentityMap(2, ctx);
  AffineMap byRow = AffineMap::get(2, 0, {getAffineDimExpr(0, ctx)}, ctx);
  Value zero = arith::ConstantOp::create(b, loc, b.getF32FloatAttr(0));
  Value empty = tensor::EmptyOp::create(b, loc, rowType, ValueRange{});
  Value init = linalg::FillOp::create(b, loc, ValueRange{zero}, ValueRange{empty}).getResult(0);
  Value absMax =
      linalg::GenericOp::create(
          b, loc, rowType, activations, init, ArrayRef<AffineMap>{all, byRow},
          ArrayRef<utils::IteratorType>{utils::IteratorType::parallel,
                                        utils::IteratorType::reduction},
          [&](OpBuilder &nb, Location nloc, ValueRange args) {
            Value x = args[0];
            if (x.getType() != f32)
              x = arith::ExtFOp::create(nb, nloc, f32, x);
            Value magnitude = math::AbsFOp::create(nb, nloc, x);
            linalg::YieldOp::create(
                nb, nloc, ValueRange{arith::MaximumFOp::create(nb, nloc, args[1], magnitude)});
          })
          .getResult(0);
  AffineMap identity = AffineMap::getMultiDimIdentityMap(1, ctx);
  return linalg::GenericOp::create(
             b, loc, rowType, absMax,
             tensor::EmptyOp::create(b, loc, rowType, ValueRange{}).getResult(),
             ArrayRef<AffineMap>{identity, identity},
             ArrayRef<utils::IteratorType>{utils::IteratorType::parallel},
             [&](OpBuilder &nb, Location nloc, ValueRange args) {
               Value scaled = arith::DivFOp::create(
                   nb, nloc, args[0], arith::ConstantOp::create(nb, nloc, nb.getF32FloatAttr(127)));
               Value isZero =
                   arith::CmpFOp::create(nb, nloc, arith::CmpFPredicate::OEQ, args[0],
                                         arith::ConstantOp::create(nb, nloc, nb.getF32FloatAttr(0)));
               Value one = arith::ConstantOp::create(nb, nloc, nb.getF32FloatAttr(1));
               linalg::YieldOp::create(
                   nb, nloc, ValueRange{arith::SelectOp::create(nb, nloc, isZero, one, scaled)});
             })
      .getResult(0);
}

struct QuantizeActivationsPass
    : lowbit::impl::LowbitQuantizeActivationsBase<QuantizeActivationsPass> {
  void runOnOperation() override {
    SmallVector<MpgemmOp> ops;
    getOperation().walk([&](MpgemmOp op) {
      if (op.getQuantizeActivations())
        ops.push_back(op);
    });
    for (MpgemmOp op : ops) {
      OpBuilder b(op);
      Location loc = op.getLoc();
      MLIRContext *ctx = &getContext();
      Value a = op.getA();
      auto aType = cast<RankedTensorType>(a.getType());
      SchemeAttr perToken = SchemeAttr::get(ctx, Granularity::PerChannel, /*axis=*/0, 0, 0, 0,
                                            b.getF32Type(), ZeroPoint::None, false,
                                            Codebook::None, {});
      Value scales = buildTokenScales(b, loc, a);
      Type si8 = IntegerType::get(ctx, 8, IntegerType::Signed);
      Value codes = QuantizeOp::create(b, loc, RankedTensorType::get(aType.getShape(), si8), a,
                                       scales, Value(), Value(), Value(), perToken);
      op.getAMutable().assign(codes);
      op.getActScaleMutable().assign(scales);
      op.setActSchemeAttr(perToken);
      op.removeQuantizeActivationsAttr();
    }
  }
};

} // namespace
