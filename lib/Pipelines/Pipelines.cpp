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
  // Every lowbit op becomes f32 linalg with integer decoding of the codes.
  pm.addPass(createLowbitToLinalg());
  // Folds the unrealized casts and constants the conversion leaves behind.
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());
}

void lowbit::buildLowbitToLLVMPipeline(OpPassManager &pm, const PipelineOptions &options) {
  buildLowbitToLinalgPipeline(pm, options);
  // Tile kernels need a layout on every register tensor; programs state the ones that matter.
  pm.addPass(createTileInferLayouts());
  // Tile kernels become functions of vector code (workers = SIMD lanes) or of loops emulating
  // their workers; launches parallel loops over the grid. Host code hands them buffers through
  // bufferization.to_buffer / to_tensor, which the bufferization below resolves.
  TileToCPUOptions tileToCPU;
  tileToCPU.simd = options.simd;
  tileToCPU.parallel = options.parallel;
  tileToCPU.targetCpu = options.targetCpu;
  tileToCPU.targetTriple = options.targetTriple;
  tileToCPU.targetFeatures = options.targetFeatures;
  pm.addPass(createTileToCPU(tileToCPU));

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
  // The block loops of launches run on the runtime's threads (after deallocation, which adds
  // code to loop bodies).
  if (options.parallel)
    pm.addPass(createTileLaunchesToOpenMP());

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
  pm.addPass(createFinalizeMemRefToLLVMConversionPass());
  pm.addPass(createArithToLLVMConversionPass());
  pm.addPass(createConvertIndexToLLVMPass());
  pm.addPass(createConvertControlFlowToLLVMPass());
  pm.addPass(createConvertFuncToLLVMPass());
  // The parallel launches (omp.parallel / omp.wsloop) with LLVM types in their regions.
  pm.addPass(createConvertOpenMPToLLVMPass());
  pm.addPass(createUBToLLVMConversionPass());
  pm.addPass(createReconcileUnrealizedCastsPass());
}

void lowbit::registerLowbitPipelines() {
  PassPipelineRegistration<>(
      "lowbit-pipeline-linalg",
      "Lower lowbit ops to linalg/tensor/arith on f32 with the interchange calling convention",
      [](OpPassManager &pm) { buildLowbitToLinalgPipeline(pm); });
  PassPipelineRegistration<>(
      "lowbit-pipeline-llvm",
      "Lower lowbit ops all the way to the LLVM dialect (bufferized, results as out-params)",
      [](OpPassManager &pm) { buildLowbitToLLVMPipeline(pm); });
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
