//===- AttentionOps.cpp - com.microsoft.GroupQueryAttention ---------------===//
//
// GroupQueryAttention with a past / present KV cache onto lowbit.attention:
//   - query, key, value [B, S, heads * D] (or one packed [B, S, (Hq + 2 Hkv) * D] query)
//     become [B, heads, S, D];
//   - batch b has past_b = seqlens_k[b] + 1 - S cached tokens (seqlens_k is the index of its
//     last token), clamped into [0, P] for a past of P tokens;
//   - with do_rotary, query and new keys turn by the positions past_b + s (or position_ids);
//   - present[b, h, t] = past[b, h, t] for t < past_b, the new token t - past_b for
//     t < past_b + S, 0 after: one linalg.generic of T = P + S tokens;
//   - a mask [B, 1, S, T] of 0 and -inf lets query s see the keys t <= past_b + s (and,
//     with local_window_size W, t > past_b + s - W), plus attention_bias;
//   - lowbit.attention of the query heads over the present keys and values (Hq / Hkv query
//     heads per KV head), then [B, S, Hq * D].
//
//===----------------------------------------------------------------------===//
#include "Importer.h"

#include "lowbit/LowbitDialect.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

#include <cmath>
#include <cstring>
#include <limits>

using namespace mlir;
using namespace lowbit;
using namespace lowbit::onnx_import;

using Node = GraphImporter::Node;

namespace {

/// [B, S, heads * D] as [B, heads, S, D] (transposed).
Value toHeads(OpBuilder &b, Location loc, Value x, int64_t heads, int64_t headSize) {
  ArrayRef<int64_t> in = shapeOf(x);
  Value split = reshapeTo(b, loc, x, {in[0], in[1], heads, headSize});
  Value init = tensor::EmptyOp::create(b, loc, ArrayRef<int64_t>{in[0], heads, in[1], headSize},
                                       elementOf(x));
  return linalg::TransposeOp::create(b, loc, split, init, ArrayRef<int64_t>{0, 2, 1, 3})
      .getResult()[0];
}

/// [B, heads, S, D] as [B, S, heads * D].
Value fromHeads(OpBuilder &b, Location loc, Value x) {
  ArrayRef<int64_t> in = shapeOf(x);
  Value init =
      tensor::EmptyOp::create(b, loc, ArrayRef<int64_t>{in[0], in[2], in[1], in[3]}, elementOf(x));
  Value moved =
      linalg::TransposeOp::create(b, loc, x, init, ArrayRef<int64_t>{0, 2, 1, 3}).getResult()[0];
  return reshapeTo(b, loc, moved, {in[0], in[2], in[1] * in[3]});
}

/// A [B] i64 tensor of past_b = clamp(seqlens_k[b] + 1 - S, 0, P).
Value pastLengths(OpBuilder &b, Location loc, Value seqlens, int64_t sequence, int64_t past) {
  int64_t batch = shapeOf(seqlens)[0];
  Type i64 = b.getI64Type();
  return buildElementwise(
      b, loc, seqlens, {batch}, i64, [&](OpBuilder &nb, Location nl, ValueRange args) -> Value {
        auto constant = [&](int64_t v) {
          return arith::ConstantOp::create(nb, nl, i64, nb.getI64IntegerAttr(v));
        };
        Value wide = arith::ExtSIOp::create(nb, nl, i64, args[0]);
        Value length = arith::AddIOp::create(nb, nl, wide, constant(1 - sequence));
        length = arith::MaxSIOp::create(nb, nl, length, constant(0));
        return arith::MinSIOp::create(nb, nl, length, constant(past));
      });
}

/// The token positions past_b + s, [B, S] i64.
Value tokenPositions(OpBuilder &b, Location loc, Value pastLength, int64_t sequence) {
  int64_t batch = shapeOf(pastLength)[0];
  Type i64 = b.getI64Type();
  MLIRContext *ctx = b.getContext();
  Value init = tensor::EmptyOp::create(b, loc, ArrayRef<int64_t>{batch, sequence}, i64);
  SmallVector<AffineMap> maps = {AffineMap::get(2, 0, {b.getAffineDimExpr(0)}, ctx),
                                 b.getMultiDimIdentityMap(2)};
  return linalg::GenericOp::create(
             b, loc, TypeRange{init.getType()}, pastLength, init, maps,
             SmallVector<utils::IteratorType>(2, utils::IteratorType::parallel),
             [&](OpBuilder &nb, Location nl, ValueRange args) {
               Value s =
                   arith::IndexCastOp::create(nb, nl, i64, linalg::IndexOp::create(nb, nl, 1));
               linalg::YieldOp::create(nb, nl,
                                       ValueRange{arith::AddIOp::create(nb, nl, args[0], s)});
             })
      .getResult(0);
}

/// present[b, h, t] = past[b, h, t] (t < past_b), fresh[b, h, t - past_b] (t < past_b + S),
/// 0 after; [B, H, P + S, D].
Value buildPresent(OpBuilder &b, Location loc, Value past, Value fresh, Value pastLength) {
  ArrayRef<int64_t> shape = shapeOf(fresh);
  int64_t pastTokens = past ? shapeOf(past)[2] : 0, sequence = shape[2];
  if (pastTokens == 0)
    return fresh;
  Type element = elementOf(fresh);
  MLIRContext *ctx = b.getContext();
  SmallVector<int64_t> outShape = {shape[0], shape[1], pastTokens + sequence, shape[3]};
  Value init = tensor::EmptyOp::create(b, loc, outShape, element);
  SmallVector<AffineMap> maps = {AffineMap::get(4, 0, {b.getAffineDimExpr(0)}, ctx),
                                 b.getMultiDimIdentityMap(4)};
  return linalg::GenericOp::create(
             b, loc, TypeRange{init.getType()}, pastLength, init, maps,
             SmallVector<utils::IteratorType>(4, utils::IteratorType::parallel),
             [&](OpBuilder &nb, Location nl, ValueRange args) {
               auto index = [&](int64_t v) { return arith::ConstantIndexOp::create(nb, nl, v); };
               Value bi = linalg::IndexOp::create(nb, nl, 0),
                     h = linalg::IndexOp::create(nb, nl, 1);
               Value t = linalg::IndexOp::create(nb, nl, 2), d = linalg::IndexOp::create(nb, nl, 3);
               Value length = arith::IndexCastOp::create(nb, nl, nb.getIndexType(), args[0]);
               Value inPast = arith::CmpIOp::create(nb, nl, arith::CmpIPredicate::ult, t, length);
               Value offset = arith::SubIOp::create(nb, nl, t, length);
               Value inFresh = arith::CmpIOp::create(nb, nl, arith::CmpIPredicate::ult, offset,
                                                     index(sequence));
               // Indices clamped into both tensors; the selects pick the one that applies.
               Value pastT = arith::MinUIOp::create(nb, nl, t, index(pastTokens - 1));
               Value freshT = arith::SelectOp::create(nb, nl, inFresh, offset, index(0));
               Value fromPast =
                   tensor::ExtractOp::create(nb, nl, past, ValueRange{bi, h, pastT, d});
               Value fromFresh =
                   tensor::ExtractOp::create(nb, nl, fresh, ValueRange{bi, h, freshT, d});
               Value zero = arith::ConstantOp::create(nb, nl, element, nb.getZeroAttr(element));
               Value value = arith::SelectOp::create(
                   nb, nl, inPast, fromPast,
                   arith::SelectOp::create(nb, nl, inFresh, fromFresh, zero));
               linalg::YieldOp::create(nb, nl, value);
             })
      .getResult(0);
}

/// The mask [B, 1, S, T]: 0 where query s of batch b sees key t (t <= past_b + s, and t >
/// past_b + s - window when window > 0), -inf elsewhere.
Value buildMask(OpBuilder &b, Location loc, Value pastLength, int64_t sequence, int64_t tokens,
                int64_t window) {
  int64_t batch = shapeOf(pastLength)[0];
  Type f32 = b.getF32Type(), i64 = b.getI64Type();
  MLIRContext *ctx = b.getContext();
  Value init = tensor::EmptyOp::create(b, loc, ArrayRef<int64_t>{batch, 1, sequence, tokens}, f32);
  SmallVector<AffineMap> maps = {AffineMap::get(4, 0, {b.getAffineDimExpr(0)}, ctx),
                                 b.getMultiDimIdentityMap(4)};
  return linalg::GenericOp::create(
             b, loc, TypeRange{init.getType()}, pastLength, init, maps,
             SmallVector<utils::IteratorType>(4, utils::IteratorType::parallel),
             [&](OpBuilder &nb, Location nl, ValueRange args) {
               auto cast = [&](Value index) {
                 return arith::IndexCastOp::create(nb, nl, i64, index).getResult();
               };
               Value s = cast(linalg::IndexOp::create(nb, nl, 2));
               Value t = cast(linalg::IndexOp::create(nb, nl, 3));
               Value last = arith::AddIOp::create(nb, nl, args[0], s);
               Value visible = arith::CmpIOp::create(nb, nl, arith::CmpIPredicate::sle, t, last);
               if (window > 0) {
                 Value first = arith::SubIOp::create(
                     nb, nl, last,
                     arith::ConstantOp::create(nb, nl, i64, nb.getI64IntegerAttr(window)));
                 visible = arith::AndIOp::create(
                     nb, nl, visible,
                     arith::CmpIOp::create(nb, nl, arith::CmpIPredicate::sgt, t, first));
               }
               Value zero = arith::ConstantOp::create(nb, nl, f32, nb.getF32FloatAttr(0));
               Value hidden = arith::ConstantOp::create(
                   nb, nl, f32, nb.getF32FloatAttr(-std::numeric_limits<float>::infinity()));
               linalg::YieldOp::create(
                   nb, nl, ValueRange{arith::SelectOp::create(nb, nl, visible, zero, hidden)});
             })
      .getResult(0);
}

LogicalResult importGroupQueryAttention(GraphImporter &g, const Node &node) {
  FailureOr<int64_t> numHeads = g.intAttribute(node, "num_heads", std::nullopt);
  FailureOr<int64_t> kvHeads = g.intAttribute(node, "kv_num_heads", std::nullopt);
  FailureOr<float> scale = g.floatAttribute(node, "scale", 0.0f);
  FailureOr<float> softcap = g.floatAttribute(node, "softcap", 0.0f);
  FailureOr<int64_t> window = g.intAttribute(node, "local_window_size", -1);
  FailureOr<int64_t> doRotary = g.intAttribute(node, "do_rotary", 0);
  FailureOr<int64_t> interleaved = g.intAttribute(node, "rotary_interleaved", 0);
  FailureOr<int64_t> smooth = g.intAttribute(node, "smooth_softmax", 0);
  FailureOr<int64_t> qkOutput = g.intAttribute(node, "qk_output", 0);
  if (failed(numHeads) || failed(kvHeads) || failed(scale) || failed(softcap) || failed(window) ||
      failed(doRotary) || failed(interleaved) || failed(smooth) || failed(qkOutput))
    return failure();
  if (*numHeads <= 0 || *kvHeads <= 0 || *numHeads % *kvHeads)
    return g.error(node, "num_heads = " + Twine(*numHeads) +
                             " must be a positive multiple of "
                             "kv_num_heads = " +
                             Twine(*kvHeads));
  if (*softcap != 0.0f)
    return g.error(node, "softcap is not taken (lowbit.attention has no soft-capping)");
  if (*smooth || *qkOutput)
    return g.error(node, "smooth_softmax and qk_output are not taken");
  if (g.hasInput(node, 11))
    return g.error(node, "head_sink (input 11) is not taken");

  FailureOr<Value> query = g.input(node, 0);
  if (failed(query))
    return failure();
  Type element = elementOf(*query);
  ArrayRef<int64_t> qShape = shapeOf(*query);
  if (!isa<mlir::FloatType>(element) || qShape.size() != 3)
    return g.error(node, "query must be a [B, S, hidden] float tensor");
  int64_t batch = qShape[0], sequence = qShape[1];
  bool packed = !g.hasInput(node, 1);
  int64_t headSize = qShape[2] / (packed ? *numHeads + 2 * *kvHeads : *numHeads);
  OpBuilder &b = g.builder();
  Location loc = node.loc;
  Value q = *query, key, value;
  if (packed) {
    if (headSize * (*numHeads + 2 * *kvHeads) != qShape[2])
      return g.error(node, "packed query of shape " + shapeString(qShape) + " does not hold " +
                               Twine(*numHeads) + " + 2 x " + Twine(*kvHeads) + " heads");
    auto slice = [&](int64_t offset, int64_t size) -> Value {
      SmallVector<OpFoldResult> offsets = {b.getIndexAttr(0), b.getIndexAttr(0),
                                           b.getIndexAttr(offset)};
      SmallVector<OpFoldResult> sizes = {b.getIndexAttr(batch), b.getIndexAttr(sequence),
                                         b.getIndexAttr(size)};
      SmallVector<OpFoldResult> strides(3, b.getIndexAttr(1));
      return tensor::ExtractSliceOp::create(b, loc, *query, offsets, sizes, strides);
    };
    q = slice(0, *numHeads * headSize);
    key = slice(*numHeads * headSize, *kvHeads * headSize);
    value = slice((*numHeads + *kvHeads) * headSize, *kvHeads * headSize);
  } else {
    FailureOr<Value> k = g.input(node, 1), v = g.input(node, 2);
    if (failed(k) || failed(v))
      return failure();
    SmallVector<int64_t> want = {batch, sequence, *kvHeads * headSize};
    if (headSize * *numHeads != qShape[2] || shapeOf(*k) != ArrayRef<int64_t>(want) ||
        shapeOf(*v) != ArrayRef<int64_t>(want) || elementOf(*k) != element ||
        elementOf(*v) != element)
      return g.error(node, "query " + shapeString(qShape) + ", key " + shapeString(shapeOf(*k)) +
                               " and value " + shapeString(shapeOf(*v)) + " do not fit " +
                               Twine(*numHeads) + " query and " + Twine(*kvHeads) +
                               " KV heads of one type");
    key = *k;
    value = *v;
  }

  // The past: [B, Hkv, P, D] each, or none.
  Value pastKey, pastValue;
  if (g.hasInput(node, 3) != g.hasInput(node, 4))
    return g.error(node, "past_key and past_value must be given together");
  if (g.hasInput(node, 3)) {
    FailureOr<Value> pk = g.input(node, 3), pv = g.input(node, 4);
    if (failed(pk) || failed(pv))
      return failure();
    ArrayRef<int64_t> pShape = shapeOf(*pk);
    if (pShape.size() != 4 || pShape[0] != batch || pShape[1] != *kvHeads ||
        pShape[3] != headSize || shapeOf(*pv) != pShape || elementOf(*pk) != element ||
        elementOf(*pv) != element)
      return g.error(node, "past_key and past_value must be [" + Twine(batch) + ", " +
                               Twine(*kvHeads) + ", P, " + Twine(headSize) +
                               "] of the query's type");
    pastKey = *pk;
    pastValue = *pv;
  }
  int64_t pastTokens = pastKey ? shapeOf(pastKey)[2] : 0, tokens = pastTokens + sequence;
  FailureOr<Value> seqlens = g.input(node, 5);
  if (failed(seqlens))
    return failure();
  if (!elementOf(*seqlens).isSignlessInteger(32) || shapeOf(*seqlens) != ArrayRef<int64_t>{batch})
    return g.error(node, "seqlens_k must be [" + Twine(batch) + "] INT32");
  if (const onnx::TensorProto *total = g.constantInput(node, 6)) {
    std::string why;
    std::optional<std::vector<uint8_t>> bytes = readTensorBytes(*total, why);
    if (!bytes || bytes->size() != 4 || total->data_type() != kInt32)
      return g.error(node, "total_sequence_length must be one INT32");
    int32_t given;
    std::memcpy(&given, bytes->data(), 4);
    if (given != tokens)
      return g.error(node, "total_sequence_length = " + Twine(given) +
                               " where the past and the "
                               "new tokens make " +
                               Twine(tokens) + " (the importer keeps the present cache at P + S)");
  }

  Value pastLength = pastLengths(b, loc, *seqlens, sequence, pastTokens);
  Value qHeads = toHeads(b, loc, q, *numHeads, headSize);
  Value kHeads = toHeads(b, loc, key, *kvHeads, headSize);
  Value vHeads = toHeads(b, loc, value, *kvHeads, headSize);
  if (*doRotary) {
    FailureOr<Value> cos = g.input(node, 7), sin = g.input(node, 8);
    if (failed(cos) || failed(sin))
      return failure();
    ArrayRef<int64_t> cosShape = shapeOf(*cos);
    if (cosShape.size() != 2 || shapeOf(*sin) != cosShape || elementOf(*cos) != element ||
        elementOf(*sin) != element || 2 * cosShape[1] > headSize)
      return g.error(node, "cos_cache and sin_cache must be [positions, R / 2] of the query's "
                           "type, R <= " +
                               Twine(headSize));
    RotaryPositions positions;
    if (g.hasInput(node, 9)) {
      FailureOr<Value> ids = g.input(node, 9);
      if (failed(ids))
        return failure();
      if (!elementOf(*ids).isSignlessInteger(64) ||
          shapeOf(*ids) != ArrayRef<int64_t>{batch, sequence})
        return g.error(node, "position_ids must be [" + Twine(batch) + ", " + Twine(sequence) +
                                 "] INT64");
      positions.ids = *ids;
    } else {
      positions.ids = tokenPositions(b, loc, pastLength, sequence);
    }
    RotaryLayout layout{0, 2, 3};
    qHeads = buildRotary(b, loc, qHeads, layout, positions, *cos, *sin, 2 * cosShape[1],
                         *interleaved != 0);
    kHeads = buildRotary(b, loc, kHeads, layout, positions, *cos, *sin, 2 * cosShape[1],
                         *interleaved != 0);
  }
  Value presentKey = buildPresent(b, loc, pastKey, kHeads, pastLength);
  Value presentValue = buildPresent(b, loc, pastValue, vHeads, pastLength);
  Value mask = buildMask(b, loc, pastLength, sequence, tokens, *window);
  if (g.hasInput(node, 10)) {
    FailureOr<Value> bias = g.input(node, 10);
    if (failed(bias))
      return failure();
    ArrayRef<int64_t> biasShape = shapeOf(*bias);
    SmallVector<int64_t> full = {batch, *numHeads, sequence, tokens};
    bool fits = biasShape.size() == 4 && isa<mlir::FloatType>(elementOf(*bias));
    for (size_t d = 0; fits && d < 4; ++d)
      fits = biasShape[d] == full[d] || biasShape[d] == 1;
    if (!fits)
      return g.error(node, "attention_bias of shape " + shapeString(biasShape) +
                               " does not broadcast to " + shapeString(full));
    SmallVector<int64_t> shape = {batch, biasShape[1], sequence, tokens};
    Type f32 = b.getF32Type();
    mask = buildElementwise(b, loc, ValueRange{mask, *bias}, shape, f32,
                            [&](OpBuilder &nb, Location nl, ValueRange args) -> Value {
                              Value extra = args[1].getType() == f32
                                                ? args[1]
                                                : arith::ExtFOp::create(nb, nl, f32, args[1]);
                              return arith::AddFOp::create(nb, nl, args[0], extra);
                            });
  }
  float softmaxScale = *scale != 0.0f ? *scale : 1.0f / std::sqrt(static_cast<float>(headSize));
  Value attended =
      AttentionOp::create(b, loc, cast<RankedTensorType>(qHeads.getType()), qHeads, presentKey,
                          presentValue, Value(), Value(), Value(), Value(), mask, SchemeAttr(),
                          SchemeAttr(), UnitAttr(), b.getF32FloatAttr(softmaxScale))
          .getResult();
  if (failed(g.defineOutput(node, 0, fromHeads(b, loc, attended))) ||
      failed(g.defineOutput(node, 1, presentKey)))
    return failure();
  return g.defineOutput(node, 2, presentValue);
}

} // namespace

ArrayRef<OpEntry> onnx_import::getAttentionOpTable() {
  static const OpEntry table[] = {
      {"com.microsoft", "GroupQueryAttention", 1, 1, importGroupQueryAttention, true},
  };
  return table;
}
