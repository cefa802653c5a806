//===- MpgemmSchedule.cpp - lowbit.mpgemm: problem, cost model, checks -----===//
#include "lowbit/Transforms/MpgemmSchedule.h"

#include "tile/TileDialect.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Matchers.h"

#include <numeric>

using namespace mlir;
using namespace lowbit;

static CodeKind codeKindOf(Type type) {
  if (isa<TernaryType>(type))
    return CodeKind::Ternary;
  if (auto intType = dyn_cast<IntegerType>(type))
    return intType.isUnsigned() ? CodeKind::Unsigned : CodeKind::Signed;
  return CodeKind::Float;
}

bool MpgemmProblem::int8TableWeights() const {
  return isa<Float4E2M1FNType>(weightType) && !weightScheme.hasCodebook();
}

bool MpgemmProblem::allowsInt8Dot() const {
  bool integerWeights =
      (weightKind != CodeKind::Float && !weightScheme.hasCodebook()) || int8TableWeights();
  // Signed or unsigned codes of up to 8 bits, with or without zero points (folded out through
  // the weights' sums).
  bool integerActivations = !realActivations && (actKind == CodeKind::Signed ||
                                                  actKind == CodeKind::Unsigned);
  return integerWeights && integerActivations;
}

bool MpgemmProblem::allowsLut() const {
  return weightKind != CodeKind::Float && !weightScheme.hasCodebook() &&
         (weightBits == 1 || weightBits == 2) && !actHasZero;
}

BlockArgument lowbit::getPrepackArgument(Value weights) {
  if (auto unpack = weights.getDefiningOp<UnpackOp>())
    weights = unpack.getInput();
  auto arg = dyn_cast<BlockArgument>(weights);
  if (!arg || !arg.getOwner()->isEntryBlock())
    return {};
  auto func = dyn_cast<func::FuncOp>(arg.getOwner()->getParentOp());
  if (!func || !func.getArgAttr(arg.getArgNumber(), kPrepackAttrName))
    return {};
  return arg;
}

std::optional<MpgemmProblem> lowbit::analyzeMpgemm(MpgemmOp op, std::string &whyNot) {
  auto fail = [&](const Twine &why) -> std::optional<MpgemmProblem> {
    whyNot = why.str();
    return std::nullopt;
  };
  auto aType = cast<RankedTensorType>(op.getA().getType());
  auto wType = cast<RankedTensorType>(op.getW().getType());
  auto resultType = cast<RankedTensorType>(op.getResult().getType());
  if (!aType.hasStaticShape() || !wType.hasStaticShape())
    return fail("dynamic shapes take the reference lowering");
  MpgemmProblem problem;
  problem.k = aType.getShape().back();
  problem.n = wType.getShape()[0];
  problem.m = 1;
  for (int64_t extent : aType.getShape().drop_back())
    problem.m *= extent;
  if (problem.m == 0 || problem.n == 0 || problem.k == 0)
    return fail("empty tensors take the reference lowering");
  problem.actType = aType.getElementType();
  problem.weightType = wType.getElementType();
  problem.resultType = resultType.getElementType();
  problem.weightBits = getLowbitWidth(problem.weightType);
  problem.weightKind = codeKindOf(problem.weightType);
  problem.weightScheme = op.getWeightSchemeAttr();

  SchemeAttr scheme = problem.weightScheme;
  switch (scheme.getGranularity()) {
  case Granularity::PerTensor:
    problem.perTensorScale = true;
    problem.groupSize = problem.k;
    break;
  case Granularity::PerChannel:
    if (scheme.getAxis() != 0)
      return fail("scales per input channel (per_channel(axis = 1)) take the reference lowering");
    problem.groupSize = problem.k;
    break;
  case Granularity::Group:
    if (scheme.getAxis() != 1)
      return fail("groups along N (group(axis = 0)) take the reference lowering");
    problem.groupSize = scheme.getGroupSize();
    break;
  case Granularity::Block:
    return fail("2-D blocks of scales take the reference lowering");
  }
  problem.numGroups = (problem.k + problem.groupSize - 1) / problem.groupSize;
  problem.hasZero = scheme.hasZero();
  problem.hasTensorScale = scheme.getTensorScale();
  problem.hasBias = static_cast<bool>(op.getBias());

  if (SchemeAttr act = op.getActSchemeAttr()) {
    problem.realActivations = false;
    problem.actScheme = act;
    problem.actBits = getLowbitWidth(problem.actType);
    problem.actKind = codeKindOf(problem.actType);
    problem.actHasZero = act.hasZero();
    if (act.getGranularity() == Granularity::PerChannel && act.getAxis() == 0 &&
        aType.getRank() == 2) {
      problem.actPerToken = true;
    } else if (act.getGranularity() == Granularity::Group && act.getAxis() == 1 &&
               aType.getRank() == 2) {
      // Groups along K of each token, of any size: the kernels sum products over the pieces
      // of K that lie in one weight group and one activation group (sumGroupSize).
      problem.actPerToken = true;
      problem.actGroupSize = act.getGroupSize();
    } else if (act.getGranularity() != Granularity::PerTensor) {
      return fail("activation schemes other than per tensor, per token (per_channel(axis = 0) "
                  "of a 2-D activation) or per token and group along K (group(axis = 1) of "
                  "a 2-D activation) take the reference lowering");
    }
  } else if (!isRealElementType(problem.actType)) {
    // Low-bit activations without a scheme read as their decoded values.
    problem.realActivations = false;
    problem.actBits = getLowbitWidth(problem.actType);
    problem.actKind = codeKindOf(problem.actType);
  }
  if (problem.actKind == CodeKind::Ternary || isa<Float8E8M0FNUType>(problem.actType))
    return fail("ternary and E8M0 activations take the reference lowering");
  // Only dense elements can be re-laid-out at compile time (not dense_resource blobs).
  DenseElementsAttr weights;
  problem.constantWeights = matchPattern(op.getW(), m_Constant(&weights));
  problem.prepackArgument = getPrepackArgument(op.getW());
  return problem;
}

// --- Layouts ------------------------------------------------------------------------------------

namespace {
struct Shape {
  int64_t workers, tileM, tileN, tileK, columnGroups, scaleGroups;
  explicit Shape(ScheduleAttr s)
      : workers(s.getWorkers()), tileM(s.getTileM()), tileN(s.getTileN()), tileK(s.getTileK()),
        columnGroups(s.getTileN() / s.getWorkers()), scaleGroups(s.getScaleGroups()) {}
};
} // namespace

layout::RegisterLayout lowbit::mpgemmResultLayout(ScheduleAttr schedule) {
  Shape s(schedule);
  return layout::local({s.tileM, s.columnGroups}).spatial({1, s.workers});
}

layout::RegisterLayout lowbit::mpgemmActivationLayout(ScheduleAttr schedule) {
  Shape s(schedule);
  return layout::replicated(s.workers) * layout::local({s.tileM, s.tileK});
}

int64_t lowbit::mpgemmPanelChunk(const MpgemmProblem &problem, ScheduleAttr schedule) {
  // About 256 codes: a 16-column f32 panel of 16 KiB stays in the L1 cache while every tile
  // of rows reads it (a 6 x 16 tile over all of a 4096-long K from the L2 cache ran at 0.72
  // of the FMA peak, over chunks of 256 at 0.82, with packed activations at 1.0; Zen3, one
  // thread, a C model of the loop).
  constexpr int64_t kTarget = 256;
  int64_t tileK = schedule.getTileK();
  if (problem.numGroups > 1) {
    int64_t block = schedule.getScaleGroups() * problem.groupSize;
    return std::max<int64_t>(1, kTarget / block) * block;
  }
  return std::max<int64_t>(1, kTarget / tileK) * tileK;
}

int64_t lowbit::mpgemmPanelChunks(const MpgemmProblem &problem, ScheduleAttr schedule) {
  return llvm::divideCeil(problem.k, mpgemmPanelChunk(problem, schedule));
}

int64_t lowbit::mpgemmPanelTiles(const MpgemmProblem &problem, ScheduleAttr schedule) {
  return llvm::divideCeil(problem.m, schedule.getTileM());
}

int64_t lowbit::mpgemmPanelSharedBytes(const MpgemmProblem &problem, ScheduleAttr schedule) {
  int64_t tileM = schedule.getTileM();
  int64_t rows = mpgemmPanelChunk(problem, schedule) +
                 llvm::divideCeil(schedule.getPanel(), tileM) * tileM;
  return rows * schedule.getTileN() * 4;
}

layout::RegisterLayout lowbit::mpgemmWeightLayout(ScheduleAttr schedule) {
  if (auto attr = dyn_cast_or_null<tile::LayoutAttr>(schedule.getWeightLayout()))
    return attr.getLayout();
  return mpgemmColumnWeightLayout(schedule.getTileK(), schedule.getTileN(),
                                  schedule.getWorkers());
}

layout::RegisterLayout lowbit::mpgemmColumnWeightLayout(int64_t rows, int64_t tileN,
                                                        int64_t workers) {
  return layout::local({1, tileN / workers}).local({rows, 1}).spatial({1, workers});
}

layout::RegisterLayout lowbit::mpgemmLutTableLayout(ScheduleAttr schedule) {
  int64_t workers = schedule.getWorkers();
  return layout::local({1, 16 / workers}).spatial({1, workers});
}

layout::RegisterLayout lowbit::mpgemmLutDecodingLayout(ScheduleAttr schedule, unsigned bits) {
  int64_t workers = schedule.getWorkers();
  return layout::local({1, 16 / workers}).local({4 / int64_t(bits), 1}).spatial({1, workers});
}

layout::RegisterLayout lowbit::mpgemmGroupLayout(ScheduleAttr schedule) {
  Shape s(schedule);
  return layout::local({1, s.columnGroups}).local({s.scaleGroups, 1}).spatial({1, s.workers});
}

layout::RegisterLayout lowbit::mpgemmColumnLayout(ScheduleAttr schedule) {
  Shape s(schedule);
  return layout::local({1, s.columnGroups}).spatial({1, s.workers});
}

layout::RegisterLayout lowbit::mpgemmRowLayout(ScheduleAttr schedule) {
  Shape s(schedule);
  return layout::local({s.tileM, 1}).replicated(s.workers);
}

std::optional<layout::RegisterLayout>
lowbit::mpgemmByteOrderWeightLayout(int64_t bits, int64_t tileK, int64_t tileN, int64_t workers) {
  if (bits != 1 && bits != 2 && bits != 4)
    return std::nullopt;
  int64_t perWord = 32 / bits, perByte = 8 / bits;
  if (tileK % perWord || tileN % workers)
    return std::nullopt;
  llvm::Expected<layout::RegisterLayout> permuted = layout::RegisterLayout::tryCreate(
      {tileK, tileN}, {tileK / perWord, perByte, 4, tileN / workers, workers}, {4},
      {3, 0, 2, 1});
  if (!permuted) {
    llvm::consumeError(permuted.takeError());
    return std::nullopt;
  }
  return *permuted;
}

bool lowbit::mpgemmPermutesActivations(const MpgemmProblem &problem, ScheduleAttr schedule) {
  if (schedule.getPacking() != WeightPacking::Interchange || !schedule.getWeightLayout())
    return false;
  auto given = dyn_cast<tile::LayoutAttr>(schedule.getWeightLayout());
  std::optional<layout::RegisterLayout> byteOrder = mpgemmByteOrderWeightLayout(
      problem.weightBits, schedule.getTileK(), schedule.getTileN(), schedule.getWorkers());
  return given && byteOrder && given.getLayout() == *byteOrder;
}

SmallVector<int64_t, 3> lowbit::mpgemmWeightPlanes(const MpgemmProblem &problem,
                                                   ScheduleAttr schedule) {
  if (schedule.getFamily() != ScheduleFamily::Int8Dot ||
      schedule.getPacking() != WeightPacking::Prepacked)
    return {};
  SmallVector<int64_t, 3> planes;
  for (int64_t width : {4, 2, 1})
    if (problem.weightBits & width)
      planes.push_back(width);
  int64_t codes = schedule.getTileK() * (schedule.getTileN() / schedule.getWorkers());
  if (planes.size() < 2 || codes % (32 / planes.back()) != 0)
    return {};
  return planes;
}

// --- Checks -------------------------------------------------------------------------------------

/// Bits a block loads per step of K for one row of weights must be whole bytes (interchange)
/// or whole 32-bit words (prepacked).
static int64_t stepBits(const MpgemmProblem &problem, ScheduleAttr schedule) {
  return schedule.getTileK() * problem.weightBits;
}

/// The most shared memory a panel block may use: on a CPU it lives in the stack frame of the
/// thread that runs the block.
static constexpr int64_t kMaxPanelBytes = 512 * 1024;

std::string lowbit::explainMpgemmScheduleMisfit(const MpgemmProblem &problem,
                                                ScheduleAttr schedule) {
  std::string why;
  llvm::raw_string_ostream error(why);
  int64_t workers = schedule.getWorkers(), tileN = schedule.getTileN();
  int64_t tileK = schedule.getTileK();
  if (tileN % workers != 0) {
    error << "tile N (" << tileN << ") must be a multiple of workers (" << workers
          << "): every worker holds whole columns";
    return why;
  }
  if (problem.groupSize % tileK != 0 && problem.numGroups > 1) {
    error << "tile K (" << tileK << ") must divide the group size (" << problem.groupSize
          << "): a step of K stays inside one group";
    return why;
  }
  if (problem.actSubGroups() > 1 && problem.sumGroupSize() % tileK != 0) {
    error << "tile K (" << tileK << ") must divide the pieces of K that lie in one group of "
          << "weights and one of activations (" << problem.sumGroupSize()
          << " codes; activation groups of " << problem.actGroupSize
          << "): a step of K stays inside one activation scale";
    return why;
  }
  if (!problem.realActivations && (tileK * problem.actBits) % 8) {
    error << "tile K (" << tileK << ") times " << problem.actBits
          << " bits of activations must be whole bytes: a step reads whole activation bytes";
    return why;
  }
  if (int64_t splitK = schedule.getSplitK(); splitK > 1) {
    if (problem.numGroups == 1) {
      error << "split_k = " << splitK
            << " splits K at groups: these weights have a single group along K (per channel "
               "or per tensor); use split_k = 1";
      return why;
    }
    int64_t groupBlocks =
        (problem.numGroups + schedule.getScaleGroups() - 1) / schedule.getScaleGroups();
    if (splitK > groupBlocks) {
      error << "split_k (" << splitK << ") must not exceed the blocks of scale_groups groups "
            << "along K (" << groupBlocks << "): each part of K covers whole blocks";
      return why;
    }
  }
  int64_t groupCodes = problem.numGroups > 1 ? problem.groupSize : problem.k;
  int64_t steps = (groupCodes + tileK - 1) / tileK;
  if (steps % schedule.getUnroll()) {
    error << "unroll (" << schedule.getUnroll() << ") must divide the steps of K per group ("
          << steps << ")";
    return why;
  }
  if (problem.numGroups > 1 && problem.k % problem.groupSize) {
    int64_t lastSteps = (problem.k % problem.groupSize + tileK - 1) / tileK;
    if (lastSteps % schedule.getUnroll()) {
      error << "unroll (" << schedule.getUnroll()
            << ") must divide the steps of the last, partial group too (" << lastSteps << ")";
      return why;
    }
  }
  if (problem.actSubGroups() > 1) {
    // The steps of each piece of a weight group in one activation group, the last partial
    // one's too.
    int64_t subSteps = problem.sumGroupSize() / tileK;
    int64_t lastSubSteps = (problem.k % problem.sumGroupSize() + tileK - 1) / tileK;
    for (int64_t count : {subSteps, lastSubSteps})
      if (count % schedule.getUnroll()) {
        error << "unroll (" << schedule.getUnroll()
              << ") must divide the steps of K per activation group (" << count << ")";
        return why;
      }
  }
  if (schedule.getPacking() == WeightPacking::Interchange && stepBits(problem, schedule) % 8) {
    error << "tile K (" << tileK << ") times " << problem.weightBits
          << " bits must be whole bytes with packing = interchange";
    return why;
  }
  if (schedule.getPacking() == WeightPacking::Prepacked) {
    if (stepBits(problem, schedule) % 32) {
      error << "tile K (" << tileK << ") times " << problem.weightBits
            << " bits must be whole 32-bit words with packing = prepacked";
      return why;
    }
  }
  if (schedule.getFamily() == ScheduleFamily::Int8Dot && !problem.allowsInt8Dot()) {
    error << "family int8_dot needs integer (or f4E2M1FN) weights and integer activations "
             "(this op has "
          << problem.weightType << " weights and " << problem.actType << " activations)";
    return why;
  }
  if (schedule.getFamily() == ScheduleFamily::Lut) {
    if (!problem.allowsLut()) {
      error << "family lut needs integer or ternary weights of 1 or 2 bits without a codebook, "
               "and activations without zero points (this op has "
            << problem.weightType << " weights"
            << (problem.weightScheme.hasCodebook() ? " with a codebook" : "")
            << (problem.actHasZero ? " and activation zero points" : "") << ")";
      return why;
    }
    if (schedule.getTileM() != 1) {
      error << "family lut builds its tables from one row of activations: tile M ("
            << schedule.getTileM() << ") must be 1";
      return why;
    }
    if (16 % workers) {
      error << "family lut spreads a table of 16 entries over the workers: workers (" << workers
            << ") must divide 16";
      return why;
    }
    // Tile K is a multiple of 4 / b codes: whole bytes (interchange) or words (prepacked).
  }
  if (int64_t panel = schedule.getPanel()) {
    int64_t tileM = schedule.getTileM();
    if (schedule.getFamily() != ScheduleFamily::FMA) {
      error << "panel = " << panel << " decodes the weights into f32: it needs the fma family";
      return why;
    }
    if (!problem.realActivations || problem.actHasZero) {
      error << "panel = " << panel << " needs float activations without zero points (this op has "
            << problem.actType << " activations" << (problem.actHasZero ? " with zero points" : "")
            << ")";
      return why;
    }
    if (schedule.getSplitK() > 1 || schedule.getUnroll() > 1) {
      error << "panel = " << panel << " covers the whole of K in each block, step by step: it "
            << "needs split_k = 1 and unroll = 1";
      return why;
    }
    if (panel % tileM) {
      error << "panel (" << panel << ") must be a multiple of tile M (" << tileM
            << "): blocks of rows start at whole tiles";
      return why;
    }
    if (problem.m < tileM) {
      error << "panel = " << panel << " needs M (" << problem.m << ") at least tile M (" << tileM
            << "): every tile of rows lies inside M";
      return why;
    }
    if (int64_t bytes = mpgemmPanelSharedBytes(problem, schedule); bytes > kMaxPanelBytes) {
      error << "panel = " << panel << " takes " << llvm::divideCeil(bytes, 1024)
            << " KiB of shared memory per block (the f32 panel of "
            << mpgemmPanelChunk(problem, schedule) << " codes x " << schedule.getTileN()
            << " columns and the accumulators of " << panel << " rows), more than "
            << kMaxPanelBytes / 1024 << " KiB";
      return why;
    }
  }
  if (problem.hasZero && problem.weightScheme.getZeroPoint() == ZeroPoint::Int &&
      problem.numGroups > 1 && (schedule.getScaleGroups() * problem.weightBits) % 8) {
    error << "scale_groups (" << schedule.getScaleGroups() << ") times " << problem.weightBits
          << " bits must be whole bytes: integer zero points are read a byte at a time";
    return why;
  }
  if (Attribute layoutAttr = schedule.getWeightLayout()) {
    auto attr = dyn_cast<tile::LayoutAttr>(layoutAttr);
    if (!attr) {
      error << "weight_layout must be a #tile.layout";
      return why;
    }
    const layout::RegisterLayout &given = attr.getLayout();
    if (given.getShape() != ArrayRef<int64_t>{tileK, tileN} || given.getNumWorkers() != workers) {
      error << "weight_layout " << given.str() << " must lay out [" << tileK << ", " << tileN
            << "] over " << workers << " workers";
      return why;
    }
    // Every worker must hold whole columns (the dot adds a column's products in its lane).
    for (int64_t w = 0; w < workers; ++w)
      for (int64_t l = 0; l < given.getLocalSize(); ++l) {
        SmallVector<int64_t, 4> index = given.getLogicalIndex(w, l);
        for (int64_t k = 0; k < tileK; ++k)
          if (llvm::none_of(given.getOwners({k, index[1]}),
                            [&](const layout::WorkerLocal &o) { return o.worker == w; })) {
            error << "weight_layout " << given.str() << ": worker " << w << " holds part of column "
                  << index[1] << " but not all of it; every worker must hold whole columns";
            return why;
          }
      }
    layout::RegisterLayout natural = mpgemmColumnWeightLayout(tileK, tileN, workers);
    if (schedule.getFamily() == ScheduleFamily::Lut && given != natural) {
      error << "family lut reads each worker's codes of a column consecutive along K: the "
               "weight layout is "
            << natural.str() << " (the default)";
      return why;
    }
    if (schedule.getPacking() == WeightPacking::Interchange) {
      std::optional<layout::RegisterLayout> byteOrder =
          mpgemmByteOrderWeightLayout(problem.weightBits, tileK, tileN, workers);
      bool permutable = schedule.getFamily() == ScheduleFamily::Int8Dot &&
                        !problem.realActivations && problem.actBits == 8 &&
                        problem.k % (32 / problem.weightBits) == 0;
      if (given != natural && !(permutable && byteOrder && given == *byteOrder)) {
        error << "with packing = interchange the weight layout is " << natural.str()
              << " (each worker reads its rows as they are stored)";
        if (byteOrder)
          error << " or, for int8_dot with 8-bit activation codes and K a multiple of "
                << 32 / problem.weightBits << ", the byte order " << byteOrder->str()
                << " (the activations are permuted to match)";
        return why;
      }
    }
  }
  return "";
}

LogicalResult lowbit::checkMpgemmSchedule(Operation *op, const MpgemmProblem &problem,
                                          ScheduleAttr schedule) {
  std::string misfit = explainMpgemmScheduleMisfit(problem, schedule);
  if (misfit.empty())
    return success();
  return op->emitOpError() << "schedule " << schedule << " does not fit: " << misfit;
}

// --- The cost model -----------------------------------------------------------------------------

ScheduleAttr lowbit::selectMpgemmSchedule(MLIRContext *context, const MpgemmProblem &problem,
                                          const ScheduleTarget &target) {
  bool gpu = target.kind == ScheduleTarget::Kind::CUDA;
  int64_t workers = gpu ? target.gpuThreads : target.cpu->lanes();
  bool int8 = !gpu && problem.allowsInt8Dot() && target.cpu->x86 && target.cpu->avx2;
  // The lut family only for 1-bit weights with float activations at M = 1, where it ran
  // 1.4x faster than fma (0.32 against 0.45 ms in each of three rounds; Zen3, 4096 x 4096,
  // constant weights, bench/cpu-mpgemm-lut.sh). Elsewhere it loses: on AVX2 each 16-entry
  // lookup of 8 lanes is two vpermps of two uops on the same two pipes, and 2-bit weights need
  // twice the lookups (two codes per table); int8_dot ran 1.7-4.9x faster with si8
  // activations, fma 0.9-2.2x as fast with 2-bit weights and f32 activations.
  bool lut = !gpu && problem.allowsLut() && problem.weightBits == 1 && problem.realActivations &&
             problem.m == 1 && target.cpu->x86 && target.cpu->avx2 && 16 % workers == 0;
  ScheduleFamily family = lut    ? ScheduleFamily::Lut
                          : int8 ? ScheduleFamily::Int8Dot
                                 : ScheduleFamily::FMA;

  // Rows of the activation per block: all of a small M (decode), 4 otherwise (the last block
  // overlaps its neighbour when 4 does not divide M). Two vectors of columns: on AVX2, 4 x 2
  // accumulator vectors with the weight and activation vectors of a step fit the 16
  // registers, and decode has enough independent chains (measured on Zen3 with lowbit-bench,
  // 4096 x 4096 4-bit: 1 x 16 beat 1 x 8, 1 x 24 and 1 x 32 by 15-35%; 4 x 16 beat 2, 6 and 8
  // rows and 8 or 24 columns at M = 16 and 512).
  int64_t tileM = problem.m <= 4 ? problem.m : 4;
  // lut: four vectors of columns per block (1 x 32 beat 1 x 8, 16 and 64 by 3-28%; 1-bit
  // weights, si8 activations, lowbit-bench --schedule).
  int64_t columnGroups = gpu ? 1 : lut ? 4 : 2;
  // Weights decoded by a table (codebooks: two vpermps and a blend per vector of codes on
  // AVX2; 4-bit floats then too, now a byte table and a conversion) pay for more rows per
  // decoded code: 8 rows x 1 vector of columns beat 4 x 2 by 15-35% at M = 16 and 128 (NF4,
  // MXFP4 with the vpermps decode; 4096 x 4096, lowbit-bench). With the byte table MXFP4 at
  // M = 16 runs alike either way (4.4-5.0 against 4.4 ms, three rounds).
  bool tableDecoded = family == ScheduleFamily::FMA &&
                      (problem.weightScheme.hasCodebook() ||
                       (problem.weightKind == CodeKind::Float && problem.weightBits == 4));
  if (!gpu && tableDecoded && problem.m > 4) {
    tileM = std::min<int64_t>(problem.m, 8);
    columnGroups = 1;
  }
  // Panel blocks (prefill with float activations): each block decodes its columns' weights
  // once into an f32 panel and runs 6 x 16 tiles of rows against it, a plain f32 product on
  // packed activations, instead of decoding the weights again for every tile of 4 rows. Zen3,
  // 2 threads, 4096 x 4096 4-bit weights in groups of 128 with zero points, run-time weights
  // (bench/cpu-mpgemm-panel.sh, two rounds): M = 16 8.0-8.5 -> 6.1-6.4 ms, M = 32 15.0-15.7
  // -> 10.3-11.5, M = 64 26.5-27.4 -> 18.1-18.9, M = 128 52-64 -> 36, M = 512 203-208 ->
  // 133-136. Constant weights (prepacked at compile time) at M = 16: 6.8 without against
  // 7.8 ms with panels (lowbit-bench --rotate-mib=1), so panels start at M = 32 (run-time
  // weights at M = 16 would gain; not yet taken). 4 x 24 tiles ran like 6 x 16 (131 against
  // 136 ms at M = 512).
  bool panel = !gpu && family == ScheduleFamily::FMA && problem.realActivations &&
               !problem.actHasZero && problem.m >= 32;
  if (panel) {
    tileM = 6;
    columnGroups = 2;
  }
  // Threads: starting and joining them costs microseconds per call (2.5 us for two Zen3
  // threads, measured with lowbit-bench at M = 1, 64 x 64), so a call gets one thread per
  // target.threadWorkUs (20) of its work on one core, estimated at 10 GB/s of weights and
  // 50 GOP/s. threadCap 0 = all.
  int64_t threads = gpu ? 1 : std::max<int64_t>(1, target.threads);
  int64_t threadCap = 0;
  if (!gpu && target.threadWorkUs > 0) {
    double weightBytes = static_cast<double>(problem.n) * problem.k * problem.weightBits / 8;
    double ops = 2.0 * problem.m * problem.n * problem.k;
    double microseconds = weightBytes / 10e3 + ops / 50e3;
    int64_t worthIt =
        std::max<int64_t>(1, static_cast<int64_t>(microseconds / target.threadWorkUs));
    if (worthIt < threads)
      threads = threadCap = worthIt;
  }
  // Enough blocks to keep every thread busy.
  while (!panel && columnGroups > 1 &&
         (problem.n + columnGroups * workers - 1) / (columnGroups * workers) *
                 ((problem.m + tileM - 1) / tileM) <
             4 * threads)
    --columnGroups;
  int64_t tileN = columnGroups * workers;

  // K steps: 32 codes per step (a 4-bit step is one 16-byte run per row), dividing the group.
  // (Activation groups that cut the weights' groups bound the step instead.)
  int64_t stepGroup = problem.actSubGroups() > 1 ? problem.sumGroupSize()
                      : problem.numGroups > 1    ? problem.groupSize
                                                 : 0;
  int64_t tileK = 32;
  while (tileK > 8 && stepGroup && stepGroup % tileK)
    tileK /= 2;
  if (stepGroup && stepGroup % tileK)
    tileK = stepGroup;
  // Run-time 1-bit weights in interchange packing: up to 16 bytes of each row per step (128
  // codes, as long as that divides the group), as 4-bit steps read; 4-byte runs are gathered
  // a byte at a time. 4096 x 4096, lowbit-bench: M = 1 si8 0.37 against 0.78 ms, f32 (lut)
  // 0.83 against 1.82 ms; M = 16 si8 2.9 against 3.4 ms, f32 4.2 against 6.4 ms. 2-bit weights
  // keep 32 codes: 64 ran 1.1-1.2x slower at M = 1 and 2-4x slower at M = 16 with f32.
  // Other run-time weights at prefill: prepacked on every call (the prepack kernel reads the
  // bytes once, and the kernel's speed on prepacked words pays for it). Measured on Zen3
  // (2 threads, 4096 x 4096, 4-bit weights, lowbit-bench, two runs each, interchange against
  // prepacked per call): si8 M = 16 2.6-3.7 against 2.4-2.5 ms, M = 64 11.5-17 against
  // 7.2-12.8, M = 512 69-93 against 52-61; f32 M = 16 4.4-7.0 against 4.2-7.7 (a wash),
  // M = 64 17.6-17.8 against 15.5-15.9, M = 512 141 against 125.
  bool prepackPerCall = !gpu && !panel && !problem.prepackableWeights() &&
                        problem.m >= (family == ScheduleFamily::Int8Dot ? 16 : 64);
  if (!problem.prepackableWeights() && !prepackPerCall && problem.weightBits == 1 && tileK == 32) {
    int64_t wide = 128;
    while (wide > 32 && stepGroup && stepGroup % wide)
      wide /= 2;
    tileK = wide;
  }
  WeightPacking packing =
      (problem.prepackableWeights() || prepackPerCall) && (tileK * problem.weightBits) % 32 == 0
          ? WeightPacking::Prepacked
          : WeightPacking::Interchange;
  // Groups per block of the group loop: as few as whole bytes of integer zero points allow
  // (each group of the block is unrolled; more groups mean more live registers and code, and
  // measured slower).
  int64_t zeroAlign = 1;
  if (problem.hasZero && problem.weightScheme.getZeroPoint() == ZeroPoint::Int)
    zeroAlign = 8 / std::gcd<int64_t>(8, problem.weightBits);
  int64_t scaleGroups = problem.numGroups > 1 ? zeroAlign : 1;
  // fma decode (M <= 4) with groups shorter than 64 codes: blocks of groups at least 64 codes
  // long (prefill is unmeasured and keeps the fewest groups), so that
  // a block's scales (and zero points) are loaded together, a word per lane, not a byte at a
  // time per group. Measured on Zen3 (one thread, 4096 x 4096, M = 1, f32 activations,
  // prepacked, lowbit-bench --schedule, three rounds): NVFP4 (groups of 16, E4M3 scales)
  // 2.20 -> 1.58 ms with 4 groups per block (8: 1.5-2.4); ui4 in groups of 16 with f16
  // scales and zero points 1.67-1.73 -> 1.46-1.49 ms (4 against 2); MXFP4 (groups of 32)
  // 1.16-1.18 -> 1.15 (2 against 1).
  if (!gpu && family == ScheduleFamily::FMA && problem.m <= 4 && problem.numGroups > 1)
    while (scaleGroups * problem.groupSize < 64 && 2 * scaleGroups <= problem.numGroups)
      scaleGroups *= 2;
  // Panel rows per block: all of M (at most 85 tiles of 6, keeping the accumulators at 32
  // KiB), fewer when that leaves a thread without 4 blocks.
  int64_t panelRows = 0;
  if (panel) {
    int64_t columnBlocks = (problem.n + tileN - 1) / tileN;
    int64_t rowBlocks = std::max<int64_t>(llvm::divideCeil(problem.m, 85 * tileM),
                                          llvm::divideCeil(4 * threads, columnBlocks));
    panelRows = llvm::alignTo(llvm::divideCeil(problem.m, rowBlocks), tileM);
  }
  // Results too narrow to give every thread a block (a few columns, e.g. a router's, over a
  // long K): K is split into parts of whole blocks of groups, one per idle thread, whose f32
  // partial results a second kernel sums.
  int64_t splitK = 1;
  int64_t blocks = (problem.n + tileN - 1) / tileN * ((problem.m + tileM - 1) / tileM);
  if (!gpu && !panel && problem.numGroups > 1 && blocks < threads)
    splitK = std::min((threads + blocks - 1) / blocks,
                      (problem.numGroups + scaleGroups - 1) / scaleGroups);
  // Weights prefetched ahead of the step that loads them (CPU): 1 KiB ahead in prepacked
  // words (one stream per block), 128 bytes ahead in each row of interchange packing (a
  // stream per row). Measured on Zen3 (AVX2, 2 threads, 4096 x 4096, 4-bit weights, si8
  // activations, M = 1, lowbit-bench): prepacked 0.68 -> 0.79 of the read bandwidth
  // (512 bytes: 0.73, 2-4 KiB: 0.77-0.78), interchange 0.51 -> 0.66 (64-256 bytes alike,
  // 512: 0.43); f32 activations 0.49 -> 0.52 and 0.30 -> 0.34; M = 16 and 512 within noise
  // or faster.
  auto prefetchSteps = [&](WeightPacking p) -> int64_t {
    if (gpu)
      return 0;
    int64_t ahead = p == WeightPacking::Prepacked ? 1024 : 128;
    int64_t stepBytes = std::max<int64_t>(1, (p == WeightPacking::Prepacked ? tileN : 1) * tileK *
                                                 problem.weightBits / 8);
    return (ahead + stepBytes - 1) / stepBytes;
  };
  // The first candidate that fits: the preferred family, packing and panel, then the plainer
  // ones.
  ScheduleAttr chosen;
  for (int64_t rows : {panelRows, int64_t(0)})
    for (ScheduleFamily f : {family, ScheduleFamily::FMA})
      for (WeightPacking p : {packing, WeightPacking::Interchange}) {
        // int8_dot weights of 1, 2 or 4 bits in the dot's byte order: prepacked ones are laid
        // out so at compile time; interchange ones keep their bytes, and the activations (8-bit
        // codes) are permuted once per call instead.
        Attribute weightLayout;
        bool byteOrder = p == WeightPacking::Prepacked ||
                         (!problem.realActivations && problem.actBits == 8 &&
                          problem.k % (32 / std::max<int64_t>(1, problem.weightBits)) == 0);
        auto candidateWith = [&](Attribute weightLayout) {
          return ScheduleAttr::get(context, f, workers, tileM, tileN, tileK, p, scaleGroups,
                                   weightLayout, splitK, /*unroll=*/1, threadCap, prefetchSteps(p),
                                   rows);
        };
        // Weights in bit planes (3, 5, 6 and 7 bits prepacked): the byte order of the first
        // plane, whose packing decides which code goes to which byte.
        int64_t orderBits = problem.weightBits;
        if (SmallVector<int64_t, 3> planes = mpgemmWeightPlanes(problem, candidateWith({}));
            !planes.empty())
          orderBits = planes.front();
        if (f == ScheduleFamily::Int8Dot && byteOrder)
          if (std::optional<layout::RegisterLayout> permuted =
                  mpgemmByteOrderWeightLayout(orderBits, tileK, tileN, workers))
            weightLayout = tile::LayoutAttr::get(context, *permuted);
        ScheduleAttr candidate = candidateWith(weightLayout);
        if (!chosen && explainMpgemmScheduleMisfit(problem, candidate).empty())
          chosen = candidate;
      }
  return chosen;
}
