//===- MoeOps.cpp - com.microsoft.MoE and QMoE ----------------------------===//
//
// onnxruntime's mixture-of-experts ops onto lowbit.moe:
//   - input [T, H] (or [B, S, H], flattened and shaped back), router_probs [T, E] (logits);
//   - fc1 [E, N, H] holds the gate projection (N = I), or the gate and up projections fused
//     (swiglu_fusion 1: rows 2i and 2i + 1; 2: the first I rows, then the next I; N = 2I);
//     fc3 [E, I, H], when given, is the up projection; fc2 [E, H, I] is the down projection;
//     the biases split the same way;
//   - activation_type relu / gelu (onnxruntime's tanh form) / silu / identity act on fc1 alone
//     (times fc3 when given); swiglu is silu with the sigmoid slope activation_alpha, the up
//     offset activation_beta and the clamp swiglu_limit;
//   - MoE weights each selected expert by its softmax over all experts (renormalized over the
//     selected with normalize_routing_weights); QMoE by the softmax over the selected ones,
//     which is the same renormalized weight;
//   - QMoE's weights are UINT8 initializers of 2, 4 or 8-bit codes packed from the low bits,
//     one scale per row (or per block of block_size along the row), zero points packed the
//     same way or their default 2^(bits - 1) (then the codes become signed ones).
//
//===----------------------------------------------------------------------===//
#include "Importer.h"

#include "lowbit/LowbitDialect.h"

#include "mlir/Dialect/Tensor/IR/Tensor.h"

#include <cmath>
#include <limits>
#include <vector>

using namespace mlir;
using namespace lowbit;
using namespace lowbit::onnx_import;

using Node = GraphImporter::Node;

namespace {

/// How fc1's N rows hold the gate projection (and the up projection when fused).
enum class Fusion { None, Interleaved, Concatenated };

/// The attributes both ops share, read and checked.
struct MoeAttributes {
  int64_t topK;
  GateActivation activation;
  bool swiglu, normalize;
  Fusion fusion;
  float alpha, beta, limit;
};

FailureOr<MoeAttributes> readAttributes(GraphImporter &g, const Node &node, bool hasUp) {
  FailureOr<int64_t> k = g.intAttribute(node, "k", 1);
  FailureOr<std::string> activation = g.stringAttribute(node, "activation_type", "relu");
  FailureOr<int64_t> normalize = g.intAttribute(node, "normalize_routing_weights", 0);
  FailureOr<int64_t> sparse = g.intAttribute(node, "use_sparse_mixer", 0);
  FailureOr<int64_t> fusion = g.intAttribute(node, "swiglu_fusion", 0);
  FailureOr<float> limit =
      g.floatAttribute(node, "swiglu_limit", std::numeric_limits<float>::infinity());
  FailureOr<float> alpha = g.floatAttribute(node, "activation_alpha", 1.0f);
  FailureOr<float> beta = g.floatAttribute(node, "activation_beta", 0.0f);
  if (failed(k) || failed(activation) || failed(normalize) || failed(sparse) || failed(fusion) ||
      failed(limit) || failed(alpha) || failed(beta))
    return failure();
  MoeAttributes a;
  a.topK = *k;
  a.normalize = *normalize != 0;
  a.alpha = *alpha;
  a.beta = *beta;
  a.limit = *limit;
  a.swiglu = *activation == "swiglu";
  if (*sparse != 0)
    return g.error(node, "use_sparse_mixer = " + Twine(*sparse) + " is not taken");
  if (*activation == "relu")
    a.activation = GateActivation::ReLU;
  else if (*activation == "gelu")
    a.activation = GateActivation::GELUTanh;
  else if (*activation == "silu" || a.swiglu)
    a.activation = GateActivation::SiLU;
  else if (*activation == "identity")
    a.activation = GateActivation::Identity;
  else
    return g.error(node, "activation_type = '" + *activation +
                             "': it must be relu, gelu, silu, identity or swiglu");
  if (*fusion < 0 || *fusion > 2)
    return g.error(node, "swiglu_fusion = " + Twine(*fusion) + ": it must be 0, 1 or 2");
  a.fusion = static_cast<Fusion>(*fusion);
  if (a.fusion != Fusion::None && !a.swiglu)
    return g.error(node, "swiglu_fusion = " + Twine(*fusion) + " needs activation_type swiglu");
  if (a.swiglu && a.fusion == Fusion::None && !hasUp)
    return g.error(node, "swiglu with swiglu_fusion = 0 needs fc3 (the up projection)");
  if (a.fusion != Fusion::None && hasUp)
    return g.error(node, "fc3 and a fused fc1 (swiglu_fusion = " + Twine(*fusion) +
                             ") both give the up projection");
  if (!(a.limit > 0.0f))
    return g.error(node, "swiglu_limit = " + std::to_string(a.limit) + " must be positive");
  return a;
}

/// Rows [start, start + step * count) by `step` of axis 1 of `value` (rank 2 or 3).
Value rowsOf(OpBuilder &b, Location loc, Value value, int64_t start, int64_t count, int64_t step) {
  ArrayRef<int64_t> shape = shapeOf(value);
  SmallVector<OpFoldResult> offsets(shape.size(), b.getIndexAttr(0));
  SmallVector<OpFoldResult> sizes, strides(shape.size(), b.getIndexAttr(1));
  for (int64_t extent : shape)
    sizes.push_back(b.getIndexAttr(extent));
  offsets[1] = b.getIndexAttr(start);
  sizes[1] = b.getIndexAttr(count);
  strides[1] = b.getIndexAttr(step);
  return tensor::ExtractSliceOp::create(b, loc, value, offsets, sizes, strides);
}

/// Where fc1's gate and up rows are: (start, step) of each, I rows.
struct RowSplit {
  int64_t gateStart = 0, upStart = 0, step = 1;
};
RowSplit splitOf(Fusion fusion, int64_t inter) {
  switch (fusion) {
  case Fusion::None:
    return {};
  case Fusion::Interleaved:
    return {0, 1, 2};
  case Fusion::Concatenated:
    return {0, inter, 1};
  }
  return {};
}

/// The common operands of lowbit.moe besides the weights.
struct MoeOperands {
  Value x, logits;
  SmallVector<int64_t> inputShape; // of input 0, for the result
  int64_t tokens, hidden, experts;
};

FailureOr<MoeOperands> readRouting(GraphImporter &g, const Node &node) {
  FailureOr<Value> x = g.input(node, 0), logits = g.input(node, 1);
  if (failed(x) || failed(logits))
    return failure();
  MoeOperands m;
  ArrayRef<int64_t> shape = shapeOf(*x);
  m.inputShape.assign(shape.begin(), shape.end());
  if (!isa<mlir::FloatType>(elementOf(*x)) || (shape.size() != 2 && shape.size() != 3))
    return g.error(node, "input must be a float [T, H] or [B, S, H] tensor");
  m.hidden = shape.back();
  m.tokens = elementCount(shape) / std::max<int64_t>(m.hidden, 1);
  ArrayRef<int64_t> lShape = shapeOf(*logits);
  if (!isa<mlir::FloatType>(elementOf(*logits)) || lShape.size() != 2 || lShape[0] != m.tokens ||
      lShape[1] < 1)
    return g.error(node, "router_probs of shape " + shapeString(lShape) +
                             " is not a float [T, E] for T = " + Twine(m.tokens));
  m.experts = lShape[1];
  m.x = shape.size() == 2 ? *x : reshapeTo(g.builder(), node.loc, *x, {m.tokens, m.hidden});
  m.logits = *logits;
  return m;
}

/// An optional bias input `index` of shape [E, rows] of `element`, or null.
FailureOr<Value> readBias(GraphImporter &g, const Node &node, unsigned index, StringRef name,
                          int64_t experts, int64_t rows, Type element) {
  if (!g.hasInput(node, index))
    return Value();
  FailureOr<Value> bias = g.input(node, index);
  if (failed(bias))
    return failure();
  if (shapeOf(*bias) != ArrayRef<int64_t>{experts, rows} || elementOf(*bias) != element)
    return g.error(node, name + " of type " + typeString(bias->getType()) + " is not [" +
                             Twine(experts) + ", " + Twine(rows) + "] of the input's type");
  return *bias;
}

/// The gate, up and down biases from the fc1, fc2 and fc3 bias inputs at `indices`: fc1's
/// rows split like its weights when fused, fc3's the up bias.
struct Biases {
  Value gate, up, down;
};
FailureOr<Biases> readBiases(GraphImporter &g, const Node &node, const unsigned (&indices)[3],
                             const MoeOperands &m, const MoeAttributes &a, int64_t inter,
                             Type element) {
  int64_t rows = a.fusion == Fusion::None ? inter : 2 * inter;
  FailureOr<Value> fc1 =
      readBias(g, node, indices[0], "fc1_experts_bias", m.experts, rows, element);
  FailureOr<Value> fc2 =
      readBias(g, node, indices[1], "fc2_experts_bias", m.experts, m.hidden, element);
  FailureOr<Value> fc3 =
      readBias(g, node, indices[2], "fc3_experts_bias", m.experts, inter, element);
  if (failed(fc1) || failed(fc2) || failed(fc3))
    return failure();
  Biases biases{*fc1, *fc3, *fc2};
  if (*fc1 && a.fusion != Fusion::None) {
    RowSplit split = splitOf(a.fusion, inter);
    biases.gate = rowsOf(g.builder(), node.loc, *fc1, split.gateStart, inter, split.step);
    biases.up = rowsOf(g.builder(), node.loc, *fc1, split.upStart, inter, split.step);
  }
  return biases;
}

/// lowbit.moe of the weights and the routing, the result shaped as the input.
LogicalResult emitMoe(GraphImporter &g, const Node &node, const MoeOperands &m,
                      const MoeAttributes &a, ArrayRef<Value> weights, ArrayRef<Value> scales,
                      ArrayRef<Value> zeros, ArrayRef<Value> biases, SchemeAttr scheme) {
  OpBuilder &b = g.builder();
  Location loc = node.loc;
  if (a.topK < 1 || a.topK > m.experts)
    return g.error(node, "k = " + Twine(a.topK) + " must be in 1.." + Twine(m.experts));
  auto type = RankedTensorType::get({m.tokens, m.hidden}, elementOf(m.x));
  FloatAttr alpha, offset, limit;
  if (a.swiglu && a.alpha != 1.0f)
    alpha = b.getF32FloatAttr(a.alpha);
  if (a.swiglu && a.beta != 0.0f)
    offset = b.getF32FloatAttr(a.beta);
  if (a.swiglu && std::isfinite(a.limit))
    limit = b.getF32FloatAttr(a.limit);
  Value result = MoeOp::create(b, loc, type, m.x, m.logits, weights[0], weights[1], weights[2],
                               scales[0], zeros[0], scales[1], zeros[1], scales[2], zeros[2],
                               biases[0], biases[1], biases[2], scheme, b.getI64IntegerAttr(a.topK),
                               GateActivationAttr::get(b.getContext(), a.activation),
                               a.normalize ? b.getUnitAttr() : UnitAttr(), alpha, offset, limit)
                     .getResult();
  if (m.inputShape.size() == 3)
    result = reshapeTo(b, loc, result, m.inputShape);
  return g.defineOutput(node, 0, result);
}

LogicalResult importMoE(GraphImporter &g, const Node &node) {
  FailureOr<MoeAttributes> attrs = readAttributes(g, node, g.hasInput(node, 6));
  FailureOr<MoeOperands> m = readRouting(g, node);
  if (failed(attrs) || failed(m))
    return failure();
  FailureOr<Value> fc1 = g.input(node, 2), fc2 = g.input(node, 4);
  if (failed(fc1) || failed(fc2))
    return failure();
  Type element = elementOf(m->x);
  int64_t e = m->experts, h = m->hidden;
  ArrayRef<int64_t> s2 = shapeOf(*fc2);
  int64_t inter = s2.size() == 3 ? s2[2] : 0;
  int64_t rows = attrs->fusion == Fusion::None ? inter : 2 * inter;
  if (shapeOf(*fc1) != ArrayRef<int64_t>{e, rows, h} || s2 != ArrayRef<int64_t>{e, h, inter} ||
      inter < 1 || elementOf(*fc1) != element || elementOf(*fc2) != element)
    return g.error(node, "fc1_experts_weights " + typeString(fc1->getType()) +
                             " and fc2_experts_weights " + typeString(fc2->getType()) +
                             " are not [E, N, H] and [E, H, I] of the input's type (E = " +
                             Twine(e) + ", H = " + Twine(h) + ", N = I, or 2I when fused)");
  OpBuilder &b = g.builder();
  Location loc = node.loc;
  RowSplit split = splitOf(attrs->fusion, inter);
  Value gate = *fc1, up;
  if (attrs->fusion != Fusion::None) {
    gate = rowsOf(b, loc, *fc1, split.gateStart, inter, split.step);
    up = rowsOf(b, loc, *fc1, split.upStart, inter, split.step);
  }
  if (g.hasInput(node, 6)) {
    FailureOr<Value> fc3 = g.input(node, 6);
    if (failed(fc3))
      return failure();
    if (shapeOf(*fc3) != ArrayRef<int64_t>{e, inter, h} || elementOf(*fc3) != element)
      return g.error(node, "fc3_experts_weights " + typeString(fc3->getType()) + " is not [" +
                               Twine(e) + ", " + Twine(inter) + ", " + Twine(h) + "]");
    up = *fc3;
  }
  FailureOr<Biases> biases = readBiases(g, node, {3, 5, 7}, *m, *attrs, inter, element);
  if (failed(biases))
    return failure();
  if (biases->up && !up)
    return g.error(node, "fc3_experts_bias needs fc3_experts_weights");
  return emitMoe(g, node, *m, *attrs, {gate, up, *fc2}, {Value(), Value(), Value()},
                 {Value(), Value(), Value()}, {biases->gate, biases->up, biases->down},
                 SchemeAttr());
}

/// QMoE's codes of input `index`: UINT8 [E, N, K * bits / 8] packed from the low bits, as one
/// code per byte [E, N, K]; signed (code - 2^(bits - 1)) unless `unsigned_`.
FailureOr<std::vector<uint8_t>> expertCodes(GraphImporter &g, const Node &node, unsigned index,
                                            StringRef name, int64_t experts, int64_t rows,
                                            int64_t k, int64_t bits, bool unsigned_) {
  const onnx::TensorProto *tensor = g.constantInput(node, index);
  if (!tensor)
    return g.error(node, name + " (input " + Twine(index) +
                             ") must be an initializer: weights given at run time are not taken");
  int64_t rowBytes = k * bits / 8;
  SmallVector<int64_t> dims(tensor->dims().begin(), tensor->dims().end());
  if (tensor->data_type() != kUint8 ||
      ArrayRef<int64_t>(dims) != ArrayRef<int64_t>{experts, rows, rowBytes} ||
      rowBytes * 8 != k * bits)
    return g.error(node, name + " of " + dataTypeName(tensor->data_type()) + " " +
                             shapeString(dims) + " is not UINT8 [" + Twine(experts) + ", " +
                             Twine(rows) + ", " + Twine(k) + " x " + Twine(bits) + " / 8]");
  std::string why;
  std::optional<std::vector<uint8_t>> bytes = readTensorBytes(*tensor, why);
  if (!bytes)
    return g.error(node, name + " cannot be read: " + why);
  std::vector<uint8_t> codes(size_t(experts * rows * k));
  uint32_t half = unsigned_ ? 0 : 1u << (bits - 1);
  for (int64_t row = 0; row < experts * rows; ++row)
    for (int64_t col = 0; col < k; ++col)
      codes[size_t(row * k + col)] = static_cast<uint8_t>(
          packedCode(bytes->data() + row * rowBytes, rowBytes, col, bits) ^ half);
  return codes;
}

/// QMoE's zero points of input `index` as [E, N, blocks] codes: UINT8 (E, ceil(N / pack)) per
/// row, (E, N, ceil(blocks / pack)) per block, packed like the weights; 2^(bits - 1) each when
/// the input is absent.
FailureOr<std::vector<uint8_t>> expertZeros(GraphImporter &g, const Node &node, unsigned index,
                                            StringRef name, int64_t experts, int64_t rows,
                                            int64_t blocks, int64_t bits, bool perRow) {
  size_t count = size_t(experts * rows * blocks);
  if (!g.hasInput(node, index))
    return std::vector<uint8_t>(count, static_cast<uint8_t>(1u << (bits - 1)));
  const onnx::TensorProto *tensor = g.constantInput(node, index);
  if (!tensor)
    return g.error(node, name + " (input " + Twine(index) + ") must be an initializer");
  int64_t pack = 8 / bits;
  SmallVector<int64_t> want = perRow
                                  ? SmallVector<int64_t>{experts, (rows + pack - 1) / pack}
                                  : SmallVector<int64_t>{experts, rows, (blocks + pack - 1) / pack};
  SmallVector<int64_t> dims(tensor->dims().begin(), tensor->dims().end());
  if (tensor->data_type() != kUint8 || dims != want)
    return g.error(node, name + " of " + dataTypeName(tensor->data_type()) + " " +
                             shapeString(dims) + " is not UINT8 " + shapeString(want));
  std::string why;
  std::optional<std::vector<uint8_t>> bytes = readTensorBytes(*tensor, why);
  if (!bytes)
    return g.error(node, name + " cannot be read: " + why);
  std::vector<uint8_t> zeros(count);
  int64_t rowBytes = want.back();
  for (int64_t expert = 0; expert < experts; ++expert)
    for (int64_t row = 0; row < rows; ++row)
      for (int64_t block = 0; block < blocks; ++block) {
        const uint8_t *line = bytes->data() + (perRow ? expert : expert * rows + row) * rowBytes;
        zeros[size_t((expert * rows + row) * blocks + block)] =
            static_cast<uint8_t>(packedCode(line, rowBytes, perRow ? row : block, bits));
      }
  return zeros;
}

/// Rows start + step * i (i < count) of [E, N, width] bytes.
std::vector<uint8_t> selectRows(ArrayRef<uint8_t> data, int64_t experts, int64_t rows,
                                int64_t width, int64_t start, int64_t count, int64_t step) {
  std::vector<uint8_t> out;
  out.reserve(size_t(experts * count * width));
  for (int64_t expert = 0; expert < experts; ++expert)
    for (int64_t i = 0; i < count; ++i) {
      const uint8_t *row = data.data() + (expert * rows + start + step * i) * width;
      out.insert(out.end(), row, row + width);
    }
  return out;
}

/// QMoE's scales of input `index` as [E, N, blocks] of `element`.
FailureOr<Value> expertScales(GraphImporter &g, const Node &node, unsigned index, StringRef name,
                              int64_t experts, int64_t rows, int64_t blocks, Type element) {
  FailureOr<Value> scales = g.input(node, index);
  if (failed(scales))
    return failure();
  ArrayRef<int64_t> shape = shapeOf(*scales);
  bool fits =
      elementOf(*scales) == element && (shape == ArrayRef<int64_t>{experts, rows, blocks} ||
                                        (blocks == 1 && shape == ArrayRef<int64_t>{experts, rows}));
  if (!fits)
    return g.error(node, name + " of type " + typeString(scales->getType()) + " is not " +
                             shapeString({experts, rows, blocks}) +
                             (blocks == 1 ? " (or [E, N])" : "") + " of the input's type");
  if (shape.size() == 2)
    return reshapeTo(g.builder(), node.loc, *scales, {experts, rows, 1});
  return *scales;
}

LogicalResult importQMoE(GraphImporter &g, const Node &node) {
  for (unsigned index = 14; index < 21; ++index)
    if (g.hasInput(node, index))
      return g.error(node, "input " + Twine(index) + (index == 14 ? " (router_weights)" : "") +
                               " is not taken");
  FailureOr<MoeAttributes> attrs = readAttributes(g, node, g.hasInput(node, 8));
  FailureOr<MoeOperands> m = readRouting(g, node);
  FailureOr<int64_t> bits = g.intAttribute(node, "expert_weight_bits", 4);
  FailureOr<int64_t> blockSize = g.intAttribute(node, "block_size", 0);
  FailureOr<int64_t> prepacked = g.intAttribute(node, "weights_prepacked", 0);
  if (failed(attrs) || failed(m) || failed(bits) || failed(blockSize) || failed(prepacked))
    return failure();
  if (*bits != 2 && *bits != 4 && *bits != 8)
    return g.error(node, "expert_weight_bits = " + Twine(*bits) + ": it must be 2, 4 or 8");
  for (StringRef name :
       {"fc1_expert_weight_bits", "fc2_expert_weight_bits", "fc3_expert_weight_bits"}) {
    FailureOr<int64_t> own = g.intAttribute(node, name, *bits);
    if (failed(own))
      return failure();
    if (*own != *bits)
      return g.error(node, name + " = " + Twine(*own) + " differs from expert_weight_bits = " +
                               Twine(*bits) + " (one width for all experts' weights is taken)");
  }
  if (*blockSize != 0 && (*blockSize < 16 || (*blockSize & (*blockSize - 1))))
    return g.error(node, "block_size = " + Twine(*blockSize) +
                             ": it must be 0 (one scale per row) or a power of 2 of at least 16");
  if (*prepacked != 0)
    return g.error(node, "weights_prepacked = " + Twine(*prepacked) +
                             ": only weights in the plain layout (0) are taken");
  // The normalized weight over the selected experts is the softmax over the selected logits.
  attrs->normalize = true;

  Type element = elementOf(m->x);
  int64_t e = m->experts, h = m->hidden, pack = 8 / *bits;
  const onnx::TensorProto *fc2 = g.constantInput(node, 5);
  int64_t inter = fc2 && fc2->dims_size() == 3 ? fc2->dims(2) * pack : 0;
  if (inter < 1)
    return g.error(node, "fc2_experts_weights (input 5) must be an initializer of [E, H, I x " +
                             Twine(*bits) + " / 8] bytes");
  int64_t rows = attrs->fusion == Fusion::None ? inter : 2 * inter;
  bool hasUp = g.hasInput(node, 8);
  bool withZeros = g.hasInput(node, 11) || g.hasInput(node, 12) || g.hasInput(node, 13);
  auto blocksOf = [&](int64_t k) { return *blockSize ? (k + *blockSize - 1) / *blockSize : 1; };

  // (input, scales, zero points, N, K) of fc1, fc3 and fc2.
  struct Weight {
    unsigned codes, scales, zeros;
    StringRef name;
    int64_t rows, k;
  };
  Weight fc[3] = {{2, 3, 11, "fc1_experts_weights", rows, h},
                  {8, 9, 13, "fc3_experts_weights", inter, h},
                  {5, 6, 12, "fc2_experts_weights", h, inter}};
  OpBuilder &b = g.builder();
  Location loc = node.loc;
  MLIRContext *ctx = g.context();
  auto codeType =
      IntegerType::get(ctx, *bits, withZeros ? IntegerType::Unsigned : IntegerType::Signed);
  RowSplit split = splitOf(attrs->fusion, inter);
  Value weights[3], scales[3], zeros[3];
  // Codes, zeros and scales of one weight, rows [start, start + step * count) of its N.
  auto emitWeight = [&](const Weight &w, ArrayRef<uint8_t> codes, ArrayRef<uint8_t> zeroCodes,
                        Value scale, int64_t start, int64_t count, int64_t step, int slot) {
    int64_t blocks = blocksOf(w.k);
    weights[slot] = bytesConstant(b, loc, RankedTensorType::get({e, count, w.k}, codeType),
                                  selectRows(codes, e, w.rows, w.k, start, count, step));
    if (withZeros)
      zeros[slot] = bytesConstant(b, loc, RankedTensorType::get({e, count, blocks}, codeType),
                                  selectRows(zeroCodes, e, w.rows, blocks, start, count, step));
    scales[slot] = count == w.rows ? scale : rowsOf(b, loc, scale, start, count, step);
  };
  for (int i = 0; i < 3; ++i) {
    const Weight &w = fc[i];
    if (i == 1 && !hasUp)
      continue;
    int64_t blocks = blocksOf(w.k);
    FailureOr<std::vector<uint8_t>> codes =
        expertCodes(g, node, w.codes, w.name, e, w.rows, w.k, *bits, withZeros);
    if (failed(codes))
      return failure();
    std::vector<uint8_t> zeroCodes;
    if (withZeros) {
      FailureOr<std::vector<uint8_t>> z =
          expertZeros(g, node, w.zeros, w.name.take_front(3).str() + "_zero_points", e, w.rows,
                      blocks, *bits, *blockSize == 0);
      if (failed(z))
        return failure();
      zeroCodes = std::move(*z);
    }
    FailureOr<Value> scale = expertScales(g, node, w.scales, w.name.take_front(3).str() + "_scales",
                                          e, w.rows, blocks, element);
    if (failed(scale))
      return failure();
    if (i == 0 && attrs->fusion != Fusion::None) {
      emitWeight(w, *codes, zeroCodes, *scale, split.gateStart, inter, split.step, 0);
      emitWeight(w, *codes, zeroCodes, *scale, split.upStart, inter, split.step, 1);
      continue;
    }
    emitWeight(w, *codes, zeroCodes, *scale, 0, w.rows, 1, i);
  }

  FailureOr<Biases> biases = readBiases(g, node, {4, 7, 10}, *m, *attrs, inter, element);
  if (failed(biases))
    return failure();
  if (biases->up && !weights[1])
    return g.error(node, "fc3_experts_bias needs fc3_experts_weights");
  // One scheme for the three weights: a row is one group when there are no blocks.
  int64_t group = *blockSize ? *blockSize : std::max(h, inter);
  auto scheme =
      SchemeAttr::get(ctx, Granularity::Group, /*axis=*/2, group, 0, 0, element,
                      withZeros ? ZeroPoint::Int : ZeroPoint::None, false, Codebook::None, {});
  return emitMoe(g, node, *m, *attrs, weights, scales, zeros,
                 {biases->gate, biases->up, biases->down}, scheme);
}

} // namespace

ArrayRef<OpEntry> onnx_import::getMoeOpTable() {
  static const OpEntry table[] = {
      {"com.microsoft", "MoE", 1, 1, importMoE},
      {"com.microsoft", "QMoE", 1, 1, importQMoE, true},
  };
  return table;
}
