//===- MpgemmKernel.cpp - The tile kernels of a scheduled lowbit.mpgemm ----===//
//
// See MpgemmKernel.h for the kernels' arguments and structure. Every register tensor is
// written with its layout (from MpgemmSchedule.h), so the kernels need no layout inference.
//
//===----------------------------------------------------------------------===//
#include "MpgemmKernel.h"
#include "KernelBuilder.h"

#include "lowbit/Reference/Formats.h"
#include "lowbit/Support/HostTensor.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/SCF/IR/SCF.h"

#include <numeric>

using namespace mlir;
using namespace lowbit;
using namespace lowbit::tile;

SmallVector<Type> MpgemmKernelSignature::argumentTypes(MLIRContext *context) const {
  auto buffer = [&](Type element) { return MemRefType::get({ShapedType::kDynamic}, element); };
  Type f32 = Float32Type::get(context);
  SmallVector<Type> types = {buffer(act), buffer(weights), buffer(scales)};
  if (zeros)
    types.push_back(buffer(zeros));
  if (hasSums)
    types.push_back(buffer(f32));
  if (actScale)
    types.push_back(buffer(actScale));
  if (actZero)
    types.push_back(buffer(actZero));
  if (bias)
    types.push_back(buffer(bias));
  if (hasTensorScale)
    types.push_back(buffer(f32));
  if (table)
    types.push_back(buffer(table));
  types.push_back(buffer(out));
  return types;
}

SmallVector<int64_t> lowbit::mpgemmGrid(const MpgemmProblem &problem, ScheduleAttr schedule) {
  SmallVector<int64_t> grid = {(problem.n + schedule.getTileN() - 1) / schedule.getTileN(),
                               (problem.m + schedule.getTileM() - 1) / schedule.getTileM()};
  if (schedule.getSplitK() > 1)
    grid.push_back(schedule.getSplitK());
  return grid;
}

namespace {

/// The activations [TM, TK] of rows m0.. and codes k.. (every worker holds all of them): the
/// elements, or the bytes of low-bit codes viewed as their type.
Value loadActivationTile(BodyBuilder &h, const MpgemmProblem &p, ScheduleAttr s, Type actBuffer,
                         Value actView, Value m0, Value k, bool inBounds) {
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

/// A 2-d view of the activations: elements, or the bytes of low-bit codes.
Value activationView(BodyBuilder &h, const MpgemmProblem &p, Value act) {
  int64_t row = p.realActivations ? p.k : (p.k * p.actBits + 7) / 8;
  return h.view(act, p.m, row, row, 1);
}

/// The body of the main kernel (see MpgemmKernel.h).
class MpgemmBody {
public:
  MpgemmBody(BodyBuilder &h, const MpgemmProblem &p, ScheduleAttr s,
             const MpgemmKernelSignature &sig, Block &entry)
      : h(h), p(p), s(s), sig(sig) {
    W = s.getWorkers();
    TM = s.getTileM();
    TN = s.getTileN();
    TK = s.getTileK();
    R = TN / W;
    GB = p.numGroups > 1 ? s.getScaleGroups() : 1;
    S = s.getSplitK();
    int8 = s.getFamily() == ScheduleFamily::Int8Dot;
    lut = s.getFamily() == ScheduleFamily::Lut;
    fullSteps = p.k % TK == 0;
    unsigned next = 0;
    act = entry.getArgument(next++);
    weights = entry.getArgument(next++);
    scales = entry.getArgument(next++);
    if (sig.zeros)
      zeros = entry.getArgument(next++);
    if (sig.hasSums)
      sums = entry.getArgument(next++);
    if (sig.actScale)
      actScale = entry.getArgument(next++);
    if (sig.actZero)
      actZero = entry.getArgument(next++);
    if (sig.bias)
      bias = entry.getArgument(next++);
    if (sig.hasTensorScale)
      tensorScale = entry.getArgument(next++);
    if (sig.table)
      table = entry.getArgument(next++);
    out = entry.getArgument(next++);
  }

  void build() {
    OpBuilder &b = h.b;
    Type f32 = b.getF32Type();
    Value n0 = h.mul(BlockIndexOp::create(b, h.loc, 0), TN);
    Value m0 = h.mul(BlockIndexOp::create(b, h.loc, 1), TM);
    if (S > 1)
      split = BlockIndexOp::create(b, h.loc, 2);
    RegType accType = h.reg({TM, TN}, f32, mpgemmResultLayout(s));
    makeViews();

    // The last block of a dimension that the tile does not divide moves back to end at the
    // edge, overlapping its neighbour: both compute the overlapped results alike and write the
    // same values, and every block stays inside (no masked accesses, which are slow on CPUs).
    // Prepacked weights are laid out per block of N, so there only M blocks move.
    bool shiftM = p.m % TM != 0 && p.m > TM;
    bool shiftN = p.n % TN != 0 && p.n > TN && s.getPacking() == WeightPacking::Interchange;
    if (shiftM)
      m0 = arith::MinSIOp::create(b, h.loc, m0, h.index(p.m - TM));
    if (shiftN)
      n0 = arith::MinSIOp::create(b, h.loc, n0, h.index(p.n - TN));
    bool insideM = p.m % TM == 0 || shiftM, insideN = p.n % TN == 0 || shiftN;

    // Interior blocks (the whole tile inside M and N) read and write without masks; the
    // others (at the right and bottom edges) keep them. A tile larger than the matrix has no
    // interior block.
    if (insideM && insideN) {
      blockBody(m0, n0, accType, /*interior=*/true);
    } else if (TM > p.m || TN > p.n) {
      blockBody(m0, n0, accType, /*interior=*/false);
    } else {
      auto fits = [&](Value start, int64_t tile, int64_t extent) {
        return arith::CmpIOp::create(b, h.loc, arith::CmpIPredicate::sle, h.add(start, tile),
                                     h.index(extent))
            .getResult();
      };
      Value inside = insideM   ? fits(n0, TN, p.n)
                     : insideN ? fits(m0, TM, p.m)
                               : arith::AndIOp::create(b, h.loc, fits(n0, TN, p.n),
                                                       fits(m0, TM, p.m))
                                     .getResult();
      auto ifOp = scf::IfOp::create(b, h.loc, TypeRange(), inside, /*addThenBlock=*/true,
                                    /*addElseBlock=*/true);
      OpBuilder::InsertionGuard guard(b);
      b.setInsertionPointToStart(ifOp.thenBlock());
      blockBody(m0, n0, accType, /*interior=*/true);
      scf::YieldOp::create(b, h.loc);
      b.setInsertionPointToStart(ifOp.elseBlock());
      blockBody(m0, n0, accType, /*interior=*/false);
      scf::YieldOp::create(b, h.loc);
    }
    ReturnOp::create(b, h.loc);
  }

private:
  /// The body of one block: all groups, the epilogue, the store.
  void blockBody(Value m0, Value n0, RegType accType, bool isInterior) {
    OpBuilder &b = h.b;
    interior = isInterior;
    // The rows' activation zero points as f32, over the block's [TM, TN] (the group
    // epilogue's corrections), and for fma spread over the step's [TM, TK] (subtracted from
    // the activations; int8_dot folds them out of its sums instead).
    // (Zero points per activation group: loaded per group or piece, in groupBody.)
    blockActZero = rowActZero = Value();
    if (actZero && !p.actGroupSize)
      setActZero(p.actPerToken ? h.load(actZeroView, m0, h.index(0),
                                        h.reg({TM, 1}, sig.actZero, mpgemmRowLayout(s)), interior)
                               : loadScalar(actZeroView, sig.actZero),
                 accType);
    Value acc = h.splat(b.getF32FloatAttr(0), accType);
    int64_t numBlocks = (p.numGroups + GB - 1) / GB;
    // Split K: part `split` covers the blocks of groups [split * C, (split + 1) * C).
    Value firstBlock = h.index(0), endBlock = h.index(numBlocks);
    if (split) {
      int64_t perPart = (numBlocks + S - 1) / S;
      firstBlock = h.mul(split, perPart);
      endBlock = arith::MinUIOp::create(b, h.loc, h.add(firstBlock, perPart), endBlock);
    }
    auto groupLoop = scf::ForOp::create(
        b, h.loc, firstBlock, endBlock, h.index(1), ValueRange{acc},
        [&](OpBuilder &nested, Location, Value block, ValueRange args) {
          OpBuilder::InsertionGuard guard(b);
          b.setInsertionPoint(nested.getInsertionBlock(), nested.getInsertionPoint());
          Value g0 = h.mul(block, GB);
          GroupValues values = loadGroupValues(g0, n0);
          Value current = args[0];
          for (int64_t gi = 0; gi < GB; ++gi) {
            Value group = h.add(g0, gi);
            if (p.numGroups % GB == 0) {
              current = groupBody(current, values, gi, group, m0, n0);
              continue;
            }
            // The last block of groups may be partial.
            Value inside = arith::CmpIOp::create(b, h.loc, arith::CmpIPredicate::slt, group,
                                                 h.index(p.numGroups));
            auto guardIf = scf::IfOp::create(b, h.loc, TypeRange{accType}, inside,
                                             /*addThenBlock=*/true, /*addElseBlock=*/true);
            {
              OpBuilder::InsertionGuard inner(b);
              b.setInsertionPointToStart(guardIf.thenBlock());
              Value updated = groupBody(current, values, gi, group, m0, n0);
              scf::YieldOp::create(b, h.loc, updated);
              b.setInsertionPointToStart(guardIf.elseBlock());
              scf::YieldOp::create(b, h.loc, current);
            }
            current = guardIf.getResult(0);
          }
          scf::YieldOp::create(b, h.loc, current);
        });
    acc = groupLoop.getResult(0);
    acc = epilogue(acc, m0, n0, accType);
    // Split K: the part's f32 partial result goes to rows split * P + m of the partials.
    Value result = split ? acc : h.castTo(acc, p.resultType);
    Value row = split ? h.add(h.mul(split, mpgemmSplitPartRows(p, s)), m0) : m0;
    auto store = StoreGlobalOp::create(b, h.loc, result, outView, ValueRange{row, n0});
    if (interior)
      store.setInBounds(true);
  }

  struct GroupValues {
    Value scales, zeros; // [GB, TN] f32, or null
  };

  void makeViews() {
    int64_t m = p.m, n = p.n, k = p.k;
    actView = activationView(h, p, act);
    if (s.getPacking() == WeightPacking::Interchange) {
      int64_t rowBytes = (k * p.weightBits + 7) / 8;
      weightView = h.view(weights, n, rowBytes, rowBytes, 1);
    } else {
      int64_t steps = (k + TK - 1) / TK, words = R * (TK * p.weightBits / 32) * W;
      int64_t blocks = (n + TN - 1) / TN;
      weightView = h.view(weights, blocks * steps, words, words, 1);
    }
    // Per-group values are [N, G]; the views are transposed: [G, N].
    if (p.perTensorScale)
      scaleView = h.view(scales, 1, 1, 1, 1);
    else
      scaleView = h.view(scales, p.numGroups, n, 1, p.numGroups);
    if (zeros) {
      if (isa<IntegerType>(sig.zeros) && sig.zeros.isInteger(8) &&
          p.weightScheme.getZeroPoint() == ZeroPoint::Int && p.numGroups > 1) {
        int64_t rowBytes = (p.numGroups * p.weightBits + 7) / 8;
        zeroView = h.view(zeros, n, rowBytes, rowBytes, 1);
      } else if (p.perTensorScale) {
        zeroView = h.view(zeros, 1, 1, 1, 1);
      } else {
        zeroView = h.view(zeros, p.numGroups, n, 1, p.numGroups);
      }
    }
    if (sums)
      sumView = h.view(sums, m, p.numSumGroups(), p.numSumGroups(), 1);
    if (actScale && p.actGroupSize) {
      int64_t groups = (p.k + p.actGroupSize - 1) / p.actGroupSize;
      actScaleView = h.view(actScale, m, groups, groups, 1);
    } else if (actScale) {
      actScaleView = p.actPerToken ? h.view(actScale, m, 1, 1, 1) : h.view(actScale, 1, 1, 1, 1);
    }
    if (actZero && p.actGroupSize) {
      int64_t groups = (p.k + p.actGroupSize - 1) / p.actGroupSize;
      actZeroView = h.view(actZero, m, groups, groups, 1);
    } else if (actZero) {
      actZeroView = p.actPerToken ? h.view(actZero, m, 1, 1, 1) : h.view(actZero, 1, 1, 1, 1);
    }
    if (bias)
      biasView = h.view(bias, 1, n, n, 1);
    if (tensorScale)
      tensorScaleView = h.view(tensorScale, 1, 1, 1, 1);
    if (table && lut) {
      // The lut family's tables [M, 16 * slices of K], made by the tables kernel.
      int64_t columns = mpgemmLutTableColumns(p, s);
      tableView = h.view(table, m, columns, columns, 1);
    } else if (table && int8) {
      // The byte table of 4-bit float weights (as i8, then ui5 codes), held whole by every
      // worker, loaded once per block.
      byteTable = mpgemmInt8WeightTable(p);
      int64_t entries = byteTable.entries.size();
      Value raw = h.load(h.view(table, 1, entries, entries, 1), h.index(0), h.index(0),
                         h.reg({1, entries}, sig.table,
                               layout::replicated(W) * layout::local({1, entries})),
                         /*inBounds=*/true);
      weightTable = h.castTo(
          raw, IntegerType::get(h.b.getContext(), byteTable.bits, IntegerType::Unsigned));
    } else if (table) {
      // The codebook, held whole by every worker (as f32), loaded once per block.
      int64_t entries = int64_t(1) << p.weightBits;
      Value raw = h.load(h.view(table, 1, entries, entries, 1), h.index(0), h.index(0),
                         h.reg({1, entries}, sig.table,
                               layout::replicated(W) * layout::local({1, entries})),
                         /*inBounds=*/true);
      codebook = h.castTo(raw, h.b.getF32Type());
    }
    outView = h.view(out, S > 1 ? S * mpgemmSplitPartRows(p, s) : m, n, n, 1);
  }

  /// A [1, 1] value every worker holds, from a [1, 1] view.
  Value loadScalar(Value view, Type element) {
    RegType type = h.reg({1, 1}, element, layout::local({1, 1}).replicated(W));
    return h.load(view, h.index(0), h.index(0), type, /*inBounds=*/true);
  }

  /// The scales (and zero points) of groups g0 .. g0 + GB - 1 for the block's columns, f32.
  GroupValues loadGroupValues(Value g0, Value n0) {
    GroupValues values;
    Type f32 = h.b.getF32Type();
    layout::RegisterLayout groupLayout = mpgemmGroupLayout(s);
    Type scaleType = p.weightScheme.getScaleType();
    if (!p.perTensorScale) {
      Value raw = h.load(scaleView, g0, n0, h.reg({GB, TN}, sig.scales, groupLayout),
                         interior && p.numGroups % GB == 0);
      raw = h.viewAs(raw, h.reg({GB, TN}, scaleType, groupLayout));
      values.scales = h.castTo(raw, f32);
    }
    if (zeros && !p.perTensorScale) {
      if (sig.zeros.isInteger(8) && p.weightScheme.getZeroPoint() == ZeroPoint::Int &&
          p.numGroups > 1) {
        // Integer zero points packed along the groups of each row: each worker reads its rows'
        // bytes for the GB groups and views them as codes.
        int64_t bytes = GB * p.weightBits / 8;
        RegType byteType =
            h.reg({TN, bytes}, sig.zeros, layout::local({R, 1}).spatial({W, 1}).local({1, bytes}));
        Value column = arith::DivUIOp::create(h.b, h.loc, h.mul(g0, p.weightBits), h.index(8));
        Value raw = h.load(zeroView, n0, column, byteType, interior && p.numGroups % GB == 0);
        raw = h.viewAs(raw, h.reg({GB, TN}, p.weightType, groupLayout));
        values.zeros = h.castTo(raw, f32);
      } else {
        Value raw = h.load(zeroView, g0, n0, h.reg({GB, TN}, sig.zeros, groupLayout),
                           interior && p.numGroups % GB == 0);
        values.zeros = h.castTo(raw, f32);
      }
    }
    return values;
  }

  /// Sets rowActZero and blockActZero from the raw zero points `raw` ([TM, 1] or [1, 1]).
  void setActZero(Value raw, RegType accType) {
    Type f32 = h.b.getF32Type();
    // Bytes of 8-bit codes read as their type; other zero points come as f32 values or in
    // the scale type.
    if (sig.actZero.isInteger(8))
      raw = h.viewAs(raw, h.withElement(raw, p.actType));
    raw = h.castTo(raw, f32);
    rowActZero = h.broadcast(raw, accType);
    blockActZero =
        int8 ? Value() : h.broadcast(raw, h.reg({TM, TK}, f32, mpgemmActivationLayout(s)));
  }

  /// acc + the products of group `group` (index gi in its block), scaled.
  Value groupBody(Value acc, const GroupValues &values, int64_t gi, Value group, Value m0,
                  Value n0) {
    OpBuilder &b = h.b;
    Type f32 = b.getF32Type(), i32 = b.getI32Type();
    RegType partialType = h.reg({TM, TN}, int8 ? i32 : f32, mpgemmResultLayout(s));
    RegType accType = cast<RegType>(acc.getType());
    int64_t groupSize = p.numGroups > 1 ? p.groupSize : p.k;
    int64_t steps = (groupSize + TK - 1) / TK;
    int64_t unroll = s.getUnroll(); // divides steps (checkMpgemmSchedule)
    Value k0 = h.mul(group, p.groupSize);
    Value zero = h.splat(int8 ? Attribute(b.getI32IntegerAttr(0)) : Attribute(b.getF32FloatAttr(0)),
                         partialType);
    // The last group of a K that the groups do not divide has fewer steps: the loop stops at
    // the last step that starts inside K (unroll divides that count too, checkMpgemmSchedule).
    Value stepEnd = h.index(steps);
    if (p.numGroups > 1 && p.k % p.groupSize != 0) {
      Value remaining = arith::SubIOp::create(b, h.loc, h.index(p.k), k0);
      Value stepsLeft = arith::DivUIOp::create(b, h.loc, h.add(remaining, TK - 1), h.index(TK));
      stepEnd = arith::MinUIOp::create(b, h.loc, stepEnd, stepsLeft);
    }
    // int8_dot with activation zero points also sums the group's weight codes per column.
    bool groupedActZero = actZero && p.actGroupSize;
    bool sumWeights = int8 && (rowActZero || groupedActZero);
    RegType columnSumsType = h.reg({1, TN}, i32, mpgemmColumnLayout(s));
    // The partial sum of steps [begin, end) of the group (and, with sumWeights, the codes
    // summed per column).
    auto stepRange = [&](Value begin, Value end) {
      SmallVector<Value> inits = {zero};
      if (sumWeights)
        inits.push_back(h.splat(b.getI32IntegerAttr(0), columnSumsType));
      return scf::ForOp::create(
          b, h.loc, begin, end, h.index(unroll), inits,
          [&](OpBuilder &nested, Location, Value step, ValueRange args) {
            OpBuilder::InsertionGuard guard(b);
            b.setInsertionPoint(nested.getInsertionBlock(), nested.getInsertionPoint());
            Value partial = args[0];
            Value weightSums = sumWeights ? args[1] : Value();
            for (int64_t u = 0; u < unroll; ++u) {
              Value kStep = h.add(step, u);
              Value k = h.add(k0, h.mul(kStep, TK));
              partial =
                  dotStep(partial, k, kStep, group, m0, n0, sumWeights ? &weightSums : nullptr);
            }
            SmallVector<Value> yielded = {partial};
            if (sumWeights)
              yielded.push_back(weightSums);
            scf::YieldOp::create(b, h.loc, yielded);
          });
    };
    // Zero points: sum a * (q - z) = sum a * q - z * sum a. The group's zero points (plus
    // the code offset), over [TM, TN]; null when there are none.
    auto groupZeroPoint = [&]() -> Value {
      Value zeroPoint;
      if (values.zeros)
        zeroPoint = h.broadcast(
            ExtractSliceOp::create(b, h.loc, h.reg({1, TN}, f32, mpgemmColumnLayout(s)),
                                   values.zeros, ArrayRef<int64_t>{gi, 0}),
            accType);
      else if (zeros && p.perTensorScale)
        zeroPoint = h.broadcast(h.castTo(loadScalar(zeroView, sig.zeros), f32), accType);
      if (sig.codeOffset) {
        Value offset = h.splat(b.getF32FloatAttr(static_cast<float>(sig.codeOffset)), accType);
        zeroPoint = zeroPoint ? AddOp::create(b, h.loc, zeroPoint, offset).getResult() : offset;
      }
      return zeroPoint;
    };
    Value zeroPoint;
    // p minus the zero points' share over sum group `sumGroup` (its activation sums).
    auto withoutZeroPoints = [&](Value partial, Value sumGroup) -> Value {
      Value x = h.castTo(partial, f32);
      if (!zeroPoint || !sums)
        return x;
      Value rowSums =
          h.load(sumView, m0, sumGroup, h.reg({TM, 1}, f32, mpgemmRowLayout(s)), interior);
      return SubOp::create(b, h.loc, x,
                           MulOp::create(b, h.loc, zeroPoint, h.broadcast(rowSums, accType)));
    };
    // The rows' activation scales of activation group `actGroup`, over [TM, TN].
    auto rowActScales = [&](Value actGroup) -> Value {
      Value rowScales =
          h.load(actScaleView, m0, actGroup, h.reg({TM, 1}, sig.actScale, mpgemmRowLayout(s)),
                 interior);
      rowScales = h.viewAs(rowScales, h.withElement(rowScales, p.actScheme.getScaleType()));
      return h.broadcast(h.castTo(rowScales, f32), accType);
    };

    // Activation zero points za. int8_dot: with codes c = value + d (d: the weight zero point
    // plus the code offset) over the range's n real elements of K and codes c = offset in the
    // padding past K, sum (a - za) * value = [the above] - za * sum c + za * (d * n + offset *
    // padding). fma subtracts za from the activations, so [the above] subtracted d * sum a
    // where it needed d * sum (a - za): + za * d * n. The range: the steps [begin, end) of
    // the group, `codes` long from code `start`; `columnSums` its codes summed per column.
    auto foldActZero = [&](Value x, Value columnSums, Value start, int64_t codes, Value begin,
                           Value end) -> Value {
      if (!rowActZero || !(columnSums || zeroPoint))
        return x;
      if (columnSums) {
        Value sums = h.broadcast(h.castTo(columnSums, f32), accType);
        x = SubOp::create(b, h.loc, x, MulOp::create(b, h.loc, rowActZero, sums));
      }
      Value real = arith::MinUIOp::create(
          b, h.loc, h.index(codes), arith::SubIOp::create(b, h.loc, h.index(p.k), start));
      Value covered = h.mul(arith::SubIOp::create(b, h.loc, end, begin), TK);
      Value padding = arith::SubIOp::create(b, h.loc, covered, real);
      auto asF32 = [&](Value index) -> Value {
        Value wide = arith::IndexCastUIOp::create(b, h.loc, b.getI64Type(), index);
        return h.broadcast(
            SplatOp::create(b, h.loc, h.reg({1, 1}, f32, layout::local({1, 1}).replicated(W)),
                            arith::UIToFPOp::create(b, h.loc, f32, wide)),
            accType);
      };
      Value constant;
      if (sig.codeOffset)
        constant = MulOp::create(
            b, h.loc, h.splat(b.getF32FloatAttr(static_cast<float>(sig.codeOffset)), accType),
            asF32(padding));
      if (zeroPoint) {
        Value atReal = MulOp::create(b, h.loc, zeroPoint, asF32(real));
        constant = constant ? AddOp::create(b, h.loc, constant, atReal).getResult() : atReal;
      }
      if (constant)
        x = AddOp::create(b, h.loc, x, MulOp::create(b, h.loc, rowActZero, constant));
      return x;
    };
    // Zero points per activation group: the rows' zero points of activation group `actGroup`
    // for the steps built next.
    auto useGroupActZero = [&](Value actGroup) {
      setActZero(h.load(actZeroView, m0, actGroup,
                        h.reg({TM, 1}, sig.actZero, mpgemmRowLayout(s)), interior),
                 accType);
    };

    Value x;
    if (int64_t subGroups = p.actSubGroups(); subGroups > 1) {
      // The group's pieces in one activation group each (sumGroupSize): each one's partial
      // sum, less its zero points' shares, times its rows' activation scales; the pieces that
      // start inside K.
      int64_t pieceSize = p.sumGroupSize();
      int64_t subSteps = pieceSize / TK;
      zeroPoint = groupZeroPoint();
      Value count = arith::DivUIOp::create(b, h.loc, h.add(stepEnd, subSteps - 1),
                                           h.index(subSteps));
      auto subLoop = scf::ForOp::create(
          b, h.loc, h.index(0), count, h.index(1), ValueRange{h.splat(b.getF32FloatAttr(0),
                                                                     accType)},
          [&](OpBuilder &nested, Location, Value sub, ValueRange args) {
            OpBuilder::InsertionGuard guard(b);
            b.setInsertionPoint(nested.getInsertionBlock(), nested.getInsertionPoint());
            Value begin = h.mul(sub, subSteps);
            Value end = arith::MinUIOp::create(b, h.loc, h.add(begin, subSteps), stepEnd);
            Value piece = h.add(h.mul(group, subGroups), sub);
            Value actGroup = piece;
            if (pieceSize != p.actGroupSize)
              actGroup = arith::DivUIOp::create(b, h.loc, h.mul(piece, pieceSize),
                                                h.index(p.actGroupSize));
            if (groupedActZero)
              useGroupActZero(actGroup);
            scf::ForOp range = stepRange(begin, end);
            Value part = withoutZeroPoints(range.getResult(0), piece);
            part = foldActZero(part, sumWeights ? range.getResult(1) : Value(),
                               h.add(k0, h.mul(begin, TK)), pieceSize, begin, end);
            part = MulOp::create(b, h.loc, part, rowActScales(actGroup));
            scf::YieldOp::create(b, h.loc, AddOp::create(b, h.loc, args[0], part).getResult());
          });
      x = subLoop.getResult(0);
    } else {
      if (groupedActZero)
        useGroupActZero(arith::DivUIOp::create(b, h.loc, h.mul(group, p.groupSize),
                                               h.index(p.actGroupSize)));
      scf::ForOp stepLoop = stepRange(h.index(0), stepEnd);
      x = h.castTo(stepLoop.getResult(0), f32);
      zeroPoint = groupZeroPoint();
      x = withoutZeroPoints(x, group);
      x = foldActZero(x, sumWeights ? stepLoop.getResult(1) : Value(), k0, groupSize,
                      h.index(0), stepEnd);
    }
    // Values made inside this group's loops are not for the next group.
    if (groupedActZero)
      rowActZero = blockActZero = Value();
    if (values.scales) {
      Value scale =
          h.broadcast(ExtractSliceOp::create(b, h.loc, h.reg({1, TN}, f32, mpgemmColumnLayout(s)),
                                             values.scales, ArrayRef<int64_t>{gi, 0}),
                      accType);
      x = MulOp::create(b, h.loc, x, scale);
    }
    // Activation scales per group along K, as large as the weights' groups or larger: the
    // rows' scales of the activation group holding this one.
    if (actScale && p.actGroupSize && p.actSubGroups() == 1) {
      Value column = arith::DivUIOp::create(b, h.loc, h.mul(group, p.groupSize),
                                            h.index(p.actGroupSize));
      x = MulOp::create(b, h.loc, x, rowActScales(column));
    }
    return AddOp::create(b, h.loc, acc, x);
  }

  /// partial + the products of one step of TK codes at k; `weightSums` (int8_dot), when
  /// given, + the step's codes summed per column.
  Value dotStep(Value partial, Value k, Value kStep, Value group, Value m0, Value n0,
                Value *weightSums = nullptr) {
    OpBuilder &b = h.b;
    Type f32 = b.getF32Type();
    layout::RegisterLayout wLayout = mpgemmWeightLayout(s);
    // Activations [TM, TK] (the lut family reads its tables instead).
    Value a;
    if (!lut)
      a = loadActivationTile(h, p, s, sig.act, actView, m0, k, interior && fullSteps);
    // Weight codes [TK, TN].
    Type codeType = p.weightType;
    if (sig.codeOffset)
      codeType = IntegerType::get(b.getContext(), p.weightBits, IntegerType::Unsigned);
    RegType codesType = h.reg({TK, TN}, codeType, wLayout);
    Value codes;
    if (s.getPacking() == WeightPacking::Interchange) {
      int64_t bytes = TK * p.weightBits / 8;
      Value column = arith::DivUIOp::create(b, h.loc, h.mul(k, p.weightBits), h.index(8));
      RegType byteType =
          h.reg({TN, bytes}, sig.weights, layout::local({R, 1}).spatial({W, 1}).local({1, bytes}));
      codes = h.viewAs(h.load(weightView, n0, column, byteType, interior && fullSteps), codesType);
      if (int64_t ahead = s.getPrefetch())
        PrefetchGlobalOp::create(b, h.loc, weightView,
                                 ValueRange{n0, h.add(column, h.index(ahead * bytes))},
                                 ArrayRef<int64_t>{TN, bytes});
    } else {
      int64_t steps = (p.k + TK - 1) / TK, words = R * (TK * p.weightBits / 32);
      // The step's index over the whole of K.
      Value step = p.numGroups > 1 ? h.add(h.mul(group, p.groupSize / TK), kStep) : kStep;
      Value row = h.add(h.mul(BlockIndexOp::create(b, h.loc, 0), steps), step);
      RegType wordType =
          h.reg({1, words * W}, sig.weights, layout::local({1, words}).spatial({1, W}));
      // The prepacked buffer holds whole blocks and steps: always inside.
      codes = h.viewAs(h.load(weightView, row, h.index(0), wordType, /*inBounds=*/true), codesType,
                       mpgemmWeightPlanes(p, s));
      if (int64_t ahead = s.getPrefetch())
        PrefetchGlobalOp::create(b, h.loc, weightView, ValueRange{h.add(row, ahead), h.index(0)},
                                 ArrayRef<int64_t>{1, words * W});
    }
    if (lut)
      return lutStep(partial, codes, m0, k);
    if (weightTable)
      codes = LookupOp::create(
                  b, h.loc,
                  h.withElement(codes, cast<RegType>(weightTable.getType()).getElementType()),
                  weightTable, codes)
                  .getResult();
    if (!int8) {
      a = h.castTo(a, f32);
      if (blockActZero)
        a = SubOp::create(b, h.loc, a, blockActZero);
      // Codebook weights index the table; the others decode by their format.
      codes = codebook ? LookupOp::create(b, h.loc, h.withElement(codes, f32), codebook, codes)
                             .getResult()
                       : h.castTo(codes, f32);
    }
    if (weightSums) {
      Type si8 = IntegerType::get(b.getContext(), 8, IntegerType::Signed);
      layout::RegisterLayout onesLayout = layout::replicated(W) * layout::local({1, TK});
      Value ones =
          h.viewAs(h.splat(b.getI8IntegerAttr(1), h.reg({1, TK}, b.getI8Type(), onesLayout)),
                   h.reg({1, TK}, si8, onesLayout));
      *weightSums = DotOp::create(b, h.loc, weightSums->getType(), ones, codes, *weightSums);
    }
    return DotOp::create(b, h.loc, partial.getType(), a, codes, partial);
  }

  /// The lut family's step (TM = 1) at k: the step's codes read as 4-bit slices of g = 4 / b
  /// codes along K (each worker's codes of a column are consecutive); for each slice j,
  /// partial += t_j[slice j of each column], where t_j is the row's table of codes
  /// k + j g .. (16 entries spread over the workers: two vectors on AVX2, one vpermps each).
  Value lutStep(Value partial, Value codes, Value m0, Value k) {
    OpBuilder &b = h.b;
    int64_t perSlice = 4 / p.weightBits, slices = TK / perSlice;
    Type slice = IntegerType::get(b.getContext(), 4, IntegerType::Unsigned);
    Value sliced =
        h.viewAs(codes, h.reg({slices, TN}, slice, mpgemmColumnWeightLayout(slices, TN, W)));
    RegType tableType = h.reg({1, 16}, b.getF32Type(), mpgemmLutTableLayout(s));
    RegType rowType = cast<RegType>(partial.getType());
    // Table j of the step starts at column 16 * (k / g + j); the buffer holds whole steps.
    Value first = arith::DivUIOp::create(b, h.loc, h.mul(k, 16), h.index(perSlice));
    for (int64_t j = 0; j < slices; ++j) {
      Value sums = h.load(tableView, m0, h.add(first, 16 * j), tableType, /*inBounds=*/true);
      Value index = ExtractSliceOp::create(b, h.loc, h.withElement(partial, slice), sliced,
                                           ArrayRef<int64_t>{j, 0});
      Value products = LookupOp::create(b, h.loc, rowType, sums, index);
      partial = AddOp::create(b, h.loc, partial, products);
    }
    return partial;
  }

  Value epilogue(Value acc, Value m0, Value n0, RegType accType) {
    OpBuilder &b = h.b;
    Type f32 = b.getF32Type();
    if (weightTable)
      acc = MulOp::create(
          b, h.loc, acc,
          h.splat(b.getF32FloatAttr(byteTable.valueScale), accType));
    if (p.perTensorScale) {
      Value raw = loadScalar(scaleView, sig.scales);
      raw = h.viewAs(
          raw, h.reg({1, 1}, p.weightScheme.getScaleType(), layout::local({1, 1}).replicated(W)));
      acc = MulOp::create(b, h.loc, acc, h.broadcast(h.castTo(raw, f32), accType));
    }
    if (actScale && !p.actGroupSize) {
      Value scale = p.actPerToken ? h.load(actScaleView, m0, h.index(0),
                                           h.reg({TM, 1}, sig.actScale, mpgemmRowLayout(s)),
                                           interior)
                                  : loadScalar(actScaleView, sig.actScale);
      Type scaleType = p.actScheme.getScaleType();
      scale = h.viewAs(scale, h.withElement(scale, scaleType));
      acc = MulOp::create(b, h.loc, acc, h.broadcast(h.castTo(scale, f32), accType));
    }
    if (tensorScale)
      acc = MulOp::create(b, h.loc, acc, h.broadcast(loadScalar(tensorScaleView, f32), accType));
    if (bias) {
      auto addBias = [&](Value to) -> Value {
        Value column =
            h.load(biasView, h.index(0), n0, h.reg({1, TN}, sig.bias, mpgemmColumnLayout(s)),
                   interior);
        return AddOp::create(b, h.loc, to, h.broadcast(h.castTo(column, f32), accType));
      };
      if (!split)
        return addBias(acc);
      // Split K: the bias once, in the first part.
      Value first = arith::CmpIOp::create(b, h.loc, arith::CmpIPredicate::eq, split, h.index(0));
      auto ifOp = scf::IfOp::create(b, h.loc, TypeRange{accType}, first, /*addThenBlock=*/true,
                                    /*addElseBlock=*/true);
      OpBuilder::InsertionGuard guard(b);
      b.setInsertionPointToStart(ifOp.thenBlock());
      scf::YieldOp::create(b, h.loc, addBias(acc));
      b.setInsertionPointToStart(ifOp.elseBlock());
      scf::YieldOp::create(b, h.loc, acc);
      return ifOp.getResult(0);
    }
    return acc;
  }

  BodyBuilder &h;
  const MpgemmProblem &p;
  ScheduleAttr s;
  const MpgemmKernelSignature &sig;
  int64_t W, TM, TN, TK, R, GB, S;
  bool int8, lut;
  /// The part of K of the block (split_k > 1 only).
  Value split;
  /// Every step of TK codes lies inside K (K % TK == 0).
  bool fullSteps;
  /// The block being built is interior (its tile inside M and N).
  bool interior = false;
  Value act, weights, scales, zeros, sums, actScale, actZero, bias, tensorScale, table, out;
  /// The activation zero points of the block's rows: [TM, TK] f32 (fma) and [TM, TN] f32.
  Value blockActZero, rowActZero;
  /// The codebook [1, 2^b] f32, every worker holding all of it (codebook weights only).
  Value codebook;
  /// The byte table of int8_dot's 4-bit float weights (as codes, every worker holding it).
  Int8WeightTable byteTable;
  Value weightTable;
  Value actView, tableView, weightView, scaleView, zeroView, sumView, actScaleView, actZeroView,
      biasView, tensorScaleView, outView;
};


} // namespace

KernelOp lowbit::buildMpgemmKernel(OpBuilder &builder, Location loc, StringRef name,
                                   const MpgemmProblem &problem, ScheduleAttr schedule,
                                   const MpgemmKernelSignature &signature) {
  OpBuilder::InsertionGuard guard(builder);
  KernelOp kernel = createKernel(builder, loc, name, signature.argumentTypes(builder.getContext()),
                                 mpgemmGrid(problem, schedule), schedule.getWorkers());
  BodyBuilder h(builder, loc);
  MpgemmBody(h, problem, schedule, signature, kernel.getBody().front()).build();
  return kernel;
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
