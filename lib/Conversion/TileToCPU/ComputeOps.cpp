//===- ComputeOps.cpp - tile-to-cpu: register computation ------------------===//
//
// Element-wise ops, splat and cast work on each worker's own locals. The collective ops (dot,
// reduce), broadcast and lookup compute each result element held by (w, l) from the inputs' owners:
// logical index -> (worker, local) through emitOwner, which is exact because all workers have
// finished the previous op (lockstep). tile.view moves bits within each worker with shifts.
//
//===----------------------------------------------------------------------===//
#include "Common/FormatCodegen.h"
#include "Common/LayoutCodegen.h"
#include "KernelEmulator.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace lowbit;
using namespace lowbit::tile;

namespace {

Value loadElement(OpBuilder &b, Location loc, Value buffer, WorkerLocalValues at) {
  return memref::LoadOp::create(b, loc, buffer, ValueRange{at.worker, at.local});
}

/// result[w, l] = compute(w, l) over the result's layout.
void defineByElement(KernelEmulator &emulator, Operation *op,
                     function_ref<Value(OpBuilder &, Value worker, Value local)> compute) {
  Value result = op->getResult(0);
  Value buffer = emulator.defineBuffer(result);
  Location loc = op->getLoc();
  OpBuilder b(op);
  buildWorkerLocalLoops(
      b, loc, emulator.getNumWorkers(), getRegisterLayout(result).getLocalSize(),
      [&](OpBuilder &body, Value worker, Value local) {
        Value value = compute(body, worker, local);
        memref::StoreOp::create(body, loc, value, buffer, ValueRange{worker, local});
      });
  emulator.scheduleErase(op);
}

void lowerDot(KernelEmulator &emulator, DotOp op) {
  const layout::RegisterLayout &aLayout = getRegisterLayout(op.getA()),
                               &bLayout = getRegisterLayout(op.getB()),
                               &cLayout = getRegisterLayout(op.getC());
  Type aElement = op.getA().getType().getElementType();
  Type bElement = op.getB().getType().getElementType();
  int64_t k = op.getA().getType().getShape()[1];
  Value aBuffer = emulator.getBuffer(op.getA()), bBuffer = emulator.getBuffer(op.getB()),
        cBuffer = emulator.getBuffer(op.getC());
  Location loc = op.getLoc();
  // result[w, l] = c[w, l] + sum_k a[owner(m, k)] * b[owner(k, n)], (m, n) = C(w, l).
  defineByElement(emulator, op, [&](OpBuilder &b, Value worker, Value local) {
    SmallVector<Value> mn = emitLogicalIndex(b, loc, cLayout, worker, local);
    Value init = loadElement(b, loc, cBuffer, {worker, local});
    Value zero = arith::ConstantIndexOp::create(b, loc, 0);
    Value upper = arith::ConstantIndexOp::create(b, loc, k);
    Value one = arith::ConstantIndexOp::create(b, loc, 1);
    auto loop = scf::ForOp::create(
        b, loc, zero, upper, one, ValueRange{init},
        [&](OpBuilder &body, Location, Value kk, ValueRange acc) {
          Value x = loadElement(body, loc, aBuffer, emitOwner(body, loc, aLayout, {mn[0], kk}));
          Value y = loadElement(body, loc, bBuffer, emitOwner(body, loc, bLayout, {kk, mn[1]}));
          Value sum = emitDotStep(body, loc, acc[0], emitDotOperand(body, loc, aElement, x),
                                  emitDotOperand(body, loc, bElement, y));
          scf::YieldOp::create(body, loc, sum);
        });
    return loop.getResult(0);
  });
}

void lowerReduce(KernelEmulator &emulator, ReduceOp op) {
  RegType input = op.getInput().getType();
  const layout::RegisterLayout &inLayout = input.getRegisterLayout(),
                               &outLayout = getRegisterLayout(op.getResult());
  ArrayRef<int64_t> dims = op.getDims();
  SmallVector<int64_t> extents;
  int64_t count = 1;
  for (int64_t dim : dims) {
    extents.push_back(input.getShape()[dim]);
    count *= extents.back();
  }
  Value inBuffer = emulator.getBuffer(op.getInput());
  Location loc = op.getLoc();
  // result[j] = kind over the elements i that agree with j outside `dims`; the first one
  // starts the reduction.
  defineByElement(emulator, op, [&](OpBuilder &b, Value worker, Value local) {
    SmallVector<Value> j = emitLogicalIndex(b, loc, outLayout, worker, local);
    auto elementAt = [&](OpBuilder &nested, Value r) {
      SmallVector<Value> i = j;
      for (auto [dim, digit] : llvm::zip_equal(dims, emitDelinearize(nested, loc, r, extents)))
        i[dim] = digit;
      return loadElement(nested, loc, inBuffer, emitOwner(nested, loc, inLayout, i));
    };
    Value first = elementAt(b, arith::ConstantIndexOp::create(b, loc, 0));
    Value one = arith::ConstantIndexOp::create(b, loc, 1);
    auto loop = scf::ForOp::create(
        b, loc, one, arith::ConstantIndexOp::create(b, loc, count), one, ValueRange{first},
        [&](OpBuilder &body, Location, Value r, ValueRange acc) {
          Value next = emitReduceCombine(body, loc, op.getKind(), input.getElementType(), acc[0],
                                     elementAt(body, r));
          scf::YieldOp::create(body, loc, next);
        });
    return loop.getResult(0);
  });
}

/// tile.broadcast and tile.extract_slice: each result element is read from the input element
/// it comes from (`sourceIndex` of its index), at that element's owner.
void lowerLocalGather(KernelEmulator &emulator, Operation *op,
                      function_ref<SmallVector<Value>(OpBuilder &, ValueRange)> sourceIndex) {
  Value input = op->getOperand(0), result = op->getResult(0);
  const layout::RegisterLayout &inLayout = getRegisterLayout(input),
                               &outLayout = getRegisterLayout(result);
  Value inBuffer = emulator.getBuffer(input);
  Location loc = op->getLoc();
  defineByElement(emulator, op, [&](OpBuilder &b, Value worker, Value local) {
    SmallVector<Value> index = emitLogicalIndex(b, loc, outLayout, worker, local);
    return loadElement(b, loc, inBuffer, emitOwner(b, loc, inLayout, sourceIndex(b, index)));
  });
}

/// tile.lookup: each result element is the table element its code indexes (row-major), read at
/// that element's owner.
void lowerLookup(KernelEmulator &emulator, LookupOp op) {
  RegType table = op.getTable().getType();
  const layout::RegisterLayout &tableLayout = table.getRegisterLayout();
  Value tableBuffer = emulator.getBuffer(op.getTable());
  Value codesBuffer = emulator.getBuffer(op.getCodes());
  Location loc = op.getLoc();
  defineByElement(emulator, op, [&](OpBuilder &b, Value worker, Value local) {
    Value code = loadElement(b, loc, codesBuffer, {worker, local});
    Value entry = arith::IndexCastUIOp::create(b, loc, b.getIndexType(), code);
    SmallVector<Value> index = emitDelinearize(b, loc, entry, table.getShape());
    return loadElement(b, loc, tableBuffer, emitOwner(b, loc, tableLayout, index));
  });
}

void lowerBroadcast(KernelEmulator &emulator, BroadcastOp op) {
  ArrayRef<int64_t> inShape = op.getInput().getType().getShape();
  lowerLocalGather(emulator, op, [&](OpBuilder &b, ValueRange index) {
    SmallVector<Value> source(index);
    for (auto [dim, extent] : llvm::enumerate(inShape))
      if (extent == 1)
        source[dim] = arith::ConstantIndexOp::create(b, op.getLoc(), 0);
    return source;
  });
}

void lowerExtractSlice(KernelEmulator &emulator, ExtractSliceOp op) {
  lowerLocalGather(emulator, op, [&](OpBuilder &b, ValueRange index) {
    SmallVector<Value> source;
    for (auto [i, offset] : llvm::zip_equal(index, op.getOffsets()))
      source.push_back(arith::AddIOp::create(b, op.getLoc(), i,
                                             arith::ConstantIndexOp::create(b, op.getLoc(), offset)));
    return source;
  });
}

/// The bits of a storage value as a signless integer of the same width, and back.
Value toBits(OpBuilder &b, Location loc, Value value) {
  Type type = value.getType();
  if (isa<IntegerType>(type))
    return value;
  return arith::BitcastOp::create(b, loc, b.getIntegerType(type.getIntOrFloatBitWidth()), value);
}

/// tile.view with planes (TileComputeOps.td): every result element gathers its pieces, one per
/// plane for a code, 32 / width per plane for a word, with index arithmetic at run time.
void lowerPlanarView(KernelEmulator &emulator, ViewOp op) {
  RegType input = op.getInput().getType(), result = op.getResult().getType();
  ArrayRef<int64_t> planes = *op.getPlanes();
  bool toCodes = result.getElementBits() <= 8;
  RegType codes = toCodes ? result : input;
  int64_t locals = codes.getRegisterLayout().getLocalSize();
  int64_t q = 8 / planes.front();
  Value inBuffer = emulator.getBuffer(op.getInput());
  Location loc = op.getLoc();
  defineByElement(emulator, op, [&](OpBuilder &b, Value worker, Value local) {
    Type i32 = b.getI32Type();
    auto index = [&](int64_t value) -> Value {
      return arith::ConstantIndexOp::create(b, loc, value);
    };
    auto i32Const = [&](int64_t value) -> Value {
      return arith::ConstantIntOp::create(b, loc, i32, value);
    };
    auto div = [&](Value x, int64_t d) -> Value {
      return arith::DivUIOp::create(b, loc, x, index(d));
    };
    auto rem = [&](Value x, int64_t d) -> Value {
      return arith::RemUIOp::create(b, loc, x, index(d));
    };
    auto add = [&](Value x, Value y) -> Value { return arith::AddIOp::create(b, loc, x, y); };
    auto mul = [&](Value x, int64_t c) -> Value {
      return arith::MulIOp::create(b, loc, x, index(c));
    };
    // The input element at local `at` as i32 bits.
    auto load = [&](Value at) -> Value {
      Value bits = toBits(b, loc, loadElement(b, loc, inBuffer, {worker, at}));
      unsigned width = bits.getType().getIntOrFloatBitWidth();
      if (width < 32)
        bits = arith::ExtUIOp::create(b, loc, i32, bits);
      return bits;
    };
    auto asI32 = [&](Value x) -> Value {
      return arith::IndexCastUIOp::create(b, loc, i32, x);
    };
    Value value = i32Const(0);
    int64_t codeBit = 0;
    for (int64_t width : planes) {
      int64_t perByte = 8 / width, first = locals * codeBit / 32;
      int64_t planeWords = locals * width / 32, mask = (1 << width) - 1;
      if (toCodes) {
        // Code `local`: its group and byte, then this plane's bits of it.
        Value slot = div(local, q), c = rem(local, q);
        Value byte = rem(slot, 4), group = add(mul(div(slot, 4), q), c);
        Value word = load(add(index(first), div(group, perByte)));
        Value shift = asI32(add(mul(byte, 8), mul(rem(group, perByte), width)));
        Value piece = arith::AndIOp::create(
            b, loc, arith::ShRUIOp::create(b, loc, word, shift), i32Const(mask));
        value = arith::OrIOp::create(b, loc, value,
                                     arith::ShLIOp::create(b, loc, piece, i32Const(codeBit)));
      } else {
        // Word `local`, if it belongs to this plane: the bits of 4 * perByte codes.
        Value inPlane = arith::AndIOp::create(
            b, loc,
            arith::CmpIOp::create(b, loc, arith::CmpIPredicate::uge, local, index(first)),
            arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, local,
                                  index(first + planeWords)));
        // Clamped into the plane so that the loads stay inside for the other planes' words.
        Value planeWord = arith::SelectOp::create(
            b, loc, inPlane, arith::SubIOp::create(b, loc, local, index(first)), index(0));
        Value bits = i32Const(0);
        for (int64_t s = 0; s < perByte; ++s) {
          Value group = add(mul(planeWord, perByte), index(s));
          for (int64_t i = 0; i < 4; ++i) {
            Value code = load(add(mul(add(mul(div(group, q), 4), index(i)), q), rem(group, q)));
            Value piece = arith::AndIOp::create(
                b, loc, arith::ShRUIOp::create(b, loc, code, i32Const(codeBit)), i32Const(mask));
            bits = arith::OrIOp::create(
                b, loc, bits,
                arith::ShLIOp::create(b, loc, piece, i32Const(8 * i + s * width)));
          }
        }
        value = arith::SelectOp::create(b, loc, inPlane, bits, value);
      }
      codeBit += width;
    }
    Type storage = getStorageType(result.getElementType());
    unsigned storageBits = storage.getIntOrFloatBitWidth();
    if (storageBits < 32)
      value = arith::TruncIOp::create(b, loc, b.getIntegerType(storageBits), value);
    if (value.getType() != storage)
      value = arith::BitcastOp::create(b, loc, storage, value);
    return value;
  });
}

void lowerView(KernelEmulator &emulator, ViewOp op) {
  if (op.getPlanes())
    return lowerPlanarView(emulator, op);
  RegType input = op.getInput().getType(), result = op.getResult().getType();
  int64_t inBits = input.getElementBits(), outBits = result.getElementBits();
  Type outStorage = getStorageType(result.getElementType());
  Value inBuffer = emulator.getBuffer(op.getInput());
  Location loc = op.getLoc();
  // Worker w's registers are one bit string, local l at bits [l * b, (l + 1) * b). Result local
  // l' gathers the input locals j overlapping [l' * outBits, (l' + 1) * outBits): each shifted
  // to its place (left by j * inBits - l' * outBits, or right by the negation) and OR-ed.
  defineByElement(emulator, op, [&](OpBuilder &b, Value worker, Value local) {
    Type i64 = b.getI64Type();
    auto index = [&](OpBuilder &at, int64_t value) -> Value {
      return arith::ConstantIndexOp::create(at, loc, value);
    };
    Value start = arith::MulIOp::create(b, loc, local, index(b, outBits));
    Value first = arith::DivUIOp::create(b, loc, start, index(b, inBits));
    Value end = arith::AddIOp::create(b, loc, start, index(b, outBits - 1));
    Value last = arith::DivUIOp::create(b, loc, end, index(b, inBits));
    Value stop = arith::AddIOp::create(b, loc, last, index(b, 1));
    Value zero = arith::ConstantIntOp::create(b, loc, i64, 0);
    auto loop = scf::ForOp::create(
        b, loc, first, stop, index(b, 1), ValueRange{zero},
        [&](OpBuilder &body, Location, Value j, ValueRange acc) {
          Value element = loadElement(body, loc, inBuffer, {worker, j});
          Value piece = toBits(body, loc, element);
          if (inBits < 64)
            piece = arith::ExtUIOp::create(body, loc, i64, piece);
          Value position = arith::SubIOp::create(
              body, loc, arith::MulIOp::create(body, loc, j, index(body, inBits)), start);
          Value position64 = arith::IndexCastOp::create(body, loc, i64, position);
          Value zero64 = arith::ConstantIntOp::create(body, loc, i64, 0);
          Value left = arith::ShLIOp::create(body, loc, piece,
                                             arith::MaxSIOp::create(body, loc, position64, zero64));
          Value right = arith::ShRUIOp::create(
              body, loc, piece,
              arith::MaxSIOp::create(body, loc,
                                     arith::SubIOp::create(body, loc, zero64, position64), zero64));
          Value isLeft =
              arith::CmpIOp::create(body, loc, arith::CmpIPredicate::sge, position64, zero64);
          Value shifted = arith::SelectOp::create(body, loc, isLeft, left, right);
          scf::YieldOp::create(body, loc,
                               arith::OrIOp::create(body, loc, acc[0], shifted).getResult());
        });
    Value bits = loop.getResult(0);
    if (outBits < 64)
      bits = arith::TruncIOp::create(b, loc, b.getIntegerType(outBits), bits);
    if (bits.getType() != outStorage)
      bits = arith::BitcastOp::create(b, loc, outStorage, bits);
    return bits;
  });
}

} // namespace

void tile::lowerComputeOp(KernelEmulator &emulator, Operation *op) {
  Location loc = op->getLoc();
  TypeSwitch<Operation *>(op)
      .Case([&](SplatOp splat) {
        Type storage = getStorageType(splat.getResult().getType().getElementType());
        defineByElement(emulator, op, [&](OpBuilder &b, Value worker, Value) {
          Value value = emulator.scalarOf(b, loc, splat.getInput(), worker);
          if (value.getType() != storage)
            value = arith::BitcastOp::create(b, loc, storage, value);
          return value;
        });
      })
      .Case<AddOp, SubOp, MulOp, DivOp, MaximumOp, MinimumOp>([&](Operation *) {
        Type element = cast<RegType>(op->getResult(0).getType()).getElementType();
        Value lhs = emulator.getBuffer(op->getOperand(0));
        Value rhs = emulator.getBuffer(op->getOperand(1));
        defineByElement(emulator, op, [&](OpBuilder &b, Value worker, Value local) {
          return emitElementwiseArithmetic(b, loc, op, element,
                                           loadElement(b, loc, lhs, {worker, local}),
                                           loadElement(b, loc, rhs, {worker, local}));
        });
      })
      .Case<ExpOp, TanhOp>([&](Operation *) {
        Value input = emulator.getBuffer(op->getOperand(0));
        defineByElement(emulator, op, [&](OpBuilder &b, Value worker, Value local) {
          return emitElementwiseMath(b, loc, op, loadElement(b, loc, input, {worker, local}));
        });
      })
      .Case([&](IotaOp iota) {
        const layout::RegisterLayout &layout = getRegisterLayout(iota.getResult());
        Type element = iota.getResult().getType().getElementType();
        defineByElement(emulator, op, [&](OpBuilder &b, Value worker, Value local) {
          Value position = emitLogicalIndex(b, loc, layout, worker, local)[iota.getDim()];
          return emitIndexAsElement(b, loc, position, element);
        });
      })
      .Case([&](CastOp cast) {
        Type from = cast.getInput().getType().getElementType();
        Type to = cast.getResult().getType().getElementType();
        Value input = emulator.getBuffer(cast.getInput());
        defineByElement(emulator, op, [&](OpBuilder &b, Value worker, Value local) {
          return emitElementCast(b, loc, loadElement(b, loc, input, {worker, local}), from, to);
        });
      })
      .Case([&](ViewOp view) { lowerView(emulator, view); })
      .Case([&](DotOp dot) { lowerDot(emulator, dot); })
      .Case([&](ReduceOp reduce) { lowerReduce(emulator, reduce); })
      .Case([&](BroadcastOp broadcast) { lowerBroadcast(emulator, broadcast); })
      .Case([&](LookupOp lookup) { lowerLookup(emulator, lookup); })
      .Case([&](ExtractSliceOp slice) { lowerExtractSlice(emulator, slice); })
      .Default([&](Operation *) { llvm_unreachable("tile op without a CPU lowering"); });
}
