//===- MemoryPatterns.cpp - tile-to-rocdl: indices, memory, barriers --------===//
//
// Each thread moves exactly the elements it holds: local l of thread t is logical element
// layout(t, l) (emitLogicalIndex with worker = gpu.thread_id x). Global accesses are masked
// with 0 <= g_d < size_d (outside: loads read 0, stores write nothing). Shared tensors are
// workgroup attributions addressed through their SharedLayout (swizzle included).
//
// tile.copy_async is lowered as a synchronous copy: the threads of the block copy the whole
// shared tensor cooperatively (element tid + k*W) and meet at a gpu.barrier; so
// tile.copy_async_wait has nothing left to wait for and is erased.
//
//===----------------------------------------------------------------------===//
#include "Common/LayoutCodegen.h"
#include "ROCDLPatterns.h"
#include "Common/TileCodegen.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

using namespace mlir;
using namespace lowbit;
using namespace lowbit::tile;
using namespace lowbit::tile::rocdl;

Value rocdl::emitThreadId(OpBuilder &b, Location loc) {
  return gpu::ThreadIdOp::create(b, loc, gpu::Dimension::x);
}

namespace {

Value zeroOf(OpBuilder &b, Location loc, Type type) {
  if (auto floatType = dyn_cast<mlir::FloatType>(type))
    return arith::ConstantOp::create(b, loc, b.getFloatAttr(floatType, 0.0));
  return arith::ConstantOp::create(b, loc, b.getIntegerAttr(type, 0));
}

/// Memory element <-> register storage (8-bit floats are i8 codes in registers).
Value castTo(OpBuilder &b, Location loc, Value value, Type type) {
  if (value.getType() == type)
    return value;
  return arith::BitcastOp::create(b, loc, type, value);
}

struct View {
  Value memref;
  SmallVector<Value> sizes, strides;
};

FailureOr<View> getView(Value view) {
  auto op = view.getDefiningOp<GlobalViewOp>();
  if (!op)
    return failure();
  return View{op.getSource(), SmallVector<Value>(op.getSizes()),
              SmallVector<Value>(op.getStrides())};
}

SmallVector<Value> addOffsets(OpBuilder &b, Location loc, ValueRange offsets, ValueRange index) {
  SmallVector<Value> sum;
  for (auto [offset, i] : llvm::zip_equal(offsets, index))
    sum.push_back(arith::AddIOp::create(b, loc, offset, i));
  return sum;
}

Value emitInBounds(OpBuilder &b, Location loc, const View &view, ValueRange g) {
  Value zero = arith::ConstantIndexOp::create(b, loc, 0);
  Value inBounds;
  for (auto [position, size] : llvm::zip_equal(g, view.sizes)) {
    Value low = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::sge, position, zero);
    Value high = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, position, size);
    Value both = arith::AndIOp::create(b, loc, low, high);
    inBounds = inBounds ? arith::AndIOp::create(b, loc, inBounds, both).getResult() : both;
  }
  return inBounds;
}

Value emitViewOffset(OpBuilder &b, Location loc, const View &view, ValueRange g) {
  Value offset;
  for (auto [position, stride] : llvm::zip_equal(g, view.strides)) {
    Value term = arith::MulIOp::create(b, loc, position, stride);
    offset = offset ? arith::AddIOp::create(b, loc, offset, term).getResult() : term;
  }
  return offset;
}

/// view[g] as a `storage` value, or 0 outside the view.
Value emitMaskedLoad(OpBuilder &b, Location loc, const View &view, ValueRange g, Type storage) {
  auto ifOp = scf::IfOp::create(
      b, loc, emitInBounds(b, loc, view, g),
      [&](OpBuilder &then, Location) {
        Value element =
            memref::LoadOp::create(then, loc, view.memref, emitViewOffset(then, loc, view, g));
        scf::YieldOp::create(then, loc, castTo(then, loc, element, storage));
      },
      [&](OpBuilder &otherwise, Location) {
        scf::YieldOp::create(otherwise, loc, zeroOf(otherwise, loc, storage));
      });
  return ifOp.getResult(0);
}

const layout::RegisterLayout &layoutOf(Type type) {
  return cast<RegType>(type).getRegisterLayout();
}

template <typename Op> struct TilePattern : OpConversionPattern<Op> {
  using OpConversionPattern<Op>::OpConversionPattern;
};

struct BlockIndexLowering : TilePattern<BlockIndexOp> {
  using TilePattern::TilePattern;
  LogicalResult matchAndRewrite(BlockIndexOp op, OpAdaptor,
                                ConversionPatternRewriter &rewriter) const override {
    static constexpr gpu::Dimension dims[] = {gpu::Dimension::x, gpu::Dimension::y,
                                              gpu::Dimension::z};
    if (op.getDim() < 0 || op.getDim() > 2)
      return rewriter.notifyMatchFailure(op, "more than 3 grid dimensions");
    rewriter.replaceOpWithNewOp<gpu::BlockIdOp>(op, dims[op.getDim()]);
    return success();
  }
};

struct WorkerIndexLowering : TilePattern<WorkerIndexOp> {
  using TilePattern::TilePattern;
  LogicalResult matchAndRewrite(WorkerIndexOp op, OpAdaptor,
                                ConversionPatternRewriter &rewriter) const override {
    rewriter.replaceOp(op, emitThreadId(rewriter, op.getLoc()));
    return success();
  }
};

struct LoadGlobalLowering : TilePattern<LoadGlobalOp> {
  using TilePattern::TilePattern;
  LogicalResult matchAndRewrite(LoadGlobalOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    FailureOr<View> view = getView(op.getView());
    auto vectorType = dyn_cast_or_null<VectorType>(getTypeConverter()->convertType(op.getType()));
    if (failed(view) || !vectorType)
      return rewriter.notifyMatchFailure(op, "no tile.global_view or layout");
    const layout::RegisterLayout &layout = op.getType().getRegisterLayout();
    Location loc = op.getLoc();
    Value tid = emitThreadId(rewriter, loc);
    Type storage = vectorType.getElementType();
    Value result = arith::ConstantOp::create(rewriter, loc, rewriter.getZeroAttr(vectorType));
    for (int64_t l = 0; l < layout.getLocalSize(); ++l) {
      Value local = arith::ConstantIndexOp::create(rewriter, loc, l);
      SmallVector<Value> g = addOffsets(rewriter, loc, adaptor.getOffsets(),
                                        emitLogicalIndex(rewriter, loc, layout, tid, local));
      Value value = emitMaskedLoad(rewriter, loc, *view, g, storage);
      result = vector::InsertOp::create(rewriter, loc, value, result, l);
    }
    rewriter.replaceOp(op, result);
    return success();
  }
};

struct StoreGlobalLowering : TilePattern<StoreGlobalOp> {
  using TilePattern::TilePattern;
  LogicalResult matchAndRewrite(StoreGlobalOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    FailureOr<View> view = getView(op.getView());
    if (failed(view))
      return rewriter.notifyMatchFailure(op, "no tile.global_view");
    const layout::RegisterLayout &layout = layoutOf(op.getValue().getType());
    Type memoryType = cast<MemRefType>(view->memref.getType()).getElementType();
    Location loc = op.getLoc();
    Value tid = emitThreadId(rewriter, loc);
    // Replicated elements are written by each holder, with the same value.
    for (int64_t l = 0; l < layout.getLocalSize(); ++l) {
      Value local = arith::ConstantIndexOp::create(rewriter, loc, l);
      SmallVector<Value> g = addOffsets(rewriter, loc, adaptor.getOffsets(),
                                        emitLogicalIndex(rewriter, loc, layout, tid, local));
      scf::IfOp::create(
          rewriter, loc, emitInBounds(rewriter, loc, *view, g), [&](OpBuilder &then, Location) {
            Value value = vector::ExtractOp::create(then, loc, adaptor.getValue(), l);
            memref::StoreOp::create(then, loc, castTo(then, loc, value, memoryType), view->memref,
                                    emitViewOffset(then, loc, *view, g));
            scf::YieldOp::create(then, loc);
          });
    }
    rewriter.eraseOp(op);
    return success();
  }
};

struct AllocSharedLowering : TilePattern<AllocSharedOp> {
  AllocSharedLowering(const TypeConverter &converter, MLIRContext *context,
                      const SharedAllocations &allocations)
      : TilePattern(converter, context), allocations(allocations) {}
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

struct LoadSharedLowering : TilePattern<LoadSharedOp> {
  using TilePattern::TilePattern;
  LogicalResult matchAndRewrite(LoadSharedOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    auto vectorType = cast<VectorType>(getTypeConverter()->convertType(op.getType()));
    const layout::RegisterLayout &layout = op.getType().getRegisterLayout();
    layout::SharedLayout shared = op.getSource().getType().getSharedLayoutOrDefault();
    Location loc = op.getLoc();
    Value tid = emitThreadId(rewriter, loc);
    Value result = arith::ConstantOp::create(rewriter, loc, rewriter.getZeroAttr(vectorType));
    for (int64_t l = 0; l < layout.getLocalSize(); ++l) {
      Value local = arith::ConstantIndexOp::create(rewriter, loc, l);
      SmallVector<Value> index = addOffsets(rewriter, loc, adaptor.getOffsets(),
                                            emitLogicalIndex(rewriter, loc, layout, tid, local));
      Value offset = emitSharedOffset(rewriter, loc, shared, index);
      Value value = memref::LoadOp::create(rewriter, loc, adaptor.getSource(), offset);
      result = vector::InsertOp::create(rewriter, loc, value, result, l);
    }
    rewriter.replaceOp(op, result);
    return success();
  }
};

struct StoreSharedLowering : TilePattern<StoreSharedOp> {
  using TilePattern::TilePattern;
  LogicalResult matchAndRewrite(StoreSharedOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    const layout::RegisterLayout &layout = layoutOf(op.getValue().getType());
    layout::SharedLayout shared = op.getDest().getType().getSharedLayoutOrDefault();
    Location loc = op.getLoc();
    Value tid = emitThreadId(rewriter, loc);
    for (int64_t l = 0; l < layout.getLocalSize(); ++l) {
      Value local = arith::ConstantIndexOp::create(rewriter, loc, l);
      SmallVector<Value> index = addOffsets(rewriter, loc, adaptor.getOffsets(),
                                            emitLogicalIndex(rewriter, loc, layout, tid, local));
      Value offset = emitSharedOffset(rewriter, loc, shared, index);
      Value value = vector::ExtractOp::create(rewriter, loc, adaptor.getValue(), l);
      memref::StoreOp::create(rewriter, loc, value, adaptor.getDest(), offset);
    }
    rewriter.eraseOp(op);
    return success();
  }
};

struct CopyAsyncLowering : TilePattern<CopyAsyncOp> {
  using TilePattern::TilePattern;
  LogicalResult matchAndRewrite(CopyAsyncOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    FailureOr<View> view = getView(op.getSource());
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
    Value first = tid;
    scf::ForOp::create(
        rewriter, loc, lower, upper, step, ValueRange(),
        [&](OpBuilder &b, Location, Value base, ValueRange) {
          Value flat = arith::AddIOp::create(b, loc, base, first);
          Value inside = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, flat, upper);
          scf::IfOp::create(b, loc, inside, [&](OpBuilder &then, Location) {
            SmallVector<Value> index = emitDelinearize(then, loc, flat, destType.getShape());
            SmallVector<Value> g = addOffsets(then, loc, adaptor.getOffsets(), index);
            Value value = emitMaskedLoad(then, loc, *view, g, storage);
            memref::StoreOp::create(then, loc, value, adaptor.getDest(),
                                    emitSharedOffset(then, loc, shared, index));
            scf::YieldOp::create(then, loc);
          });
          scf::YieldOp::create(b, loc);
        });
    rewriter.replaceOpWithNewOp<gpu::BarrierOp>(op);
    return success();
  }
};

struct CopyAsyncWaitLowering : TilePattern<CopyAsyncWaitOp> {
  using TilePattern::TilePattern;
  LogicalResult matchAndRewrite(CopyAsyncWaitOp op, OpAdaptor,
                                ConversionPatternRewriter &rewriter) const override {
    rewriter.eraseOp(op); // the copies were synchronous
    return success();
  }
};

struct SyncLowering : TilePattern<SyncOp> {
  using TilePattern::TilePattern;
  LogicalResult matchAndRewrite(SyncOp op, OpAdaptor,
                                ConversionPatternRewriter &rewriter) const override {
    rewriter.replaceOpWithNewOp<gpu::BarrierOp>(op);
    return success();
  }
};

} // namespace

void rocdl::populateMemoryPatterns(const TypeConverter &converter, RewritePatternSet &patterns,
                                   const SharedAllocations &allocations) {
  MLIRContext *context = patterns.getContext();
  patterns.add<BlockIndexLowering, WorkerIndexLowering, LoadGlobalLowering, StoreGlobalLowering,
               LoadSharedLowering, StoreSharedLowering, CopyAsyncLowering, CopyAsyncWaitLowering,
               SyncLowering>(converter, context);
  patterns.add<AllocSharedLowering>(converter, context, allocations);
}
