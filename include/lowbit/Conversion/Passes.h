//===- Passes.h - lowbit conversion passes ------------------------*- C++ -*-===//
#ifndef LOWBIT_CONVERSION_PASSES_H
#define LOWBIT_CONVERSION_PASSES_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"
#include "mlir/Transforms/DialectConversion.h"
// tile-to-rocdl
#include "mlir/Dialect/AMDGPU/IR/AMDGPUDialect.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
// tile-to-cpu
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/OpenMP/OpenMPDialect.h"

namespace lowbit {
namespace tile {
class KernelOp;
class TileDialect;
} // namespace tile

#define GEN_PASS_DECL
#include "lowbit/Conversion/Passes.h.inc"

/// Patterns that lower every lowbit op to linalg/tensor/arith/math on f32 and rewrite other
/// ops' low-bit tensor types to code types; `target` learns what is legal afterwards.
void populateLowbitToLinalgConversionPatterns(mlir::TypeConverter &converter,
                                              mlir::RewritePatternSet &patterns,
                                              mlir::ConversionTarget &target);

/// Checks that tile-to-cpu can lower `kernel` and emits an error at the first op it cannot:
/// a register tensor without a layout, tile values carried by ops other than tile ops, scf.for,
/// scf.if and their yields, control flow or other unsupported uses of values that depend on
/// tile.worker_index, global buffers of unsupported element types.
mlir::LogicalResult checkKernelForCPU(tile::KernelOp kernel);

struct CpuTarget;

/// How tile-to-cpu lowers kernels and launches (the pass options, resolved).
struct TileToCPUConfig {
  /// The CPU the code is for (lanes per vector, int8 dot instructions).
  const CpuTarget *target = nullptr;
  enum class Simd { Auto, Never, Always } simd = Simd::Auto;
  /// Launches run their blocks on the runtime's threads (omp.parallel); else scf.for loops.
  bool parallel = true;
};

/// Patterns of tile-to-cpu: each tile.kernel becomes a private func.func whose body is vector
/// code (workers = SIMD lanes) or emulates its workers with loops (the kernel must have passed
/// checkKernelForCPU, and with Simd::Always explainNotSimdLowerable), each tile.launch a
/// parallel loop (or scf.for loops) over the kernel's grid that calls it.
void populateTileToCPUPatterns(mlir::RewritePatternSet &patterns, const TileToCPUConfig &config);

/// Runs the loop over a launch's blocks (no iteration arguments) on OpenMP threads:
/// omp.parallel num_threads(min(trip count, numThreads())) + omp.wsloop schedule(static).
void convertLaunchLoopToOpenMP(mlir::scf::ForOp loop, mlir::func::FuncOp numThreads);
/// `private func.func @lowbit_num_threads() -> i32` (the runtime's thread count), declared once
/// in the module.
mlir::func::FuncOp getNumThreadsFunction(mlir::ModuleOp module);

#define GEN_PASS_REGISTRATION
#include "lowbit/Conversion/Passes.h.inc"

} // namespace lowbit

#endif // LOWBIT_CONVERSION_PASSES_H
