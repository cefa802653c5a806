//===- MemoryOps.cpp - tile-to-cpu: global and shared memory ---------------===//
//
// Global views address their 1-d memref at sum_d g_d * stride_d and mask every element with
// 0 <= g_d < size_d (outside, loads read 0 and stores write nothing; Common/MemoryCodegen.h).
// Shared tensors are one buffer per block, addressed through their SharedLayout (swizzle
// included). Each worker moves exactly the elements it holds; tile.copy_async copies the whole
// shared tensor at once.
//
//===----------------------------------------------------------------------===//
#include "Common/LayoutCodegen.h"
#include "Common/MemoryCodegen.h"
#include "KernelEmulator.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace lowbit;
using namespace lowbit::tile;

namespace {

/// offsets + index, one value per dimension; offsets may be varying.
SmallVector<Value> addOffsets(KernelEmulator &emulator, OpBuilder &b, Location loc,
                              ValueRange offsets, ValueRange index, Value worker) {
  SmallVector<Value> sum;
  for (auto [offset, i] : llvm::zip_equal(offsets, index))
    sum.push_back(arith::AddIOp::create(b, loc, emulator.scalarOf(b, loc, offset, worker), i));
  return sum;
}

/// The accesses of a load or store (`op`, before which they go) of a register tensor laid out
/// by `layout`: body(b, worker, local, offsets + layout(worker, local)) for every worker and
/// local. `op` is erased afterwards.
void forEachElement(KernelEmulator &emulator, Operation *op, const layout::RegisterLayout &layout,
                    ValueRange offsets,
                    function_ref<void(OpBuilder &, Value worker, Value local, ValueRange g)> body) {
  Location loc = op->getLoc();
  OpBuilder b(op);
  buildWorkerLocalLoops(
      b, loc, emulator.getNumWorkers(), layout.getLocalSize(),
      [&](OpBuilder &nested, Value worker, Value local) {
        SmallVector<Value> index = emitLogicalIndex(nested, loc, layout, worker, local);
        body(nested, worker, local, addOffsets(emulator, nested, loc, offsets, index, worker));
      });
  emulator.scheduleErase(op);
}

void lowerLoadGlobal(KernelEmulator &emulator, LoadGlobalOp op) {
  RegType type = op.getResult().getType();
  const GlobalView &view = emulator.getView(op.getView());
  Type storage = getStorageType(type.getElementType());
  Value buffer = emulator.defineBuffer(op.getResult());
  Location loc = op.getLoc();
  forEachElement(emulator, op, type.getRegisterLayout(), op.getOffsets(),
                 [&](OpBuilder &b, Value worker, Value local, ValueRange g) {
                   Value value = emitMaskedLoad(b, loc, view, g, storage);
                   memref::StoreOp::create(b, loc, value, buffer, ValueRange{worker, local});
                 });
}

void lowerStoreGlobal(KernelEmulator &emulator, StoreGlobalOp op) {
  const GlobalView &view = emulator.getView(op.getView());
  Value buffer = emulator.getBuffer(op.getValue());
  Location loc = op.getLoc();
  // Replicated elements are written by each holder, with the same value.
  forEachElement(emulator, op, op.getValue().getType().getRegisterLayout(), op.getOffsets(),
                 [&](OpBuilder &b, Value worker, Value local, ValueRange g) {
                   emitMaskedStore(b, loc, view, g, [&](OpBuilder &then) -> Value {
                     return memref::LoadOp::create(then, loc, buffer, ValueRange{worker, local});
                   });
                 });
}

/// tile.load_shared (`toShared` false) and tile.store_shared: every (worker, local) of the
/// register tensor `reg` moves its element between its register and `tensor`, the shared one.
void lowerSharedAccess(KernelEmulator &emulator, Operation *op, Value reg, Value tensor,
                       ValueRange offsets, bool toShared) {
  layout::SharedLayout shared = cast<SharedType>(tensor.getType()).getSharedLayoutOrDefault();
  Value sharedBuffer = emulator.getBuffer(tensor);
  Value regBuffer = toShared ? emulator.getBuffer(reg) : emulator.defineBuffer(reg);
  Location loc = op->getLoc();
  forEachElement(emulator, op, getRegisterLayout(reg), offsets,
                 [&](OpBuilder &b, Value worker, Value local, ValueRange index) {
                   Value offset = emitSharedOffset(b, loc, shared, index);
                   SmallVector<Value, 2> regIndex = {worker, local};
                   if (toShared) {
                     Value value = memref::LoadOp::create(b, loc, regBuffer, regIndex);
                     memref::StoreOp::create(b, loc, value, sharedBuffer, offset);
                   } else {
                     Value value = memref::LoadOp::create(b, loc, sharedBuffer, offset);
                     memref::StoreOp::create(b, loc, value, regBuffer, regIndex);
                   }
                 });
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
    emitCopyElement(body, loc, view, op.getOffsets(), dest, shared, destType.getShape(), flat,
                    storage);
  });
  emulator.scheduleErase(op);
}

} // namespace

void tile::lowerMemoryOp(KernelEmulator &emulator, Operation *op) {
  TypeSwitch<Operation *>(op)
      .Case([&](GlobalViewOp view) {
        emulator.setView(view.getResult(), getGlobalView(view));
        emulator.scheduleErase(view);
      })
      .Case([&](LoadGlobalOp load) { lowerLoadGlobal(emulator, load); })
      .Case([&](StoreGlobalOp store) { lowerStoreGlobal(emulator, store); })
      .Case([&](PrefetchGlobalOp prefetch) {
        // Offsets that differ between workers would need a prefetch per worker: a hint
        // is not worth that.
        if (llvm::none_of(prefetch.getOffsets(),
                          [&](Value offset) { return emulator.isVarying(offset); })) {
          OpBuilder b(prefetch);
          emitPrefetch(b, prefetch.getLoc(), emulator.getView(prefetch.getView()),
                       prefetch.getOffsets(), prefetch.getSizes());
        }
        emulator.scheduleErase(prefetch);
      })
      .Case([&](AllocSharedOp alloc) {
        emulator.defineBuffer(alloc.getResult());
        emulator.scheduleErase(alloc);
      })
      .Case([&](LoadSharedOp load) {
        lowerSharedAccess(emulator, load, load.getResult(), load.getSource(), load.getOffsets(),
                          /*toShared=*/false);
      })
      .Case([&](StoreSharedOp store) {
        lowerSharedAccess(emulator, store, store.getValue(), store.getDest(), store.getOffsets(),
                          /*toShared=*/true);
      })
      .Case([&](CopyAsyncOp copy) { lowerCopyAsync(emulator, copy); });
}
