//===- Builders.cpp - Tensor builders of the lowbit-to-linalg lowering -----===//
#include "Codegen.h"
#include "Patterns.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;
using namespace lowbit;

LowbitCodeTypeConverter::LowbitCodeTypeConverter() {
  addConversion([](Type type) { return type; });
  addConversion([](RankedTensorType type) -> Type {
    return type.clone(getCodeType(type.getElementType()));
  });
  auto materialize = [](OpBuilder &builder, Type type, ValueRange inputs, Location loc) -> Value {
    return UnrealizedConversionCastOp::create(builder, loc, type, inputs).getResult(0);
  };
  addSourceMaterialization(materialize);
  addTargetMaterialization(materialize);
}

Type lowbit::elementTypeOf(Value value) {
  return cast<RankedTensorType>(value.getType()).getElementType();
}

Value lowbit::buildGeneric(OpBuilder &b, Location loc, ValueRange inputs,
                           ArrayRef<AffineMap> inputMaps, ArrayRef<int64_t> shape,
                           Type elementType, AffineMap outputMap,
                           ArrayRef<utils::IteratorType> iterators, Value init,
                           BodyBuilder body) {
  Value output = tensor::EmptyOp::create(b, loc, shape, elementType);
  if (init)
    output = linalg::FillOp::create(b, loc, init, output).getResult(0);
  SmallVector<AffineMap> maps(inputMaps);
  maps.push_back(outputMap);
  auto generic = linalg::GenericOp::create(
      b, loc, output.getType(), inputs, output, maps, iterators,
      [&](OpBuilder &nested, Location nestedLoc, ValueRange args) {
        Value result = body(nested, nestedLoc, args);
        linalg::YieldOp::create(nested, nestedLoc, result);
      });
  return generic.getResult(0);
}

Value lowbit::buildElementwise(OpBuilder &b, Location loc, ValueRange inputs, Type resultElement,
                               BodyBuilder body) {
  auto type = cast<RankedTensorType>(inputs.front().getType());
  unsigned rank = type.getRank();
  AffineMap identity = b.getMultiDimIdentityMap(rank);
  SmallVector<AffineMap> maps(inputs.size(), identity);
  SmallVector<utils::IteratorType> iterators(rank, utils::IteratorType::parallel);
  return buildGeneric(b, loc, inputs, maps, type.getShape(), resultElement, identity, iterators,
                      Value(), body);
}

AffineMap lowbit::getScaleMap(MLIRContext *context, SchemeAttr scheme, unsigned rank) {
  SmallVector<AffineExpr> results;
  switch (scheme.getGranularity()) {
  case Granularity::PerTensor:
    break;
  case Granularity::PerChannel:
    results.push_back(getAffineDimExpr(scheme.getAxis(), context));
    break;
  case Granularity::Group:
    for (unsigned i = 0; i < rank; ++i) {
      AffineExpr dim = getAffineDimExpr(i, context);
      results.push_back(i == scheme.getAxis() ? dim.floorDiv(scheme.getGroupSize()) : dim);
    }
    break;
  case Granularity::Block:
    for (unsigned i = 0; i < rank; ++i) {
      AffineExpr dim = getAffineDimExpr(i, context);
      if (i == rank - 2)
        dim = dim.floorDiv(scheme.getBlockRows());
      else if (i == rank - 1)
        dim = dim.floorDiv(scheme.getBlockCols());
      results.push_back(dim);
    }
    break;
  }
  return AffineMap::get(rank, 0, results, context);
}

Value lowbit::buildToF32(OpBuilder &b, Location loc, Value tensor) {
  Type element = elementTypeOf(tensor);
  if (element.isF32())
    return tensor;
  return buildElementwise(b, loc, tensor, b.getF32Type(),
                          [&](OpBuilder &nb, Location nloc, ValueRange args) {
                            return emitDecode(nb, nloc, element, args[0]);
                          });
}

/// The codebook as a tensor value: a constant for nf4 and inline tables, the operand otherwise.
Value lowbit::buildCodebookConstant(OpBuilder &b, Location loc, const QuantizedValue &value) {
  switch (value.scheme.getCodebook()) {
  case Codebook::None:
    return {};
  case Codebook::Operand:
    return value.codebook;
  case Codebook::NF4:
  case Codebook::Inline: {
    ArrayRef<float> entries = value.scheme.getCodebook() == Codebook::NF4
                                  ? getNF4Codebook()
                                  : value.scheme.getCodebookValues().asArrayRef();
    auto type = RankedTensorType::get({static_cast<int64_t>(entries.size())}, b.getF32Type());
    return arith::ConstantOp::create(b, loc, DenseElementsAttr::get(type, entries));
  }
  }
  llvm_unreachable("covered switch");
}

Value lowbit::buildDequantize(OpBuilder &b, Location loc, const QuantizedValue &value,
                              Type resultElement) {
  auto type = cast<RankedTensorType>(value.codes.getType());
  unsigned rank = type.getRank();
  MLIRContext *context = b.getContext();
  AffineMap identity = b.getMultiDimIdentityMap(rank);
  SmallVector<utils::IteratorType> iterators(rank, utils::IteratorType::parallel);
  Type format = value.format;

  if (!value.scheme) {
    return buildGeneric(b, loc, value.codes, identity, type.getShape(), resultElement, identity,
                        iterators, Value(), [&](OpBuilder &nb, Location nloc, ValueRange args) {
                          return emitFromF32(nb, nloc, emitDecode(nb, nloc, format, args[0]),
                                             resultElement);
                        });
  }

  SchemeAttr scheme = value.scheme;
  AffineMap scaleMap = getScaleMap(context, scheme, rank);
  SmallVector<Value> inputs = {value.codes, value.scale};
  SmallVector<AffineMap> maps = {identity, scaleMap};
  if (value.zero) {
    inputs.push_back(value.zero);
    maps.push_back(scaleMap);
  }
  if (value.tensorScale) {
    inputs.push_back(value.tensorScale);
    maps.push_back(AffineMap::get(rank, 0, {}, context));
  }
  Value codebook = buildCodebookConstant(b, loc, value);
  Type codebookElement = codebook ? elementTypeOf(codebook) : Type();

  return buildGeneric(
      b, loc, inputs, maps, type.getShape(), resultElement, identity, iterators, Value(),
      [&](OpBuilder &nb, Location nloc, ValueRange args) {
        unsigned next = 2;
        Value v;
        if (codebook) {
          Value index = arith::ExtUIOp::create(nb, nloc, nb.getI32Type(), args[0]);
          index = arith::IndexCastUIOp::create(nb, nloc, nb.getIndexType(), index);
          v = tensor::ExtractOp::create(nb, nloc, codebook, index);
          v = emitDecode(nb, nloc, codebookElement, v);
        } else {
          v = emitDecode(nb, nloc, format, args[0]);
        }
        if (value.zero)
          v = arith::SubFOp::create(nb, nloc, v, emitDecode(nb, nloc, value.zeroFormat, args[next++]));
        Value r = arith::MulFOp::create(nb, nloc, v, emitDecode(nb, nloc, value.scaleFormat, args[1]));
        if (value.tensorScale)
          r = arith::MulFOp::create(nb, nloc, r, args[next++]);
        return emitFromF32(nb, nloc, r, resultElement);
      });
}

Value lowbit::buildAsF32(OpBuilder &b, Location loc, const QuantizedValue &value) {
  if (!value.scheme && isRealElementType(value.format))
    return buildToF32(b, loc, value.codes);
  return buildDequantize(b, loc, value, b.getF32Type());
}

LogicalResult lowbit::requireStaticShapes(Operation *op, ConversionPatternRewriter &rewriter) {
  auto isDynamic = [](Type type) {
    auto shaped = dyn_cast<ShapedType>(type);
    return shaped && !shaped.hasStaticShape();
  };
  // The pass rejects dynamic shapes with a diagnostic before converting; this is a safety net.
  if (llvm::any_of(op->getOperandTypes(), isDynamic) ||
      llvm::any_of(op->getResultTypes(), isDynamic))
    return rewriter.notifyMatchFailure(op, "dynamic extents");
  return success();
}
