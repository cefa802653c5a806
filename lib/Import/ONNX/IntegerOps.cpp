//===- IntegerOps.cpp - Integer products, dynamic quantization, integer Cast ---===//
//
// The ops of integer-quantized graphs (onnxruntime's quantize_dynamic and quantize_static
// write them):
// - MatMulInteger: exact i32 products, one linalg.generic; a Cast of those products by
//   constant weights to a float type becomes lowbit.mpgemm over the codes instead, so that
//   the weights take the integer dot.
// - QLinearMatMul and com.microsoft.MatMulIntegerToFloat: lowbit.mpgemm over the activation
//   codes with their scale and zero point (QLinearMatMul then lowbit.quantize to the output
//   codes).
// - DynamicQuantizeLinear: the range of the tensor (with 0), its scale and zero point, then
//   lowbit.quantize.
// - Cast to and from UINT8, INT8, INT32 and INT64.
// 8-bit codes keep their sign in the type (ui8, si8) where lowbit ops and the graph's
// boundary read them; arith and linalg bodies see them signless (tensor.bitcast).
//
//===----------------------------------------------------------------------===//
#include "Importer.h"

#include "lowbit/LowbitDialect.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;
using namespace lowbit;
using namespace lowbit::onnx_import;

using Node = GraphImporter::Node;

namespace {

bool isCode8(Type type) {
  auto integer = dyn_cast<IntegerType>(type);
  return integer && integer.getWidth() == 8 && !integer.isSignless();
}

/// Input `index`, 8-bit integer codes (ui8 or si8) of rank 2 or more.
FailureOr<Value> codeInput(GraphImporter &g, const Node &node, unsigned index, StringRef name) {
  FailureOr<Value> value = g.input(node, index);
  if (failed(value))
    return failure();
  if (!isCode8(elementOf(*value)))
    return g.error(node, name + " of element type " + typeString(elementOf(*value)) +
                             " is not taken (UINT8 and INT8 are)");
  if (shapeOf(*value).size() < 2)
    return g.error(node, name + " has shape " + shapeString(shapeOf(*value)) +
                             ": the importer takes [.., M, K] operands of rank 2 or more");
  return value;
}

/// A scale or zero point (input `index`): per tensor ([] or [1], made []) or, where `extent`
/// is not -1, per row or column ([extent]); of element type `element` (float types when
/// null). Null when absent and not `required`.
FailureOr<Value> parameterInput(GraphImporter &g, const Node &node, unsigned index, StringRef name,
                                int64_t extent, Type element, bool required) {
  if (!g.hasInput(node, index)) {
    if (required)
      return g.error(node, name + " (input " + Twine(index) + ") is required");
    return Value();
  }
  FailureOr<Value> value = g.input(node, index);
  if (failed(value))
    return failure();
  Type have = elementOf(*value);
  if (element ? have != element : !isa<mlir::FloatType>(have))
    return g.error(node, name + " has element type " + typeString(have) + " where " +
                             (element ? typeString(element) : std::string("a float type")) +
                             " is required");
  ArrayRef<int64_t> shape = shapeOf(*value);
  if (shape.empty())
    return value;
  if (shape.size() == 1 && shape[0] == 1)
    return reshapeTo(g.builder(), node.loc, *value, {});
  if (shape.size() == 1 && extent >= 0 && shape[0] == extent)
    return value;
  return g.error(node, name + " has shape " + shapeString(shape) + " where [] or [1]" +
                           (extent >= 0 ? " or [" + std::to_string(extent) + "]" : std::string()) +
                           " is required");
}

/// The scheme of a scale (and zero point) as parameterInput reads them: per tensor, or per
/// index of `axis`.
SchemeAttr schemeOf(Value scale, bool hasZero, int64_t axis) {
  MLIRContext *ctx = scale.getContext();
  ZeroPoint zero = hasZero ? ZeroPoint::Int : ZeroPoint::None;
  Type scaleType = elementOf(scale);
  if (shapeOf(scale).empty())
    return SchemeAttr::get(ctx, Granularity::PerTensor, 0, 0, 0, 0, scaleType, zero, false,
                           Codebook::None, {});
  return SchemeAttr::get(ctx, Granularity::PerChannel, axis, 0, 0, 0, scaleType, zero, false,
                         Codebook::None, {});
}

/// Constant [K, N] weight codes (input `index`): UINT8 or INT8, K matching `k`.
FailureOr<const onnx::TensorProto *> weightInput(GraphImporter &g, const Node &node, unsigned index,
                                                 int64_t k) {
  const onnx::TensorProto *b = g.constantInput(node, index);
  if (!b)
    return g.error(node, "B (input " + Twine(index) +
                             ") must be an initializer: products of two tensors computed at "
                             "run time are not taken");
  if (b->data_type() != kUint8 && b->data_type() != kInt8)
    return g.error(node, "B of element type " + dataTypeName(b->data_type()) +
                             " is not taken (UINT8 and INT8 are)");
  SmallVector<int64_t> dims(b->dims().begin(), b->dims().end());
  if (dims.size() != 2 || dims[0] != k)
    return g.error(node,
                   "B has shape " + shapeString(dims) + " where [" + Twine(k) + ", N] is required");
  return b;
}

/// a x B over codes: lowbit.mpgemm of the activation codes `a` (scale and zero point per
/// tensor, or per row of a 2-D a) by constant [K, N] weight codes `b` (per tensor or per
/// column), plus `bias`, with result element `element`.
struct CodeProduct {
  Value a, aScale, aZero;
  const onnx::TensorProto *b;
  Value bScale, bZero, bias;
};

Value buildCodeProduct(GraphImporter &g, const Node &node, const CodeProduct &p, Type element) {
  OpBuilder &b = g.builder();
  Value weights = weightCodes(b, node.loc, *p.b, /*transposed=*/false);
  SmallVector<int64_t> shape(shapeOf(p.a).drop_back());
  shape.push_back(shapeOf(weights)[0]);
  return MpgemmOp::create(b, node.loc, RankedTensorType::get(shape, element), p.a, weights,
                          p.bScale, p.bZero, Value(), Value(), p.aScale, p.aZero, p.bias,
                          schemeOf(p.bScale, static_cast<bool>(p.bZero), 0),
                          schemeOf(p.aScale, static_cast<bool>(p.aZero), 0), ScheduleAttr(),
                          UnitAttr())
      .getResult();
}

/// A constant of ones with the shape of the zero point `zero` ([] without one).
Value onesLike(OpBuilder &b, Location loc, Value zero) {
  auto type = RankedTensorType::get(zero ? shapeOf(zero) : ArrayRef<int64_t>(), b.getF32Type());
  return arith::ConstantOp::create(b, loc, type, DenseElementsAttr::get(type, 1.0f));
}

Value extendTo32(OpBuilder &b, Location loc, Value code, bool isUnsigned) {
  Type i32 = b.getI32Type();
  if (isUnsigned)
    return arith::ExtUIOp::create(b, loc, i32, code);
  return arith::ExtSIOp::create(b, loc, i32, code);
}

// --- MatMulInteger ----------------------------------------------------------------------------

/// Y = (A - a_zero_point) x (B - b_zero_point) in i32: a_zero_point per tensor or per row of
/// a 2-D A, b_zero_point per tensor or per column.
LogicalResult importMatMulInteger(GraphImporter &g, const Node &node) {
  FailureOr<Value> a = codeInput(g, node, 0, "A"), bValue = codeInput(g, node, 1, "B");
  if (failed(a) || failed(bValue))
    return failure();
  ArrayRef<int64_t> aShape = shapeOf(*a), bShape = shapeOf(*bValue);
  int64_t rank = aShape.size(), m = aShape[rank - 2], k = aShape.back();
  if (bShape.size() != 2 || bShape[0] != k)
    return g.error(node, "B has shape " + shapeString(bShape) + " where [" + Twine(k) +
                             ", N] is required (A is " + shapeString(aShape) + ")");
  int64_t n = bShape[1];
  FailureOr<Value> aZero =
      parameterInput(g, node, 2, "a_zero_point", rank == 2 ? m : -1, elementOf(*a), false);
  FailureOr<Value> bZero = parameterInput(g, node, 3, "b_zero_point", n, elementOf(*bValue), false);
  if (failed(aZero) || failed(bZero))
    return failure();

  OpBuilder &b = g.builder();
  MLIRContext *ctx = g.context();
  Location loc = node.loc;
  // Loops: the batch axes, m, n, k.
  int64_t loops = rank + 1;
  auto dim = [&](int64_t d) { return b.getAffineDimExpr(d); };
  SmallVector<AffineExpr> aExprs, outExprs;
  for (int64_t d = 0; d < rank - 2; ++d) {
    aExprs.push_back(dim(d));
    outExprs.push_back(dim(d));
  }
  aExprs.append({dim(rank - 2), dim(rank)});
  outExprs.append({dim(rank - 2), dim(rank - 1)});
  SmallVector<Value> inputs = {signless(b, loc, *a), signless(b, loc, *bValue)};
  SmallVector<AffineMap> maps = {AffineMap::get(loops, 0, aExprs, ctx),
                                 AffineMap::get(loops, 0, {dim(rank), dim(rank - 1)}, ctx)};
  auto addZero = [&](Value zero, int64_t axisLoop) {
    if (!zero)
      return;
    inputs.push_back(signless(b, loc, zero));
    maps.push_back(shapeOf(zero).empty() ? AffineMap::get(loops, 0, {}, ctx)
                                         : AffineMap::get(loops, 0, {dim(axisLoop)}, ctx));
  };
  addZero(*aZero, rank - 2);
  addZero(*bZero, rank - 1);
  maps.push_back(AffineMap::get(loops, 0, outExprs, ctx));
  SmallVector<int64_t> shape(aShape.drop_back());
  shape.push_back(n);
  Type i32 = b.getI32Type();
  Value zero32 = arith::ConstantOp::create(b, loc, i32, b.getI32IntegerAttr(0));
  Value init = linalg::FillOp::create(b, loc, zero32,
                                      ValueRange{tensor::EmptyOp::create(b, loc, shape, i32)})
                   .getResult(0);
  SmallVector<utils::IteratorType> iterators(loops, utils::IteratorType::parallel);
  iterators.back() = utils::IteratorType::reduction;
  bool aUnsigned = elementOf(*a).isUnsignedInteger(),
       bUnsigned = elementOf(*bValue).isUnsignedInteger();
  auto product = linalg::GenericOp::create(
      b, loc, TypeRange{init.getType()}, inputs, ValueRange{init}, maps, iterators,
      [&](OpBuilder &nb, Location nl, ValueRange args) {
        Value x = extendTo32(nb, nl, args[0], aUnsigned);
        Value w = extendTo32(nb, nl, args[1], bUnsigned);
        unsigned next = 2;
        if (*aZero)
          x = arith::SubIOp::create(nb, nl, x, extendTo32(nb, nl, args[next++], aUnsigned));
        if (*bZero)
          w = arith::SubIOp::create(nb, nl, w, extendTo32(nb, nl, args[next++], bUnsigned));
        Value sum = arith::AddIOp::create(nb, nl, args.back(), arith::MulIOp::create(nb, nl, x, w));
        linalg::YieldOp::create(nb, nl, sum);
      });
  Value result = product.getResult(0);
  if (const onnx::TensorProto *constant = g.constantInput(node, 1);
      constant && (rank == 2 || !*aZero || shapeOf(*aZero).empty()))
    g.defineIntegerProduct(result, {*a, *aZero, constant, *bZero, product});
  return g.defineOutput(node, 0, result);
}

// --- QLinearMatMul, MatMulIntegerToFloat -------------------------------------------------------

/// y = quantize((a - a_zero_point) * a_scale x (b - b_zero_point) * b_scale, y_scale,
/// y_zero_point): scales and zero points of a and y per tensor, of b per tensor or column.
LogicalResult importQLinearMatMul(GraphImporter &g, const Node &node) {
  FailureOr<Value> a = codeInput(g, node, 0, "a");
  if (failed(a))
    return failure();
  FailureOr<const onnx::TensorProto *> weights = weightInput(g, node, 3, shapeOf(*a).back());
  if (failed(weights))
    return failure();
  int64_t n = (*weights)->dims(1);
  Type bCode = codeElementType(g.context(), (*weights)->data_type());
  FailureOr<Value> aScale = parameterInput(g, node, 1, "a_scale", -1, Type(), true);
  FailureOr<Value> aZero = parameterInput(g, node, 2, "a_zero_point", -1, elementOf(*a), false);
  FailureOr<Value> bScale = parameterInput(g, node, 4, "b_scale", n, Type(), true);
  FailureOr<Value> bZero = parameterInput(g, node, 5, "b_zero_point", n, bCode, false);
  FailureOr<Value> yScale = parameterInput(g, node, 6, "y_scale", -1, Type(), true);
  if (failed(aScale) || failed(aZero) || failed(bScale) || failed(bZero) || failed(yScale))
    return failure();
  if (!g.hasInput(node, 7))
    return g.error(node, "y_zero_point (input 7) is required: it gives the output's type");
  FailureOr<Value> yZeroValue = g.input(node, 7);
  if (failed(yZeroValue))
    return failure();
  if (!isCode8(elementOf(*yZeroValue)))
    return g.error(node, "y_zero_point of element type " + typeString(elementOf(*yZeroValue)) +
                             " is not taken (UINT8 and INT8 are)");
  FailureOr<Value> yZero =
      parameterInput(g, node, 7, "y_zero_point", -1, elementOf(*yZeroValue), true);
  if (failed(yZero))
    return failure();
  if (bZero.value() && shapeOf(*bZero) != shapeOf(*bScale))
    return g.error(node, "b_zero_point must have b_scale's shape");
  Type real = elementOf(*aScale);
  if (elementOf(*bScale) != real || elementOf(*yScale) != real)
    return g.error(node, "a_scale, b_scale and y_scale must have one element type");
  Value product =
      buildCodeProduct(g, node, {*a, *aScale, *aZero, *weights, *bScale, *bZero, {}}, real);
  auto codes = RankedTensorType::get(shapeOf(product), elementOf(*yZero));
  Value result = QuantizeOp::create(g.builder(), node.loc, codes, product, *yScale, *yZero, Value(),
                                    Value(), schemeOf(*yScale, true, 0))
                     .getResult();
  return g.defineOutput(node, 0, result);
}

/// com.microsoft.MatMulIntegerToFloat: (A - a_zero_point) * a_scale x (B - b_zero_point) *
/// b_scale + bias, in a_scale's type; a's scale and zero point per tensor (a_scale may be
/// computed at run time: DynamicQuantizeLinear's), b's per tensor or column.
LogicalResult importMatMulIntegerToFloat(GraphImporter &g, const Node &node) {
  FailureOr<Value> a = codeInput(g, node, 0, "A");
  if (failed(a))
    return failure();
  FailureOr<const onnx::TensorProto *> weights = weightInput(g, node, 1, shapeOf(*a).back());
  if (failed(weights))
    return failure();
  int64_t n = (*weights)->dims(1);
  Type bCode = codeElementType(g.context(), (*weights)->data_type());
  FailureOr<Value> aScale = parameterInput(g, node, 2, "a_scale", -1, Type(), true);
  FailureOr<Value> bScale = parameterInput(g, node, 3, "b_scale", n, Type(), true);
  FailureOr<Value> aZero = parameterInput(g, node, 4, "a_zero_point", -1, elementOf(*a), false);
  FailureOr<Value> bZero = parameterInput(g, node, 5, "b_zero_point", n, bCode, false);
  if (failed(aScale) || failed(bScale) || failed(aZero) || failed(bZero))
    return failure();
  Type real = elementOf(*aScale);
  if (elementOf(*bScale) != real)
    return g.error(node, "a_scale and b_scale must have one element type");
  if (bZero.value() && shapeOf(*bZero) != shapeOf(*bScale))
    return g.error(node, "b_zero_point must have b_scale's shape");
  Value bias;
  if (g.hasInput(node, 6)) {
    FailureOr<Value> value = g.input(node, 6);
    if (failed(value))
      return failure();
    if (elementOf(*value) != real || shapeOf(*value) != ArrayRef<int64_t>{n})
      return g.error(node, "bias must be [" + Twine(n) + "] of a_scale's type");
    bias = *value;
  }
  Value result =
      buildCodeProduct(g, node, {*a, *aScale, *aZero, *weights, *bScale, *bZero, bias}, real);
  return g.defineOutput(node, 0, result);
}

// --- DynamicQuantizeLinear --------------------------------------------------------------------

/// y_scale = (max(0, max x) - min(0, min x)) / 255 (1 / 255 for a range of 0, as onnxruntime
/// and the ONNX reference do), y_zero_point = roundeven(clamp(-min(0, min x) / y_scale, 0,
/// 255)), y = lowbit.quantize(x) with them (uint8 codes).
LogicalResult importDynamicQuantizeLinear(GraphImporter &g, const Node &node) {
  FailureOr<Value> x = g.input(node, 0);
  if (failed(x))
    return failure();
  if (!elementOf(*x).isF32())
    return g.error(node,
                   "x of element type " + typeString(elementOf(*x)) + " is not taken (FLOAT is)");
  OpBuilder &b = g.builder();
  MLIRContext *ctx = g.context();
  Location loc = node.loc;
  Type f32 = b.getF32Type(), i8 = b.getIntegerType(8);
  int64_t rank = shapeOf(*x).size();
  auto f32Constant = [&](OpBuilder &nb, Location nl, float value) -> Value {
    return arith::ConstantOp::create(nb, nl, f32, nb.getF32FloatAttr(value));
  };
  auto scalarInit = [&](Type element, Value fill) -> Value {
    Value empty = tensor::EmptyOp::create(b, loc, ArrayRef<int64_t>{}, element);
    if (!fill)
      return empty;
    return linalg::FillOp::create(b, loc, fill, ValueRange{empty}).getResult(0);
  };
  // The range, with 0 in it: both reductions start at 0.
  Value zero = f32Constant(b, loc, 0.0f);
  SmallVector<AffineMap> rangeMaps = {b.getMultiDimIdentityMap(rank),
                                      AffineMap::get(rank, 0, {}, ctx),
                                      AffineMap::get(rank, 0, {}, ctx)};
  auto range = linalg::GenericOp::create(
      b, loc, TypeRange{scalarInit(f32, zero).getType(), scalarInit(f32, zero).getType()}, *x,
      ValueRange{scalarInit(f32, zero), scalarInit(f32, zero)}, rangeMaps,
      SmallVector<utils::IteratorType>(rank, utils::IteratorType::reduction),
      [&](OpBuilder &nb, Location nl, ValueRange args) {
        linalg::YieldOp::create(nb, nl,
                                ValueRange{arith::MinimumFOp::create(nb, nl, args[1], args[0]),
                                           arith::MaximumFOp::create(nb, nl, args[2], args[0])});
      });
  AffineMap scalar = AffineMap::get(0, 0, {}, ctx);
  auto parameters = linalg::GenericOp::create(
      b, loc, TypeRange{RankedTensorType::get({}, f32), RankedTensorType::get({}, i8)},
      range.getResults(), ValueRange{scalarInit(f32, {}), scalarInit(i8, {})},
      SmallVector<AffineMap>(4, scalar), ArrayRef<utils::IteratorType>{},
      [&](OpBuilder &nb, Location nl, ValueRange args) {
        Value lo = args[0], hi = args[1];
        Value same = arith::CmpFOp::create(nb, nl, arith::CmpFPredicate::OEQ, lo, hi);
        Value width = arith::SelectOp::create(nb, nl, same, f32Constant(nb, nl, 1.0f),
                                              arith::SubFOp::create(nb, nl, hi, lo));
        Value scale = arith::DivFOp::create(nb, nl, width, f32Constant(nb, nl, 255.0f));
        Value zp = arith::NegFOp::create(nb, nl, arith::DivFOp::create(nb, nl, lo, scale));
        zp = arith::MaximumFOp::create(nb, nl, zp, f32Constant(nb, nl, 0.0f));
        zp = arith::MinimumFOp::create(nb, nl, zp, f32Constant(nb, nl, 255.0f));
        zp = math::RoundEvenOp::create(nb, nl, zp);
        linalg::YieldOp::create(nb, nl, ValueRange{scale, arith::FPToUIOp::create(nb, nl, i8, zp)});
      });
  Value scale = parameters.getResult(0);
  Value zeroPoint =
      retyped(b, loc, parameters.getResult(1), IntegerType::get(ctx, 8, IntegerType::Unsigned));
  auto codes = RankedTensorType::get(shapeOf(*x), elementOf(zeroPoint));
  Value y = QuantizeOp::create(b, loc, codes, *x, scale, zeroPoint, Value(), Value(),
                               schemeOf(scale, true, 0))
                .getResult();
  if (failed(g.defineOutput(node, 0, y)) || failed(g.defineOutput(node, 1, scale)))
    return failure();
  return g.defineOutput(node, 2, zeroPoint);
}

} // namespace

// --- Cast -------------------------------------------------------------------------------------

/// Cast with an integer type on either side: sitofp / uitofp, fptosi / fptoui, extsi / extui
/// / trunci on signless values (INT32 and INT64 are signed). The i32 products of
/// MatMulInteger by constant weights cast to a float type become lowbit.mpgemm.
LogicalResult onnx_import::importIntegerCast(GraphImporter &g, const Node &node, Value x, Type to) {
  OpBuilder &b = g.builder();
  Location loc = node.loc;
  Type from = elementOf(x);
  if (from == to)
    return g.defineOutput(node, 0, x);
  if (const GraphImporter::IntegerProduct *product = g.integerProduct(x);
      product && isa<mlir::FloatType>(to)) {
    Value result =
        buildCodeProduct(g, node,
                         {product->a, onesLike(b, loc, product->aZero), product->aZero, product->b,
                          onesLike(b, loc, product->bZero), product->bZero, Value()},
                         to);
    return g.defineOutput(node, 0, result);
  }
  auto fromInt = dyn_cast<IntegerType>(from), toInt = dyn_cast<IntegerType>(to);
  // BOOL reads as unsigned.
  bool fromUnsigned = fromInt && (fromInt.isUnsigned() || fromInt.getWidth() == 1);
  Type bodyType = toInt ? Type(b.getIntegerType(toInt.getWidth())) : to;
  Value in = signless(b, loc, x);
  Value result = buildElementwise(
      b, loc, in, shapeOf(x), bodyType, [&](OpBuilder &nb, Location nl, ValueRange args) -> Value {
        Value v = args[0];
        if (toInt && toInt.getWidth() == 1) {
          // BOOL: whether x is not 0.
          if (!fromInt)
            return arith::CmpFOp::create(
                nb, nl, arith::CmpFPredicate::UNE, v,
                arith::ConstantOp::create(nb, nl, from, nb.getFloatAttr(from, 0)));
          Type sl = v.getType();
          return arith::CmpIOp::create(
              nb, nl, arith::CmpIPredicate::ne, v,
              arith::ConstantOp::create(nb, nl, sl, nb.getIntegerAttr(sl, 0)));
        }
        if (!fromInt)
          return toInt.isUnsigned() ? arith::FPToUIOp::create(nb, nl, bodyType, v).getResult()
                                    : arith::FPToSIOp::create(nb, nl, bodyType, v).getResult();
        if (!toInt)
          return fromUnsigned ? arith::UIToFPOp::create(nb, nl, to, v).getResult()
                              : arith::SIToFPOp::create(nb, nl, to, v).getResult();
        if (toInt.getWidth() == fromInt.getWidth())
          return v;
        if (toInt.getWidth() < fromInt.getWidth())
          return arith::TruncIOp::create(nb, nl, bodyType, v);
        return fromUnsigned ? arith::ExtUIOp::create(nb, nl, bodyType, v).getResult()
                            : arith::ExtSIOp::create(nb, nl, bodyType, v).getResult();
      });
  return g.defineOutput(node, 0, retyped(b, loc, result, to));
}

ArrayRef<OpEntry> onnx_import::getIntegerOpTable() {
  static const OpEntry table[] = {
      {"", "MatMulInteger", 10, 23, importMatMulInteger, /*integers=*/true},
      {"", "QLinearMatMul", 10, 23, importQLinearMatMul, /*integers=*/true},
      {"", "DynamicQuantizeLinear", 11, 23, importDynamicQuantizeLinear},
      {"com.microsoft", "MatMulIntegerToFloat", 1, 1, importMatMulIntegerToFloat,
       /*integers=*/true},
  };
  return table;
}
