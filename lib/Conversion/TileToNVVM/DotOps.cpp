//===- DotOps.cpp - tile-to-nvvm: tile.dot by mma.sync ---------------------===//
//
// A tile.dot whose A, B and C layouts are block compositions `outer * fragment` of the PTX
// mma.sync fragment layouts (ptxMmaM16N8K16F16A/B/C for f16 x f16 -> f32, ptxMmaM16N8K32S8A/B/C
// for s8 x s8 -> i32) becomes one nvgpu.mma.sync per (C tile, K step) of each warp. The outer
// layouts place fragment tiles: their workers are warps (thread id / 32), their locals the
// tiles a thread holds (local / fragment locals). For each C tile local and K step, the A and
// B tile locals are found statically and must be the same in every warp; the plan is also
// checked element by element against the layouts (digit order: fragment least significant).
// A fragment is local l of the thread's vector at `tile * fragmentLocals + l`.
//
//===----------------------------------------------------------------------===//
#include "Common/GPUPatterns.h"
#include "TileToNVVM.h"

#include "lowbit/Layout/InstructionLayouts.h"

#include "mlir/Dialect/NVGPU/IR/NVGPUDialect.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

using namespace mlir;
using namespace lowbit;
using namespace lowbit::tile;

namespace {

struct MmaPlan {
  std::array<int64_t, 3> shape; // m, n, k
  /// For each C tile local: the (A tile local, B tile local) of each K step.
  SmallVector<SmallVector<std::pair<int64_t, int64_t>>> steps;
};

/// The outer layout when `full` = outer * `fragment` with the fragment's digits least
/// significant (checked on every element).
std::optional<layout::RegisterLayout> outerOf(const layout::RegisterLayout &full,
                                              const layout::RegisterLayout &fragment) {
  llvm::Expected<layout::RegisterLayout> outer = layout::divideRight(full, fragment);
  if (!outer) {
    llvm::consumeError(outer.takeError());
    return std::nullopt;
  }
  int64_t fw = fragment.getNumWorkers(), fl = fragment.getLocalSize();
  ArrayRef<int64_t> fs = fragment.getShape();
  for (int64_t w = 0; w < full.getNumWorkers(); ++w)
    for (int64_t l = 0; l < full.getLocalSize(); ++l) {
      SmallVector<int64_t, 4> index = full.getLogicalIndex(w, l);
      SmallVector<int64_t, 4> o = outer->getLogicalIndex(w / fw, l / fl);
      SmallVector<int64_t, 4> f = fragment.getLogicalIndex(w % fw, l % fl);
      for (size_t d = 0; d < index.size(); ++d)
        if (index[d] != o[d] * fs[d] + f[d])
          return std::nullopt;
    }
  return *outer;
}

/// The local of `layout` that worker w holds `index` at, the same for every w; or -1.
int64_t uniformLocal(const layout::RegisterLayout &layout, int64_t w,
                     ArrayRef<int64_t> index) {
  for (const layout::WorkerLocal &owner : layout.getOwners(index))
    if (owner.worker == w)
      return owner.local;
  return -1;
}

std::optional<MmaPlan> getMmaPlan(DotOp op) {
  Type a = cast<RegType>(op.getA().getType()).getElementType();
  Type b = cast<RegType>(op.getB().getType()).getElementType();
  Type c = cast<RegType>(op.getC().getType()).getElementType();
  auto isS8 = [](Type t) { return t.isSignedInteger(8) || t.isSignlessInteger(8); };
  MmaPlan plan;
  layout::RegisterLayout fa, fb, fc;
  // (bf16 would need nvvm.mma.sync directly: nvgpu.mma.sync cannot type bf16 operands.)
  if (a.isF16() && b.isF16() && c.isF32()) {
    plan.shape = {16, 8, 16};
    fa = layout::ptxMmaM16N8K16F16A(), fb = layout::ptxMmaM16N8K16F16B();
    fc = layout::ptxMmaM16N8K16C();
  } else if (isS8(a) && isS8(b) && (c.isSignedInteger(32) || c.isSignlessInteger(32))) {
    plan.shape = {16, 8, 32};
    fa = layout::ptxMmaM16N8K32S8A(), fb = layout::ptxMmaM16N8K32S8B();
    fc = layout::ptxMmaM16N8K32C();
  } else {
    return std::nullopt;
  }
  std::optional<layout::RegisterLayout> oa = outerOf(getRegisterLayout(op.getA()), fa),
                                        ob = outerOf(getRegisterLayout(op.getB()), fb),
                                        oc = outerOf(getRegisterLayout(op.getC()), fc);
  if (!oa || !ob || !oc || oa->getNumWorkers() != oc->getNumWorkers() ||
      ob->getNumWorkers() != oc->getNumWorkers())
    return std::nullopt;
  int64_t kTiles = oa->getShape()[1];
  for (int64_t rc = 0; rc < oc->getLocalSize(); ++rc) {
    SmallVector<std::pair<int64_t, int64_t>> steps;
    for (int64_t kt = 0; kt < kTiles; ++kt) {
      int64_t ra = -2, rb = -2;
      for (int64_t w = 0; w < oc->getNumWorkers(); ++w) {
        SmallVector<int64_t, 4> tile = oc->getLogicalIndex(w, rc);
        int64_t la = uniformLocal(*oa, w, {tile[0], kt});
        int64_t lb = uniformLocal(*ob, w, {kt, tile[1]});
        if (la < 0 || lb < 0 || (ra != -2 && (la != ra || lb != rb)))
          return std::nullopt;
        ra = la, rb = lb;
      }
      steps.push_back({ra, rb});
    }
    plan.steps.push_back(std::move(steps));
  }
  return plan;
}

/// Fragment `tile` of a thread's vector as the rows x cols vector of nvgpu.mma.sync, by
/// shuffles (convert-gpu-to-nvvm lowers neither vector.shape_cast nor strided slices).
Value emitFragment(OpBuilder &b, Location loc, Value v, int64_t tile, int64_t rows, int64_t cols) {
  auto type = cast<VectorType>(v.getType());
  auto shaped = VectorType::get({rows, cols}, type.getElementType());
  Value result = arith::ConstantOp::create(b, loc, shaped, b.getZeroAttr(shaped));
  for (int64_t r = 0; r < rows; ++r) {
    int64_t first = (tile * rows + r) * cols;
    SmallVector<int64_t> mask = llvm::to_vector(llvm::seq<int64_t>(first, first + cols));
    Value row = vector::ShuffleOp::create(b, loc, v, v, mask);
    result = vector::InsertOp::create(b, loc, row, result, r);
  }
  return result;
}

/// One nvgpu.mma.sync per C tile and K step, the C tiles concatenated back into the thread's
/// vector.
Value emitMmaSyncDot(DotOp op, DotOp::Adaptor adaptor, const MmaPlan &plan, VectorType,
                     OpBuilder &b) {
  Location loc = op.getLoc();
  int64_t packA = plan.shape[2] / 8, packB = plan.shape[2] / 8; // elements per register
  Value result;
  for (auto [rc, steps] : llvm::enumerate(plan.steps)) {
    Value acc = emitFragment(b, loc, adaptor.getC(), rc, 2, 2);
    for (auto [ra, rb] : steps)
      acc = nvgpu::MmaSyncOp::create(b, loc, emitFragment(b, loc, adaptor.getA(), ra, 4, packA),
                                     emitFragment(b, loc, adaptor.getB(), rb, 2, packB), acc,
                                     b.getI64ArrayAttr(plan.shape));
    // Back to 1-D by shuffles of the rows (extracting scalars would be folded into a
    // vector.shape_cast, which convert-gpu-to-nvvm does not lower).
    Value row0 = vector::ExtractOp::create(b, loc, acc, 0);
    Value row1 = vector::ExtractOp::create(b, loc, acc, 1);
    Value tile = vector::ShuffleOp::create(b, loc, row0, row1, ArrayRef<int64_t>{0, 1, 2, 3});
    if (!result) {
      result = tile;
      continue;
    }
    int64_t size = cast<VectorType>(result.getType()).getNumElements();
    SmallVector<int64_t> mask = llvm::to_vector(llvm::seq<int64_t>(0, size + 4));
    result = vector::ShuffleOp::create(b, loc, result, tile, mask);
  }
  return result;
}

} // namespace

bool lowbit::tile::hasMmaPlan(DotOp op) { return getMmaPlan(op).has_value(); }

void lowbit::tile::populateTileToNVVMDotPatterns(TypeConverter &converter,
                                                 RewritePatternSet &patterns) {
  patterns.add<PlannedLowering<DotOp, MmaPlan>>(converter, patterns.getContext(), getMmaPlan,
                                                emitMmaSyncDot, "not the mma fragment layouts");
}
