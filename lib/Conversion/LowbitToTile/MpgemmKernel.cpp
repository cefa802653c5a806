//===- MpgemmKernel.cpp - The main tile kernel of a scheduled lowbit.mpgemm -===//
//
// See MpgemmKernel.h for the kernels' arguments and structure (the kernels launched around
// this one, the activation views and the grid: MpgemmSideKernels.cpp). Every register tensor is
// written with its layout (from MpgemmSchedule.h), so the kernels need no layout inference.
//
//===----------------------------------------------------------------------===//
#include "MpgemmKernel.h"
#include "KernelBuilder.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/SCF/IR/SCF.h"

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

namespace {

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
    P = s.getPanel();
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
    // A panel block's rows: P of them from m0, in tiles of TM that stay inside M themselves.
    Value m0 = h.mul(BlockIndexOp::create(b, h.loc, 1), P ? P : TM);
    if (S > 1)
      split = BlockIndexOp::create(b, h.loc, 2);
    RegType accType = h.reg({TM, TN}, f32, mpgemmResultLayout(s));
    makeViews();

    // The last block of a dimension that the tile does not divide moves back to end at the
    // edge, overlapping its neighbour: both compute the overlapped results alike and write the
    // same values, and every block stays inside (no masked accesses, which are slow on CPUs).
    // Prepacked weights are laid out per block of N, so there only M blocks move.
    bool shiftM = !P && p.m % TM != 0 && p.m > TM;
    bool shiftN = p.n % TN != 0 && p.n > TN && s.getPacking() == WeightPacking::Interchange;
    if (shiftM)
      m0 = arith::MinSIOp::create(b, h.loc, m0, h.index(p.m - TM));
    if (shiftN)
      n0 = arith::MinSIOp::create(b, h.loc, n0, h.index(p.n - TN));
    bool insideM = P || p.m % TM == 0 || shiftM, insideN = p.n % TN == 0 || shiftN;

    // Interior blocks (the whole tile inside M and N) read and write without masks; the
    // others (at the right and bottom edges) keep them. A tile larger than the matrix has no
    // interior block.
    if (insideM && insideN) {
      blockBody(m0, n0, accType, /*interior=*/true);
    } else if ((!P && TM > p.m) || TN > p.n) {
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
    if (P)
      return panelBody(m0, n0, accType);
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
    acc = forEachGroup(firstBlock, endBlock, n0, acc,
                       [&](Value current, const GroupValues &values, int64_t gi, Value group) {
                         return groupBody(current, values, gi, group, m0, n0);
                       });
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
  using GroupFn = llvm::function_ref<Value(Value carried, const GroupValues &values, int64_t gi,
                                           Value group)>;

  /// Runs `body` for each group of the blocks of GB groups [firstBlock, endBlock) (their
  /// scales and zero points loaded once per block), threading `carried` (may be null: none)
  /// through; groups past the last one are skipped. Returns the final carried value.
  Value forEachGroup(Value firstBlock, Value endBlock, Value n0, Value carried, GroupFn body) {
    OpBuilder &b = h.b;
    SmallVector<Value> inits;
    if (carried)
      inits.push_back(carried);
    auto groupLoop = scf::ForOp::create(
        b, h.loc, firstBlock, endBlock, h.index(1), inits,
        [&](OpBuilder &nested, Location, Value block, ValueRange args) {
          OpBuilder::InsertionGuard guard(b);
          b.setInsertionPoint(nested.getInsertionBlock(), nested.getInsertionPoint());
          Value g0 = h.mul(block, GB);
          GroupValues values = loadGroupValues(g0, n0);
          Value current = carried ? args[0] : Value();
          for (int64_t gi = 0; gi < GB; ++gi) {
            Value group = h.add(g0, gi);
            if (p.numGroups % GB == 0) {
              current = body(current, values, gi, group);
              continue;
            }
            // The last block of groups may be partial.
            Value inside = arith::CmpIOp::create(b, h.loc, arith::CmpIPredicate::slt, group,
                                                 h.index(p.numGroups));
            SmallVector<Type, 1> types;
            if (current)
              types.push_back(current.getType());
            auto guardIf = scf::IfOp::create(b, h.loc, types, inside, /*addThenBlock=*/true,
                                             /*addElseBlock=*/true);
            {
              OpBuilder::InsertionGuard inner(b);
              b.setInsertionPointToStart(guardIf.thenBlock());
              Value updated = body(current, values, gi, group);
              scf::YieldOp::create(b, h.loc, updated ? ValueRange(updated) : ValueRange());
              b.setInsertionPointToStart(guardIf.elseBlock());
              scf::YieldOp::create(b, h.loc, current ? ValueRange(current) : ValueRange());
            }
            current = current ? guardIf.getResult(0) : Value();
          }
          scf::YieldOp::create(b, h.loc, current ? ValueRange(current) : ValueRange());
        });
    return carried ? groupLoop.getResult(0) : Value();
  }

  /// The steps of group `group` that start inside K: fewer in the last group of a K that the
  /// groups do not divide.
  Value groupStepEnd(Value group) {
    int64_t groupSize = p.numGroups > 1 ? p.groupSize : p.k;
    Value stepEnd = h.index((groupSize + TK - 1) / TK);
    if (p.numGroups > 1 && p.k % p.groupSize != 0) {
      Value remaining = arith::SubIOp::create(h.b, h.loc, h.index(p.k), h.mul(group, p.groupSize));
      Value stepsLeft = arith::DivUIOp::create(h.b, h.loc, h.add(remaining, TK - 1), h.index(TK));
      stepEnd = arith::MinUIOp::create(h.b, h.loc, stepEnd, stepsLeft);
    }
    return stepEnd;
  }

  /// A panel block (schedule field panel = P; see MpgemmKernel.h): rows c0 .. min(M, c0 + P)
  /// and columns n0 .. n0 + TN, over K in chunks (mpgemmPanelChunk): each chunk's weights
  /// decoded into an f32 panel [KC, TN] in shared memory, scales and zero points applied
  /// (codes past K decode like code 0; their packed activations are zero), then every tile of
  /// TM rows adds its product with the panel to its accumulators, kept in shared memory
  /// between chunks; the epilogue at the end.
  void panelBody(Value c0, Value n0, RegType accType) {
    OpBuilder &b = h.b;
    Type f32 = b.getF32Type();
    int64_t chunk = mpgemmPanelChunk(p, s), chunks = mpgemmPanelChunks(p, s);
    int64_t tilesPerBlock = (P + TM - 1) / TM, allTiles = mpgemmPanelTiles(p, s);
    int64_t packedK = llvm::alignTo(p.k, TK);
    RegType wType = h.reg({TK, TN}, f32, mpgemmWeightLayout(s));
    Value panel = AllocSharedOp::create(b, h.loc, SharedType::get({chunk, TN}, f32));
    Value accs = AllocSharedOp::create(b, h.loc, SharedType::get({tilesPerBlock * TM, TN}, f32));
    // The tiles of the block (the last one of M moved back to end at M, as the packed
    // activations hold it), and the first tile's index in the packed activations.
    Value firstTile = arith::DivUIOp::create(b, h.loc, c0, h.index(TM));
    Value chunkEnd = arith::MinUIOp::create(b, h.loc, h.add(c0, P), h.index(p.m));
    Value tiles = arith::DivUIOp::create(
        b, h.loc, h.add(arith::SubIOp::create(b, h.loc, chunkEnd, c0), TM - 1), h.index(TM));
    auto forEachTile = [&](llvm::function_ref<void(Value tile, Value slot)> body) {
      scf::ForOp::create(b, h.loc, h.index(0), tiles, h.index(1), ValueRange(),
                         [&](OpBuilder &nested, Location, Value tile, ValueRange) {
                           OpBuilder::InsertionGuard guard(b);
                           b.setInsertionPoint(nested.getInsertionBlock(),
                                               nested.getInsertionPoint());
                           body(tile, h.mul(tile, TM));
                           scf::YieldOp::create(b, h.loc);
                         });
    };
    forEachTile([&](Value, Value slot) {
      StoreSharedOp::create(b, h.loc, h.splat(b.getF32FloatAttr(0), accType), accs,
                            ValueRange{slot, h.index(0)});
    });

    int64_t numBlocks = (p.numGroups + GB - 1) / GB;
    int64_t blocksPerChunk = p.numGroups > 1 ? chunk / (GB * p.groupSize) : 1;
    int64_t stepsPerChunk = chunk / TK, steps = (p.k + TK - 1) / TK;
    scf::ForOp::create(
        b, h.loc, h.index(0), h.index(chunks), h.index(1), ValueRange(),
        [&](OpBuilder &nested, Location, Value c, ValueRange) {
          OpBuilder::InsertionGuard guard(b);
          b.setInsertionPoint(nested.getInsertionBlock(), nested.getInsertionPoint());
          Value kc0 = h.mul(c, chunk);
          // Decode: the chunk's blocks of groups (grouped weights), or its steps of the one
          // group along K.
          Value firstBlock = h.index(0), endBlock = h.index(1);
          if (p.numGroups > 1) {
            firstBlock = h.mul(c, blocksPerChunk);
            endBlock = arith::MinUIOp::create(b, h.loc, h.add(firstBlock, blocksPerChunk),
                                              h.index(numBlocks));
          }
          forEachGroup(firstBlock, endBlock, n0, Value(),
                       [&](Value, const GroupValues &values, int64_t gi, Value group) -> Value {
                         Value begin = h.index(0), end = groupStepEnd(group);
                         if (p.numGroups == 1) {
                           begin = h.mul(c, stepsPerChunk);
                           end = arith::MinUIOp::create(b, h.loc, h.add(begin, stepsPerChunk),
                                                        h.index(steps));
                         }
                         decodeSteps(values, gi, group, begin, end, kc0, n0, panel, wType);
                         return Value();
                       });
          // Products: each tile's accumulators plus its activations times the panel.
          Value chunkSteps = arith::DivUIOp::create(
              b, h.loc,
              arith::MinUIOp::create(b, h.loc, h.index(chunk),
                                     arith::SubIOp::create(b, h.loc, h.index(packedK), kc0)),
              h.index(TK));
          forEachTile([&](Value tile, Value slot) {
            Value row = h.mul(h.add(h.mul(c, allTiles), h.add(firstTile, tile)), chunk * TM);
            Value acc = LoadSharedOp::create(b, h.loc, accType, accs, ValueRange{slot, h.index(0)});
            auto stepLoop = scf::ForOp::create(
                b, h.loc, h.index(0), chunkSteps, h.index(1), ValueRange{acc},
                [&](OpBuilder &inner, Location, Value step, ValueRange args) {
                  OpBuilder::InsertionGuard innerGuard(b);
                  b.setInsertionPoint(inner.getInsertionBlock(), inner.getInsertionPoint());
                  Value kk = h.mul(step, TK);
                  Value a = loadActivationTile(h, p, s, sig.act, actView, row, kk,
                                               /*inBounds=*/true);
                  Value w =
                      LoadSharedOp::create(b, h.loc, wType, panel, ValueRange{kk, h.index(0)});
                  scf::YieldOp::create(b, h.loc,
                                       DotOp::create(b, h.loc, accType, a, w, args[0]).getResult());
                });
            StoreSharedOp::create(b, h.loc, stepLoop.getResult(0), accs,
                                  ValueRange{slot, h.index(0)});
          });
          scf::YieldOp::create(b, h.loc);
        });

    // The epilogue and the store of each tile.
    forEachTile([&](Value tile, Value slot) {
      Value m0 =
          arith::MinUIOp::create(b, h.loc, h.mul(h.add(firstTile, tile), TM), h.index(p.m - TM));
      Value acc = LoadSharedOp::create(b, h.loc, accType, accs, ValueRange{slot, h.index(0)});
      acc = epilogue(acc, m0, n0, accType);
      auto store =
          StoreGlobalOp::create(b, h.loc, h.castTo(acc, p.resultType), outView, ValueRange{m0, n0});
      if (interior)
        store.setInBounds(true);
    });
  }

  /// Decodes steps [begin, end) of group `group` (index gi in its block of `values`) into the
  /// panel rows k - kc0: codes as values, minus the zero points, times the scales.
  void decodeSteps(const GroupValues &values, int64_t gi, Value group, Value begin, Value end,
                   Value kc0, Value n0, Value panel, RegType wType) {
    OpBuilder &b = h.b;
    Value zeroPoint = weightZeroPoint(values, gi, wType);
    Value scale = values.scales ? groupColumns(values.scales, gi, wType) : Value();
    scf::ForOp::create(
        b, h.loc, begin, end, h.index(1), ValueRange(),
        [&](OpBuilder &nested, Location, Value step, ValueRange) {
          OpBuilder::InsertionGuard guard(b);
          b.setInsertionPoint(nested.getInsertionBlock(), nested.getInsertionPoint());
          Value k = h.add(h.mul(group, p.groupSize), h.mul(step, TK));
          Value w = decodeCodes(loadCodes(k, step, group, n0));
          if (zeroPoint)
            w = SubOp::create(b, h.loc, w, zeroPoint);
          if (scale)
            w = MulOp::create(b, h.loc, w, scale);
          StoreSharedOp::create(b, h.loc, w, panel,
                                ValueRange{arith::SubIOp::create(b, h.loc, k, kc0), h.index(0)});
          scf::YieldOp::create(b, h.loc);
        });
  }

  void makeViews() {
    int64_t m = p.m, n = p.n, k = p.k;
    // Panel schedules read the packed activations (buildActivationPackKernel).
    if (P) {
      actView = packedActivationView(h, p, s, act);
    } else {
      actView = activationView(h, p, act);
    }
    if (s.getPacking() == WeightPacking::Interchange) {
      int64_t rowBytes = (k * p.weightBits + 7) / 8;
      weightView = h.view(weights, n, rowBytes, rowBytes, 1);
    } else {
      int64_t steps = (k + TK - 1) / TK, words = R * (TK * p.weightBits / 32) * W;
      int64_t blocks = (n + TN - 1) / TN;
      weightView = h.view(weights, blocks * steps, words, words, 1);
    }
    // Per-group values are [G, N] (group-major) or [N, G] (viewed transposed: [G, N]).
    int64_t groupStride = sig.groupMajor ? n : 1, columnStride = sig.groupMajor ? 1 : p.numGroups;
    if (p.perTensorScale)
      scaleView = h.view(scales, 1, 1, 1, 1);
    else
      scaleView = h.view(scales, p.numGroups, n, groupStride, columnStride);
    if (zeros) {
      if (packedGroupZeros()) {
        int64_t rowBytes = (p.numGroups * p.weightBits + 7) / 8;
        zeroView = h.view(zeros, n, rowBytes, rowBytes, 1);
      } else if (p.perTensorScale) {
        zeroView = h.view(zeros, 1, 1, 1, 1);
      } else {
        zeroView = h.view(zeros, p.numGroups, n, groupStride, columnStride);
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

  /// Integer zero points in groups, as their bytes packed along the groups of each row.
  bool packedGroupZeros() const {
    return !sig.groupMajor && sig.zeros.isInteger(8) &&
           p.weightScheme.getZeroPoint() == ZeroPoint::Int && p.numGroups > 1;
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
      if (packedGroupZeros()) {
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
        // Group-major integer zero points: their values in bytes, of the weights' signedness.
        if (sig.groupMajor && p.weightScheme.getZeroPoint() == ZeroPoint::Int)
          raw = h.viewAs(raw, h.withElement(raw, IntegerType::get(h.b.getContext(), 8,
                                                                  p.weightKind == CodeKind::Signed
                                                                      ? IntegerType::Signed
                                                                      : IntegerType::Unsigned)));
        values.zeros = h.castTo(raw, f32);
      }
    }
    return values;
  }

  /// Row gi of `groupValues` ([GB, TN] f32) over `type`: each column's value in every row.
  Value groupColumns(Value groupValues, int64_t gi, RegType type) {
    RegType columnType = h.reg({1, TN}, h.b.getF32Type(), mpgemmColumnLayout(s));
    return h.broadcast(ExtractSliceOp::create(h.b, h.loc, columnType, groupValues,
                                              ArrayRef<int64_t>{gi, 0}),
                       type);
  }

  /// The weights' zero points of group gi (of `values`, or the one per tensor) over `type`, as
  /// f32; null without zero points.
  Value weightZeroPoint(const GroupValues &values, int64_t gi, RegType type) {
    if (values.zeros)
      return groupColumns(values.zeros, gi, type);
    if (zeros && p.perTensorScale)
      return h.broadcast(h.castTo(loadScalar(zeroView, sig.zeros), h.b.getF32Type()), type);
    return Value();
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
    int64_t unroll = s.getUnroll(); // divides the steps (checkMpgemmSchedule)
    Value k0 = h.mul(group, p.groupSize);
    Value zero = h.splat(int8 ? Attribute(b.getI32IntegerAttr(0)) : Attribute(b.getF32FloatAttr(0)),
                         partialType);
    // The last group of a K that the groups do not divide has fewer steps: the loop stops at
    // the last step that starts inside K (unroll divides that count too, checkMpgemmSchedule).
    Value stepEnd = groupStepEnd(group);
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
      Value zeroPoint = weightZeroPoint(values, gi, accType);
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
    if (values.scales)
      x = MulOp::create(b, h.loc, x, groupColumns(values.scales, gi, accType));
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
    // Activations [TM, TK] (the lut family reads its tables instead).
    Value a;
    if (!lut)
      a = loadActivationTile(h, p, s, sig.act, actView, m0, k, interior && fullSteps);
    Value codes = loadCodes(k, kStep, group, n0);
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
      codes = decodeCodes(codes);
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

  /// The weight codes [TK, TN] of the step at k (index kStep in group `group`), as their
  /// type (unsigned codes of the width with a code offset), prefetching ahead as the schedule
  /// says.
  Value loadCodes(Value k, Value kStep, Value group, Value n0) {
    OpBuilder &b = h.b;
    layout::RegisterLayout wLayout = mpgemmWeightLayout(s);
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
    return codes;
  }

  /// Codes as f32 values (before scales and zero points): codebook weights index the table;
  /// the others decode by their format.
  Value decodeCodes(Value codes) {
    Type f32 = h.b.getF32Type();
    if (codebook)
      return LookupOp::create(h.b, h.loc, h.withElement(codes, f32), codebook, codes);
    return h.castTo(codes, f32);
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
  int64_t W, TM, TN, TK, R, GB, S, P;
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
