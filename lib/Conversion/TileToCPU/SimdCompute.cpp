//===- SimdCompute.cpp - SIMD lowering: register ops -----------------------===//
//
// tile.view, cast, splat, the element-wise ops, reduce and broadcast on vector registers.
//   - view keeps each lane's bits: the Words of the input are the Words of the result;
//   - cast and the element-wise ops are the shared scalar emitters (Common/TileCodegen.h)
//     applied to whole lane vectors, one per local; except that floats of at most 8 bits
//     become f32 by the field decode (emitFloatFieldDecode: shift, mask, multiply) instead of
//     rebuilding their fields one by one, and 4-bit floats where 16 lanes hold their 16
//     values by one table lookup (vpermps on AVX-512: the values as constants, the code as
//     the index);
//   - reduce combines the locals each lane holds (a balanced tree), then, when reduced
//     dimensions are spread over lanes, exchanges partial results between lanes whose worker
//     indices differ in those digits (butterfly shuffles, log2 of the lane count steps);
//   - broadcast picks, for every result local, the input local the lane holds.
//
//===----------------------------------------------------------------------===//
#include "Common/FormatCodegen.h"
#include "SimdKernel.h"
#include "lowbit/Reference/Formats.h"
#include "lowbit/Support/HostTensor.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace lowbit;
using namespace lowbit::tile;

namespace {

/// A lane vector of i32 shifted right by `amount` bits (left where it is negative).
Value shiftBy(OpBuilder &b, Location loc, Value x, int64_t lanes, int64_t amount) {
  if (amount > 0)
    return arith::ShRUIOp::create(b, loc, x, splatI32(b, loc, lanes, amount));
  if (amount < 0)
    return arith::ShLIOp::create(b, loc, x, splatI32(b, loc, lanes, -amount));
  return x;
}

/// tile.view with planes. Words to codes: the Bytes form directly, one vector per group of
/// four codes (byte i of group g holds local q (4 (g / q) + i) + g mod q, q = 8 / p0), each
/// plane's bits moved into place with one shift and one mask per byte of the four, OR-ed.
/// Codes to words (prepacking): every code's pieces shifted into their words.
void lowerPlanarView(SimdKernel &kernel, ViewOp op) {
  OpBuilder b(op);
  Location loc = op.getLoc();
  ArrayRef<int64_t> planes = *op.getPlanes();
  int64_t lanes = kernel.getNumWorkers();
  RegType result = op.getResult().getType();
  SimdReg defined;
  if (result.getElementBits() <= 8) {
    const SimdReg &words = kernel.get(b, op.getInput(), SimdForm::Lanes);
    int64_t locals = result.getRegisterLayout().getLocalSize();
    int64_t q = 8 / planes.front();
    defined.form = SimdForm::Bytes;
    for (int64_t g = 0; g * 4 < locals; ++g) {
      for (int64_t i = 0; i < 4; ++i)
        defined.byteLocals.push_back(q * (4 * (g / q) + i) + g % q);
      Value bytes;
      for (const PlanarPiece &piece : getPlanarPieces(planes, locals, defined.byteLocals[4 * g])) {
        int64_t mask = ((1 << piece.width) - 1) << piece.codeBit;
        Value x = shiftBy(b, loc, words.vectors[piece.word], lanes, piece.bit - piece.codeBit);
        x = arith::AndIOp::create(b, loc, x, splatI32(b, loc, lanes, mask * 0x01010101));
        bytes = bytes ? arith::OrIOp::create(b, loc, bytes, x).getResult() : x;
      }
      defined.vectors.push_back(bytes);
    }
  } else {
    const SimdReg &codes = kernel.get(b, op.getInput(), SimdForm::Lanes);
    int64_t locals = codes.vectors.size();
    defined.vectors.resize(result.getRegisterLayout().getLocalSize());
    for (int64_t l = 0; l < locals; ++l) {
      Value code = bitsAsI32(b, loc, codes.vectors[l], lanes);
      for (const PlanarPiece &piece : getPlanarPieces(planes, locals, l)) {
        Value x = shiftBy(b, loc, code, lanes, piece.codeBit);
        x = arith::AndIOp::create(b, loc, x, splatI32(b, loc, lanes, (1 << piece.width) - 1));
        x = shiftBy(b, loc, x, lanes, -piece.bit);
        Value &word = defined.vectors[piece.word];
        word = word ? arith::OrIOp::create(b, loc, word, x).getResult() : x;
      }
    }
  }
  kernel.define(op.getResult(), std::move(defined));
  kernel.scheduleErase(op);
}

void lowerView(SimdKernel &kernel, ViewOp op) {
  if (op.getPlanes())
    return lowerPlanarView(kernel, op);
  OpBuilder b(op);
  SimdReg words = kernel.get(b, op.getInput(), SimdForm::Words);
  kernel.define(op.getResult(), std::move(words));
  kernel.scheduleErase(op);
}

/// The local at which every lane holds element `entry` (row-major) of a table every lane holds
/// whole at the same locals, or -1 when the lanes hold it at different locals.
int64_t tableEntryLocal(const layout::RegisterLayout &layout, ArrayRef<int64_t> shape,
                        int64_t lanes, int64_t entry) {
  SmallVector<int64_t, 4> index = layout::delinearize(entry, shape);
  return findUniformLocal(layout, lanes, [&](int64_t) { return index; });
}

/// The local at which every lane holds each entry of a table every lane holds whole, or
/// nullopt when the lanes hold some entry at different locals.
std::optional<SmallVector<int64_t>> wholeTableLocals(RegType tableType, int64_t lanes) {
  SmallVector<int64_t> locals;
  for (int64_t e = 0; e < tableType.getNumElements(); ++e) {
    locals.push_back(
        tableEntryLocal(tableType.getRegisterLayout(), tableType.getShape(), lanes, e));
    if (locals.back() < 0)
      return std::nullopt;
  }
  return locals;
}

/// How many vector<W x f32> tables the vpermps lookup of a table of `entries` f32 values takes
/// on this target: AVX2 with 8 lanes (two 8-entry halves beyond 8 entries, chosen by bit 3 of
/// the index), AVX-512 with 16 lanes (one 16-entry table); 0 where it does not apply.
int64_t permuteTableCount(const SimdKernel &kernel, int64_t entries) {
  const CpuTarget &target = kernel.getTarget();
  int64_t lanes = kernel.getNumWorkers();
  if (entries > 16 || !target.x86)
    return 0;
  if (lanes == 16 && target.avx512f)
    return 1;
  if (lanes == 8 && target.avx2)
    return entries > 8 ? 2 : 1;
  return 0;
}

/// The lanes' entries of `tables` (permuteTableCount of them, entries 8t.. of table t)
/// indexed by `index` (vector<W x i32>), with vpermps.
Value emitPermuteLookup(OpBuilder &b, Location loc, const SimdKernel &kernel,
                        ArrayRef<Value> tables, Value index) {
  int64_t lanes = kernel.getNumWorkers();
  auto valueType = VectorType::get({lanes}, b.getF32Type());
  auto permute = [&](StringRef name, Value values) -> Value {
    return LLVM::CallIntrinsicOp::create(b, loc, valueType, b.getStringAttr(name),
                                         ValueRange{values, index})
        .getResult(0);
  };
  if (lanes == 16)
    return permute("llvm.x86.avx512.permvar.sf.512", tables.front());
  Value low = permute("llvm.x86.avx2.permps", tables.front());
  if (tables.size() == 1)
    return low;
  Value high = permute("llvm.x86.avx2.permps", tables[1]);
  Value bit3 = arith::AndIOp::create(b, loc, index, splatI32(b, loc, lanes, 8));
  Value upper = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ne, bit3,
                                      splatI32(b, loc, lanes, 0));
  return arith::SelectOp::create(b, loc, upper, high, low);
}

/// The vpermps table of the 16 exact f32 values of a 4-bit float format (every 4-bit float is
/// exact in f32, so the lookup is tile.cast's semantics), or null where castsByPermute does
/// not hold.
Value buildCastTable(OpBuilder &b, Location loc, const SimdKernel &kernel, Type from, Type to) {
  if (!castsByPermute(kernel, from, to))
    return {};
  SmallVector<float> table;
  for (double value : getCodeValues(from))
    table.push_back(static_cast<float>(value));
  auto valueType = VectorType::get({kernel.getNumWorkers()}, b.getF32Type());
  return arith::ConstantOp::create(b, loc, DenseElementsAttr::get(valueType, ArrayRef(table)));
}

/// Whether local t of a table spread over the lanes holds, in lane i, entry t * lanes + i
/// (row-major), for every entry: then the lane vectors are vpermps tables as they are.
bool isLaneOrderedTable(RegType table, int64_t lanes) {
  const layout::RegisterLayout &layout = table.getRegisterLayout();
  for (int64_t e = 0; e < table.getNumElements(); ++e)
    if (e / lanes >= layout.getLocalSize() ||
        layout.getLogicalIndex(e % lanes, e / lanes) != layout::delinearize(e, table.getShape()))
      return false;
  return true;
}

/// tile.lookup: per result local, the lanes' codes index the table: vpermps where
/// permuteTableCount allows, otherwise a binary tree of selects on the bits of the codes
/// (2^b - 1 selects). A table every lane holds at the same locals is packed into the vpermps
/// tables once per op; one spread over the lanes as entry = local * lanes + lane is used as it
/// is (a table computed at run time costs nothing more); any other spread table is gathered
/// entry by entry (a lane extract each).
/// A table of at most 16 integers of at most 8 bits that every lane holds whole, indexed by
/// codes of at most 4 bits, on x86: one vpshufb per Bytes vector of codes (four per lane), the
/// table repeated in every 16 bytes. False (nothing built) where that does not apply.
bool lowerByteShuffleLookup(SimdKernel &kernel, LookupOp op) {
  const CpuTarget &target = kernel.getTarget();
  int64_t lanes = kernel.getNumWorkers();
  RegType tableType = op.getTable().getType();
  auto element = dyn_cast<IntegerType>(tableType.getElementType());
  int64_t entries = tableType.getNumElements();
  StringRef intrinsic;
  if (lanes == 8 && target.avx2)
    intrinsic = "llvm.x86.avx2.pshuf.b";
  else if (lanes == 16 && target.avx512bw)
    intrinsic = "llvm.x86.avx512.pshuf.b.512";
  if (!target.x86 || intrinsic.empty() || !element || element.getWidth() > 8 || entries > 16 ||
      getElementBitWidth(op.getCodes().getType().getElementType()) > 4)
    return false;
  std::optional<SmallVector<int64_t>> entryLocals = wholeTableLocals(tableType, lanes);
  if (!entryLocals)
    return false;
  OpBuilder b(op);
  Location loc = op.getLoc();
  Type i8 = b.getI8Type();
  auto bytesType = VectorType::get({lanes * 4}, i8);
  auto wordsType = VectorType::get({lanes}, b.getI32Type());
  ArrayRef<Value> held = kernel.get(b, op.getTable(), SimdForm::Lanes).vectors;
  SmallVector<Value> entryBytes;
  for (int64_t e = 0; e < 16; ++e) {
    if (e >= entries) {
      entryBytes.push_back(arith::ConstantIntOp::create(b, loc, i8, 0));
      continue;
    }
    Value x = vector::ExtractOp::create(b, loc, held[(*entryLocals)[e]], ArrayRef<int64_t>{0});
    if (x.getType() != i8)
      x = arith::ExtUIOp::create(b, loc, i8, x);
    entryBytes.push_back(x);
  }
  SmallVector<Value> repeated;
  for (int64_t i = 0; i < lanes * 4; ++i)
    repeated.push_back(entryBytes[i % 16]);
  Value table = vector::FromElementsOp::create(b, loc, bytesType, repeated);
  const SimdReg &codes = kernel.get(b, op.getCodes(), SimdForm::Bytes);
  SimdReg result;
  result.form = SimdForm::Bytes;
  result.byteLocals = codes.byteLocals;
  for (auto [u, vector] : llvm::enumerate(codes.vectors)) {
    Value index = vector::BitCastOp::create(b, loc, bytesType, vector);
    Value looked = LLVM::CallIntrinsicOp::create(b, loc, bytesType, b.getStringAttr(intrinsic),
                                                 ValueRange{table, index})
                       .getResult(0);
    looked = vector::BitCastOp::create(b, loc, wordsType, looked);
    // Bytes that hold no code stay zero.
    int64_t mask = 0;
    for (int64_t i = 0; i < 4; ++i)
      if (codes.byteLocals[4 * u + i] >= 0)
        mask |= int64_t(0xff) << (8 * i);
    if (mask != 0xffffffff)
      looked = arith::AndIOp::create(b, loc, looked, splatI32(b, loc, lanes, mask));
    result.vectors.push_back(looked);
  }
  kernel.define(op.getResult(), std::move(result));
  kernel.scheduleErase(op);
  return true;
}

/// A table of more than 32 entries that every lane holds whole: copied once into a stack
/// buffer (SimdKernel::getTableCopy), then one gather per vector of codes (vpgatherdd on x86)
/// instead of a tree of 2^b - 1 selects. False where the lanes hold it at different locals.
bool lowerGatherLookup(SimdKernel &kernel, LookupOp op) {
  RegType tableType = op.getTable().getType();
  int64_t lanes = kernel.getNumWorkers(), entries = tableType.getNumElements();
  if (entries <= 32 || kernel.getDefined(op.getTable()).form != SimdForm::Lanes)
    return false;
  std::optional<SmallVector<int64_t>> entryLocals = wholeTableLocals(tableType, lanes);
  if (!entryLocals)
    return false;
  OpBuilder b(op);
  Location loc = op.getLoc();
  Value buffer = kernel.getTableCopy(op.getTable(), *entryLocals);
  auto valueType = kernel.laneVectorType(cast<MemRefType>(buffer.getType()).getElementType());
  Value all = arith::ConstantOp::create(
      b, loc, DenseElementsAttr::get(VectorType::get({lanes}, b.getI1Type()), true));
  Value none = arith::ConstantOp::create(b, loc, b.getZeroAttr(valueType));
  Value zero = arith::ConstantIndexOp::create(b, loc, 0);
  SimdReg result;
  for (Value codes : kernel.get(b, op.getCodes(), SimdForm::Lanes).vectors)
    result.vectors.push_back(vector::GatherOp::create(b, loc, valueType, buffer, ValueRange{zero},
                                                      bitsAsI32(b, loc, codes, lanes), all, none));
  kernel.define(op.getResult(), std::move(result));
  kernel.scheduleErase(op);
  return true;
}

void lowerLookup(SimdKernel &kernel, LookupOp op) {
  if (lowerByteShuffleLookup(kernel, op) || lowerGatherLookup(kernel, op))
    return;
  OpBuilder b(op);
  Location loc = op.getLoc();
  RegType tableType = op.getTable().getType();
  const layout::RegisterLayout &tableLayout = tableType.getRegisterLayout();
  int64_t lanes = kernel.getNumWorkers(), entries = tableType.getNumElements();
  ArrayRef<Value> held = kernel.get(b, op.getTable(), SimdForm::Lanes).vectors;
  int64_t count = tableType.getElementType().isF32() ? permuteTableCount(kernel, entries) : 0;
  SmallVector<Value> tables, entryLanes;
  if (count && isLaneOrderedTable(tableType, lanes)) {
    tables.assign(held.begin(), held.begin() + count);
  } else {
    for (int64_t e = 0; e < entries; ++e) {
      int64_t local = tableEntryLocal(tableLayout, tableType.getShape(), lanes, e);
      if (local >= 0) {
        entryLanes.push_back(held[local]);
        continue;
      }
      layout::WorkerLocal owner =
          tableLayout.getOwners(layout::delinearize(e, tableType.getShape())).front();
      Value scalar = vector::ExtractOp::create(b, loc, held[owner.local],
                                               ArrayRef<int64_t>{owner.worker});
      entryLanes.push_back(
          vector::BroadcastOp::create(b, loc, held[owner.local].getType(), scalar));
    }
    // The vpermps tables, built once: lane i of table t is entry t * lanes + i (0 beyond).
    for (int64_t t = 0; t < count; ++t) {
      SmallVector<Value> scalars;
      for (int64_t i = 0, e = t * lanes; i < lanes; ++i, ++e)
        scalars.push_back(e < entries ? vector::ExtractOp::create(b, loc, entryLanes[e],
                                                                  ArrayRef<int64_t>{0})
                                            .getResult()
                                      : arith::ConstantOp::create(b, loc, b.getF32FloatAttr(0))
                                            .getResult());
      tables.push_back(vector::FromElementsOp::create(
          b, loc, VectorType::get({lanes}, b.getF32Type()), scalars));
    }
  }
  SimdReg result;
  for (Value codes : kernel.get(b, op.getCodes(), SimdForm::Lanes).vectors) {
    Value index = bitsAsI32(b, loc, codes, lanes);
    if (!tables.empty()) {
      result.vectors.push_back(emitPermuteLookup(b, loc, kernel, tables, index));
      continue;
    }
    SmallVector<Value> level = entryLanes;
    for (unsigned bit = 0; level.size() > 1; ++bit) {
      Value set = arith::CmpIOp::create(
          b, loc, arith::CmpIPredicate::ne,
          arith::AndIOp::create(b, loc, index, splatI32(b, loc, lanes, int64_t(1) << bit)),
          splatI32(b, loc, lanes, 0));
      SmallVector<Value> next;
      for (size_t i = 0; i + 1 < level.size(); i += 2)
        next.push_back(arith::SelectOp::create(b, loc, set, level[i + 1], level[i]));
      level = std::move(next);
    }
    result.vectors.push_back(level.front());
  }
  kernel.define(op.getResult(), std::move(result));
  kernel.scheduleErase(op);
}

void lowerCast(SimdKernel &kernel, CastOp op) {
  OpBuilder b(op);
  Location loc = op.getLoc();
  Type from = op.getInput().getType().getElementType();
  Type to = op.getResult().getType().getElementType();
  int64_t lanes = kernel.getNumWorkers();
  SimdReg result;
  // Small floats to f32: one vpermps, or the code moved to the top of its lane and the field
  // decode.
  Value table = buildCastTable(b, loc, kernel, from, to);
  bool fields = !table && to.isF32() && hasFloatFieldDecode(from);
  int64_t width = getElementBitWidth(from);
  for (Value lane : kernel.get(b, op.getInput(), SimdForm::Lanes).vectors) {
    if (table) {
      result.vectors.push_back(
          emitPermuteLookup(b, loc, kernel, table, bitsAsI32(b, loc, lane, lanes)));
      continue;
    }
    if (fields) {
      Value top = arith::ShLIOp::create(b, loc, bitsAsI32(b, loc, lane, lanes),
                                        splatI32(b, loc, lanes, 32 - width));
      result.vectors.push_back(emitVectorized(b, loc, top, [&](OpBuilder &s, ValueRange x) {
        return emitFloatFieldDecode(s, loc, from, x[0]);
      }));
      continue;
    }
    result.vectors.push_back(
        emitVectorized(b, loc, lane, [&](OpBuilder &scalar, ValueRange x) {
          return emitElementCast(scalar, loc, x[0], from, to);
        }));
  }
  kernel.define(op.getResult(), std::move(result));
  kernel.scheduleErase(op);
}

void lowerSplat(SimdKernel &kernel, SplatOp op) {
  OpBuilder b(op);
  RegType type = op.getResult().getType();
  Type storage = getStorageType(type.getElementType());
  Value scalar = op.getInput();
  if (scalar.getType() != storage)
    scalar = arith::BitcastOp::create(b, op.getLoc(), storage, scalar);
  Value vector =
      vector::BroadcastOp::create(b, op.getLoc(), kernel.laneVectorType(storage), scalar);
  SimdReg result;
  result.vectors.assign(type.getRegisterLayout().getLocalSize(), vector);
  kernel.define(op.getResult(), std::move(result));
  kernel.scheduleErase(op);
}

void lowerElementwise(SimdKernel &kernel, Operation *op) {
  OpBuilder b(op);
  Type element = cast<RegType>(op->getResult(0).getType()).getElementType();
  ArrayRef<Value> x = kernel.get(b, op->getOperand(0), SimdForm::Lanes).vectors;
  SmallVector<Value> xs(x.begin(), x.end());
  ArrayRef<Value> y = kernel.get(b, op->getOperand(1), SimdForm::Lanes).vectors;
  SimdReg result;
  for (auto [xl, yl] : llvm::zip_equal(xs, y))
    result.vectors.push_back(emitElementwiseArithmetic(b, op->getLoc(), op, element, xl, yl));
  kernel.define(op->getResult(0), std::move(result));
  kernel.scheduleErase(op);
}

void lowerUnary(SimdKernel &kernel, Operation *op) {
  OpBuilder b(op);
  ArrayRef<Value> x = kernel.get(b, op->getOperand(0), SimdForm::Lanes).vectors;
  SmallVector<Value> xs(x.begin(), x.end());
  SimdReg result;
  for (Value xl : xs)
    result.vectors.push_back(emitElementwiseMath(b, op->getLoc(), op, xl));
  kernel.define(op->getResult(0), std::move(result));
  kernel.scheduleErase(op);
}

/// One constant vector per local: lane w holds the index of (w, local) along the dimension.
void lowerIota(SimdKernel &kernel, IotaOp op) {
  OpBuilder b(op);
  Location loc = op.getLoc();
  RegType type = op.getResult().getType();
  const layout::RegisterLayout &layout = type.getRegisterLayout();
  Type storage = getStorageType(type.getElementType());
  int64_t lanes = kernel.getNumWorkers();
  VectorType vectorType = kernel.laneVectorType(storage);
  SimdReg result;
  for (int64_t local = 0; local < layout.getLocalSize(); ++local) {
    SmallVector<Attribute> values;
    for (int64_t w = 0; w < lanes; ++w) {
      int64_t position = layout.getLogicalIndex(w, local)[op.getDim()];
      if (auto floatType = dyn_cast<mlir::FloatType>(storage))
        values.push_back(b.getFloatAttr(floatType, static_cast<double>(position)));
      else
        values.push_back(b.getIntegerAttr(storage, position));
    }
    result.vectors.push_back(arith::ConstantOp::create(
        b, loc, vectorType, DenseElementsAttr::get(vectorType, values)));
  }
  kernel.define(op.getResult(), std::move(result));
  kernel.scheduleErase(op);
}

/// The digits of the worker index: for each spatial entry, its stride in the worker index.
SmallVector<int64_t> workerDigitStrides(const layout::RegisterLayout &layout) {
  ArrayRef<int64_t> spatial = layout.getSpatialModes();
  SmallVector<int64_t> strides(spatial.size());
  int64_t stride = 1;
  for (int64_t i = static_cast<int64_t>(spatial.size()) - 1; i >= 0; --i) {
    strides[i] = stride;
    int64_t entry = spatial[i];
    stride *= entry < 0 ? -entry : layout.getModeShape()[entry];
  }
  return strides;
}

/// Lane distances (powers of two) the butterfly of a reduction over `dims` exchanges across,
/// or nullopt when a reduced spatial digit is not a power-of-two run of lane bits.
std::optional<SmallVector<int64_t>> butterflyDistances(const layout::RegisterLayout &input,
                                                       ArrayRef<int64_t> dims) {
  SmallVector<int64_t> distances;
  ArrayRef<int64_t> spatial = input.getSpatialModes();
  SmallVector<int64_t> strides = workerDigitStrides(input);
  for (auto [i, entry] : llvm::enumerate(spatial)) {
    if (entry < 0 || !llvm::is_contained(dims, int64_t(input.getModeDims()[entry])))
      continue;
    int64_t extent = input.getModeShape()[entry], stride = strides[i];
    if (!llvm::isPowerOf2_64(extent) || !llvm::isPowerOf2_64(stride))
      return std::nullopt;
    for (int64_t d = stride; d < stride * extent; d *= 2)
      distances.push_back(d);
  }
  return distances;
}

/// For result local `lr` of a reduction, the input locals every lane combines itself
/// (the same for every lane), or nullopt.
std::optional<SmallVector<int64_t>> laneLocalsOfReduction(const layout::RegisterLayout &input,
                                                          const layout::RegisterLayout &result,
                                                          ArrayRef<int64_t> dims,
                                                          int64_t workers, int64_t lr) {
  std::optional<SmallVector<int64_t>> uniform;
  for (int64_t w = 0; w < workers; ++w) {
    SmallVector<int64_t, 4> target = result.getLogicalIndex(w, lr);
    SmallVector<int64_t> locals;
    for (int64_t l = 0; l < input.getLocalSize(); ++l) {
      SmallVector<int64_t, 4> index = input.getLogicalIndex(w, l);
      bool matches = true;
      for (unsigned d = 0; d < index.size(); ++d)
        if (!llvm::is_contained(dims, int64_t(d)) && index[d] != target[d])
          matches = false;
      if (matches)
        locals.push_back(l);
    }
    if (uniform && *uniform != locals)
      return std::nullopt;
    uniform = std::move(locals);
  }
  return uniform;
}

Value combineTree(OpBuilder &b, Location loc, ReduceKind kind, Type element,
                  SmallVector<Value> values) {
  while (values.size() > 1) {
    SmallVector<Value> next;
    for (size_t i = 0; i + 1 < values.size(); i += 2)
      next.push_back(emitReduceCombine(b, loc, kind, element, values[i], values[i + 1]));
    if (values.size() % 2)
      next.push_back(values.back());
    values = std::move(next);
  }
  return values.front();
}

void lowerReduce(SimdKernel &kernel, ReduceOp op) {
  OpBuilder b(op);
  Location loc = op.getLoc();
  const layout::RegisterLayout &input = getRegisterLayout(op.getInput());
  const layout::RegisterLayout &result = getRegisterLayout(op.getResult());
  Type element = op.getResult().getType().getElementType();
  ArrayRef<Value> lanes = kernel.get(b, op.getInput(), SimdForm::Lanes).vectors;
  SmallVector<Value> inputs(lanes.begin(), lanes.end());
  int64_t workers = kernel.getNumWorkers();
  SmallVector<int64_t> distances = *butterflyDistances(input, op.getDims());
  SimdReg reduced;
  for (int64_t lr = 0; lr < result.getLocalSize(); ++lr) {
    SmallVector<int64_t> locals =
        *laneLocalsOfReduction(input, result, op.getDims(), workers, lr);
    Value partial = combineTree(
        b, loc, op.getKind(), element,
        llvm::map_to_vector(locals, [&](int64_t l) { return inputs[l]; }));
    for (int64_t distance : distances) {
      SmallVector<int64_t> partner;
      for (int64_t w = 0; w < workers; ++w)
        partner.push_back(w ^ distance);
      Value other = vector::ShuffleOp::create(b, loc, partial, partial, partner);
      partial = emitReduceCombine(b, loc, op.getKind(), element, partial, other);
    }
    reduced.vectors.push_back(partial);
  }
  kernel.define(op.getResult(), std::move(reduced));
  kernel.scheduleErase(op);
}

/// tile.broadcast and tile.extract_slice: every result local is, in each lane, an input local
/// of the same lane (the verifiers' condition); picked at compile time, with lane selects
/// where lanes take different locals.
void lowerLocalGather(SimdKernel &kernel, Operation *op,
                      function_ref<SmallVector<int64_t, 4>(ArrayRef<int64_t>)> sourceOf) {
  OpBuilder b(op);
  Location loc = op->getLoc();
  Value inputValue = op->getOperand(0), resultValue = op->getResult(0);
  const layout::RegisterLayout &input = getRegisterLayout(inputValue);
  const layout::RegisterLayout &result = getRegisterLayout(resultValue);
  ArrayRef<Value> lanes = kernel.get(b, inputValue, SimdForm::Lanes).vectors;
  SmallVector<Value> inputs(lanes.begin(), lanes.end());
  int64_t workers = kernel.getNumWorkers();
  SimdReg gathered;
  for (int64_t lr = 0; lr < result.getLocalSize(); ++lr) {
    SmallVector<int64_t> sourceLocal(workers);
    for (int64_t w = 0; w < workers; ++w)
      for (const layout::WorkerLocal &owner :
           input.getOwners(sourceOf(result.getLogicalIndex(w, lr))))
        if (owner.worker == w)
          sourceLocal[w] = owner.local;
    Value value = inputs[sourceLocal[0]];
    // Lanes that take another local: select them in.
    for (int64_t w = 1; w < workers; ++w) {
      int64_t local = sourceLocal[w];
      if (llvm::is_contained(ArrayRef(sourceLocal).take_front(w), local))
        continue;
      SmallVector<bool> lanesOf(workers);
      for (int64_t v = 0; v < workers; ++v)
        lanesOf[v] = sourceLocal[v] == local;
      auto maskType = VectorType::get({workers}, b.getI1Type());
      Value mask =
          arith::ConstantOp::create(b, loc, DenseElementsAttr::get(maskType, ArrayRef(lanesOf)));
      value = arith::SelectOp::create(b, loc, mask, inputs[local], value);
    }
    gathered.vectors.push_back(value);
  }
  kernel.define(resultValue, std::move(gathered));
  kernel.scheduleErase(op);
}

} // namespace

SmallVector<double> lowbit::tile::getCodeValues(Type format) {
  ref::ElementFormat reference = llvm::cantFail(getReferenceFormat(format));
  SmallVector<double> values;
  for (uint32_t code = 0; code < (uint32_t(1) << reference.bits()); ++code)
    values.push_back(ref::decode(reference, code));
  return values;
}

bool lowbit::tile::castsByPermute(const SimdKernel &kernel, Type from, Type to) {
  auto floatType = dyn_cast<mlir::FloatType>(from);
  return floatType && floatType.getWidth() == 4 && to.isF32() &&
         permuteTableCount(kernel, 16) == 1;
}

void tile::lowerSimdComputeOp(SimdKernel &kernel, Operation *op) {
  TypeSwitch<Operation *>(op)
      .Case([&](ViewOp view) { lowerView(kernel, view); })
      .Case([&](LookupOp lookup) { lowerLookup(kernel, lookup); })
      .Case([&](CastOp cast) { lowerCast(kernel, cast); })
      .Case([&](SplatOp splat) { lowerSplat(kernel, splat); })
      .Case([&](ReduceOp reduce) { lowerReduce(kernel, reduce); })
      .Case([&](BroadcastOp broadcast) {
        lowerLocalGather(kernel, broadcast,
                         [&](ArrayRef<int64_t> index) { return broadcast.getSourceIndex(index); });
      })
      .Case([&](ExtractSliceOp slice) {
        lowerLocalGather(kernel, slice,
                         [&](ArrayRef<int64_t> index) { return slice.getSourceIndex(index); });
      })
      .Case<AddOp, SubOp, MulOp, DivOp, MaximumOp, MinimumOp>(
          [&](Operation *) { lowerElementwise(kernel, op); })
      .Case<ExpOp, TanhOp>([&](Operation *) { lowerUnary(kernel, op); })
      .Case([&](IotaOp iota) { lowerIota(kernel, iota); });
}

std::string tile::explainNotSimdLowerable(KernelOp kernel, const CpuTarget &target) {
  int64_t workers = kernel.getNumWorkers();
  std::string reason;
  auto reject = [&](Operation *op, const Twine &why) {
    if (reason.empty())
      reason = (op->getName().getStringRef() + ": " + why).str();
    return WalkResult::interrupt();
  };
  kernel.walk([&](Operation *op) -> WalkResult {
    if (isa<CopyAsyncOp>(op))
      return reject(op, "asynchronous copies have no SIMD lowering");
    if (auto alloc = dyn_cast<AllocSharedOp>(op)) {
      // Shared tensors become stack buffers read and written like global views: strided
      // (one mode per dimension, no swizzle) and of whole bytes, 32 bits at most.
      SharedType type = alloc.getResult().getType();
      layout::SharedLayout shared = type.getSharedLayoutOrDefault();
      unsigned bits = getElementBitWidth(type.getElementType());
      if (bits != 8 && bits != 16 && bits != 32)
        return reject(op, "shared elements of other than 8, 16 or 32 bits");
      if (shared.getModeShape() != shared.getShape() || !shared.getSwizzle().isIdentity())
        return reject(op, "a shared layout with modes or a swizzle");
    }
    if (isa<WorkerIndexOp>(op))
      return reject(op, "lane-dependent scalars have no SIMD lowering");
    for (Type type : llvm::concat<Type>(op->getOperandTypes(), op->getResultTypes())) {
      if (auto reg = dyn_cast<RegType>(type); reg && getElementBitWidth(reg.getElementType()) > 32)
        return reject(op, "elements of more than 32 bits");
      if (auto global = dyn_cast<GlobalType>(type);
          global && getElementBitWidth(global.getElementType()) > 32)
        return reject(op, "global elements of more than 32 bits");
    }
    if (auto reduce = dyn_cast<ReduceOp>(op)) {
      const layout::RegisterLayout &input = getRegisterLayout(reduce.getInput());
      const layout::RegisterLayout &result = getRegisterLayout(reduce.getResult());
      if (!butterflyDistances(input, reduce.getDims()))
        return reject(op, "a reduction across a non-power-of-two group of lanes");
      for (int64_t lr = 0; lr < result.getLocalSize(); ++lr)
        if (!laneLocalsOfReduction(input, result, reduce.getDims(), workers, lr))
          return reject(op, "a reduction whose lanes combine different locals");
    }
    if (auto dot = dyn_cast<DotOp>(op)) {
      const layout::RegisterLayout &a = getRegisterLayout(dot.getA());
      const layout::RegisterLayout &bl = getRegisterLayout(dot.getB());
      const layout::RegisterLayout &c = getRegisterLayout(dot.getC());
      int64_t k = dot.getA().getType().getShape()[1];
      for (int64_t lc = 0; lc < c.getLocalSize(); ++lc)
        for (int64_t kk = 0; kk < k; ++kk) {
          auto aIndex = [&](int64_t w) {
            SmallVector<int64_t, 4> mn = c.getLogicalIndex(w, lc);
            return SmallVector<int64_t, 4>{mn[0], kk};
          };
          auto bIndex = [&](int64_t w) {
            SmallVector<int64_t, 4> mn = c.getLogicalIndex(w, lc);
            return SmallVector<int64_t, 4>{kk, mn[1]};
          };
          if (findUniformLocal(a, workers, aIndex) < 0 || findUniformLocal(bl, workers, bIndex) < 0)
            return reject(op, "a dot whose operands are not held by the lanes of the result "
                              "at one local each (it would move data across lanes)");
        }
    }
    return WalkResult::advance();
  });
  (void)target;
  return reason;
}
