//===- SimdForms.cpp - SIMD lowering: the forms of register tensors ---------===//
//
// Conversions between the Lanes, Words and Bytes forms of a register tensor (SimdKernel.h),
// and the helpers every SIMD op lowering uses: splat constants, vectorized scalar code, and
// the compile-time search of a value's holder in a layout.
//
//===----------------------------------------------------------------------===//
#include "SimdKernel.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/OwningOpRef.h"

using namespace mlir;
using namespace lowbit;
using namespace lowbit::tile;

Value tile::splatI32(OpBuilder &b, Location loc, int64_t lanes, int64_t value) {
  auto type = VectorType::get({lanes}, b.getI32Type());
  return arith::ConstantOp::create(
      b, loc, DenseElementsAttr::get(type, b.getI32IntegerAttr(static_cast<int32_t>(value))));
}

Value tile::emitVectorized(OpBuilder &b, Location loc, ValueRange operands,
                           function_ref<Value(OpBuilder &, ValueRange)> scalarBody) {
  auto first = cast<VectorType>(operands.front().getType());
  int64_t lanes = first.getNumElements();
  // The scalar body goes into a scratch module (never verified), then is cloned lane-wide.
  OwningOpRef<ModuleOp> holder = ModuleOp::create(loc);
  Block &scratch = *holder->getBody();
  SmallVector<Value> scalars;
  for (Value operand : operands)
    scalars.push_back(
        scratch.addArgument(cast<VectorType>(operand.getType()).getElementType(), loc));
  OpBuilder scalarBuilder = OpBuilder::atBlockEnd(&scratch);
  Value scalarResult = scalarBody(scalarBuilder, scalars);

  IRMapping mapping;
  for (auto [scalar, vector] : llvm::zip_equal(scalars, operands))
    mapping.map(scalar, vector);
  auto widen = [&](Type type) { return VectorType::get({lanes}, type); };
  for (Operation &op : scratch) {
    if (auto constant = dyn_cast<arith::ConstantOp>(op)) {
      auto attr = cast<TypedAttr>(constant.getValue());
      Value splat = arith::ConstantOp::create(
          b, loc, DenseElementsAttr::get(cast<ShapedType>(widen(attr.getType())), attr));
      mapping.map(constant.getResult(), splat);
      continue;
    }
    assert(op.getNumRegions() == 0 && "vectorized scalar code must be element-wise");
    OperationState state(loc, op.getName());
    for (Value operand : op.getOperands())
      state.operands.push_back(mapping.lookup(operand));
    for (Type type : op.getResultTypes())
      state.types.push_back(widen(type));
    state.attributes = op.getAttrs();
    Operation *vectorOp = b.create(state);
    mapping.map(op.getResults(), vectorOp->getResults());
  }
  Value result = mapping.lookupOrDefault(scalarResult);
  // The scratch module and the scalar ops die with `holder`.
  for (Operation &op : llvm::make_early_inc_range(llvm::reverse(scratch)))
    op.erase();
  return result;
}

int64_t tile::findUniformLocal(const layout::RegisterLayout &source, int64_t numWorkers,
                               function_ref<SmallVector<int64_t, 4>(int64_t)> index) {
  int64_t uniform = -1;
  for (int64_t w = 0; w < numWorkers; ++w) {
    int64_t local = -1;
    for (const layout::WorkerLocal &owner : source.getOwners(index(w)))
      if (owner.worker == w) {
        local = owner.local;
        break;
      }
    if (local < 0 || (uniform >= 0 && local != uniform))
      return -1;
    uniform = local;
  }
  return uniform;
}

SimdForm tile::getCarriedForm(RegType type) {
  return getElementBitWidth(type.getElementType()) < 8 ? SimdForm::Words : SimdForm::Lanes;
}

namespace {

Value shiftRight(OpBuilder &b, Location loc, Value x, int64_t lanes, int64_t amount) {
  if (amount == 0)
    return x;
  return arith::ShRUIOp::create(b, loc, x, splatI32(b, loc, lanes, amount));
}

Value shiftLeft(OpBuilder &b, Location loc, Value x, int64_t lanes, int64_t amount) {
  if (amount == 0)
    return x;
  return arith::ShLIOp::create(b, loc, x, splatI32(b, loc, lanes, amount));
}

/// The low `bits` bits of an i32 lane vector as a storage vector of `storage`.
Value i32AsStorage(OpBuilder &b, Location loc, Value word, Type storage, int64_t lanes) {
  unsigned bits = storage.getIntOrFloatBitWidth();
  Value asInt = word;
  if (bits < 32)
    asInt = arith::TruncIOp::create(b, loc, VectorType::get({lanes}, b.getIntegerType(bits)),
                                    word);
  if (storage.isInteger())
    return asInt;
  return arith::BitcastOp::create(b, loc, VectorType::get({lanes}, storage), asInt);
}

} // namespace

Value tile::bitsAsI32(OpBuilder &b, Location loc, Value lane, int64_t lanes) {
  auto type = cast<VectorType>(lane.getType());
  unsigned bits = type.getElementTypeBitWidth();
  Value asInt = lane;
  if (!type.getElementType().isInteger())
    asInt = arith::BitcastOp::create(b, loc, VectorType::get({lanes}, b.getIntegerType(bits)),
                                     lane);
  if (bits == 32)
    return asInt;
  return arith::ExtUIOp::create(b, loc, VectorType::get({lanes}, b.getI32Type()), asInt);
}


SmallVector<Value> tile::wordsToLanes(OpBuilder &b, Location loc, const SimdKernel &kernel,
                                      RegType type, ArrayRef<Value> words) {
  int64_t lanes = kernel.getNumWorkers();
  Type storage = getStorageType(type.getElementType());
  int64_t bits = getElementBitWidth(type.getElementType());
  int64_t locals = type.getRegisterLayout().getLocalSize();
  SmallVector<Value> result;
  for (int64_t l = 0; l < locals; ++l) {
    int64_t offset = l * bits, word = offset / 32, shift = offset % 32;
    Value x = shiftRight(b, loc, words[word], lanes, shift);
    if (shift + bits > 32)
      x = arith::OrIOp::create(b, loc, x, shiftLeft(b, loc, words[word + 1], lanes, 32 - shift));
    result.push_back(i32AsStorage(b, loc, x, storage, lanes));
  }
  return result;
}

SmallVector<Value> tile::lanesToWords(OpBuilder &b, Location loc, const SimdKernel &kernel,
                                      RegType type, ArrayRef<Value> lanesIn) {
  int64_t lanes = kernel.getNumWorkers();
  int64_t bits = getElementBitWidth(type.getElementType());
  int64_t locals = lanesIn.size();
  int64_t numWords = (locals * bits + 31) / 32;
  SmallVector<Value> words(numWords);
  for (int64_t l = 0; l < locals; ++l) {
    Value x = bitsAsI32(b, loc, lanesIn[l], lanes);
    int64_t offset = l * bits, word = offset / 32, shift = offset % 32;
    auto orInto = [&](int64_t index, Value part) {
      words[index] = words[index] ? arith::OrIOp::create(b, loc, words[index], part).getResult()
                                  : part;
    };
    orInto(word, shiftLeft(b, loc, x, lanes, shift));
    if (shift + bits > 32)
      orInto(word + 1, shiftRight(b, loc, x, lanes, 32 - shift));
  }
  return words;
}

SimdReg tile::lanesToBytes(OpBuilder &b, Location loc, const SimdKernel &kernel, RegType type,
                           ArrayRef<Value> lanesIn) {
  int64_t lanes = kernel.getNumWorkers();
  int64_t bits = getElementBitWidth(type.getElementType());
  SimdReg result;
  result.form = SimdForm::Bytes;
  int64_t locals = lanesIn.size();
  for (int64_t u = 0; u * 4 < locals; ++u) {
    Value word;
    for (int64_t i = 0; i < 4; ++i) {
      int64_t l = 4 * u + i;
      result.byteLocals.push_back(l < locals ? l : -1);
      if (l >= locals)
        continue;
      Value x = bitsAsI32(b, loc, lanesIn[l], lanes);
      if (bits < 8)
        x = arith::AndIOp::create(b, loc, x, splatI32(b, loc, lanes, (1 << bits) - 1));
      x = shiftLeft(b, loc, x, lanes, 8 * i);
      word = word ? arith::OrIOp::create(b, loc, word, x).getResult() : x;
    }
    result.vectors.push_back(word);
  }
  return result;
}

SimdReg tile::wordsToBytes(OpBuilder &b, Location loc, const SimdKernel &kernel, RegType type,
                           ArrayRef<Value> words) {
  int64_t lanes = kernel.getNumWorkers();
  int64_t bits = getElementBitWidth(type.getElementType());
  int64_t locals = type.getRegisterLayout().getLocalSize();
  if (bits == 8) {
    SimdReg result;
    result.form = SimdForm::Bytes;
    result.vectors.assign(words.begin(), words.end());
    for (int64_t l = 0; l < 4 * static_cast<int64_t>(words.size()); ++l)
      result.byteLocals.push_back(l < locals ? l : -1);
    return result;
  }
  if (bits == 1 || bits == 2 || bits == 4) {
    // Byte i of word j holds locals perByte*(4*j + i) ... + perByte - 1; shifting the word right
    // by c*bits and masking every byte's low bits gives local perByte*(4*j + i) + c in byte i.
    int64_t perByte = 8 / bits, perWord = 32 / bits;
    int64_t mask = 0;
    for (int64_t i = 0; i < 4; ++i)
      mask |= ((1 << bits) - 1) << (8 * i);
    SimdReg result;
    result.form = SimdForm::Bytes;
    for (auto [j, word] : llvm::enumerate(words)) {
      for (int64_t c = 0; c < perByte; ++c) {
        int64_t firstLocal = static_cast<int64_t>(j) * perWord + c;
        if (firstLocal >= locals)
          break;
        Value x = shiftRight(b, loc, word, lanes, c * bits);
        x = arith::AndIOp::create(b, loc, x, splatI32(b, loc, lanes, mask));
        result.vectors.push_back(x);
        for (int64_t i = 0; i < 4; ++i) {
          int64_t l = firstLocal + i * perByte;
          result.byteLocals.push_back(l < locals ? l : -1);
        }
      }
    }
    return result;
  }
  return lanesToBytes(b, loc, kernel, type, wordsToLanes(b, loc, kernel, type, words));
}

SmallVector<Value> tile::bytesToLanes(OpBuilder &b, Location loc, const SimdKernel &kernel,
                                      RegType type, const SimdReg &bytes) {
  int64_t lanes = kernel.getNumWorkers();
  Type storage = getStorageType(type.getElementType());
  int64_t locals = type.getRegisterLayout().getLocalSize();
  SmallVector<Value> result(locals);
  for (auto [position, local] : llvm::enumerate(bytes.byteLocals)) {
    if (local < 0)
      continue;
    Value x = shiftRight(b, loc, bytes.vectors[position / 4], lanes, 8 * (position % 4));
    result[local] = i32AsStorage(b, loc, x, storage, lanes);
  }
  return result;
}
