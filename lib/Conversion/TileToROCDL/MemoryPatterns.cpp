//===- MemoryPatterns.cpp - tile-to-rocdl: indices, memory, barriers --------===//
//
// Each thread moves exactly the elements it holds: local l of thread t is logical element
// layout(t, l) (emitLogicalIndex with worker = gpu.thread_id x). Global accesses are masked
// with 0 <= g_d < size_d (outside: loads read 0, stores write nothing; Common/MemoryCodegen.h).
// Shared tensors are workgroup attributions addressed through their SharedLayout (swizzle
// included). The loads and stores, indices and barriers are the patterns both GPU lowerings
// share (Common/GPUPatterns.h); this file gives them the global element access.
//
// tile.copy_async is lowered as a synchronous copy: the threads of the block copy the whole
// shared tensor cooperatively (element tid + k*W) and meet at a gpu.barrier; so
// tile.copy_async_wait has nothing left to wait for and is erased.
//
//===----------------------------------------------------------------------===//
#include "Common/GPUPatterns.h"
#include "Common/MemoryCodegen.h"
#include "ROCDLPatterns.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

using namespace mlir;
using namespace lowbit;
using namespace lowbit::tile;
using namespace lowbit::tile::rocdl;

namespace {

/// The view's buffer, sizes and strides, when it comes from a tile.global_view.
FailureOr<GlobalView> getView(Value view) {
  auto op = view.getDefiningOp<GlobalViewOp>();
  if (!op)
    return failure();
  return getGlobalView(op);
}

/// tile-to-rocdl's GlobalAccess: the signed bound checks and bitcasts of Common/MemoryCodegen.h
/// on the view's own memref (global views are not converted).
Value loadGlobalElement(OpBuilder &b, Location loc, GlobalViewOp view, Value, ValueRange offsets,
                        ArrayRef<Value> index, Type storage) {
  return emitMaskedLoad(b, loc, getGlobalView(view), emitAddOffsets(b, loc, offsets, index),
                        storage);
}

void storeGlobalElement(OpBuilder &b, Location loc, GlobalViewOp view, Value, ValueRange offsets,
                        ArrayRef<Value> index, function_ref<Value(OpBuilder &)> value) {
  emitMaskedStore(b, loc, getGlobalView(view), emitAddOffsets(b, loc, offsets, index), value);
}

struct AllocSharedLowering : OpConversionPattern<AllocSharedOp> {
  AllocSharedLowering(const TypeConverter &converter, MLIRContext *context,
                      const SharedAllocations &allocations)
      : OpConversionPattern(converter, context), allocations(allocations) {}
  LogicalResult matchAndRewrite(AllocSharedOp op, OpAdaptor,
                                ConversionPatternRewriter &rewriter) const override {
    Value attribution = allocations.lookup(op);
    if (!attribution)
      return rewriter.notifyMatchFailure(op, "no workgroup attribution");
    rewriter.replaceOp(op, attribution);
    return success();
  }
  const SharedAllocations &allocations;
};

struct CopyAsyncLowering : OpConversionPattern<CopyAsyncOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(CopyAsyncOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    FailureOr<GlobalView> view = getView(op.getSource());
    auto kernel = op->getParentOfType<gpu::GPUFuncOp>();
    if (failed(view) || !kernel || !kernel.getKnownBlockSize())
      return rewriter.notifyMatchFailure(op, "no tile.global_view or block size");
    int64_t workers = (*kernel.getKnownBlockSize())[0];
    SharedType destType = op.getDest().getType();
    layout::SharedLayout shared = destType.getSharedLayoutOrDefault();
    Type storage = getStorageType(destType.getElementType());
    Location loc = op.getLoc();
    Value tid = emitThreadId(rewriter, loc);
    int64_t count = destType.getNumElements();
    Value lower = arith::ConstantIndexOp::create(rewriter, loc, 0);
    Value upper = arith::ConstantIndexOp::create(rewriter, loc, count);
    Value step = arith::ConstantIndexOp::create(rewriter, loc, workers);
    // for flat = tid; flat < count; flat += W: dest[flat] = source[offsets + flat].
    scf::ForOp::create(
        rewriter, loc, lower, upper, step, ValueRange(),
        [&](OpBuilder &b, Location, Value base, ValueRange) {
          Value flat = arith::AddIOp::create(b, loc, base, tid);
          Value inside = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, flat, upper);
          scf::IfOp::create(b, loc, inside, [&](OpBuilder &then, Location) {
            emitCopyElement(then, loc, *view, adaptor.getOffsets(), adaptor.getDest(), shared,
                            destType.getShape(), flat, storage);
            scf::YieldOp::create(then, loc);
          });
          scf::YieldOp::create(b, loc);
        });
    rewriter.replaceOpWithNewOp<gpu::BarrierOp>(op);
    return success();
  }
};

struct CopyAsyncWaitLowering : OpConversionPattern<CopyAsyncWaitOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(CopyAsyncWaitOp op, OpAdaptor,
                                ConversionPatternRewriter &rewriter) const override {
    rewriter.eraseOp(op); // the copies were synchronous
    return success();
  }
};

} // namespace

void rocdl::populateMemoryPatterns(const TypeConverter &converter, RewritePatternSet &patterns,
                                   const SharedAllocations &allocations) {
  MLIRContext *context = patterns.getContext();
  patterns.add<CopyAsyncLowering, CopyAsyncWaitLowering>(converter, context);
  patterns.add<AllocSharedLowering>(converter, context, allocations);
  populateGPUThreadMemoryPatterns(converter, patterns,
                                  GlobalAccess{loadGlobalElement, storeGlobalElement});
}
