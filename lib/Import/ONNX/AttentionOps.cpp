//===- AttentionOps.cpp - GroupQueryAttention and MultiHeadAttention ------===//
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
//     heads per KV head; softcap, and head_sink or smooth_softmax's zero logit as sinks), then
//     [B, S, Hq * D].
// MultiHeadAttention: query, key and value as heads (plus their bias), the present caches
// the past and the new keys concatenated, one additive mask of attention_bias,
// key_padding_mask (mask_filter_value where a key is hidden) and the causal rule.
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

/// Input 0 as a [B, S, hidden] float query (an error, with `note` appended, otherwise).
FailureOr<Value> readQuery(GraphImporter &g, const Node &node, StringRef note) {
  FailureOr<Value> query = g.input(node, 0);
  if (failed(query))
    return failure();
  if (!isa<mlir::FloatType>(elementOf(*query)) || shapeOf(*query).size() != 3)
    return g.error(node, "query must be a [B, S, hidden] float tensor" + note);
  return *query;
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
  if (*qkOutput)
    return g.error(node, "qk_output is not taken");
  if (g.hasInput(node, 14) || g.hasInput(node, 15))
    return g.error(node, "q_norm_weight and k_norm_weight (inputs 14 and 15) are not taken");

  FailureOr<Value> query = readQuery(g, node, "");
  if (failed(query))
    return failure();
  Type element = elementOf(*query);
  ArrayRef<int64_t> qShape = shapeOf(*query);
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
  // Attention sinks: head_sink, or a zero logit per head with smooth_softmax.
  Value sinks;
  if (g.hasInput(node, 11)) {
    FailureOr<Value> given = g.input(node, 11);
    if (failed(given))
      return failure();
    if (shapeOf(*given) != ArrayRef<int64_t>{*numHeads} || elementOf(*given) != element)
      return g.error(node, "head_sink must be [" + Twine(*numHeads) + "] of the query's type");
    sinks = *given;
  } else if (*smooth) {
    sinks = arith::ConstantOp::create(
        b, loc, DenseElementsAttr::get(RankedTensorType::get({*numHeads}, b.getF32Type()), 0.0f));
  }
  float softmaxScale = *scale != 0.0f ? *scale : 1.0f / std::sqrt(static_cast<float>(headSize));
  // onnxruntime caps only with a positive softcap.
  FloatAttr cap = *softcap > 0.0f ? b.getF32FloatAttr(*softcap) : FloatAttr();
  Value attended =
      AttentionOp::create(b, loc, cast<RankedTensorType>(qHeads.getType()), qHeads, presentKey,
                          presentValue, Value(), Value(), Value(), Value(), Value(), Value(), mask,
                          sinks, SchemeAttr(), SchemeAttr(), UnitAttr(), IntegerAttr(),
                          b.getF32FloatAttr(softmaxScale), cap, ScheduleAttr())
          .getResult();
  if (failed(g.defineOutput(node, 0, fromHeads(b, loc, attended))) ||
      failed(g.defineOutput(node, 1, presentKey)))
    return failure();
  return g.defineOutput(node, 2, presentValue);
}

/// `x` + `bias`[offset, offset + size) along the last axis (broadcast over the others).
Value addBiasSlice(OpBuilder &b, Location loc, Value x, Value bias, int64_t offset) {
  int64_t size = shapeOf(x).back();
  Value part = tensor::ExtractSliceOp::create(
      b, loc, bias, ArrayRef<OpFoldResult>{b.getIndexAttr(offset)},
      ArrayRef<OpFoldResult>{b.getIndexAttr(size)}, ArrayRef<OpFoldResult>{b.getIndexAttr(1)});
  return buildElementwise(b, loc, ValueRange{x, part}, shapeOf(x), elementOf(x),
                          [](OpBuilder &nb, Location nl, ValueRange args) -> Value {
                            return arith::AddFOp::create(nb, nl, args[0], args[1]);
                          });
}

/// MultiHeadAttention's additive mask [B, N' (1 or N), S, T] in f32: attention_bias (or 0),
/// plus mask_filter_value where key_padding_mask hides a key, -inf where the causal rule
/// (t > P + s) does. `padding` is the key_padding_mask reshaped to rank 4 ([B, 1, 1, 1] of end
/// positions when `lengths`, else [B, 1, 1 or S, T] of keep (> 0) / hide).
Value buildAttentionMask(OpBuilder &b, Location loc, ArrayRef<int64_t> shape, Value bias,
                         Value padding, bool lengths, float filter, bool causal,
                         int64_t pastTokens) {
  Type f32 = b.getF32Type(), i32 = b.getI32Type();
  SmallVector<Value> inputs;
  if (bias)
    inputs.push_back(bias);
  if (padding)
    inputs.push_back(padding);
  if (inputs.empty())
    inputs.push_back(arith::ConstantOp::create(
        b, loc, DenseElementsAttr::get(RankedTensorType::get({}, f32), 0.0f)));
  return buildElementwise(
      b, loc, inputs, shape, f32, [&](OpBuilder &nb, Location nl, ValueRange args) -> Value {
        auto f32Constant = [&](float v) {
          return arith::ConstantOp::create(nb, nl, f32, nb.getF32FloatAttr(v)).getResult();
        };
        Value t = arith::IndexCastOp::create(nb, nl, i32, linalg::IndexOp::create(nb, nl, 3));
        Value value = f32Constant(0.0f);
        if (bias)
          value = args[0].getType() == f32 ? args[0] : arith::ExtFOp::create(nb, nl, f32, args[0]);
        if (padding) {
          Value code = args[bias ? 1 : 0];
          Value keep = lengths ? arith::CmpIOp::create(nb, nl, arith::CmpIPredicate::slt, t, code)
                               : arith::CmpIOp::create(nb, nl, arith::CmpIPredicate::sgt, code,
                                                       arith::ConstantOp::create(
                                                           nb, nl, i32, nb.getI32IntegerAttr(0)));
          value = arith::SelectOp::create(
              nb, nl, keep, value, arith::AddFOp::create(nb, nl, value, f32Constant(filter)));
        }
        if (causal) {
          Value s = arith::IndexCastOp::create(nb, nl, i32, linalg::IndexOp::create(nb, nl, 2));
          Value last = arith::AddIOp::create(
              nb, nl, s,
              arith::ConstantOp::create(nb, nl, i32, nb.getI32IntegerAttr(int32_t(pastTokens))));
          Value hidden = arith::CmpIOp::create(nb, nl, arith::CmpIPredicate::sgt, t, last);
          value = arith::SelectOp::create(
              nb, nl, hidden, f32Constant(-std::numeric_limits<float>::infinity()), value);
        }
        return value;
      });
}

LogicalResult importMultiHeadAttention(GraphImporter &g, const Node &node) {
  FailureOr<int64_t> numHeads = g.intAttribute(node, "num_heads", std::nullopt);
  FailureOr<float> scale = g.floatAttribute(node, "scale", 0.0f);
  FailureOr<float> filter = g.floatAttribute(node, "mask_filter_value", -10000.0f);
  FailureOr<int64_t> unidirectional = g.intAttribute(node, "unidirectional", 0);
  if (failed(numHeads) || failed(scale) || failed(filter) || failed(unidirectional))
    return failure();
  if (*numHeads <= 0)
    return g.error(node, "num_heads = " + Twine(*numHeads) + " must be positive");
  if (node.proto.output_size() > 3 && !node.proto.output(3).empty())
    return g.error(node, "output 3 (the scores) is not produced");
  if (g.hasInput(node, 8) || g.hasInput(node, 9))
    return g.error(node, "past_sequence_length and cache_indirection (inputs 8 and 9) are not "
                         "taken");

  FailureOr<Value> query = readQuery(g, node, " (packed query, key and value are not taken)");
  if (failed(query))
    return failure();
  Type element = elementOf(*query);
  ArrayRef<int64_t> qShape = shapeOf(*query);
  if (!g.hasInput(node, 1) || !g.hasInput(node, 2))
    return g.error(node, "key and value must be given (packed key and value are not taken)");
  FailureOr<Value> key = g.input(node, 1), value = g.input(node, 2);
  if (failed(key) || failed(value))
    return failure();
  int64_t batch = qShape[0], sequence = qShape[1], hidden = qShape[2];
  int64_t headSize = hidden / *numHeads;
  ArrayRef<int64_t> kShape = shapeOf(*key), vShape = shapeOf(*value);
  bool headsFirst = kShape.size() == 4;
  bool fits = headSize * *numHeads == hidden && kShape.size() == vShape.size() &&
              elementOf(*key) == element && elementOf(*value) == element;
  int64_t keys = 0, valueHead = 0;
  if (fits && headsFirst) {
    keys = kShape[2];
    valueHead = vShape[3];
    fits = kShape == ArrayRef<int64_t>{batch, *numHeads, keys, headSize} &&
           vShape == ArrayRef<int64_t>{batch, *numHeads, keys, valueHead};
  } else if (fits && kShape.size() == 3) {
    keys = kShape[1];
    valueHead = vShape[2] / *numHeads;
    fits = kShape == ArrayRef<int64_t>{batch, keys, hidden} &&
           vShape == ArrayRef<int64_t>{batch, keys, valueHead * *numHeads};
  } else {
    fits = false;
  }
  if (!fits)
    return g.error(node, "query " + shapeString(qShape) + ", key " + shapeString(kShape) +
                             " and value " + shapeString(vShape) +
                             " are not [B, S, N * H], [B, L, N * H], [B, L, N * Hv] (or [B, N, "
                             "L, H], [B, N, L, Hv]) of one float type for N = " +
                             Twine(*numHeads));
  OpBuilder &b = g.builder();
  Location loc = node.loc;
  Value q = *query, k = *key, v = *value;
  if (g.hasInput(node, 3)) {
    FailureOr<Value> bias = g.input(node, 3);
    if (failed(bias))
      return failure();
    int64_t valueHidden = valueHead * *numHeads;
    if (shapeOf(*bias) != ArrayRef<int64_t>{2 * hidden + valueHidden} ||
        elementOf(*bias) != element)
      return g.error(node,
                     "bias must be [" + Twine(2 * hidden + valueHidden) + "] of the query's type");
    if (headsFirst)
      return g.error(node, "bias with [B, N, L, H] key and value is not taken");
    q = addBiasSlice(b, loc, q, *bias, 0);
    k = addBiasSlice(b, loc, k, *bias, hidden);
    v = addBiasSlice(b, loc, v, *bias, 2 * hidden);
  }
  Value qHeads = toHeads(b, loc, q, *numHeads, headSize);
  Value kHeads = headsFirst ? k : toHeads(b, loc, k, *numHeads, headSize);
  Value vHeads = headsFirst ? v : toHeads(b, loc, v, *numHeads, valueHead);

  // The past: [B, N, P, H] and [B, N, P, Hv]; the present caches are past and new keys.
  if (g.hasInput(node, 6) != g.hasInput(node, 7))
    return g.error(node, "past_key and past_value must be given together");
  int64_t pastTokens = 0;
  if (g.hasInput(node, 6)) {
    FailureOr<Value> pk = g.input(node, 6), pv = g.input(node, 7);
    if (failed(pk) || failed(pv))
      return failure();
    ArrayRef<int64_t> pShape = shapeOf(*pk);
    pastTokens = pShape.size() == 4 ? pShape[2] : 0;
    if (pShape != ArrayRef<int64_t>{batch, *numHeads, pastTokens, headSize} ||
        shapeOf(*pv) != ArrayRef<int64_t>{batch, *numHeads, pastTokens, valueHead} ||
        elementOf(*pk) != element || elementOf(*pv) != element)
      return g.error(node, "past_key " + shapeString(pShape) + " and past_value " +
                               shapeString(shapeOf(*pv)) + " must be [" + Twine(batch) + ", " +
                               Twine(*numHeads) + ", P, " + Twine(headSize) + "] and [.., " +
                               Twine(valueHead) + "] of the query's type");
    kHeads = tensor::ConcatOp::create(b, loc, 2, ValueRange{*pk, kHeads});
    vHeads = tensor::ConcatOp::create(b, loc, 2, ValueRange{*pv, vHeads});
  }
  int64_t tokens = pastTokens + keys;

  // The mask: attention_bias, key_padding_mask and the causal rule in one [B, N', S, T].
  Value bias, padding;
  bool lengths = false;
  int64_t biasHeads = 1;
  if (g.hasInput(node, 5)) {
    FailureOr<Value> given = g.input(node, 5);
    if (failed(given))
      return failure();
    ArrayRef<int64_t> shape = shapeOf(*given);
    bool ok = shape.size() == 4 && isa<mlir::FloatType>(elementOf(*given)) &&
              (shape[0] == batch || shape[0] == 1) && (shape[1] == *numHeads || shape[1] == 1) &&
              shape[2] == sequence && shape[3] == tokens;
    if (!ok)
      return g.error(node, "attention_bias of shape " + shapeString(shape) +
                               " is not a float [B or 1, N or 1, S, T] = [" + Twine(batch) + ", " +
                               Twine(*numHeads) + ", " + Twine(sequence) + ", " + Twine(tokens) +
                               "]");
    bias = *given;
    biasHeads = shape[1];
  }
  if (g.hasInput(node, 4)) {
    FailureOr<Value> given = g.input(node, 4);
    if (failed(given))
      return failure();
    ArrayRef<int64_t> shape = shapeOf(*given);
    bool int32 = elementOf(*given).isSignlessInteger(32);
    if (int32 && (shape == ArrayRef<int64_t>{batch} || shape == ArrayRef<int64_t>{3 * batch + 2})) {
      // End positions (the first B of the 3B + 2 form).
      lengths = true;
      padding = tensor::ExtractSliceOp::create(
          b, loc, *given, ArrayRef<OpFoldResult>{b.getIndexAttr(0)},
          ArrayRef<OpFoldResult>{b.getIndexAttr(batch)}, ArrayRef<OpFoldResult>{b.getIndexAttr(1)});
      padding = reshapeTo(b, loc, padding, {batch, 1, 1, 1});
    } else if (int32 && shape == ArrayRef<int64_t>{batch, tokens}) {
      padding = reshapeTo(b, loc, *given, {batch, 1, 1, tokens});
    } else if (int32 && shape == ArrayRef<int64_t>{batch, sequence, tokens}) {
      padding = reshapeTo(b, loc, *given, {batch, 1, sequence, tokens});
    } else {
      return g.error(node, "key_padding_mask must be INT32 [B], [3B + 2], [B, T] or [B, S, T] "
                           "for B = " +
                               Twine(batch) + ", S = " + Twine(sequence) +
                               ", T = " + Twine(tokens) + "; got " + typeString(given->getType()));
    }
  }
  bool causal = *unidirectional != 0 && sequence > 1;
  if (causal && keys != sequence)
    return g.error(node, "unidirectional with " + Twine(keys) + " new keys for " + Twine(sequence) +
                             " queries is not taken (only L = S)");
  Value mask;
  if (bias || padding || causal)
    mask = buildAttentionMask(b, loc, {batch, biasHeads, sequence, tokens}, bias, padding, lengths,
                              *filter, causal, pastTokens);
  float softmaxScale = *scale != 0.0f ? *scale : 1.0f / std::sqrt(static_cast<float>(headSize));
  auto resultType = RankedTensorType::get({batch, *numHeads, sequence, valueHead}, element);
  Value attended = AttentionOp::create(b, loc, resultType, qHeads, kHeads, vHeads, Value(), Value(),
                                       Value(), Value(), Value(), Value(), mask, Value(),
                                       SchemeAttr(), SchemeAttr(), UnitAttr(), IntegerAttr(),
                                       b.getF32FloatAttr(softmaxScale), FloatAttr(), ScheduleAttr())
                       .getResult();
  if (failed(g.defineOutput(node, 0, fromHeads(b, loc, attended))) ||
      failed(g.defineOutput(node, 1, kHeads)))
    return failure();
  return g.defineOutput(node, 2, vHeads);
}

} // namespace

ArrayRef<OpEntry> onnx_import::getAttentionOpTable() {
  static const OpEntry table[] = {
      {"com.microsoft", "GroupQueryAttention", 1, 1, importGroupQueryAttention, true},
      {"com.microsoft", "MultiHeadAttention", 1, 1, importMultiHeadAttention, true},
  };
  return table;
}
