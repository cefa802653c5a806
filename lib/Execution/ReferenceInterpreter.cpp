//===- ReferenceInterpreter.cpp - Run lowbit IR on the scalar reference ---===//
//
// Walks the entry block of a function op by op, keeping one HostTensor per SSA value. Every
// lowbit op converts its operands with ReferenceAdapters.h, calls the matching lib/Reference
// function and encodes the result to the result's element type, so that this engine computes
// exactly what the reference library defines.
//
//===----------------------------------------------------------------------===//

#include "lowbit/Execution/ReferenceInterpreter.h"

#include "ReferenceAdapters.h"

#include "lowbit/LowbitDialect.h"
#include "lowbit/Reference/Ops.h"
#include "lowbit/Reference/Packing.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Location.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/TypeSwitch.h"
#include "llvm/Support/raw_ostream.h"

#include <cmath>

using namespace mlir;

namespace lowbit {

namespace {

using exec::makeError;
using exec::QuantOperands;
using exec::shapeText;

/// "file.mlir:3:5" for file locations (also inside names, call sites and fused locations);
/// otherwise the location as MLIR prints it.
std::string locationText(Location loc) {
  if (auto fileLoc = loc->findInstanceOf<FileLineColLoc>())
    return (fileLoc.getFilename().getValue() + ":" + llvm::Twine(fileLoc.getLine()) + ":" +
            llvm::Twine(fileLoc.getColumn()))
        .str();
  std::string text;
  llvm::raw_string_ostream os(text);
  loc.print(os);
  return text;
}

llvm::Error withLocation(Location loc, llvm::Error error) {
  return makeError(locationText(loc) + ": " + llvm::toString(std::move(error)));
}

/// Whether a runtime shape fits a ranked type's shape (dynamic extents match anything).
bool shapeFits(llvm::ArrayRef<int64_t> shape, llvm::ArrayRef<int64_t> typeShape) {
  if (shape.size() != typeShape.size())
    return false;
  for (size_t i = 0; i < shape.size(); ++i)
    if (!ShapedType::isDynamic(typeShape[i]) && typeShape[i] != shape[i])
      return false;
  return true;
}

/// Checks that `tensor` is a value of `type`: element type, shape and storage size.
llvm::Error checkTensorType(const HostTensor &tensor, Type type, const llvm::Twine &what) {
  auto tensorType = dyn_cast<RankedTensorType>(type);
  if (!tensorType)
    return makeError(what + " has type " + typeToString(type) + ", only ranked tensors are supported");
  if (tensor.elementType != tensorType.getElementType() ||
      !shapeFits(tensor.shape, tensorType.getShape()))
    return makeError(what + " is a tensor of " + typeToString(tensor.elementType) + " and shape " +
                     shapeText(tensor.shape) + ", its type is " + typeToString(type));
  llvm::Expected<int64_t> size = storageSize(tensor.elementType, tensor.shape);
  if (!size)
    return size.takeError();
  if (*size != int64_t(tensor.bytes.size()))
    return makeError(what + " needs " + llvm::Twine(*size) + " bytes of storage, has " +
                     llvm::Twine(tensor.bytes.size()));
  return llvm::Error::success();
}

Type elementTypeOf(Value value) { return cast<ShapedType>(value.getType()).getElementType(); }

/// The decoded values of an optional operand's tensor (nothing when the operand is absent).
llvm::Expected<std::optional<ref::FloatTensor>> decodeOptional(const HostTensor *tensor) {
  if (!tensor)
    return std::optional<ref::FloatTensor>();
  llvm::Expected<ref::FloatTensor> decoded = exec::decodeTensor(*tensor);
  if (!decoded)
    return decoded.takeError();
  return std::optional<ref::FloatTensor>(std::move(*decoded));
}

ref::GateActivation toRef(GateActivation activation) {
  switch (activation) {
  case GateActivation::SiLU:
    return ref::GateActivation::SiLU;
  case GateActivation::GELU:
    return ref::GateActivation::GELU;
  case GateActivation::GELUTanh:
    return ref::GateActivation::GELUTanh;
  case GateActivation::ReLU:
    return ref::GateActivation::ReLU;
  case GateActivation::Identity:
    return ref::GateActivation::Identity;
  }
  llvm_unreachable("unknown activation");
}

class Interpreter {
public:
  llvm::Expected<std::vector<HostTensor>> run(func::FuncOp func, llvm::ArrayRef<HostTensor> inputs);

private:
  /// The tensor of `value`; null for an absent optional operand.
  const HostTensor *get(Value value) const {
    if (!value)
      return nullptr;
    auto it = values.find(value);
    return it == values.end() ? nullptr : &it->second;
  }

  /// Executes one op (not func.return) and records its result.
  llvm::Error executeOp(Operation *op);

  llvm::Expected<HostTensor> execute(QuantizeOp op);
  llvm::Expected<HostTensor> execute(DequantizeOp op);
  llvm::Expected<HostTensor> execute(PackOp op);
  llvm::Expected<HostTensor> execute(UnpackOp op);
  llvm::Expected<HostTensor> execute(MpgemmOp op);
  llvm::Expected<HostTensor> execute(AttentionOp op);
  llvm::Expected<HostTensor> execute(MoeOp op);
  llvm::Expected<HostTensor> execute(arith::ConstantOp op);
  llvm::Expected<HostTensor> execute(tensor::EmptyOp op);

  llvm::DenseMap<Value, HostTensor> values;
};

llvm::Expected<std::vector<HostTensor>> Interpreter::run(func::FuncOp func,
                                                         llvm::ArrayRef<HostTensor> inputs) {
  if (func.isExternal())
    return withLocation(func.getLoc(), makeError("function '" + func.getSymName() +
                                                 "' has no body to run"));
  Block &entry = func.getBody().front();
  if (entry.getNumArguments() != inputs.size())
    return withLocation(func.getLoc(),
                        makeError("function '" + func.getSymName() + "' takes " +
                                  llvm::Twine(entry.getNumArguments()) + " arguments, got " +
                                  llvm::Twine(inputs.size()) + " inputs"));
  for (auto [index, arg] : llvm::enumerate(entry.getArguments())) {
    if (llvm::Error error =
            checkTensorType(inputs[index], arg.getType(), "input #" + llvm::Twine(index)))
      return withLocation(func.getLoc(), std::move(error));
    values[arg] = inputs[index];
  }

  for (Operation &op : entry) {
    if (auto ret = dyn_cast<func::ReturnOp>(op)) {
      std::vector<HostTensor> results;
      for (Value operand : ret.getOperands())
        results.push_back(*get(operand));
      return results;
    }
    if (llvm::Error error = executeOp(&op))
      return withLocation(op.getLoc(), std::move(error));
  }
  return withLocation(func.getLoc(), makeError("function '" + func.getSymName() +
                                               "' does not end with func.return"));
}

llvm::Error Interpreter::executeOp(Operation *op) {
  bool supported = isa<QuantizeOp, DequantizeOp, PackOp, UnpackOp, MpgemmOp, AttentionOp, MoeOp,
                       arith::ConstantOp, tensor::EmptyOp>(op);
  if (!supported)
    return makeError("reference engine does not support '" + op->getName().getStringRef() + "'");
  for (auto [index, operand] : llvm::enumerate(op->getOperands()))
    if (!get(operand))
      return makeError("operand #" + llvm::Twine(index) + " has no value");

  llvm::Expected<HostTensor> result =
      llvm::TypeSwitch<Operation *, llvm::Expected<HostTensor>>(op)
          .Case<QuantizeOp, DequantizeOp, PackOp, UnpackOp, MpgemmOp, AttentionOp, MoeOp,
                arith::ConstantOp, tensor::EmptyOp>([&](auto typed) { return execute(typed); });
  if (!result)
    return result.takeError();
  Value resultValue = op->getResult(0);
  if (llvm::Error error = checkTensorType(*result, resultValue.getType(), "the result"))
    return error;
  values[resultValue] = std::move(*result);
  return llvm::Error::success();
}

llvm::Expected<HostTensor> Interpreter::execute(QuantizeOp op) {
  QuantOperands quant{get(op.getScale()), get(op.getZero()), get(op.getTensorScale()),
                      get(op.getCodebook())};
  return exec::quantizeTensor(*get(op.getInput()), elementTypeOf(op.getResult()),
                              op.getScheme(), quant);
}

llvm::Expected<HostTensor> Interpreter::execute(DequantizeOp op) {
  QuantOperands quant{get(op.getScale()), get(op.getZero()), get(op.getTensorScale()),
                      get(op.getCodebook())};
  llvm::Expected<ref::FloatTensor> values =
      exec::dequantizeTensor(*get(op.getInput()), op.getScheme(), quant);
  if (!values)
    return values.takeError();
  return exec::encodeTensor(elementTypeOf(op.getResult()), *values);
}

llvm::Expected<HostTensor> Interpreter::execute(PackOp op) {
  const HostTensor &input = *get(op.getInput());
  unsigned bits = getLowbitWidth(input.elementType);
  if (bits == 0 || bits > 8)
    return makeError("cannot pack elements of " + typeToString(input.elementType));
  // Unpacking first clears the padding bits of the interchange bytes.
  ref::CodeTensor codes = ref::unpack(input.bytes, input.shape, bits);
  HostTensor result{elementTypeOf(op.getResult()), ref::packedShape(input.shape, bits), {}};
  result.bytes = ref::pack(codes, bits);
  return result;
}

llvm::Expected<HostTensor> Interpreter::execute(UnpackOp op) {
  const HostTensor &input = *get(op.getInput());
  auto resultType = cast<RankedTensorType>(op.getResult().getType());
  unsigned bits = getLowbitWidth(resultType.getElementType());
  if (bits == 0 || bits > 8 || !input.elementType.isSignlessInteger(8))
    return makeError("cannot unpack " + typeToString(input.elementType) + " bytes to " +
                     typeToString(resultType.getElementType()));
  // The logical shape: the result type's, dynamic leading extents taken from the bytes.
  ref::Shape shape(resultType.getShape());
  for (size_t i = 0; i < shape.size(); ++i) {
    if (!ShapedType::isDynamic(shape[i]))
      continue;
    if (i + 1 == shape.size() || i >= input.shape.size())
      return makeError("cannot infer the innermost extent of " + typeToString(resultType) +
                       " from packed bytes");
    shape[i] = input.shape[i];
  }
  if (ref::packedShape(shape, bits) != input.shape)
    return makeError("bytes of shape " + shapeText(input.shape) + " do not pack " +
                     typeToString(resultType));
  ref::CodeTensor codes = ref::unpack(input.bytes, shape, bits);
  return packCodes(resultType.getElementType(), shape, codes.codes);
}

llvm::Expected<HostTensor> Interpreter::execute(MpgemmOp op) {
  llvm::Expected<ref::FloatTensor> a = exec::realValuesOf(
      *get(op.getA()), op.getActSchemeAttr(), {get(op.getActScale()), get(op.getActZero())});
  if (!a)
    return a.takeError();
  QuantOperands weightQuant{get(op.getScale()), get(op.getZero()), get(op.getTensorScale()),
                            get(op.getCodebook())};
  llvm::Expected<ref::FloatTensor> w =
      exec::dequantizeTensor(*get(op.getW()), op.getWeightScheme(), weightQuant);
  if (!w)
    return w.takeError();
  llvm::Expected<std::optional<ref::FloatTensor>> bias = decodeOptional(get(op.getBias()));
  if (!bias)
    return bias.takeError();
  if (a->shape.size() < 2 || w->shape.size() != 2 || a->shape.back() != w->shape[1])
    return makeError("a of shape " + shapeText(a->shape) + " and w of shape " +
                     shapeText(w->shape) + " do not multiply ([.., M, K] and [N, K])");
  if (*bias && (*bias)->shape != ref::Shape{w->shape[0]})
    return makeError("bias has shape " + shapeText((*bias)->shape) + ", expected (" +
                     llvm::Twine(w->shape[0]) + ",)");
  if (op.getQuantizeActivations())
    *a = ref::quantizeActivationsPerToken(*a);
  ref::FloatTensor y = ref::mpgemm(*a, *w, *bias ? &**bias : nullptr);
  return exec::encodeTensor(elementTypeOf(op.getResult()), y);
}

llvm::Expected<HostTensor> Interpreter::execute(AttentionOp op) {
  llvm::Expected<ref::FloatTensor> q = exec::decodeTensor(*get(op.getQ()));
  if (!q)
    return q.takeError();
  llvm::Expected<ref::FloatTensor> k = exec::realValuesOf(
      *get(op.getK()), op.getKSchemeAttr(), {get(op.getKScale()), get(op.getKZero())});
  if (!k)
    return k.takeError();
  llvm::Expected<ref::FloatTensor> v = exec::realValuesOf(
      *get(op.getV()), op.getVSchemeAttr(), {get(op.getVScale()), get(op.getVZero())});
  if (!v)
    return v.takeError();
  // A residual window: its tokens follow the cache's.
  for (auto [cache, residual, name] : {std::tuple(&*k, op.getKResidual(), "k_residual"),
                                       std::tuple(&*v, op.getVResidual(), "v_residual")}) {
    if (!residual)
      continue;
    llvm::Expected<ref::FloatTensor> recent = exec::decodeTensor(*get(residual));
    if (!recent)
      return recent.takeError();
    const ref::Shape &cs = cache->shape, &rs = recent->shape;
    if (cs.size() != 4 || rs.size() != 4 || rs[0] != cs[0] || rs[1] != cs[1] || rs[3] != cs[3])
      return makeError(std::string(name) + " of shape " + shapeText(rs) +
                       " does not continue the cache of shape " + shapeText(cs));
    ref::FloatTensor joined;
    joined.shape = {cs[0], cs[1], cs[2] + rs[2], cs[3]};
    joined.data.reserve(cache->data.size() + recent->data.size());
    int64_t cacheRow = cs[2] * cs[3], recentRow = rs[2] * rs[3];
    for (int64_t head = 0; head < cs[0] * cs[1]; ++head) {
      joined.data.insert(joined.data.end(), cache->data.begin() + head * cacheRow,
                         cache->data.begin() + (head + 1) * cacheRow);
      joined.data.insert(joined.data.end(), recent->data.begin() + head * recentRow,
                         recent->data.begin() + (head + 1) * recentRow);
    }
    *cache = std::move(joined);
  }
  llvm::Expected<std::optional<ref::FloatTensor>> maskOrNone = decodeOptional(get(op.getMask()));
  if (!maskOrNone)
    return maskOrNone.takeError();
  llvm::Expected<std::optional<ref::FloatTensor>> sinksOrNone =
      decodeOptional(get(op.getSinks()));
  if (!sinksOrNone)
    return sinksOrNone.takeError();
  const std::optional<ref::FloatTensor> &mask = *maskOrNone, &sinks = *sinksOrNone;

  auto shapesError = [&] {
    return makeError("q " + shapeText(q->shape) + ", k " + shapeText(k->shape) + " and v " +
                     shapeText(v->shape) + " are not [B, Hq, Sq, D], [B, Hkv, Skv, D] and " +
                     "[B, Hkv, Skv, Dv] with Hq a multiple of Hkv");
  };
  if (q->shape.size() != 4 || k->shape.size() != 4 || v->shape.size() != 4)
    return shapesError();
  const ref::Shape &qs = q->shape, &ks = k->shape, &vs = v->shape;
  if (ks[0] != qs[0] || ks[3] != qs[3] || vs[0] != qs[0] || vs[1] != ks[1] || vs[2] != ks[2] ||
      ks[1] <= 0 || qs[1] % ks[1] != 0)
    return shapesError();
  if (mask) {
    ref::Shape full = {qs[0], qs[1], qs[2], ks[2]};
    bool broadcasts = mask->shape.size() == 4;
    for (size_t d = 0; broadcasts && d < 4; ++d)
      broadcasts = mask->shape[d] == 1 || mask->shape[d] == full[d];
    if (!broadcasts)
      return makeError("mask of shape " + shapeText(mask->shape) + " does not broadcast to " +
                       shapeText(full));
  }

  if (sinks && sinks->shape != ref::Shape{qs[1]})
    return makeError("sinks of shape " + shapeText(sinks->shape) + " are not [" +
                     llvm::Twine(qs[1]) + "]");

  // getEffectiveSoftmaxScale() reads D from the type; a dynamic D is taken from q.
  float scale = op.getSoftmaxScale() || !ShapedType::isDynamic(op.getQ().getType().getDimSize(3))
                    ? op.getEffectiveSoftmaxScale()
                    : 1.0f / std::sqrt(static_cast<float>(qs[3]));
  float softcap = op.getSoftcap() ? op.getSoftcap()->convertToFloat() : 0.0f;
  ref::FloatTensor out =
      ref::attention(*q, *k, *v, mask ? &*mask : nullptr, op.getCausal(), scale, softcap,
                     sinks ? &*sinks : nullptr, op.getWindow().value_or(0));
  return exec::encodeTensor(elementTypeOf(op.getResult()), out);
}

llvm::Expected<HostTensor> Interpreter::execute(MoeOp op) {
  llvm::Expected<ref::FloatTensor> x = exec::decodeTensor(*get(op.getX()));
  if (!x)
    return x.takeError();
  llvm::Expected<ref::FloatTensor> logits = exec::decodeTensor(*get(op.getRouterLogits()));
  if (!logits)
    return logits.takeError();
  SchemeAttr scheme = op.getWeightSchemeAttr();
  llvm::Expected<ref::FloatTensor> wGate = exec::realValuesOf(
      *get(op.getWGate()), scheme, {get(op.getGateScale()), get(op.getGateZero())});
  if (!wGate)
    return wGate.takeError();
  std::optional<ref::FloatTensor> wUp;
  if (op.getWUp()) {
    llvm::Expected<ref::FloatTensor> up =
        exec::realValuesOf(*get(op.getWUp()), scheme, {get(op.getUpScale()), get(op.getUpZero())});
    if (!up)
      return up.takeError();
    wUp = std::move(*up);
  }
  llvm::Expected<ref::FloatTensor> wDown = exec::realValuesOf(
      *get(op.getWDown()), scheme, {get(op.getDownScale()), get(op.getDownZero())});
  if (!wDown)
    return wDown.takeError();
  std::optional<ref::FloatTensor> biases[3];
  Value biasValues[3] = {op.getGateBias(), op.getUpBias(), op.getDownBias()};
  for (int i = 0; i < 3; ++i) {
    llvm::Expected<std::optional<ref::FloatTensor>> bias = decodeOptional(get(biasValues[i]));
    if (!bias)
      return bias.takeError();
    biases[i] = std::move(*bias);
  }

  int64_t topK = int64_t(op.getTopK());
  bool fits = x->shape.size() == 2 && logits->shape.size() == 2 && wGate->shape.size() == 3 &&
              wDown->shape.size() == 3;
  if (fits) {
    int64_t T = x->shape[0], H = x->shape[1], E = logits->shape[1], F = wGate->shape[1];
    fits = logits->shape[0] == T && wGate->shape == ref::Shape{E, F, H} &&
           (!wUp || wUp->shape == wGate->shape) && wDown->shape == ref::Shape{E, H, F} &&
           topK >= 1 && topK <= E && (!biases[0] || biases[0]->shape == ref::Shape{E, F}) &&
           (!biases[1] || biases[1]->shape == ref::Shape{E, F}) &&
           (!biases[2] || biases[2]->shape == ref::Shape{E, H});
  }
  if (!fits)
    return makeError("x " + shapeText(x->shape) + ", router_logits " + shapeText(logits->shape) +
                     ", w_gate " + shapeText(wGate->shape) + ", w_down " +
                     shapeText(wDown->shape) + ", the biases and top_k " + llvm::Twine(topK) +
                     " do not fit [T, H], [T, E], [E, F, H], [E, H, F], [E, F] / [E, H], 1..E");
  ref::MoeOptions options;
  options.topK = topK;
  options.normalize = op.getNormalizeTopk();
  options.act = toRef(op.getActivation());
  if (std::optional<APFloat> alpha = op.getActivationAlpha())
    options.alpha = alpha->convertToDouble();
  if (std::optional<APFloat> offset = op.getUpOffset())
    options.upOffset = offset->convertToDouble();
  if (std::optional<APFloat> limit = op.getClampLimit())
    options.limit = limit->convertToDouble();
  options.gateBias = biases[0] ? &*biases[0] : nullptr;
  options.upBias = biases[1] ? &*biases[1] : nullptr;
  options.downBias = biases[2] ? &*biases[2] : nullptr;
  ref::FloatTensor y = ref::moe(*x, *logits, *wGate, wUp ? &*wUp : nullptr, *wDown, options);
  return exec::encodeTensor(elementTypeOf(op.getResult()), y);
}

llvm::Expected<HostTensor> Interpreter::execute(arith::ConstantOp op) {
  auto dense = dyn_cast<DenseElementsAttr>(op.getValue());
  if (!dense)
    return makeError("reference engine supports arith.constant with dense tensor elements only");
  return exec::constantTensor(dense);
}

llvm::Expected<HostTensor> Interpreter::execute(tensor::EmptyOp op) {
  RankedTensorType type = op.getType();
  if (!type.hasStaticShape())
    return makeError("reference engine supports statically shaped tensor.empty only");
  HostTensor result{type.getElementType(), std::vector<int64_t>(type.getShape()), {}};
  llvm::Expected<int64_t> size = storageSize(result.elementType, result.shape);
  if (!size)
    return size.takeError();
  result.bytes.assign(size_t(*size), 0);
  return result;
}

} // namespace

llvm::Expected<std::vector<HostTensor>> runReference(func::FuncOp func,
                                                     llvm::ArrayRef<HostTensor> inputs) {
  return Interpreter().run(func, inputs);
}

} // namespace lowbit
