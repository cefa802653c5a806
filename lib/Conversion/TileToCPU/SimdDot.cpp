//===- SimdDot.cpp - SIMD lowering: tile.dot ----------------------------------===//
//
// result[m, n] = c[m, n] + sum_k a[m, k] * b[k, n], per local of the result: lane w of result
// local l holds (m, n) = C(w, l), and for every k the lowering finds, at compile time, the
// local of `a` holding a[m, k] and the local of `b` holding b[k, n] in lane w itself (the same
// local in every lane; explainNotSimdLowerable rejects dots that would need other lanes).
//
// Float operands: one FMA per (result local, k), on f32 lane vectors (f16, bf16 and low-bit
// operands converted first), spread over several accumulators per result local so that the
// FMA latency is covered (the order of the sum is unspecified). Unsigned 1-, 2- and 4-bit codes
// cast to f32 for a decode step are converted where they lie in their words, without most of
// the shifts, and their accumulators scaled back (lowerLanes).
//
// Integer operands of at most 8 bits: bytes, 4 per lane (the Bytes form). Every byte-vector
// of `b` is paired with the byte-vector of `a` holding the matching elements (found by the
// same search; built with a byte shuffle when no vector of `a` has them in that order), and
// the pairs are summed with the target's int8 dot:
//   vpdpbusd (AVX512-VNNI, AVX-VNNI)  u8 x s8, 4 products per lane into i32;
//   vpmaddubsw (AVX2, AVX-512BW)      u8 x s8 pairs into i16, chained in i16 as long as the
//                                     operands' value ranges prove the sum cannot overflow,
//                                     then vpmaddwd by 1 into i32;
//   vpmaddwd on 16-bit halves         when even one u8 x s8 pair could saturate an i16;
//   plain arithmetic                  on other targets.
// One operand must be unsigned (u8) and the other signed (s8). Codes are mapped onto those
// ranges when needed: a signed b-bit code c becomes c ^ 2^(b-1) = value + 2^(b-1) (u8),
// ternary codes 1 + value (u8), ui8 codes c ^ 0x80 = value - 128 (s8); the offset is removed
// with the other operand's sum over the same elements (sum x*y = sum (x+o)*y - o * sum y).
//
// The i16 chain bound. vpmaddubsw adds two products u*s into one i16 with saturation, and the
// chain adds those i16 sums with wrap-around; every partial sum must stay in [-32768, 32767].
// With |u| <= U and |s| <= S, a pair is at most 2*U*S in magnitude, so floor(32767 / (2*U*S))
// pairs may be chained. For u8 x s8 activations (S = 128): 42 for 2-bit weights (U = 3), 18 for
// 3-bit, 8 for 4-bit, 4 for 5-bit, 2 for 6-bit, 1 for 7-bit; 8-bit unsigned weights (U = 255)
// exceed the bound in one pair and take the vpmaddwd path. (test/Conversion has the extreme
// values: all weights at their maximum code, all activations -128.)
//
//===----------------------------------------------------------------------===//
#include "Common/FormatCodegen.h"
#include "SimdKernel.h"
#include "lowbit/LowbitDialect.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

#include <cmath>
#include <limits>

using namespace mlir;
using namespace lowbit;
using namespace lowbit::tile;

namespace {

/// Inclusive value range of an integer-like element type of at most 8 bits.
struct IntRange {
  int64_t low, high;
  int64_t magnitude() const { return std::max(std::abs(low), std::abs(high)); }
};

std::optional<IntRange> rangeOfElement(Type element) {
  if (isa<TernaryType>(element))
    return IntRange{-1, 1};
  auto intType = dyn_cast<IntegerType>(element);
  if (!intType || intType.getWidth() > 8)
    return std::nullopt;
  unsigned bits = intType.getWidth();
  if (intType.isUnsigned() || bits == 1)
    return IntRange{0, (int64_t(1) << bits) - 1};
  return IntRange{-(int64_t(1) << (bits - 1)), (int64_t(1) << (bits - 1)) - 1};
}

/// How one operand's raw byte codes become the bytes an instruction reads.
enum class ByteTransform {
  None,        // the codes as they are
  FlipSign,    // c ^ 2^(bits-1): signed -> value + 2^(bits-1) (u8); ui8 -> value - 128 (s8)
  SignExtend,  // signed sub-byte codes -> their s8 values
  TernaryU,    // ternary -> 1 + value (u8)
  TernaryS,    // ternary -> value (s8)
};

struct ByteOperand {
  ByteTransform transform = ByteTransform::None;
  /// value = transformed byte - offset.
  int64_t offset = 0;
  IntRange range{0, 0}; // of the transformed bytes
};

/// The operand as the unsigned (u8) side, if it can be.
std::optional<ByteOperand> asUnsigned(Type element, IntRange range) {
  unsigned bits = isa<TernaryType>(element) ? 2 : element.getIntOrFloatBitWidth();
  if (range.low >= 0 && range.high <= 255)
    return ByteOperand{ByteTransform::None, 0, range};
  if (isa<TernaryType>(element))
    return ByteOperand{ByteTransform::TernaryU, 1, IntRange{0, 2}};
  int64_t half = int64_t(1) << (bits - 1);
  return ByteOperand{ByteTransform::FlipSign, half, IntRange{0, 2 * half - 1}};
}

/// The operand as the signed (s8) side, if it can be.
std::optional<ByteOperand> asSigned(Type element, IntRange range) {
  unsigned bits = isa<TernaryType>(element) ? 2 : element.getIntOrFloatBitWidth();
  if (isa<TernaryType>(element))
    return ByteOperand{ByteTransform::TernaryS, 0, range};
  if (range.low >= 0 && range.high <= 127)
    return ByteOperand{ByteTransform::None, 0, range};
  if (range.low < 0)
    return ByteOperand{bits == 8 ? ByteTransform::None : ByteTransform::SignExtend, 0, range};
  // ui8: c ^ 0x80 is value - 128.
  return ByteOperand{ByteTransform::FlipSign, -128, IntRange{-128, 127}};
}

/// Applies a byte transform to a Bytes vector (4 codes per lane, zero-extended).
Value applyTransform(OpBuilder &b, Location loc, ByteTransform transform, unsigned bits,
                     Value bytes, int64_t lanes) {
  auto repeat = [](int64_t byte) { return byte * 0x01010101; };
  auto i8Type = VectorType::get({lanes * 4}, b.getI8Type());
  auto wordType = cast<VectorType>(bytes.getType());
  switch (transform) {
  case ByteTransform::None:
    return bytes;
  case ByteTransform::FlipSign:
    return arith::XOrIOp::create(b, loc, bytes,
                                 splatI32(b, loc, lanes, repeat(int64_t(1) << (bits - 1))));
  case ByteTransform::SignExtend: {
    // (c ^ half) - half, byte by byte.
    int64_t half = int64_t(1) << (bits - 1);
    Value flipped = arith::XOrIOp::create(b, loc, bytes, splatI32(b, loc, lanes, repeat(half)));
    Value asBytes = vector::BitCastOp::create(b, loc, i8Type, flipped);
    Value halves = arith::ConstantOp::create(
        b, loc, DenseElementsAttr::get(i8Type, b.getI8IntegerAttr(static_cast<int8_t>(half))));
    return vector::BitCastOp::create(b, loc, wordType,
                                     arith::SubIOp::create(b, loc, asBytes, halves));
  }
  case ByteTransform::TernaryU:
  case ByteTransform::TernaryS: {
    // 0b00 -> 0, 0b01 -> 1, 0b11 -> -1, 0b10 -> 0: value = low - 2 * (low & high).
    Value low = arith::AndIOp::create(b, loc, bytes, splatI32(b, loc, lanes, repeat(1)));
    Value high = arith::ShRUIOp::create(b, loc, bytes, splatI32(b, loc, lanes, 1));
    Value both = arith::AndIOp::create(b, loc, low, high);
    Value twice = arith::AddIOp::create(b, loc, both, both);
    // 1 + low - 2 * both stays in 0..2 in every byte: no borrows between bytes.
    Value u = arith::SubIOp::create(
        b, loc, arith::AddIOp::create(b, loc, low, splatI32(b, loc, lanes, repeat(1))), twice);
    if (transform == ByteTransform::TernaryU)
      return u;
    Value asBytes = vector::BitCastOp::create(b, loc, i8Type, u);
    Value ones =
        arith::ConstantOp::create(b, loc, DenseElementsAttr::get(i8Type, b.getI8IntegerAttr(1)));
    return vector::BitCastOp::create(b, loc, wordType,
                                     arith::SubIOp::create(b, loc, asBytes, ones));
  }
  }
  llvm_unreachable("unknown transform");
}

/// The products of one result local: pairs of byte vectors (u side, s side) and the bytes of
/// each that count (a byte mask, -1 when all do).
struct BytePair {
  Value u, s;
  int64_t mask;
};

class DotLowering {
public:
  DotLowering(SimdKernel &kernel, DotOp op)
      : kernel(kernel), op(op), b(op), loc(op.getLoc()), lanes(kernel.getNumWorkers()),
        a(getRegisterLayout(op.getA())), bl(getRegisterLayout(op.getB())),
        c(getRegisterLayout(op.getC())) {}

  void run() {
    ArrayRef<Value> accs = kernel.get(b, op.getC(), SimdForm::Lanes).vectors;
    SmallVector<Value> acc(accs.begin(), accs.end());
    SimdReg result;
    if (isa<mlir::FloatType>(op.getC().getType().getElementType()) || !lowerBytes(acc, result))
      result.vectors = lowerLanes(acc);
    result.form = SimdForm::Lanes;
    kernel.define(op.getResult(), std::move(result));
    kernel.scheduleErase(op);
  }

private:
  /// The local of `layout` holding index(w) in every lane w (checked up front).
  int64_t holder(const layout::RegisterLayout &layout,
                 function_ref<SmallVector<int64_t, 4>(int64_t)> index) {
    return findUniformLocal(layout, lanes, index);
  }

  int64_t k() { return op.getA().getType().getShape()[1]; }

  /// Number of accumulators per result local that keeps enough independent chains in flight.
  int64_t chainsPerLocal(int64_t resultLocals, int64_t steps) {
    int64_t wanted = (8 + resultLocals - 1) / resultLocals;
    return std::max<int64_t>(1, std::min({wanted, steps, int64_t(4)}));
  }

  /// How the dot reads the codes that `b` is cast to f32 from straight out of their words
  /// (see lowerLanes), when it may.
  struct FieldRead {
    /// Bits per code; 0: the codes are not read from their words.
    int64_t bits = 0;
    /// Unsigned integer codes: read as masked fields, an accumulator per field class.
    bool masked = false;
    /// Float codes: the format, decoded from the top of the shifted word.
    Type format;
    /// 4-bit float codes on AVX2: their values times 2^tableShift, integers of at most 8 bits
    /// (looked up with vpshufb; empty: no table).
    SmallVector<int8_t> table;
    int tableShift = 0;
  };

  /// The values of a 4-bit float format times the smallest power of two that makes them all
  /// integers in [-128, 127] (f4E2M1FN: twice its values, up to 12), and that power, where
  /// this target looks them up 32 at a time (vpshufb on AVX2 with 8 lanes).
  std::optional<std::pair<SmallVector<int8_t>, int>> integerTable(Type codes) {
    const CpuTarget &target = kernel.getTarget();
    auto floatType = dyn_cast<mlir::FloatType>(codes);
    if (!floatType || floatType.getWidth() != 4 || !target.x86 || !target.avx2 || lanes != 8)
      return std::nullopt;
    SmallVector<double> values = getCodeValues(codes);
    if (!llvm::all_of(values, [](double value) { return std::isfinite(value); }))
      return std::nullopt;
    for (int shift = 0; shift < 8; ++shift) {
      SmallVector<int8_t> table;
      for (double value : values) {
        double scaled = std::ldexp(value, shift);
        if (scaled != std::floor(scaled) || scaled < -128 || scaled > 127)
          break;
        table.push_back(static_cast<int8_t>(scaled));
      }
      if (table.size() == values.size())
        return std::make_pair(std::move(table), shift);
    }
    return std::nullopt;
  }

  FieldRead fieldRead() {
    auto cast = op.getB().getDefiningOp<CastOp>();
    if (!cast || !op.getC().getType().getElementType().isF32() ||
        !cast.getResult().getType().getElementType().isF32())
      return {};
    Type codes = cast.getInput().getType().getElementType();
    int64_t bits = getElementBitWidth(codes);
    if (32 % bits != 0)
      return {};
    FieldRead read;
    read.bits = bits;
    if (hasFloatFieldDecode(codes)) {
      if (castsByPermute(kernel, codes, cast.getResult().getType().getElementType()))
        return {};
      read.format = codes;
      if (auto table = integerTable(codes))
        std::tie(read.table, read.tableShift) = std::move(*table);
      return read;
    }
    auto intType = dyn_cast<IntegerType>(codes);
    // Four accumulators per result local: at most two locals keep them all in registers.
    if (!intType || !intType.isUnsigned() || bits > 4 || c.getLocalSize() > 2)
      return {};
    read.masked = true;
    return read;
  }

  /// Float and generic integer dots: one multiply-add per (result local, k).
  ///
  /// Unsigned codes of 1, 2 or 4 bits cast to f32 for this dot (a decode step: at most two
  /// result locals) skip most of the shifts that unpack them. A code at bit offset o of its
  /// 32-bit word is read as (word >> (o % 8)) & (mask << e) with e = o - o % 8 in {0, 8, 16,
  /// 24}: the exact integer code * 2^e, converted exactly (at most 28 significant bits, sign bit
  /// clear). The products of each e go to an accumulator of their own, scaled by 2^-e when the
  /// four are added: per 8 codes of a 4-bit word one shift instead of seven. The scaled
  /// products are exact; the sums round as any other order of the sum would, and they stay
  /// finite while |a * code| < 2^103.
  ///
  /// Float codes of 4 or 8 bits cast to f32 are read the same way: the word shifted left so
  /// that the code's sign bit is bit 31, then the field decode (emitFloatFieldDecode), without
  /// first unpacking every code into a lane of its own. 4-bit floats whose values are small
  /// integers times 2^-s (f4E2M1FN: halves up to 6) skip the decode on AVX2: one vpshufb per
  /// 32 codes (in bytes) gives their values times 2^s as signed bytes; a byte shifted to the
  /// top of its lane and masked is that integer times 2^24, converted exactly, and the dot's
  /// sum is scaled by 2^-(24+s) once (exact products; 2 operations per 8 codes before the
  /// conversion instead of 4).
  ///
  /// 8-bit FN float codes (f8E4M3FN) have one special code, NaN (every magnitude bit set),
  /// which real weights hardly ever hold; selecting it after every decode costs three more
  /// operations per vector of codes. So the decode leaves NaN out, and the dot marks instead
  /// every result whose column holds a NaN code in this step: per word vector of codes an OR
  /// that sets the sign bits and an unsigned byte maximum, per result local one compare and
  /// select. A NaN weight makes the exact sum NaN whatever else it holds: the same result.
  SmallVector<Value> lowerLanes(ArrayRef<Value> acc) {
    FieldRead read = fieldRead();
    bool markNaN = read.format && hasOnlyAllOnesNaN8(read.format);
    SmallVector<Value> results = lowerLanes(acc, read, /*specials=*/!markNaN);
    if (!markNaN)
      return results;
    // For every result local, its codes' word vectors and the bytes of each that hold them
    // (one code per byte).
    int64_t numLocals = c.getLocalSize();
    SmallVector<SmallVector<std::pair<int64_t, uint32_t>>> owned(numLocals);
    for (int64_t lc = 0; lc < numLocals; ++lc) {
      for (int64_t kk = 0; kk < k(); ++kk) {
        int64_t lb = holder(bl, [&](int64_t w) {
          return SmallVector<int64_t, 4>{kk, c.getLogicalIndex(w, lc)[1]};
        });
        uint32_t byte = uint32_t(0xFF) << (8 * (lb % 4));
        auto it = llvm::find_if(owned[lc], [&](auto &entry) { return entry.first == lb / 4; });
        if (it == owned[lc].end())
          owned[lc].push_back({lb / 4, byte});
        else
          it->second |= byte;
      }
    }
    auto bytesType = VectorType::get({lanes * 4}, b.getI8Type());
    auto asBytes = [&](Value x) { return vector::BitCastOp::create(b, loc, bytesType, x); };
    ArrayRef<Value> words = kernel.get(b, codesOfCast(), SimdForm::Words).vectors;
    DenseMap<int64_t, Value> withSigns;
    Value allOnes = arith::ConstantOp::create(
        b, loc, DenseElementsAttr::get(bytesType, b.getI8IntegerAttr(-1)));
    Value nan = arith::ConstantOp::create(
        b, loc,
        DenseElementsAttr::get(kernel.laneVectorType(b.getF32Type()),
                               b.getF32FloatAttr(std::numeric_limits<float>::quiet_NaN())));
    for (int64_t lc = 0; lc < numLocals; ++lc) {
      Value largest;
      for (auto [word, mask] : owned[lc]) {
        Value &withSign = withSigns[word];
        if (!withSign)
          withSign = arith::OrIOp::create(b, loc, words[word],
                                          splatI32(b, loc, lanes, int64_t(0x80808080)));
        Value x = withSign;
        if (mask != 0xFFFFFFFFu)
          x = arith::AndIOp::create(b, loc, x, splatI32(b, loc, lanes, int64_t(mask)));
        largest = largest ? arith::MaxUIOp::create(b, loc, largest, asBytes(x)).getResult()
                          : asBytes(x);
      }
      // A lane whose largest byte is 0xFF holds a NaN code of this column.
      Value isNaN = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, largest, allOnes);
      Value laneMask = vector::BitCastOp::create(
          b, loc, kernel.wordVectorType(), arith::ExtSIOp::create(b, loc, bytesType, isNaN));
      Value anyNaN = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ne, laneMask,
                                           splatI32(b, loc, lanes, 0));
      results[lc] = arith::SelectOp::create(b, loc, anyNaN, nan, results[lc]);
    }
    return results;
  }

  /// The codes `b` is cast from.
  Value codesOfCast() { return op.getB().getDefiningOp<CastOp>().getInput(); }

  /// The dot of lowerLanes with its field read decided; `specials`: whether float fields
  /// select their infinities and NaNs.
  SmallVector<Value> lowerLanes(ArrayRef<Value> acc, const FieldRead &read, bool specials) {
    Type aElement = op.getA().getType().getElementType();
    Type bElement = op.getB().getType().getElementType();
    bool isFloat = isa<mlir::FloatType>(op.getC().getType().getElementType());
    ArrayRef<Value> aLanesRef = kernel.get(b, op.getA(), SimdForm::Lanes).vectors;
    SmallVector<Value> aLanes(aLanesRef.begin(), aLanesRef.end());
    ArrayRef<Value> bLanesRef = kernel.get(b, op.getB(), SimdForm::Lanes).vectors;
    SmallVector<Value> bLanes(bLanesRef.begin(), bLanesRef.end());
    // Product factors (f32 or i32), converted once per local that is used.
    DenseMap<int64_t, Value> aFactors, bFactors;
    auto factor = [&](DenseMap<int64_t, Value> &cache, ArrayRef<Value> lanesOf, Type element,
                      int64_t local) {
      auto [it, inserted] = cache.try_emplace(local, Value());
      if (inserted)
        it->second = emitVectorized(b, loc, lanesOf[local], [&](OpBuilder &s, ValueRange x) {
          return emitDotOperand(s, loc, element, x[0]);
        });
      return it->second;
    };
    int64_t steps = k();
    int64_t chains = chainsPerLocal(c.getLocalSize(), steps);
    int64_t fieldBits = read.bits;
    // Fields: the words of the codes, the accumulator of b local `lb` (masked: its e / 8), and
    // its factor.
    SmallVector<Value> words;
    if (fieldBits != 0) {
      ArrayRef<Value> held = kernel.get(b, codesOfCast(), SimdForm::Words).vectors;
      words.assign(held.begin(), held.end());
    }
    auto fieldClass = [&](int64_t lb) { return (lb * fieldBits % 32) / 8; };
    DenseMap<std::pair<int64_t, int64_t>, Value> shiftedWords;
    // Table fields: the codes in bytes and, per byte vector, their looked-up integers.
    bool tabled = !read.table.empty();
    SimdReg codeBytes;
    SmallVector<Value> lookedUp;
    Value byteTable;
    if (tabled) {
      codeBytes = kernel.get(b, codesOfCast(), SimdForm::Bytes);
      lookedUp.resize(codeBytes.vectors.size());
      SmallVector<int8_t> repeated;
      for (int64_t i = 0; i < lanes * 4; ++i)
        repeated.push_back(read.table[i % 16]);
      byteTable = arith::ConstantOp::create(
          b, loc,
          DenseElementsAttr::get(VectorType::get({lanes * 4}, b.getI8Type()),
                                 ArrayRef<int8_t>(repeated)));
    }
    auto tableField = [&](int64_t lb) {
      int64_t position = llvm::find(codeBytes.byteLocals, lb) - codeBytes.byteLocals.begin();
      int64_t u = position / 4, i = position % 4;
      Value &looked = lookedUp[u];
      if (!looked) {
        auto bytesType = VectorType::get({lanes * 4}, b.getI8Type());
        Value index = vector::BitCastOp::create(b, loc, bytesType, codeBytes.vectors[u]);
        Value values = LLVM::CallIntrinsicOp::create(b, loc, bytesType,
                                                     b.getStringAttr("llvm.x86.avx2.pshuf.b"),
                                                     ValueRange{byteTable, index})
                           .getResult(0);
        looked = vector::BitCastOp::create(b, loc, kernel.wordVectorType(), values);
      }
      Value top = i == 3 ? looked
                         : arith::ShLIOp::create(b, loc, looked,
                                                 splatI32(b, loc, lanes, 24 - 8 * i))
                               .getResult();
      top = arith::AndIOp::create(b, loc, top, splatI32(b, loc, lanes, int64_t(0xFF000000)));
      return arith::SIToFPOp::create(b, loc, kernel.laneVectorType(b.getF32Type()), top)
          .getResult();
    };
    auto maskedField = [&](int64_t lb) {
      auto [it, inserted] = bFactors.try_emplace(lb, Value());
      if (!inserted)
        return it->second;
      if (tabled) {
        it->second = tableField(lb);
        return it->second;
      }
      int64_t offset = lb * fieldBits % 32, word = lb * fieldBits / 32, shift = offset % 8;
      if (!read.masked) {
        int64_t up = 32 - fieldBits - offset;
        Value top = up == 0 ? words[word]
                            : arith::ShLIOp::create(b, loc, words[word],
                                                    splatI32(b, loc, lanes, up))
                                  .getResult();
        it->second = emitVectorized(b, loc, top, [&](OpBuilder &s, ValueRange x) {
          return emitFloatFieldDecode(s, loc, read.format, x[0], specials);
        });
        return it->second;
      }
      Value &shifted = shiftedWords[{word, shift}];
      if (!shifted)
        shifted = shift == 0 ? words[word]
                             : arith::ShRUIOp::create(b, loc, words[word],
                                                      splatI32(b, loc, lanes, shift))
                                   .getResult();
      int64_t mask = ((int64_t(1) << fieldBits) - 1) << (offset - shift);
      Value field = arith::AndIOp::create(b, loc, shifted, splatI32(b, loc, lanes, mask));
      it->second = arith::SIToFPOp::create(b, loc, kernel.laneVectorType(b.getF32Type()), field);
      return it->second;
    };
    if (read.masked)
      chains = 4;
    // k-major across the result locals: an operand shared by several locals (a broadcast
    // activation) dies right after its last use.
    int64_t numLocals = c.getLocalSize();
    SmallVector<SmallVector<Value>> partial(numLocals, SmallVector<Value>(chains));
    // Table fields sum integers times 2^(24+s), added to the accumulator at the end.
    if (!tabled)
      for (int64_t lc = 0; lc < numLocals; ++lc)
        partial[lc][0] = acc[lc];
    for (int64_t kk = 0; kk < steps; ++kk) {
      for (int64_t lc = 0; lc < numLocals; ++lc) {
        int64_t la = holder(a, [&](int64_t w) {
          return SmallVector<int64_t, 4>{c.getLogicalIndex(w, lc)[0], kk};
        });
        int64_t lb = holder(bl, [&](int64_t w) {
          return SmallVector<int64_t, 4>{kk, c.getLogicalIndex(w, lc)[1]};
        });
        Value x = factor(aFactors, aLanes, aElement, la);
        Value y = fieldBits != 0 ? maskedField(lb) : factor(bFactors, bLanes, bElement, lb);
        Value &chain = partial[lc][read.masked ? fieldClass(lb) : kk % chains];
        if (isFloat) {
          chain = chain ? math::FmaOp::create(b, loc, x, y, chain).getResult()
                        : arith::MulFOp::create(b, loc, x, y).getResult();
        } else {
          Value product = arith::MulIOp::create(b, loc, x, y);
          chain = chain ? arith::AddIOp::create(b, loc, chain, product).getResult() : product;
        }
      }
    }
    SmallVector<Value> results;
    for (int64_t lc = 0; lc < numLocals; ++lc) {
      Value sum;
      for (auto [index, chain] : llvm::enumerate(partial[lc])) {
        if (!chain)
          continue;
        if (read.masked && index != 0) {
          // The accumulator of e = 8 * index: scaled back by 2^-e (exact).
          Value scale = arith::ConstantOp::create(
              b, loc,
              DenseElementsAttr::get(cast<VectorType>(chain.getType()),
                                     b.getF32FloatAttr(std::ldexp(1.0f, -8 * int(index)))));
          sum = sum ? math::FmaOp::create(b, loc, chain, scale, sum).getResult()
                    : arith::MulFOp::create(b, loc, chain, scale).getResult();
          continue;
        }
        sum = !sum      ? chain
              : isFloat ? arith::AddFOp::create(b, loc, sum, chain).getResult()
                        : arith::AddIOp::create(b, loc, sum, chain).getResult();
      }
      if (tabled) {
        Value scale = arith::ConstantOp::create(
            b, loc,
            DenseElementsAttr::get(cast<VectorType>(sum.getType()),
                                   b.getF32FloatAttr(std::ldexp(1.0f, -24 - read.tableShift))));
        sum = math::FmaOp::create(b, loc, sum, scale, acc[lc]);
      }
      results.push_back(sum);
    }
    return results;
  }

  /// The byte vector of `from` (Bytes form) with the given locals in bytes 0..3 (-1: any),
  /// shuffled together when no vector holds them in that order.
  Value bytesOf(const SimdReg &from, ArrayRef<int64_t> locals) {
    for (size_t u = 0; u < from.vectors.size(); ++u) {
      bool matches = true;
      for (int64_t i = 0; i < 4; ++i)
        if (locals[i] >= 0 && from.byteLocals[4 * u + i] != locals[i])
          matches = false;
      if (matches)
        return from.vectors[u];
    }
    auto i8Type = VectorType::get({lanes * 4}, b.getI8Type());
    Value result = arith::ConstantOp::create(b, loc, b.getZeroAttr(i8Type));
    for (int64_t i = 0; i < 4; ++i) {
      if (locals[i] < 0)
        continue;
      int64_t position = llvm::find(from.byteLocals, locals[i]) - from.byteLocals.begin();
      Value source = vector::BitCastOp::create(b, loc, i8Type, from.vectors[position / 4]);
      SmallVector<int64_t> mask;
      for (int64_t e = 0; e < lanes * 4; ++e)
        mask.push_back(e % 4 == i ? lanes * 4 + (e - i) + position % 4 : e);
      result = vector::ShuffleOp::create(b, loc, result, source, mask);
    }
    return vector::BitCastOp::create(b, loc, kernel.wordVectorType(), result);
  }

  /// The integer dot on bytes; false when the operands do not allow it (then lowerLanes).
  bool lowerBytes(ArrayRef<Value> acc, SimdReg &result) {
    Type aElement = op.getA().getType().getElementType();
    Type bElement = op.getB().getType().getElementType();
    std::optional<IntRange> aRange = rangeOfElement(aElement), bRange = rangeOfElement(bElement);
    Int8DotKind kind = getInt8DotKind(kernel.getTarget(), lanes);
    if (!aRange || !bRange || kind == Int8DotKind::Generic)
      return false;
    // Roles: b on the unsigned side if it can be, a on the signed side; else swapped. At most
    // one operand may need an offset.
    struct Roles {
      bool bIsU;
      ByteOperand u, s;
    };
    SmallVector<Roles> options;
    for (bool bIsU : {true, false}) {
      Type uElement = bIsU ? bElement : aElement, sElement = bIsU ? aElement : bElement;
      IntRange uRange = bIsU ? *bRange : *aRange, sRange = bIsU ? *aRange : *bRange;
      std::optional<ByteOperand> u = asUnsigned(uElement, uRange), s = asSigned(sElement, sRange);
      if (u && s && (u->offset == 0 || s->offset == 0))
        options.push_back({bIsU, *u, *s});
    }
    if (options.empty())
      return false;
    // Prefer roles that need no offset.
    Roles roles = options.front();
    for (const Roles &option : options)
      if (option.u.offset == 0 && option.s.offset == 0) {
        roles = option;
        break;
      }
    int64_t pairBound = 2 * roles.u.range.magnitude() * roles.s.range.magnitude();
    int64_t chainLimit = pairBound == 0 ? 1024 : 32767 / pairBound;

    SimdReg aBytes = kernel.get(b, op.getA(), SimdForm::Bytes);
    SimdReg bBytes = kernel.get(b, op.getB(), SimdForm::Bytes);

    // Plan first (nothing emitted): for every result local, the byte vectors of b that hold
    // its products, the locals of a to pair them with, and the bytes that count.
    struct PlannedPair {
      size_t bVector;
      SmallVector<int64_t> aLocals;
      int64_t mask;
    };
    SmallVector<SmallVector<PlannedPair>> plan(c.getLocalSize());
    for (int64_t lc = 0; lc < c.getLocalSize(); ++lc) {
      for (size_t u = 0; u < bBytes.vectors.size(); ++u) {
        PlannedPair pair{u, SmallVector<int64_t>(4, -1), 0};
        for (int64_t i = 0; i < 4; ++i) {
          int64_t local = bBytes.byteLocals[4 * u + i];
          if (local < 0)
            continue;
          // The byte counts for this result local when its column is the lane's result
          // column, in every lane; in some lanes only, the bytes cannot be paired.
          int64_t matching = 0;
          for (int64_t w = 0; w < lanes; ++w)
            matching += bl.getLogicalIndex(w, local)[1] == c.getLogicalIndex(w, lc)[1];
          if (matching == 0)
            continue;
          if (matching != lanes)
            return false;
          int64_t la = holder(a, [&](int64_t w) {
            return SmallVector<int64_t, 4>{c.getLogicalIndex(w, lc)[0],
                                           bl.getLogicalIndex(w, local)[0]};
          });
          if (la < 0)
            return false;
          pair.aLocals[i] = la;
          pair.mask |= int64_t(0xFF) << (8 * i);
        }
        if (pair.mask != 0)
          plan[lc].push_back(std::move(pair));
      }
    }

    unsigned aBits = getElementBitWidth(aElement), bBits = getElementBitWidth(bElement);
    auto transformAll = [&](SimdReg &bytes, const ByteOperand &operand, unsigned bits) {
      for (Value &vector : bytes.vectors)
        vector = applyTransform(b, loc, operand.transform, bits, vector, lanes);
    };
    transformAll(bBytes, roles.bIsU ? roles.u : roles.s, bBits);
    transformAll(aBytes, roles.bIsU ? roles.s : roles.u, aBits);

    // The pairs are materialized as they are consumed, k-major across the result locals: an
    // operand vector shared by several locals (a broadcast activation word) dies right after
    // its last use, and only one partial sum per local stays live.
    int64_t numLocals = c.getLocalSize();
    auto pairAt = [&](int64_t lc, int64_t i) {
      const PlannedPair &planned = plan[lc][i];
      Value bVector = bBytes.vectors[planned.bVector];
      if (planned.mask != 0xFFFFFFFF)
        bVector = arith::AndIOp::create(b, loc, bVector, splatI32(b, loc, lanes, planned.mask));
      Value aVector = bytesOf(aBytes, planned.aLocals);
      return roles.bIsU ? BytePair{bVector, aVector, planned.mask}
                        : BytePair{aVector, bVector, planned.mask};
    };
    auto count = [&](int64_t lc) { return int64_t(plan[lc].size()); };
    result.vectors = emitPairs(kind, numLocals, count, pairAt, chainLimit, acc);
    // Offsets: value = transformed - offset on one side, so subtract offset * (sum of the
    // other side over the same bytes).
    if (roles.u.offset != 0 || roles.s.offset != 0) {
      bool offsetOnU = roles.u.offset != 0;
      int64_t offset = offsetOnU ? roles.u.offset : roles.s.offset;
      auto sumPairAt = [&](int64_t lc, int64_t i) {
        BytePair pair = pairAt(lc, i);
        Value ones = splatI32(b, loc, lanes, pair.mask & 0x01010101);
        return offsetOnU ? BytePair{ones, pair.s, pair.mask} : BytePair{pair.u, ones, pair.mask};
      };
      int64_t other = offsetOnU ? roles.s.range.magnitude() : roles.u.range.magnitude();
      SmallVector<Value> zeros(numLocals, splatI32(b, loc, lanes, 0));
      SmallVector<Value> totals = emitPairs(kind, numLocals, count, sumPairAt,
                                            32767 / std::max<int64_t>(1, 2 * other), zeros);
      for (int64_t lc = 0; lc < numLocals; ++lc) {
        Value correction =
            arith::MulIOp::create(b, loc, totals[lc], splatI32(b, loc, lanes, offset));
        result.vectors[lc] = arith::SubIOp::create(b, loc, result.vectors[lc], correction);
      }
    }
    return true;
  }

  /// acc[lc] + the sum of the byte products of pairs pairAt(lc, 0 .. count(lc) - 1), for
  /// every result local lc, emitted pair index by pair index across the locals.
  SmallVector<Value> emitPairs(Int8DotKind kind, int64_t numLocals,
                               function_ref<int64_t(int64_t)> count,
                               function_ref<BytePair(int64_t, int64_t)> pairAt,
                               int64_t chainLimit, ArrayRef<Value> acc) {
    const CpuTarget &target = kernel.getTarget();
    int64_t longest = 0;
    for (int64_t lc = 0; lc < numLocals; ++lc)
      longest = std::max(longest, count(lc));
    SmallVector<Value> sums(acc.begin(), acc.end());
    if (kind == Int8DotKind::Vnni) {
      // With few locals, a second accumulator per local covers the instruction's latency.
      bool twoChains = numLocals < 4;
      SmallVector<Value> second(numLocals);
      for (int64_t i = 0; i < longest; ++i)
        for (int64_t lc = 0; lc < numLocals; ++lc) {
          if (i >= count(lc))
            continue;
          BytePair pair = pairAt(lc, i);
          Value &chain = twoChains && i % 2 ? second[lc] : sums[lc];
          if (!chain)
            chain = splatI32(b, loc, lanes, 0);
          chain = emitDpbusd(b, loc, target, chain, pair.u, pair.s);
        }
      for (int64_t lc = 0; lc < numLocals; ++lc)
        if (second[lc])
          sums[lc] = arith::AddIOp::create(b, loc, sums[lc], second[lc]);
      return sums;
    }
    if (chainLimit == 0) {
      // Even one pair may saturate: multiply 16-bit halves with vpmaddwd instead.
      for (int64_t i = 0; i < longest; ++i)
        for (int64_t lc = 0; lc < numLocals; ++lc)
          if (i < count(lc))
            sums[lc] = arith::AddIOp::create(b, loc, sums[lc], emitWidenedPair(pairAt(lc, i)));
      return sums;
    }
    // Runs of at most chainLimit pairs chain in i16, then one vpmaddwd adds each run to i32.
    for (int64_t start = 0; start < longest; start += chainLimit) {
      SmallVector<Value> chains(numLocals);
      for (int64_t i = start; i < std::min(longest, start + chainLimit); ++i)
        for (int64_t lc = 0; lc < numLocals; ++lc) {
          if (i >= count(lc))
            continue;
          BytePair pair = pairAt(lc, i);
          Value product = emitMaddUbs(b, loc, target, pair.u, pair.s);
          chains[lc] = chains[lc] ? emitAddI16(b, loc, chains[lc], product) : product;
        }
      for (int64_t lc = 0; lc < numLocals; ++lc)
        if (chains[lc])
          sums[lc] = arith::AddIOp::create(b, loc, sums[lc],
                                           emitSumI16Pairs(b, loc, target, chains[lc]));
    }
    return sums;
  }

  /// sum over the 4 bytes of u (u8) * s (s8) with vpmaddwd on the even and odd bytes.
  Value emitWidenedPair(const BytePair &pair) {
    const CpuTarget &target = kernel.getTarget();
    auto i16Type = VectorType::get({lanes * 2}, b.getI16Type());
    Value lowMask = splatI32(b, loc, lanes, 0x00FF00FF);
    Value uEven = arith::AndIOp::create(b, loc, pair.u, lowMask);
    Value uOdd = arith::AndIOp::create(
        b, loc, arith::ShRUIOp::create(b, loc, pair.u, splatI32(b, loc, lanes, 8)), lowMask);
    Value s16 = vector::BitCastOp::create(b, loc, i16Type, pair.s);
    Value eight = arith::ConstantOp::create(
        b, loc, DenseElementsAttr::get(i16Type, b.getI16IntegerAttr(8)));
    Value sEven = arith::ShRSIOp::create(b, loc, arith::ShLIOp::create(b, loc, s16, eight), eight);
    Value sOdd = arith::ShRSIOp::create(b, loc, s16, eight);
    auto words = [&](Value v) {
      return vector::BitCastOp::create(b, loc, kernel.wordVectorType(), v).getResult();
    };
    return arith::AddIOp::create(b, loc, emitMaddWd(b, loc, target, uEven, words(sEven)),
                                 emitMaddWd(b, loc, target, uOdd, words(sOdd)));
  }

  SimdKernel &kernel;
  DotOp op;
  OpBuilder b;
  Location loc;
  int64_t lanes;
  const layout::RegisterLayout &a, &bl, &c;
};

} // namespace

void tile::lowerSimdDot(SimdKernel &kernel, DotOp op) { DotLowering(kernel, op).run(); }
