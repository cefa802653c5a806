//===- SimdKernel.cpp - SIMD lowering: the walk over a kernel body -----------===//
//
// The walk over the body, the register values in their forms, and structured control flow
// (scf.for carrying register tensors as vectors, scf.if yielding them); the tile ops are
// lowered in SimdMemory.cpp, SimdCompute.cpp and SimdDot.cpp. Also what the SIMD lowering
// accepts (explainNotSimdLowerable).
//
//===----------------------------------------------------------------------===//
#include "SimdKernel.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace lowbit;
using namespace lowbit::tile;

SimdKernel::SimdKernel(RewriterBase &rewriter, func::FuncOp func, int64_t numWorkers,
                       ValueRange blockIndices, const CpuTarget &target)
    : rewriter(rewriter), func(func), numWorkers(numWorkers),
      blockIndices(blockIndices.begin(), blockIndices.end()), target(target) {}

VectorType SimdKernel::laneVectorType(Type element) const {
  return VectorType::get({numWorkers}, element);
}

VectorType SimdKernel::wordVectorType() const {
  return VectorType::get({numWorkers}, IntegerType::get(func->getContext(), 32));
}

SimdReg SimdKernel::convert(OpBuilder &b, Location loc, Value value, SimdForm form) {
  const SimdReg &held = values.find(value)->second;
  auto type = cast<RegType>(value.getType());
  SimdReg result;
  result.form = form;
  switch (form) {
  case SimdForm::Lanes:
    if (held.form == SimdForm::Words)
      result.vectors = wordsToLanes(b, loc, *this, type, held.vectors);
    else
      result.vectors = bytesToLanes(b, loc, *this, type, held);
    return result;
  case SimdForm::Words: {
    SmallVector<Value> lanes = held.form == SimdForm::Lanes
                                   ? held.vectors
                                   : bytesToLanes(b, loc, *this, type, held);
    result.vectors = lanesToWords(b, loc, *this, type, lanes);
    return result;
  }
  case SimdForm::Bytes:
    if (held.form == SimdForm::Words)
      return wordsToBytes(b, loc, *this, type, held.vectors);
    return lanesToBytes(b, loc, *this, type, held.vectors);
  }
  llvm_unreachable("unknown form");
}

const SimdReg &SimdKernel::get(OpBuilder &b, Value value, SimdForm form) {
  const SimdReg &held = values.find(value)->second;
  if (held.form == form)
    return held;
  auto key = std::make_tuple(value.getAsOpaquePointer(), static_cast<int>(form),
                             static_cast<void *>(b.getInsertionBlock()));
  auto found = conversions.find(key);
  if (found != conversions.end())
    return found->second;
  return conversions.emplace(key, convert(b, value.getLoc(), value, form)).first->second;
}

void SimdKernel::run() {
  lowerBlock(func.getBody().front());
  finish();
}

void SimdKernel::lowerBlock(Block &block) {
  for (Operation &op : llvm::make_early_inc_range(block))
    lowerOp(&op);
}

void SimdKernel::lowerOp(Operation *op) {
  if (auto forOp = dyn_cast<scf::ForOp>(op))
    return lowerFor(forOp);
  if (auto ifOp = dyn_cast<scf::IfOp>(op))
    return lowerIf(ifOp);
  if (op->hasTrait<OpTrait::IsTerminator>())
    return;
  if (!isa<TileDialect>(op->getDialect())) {
    for (Region &region : op->getRegions())
      for (Block &block : region)
        lowerBlock(block);
    return;
  }
  TypeSwitch<Operation *>(op)
      .Case([&](BlockIndexOp index) {
        rewriter.replaceAllUsesWith(index.getResult(), blockIndices[index.getDim()]);
        scheduleErase(op);
      })
      .Case<SyncOp, CopyAsyncWaitOp>([&](Operation *) { scheduleErase(op); })
      .Case([&](AnnotateLayoutOp annotate) {
        define(annotate.getResult(), getDefined(annotate.getInput()));
        scheduleErase(op);
      })
      .Case<GlobalViewOp, LoadGlobalOp, StoreGlobalOp, PrefetchGlobalOp, AllocSharedOp,
            LoadSharedOp, StoreSharedOp>([&](Operation *) { lowerSimdMemoryOp(*this, op); })
      .Case([&](DotOp dot) { lowerSimdDot(*this, dot); })
      .Default([&](Operation *) { lowerSimdComputeOp(*this, op); });
}

SmallVector<Value> SimdKernel::flattenYield(OpBuilder &b, Operation *yield) {
  SmallVector<Value> scalars, vectors;
  for (Value operand : yield->getOperands()) {
    auto reg = dyn_cast<RegType>(operand.getType());
    if (!reg) {
      scalars.push_back(operand);
      continue;
    }
    const SimdReg &simd = get(b, operand, getCarriedForm(reg));
    vectors.append(simd.vectors.begin(), simd.vectors.end());
  }
  scalars.append(vectors.begin(), vectors.end());
  return scalars;
}

void SimdKernel::lowerFor(scf::ForOp forOp) {
  Location loc = forOp.getLoc();
  Block *body = forOp.getBody();
  bool carriesRegisters = llvm::any_of(forOp.getInitArgs(),
                                       [](Value init) { return isa<RegType>(init.getType()); });
  if (!carriesRegisters) {
    lowerBlock(*body);
    return;
  }
  // New iteration arguments: the scalar ones as they are, then every carried register
  // tensor's vectors (appended to the body block; the old register arguments go at the end).
  OpBuilder before(forOp);
  SmallVector<Value> inits;
  SmallVector<Value> vectorInits;
  SmallVector<std::pair<unsigned, unsigned>> slices; // per init arg: first vector, count
  llvm::BitVector erasedArgs(body->getNumArguments());
  for (auto [i, init] : llvm::enumerate(forOp.getInitArgs())) {
    auto reg = dyn_cast<RegType>(init.getType());
    if (!reg) {
      inits.push_back(init);
      slices.emplace_back(0, 0);
      continue;
    }
    const SimdReg &simd = get(before, init, getCarriedForm(reg));
    slices.emplace_back(vectorInits.size(), simd.vectors.size());
    vectorInits.append(simd.vectors.begin(), simd.vectors.end());
    erasedArgs.set(i + 1);
  }
  SmallVector<BlockArgument> vectorArgs;
  for (Value init : vectorInits)
    vectorArgs.push_back(body->addArgument(init.getType(), loc));
  for (auto [i, arg] : llvm::enumerate(forOp.getRegionIterArgs())) {
    auto reg = dyn_cast<RegType>(arg.getType());
    if (!reg)
      continue;
    SimdReg simd;
    simd.form = getCarriedForm(reg);
    for (unsigned v = 0; v < slices[i].second; ++v)
      simd.vectors.push_back(vectorArgs[slices[i].first + v]);
    define(arg, std::move(simd));
  }

  lowerBlock(*body);
  Operation *yield = body->getTerminator();
  OpBuilder atYield(yield);
  SmallVector<Value> yielded = flattenYield(atYield, yield);
  rewriter.modifyOpInPlace(yield, [&] { yield->setOperands(yielded); });

  inits.append(vectorInits.begin(), vectorInits.end());
  rewriter.setInsertionPoint(forOp);
  auto newFor = scf::ForOp::create(rewriter, loc, forOp.getLowerBound(), forOp.getUpperBound(),
                                   forOp.getStep(), inits, nullptr, forOp.getUnsignedCmp());
  rewriter.eraseBlock(newFor.getBody());
  rewriter.inlineRegionBefore(forOp.getRegion(), newFor.getRegion(), newFor.getRegion().end());
  erasedArguments.emplace_back(body, erasedArgs);

  unsigned numScalars = inits.size() - vectorInits.size(), nextScalar = 0;
  for (auto [i, result] : llvm::enumerate(forOp.getResults())) {
    auto reg = dyn_cast<RegType>(result.getType());
    if (!reg) {
      rewriter.replaceAllUsesWith(result, newFor.getResult(nextScalar++));
      continue;
    }
    SimdReg simd;
    simd.form = getCarriedForm(reg);
    for (unsigned v = 0; v < slices[i].second; ++v)
      simd.vectors.push_back(newFor.getResult(numScalars + slices[i].first + v));
    define(result, std::move(simd));
  }
  scheduleErase(forOp);
}

void SimdKernel::lowerIf(scf::IfOp ifOp) {
  for (Region &region : ifOp->getRegions())
    for (Block &block : region)
      lowerBlock(block);
  if (llvm::none_of(ifOp.getResultTypes(), [](Type t) { return isa<RegType>(t); }))
    return;
  SmallVector<Type> types;
  for (Type type : ifOp.getResultTypes())
    if (!isa<RegType>(type))
      types.push_back(type);
  unsigned numScalars = types.size();
  for (Region &region : ifOp->getRegions()) {
    Operation *yield = region.front().getTerminator();
    OpBuilder atYield(yield);
    SmallVector<Value> yielded = flattenYield(atYield, yield);
    rewriter.modifyOpInPlace(yield, [&] { yield->setOperands(yielded); });
  }
  // The vectors follow the scalars in the yields, each register result's in its carried form.
  Operation *thenYield = ifOp.getThenRegion().front().getTerminator();
  SmallVector<Type> vectorTypes(llvm::drop_begin(thenYield->getOperandTypes(), numScalars));
  SmallVector<std::pair<unsigned, unsigned>> slices; // per result: first vector, count
  unsigned offset = 0;
  for (Type type : ifOp.getResultTypes()) {
    auto reg = dyn_cast<RegType>(type);
    if (!reg) {
      slices.emplace_back(0, 0);
      continue;
    }
    int64_t locals = reg.getRegisterLayout().getLocalSize();
    int64_t bits = getElementBitWidth(reg.getElementType());
    unsigned count = getCarriedForm(reg) == SimdForm::Words ? (locals * bits + 31) / 32 : locals;
    slices.emplace_back(offset, count);
    offset += count;
  }
  types.append(vectorTypes.begin(), vectorTypes.end());

  rewriter.setInsertionPoint(ifOp);
  auto newIf = scf::IfOp::create(rewriter, ifOp.getLoc(), types, ifOp.getCondition(),
                                 /*addThenBlock=*/false, /*addElseBlock=*/false);
  rewriter.inlineRegionBefore(ifOp.getThenRegion(), newIf.getThenRegion(),
                              newIf.getThenRegion().end());
  rewriter.inlineRegionBefore(ifOp.getElseRegion(), newIf.getElseRegion(),
                              newIf.getElseRegion().end());
  unsigned nextScalar = 0;
  for (auto [i, result] : llvm::enumerate(ifOp.getResults())) {
    auto reg = dyn_cast<RegType>(result.getType());
    if (!reg) {
      rewriter.replaceAllUsesWith(result, newIf.getResult(nextScalar++));
      continue;
    }
    SimdReg simd;
    simd.form = getCarriedForm(reg);
    for (unsigned v = 0; v < slices[i].second; ++v)
      simd.vectors.push_back(newIf.getResult(numScalars + slices[i].first + v));
    define(result, std::move(simd));
  }
  scheduleErase(ifOp);
}

Value SimdKernel::getTableCopy(Value table, ArrayRef<int64_t> entryLocals) {
  if (Value copy = tableCopies.lookup(table))
    return copy;
  ArrayRef<Value> held = getDefined(table).vectors;
  Location loc = table.getLoc();
  auto elementType = cast<VectorType>(held.front().getType()).getElementType();
  OpBuilder b = OpBuilder::atBlockBegin(&func.getBody().front());
  auto buffer = memref::AllocaOp::create(
      b, loc, MemRefType::get({static_cast<int64_t>(entryLocals.size())}, elementType));
  // After the last of the table's vectors (the lowerings define them in order).
  if (Operation *def = held.back().getDefiningOp())
    b.setInsertionPointAfter(def);
  else
    b.setInsertionPointToStart(cast<BlockArgument>(held.back()).getOwner());
  for (auto [e, local] : llvm::enumerate(entryLocals)) {
    Value x = vector::ExtractOp::create(b, loc, held[local], ArrayRef<int64_t>{0});
    memref::StoreOp::create(b, loc, x, buffer, ValueRange{arith::ConstantIndexOp::create(
                                                   b, loc, static_cast<int64_t>(e))});
  }
  tableCopies[table] = buffer;
  return buffer;
}

GlobalView SimdKernel::allocateShared(AllocSharedOp alloc) {
  SharedType type = alloc.getResult().getType();
  layout::SharedLayout shared = type.getSharedLayoutOrDefault();
  Location loc = alloc.getLoc();
  // At the function's entry, outside every loop: one per block, in its stack frame, aligned
  // for whole-vector accesses.
  OpBuilder b = OpBuilder::atBlockBegin(&func.getBody().front());
  auto memrefType =
      MemRefType::get({shared.getAllocationSize()}, getStorageType(type.getElementType()));
  Value buffer = memref::AllocaOp::create(b, loc, memrefType, ValueRange(), ValueRange(),
                                          b.getI64IntegerAttr(64));
  GlobalView view{buffer, {}, {}};
  for (auto [size, stride] : llvm::zip_equal(shared.getShape(), shared.getModeStrides())) {
    view.sizes.push_back(arith::ConstantIndexOp::create(b, loc, size));
    view.strides.push_back(arith::ConstantIndexOp::create(b, loc, stride));
  }
  return view;
}

void SimdKernel::finish() {
  for (Operation *op : erased)
    op->dropAllReferences();
  for (Operation *op : llvm::reverse(erased))
    rewriter.eraseOp(op);
  for (auto &[block, args] : erasedArguments)
    block->eraseArguments(args);
}
