//===- NVVMOps.cpp - tile-to-nvvm: the op patterns --------------------------===//
//
// Indices, global and shared memory, copies and barriers. Every op computes the values of one
// thread (= worker, gpu.thread_id x). Locals are unrolled (their count is static); each
// logical index comes from emitLogicalIndex(thread, l).
//
//===----------------------------------------------------------------------===//
#include "Common/FormatCodegen.h"
#include "Common/LayoutCodegen.h"
#include "TileToNVVM.h"

#include "lowbit/Layout/InstructionLayouts.h"

#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/NVGPU/IR/NVGPUDialect.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/Matchers.h"

using namespace mlir;
using namespace lowbit;
using namespace lowbit::tile;

namespace {

const layout::RegisterLayout &layoutOf(Value value) {
  return cast<RegType>(value.getType()).getRegisterLayout();
}

Value threadId(OpBuilder &b, Location loc) {
  return gpu::ThreadIdOp::create(b, loc, gpu::Dimension::x);
}

Value zeroOf(OpBuilder &b, Location loc, Type type) {
  return arith::ConstantOp::create(b, loc, type, b.getZeroAttr(type));
}

/// The global view's sizes and strides (from its tile.global_view).
GlobalViewOp viewOf(Value view) { return view.getDefiningOp<GlobalViewOp>(); }

/// offsets + index: the global index of a tile element, and whether it is inside the view.
std::pair<Value, Value> emitGlobalAddress(OpBuilder &b, Location loc, GlobalViewOp view,
                                          ValueRange offsets, ArrayRef<Value> index) {
  Value inside = arith::ConstantIntOp::create(b, loc, 1, 1);
  Value address = indexConstant(b, loc, 0);
  for (auto [d, i] : llvm::enumerate(index)) {
    Value g = arith::AddIOp::create(b, loc, offsets[d], i);
    // Unsigned: a negative index is huge.
    Value in = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, g, view.getSizes()[d]);
    inside = arith::AndIOp::create(b, loc, inside, in);
    address = arith::AddIOp::create(
        b, loc, address, arith::MulIOp::create(b, loc, g, view.getStrides()[d]));
  }
  return {address, inside};
}

/// A masked load: `inside ? buffer[address] : 0`.
Value emitMaskedLoad(OpBuilder &b, Location loc, Value buffer, Value address, Value inside) {
  Type element = cast<MemRefType>(buffer.getType()).getElementType();
  auto ifOp = scf::IfOp::create(
      b, loc, inside,
      [&](OpBuilder &t, Location l) {
        scf::YieldOp::create(t, l, ValueRange{memref::LoadOp::create(t, l, buffer, address)});
      },
      [&](OpBuilder &e, Location l) { scf::YieldOp::create(e, l, zeroOf(e, l, element)); });
  return ifOp.getResult(0);
}

SmallVector<Value> addOffsets(OpBuilder &b, Location loc, ValueRange offsets,
                              ArrayRef<Value> index) {
  SmallVector<Value> result;
  for (auto [d, i] : llvm::enumerate(index))
    result.push_back(arith::AddIOp::create(b, loc, offsets[d], i));
  return result;
}

/// Builds the per-thread vector of `type` from compute(localIndex, logical index).
Value buildLocals(OpBuilder &b, Location loc, RegType type,
                  function_ref<Value(int64_t, ArrayRef<Value>)> compute) {
  const layout::RegisterLayout &layout = type.getRegisterLayout();
  auto vectorType =
      VectorType::get({layout.getLocalSize()}, getStorageType(type.getElementType()));
  Value result = zeroOf(b, loc, vectorType);
  Value tid = threadId(b, loc);
  for (int64_t l = 0; l < layout.getLocalSize(); ++l) {
    SmallVector<Value> index = emitLogicalIndex(b, loc, layout, tid, indexConstant(b, loc, l));
    result = vector::InsertOp::create(b, loc, compute(l, index), result, l);
  }
  return result;
}

/// Calls body(l, logical index, element) for each local of a per-thread vector.
void forLocals(OpBuilder &b, Location loc, Value value, Value vector,
               function_ref<void(int64_t, ArrayRef<Value>, Value)> body) {
  const layout::RegisterLayout &layout = layoutOf(value);
  Value tid = threadId(b, loc);
  for (int64_t l = 0; l < layout.getLocalSize(); ++l) {
    SmallVector<Value> index = emitLogicalIndex(b, loc, layout, tid, indexConstant(b, loc, l));
    body(l, index, vector::ExtractOp::create(b, loc, vector, l));
  }
}

template <typename Op>
struct TilePattern : OpConversionPattern<Op> {
  using OpConversionPattern<Op>::OpConversionPattern;
};

struct BlockIndexLowering : TilePattern<BlockIndexOp> {
  using TilePattern::TilePattern;
  LogicalResult matchAndRewrite(BlockIndexOp op, OpAdaptor, ConversionPatternRewriter &rewriter)
      const override {
    static const gpu::Dimension dims[] = {gpu::Dimension::x, gpu::Dimension::y,
                                          gpu::Dimension::z};
    rewriter.replaceOpWithNewOp<gpu::BlockIdOp>(op, dims[op.getDim()]);
    return success();
  }
};

struct WorkerIndexLowering : TilePattern<WorkerIndexOp> {
  using TilePattern::TilePattern;
  LogicalResult matchAndRewrite(WorkerIndexOp op, OpAdaptor, ConversionPatternRewriter &rewriter)
      const override {
    rewriter.replaceOpWithNewOp<gpu::ThreadIdOp>(op, gpu::Dimension::x);
    return success();
  }
};

struct GlobalViewLowering : TilePattern<GlobalViewOp> {
  using TilePattern::TilePattern;
  LogicalResult matchAndRewrite(GlobalViewOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    Type type = getTypeConverter()->convertType(op.getType());
    Value source = adaptor.getSource();
    if (source.getType() != type)
      source = memref::CastOp::create(rewriter, op.getLoc(), type, source);
    rewriter.replaceOp(op, source);
    return success();
  }
};

struct LoadGlobalLowering : TilePattern<LoadGlobalOp> {
  using TilePattern::TilePattern;
  LogicalResult matchAndRewrite(LoadGlobalOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    GlobalViewOp view = viewOf(op.getView());
    Value result = buildLocals(rewriter, loc, cast<RegType>(op.getType()),
                               [&](int64_t, ArrayRef<Value> index) {
      auto [address, inside] =
          emitGlobalAddress(rewriter, loc, view, adaptor.getOffsets(), index);
      return emitMaskedLoad(rewriter, loc, adaptor.getView(), address, inside);
    });
    rewriter.replaceOp(op, result);
    return success();
  }
};

struct StoreGlobalLowering : TilePattern<StoreGlobalOp> {
  using TilePattern::TilePattern;
  LogicalResult matchAndRewrite(StoreGlobalOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    GlobalViewOp view = viewOf(op.getView());
    // Replicas write the same value; no need to elect one.
    forLocals(rewriter, loc, op.getValue(), adaptor.getValue(),
              [&](int64_t, ArrayRef<Value> index, Value element) {
      std::pair<Value, Value> at =
          emitGlobalAddress(rewriter, loc, view, adaptor.getOffsets(), index);
      scf::IfOp::create(rewriter, loc, at.second, [&](OpBuilder &t, Location l) {
        memref::StoreOp::create(t, l, element, adaptor.getView(), at.first);
        scf::YieldOp::create(t, l);
      });
    });
    rewriter.eraseOp(op);
    return success();
  }
};

struct AllocSharedLowering : TilePattern<AllocSharedOp> {
  using TilePattern::TilePattern;
  LogicalResult matchAndRewrite(AllocSharedOp op, OpAdaptor,
                                ConversionPatternRewriter &rewriter) const override {
    auto func = op->getParentOfType<gpu::GPUFuncOp>();
    auto index = op->getAttrOfType<IntegerAttr>(kAttributionAttr);
    if (!func || !index)
      return rewriter.notifyMatchFailure(op, "not outlined");
    rewriter.replaceOp(op, func.getWorkgroupAttributions()[index.getInt()]);
    return success();
  }
};

struct LoadSharedLowering : TilePattern<LoadSharedOp> {
  using TilePattern::TilePattern;
  LogicalResult matchAndRewrite(LoadSharedOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    layout::SharedLayout shared =
        cast<SharedType>(op.getSource().getType()).getSharedLayoutOrDefault();
    Value result = buildLocals(rewriter, loc, cast<RegType>(op.getType()),
                               [&](int64_t, ArrayRef<Value> index) -> Value {
      Value offset = emitSharedOffset(rewriter, loc, shared,
                                      addOffsets(rewriter, loc, adaptor.getOffsets(), index));
      return memref::LoadOp::create(rewriter, loc, adaptor.getSource(), offset);
    });
    rewriter.replaceOp(op, result);
    return success();
  }
};

struct StoreSharedLowering : TilePattern<StoreSharedOp> {
  using TilePattern::TilePattern;
  LogicalResult matchAndRewrite(StoreSharedOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    layout::SharedLayout shared =
        cast<SharedType>(op.getDest().getType()).getSharedLayoutOrDefault();
    forLocals(rewriter, loc, op.getValue(), adaptor.getValue(),
              [&](int64_t, ArrayRef<Value> index, Value element) {
      Value offset = emitSharedOffset(rewriter, loc, shared,
                                      addOffsets(rewriter, loc, adaptor.getOffsets(), index));
      memref::StoreOp::create(rewriter, loc, element, adaptor.getDest(), offset);
    });
    rewriter.eraseOp(op);
    return success();
  }
};

/// The elements (a multiple of 4/8/16 bytes) of one cp.async, when the copy can use them:
/// the view's innermost stride is the constant 1 and every run of that many elements along the
/// shared tensor's last dimension (row-major, starting at multiples of it) is contiguous and
/// aligned in the shared layout. 0 otherwise.
int64_t getCopyGranule(CopyAsyncOp op) {
  auto sharedType = cast<SharedType>(op.getDest().getType());
  layout::SharedLayout shared = sharedType.getSharedLayoutOrDefault();
  Type element = getStorageType(sharedType.getElementType());
  unsigned bits = element.getIntOrFloatBitWidth();
  GlobalViewOp view = viewOf(op.getSource());
  if (bits % 8 != 0 || !matchPattern(view.getStrides().back(), m_One()))
    return 0;
  ArrayRef<int64_t> shape = sharedType.getShape();
  int64_t count = cast<ShapedType>(sharedType).getNumElements();
  for (int64_t bytes : {16, 8, 4}) {
    int64_t g = bytes / (bits / 8);
    if (g < 1 || shape.back() % g != 0)
      continue;
    bool contiguous = true;
    for (int64_t first = 0; first < count && contiguous; first += g) {
      SmallVector<int64_t> index;
      for (int64_t rest = first, d = shape.size() - 1; d >= 0; rest /= shape[d], --d)
        index.insert(index.begin(), rest % shape[d]);
      int64_t start = shared.getOffset(index);
      contiguous = start % g == 0;
      for (int64_t j = 1; j < g && contiguous; ++j) {
        index.back() += 1;
        contiguous = shared.getOffset(index) == start + j;
      }
    }
    if (contiguous)
      return g;
  }
  return 0;
}

/// Copies element `index` of the tile (shared index; offsets + index in the view) by a load
/// (zero outside the view) and a store.
void emitElementCopy(OpBuilder &b, Location loc, GlobalViewOp view, ValueRange offsets,
                     Value source, Value dest, const layout::SharedLayout &shared,
                     ArrayRef<Value> index) {
  auto [address, inside] = emitGlobalAddress(b, loc, view, offsets, index);
  Value value = emitMaskedLoad(b, loc, source, address, inside);
  memref::StoreOp::create(b, loc, value, dest, emitSharedOffset(b, loc, shared, index));
}

/// The block copies cooperatively: thread t moves the runs t, t + W, t + 2W, ... (row-major) of
/// `g` elements. With a granule (getCopyGranule), a run that lies inside the view and whose
/// global address is aligned to its size is one cp.async (nvgpu.device_async_copy), any other
/// run plain loads (zero outside the view) and stores; then cp.async.commit_group, so that each
/// tile.copy_async is one group of every thread. Without a granule, every element is copied
/// by loads and stores (g = 1), and the group is empty.
struct CopyAsyncLowering : TilePattern<CopyAsyncOp> {
  using TilePattern::TilePattern;
  LogicalResult matchAndRewrite(CopyAsyncOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto sharedType = cast<SharedType>(op.getDest().getType());
    layout::SharedLayout shared = sharedType.getSharedLayoutOrDefault();
    auto func = op->getParentOfType<gpu::GPUFuncOp>();
    int64_t workers = (*func.getKnownBlockSize())[0];
    int64_t granule = getCopyGranule(op);
    int64_t g = std::max<int64_t>(granule, 1);
    int64_t runs = cast<ShapedType>(sharedType).getNumElements() / g;
    GlobalViewOp view = viewOf(op.getSource());
    Value source = adaptor.getSource(), dest = adaptor.getDest();
    int64_t elementBytes = getStorageType(sharedType.getElementType()).getIntOrFloatBitWidth() / 8;
    Value tid = threadId(rewriter, loc);
    auto loop = scf::ForOp::create(rewriter, loc, indexConstant(rewriter, loc, 0),
                                   indexConstant(rewriter, loc, runs),
                                   indexConstant(rewriter, loc, workers));
    {
      OpBuilder::InsertionGuard guard(rewriter);
      rewriter.setInsertionPointToStart(loop.getBody());
      Value run = arith::AddIOp::create(rewriter, loc, loop.getInductionVar(), tid);
      Value valid = arith::CmpIOp::create(rewriter, loc, arith::CmpIPredicate::ult, run,
                                          indexConstant(rewriter, loc, runs));
      scf::IfOp::create(rewriter, loc, valid, [&](OpBuilder &b, Location l) {
        Value first = arith::MulIOp::create(b, l, run, indexConstant(b, l, g));
        SmallVector<Value> index = emitDelinearize(b, l, first, sharedType.getShape());
        if (granule == 0) {
          emitElementCopy(b, l, view, adaptor.getOffsets(), source, dest, shared, index);
          scf::YieldOp::create(b, l);
          return;
        }
        std::pair<Value, Value> at = emitGlobalAddress(b, l, view, adaptor.getOffsets(), index);
        Value address = at.first, inside = at.second;
        // The whole run inside the view, and its first byte aligned to the run's size.
        Value end = arith::AddIOp::create(
            b, l, arith::AddIOp::create(b, l, adaptor.getOffsets().back(), index.back()),
            indexConstant(b, l, g));
        Value fits = arith::CmpIOp::create(b, l, arith::CmpIPredicate::ule, end,
                                           view.getSizes().back());
        Value base = memref::ExtractAlignedPointerAsIndexOp::create(b, l, source);
        Value byte = arith::AddIOp::create(
            b, l, base, arith::MulIOp::create(b, l, address, indexConstant(b, l, elementBytes)));
        Value misalignment =
            arith::RemUIOp::create(b, l, byte, indexConstant(b, l, g * elementBytes));
        Value aligned = arith::CmpIOp::create(b, l, arith::CmpIPredicate::eq, misalignment,
                                              indexConstant(b, l, 0));
        Value fast = arith::AndIOp::create(b, l, arith::AndIOp::create(b, l, inside, fits),
                                           aligned);
        scf::IfOp::create(
            b, l, fast,
            [&](OpBuilder &t, Location tl) {
              nvgpu::DeviceAsyncCopyOp::create(
                  t, tl, nvgpu::DeviceAsyncTokenType::get(t.getContext()), dest,
                  ValueRange{emitSharedOffset(t, tl, shared, index)}, source,
                  ValueRange{address}, t.getIndexAttr(g), Value(), UnitAttr());
              scf::YieldOp::create(t, tl);
            },
            [&](OpBuilder &e, Location el) {
              for (int64_t j = 0; j < g; ++j) {
                SmallVector<Value> at(index);
                at.back() = arith::AddIOp::create(e, el, index.back(), indexConstant(e, el, j));
                emitElementCopy(e, el, view, adaptor.getOffsets(), source, dest, shared, at);
              }
              scf::YieldOp::create(e, el);
            });
        scf::YieldOp::create(b, l);
      });
    }
    NVVM::CpAsyncCommitGroupOp::create(rewriter, loc);
    rewriter.eraseOp(op);
    return success();
  }
};

struct CopyAsyncWaitLowering : TilePattern<CopyAsyncWaitOp> {
  using TilePattern::TilePattern;
  LogicalResult matchAndRewrite(CopyAsyncWaitOp op, OpAdaptor,
                                ConversionPatternRewriter &rewriter) const override {
    rewriter.replaceOpWithNewOp<NVVM::CpAsyncWaitGroupOp>(
        op, rewriter.getI32IntegerAttr(static_cast<int32_t>(op.getPending())));
    return success();
  }
};

struct SyncLowering : TilePattern<SyncOp> {
  using TilePattern::TilePattern;
  LogicalResult matchAndRewrite(SyncOp op, OpAdaptor, ConversionPatternRewriter &rewriter)
      const override {
    rewriter.replaceOpWithNewOp<gpu::BarrierOp>(op);
    return success();
  }
};

} // namespace

void lowbit::tile::populateTileToNVVMPatterns(TypeConverter &converter,
                                              RewritePatternSet &patterns) {
  patterns.add<BlockIndexLowering, WorkerIndexLowering, GlobalViewLowering, LoadGlobalLowering,
               StoreGlobalLowering, AllocSharedLowering, LoadSharedLowering, StoreSharedLowering,
               CopyAsyncLowering, CopyAsyncWaitLowering, SyncLowering>(converter,
                                                                       patterns.getContext());
  populateTileToNVVMComputePatterns(converter, patterns);
}
