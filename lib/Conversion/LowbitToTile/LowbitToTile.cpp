//===- LowbitToTile.cpp - The lowbit-to-tile pass ---------------------------===//
//
// Every scheduled lowbit.attention becomes the fused attention kernels (AttentionKernel.cpp)
// and the host code that prepares their queries, mask and sinks and launches them.
// Every scheduled lowbit.mpgemm becomes tile kernels (MpgemmKernel.cpp, MpgemmWeights.cpp) and
// host code around a tile.launch: each operand's buffer (bufferization.to_buffer, flattened to
// 1-d), the result's buffer (memref.alloc, bufferization.to_tensor after the launch). Low-bit
// operands are handed over as their interchange bytes: the bytes a lowbit.unpack read
// (function arguments, after lowbit-interchange-abi), or a lowbit.pack of the value. Constant
// weights with packing = prepacked are re-laid-out here, at compile time; other run-time
// weights not marked `lowbit.prepack`, by the prepack kernel on every call.
//
// Weight arguments marked `lowbit.prepack` get a generated entry point: every function with
// such arguments gets a companion `@<function>_prepack` that takes them (in order) and returns
// them re-laid-out, and the function takes those results in their place. When the argument's
// ops take a prepacked schedule, the companion runs a tile kernel (buildPrepackKernel) and
// the function's kernels read the words it made; when none does (the reference lowering, or
// a schedule with interchange packing), it returns the bytes unchanged and the function reads
// them as before. So every caller can always call the companion once and pass what it returns.
// The prepacking kernel (buildPrepackKernel) reads the bytes once and writes the words once.
//
//===----------------------------------------------------------------------===//
#include "lowbit/Conversion/Passes.h"
#include "lowbit/Transforms/AttentionSchedule.h"
#include "lowbit/Transforms/MpgemmSchedule.h"
#include "lowbit/Transforms/Passes.h"

#include "AttentionKernel.h"
#include "HostBuffers.h"
#include "LowbitToLinalg/Codegen.h"
#include "LowbitToLinalg/Patterns.h"
#include "MpgemmKernel.h"

#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/SymbolTable.h"
#include "llvm/ADT/MapVector.h"

#include <cstring>

namespace lowbit {
#define GEN_PASS_DEF_LOWBITTOTILE
#include "lowbit/Conversion/Passes.h.inc"
} // namespace lowbit

using namespace mlir;
using namespace lowbit;
using namespace lowbit::tile;

namespace {

/// The codes of a constant low-bit tensor, zero-extended to bytes, row-major.
std::optional<std::vector<uint8_t>> constantCodes(Value value) {
  DenseElementsAttr attr;
  if (!matchPattern(value, m_Constant(&attr)))
    return std::nullopt;
  unsigned bits = getLowbitWidth(attr.getElementType());
  if (bits == 0)
    return std::nullopt;
  std::vector<uint8_t> codes;
  codes.reserve(attr.getNumElements());
  uint32_t mask = (uint32_t(1) << bits) - 1;
  // Elements of 2 to 8 bits are stored a byte each (1-bit ones packed): their bytes.
  if (bits > 1 &&
      (isa<IntegerType>(attr.getElementType()) || isa<mlir::FloatType>(attr.getElementType()))) {
    ArrayRef<char> raw = attr.getRawData();
    if (attr.isSplat()) {
      codes.assign(attr.getNumElements(), static_cast<uint8_t>(raw.front() & mask));
      return codes;
    }
    for (char byte : raw)
      codes.push_back(static_cast<uint8_t>(byte & mask));
    return codes;
  }
  if (isa<IntegerType>(attr.getElementType())) {
    for (const APInt &v : attr.getValues<APInt>())
      codes.push_back(static_cast<uint8_t>(v.getZExtValue() & mask));
  } else if (isa<mlir::FloatType>(attr.getElementType())) {
    for (const APFloat &v : attr.getValues<APFloat>())
      codes.push_back(static_cast<uint8_t>(v.bitcastToAPInt().getZExtValue() & mask));
  } else {
    return std::nullopt;
  }
  return codes;
}

/// Per-group values (scales or zero points, [N, G] row-major) of a dense constant, re-laid-out
/// group-major ([G, N]) at compile time, so that a block of columns reads each group's values
/// as whole vectors: whole-byte builtin types as they are, 8-bit low-bit types as their bytes,
/// integer zero-point codes as their values in bytes (signed ones sign-extended). `element` is
/// the buffer's element type. Null when `values` is not such a constant.
DenseElementsAttr groupMajorConstant(Value values, int64_t n, int64_t groups, bool integerCodes,
                                     Type &element) {
  DenseElementsAttr attr;
  if (!matchPattern(values, m_Constant(&attr)) || attr.getNumElements() != n * groups)
    return {};
  MLIRContext *ctx = values.getContext();
  Type type = attr.getElementType();
  std::vector<uint8_t> bytes;
  unsigned width = 1;
  if (integerCodes || isLowbitElementType(type)) {
    auto intType = dyn_cast<IntegerType>(type);
    if (integerCodes && (!intType || intType.isSignless()))
      return {};
    std::optional<std::vector<uint8_t>> codes = constantCodes(values);
    unsigned bits = getLowbitWidth(type);
    if (!codes || (!integerCodes && bits != 8))
      return {};
    bytes = std::move(*codes);
    if (integerCodes && intType.isSigned() && bits < 8)
      for (uint8_t &code : bytes)
        if (code >> (bits - 1))
          code |= static_cast<uint8_t>(0xff << bits);
    element = IntegerType::get(ctx, 8);
  } else {
    if (!type.isIntOrFloat() || type.getIntOrFloatBitWidth() % 8)
      return {};
    element = type;
    if (attr.isSplat())
      return attr.reshape(RankedTensorType::get({groups, n}, type));
    width = type.getIntOrFloatBitWidth() / 8;
    ArrayRef<char> raw = attr.getRawData();
    bytes.assign(raw.begin(), raw.end());
  }
  std::vector<char> transposed(bytes.size());
  for (int64_t row = 0; row < n; ++row)
    for (int64_t g = 0; g < groups; ++g)
      std::memcpy(&transposed[(g * n + row) * width], &bytes[(row * groups + g) * width], width);
  return DenseElementsAttr::getFromRawBuffer(RankedTensorType::get({groups, n}, element),
                                             transposed);
}

/// The 8-bit activation codes `bytes` ([..., K]) in the byte order of weights of `bits` bits
/// read in the dot's byte order (mpgemmByteOrderWeightLayout): within every run of
/// P = 32 / bits codes, a'[4c + i] = a[(8 / bits) i + c]. As tensor ops: [rows, K] expanded to
/// [rows, K / P, 4, 8 / bits], the last two dimensions transposed, collapsed back.
Value permuteWithinWords(OpBuilder &b, Location loc, Value bytes, int64_t bits) {
  auto type = cast<RankedTensorType>(bytes.getType());
  int64_t k = type.getShape().back(), rows = type.getNumElements() / k;
  int64_t perWord = 32 / bits, perByte = 8 / bits;
  Type element = type.getElementType();
  ReassociationIndices leading;
  for (int64_t d = 0; d + 1 < type.getRank(); ++d)
    leading.push_back(d);
  auto matrixType = RankedTensorType::get({rows, k}, element);
  Value matrix = bytes;
  if (type.getRank() != 2)
    matrix = tensor::CollapseShapeOp::create(
        b, loc, matrixType, bytes,
        ArrayRef<ReassociationIndices>{leading, {type.getRank() - 1}});
  auto splitType = RankedTensorType::get({rows, k / perWord, 4, perByte}, element);
  Value split = tensor::ExpandShapeOp::create(
      b, loc, splitType, matrix, ArrayRef<ReassociationIndices>{{0}, {1, 2, 3}});
  Value init = tensor::EmptyOp::create(b, loc, ArrayRef<int64_t>{rows, k / perWord, perByte, 4},
                                       element);
  Value swapped =
      linalg::TransposeOp::create(b, loc, split, init, ArrayRef<int64_t>{0, 1, 3, 2})
          .getResult()
          .front();
  Value permuted = tensor::CollapseShapeOp::create(
      b, loc, matrixType, swapped, ArrayRef<ReassociationIndices>{{0}, {1, 2, 3}});
  if (type.getRank() != 2)
    permuted = tensor::ExpandShapeOp::create(
        b, loc, type, permuted, ArrayRef<ReassociationIndices>{leading, {type.getRank() - 1}});
  return permuted;
}

/// A function argument marked lowbit.prepack, and how its ops read it.
struct PrepackedArgument {
  BlockArgument arg;
  /// Its ops take a prepacked schedule (all the same layout): the companion makes words for
  /// `schedule`; otherwise it passes the bytes through.
  bool prepacked = false;
  MpgemmProblem problem;
  ScheduleAttr schedule;
  /// Until the signature changes: a cast of the argument to the words' type, which the
  /// lowered ops read.
  Value words;
};

/// Whether two prepacked schedules lay the same weights out alike.
bool samePrepackedLayout(const MpgemmProblem &p, ScheduleAttr a, const MpgemmProblem &q,
                         ScheduleAttr b) {
  return p.n == q.n && p.k == q.k && p.weightBits == q.weightBits &&
         prepackCodeOffset(p, a) == prepackCodeOffset(q, b) &&
         a.getWorkers() == b.getWorkers() && a.getTileN() == b.getTileN() &&
         a.getTileK() == b.getTileK() && mpgemmWeightLayout(a) == mpgemmWeightLayout(b);
}

struct LowbitToTilePass : lowbit::impl::LowbitToTileBase<LowbitToTilePass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    SymbolTable symbols(module);
    kernelsByBase.clear();
    sumsMade.clear();
    if (failed(planPrepackedArguments(module)))
      return signalPassFailure();
    SmallVector<MpgemmOp> ops;
    module.walk([&](MpgemmOp op) {
      if (op.getScheduleAttr())
        ops.push_back(op);
    });
    for (MpgemmOp op : ops)
      if (failed(lower(op, symbols)))
        return signalPassFailure();
    SmallVector<AttentionOp> attentions;
    module.walk([&](AttentionOp op) {
      if (op.getScheduleAttr())
        attentions.push_back(op);
    });
    for (AttentionOp op : attentions)
      if (failed(lower(op, symbols)))
        return signalPassFailure();
    for (auto &[func, arguments] : prepackedArguments)
      if (failed(buildPrepackEntry(func, arguments, symbols)))
        return signalPassFailure();
  }

  /// Decides, for every argument marked lowbit.prepack, whether its ops read it prepacked.
  LogicalResult planPrepackedArguments(ModuleOp module) {
    for (auto func : module.getOps<func::FuncOp>()) {
      SmallVector<unsigned> marked;
      for (unsigned i = 0; i < func.getNumArguments(); ++i)
        if (func.getArgAttr(i, kPrepackAttrName))
          marked.push_back(i);
      if (marked.empty())
        continue;
      if (func.isExternal())
        return func.emitError() << "'" << kPrepackAttrName
                                << "' marks arguments of functions with a body";
      if (!SymbolTable::symbolKnownUseEmpty(func, module))
        return func.emitError() << "@" << func.getSymName()
                                << " is called in the module; arguments marked '"
                                << kPrepackAttrName
                                << "' need a function only called from outside (its signature "
                                   "changes)";
      SmallVector<PrepackedArgument> &arguments = prepackedArguments[func];
      for (unsigned index : marked) {
        PrepackedArgument entry;
        entry.arg = func.getArgument(index);
        if (failed(planArgument(func, entry)))
          return failure();
        arguments.push_back(entry);
      }
    }
    return success();
  }

  LogicalResult planArgument(func::FuncOp func, PrepackedArgument &entry) {
    // The ops that read the weights (through the interchange ABI's unpack, or directly), in
    // program order.
    llvm::SmallPtrSet<Value, 2> weights = {entry.arg};
    for (Operation *user : entry.arg.getUsers())
      if (auto unpack = dyn_cast<UnpackOp>(user))
        weights.insert(unpack.getResult());
    SmallVector<OpOperand *> uses;
    func.walk([&](Operation *op) {
      if (isa<UnpackOp>(op) && op->getOperand(0) == entry.arg)
        return;
      for (OpOperand &operand : op->getOpOperands())
        if (weights.contains(operand.get()))
          uses.push_back(&operand);
    });
    Operation *prepackingOp = nullptr, *otherOp = nullptr;
    for (OpOperand *use : uses) {
      auto op = dyn_cast<MpgemmOp>(use->getOwner());
      ScheduleAttr schedule = op ? op.getScheduleAttr() : ScheduleAttr();
      if (!op || &op.getWMutable() != use || !schedule ||
          schedule.getPacking() != WeightPacking::Prepacked) {
        otherOp = use->getOwner();
        continue;
      }
      std::string whyNot;
      std::optional<MpgemmProblem> problem = analyzeMpgemm(op, whyNot);
      if (!problem)
        return op.emitOpError() << "has a schedule but no fast path: " << whyNot;
      if (prepackingOp && !samePrepackedLayout(entry.problem, entry.schedule, *problem, schedule)) {
        InFlightDiagnostic diag =
            op.emitOpError() << "reads argument #" << entry.arg.getArgNumber() << " of @"
                             << func.getSymName() << " (marked '" << kPrepackAttrName
                             << "') prepacked in another layout than another op does; give "
                                "them schedules with the same workers, tile N and K and weight "
                                "layout";
        diag.attachNote(prepackingOp->getLoc()) << "the other op";
        return diag;
      }
      if (!prepackingOp) {
        entry.problem = *problem;
        entry.schedule = schedule;
      }
      prepackingOp = op;
    }
    if (prepackingOp && otherOp) {
      InFlightDiagnostic diag =
          otherOp->emitError() << "reads argument #" << entry.arg.getArgNumber() << " of @"
                               << func.getSymName() << " (marked '" << kPrepackAttrName
                               << "') in interchange packing, while a lowbit.mpgemm prepacks "
                                  "it; only lowbit.mpgemm weights with packing = prepacked can "
                                  "read a prepacked argument";
      diag.attachNote(prepackingOp->getLoc()) << "the lowbit.mpgemm that prepacks it";
      return diag;
    }
    if (!prepackingOp)
      return success();
    entry.prepacked = true;
    OpBuilder b = OpBuilder::atBlockBegin(entry.arg.getOwner());
    SmallVector<int64_t, 2> shape = prepackedWordsShape(entry.problem, entry.schedule);
    entry.words = UnrealizedConversionCastOp::create(
                      b, entry.arg.getLoc(), RankedTensorType::get(shape, b.getI32Type()),
                      entry.arg)
                      .getResult(0);
    prepackWords[entry.arg] = entry.words;
    return success();
  }

  /// Writes @<func>_prepack for the marked arguments of `func` and gives `func` their packed
  /// types.
  LogicalResult buildPrepackEntry(func::FuncOp func, ArrayRef<PrepackedArgument> arguments,
                                  SymbolTable &symbols) {
    std::string name = (func.getSymName() + "_prepack").str();
    if (symbols.lookup(name))
      return func.emitError() << "cannot generate @" << name
                              << " for the arguments marked '" << kPrepackAttrName
                              << "': the module already has a symbol of that name";
    Location loc = func.getLoc();
    SmallVector<Type> inputs, results;
    for (const PrepackedArgument &entry : arguments) {
      inputs.push_back(entry.arg.getType());
      results.push_back(entry.prepacked ? entry.words.getType() : entry.arg.getType());
    }
    OpBuilder moduleBuilder(func);
    moduleBuilder.setInsertionPointAfter(func);
    auto entryFunc = func::FuncOp::create(moduleBuilder, loc, name,
                                          FunctionType::get(func.getContext(), inputs, results));
    symbols.insert(entryFunc);
    Block *body = entryFunc.addEntryBlock();
    OpBuilder b = OpBuilder::atBlockBegin(body);
    SmallVector<Value> returned;
    for (auto [index, entry] : llvm::enumerate(arguments)) {
      Value input = body->getArgument(index);
      if (!entry.prepacked) {
        returned.push_back(input);
        continue;
      }
      const MpgemmProblem &problem = entry.problem;
      // After the interchange ABI the argument is already the bytes.
      bool logical = isLowbitElementType(cast<RankedTensorType>(input.getType()).getElementType());
      Value bytes = flatBuffer(b, loc, logical ? interchangeBytes(b, loc, input) : input);
      auto wordsType = cast<RankedTensorType>(entry.words.getType());
      Value words = memref::AllocOp::create(
          b, loc, MemRefType::get(wordsType.getShape(), b.getI32Type()));
      Value wordsFlat = memref::CastOp::create(
          b, loc, MemRefType::get({ShapedType::kDynamic}, b.getI32Type()),
          memref::CollapseShapeOp::create(b, loc, words,
                                          ArrayRef<ReassociationIndices>{{0, 1}}));
      OpBuilder kernels(entryFunc);
      KernelOp kernel = buildPrepackKernel(kernels, loc, uniqueName(symbols, "mpgemm_prepack"),
                                           problem, entry.schedule);
      symbols.insert(kernel);
      LaunchOp::create(b, loc, kernel.getSymName(), ValueRange{bytes, wordsFlat});
      returned.push_back(bufferization::ToTensorOp::create(b, loc, wordsType, words,
                                                           b.getUnitAttr(), b.getUnitAttr()));
    }
    func::ReturnOp::create(b, loc, returned);

    // The function takes the packed forms: the lowered ops read the temporary casts of the
    // arguments, and the interchange ABI's unpack of the argument has no readers left.
    for (const PrepackedArgument &entry : arguments) {
      func.removeArgAttr(entry.arg.getArgNumber(), kPrepackAttrName);
      if (!entry.prepacked)
        continue;
      for (Operation *user : llvm::make_early_inc_range(entry.arg.getUsers()))
        if (user != entry.words.getDefiningOp()) {
          if (!user->use_empty())
            return user->emitOpError() << "still reads the prepacked argument #"
                                       << entry.arg.getArgNumber();
          user->erase();
        }
      BlockArgument arg = entry.arg;
      arg.setType(entry.words.getType());
      Operation *cast = entry.words.getDefiningOp();
      cast->getResult(0).replaceAllUsesWith(arg);
      cast->erase();
    }
    func.setFunctionType(FunctionType::get(func.getContext(),
                                           func.getBody().front().getArgumentTypes(),
                                           func.getFunctionType().getResults()));
    return success();
  }

  LogicalResult lower(MpgemmOp op, SymbolTable &symbols) {
    std::string whyNot;
    std::optional<MpgemmProblem> problem = analyzeMpgemm(op, whyNot);
    if (!problem)
      return op.emitOpError() << "has a schedule but no fast path: " << whyNot;
    ScheduleAttr schedule = op.getScheduleAttr();
    if (failed(checkMpgemmSchedule(op, *problem, schedule)))
      return failure();
    Location loc = op.getLoc();
    OpBuilder b(op);
    bool prepacked = schedule.getPacking() == WeightPacking::Prepacked;

    MpgemmKernelSignature signature;
    SmallVector<Value> args;
    // Activations.
    Value act = op.getA();
    if (problem->realActivations) {
      // fma converts f16 and bf16 activations to f32: once per call, by a kernel of their
      // own, rather than in every block of columns, which also lets each block broadcast them
      // straight from memory (W4, 4096 x 4096, Zen3: f16 at M = 1 0.20 -> 0.26 of the read
      // bandwidth, at M = 16 11.1 -> 4.7 ms, at M = 512 344 -> 156 ms).
      bool widen = schedule.getFamily() == ScheduleFamily::FMA && !problem->actHasZero &&
                   (problem->actType.isF16() || problem->actType.isBF16());
      signature.act = widen || schedule.getPanel() ? b.getF32Type() : problem->actType;
      args.push_back(flatBuffer(b, loc, act));
      if (schedule.getPanel()) {
        // Panel schedules read them packed in tiles of TM rows (and as f32).
        Value packed = allocateF32(
            b, loc,
            mpgemmPanelChunks(*problem, schedule) * mpgemmPanelTiles(*problem, schedule) *
                mpgemmPanelChunk(*problem, schedule) * schedule.getTileM());
        KernelOp kernel =
            addKernel(op, symbols, "mpgemm_pack", [&](OpBuilder &module, StringRef name) {
              return buildActivationPackKernel(module, loc, name, *problem, schedule);
            });
        launch(b, loc, kernel, ValueRange{args.back(), packed}, schedule);
        args.back() = packed;
      } else if (widen) {
        Value wide = allocateF32(b, loc, problem->m * problem->k);
        KernelOp kernel =
            addKernel(op, symbols, "mpgemm_widen", [&](OpBuilder &module, StringRef name) {
              return buildActivationWidenKernel(module, loc, name, *problem,
                                                schedule.getWorkers());
            });
        launch(b, loc, kernel, ValueRange{args.back(), wide}, schedule);
        args.back() = wide;
      }
    } else {
      signature.act = b.getI8Type();
      Value bytes = interchangeBytes(b, loc, act);
      if (mpgemmPermutesActivations(*problem, schedule))
        bytes = permuteWithinWords(b, loc, bytes, problem->weightBits);
      args.push_back(flatBuffer(b, loc, bytes));
    }
    Value actBuffer = args.back();
    // Weights.
    if (prepacked && problem->prepackArgument) {
      // Words made by the generated prepack entry point, read through a temporary cast until
      // the function's signature changes.
      Value words = prepackWords.lookup(problem->prepackArgument);
      if (!words)
        return op.emitOpError() << "packing = prepacked reads an argument marked '"
                                << kPrepackAttrName << "' that was not planned for it";
      signature.codeOffset = prepackCodeOffset(*problem, schedule);
      signature.weights = b.getI32Type();
      args.push_back(flatBuffer(b, loc, words));
    } else if (prepacked && !problem->constantWeights) {
      // Other run-time weights: prepacked on every call (prefill, where the kernel's speed on
      // prepacked words pays for it) into a scratch buffer.
      SmallVector<int64_t, 2> shape = prepackedWordsShape(*problem, schedule);
      Value words = memref::AllocOp::create(b, loc, MemRefType::get(shape, b.getI32Type()));
      Value wordsFlat = memref::CastOp::create(
          b, loc, MemRefType::get({ShapedType::kDynamic}, b.getI32Type()),
          memref::CollapseShapeOp::create(b, loc, words, ArrayRef<ReassociationIndices>{{0, 1}}));
      KernelOp kernel =
          addKernel(op, symbols, "mpgemm_prepack", [&](OpBuilder &module, StringRef name) {
            return buildPrepackKernel(module, loc, name, *problem, schedule);
          });
      launch(b, loc, kernel,
             ValueRange{flatBuffer(b, loc, interchangeBytes(b, loc, op.getW())), wordsFlat},
             schedule);
      signature.codeOffset = prepackCodeOffset(*problem, schedule);
      signature.weights = b.getI32Type();
      args.push_back(wordsFlat);
    } else if (prepacked) {
      std::optional<std::vector<uint8_t>> codes = constantCodes(op.getW());
      if (!codes)
        return op.emitOpError() << "packing = prepacked needs weights given as a dense constant";
      signature.codeOffset = prepackCodeOffset(*problem, schedule);
      std::function<uint32_t(uint32_t)> transform = [](uint32_t code) { return code; };
      if (problem->weightKind == CodeKind::Signed && signature.codeOffset) {
        // Two's complement plus 2^(bits-1), as an unsigned code: the sign bit flipped.
        transform = [flip = uint32_t(signature.codeOffset)](uint32_t code) { return code ^ flip; };
      } else if (problem->weightKind == CodeKind::Ternary && signature.codeOffset) {
        // 0b00 = 0, 0b01 = 1, 0b11 = -1, 0b10 reads as 0: stored as value + 1.
        transform = [](uint32_t code) -> uint32_t {
          static const uint32_t plusOne[4] = {1, 2, 1, 0};
          return plusOne[code & 3];
        };
      }
      std::vector<int32_t> words = prepackWeights(*codes, *problem, schedule, transform);
      int64_t steps = (problem->k + schedule.getTileK() - 1) / schedule.getTileK();
      int64_t blocks = mpgemmGrid(*problem, schedule)[0];
      auto type = RankedTensorType::get(
          {blocks * steps, static_cast<int64_t>(words.size()) / (blocks * steps)}, b.getI32Type());
      Value constant =
          arith::ConstantOp::create(b, loc, DenseElementsAttr::get(type, ArrayRef<int32_t>(words)));
      signature.weights = b.getI32Type();
      args.push_back(flatBuffer(b, loc, constant));
    } else {
      signature.weights = b.getI8Type();
      args.push_back(flatBuffer(b, loc, interchangeBytes(b, loc, op.getW())));
    }
    // 4-bit float weights read by int8_dot through a byte table of offset codes.
    std::optional<Int8WeightTable> byteTable;
    if (schedule.getFamily() == ScheduleFamily::Int8Dot && problem->int8TableWeights()) {
      byteTable = mpgemmInt8WeightTable(*problem);
      signature.codeOffset = byteTable->offset;
    }
    // Constant scales and zero points in groups: group-major (re-laid-out here), so that a
    // block reads each group's values as whole vectors rather than gathering them a column at
    // a time (a decoder block's decode step with 4-bit weights in groups of 32 with zero
    // points, int8 activations, TinyLlama sizes, Zen3, 2 threads: 2.9 -> 2.0-2.4 ms).
    DenseElementsAttr groupScales, groupZeros;
    if (problem->numGroups > 1) {
      Value zero = op.getZero();
      bool intZero = problem->weightScheme.getZeroPoint() == ZeroPoint::Int;
      if (zero && (!intZero || getElementTypeOrSelf(zero.getType()) == problem->weightType))
        groupZeros =
            groupMajorConstant(zero, problem->n, problem->numGroups, intZero, signature.zeros);
      if (!zero || groupZeros)
        groupScales = groupMajorConstant(op.getScale(), problem->n, problem->numGroups,
                                         /*integerCodes=*/false, signature.scales);
      signature.groupMajor = static_cast<bool>(groupScales);
    }
    // Scales.
    if (signature.groupMajor)
      args.push_back(flatBuffer(b, loc, arith::ConstantOp::create(b, loc, groupScales)));
    else
      args.push_back(scaleLikeBuffer(b, loc, op.getScale(), signature.scales));
    // Zero points: integer ones in groups as their bytes (packed along the groups); per
    // channel or per tensor as f32 values (their codes are packed along N).
    if (signature.groupMajor && groupZeros) {
      args.push_back(flatBuffer(b, loc, arith::ConstantOp::create(b, loc, groupZeros)));
    } else if (Value zero = op.getZero()) {
      SchemeAttr scheme = problem->weightScheme;
      if (scheme.getZeroPoint() == ZeroPoint::Int && problem->numGroups == 1) {
        signature.zeros = b.getF32Type();
        args.push_back(flatBuffer(b, loc, codeValuesAsF32(b, loc, zero)));
      } else if (scheme.getZeroPoint() == ZeroPoint::Int) {
        signature.zeros = b.getI8Type();
        args.push_back(flatBuffer(b, loc, interchangeBytes(b, loc, zero)));
      } else {
        args.push_back(scaleLikeBuffer(b, loc, zero, signature.zeros));
      }
    }
    // Zero points (and the offset of re-laid-out signed codes) are folded out of the dot:
    // sum a * (q - z) = sum a * q - z * sum a, with the activations' sums over each group.
    // Panel schedules apply zero points as they decode the weights instead.
    bool needsSums = (static_cast<bool>(op.getZero()) || signature.codeOffset != 0) &&
                     !schedule.getPanel();
    Value sumsBuffer;
    if (needsSums) {
      signature.hasSums = true;
      KernelOp kernel =
          addKernel(op, symbols, "mpgemm_sums", [&](OpBuilder &module, StringRef name) {
            return buildActivationSumsKernel(module, loc, name, *problem, signature.act,
                                             schedule.getWorkers());
          });
      // The sums of the same activations (as handed to the kernels) by the same kernel, made
      // for an earlier op of this block (a layer's projections of one input), are reused.
      bool permuted = !problem->realActivations && mpgemmPermutesActivations(*problem, schedule);
      SumsKey key{op.getA(), signature.act, permuted ? 1u : 0u, kernel.getSymNameAttr(),
                  op->getBlock()};
      sumsBuffer = sumsMade.lookup(key);
      if (!sumsBuffer) {
        sumsBuffer = allocateF32(b, loc, problem->m * problem->numSumGroups());
        launch(b, loc, kernel, ValueRange{actBuffer, sumsBuffer}, schedule);
        sumsMade[key] = sumsBuffer;
      }
      args.push_back(sumsBuffer);
    }
    if (Value actScale = op.getActScale())
      args.push_back(scaleLikeBuffer(b, loc, actScale, signature.actScale));
    if (Value actZero = op.getActZero()) {
      if (problem->actScheme.getZeroPoint() == ZeroPoint::Float) {
        // Float zero points (the scale type) as they are.
        signature.actZero = cast<RankedTensorType>(actZero.getType()).getElementType();
        args.push_back(flatBuffer(b, loc, actZero));
      } else if (problem->actBits == 8) {
        // Integer zero points of 8-bit codes: their bytes.
        signature.actZero = b.getI8Type();
        args.push_back(flatBuffer(b, loc, interchangeBytes(b, loc, actZero)));
      } else {
        // Narrower codes: their values in f32.
        signature.actZero = b.getF32Type();
        args.push_back(flatBuffer(b, loc, codeValuesAsF32(b, loc, actZero)));
      }
    }
    if (Value bias = op.getBias()) {
      signature.bias = cast<RankedTensorType>(bias.getType()).getElementType();
      args.push_back(flatBuffer(b, loc, bias));
    }
    if (Value tensorScale = op.getTensorScale()) {
      signature.hasTensorScale = true;
      args.push_back(flatBuffer(b, loc, tensorScale));
    }
    // The codebook: nf4 and inline tables as constants, an operand as it is.
    if (problem->weightScheme.hasCodebook()) {
      QuantizedValue weights;
      weights.scheme = problem->weightScheme;
      weights.codebook = op.getCodebook();
      Value table = buildCodebookConstant(b, loc, weights);
      signature.table = cast<RankedTensorType>(table.getType()).getElementType();
      args.push_back(flatBuffer(b, loc, table));
    }
    if (byteTable) {
      auto type = RankedTensorType::get({static_cast<int64_t>(byteTable->entries.size())},
                                        b.getI8Type());
      signature.table = b.getI8Type();
      args.push_back(flatBuffer(
          b, loc,
          arith::ConstantOp::create(
              b, loc, DenseElementsAttr::get(type, ArrayRef<int8_t>(byteTable->entries)))));
    }
    // The lut family's tables: per row of activations and slice of 4 / b codes, the sums of
    // the activations times the values of each 4-bit slice (made by their own kernel once
    // per call, read by every block of columns).
    if (schedule.getFamily() == ScheduleFamily::Lut) {
      std::vector<float> decoding = mpgemmLutDecoding(*problem);
      auto decodingType =
          RankedTensorType::get({static_cast<int64_t>(decoding.size())}, b.getF32Type());
      Value decodingBuffer = flatBuffer(
          b, loc,
          arith::ConstantOp::create(
              b, loc, DenseElementsAttr::get(decodingType, ArrayRef<float>(decoding))));
      Value tables = allocateF32(b, loc, problem->m * mpgemmLutTableColumns(*problem, schedule));
      KernelOp kernel =
          addKernel(op, symbols, "mpgemm_tables", [&](OpBuilder &module, StringRef name) {
            return buildLutTablesKernel(module, loc, name, *problem, schedule, signature.act);
          });
      launch(b, loc, kernel, ValueRange{actBuffer, decodingBuffer, tables}, schedule);
      signature.table = b.getF32Type();
      args.push_back(tables);
    }
    // The result.
    auto resultType = cast<RankedTensorType>(op.getType());
    signature.out = resultType.getElementType();
    Value outMemref;
    Value outBuffer = allocateResult(b, loc, resultType, outMemref);
    // Split K: the main kernel writes each part's f32 partial result, a second kernel sums them.
    int64_t parts = schedule.getSplitK();
    Value partials;
    if (parts > 1) {
      signature.out = b.getF32Type();
      partials =
          allocateF32(b, loc, parts * mpgemmSplitPartRows(*problem, schedule) * problem->n);
    }
    args.push_back(parts > 1 ? partials : outBuffer);

    KernelOp kernel = addKernel(op, symbols, "mpgemm", [&](OpBuilder &module, StringRef name) {
      return buildMpgemmKernel(module, loc, name, *problem, schedule, signature);
    });
    launch(b, loc, kernel, args, schedule);
    if (parts > 1) {
      KernelOp sum = addKernel(op, symbols, "mpgemm_split_sum", [&](OpBuilder &module,
                                                                    StringRef name) {
        return buildSplitKSumKernel(module, loc, name, *problem, schedule);
      });
      launch(b, loc, sum, ValueRange{partials, outBuffer}, schedule);
    }
    Value result = bufferization::ToTensorOp::create(b, loc, resultType, outMemref, b.getUnitAttr(),
                                                     b.getUnitAttr());
    op.getResult().replaceAllUsesWith(result);
    op.erase();
    return success();
  }

  /// Fused attention: the main kernel over parts of the cached sequence, then
  /// the merge of the parts' softmax states (AttentionKernel.h).
  LogicalResult lower(AttentionOp op, SymbolTable &symbols) {
    std::string whyNot;
    std::optional<AttentionProblem> analyzed = analyzeAttention(op, whyNot);
    if (!analyzed)
      return op.emitOpError() << "has a schedule but no fast path: " << whyNot;
    const AttentionProblem &p = *analyzed;
    ScheduleAttr schedule = op.getScheduleAttr();
    if (failed(checkAttentionSchedule(op, p, schedule)))
      return failure();
    Location loc = op.getLoc();
    MLIRContext *ctx = op.getContext();
    OpBuilder b(op);
    Type f32 = b.getF32Type();
    int64_t group = p.groupSize();
    auto par = utils::IteratorType::parallel;
    auto toF32 = [f32](OpBuilder &nested, Location l, Value x) -> Value {
      return x.getType() == f32 ? x : arith::ExtFOp::create(nested, l, f32, x).getResult();
    };
    AffineExpr d0, d1, d2, d3, d4;
    bindDims(ctx, d0, d1, d2, d3, d4);

    // qt[b, h', d, g, i] = scale * q[b, h' G + g, i, d]: [BH, D, R], rows in the lanes' order.
    float scale = p.scale;
    Value qt = buildGeneric(
        b, loc, op.getQ(), {AffineMap::get(5, 0, {d0, d1 * group + d3, d4, d2}, ctx)},
        {p.batch, p.kvHeads, p.headDim, group, p.queries}, f32,
        AffineMap::getMultiDimIdentityMap(5, ctx), {par, par, par, par, par}, Value(),
        [&](OpBuilder &nested, Location l, ValueRange args) {
          Value scaleValue = arith::ConstantOp::create(nested, l, nested.getF32FloatAttr(scale));
          return arith::MulFOp::create(nested, l, toF32(nested, l, args[0]), scaleValue)
              .getResult();
        });
    // A constant [R] f32 buffer of one value per row.
    auto perRow = [&](const std::vector<float> &values) {
      return flatBuffer(
          b, loc,
          arith::ConstantOp::create(b, loc,
                                    DenseElementsAttr::get(RankedTensorType::get({p.rows()}, f32),
                                                           ArrayRef<float>(values))));
    };
    // Quantized caches: the codes' interchange bytes, then the scales and zero points.
    auto cacheBuffer = [&](Value cache, const AttentionCacheScheme &scheme) {
      return flatBuffer(b, loc, scheme.quantized() ? interchangeBytes(b, loc, cache) : cache);
    };
    SmallVector<Value> args = {flatBuffer(b, loc, qt), cacheBuffer(op.getK(), p.kScheme),
                               cacheBuffer(op.getV(), p.vScheme)};
    for (auto [scheme, scale, zero] : {std::tuple(&p.kScheme, op.getKScale(), op.getKZero()),
                                       std::tuple(&p.vScheme, op.getVScale(), op.getVZero())}) {
      if (!scheme->quantized())
        continue;
      Type element;
      args.push_back(scaleLikeBuffer(b, loc, scale, element));
      if (scheme->zero == AttentionCacheScheme::Zero::Int)
        args.push_back(flatBuffer(b, loc, codeValuesAsF32(b, loc, zero)));
      else if (scheme->zero == AttentionCacheScheme::Zero::Float)
        args.push_back(flatBuffer(b, loc, zero));
    }
    if (p.residualKeys)
      args.append({flatBuffer(b, loc, op.getKResidual()), flatBuffer(b, loc, op.getVResidual())});
    args.push_back(perRow(attentionRowLimits(p)));
    if (p.window)
      args.push_back(perRow(attentionRowStarts(p)));
    if (Value mask = op.getMask()) {
      // The mask broadcast to [B, Hq, Sq, Skv] f32, which is [BH, R, Skv].
      ArrayRef<int64_t> maskShape = cast<RankedTensorType>(mask.getType()).getShape();
      SmallVector<int64_t> full = {p.batch, p.qHeads, p.queries, p.keys};
      SmallVector<AffineExpr> reads;
      AffineExpr dims[] = {d0, d1, d2, d3};
      for (int64_t axis = 0; axis < 4; ++axis)
        reads.push_back(maskShape[axis] == 1 && full[axis] != 1 ? getAffineConstantExpr(0, ctx)
                                                                 : dims[axis]);
      Value broadcast = buildGeneric(
          b, loc, mask, {AffineMap::get(4, 0, reads, ctx)}, full, f32,
          AffineMap::getMultiDimIdentityMap(4, ctx), {par, par, par, par}, Value(),
          [&](OpBuilder &nested, Location l, ValueRange x) { return toF32(nested, l, x[0]); });
      args.push_back(flatBuffer(b, loc, broadcast));
    }
    int64_t parts = schedule.getSplitK(), bh = p.batch * p.kvHeads;
    Value partialO = allocateF32(b, loc, parts * bh * p.valueDim * p.rows());
    Value partialMax = allocateF32(b, loc, parts * bh * p.rows());
    Value partialSum = allocateF32(b, loc, parts * bh * p.rows());
    args.append({partialO, partialMax, partialSum});
    KernelOp main = addKernel(op, symbols, "attention", [&](OpBuilder &module, StringRef name) {
      return buildAttentionKernel(module, loc, name, p, schedule);
    });
    launch(b, loc, main, args, schedule);

    SmallVector<Value> mergeArgs = {partialO, partialMax, partialSum};
    if (Value sinks = op.getSinks()) {
      // sinks[h' G + g] for every row g * Sq + i of KV head h': [Hkv, R] f32.
      Value rowSinks = buildGeneric(
          b, loc, sinks, {AffineMap::get(3, 0, {d0 * group + d1}, ctx)},
          {p.kvHeads, group, p.queries}, f32, AffineMap::getMultiDimIdentityMap(3, ctx),
          {par, par, par}, Value(),
          [&](OpBuilder &nested, Location l, ValueRange x) { return toF32(nested, l, x[0]); });
      mergeArgs.push_back(flatBuffer(b, loc, rowSinks));
    }
    auto resultType = cast<RankedTensorType>(op.getType());
    Value outMemref;
    mergeArgs.push_back(allocateResult(b, loc, resultType, outMemref));
    KernelOp merge =
        addKernel(op, symbols, "attention_merge", [&](OpBuilder &module, StringRef name) {
          return buildAttentionMergeKernel(module, loc, name, p, schedule);
        });
    launch(b, loc, merge, mergeArgs, schedule);
    Value result = bufferization::ToTensorOp::create(b, loc, resultType, outMemref, b.getUnitAttr(),
                                                     b.getUnitAttr());
    op.getResult().replaceAllUsesWith(result);
    op.erase();
    return success();
  }

  /// Launches `kernel` on at most the schedule's threads.
  static void launch(OpBuilder &b, Location loc, KernelOp kernel, ValueRange args,
                     ScheduleAttr schedule) {
    auto op = LaunchOp::create(b, loc, kernel.getSymName(), args);
    if (schedule.getThreads() > 0)
      op.setMaxThreads(schedule.getThreads());
  }

  /// A kernel built by `build` (given a builder at the module level, before the function
  /// holding `op`, and a fresh name `<base>_<n>`), added to the symbol table.
  KernelOp addKernel(Operation *op, SymbolTable &symbols, StringRef base,
                     function_ref<KernelOp(OpBuilder &, StringRef)> build) {
    Operation *top = op;
    while (!isa<ModuleOp>(top->getParentOp()))
      top = top->getParentOp();
    OpBuilder module(top);
    KernelOp kernel = build(module, uniqueName(symbols, base));
    // A kernel equal to one built before (ops of the same shapes and schedules: a model's
    // layers, or projections of equal sizes) is not built twice: the launch takes the first.
    StringAttr name = kernel.getSymNameAttr();
    SmallVector<KernelOp> &same = kernelsByBase[base];
    for (KernelOp earlier : same) {
      kernel.setSymNameAttr(earlier.getSymNameAttr());
      if (OperationEquivalence::isEquivalentTo(kernel, earlier,
                                               OperationEquivalence::IgnoreLocations)) {
        kernel.erase();
        return earlier;
      }
    }
    kernel.setSymNameAttr(name);
    symbols.insert(kernel);
    same.push_back(kernel);
    return kernel;
  }

  std::string uniqueName(SymbolTable &symbols, StringRef base) {
    for (;; ++counter) {
      std::string name = (base + "_" + Twine(counter)).str();
      if (!symbols.lookup(name))
        return name;
    }
  }

  int64_t counter = 0;
  /// The kernels built so far, by the base of their names.
  llvm::StringMap<SmallVector<KernelOp>> kernelsByBase;
  /// Activation sums made so far: the activations, the type and order the kernel reads them
  /// in, the sums kernel and the block of the ops.
  using SumsKey = std::tuple<Value, Type, unsigned, Attribute, Block *>;
  DenseMap<SumsKey, Value> sumsMade;
  llvm::MapVector<func::FuncOp, SmallVector<PrepackedArgument>> prepackedArguments;
  /// The temporary cast (to the words' type) of each prepacked argument.
  llvm::DenseMap<Value, Value> prepackWords;
};

} // namespace
