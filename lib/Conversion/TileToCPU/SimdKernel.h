//===- SimdKernel.h - SIMD lowering of a tile kernel body ---------*- C++ -*-===//
//
// The optimizing CPU lowering of tile kernels: the W workers of a block are the W 32-bit
// lanes of a vector (8 on AVX2, 16 on AVX-512, 4 on NEON), so a register tensor
// `!tile.reg<S x T, L>` becomes vector registers and every tile op becomes vector code for
// all workers at once. Layouts are static, so every layout question (who holds what, which
// elements are contiguous in memory, which products a dot pairs) is answered at compile time
// from the layout's (worker, local) -> index table, and the emitted code is straight-line
// vector code per op, unrolled over the locals.
//
// A register tensor is held in one of three forms (SimdReg):
//   Lanes   one vector<W x C> per local l: lane w holds local l of worker w (C the storage
//           type: f32, f16, i8, i4, ...). Arithmetic, casts, dots of floats work on this form.
//   Words   the workers' registers as tile.view sees them: each worker's locals packed LSB
//           first (local l at bits [l*b, (l+1)*b)), cut into 32-bit words, one vector<W x i32>
//           per word. Loads and stores of sub-32-bit data and tile.view work on this form.
//   Bytes   integer codes of at most 8 bits, one per byte: vector<W x i32> whose byte i holds
//           (zero-extended) the code of local byteLocals[4u + i]. The integer dot consumes this
//           form (vpmaddubsw / vpdpbusd take 4 bytes per lane); the byte order is whatever
//           unpacks cheapest (for 4-bit codes, the low nibbles then the high nibbles of a word),
//           and the dot pairs each byte with the matching byte of the other operand.
// Values are converted between forms where a consumer needs another one (before the consumer,
// cached per block).
//
// What the lowering accepts is checked up front by checkKernelForSimd; kernels it rejects are
// emulated (KernelEmulator) instead.
//
//===----------------------------------------------------------------------===//
#ifndef LOWBIT_CONVERSION_TILETOCPU_SIMDKERNEL_H
#define LOWBIT_CONVERSION_TILETOCPU_SIMDKERNEL_H

#include "Common/TileCodegen.h"
#include "lowbit/Target/CpuTarget.h"
#include "tile/TileDialect.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/PatternMatch.h"
#include "llvm/ADT/BitVector.h"
#include "llvm/ADT/DenseMap.h"

#include <map>

namespace lowbit::tile {

enum class SimdForm { Lanes, Words, Bytes };

/// A register tensor in vector registers (see the file comment).
struct SimdReg {
  SimdForm form = SimdForm::Lanes;
  llvm::SmallVector<mlir::Value> vectors;
  /// Bytes form only: 4 entries per vector, the local in byte i of vector u (-1: a zero byte).
  llvm::SmallVector<int64_t> byteLocals;
};

/// The form in which scf.for carries and scf.if yields a register tensor of `type`: Words for
/// elements of fewer than 8 bits, Lanes otherwise.
SimdForm getCarriedForm(RegType type);

/// Why the SIMD lowering cannot lower `kernel` for `target` (empty when it can): shared
/// tensors other than strided ones of 8-, 16- or 32-bit elements, async copies,
/// tile.worker_index, dots or reductions that move data across lanes,
/// element types of more than 32 bits in views.
std::string explainNotSimdLowerable(KernelOp kernel, const CpuTarget &target);

class SimdKernel {
public:
  SimdKernel(mlir::RewriterBase &rewriter, mlir::func::FuncOp func, int64_t numWorkers,
             mlir::ValueRange blockIndices, const CpuTarget &target);

  /// Lowers every tile op of the body (the kernel must have passed explainNotSimdLowerable).
  void run();

  // --- For the op lowerings ------------------------------------------------------------------
  int64_t getNumWorkers() const { return numWorkers; }
  const CpuTarget &getTarget() const { return target; }
  /// vector<W x element>.
  mlir::VectorType laneVectorType(mlir::Type element) const;
  /// vector<W x i32>.
  mlir::VectorType wordVectorType() const;
  /// `value` (a register tensor) in `form`, converted at `b`'s insertion point if needed.
  const SimdReg &get(mlir::OpBuilder &b, mlir::Value value, SimdForm form);
  /// The held form of `value` as defined (no conversion).
  const SimdReg &getDefined(mlir::Value value) const { return values.find(value)->second; }
  void define(mlir::Value value, SimdReg reg) { values[value] = std::move(reg); }
  const GlobalView &getView(mlir::Value view) const { return views.find(view)->second; }
  void setView(mlir::Value value, GlobalView view) { views[value] = std::move(view); }
  /// The tile op is lowered: erase it once the whole body is done.
  void scheduleErase(mlir::Operation *op) { erased.push_back(op); }
  /// The stack buffer of a shared tensor (allocated at the function's entry: one per block)
  /// as a view over its elements.
  GlobalView allocateShared(AllocSharedOp alloc);
  /// A stack buffer (memref<N x storage>, allocated at the function's entry) holding the
  /// entries of `table`, a register tensor every lane holds whole at the locals `entryLocals`
  /// (entry e at entryLocals[e]), stored once right after the table's vectors are defined;
  /// made once per table.
  mlir::Value getTableCopy(mlir::Value table, llvm::ArrayRef<int64_t> entryLocals);

private:
  void lowerBlock(mlir::Block &block);
  void lowerOp(mlir::Operation *op);
  void lowerFor(mlir::scf::ForOp forOp);
  void lowerIf(mlir::scf::IfOp ifOp);
  /// The yield's operands with register tensors flattened into their carried vectors.
  llvm::SmallVector<mlir::Value> flattenYield(mlir::OpBuilder &b, mlir::Operation *yield);
  void finish();
  SimdReg convert(mlir::OpBuilder &b, mlir::Location loc, mlir::Value value, SimdForm form);

  mlir::RewriterBase &rewriter;
  mlir::func::FuncOp func;
  int64_t numWorkers;
  llvm::SmallVector<mlir::Value> blockIndices;
  const CpuTarget &target;
  llvm::DenseMap<mlir::Value, SimdReg> values;
  /// Conversions already made, per (value, form, block of the insertion point).
  std::map<std::tuple<void *, int, void *>, SimdReg> conversions;
  llvm::DenseMap<mlir::Value, GlobalView> views;
  llvm::DenseMap<mlir::Value, mlir::Value> tableCopies;
  llvm::SmallVector<mlir::Operation *> erased;
  llvm::SmallVector<std::pair<mlir::Block *, llvm::BitVector>> erasedArguments;
};

// --- Form conversions (SimdForms.cpp) -----------------------------------------------------------

/// Words -> Lanes: local l is bits [l*b, (l+1)*b) of the worker's words.
llvm::SmallVector<mlir::Value> wordsToLanes(mlir::OpBuilder &b, mlir::Location loc,
                                            const SimdKernel &kernel, RegType type,
                                            llvm::ArrayRef<mlir::Value> words);
/// Lanes -> Words (the inverse).
llvm::SmallVector<mlir::Value> lanesToWords(mlir::OpBuilder &b, mlir::Location loc,
                                            const SimdKernel &kernel, RegType type,
                                            llvm::ArrayRef<mlir::Value> lanes);
/// Words of codes of at most 8 bits -> Bytes, by the cheapest unpacking of the width (shift and
/// mask for 1, 2, 4 bits; identity for 8; through lanes otherwise).
SimdReg wordsToBytes(mlir::OpBuilder &b, mlir::Location loc, const SimdKernel &kernel,
                     RegType type, llvm::ArrayRef<mlir::Value> words);
/// Lanes -> Bytes in local order.
SimdReg lanesToBytes(mlir::OpBuilder &b, mlir::Location loc, const SimdKernel &kernel,
                     RegType type, llvm::ArrayRef<mlir::Value> lanes);
/// Bytes -> Lanes.
llvm::SmallVector<mlir::Value> bytesToLanes(mlir::OpBuilder &b, mlir::Location loc,
                                            const SimdKernel &kernel, RegType type,
                                            const SimdReg &bytes);

// --- Helpers (SimdForms.cpp) --------------------------------------------------------------------

/// A storage vector vector<W x C> (C of at most 32 bits) as its bits, zero-extended to i32.
mlir::Value bitsAsI32(mlir::OpBuilder &b, mlir::Location loc, mlir::Value lane, int64_t lanes);
/// A constant vector<W x i32> with every lane `value`.
mlir::Value splatI32(mlir::OpBuilder &b, mlir::Location loc, int64_t lanes, int64_t value);
/// Emits `scalarBody` (arith/math ops on scalars of the operands' element types) once and
/// applies it to every lane of `operands` (vectors of one length): the scalar code is cloned
/// with vector types, constants becoming splats. Every op the body creates must be
/// element-wise (arith, math).
mlir::Value emitVectorized(mlir::OpBuilder &b, mlir::Location loc, mlir::ValueRange operands,
                           llvm::function_ref<mlir::Value(mlir::OpBuilder &, mlir::ValueRange)>
                               scalarBody);
/// For every local of `layout`, the lane-independent local index of `index(w, l)` in
/// `source` held by lane w itself, or -1 when some lane does not hold it or holds it at another
/// local. `index` is called for each (w, l).
int64_t findUniformLocal(const layout::RegisterLayout &source, int64_t numWorkers,
                         llvm::function_ref<llvm::SmallVector<int64_t, 4>(int64_t worker)> index);

// --- Op lowerings (SimdMemory.cpp, SimdCompute.cpp, SimdDot.cpp) ------------------------------

void lowerSimdMemoryOp(SimdKernel &kernel, mlir::Operation *op);
void lowerSimdComputeOp(SimdKernel &kernel, mlir::Operation *op);
void lowerSimdDot(SimdKernel &kernel, DotOp op);

// --- Instruction families (SimdIsa.cpp) ---------------------------------------------------------

/// How the integer dot of byte operands is computed on `target`.
enum class Int8DotKind {
  /// vpdpbusd: u8 x s8, 4 products per lane summed into i32, no intermediate limit.
  Vnni,
  /// vpmaddubsw (u8 x s8 pairs summed in i16, saturating) chained in i16, then vpmaddwd.
  MaddUbs,
  /// Plain vector arithmetic (extend, multiply, add), any target.
  Generic,
};
Int8DotKind getInt8DotKind(const CpuTarget &target, int64_t numWorkers);

/// The value of every code of a low-bit element type (lib/Reference's decoding), code order.
llvm::SmallVector<double> getCodeValues(mlir::Type format);

/// Whether tile.cast takes `from` codes to `to` by one vpermps lookup of their 16 values (4-bit
/// floats to f32 with 16 lanes on AVX-512), cheaper there than the field decode.
bool castsByPermute(const SimdKernel &kernel, mlir::Type from, mlir::Type to);

/// vpmaddubsw(u, s): vector<W x i32> operands seen as bytes; result i16 pairs as vector<W x i32>.
mlir::Value emitMaddUbs(mlir::OpBuilder &b, mlir::Location loc, const CpuTarget &target,
                        mlir::Value u, mlir::Value s);
/// Adds two vectors of i16 pairs (seen as vector<W x i32>) with wrap-around.
mlir::Value emitAddI16(mlir::OpBuilder &b, mlir::Location loc, mlir::Value x, mlir::Value y);
/// vpmaddwd(x, y): x, y vector<W x i32> seen as i16 pairs; each lane's two products summed
/// into i32 (exact).
mlir::Value emitMaddWd(mlir::OpBuilder &b, mlir::Location loc, const CpuTarget &target,
                       mlir::Value x, mlir::Value y);
/// vpmaddwd(x, 1): the i16 pairs of each lane summed into i32.
mlir::Value emitSumI16Pairs(mlir::OpBuilder &b, mlir::Location loc, const CpuTarget &target,
                            mlir::Value x);
/// acc + vpdpbusd(u, s).
mlir::Value emitDpbusd(mlir::OpBuilder &b, mlir::Location loc, const CpuTarget &target,
                       mlir::Value acc, mlir::Value u, mlir::Value s);
/// acc + sum over the 4 bytes of each lane of u[i] (zero-extended) * s[i] (sign-extended),
/// with plain vector arithmetic.
mlir::Value emitGenericByteDot(mlir::OpBuilder &b, mlir::Location loc, mlir::Value acc,
                               mlir::Value u, mlir::Value s);

} // namespace lowbit::tile

#endif // LOWBIT_CONVERSION_TILETOCPU_SIMDKERNEL_H
