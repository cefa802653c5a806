//===- AttentionKernel.cpp - The fused attention kernels ---------------------===//
//
// The kernels of a scheduled lowbit.attention; AttentionKernel.h has their structure.
//
//===----------------------------------------------------------------------===//
#include "AttentionKernel.h"
#include "KernelBuilder.h"

#include "Common/TileCodegen.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/SCF/IR/SCF.h"

#include <algorithm>
#include <optional>

using namespace mlir;
using namespace lowbit;
using namespace lowbit::tile;

namespace {

/// A score far below every real one: hidden keys get it, and the running maximum starts there,
/// so that exp(m - m') stays finite when a row has seen no visible key yet.
constexpr float kHidden = -1e30f;

/// What both kernels share: the builder, the schedule's shapes and the row layouts.
struct AttentionBuilder {
  AttentionBuilder(OpBuilder &b, Location loc, const AttentionProblem &p, ScheduleAttr s)
      : b(b), h(b, loc), loc(loc), p(p), workers(s.getWorkers()), tileM(s.getTileM()),
        tileN(s.getTileN()), tileK(s.getTileK()), parts(s.getSplitK()), bh(p.batch * p.kvHeads),
        rows(p.rows()) {}

  /// [TM, columns] with lane w holding rows w, W + w, ..., each whole.
  RegType rowTile(int64_t columns, Type element = Type()) {
    layout::RegisterLayout rowsLayout =
        layout::local({tileM / workers, 1}).spatial({workers, 1}).local({1, columns});
    return h.reg({tileM, columns}, element ? element : f32(), rowsLayout);
  }
  /// [rows, columns] that every lane holds whole (broadcast K and V elements).
  RegType replicatedTile(int64_t tileRows, int64_t columns, Type element) {
    return h.reg({tileRows, columns}, element,
                 layout::replicated(workers) * layout::local({tileRows, columns}));
  }
  Type f32() { return b.getF32Type(); }
  /// A kernel argument: a 1-d buffer of `element`.
  static MemRefType buffer(Type element) {
    return MemRefType::get({ShapedType::kDynamic}, element);
  }
  Value constant(float value, RegType type) { return h.splat(b.getF32FloatAttr(value), type); }
  /// A 2-d view of a 1-d buffer with run-time extents.
  Value view(Value buffer, Value rowCount, Value colCount, int64_t rowStride, int64_t colStride) {
    Type element = cast<MemRefType>(buffer.getType()).getElementType();
    auto type =
        GlobalType::get(b.getContext(), {ShapedType::kDynamic, ShapedType::kDynamic}, element);
    return GlobalViewOp::create(b, loc, type, buffer, ValueRange{rowCount, colCount},
                                ValueRange{h.index(rowStride), h.index(colStride)});
  }
  Value view(Value buffer, Value rowCount, int64_t cols, int64_t rowStride, int64_t colStride) {
    return view(buffer, rowCount, h.index(cols), rowStride, colStride);
  }
  Value asF32(Value index) { return emitIndexAsElement(b, loc, index, f32()); }
  Value divide(Value index, int64_t divisor) {
    return divisor == 1 ? index : arith::DivUIOp::create(b, loc, index, h.index(divisor));
  }
  Value rowMax(Value x) {
    return ReduceOp::create(b, loc, rowTile(1), ReduceKind::Max, x, ArrayRef<int64_t>{1});
  }
  Value rowSum(Value x) {
    return ReduceOp::create(b, loc, rowTile(1), ReduceKind::Add, x, ArrayRef<int64_t>{1});
  }
  /// A [TM, 1] value repeated along the columns of `type`.
  Value spread(Value column, RegType type) { return h.broadcast(column, type); }
  Value add(Value x, Value y) { return AddOp::create(b, loc, x, y); }
  Value sub(Value x, Value y) { return SubOp::create(b, loc, x, y); }
  Value mul(Value x, Value y) { return MulOp::create(b, loc, x, y); }
  Value max(Value x, Value y) { return MaximumOp::create(b, loc, x, y); }
  Value min(Value x, Value y) { return MinimumOp::create(b, loc, x, y); }
  Value exp(Value x) { return ExpOp::create(b, loc, x); }
  Value minIndex(Value x, Value y) { return arith::MinSIOp::create(b, loc, x, y); }

  /// scf.for from `lower` to `upper` by `step` carrying `inits`; `body` returns the yielded
  /// values and builds at `b`.
  SmallVector<Value> loop(Value lower, Value upper, int64_t step, ValueRange inits,
                          function_ref<SmallVector<Value>(Value, ValueRange)> body) {
    auto forOp = scf::ForOp::create(b, loc, lower, upper, h.index(step), inits,
                                    [&](OpBuilder &nested, Location, Value iv, ValueRange args) {
                                      OpBuilder::InsertionGuard guard(b);
                                      b.setInsertionPoint(nested.getInsertionBlock(),
                                                          nested.getInsertionPoint());
                                      SmallVector<Value> results = body(iv, args);
                                      scf::YieldOp::create(b, loc, results);
                                    });
    return SmallVector<Value>(forOp.getResults());
  }

  OpBuilder &b;
  BodyBuilder h;
  Location loc;
  const AttentionProblem &p;
  int64_t workers, tileM, tileN, tileK, parts, bh, rows;
};

/// Reads the scales and zero points of a quantized cache (AttentionCacheScheme) for the
/// tiles of one KV head, as [channels, tokens] tiles (K^T's orientation) or [tokens, channels]
/// (V's).
struct CacheScales {
  CacheScales(AttentionBuilder &a, const AttentionCacheScheme &cache, Value head, Value scale,
              Value zero)
      : a(a), cache(cache), scale(scale), zero(zero) {
    BodyBuilder &h = a.h;
    // The head's row of scales over the token axis: (b / div0, h / div1) row-major.
    Value batch = arith::DivUIOp::create(a.b, a.loc, head, h.index(a.p.kvHeads));
    Value kvHead = arith::RemUIOp::create(a.b, a.loc, head, h.index(a.p.kvHeads));
    Value headRow = h.index(0);
    if (cache.divisors[0])
      headRow = h.mul(a.divide(batch, cache.divisors[0]), cache.extents[1]);
    if (cache.divisors[1])
      headRow = h.add(headRow, a.divide(kvHead, cache.divisors[1]));
    rowBase = h.mul(headRow, cache.extents[2]);
    // Views end at the head's last row: a partial step's tokens past it read zeros.
    rowsEnd = h.add(rowBase, cache.extents[2]);
  }

  /// Whether one scale serves all `tokens` tokens of a step / all `channels` channels.
  bool constantOverTokens() const { return cache.divisors[2] != 1; }
  bool constantOverChannels() const { return cache.divisors[3] != 1; }

  /// The scales (`zeroPoints`: the zero points) of the step at token j0 of the head and
  /// channel c0 as f32: [channels, tokens] when `channelsFirst`, else [tokens, channels], each
  /// extent 1 where one value serves the whole step along it.
  Value load(bool zeroPoints, Value j0, Value c0, int64_t tokens, int64_t channels,
             bool channelsFirst, bool inside) {
    BodyBuilder &h = a.h;
    int64_t tokenDivisor = cache.divisors[2], channelDivisor = cache.divisors[3];
    Value token = tokenDivisor ? h.add(rowBase, a.divide(j0, tokenDivisor)) : rowBase;
    Value channel = channelDivisor ? a.divide(c0, channelDivisor) : h.index(0);
    SmallVector<int64_t, 2> shape = {tokenDivisor == 1 ? tokens : 1,
                                     channelDivisor == 1 ? channels : 1};
    SmallVector<Value, 2> at = {token, channel};
    int64_t width = cache.extents[3];
    Value buffer = zeroPoints ? zero : scale;
    Value view = a.view(buffer, rowsEnd, width, width, 1);
    if (channelsFirst) {
      std::swap(shape[0], shape[1]);
      std::swap(at[0], at[1]);
      view = a.view(buffer, h.index(width), rowsEnd, 1, width);
    }
    Type decoded =
        zeroPoints && cache.zero == AttentionCacheScheme::Zero::Int ? a.f32() : cache.scaleType;
    layout::RegisterLayout layout =
        layout::replicated(a.workers) *
        (channelsFirst ? layout::columnLocal(shape) : layout::local(shape));
    Type stored = cast<GlobalType>(view.getType()).getElementType();
    // Groups along the tokens hold every step whole; single tokens are inside when the step is.
    Value tile =
        h.load(view, at[0], at[1], h.reg(shape, stored, layout), inside || tokenDivisor != 1);
    return h.castTo(h.viewAs(tile, h.reg(shape, decoded, layout)), a.f32());
  }

  /// `values` (the f32 codes of the tile at token j0 and channel c0, in K^T's orientation
  /// when `channelsFirst`) dequantized: (values - zero) * scale.
  Value dequantize(Value values, Value j0, Value c0, bool channelsFirst, bool inside) {
    auto type = cast<RegType>(values.getType());
    int64_t tokens = type.getShape()[channelsFirst ? 1 : 0];
    int64_t channels = type.getShape()[channelsFirst ? 0 : 1];
    auto spread = [&](bool zeroPoints) {
      return a.h.broadcast(load(zeroPoints, j0, c0, tokens, channels, channelsFirst, inside), type);
    };
    if (zero)
      values = a.sub(values, spread(/*zeroPoints=*/true));
    return a.mul(values, spread(/*zeroPoints=*/false));
  }

  AttentionBuilder &a;
  const AttentionCacheScheme &cache;
  Value scale, zero, rowBase, rowsEnd;
};

} // namespace

Type lowbit::attentionScaleBufferType(const AttentionCacheScheme &cache) {
  return isLowbitElementType(cache.scaleType) ? IntegerType::get(cache.scaleType.getContext(), 8)
                                              : cache.scaleType;
}

Type lowbit::attentionZeroBufferType(const AttentionCacheScheme &cache) {
  if (cache.zero == AttentionCacheScheme::Zero::Int)
    return Float32Type::get(cache.scaleType.getContext());
  return cache.scaleType;
}

std::vector<float> lowbit::attentionRowStarts(const AttentionProblem &problem) {
  std::vector<float> starts(problem.rows());
  for (int64_t r = 0; r < problem.rows(); ++r)
    starts[r] = static_cast<float>(r % problem.queries + problem.keys - problem.queries -
                                   problem.window + 1);
  return starts;
}

std::vector<float> lowbit::attentionRowLimits(const AttentionProblem &problem) {
  std::vector<float> limits(problem.rows());
  for (int64_t r = 0; r < problem.rows(); ++r)
    limits[r] = static_cast<float>(
        problem.causal ? r % problem.queries + problem.keys - problem.queries : problem.keys - 1);
  return limits;
}

KernelOp lowbit::buildAttentionKernel(OpBuilder &builder, Location loc, StringRef name,
                                      const AttentionProblem &p, ScheduleAttr schedule) {
  OpBuilder::InsertionGuard guard(builder);
  AttentionBuilder a(builder, loc, p, schedule);
  Type f32 = a.f32();
  auto buffer = AttentionBuilder::buffer;
  Type bytes = builder.getI8Type();
  SmallVector<Type> arguments = {buffer(f32), buffer(p.kScheme.quantized() ? bytes : p.kType),
                                 buffer(p.vScheme.quantized() ? bytes : p.vType)};
  for (const AttentionCacheScheme *cache : {&p.kScheme, &p.vScheme}) {
    if (!cache->quantized())
      continue;
    arguments.push_back(buffer(attentionScaleBufferType(*cache)));
    if (cache->zero != AttentionCacheScheme::Zero::None)
      arguments.push_back(buffer(attentionZeroBufferType(*cache)));
  }
  if (p.residualKeys)
    arguments.append({buffer(p.kResidualType), buffer(p.vResidualType)});
  arguments.push_back(buffer(f32));
  if (p.window)
    arguments.push_back(buffer(f32));
  if (p.hasMask)
    arguments.push_back(buffer(f32));
  arguments.append({buffer(f32), buffer(f32), buffer(f32)});
  int64_t rowBlocks = attentionRowBlocks(p, schedule);
  KernelOp kernel =
      createKernel(builder, loc, name, arguments, {rowBlocks, a.bh, a.parts}, a.workers);
  Block &entry = kernel.getBody().front();
  unsigned next = 0;
  Value qtBuffer = entry.getArgument(next++), kBuffer = entry.getArgument(next++),
        vBuffer = entry.getArgument(next++);
  Value quantBuffers[2][2] = {};
  const AttentionCacheScheme *caches[] = {&p.kScheme, &p.vScheme};
  for (auto [index, cache] : llvm::enumerate(caches)) {
    if (!cache->quantized())
      continue;
    quantBuffers[index][0] = entry.getArgument(next++);
    if (cache->zero != AttentionCacheScheme::Zero::None)
      quantBuffers[index][1] = entry.getArgument(next++);
  }
  Value kResidualBuffer, vResidualBuffer;
  if (p.residualKeys) {
    kResidualBuffer = entry.getArgument(next++);
    vResidualBuffer = entry.getArgument(next++);
  }
  Value limitBuffer = entry.getArgument(next++);
  Value startBuffer = p.window ? entry.getArgument(next++) : Value();
  Value maskBuffer = p.hasMask ? entry.getArgument(next++) : Value();
  Value oBuffer = entry.getArgument(next++), mBuffer = entry.getArgument(next++),
        lBuffer = entry.getArgument(next++);
  BodyBuilder &h = a.h;
  int64_t d = p.headDim, dv = p.valueDim, skv = p.keys, tm = a.tileM, tn = a.tileN, tk = a.tileK;

  Value rb = BlockIndexOp::create(builder, loc, 0);
  Value head = BlockIndexOp::create(builder, loc, 1);
  Value part = BlockIndexOp::create(builder, loc, 2);
  Value r0 = h.mul(rb, tm);
  // Views end at this head's last row or key, so that tiles past it read zeros and write
  // nothing.
  int64_t cachedKeys = p.cachedKeys();
  Value headEndKeys = h.mul(h.add(head, 1), cachedKeys);
  Value qt = a.view(qtBuffer, h.index(a.rows), a.bh * d, 1, a.rows);
  // Float caches: K^T [D, keys] and V [keys, Dv] views of the elements. Quantized caches:
  // [keys, bytes] views of the interchange bytes, each token's codes a whole number of bytes.
  unsigned kBits = p.kScheme.codeBits(), vBits = p.vScheme.codeBits();
  Value kt = kBits ? a.view(kBuffer, headEndKeys, d * kBits / 8, d * kBits / 8, 1)
                   : a.view(kBuffer, h.index(d), headEndKeys, 1, d);
  Value vView = vBits ? a.view(vBuffer, headEndKeys, dv * vBits / 8, dv * vBits / 8, 1)
                      : a.view(vBuffer, headEndKeys, dv, dv, 1);
  std::optional<CacheScales> kScales, vScales;
  if (kBits)
    kScales.emplace(a, p.kScheme, head, quantBuffers[0][0], quantBuffers[0][1]);
  if (vBits)
    vScales.emplace(a, p.vScheme, head, quantBuffers[1][0], quantBuffers[1][1]);
  // Scales that one step shares move out of the products: K's, constant over a step's
  // tokens, multiply the queries (q . ((k - z) s) = (q s) . k - (q s) . z); V's, constant over
  // a step's channels, the probabilities (p . ((v - z) s) = (p s) . v - (p s) . z).
  bool foldK = kScales && kScales->constantOverTokens();
  bool foldV = vScales && vScales->constantOverChannels();
  // The keys come from segments: the cache's tokens, then a residual window's (float).
  struct Segment {
    Value kView, vView;
    unsigned kBits, vBits;
    Type kType, vType;
    int64_t start, length;
    CacheScales *kScales, *vScales;
    bool foldK, foldV;
    /// Each row's last visible key, capped at the segment's last (a partial step's keys
    /// past it belong to the next segment).
    Value rowLimit;
  };
  SmallVector<Segment, 2> segments = {{kt, vView, kBits, vBits, p.kType, p.vType, 0, cachedKeys,
                                       kScales ? &*kScales : nullptr, vScales ? &*vScales : nullptr,
                                       foldK, foldV, Value()}};
  if (p.residualKeys) {
    Value residualEnd = h.mul(h.add(head, 1), p.residualKeys);
    segments.push_back({a.view(kResidualBuffer, h.index(d), residualEnd, 1, d),
                        a.view(vResidualBuffer, residualEnd, dv, dv, 1), 0, 0, p.kResidualType,
                        p.vResidualType, cachedKeys, p.residualKeys, nullptr, nullptr, false, false,
                        Value()});
  }
  Value limits = a.view(limitBuffer, h.index(a.rows), 1, 1, 1);
  Value mask;
  if (p.hasMask)
    mask = a.view(maskBuffer, h.mul(h.add(head, 1), a.rows), skv, skv, 1);
  Value oView = a.view(oBuffer, h.index(a.rows), a.parts * a.bh * dv, 1, a.rows);
  Value mView = a.view(mBuffer, h.index(a.rows), a.parts * a.bh, 1, a.rows);
  Value lView = a.view(lBuffer, h.index(a.rows), a.parts * a.bh, 1, a.rows);
  Value state = h.add(h.mul(part, a.bh), head); // this part's (s, bh) index
  Value oColumn0 = h.mul(state, dv);

  // This part's keys; causal rows stop after the block's last visible key.
  int64_t partKeys = attentionPartKeys(p, schedule);
  Value kvStart = h.mul(part, partKeys);
  Value kvEnd = a.minIndex(h.add(kvStart, partKeys), h.index(skv));
  Value loopEnd = kvEnd;
  Value windowBegin;
  if (p.causal || p.window) {
    // The last query position among the block's rows: that of its last row when the rows
    // stay in one query head, else Sq - 1; the first likewise, else 0.
    Value lastRow = h.add(a.minIndex(h.add(r0, tm), h.index(a.rows)), -1);
    Value sq = h.index(p.queries);
    Value sameHead = arith::CmpIOp::create(builder, loc, arith::CmpIPredicate::eq,
                                           arith::DivUIOp::create(builder, loc, r0, sq),
                                           arith::DivUIOp::create(builder, loc, lastRow, sq));
    if (p.causal) {
      Value lastQuery = arith::SelectOp::create(builder, loc, sameHead,
                                                arith::RemUIOp::create(builder, loc, lastRow, sq),
                                                h.index(p.queries - 1));
      loopEnd = a.minIndex(kvEnd, h.add(lastQuery, skv - p.queries + 1));
    }
    if (p.window) {
      // A sliding window: the block's first visible key, down to a whole step (steps stay
      // aligned to TN, as the scale groups of a quantized cache need).
      Value firstQuery = arith::SelectOp::create(
          builder, loc, sameHead, arith::RemUIOp::create(builder, loc, r0, sq), h.index(0));
      Value first = arith::MaxSIOp::create(
          builder, loc, h.add(firstQuery, skv - p.queries - p.window + 1), h.index(0));
      windowBegin = h.mul(a.divide(first, tn), tn);
    }
  }

  RegType oType = a.rowTile(tk), scoreType = a.rowTile(tn), statType = a.rowTile(1);
  for (int64_t c = 0; c < dv; c += tk)
    StoreGlobalOp::create(builder, loc, a.constant(0, oType), oView,
                          ValueRange{r0, h.add(oColumn0, c)});
  Value rowLimit = LoadGlobalOp::create(builder, loc, statType, limits, ValueRange{r0, h.index(0)});
  Value lastKey = a.asF32(h.add(kvEnd, -1));
  rowLimit = a.spread(a.min(rowLimit, SplatOp::create(builder, loc, statType, lastKey)), scoreType);
  Value rowStart;
  if (p.window)
    rowStart = a.spread(LoadGlobalOp::create(builder, loc, statType,
                                             a.view(startBuffer, h.index(a.rows), 1, 1, 1),
                                             ValueRange{r0, h.index(0)}),
                        scoreType);
  Value columns = IotaOp::create(builder, loc, scoreType, 1);
  Value one = a.constant(1, scoreType), zero = a.constant(0, scoreType);

  // One step of TN keys from j0. Steps of whole keys inside the part read and write without
  // masks (as do rows, when TM divides R); the last, partial step masks its loads.
  bool rowsInside = a.rows % tm == 0;
  auto load = [&](RegType type, Value view, ValueRange at, bool inside) -> Value {
    auto op = LoadGlobalOp::create(builder, loc, type, view, at);
    if (inside)
      op.setInBounds(true);
    return op;
  };
  auto store = [&](Value value, Value view, ValueRange at) {
    auto op = StoreGlobalOp::create(builder, loc, value, view, at);
    if (rowsInside)
      op.setInBounds(true);
  };
  auto step = [&](const Segment &seg, Value j0, ValueRange carried,
                  bool wholeStep) -> SmallVector<Value> {
    bool inside = rowsInside && wholeStep;
    // The step's first token within the segment, and its row in the segment's views.
    Value token0 = seg.start ? h.add(j0, -seg.start) : j0;
    Value key0 = h.add(h.mul(head, seg.length), token0);
    Value kt = seg.kView, vView = seg.vView;
    unsigned kBits = seg.kBits, vBits = seg.vBits;
    bool foldK = seg.foldK, foldV = seg.foldV;
    CacheScales *kScales = seg.kScales, *vScales = seg.vScales;
    if (wholeStep) {
      // The next step's keys and values: the cache is read once, each step's rows far apart
      // (a token's D channels, then the next token's), which the hardware prefetchers do not
      // follow. A prefetch covers at most 64 lines: a few tokens at a time.
      Value next = h.add(key0, tn);
      auto prefetchRows = [&](Value view, int64_t rowBytes, bool transposed, int64_t width) {
        int64_t tokens = std::clamp<int64_t>(64 * 64 / std::max<int64_t>(1, rowBytes), 1, tn);
        for (int64_t t = 0; t < tn; t += tokens) {
          int64_t count = std::min(tokens, tn - t);
          Value token = h.add(next, t);
          if (transposed)
            PrefetchGlobalOp::create(builder, loc, view, ValueRange{h.index(0), token},
                                     ArrayRef<int64_t>{width, count});
          else
            PrefetchGlobalOp::create(builder, loc, view, ValueRange{token, h.index(0)},
                                     ArrayRef<int64_t>{count, width});
        }
      };
      if (kBits)
        prefetchRows(kt, d * kBits / 8, /*transposed=*/false, d * kBits / 8);
      else
        prefetchRows(kt, d * getElementBitWidth(seg.kType) / 8, /*transposed=*/true, d);
      if (vBits)
        prefetchRows(vView, dv * vBits / 8, /*transposed=*/false, dv * vBits / 8);
      else
        prefetchRows(vView, dv * getElementBitWidth(seg.vType) / 8, /*transposed=*/false, dv);
    }
    // Scores over D in steps of TK. K^T tiles hold each token's TK channels in consecutive
    // locals (as they lie in memory): one broadcast load per 32-bit chunk.
    bool kZeroTerm = foldK && p.kScheme.zero != AttentionCacheScheme::Zero::None;
    SmallVector<Value> scoreInits = {a.constant(0, scoreType)};
    if (kZeroTerm)
      scoreInits.push_back(a.constant(0, statType));
    SmallVector<Value> scoreSums =
        a.loop(h.index(0), h.index(d), tk, scoreInits,
               [&](Value d0, ValueRange acc) -> SmallVector<Value> {
                 Value q = load(a.rowTile(tk), qt, {r0, h.add(h.mul(head, d), d0)}, rowsInside);
                 RegType kType =
                     a.h.reg({tk, tn}, seg.kType,
                             layout::replicated(a.workers) * layout::columnLocal({tk, tn}));
                 if (!kBits) {
                   Value k = h.castTo(load(kType, kt, {d0, key0}, wholeStep), f32);
                   return {DotOp::create(builder, loc, scoreType, q, k, acc[0])};
                 }
                 // Each token's TK codes: a row of bytes, viewed as a column of codes.
                 int64_t rowBytes = tk * kBits / 8;
                 Value bytes = load(a.replicatedTile(tn, rowBytes, builder.getI8Type()), kt,
                                    {key0, a.divide(h.mul(d0, kBits), 8)}, wholeStep);
                 Value k = h.castTo(h.viewAs(bytes, kType), f32);
                 if (!foldK) {
                   k = kScales->dequantize(k, token0, d0, /*channelsFirst=*/true, wholeStep);
                   return {DotOp::create(builder, loc, scoreType, q, k, acc[0])};
                 }
                 Value qs =
                     a.mul(q, h.broadcast(kScales->load(/*zeroPoints=*/false, token0, d0, tn, tk,
                                                        /*channelsFirst=*/false, wholeStep),
                                          a.rowTile(tk)));
                 SmallVector<Value> sums = {DotOp::create(builder, loc, scoreType, qs, k, acc[0])};
                 if (kZeroTerm) {
                   Value z = kScales->load(/*zeroPoints=*/true, token0, d0, tn, tk,
                                           /*channelsFirst=*/true, wholeStep);
                   z = h.broadcast(z, a.replicatedTile(tk, 1, f32));
                   sums.push_back(DotOp::create(builder, loc, statType, qs, z, acc[1]));
                 }
                 return sums;
               });
    Value scores = scoreSums[0];
    if (kZeroTerm)
      scores = a.sub(scores, a.spread(scoreSums[1], scoreType));
    if (p.softcap) {
      scores =
          a.mul(TanhOp::create(builder, loc, a.mul(scores, a.constant(1 / *p.softcap, scoreType))),
                a.constant(*p.softcap, scoreType));
    }
    // t = clamp(limit - (j0 + column) + 1, 0, 1).
    Value keys = a.add(columns, SplatOp::create(builder, loc, scoreType, a.asF32(j0)));
    Value visible = a.min(a.max(a.add(a.sub(seg.rowLimit, keys), one), zero), one);
    if (rowStart) // and 1 only from the row's first key of its window on
      visible = a.min(visible, a.max(a.add(a.sub(keys, rowStart), one), zero));
    scores =
        a.add(a.mul(scores, visible), a.mul(a.sub(visible, one), a.constant(-kHidden, scoreType)));
    if (p.hasMask)
      scores = a.add(scores, load(scoreType, mask, {h.add(h.mul(head, a.rows), r0), j0}, inside));
    Value maxOld = carried[0];
    Value maxNew = a.max(maxOld, a.rowMax(scores));
    Value alpha = a.exp(a.sub(maxOld, maxNew));
    Value probs = a.mul(a.exp(a.sub(scores, a.spread(maxNew, scoreType))), visible);
    Value sum = a.add(a.mul(carried[1], alpha), a.rowSum(probs));
    Value alphaO = a.spread(alpha, oType);
    // o = o * alpha + p . V, TK columns at a time.
    a.loop(h.index(0), h.index(dv), tk, {}, [&](Value c, ValueRange) -> SmallVector<Value> {
      SmallVector<Value, 2> at = {r0, h.add(oColumn0, c)};
      Value o = load(oType, oView, at, rowsInside);
      RegType vType = a.replicatedTile(tn, tk, seg.vType);
      Value v, weights = probs, correction;
      if (vBits) {
        Value bytes = load(a.replicatedTile(tn, tk * vBits / 8, builder.getI8Type()), vView,
                           {key0, a.divide(h.mul(c, vBits), 8)}, wholeStep);
        v = h.castTo(h.viewAs(bytes, vType), f32);
        if (!foldV) {
          v = vScales->dequantize(v, token0, c, /*channelsFirst=*/false, wholeStep);
        } else {
          weights = a.mul(probs, h.broadcast(vScales->load(/*zeroPoints=*/false, token0, c, tn, tk,
                                                           /*channelsFirst=*/true, wholeStep),
                                             scoreType));
          if (p.vScheme.zero != AttentionCacheScheme::Zero::None) {
            Value z = vScales->load(/*zeroPoints=*/true, token0, c, tn, tk, /*channelsFirst=*/false,
                                    wholeStep);
            z = h.broadcast(z, a.replicatedTile(tn, 1, f32));
            correction = DotOp::create(builder, loc, statType, weights, z, a.constant(0, statType));
          }
        }
      } else {
        v = h.castTo(load(vType, vView, {key0, c}, wholeStep), f32);
      }
      Value result = DotOp::create(builder, loc, oType, weights, v, a.mul(o, alphaO));
      if (correction)
        result = a.sub(result, a.spread(correction, oType));
      store(result, oView, at);
      return {};
    });
    return {maxNew, sum};
  };
  // Per segment, the part's keys in it: whole steps, then at most one partial step.
  SmallVector<Value> partState = {a.constant(kHidden, statType), a.constant(0, statType)};
  for (Segment &seg : segments) {
    seg.rowLimit = rowLimit;
    if (seg.start + seg.length < skv)
      seg.rowLimit = a.min(rowLimit, a.constant(seg.start + seg.length - 1, scoreType));
    Value begin =
        seg.start ? arith::MaxSIOp::create(builder, loc, kvStart, h.index(seg.start)) : kvStart;
    if (windowBegin)
      begin = arith::MaxSIOp::create(builder, loc, begin, windowBegin);
    Value end = seg.start + seg.length < skv ? a.minIndex(loopEnd, h.index(seg.start + seg.length))
                                             : loopEnd;
    end = arith::MaxSIOp::create(builder, loc, end, begin);
    Value wholeEnd =
        h.add(begin,
              h.mul(arith::DivUIOp::create(
                        builder, loc, arith::SubIOp::create(builder, loc, end, begin), h.index(tn)),
                    tn));
    partState = a.loop(begin, wholeEnd, tn, partState, [&](Value j0, ValueRange carried) {
      return step(seg, j0, carried, /*wholeStep=*/true);
    });
    partState = a.loop(wholeEnd, end, tn, partState, [&](Value j0, ValueRange carried) {
      return step(seg, j0, carried, /*wholeStep=*/false);
    });
  }
  store(partState[0], mView, {r0, state});
  store(partState[1], lView, {r0, state});
  ReturnOp::create(builder, loc);
  return kernel;
}

KernelOp lowbit::buildAttentionMergeKernel(OpBuilder &builder, Location loc, StringRef name,
                                           const AttentionProblem &p, ScheduleAttr schedule) {
  OpBuilder::InsertionGuard guard(builder);
  AttentionBuilder a(builder, loc, p, schedule);
  Type f32 = a.f32();
  auto buffer = AttentionBuilder::buffer;
  SmallVector<Type> arguments(3, buffer(f32));
  if (p.hasSinks)
    arguments.push_back(buffer(f32));
  arguments.push_back(buffer(p.resultType));
  int64_t rowBlocks = attentionRowBlocks(p, schedule);
  KernelOp kernel = createKernel(builder, loc, name, arguments, {rowBlocks, a.bh}, a.workers);
  Block &entry = kernel.getBody().front();
  BodyBuilder &h = a.h;
  int64_t dv = p.valueDim, tk = a.tileK;
  Value rb = BlockIndexOp::create(builder, loc, 0);
  Value head = BlockIndexOp::create(builder, loc, 1);
  Value r0 = h.mul(rb, a.tileM);
  Value oView = a.view(entry.getArgument(0), h.index(a.rows), a.parts * a.bh * dv, 1, a.rows);
  Value mView = a.view(entry.getArgument(1), h.index(a.rows), a.parts * a.bh, 1, a.rows);
  Value lView = a.view(entry.getArgument(2), h.index(a.rows), a.parts * a.bh, 1, a.rows);
  Value out =
      a.view(entry.getArgument(arguments.size() - 1), h.mul(h.add(head, 1), a.rows), dv, dv, 1);
  RegType statType = a.rowTile(1), oType = a.rowTile(tk);

  SmallVector<Value> maxima, sums;
  Value total = a.constant(kHidden, statType);
  for (int64_t s = 0; s < a.parts; ++s) {
    Value column = h.add(head, s * a.bh);
    maxima.push_back(LoadGlobalOp::create(builder, loc, statType, mView, ValueRange{r0, column}));
    sums.push_back(LoadGlobalOp::create(builder, loc, statType, lView, ValueRange{r0, column}));
    total = a.max(total, maxima.back());
  }
  Value sink;
  if (p.hasSinks) {
    // Rows of KV head (bh mod Hkv) in the [Hkv, R] sinks.
    Value kvHead = arith::RemUIOp::create(builder, loc, head, h.index(p.kvHeads));
    Value sinks = a.view(entry.getArgument(3), h.index(a.rows), p.kvHeads, 1, a.rows);
    sink = LoadGlobalOp::create(builder, loc, statType, sinks, ValueRange{r0, kvHead});
    total = a.max(total, sink);
  }
  Value denominator = a.constant(0, statType);
  SmallVector<Value> weights;
  for (int64_t s = 0; s < a.parts; ++s) {
    weights.push_back(a.exp(a.sub(maxima[s], total)));
    denominator = a.add(denominator, a.mul(sums[s], weights.back()));
  }
  if (sink)
    denominator = a.add(denominator, a.exp(a.sub(sink, total)));
  // A row that sees no key has L = 0 and o = 0: its output is 0.
  Value inverse = DivOp::create(builder, loc, a.constant(1, statType),
                                a.max(denominator, a.constant(1e-30f, statType)));
  Value inverseO = a.spread(inverse, oType);
  Value outRow = h.add(h.mul(head, a.rows), r0);
  for (int64_t c = 0; c < dv; c += tk) {
    Value acc;
    for (int64_t s = 0; s < a.parts; ++s) {
      Value column = h.add(h.mul(h.add(head, s * a.bh), dv), c);
      Value o = a.mul(LoadGlobalOp::create(builder, loc, oType, oView, ValueRange{r0, column}),
                      a.spread(weights[s], oType));
      acc = acc ? a.add(acc, o) : o;
    }
    StoreGlobalOp::create(builder, loc, h.castTo(a.mul(acc, inverseO), p.resultType), out,
                          ValueRange{outRow, h.index(c)});
  }
  ReturnOp::create(builder, loc);
  return kernel;
}
