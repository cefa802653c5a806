//===- MemoryCodegen.cpp - Global views and shared tensors as memref accesses ===//
//
// Shared by tile-to-cpu (TileToCPU/MemoryOps.cpp, one worker at a time) and tile-to-rocdl
// (TileToROCDL/MemoryPatterns.cpp, one thread per worker); see MemoryCodegen.h.
//
//===----------------------------------------------------------------------===//
#include "Common/MemoryCodegen.h"
#include "Common/FormatCodegen.h"
#include "Common/LayoutCodegen.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "llvm/ADT/MapVector.h"
#include "llvm/Support/MathExtras.h"

using namespace mlir;
using namespace lowbit;
using namespace lowbit::tile;

GlobalView tile::getGlobalView(GlobalViewOp view) {
  return GlobalView{view.getSource(), SmallVector<Value>(view.getSizes()),
                    SmallVector<Value>(view.getStrides())};
}

SmallVector<Value> tile::emitAddOffsets(OpBuilder &b, Location loc, ValueRange offsets,
                                        ValueRange index) {
  SmallVector<Value> sum;
  for (auto [offset, i] : llvm::zip_equal(offsets, index))
    sum.push_back(arith::AddIOp::create(b, loc, offset, i));
  return sum;
}

Value tile::emitBitcastTo(OpBuilder &b, Location loc, Value value, Type type) {
  if (value.getType() == type)
    return value;
  return arith::BitcastOp::create(b, loc, type, value);
}

Value tile::emitInBounds(OpBuilder &b, Location loc, const GlobalView &view, ValueRange g) {
  Value zero = arith::ConstantIndexOp::create(b, loc, 0);
  Value inBounds;
  for (auto [position, size] : llvm::zip_equal(g, view.sizes)) {
    Value low = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::sge, position, zero);
    Value high = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, position, size);
    Value both = arith::AndIOp::create(b, loc, low, high);
    inBounds = inBounds ? arith::AndIOp::create(b, loc, inBounds, both).getResult() : both;
  }
  return inBounds;
}

Value tile::emitViewOffset(OpBuilder &b, Location loc, const GlobalView &view, ValueRange g) {
  Value offset;
  for (auto [position, stride] : llvm::zip_equal(g, view.strides)) {
    Value term = arith::MulIOp::create(b, loc, position, stride);
    offset = offset ? arith::AddIOp::create(b, loc, offset, term).getResult() : term;
  }
  return offset;
}

Value tile::emitMaskedLoad(OpBuilder &b, Location loc, const GlobalView &view, ValueRange g,
                           Type storage) {
  Value inBounds = emitInBounds(b, loc, view, g);
  auto ifOp = scf::IfOp::create(
      b, loc, inBounds,
      [&](OpBuilder &then, Location) {
        Value element =
            memref::LoadOp::create(then, loc, view.memref, emitViewOffset(then, loc, view, g));
        scf::YieldOp::create(then, loc, emitBitcastTo(then, loc, element, storage));
      },
      [&](OpBuilder &otherwise, Location) {
        scf::YieldOp::create(otherwise, loc, zeroConstant(otherwise, loc, storage));
      });
  return ifOp.getResult(0);
}

void tile::emitMaskedStore(OpBuilder &b, Location loc, const GlobalView &view, ValueRange g,
                           function_ref<Value(OpBuilder &)> value) {
  Type memoryType = cast<MemRefType>(view.memref.getType()).getElementType();
  scf::IfOp::create(b, loc, emitInBounds(b, loc, view, g), [&](OpBuilder &then, Location) {
    Value element = emitBitcastTo(then, loc, value(then), memoryType);
    memref::StoreOp::create(then, loc, element, view.memref, emitViewOffset(then, loc, view, g));
    scf::YieldOp::create(then, loc);
  });
}

void tile::emitCopyElement(OpBuilder &b, Location loc, const GlobalView &view, ValueRange offsets,
                           Value dest, const layout::SharedLayout &shared, ArrayRef<int64_t> shape,
                           Value flat, Type storage) {
  SmallVector<Value> index = emitDelinearize(b, loc, flat, shape);
  Value value = emitMaskedLoad(b, loc, view, emitAddOffsets(b, loc, offsets, index), storage);
  memref::StoreOp::create(b, loc, value, dest, emitSharedOffset(b, loc, shared, index));
}

void tile::emitPrefetch(OpBuilder &b, Location loc, const GlobalView &view, ValueRange offsets,
                        ArrayRef<int64_t> sizes) {
  constexpr int64_t kLineBytes = 64, kMaxLines = 64, kMaxElements = int64_t(1) << 16;
  int64_t volume = 1;
  for (int64_t size : sizes)
    if ((volume *= size) > kMaxElements)
      return;
  SmallVector<int64_t> strides;
  for (Value stride : view.strides) {
    std::optional<int64_t> constant = getConstantIntValue(stride);
    if (!constant)
      return;
    strides.push_back(*constant);
  }
  int64_t elementBytes =
      std::max<int64_t>(1, cast<MemRefType>(view.memref.getType()).getElementTypeBitWidth() / 8);
  // The first element (in the box's row-major order) of every line the box touches.
  llvm::MapVector<int64_t, int64_t> lines;
  SmallVector<int64_t> index(sizes.size(), 0);
  while (true) {
    int64_t offset = 0;
    for (auto [i, stride] : llvm::zip_equal(index, strides))
      offset += i * stride;
    lines.insert({llvm::divideFloorSigned(offset * elementBytes, kLineBytes), offset});
    if (static_cast<int64_t>(lines.size()) > kMaxLines)
      return;
    int64_t d = static_cast<int64_t>(sizes.size()) - 1;
    while (d >= 0 && ++index[d] == sizes[d])
      index[d--] = 0;
    if (d < 0)
      break;
  }
  // No clamp to the buffer: a prefetch never faults (x86 PREFETCHh, AArch64 PRFM), and one
  // past the end costs a wasted line at most.
  Value base = emitViewOffset(b, loc, view, offsets);
  for (auto [line, offset] : lines) {
    Value position = arith::AddIOp::create(b, loc, base,
                                           arith::ConstantIndexOp::create(b, loc, offset));
    memref::PrefetchOp::create(b, loc, view.memref, ValueRange{position}, /*isWrite=*/false,
                               /*localityHint=*/3, /*isDataCache=*/true);
  }
}
