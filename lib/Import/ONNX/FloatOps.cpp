//===- FloatOps.cpp - The float ops of ONNX graphs ------------------------===//
//
// Float ops become upstream linalg / tensor / arith / math ops: elementwise ops with ONNX's
// multidirectional broadcasting as one linalg.generic (math functions computed in f32 and
// rounded to f16 / bf16), reductions, Softmax and the layer norms as linalg.generic
// reductions in f32, MatMul and Gemm as linalg.matmul accumulating in f32 (or, by a
// dequantized constant, lowbit.mpgemm: QdqOps.cpp). The shape ops are in ShapeOps.cpp.
//
//===----------------------------------------------------------------------===//
#include "Importer.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/AffineMap.h"

#include <cmath>
#include <limits>
#include <numeric>
#include <type_traits>

using namespace mlir;
using namespace lowbit;
using namespace lowbit::onnx_import;

using Node = GraphImporter::Node;

Value onnx_import::buildElementwise(OpBuilder &b, Location loc, ValueRange inputs,
                                    ArrayRef<int64_t> shape, Type element,
                                    function_ref<Value(OpBuilder &, Location, ValueRange)> body) {
  int64_t rank = shape.size();
  SmallVector<AffineMap> maps;
  for (Value input : inputs) {
    ArrayRef<int64_t> inShape = shapeOf(input);
    int64_t offset = rank - static_cast<int64_t>(inShape.size());
    SmallVector<AffineExpr> exprs;
    for (auto [j, d] : llvm::enumerate(inShape))
      exprs.push_back(d == 1 && shape[offset + j] != 1 ? b.getAffineConstantExpr(0)
                                                       : b.getAffineDimExpr(offset + j));
    maps.push_back(AffineMap::get(rank, 0, exprs, b.getContext()));
  }
  maps.push_back(b.getMultiDimIdentityMap(rank));
  Value init = tensor::EmptyOp::create(b, loc, shape, element);
  SmallVector<utils::IteratorType> iterators(rank, utils::IteratorType::parallel);
  auto generic = linalg::GenericOp::create(
      b, loc, TypeRange{init.getType()}, inputs, ValueRange{init}, maps, iterators,
      [&](OpBuilder &nested, Location nestedLoc, ValueRange args) {
        Value result = body(nested, nestedLoc, args.drop_back());
        linalg::YieldOp::create(nested, nestedLoc, result);
      });
  return generic.getResult(0);
}

namespace {

/// `value` with its elements converted to the float type `element`.
Value castFloat(OpBuilder &b, Location loc, Value value, Type element) {
  Type from = elementOf(value);
  if (from == element)
    return value;
  return buildElementwise(b, loc, value, shapeOf(value), element,
                          [&](OpBuilder &nb, Location nl, ValueRange args) -> Value {
                            if (element.getIntOrFloatBitWidth() > from.getIntOrFloatBitWidth())
                              return arith::ExtFOp::create(nb, nl, element, args[0]);
                            return arith::TruncFOp::create(nb, nl, element, args[0]);
                          });
}

// --- Add, Sub, Mul, Div ----------------------------------------------------------------------

/// x / y of signless integers, rounded toward zero; y = 0 gives x, and INT_MIN / -1 wraps
/// (the hardware division would trap on both).
Value safeDivide(OpBuilder &b, Location loc, Value x, Value y) {
  Type type = x.getType();
  auto constant = [&](int64_t v) {
    return arith::ConstantOp::create(b, loc, type, b.getIntegerAttr(type, v));
  };
  Value isZero = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, y, constant(0));
  Value isMinusOne = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, y, constant(-1));
  Value divisor = arith::SelectOp::create(b, loc, arith::OrIOp::create(b, loc, isZero, isMinusOne),
                                          constant(1), y);
  Value quotient = arith::DivSIOp::create(b, loc, x, divisor);
  Value negated = arith::SubIOp::create(b, loc, constant(0), x);
  return arith::SelectOp::create(b, loc, isMinusOne, negated, quotient);
}

/// Add, Sub, Mul, Div of float tensors, and of INT32 / INT64 ones (wrapping; Div rounds toward
/// zero, safeDivide).
template <typename FloatOp, typename IntOp>
LogicalResult importBinary(GraphImporter &g, const Node &node) {
  FailureOr<Value> lhs = g.input(node, 0), rhs = g.input(node, 1);
  if (failed(lhs) || failed(rhs))
    return failure();
  Type type = elementOf(*lhs);
  if (type != elementOf(*rhs))
    return g.error(node, "its inputs have different element types");
  bool isFloat = isa<FloatType>(type);
  if (!isFloat && !type.isSignlessInteger(32) && !type.isSignlessInteger(64))
    return g.error(node, "arithmetic on " + typeString(type) +
                             " is not taken (float tensors, INT32 and INT64 are)");
  FailureOr<SmallVector<int64_t>> shape = broadcastShapes(g, node, {shapeOf(*lhs), shapeOf(*rhs)});
  if (failed(shape))
    return failure();
  OpBuilder &b = g.builder();
  Value result = buildElementwise(b, node.loc, ValueRange{*lhs, *rhs}, *shape, type,
                                  [&](OpBuilder &nb, Location nl, ValueRange args) -> Value {
                                    if (isFloat)
                                      return FloatOp::create(nb, nl, args[0], args[1]);
                                    if constexpr (std::is_same_v<IntOp, arith::DivSIOp>)
                                      return safeDivide(nb, nl, args[0], args[1]);
                                    else
                                      return IntOp::create(nb, nl, args[0], args[1]);
                                  });
  return g.defineOutput(node, 0, result);
}

// --- Identity ---------------------------------------------------------------------------------

LogicalResult importIdentity(GraphImporter &g, const Node &node) {
  FailureOr<Value> x = g.input(node, 0);
  if (failed(x))
    return failure();
  return g.defineOutput(node, 0, *x);
}

// --- MatMul -----------------------------------------------------------------------------------

/// [M, K] x [K, N] accumulated in f32 (linalg.matmul), rounded to the operands' type.
Value buildMatmul(OpBuilder &b, Location loc, Value lhs, Value rhs) {
  Type f32 = b.getF32Type();
  int64_t rows = shapeOf(lhs)[0], cols = shapeOf(rhs)[1];
  Value zero = arith::ConstantOp::create(b, loc, f32, b.getF32FloatAttr(0));
  Value init = linalg::FillOp::create(
                   b, loc, zero,
                   ValueRange{tensor::EmptyOp::create(b, loc, ArrayRef<int64_t>{rows, cols}, f32)})
                   .getResult(0);
  Value product =
      linalg::MatmulOp::create(b, loc, ValueRange{lhs, rhs}, ValueRange{init}).getResult(0);
  return castFloat(b, loc, product, elementOf(lhs));
}

/// [.., M, K] x [.., K, N] -> [.., M, N] with the leading axes broadcast as numpy does: one
/// linalg.generic over the batch axes, M, N and K, accumulated in f32 and rounded to the
/// inputs' element type.
LogicalResult importBatchMatMul(GraphImporter &g, const Node &node, Value lhs, Value rhs) {
  ArrayRef<int64_t> a = shapeOf(lhs), w = shapeOf(rhs);
  if (a.back() != w[w.size() - 2])
    return g.error(node,
                   "shapes " + shapeString(a) + " and " + shapeString(w) + " do not match in K");
  FailureOr<SmallVector<int64_t>> batch =
      broadcastShapes(g, node, {a.drop_back(2), w.drop_back(2)});
  if (failed(batch))
    return failure();
  OpBuilder &b = g.builder();
  Location loc = node.loc;
  Type f32 = b.getF32Type();
  int64_t batchRank = batch->size(), m = a[a.size() - 2], n = w.back();
  // Iteration space: batch axes, M, N, K.
  int64_t loops = batchRank + 3;
  auto operandMap = [&](ArrayRef<int64_t> shape, int64_t row, int64_t col) {
    SmallVector<AffineExpr> exprs;
    int64_t leading = shape.size() - 2;
    for (int64_t d = 0; d < leading; ++d) {
      int64_t axis = batchRank - leading + d;
      exprs.push_back(shape[d] == 1 && (*batch)[axis] != 1 ? b.getAffineConstantExpr(0)
                                                           : b.getAffineDimExpr(axis));
    }
    exprs.push_back(b.getAffineDimExpr(row));
    exprs.push_back(b.getAffineDimExpr(col));
    return AffineMap::get(loops, 0, exprs, b.getContext());
  };
  SmallVector<AffineExpr> outExprs;
  for (int64_t d = 0; d < batchRank + 2; ++d)
    outExprs.push_back(b.getAffineDimExpr(d));
  SmallVector<AffineMap> maps = {operandMap(a, batchRank, batchRank + 2),
                                 operandMap(w, batchRank + 2, batchRank + 1),
                                 AffineMap::get(loops, 0, outExprs, b.getContext())};
  SmallVector<utils::IteratorType> iterators(loops - 1, utils::IteratorType::parallel);
  iterators.push_back(utils::IteratorType::reduction);
  SmallVector<int64_t> shape(*batch);
  shape.append({m, n});
  Value zero = arith::ConstantOp::create(b, loc, f32, b.getF32FloatAttr(0));
  Value init =
      linalg::FillOp::create(b, loc, zero, ValueRange{tensor::EmptyOp::create(b, loc, shape, f32)})
          .getResult(0);
  Value product =
      linalg::GenericOp::create(
          b, loc, TypeRange{init.getType()}, ValueRange{lhs, rhs}, init, maps, iterators,
          [&](OpBuilder &nb, Location nl, ValueRange args) {
            auto wide = [&](Value v) -> Value {
              return v.getType() == f32 ? v : arith::ExtFOp::create(nb, nl, f32, v).getResult();
            };
            Value sum = arith::AddFOp::create(
                nb, nl, args[2], arith::MulFOp::create(nb, nl, wide(args[0]), wide(args[1])));
            linalg::YieldOp::create(nb, nl, sum);
          })
          .getResult(0);
  return g.defineOutput(node, 0, castFloat(b, loc, product, elementOf(lhs)));
}

/// [.., M, K] x [K, N] -> [.., M, N], accumulated in f32 (linalg.matmul) and rounded to the
/// inputs' element type; a right operand of rank 3 or more takes importBatchMatMul.
LogicalResult importMatMul(GraphImporter &g, const Node &node) {
  // Weights dequantized from constant codes: lowbit.mpgemm.
  if (const GraphImporter::DequantizedConstant *weights = g.dequantizedInput(node, 1)) {
    FailureOr<Value> a = g.input(node, 0);
    if (failed(a))
      return failure();
    FailureOr<Value> product = buildDequantizedProduct(g, node, *a, *weights, false);
    if (failed(product))
      return failure();
    return g.defineOutput(node, 0, *product);
  }
  FailureOr<Value> lhs = g.input(node, 0), rhs = g.input(node, 1);
  if (failed(lhs) || failed(rhs))
    return failure();
  if (elementOf(*lhs) != elementOf(*rhs))
    return g.error(node, "its inputs have different element types");
  ArrayRef<int64_t> a = shapeOf(*lhs), w = shapeOf(*rhs);
  if (a.size() >= 2 && w.size() > 2)
    return importBatchMatMul(g, node, *lhs, *rhs);
  if (a.size() < 2 || w.size() != 2)
    return g.error(node, "the importer takes MatMul of operands of rank 2 or more; this one "
                         "has shapes " +
                             shapeString(a) + " and " + shapeString(w));
  if (a.back() != w[0])
    return g.error(node,
                   "shapes " + shapeString(a) + " and " + shapeString(w) + " do not match in K");
  OpBuilder &b = g.builder();
  Location loc = node.loc;
  Type element = elementOf(*lhs);
  int64_t rows = elementCount(a.drop_back());
  Value matrix = *lhs;
  SmallVector<ReassociationIndices> leading;
  if (a.size() > 2) {
    ReassociationIndices all;
    for (int64_t d = 0; d + 1 < static_cast<int64_t>(a.size()); ++d)
      all.push_back(d);
    leading = {all, {static_cast<int64_t>(a.size()) - 1}};
    matrix = tensor::CollapseShapeOp::create(
        b, loc, RankedTensorType::get({rows, a.back()}, element), matrix, leading);
  }
  Value product = buildMatmul(b, loc, matrix, *rhs);
  if (a.size() > 2) {
    SmallVector<int64_t> shape(a.drop_back());
    shape.push_back(w[1]);
    product = tensor::ExpandShapeOp::create(b, loc, RankedTensorType::get(shape, element), product,
                                            leading);
  }
  return g.defineOutput(node, 0, product);
}

/// `fn` applied elementwise in f32 (inputs extended, the result rounded back).
using ScalarFn = function_ref<Value(OpBuilder &, Location, ValueRange)>;

Value elementwiseInF32(OpBuilder &b, Location loc, ValueRange inputs, ArrayRef<int64_t> shape,
                       Type element, ScalarFn fn) {
  Type f32 = b.getF32Type();
  return buildElementwise(
      b, loc, inputs, shape, element, [&](OpBuilder &nb, Location nl, ValueRange args) -> Value {
        SmallVector<Value> wide;
        for (Value arg : args)
          wide.push_back(arg.getType() == f32 ? arg : arith::ExtFOp::create(nb, nl, f32, arg));
        Value result = fn(nb, nl, wide);
        if (element == f32)
          return result;
        return arith::TruncFOp::create(nb, nl, element, result);
      });
}

Value f32Constant(OpBuilder &b, Location loc, double value) {
  return arith::ConstantOp::create(b, loc, b.getF32Type(),
                                   b.getF32FloatAttr(static_cast<float>(value)));
}

/// 0.5 x (1 + erf(x / sqrt(2))).
Value exactGelu(OpBuilder &b, Location loc, Value x) {
  Value scaled = arith::MulFOp::create(b, loc, x, f32Constant(b, loc, M_SQRT1_2));
  Value erf = math::ErfOp::create(b, loc, scaled);
  Value onePlus = arith::AddFOp::create(b, loc, erf, f32Constant(b, loc, 1.0));
  return arith::MulFOp::create(b, loc, arith::MulFOp::create(b, loc, x, onePlus),
                               f32Constant(b, loc, 0.5));
}

/// 0.5 x (1 + tanh(sqrt(2 / pi) (x + 0.044715 x^3))).
Value tanhGelu(OpBuilder &b, Location loc, Value x) {
  Value cube = arith::MulFOp::create(b, loc, arith::MulFOp::create(b, loc, x, x), x);
  Value inner = arith::AddFOp::create(
      b, loc, x, arith::MulFOp::create(b, loc, cube, f32Constant(b, loc, 0.044715)));
  Value t = math::TanhOp::create(
      b, loc, arith::MulFOp::create(b, loc, inner, f32Constant(b, loc, std::sqrt(2.0 / M_PI))));
  Value onePlus = arith::AddFOp::create(b, loc, t, f32Constant(b, loc, 1.0));
  return arith::MulFOp::create(b, loc, arith::MulFOp::create(b, loc, x, onePlus),
                               f32Constant(b, loc, 0.5));
}

enum class Unary { Neg, Exp, Log, Tanh, Sqrt, Reciprocal, Relu, Sigmoid, Erf };

template <Unary kind> LogicalResult importUnary(GraphImporter &g, const Node &node) {
  FailureOr<Value> x = g.input(node, 0);
  if (failed(x))
    return failure();
  Value result = elementwiseInF32(
      g.builder(), node.loc, *x, shapeOf(*x), elementOf(*x),
      [](OpBuilder &b, Location loc, ValueRange args) -> Value {
        Value v = args[0];
        switch (kind) {
        case Unary::Neg:
          return arith::NegFOp::create(b, loc, v);
        case Unary::Exp:
          return math::ExpOp::create(b, loc, v);
        case Unary::Log:
          return math::LogOp::create(b, loc, v);
        case Unary::Tanh:
          return math::TanhOp::create(b, loc, v);
        case Unary::Sqrt:
          return math::SqrtOp::create(b, loc, v);
        case Unary::Reciprocal:
          return arith::DivFOp::create(b, loc, f32Constant(b, loc, 1.0), v);
        case Unary::Relu:
          return arith::MaximumFOp::create(b, loc, v, f32Constant(b, loc, 0.0));
        case Unary::Sigmoid: {
          Value e = math::ExpOp::create(b, loc, arith::NegFOp::create(b, loc, v));
          return arith::DivFOp::create(b, loc, f32Constant(b, loc, 1.0),
                                       arith::AddFOp::create(b, loc, e, f32Constant(b, loc, 1.0)));
        }
        case Unary::Erf:
          return math::ErfOp::create(b, loc, v);
        }
        llvm_unreachable("unary op");
      });
  return g.defineOutput(node, 0, result);
}

/// Gelu (opset 20): approximate = "none" (erf) or "tanh".
LogicalResult importGelu(GraphImporter &g, const Node &node) {
  FailureOr<Value> x = g.input(node, 0);
  if (failed(x))
    return failure();
  FailureOr<std::string> approximate = g.stringAttribute(node, "approximate", "none");
  if (failed(approximate))
    return failure();
  if (*approximate != "none" && *approximate != "tanh")
    return g.error(node, "approximate = '" + *approximate + "': it must be 'none' or 'tanh'");
  bool useTanh = *approximate == "tanh";
  Value result =
      elementwiseInF32(g.builder(), node.loc, *x, shapeOf(*x), elementOf(*x),
                       [&](OpBuilder &b, Location loc, ValueRange args) -> Value {
                         return useTanh ? tanhGelu(b, loc, args[0]) : exactGelu(b, loc, args[0]);
                       });
  return g.defineOutput(node, 0, result);
}

/// Pow of float operands (the exponent of the base's type), computed in f32.
LogicalResult importPow(GraphImporter &g, const Node &node) {
  FailureOr<Value> x = g.input(node, 0), y = g.input(node, 1);
  if (failed(x) || failed(y))
    return failure();
  if (elementOf(*x) != elementOf(*y))
    return g.error(node, "an exponent of another type than the base's is not taken");
  FailureOr<SmallVector<int64_t>> shape = broadcastShapes(g, node, {shapeOf(*x), shapeOf(*y)});
  if (failed(shape))
    return failure();
  Value result = elementwiseInF32(g.builder(), node.loc, ValueRange{*x, *y}, *shape, elementOf(*x),
                                  [](OpBuilder &b, Location loc, ValueRange args) -> Value {
                                    return math::PowFOp::create(b, loc, args[0], args[1]);
                                  });
  return g.defineOutput(node, 0, result);
}

/// Cast between float types (f32, f16, bf16); to and from integer types: IntegerOps.cpp.
LogicalResult importCast(GraphImporter &g, const Node &node) {
  FailureOr<Value> x = g.input(node, 0);
  FailureOr<int64_t> to = g.intAttribute(node, "to", std::nullopt);
  if (failed(x) || failed(to))
    return failure();
  Type element = g.valueType(static_cast<int32_t>(*to));
  if (!element)
    return g.error(node, "a cast to " + dataTypeName(static_cast<int32_t>(*to)) +
                             " is not taken (FLOAT, FLOAT16, BFLOAT16, UINT8, INT8, INT32, INT64, "
                             "BOOL are)");
  if (!isa<FloatType>(element) || !isa<FloatType>(elementOf(*x)))
    return importIntegerCast(g, node, *x, element);
  return g.defineOutput(node, 0, castFloat(g.builder(), node.loc, *x, element));
}

// --- Reductions and Softmax -------------------------------------------------------------------

enum class Reduction { Sum, Mean, Max };

/// `value` reduced over `axes` (sorted) in f32, keeping them as 1s; the result [.., 1, ..] f32.
Value reduceKeepingDims(OpBuilder &b, Location loc, Value value, ArrayRef<int64_t> axes,
                        Reduction kind) {
  ArrayRef<int64_t> in = shapeOf(value);
  int64_t rank = in.size();
  Type f32 = b.getF32Type();
  SmallVector<int64_t> shape(in);
  SmallVector<AffineExpr> outExprs;
  SmallVector<utils::IteratorType> iterators;
  for (int64_t d = 0; d < rank; ++d) {
    bool reduced = llvm::is_contained(axes, d);
    if (reduced)
      shape[d] = 1;
    outExprs.push_back(reduced ? b.getAffineConstantExpr(0) : b.getAffineDimExpr(d));
    iterators.push_back(reduced ? utils::IteratorType::reduction : utils::IteratorType::parallel);
  }
  double initial = kind == Reduction::Max ? -std::numeric_limits<double>::infinity() : 0.0;
  Value init = linalg::FillOp::create(b, loc, f32Constant(b, loc, initial),
                                      ValueRange{tensor::EmptyOp::create(b, loc, shape, f32)})
                   .getResult(0);
  SmallVector<AffineMap> maps = {b.getMultiDimIdentityMap(rank),
                                 AffineMap::get(rank, 0, outExprs, b.getContext())};
  Value reduced =
      linalg::GenericOp::create(b, loc, TypeRange{init.getType()}, value, init, maps, iterators,
                                [&](OpBuilder &nb, Location nl, ValueRange args) {
                                  Value x = args[0].getType() == f32
                                                ? args[0]
                                                : arith::ExtFOp::create(nb, nl, f32, args[0]);
                                  Value r;
                                  if (kind == Reduction::Max)
                                    r = arith::MaximumFOp::create(nb, nl, args[1], x);
                                  else
                                    r = arith::AddFOp::create(nb, nl, args[1], x);
                                  linalg::YieldOp::create(nb, nl, r);
                                })
          .getResult(0);
  if (kind == Reduction::Mean) {
    int64_t count = 1;
    for (int64_t axis : axes)
      count *= in[axis];
    double inverse = 1.0 / static_cast<double>(count);
    reduced = buildElementwise(
        b, loc, reduced, shape, f32, [&](OpBuilder &nb, Location nl, ValueRange args) -> Value {
          return arith::MulFOp::create(nb, nl, args[0], f32Constant(nb, nl, inverse));
        });
  }
  return reduced;
}

template <Reduction kind> LogicalResult importReduce(GraphImporter &g, const Node &node) {
  FailureOr<Value> x = g.input(node, 0);
  FailureOr<int64_t> keepDims = g.intAttribute(node, "keepdims", 1);
  FailureOr<int64_t> noopEmpty = g.intAttribute(node, "noop_with_empty_axes", 0);
  if (failed(x) || failed(keepDims) || failed(noopEmpty))
    return failure();
  ArrayRef<int64_t> in = shapeOf(*x);
  bool given;
  // ReduceSum takes its axes as an input from opset 13, the others from opset 18.
  FailureOr<SmallVector<int64_t>> axes =
      readAxes(g, node, kind == Reduction::Sum ? 13 : 18, in.size(), given);
  if (failed(axes))
    return failure();
  if (axes->empty()) {
    if (*noopEmpty)
      return g.defineOutput(node, 0, *x);
    for (int64_t d = 0; d < static_cast<int64_t>(in.size()); ++d)
      axes->push_back(d);
  }
  OpBuilder &b = g.builder();
  Value reduced = reduceKeepingDims(b, node.loc, *x, *axes, kind);
  reduced = castFloat(b, node.loc, reduced, elementOf(*x));
  if (!*keepDims) {
    SmallVector<int64_t> shape;
    for (auto [d, extent] : llvm::enumerate(in))
      if (!llvm::is_contained(*axes, static_cast<int64_t>(d)))
        shape.push_back(extent);
    reduced = reshapeTo(b, node.loc, reduced, shape);
  }
  return g.defineOutput(node, 0, reduced);
}

/// Softmax along one axis (opset 13 on; earlier opsets flatten, which is not taken), in f32:
/// exp(x - max) / sum exp(x - max).
LogicalResult importSoftmax(GraphImporter &g, const Node &node) {
  FailureOr<Value> x = g.input(node, 0);
  FailureOr<int64_t> axis = g.intAttribute(node, "axis", -1);
  if (failed(x) || failed(axis))
    return failure();
  ArrayRef<int64_t> in = shapeOf(*x);
  int64_t rank = in.size();
  if (*axis < -rank || *axis >= rank)
    return g.error(node, "axis " + Twine(*axis) + " is outside rank " + Twine(rank));
  if (*axis < 0)
    *axis += rank;
  OpBuilder &b = g.builder();
  Location loc = node.loc;
  Type f32 = b.getF32Type(), element = elementOf(*x);
  Value max = reduceKeepingDims(b, loc, *x, {*axis}, Reduction::Max);
  Value exps = elementwiseInF32(b, loc, ValueRange{*x, max}, in, f32,
                                [](OpBuilder &nb, Location nl, ValueRange args) -> Value {
                                  return math::ExpOp::create(
                                      nb, nl, arith::SubFOp::create(nb, nl, args[0], args[1]));
                                });
  Value sum = reduceKeepingDims(b, loc, exps, {*axis}, Reduction::Sum);
  Value result = elementwiseInF32(b, loc, ValueRange{exps, sum}, in, element,
                                  [](OpBuilder &nb, Location nl, ValueRange args) -> Value {
                                    return arith::DivFOp::create(nb, nl, args[0], args[1]);
                                  });
  return g.defineOutput(node, 0, result);
}

// --- Normalizations ---------------------------------------------------------------------------

/// The normalized axes [axis, rank) of a layer norm's input, or an error.
FailureOr<SmallVector<int64_t>> normalizedAxes(GraphImporter &g, const Node &node, Value x) {
  FailureOr<int64_t> axis = g.intAttribute(node, "axis", -1);
  if (failed(axis))
    return failure();
  int64_t rank = shapeOf(x).size();
  if (*axis < -rank || *axis >= rank)
    return g.error(node, "axis " + Twine(*axis) + " is outside rank " + Twine(rank));
  if (*axis < 0)
    *axis += rank;
  SmallVector<int64_t> axes;
  for (int64_t d = *axis; d < rank; ++d)
    axes.push_back(d);
  return axes;
}

/// An optional input that must broadcast to the normalized dimensions of `x`.
FailureOr<Value> normParameter(GraphImporter &g, const Node &node, unsigned index, Value x,
                               ArrayRef<int64_t> axes, StringRef what) {
  FailureOr<Value> value = g.input(node, index);
  if (failed(value))
    return failure();
  ArrayRef<int64_t> shape = shapeOf(*value), in = shapeOf(x);
  if (shape.size() > axes.size() || elementOf(*value) != elementOf(x))
    return g.error(node, what + " must be of x's type and broadcast to its normalized "
                                "dimensions");
  for (auto [i, d] : llvm::enumerate(shape)) {
    int64_t want = in[in.size() - shape.size() + i];
    if (d != want && d != 1)
      return g.error(node, what + " of shape " + shapeString(shape) + " does not broadcast to " +
                               shapeString(in));
  }
  return *value;
}

/// y = x / sqrt(mean(x^2) + eps) * scale over `axes` (or, `centered`, with x - mean(x) and
/// its variance; + bias when given), in f32, rounded to x's type.
/// The normalization of x over `axes` (centered: LayerNormalization; else RMS), times scale
/// plus bias. When given, *meanOut and *invStdOut receive the f32 mean (centered only) and
/// 1 / sqrt(variance + epsilon), with the reduced axes kept as 1.
Value buildNorm(OpBuilder &b, Location loc, Value x, ArrayRef<int64_t> axes, double epsilon,
                Value scale, Value bias, bool centered, Value *meanOut = nullptr,
                Value *invStdOut = nullptr) {
  Type f32 = b.getF32Type();
  ArrayRef<int64_t> shape = shapeOf(x);
  Value centeredX = x;
  if (centered) {
    Value mean = reduceKeepingDims(b, loc, x, axes, Reduction::Mean);
    if (meanOut)
      *meanOut = mean;
    centeredX = elementwiseInF32(b, loc, ValueRange{x, mean}, shape, f32,
                                 [](OpBuilder &nb, Location nl, ValueRange args) -> Value {
                                   return arith::SubFOp::create(nb, nl, args[0], args[1]);
                                 });
  }
  Value squares = elementwiseInF32(b, loc, centeredX, shape, f32,
                                   [](OpBuilder &nb, Location nl, ValueRange args) -> Value {
                                     return arith::MulFOp::create(nb, nl, args[0], args[0]);
                                   });
  Value meanSquare = reduceKeepingDims(b, loc, squares, axes, Reduction::Mean);
  if (invStdOut)
    *invStdOut = elementwiseInF32(
        b, loc, meanSquare, shapeOf(meanSquare), f32,
        [&](OpBuilder &nb, Location nl, ValueRange args) -> Value {
          Value root = math::SqrtOp::create(
              nb, nl, arith::AddFOp::create(nb, nl, args[0], f32Constant(nb, nl, epsilon)));
          return arith::DivFOp::create(nb, nl, f32Constant(nb, nl, 1.0), root);
        });
  SmallVector<Value> inputs = {centeredX, meanSquare, scale};
  if (bias)
    inputs.push_back(bias);
  return elementwiseInF32(
      b, loc, inputs, shape, elementOf(x),
      [&](OpBuilder &nb, Location nl, ValueRange args) -> Value {
        Value denominator = math::SqrtOp::create(
            nb, nl, arith::AddFOp::create(nb, nl, args[1], f32Constant(nb, nl, epsilon)));
        Value y = arith::MulFOp::create(nb, nl, arith::DivFOp::create(nb, nl, args[0], denominator),
                                        args[2]);
        return args.size() > 3 ? arith::AddFOp::create(nb, nl, y, args[3]).getResult() : y;
      });
}

/// Whether output `index` of the node is requested (named).
bool wantsOutput(const Node &node, int index) {
  return node.proto.output_size() > index && !node.proto.output(index).empty();
}

/// LayerNormalization (opset 17) and SimplifiedLayerNormalization (RMS norm, as onnxruntime
/// exports it in the default domain).
template <bool centered> LogicalResult importLayerNorm(GraphImporter &g, const Node &node) {
  FailureOr<Value> x = g.input(node, 0);
  if (failed(x))
    return failure();
  FailureOr<SmallVector<int64_t>> axes = normalizedAxes(g, node, *x);
  FailureOr<float> epsilon = g.floatAttribute(node, "epsilon", 1e-5f);
  FailureOr<int64_t> stash = g.intAttribute(node, "stash_type", 1);
  if (failed(axes) || failed(epsilon) || failed(stash))
    return failure();
  if (*stash != 1)
    return g.error(node, "stash_type = " + Twine(*stash) + ": only 1 (f32) is taken");
  if (!centered && (wantsOutput(node, 1) || wantsOutput(node, 2)))
    return g.error(node, "the inverse standard deviation output is not taken");
  FailureOr<Value> scale = normParameter(g, node, 1, *x, *axes, "scale");
  if (failed(scale))
    return failure();
  Value bias;
  if (centered && g.hasInput(node, 2)) {
    FailureOr<Value> given = normParameter(g, node, 2, *x, *axes, "bias");
    if (failed(given))
      return failure();
    bias = *given;
  }
  Value mean, invStd;
  Value y =
      buildNorm(g.builder(), node.loc, *x, *axes, *epsilon, *scale, bias, centered, &mean, &invStd);
  if (failed(g.defineOutput(node, 0, y)))
    return failure();
  if (centered && wantsOutput(node, 1) && failed(g.defineOutput(node, 1, mean)))
    return failure();
  if (centered && wantsOutput(node, 2) && failed(g.defineOutput(node, 2, invStd)))
    return failure();
  return success();
}

/// com.microsoft.SkipSimplifiedLayerNormalization: s = input + skip (+ bias), output =
/// RMSNorm(s) * gamma over the last axis; output 3 is s.
LogicalResult importSkipSimplifiedLayerNorm(GraphImporter &g, const Node &node) {
  FailureOr<Value> x = g.input(node, 0), skip = g.input(node, 1);
  FailureOr<float> epsilon = g.floatAttribute(node, "epsilon", 1e-5f);
  if (failed(x) || failed(skip) || failed(epsilon))
    return failure();
  if (elementOf(*x) != elementOf(*skip))
    return g.error(node, "input and skip must have the same element type");
  if (wantsOutput(node, 1) || wantsOutput(node, 2))
    return g.error(node, "the mean and inverse standard deviation outputs are not taken");
  ArrayRef<int64_t> shape = shapeOf(*x);
  FailureOr<SmallVector<int64_t>> sumShape = broadcastShapes(g, node, {shape, shapeOf(*skip)});
  if (failed(sumShape))
    return failure();
  if (ArrayRef<int64_t>(*sumShape) != shape)
    return g.error(node, "skip of shape " + shapeString(shapeOf(*skip)) +
                             " does not broadcast to the input's " + shapeString(shape));
  OpBuilder &b = g.builder();
  SmallVector<Value> terms = {*x, *skip};
  SmallVector<int64_t> axes = {static_cast<int64_t>(shape.size()) - 1};
  if (g.hasInput(node, 3)) {
    FailureOr<Value> bias = normParameter(g, node, 3, *x, axes, "bias");
    if (failed(bias))
      return failure();
    terms.push_back(*bias);
  }
  FailureOr<Value> gamma = normParameter(g, node, 2, *x, axes, "gamma");
  if (failed(gamma))
    return failure();
  Value sum = buildElementwise(b, node.loc, terms, shape, elementOf(*x),
                               [](OpBuilder &nb, Location nl, ValueRange args) -> Value {
                                 Value s = arith::AddFOp::create(nb, nl, args[0], args[1]);
                                 if (args.size() > 2)
                                   s = arith::AddFOp::create(nb, nl, s, args[2]);
                                 return s;
                               });
  Value normed = buildNorm(b, node.loc, sum, axes, *epsilon, *gamma, Value(), false);
  if (failed(g.defineOutput(node, 0, normed)))
    return failure();
  return g.defineOutput(node, 3, sum);
}

// --- Gemm ----------------------------------------------------------------------------------

/// Gemm: alpha * A' x B' + beta * C (A' = A or A^T, B' = B or B^T; C broadcast to [M, N]).
/// Weights dequantized from constant codes take lowbit.mpgemm.
LogicalResult importGemm(GraphImporter &g, const Node &node) {
  FailureOr<int64_t> transA = g.intAttribute(node, "transA", 0);
  FailureOr<int64_t> transB = g.intAttribute(node, "transB", 0);
  FailureOr<float> alpha = g.floatAttribute(node, "alpha", 1.0f);
  FailureOr<float> beta = g.floatAttribute(node, "beta", 1.0f);
  FailureOr<Value> a = g.input(node, 0);
  if (failed(transA) || failed(transB) || failed(alpha) || failed(beta) || failed(a))
    return failure();
  OpBuilder &b = g.builder();
  Location loc = node.loc;
  if (shapeOf(*a).size() != 2)
    return g.error(node, "A must be 2-D, not " + shapeString(shapeOf(*a)));
  auto transpose = [&](Value v) -> Value {
    ArrayRef<int64_t> in = shapeOf(v);
    Value init = tensor::EmptyOp::create(b, loc, ArrayRef<int64_t>{in[1], in[0]}, elementOf(v));
    return linalg::TransposeOp::create(b, loc, v, init, ArrayRef<int64_t>{1, 0}).getResult()[0];
  };
  Value lhs = *transA ? transpose(*a) : *a;
  Value product;
  if (const GraphImporter::DequantizedConstant *weights = g.dequantizedInput(node, 1)) {
    FailureOr<Value> result = buildDequantizedProduct(g, node, lhs, *weights, *transB != 0);
    if (failed(result))
      return failure();
    product = *result;
  } else {
    FailureOr<Value> w = g.input(node, 1);
    if (failed(w))
      return failure();
    if (shapeOf(*w).size() != 2 || elementOf(*w) != elementOf(lhs))
      return g.error(node, "B must be 2-D of A's element type");
    Value rhs = *transB ? transpose(*w) : *w;
    if (shapeOf(lhs)[1] != shapeOf(rhs)[0])
      return g.error(node, "shapes " + shapeString(shapeOf(lhs)) + " and " +
                               shapeString(shapeOf(rhs)) + " do not match in K");
    product = buildMatmul(b, loc, lhs, rhs);
  }
  SmallVector<int64_t> shape(shapeOf(product));
  SmallVector<Value> inputs = {product};
  if (g.hasInput(node, 2)) {
    FailureOr<Value> c = g.input(node, 2);
    if (failed(c))
      return failure();
    FailureOr<SmallVector<int64_t>> both = broadcastShapes(g, node, {shape, shapeOf(*c)});
    if (failed(both))
      return failure();
    if (ArrayRef<int64_t>(*both) != ArrayRef<int64_t>(shape) || elementOf(*c) != elementOf(lhs))
      return g.error(node, "C of shape " + shapeString(shapeOf(*c)) + " does not broadcast to " +
                               shapeString(shape));
    inputs.push_back(*c);
  }
  if (inputs.size() == 1 && *alpha == 1.0f)
    return g.defineOutput(node, 0, product);
  double alphaValue = *alpha, betaValue = *beta;
  Value result = elementwiseInF32(
      b, loc, inputs, shape, elementOf(lhs),
      [&](OpBuilder &nb, Location nl, ValueRange args) -> Value {
        Value y = arith::MulFOp::create(nb, nl, args[0], f32Constant(nb, nl, alphaValue));
        if (args.size() > 1)
          y = arith::AddFOp::create(
              nb, nl, y, arith::MulFOp::create(nb, nl, args[1], f32Constant(nb, nl, betaValue)));
        return y;
      });
  return g.defineOutput(node, 0, result);
}

} // namespace

ArrayRef<OpEntry> onnx_import::getFloatOpTable() {
  static const OpEntry table[] = {
      {"", "Add", 7, 23, importBinary<arith::AddFOp, arith::AddIOp>, /*integers=*/true},
      {"", "Sub", 7, 23, importBinary<arith::SubFOp, arith::SubIOp>, /*integers=*/true},
      {"", "Mul", 7, 23, importBinary<arith::MulFOp, arith::MulIOp>, /*integers=*/true},
      {"", "Div", 7, 23, importBinary<arith::DivFOp, arith::DivSIOp>, /*integers=*/true},
      {"", "Pow", 7, 23, importPow},
      {"", "Neg", 6, 23, importUnary<Unary::Neg>},
      {"", "Exp", 6, 23, importUnary<Unary::Exp>},
      {"", "Log", 6, 23, importUnary<Unary::Log>},
      {"", "Tanh", 6, 23, importUnary<Unary::Tanh>},
      {"", "Sqrt", 6, 23, importUnary<Unary::Sqrt>},
      {"", "Reciprocal", 6, 23, importUnary<Unary::Reciprocal>},
      {"", "Relu", 6, 23, importUnary<Unary::Relu>},
      {"", "Sigmoid", 6, 23, importUnary<Unary::Sigmoid>},
      {"", "Erf", 9, 23, importUnary<Unary::Erf>},
      {"", "Gelu", 20, 23, importGelu},
      {"", "Cast", 6, 23, importCast, /*integers=*/true},
      {"", "Identity", 1, 23, importIdentity, /*integers=*/true},
      {"", "ReduceSum", 1, 23, importReduce<Reduction::Sum>},
      {"", "ReduceMean", 1, 23, importReduce<Reduction::Mean>},
      {"", "ReduceMax", 1, 23, importReduce<Reduction::Max>},
      {"", "Softmax", 13, 23, importSoftmax},
      {"", "MatMul", 1, 23, importMatMul},
      {"", "Gemm", 7, 23, importGemm},
      {"", "LayerNormalization", 17, 23, importLayerNorm<true>},
      {"", "SimplifiedLayerNormalization", 1, 23, importLayerNorm<false>},
      {"com.microsoft", "SkipSimplifiedLayerNormalization", 1, 1, importSkipSimplifiedLayerNorm},
  };
  return table;
}
