//===- SimdIsa.cpp - SIMD lowering: the int8 dot instruction families ------===//
//
// The only target-specific instructions the SIMD lowering emits: byte dot products. Operands
// are vector<W x i32> seen as 4W bytes (4 per lane); the x86 intrinsics are applied per native
// vector (128, 256 or 512 bits) and the pieces concatenated, so any W works.
//
//   vpmaddubsw  u8 x s8 -> i16: each lane's bytes (0,1) and (2,3) multiplied and summed into
//               two i16, with signed saturation of each sum (the callers keep the sums in range)
//   vpmaddwd    i16 x i16 -> i32: pairs of products summed; with a multiplier of 1 it widens
//               and adds a lane's two i16 partial sums
//   vpdpbusd    i32 + the 4 products u8 x s8 of a lane (AVX512-VNNI, AVX-VNNI), no saturation
//
// Everything else (and every other target) uses plain vector arithmetic, which LLVM lowers to
// whatever the target has.
//
//===----------------------------------------------------------------------===//
#include "SimdKernel.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

using namespace mlir;
using namespace lowbit;
using namespace lowbit::tile;

Int8DotKind tile::getInt8DotKind(const CpuTarget &target, int64_t numWorkers) {
  if (!target.x86)
    return Int8DotKind::Generic;
  int64_t bits = numWorkers * 32;
  // The native width the pieces are cut to; the tensor must be a whole number of them.
  bool fits512 = bits % 512 == 0 && target.avx512bw;
  bool fits256 = bits % 256 == 0;
  bool fits128 = bits % 128 == 0;
  if (target.avx512vnni && fits512)
    return Int8DotKind::Vnni;
  if ((target.avxvnni || (target.avx512vnni && target.avx512vl)) && (fits256 || fits128))
    return Int8DotKind::Vnni;
  if ((target.avx2 && (fits256 || fits128)) || fits512)
    return Int8DotKind::MaddUbs;
  return Int8DotKind::Generic;
}

namespace {

/// The widest native piece (in bits) for a vector of `bits` bits: 512 only with AVX-512
/// (the caller checked the target), else 256, else 128.
int64_t pieceBits(int64_t bits, bool allow512) {
  if (allow512 && bits % 512 == 0)
    return 512;
  if (bits % 256 == 0)
    return 256;
  return 128;
}

/// Splits `operands` (vectors of the same bit size, any element type) into pieces of
/// `piece` bits with element type `element`, applies `body` to each piece and concatenates
/// the results (each piece's result reinterpreted as vector<piece / 32 x i32>).
Value mapPieces(OpBuilder &b, Location loc, ArrayRef<Value> operands, int64_t piece,
                Type element, function_ref<Value(OpBuilder &, ArrayRef<Value>)> body) {
  auto first = cast<VectorType>(operands.front().getType());
  int64_t totalBits = first.getNumElements() * first.getElementTypeBitWidth();
  int64_t count = totalBits / piece;
  int64_t elementsPerPiece = piece / element.getIntOrFloatBitWidth();
  auto flatType = VectorType::get({totalBits / element.getIntOrFloatBitWidth()}, element);
  auto pieceType = VectorType::get({elementsPerPiece}, element);
  auto wordsType = VectorType::get({piece / 32}, b.getI32Type());
  SmallVector<Value> flat = llvm::map_to_vector(operands, [&](Value v) {
    return v.getType() == flatType ? v : vector::BitCastOp::create(b, loc, flatType, v).getResult();
  });
  SmallVector<Value> results;
  for (int64_t p = 0; p < count; ++p) {
    SmallVector<Value> pieces;
    for (Value v : flat) {
      if (count == 1) {
        pieces.push_back(v);
        continue;
      }
      pieces.push_back(vector::ExtractStridedSliceOp::create(
          b, loc, v, ArrayRef<int64_t>{p * elementsPerPiece}, ArrayRef<int64_t>{elementsPerPiece},
          ArrayRef<int64_t>{1}));
    }
    (void)pieceType;
    Value result = body(b, pieces);
    if (result.getType() != wordsType)
      result = vector::BitCastOp::create(b, loc, wordsType, result);
    results.push_back(result);
  }
  // Concatenate pairwise.
  while (results.size() > 1) {
    SmallVector<Value> next;
    for (size_t i = 0; i + 1 < results.size(); i += 2) {
      int64_t n = cast<VectorType>(results[i].getType()).getNumElements();
      SmallVector<int64_t> mask;
      for (int64_t e = 0; e < 2 * n; ++e)
        mask.push_back(e);
      next.push_back(vector::ShuffleOp::create(b, loc, results[i], results[i + 1], mask));
    }
    if (results.size() % 2)
      next.push_back(results.back());
    results = std::move(next);
  }
  return results.front();
}

int64_t bitSize(Value v) {
  auto type = cast<VectorType>(v.getType());
  return type.getNumElements() * type.getElementTypeBitWidth();
}

Value callIntrinsic(OpBuilder &b, Location loc, Type result, StringRef name, ValueRange args) {
  return LLVM::CallIntrinsicOp::create(b, loc, result, b.getStringAttr(name), args).getResult(0);
}

} // namespace

Value tile::emitMaddUbs(OpBuilder &b, Location loc, const CpuTarget &target, Value u, Value s) {
  int64_t piece = pieceBits(bitSize(u), target.avx512bw);
  return mapPieces(b, loc, {u, s}, piece, b.getI8Type(), [&](OpBuilder &b, ArrayRef<Value> p) {
    auto result = VectorType::get({piece / 16}, b.getI16Type());
    StringRef name = piece == 512   ? "llvm.x86.avx512.pmaddubs.w.512"
                     : piece == 256 ? "llvm.x86.avx2.pmadd.ub.sw"
                                    : "llvm.x86.ssse3.pmadd.ub.sw.128";
    return callIntrinsic(b, loc, result, name, {p[0], p[1]});
  });
}

Value tile::emitAddI16(OpBuilder &b, Location loc, Value x, Value y) {
  auto type = cast<VectorType>(x.getType());
  auto i16 = VectorType::get({type.getNumElements() * 2}, b.getI16Type());
  Value sum = arith::AddIOp::create(b, loc, vector::BitCastOp::create(b, loc, i16, x),
                                    vector::BitCastOp::create(b, loc, i16, y));
  return vector::BitCastOp::create(b, loc, type, sum);
}

Value tile::emitMaddWd(OpBuilder &b, Location loc, const CpuTarget &target, Value x, Value y) {
  int64_t piece = pieceBits(bitSize(x), target.avx512bw);
  return mapPieces(b, loc, {x, y}, piece, b.getI16Type(), [&](OpBuilder &b, ArrayRef<Value> p) {
    auto result = VectorType::get({piece / 32}, b.getI32Type());
    StringRef name = piece == 512   ? "llvm.x86.avx512.pmaddw.d.512"
                     : piece == 256 ? "llvm.x86.avx2.pmadd.wd"
                                    : "llvm.x86.sse2.pmadd.wd";
    return callIntrinsic(b, loc, result, name, {p[0], p[1]});
  });
}

Value tile::emitSumI16Pairs(OpBuilder &b, Location loc, const CpuTarget &target, Value x) {
  auto type = cast<VectorType>(x.getType());
  auto i16 = VectorType::get({type.getNumElements() * 2}, b.getI16Type());
  Value ones = arith::ConstantOp::create(b, loc, DenseElementsAttr::get(i16, b.getI16IntegerAttr(1)));
  return emitMaddWd(b, loc, target, x, vector::BitCastOp::create(b, loc, type, ones));
}

Value tile::emitDpbusd(OpBuilder &b, Location loc, const CpuTarget &target, Value acc, Value u,
                       Value s) {
  int64_t piece = pieceBits(bitSize(u), target.avx512vnni);
  return mapPieces(b, loc, {acc, u, s}, piece, b.getI32Type(),
                   [&](OpBuilder &b, ArrayRef<Value> p) {
                     StringRef name = piece == 512   ? "llvm.x86.avx512.vpdpbusd.512"
                                      : piece == 256 ? "llvm.x86.avx512.vpdpbusd.256"
                                                     : "llvm.x86.avx512.vpdpbusd.128";
                     // LLVM 22 declares the byte operands as vectors of i8.
                     auto bytes = VectorType::get({piece / 8}, b.getI8Type());
                     Value u8 = vector::BitCastOp::create(b, loc, bytes, p[1]);
                     Value s8 = vector::BitCastOp::create(b, loc, bytes, p[2]);
                     return callIntrinsic(b, loc, p[0].getType(), name, {p[0], u8, s8});
                   });
}

Value tile::emitGenericByteDot(OpBuilder &b, Location loc, Value acc, Value u, Value s) {
  int64_t lanes = cast<VectorType>(u.getType()).getNumElements();
  for (int64_t i = 0; i < 4; ++i) {
    Value ui = u, si = s;
    if (i > 0)
      ui = arith::ShRUIOp::create(b, loc, u, splatI32(b, loc, lanes, 8 * i));
    ui = arith::AndIOp::create(b, loc, ui, splatI32(b, loc, lanes, 0xFF));
    if (i < 3)
      si = arith::ShLIOp::create(b, loc, s, splatI32(b, loc, lanes, 24 - 8 * i));
    si = arith::ShRSIOp::create(b, loc, si, splatI32(b, loc, lanes, 24));
    acc = arith::AddIOp::create(b, loc, acc, arith::MulIOp::create(b, loc, ui, si));
  }
  return acc;
}
