//===- QuantLowering.cpp - quantize, dequantize, pack, unpack to linalg ----===//
#include "Codegen.h"
#include "Patterns.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;
using namespace lowbit;

QuantizedValue lowbit::makeQuantizedValue(Value originalTensor, Value codes, SchemeAttr scheme,
                                          Value originalScale, Value scale, Value originalZero,
                                          Value zero, Value tensorScale, Value codebook) {
  QuantizedValue value;
  value.codes = codes;
  value.format = elementTypeOf(originalTensor);
  value.scheme = scheme;
  value.scale = scale;
  value.zero = zero;
  value.tensorScale = tensorScale;
  value.codebook = codebook;
  if (originalScale)
    value.scaleFormat = elementTypeOf(originalScale);
  if (originalZero)
    value.zeroFormat = elementTypeOf(originalZero);
  return value;
}

namespace {

struct DequantizeLowering : OpConversionPattern<DequantizeOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(DequantizeOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    if (failed(requireStaticShapes(op, rewriter)))
      return failure();
    QuantizedValue value = makeQuantizedValue(
        op.getInput(), adaptor.getInput(), op.getScheme(), op.getScale(), adaptor.getScale(),
        op.getZero(), adaptor.getZero(), adaptor.getTensorScale(), adaptor.getCodebook());
    rewriter.replaceOp(op, buildDequantize(rewriter, op.getLoc(), value,
                                           elementTypeOf(op.getResult())));
    return success();
  }
};

/// Index of the codebook entry nearest to `t` (ties: lower index; NaN: 0), as an iN code.
/// Distances are taken in f64, where the difference of two f32 values is exact wherever a tie
/// is possible; t is first clamped to the table's range so that infinities pick the extremes.
static Value emitNearestEntry(OpBuilder &b, Location loc, Value codebook, Type format, Value t) {
  auto type = cast<RankedTensorType>(codebook.getType());
  int64_t entries = type.getDimSize(0);
  Type f64 = b.getF64Type();
  SmallVector<Value> values;
  for (int64_t j = 0; j < entries; ++j) {
    Value entry = tensor::ExtractOp::create(b, loc, codebook, ValueRange{indexConstant(b, loc, j)});
    values.push_back(emitDecode(b, loc, type.getElementType(), entry));
  }
  Value low = values.front(), high = values.front();
  for (Value value : ArrayRef<Value>(values).drop_front()) {
    low = arith::MinNumFOp::create(b, loc, low, value);
    high = arith::MaxNumFOp::create(b, loc, high, value);
  }
  Value isNaN = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::UNO, t, t);
  Value clamped = arith::MinNumFOp::create(b, loc, arith::MaxNumFOp::create(b, loc, t, low), high);
  Value wide = arith::ExtFOp::create(b, loc, f64, clamped);
  Value best = i32Constant(b, loc, 0);
  Value bestDistance;
  for (int64_t j = 0; j < entries; ++j) {
    Value entry = arith::ExtFOp::create(b, loc, f64, values[j]);
    Value distance = math::AbsFOp::create(b, loc, arith::SubFOp::create(b, loc, wide, entry));
    if (j == 0) {
      bestDistance = distance;
      continue;
    }
    Value closer = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OLT, distance, bestDistance);
    best = arith::SelectOp::create(b, loc, closer, i32Constant(b, loc, j), best);
    bestDistance = arith::SelectOp::create(b, loc, closer, distance, bestDistance);
  }
  best = arith::SelectOp::create(b, loc, isNaN, i32Constant(b, loc, 0), best);
  return arith::TruncIOp::create(b, loc, b.getIntegerType(getLowbitWidth(format)), best);
}

struct QuantizeLowering : OpConversionPattern<QuantizeOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(QuantizeOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    if (failed(requireStaticShapes(op, rewriter)))
      return failure();
    Location loc = op.getLoc();
    MLIRContext *context = op.getContext();
    SchemeAttr scheme = op.getScheme();
    auto inputType = cast<RankedTensorType>(op.getInput().getType());
    unsigned rank = inputType.getRank();
    Type format = elementTypeOf(op.getResult());
    Type inputFormat = inputType.getElementType();
    Type scaleFormat = elementTypeOf(op.getScale());
    Type zeroFormat = op.getZero() ? elementTypeOf(op.getZero()) : Type();

    AffineMap identity = rewriter.getMultiDimIdentityMap(rank);
    AffineMap scaleMap = getScaleMap(context, scheme, rank);
    SmallVector<Value> inputs = {adaptor.getInput(), adaptor.getScale()};
    SmallVector<AffineMap> maps = {identity, scaleMap};
    if (adaptor.getZero()) {
      inputs.push_back(adaptor.getZero());
      maps.push_back(scaleMap);
    }
    if (adaptor.getTensorScale()) {
      inputs.push_back(adaptor.getTensorScale());
      maps.push_back(AffineMap::get(rank, 0, {}, context));
    }
    QuantizedValue forCodebook = makeQuantizedValue(op.getResult(), Value(), scheme, op.getScale(),
                                                    Value(), Value(), Value(), Value(),
                                                    adaptor.getCodebook());
    Value codebook;
    if (scheme.hasCodebook())
      codebook = buildCodebookConstant(rewriter, loc, forCodebook);

    SmallVector<utils::IteratorType> iterators(rank, utils::IteratorType::parallel);
    Value result = buildGeneric(
        rewriter, loc, inputs, maps, inputType.getShape(), getCodeType(format), identity,
        iterators, Value(), [&](OpBuilder &b, Location nloc, ValueRange args) -> Value {
          unsigned next = 2;
          Value x = emitDecode(b, nloc, inputFormat, args[0]);
          Value s = emitDecode(b, nloc, scaleFormat, args[1]);
          Value zero = adaptor.getZero() ? emitDecode(b, nloc, zeroFormat, args[next++]) : Value();
          if (adaptor.getTensorScale())
            s = arith::MulFOp::create(b, nloc, s, args[next++]);
          Value t = arith::DivFOp::create(b, nloc, x, s);
          if (codebook)
            return emitNearestEntry(b, nloc, codebook, format, t);
          if (isa<IntegerType, TernaryType>(format)) {
            // Integer zero points shift the rounded value (exactly: adding it and rounding
            // again changes nothing); float ones are added before rounding.
            if (zero && scheme.getZeroPoint() == ZeroPoint::Int)
              t = math::RoundEvenOp::create(b, nloc, t);
            return emitQuantizeInteger(b, nloc, format, t, zero);
          }
          if (zero)
            t = arith::AddFOp::create(b, nloc, t, zero);
          return emitEncodeFloat(b, nloc, format, t);
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// unpack: element k of a row is bits [k*b, (k+1)*b) of the row's bytes, LSB first.
struct UnpackLowering : OpConversionPattern<UnpackOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(UnpackOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    if (failed(requireStaticShapes(op, rewriter)))
      return failure();
    Location loc = op.getLoc();
    auto resultType = cast<RankedTensorType>(op.getResult().getType());
    unsigned bits = getLowbitWidth(resultType.getElementType());
    Value bytes = adaptor.getInput();
    auto bytesType = cast<RankedTensorType>(bytes.getType());
    int64_t rowBytes = bytesType.getShape().back();
    unsigned rank = resultType.getRank();
    Type codeType = rewriter.getIntegerType(bits);
    // A rank-0 tensor is one element in one row.
    SmallVector<int64_t> shape(resultType.getShape());

    SmallVector<utils::IteratorType> iterators(rank, utils::IteratorType::parallel);
    Value result = buildGeneric(
        rewriter, loc, ValueRange{}, {}, shape, codeType, rewriter.getMultiDimIdentityMap(rank),
        iterators, Value(), [&](OpBuilder &b, Location nloc, ValueRange) -> Value {
          SmallVector<Value> indices;
          for (unsigned i = 0; i + 1 < rank; ++i)
            indices.push_back(linalg::IndexOp::create(b, nloc, i));
          Value k = rank ? Value(linalg::IndexOp::create(b, nloc, rank - 1)) : indexConstant(b, nloc, 0);
          Value bitOffset = arith::MulIOp::create(b, nloc, k, indexConstant(b, nloc, bits));
          Value byte = arith::DivUIOp::create(b, nloc, bitOffset, indexConstant(b, nloc, 8));
          Value shift = arith::RemUIOp::create(b, nloc, bitOffset, indexConstant(b, nloc, 8));
          auto load = [&](Value byteIndex) -> Value {
            SmallVector<Value> at(indices);
            at.push_back(byteIndex);
            Value v = tensor::ExtractOp::create(b, nloc, bytes, at);
            return arith::ExtUIOp::create(b, nloc, b.getI32Type(), v);
          };
          Value word = load(byte);
          if (8 % bits != 0) {
            // The element may straddle two bytes; the second exists whenever it is needed.
            Value next = arith::AddIOp::create(b, nloc, byte, indexConstant(b, nloc, 1));
            next = arith::MinUIOp::create(b, nloc, next, indexConstant(b, nloc, rowBytes - 1));
            Value high = arith::ShLIOp::create(b, nloc, load(next), i32Constant(b, nloc, 8));
            word = arith::OrIOp::create(b, nloc, word, high);
          }
          Value shift32 = arith::IndexCastUIOp::create(b, nloc, b.getI32Type(), shift);
          word = arith::ShRUIOp::create(b, nloc, word, shift32);
          return arith::TruncIOp::create(b, nloc, codeType, word);
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// pack: byte j of a row ORs the parts of every element whose bits overlap [8j, 8j + 8).
struct PackLowering : OpConversionPattern<PackOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(PackOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    if (failed(requireStaticShapes(op, rewriter)))
      return failure();
    Location loc = op.getLoc();
    auto inputType = cast<RankedTensorType>(op.getInput().getType());
    auto resultType = cast<RankedTensorType>(op.getResult().getType());
    unsigned bits = getLowbitWidth(inputType.getElementType());
    Value codes = adaptor.getInput();
    unsigned inputRank = inputType.getRank();
    int64_t rowLength = inputRank ? inputType.getShape().back() : 1;
    unsigned rank = resultType.getRank();
    // Elements that can touch one byte: the one it starts in and those after it.
    unsigned candidates = (8 + bits - 1) / bits + 1;

    SmallVector<utils::IteratorType> iterators(rank, utils::IteratorType::parallel);
    Value result = buildGeneric(
        rewriter, loc, ValueRange{}, {}, resultType.getShape(), rewriter.getI8Type(),
        rewriter.getMultiDimIdentityMap(rank), iterators, Value(),
        [&](OpBuilder &b, Location nloc, ValueRange) -> Value {
          // Leading indices are shared by the bytes and the codes (a rank-0 input has none).
          SmallVector<Value> indices;
          for (unsigned i = 0; inputRank && i + 1 < inputRank; ++i)
            indices.push_back(linalg::IndexOp::create(b, nloc, i));
          Value j = linalg::IndexOp::create(b, nloc, rank - 1);
          Value firstBit = arith::MulIOp::create(b, nloc, j, indexConstant(b, nloc, 8));
          Value first = arith::DivUIOp::create(b, nloc, firstBit, indexConstant(b, nloc, bits));
          Value firstBit32 = arith::IndexCastUIOp::create(b, nloc, b.getI32Type(), firstBit);
          Value acc = i32Constant(b, nloc, 0);
          for (unsigned t = 0; t < candidates; ++t) {
            Value k = arith::AddIOp::create(b, nloc, first, indexConstant(b, nloc, t));
            Value inRow = arith::CmpIOp::create(b, nloc, arith::CmpIPredicate::ult, k,
                                                indexConstant(b, nloc, rowLength));
            Value clamped = arith::MinUIOp::create(b, nloc, k, indexConstant(b, nloc, rowLength - 1));
            SmallVector<Value> at(indices);
            if (inputRank)
              at.push_back(clamped);
            Value code = tensor::ExtractOp::create(b, nloc, codes, at);
            code = arith::ExtUIOp::create(b, nloc, b.getI32Type(), code);
            // Position of the element relative to the byte: k*b - 8j (may be negative).
            Value k32 = arith::IndexCastUIOp::create(b, nloc, b.getI32Type(), k);
            Value position = arith::SubIOp::create(
                b, nloc, arith::MulIOp::create(b, nloc, k32, i32Constant(b, nloc, bits)), firstBit32);
            Value negative = arith::CmpIOp::create(b, nloc, arith::CmpIPredicate::slt, position,
                                                   i32Constant(b, nloc, 0));
            Value left = arith::ShLIOp::create(b, nloc, code,
                                               arith::MaxSIOp::create(b, nloc, position, i32Constant(b, nloc, 0)));
            Value right = arith::ShRUIOp::create(
                b, nloc, code, arith::SubIOp::create(b, nloc, i32Constant(b, nloc, 0), position));
            Value part = arith::SelectOp::create(b, nloc, negative, right, left);
            // Elements starting at or past the byte's end contribute nothing (shift >= 8 is
            // truncated away, but shifts >= 32 are poison: mask them out explicitly).
            Value inByte = arith::CmpIOp::create(b, nloc, arith::CmpIPredicate::slt, position,
                                                 i32Constant(b, nloc, 8));
            Value keep = arith::AndIOp::create(b, nloc, inRow, inByte);
            part = arith::SelectOp::create(b, nloc, keep, part, i32Constant(b, nloc, 0));
            acc = arith::OrIOp::create(b, nloc, acc, part);
          }
          return arith::TruncIOp::create(b, nloc, b.getI8Type(), acc);
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

} // namespace

void lowbit::populateQuantLoweringPatterns(const TypeConverter &converter,
                                           RewritePatternSet &patterns) {
  patterns.add<DequantizeLowering, QuantizeLowering, UnpackLowering, PackLowering>(
      converter, patterns.getContext());
}
