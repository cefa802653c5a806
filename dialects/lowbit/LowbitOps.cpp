//===- LowbitOps.cpp - lowbit operations -----------------------------------===//
#include "lowbit/LowbitDialect.h"
#include "QuantVerifier.h"

#include <cmath>

using namespace mlir;
using namespace lowbit;

#define GET_OP_CLASSES
#include "lowbit/LowbitOps.cpp.inc"

static RankedTensorType tensorType(Value value) {
  return cast<RankedTensorType>(value.getType());
}

/// Packed shape of a logical shape: the innermost extent K becomes ceil(K * bits / 8).
static SmallVector<int64_t> packedShape(ArrayRef<int64_t> shape, unsigned bits) {
  if (shape.empty())
    return {static_cast<int64_t>((bits + 7) / 8)};
  SmallVector<int64_t> result(shape);
  if (!ShapedType::isDynamic(result.back()))
    result.back() = (result.back() * bits + 7) / 8;
  return result;
}

static bool sameShape(RankedTensorType a, RankedTensorType b) {
  return a.getRank() == b.getRank() &&
         llvm::all_of(llvm::zip_equal(a.getShape(), b.getShape()), [](auto pair) {
           return extentsCompatible(std::get<0>(pair), std::get<1>(pair));
         });
}

static LogicalResult verifySameShape(Operation *op, RankedTensorType a, StringRef aName,
                                     RankedTensorType b, StringRef bName) {
  if (!sameShape(a, b))
    return op->emitOpError() << "'" << bName << "' shape " << formatShape(b.getShape())
                             << " must equal '" << aName << "' shape "
                             << formatShape(a.getShape());
  return success();
}

/// The operand names of ops that carry one quantized tensor's side operands unprefixed.
static const QuantOperandNames kPlainNames = {"", "scale", "zero", "tensor_scale", "codebook"};

/// Schemes of activations, KV caches and experts: no codebook, no tensor scale.
static LogicalResult verifySimpleScheme(Operation *op, StringRef attrName, SchemeAttr scheme,
                                        StringRef what) {
  if (scheme.hasCodebook() || scheme.getTensorScale())
    return op->emitOpError() << "'" << attrName << "' may not use a codebook or a tensor scale ("
                             << what << " take scales and zero points only)";
  return success();
}

//===----------------------------------------------------------------------===//
// quantize / dequantize
//===----------------------------------------------------------------------===//

LogicalResult QuantizeOp::verify() {
  RankedTensorType input = tensorType(getInput()), result = tensorType(getResult());
  if (failed(verifyRealElement(*this, "input", input.getElementType())) ||
      failed(verifySameShape(*this, input, "input", result, "result")))
    return failure();
  QuantOperandNames names = kPlainNames;
  names.tensor = "result";
  return verifyQuantOperands(*this, result, getScheme(),
                             {getScale(), getZero(), getTensorScale(), getCodebook()}, names);
}

LogicalResult DequantizeOp::verify() {
  RankedTensorType input = tensorType(getInput()), result = tensorType(getResult());
  if (failed(verifyRealElement(*this, "result", result.getElementType())) ||
      failed(verifySameShape(*this, input, "input", result, "result")))
    return failure();
  QuantOperandNames names = kPlainNames;
  names.tensor = "input";
  return verifyQuantOperands(*this, input, getScheme(),
                             {getScale(), getZero(), getTensorScale(), getCodebook()}, names);
}

//===----------------------------------------------------------------------===//
// pack / unpack
//===----------------------------------------------------------------------===//

/// Checks that `bytes` is the interchange packing of `logical`.
static LogicalResult verifyPacking(Operation *op, RankedTensorType logical, StringRef logicalName,
                                   RankedTensorType bytes, StringRef bytesName) {
  Type element = logical.getElementType();
  if (!isLowbitElementType(element))
    return op->emitOpError() << "'" << logicalName << "': " << explainNotLowbit(element);
  if (!bytes.getElementType().isSignlessInteger(8))
    return op->emitOpError() << "'" << bytesName << "' must hold i8 bytes, got "
                             << bytes.getElementType();
  SmallVector<int64_t> expected = packedShape(logical.getShape(), getLowbitWidth(element));
  RankedTensorType expectedType = RankedTensorType::get(expected, bytes.getElementType());
  if (!sameShape(expectedType, bytes))
    return op->emitOpError() << "'" << bytesName << "' expected " << expectedType << " ("
                             << logical << " packed " << getLowbitWidth(element)
                             << " bits per element, rows padded to bytes), got " << bytes;
  return success();
}

LogicalResult PackOp::verify() {
  return verifyPacking(*this, tensorType(getInput()), "input", tensorType(getResult()), "result");
}

LogicalResult UnpackOp::verify() {
  return verifyPacking(*this, tensorType(getResult()), "result", tensorType(getInput()), "input");
}

OpFoldResult UnpackOp::fold(FoldAdaptor) {
  // unpack(pack(x)) == x. (pack(unpack(b)) is not b: packing clears padding bits.)
  if (auto pack = getInput().getDefiningOp<PackOp>())
    if (pack.getInput().getType() == getType())
      return pack.getInput();
  return {};
}

//===----------------------------------------------------------------------===//
// mpgemm
//===----------------------------------------------------------------------===//

LogicalResult MpgemmOp::verify() {
  RankedTensorType a = tensorType(getA()), w = tensorType(getW()), result = tensorType(getResult());
  if (a.getRank() < 2)
    return emitOpError() << "'a' must have rank >= 2 ([.., M, K]), got " << a;
  if (w.getRank() != 2)
    return emitOpError() << "'w' must have rank 2 ([N, K]), got " << w;
  int64_t k = a.getShape().back(), n = w.getDimSize(0);
  if (!extentsCompatible(k, w.getDimSize(1)))
    return emitOpError() << "'w' K extent " << w.getDimSize(1) << " must equal 'a' K extent "
                         << k << " (a is [.., M, K], w is [N, K])";

  if (getQuantizeActivations() &&
      (getActSchemeAttr() || !isRealElementType(a.getElementType()) || a.getRank() != 2))
    return emitOpError() << "'quantize_activations' needs f32, f16 or bf16 activations of rank 2 "
                            "without 'act_scheme', got "
                         << a << (getActSchemeAttr() ? " with 'act_scheme'" : "");

  // Activations: float, or low-bit with an optional scheme of their own.
  QuantOperands actOperands{getActScale(), getActZero(), {}, {}};
  QuantOperandNames actNames{"a", "act_scale", "act_zero", "", ""};
  if (SchemeAttr actScheme = getActSchemeAttr()) {
    if (failed(verifySimpleScheme(*this, "act_scheme", actScheme, "activations")) ||
        failed(verifyQuantOperands(*this, a, actScheme, actOperands, actNames)))
      return failure();
  } else {
    if (failed(verifyNoQuantOperands(*this, "a", actOperands, actNames)))
      return failure();
    if (!isRealElementType(a.getElementType()) && !isLowbitElementType(a.getElementType()))
      return emitOpError() << "'a' must have element type f32, f16, bf16 or a low-bit type, got "
                           << a.getElementType();
  }

  QuantOperandNames weightNames = kPlainNames;
  weightNames.tensor = "w";
  if (failed(verifyQuantOperands(*this, w, getWeightScheme(),
                                 {getScale(), getZero(), getTensorScale(), getCodebook()},
                                 weightNames)))
    return failure();

  if (Value bias = getBias()) {
    RankedTensorType biasType = tensorType(bias);
    if (failed(verifyRealElement(*this, "bias", biasType.getElementType())))
      return failure();
    if (biasType.getRank() != 1 || !extentsCompatible(biasType.getDimSize(0), n))
      return emitOpError() << "'bias' expected shape [" << n << "] ([N]), got "
                           << formatShape(biasType.getShape());
  }

  SmallVector<int64_t> expected(a.getShape());
  expected.back() = n;
  if (failed(verifyRealElement(*this, "result", result.getElementType())))
    return failure();
  if (failed(verifySameShape(*this, RankedTensorType::get(expected, result.getElementType()),
                             "[.., M, N]", result, "result")))
    return failure();
  return success();
}

//===----------------------------------------------------------------------===//
// attention
//===----------------------------------------------------------------------===//

/// K or V: float without a scheme, or low-bit with one.
static LogicalResult verifyCacheOperand(Operation *op, StringRef name, RankedTensorType type,
                                        SchemeAttr scheme, const QuantOperands &operands,
                                        const QuantOperandNames &names) {
  if (!scheme) {
    if (failed(verifyNoQuantOperands(op, name, operands, names)))
      return failure();
    if (!isRealElementType(type.getElementType()))
      return op->emitOpError() << "'" << name << "' of element type " << type.getElementType()
                               << " needs '" << name << "_scheme' (only f32, f16 and bf16 caches "
                               << "are used as they are)";
    return success();
  }
  if (failed(verifySimpleScheme(op, (name + "_scheme").str(), scheme, "KV caches")))
    return failure();
  return verifyQuantOperands(op, type, scheme, operands, names);
}

float AttentionOp::getEffectiveSoftmaxScale() {
  if (std::optional<APFloat> scale = getSoftmaxScale())
    return scale->convertToFloat();
  return 1.0f / std::sqrt(static_cast<float>(tensorType(getQ()).getDimSize(3)));
}

int64_t AttentionOp::getNumKeys() {
  int64_t keys = tensorType(getK()).getDimSize(2);
  if (Value residual = getKResidual()) {
    int64_t recent = tensorType(residual).getDimSize(2);
    if (ShapedType::isDynamic(keys) || ShapedType::isDynamic(recent))
      return ShapedType::kDynamic;
    return keys + recent;
  }
  return keys;
}

LogicalResult AttentionOp::verify() {
  RankedTensorType q = tensorType(getQ()), k = tensorType(getK()), v = tensorType(getV()),
                   result = tensorType(getResult());
  for (auto [name, type] : {std::pair<StringRef, RankedTensorType>{"q", q}, {"k", k}, {"v", v}})
    if (type.getRank() != 4)
      return emitOpError() << "'" << name << "' must have rank 4 ([B, H, S, D]), got " << type;
  if (failed(verifyRealElement(*this, "q", q.getElementType())))
    return failure();
  int64_t batch = q.getDimSize(0), heads = q.getDimSize(1), queries = q.getDimSize(2),
          depth = q.getDimSize(3);
  int64_t kvHeads = k.getDimSize(1), keys = k.getDimSize(2), valueDepth = v.getDimSize(3);
  SmallVector<int64_t> kExpected = {batch, kvHeads, keys, depth};
  SmallVector<int64_t> vExpected = {batch, kvHeads, keys, valueDepth};
  if (failed(verifySameShape(*this, RankedTensorType::get(kExpected, k.getElementType()),
                             "[B, Hkv, Skv, D] from q", k, "k")) ||
      failed(verifySameShape(*this, RankedTensorType::get(vExpected, v.getElementType()),
                             "[B, Hkv, Skv, Dv] from q and k", v, "v")))
    return failure();
  if (!ShapedType::isDynamic(heads) && !ShapedType::isDynamic(kvHeads) &&
      (kvHeads == 0 || heads % kvHeads != 0))
    return emitOpError() << "query heads (" << heads << ") must be a multiple of KV heads ("
                         << kvHeads << ")";

  if (failed(verifyCacheOperand(*this, "k", k, getKSchemeAttr(), {getKScale(), getKZero(), {}, {}},
                                {"k", "k_scale", "k_zero", "", ""})) ||
      failed(verifyCacheOperand(*this, "v", v, getVSchemeAttr(), {getVScale(), getVZero(), {}, {}},
                                {"v", "v_scale", "v_zero", "", ""})))
    return failure();

  if (static_cast<bool>(getKResidual()) != static_cast<bool>(getVResidual()))
    return emitOpError() << "'k_residual' and 'v_residual' go together";
  if (Value kResidual = getKResidual()) {
    RankedTensorType kr = tensorType(kResidual), vr = tensorType(getVResidual());
    if (failed(verifyRealElement(*this, "k_residual", kr.getElementType())) ||
        failed(verifyRealElement(*this, "v_residual", vr.getElementType())))
      return failure();
    if (kr.getRank() != 4)
      return emitOpError() << "'k_residual' must have rank 4 ([B, Hkv, Sr, D]), got " << kr;
    int64_t recent = kr.getDimSize(2);
    if (failed(verifySameShape(
            *this, RankedTensorType::get({batch, kvHeads, recent, depth}, kr.getElementType()),
            "[B, Hkv, Sr, D] from q and k", kr, "k_residual")) ||
        failed(verifySameShape(
            *this, RankedTensorType::get({batch, kvHeads, recent, valueDepth}, vr.getElementType()),
            "[B, Hkv, Sr, Dv] from q, v and k_residual", vr, "v_residual")))
      return failure();
  }

  SmallVector<int64_t> scoreShape = {batch, heads, queries, getNumKeys()};
  if (Value mask = getMask()) {
    RankedTensorType maskType = tensorType(mask);
    if (failed(verifyRealElement(*this, "mask", maskType.getElementType())))
      return failure();
    bool ok = maskType.getRank() == 4;
    for (int64_t i = 0; ok && i < 4; ++i)
      ok = maskType.getDimSize(i) == 1 || extentsCompatible(maskType.getDimSize(i), scoreShape[i]);
    if (!ok)
      return emitOpError() << "'mask' shape " << formatShape(maskType.getShape())
                           << " must broadcast to the scores' shape " << formatShape(scoreShape)
                           << " ([B, Hq, Sq, Skv], extents equal or 1)";
  }
  if (std::optional<APFloat> scale = getSoftmaxScale())
    if (!scale->isFinite())
      return emitOpError() << "'softmax_scale' must be finite";
  if (Value sinks = getSinks()) {
    RankedTensorType sinkType = tensorType(sinks);
    if (failed(verifyRealElement(*this, "sinks", sinkType.getElementType())) ||
        failed(verifySameShape(*this, RankedTensorType::get({heads}, sinkType.getElementType()),
                               "[Hq]", sinkType, "sinks")))
      return failure();
  }
  if (std::optional<int64_t> window = getWindow(); window && *window < 1)
    return emitOpError() << "'window' must be at least 1, got " << *window;
  if (std::optional<APFloat> cap = getSoftcap())
    if (!(cap->convertToFloat() > 0.0f) || !cap->isFinite())
      return emitOpError() << "'softcap' must be positive and finite, got "
                           << cap->convertToFloat();

  SmallVector<int64_t> expected = {batch, heads, queries, valueDepth};
  if (failed(verifyRealElement(*this, "result", result.getElementType())) ||
      failed(verifySameShape(*this, RankedTensorType::get(expected, result.getElementType()),
                             "[B, Hq, Sq, Dv]", result, "result")))
    return failure();
  return success();
}

//===----------------------------------------------------------------------===//
// moe
//===----------------------------------------------------------------------===//

LogicalResult MoeOp::verify() {
  RankedTensorType x = tensorType(getX()), logits = tensorType(getRouterLogits()),
                   gate = tensorType(getWGate()), down = tensorType(getWDown()),
                   result = tensorType(getResult());
  if (x.getRank() != 2)
    return emitOpError() << "'x' must have rank 2 ([T, H]), got " << x;
  if (logits.getRank() != 2)
    return emitOpError() << "'router_logits' must have rank 2 ([T, E]), got " << logits;
  if (failed(verifyRealElement(*this, "x", x.getElementType())) ||
      failed(verifyRealElement(*this, "router_logits", logits.getElementType())))
    return failure();
  int64_t tokens = x.getDimSize(0), hidden = x.getDimSize(1), experts = logits.getDimSize(1);
  if (!extentsCompatible(logits.getDimSize(0), tokens))
    return emitOpError() << "'router_logits' has " << logits.getDimSize(0)
                         << " tokens, 'x' has " << tokens;
  if (gate.getRank() != 3)
    return emitOpError() << "'w_gate' must have rank 3 ([E, F, H]), got " << gate;
  int64_t ffn = gate.getDimSize(1);
  Type element = gate.getElementType();
  SmallVector<int64_t> gateShape = {experts, ffn, hidden}, downShape = {experts, hidden, ffn};
  if (failed(verifySameShape(*this, RankedTensorType::get(gateShape, element),
                             "[E, F, H] from x and router_logits", gate, "w_gate")) ||
      failed(verifySameShape(*this, RankedTensorType::get(downShape, element), "[E, H, F]", down,
                             "w_down")))
    return failure();
  bool gated = static_cast<bool>(getWUp());
  if (gated && failed(verifySameShape(*this, RankedTensorType::get(gateShape, element),
                                      "[E, F, H]", tensorType(getWUp()), "w_up")))
    return failure();
  Type upElement = gated ? tensorType(getWUp()).getElementType() : element;
  if (upElement != element || down.getElementType() != element)
    return emitOpError() << "'w_gate', 'w_up' and 'w_down' must share one element type, got "
                         << element << ", " << upElement << ", " << down.getElementType();
  if (!gated && (getUpScale() || getUpZero() || getUpBias()))
    return emitOpError() << "'up_scale', 'up_zero' and 'up_bias' need 'w_up'";

  struct Weight {
    StringRef name;
    Value value;
    QuantOperands operands;
    QuantOperandNames names;
  };
  Weight weights[] = {
      {"w_gate", getWGate(), {getGateScale(), getGateZero(), {}, {}},
       {"w_gate", "gate_scale", "gate_zero", "", ""}},
      {"w_up", getWUp(), {getUpScale(), getUpZero(), {}, {}},
       {"w_up", "up_scale", "up_zero", "", ""}},
      {"w_down", getWDown(), {getDownScale(), getDownZero(), {}, {}},
       {"w_down", "down_scale", "down_zero", "", ""}}};
  SchemeAttr scheme = getWeightSchemeAttr();
  if (scheme && failed(verifySimpleScheme(*this, "weight_scheme", scheme, "expert weights")))
    return failure();
  for (const Weight &weight : weights) {
    if (!weight.value)
      continue;
    if (scheme) {
      if (failed(verifyQuantOperands(*this, tensorType(weight.value), scheme, weight.operands,
                                     weight.names)))
        return failure();
      continue;
    }
    if (failed(verifyNoQuantOperands(*this, weight.name, weight.operands, weight.names)))
      return failure();
    if (!isRealElementType(element))
      return emitOpError() << "'" << weight.name << "' of element type " << element
                           << " needs 'weight_scheme' (only f32, f16 and bf16 weights are used "
                              "as they are)";
  }

  struct Bias {
    StringRef name;
    Value value;
    SmallVector<int64_t> shape;
    StringRef shapeName;
  };
  Bias biases[] = {{"gate_bias", getGateBias(), {experts, ffn}, "[E, F]"},
                   {"up_bias", getUpBias(), {experts, ffn}, "[E, F]"},
                   {"down_bias", getDownBias(), {experts, hidden}, "[E, H]"}};
  for (const Bias &bias : biases) {
    if (!bias.value)
      continue;
    RankedTensorType type = tensorType(bias.value);
    if (failed(verifyRealElement(*this, bias.name, type.getElementType())) ||
        failed(verifySameShape(*this, RankedTensorType::get(bias.shape, type.getElementType()),
                               bias.shapeName, type, bias.name)))
      return failure();
  }
  if (getActivationAlpha() && getActivation() != GateActivation::SiLU)
    return emitOpError() << "'activation_alpha' (the sigmoid's slope) needs the silu activation";
  if (!gated && (getUpOffset() || getClampLimit()))
    return emitOpError() << "'up_offset' and 'clamp_limit' need 'w_up' (a gated FFN)";
  if (std::optional<APFloat> limit = getClampLimit(); limit && !(limit->convertToFloat() > 0.0f))
    return emitOpError() << "'clamp_limit' must be positive, got " << limit->convertToFloat();

  if (!ShapedType::isDynamic(experts) && static_cast<int64_t>(getTopK()) > experts)
    return emitOpError() << "'top_k' (" << getTopK() << ") exceeds the number of experts ("
                         << experts << ")";
  SmallVector<int64_t> expected = {tokens, hidden};
  if (failed(verifyRealElement(*this, "result", result.getElementType())) ||
      failed(verifySameShape(*this, RankedTensorType::get(expected, result.getElementType()),
                             "[T, H]", result, "result")))
    return failure();
  return success();
}
