//===- SimdMemory.cpp - SIMD lowering: global loads and stores ---------------===//
//
// A register tensor moves between memory and registers in chunks: one 32-bit word of each
// lane (the locals of 8- and 16-bit elements packed as tile.view sees them; one local of
// 32-bit elements). With the view's strides known at compile time, the (worker, local) table
// of the layout gives every element's offset from the tile's origin, and each chunk is
// classified once:
//   contiguous   lane w's word is the w-th word of one run in memory: one vector load/store;
//   broadcast    every lane reads the same word (a replicated tensor): one scalar load,
//                splat; stored once;
//   strided      lane w's word starts at base + w * stride. Consecutive strided chunks that
//                are contiguous within each lane (a row per lane, as in row-major weights or
//                scales) are loaded as one vector per lane and transposed with shuffles;
//                otherwise gathered (scattered);
//   interleaved  each local of the chunk is a run of consecutive elements across the lanes
//                (lane w at start + w: a row of group-major scales or zero points whose lanes
//                hold consecutive columns): one vector load per local, interleaved into words
//                with shuffles (stores scatter);
//   elements     anything else: a gather (scatter) of the chunk's elements.
// These fast accesses need the whole tile inside the view. A run-time check of the tile's
// bounding box against the view's sizes chooses them or the general path, which gathers
// (scatters) every element with a mask (0 <= g_d < size_d; outside, loads read 0 and stores
// write nothing). Views with strides not known at compile time always take the general path.
//
//===----------------------------------------------------------------------===//
#include "Common/MemoryCodegen.h"
#include "SimdKernel.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace lowbit;
using namespace lowbit::tile;

namespace {

enum class ChunkKind { Contiguous, Broadcast, Strided, Interleaved, Elements };

/// Everything the accesses of one load or store know at compile time.
struct AccessPlan {
  Type memoryElement;
  int64_t lanes = 0, locals = 0, perChunk = 0, numChunks = 0;
  /// The logical index of every (worker, local), flattened [w][l][d].
  SmallVector<int64_t> indices;
  unsigned rank = 0;
  /// Offsets from the tile origin in elements ([w][l]), when the strides are constants.
  std::optional<SmallVector<int64_t>> relative;
  SmallVector<int64_t> low, high; // bounding box of the indices per dimension

  int64_t index(int64_t w, int64_t l, unsigned d) const {
    return indices[(w * locals + l) * rank + d];
  }
  int64_t rel(int64_t w, int64_t l) const { return (*relative)[w * locals + l]; }
  int64_t chunkCount(int64_t q) const { return std::min(perChunk, locals - q * perChunk); }
  /// vector<W x i32> for packed chunks, vector<W x element> for 32-bit elements.
  VectorType chunkType(MLIRContext *ctx) const {
    if (perChunk == 1)
      return VectorType::get({lanes}, memoryElement);
    return VectorType::get({lanes}, IntegerType::get(ctx, 32));
  }
};

AccessPlan makePlan(const SimdKernel &kernel, RegType type, const GlobalView &view) {
  AccessPlan plan;
  plan.memoryElement = cast<MemRefType>(view.memref.getType()).getElementType();
  const layout::RegisterLayout &layout = type.getRegisterLayout();
  plan.lanes = kernel.getNumWorkers();
  plan.locals = layout.getLocalSize();
  int64_t bits = plan.memoryElement.getIntOrFloatBitWidth();
  plan.perChunk = bits >= 32 ? 1 : 32 / bits;
  plan.numChunks = (plan.locals + plan.perChunk - 1) / plan.perChunk;
  plan.rank = layout.getRank();
  plan.low.assign(plan.rank, std::numeric_limits<int64_t>::max());
  plan.high.assign(plan.rank, std::numeric_limits<int64_t>::min());
  SmallVector<std::optional<int64_t>> strides =
      llvm::map_to_vector(view.strides, [](Value v) { return getConstantIntValue(v); });
  bool constantStrides = llvm::all_of(strides, [](auto s) { return s.has_value(); });
  SmallVector<int64_t> relative;
  for (int64_t w = 0; w < plan.lanes; ++w)
    for (int64_t l = 0; l < plan.locals; ++l) {
      SmallVector<int64_t, 4> index = layout.getLogicalIndex(w, l);
      int64_t offset = 0;
      for (unsigned d = 0; d < plan.rank; ++d) {
        plan.indices.push_back(index[d]);
        plan.low[d] = std::min(plan.low[d], index[d]);
        plan.high[d] = std::max(plan.high[d], index[d]);
        if (constantStrides)
          offset += index[d] * *strides[d];
      }
      relative.push_back(offset);
    }
  if (constantStrides)
    plan.relative = std::move(relative);
  return plan;
}

/// The kind of chunk q, its start offset in lane 0 and the lane stride (fast path only).
struct ChunkInfo {
  ChunkKind kind;
  int64_t start = 0, laneStride = 0;
};

ChunkInfo classify(const AccessPlan &plan, int64_t q) {
  int64_t first = q * plan.perChunk, count = plan.chunkCount(q);
  ChunkInfo info{ChunkKind::Elements, plan.rel(0, first), 0};
  bool withinLanes = count == plan.perChunk;
  for (int64_t w = 0; withinLanes && w < plan.lanes; ++w)
    for (int64_t t = 1; t < count; ++t)
      withinLanes &= plan.rel(w, first + t) == plan.rel(w, first) + t;
  if (!withinLanes) {
    bool acrossLanes = plan.perChunk > 1 && plan.lanes > 1;
    for (int64_t t = 0; acrossLanes && t < count; ++t)
      for (int64_t w = 1; w < plan.lanes; ++w)
        acrossLanes &= plan.rel(w, first + t) == plan.rel(0, first + t) + w;
    if (acrossLanes)
      info.kind = ChunkKind::Interleaved;
    return info;
  }
  int64_t stride = plan.lanes > 1 ? plan.rel(1, first) - plan.rel(0, first) : plan.perChunk;
  for (int64_t w = 0; w < plan.lanes; ++w)
    if (plan.rel(w, first) != info.start + w * stride)
      return info;
  info.laneStride = stride;
  info.kind = stride == 0                ? ChunkKind::Broadcast
              : stride == plan.perChunk ? ChunkKind::Contiguous
                                         : ChunkKind::Strided;
  return info;
}

Value indexConst(OpBuilder &b, Location loc, int64_t value) {
  return arith::ConstantIndexOp::create(b, loc, value);
}

Value i64Vector(OpBuilder &b, Location loc, ArrayRef<int64_t> values) {
  auto type = VectorType::get({static_cast<int64_t>(values.size())}, b.getI64Type());
  return arith::ConstantOp::create(b, loc, DenseElementsAttr::get(type, values));
}

Value boolVector(OpBuilder &b, Location loc, ArrayRef<bool> values) {
  auto type = VectorType::get({static_cast<int64_t>(values.size())}, b.getI1Type());
  return arith::ConstantOp::create(b, loc, DenseElementsAttr::get(type, values));
}

/// A vector<N x element> of `memoryElement` reinterpreted as the chunk type.
Value toChunk(OpBuilder &b, Location loc, const AccessPlan &plan, Value loaded) {
  VectorType chunkType = plan.chunkType(b.getContext());
  if (loaded.getType() == chunkType)
    return loaded;
  return vector::BitCastOp::create(b, loc, chunkType, loaded);
}

/// The chunk as a vector of memory elements (the inverse of toChunk).
Value fromChunk(OpBuilder &b, Location loc, const AccessPlan &plan, Value chunk) {
  auto type = VectorType::get({plan.lanes * plan.perChunk}, plan.memoryElement);
  if (chunk.getType() == type)
    return chunk;
  return vector::BitCastOp::create(b, loc, type, chunk);
}

/// sum_d offsets_d * stride_d: the tile origin's position in the memref.
Value emitTileBase(OpBuilder &b, Location loc, const GlobalView &view, ValueRange offsets) {
  SmallVector<Value> zeros(offsets.size());
  for (Value &zero : zeros)
    zero = indexConst(b, loc, 0);
  return emitViewOffset(b, loc, view, offsets);
}

/// Whether every element of the tile lies inside the view (an i1; its bounding box checked).
Value emitTileInBounds(OpBuilder &b, Location loc, const AccessPlan &plan,
                       const GlobalView &view, ValueRange offsets) {
  Value inBounds;
  for (unsigned d = 0; d < plan.rank; ++d) {
    Value low = arith::AddIOp::create(b, loc, offsets[d], indexConst(b, loc, plan.low[d]));
    Value high = arith::AddIOp::create(b, loc, offsets[d], indexConst(b, loc, plan.high[d]));
    Value ok = arith::AndIOp::create(
        b, loc,
        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::sge, low, indexConst(b, loc, 0)),
        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, high, view.sizes[d]));
    inBounds = inBounds ? arith::AndIOp::create(b, loc, inBounds, ok).getResult() : ok;
  }
  return inBounds ? inBounds : arith::ConstantIntOp::create(b, loc, 1, 1).getResult();
}

/// Position of every element of chunk q in the memref (relative to nothing: absolute) and
/// whether it is inside the view, as i64 and i1 vectors of W * perChunk entries (padding
/// entries of a short last chunk are masked off).
std::pair<Value, Value> emitChunkPositions(OpBuilder &b, Location loc, const AccessPlan &plan,
                                           const GlobalView &view, ValueRange offsets,
                                           int64_t q) {
  int64_t n = plan.lanes * plan.perChunk, first = q * plan.perChunk, count = plan.chunkCount(q);
  auto i64Type = VectorType::get({n}, b.getI64Type());
  SmallVector<bool> present(n);
  for (int64_t w = 0; w < plan.lanes; ++w)
    for (int64_t t = 0; t < plan.perChunk; ++t)
      present[w * plan.perChunk + t] = t < count;
  Value mask = boolVector(b, loc, present);
  Value position;
  for (unsigned d = 0; d < plan.rank; ++d) {
    SmallVector<int64_t> index(n, 0);
    for (int64_t w = 0; w < plan.lanes; ++w)
      for (int64_t t = 0; t < count; ++t)
        index[w * plan.perChunk + t] = plan.index(w, first + t, d);
    Value offset = arith::IndexCastOp::create(b, loc, b.getI64Type(), offsets[d]);
    Value g = arith::AddIOp::create(b, loc, vector::BroadcastOp::create(b, loc, i64Type, offset),
                                    i64Vector(b, loc, index));
    Value size = vector::BroadcastOp::create(
        b, loc, i64Type, arith::IndexCastOp::create(b, loc, b.getI64Type(), view.sizes[d]));
    Value zero = vector::BroadcastOp::create(
        b, loc, i64Type, arith::ConstantIntOp::create(b, loc, b.getI64Type(), 0));
    Value inside = arith::AndIOp::create(
        b, loc, arith::CmpIOp::create(b, loc, arith::CmpIPredicate::sge, g, zero),
        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, g, size));
    mask = arith::AndIOp::create(b, loc, mask, inside);
    Value stride = vector::BroadcastOp::create(
        b, loc, i64Type, arith::IndexCastOp::create(b, loc, b.getI64Type(), view.strides[d]));
    Value term = arith::MulIOp::create(b, loc, g, stride);
    position = position ? arith::AddIOp::create(b, loc, position, term).getResult() : term;
  }
  if (!position)
    position = i64Vector(b, loc, SmallVector<int64_t>(n, 0));
  return {position, mask};
}


/// Whether masked vector accesses of `element` must go through integers: LLVM promotes
/// narrow floats (bf16, f16, 8-bit formats) element by element in masked gathers and
/// scatters, calling conversion helpers (__truncsfbf2) that the JIT does not have.
bool needsIntegerAccess(Type element) {
  return !isa<IntegerType>(element) && element.getIntOrFloatBitWidth() < 32;
}

/// The addresses of memref[base + offsets[i]] as a vector of pointers to `integer` elements
/// (masked gathers and scatters of types LLVM's vector ops cannot take).
Value elementPointers(OpBuilder &b, Location loc, Value memref, Value base, Value offsets,
                      Type integer) {
  int64_t n = cast<VectorType>(offsets.getType()).getNumElements();
  auto ptrType = LLVM::LLVMPointerType::get(b.getContext());
  Value address = arith::IndexCastOp::create(
      b, loc, b.getI64Type(), memref::ExtractAlignedPointerAsIndexOp::create(b, loc, memref));
  Value pointer = LLVM::IntToPtrOp::create(b, loc, ptrType, address);
  Value start = arith::IndexCastOp::create(b, loc, b.getI64Type(), base);
  Value all = arith::AddIOp::create(b, loc, offsets,
                                    vector::BroadcastOp::create(b, loc, offsets.getType(), start));
  return LLVM::GEPOp::create(b, loc, VectorType::get({n}, ptrType), integer, pointer,
                             ValueRange{all});
}

/// memref[base + offsets[i]] for every i with mask[i], else 0: a vector<N x element>.
Value emitGather(OpBuilder &b, Location loc, Value memref, Value base, Value offsets, Value mask) {
  Type element = cast<MemRefType>(memref.getType()).getElementType();
  int64_t n = cast<VectorType>(offsets.getType()).getNumElements();
  auto type = VectorType::get({n}, element);
  if (!needsIntegerAccess(element))
    return vector::GatherOp::create(b, loc, type, memref, ValueRange{base}, offsets, mask,
                                    arith::ConstantOp::create(b, loc, b.getZeroAttr(type)));
  // Through the buffer's address and integer elements of the same width.
  Type integer = b.getIntegerType(element.getIntOrFloatBitWidth());
  auto integerType = VectorType::get({n}, integer);
  Value pointers = elementPointers(b, loc, memref, base, offsets, integer);
  Value zero = arith::ConstantOp::create(b, loc, b.getZeroAttr(integerType));
  Value gathered =
      LLVM::masked_gather::create(b, loc, integerType, pointers, mask, ValueRange{zero},
                                  static_cast<uint32_t>(element.getIntOrFloatBitWidth() / 8));
  return vector::BitCastOp::create(b, loc, type, gathered);
}

/// memref[base + offsets[i]] = values[i] for every i with mask[i].
void emitScatter(OpBuilder &b, Location loc, Value memref, Value base, Value offsets, Value mask,
                 Value values) {
  Type element = cast<MemRefType>(memref.getType()).getElementType();
  if (!needsIntegerAccess(element)) {
    vector::ScatterOp::create(b, loc, Type(), memref, ValueRange{base}, offsets, mask, values);
    return;
  }
  int64_t n = cast<VectorType>(offsets.getType()).getNumElements();
  Type integer = b.getIntegerType(element.getIntOrFloatBitWidth());
  Value pointers = elementPointers(b, loc, memref, base, offsets, integer);
  Value asIntegers = vector::BitCastOp::create(b, loc, VectorType::get({n}, integer), values);
  LLVM::masked_scatter::create(b, loc, asIntegers, pointers, mask,
                               static_cast<uint32_t>(element.getIntOrFloatBitWidth() / 8));
}

/// The general load: every chunk gathered element by element with a mask.
SmallVector<Value> emitGeneralLoad(OpBuilder &b, Location loc, const AccessPlan &plan,
                                   const GlobalView &view, ValueRange offsets) {
  SmallVector<Value> chunks;
  Value zero = indexConst(b, loc, 0);
  for (int64_t q = 0; q < plan.numChunks; ++q) {
    auto [position, mask] = emitChunkPositions(b, loc, plan, view, offsets, q);
    Value gathered = emitGather(b, loc, view.memref, zero, position, mask);
    chunks.push_back(toChunk(b, loc, plan, gathered));
  }
  return chunks;
}

/// Offsets of the elements of chunk q from the tile base, for a gather or scatter.
Value chunkElementOffsets(OpBuilder &b, Location loc, const AccessPlan &plan, int64_t q,
                          SmallVectorImpl<bool> &present) {
  int64_t first = q * plan.perChunk, count = plan.chunkCount(q);
  SmallVector<int64_t> offsets;
  for (int64_t w = 0; w < plan.lanes; ++w)
    for (int64_t t = 0; t < plan.perChunk; ++t) {
      offsets.push_back(t < count ? plan.rel(w, first + t) : 0);
      present.push_back(t < count);
    }
  return i64Vector(b, loc, offsets);
}

/// Concatenates vectors of one element type (pairwise, as a balanced tree).
Value concatenate(OpBuilder &b, Location loc, SmallVector<Value> parts) {
  while (parts.size() > 1) {
    SmallVector<Value> next;
    for (size_t i = 0; i + 1 < parts.size(); i += 2) {
      int64_t left = cast<VectorType>(parts[i].getType()).getNumElements();
      int64_t right = cast<VectorType>(parts[i + 1].getType()).getNumElements();
      SmallVector<int64_t> mask;
      for (int64_t e = 0; e < left + right; ++e)
        mask.push_back(e);
      next.push_back(vector::ShuffleOp::create(b, loc, parts[i], parts[i + 1], mask));
    }
    if (parts.size() % 2)
      next.push_back(parts.back());
    parts = std::move(next);
  }
  return parts.front();
}

/// rows[w] is vector<J x T> (one per lane); returns J vectors of one element per lane: vector
/// t holds element t of every row, in row order. When J is a power of two dividing the number
/// of rows, vector i first concatenates rows i, i + J, ... (W / J segments of J elements) and
/// log2(J) interleave stages transpose every segment's J x J block:
///   next[2j] = zip_lo(v[j], v[j + J/2]), next[2j + 1] = zip_hi(v[j], v[j + J/2])
/// (per segment: zip_lo(x, y) = x0 y0 x1 y1 ..., zip_hi the upper halves): the unpack
/// instructions of x86 and NEON, within 128-bit lanes for J = 4 and 32-bit elements.
/// Otherwise all rows are concatenated and each column picked by one shuffle.
SmallVector<Value> transposeRows(OpBuilder &b, Location loc, ArrayRef<Value> rows) {
  int64_t lanes = rows.size();
  int64_t group = cast<VectorType>(rows.front().getType()).getNumElements();
  SmallVector<Value> columns;
  if (!llvm::isPowerOf2_64(group) || lanes % group != 0) {
    Value all = concatenate(b, loc, SmallVector<Value>(rows.begin(), rows.end()));
    for (int64_t t = 0; t < group; ++t) {
      SmallVector<int64_t> mask;
      for (int64_t w = 0; w < lanes; ++w)
        mask.push_back(w * group + t);
      columns.push_back(vector::ShuffleOp::create(b, loc, all, all, mask));
    }
    return columns;
  }
  SmallVector<Value> v;
  for (int64_t i = 0; i < group; ++i) {
    SmallVector<Value> parts;
    for (int64_t r = i; r < lanes; r += group)
      parts.push_back(rows[r]);
    v.push_back(concatenate(b, loc, parts));
  }
  for (int64_t half = group / 2, stage = 1; stage < group; stage *= 2) {
    SmallVector<int64_t> low, high;
    for (int64_t segment = 0; segment < lanes; segment += group)
      for (int64_t e = 0; e < half; ++e) {
        low.append({segment + e, lanes + segment + e});
        high.append({segment + half + e, lanes + segment + half + e});
      }
    SmallVector<Value> next(group);
    for (int64_t j = 0; j < half; ++j) {
      next[2 * j] = vector::ShuffleOp::create(b, loc, v[j], v[j + half], low);
      next[2 * j + 1] = vector::ShuffleOp::create(b, loc, v[j], v[j + half], high);
    }
    v = std::move(next);
  }
  return v;
}

/// Chunk q of a tile inside the view whose lanes are not one contiguous run, by scalar loads
/// at constant offsets from the base: one load of each lane's word where the lane's elements
/// of the chunk are consecutive (a pair of 2-byte scales), else one load per element (bytes
/// of zero points, inserted into the chunk one by one). A masked gather of constant offsets
/// costs LLVM's x86 lowering an address vector and an extract per element besides the loads.
Value emitLaneLoads(OpBuilder &b, Location loc, const AccessPlan &plan, const GlobalView &view,
                    Value base, int64_t q) {
  int64_t first = q * plan.perChunk, count = plan.chunkCount(q);
  auto load = [&](int64_t w, int64_t t, int64_t elements) -> Value {
    Value address =
        arith::AddIOp::create(b, loc, base, indexConst(b, loc, plan.rel(w, first + t)));
    return vector::LoadOp::create(b, loc, VectorType::get({elements}, plan.memoryElement),
                                  view.memref, ValueRange{address});
  };
  bool wordRuns = count == plan.perChunk;
  for (int64_t w = 0; wordRuns && w < plan.lanes; ++w)
    for (int64_t t = 1; t < count; ++t)
      wordRuns &= plan.rel(w, first + t) == plan.rel(w, first) + t;
  if (wordRuns) {
    Type word = plan.chunkType(b.getContext()).getElementType();
    SmallVector<Value> words;
    for (int64_t w = 0; w < plan.lanes; ++w) {
      Value asWord =
          vector::BitCastOp::create(b, loc, VectorType::get({1}, word), load(w, 0, count));
      words.push_back(vector::ExtractOp::create(b, loc, asWord, 0));
    }
    return vector::FromElementsOp::create(b, loc, plan.chunkType(b.getContext()), words);
  }
  Type integer = b.getIntegerType(plan.memoryElement.getIntOrFloatBitWidth());
  Value zero = arith::ConstantOp::create(b, loc, b.getZeroAttr(integer));
  SmallVector<Value> elements;
  for (int64_t w = 0; w < plan.lanes; ++w)
    for (int64_t t = 0; t < plan.perChunk; ++t) {
      if (t >= count) {
        elements.push_back(zero);
        continue;
      }
      Value asInteger =
          vector::BitCastOp::create(b, loc, VectorType::get({1}, integer), load(w, t, 1));
      elements.push_back(vector::ExtractOp::create(b, loc, asInteger, 0));
    }
  Value all = vector::FromElementsOp::create(
      b, loc, VectorType::get({plan.lanes * plan.perChunk}, integer), elements);
  return vector::BitCastOp::create(b, loc, plan.chunkType(b.getContext()), all);
}

/// Chunk q whose locals are runs across the lanes (ChunkKind::Interleaved): one vector of
/// `lanes` elements per local (zeros past a short chunk's end), then log2(perChunk) stages of
/// interleaving pairs, each doubling the width of the elements, until every lane holds its word
/// (local t in bits [t * bits, (t + 1) * bits), as toChunk packs them).
Value emitInterleavedLoad(OpBuilder &b, Location loc, const AccessPlan &plan,
                          const GlobalView &view, Value base, int64_t q) {
  int64_t first = q * plan.perChunk, count = plan.chunkCount(q);
  int64_t width = plan.memoryElement.getIntOrFloatBitWidth();
  auto integers = [&](int64_t bits) {
    return VectorType::get({plan.lanes}, b.getIntegerType(bits));
  };
  SmallVector<Value> parts;
  for (int64_t t = 0; t < plan.perChunk; ++t) {
    if (t >= count) {
      parts.push_back(arith::ConstantOp::create(b, loc, b.getZeroAttr(integers(width))));
      continue;
    }
    Value address = arith::AddIOp::create(b, loc, base, indexConst(b, loc, plan.rel(0, first + t)));
    Value run = vector::LoadOp::create(b, loc, VectorType::get({plan.lanes}, plan.memoryElement),
                                       view.memref, ValueRange{address});
    parts.push_back(vector::BitCastOp::create(b, loc, integers(width), run));
  }
  for (; parts.size() > 1; width *= 2) {
    SmallVector<Value> next;
    for (size_t j = 0; j < parts.size(); j += 2) {
      Value pairs = vector::InterleaveOp::create(b, loc, parts[j], parts[j + 1]);
      next.push_back(vector::BitCastOp::create(b, loc, integers(2 * width), pairs));
    }
    parts = std::move(next);
  }
  return vector::BitCastOp::create(b, loc, plan.chunkType(b.getContext()), parts.front());
}

/// The loads of a tile known to lie inside the view (constant strides).
SmallVector<Value> emitFastLoad(OpBuilder &b, Location loc, const SimdKernel &kernel,
                                const AccessPlan &plan, const GlobalView &view, Value base) {
  SmallVector<Value> chunks(plan.numChunks);
  int64_t elementBits = plan.memoryElement.getIntOrFloatBitWidth();
  int64_t maxGroup = std::max<int64_t>(1, kernel.getTarget().vectorBits() / 32);
  auto address = [&](int64_t offset) {
    return arith::AddIOp::create(b, loc, base, indexConst(b, loc, offset)).getResult();
  };
  auto memoryVector = [&](int64_t elements) {
    return VectorType::get({elements}, plan.memoryElement);
  };
  for (int64_t q = 0; q < plan.numChunks;) {
    ChunkInfo info = classify(plan, q);
    switch (info.kind) {
    case ChunkKind::Contiguous: {
      Value loaded = vector::LoadOp::create(b, loc, memoryVector(plan.lanes * plan.perChunk),
                                            view.memref, ValueRange{address(info.start)});
      chunks[q++] = toChunk(b, loc, plan, loaded);
      continue;
    }
    case ChunkKind::Broadcast: {
      Value loaded = vector::LoadOp::create(b, loc, memoryVector(plan.perChunk), view.memref,
                                            ValueRange{address(info.start)});
      VectorType chunkType = plan.chunkType(b.getContext());
      Value scalar;
      if (plan.perChunk == 1) {
        scalar = vector::ExtractOp::create(b, loc, loaded, 0);
      } else {
        Value word = vector::BitCastOp::create(
            b, loc, VectorType::get({1}, chunkType.getElementType()), loaded);
        scalar = vector::ExtractOp::create(b, loc, word, 0);
      }
      chunks[q++] = vector::BroadcastOp::create(b, loc, chunkType, scalar);
      continue;
    }
    case ChunkKind::Strided: {
      // A row per lane: extend over the following chunks that continue every lane's run.
      int64_t group = 1;
      while (q + group < plan.numChunks && group < maxGroup &&
             (group + 1) * plan.perChunk * elementBits <= kernel.getTarget().vectorBits()) {
        ChunkInfo next = classify(plan, q + group);
        if (next.kind != ChunkKind::Strided || next.laneStride != info.laneStride ||
            next.start != info.start + group * plan.perChunk)
          break;
        ++group;
      }
      if (group > 1) {
        // One load per lane, then chunk t of lane w is element t of row w.
        VectorType chunkType = plan.chunkType(b.getContext());
        auto rowType = VectorType::get({group}, chunkType.getElementType());
        SmallVector<Value> rows;
        for (int64_t w = 0; w < plan.lanes; ++w) {
          Value row = vector::LoadOp::create(b, loc, memoryVector(group * plan.perChunk),
                                             view.memref,
                                             ValueRange{address(info.start + w * info.laneStride)});
          rows.push_back(row.getType() == rowType
                             ? row
                             : vector::BitCastOp::create(b, loc, rowType, row).getResult());
        }
        SmallVector<Value> columns = transposeRows(b, loc, rows);
        for (int64_t t = 0; t < group; ++t)
          chunks[q + t] = columns[t];
        q += group;
        continue;
      }
      [[fallthrough]];
    }
    case ChunkKind::Elements:
      chunks[q] = toChunk(b, loc, plan, emitLaneLoads(b, loc, plan, view, base, q));
      ++q;
      continue;
    case ChunkKind::Interleaved:
      chunks[q] = emitInterleavedLoad(b, loc, plan, view, base, q);
      ++q;
      continue;
    }
  }
  return chunks;
}

/// Runs `fast` when the tile lies inside the view and `general` otherwise, both producing
/// `types` (through an scf.if unless the answer is known at compile time).
SmallVector<Value> emitGuarded(OpBuilder &b, Location loc, Value inBounds, TypeRange types,
                               function_ref<SmallVector<Value>(OpBuilder &)> fast,
                               function_ref<SmallVector<Value>(OpBuilder &)> general) {
  if (std::optional<int64_t> known = getConstantIntValue(inBounds))
    return *known ? fast(b) : general(b);
  auto ifOp = scf::IfOp::create(b, loc, types, inBounds, /*addThenBlock=*/true,
                                /*addElseBlock=*/true);
  auto fill = [&](Block *block, function_ref<SmallVector<Value>(OpBuilder &)> body) {
    if (!block->empty() && block->back().hasTrait<OpTrait::IsTerminator>())
      block->back().erase();
    OpBuilder nested = OpBuilder::atBlockEnd(block);
    SmallVector<Value> values = body(nested);
    scf::YieldOp::create(nested, loc, values);
  };
  fill(ifOp.thenBlock(), fast);
  fill(ifOp.elseBlock(), general);
  return SmallVector<Value>(ifOp.getResults());
}

/// Loads the tile `result` at `offsets` of `view` (`knownInBounds`: it lies inside).
void lowerLoad(SimdKernel &kernel, Operation *op, Value result, const GlobalView &view,
               ValueRange offsets, bool knownInBounds) {
  RegType type = cast<RegType>(result.getType());
  AccessPlan plan = makePlan(kernel, type, view);
  Location loc = op->getLoc();
  OpBuilder b(op);
  auto general = [&](OpBuilder &nested) {
    return emitGeneralLoad(nested, loc, plan, view, offsets);
  };
  SmallVector<Value> chunks;
  if (!plan.relative) {
    chunks = general(b);
  } else {
    Value base = emitTileBase(b, loc, view, offsets);
    // in_bounds: the program guarantees the tile is inside; no check, no general path.
    Value inBounds = knownInBounds ? arith::ConstantIntOp::create(b, loc, 1, 1).getResult()
                                   : emitTileInBounds(b, loc, plan, view, offsets);
    SmallVector<Type> types(plan.numChunks, plan.chunkType(b.getContext()));
    chunks = emitGuarded(
        b, loc, inBounds, types,
        [&](OpBuilder &nested) { return emitFastLoad(nested, loc, kernel, plan, view, base); },
        general);
  }
  SimdReg reg;
  if (plan.perChunk == 1) {
    // 32-bit elements: one local per chunk, already a lane vector of the storage type.
    reg.form = SimdForm::Lanes;
    Type storage = getStorageType(type.getElementType());
    for (Value chunk : chunks)
      reg.vectors.push_back(
          chunk.getType() == kernel.laneVectorType(storage)
              ? chunk
              : arith::BitcastOp::create(b, loc, kernel.laneVectorType(storage), chunk)
                    .getResult());
  } else {
    reg.form = SimdForm::Words;
    reg.vectors = std::move(chunks);
  }
  kernel.define(result, std::move(reg));
  kernel.scheduleErase(op);
}

void emitGeneralStore(OpBuilder &b, Location loc, const AccessPlan &plan, const GlobalView &view,
                      ValueRange offsets, ArrayRef<Value> chunks) {
  Value zero = indexConst(b, loc, 0);
  for (int64_t q = 0; q < plan.numChunks; ++q) {
    auto [position, mask] = emitChunkPositions(b, loc, plan, view, offsets, q);
    emitScatter(b, loc, view.memref, zero, position, mask, fromChunk(b, loc, plan, chunks[q]));
  }
}

void emitFastStore(OpBuilder &b, Location loc, const AccessPlan &plan, const GlobalView &view,
                   Value base, ArrayRef<Value> chunks) {
  auto address = [&](int64_t offset) {
    return arith::AddIOp::create(b, loc, base, indexConst(b, loc, offset)).getResult();
  };
  for (int64_t q = 0; q < plan.numChunks; ++q) {
    ChunkInfo info = classify(plan, q);
    Value elements = fromChunk(b, loc, plan, chunks[q]);
    switch (info.kind) {
    case ChunkKind::Contiguous:
      vector::StoreOp::create(b, loc, elements, view.memref, ValueRange{address(info.start)});
      break;
    case ChunkKind::Broadcast: {
      // Every lane holds the same chunk: lane 0 writes it.
      SmallVector<int64_t> firstLane;
      for (int64_t t = 0; t < plan.perChunk; ++t)
        firstLane.push_back(t);
      Value lane0 = vector::ShuffleOp::create(b, loc, elements, elements, firstLane);
      vector::StoreOp::create(b, loc, lane0, view.memref, ValueRange{address(info.start)});
      break;
    }
    case ChunkKind::Strided:
    case ChunkKind::Interleaved:
    case ChunkKind::Elements: {
      SmallVector<bool> present;
      Value offsets = chunkElementOffsets(b, loc, plan, q, present);
      emitScatter(b, loc, view.memref, base, offsets, boolVector(b, loc, present), elements);
      break;
    }
    }
  }
}

/// Stores the tile `value` at `offsets` of `view` (`knownInBounds`: it lies inside).
void lowerStore(SimdKernel &kernel, Operation *op, Value value, const GlobalView &view,
                ValueRange offsets, bool knownInBounds) {
  RegType type = cast<RegType>(value.getType());
  AccessPlan plan = makePlan(kernel, type, view);
  Location loc = op->getLoc();
  OpBuilder b(op);
  SmallVector<Value> chunks;
  if (plan.perChunk == 1) {
    for (Value lane : kernel.get(b, value, SimdForm::Lanes).vectors)
      chunks.push_back(lane.getType() == plan.chunkType(b.getContext())
                           ? lane
                           : arith::BitcastOp::create(b, loc, plan.chunkType(b.getContext()),
                                                      lane)
                                 .getResult());
  } else {
    const SimdReg &words = kernel.get(b, value, SimdForm::Words);
    chunks.assign(words.vectors.begin(), words.vectors.end());
  }
  if (!plan.relative) {
    emitGeneralStore(b, loc, plan, view, offsets, chunks);
  } else {
    Value base = emitTileBase(b, loc, view, offsets);
    Value inBounds = knownInBounds ? arith::ConstantIntOp::create(b, loc, 1, 1).getResult()
                                   : emitTileInBounds(b, loc, plan, view, offsets);
    emitGuarded(
        b, loc, inBounds, TypeRange(),
        [&](OpBuilder &nested) {
          emitFastStore(nested, loc, plan, view, base, chunks);
          return SmallVector<Value>();
        },
        [&](OpBuilder &nested) {
          emitGeneralStore(nested, loc, plan, view, offsets, chunks);
          return SmallVector<Value>();
        });
  }
  kernel.scheduleErase(op);
}

} // namespace

void tile::lowerSimdMemoryOp(SimdKernel &kernel, Operation *op) {
  TypeSwitch<Operation *>(op)
      .Case([&](GlobalViewOp view) {
        kernel.setView(view.getResult(), getGlobalView(view));
        kernel.scheduleErase(view);
      })
      .Case([&](LoadGlobalOp load) {
        lowerLoad(kernel, load, load.getResult(), kernel.getView(load.getView()),
                  load.getOffsets(), load.getInBounds());
      })
      .Case([&](StoreGlobalOp store) {
        lowerStore(kernel, store, store.getValue(), kernel.getView(store.getView()),
                   store.getOffsets(), store.getInBounds());
      })
      .Case([&](AllocSharedOp alloc) {
        kernel.setView(alloc.getResult(), kernel.allocateShared(alloc));
        kernel.scheduleErase(alloc);
      })
      // Shared tensors live in the block's stack frame; tiles of them must lie inside (as in
      // every lowering), so no checks.
      .Case([&](LoadSharedOp load) {
        lowerLoad(kernel, load, load.getResult(), kernel.getView(load.getSource()),
                  load.getOffsets(), /*knownInBounds=*/true);
      })
      .Case([&](StoreSharedOp store) {
        lowerStore(kernel, store, store.getValue(), kernel.getView(store.getDest()),
                   store.getOffsets(), /*knownInBounds=*/true);
      })
      .Case([&](PrefetchGlobalOp prefetch) {
        OpBuilder b(prefetch);
        emitPrefetch(b, prefetch.getLoc(), kernel.getView(prefetch.getView()),
                     prefetch.getOffsets(), prefetch.getSizes());
        kernel.scheduleErase(prefetch);
      });
}
