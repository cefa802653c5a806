//===- Pipelines.cpp - lowbit's named pass pipelines -----------------------===//
#include "lowbit/Pipelines/Pipelines.h"

#include "lowbit/Conversion/Passes.h"
#include "lowbit/Transforms/Passes.h"

#include "mlir/Conversion/Passes.h"
#include "mlir/Dialect/Arith/Transforms/Passes.h"
#include "mlir/Dialect/Bufferization/Pipelines/Passes.h"
#include "mlir/Dialect/Bufferization/Transforms/Passes.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
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
  // Tile kernels become functions that loop over their workers, launches grid loops; host
  // code hands them buffers through bufferization.to_buffer / to_tensor, which the
  // bufferization below resolves.
  pm.addPass(createTileToCPU());

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

  // Structured ops become loops; floordiv scale maps become index arithmetic.
  pm.addNestedPass<func::FuncOp>(createConvertLinalgToLoopsPass());
  pm.addPass(createLowerAffinePass());
  pm.addPass(createSCFToControlFlowPass());
  // bf16 conversions as integer bit manipulation (no libgcc helpers needed).
  arith::ArithExpandOpsPassOptions expand;
  expand.includeBf16 = true;
  pm.addPass(arith::createArithExpandOpsPass(expand));
  // erf and tanh have no LLVM intrinsic: call libm.
  pm.addPass(createConvertMathToLibmPass());

  // To the LLVM dialect.
  pm.addPass(memref::createExpandStridedMetadataPass());
  pm.addPass(createLowerAffinePass());
  pm.addPass(createFinalizeMemRefToLLVMConversionPass());
  pm.addPass(createConvertMathToLLVMPass());
  pm.addPass(createArithToLLVMConversionPass());
  pm.addPass(createConvertIndexToLLVMPass());
  pm.addPass(createConvertControlFlowToLLVMPass());
  pm.addPass(createConvertFuncToLLVMPass());
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
}
