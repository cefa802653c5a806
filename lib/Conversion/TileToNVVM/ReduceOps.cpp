//===- ReduceOps.cpp - tile-to-nvvm: tile.reduce by warp shuffles ----------===//
//
// A reduction in two steps, both planned statically from the layouts:
//   1. each thread combines its input locals into its result locals (input local l goes to
//      the result local that holds l's element with the reduced dims at 0, the same for every
//      thread);
//   2. the threads combine their partials by butterfly `gpu.shuffle xor` over the bits of the
//      thread id that move along the reduced dims (all below 32: within a warp).
// The plan is accepted only when, for every thread and result local, the inputs combined are
// exactly the input elements of that result element, each once.
//
//===----------------------------------------------------------------------===//
#include "Common/GPUPatterns.h"
#include "TileToNVVM.h"

#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

#include <set>

using namespace mlir;
using namespace lowbit;
using namespace lowbit::tile;

namespace {

/// The xor masks of step 2 and the local map of step 1.
struct ReducePlan {
  SmallVector<int64_t> localMap;
  SmallVector<int64_t> xorMasks;
};

std::optional<ReducePlan> getReducePlan(ReduceOp op) {
  const layout::RegisterLayout &in = getRegisterLayout(op.getInput()),
                               &out = getRegisterLayout(op.getResult());
  ArrayRef<int64_t> dims = op.getDims();
  int64_t workers = in.getNumWorkers();
  if (workers != out.getNumWorkers() || !llvm::isPowerOf2_64(workers))
    return std::nullopt;
  auto reduced = [&](SmallVector<int64_t, 4> index) {
    for (int64_t d : dims)
      index[d] = 0;
    return index;
  };
  ReducePlan plan;
  // Step 1: input local -> result local, thread-independent.
  for (int64_t l = 0; l < in.getLocalSize(); ++l) {
    int64_t target = -1;
    for (int64_t w = 0; w < workers; ++w) {
      int64_t found = -1;
      for (const layout::WorkerLocal &owner : out.getOwners(reduced(in.getLogicalIndex(w, l))))
        if (owner.worker == w)
          found = owner.local;
      if (found < 0 || (target >= 0 && found != target))
        return std::nullopt;
      target = found;
    }
    plan.localMap.push_back(target);
  }
  // Step 2: the thread-id bits that change only reduced dims.
  for (int64_t bit = 1; bit < workers; bit <<= 1) {
    bool moves = true;
    for (int64_t w = 0; w < workers && moves; ++w)
      for (int64_t l = 0; l < in.getLocalSize() && moves; ++l) {
        SmallVector<int64_t, 4> a = in.getLogicalIndex(w, l), b = in.getLogicalIndex(w ^ bit, l);
        moves = a != b && reduced(a) == reduced(b);
      }
    if (moves) {
      if (bit >= 32)
        return std::nullopt; // Across warps: would need shared memory.
      plan.xorMasks.push_back(bit);
    }
  }
  // Check: every thread's result local combines exactly its element's inputs, once each.
  int64_t span = int64_t(1) << plan.xorMasks.size();
  int64_t expected = 1;
  for (int64_t d : dims)
    expected *= in.getShape()[d];
  for (int64_t w = 0; w < workers; ++w)
    for (int64_t r = 0; r < out.getLocalSize(); ++r) {
      SmallVector<int64_t, 4> target = out.getLogicalIndex(w, r);
      std::set<SmallVector<int64_t, 4>> seen;
      int64_t count = 0;
      for (int64_t s = 0; s < span; ++s) {
        int64_t partner = w;
        for (auto [i, mask] : llvm::enumerate(plan.xorMasks))
          if (s >> i & 1)
            partner ^= mask;
        for (int64_t l = 0; l < in.getLocalSize(); ++l)
          if (plan.localMap[l] == r) {
            SmallVector<int64_t, 4> index = in.getLogicalIndex(partner, l);
            if (reduced(index) != target)
              return std::nullopt;
            seen.insert(index);
            ++count;
          }
      }
      if (count != expected || int64_t(seen.size()) != expected)
        return std::nullopt;
    }
  return plan;
}

/// Step 1 on each thread's locals, then step 2 by shuffles of 32-bit values in the warp.
Value emitShuffleReduce(ReduceOp op, ReduceOp::Adaptor adaptor, const ReducePlan &plan,
                        VectorType type, OpBuilder &b) {
  Location loc = op.getLoc();
  Type element = cast<RegType>(op.getType()).getElementType();
  SmallVector<Value> partial(type.getNumElements());
  for (auto [l, r] : llvm::enumerate(plan.localMap)) {
    Value x = vector::ExtractOp::create(b, loc, adaptor.getInput(), l);
    partial[r] = partial[r] ? emitReduceCombine(b, loc, op.getKind(), element, partial[r], x) : x;
  }
  Value width = arith::ConstantIntOp::create(b, loc, 32, 32);
  for (Value &value : partial)
    for (int64_t mask : plan.xorMasks) {
      Value offset = arith::ConstantIntOp::create(b, loc, mask, 32);
      Value other = gpu::ShuffleOp::create(b, loc, value, offset, width, gpu::ShuffleMode::XOR)
                        .getShuffleResult();
      value = emitReduceCombine(b, loc, op.getKind(), element, value, other);
    }
  return vector::FromElementsOp::create(b, loc, type, partial);
}

} // namespace

bool lowbit::tile::hasShuffleReducePlan(ReduceOp op) {
  // Warp shuffles move 32-bit values.
  Type element = getStorageType(cast<RegType>(op.getType()).getElementType());
  return (element.isF32() || element.isInteger(32)) && getReducePlan(op).has_value();
}

void lowbit::tile::populateTileToNVVMReducePatterns(TypeConverter &converter,
                                                    RewritePatternSet &patterns) {
  patterns.add<PlannedLowering<ReduceOp, ReducePlan>>(
      converter, patterns.getContext(), getReducePlan, emitShuffleReduce, "no shuffle plan");
}
