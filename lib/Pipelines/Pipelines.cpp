//===- Pipelines.cpp - lowbit's named pass pipelines -----------------------===//
#include "lowbit/Pipelines/Pipelines.h"

#include "lowbit/Conversion/Passes.h"
#include "lowbit/Transforms/Passes.h"

#include "mlir/Conversion/Passes.h"
#include "mlir/Dialect/Arith/Transforms/Passes.h"
#include "mlir/Dialect/Bufferization/Pipelines/Passes.h"
#include "mlir/Dialect/Bufferization/Transforms/Passes.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/Pipelines/Passes.h"
#include "mlir/Dialect/GPU/Transforms/Passes.h"
#include "mlir/Dialect/Linalg/Passes.h"
#include "mlir/Dialect/MemRef/Transforms/Passes.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Transforms/Passes.h"

using namespace mlir;
using namespace lowbit;

void lowbit::buildLowbitToLinalgPipeline(OpPassManager &pm, const PipelineOptions &options) {
  // Callers hand over weights packed as in files and ONNX; the body unpacks them.
  if (options.interchangeABI)
    pm.addPass(createLowbitInterchangeABI());
  // The quantize_activations opt-in is ordinary ops (per-token scales, lowbit.quantize) before
  // either lowering sees the op.
  pm.addNestedPass<func::FuncOp>(createLowbitQuantizeActivations());
  if (options.fastPath) {
    // A schedule for every op the fast path takes (the cost model for the target CPU)...
    LowbitSelectSchedulesOptions schedules;
    schedules.targetCpu = options.targetCpu;
    schedules.targetTriple = options.targetTriple;
    schedules.targetFeatures = options.targetFeatures;
    schedules.threadWorkUs = options.threadWorkUs;
    pm.addPass(createLowbitSelectSchedules(schedules));
  }
  // The tile kernels generated from the schedules, launched from the host code, and the
  // prepack entry points of arguments marked lowbit.prepack (without the fast path, entry
  // points that return the weights unchanged: the functions' interface stays the same).
  pm.addPass(createLowbitToTile());
  // Every other lowbit op becomes f32 linalg with integer decoding of the codes.
  pm.addPass(createLowbitToLinalg());
  // Folds the unrealized casts and constants the conversion leaves behind.
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());
}

void lowbit::buildLowbitToLLVMPipeline(OpPassManager &pm, const PipelineOptions &options) {
  buildLowbitToLinalgPipeline(pm, options);
  buildLinalgToLLVMPipeline(pm, options);
}

void lowbit::buildLinalgToLLVMPipeline(OpPassManager &pm, const PipelineOptions &options) {
  // Tensors become buffers; identity layouts keep function arguments plain and contiguous.
  bufferization::OneShotBufferizePassOptions bufferize;
  bufferize.bufferizeFunctionBoundaries = true;
  bufferize.functionBoundaryTypeConversion = bufferization::LayoutMapOption::IdentityLayoutMap;
  pm.addPass(bufferization::createOneShotBufferizePass(bufferize));
  // Results are written into caller-provided buffers: the caller owns all memory. (Not with
  // hoist-static-allocs: in MLIR 22 it crashes when one allocation is returned twice; the
  // extra copy is a memcpy.)
  bufferization::BufferResultsToOutParamsPassOptions outParams;
  outParams.modifyPublicFunctions = true;
  pm.addPass(bufferization::createBufferResultsToOutParamsPass(outParams));
  // Temporaries are freed where their last use ends.
  bufferization::buildBufferDeallocationPipeline(pm);

  // Tile kernels need a layout on every register tensor; programs state the ones that matter.
  pm.addPass(createTileInferLayouts());
  // Tile kernels become functions of vector code (workers = SIMD lanes) or of loops emulating
  // their workers; launches loops over the grid. After bufferization: the host code already
  // hands the launches buffers, and the deallocation passes above need not see the kernels'
  // target intrinsics.
  TileToCPUOptions tileToCPU;
  tileToCPU.simd = options.simd;
  tileToCPU.parallel = options.parallel;
  tileToCPU.targetCpu = options.targetCpu;
  tileToCPU.targetTriple = options.targetTriple;
  tileToCPU.targetFeatures = options.targetFeatures;
  pm.addPass(createTileToCPU(tileToCPU));
  // The block loops of launches run on the runtime's threads, and so do the large structured
  // ops of host code.
  if (options.parallel) {
    pm.addPass(createTileLaunchesToOpenMP());
    pm.addPass(createLinalgToOpenMP());
  }

  // Structured ops become loops; floordiv scale maps become index arithmetic.
  pm.addNestedPass<func::FuncOp>(createConvertLinalgToLoopsPass());
  pm.addPass(createLowerAffinePass());
  pm.addPass(createSCFToControlFlowPass());
  // The scalar code of the SIMD kernels' casts and masks leaves foldable constants behind.
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());
  // bf16 conversions as integer bit manipulation (no libgcc helpers needed).
  arith::ArithExpandOpsPassOptions expand;
  expand.includeBf16 = true;
  pm.addPass(arith::createArithExpandOpsPass(expand));
  // fma, roundeven, abs... become LLVM intrinsics (on vectors too) before the libm
  // conversion below could scalarize them into calls.
  pm.addPass(createConvertMathToLLVMPass());
  // erf and tanh have no LLVM intrinsic: call libm.
  pm.addPass(createConvertMathToLibmPass());
  // Vector ops (the SIMD kernels) to LLVM vectors and intrinsics.
  pm.addPass(createConvertVectorToLLVMPass());

  // To the LLVM dialect.
  pm.addPass(memref::createExpandStridedMetadataPass());
  pm.addPass(createLowerAffinePass());
  // Buffers through MLIR's generic allocation functions, which the runtime defines
  // (lowbit/Runtime/BufferCache.h: freed buffers are reused by the next call).
  FinalizeMemRefToLLVMConversionPassOptions memrefOptions;
  memrefOptions.useGenericFunctions = true;
  pm.addPass(createFinalizeMemRefToLLVMConversionPass(memrefOptions));
  pm.addPass(createArithToLLVMConversionPass());
  pm.addPass(createConvertIndexToLLVMPass());
  pm.addPass(createConvertControlFlowToLLVMPass());
  pm.addPass(createConvertFuncToLLVMPass());
  // The parallel launches (omp.parallel / omp.wsloop) with LLVM types in their regions.
  pm.addPass(createConvertOpenMPToLLVMPass());
  pm.addPass(createUBToLLVMConversionPass());
  pm.addPass(createReconcileUnrealizedCastsPass());
}

namespace {
/// The command-line form of PipelineOptions.
struct LowbitPipelineCLOptions : PassPipelineOptions<LowbitPipelineCLOptions> {
  Option<bool> fastPath{*this, "fast-path",
                        llvm::cl::desc("Schedules and tile kernels for the ops the fast path "
                                       "takes (false: the reference lowering for every op)"),
                        llvm::cl::init(true)};
  Option<std::string> targetCpu{*this, "target-cpu",
                                llvm::cl::desc("LLVM CPU name (znver3, znver4, ...) or host"),
                                llvm::cl::init("host")};
  Option<std::string> targetTriple{*this, "target-triple",
                                   llvm::cl::desc("Target triple; empty for the host's"),
                                   llvm::cl::init("")};
  Option<std::string> targetFeatures{*this, "target-features",
                                     llvm::cl::desc("Extra LLVM target features"),
                                     llvm::cl::init("")};
  Option<bool> parallel{*this, "parallel",
                        llvm::cl::desc("Run kernel launches on the runtime's threads"),
                        llvm::cl::init(true)};
  Option<std::string> simd{*this, "simd",
                           llvm::cl::desc("tile-to-cpu's SIMD lowering: auto, never or always"),
                           llvm::cl::init("auto")};
  Option<int64_t> threadWorkUs{
      *this, "thread-work-us",
      llvm::cl::desc("Estimated one-core microseconds of a call per thread it gets (0: all "
                     "threads for every call)"),
      llvm::cl::init(20)};

  PipelineOptions get() const {
    PipelineOptions options;
    options.fastPath = fastPath;
    options.targetCpu = targetCpu;
    options.targetTriple = targetTriple;
    options.targetFeatures = targetFeatures;
    options.parallel = parallel;
    options.simd = simd;
    options.threadWorkUs = threadWorkUs;
    return options;
  }
};
} // namespace

void lowbit::registerLowbitPipelines() {
  PassPipelineRegistration<LowbitPipelineCLOptions>(
      "lowbit-pipeline-linalg",
      "Lower lowbit ops to tile kernels (the fast path, for the ops it takes) and the rest to "
      "linalg/tensor/arith on f32, with the interchange calling convention",
      [](OpPassManager &pm, const LowbitPipelineCLOptions &options) {
        buildLowbitToLinalgPipeline(pm, options.get());
      });
  PassPipelineRegistration<LowbitPipelineCLOptions>(
      "lowbit-pipeline-llvm",
      "Lower lowbit ops all the way to the LLVM dialect (bufferized, results as out-params)",
      [](OpPassManager &pm, const LowbitPipelineCLOptions &options) {
        buildLowbitToLLVMPipeline(pm, options.get());
      });
  registerLowbitPTXPipeline();
  registerLowbitHsacoPipeline();
}


// --- CUDA: tile kernels to PTX ---------------------------------------------------------------

namespace {
struct PTXPipelineOptions : PassPipelineOptions<PTXPipelineOptions> {
  Option<std::string> chip{*this, "chip", llvm::cl::desc("sm_80 or sm_90"),
                           llvm::cl::init("sm_80")};
};
} // namespace

void lowbit::buildLowbitToPTXPipeline(OpPassManager &pm, llvm::StringRef chip) {
  // Kernels become gpu.module/gpu.func (thread = worker), launches gpu.launch_func.
  pm.addPass(createTileToNVVM());
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());
  // Upstream: nvgpu/gpu to NVVM, nvvm-attach-target, gpu-module-to-binary{format=isa}: the
  // PTX text is the `assembly` of the #gpu.object (PTX ISA 8.0 so that sm_90 is accepted).
  gpu::GPUToNVVMPipelineOptions nvvm;
  nvvm.cubinChip = chip.str();
  nvvm.cubinFeatures = "+ptx80";
  nvvm.cubinFormat = "isa";
  gpu::buildLowerToNVVMPassPipeline(pm, nvvm);
}

void lowbit::registerLowbitPTXPipeline() {
  PassPipelineRegistration<PTXPipelineOptions>(
      "lowbit-pipeline-ptx",
      "Lower tile kernels to PTX (tile-to-nvvm, then the upstream GPU/NVVM conversions and "
      "gpu-module-to-binary format=isa)",
      [](OpPassManager &pm, const PTXPipelineOptions &options) {
        buildLowbitToPTXPipeline(pm, options.chip);
      });
}

// --- HIP: tile kernels to HSACO --------------------------------------------------------------

namespace {
struct HsacoPipelineCLOptions : PassPipelineOptions<HsacoPipelineCLOptions> {
  Option<std::string> chip{*this, "chip", llvm::cl::desc("gfx90a or gfx942"),
                           llvm::cl::init("gfx942")};
  Option<std::string> toolkit{
      *this, "toolkit",
      llvm::cl::desc("ROCm toolkit directory (needs llvm/bin/ld.lld for format=bin); empty: "
                     "upstream's default"),
      llvm::cl::init("")};
  Option<std::string> format{*this, "format",
                             llvm::cl::desc("isa (assembly text) or bin (HSACO ELF)"),
                             llvm::cl::init("bin")};
};
} // namespace

void lowbit::buildLowbitToHsacoPipeline(OpPassManager &pm, const HsacoPipelineOptions &options) {
  // Kernels become gpu.module/gpu.func (thread = worker), dots amdgpu.mfma.
  TileToROCDLOptions tile;
  tile.chip = options.chip;
  pm.addPass(createTileToROCDL(tile));
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());
  // Device code to ROCDL/LLVM: structured control flow first, then the chip's mfma intrinsics,
  // then the upstream GPU -> ROCDL conversion (arith, vector, memref, cf included).
  pm.addNestedPass<gpu::GPUModuleOp>(createSCFToControlFlowPass());
  arith::ArithExpandOpsPassOptions expand;
  expand.includeBf16 = true;
  pm.addNestedPass<gpu::GPUModuleOp>(arith::createArithExpandOpsPass(expand));
  ConvertAMDGPUToROCDLPassOptions amdgpu;
  amdgpu.chipset = options.chip;
  pm.addNestedPass<gpu::GPUModuleOp>(createConvertAMDGPUToROCDLPass(amdgpu));
  ConvertGpuOpsToROCDLOpsOptions rocdl;
  rocdl.chipset = options.chip;
  pm.addNestedPass<gpu::GPUModuleOp>(createConvertGpuOpsToROCDLOps(rocdl));
  pm.addPass(createReconcileUnrealizedCastsPass());
  GpuROCDLAttachTargetOptions target;
  target.chip = options.chip;
  target.optLevel = 3;
  pm.addPass(createGpuROCDLAttachTarget(target));
  GpuModuleToBinaryPassOptions binary;
  binary.toolkitPath = options.toolkit;
  binary.compilationTarget = options.format;
  pm.addPass(createGpuModuleToBinaryPass(binary));
}

void lowbit::registerLowbitHsacoPipeline() {
  PassPipelineRegistration<HsacoPipelineCLOptions>(
      "lowbit-pipeline-hsaco",
      "Lower tile kernels to AMD HSACO (tile-to-rocdl, convert-amdgpu-to-rocdl, the upstream "
      "GPU/ROCDL conversions, rocdl-attach-target and gpu-module-to-binary)",
      [](OpPassManager &pm, const HsacoPipelineCLOptions &options) {
        buildLowbitToHsacoPipeline(pm, {options.chip, options.toolkit, options.format});
      });
}
