//===- KernelEmulator.h - SIMT emulation of a tile kernel body ----*- C++ -*-===//
//
// tile-to-cpu runs the W workers of a block in lockstep: every tile op becomes a loop nest over
// the workers (and their locals) that finishes before the next op starts. So tile.sync and
// tile.copy_async_wait have nothing to wait for, and tile.copy_async is a plain copy.
//
// Values of the kernel body live as follows:
//   - a register tensor `!tile.reg<S x T, L>` is a buffer memref<W x localSize(L) x C>, where C
//     is T for f16/bf16/f32/f64 and signless integers, and the signless code iN of T otherwise
//     (ui4 -> i4, f8E4M3FN -> i8, !lowbit.ternary -> i2): element [w, l] is local l of worker w;
//   - a shared tensor is a buffer memref<allocationSize x C> (offsets from its SharedLayout);
//   - a global view is its defining tile.global_view's memref, sizes and strides;
//   - scalars are ordinary values computed once per block ("uniform"), except those that
//     depend on tile.worker_index ("varying"): they are buffers memref<W x T>, and every op
//     that uses one runs in a loop over the workers.
// Every buffer is a memref.alloca in the entry block, written once per execution of its
// defining op (value semantics). Loop-carried and if-yielded register tensors get a buffer of
// their own that the yields copy into.
//
// The emulator assumes checkKernelForCPU (TileToCPU.h) has accepted the kernel.
//
//===----------------------------------------------------------------------===//
#ifndef LOWBIT_CONVERSION_TILETOCPU_KERNELEMULATOR_H
#define LOWBIT_CONVERSION_TILETOCPU_KERNELEMULATOR_H

#include "Common/TileCodegen.h"
#include "tile/TileDialect.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/PatternMatch.h"
#include "llvm/ADT/DenseMap.h"

namespace lowbit::tile {

class KernelEmulator {
public:
  /// `func` is the kernel's body moved into a function; `blockIndices` are its block-index
  /// arguments.
  KernelEmulator(mlir::RewriterBase &rewriter, mlir::func::FuncOp func, int64_t numWorkers,
                 mlir::ValueRange blockIndices);

  /// Lowers every tile op of the body. Cannot fail on a checked kernel.
  void run();

  // --- For the op lowerings ------------------------------------------------------------------
  int64_t getNumWorkers() const { return numWorkers; }
  /// The buffer of a register tensor, shared tensor or varying scalar.
  mlir::Value getBuffer(mlir::Value value) const { return buffers.lookup(value); }
  const GlobalView &getView(mlir::Value view) const { return views.find(view)->second; }
  bool isVarying(mlir::Value scalar) const { return buffers.contains(scalar); }
  /// A new buffer in the entry block for a value of `type` (!tile.reg, !tile.shared or a scalar
  /// type for a varying scalar).
  mlir::Value allocateBuffer(mlir::Type type);
  /// Allocates the buffer of `result` and records it.
  mlir::Value defineBuffer(mlir::Value result);
  void setBuffer(mlir::Value value, mlir::Value buffer) { buffers[value] = buffer; }
  void setView(mlir::Value value, GlobalView view) { views[value] = std::move(view); }
  /// `scalar` as seen by worker `worker` (inside a worker loop): the value itself, or its
  /// element of the varying buffer.
  mlir::Value scalarOf(mlir::OpBuilder &b, mlir::Location loc, mlir::Value scalar,
                       mlir::Value worker) const;
  /// The tile op is lowered: erase it (and its results' uses) once the whole body is done.
  void scheduleErase(mlir::Operation *op) { erased.push_back(op); }

private:
  void lowerBlock(mlir::Block &block);
  void lowerOp(mlir::Operation *op);
  void lowerVaryingOp(mlir::Operation *op);
  void lowerFor(mlir::scf::ForOp forOp);
  void lowerIf(mlir::scf::IfOp ifOp);
  /// Copies the register yields of `yield` into `targets` (null entries: not a register
  /// yield); through temporaries when a yielded buffer is itself one of the targets.
  void copyYields(mlir::Operation *yield, llvm::ArrayRef<mlir::Value> targets);
  void finish();

  mlir::RewriterBase &rewriter;
  mlir::func::FuncOp func;
  int64_t numWorkers;
  llvm::SmallVector<mlir::Value> blockIndices;
  mlir::Operation *lastAllocation = nullptr;
  llvm::DenseMap<mlir::Value, mlir::Value> buffers;
  llvm::DenseMap<mlir::Value, GlobalView> views;
  llvm::SmallVector<mlir::Operation *> erased;
  llvm::SmallVector<std::pair<mlir::Block *, llvm::BitVector>> erasedArguments;
};

/// Builds `for w in 0..W: for l in 0..locals: body(w, l)` at `b`'s insertion point.
void buildWorkerLocalLoops(
    mlir::OpBuilder &b, mlir::Location loc, int64_t numWorkers, int64_t locals,
    llvm::function_ref<void(mlir::OpBuilder &, mlir::Value worker, mlir::Value local)> body);

/// Builds `for i in 0..count: body(i)`.
void buildLoop(mlir::OpBuilder &b, mlir::Location loc, int64_t count,
               llvm::function_ref<void(mlir::OpBuilder &, mlir::Value)> body);

// Lowerings of the tile ops, by family (MemoryOps.cpp, ComputeOps.cpp). Each emits the loops
// before `op`, records the buffers of its results and schedules `op` for erasure.
void lowerMemoryOp(KernelEmulator &emulator, mlir::Operation *op);
void lowerComputeOp(KernelEmulator &emulator, mlir::Operation *op);

} // namespace lowbit::tile

#endif // LOWBIT_CONVERSION_TILETOCPU_KERNELEMULATOR_H
