//===- MemoryOps.cpp - tile-to-cpu: global and shared memory ---------------===//
//
// Global views address their 1-d memref at sum_d g_d * stride_d and mask every element with
// 0 <= g_d < size_d (outside, loads read 0 and stores write nothing). Shared tensors are one
// buffer per block, addressed through their SharedLayout (swizzle included). Each worker moves
// exactly the elements it holds; tile.copy_async copies the whole shared tensor at once.
//
//===----------------------------------------------------------------------===//
#include "Common/LayoutCodegen.h"
#include "KernelEmulator.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace lowbit;
using namespace lowbit::tile;

namespace {

/// A memory element as stored in registers (8-bit floats become their i8 codes), and back.
Value memoryToStorage(OpBuilder &b, Location loc, Value value, Type storage) {
  if (value.getType() == storage)
    return value;
  return arith::BitcastOp::create(b, loc, storage, value);
}

Value zeroOf(OpBuilder &b, Location loc, Type type) {
  if (auto floatType = dyn_cast<mlir::FloatType>(type))
    return arith::ConstantOp::create(b, loc, b.getFloatAttr(floatType, 0.0));
  return arith::ConstantOp::create(b, loc, b.getIntegerAttr(type, 0));
}

/// offsets + index, one value per dimension; offsets may be varying.
SmallVector<Value> addOffsets(KernelEmulator &emulator, OpBuilder &b, Location loc,
                              ValueRange offsets, ValueRange index, Value worker) {
  SmallVector<Value> sum;
  for (auto [offset, i] : llvm::zip_equal(offsets, index))
    sum.push_back(arith::AddIOp::create(b, loc, emulator.scalarOf(b, loc, offset, worker), i));
  return sum;
}

/// 0 <= g_d < size_d for every dimension.
Value emitInBounds(OpBuilder &b, Location loc, const GlobalView &view, ValueRange g) {
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

/// sum_d g_d * stride_d.
Value emitViewOffset(OpBuilder &b, Location loc, const GlobalView &view, ValueRange g) {
  Value offset;
  for (auto [position, stride] : llvm::zip_equal(g, view.strides)) {
    Value term = arith::MulIOp::create(b, loc, position, stride);
    offset = offset ? arith::AddIOp::create(b, loc, offset, term).getResult() : term;
  }
  return offset;
}

/// view[g] as a `storage` value, or 0 outside the view.
Value emitMaskedLoad(OpBuilder &b, Location loc, const GlobalView &view, ValueRange g,
                     Type storage) {
  Value inBounds = emitInBounds(b, loc, view, g);
  auto ifOp = scf::IfOp::create(
      b, loc, inBounds,
      [&](OpBuilder &then, Location) {
        Value element =
            memref::LoadOp::create(then, loc, view.memref, emitViewOffset(then, loc, view, g));
        scf::YieldOp::create(then, loc, memoryToStorage(then, loc, element, storage));
      },
      [&](OpBuilder &otherwise, Location) {
        scf::YieldOp::create(otherwise, loc, zeroOf(otherwise, loc, storage));
      });
  return ifOp.getResult(0);
}

void lowerGlobalView(KernelEmulator &emulator, GlobalViewOp op) {
  emulator.setView(op.getResult(), GlobalView{op.getSource(), SmallVector<Value>(op.getSizes()),
                                              SmallVector<Value>(op.getStrides())});
  emulator.scheduleErase(op);
}

void lowerLoadGlobal(KernelEmulator &emulator, LoadGlobalOp op) {
  RegType type = op.getResult().getType();
  const layout::RegisterLayout &layout = type.getRegisterLayout();
  const GlobalView &view = emulator.getView(op.getView());
  Type storage = getStorageType(type.getElementType());
  Value buffer = emulator.defineBuffer(op.getResult());
  Location loc = op.getLoc();
  OpBuilder b(op);
  buildWorkerLocalLoops(
      b, loc, emulator.getNumWorkers(), layout.getLocalSize(),
      [&](OpBuilder &body, Value worker, Value local) {
        SmallVector<Value> index = emitLogicalIndex(body, loc, layout, worker, local);
        SmallVector<Value> g = addOffsets(emulator, body, loc, op.getOffsets(), index, worker);
        Value value = emitMaskedLoad(body, loc, view, g, storage);
        memref::StoreOp::create(body, loc, value, buffer, ValueRange{worker, local});
      });
  emulator.scheduleErase(op);
}

void lowerStoreGlobal(KernelEmulator &emulator, StoreGlobalOp op) {
  RegType type = op.getValue().getType();
  const layout::RegisterLayout &layout = type.getRegisterLayout();
  const GlobalView &view = emulator.getView(op.getView());
  Type memoryType = cast<MemRefType>(view.memref.getType()).getElementType();
  Value buffer = emulator.getBuffer(op.getValue());
  Location loc = op.getLoc();
  OpBuilder b(op);
  // Replicated elements are written by each holder, with the same value.
  buildWorkerLocalLoops(
      b, loc, emulator.getNumWorkers(), layout.getLocalSize(),
      [&](OpBuilder &body, Value worker, Value local) {
        SmallVector<Value> index = emitLogicalIndex(body, loc, layout, worker, local);
        SmallVector<Value> g = addOffsets(emulator, body, loc, op.getOffsets(), index, worker);
        scf::IfOp::create(
            body, loc, emitInBounds(body, loc, view, g), [&](OpBuilder &then, Location) {
              Value value = memref::LoadOp::create(then, loc, buffer, ValueRange{worker, local});
              if (value.getType() != memoryType)
                value = arith::BitcastOp::create(then, loc, memoryType, value);
              memref::StoreOp::create(then, loc, value, view.memref,
                                      emitViewOffset(then, loc, view, g));
              scf::YieldOp::create(then, loc);
            });
      });
  emulator.scheduleErase(op);
}

void lowerLoadShared(KernelEmulator &emulator, LoadSharedOp op) {
  const layout::RegisterLayout &layout = op.getResult().getType().getRegisterLayout();
  layout::SharedLayout shared = op.getSource().getType().getSharedLayoutOrDefault();
  Value source = emulator.getBuffer(op.getSource());
  Value buffer = emulator.defineBuffer(op.getResult());
  Location loc = op.getLoc();
  OpBuilder b(op);
  buildWorkerLocalLoops(
      b, loc, emulator.getNumWorkers(), layout.getLocalSize(),
      [&](OpBuilder &body, Value worker, Value local) {
        SmallVector<Value> index =
            addOffsets(emulator, body, loc, op.getOffsets(),
                       emitLogicalIndex(body, loc, layout, worker, local), worker);
        Value offset = emitSharedOffset(body, loc, shared, index);
        Value value = memref::LoadOp::create(body, loc, source, offset);
        memref::StoreOp::create(body, loc, value, buffer, ValueRange{worker, local});
      });
  emulator.scheduleErase(op);
}

void lowerStoreShared(KernelEmulator &emulator, StoreSharedOp op) {
  const layout::RegisterLayout &layout = op.getValue().getType().getRegisterLayout();
  layout::SharedLayout shared = op.getDest().getType().getSharedLayoutOrDefault();
  Value dest = emulator.getBuffer(op.getDest());
  Value buffer = emulator.getBuffer(op.getValue());
  Location loc = op.getLoc();
  OpBuilder b(op);
  buildWorkerLocalLoops(
      b, loc, emulator.getNumWorkers(), layout.getLocalSize(),
      [&](OpBuilder &body, Value worker, Value local) {
        SmallVector<Value> index =
            addOffsets(emulator, body, loc, op.getOffsets(),
                       emitLogicalIndex(body, loc, layout, worker, local), worker);
        Value offset = emitSharedOffset(body, loc, shared, index);
        Value value = memref::LoadOp::create(body, loc, buffer, ValueRange{worker, local});
        memref::StoreOp::create(body, loc, value, dest, offset);
      });
  emulator.scheduleErase(op);
}

void lowerCopyAsync(KernelEmulator &emulator, CopyAsyncOp op) {
  SharedType destType = op.getDest().getType();
  layout::SharedLayout shared = destType.getSharedLayoutOrDefault();
  const GlobalView &view = emulator.getView(op.getSource());
  Value dest = emulator.getBuffer(op.getDest());
  Type storage = getStorageType(destType.getElementType());
  Location loc = op.getLoc();
  OpBuilder b(op);
  // The whole block's copy at once (the offsets are uniform).
  buildLoop(b, loc, destType.getNumElements(), [&](OpBuilder &body, Value flat) {
    SmallVector<Value> index = emitDelinearize(body, loc, flat, destType.getShape());
    SmallVector<Value> g;
    for (auto [offset, i] : llvm::zip_equal(op.getOffsets(), index))
      g.push_back(arith::AddIOp::create(body, loc, offset, i));
    Value value = emitMaskedLoad(body, loc, view, g, storage);
    memref::StoreOp::create(body, loc, value, dest, emitSharedOffset(body, loc, shared, index));
  });
  emulator.scheduleErase(op);
}

} // namespace

void tile::lowerMemoryOp(KernelEmulator &emulator, Operation *op) {
  TypeSwitch<Operation *>(op)
      .Case([&](GlobalViewOp view) { lowerGlobalView(emulator, view); })
      .Case([&](LoadGlobalOp load) { lowerLoadGlobal(emulator, load); })
      .Case([&](StoreGlobalOp store) { lowerStoreGlobal(emulator, store); })
      .Case([&](AllocSharedOp alloc) {
        emulator.defineBuffer(alloc.getResult());
        emulator.scheduleErase(alloc);
      })
      .Case([&](LoadSharedOp load) { lowerLoadShared(emulator, load); })
      .Case([&](StoreSharedOp store) { lowerStoreShared(emulator, store); })
      .Case([&](CopyAsyncOp copy) { lowerCopyAsync(emulator, copy); });
}
