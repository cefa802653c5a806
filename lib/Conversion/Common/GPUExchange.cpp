//===- GPUExchange.cpp - Collective tile ops through workgroup memory ------===//
#include "Common/GPUExchange.h"
#include "Common/GPUPatterns.h"
#include "Common/LayoutCodegen.h"
#include "Common/TileCodegen.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

using namespace mlir;
using namespace lowbit;
using namespace lowbit::tile;

namespace {

/// The register operands an exchange stores: A and B of a dot (C is the thread's own), the
/// input of a reduction, the table of a lookup.
SmallVector<Value> exchangedOperands(Operation *op) {
  if (auto dot = dyn_cast<DotOp>(op))
    return {dot.getA(), dot.getB()};
  if (auto lookup = dyn_cast<LookupOp>(op))
    return {lookup.getTable()};
  return {cast<ReduceOp>(op).getInput()};
}

/// The ops an exchange may lower.
bool isExchangeable(Operation *op) { return isa<DotOp, ReduceOp, LookupOp>(op); }

/// The scratch element type of a register tensor: its storage type, at least a byte wide.
Type scratchElementType(Value reg) {
  Type storage = getStorageType(cast<RegType>(reg.getType()).getElementType());
  if (storage.getIntOrFloatBitWidth() < 8)
    return IntegerType::get(reg.getContext(), 8);
  return storage;
}

int64_t alignTo16(int64_t bytes) { return (bytes + 15) / 16 * 16; }

int64_t scratchBytes(Value reg) {
  auto type = cast<RegType>(reg.getType());
  return type.getNumElements() * (scratchElementType(reg).getIntOrFloatBitWidth() / 8);
}

Value linearize(OpBuilder &b, Location loc, ArrayRef<Value> index, ArrayRef<int64_t> shape) {
  Value flat = arith::ConstantIndexOp::create(b, loc, 0);
  for (auto [i, extent] : llvm::zip_equal(index, shape)) {
    Value scaled = arith::MulIOp::create(b, loc, flat, arith::ConstantIndexOp::create(b, loc, extent));
    flat = arith::AddIOp::create(b, loc, scaled, i);
  }
  return flat;
}

/// An operand's part of the scratch, as a typed workgroup memref.
struct ScratchTensor {
  Value memref;
  Type storage; // the tile storage type (narrower than the memref's for sub-byte elements)
  SmallVector<int64_t> shape;

  Value load(OpBuilder &b, Location loc, ArrayRef<Value> index) const {
    Value flat = linearize(b, loc, index, shape);
    Value x = memref::LoadOp::create(b, loc, memref, flat);
    if (x.getType() != storage)
      x = arith::TruncIOp::create(b, loc, storage, x);
    return x;
  }
};

/// Step 1 of the file comment for every exchanged operand, then the barrier.
SmallVector<ScratchTensor> storeOperands(OpBuilder &b, Location loc, Operation *op,
                                         ValueRange converted) {
  auto func = op->getParentOfType<gpu::GPUFuncOp>();
  int64_t index = cast<IntegerAttr>(op->getAttr(kExchangeAttr)).getInt();
  Value scratch = func.getWorkgroupAttributions()[index];
  Attribute space = cast<MemRefType>(scratch.getType()).getMemorySpace();
  SmallVector<ScratchTensor> tensors;
  int64_t offset = 0;
  for (auto [operand, thread] : llvm::zip_equal(exchangedOperands(op), converted)) {
    Value reg = operand, locals = thread;
    auto type = cast<RegType>(reg.getType());
    Type element = scratchElementType(reg);
    auto viewType = MemRefType::get({type.getNumElements()}, element, MemRefLayoutAttrInterface(),
                                    space);
    Value shift = arith::ConstantIndexOp::create(b, loc, offset);
    Value view = memref::ViewOp::create(b, loc, viewType, scratch, shift, ValueRange{});
    ScratchTensor tensor{view, getStorageType(type.getElementType()),
                         SmallVector<int64_t>(type.getShape())};
    forEachThreadLocal(b, loc, getRegisterLayout(reg), [&](int64_t l, ArrayRef<Value> index) {
      Value x = vector::ExtractOp::create(b, loc, locals, l);
      if (x.getType() != element)
        x = arith::ExtUIOp::create(b, loc, element, x);
      memref::StoreOp::create(b, loc, x, view, linearize(b, loc, index, tensor.shape));
    });
    tensors.push_back(std::move(tensor));
    offset += alignTo16(scratchBytes(reg));
  }
  gpu::BarrierOp::create(b, loc);
  return tensors;
}

/// A loop `for r in [from, to): acc = step(acc, r)` starting from `init`.
Value emitFold(OpBuilder &b, Location loc, int64_t from, int64_t to, Value init,
               function_ref<Value(OpBuilder &, Value, Value)> step) {
  auto loop = scf::ForOp::create(
      b, loc, arith::ConstantIndexOp::create(b, loc, from),
      arith::ConstantIndexOp::create(b, loc, to), arith::ConstantIndexOp::create(b, loc, 1),
      ValueRange{init}, [&](OpBuilder &body, Location, Value r, ValueRange acc) {
        scf::YieldOp::create(body, loc, step(body, acc[0], r));
      });
  return loop.getResult(0);
}

/// Steps 1-4 of the file comment for one op; `emitLocal` computes result local l at logical
/// index `index` from the scratch tensors of the exchanged operands.
template <typename Op> class ExchangeLowering : public OpConversionPattern<Op> {
public:
  using OpConversionPattern<Op>::OpConversionPattern;

  LogicalResult matchAndRewrite(Op op, typename Op::Adaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    if (!op->hasAttr(kExchangeAttr))
      return rewriter.notifyMatchFailure(op, "not marked for the exchange");
    Location loc = op.getLoc();
    auto type = cast<VectorType>(this->getTypeConverter()->convertType(op.getType()));
    SmallVector<ScratchTensor> scratch =
        storeOperands(rewriter, loc, op, exchangedConverted(adaptor));
    Value result = emitThreadLocals(rewriter, loc, getRegisterLayout(op.getResult()), type,
                                    [&](int64_t l, ArrayRef<Value> index) {
                                      return emitLocal(rewriter, loc, op, adaptor, scratch, l,
                                                       index);
                                    });
    gpu::BarrierOp::create(rewriter, loc);
    rewriter.replaceOp(op, result);
    return success();
  }

private:
  virtual SmallVector<Value> exchangedConverted(typename Op::Adaptor adaptor) const = 0;
  virtual Value emitLocal(OpBuilder &b, Location loc, Op op, typename Op::Adaptor adaptor,
                          ArrayRef<ScratchTensor> scratch, int64_t l,
                          ArrayRef<Value> index) const = 0;
};

struct DotExchange : ExchangeLowering<DotOp> {
  using ExchangeLowering::ExchangeLowering;
  SmallVector<Value> exchangedConverted(DotOp::Adaptor adaptor) const override {
    return {adaptor.getA(), adaptor.getB()};
  }
  /// Result local l at (m, n) = c local l + sum_k a[m, k] * b[k, n].
  Value emitLocal(OpBuilder &b, Location loc, DotOp op, DotOp::Adaptor adaptor,
                  ArrayRef<ScratchTensor> ab, int64_t l, ArrayRef<Value> mn) const override {
    Type aElement = op.getA().getType().getElementType();
    Type bElement = op.getB().getType().getElementType();
    Value init = vector::ExtractOp::create(b, loc, adaptor.getC(), l);
    int64_t k = op.getA().getType().getShape()[1];
    return emitFold(b, loc, 0, k, init, [&](OpBuilder &body, Value acc, Value kk) {
      Value x = emitDotOperand(body, loc, aElement, ab[0].load(body, loc, {mn[0], kk}));
      Value y = emitDotOperand(body, loc, bElement, ab[1].load(body, loc, {kk, mn[1]}));
      return emitDotStep(body, loc, acc, x, y);
    });
  }
};

struct ReduceExchange : ExchangeLowering<ReduceOp> {
  using ExchangeLowering::ExchangeLowering;
  SmallVector<Value> exchangedConverted(ReduceOp::Adaptor adaptor) const override {
    return {adaptor.getInput()};
  }
  /// Result local l at j = kind over the inputs that agree with j outside the reduced dims;
  /// the first one starts the fold.
  Value emitLocal(OpBuilder &b, Location loc, ReduceOp op, ReduceOp::Adaptor,
                  ArrayRef<ScratchTensor> scratch, int64_t, ArrayRef<Value> j) const override {
    const ScratchTensor &input = scratch[0];
    Type element = op.getInput().getType().getElementType();
    ArrayRef<int64_t> dims = op.getDims();
    SmallVector<int64_t> extents;
    int64_t count = 1;
    for (int64_t dim : dims) {
      extents.push_back(input.shape[dim]);
      count *= extents.back();
    }
    auto elementAt = [&](OpBuilder &nested, Value r) {
      SmallVector<Value> i(j);
      for (auto [dim, digit] : llvm::zip_equal(dims, emitDelinearize(nested, loc, r, extents)))
        i[dim] = digit;
      return input.load(nested, loc, i);
    };
    Value first = elementAt(b, arith::ConstantIndexOp::create(b, loc, 0));
    return emitFold(b, loc, 1, count, first, [&](OpBuilder &body, Value acc, Value r) {
      return emitReduceCombine(body, loc, op.getKind(), element, acc, elementAt(body, r));
    });
  }
};

struct LookupExchange : ExchangeLowering<LookupOp> {
  using ExchangeLowering::ExchangeLowering;
  SmallVector<Value> exchangedConverted(LookupOp::Adaptor adaptor) const override {
    return {adaptor.getTable()};
  }
  /// Result local l = the table entry that code local l indexes (row-major).
  Value emitLocal(OpBuilder &b, Location loc, LookupOp op, LookupOp::Adaptor adaptor,
                  ArrayRef<ScratchTensor> scratch, int64_t l, ArrayRef<Value>) const override {
    Value code = vector::ExtractOp::create(b, loc, adaptor.getCodes(), l);
    Value entry = arith::IndexCastUIOp::create(b, loc, b.getIndexType(), code);
    return scratch[0].load(b, loc, emitDelinearize(b, loc, entry, scratch[0].shape));
  }
};

} // namespace

bool tile::lookupNeedsExchange(LookupOp op) {
  RegType table = op.getTable().getType();
  return table.hasLayout() && !layout::holdsWholeTensor(table.getRegisterLayout());
}

int64_t tile::getExchangeBytes(Operation *op) {
  int64_t bytes = 0;
  for (Value reg : exchangedOperands(op))
    bytes += alignTo16(scratchBytes(reg));
  return bytes;
}

int64_t tile::getWorkgroupBytes(KernelOp kernel, function_ref<bool(Operation *)> needsExchange) {
  int64_t shared = 0, scratch = 0;
  kernel.walk([&](Operation *op) {
    if (auto alloc = dyn_cast<AllocSharedOp>(op)) {
      auto type = cast<SharedType>(alloc.getType());
      int64_t bits = getStorageType(type.getElementType()).getIntOrFloatBitWidth();
      shared += alignTo16(type.getSharedLayoutOrDefault().getAllocationSize() * ((bits + 7) / 8));
    } else if (isExchangeable(op) && needsExchange(op)) {
      scratch = std::max(scratch, getExchangeBytes(op));
    }
  });
  return shared + scratch;
}

void tile::addExchangeScratch(gpu::GPUFuncOp func, function_ref<bool(Operation *)> needsExchange) {
  SmallVector<Operation *> ops;
  int64_t bytes = 0;
  func.walk([&](Operation *op) {
    if (isExchangeable(op) && needsExchange(op)) {
      ops.push_back(op);
      bytes = std::max(bytes, getExchangeBytes(op));
    }
  });
  if (ops.empty())
    return;
  MLIRContext *context = func.getContext();
  unsigned index = func.getNumWorkgroupAttributions();
  func.addWorkgroupAttribution(
      MemRefType::get({bytes}, IntegerType::get(context, 8), MemRefLayoutAttrInterface(),
                      gpu::AddressSpaceAttr::get(context, gpu::AddressSpace::Workgroup)),
      func.getLoc());
  // 16 bytes: every operand starts 16-byte aligned in it.
  func.setWorkgroupAttributionAttr(index, "llvm.align",
                                   IntegerAttr::get(IntegerType::get(context, 64), 16));
  for (Operation *op : ops)
    op->setAttr(kExchangeAttr, IntegerAttr::get(IntegerType::get(context, 64), index));
}

void tile::populateGPUExchangePatterns(const TypeConverter &converter,
                                       RewritePatternSet &patterns) {
  patterns.add<DotExchange, ReduceExchange, LookupExchange>(converter, patterns.getContext());
}
