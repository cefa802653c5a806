//===- KernelChecks.cpp - What tile-to-cpu can lower -----------------------===//
//
// Everything the emulator relies on is checked here, before any IR changes, so the rewrite
// itself cannot fail half-way.
//
//===----------------------------------------------------------------------===//
#include "lowbit/Conversion/Passes.h"
#include "lowbit/LowbitDialect.h"
#include "tile/TileDialect.h"

#include "llvm/ADT/DenseSet.h"

using namespace mlir;
using namespace lowbit;
using namespace lowbit::tile;

static bool isTileValueType(Type type) { return isa<RegType, SharedType, GlobalType>(type); }

/// Element types whose values the emulator can hold: the codes of every low-bit format, real
/// floats, integers.
static bool isSupportedElement(Type type) {
  return isa<IntegerType, TernaryType, lowbit::FloatType>(type) || type.isF16() || type.isBF16() ||
         type.isF32() || type.isF64() || isLowbitElementType(type);
}

/// Element types of global buffers: whole bytes that memref.load can read as they are.
static bool isSupportedMemoryElement(Type type) {
  if (auto intType = dyn_cast<IntegerType>(type))
    return intType.isSignless() && llvm::is_contained({8u, 16u, 32u, 64u}, intType.getWidth());
  return type.isF16() || type.isBF16() || type.isF32() || type.isF64() ||
         isa<Float8E4M3FNType, Float8E5M2Type, Float8E8M0FNUType>(type);
}

static LogicalResult checkRegisterValue(Operation *op, Value value, const Twine &what) {
  auto reg = dyn_cast<RegType>(value.getType());
  if (!reg)
    return success();
  if (!reg.hasLayout())
    return op->emitOpError() << what << " " << reg
                             << " has no layout; tile-to-cpu needs every register layout "
                                "(run tile-infer-layouts first)";
  if (!isSupportedElement(reg.getElementType()))
    return op->emitOpError() << what << " has element type " << reg.getElementType()
                             << ", which tile-to-cpu does not support";
  return success();
}

/// Ops other than tile ops may carry tile values only as scf.for iteration arguments, scf.if
/// results and the yields of both, and then only register tensors.
static LogicalResult checkCarriers(Operation *op) {
  bool isCarrier = isa<scf::ForOp, scf::IfOp>(op) ||
                   (isa<scf::YieldOp>(op) && isa<scf::ForOp, scf::IfOp>(op->getParentOp()));
  auto check = [&](Type type, const Twine &what) -> LogicalResult {
    if (!isTileValueType(type) || (isCarrier && isa<RegType>(type)))
      return success();
    return op->emitOpError() << what << " has type " << type
                             << "; tile-to-cpu lowers tile values only in tile ops, and register "
                                "tensors carried by scf.for and scf.if";
  };
  for (auto [i, type] : llvm::enumerate(op->getOperandTypes()))
    if (failed(check(type, "operand #" + Twine(i))))
      return failure();
  for (auto [i, type] : llvm::enumerate(op->getResultTypes()))
    if (failed(check(type, "result #" + Twine(i))))
      return failure();
  for (Region &region : op->getRegions())
    for (Block &block : region)
      for (auto [i, arg] : llvm::enumerate(block.getArguments()))
        if (failed(check(arg.getType(), "block argument #" + Twine(i))))
          return failure();
  return success();
}

/// Tile ops read per-worker scalars only where the emulator has a worker at hand.
static bool mayTakeVaryingOperand(Operation *op, unsigned operandNumber) {
  if (isa<SplatOp>(op))
    return true;
  if (auto load = dyn_cast<LoadGlobalOp>(op))
    return operandNumber >= load.getOffsets().getBeginOperandIndex();
  if (auto store = dyn_cast<StoreGlobalOp>(op))
    return operandNumber >= store.getOffsets().getBeginOperandIndex();
  if (auto load = dyn_cast<LoadSharedOp>(op))
    return operandNumber >= load.getOffsets().getBeginOperandIndex();
  if (auto store = dyn_cast<StoreSharedOp>(op))
    return operandNumber >= store.getOffsets().getBeginOperandIndex();
  return false;
}

static LogicalResult checkOp(Operation *op, llvm::DenseSet<Value> &varying) {
  for (auto [i, result] : llvm::enumerate(op->getResults()))
    if (failed(checkRegisterValue(op, result, "result #" + Twine(i))))
      return failure();
  for (Region &region : op->getRegions())
    for (Block &block : region)
      for (auto [i, arg] : llvm::enumerate(block.getArguments()))
        if (failed(checkRegisterValue(op, arg, "block argument #" + Twine(i))))
          return failure();

  bool isTileOp = isa_and_nonnull<TileDialect>(op->getDialect());
  if (!isTileOp && failed(checkCarriers(op)))
    return failure();
  if (auto view = dyn_cast<GlobalViewOp>(op)) {
    Type element = view.getSource().getType().getElementType();
    if (!isSupportedMemoryElement(element))
      return op->emitOpError()
             << "reads a buffer of " << element
             << "; tile-to-cpu supports global buffers of i8, i16, i32, i64, f16, bf16, f32, "
                "f64 and 8-bit floats (pass sub-byte data packed in wider words and tile.view "
                "it)";
  }

  // Values that depend on the worker index.
  if (isa<WorkerIndexOp>(op)) {
    varying.insert(op->getResult(0));
    return success();
  }
  bool usesVarying = false;
  for (OpOperand &operand : op->getOpOperands()) {
    if (!varying.contains(operand.get()))
      continue;
    usesVarying = true;
    if (isTileOp && !mayTakeVaryingOperand(op, operand.getOperandNumber()))
      return op->emitOpError() << "operand #" << operand.getOperandNumber()
                               << " depends on tile.worker_index; tile-to-cpu supports that "
                                  "only in tile.splat and the offsets of loads and stores";
    if (!isTileOp && (op->getNumRegions() != 0 || op->hasTrait<OpTrait::IsTerminator>()))
      return op->emitOpError() << "operand #" << operand.getOperandNumber()
                               << " depends on tile.worker_index; tile-to-cpu needs control "
                                  "flow that is the same for every worker";
  }
  if (usesVarying && !isTileOp)
    varying.insert(op->result_begin(), op->result_end());
  return success();
}

LogicalResult lowbit::checkKernelForCPU(KernelOp kernel) {
  if (!kernel.getBody().hasOneBlock())
    return kernel.emitOpError() << "has " << kernel.getBody().getBlocks().size()
                                << " blocks; tile-to-cpu needs one block with structured "
                                   "control flow (scf.for, scf.if)";
  llvm::DenseSet<Value> varying;
  WalkResult walk = kernel.getBody().walk<WalkOrder::PreOrder>([&](Operation *op) {
    return failed(checkOp(op, varying)) ? WalkResult::interrupt() : WalkResult::advance();
  });
  return failure(walk.wasInterrupted());
}
