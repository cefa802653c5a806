//===- AttentionSchedule.cpp - The fused attention kernel's problem and schedule ----===//
#include "lowbit/Transforms/AttentionSchedule.h"

#include "llvm/Support/MathExtras.h"

#include <algorithm>
#include <numeric>

using namespace mlir;
using namespace lowbit;

static bool isFloatTensorElement(Type type) {
  return type.isF32() || type.isF16() || type.isBF16();
}

unsigned AttentionCacheScheme::codeBits() const { return codeType ? getLowbitWidth(codeType) : 0; }

/// Code types whose tiles the kernel converts to f32: integers of 1-8 bits, fp8 and fp4.
static bool isKernelCodeType(Type type) {
  if (auto integer = dyn_cast<IntegerType>(type))
    return !integer.isSignless() && integer.getWidth() <= 8;
  return isa<Float8E4M3FNType, Float8E5M2Type, Float4E2M1FNType>(type);
}

/// Fills `cache` for the cache `name` of `type` read with `scheme` (none: a float cache);
/// false with the reason in `whyNot` when the kernel does not read it.
static bool analyzeCache(StringRef name, RankedTensorType type, SchemeAttr scheme,
                         AttentionCacheScheme &cache, std::string &whyNot) {
  Type element = type.getElementType();
  if (!scheme) {
    if (isFloatTensorElement(element))
      return true;
    whyNot = "the fused kernel reads float caches of f32, f16 and bf16";
    return false;
  }
  if (!isKernelCodeType(element)) {
    llvm::raw_string_ostream(whyNot)
        << "the fused kernel reads quantized caches of integer, f8E4M3FN, f8E5M2 and f4E2M1FN "
           "codes; "
        << name << " has " << element << " codes";
    return false;
  }
  if (scheme.hasCodebook() || scheme.getTensorScale()) {
    whyNot = "the fused kernel reads caches without codebooks and tensor scales";
    return false;
  }
  cache.codeType = element;
  cache.scaleType = scheme.getScaleType();
  cache.zero = !scheme.hasZero()                         ? AttentionCacheScheme::Zero::None
               : scheme.getZeroPoint() == ZeroPoint::Int ? AttentionCacheScheme::Zero::Int
                                                         : AttentionCacheScheme::Zero::Float;
  ArrayRef<int64_t> shape = type.getShape();
  auto indexBy = [&](int64_t axis, int64_t divisor) {
    // One group over the whole axis indexes nothing.
    int64_t extent = llvm::divideCeil(shape[axis], divisor);
    cache.divisors[axis] = extent == 1 ? 0 : divisor;
    cache.extents[axis] = extent;
  };
  switch (scheme.getGranularity()) {
  case Granularity::PerTensor:
    break;
  case Granularity::PerChannel:
    indexBy(scheme.getAxis(), 1);
    break;
  case Granularity::Group:
    for (int64_t axis = 0; axis < 4; ++axis)
      indexBy(axis, axis == scheme.getAxis() ? scheme.getGroupSize() : 1);
    break;
  case Granularity::Block:
    indexBy(0, 1);
    indexBy(1, 1);
    indexBy(2, scheme.getBlockRows());
    indexBy(3, scheme.getBlockCols());
    break;
  }
  return true;
}

std::optional<AttentionProblem> lowbit::analyzeAttention(AttentionOp op, std::string &whyNot) {
  auto shapeOf = [](Value value) -> std::optional<RankedTensorType> {
    auto type = dyn_cast<RankedTensorType>(value.getType());
    if (!type || !type.hasStaticShape())
      return std::nullopt;
    return type;
  };
  for (Value operand : op->getOperands())
    if (!shapeOf(operand)) {
      whyNot = "the fused kernel needs static shapes";
      return std::nullopt;
    }
  if (!shapeOf(op.getResult())) {
    whyNot = "the fused kernel needs static shapes";
    return std::nullopt;
  }
  AttentionProblem p;
  RankedTensorType q = *shapeOf(op.getQ()), k = *shapeOf(op.getK()), v = *shapeOf(op.getV());
  p.qType = q.getElementType();
  p.kType = k.getElementType();
  p.vType = v.getElementType();
  p.resultType = cast<RankedTensorType>(op.getType()).getElementType();
  for (Type type : {p.qType, p.resultType})
    if (!isFloatTensorElement(type)) {
      whyNot = "the fused kernel reads and writes f32, f16 and bf16 tensors";
      return std::nullopt;
    }
  if (!analyzeCache("k", k, op.getKSchemeAttr(), p.kScheme, whyNot) ||
      !analyzeCache("v", v, op.getVSchemeAttr(), p.vScheme, whyNot))
    return std::nullopt;
  p.batch = q.getDimSize(0);
  p.qHeads = q.getDimSize(1);
  p.queries = q.getDimSize(2);
  p.headDim = q.getDimSize(3);
  p.kvHeads = k.getDimSize(1);
  p.keys = k.getDimSize(2);
  p.valueDim = v.getDimSize(3);
  if (Value residual = op.getKResidual()) {
    p.residualKeys = shapeOf(residual)->getDimSize(2);
    p.keys += p.residualKeys;
    p.kResidualType = shapeOf(residual)->getElementType();
    p.vResidualType = shapeOf(op.getVResidual())->getElementType();
  }
  if (p.batch == 0 || p.qHeads == 0 || p.queries == 0 || p.keys == 0 || p.headDim == 0 ||
      p.valueDim == 0) {
    whyNot = "the fused kernel needs non-empty tensors";
    return std::nullopt;
  }
  p.causal = op.getCausal();
  p.window = op.getWindow().value_or(0);
  p.scale = op.getEffectiveSoftmaxScale();
  if (std::optional<APFloat> softcap = op.getSoftcap())
    p.softcap = softcap->convertToFloat();
  if (Value mask = op.getMask()) {
    p.hasMask = true;
    p.maskType = cast<RankedTensorType>(mask.getType()).getElementType();
  }
  p.hasSinks = static_cast<bool>(op.getSinks());
  return p;
}

int64_t lowbit::attentionRowBlocks(const AttentionProblem &problem, ScheduleAttr schedule) {
  return llvm::divideCeil(problem.rows(), schedule.getTileM());
}

int64_t lowbit::attentionPartKeys(const AttentionProblem &problem, ScheduleAttr schedule) {
  int64_t part = llvm::divideCeil(problem.keys, schedule.getSplitK());
  return llvm::alignTo(part, schedule.getTileN());
}

ScheduleAttr lowbit::selectAttentionSchedule(MLIRContext *context, const AttentionProblem &problem,
                                             const ScheduleTarget &target) {
  if (target.kind != ScheduleTarget::Kind::CPU || !target.cpu)
    return nullptr;
  int64_t lanes = target.cpu->lanes();
  int64_t rows = problem.rows();
  // One row per lane; few rows (decode) take a narrower vector rather than idle lanes.
  int64_t workers = std::min<int64_t>(lanes, std::max<int64_t>(4, llvm::PowerOf2Ceil(rows)));
  // Many rows (prefill): two rows per lane, so that every K and V element broadcast from
  // memory feeds two FMAs, 8 keys per step and 4 channels per step of the products (fewer
  // registers live in the dot). Few rows (decode): 2 keys per step. Measured on Zen3 (AVX2,
  // 2 threads, 32 query heads over 8 KV heads, D = 128): decode over 16384 f32 tokens 15.7 ms
  // with 2 keys per step against 25.6 ms with 16, f16 16.0 against 26.2; a 512-token causal
  // prefill 76 ms with [16, 8, 4] against 92 ms with [16, 8, 8] and 107-372 ms with fewer
  // keys per step.
  int64_t rowsPerLane = rows >= 4 * workers ? 2 : 1;
  int64_t tileM = workers * rowsPerLane;
  int64_t tileN = rowsPerLane == 1 ? 2 : 8;
  int64_t tileK = std::gcd(std::gcd(problem.headDim, problem.valueDim),
                           int64_t(rowsPerLane == 1 ? 8 : 4));
  // Quantized caches: each step inside one group of scales along the tokens and the
  // channels; a step's codes of a token in whole bytes.
  for (const AttentionCacheScheme *cache : {&problem.kScheme, &problem.vScheme}) {
    if (!cache->quantized())
      continue;
    if (cache->divisors[2] > 1)
      tileN = std::gcd(tileN, cache->divisors[2]);
    if (cache->divisors[3] > 1)
      tileK = std::gcd(tileK, cache->divisors[3]);
  }
  for (const AttentionCacheScheme *cache : {&problem.kScheme, &problem.vScheme})
    if (cache->quantized() && tileK * cache->codeBits() % 8)
      return nullptr;
  // Parts of the cached sequence: enough blocks for every thread (four each, so that
  // uneven parts even out), each part at least 128 tokens.
  int64_t blocks = llvm::divideCeil(rows, tileM) * problem.batch * problem.kvHeads;
  int64_t wanted = llvm::divideCeil(4 * target.threads, blocks);
  int64_t parts = std::clamp<int64_t>(wanted, 1, std::max<int64_t>(1, problem.keys / 128));
  return ScheduleAttr::get(context, ScheduleFamily::FMA, workers, tileM, tileN, tileK,
                           WeightPacking::Interchange, /*scaleGroups=*/1, Attribute(), parts,
                           /*unroll=*/1, /*threads=*/0, /*prefetch=*/0,
                           /*panel=*/0);
}

LogicalResult lowbit::checkAttentionSchedule(Operation *op, const AttentionProblem &problem,
                                             ScheduleAttr schedule) {
  auto misfit = [&](const Twine &why) {
    return op->emitOpError() << "schedule " << schedule << " does not fit: " << why;
  };
  if (schedule.getFamily() != ScheduleFamily::FMA)
    return misfit("the fused attention kernel multiplies in f32: the family must be fma");
  if (schedule.getTileM() % schedule.getWorkers())
    return misfit("tile[0] (rows per block, " + Twine(schedule.getTileM()) +
                  ") must be a multiple of workers (" + Twine(schedule.getWorkers()) + ")");
  if (problem.headDim % schedule.getTileK() || problem.valueDim % schedule.getTileK())
    return misfit("tile[2] (" + Twine(schedule.getTileK()) + ") must divide the head dimensions " +
                  Twine(problem.headDim) + " (K) and " + Twine(problem.valueDim) + " (V)");
  if (schedule.getPacking() != WeightPacking::Interchange)
    return misfit("packing = prepacked has no meaning for attention (K and V are read as given)");
  if (schedule.getScaleGroups() != 1 || schedule.getWeightLayout() || schedule.getUnroll() != 1 ||
      schedule.getPrefetch() != 0)
    return misfit("scale_groups, weight_layout, unroll and prefetch have no meaning for "
                  "attention");
  for (auto [name, cache] :
       {std::pair<StringRef, const AttentionCacheScheme *>{"K", &problem.kScheme},
        {"V", &problem.vScheme}}) {
    if (!cache->quantized())
      continue;
    if (schedule.getTileK() * cache->codeBits() % 8)
      return misfit("tile[2] (" + Twine(schedule.getTileK()) + ") codes of " + name +
                    " must fill whole bytes (" + Twine(cache->codeBits()) + " bits each)");
    if (int64_t tokens = cache->divisors[2]; tokens > 1 && tokens % schedule.getTileN())
      return misfit("tile[1] (" + Twine(schedule.getTileN()) + ") must divide the " +
                    Twine(tokens) + " tokens that share each scale of " + name);
    if (int64_t channels = cache->divisors[3]; channels > 1 && channels % schedule.getTileK())
      return misfit("tile[2] (" + Twine(schedule.getTileK()) + ") must divide the " +
                    Twine(channels) + " channels that share each scale of " + name);
  }
  int64_t steps = llvm::divideCeil(problem.keys, schedule.getTileN());
  if (schedule.getSplitK() > steps)
    return misfit("split_k (" + Twine(schedule.getSplitK()) + ") exceeds the steps of tile[1] = " +
                  Twine(schedule.getTileN()) + " tokens over the " + Twine(problem.keys) +
                  " cached tokens (" + Twine(steps) + ")");
  return success();
}
