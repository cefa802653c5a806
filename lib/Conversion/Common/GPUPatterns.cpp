//===- GPUPatterns.cpp - Patterns tile-to-nvvm and tile-to-rocdl share -----===//
//
// Every op computes the values of one thread. Locals are unrolled (their count is static);
// each logical index comes from emitLogicalIndex(thread, l). Replicated elements are written
// by each holder, with the same value, so no holder needs to be elected.
//
//===----------------------------------------------------------------------===//
#include "Common/GPUPatterns.h"
#include "Common/FormatCodegen.h"
#include "Common/LayoutCodegen.h"
#include "Common/MemoryCodegen.h"
#include "Common/TileCodegen.h"

#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

#include <functional>

using namespace mlir;
using namespace lowbit;
using namespace lowbit::tile;

Value tile::emitThreadId(OpBuilder &b, Location loc) {
  return gpu::ThreadIdOp::create(b, loc, gpu::Dimension::x);
}

/// forEachThreadLocal with the thread id already emitted.
static void forEachLocal(OpBuilder &b, Location loc, const layout::RegisterLayout &layout,
                         Value thread, function_ref<void(int64_t, ArrayRef<Value>)> body) {
  for (int64_t l = 0; l < layout.getLocalSize(); ++l)
    body(l, emitLogicalIndex(b, loc, layout, thread, indexConstant(b, loc, l)));
}

void tile::forEachThreadLocal(OpBuilder &b, Location loc, const layout::RegisterLayout &layout,
                              function_ref<void(int64_t, ArrayRef<Value>)> body) {
  forEachLocal(b, loc, layout, emitThreadId(b, loc), body);
}

Value tile::emitThreadLocals(OpBuilder &b, Location loc, const layout::RegisterLayout &layout,
                             VectorType type,
                             function_ref<Value(int64_t, ArrayRef<Value>)> compute) {
  Value thread = emitThreadId(b, loc);
  Value result = zeroConstant(b, loc, type);
  forEachLocal(b, loc, layout, thread, [&](int64_t l, ArrayRef<Value> index) {
    result = vector::InsertOp::create(b, loc, compute(l, index), result, l);
  });
  return result;
}

namespace {

/// The conversion pattern of a lowering function, which replaces or erases `op` (or fails):
/// each per-thread lowering below is its rewrite and nothing else.
template <typename Op> class FunctionLowering : public OpConversionPattern<Op> {
public:
  using LowerFn = std::function<LogicalResult(Op, typename Op::Adaptor, const TypeConverter &,
                                              ConversionPatternRewriter &)>;
  FunctionLowering(const TypeConverter &converter, MLIRContext *context, LowerFn lower)
      : OpConversionPattern<Op>(converter, context), lower(std::move(lower)) {}
  LogicalResult matchAndRewrite(Op op, typename Op::Adaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    return lower(op, adaptor, *this->getTypeConverter(), rewriter);
  }

private:
  LowerFn lower;
};

template <typename Op>
void addLowering(RewritePatternSet &patterns, const TypeConverter &converter,
                 typename FunctionLowering<Op>::LowerFn lower) {
  patterns.add<FunctionLowering<Op>>(converter, patterns.getContext(), std::move(lower));
}

/// The thread's vector type of a `!tile.reg` type (null when it converts to none).
VectorType convertToLocals(const TypeConverter &converter, Type reg) {
  return dyn_cast_or_null<VectorType>(converter.convertType(reg));
}

// --- Indices, barriers, memory ----------------------------------------------------------------

LogicalResult lowerBlockIndex(BlockIndexOp op, BlockIndexOp::Adaptor, const TypeConverter &,
                              ConversionPatternRewriter &rewriter) {
  static constexpr gpu::Dimension dims[] = {gpu::Dimension::x, gpu::Dimension::y,
                                            gpu::Dimension::z};
  if (op.getDim() < 0 || op.getDim() > 2)
    return rewriter.notifyMatchFailure(op, "more than 3 grid dimensions");
  rewriter.replaceOpWithNewOp<gpu::BlockIdOp>(op, dims[op.getDim()]);
  return success();
}

LogicalResult lowerWorkerIndex(WorkerIndexOp op, WorkerIndexOp::Adaptor, const TypeConverter &,
                               ConversionPatternRewriter &rewriter) {
  rewriter.replaceOp(op, emitThreadId(rewriter, op.getLoc()));
  return success();
}

LogicalResult lowerSync(SyncOp op, SyncOp::Adaptor, const TypeConverter &,
                        ConversionPatternRewriter &rewriter) {
  rewriter.replaceOpWithNewOp<gpu::BarrierOp>(op);
  return success();
}

LogicalResult lowerLoadGlobal(LoadGlobalOp op, LoadGlobalOp::Adaptor adaptor,
                              const TypeConverter &converter, ConversionPatternRewriter &rewriter,
                              const GlobalAccess &access) {
  auto view = op.getView().getDefiningOp<GlobalViewOp>();
  VectorType type = convertToLocals(converter, op.getType());
  if (!view || !type)
    return rewriter.notifyMatchFailure(op, "no tile.global_view or layout");
  Location loc = op.getLoc();
  Value result = emitThreadLocals(
      rewriter, loc, op.getType().getRegisterLayout(), type, [&](int64_t, ArrayRef<Value> index) {
        return access.load(rewriter, loc, view, adaptor.getView(), adaptor.getOffsets(), index,
                           type.getElementType());
      });
  rewriter.replaceOp(op, result);
  return success();
}

LogicalResult lowerStoreGlobal(StoreGlobalOp op, StoreGlobalOp::Adaptor adaptor,
                               const TypeConverter &, ConversionPatternRewriter &rewriter,
                               const GlobalAccess &access) {
  auto view = op.getView().getDefiningOp<GlobalViewOp>();
  if (!view)
    return rewriter.notifyMatchFailure(op, "no tile.global_view");
  Location loc = op.getLoc();
  forEachThreadLocal(
      rewriter, loc, getRegisterLayout(op.getValue()), [&](int64_t l, ArrayRef<Value> index) {
        access.store(rewriter, loc, view, adaptor.getView(), adaptor.getOffsets(), index,
                     [&](OpBuilder &b) -> Value {
                       return vector::ExtractOp::create(b, loc, adaptor.getValue(), l);
                     });
      });
  rewriter.eraseOp(op);
  return success();
}

LogicalResult lowerLoadShared(LoadSharedOp op, LoadSharedOp::Adaptor adaptor,
                              const TypeConverter &converter, ConversionPatternRewriter &rewriter) {
  layout::SharedLayout shared = op.getSource().getType().getSharedLayoutOrDefault();
  Location loc = op.getLoc();
  Value result = emitThreadLocals(
      rewriter, loc, op.getType().getRegisterLayout(), convertToLocals(converter, op.getType()),
      [&](int64_t, ArrayRef<Value> index) -> Value {
        SmallVector<Value> at = emitAddOffsets(rewriter, loc, adaptor.getOffsets(), index);
        Value offset = emitSharedOffset(rewriter, loc, shared, at);
        return memref::LoadOp::create(rewriter, loc, adaptor.getSource(), offset);
      });
  rewriter.replaceOp(op, result);
  return success();
}

LogicalResult lowerStoreShared(StoreSharedOp op, StoreSharedOp::Adaptor adaptor,
                               const TypeConverter &, ConversionPatternRewriter &rewriter) {
  layout::SharedLayout shared = op.getDest().getType().getSharedLayoutOrDefault();
  Location loc = op.getLoc();
  forEachThreadLocal(
      rewriter, loc, getRegisterLayout(op.getValue()), [&](int64_t l, ArrayRef<Value> index) {
        SmallVector<Value> at = emitAddOffsets(rewriter, loc, adaptor.getOffsets(), index);
        Value offset = emitSharedOffset(rewriter, loc, shared, at);
        Value value = vector::ExtractOp::create(rewriter, loc, adaptor.getValue(), l);
        memref::StoreOp::create(rewriter, loc, value, adaptor.getDest(), offset);
      });
  rewriter.eraseOp(op);
  return success();
}

// --- Per-thread computation -------------------------------------------------------------------

template <typename Op>
LogicalResult lowerElementwise(Op op, typename Op::Adaptor adaptor, const TypeConverter &,
                               ConversionPatternRewriter &rewriter) {
  rewriter.replaceOp(op, emitElementwiseArithmetic(rewriter, op.getLoc(), op,
                                                   op.getType().getElementType(), adaptor.getLhs(),
                                                   adaptor.getRhs()));
  return success();
}

template <typename Op>
LogicalResult lowerUnary(Op op, typename Op::Adaptor adaptor, const TypeConverter &,
                         ConversionPatternRewriter &rewriter) {
  rewriter.replaceOp(op, emitElementwiseMath(rewriter, op.getLoc(), op, adaptor.getInput()));
  return success();
}

/// Each thread's locals: the index along the dimension of (thread, local), from the layout.
LogicalResult lowerIota(IotaOp op, IotaOp::Adaptor, const TypeConverter &converter,
                        ConversionPatternRewriter &rewriter) {
  Location loc = op.getLoc();
  VectorType type = convertToLocals(converter, op.getType());
  const layout::RegisterLayout &layout = op.getType().getRegisterLayout();
  Value thread = emitThreadId(rewriter, loc);
  Value locals = arith::ConstantOp::create(rewriter, loc, type, rewriter.getZeroAttr(type));
  for (int64_t local = 0; local < type.getNumElements(); ++local) {
    Value index = arith::ConstantIndexOp::create(rewriter, loc, local);
    Value position = emitLogicalIndex(rewriter, loc, layout, thread, index)[op.getDim()];
    locals = vector::InsertOp::create(
        rewriter, loc, emitIndexAsElement(rewriter, loc, position, op.getType().getElementType()),
        locals, local);
  }
  rewriter.replaceOp(op, locals);
  return success();
}

LogicalResult lowerSplat(SplatOp op, SplatOp::Adaptor adaptor, const TypeConverter &converter,
                         ConversionPatternRewriter &rewriter) {
  VectorType type = convertToLocals(converter, op.getType());
  if (adaptor.getInput().getType() != type.getElementType())
    return rewriter.notifyMatchFailure(op, "scalar type is not the storage type");
  rewriter.replaceOpWithNewOp<vector::BroadcastOp>(op, type, adaptor.getInput());
  return success();
}

/// The thread's locals are one bit string (packed LSB first), so a view is a bitcast of it.
/// With planes, each code or word gathers its pieces (getPlanarPieces) from the other side's
/// locals, all at compile time.
Value emitPlanarView(ViewOp op, Value input, VectorType type, OpBuilder &b) {
  Location loc = op.getLoc();
  ArrayRef<int64_t> planes = *op.getPlanes();
  auto inType = cast<VectorType>(input.getType());
  bool toCodes = type.getElementTypeBitWidth() <= 8;
  int64_t codes = toCodes ? type.getNumElements() : inType.getNumElements();
  int64_t words = toCodes ? inType.getNumElements() : type.getNumElements();
  Type i32 = b.getI32Type();
  auto constant = [&](int64_t value) -> Value {
    return arith::ConstantIntOp::create(b, loc, i32, value);
  };
  auto element = [&](int64_t position) -> Value {
    Value x = vector::ExtractOp::create(b, loc, input, position);
    if (x.getType() != i32)
      x = arith::ExtUIOp::create(b, loc, i32, x);
    return x;
  };
  SmallVector<Value> parts(toCodes ? codes : words);
  auto orInto = [&](int64_t position, Value piece) {
    parts[position] = parts[position]
                          ? arith::OrIOp::create(b, loc, parts[position], piece).getResult()
                          : piece;
  };
  SmallVector<Value> inputs(inType.getNumElements());
  auto input32 = [&](int64_t position) {
    if (!inputs[position])
      inputs[position] = element(position);
    return inputs[position];
  };
  for (int64_t l = 0; l < codes; ++l)
    for (const PlanarPiece &piece : getPlanarPieces(planes, codes, l)) {
      Value mask = constant((1 << piece.width) - 1);
      if (toCodes) {
        Value bits = arith::ShRUIOp::create(b, loc, input32(piece.word), constant(piece.bit));
        bits = arith::AndIOp::create(b, loc, bits, mask);
        orInto(l, arith::ShLIOp::create(b, loc, bits, constant(piece.codeBit)));
      } else {
        Value bits = arith::ShRUIOp::create(b, loc, input32(l), constant(piece.codeBit));
        bits = arith::AndIOp::create(b, loc, bits, mask);
        orInto(piece.word, arith::ShLIOp::create(b, loc, bits, constant(piece.bit)));
      }
    }
  Type storage = type.getElementType();
  for (Value &part : parts)
    if (storage != i32)
      part = arith::TruncIOp::create(b, loc, storage, part);
  return vector::FromElementsOp::create(b, loc, type, parts);
}

LogicalResult lowerView(ViewOp op, ViewOp::Adaptor adaptor, const TypeConverter &converter,
                        ConversionPatternRewriter &rewriter) {
  Value input = adaptor.getInput();
  VectorType type = convertToLocals(converter, op.getType());
  if (op.getPlanes()) {
    rewriter.replaceOp(op, emitPlanarView(op, input, type, rewriter));
    return success();
  }
  if (type == input.getType())
    rewriter.replaceOp(op, input);
  else
    rewriter.replaceOpWithNewOp<vector::BitCastOp>(op, type, input);
  return success();
}

/// tile.broadcast and tile.extract_slice: result local l is the input element its index comes
/// from (`sourceIndex`), which this thread holds (the verifiers' condition) at the owner's
/// local, picked at run time.
Value emitLocalGather(Operation *op, Value input, const TypeConverter &converter,
                      ConversionPatternRewriter &rewriter,
                      function_ref<SmallVector<Value>(ArrayRef<Value>)> sourceIndex) {
  Location loc = op->getLoc();
  const layout::RegisterLayout &in = getRegisterLayout(op->getOperand(0));
  Value result = op->getResult(0);
  return emitThreadLocals(
      rewriter, loc, getRegisterLayout(result), convertToLocals(converter, result.getType()),
      [&](int64_t, ArrayRef<Value> outIndex) {
        WorkerLocalValues owner = emitOwner(rewriter, loc, in, sourceIndex(outIndex));
        return vector::ExtractOp::create(rewriter, loc, input,
                                         ArrayRef<OpFoldResult>{owner.local});
      });
}

/// tile.lookup in a table every thread holds whole: result local l is the table element its
/// code (local l of the codes) indexes, at the thread's own local, picked at run time. (A
/// table spread over the threads goes through the exchange, GPUExchange.h.)
LogicalResult lowerLookup(LookupOp op, LookupOp::Adaptor adaptor, const TypeConverter &converter,
                          ConversionPatternRewriter &rewriter) {
  if (op->hasAttr(kExchangeAttr))
    return rewriter.notifyMatchFailure(op, "marked for the exchange");
  Location loc = op.getLoc();
  RegType tableType = op.getTable().getType();
  const layout::RegisterLayout &table = tableType.getRegisterLayout();
  Value codes = adaptor.getCodes();
  rewriter.replaceOp(
      op, emitThreadLocals(
              rewriter, loc, getRegisterLayout(op.getResult()),
              convertToLocals(converter, op.getType()), [&](int64_t l, ArrayRef<Value>) {
                Value code = vector::ExtractOp::create(rewriter, loc, codes, ArrayRef<int64_t>{l});
                Value entry =
                    arith::IndexCastUIOp::create(rewriter, loc, rewriter.getIndexType(), code);
                WorkerLocalValues owner = emitOwner(
                    rewriter, loc, table, emitDelinearize(rewriter, loc, entry, tableType.getShape()));
                return vector::ExtractOp::create(rewriter, loc, adaptor.getTable(),
                                                 ArrayRef<OpFoldResult>{owner.local})
                    .getResult();
              }));
  return success();
}

LogicalResult lowerBroadcast(BroadcastOp op, BroadcastOp::Adaptor adaptor,
                             const TypeConverter &converter, ConversionPatternRewriter &rewriter) {
  ArrayRef<int64_t> inShape = op.getInput().getType().getShape();
  Value zero = indexConstant(rewriter, op.getLoc(), 0);
  rewriter.replaceOp(op, emitLocalGather(op, adaptor.getInput(), converter, rewriter,
                                         [&](ArrayRef<Value> outIndex) {
                                           SmallVector<Value> index(outIndex);
                                           for (auto [d, extent] : llvm::enumerate(inShape))
                                             if (extent == 1)
                                               index[d] = zero;
                                           return index;
                                         }));
  return success();
}

LogicalResult lowerExtractSlice(ExtractSliceOp op, ExtractSliceOp::Adaptor adaptor,
                                const TypeConverter &converter,
                                ConversionPatternRewriter &rewriter) {
  Location loc = op.getLoc();
  rewriter.replaceOp(op, emitLocalGather(op, adaptor.getInput(), converter, rewriter,
                                         [&](ArrayRef<Value> outIndex) {
                                           SmallVector<Value> index;
                                           for (auto [i, offset] :
                                                llvm::zip_equal(outIndex, op.getOffsets()))
                                             index.push_back(arith::AddIOp::create(
                                                 rewriter, loc, i,
                                                 indexConstant(rewriter, loc, offset)));
                                           return index;
                                         }));
  return success();
}

LogicalResult lowerCast(CastOp op, CastOp::Adaptor adaptor, const TypeConverter &converter,
                        ConversionPatternRewriter &rewriter) {
  Type from = op.getInput().getType().getElementType(), to = op.getType().getElementType();
  rewriter.replaceOp(op, emitVectorCast(rewriter, op.getLoc(), adaptor.getInput(), from, to,
                                        convertToLocals(converter, op.getType())));
  return success();
}

LogicalResult lowerAnnotateLayout(AnnotateLayoutOp op, AnnotateLayoutOp::Adaptor adaptor,
                                  const TypeConverter &, ConversionPatternRewriter &rewriter) {
  rewriter.replaceOp(op, adaptor.getInput());
  return success();
}

} // namespace

void tile::populateGPUThreadMemoryPatterns(const TypeConverter &converter,
                                           RewritePatternSet &patterns, GlobalAccess access) {
  addLowering<BlockIndexOp>(patterns, converter, lowerBlockIndex);
  addLowering<WorkerIndexOp>(patterns, converter, lowerWorkerIndex);
  addLowering<SyncOp>(patterns, converter, lowerSync);
  addLowering<LoadGlobalOp>(patterns, converter,
                            [access](LoadGlobalOp op, LoadGlobalOp::Adaptor adaptor,
                                     const TypeConverter &converter,
                                     ConversionPatternRewriter &rewriter) {
                              return lowerLoadGlobal(op, adaptor, converter, rewriter, access);
                            });
  addLowering<StoreGlobalOp>(patterns, converter,
                             [access](StoreGlobalOp op, StoreGlobalOp::Adaptor adaptor,
                                      const TypeConverter &converter,
                                      ConversionPatternRewriter &rewriter) {
                               return lowerStoreGlobal(op, adaptor, converter, rewriter, access);
                             });
  // A hint the GPU lowerings do not act on.
  addLowering<PrefetchGlobalOp>(
      patterns, converter,
      [](PrefetchGlobalOp op, PrefetchGlobalOp::Adaptor, const TypeConverter &,
         ConversionPatternRewriter &rewriter) {
        rewriter.eraseOp(op);
        return success();
      });
  addLowering<LoadSharedOp>(patterns, converter, lowerLoadShared);
  addLowering<StoreSharedOp>(patterns, converter, lowerStoreShared);
}

void tile::populateGPUThreadComputePatterns(const TypeConverter &converter,
                                            RewritePatternSet &patterns) {
  addLowering<AddOp>(patterns, converter, lowerElementwise<AddOp>);
  addLowering<SubOp>(patterns, converter, lowerElementwise<SubOp>);
  addLowering<MulOp>(patterns, converter, lowerElementwise<MulOp>);
  addLowering<DivOp>(patterns, converter, lowerElementwise<DivOp>);
  addLowering<MaximumOp>(patterns, converter, lowerElementwise<MaximumOp>);
  addLowering<MinimumOp>(patterns, converter, lowerElementwise<MinimumOp>);
  addLowering<ExpOp>(patterns, converter, lowerUnary<ExpOp>);
  addLowering<TanhOp>(patterns, converter, lowerUnary<TanhOp>);
  addLowering<IotaOp>(patterns, converter, lowerIota);
  addLowering<SplatOp>(patterns, converter, lowerSplat);
  addLowering<ViewOp>(patterns, converter, lowerView);
  addLowering<CastOp>(patterns, converter, lowerCast);
  addLowering<BroadcastOp>(patterns, converter, lowerBroadcast);
  addLowering<LookupOp>(patterns, converter, lowerLookup);
  addLowering<ExtractSliceOp>(patterns, converter, lowerExtractSlice);
  addLowering<AnnotateLayoutOp>(patterns, converter, lowerAnnotateLayout);
}
