//===- Pipelines.h - lowbit's named pass pipelines ----------------*- C++ -*-===//
//
// The whole compiler as lists of passes, in one place (lib/Pipelines/Pipelines.cpp):
//   lowbit-pipeline-linalg   lowbit IR -> (scheduled ops -> tile kernels) -> linalg/tensor/
//                            arith on f32 for the rest, interchange ABI
//   lowbit-pipeline-llvm     ... -> tile layouts inferred, tile kernels as vector code or
//                            emulated workers, launches on threads (tile-to-cpu) ->
//                            bufferized loops -> LLVM dialect, ready for the JIT
//
//===----------------------------------------------------------------------===//
#ifndef LOWBIT_PIPELINES_PIPELINES_H
#define LOWBIT_PIPELINES_PIPELINES_H

#include "mlir/Pass/PassManager.h"

namespace lowbit {

/// Options of the lowering pipelines (they never read global flags).
struct PipelineOptions {
  /// Pass low-bit tensors across function boundaries as interchange-packed bytes (what
  /// lowbit-run and compiled libraries expect). Off: they pass as one code per byte.
  bool interchangeABI = true;
  /// The CPU the code is for: an LLVM CPU name or "host", the triple (empty: the host's) and
  /// extra LLVM features (tile-to-cpu's target-cpu, target-triple, target-features).
  std::string targetCpu = "host";
  std::string targetTriple;
  std::string targetFeatures;
  /// tile-to-cpu's simd option: auto, never (SIMT emulation everywhere) or always.
  std::string simd = "auto";
  /// Kernel launches run their blocks on the runtime's threads.
  bool parallel = true;
  /// lowbit-select-schedules' thread-work-us: the estimated one-core microseconds of a call
  /// per thread it gets (0: all threads for every call).
  int64_t threadWorkUs = 20;
  /// The fast path: lowbit-select-schedules and lowbit-to-tile take the lowbit ops they can
  /// (generated tile kernels); off, every lowbit op takes the reference lowering.
  bool fastPath = true;
};

/// lowbit ops -> linalg, tensor, arith, math on f32 (the reference lowering), after the fast
/// path (schedules and tile kernels) has taken the ops it can when options.fastPath.
void buildLowbitToLinalgPipeline(mlir::OpPassManager &pm, const PipelineOptions &options = {});

/// lowbit ops -> LLVM dialect: the linalg pipeline, bufferization with results turned into
/// out-parameters (the caller owns every buffer), then tile-infer-layouts, tile-to-cpu (tile
/// kernels as vector code or SIMT emulation for options.targetCpu; launches as block loops)
/// and tile-launches-to-openmp (when options.parallel), loops, and the LLVM conversions
/// (vector, OpenMP included).
void buildLowbitToLLVMPipeline(mlir::OpPassManager &pm, const PipelineOptions &options = {});

/// The second half of buildLowbitToLLVMPipeline: what follows the linalg pipeline (the JIT
/// runs the halves apart to read the signatures the first half leaves, such as those of
/// generated prepack entry points).
void buildLinalgToLLVMPipeline(mlir::OpPassManager &pm, const PipelineOptions &options = {});

/// Registers both pipelines by name with the global pass registry.
void registerLowbitPipelines();

/// tile-to-nvvm, the upstream GPU/NVVM lowering and gpu-module-to-binary{format=isa} for
/// `chip` (sm_80, sm_90): kernels end as PTX text in #gpu.object attributes.
void buildLowbitToPTXPipeline(mlir::OpPassManager &pm, llvm::StringRef chip);
void registerLowbitPTXPipeline();

/// HIP: tile-to-rocdl, convert-amdgpu-to-rocdl, the upstream GPU/ROCDL lowering,
/// rocdl-attach-target and gpu-module-to-binary for `chip` (gfx90a, gfx942). `format` is
/// "isa" (AMDGCN assembly in the #gpu.object) or "bin" (the HSACO ELF); "bin" links with
/// `<toolkit>/llvm/bin/ld.lld` (lld 22). An empty `toolkit` means upstream's default
/// (ROCM_PATH / ROCM_ROOT / ROCM_HOME, else /opt/rocm). The build tree has a minimal toolkit
/// at <build>/rocm-toolkit (amdgcn/bitcode and the ld.lld link; no device libraries needed).
struct HsacoPipelineOptions {
  std::string chip = "gfx942";
  std::string toolkit;
  std::string format = "bin";
};
void buildLowbitToHsacoPipeline(mlir::OpPassManager &pm, const HsacoPipelineOptions &options);
void registerLowbitHsacoPipeline();

} // namespace lowbit

#endif // LOWBIT_PIPELINES_PIPELINES_H
