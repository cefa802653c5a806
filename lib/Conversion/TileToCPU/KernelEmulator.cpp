//===- KernelEmulator.cpp - SIMT emulation of a tile kernel body -----------===//
//
// The walk over the body, buffers, varying scalars and structured control flow; the tile ops
// themselves are lowered in MemoryOps.cpp and ComputeOps.cpp.
//
//===----------------------------------------------------------------------===//
#include "KernelEmulator.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/IRMapping.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace lowbit;
using namespace lowbit::tile;

void tile::buildLoop(OpBuilder &b, Location loc, int64_t count,
                     function_ref<void(OpBuilder &, Value)> body) {
  Value zero = arith::ConstantIndexOp::create(b, loc, 0);
  Value upper = arith::ConstantIndexOp::create(b, loc, count);
  Value one = arith::ConstantIndexOp::create(b, loc, 1);
  scf::ForOp::create(b, loc, zero, upper, one, ValueRange(),
                     [&](OpBuilder &nested, Location, Value iv, ValueRange) {
                       body(nested, iv);
                       scf::YieldOp::create(nested, loc);
                     });
}

void tile::buildWorkerLocalLoops(OpBuilder &b, Location loc, int64_t numWorkers, int64_t locals,
                                 function_ref<void(OpBuilder &, Value, Value)> body) {
  buildLoop(b, loc, numWorkers, [&](OpBuilder &outer, Value worker) {
    buildLoop(outer, loc, locals,
              [&](OpBuilder &inner, Value local) { body(inner, worker, local); });
  });
}

KernelEmulator::KernelEmulator(RewriterBase &rewriter, func::FuncOp func, int64_t numWorkers,
                               ValueRange blockIndices)
    : rewriter(rewriter), func(func), numWorkers(numWorkers),
      blockIndices(blockIndices.begin(), blockIndices.end()) {}

Value KernelEmulator::allocateBuffer(Type type) {
  MemRefType memrefType;
  if (auto reg = dyn_cast<RegType>(type))
    memrefType = MemRefType::get({numWorkers, reg.getRegisterLayout().getLocalSize()},
                                 getStorageType(reg.getElementType()));
  else if (auto shared = dyn_cast<SharedType>(type))
    memrefType = MemRefType::get({shared.getSharedLayoutOrDefault().getAllocationSize()},
                                 getStorageType(shared.getElementType()));
  else
    memrefType = MemRefType::get({numWorkers}, type);
  // Allocations stay in order at the top of the entry block, outside every loop.
  OpBuilder b(func.getContext());
  if (lastAllocation)
    b.setInsertionPointAfter(lastAllocation);
  else
    b.setInsertionPointToStart(&func.getBody().front());
  auto alloca = memref::AllocaOp::create(b, func.getLoc(), memrefType);
  lastAllocation = alloca;
  return alloca;
}

Value KernelEmulator::defineBuffer(Value result) {
  Value buffer = allocateBuffer(result.getType());
  buffers[result] = buffer;
  return buffer;
}

Value KernelEmulator::scalarOf(OpBuilder &b, Location loc, Value scalar, Value worker) const {
  Value buffer = buffers.lookup(scalar);
  if (!buffer)
    return scalar;
  return memref::LoadOp::create(b, loc, buffer, worker);
}

void KernelEmulator::run() {
  lowerBlock(func.getBody().front());
  finish();
}

void KernelEmulator::lowerBlock(Block &block) {
  // Lowerings insert before the op they lower and erase nothing yet, so the iteration is
  // stable.
  for (Operation &op : llvm::make_early_inc_range(block))
    lowerOp(&op);
}

void KernelEmulator::lowerOp(Operation *op) {
  if (auto forOp = dyn_cast<scf::ForOp>(op))
    return lowerFor(forOp);
  if (auto ifOp = dyn_cast<scf::IfOp>(op))
    return lowerIf(ifOp);
  // Yields are handled with their parents.
  if (op->hasTrait<OpTrait::IsTerminator>())
    return;
  if (isa<TileDialect>(op->getDialect())) {
    Location loc = op->getLoc();
    TypeSwitch<Operation *>(op)
        .Case([&](BlockIndexOp index) {
          rewriter.replaceAllUsesWith(index.getResult(), blockIndices[index.getDim()]);
          scheduleErase(op);
        })
        .Case([&](WorkerIndexOp index) {
          Value buffer = defineBuffer(index.getResult());
          OpBuilder b(op);
          buildLoop(b, loc, numWorkers, [&](OpBuilder &body, Value worker) {
            memref::StoreOp::create(body, loc, worker, buffer, worker);
          });
          scheduleErase(op);
        })
        .Case<SyncOp, CopyAsyncWaitOp>([&](Operation *) {
          // Lockstep: every earlier op has finished for every worker.
          scheduleErase(op);
        })
        .Case([&](AnnotateLayoutOp annotate) {
          setBuffer(annotate.getResult(), getBuffer(annotate.getInput()));
          scheduleErase(op);
        })
        .Case<GlobalViewOp, LoadGlobalOp, StoreGlobalOp, PrefetchGlobalOp, AllocSharedOp,
              LoadSharedOp, StoreSharedOp, CopyAsyncOp>(
            [&](Operation *) { lowerMemoryOp(*this, op); })
        .Default([&](Operation *) { lowerComputeOp(*this, op); });
    return;
  }
  if (llvm::any_of(op->getOperands(), [&](Value v) { return isVarying(v); }))
    return lowerVaryingOp(op);
  for (Region &region : op->getRegions())
    for (Block &block : region)
      lowerBlock(block);
}

void KernelEmulator::lowerVaryingOp(Operation *op) {
  // Every worker runs its own copy of the op on its own operands.
  Location loc = op->getLoc();
  SmallVector<Value> results =
      llvm::map_to_vector(op->getResults(), [&](Value r) { return defineBuffer(r); });
  OpBuilder b(op);
  buildLoop(b, loc, numWorkers, [&](OpBuilder &body, Value worker) {
    IRMapping mapping;
    for (Value operand : op->getOperands())
      if (isVarying(operand))
        mapping.map(operand, scalarOf(body, loc, operand, worker));
    Operation *clone = body.clone(*op, mapping);
    for (auto [value, buffer] : llvm::zip_equal(clone->getResults(), results))
      memref::StoreOp::create(body, loc, value, buffer, worker);
  });
  scheduleErase(op);
}

void KernelEmulator::copyYields(Operation *yield, ArrayRef<Value> targets) {
  OpBuilder b(yield);
  Location loc = yield->getLoc();
  SmallVector<std::pair<Value, Value>> copies;
  for (auto [operand, target] : llvm::zip_equal(yield->getOperands(), targets)) {
    if (!target)
      continue;
    Value source = getBuffer(operand);
    if (source == target)
      continue;
    // A loop yielding one carried tensor in another's place: copy it aside first.
    if (llvm::is_contained(targets, source)) {
      Value temporary = allocateBuffer(operand.getType());
      memref::CopyOp::create(b, loc, source, temporary);
      source = temporary;
    }
    copies.emplace_back(source, target);
  }
  for (auto [source, target] : copies)
    memref::CopyOp::create(b, loc, source, target);
  SmallVector<Value> kept;
  for (auto [operand, target] : llvm::zip_equal(yield->getOperands(), targets))
    if (!target)
      kept.push_back(operand);
  rewriter.modifyOpInPlace(yield, [&] { yield->setOperands(kept); });
}

void KernelEmulator::lowerFor(scf::ForOp forOp) {
  // Each carried register tensor lives in one buffer for the whole loop: initialized before
  // it, read through the iteration argument, overwritten by the yield.
  SmallVector<Value> carries(forOp.getInitArgs().size());
  OpBuilder before(forOp);
  for (auto [i, init] : llvm::enumerate(forOp.getInitArgs())) {
    if (!isa<RegType>(init.getType()))
      continue;
    carries[i] = allocateBuffer(init.getType());
    memref::CopyOp::create(before, forOp.getLoc(), getBuffer(init), carries[i]);
    setBuffer(forOp.getRegionIterArgs()[i], carries[i]);
    setBuffer(forOp.getResult(i), carries[i]);
  }
  lowerBlock(*forOp.getBody());
  if (llvm::all_of(carries, [](Value carry) { return !carry; }))
    return;
  copyYields(forOp.getBody()->getTerminator(), carries);

  // The same loop without the register iteration arguments.
  SmallVector<Value> inits;
  llvm::BitVector erasedArgs(forOp.getBody()->getNumArguments());
  for (auto [i, init] : llvm::enumerate(forOp.getInitArgs())) {
    if (carries[i])
      erasedArgs.set(i + 1); // after the induction variable
    else
      inits.push_back(init);
  }
  rewriter.setInsertionPoint(forOp);
  auto newFor =
      scf::ForOp::create(rewriter, forOp.getLoc(), forOp.getLowerBound(), forOp.getUpperBound(),
                         forOp.getStep(), inits, nullptr, forOp.getUnsignedCmp());
  rewriter.eraseBlock(newFor.getBody());
  rewriter.inlineRegionBefore(forOp.getRegion(), newFor.getRegion(), newFor.getRegion().end());
  erasedArguments.emplace_back(newFor.getBody(), erasedArgs);
  unsigned next = 0;
  for (auto [i, result] : llvm::enumerate(forOp.getResults()))
    if (!carries[i])
      rewriter.replaceAllUsesWith(result, newFor.getResult(next++));
  scheduleErase(forOp);
}

void KernelEmulator::lowerIf(scf::IfOp ifOp) {
  SmallVector<Value> targets(ifOp.getNumResults());
  SmallVector<Type> keptTypes;
  for (auto [i, result] : llvm::enumerate(ifOp.getResults())) {
    if (isa<RegType>(result.getType()))
      targets[i] = defineBuffer(result);
    else
      keptTypes.push_back(result.getType());
  }
  for (Region &region : ifOp->getRegions())
    for (Block &block : region)
      lowerBlock(block);
  if (llvm::all_of(targets, [](Value target) { return !target; }))
    return;
  for (Region &region : ifOp->getRegions())
    for (Block &block : region)
      copyYields(block.getTerminator(), targets);

  rewriter.setInsertionPoint(ifOp);
  auto newIf = scf::IfOp::create(rewriter, ifOp.getLoc(), keptTypes, ifOp.getCondition(),
                                 /*addThenBlock=*/false, /*addElseBlock=*/false);
  rewriter.inlineRegionBefore(ifOp.getThenRegion(), newIf.getThenRegion(),
                              newIf.getThenRegion().end());
  rewriter.inlineRegionBefore(ifOp.getElseRegion(), newIf.getElseRegion(),
                              newIf.getElseRegion().end());
  unsigned next = 0;
  for (auto [i, result] : llvm::enumerate(ifOp.getResults()))
    if (!targets[i])
      rewriter.replaceAllUsesWith(result, newIf.getResult(next++));
  scheduleErase(ifOp);
}

void KernelEmulator::finish() {
  // Lowered ops are only used by other lowered ops (checkKernelForCPU): drop those uses all at
  // once, then erase.
  for (Operation *op : erased)
    op->dropAllReferences();
  for (Operation *op : llvm::reverse(erased))
    rewriter.eraseOp(op);
  for (auto &[block, args] : erasedArguments)
    block->eraseArguments(args);
}
