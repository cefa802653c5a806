//===- ComputePatterns.cpp - tile-to-rocdl: register computation ------------===//
//
// A register tensor is the thread's vector of locals; the element-wise ops, splat, view and cast
// are the patterns both GPU lowerings share (Common/GPUPatterns.h). tile.broadcast reads, for
// each result local, the input local this thread holds (the verifier guarantees it does). The
// collective ops:
//   - tile.dot becomes amdgpu.mfma ops when the operand layouts are the fragment layouts of
//     v_mfma_f32_16x16x16f16 or v_mfma_f32_32x32x8f16, or block compositions of them
//     (MfmaDot.cpp); anything else is rejected;
//   - tile.reduce folds the thread's own locals, then combines across threads with xor
//     gpu.shuffle over the thread-id bits that select the reduced dimensions, which must lie
//     within one wave (bits 0..5); anything else is rejected.
//
//===----------------------------------------------------------------------===//
#include "Common/GPUExchange.h"
#include "Common/GPUPatterns.h"
#include "Common/LayoutCodegen.h"
#include "Common/TileCodegen.h"
#include "ROCDLPatterns.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "llvm/Support/MathExtras.h"

using namespace mlir;
using namespace lowbit;
using namespace lowbit::tile;
using namespace lowbit::tile::rocdl;

namespace {

// --- tile.reduce ----------------------------------------------------------------------------

/// How a reduction is split between each thread's locals and the shuffles.
struct ReducePlan {
  /// For each result local, the input locals of the thread that fold into it.
  SmallVector<SmallVector<int64_t>> locals;
  /// The thread-id bits to xor-shuffle over.
  SmallVector<int64_t> shuffleBits;
};

/// Plans the reduction by evaluating the layouts, or says why it cannot be done in a wave.
FailureOr<ReducePlan> planReduce(ReduceOp op, std::string &why) {
  RegType inType = op.getInput().getType(), outType = op.getResult().getType();
  if (!inType.hasLayout() || !outType.hasLayout()) {
    why = "needs laid-out operands";
    return failure();
  }
  const layout::RegisterLayout &in = inType.getRegisterLayout(), &out = outType.getRegisterLayout();
  int64_t workers = in.getNumWorkers(), n = in.getLocalSize(), m = out.getLocalSize();
  if (!llvm::isPowerOf2_64(workers) || workers * n * std::max<int64_t>(m, 16) > (1 << 22)) {
    why = "supports power-of-two worker counts and tiles of at most 2^22 worker-locals";
    return failure();
  }
  SmallVector<bool> reduced(inType.getShape().size(), false);
  for (int64_t dim : op.getDims())
    reduced[dim] = true;
  // Whether two indices agree on the kept (resp. reduced) dimensions.
  auto agree = [&](ArrayRef<int64_t> x, ArrayRef<int64_t> y, bool onReduced) {
    for (size_t d = 0; d < x.size(); ++d)
      if (reduced[d] == onReduced && x[d] != y[d])
        return false;
    return true;
  };
  ReducePlan plan;
  for (int64_t bit = 1, position = 0; bit < workers; bit <<= 1, ++position) {
    bool keeps = true, reduces = true;
    for (int64_t w = 0; w < workers && (keeps || reduces); ++w)
      for (int64_t l = 0; l < n; ++l) {
        SmallVector<int64_t, 4> x = in.getLogicalIndex(w, l), y = in.getLogicalIndex(w ^ bit, l);
        keeps &= agree(x, y, /*onReduced=*/true);
        reduces &= agree(x, y, /*onReduced=*/false) && !agree(x, y, /*onReduced=*/true);
      }
    if (!keeps && !reduces) {
      why = "needs each worker-index bit to select either kept or reduced dimensions";
      return failure();
    }
    if (reduces && !keeps) {
      if (bit >= kWaveSize) {
        why = "reduces across waves (worker-index bit " + std::to_string(position) +
              "); only reductions within a wave of 64 are supported";
        return failure();
      }
      plan.shuffleBits.push_back(bit);
    }
  }
  int64_t extent = 1;
  for (int64_t dim : op.getDims())
    extent *= inType.getShape()[dim];
  for (int64_t r = 0; r < m; ++r) {
    SmallVector<int64_t> locals;
    for (int64_t l = 0; l < n; ++l) {
      int64_t hits = 0;
      for (int64_t w = 0; w < workers; ++w)
        hits += agree(in.getLogicalIndex(w, l), out.getLogicalIndex(w, r), /*onReduced=*/false);
      if (hits != 0 && hits != workers) {
        why = "needs the same locals of every worker to reduce together";
        return failure();
      }
      if (hits)
        locals.push_back(l);
    }
    if (int64_t(locals.size()) << plan.shuffleBits.size() != extent) {
      why = "cannot account for every reduced element exactly once";
      return failure();
    }
    plan.locals.push_back(std::move(locals));
  }
  if (!plan.shuffleBits.empty() &&
      getStorageType(inType.getElementType()).getIntOrFloatBitWidth() != 32) {
    why = "shuffles 32-bit elements only (f32, i32)";
    return failure();
  }
  return plan;
}

/// planReduce without the reason: checkOpForROCDL reports it before the conversion runs.
std::optional<ReducePlan> planWaveReduce(ReduceOp op) {
  std::string why;
  FailureOr<ReducePlan> plan = planReduce(op, why);
  if (failed(plan))
    return std::nullopt;
  return std::move(*plan);
}

/// Each result local folds its input locals, then combines across threads by xor shuffles.
Value emitWaveReduce(ReduceOp op, ReduceOp::Adaptor adaptor, const ReducePlan &plan,
                     VectorType vectorType, OpBuilder &b) {
  Type element = op.getInput().getType().getElementType();
  Location loc = op.getLoc();
  Value result = arith::ConstantOp::create(b, loc, b.getZeroAttr(vectorType));
  for (auto [r, locals] : llvm::enumerate(plan.locals)) {
    Value acc;
    for (int64_t l : locals) {
      Value x = vector::ExtractOp::create(b, loc, adaptor.getInput(), l);
      acc = acc ? emitReduceCombine(b, loc, op.getKind(), element, acc, x) : x;
    }
    for (int64_t bit : plan.shuffleBits) {
      Value other = gpu::ShuffleOp::create(b, loc, acc, int32_t(bit), int32_t(kWaveSize),
                                           gpu::ShuffleMode::XOR)
                        .getShuffleResult();
      acc = emitReduceCombine(b, loc, op.getKind(), element, acc, other);
    }
    result = vector::InsertOp::create(b, loc, acc, result, int64_t(r));
  }
  return result;
}

// --- Per-thread ops -------------------------------------------------------------------------

} // namespace

bool rocdl::needsExchangeForROCDL(Operation *op) {
  if (auto dot = dyn_cast<DotOp>(op))
    return !planMfmaDot(dot);
  if (auto reduce = dyn_cast<ReduceOp>(op))
    return !planWaveReduce(reduce);
  if (auto lookup = dyn_cast<LookupOp>(op))
    return lookupNeedsExchange(lookup);
  return false;
}

std::string rocdl::checkOpForROCDL(Operation *op) {
  if (isa<LaunchOp>(op))
    return "tile-to-rocdl does not lower host launches yet (no HIP runtime loader); launch the "
           "gpu.func from the HSACO with the HIP runtime";
  return "";
}

void rocdl::populateComputePatterns(const TypeConverter &converter, RewritePatternSet &patterns) {
  populateMfmaDotPattern(converter, patterns);
  MLIRContext *context = patterns.getContext();
  patterns.add<PlannedLowering<ReduceOp, ReducePlan>>(converter, context, planWaveReduce,
                                                      emitWaveReduce, "no wave-shuffle plan");
  populateGPUExchangePatterns(converter, patterns);
  populateGPUThreadComputePatterns(converter, patterns);
}
