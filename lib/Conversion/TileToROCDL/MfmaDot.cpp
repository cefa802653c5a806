//===- MfmaDot.cpp - tile-to-rocdl: tile.dot as amdgpu.mfma ----------------===//
//
// A dot lowers to mfma when each operand is a block composition of the instruction's fragment
// layout: element (w, l) of A (M x K) is element (w % 64, l % 4) of the 16x16x16 A fragment
// in the fragment tile OA(w / 64, l / 4), and likewise for B and C. Waves are the outer
// workers, fragments held by one thread the outer locals. The plan is found by evaluating the
// layouts: for every outer local of C (fragment tile (i, j)) and every k, the outer locals of A
// (tile (i, k)) and B (tile (k, j)) that the wave holds, the same for every wave. Each step is
// one amdgpu.mfma on slices of the thread's vectors.
//
//===----------------------------------------------------------------------===//
#include "Common/GPUPatterns.h"
#include "ROCDLPatterns.h"

#include "lowbit/Layout/InstructionLayouts.h"

#include "mlir/Dialect/AMDGPU/IR/AMDGPUDialect.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

using namespace mlir;
using namespace lowbit;
using namespace lowbit::tile;
using namespace lowbit::tile::rocdl;

namespace {

struct Instruction {
  int64_t m, n, k;
  layout::RegisterLayout a, b, c;
};

/// The fragment tile map of `whole` over `fragment`: outer[wave][outerLocal] = tile index,
/// or nullopt if `whole` is not a block composition of `fragment`.
std::optional<SmallVector<SmallVector<SmallVector<int64_t, 2>>>>
decompose(const layout::RegisterLayout &whole, const layout::RegisterLayout &fragment) {
  ArrayRef<int64_t> shape = whole.getShape(), tile = fragment.getShape();
  int64_t lanes = fragment.getNumWorkers(), nf = fragment.getLocalSize();
  int64_t workers = whole.getNumWorkers(), locals = whole.getLocalSize();
  if (shape.size() != 2 || shape[0] % tile[0] || shape[1] % tile[1] || workers % lanes ||
      locals % nf || workers * locals > (int64_t(1) << 20))
    return std::nullopt;
  SmallVector<SmallVector<SmallVector<int64_t, 2>>> outer(
      workers / lanes, SmallVector<SmallVector<int64_t, 2>>(locals / nf));
  for (int64_t w = 0; w < workers; ++w)
    for (int64_t l = 0; l < locals; ++l) {
      SmallVector<int64_t, 4> index = whole.getLogicalIndex(w, l);
      SmallVector<int64_t, 4> inner = fragment.getLogicalIndex(w % lanes, l % nf);
      if (index[0] % tile[0] != inner[0] || index[1] % tile[1] != inner[1])
        return std::nullopt;
      SmallVector<int64_t, 2> block = {index[0] / tile[0], index[1] / tile[1]};
      SmallVector<int64_t, 2> &known = outer[w / lanes][l / nf];
      if (l % nf == 0 && w % lanes == 0)
        known = block;
      else if (known != block)
        return std::nullopt;
    }
  return outer;
}

std::optional<int64_t> findLocal(ArrayRef<SmallVector<int64_t, 2>> tiles, int64_t i, int64_t j) {
  for (auto [local, block] : llvm::enumerate(tiles))
    if (block[0] == i && block[1] == j)
      return local;
  return std::nullopt;
}

} // namespace

std::optional<MfmaPlan> rocdl::planMfmaDot(DotOp op) {
  RegType a = op.getA().getType(), b = op.getB().getType(), c = op.getC().getType();
  if (!a.hasLayout() || !b.hasLayout() || !c.hasLayout() || !a.getElementType().isF16() ||
      !b.getElementType().isF16() || !c.getElementType().isF32())
    return std::nullopt;
  Instruction instructions[] = {{16, 16, 16, layout::amdMfma16x16x16F16A(),
                                 layout::amdMfma16x16x16F16B(), layout::amdMfma16x16x16F16C()},
                                {32, 32, 8, layout::amdMfma32x32x8F16A(),
                                 layout::amdMfma32x32x8F16B(), layout::amdMfma32x32x8F16C()}};
  for (const Instruction &inst : instructions) {
    auto oa = decompose(a.getRegisterLayout(), inst.a);
    auto ob = decompose(b.getRegisterLayout(), inst.b);
    auto oc = decompose(c.getRegisterLayout(), inst.c);
    if (!oa || !ob || !oc || oa->size() != oc->size() || ob->size() != oc->size())
      continue;
    int64_t kTiles = a.getShape()[1] / inst.k;
    MfmaPlan plan{
        inst.m, inst.n, inst.k, inst.a.getLocalSize(), inst.b.getLocalSize(), inst.c.getLocalSize(),
        {}};
    bool ok = true;
    for (size_t wave = 0; wave < oc->size() && ok; ++wave)
      for (auto [lc, block] : llvm::enumerate((*oc)[wave])) {
        SmallVector<std::pair<int64_t, int64_t>> steps;
        for (int64_t kk = 0; kk < kTiles && ok; ++kk) {
          std::optional<int64_t> la = findLocal((*oa)[wave], block[0], kk);
          std::optional<int64_t> lb = findLocal((*ob)[wave], kk, block[1]);
          if (!la || !lb)
            ok = false;
          else
            steps.push_back({*la, *lb});
        }
        if (!ok)
          break;
        if (wave == 0)
          plan.steps.push_back(std::move(steps));
        else if (plan.steps[lc] != steps)
          ok = false;
      }
    if (ok)
      return plan;
  }
  return std::nullopt;
}

namespace {

// Slices as vector.shuffle, which convert-gpu-to-rocdl lowers (llvm.shufflevector); the
// strided-slice ops would need the vector transforms first.
Value slice(OpBuilder &b, Location loc, Value vector, int64_t index, int64_t size) {
  SmallVector<int64_t> mask;
  for (int64_t i = 0; i < size; ++i)
    mask.push_back(index * size + i);
  return vector::ShuffleOp::create(b, loc, vector, vector, mask);
}

Value insertSlice(OpBuilder &b, Location loc, Value part, Value into, int64_t index) {
  int64_t size = cast<VectorType>(part.getType()).getNumElements();
  int64_t total = cast<VectorType>(into.getType()).getNumElements();
  SmallVector<int64_t> mask;
  for (int64_t i = 0; i < total; ++i)
    mask.push_back(i / size == index ? total + i % size : i);
  return vector::ShuffleOp::create(b, loc, into, part, mask);
}

/// The plan's mfma steps on slices of the thread's vectors; each C fragment goes back to its
/// place in the accumulator vector.
Value emitMfmaDot(DotOp op, DotOp::Adaptor adaptor, const MfmaPlan &plan, VectorType,
                  OpBuilder &b) {
  Location loc = op.getLoc();
  Value result = adaptor.getC();
  // Operand fragment `index`: the whole vector when the thread holds one fragment.
  auto part = [&](Value vector, int64_t index, int64_t size) {
    if (cast<VectorType>(vector.getType()).getNumElements() == size)
      return vector;
    return slice(b, loc, vector, index, size);
  };
  for (auto [lc, steps] : llvm::enumerate(plan.steps)) {
    Value acc =
        plan.steps.size() == 1 ? adaptor.getC() : slice(b, loc, adaptor.getC(), lc, plan.cLocals);
    for (auto [la, lb] : steps)
      acc = amdgpu::MFMAOp::create(b, loc, acc.getType(), uint32_t(plan.m), uint32_t(plan.n),
                                   uint32_t(plan.k), /*blocks=*/1u,
                                   part(adaptor.getA(), la, plan.aLocals),
                                   part(adaptor.getB(), lb, plan.bLocals), acc);
    result =
        acc.getType() == result.getType() ? acc : insertSlice(b, loc, acc, result, int64_t(lc));
  }
  return result;
}

} // namespace

void rocdl::populateMfmaDotPattern(const TypeConverter &converter, RewritePatternSet &patterns) {
  patterns.add<PlannedLowering<DotOp, MfmaPlan>>(converter, patterns.getContext(), planMfmaDot,
                                                 emitMfmaDot,
                                                 "not a composition of mfma fragment layouts");
}
