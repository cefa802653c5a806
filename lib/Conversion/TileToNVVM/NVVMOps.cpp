//===- NVVMOps.cpp - tile-to-nvvm: the op patterns --------------------------===//
//
// Global views, shared allocations and cp.async copies. Every op computes the values of one
// thread (= worker, gpu.thread_id x); the indices, barriers and the loads and stores of global
// and shared memory are the patterns both GPU lowerings share (Common/GPUPatterns.h), global
// elements addressed as below.
//
//===----------------------------------------------------------------------===//
#include "Common/FormatCodegen.h"
#include "Common/GPUPatterns.h"
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
      [&](OpBuilder &e, Location l) { scf::YieldOp::create(e, l, zeroConstant(e, l, element)); });
  return ifOp.getResult(0);
}

/// tile-to-nvvm's GlobalAccess: one unsigned comparison per dimension (no global view of
/// tile-to-nvvm holds 8-bit floats, so elements need no bitcast).
Value loadGlobalElement(OpBuilder &b, Location loc, GlobalViewOp view, Value buffer,
                        ValueRange offsets, ArrayRef<Value> index, Type) {
  auto [address, inside] = emitGlobalAddress(b, loc, view, offsets, index);
  return emitMaskedLoad(b, loc, buffer, address, inside);
}

void storeGlobalElement(OpBuilder &b, Location loc, GlobalViewOp view, Value buffer,
                        ValueRange offsets, ArrayRef<Value> index,
                        function_ref<Value(OpBuilder &)> value) {
  Value element = value(b);
  std::pair<Value, Value> at = emitGlobalAddress(b, loc, view, offsets, index);
  scf::IfOp::create(b, loc, at.second, [&](OpBuilder &t, Location l) {
    memref::StoreOp::create(t, l, element, buffer, at.first);
    scf::YieldOp::create(t, l);
  });
}

struct GlobalViewLowering : OpConversionPattern<GlobalViewOp> {
  using OpConversionPattern::OpConversionPattern;
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

struct AllocSharedLowering : OpConversionPattern<AllocSharedOp> {
  using OpConversionPattern::OpConversionPattern;
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
struct CopyAsyncLowering : OpConversionPattern<CopyAsyncOp> {
  using OpConversionPattern::OpConversionPattern;
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
    Value tid = emitThreadId(rewriter, loc);
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

struct CopyAsyncWaitLowering : OpConversionPattern<CopyAsyncWaitOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(CopyAsyncWaitOp op, OpAdaptor,
                                ConversionPatternRewriter &rewriter) const override {
    rewriter.replaceOpWithNewOp<NVVM::CpAsyncWaitGroupOp>(
        op, rewriter.getI32IntegerAttr(static_cast<int32_t>(op.getPending())));
    return success();
  }
};

} // namespace

void lowbit::tile::populateTileToNVVMPatterns(TypeConverter &converter,
                                              RewritePatternSet &patterns) {
  patterns.add<GlobalViewLowering, AllocSharedLowering, CopyAsyncLowering, CopyAsyncWaitLowering>(
      converter, patterns.getContext());
  populateGPUThreadMemoryPatterns(converter, patterns,
                                  GlobalAccess{loadGlobalElement, storeGlobalElement});
  populateTileToNVVMComputePatterns(converter, patterns);
}
