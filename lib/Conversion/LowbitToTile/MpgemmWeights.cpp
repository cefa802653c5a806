//===- MpgemmWeights.cpp - Weight codes in the layouts the mpgemm kernels read ----===//
//
// The byte table of 4-bit float weights for the int8 dot, and prepacking: the shape and code
// offset of prepacked words, the kernel that prepacks at run time and the compile-time
// prepacking of constant weights (both in the same layout, bit planes included).
//
//===----------------------------------------------------------------------===//
#include "KernelBuilder.h"
#include "MpgemmKernel.h"

#include "lowbit/Reference/Formats.h"
#include "lowbit/Support/HostTensor.h"

#include "llvm/Support/MathExtras.h"

#include <algorithm>

using namespace mlir;
using namespace lowbit;
using namespace lowbit::tile;

KernelOp tile::createKernel(OpBuilder &builder, Location loc, StringRef name, TypeRange arguments,
                            ArrayRef<int64_t> grid, int64_t workers) {
  MLIRContext *ctx = builder.getContext();
  auto kernel = KernelOp::create(builder, loc, builder.getStringAttr(name),
                                 TypeAttr::get(FunctionType::get(ctx, arguments, {})),
                                 builder.getDenseI64ArrayAttr(grid),
                                 builder.getI64IntegerAttr(workers), nullptr, nullptr);
  Block *entry = builder.createBlock(&kernel.getBody());
  for (Type type : arguments)
    entry->addArgument(type, loc);
  return kernel;
}

Int8WeightTable lowbit::mpgemmInt8WeightTable(const MpgemmProblem &problem) {
  ref::ElementFormat format = llvm::cantFail(getReferenceFormat(problem.weightType));
  Int8WeightTable table;
  std::vector<int64_t> doubled;
  for (uint32_t code = 0; code < (uint32_t(1) << problem.weightBits); ++code)
    doubled.push_back(static_cast<int64_t>(2 * ref::decode(format, code)));
  auto [low, high] = std::minmax_element(doubled.begin(), doubled.end());
  table.offset = -*low;
  for (int64_t value : doubled)
    table.entries.push_back(static_cast<int8_t>(value + table.offset));
  table.valueScale = 0.5f;
  table.bits = llvm::Log2_64_Ceil(*high - *low + 1);
  return table;
}

SmallVector<int64_t, 2> lowbit::prepackedWordsShape(const MpgemmProblem &problem,
                                                    ScheduleAttr schedule) {
  int64_t W = schedule.getWorkers(), TN = schedule.getTileN(), TK = schedule.getTileK();
  int64_t blocks = (problem.n + TN - 1) / TN, steps = (problem.k + TK - 1) / TK;
  return {blocks * steps, TN / W * TK * problem.weightBits / 32 * W};
}

int64_t lowbit::prepackCodeOffset(const MpgemmProblem &problem, ScheduleAttr schedule) {
  if (schedule.getFamily() != ScheduleFamily::Int8Dot)
    return 0;
  if (problem.weightKind == CodeKind::Signed)
    return int64_t(1) << (problem.weightBits - 1);
  // Ternary codes 0b00 = 0, 0b01 = 1, 0b11 = -1 (0b10 reads as 0): stored as value + 1.
  if (problem.weightKind == CodeKind::Ternary)
    return 1;
  return 0;
}

KernelOp lowbit::buildPrepackKernel(OpBuilder &builder, Location loc, StringRef name,
                                    const MpgemmProblem &problem, ScheduleAttr schedule) {
  OpBuilder::InsertionGuard guard(builder);
  MLIRContext *ctx = builder.getContext();
  auto memref = [&](Type element) { return MemRefType::get({ShapedType::kDynamic}, element); };
  Type i8 = builder.getI8Type(), i32 = builder.getI32Type();
  Type code = IntegerType::get(ctx, problem.weightBits, IntegerType::Unsigned);
  int64_t W = schedule.getWorkers(), TN = schedule.getTileN(), TK = schedule.getTileK();
  int64_t R = TN / W, bits = problem.weightBits, N = problem.n, K = problem.k;
  int64_t rowBytes = (K * bits + 7) / 8, stepBytes = TK * bits / 8;
  SmallVector<int64_t, 2> wordsShape = prepackedWordsShape(problem, schedule);
  SmallVector<int64_t> grid = {(N + TN - 1) / TN, (K + TK - 1) / TK};
  int64_t offset = prepackCodeOffset(problem, schedule);
  KernelOp kernel = createKernel(builder, loc, name, {memref(i8), memref(i32)}, grid, W);
  Block &entry = kernel.getBody().front();
  BodyBuilder h(builder, loc);
  Value nb = BlockIndexOp::create(builder, loc, 0), kt = BlockIndexOp::create(builder, loc, 1);

  // The step's codes as interchange loads read them: worker w holds columns r * W + w, codes
  // along K. Out of N and K they read as zero bytes.
  layout::RegisterLayout natural = mpgemmColumnWeightLayout(TK, TN, W);
  Value bytes = h.load(
      h.view(entry.getArgument(0), N, rowBytes, rowBytes, 1), h.mul(nb, TN), h.mul(kt, stepBytes),
      h.reg({TN, stepBytes}, i8, layout::local({R, 1}).spatial({W, 1}).local({1, stepBytes})));
  Value codes = h.viewAs(bytes, h.reg({TK, TN}, problem.weightType, natural));
  if (offset) {
    Value values = h.castTo(codes, i32);
    values =
        AddOp::create(builder, loc, values,
                      h.splat(builder.getI32IntegerAttr(offset), cast<RegType>(values.getType())));
    codes = h.castTo(values, code);
  } else {
    // Unsigned codes, or the bits of float codes.
    codes = h.viewAs(codes, h.reg({TK, TN}, code, natural));
  }
  // Into the kernel's weight layout: every worker keeps its columns, only the order of its
  // locals changes (a broadcast without broadcast dimensions moves no data between workers).
  codes = h.broadcast(codes, h.reg({TK, TN}, code, mpgemmWeightLayout(schedule)));
  // The workers' registers as they are: word j of worker w at column j * W + w of the row.
  int64_t perWorker = wordsShape[1] / W;
  Value words =
      h.viewAs(codes, h.reg({1, wordsShape[1]}, i32, layout::local({1, perWorker}).spatial({1, W})),
               mpgemmWeightPlanes(problem, schedule));
  auto store = StoreGlobalOp::create(
      builder, loc, words,
      h.view(entry.getArgument(1), wordsShape[0], wordsShape[1], wordsShape[1], 1),
      ValueRange{h.add(h.mul(nb, grid[1]), kt), h.index(0)});
  store.setInBounds(true);
  ReturnOp::create(builder, loc);
  return kernel;
}

std::vector<int32_t> lowbit::prepackWeights(ArrayRef<uint8_t> codes, const MpgemmProblem &problem,
                                            ScheduleAttr schedule,
                                            function_ref<uint32_t(uint32_t)> transform) {
  int64_t W = schedule.getWorkers(), TN = schedule.getTileN(), TK = schedule.getTileK();
  int64_t bits = problem.weightBits, wordsPerLane = TN / W * TK * bits / 32;
  int64_t blocks = (problem.n + TN - 1) / TN, steps = (problem.k + TK - 1) / TK;
  layout::RegisterLayout weightLayout = mpgemmWeightLayout(schedule);
  std::vector<uint32_t> words(blocks * steps * wordsPerLane * W, 0);
  uint32_t mask = (uint32_t(1) << bits) - 1;
  SmallVector<int64_t, 3> planes = mpgemmWeightPlanes(problem, schedule);
  int64_t locals = weightLayout.getLocalSize();
  // Every step's tile has the same layout: the logical index of each (worker, local), the bit
  // pieces of each local and the transformed code of each code, computed once.
  SmallVector<std::pair<int64_t, int64_t>> index;
  for (int64_t w = 0; w < W; ++w)
    for (int64_t l = 0; l < locals; ++l) {
      SmallVector<int64_t, 4> logical = weightLayout.getLogicalIndex(w, l);
      index.push_back({logical[0], logical[1]});
    }
  SmallVector<SmallVector<tile::PlanarPiece>> pieces;
  if (!planes.empty())
    for (int64_t l = 0; l < locals; ++l)
      pieces.push_back(tile::getPlanarPieces(planes, locals, l));
  SmallVector<uint32_t> transformed;
  for (uint32_t code = 0; code <= mask; ++code)
    transformed.push_back(transform(code) & mask);
  // Worker w's local l of step (nb, kt) is at bits [l * bits, (l + 1) * bits) of the worker's
  // words (or in bit planes: tile::getPlanarPieces), which are row nb * steps + kt, columns
  // word * W + w.
  for (int64_t nb = 0; nb < blocks; ++nb)
    for (int64_t kt = 0; kt < steps; ++kt) {
      uint32_t *row = &words[(nb * steps + kt) * wordsPerLane * W];
      for (int64_t w = 0; w < W; ++w)
        for (int64_t l = 0; l < locals; ++l) {
          auto [dk, dn] = index[w * locals + l];
          int64_t k = kt * TK + dk, n = nb * TN + dn;
          // Past K and N: the code of the value 0 (the offset, where there is one), as the
          // run-time prepack kernel stores it and the kernel's zero-point folding expects.
          bool inside = k < problem.k && n < problem.n;
          uint32_t code = transformed[inside ? codes[n * problem.k + k] & mask : 0];
          if (!code)
            continue;
          if (!planes.empty()) {
            for (const tile::PlanarPiece &piece : pieces[l])
              row[piece.word * W + w] |=
                  ((code >> piece.codeBit) & ((uint32_t(1) << piece.width) - 1)) << piece.bit;
            continue;
          }
          int64_t bit = l * bits, word = bit / 32, shift = bit % 32;
          row[word * W + w] |= code << shift;
          if (shift + bits > 32)
            row[(word + 1) * W + w] |= code >> (32 - shift);
        }
    }
  return std::vector<int32_t>(words.begin(), words.end());
}
