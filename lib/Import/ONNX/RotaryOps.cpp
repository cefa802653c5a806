//===- RotaryOps.cpp - RotaryEmbedding (com.microsoft and ai.onnx) --------===//
//
// Rotary position embedding: each pair of a head's first R dimensions (R =
// rotary_embedding_dim, the head size by default) is rotated by the angle of its token's
// position, read from cos / sin caches of [positions, R / 2]:
//   half-split (interleaved = 0): pair (d, d + R/2), interleaved: pair (2d, 2d + 1);
//   out_first = first * cos - second * sin, out_second = second * cos + first * sin;
// dimensions past R are copied. One linalg.generic over the input's own layout reads each
// element and its partner and the cache entries at the token's position (tensor.extract;
// positions outside the caches are clamped into them), in f32.
//
//===----------------------------------------------------------------------===//
#include "Importer.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;
using namespace lowbit;
using namespace lowbit::onnx_import;

using Node = GraphImporter::Node;

Value onnx_import::buildRotary(OpBuilder &b, Location loc, Value x, RotaryLayout layout,
                               RotaryPositions positions, Value cos, Value sin, int64_t rotaryDim,
                               bool interleaved) {
  ArrayRef<int64_t> shape = shapeOf(x);
  int64_t rank = shape.size(), half = rotaryDim / 2;
  Type element = elementOf(x), f32 = b.getF32Type();
  MLIRContext *ctx = b.getContext();
  SmallVector<Value> inputs;
  SmallVector<AffineMap> maps;
  if (positions.ids) {
    inputs.push_back(positions.ids);
    maps.push_back(AffineMap::get(
        rank, 0, {b.getAffineDimExpr(layout.batch), b.getAffineDimExpr(layout.sequence)}, ctx));
  }
  maps.push_back(b.getMultiDimIdentityMap(rank));
  Value init = tensor::EmptyOp::create(b, loc, shape, element);
  int64_t cachePositions = shapeOf(cos)[0];
  auto generic = linalg::GenericOp::create(
      b, loc, TypeRange{init.getType()}, inputs, ValueRange{init}, maps,
      SmallVector<utils::IteratorType>(rank, utils::IteratorType::parallel),
      [&](OpBuilder &nb, Location nl, ValueRange args) {
        auto index = [&](int64_t v) { return arith::ConstantIndexOp::create(nb, nl, v); };
        auto toF32 = [&](Value v) -> Value {
          return v.getType() == f32 ? v : arith::ExtFOp::create(nb, nl, f32, v).getResult();
        };
        SmallVector<Value> at;
        for (int64_t d = 0; d < rank; ++d)
          at.push_back(linalg::IndexOp::create(nb, nl, d));
        Value h = at[layout.element];
        Value inRotary =
            arith::CmpIOp::create(nb, nl, arith::CmpIPredicate::ult, h, index(rotaryDim));
        // The pair's index j in [0, R/2), the partner of h, and whether h is the first.
        Value j, partner, first;
        if (interleaved) {
          j = arith::DivUIOp::create(nb, nl, h, index(2));
          Value odd = arith::RemUIOp::create(nb, nl, h, index(2));
          first = arith::CmpIOp::create(nb, nl, arith::CmpIPredicate::eq, odd, index(0));
          partner =
              arith::SelectOp::create(nb, nl, first, arith::AddIOp::create(nb, nl, h, index(1)),
                                      arith::SubIOp::create(nb, nl, h, index(1)));
        } else {
          first = arith::CmpIOp::create(nb, nl, arith::CmpIPredicate::ult, h, index(half));
          j = arith::SelectOp::create(nb, nl, first, h,
                                      arith::SubIOp::create(nb, nl, h, index(half)));
          partner = arith::SelectOp::create(nb, nl, first,
                                            arith::AddIOp::create(nb, nl, h, index(half)), j);
        }
        // Outside the rotary dimensions every index stays in range (the element itself).
        j = arith::SelectOp::create(nb, nl, inRotary, j, index(0));
        partner = arith::SelectOp::create(nb, nl, inRotary, partner, h);
        Value value = toF32(tensor::ExtractOp::create(nb, nl, x, at));
        SmallVector<Value> partnerAt(at);
        partnerAt[layout.element] = partner;
        Value other = toF32(tensor::ExtractOp::create(nb, nl, x, partnerAt));
        SmallVector<Value> cacheAt;
        if (positions.ids || positions.offset) {
          Value position;
          if (positions.ids) {
            position = arith::IndexCastOp::create(nb, nl, nb.getIndexType(), args[0]);
          } else {
            Value offset =
                tensor::ExtractOp::create(nb, nl, positions.offset, ValueRange{index(0)});
            position = arith::AddIOp::create(
                nb, nl, arith::IndexCastOp::create(nb, nl, nb.getIndexType(), offset),
                at[layout.sequence]);
          }
          // Clamped into the caches (index casts of negative positions wrap to large ones).
          Value inside = arith::CmpIOp::create(nb, nl, arith::CmpIPredicate::ult, position,
                                               index(cachePositions));
          Value negative =
              arith::CmpIOp::create(nb, nl, arith::CmpIPredicate::slt, position, index(0));
          position = arith::SelectOp::create(
              nb, nl, inside, position,
              arith::SelectOp::create(nb, nl, negative, index(0), index(cachePositions - 1)));
          cacheAt = {position, j};
        } else {
          cacheAt = {at[layout.batch], at[layout.sequence], j};
        }
        Value c = toF32(tensor::ExtractOp::create(nb, nl, cos, cacheAt));
        Value s = toF32(tensor::ExtractOp::create(nb, nl, sin, cacheAt));
        // first: x * cos - partner * sin; second: x * cos + partner * sin.
        Value turn = arith::MulFOp::create(nb, nl, other, s);
        Value signedTurn =
            arith::SelectOp::create(nb, nl, first, arith::NegFOp::create(nb, nl, turn), turn);
        Value rotated =
            arith::AddFOp::create(nb, nl, arith::MulFOp::create(nb, nl, value, c), signedTurn);
        Value result = arith::SelectOp::create(nb, nl, inRotary, rotated, value);
        if (element != f32)
          result = arith::TruncFOp::create(nb, nl, element, result);
        linalg::YieldOp::create(nb, nl, result);
      });
  return generic.getResult(0);
}

namespace {

/// com.microsoft.RotaryEmbedding (input, position_ids, cos_cache, sin_cache) and ai.onnx
/// RotaryEmbedding, opset 23 (X, cos_cache, sin_cache, position_ids).
template <bool contrib> LogicalResult importRotaryEmbedding(GraphImporter &g, const Node &node) {
  unsigned cosIndex = contrib ? 2 : 1, sinIndex = contrib ? 3 : 2, idsIndex = contrib ? 1 : 3;
  FailureOr<Value> x = g.input(node, 0), cos = g.input(node, cosIndex),
                   sin = g.input(node, sinIndex);
  FailureOr<int64_t> interleaved = g.intAttribute(node, "interleaved", 0);
  FailureOr<int64_t> numHeads = g.intAttribute(node, "num_heads", 0);
  FailureOr<int64_t> rotaryAttr = g.intAttribute(node, "rotary_embedding_dim", 0);
  if (failed(x) || failed(cos) || failed(sin) || failed(interleaved) || failed(numHeads) ||
      failed(rotaryAttr))
    return failure();
  if (contrib) {
    FailureOr<int64_t> packed = g.intAttribute(node, "is_packed_batching", 0);
    FailureOr<float> scale = g.floatAttribute(node, "scale", 1.0f);
    if (failed(packed) || failed(scale))
      return failure();
    if (*packed)
      return g.error(node, "is_packed_batching = 1 is not taken");
    if (*scale != 1.0f)
      return g.error(node, "scale = " + std::to_string(*scale) + " is not taken (1 is)");
  }
  Type element = elementOf(*x);
  if (!isa<mlir::FloatType>(element))
    return g.error(node, "the input must be a float tensor");
  if (elementOf(*cos) != element || elementOf(*sin) != element)
    return g.error(node, "cos_cache and sin_cache must have the input's element type");
  ArrayRef<int64_t> in = shapeOf(*x), cosShape = shapeOf(*cos);
  if (cosShape != shapeOf(*sin))
    return g.error(node, "cos_cache and sin_cache have different shapes");
  if (in.size() != 3 && in.size() != 4)
    return g.error(node, "input of shape " + shapeString(in) +
                             " is not taken ([B, S, hidden] or [B, heads, S, head] are)");
  int64_t cacheHalf = cosShape.empty() ? 0 : cosShape.back();
  int64_t rotaryDim = *rotaryAttr ? *rotaryAttr : 2 * cacheHalf;
  // Heads and head size: the 4-D input's, or of [B, S, hidden] with num_heads (or heads of
  // the rotary size when num_heads is 0).
  int64_t heads = in.size() == 4 ? in[1] : *numHeads;
  if (in.size() == 3 && heads == 0)
    heads = rotaryDim > 0 && in[2] % rotaryDim == 0 ? in[2] / rotaryDim : 0;
  if (heads <= 0 || (in.size() == 3 && in[2] % heads))
    return g.error(node, "num_heads = " + Twine(*numHeads) + " does not divide " + shapeString(in));
  int64_t headSize = in.size() == 4 ? in[3] : in[2] / heads;
  if (rotaryDim <= 0 || rotaryDim % 2 || rotaryDim > headSize || cacheHalf != rotaryDim / 2)
    return g.error(node, "rotary dimension " + Twine(rotaryDim) + " does not fit head size " +
                             Twine(headSize) + " and caches of " + shapeString(cosShape));
  int64_t batch = in[0], sequence = in.size() == 4 ? in[2] : in[1];

  RotaryPositions positions;
  if (g.hasInput(node, idsIndex)) {
    FailureOr<Value> ids = g.input(node, idsIndex);
    if (failed(ids))
      return failure();
    if (!elementOf(*ids).isSignlessInteger(64))
      return g.error(node, "position_ids must be INT64");
    ArrayRef<int64_t> idsShape = shapeOf(*ids);
    if (idsShape == ArrayRef<int64_t>{batch, sequence})
      positions.ids = *ids;
    else if (contrib && idsShape == ArrayRef<int64_t>{1})
      positions.offset = *ids;
    else
      return g.error(node, "position_ids have shape " + shapeString(idsShape) + " where [" +
                               Twine(batch) + ", " + Twine(sequence) + "]" +
                               (contrib ? " or [1]" : "") + " is required");
    if (cosShape.size() != 2)
      return g.error(node, "with position_ids the caches must be [positions, rotary / 2]");
  } else if (contrib) {
    return g.error(node, "position_ids (input 1) is required");
  } else if (cosShape != ArrayRef<int64_t>{batch, sequence, cacheHalf}) {
    return g.error(node, "without position_ids the caches must be [" + Twine(batch) + ", " +
                             Twine(sequence) + ", " + Twine(cacheHalf) + "]");
  }
  OpBuilder &b = g.builder();
  Value heads4 = *x;
  RotaryLayout layout{0, 2, 3};
  if (in.size() == 3) {
    heads4 = reshapeTo(b, node.loc, *x, {batch, sequence, heads, headSize});
    layout = {0, 1, 3};
  }
  Value result =
      buildRotary(b, node.loc, heads4, layout, positions, *cos, *sin, rotaryDim, *interleaved != 0);
  if (in.size() == 3)
    result = reshapeTo(b, node.loc, result, in);
  return g.defineOutput(node, 0, result);
}

} // namespace

ArrayRef<OpEntry> onnx_import::getRotaryOpTable() {
  static const OpEntry table[] = {
      {"com.microsoft", "RotaryEmbedding", 1, 1, importRotaryEmbedding<true>, true},
      {"", "RotaryEmbedding", 23, 23, importRotaryEmbedding<false>, true},
  };
  return table;
}
