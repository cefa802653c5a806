//===- GPUPatterns.h - Patterns tile-to-nvvm and tile-to-rocdl share -*- C++ -*-===//
//
// Both GPU lowerings run every worker as one thread (worker index = gpu.thread_id x) and, in
// their dialect conversions, represent
//   - `!tile.reg<S x T, L>` as the thread's `vector<localSize(L) x C>` of locals, C the storage
//     type of T (getStorageType), packed LSB first;
//   - `!tile.shared<..>` as a workgroup memref of C addressed through its SharedLayout.
// With that representation the per-thread ops lower the same way on both targets: the block and
// worker indices, barriers, shared loads and stores, global loads and stores (each thread moves
// the elements it holds; the masked element access is the target's GlobalAccess), the
// element-wise ops, splat, view (a vector.bitcast of the thread's bits), cast, broadcast (the
// thread's own locals, picked at run time) and annotate_layout. Copies, dot and reduce differ
// and stay in TileToNVVM/ and TileToROCDL/; their dot and reduce patterns are
// PlannedLowerings, with the general path of GPUExchange.h where no plan applies.
//
//===----------------------------------------------------------------------===//
#ifndef LOWBIT_CONVERSION_COMMON_GPUPATTERNS_H
#define LOWBIT_CONVERSION_COMMON_GPUPATTERNS_H

#include "Common/GPUExchange.h"
#include "tile/TileDialect.h"

#include "mlir/Transforms/DialectConversion.h"

#include <optional>

namespace lowbit::tile {

/// gpu.thread_id x, the worker index, as an `index` value.
mlir::Value emitThreadId(mlir::OpBuilder &b, mlir::Location loc);

/// Calls body(l, index) for each local l of this thread in `layout`, with index (one `index`
/// value per dimension) = layout(thread, l).
void forEachThreadLocal(mlir::OpBuilder &b, mlir::Location loc,
                        const layout::RegisterLayout &layout,
                        llvm::function_ref<void(int64_t, llvm::ArrayRef<mlir::Value>)> body);

/// This thread's vector of locals (of `type`, one element per local of `layout`): local l is
/// compute(l, layout(thread, l)).
mlir::Value
emitThreadLocals(mlir::OpBuilder &b, mlir::Location loc, const layout::RegisterLayout &layout,
                 mlir::VectorType type,
                 llvm::function_ref<mlir::Value(int64_t, llvm::ArrayRef<mlir::Value>)> compute);

/// How a target reads and writes one element of a global view (`view` its tile.global_view,
/// `buffer` the converted view): the element at offsets + index, masked to the view.
struct GlobalAccess {
  /// The element as a `storage` value, 0 outside the view.
  mlir::Value (*load)(mlir::OpBuilder &b, mlir::Location loc, GlobalViewOp view, mlir::Value buffer,
                      mlir::ValueRange offsets, llvm::ArrayRef<mlir::Value> index,
                      mlir::Type storage);
  /// Writes value(..) there, inside the view only. The target decides where the value is
  /// built: with `b` before the bounds check, or with the builder of the guarded region.
  void (*store)(mlir::OpBuilder &b, mlir::Location loc, GlobalViewOp view, mlir::Value buffer,
                mlir::ValueRange offsets, llvm::ArrayRef<mlir::Value> index,
                llvm::function_ref<mlir::Value(mlir::OpBuilder &)> value);
};

/// tile.block_index, tile.worker_index, tile.sync, tile.load_shared, tile.store_shared, and
/// tile.load_global and tile.store_global through `access`.
void populateGPUThreadMemoryPatterns(const mlir::TypeConverter &converter,
                                     mlir::RewritePatternSet &patterns, GlobalAccess access);

/// The element-wise ops, tile.splat, tile.view, tile.cast, tile.broadcast and
/// tile.annotate_layout.
void populateGPUThreadComputePatterns(const mlir::TypeConverter &converter,
                                      mlir::RewritePatternSet &patterns);

/// A collective op (tile.dot, tile.reduce) lowered along a plan that is found statically from
/// the operand layouts. `plan(op)` is nullopt when the target cannot lower the op; the passes
/// check the plans (and say why) before converting, so the pattern then just fails with
/// `unsupported`. Otherwise `emit` builds the replacement from the converted operands; `type`
/// is the converted result type.
template <typename Op, typename Plan> class PlannedLowering : public mlir::OpConversionPattern<Op> {
public:
  using PlanFn = std::optional<Plan> (*)(Op);
  using EmitFn = mlir::Value (*)(Op op, typename Op::Adaptor adaptor, const Plan &plan,
                                 mlir::VectorType type, mlir::OpBuilder &b);

  PlannedLowering(const mlir::TypeConverter &converter, mlir::MLIRContext *context, PlanFn plan,
                  EmitFn emit, llvm::StringRef unsupported)
      : mlir::OpConversionPattern<Op>(converter, context), plan(plan), emit(emit),
        unsupported(unsupported) {}

  mlir::LogicalResult matchAndRewrite(Op op, typename Op::Adaptor adaptor,
                                      mlir::ConversionPatternRewriter &rewriter) const override {
    // Ops marked for the general path (GPUExchange.h) are not the plan's, even where one exists.
    std::optional<Plan> planned;
    if (!op->hasAttr(kExchangeAttr))
      planned = plan(op);
    if (!planned)
      return rewriter.notifyMatchFailure(op, unsupported);
    auto type = mlir::cast<mlir::VectorType>(this->getTypeConverter()->convertType(op.getType()));
    rewriter.replaceOp(op, emit(op, adaptor, *planned, type, rewriter));
    return mlir::success();
  }

private:
  PlanFn plan;
  EmitFn emit;
  llvm::StringRef unsupported;
};

} // namespace lowbit::tile

#endif // LOWBIT_CONVERSION_COMMON_GPUPATTERNS_H
