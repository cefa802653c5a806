//===- MpgemmSideKernels.cpp - The kernels around an mpgemm's main kernel ---===//
//
// The kernels lowbit-to-tile launches before or after an mpgemm's main kernel (see
// MpgemmKernel.h): activations widened to f32 or packed for panel schedules, the activation
// sums that zero points need, the sum of split-K parts, and the lut family's tables; and
// what the kernels share about the activations and the launches: the views and tiles through
// which they read activations, the main kernel's grid.
//
//===----------------------------------------------------------------------===//
#include "KernelBuilder.h"
#include "MpgemmKernel.h"

#include "lowbit/Reference/Formats.h"
#include "lowbit/Support/HostTensor.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/SCF/IR/SCF.h"

#include <numeric>

using namespace mlir;
using namespace lowbit;
using namespace lowbit::tile;

SmallVector<int64_t> lowbit::mpgemmGrid(const MpgemmProblem &problem, ScheduleAttr schedule) {
  int64_t rows = schedule.getPanel() ? schedule.getPanel() : schedule.getTileM();
  SmallVector<int64_t> grid = {(problem.n + schedule.getTileN() - 1) / schedule.getTileN(),
                               (problem.m + rows - 1) / rows};
  if (schedule.getSplitK() > 1)
    grid.push_back(schedule.getSplitK());
  return grid;
}

Value tile::loadActivationTile(BodyBuilder &h, const MpgemmProblem &p, ScheduleAttr s,
                               Type actBuffer, Value actView, Value m0, Value k, bool inBounds) {
  int64_t W = s.getWorkers(), TM = s.getTileM(), TK = s.getTileK();
  layout::RegisterLayout aLayout = mpgemmActivationLayout(s);
  if (p.realActivations)
    return h.load(actView, m0, k, h.reg({TM, TK}, actBuffer, aLayout), inBounds);
  int64_t bytes = TK * p.actBits / 8;
  Value column = arith::DivUIOp::create(h.b, h.loc, h.mul(k, p.actBits), h.index(8));
  RegType byteType =
      h.reg({TM, bytes}, actBuffer, layout::replicated(W) * layout::local({TM, bytes}));
  Value raw = h.load(actView, m0, column, byteType, inBounds);
  return h.viewAs(raw, h.reg({TM, TK}, p.actType, aLayout));
}

Value tile::activationView(BodyBuilder &h, const MpgemmProblem &p, Value act) {
  int64_t row = p.realActivations ? p.k : (p.k * p.actBits + 7) / 8;
  return h.view(act, p.m, row, row, 1);
}

Value tile::packedActivationView(BodyBuilder &h, const MpgemmProblem &problem,
                                 ScheduleAttr schedule, Value buffer) {
  int64_t chunk = mpgemmPanelChunk(problem, schedule), tileM = schedule.getTileM();
  int64_t rows =
      mpgemmPanelChunks(problem, schedule) * mpgemmPanelTiles(problem, schedule) * chunk * tileM;
  return h.view(buffer, rows, chunk, 1, tileM);
}

KernelOp lowbit::buildActivationWidenKernel(OpBuilder &builder, Location loc, StringRef name,
                                            const MpgemmProblem &problem, int64_t workers) {
  OpBuilder::InsertionGuard guard(builder);
  Type f32 = builder.getF32Type();
  auto memref = [&](Type element) { return MemRefType::get({ShapedType::kDynamic}, element); };
  constexpr int64_t kPerLane = 16;
  int64_t chunk = kPerLane * workers;
  KernelOp kernel = createKernel(builder, loc, name, {memref(problem.actType), memref(f32)},
                                 {problem.m, (problem.k + chunk - 1) / chunk}, workers);
  Block &entry = kernel.getBody().front();
  BodyBuilder h(builder, loc);
  Value row = BlockIndexOp::create(builder, loc, 0);
  Value k = h.mul(BlockIndexOp::create(builder, loc, 1), chunk);
  layout::RegisterLayout laneRuns = layout::spatial({1, workers}).local({1, kPerLane});
  // The last chunk of a row may overhang K: masked loads and stores.
  Value narrow = h.load(h.view(entry.getArgument(0), problem.m, problem.k, problem.k, 1), row, k,
                        h.reg({1, chunk}, problem.actType, laneRuns));
  StoreGlobalOp::create(builder, loc, h.castTo(narrow, f32),
                        h.view(entry.getArgument(1), problem.m, problem.k, problem.k, 1),
                        ValueRange{row, k});
  ReturnOp::create(builder, loc);
  return kernel;
}

KernelOp lowbit::buildActivationPackKernel(OpBuilder &builder, Location loc, StringRef name,
                                           const MpgemmProblem &problem, ScheduleAttr schedule) {
  OpBuilder::InsertionGuard guard(builder);
  Type f32 = builder.getF32Type();
  auto memref = [&](Type element) { return MemRefType::get({ShapedType::kDynamic}, element); };
  int64_t workers = schedule.getWorkers(), tileM = schedule.getTileM();
  int64_t chunk = mpgemmPanelChunk(problem, schedule);
  int64_t tiles = mpgemmPanelTiles(problem, schedule);
  KernelOp kernel = createKernel(builder, loc, name, {memref(problem.actType), memref(f32)},
                                 {tiles, mpgemmPanelChunks(problem, schedule)}, workers);
  Block &entry = kernel.getBody().front();
  BodyBuilder h(builder, loc);
  Value tile = BlockIndexOp::create(builder, loc, 0);
  Value c = BlockIndexOp::create(builder, loc, 1);
  // Rows of tile g: g * TM .., the last tile moved back to end at M (M >= TM).
  Value m0 = arith::MinUIOp::create(builder, loc, h.mul(tile, tileM), h.index(problem.m - tileM));
  // Steps of W codes: lane w holds code w of the step of every row (a contiguous load per
  // row; the stores go TM apart). Loads past K give zeros, which the packed rows keep; the
  // last step of a chunk that W does not divide is masked off past the chunk.
  layout::RegisterLayout lanesAlongK = layout::local({tileM, 1}).spatial({1, workers});
  Value actView = h.view(entry.getArgument(0), problem.m, problem.k, problem.k, 1);
  Value packedView = packedActivationView(h, problem, schedule, entry.getArgument(1));
  Value row = h.mul(h.add(h.mul(c, tiles), tile), chunk * tileM);
  Value k0 = h.mul(c, chunk);
  scf::ForOp::create(builder, loc, h.index(0), h.index(chunk), h.index(workers), ValueRange(),
                     [&](OpBuilder &nested, Location, Value k, ValueRange) {
                       OpBuilder::InsertionGuard loopGuard(builder);
                       builder.setInsertionPoint(nested.getInsertionBlock(),
                                                 nested.getInsertionPoint());
                       Value rows = h.load(actView, m0, h.add(k0, k),
                                           h.reg({tileM, workers}, problem.actType, lanesAlongK));
                       StoreGlobalOp::create(builder, loc, h.castTo(rows, f32), packedView,
                                             ValueRange{row, k});
                       scf::YieldOp::create(builder, loc);
                     });
  ReturnOp::create(builder, loc);
  return kernel;
}

int64_t lowbit::mpgemmSplitPartRows(const MpgemmProblem &problem, ScheduleAttr schedule) {
  return std::max(problem.m, schedule.getTileM());
}

KernelOp lowbit::buildSplitKSumKernel(OpBuilder &builder, Location loc, StringRef name,
                                      const MpgemmProblem &problem, ScheduleAttr schedule) {
  OpBuilder::InsertionGuard guard(builder);
  int64_t parts = schedule.getSplitK(), workers = schedule.getWorkers();
  int64_t partRows = mpgemmSplitPartRows(problem, schedule);
  Type f32 = builder.getF32Type();
  auto memref = [&](Type element) { return MemRefType::get({ShapedType::kDynamic}, element); };
  constexpr int64_t nPerLane = 8;
  int64_t chunk = nPerLane * workers;
  KernelOp kernel = createKernel(builder, loc, name, {memref(f32), memref(problem.resultType)},
                                 {problem.m, (problem.n + chunk - 1) / chunk}, workers);
  Block &entry = kernel.getBody().front();
  BodyBuilder h(builder, loc);
  Value row = BlockIndexOp::create(builder, loc, 0);
  Value n = h.mul(BlockIndexOp::create(builder, loc, 1), chunk);
  RegType type = h.reg({1, chunk}, f32, layout::spatial({1, workers}).local({1, nPerLane}));
  // The last chunk of a row may overhang N: masked loads and stores.
  bool inBounds = problem.n % chunk == 0;
  Value partials = h.view(entry.getArgument(0), parts * partRows, problem.n, problem.n, 1);
  Value sum = h.load(partials, row, n, type, inBounds);
  for (int64_t part = 1; part < parts; ++part)
    sum = AddOp::create(builder, loc, sum,
                        h.load(partials, h.add(row, part * partRows), n, type, inBounds));
  auto store = StoreGlobalOp::create(
      builder, loc, h.castTo(sum, problem.resultType),
      h.view(entry.getArgument(1), problem.m, problem.n, problem.n, 1), ValueRange{row, n});
  if (inBounds)
    store.setInBounds(true);
  ReturnOp::create(builder, loc);
  return kernel;
}

KernelOp lowbit::buildActivationSumsKernel(OpBuilder &builder, Location loc, StringRef name,
                                           const MpgemmProblem &problem, Type actBuffer,
                                           int64_t workers) {
  OpBuilder::InsertionGuard guard(builder);
  MLIRContext *ctx = builder.getContext();
  Type f32 = builder.getF32Type();
  auto memref = [&](Type element) { return MemRefType::get({ShapedType::kDynamic}, element); };
  // Each step reads `chunk` elements of the group, spread over the lanes: lane w holds a
  // contiguous run of perLane (whole bytes for sub-byte codes); a step never leaves its group,
  // so small groups take fewer lanes.
  // Sums over each weight group, or over each activation group inside one.
  int64_t groupSize = problem.sumGroupSize(), groups = problem.numSumGroups();
  int64_t byteMultiple =
      problem.realActivations ? 1 : 8 / std::gcd<int64_t>(8, problem.actBits);
  if (groups > 1)
    while (workers > 1 && groupSize % (workers * byteMultiple))
      workers /= 2;
  int64_t perLane = std::max<int64_t>(
      byteMultiple, std::min<int64_t>(16, (groupSize + workers - 1) / workers) / byteMultiple *
                        byteMultiple);
  if (groups > 1)
    while (perLane > byteMultiple && groupSize % (perLane * workers))
      perLane -= byteMultiple;
  KernelOp kernel = createKernel(builder, loc, name, {memref(actBuffer), memref(f32)},
                                 {problem.m, groups}, workers);
  Block &entry = kernel.getBody().front();
  BodyBuilder h(builder, loc);
  int64_t chunk = perLane * workers;
  int64_t steps = (groupSize + chunk - 1) / chunk;
  layout::RegisterLayout laneRuns = layout::spatial({1, workers}).local({1, perLane});
  layout::RegisterLayout one = layout::local({1, 1}).replicated(workers);
  // Integer codes add up exactly in i32; everything else in f32.
  bool integer = !problem.realActivations && problem.actKind != CodeKind::Float;
  Type accElement = integer ? Type(builder.getI32Type()) : f32;
  int64_t rowElements = problem.realActivations ? problem.k : (problem.k * problem.actBits + 7) / 8;
  Value actView = h.view(entry.getArgument(0), problem.m, rowElements, rowElements, 1);
  Value sumView = h.view(entry.getArgument(1), problem.m, groups, groups, 1);
  Value row = BlockIndexOp::create(builder, loc, 0);
  Value group = BlockIndexOp::create(builder, loc, 1);
  Value k0 = h.mul(group, groupSize);
  RegType accType = h.reg({1, chunk}, accElement, laneRuns);
  Value zero = h.splat(integer ? Attribute(builder.getI32IntegerAttr(0))
                               : Attribute(builder.getF32FloatAttr(0)),
                       accType);
  auto loop = scf::ForOp::create(
      builder, loc, h.index(0), h.index(steps), h.index(1), ValueRange{zero},
      [&](OpBuilder &nested, Location, Value step, ValueRange args) {
        OpBuilder::InsertionGuard inner(builder);
        builder.setInsertionPoint(nested.getInsertionBlock(), nested.getInsertionPoint());
        Value k = h.add(k0, h.mul(step, chunk));
        Value values;
        if (problem.realActivations) {
          values = h.load(actView, row, k, h.reg({1, chunk}, actBuffer, laneRuns));
        } else {
          // The bytes of low-bit codes: each lane reads its run's bytes.
          int64_t laneBytes = perLane * problem.actBits / 8;
          Value column =
              arith::DivUIOp::create(builder, loc, h.mul(k, problem.actBits), h.index(8));
          values = h.load(actView, row, column,
                          h.reg({1, laneBytes * workers}, actBuffer,
                                layout::spatial({1, workers}).local({1, laneBytes})));
          values = h.viewAs(values, h.reg({1, chunk}, problem.actType, laneRuns));
        }
        Value widened = h.castTo(values, accElement);
        scf::YieldOp::create(builder, loc,
                             ValueRange{AddOp::create(builder, loc, args[0], widened)});
      });
  Value total = ReduceOp::create(builder, loc, h.reg({1, 1}, accElement, one), ReduceKind::Add,
                                 loop.getResult(0), ArrayRef<int64_t>{1});
  StoreGlobalOp::create(builder, loc, h.castTo(total, f32), sumView, ValueRange{row, group});
  ReturnOp::create(builder, loc);
  (void)ctx;
  return kernel;
}

std::vector<float> lowbit::mpgemmLutDecoding(const MpgemmProblem &problem) {
  // Integer and ternary formats always have a reference format (analyzeMpgemm took the type).
  ref::ElementFormat format = llvm::cantFail(getReferenceFormat(problem.weightType));
  unsigned bits = problem.weightBits;
  std::vector<float> decoding;
  for (unsigned i = 0; i < 4 / bits; ++i)
    for (uint32_t slice = 0; slice < 16; ++slice)
      decoding.push_back(static_cast<float>(ref::decode(format, slice >> (i * bits))));
  return decoding;
}

int64_t lowbit::mpgemmLutTableColumns(const MpgemmProblem &problem, ScheduleAttr schedule) {
  int64_t TK = schedule.getTileK(), steps = (problem.k + TK - 1) / TK;
  return steps * TK / (4 / problem.weightBits) * 16;
}

KernelOp lowbit::buildLutTablesKernel(OpBuilder &builder, Location loc, StringRef name,
                                      const MpgemmProblem &problem, ScheduleAttr schedule,
                                      Type actBuffer) {
  OpBuilder::InsertionGuard guard(builder);
  auto memref = [&](Type element) { return MemRefType::get({ShapedType::kDynamic}, element); };
  Type f32 = builder.getF32Type();
  int64_t W = schedule.getWorkers(), TK = schedule.getTileK();
  int64_t perSlice = 4 / problem.weightBits, slices = TK / perSlice;
  int64_t steps = (problem.k + TK - 1) / TK, columns = mpgemmLutTableColumns(problem, schedule);
  KernelOp kernel = createKernel(builder, loc, name, {memref(actBuffer), memref(f32), memref(f32)},
                                 {steps, problem.m}, W);
  Block &entry = kernel.getBody().front();
  BodyBuilder h(builder, loc);
  Value step = BlockIndexOp::create(builder, loc, 0), row = BlockIndexOp::create(builder, loc, 1);
  Value k = h.mul(step, TK);
  // One row's activations of the step, as f32.
  Value a = loadActivationTile(h, problem, schedule, actBuffer,
                               activationView(h, problem, entry.getArgument(0)), row, k,
                               /*inBounds=*/problem.k % TK == 0);
  a = h.castTo(a, f32);
  Value decoding = h.load(h.view(entry.getArgument(1), perSlice, 16, 16, 1), h.index(0),
                          h.index(0),
                          h.reg({perSlice, 16}, f32, mpgemmLutDecodingLayout(schedule,
                                                                             problem.weightBits)),
                          /*inBounds=*/true);
  Value tables = h.view(entry.getArgument(2), problem.m, columns, columns, 1);
  RegType tableType = h.reg({1, 16}, f32, mpgemmLutTableLayout(schedule));
  RegType sliceType =
      h.reg({1, perSlice}, f32, layout::replicated(W) * layout::local({1, perSlice}));
  Value empty = h.splat(builder.getF32FloatAttr(0), tableType);
  Value first = h.mul(step, slices * 16);
  for (int64_t j = 0; j < slices; ++j) {
    Value aj = ExtractSliceOp::create(builder, loc, sliceType, a,
                                      ArrayRef<int64_t>{0, j * perSlice});
    Value sums = DotOp::create(builder, loc, tableType, aj, decoding, empty);
    auto store = StoreGlobalOp::create(builder, loc, sums, tables,
                                       ValueRange{row, h.add(first, 16 * j)});
    store.setInBounds(true);
  }
  ReturnOp::create(builder, loc);
  return kernel;
}
