//===- Passes.td - lowbit conversion passes -----------------------*- tablegen -*-===//
#ifndef LOWBIT_CONVERSION_PASSES_TD
#define LOWBIT_CONVERSION_PASSES_TD

include "mlir/Pass/PassBase.td"

def LowbitToLinalg : Pass<"lowbit-to-linalg", "mlir::ModuleOp"> {
  let summary = "Lower every lowbit op to linalg, tensor, arith and math on f32 (reference path)";
  let description = [{
    The correct-and-simple lowering: every quantized operand is dequantized to f32 by a
    `linalg.generic` that decodes its codes with integer arithmetic (any format of at most 8
    bits, so no target support for f8/f6/f4 is needed), then the op's math runs on f32:
    a contraction for `lowbit.mpgemm`, scores/softmax/weighted sum for `lowbit.attention`,
    dense experts plus a rank-based top-k routing weight for `lowbit.moe`. `lowbit.pack` and
    `lowbit.unpack` become generics that shift and mask bytes (interchange packing).

    Low-bit tensors become tensors of signless codes of the same width (`ui4`, `si4` and
    `f4E2M1FN` all become `i4`), in function signatures too; `lowbit-interchange-abi`, run
    first, makes function boundaries interchange-packed bytes instead.

    Only static shapes are supported; an op with a dynamic extent is reported and the pass
    fails.

    Example:
    ```mlir
    %w = lowbit.dequantize %q scale(%s) {scheme = #lowbit.scheme<per_channel(axis = 0), scale = f32>}
        : (tensor<4x8xsi4>, tensor<4xf32>) -> tensor<4x8xf32>
    // becomes
    %w = linalg.generic {indexing_maps = [(d0, d1) -> (d0, d1), (d0, d1) -> (d0), ...]}
        ins(%q, %s : tensor<4x8xi4>, tensor<4xf32>) outs(%e : tensor<4x8xf32>) {
      ^bb0(%c: i4, %scale: f32, %out: f32):
        %v = arith.extsi %c : i4 to i32
        %f = arith.sitofp %v : i32 to f32
        %r = arith.mulf %f, %scale : f32
        linalg.yield %r : f32
    } -> tensor<4x8xf32>
    ```
  }];
  let dependentDialects = ["mlir::linalg::LinalgDialect", "mlir::tensor::TensorDialect",
                           "mlir::arith::ArithDialect", "mlir::math::MathDialect",
                           "mlir::func::FuncDialect"];
}

def TileToCPU : Pass<"tile-to-cpu", "mlir::ModuleOp"> {
  let summary = "Lower tile kernels to loops that emulate their workers, and launches to grid loops";
  let description = [{
    The correct-and-simple CPU lowering of the tile dialect (SIMT emulation): every worker of
    a block becomes an iteration of a loop, and the workers run in lockstep, each op for all
    of them before the next op.

    - Each `tile.kernel @k(ARGS) grid [G0, G1] workers W` becomes a private
      `func.func @k(ARGS, %b0: index, %b1: index)` (the block indices last, `tile.block_index`
      reads them) with attributes `tile.grid` and `tile.workers`; `tile.launch @k(...)` becomes
      `scf.for` loops over the grid calling it.
    - A register tensor becomes a buffer `memref<W x localSize x C>` (a `memref.alloca` in the
      function's entry block): element `[w, l]` is local `l` of worker `w`; `C` is the element
      type for `f16`/`bf16`/`f32`/`f64` and signless integers, its signless code otherwise
      (`ui4` -> `i4`, `f8E4M3FN` -> `i8`). A shared tensor is a buffer of
      `getAllocationSize()` elements; a global view is its memref, sizes and strides.
    - Every tile op becomes loops over the workers and their locals. The layout maps are
      index arithmetic: `(w, l)` -> logical index by splitting `w` and `l` into mode digits,
      logical index -> its holder (replication digit 0) by the inverse split
      (`lib/Conversion/Common/LayoutCodegen.h`). `tile.load_global` / `tile.store_global`
      mask every element with `0 <= g < size` (outside: read 0, write nothing); shared
      offsets apply the shared layout with its swizzle. `tile.dot` computes
      `C[w, l] + sum_k A[owner(m, k)] * B[owner(k, n)]` in f32 (i32 for integers);
      `tile.reduce` and `tile.broadcast` read each result element's inputs from their
      owners. `tile.view` moves bits within each worker with shifts (registers are packed
      LSB first per worker); `tile.cast` uses the format emitters of `lowbit-to-linalg`.
    - Lockstep makes `tile.sync` and `tile.copy_async_wait` no-ops and `tile.copy_async` a
      synchronous copy.
    - Scalars are computed once per block, except those that depend on `tile.worker_index`:
      they become per-worker buffers, and the ops using them run in a loop over the workers.
      Control flow (`scf.for`, `scf.if`) must not depend on them.
    - Register tensors carried by `scf.for` or yielded by `scf.if` get a buffer of their own
      that the yields copy into.

    The pass fails with a diagnostic at the op when a register tensor has no layout (run
    `tile-infer-layouts` first), when something other than tile ops, `scf.for`, `scf.if` and
    their yields carries tile values, when control flow depends on the worker index, or when a
    global view's buffer has an element type other than a signless integer of 8, 16, 32 or 64
    bits, `f16`, `bf16`, `f32`, `f64` or an 8-bit float (pack sub-byte data into wider words
    and `tile.view` it).

    Example:
    ```mlir
    tile.kernel @scale(%x: memref<?xf32>, %n: index) grid [4] workers 32 { ... }
    func.func @main(%x: memref<?xf32>, %n: index) {
      tile.launch @scale(%x, %n) : (memref<?xf32>, index) -> ()
      return
    }
    // becomes
    func.func private @scale(%x: memref<?xf32>, %n: index, %b0: index)
        attributes {tile.grid = array<i64: 4>, tile.workers = 32 : i64} { ... }
    func.func @main(%x: memref<?xf32>, %n: index) {
      scf.for %b0 = %c0 to %c4 step %c1 {
        func.call @scale(%x, %n, %b0) : (memref<?xf32>, index, index) -> ()
      }
      return
    }
    ```
  }];
  let dependentDialects = ["mlir::scf::SCFDialect", "mlir::memref::MemRefDialect",
                           "mlir::arith::ArithDialect", "mlir::math::MathDialect",
                           "mlir::func::FuncDialect"];
}

def TileToNVVM : Pass<"tile-to-nvvm", "mlir::ModuleOp"> {
  let summary = "Lower tile kernels to gpu.module/gpu.func for CUDA (worker = thread)";
  let description = [{
    The CUDA lowering of the tile dialect, to the `gpu`, `nvgpu`, `vector`, `memref`, `scf`
    and `arith` dialects; `lowbit-pipeline-ptx` continues to NVVM and PTX.

    - Each `tile.kernel @k(ARGS) grid [G..] workers W` becomes `gpu.module @k` holding the
      kernel `gpu.func @k(ARGS)` with `known_block_size = [W, 1, 1]`; the module gets
      `gpu.container_module`. `tile.worker_index` is `gpu.thread_id x`, `tile.block_index d`
      is `gpu.block_id` x/y/z (grids of rank <= 3). `tile.launch` becomes `gpu.launch_func`
      with grid `G..` and W threads (the host side stays at the gpu level).
    - A register tensor is the thread's `vector<localSize x C>` (C: the storage type, as in
      tile-to-cpu); ops unroll over the locals, computing logical indices from the thread id
      (`lib/Conversion/Common/LayoutCodegen.h`). `tile.view` is a `vector.bitcast` of the
      thread's bits, `tile.cast` the format emitters per local, `tile.broadcast` a shuffle of
      the thread's own locals, element-wise ops vector arith.
    - Global loads and stores are masked per element (`0 <= g < size`: outside read 0, write
      nothing). A shared tensor is a workgroup attribution of `getAllocationSize()` elements
      addressed through its shared layout (with the swizzle).
    - `tile.copy_async` is a cooperative copy (thread t moves the runs t, t + W, ... of
      the shared tile, row-major) ending with `cp.async.commit_group`: when the view's
      innermost stride is the constant 1 and the shared layout keeps 16/8/4-byte runs of the
      last dimension contiguous and aligned, each run inside the view at an aligned global
      address is one `nvgpu.device_async_copy` (cp.async); other runs (edges, misaligned
      rows) and other copies are plain loads (zero outside the view) and stores.
      `tile.copy_async_wait pending = N` is `cp.async.wait_group N`; `tile.sync` is
      `gpu.barrier`.
    - `tile.dot` is `nvgpu.mma.sync` when A, B and C are the PTX fragment layouts
      (`ptxMmaM16N8K16F16A/B/C` with f16 x f16 -> f32, m16n8k16; `ptxMmaM16N8K32S8A/B/C`
      with s8 x s8 -> i32, m16n8k32, which saturates) or block compositions
      `outer * fragment` of them: the outer layouts place tiles on warps and locals, and
      each thread issues one mma per (C tile, K step) with A/B tiles it holds itself.
    - `tile.reduce` (32-bit elements) combines each thread's locals, then butterfly
      `gpu.shuffle xor` over the thread-id bits that move along the reduced dims, which
      must lie within a warp.

    Rejected with an error (before anything is rewritten): other dots, other reductions,
    broadcasts whose source local depends on the thread, register tensors without layouts,
    tile values used by other ops than tile ops and `scf.for`/`scf.if`, global views of
    non-storage element types, grids of rank > 3, more than 1024 workers.
  }];
  let dependentDialects = ["mlir::gpu::GPUDialect", "mlir::nvgpu::NVGPUDialect",
                           "mlir::NVVM::NVVMDialect", "mlir::vector::VectorDialect", "mlir::scf::SCFDialect",
                           "mlir::arith::ArithDialect", "mlir::memref::MemRefDialect"];
}

def TileToROCDL : Pass<"tile-to-rocdl", "mlir::ModuleOp"> {
  let summary = "Lower tile kernels to gpu.module/gpu.func for HIP (AMD CDNA, worker = thread)";
  let description = [{
    The HIP lowering of the tile dialect, to the `gpu`, `amdgpu`, `vector`, `memref`, `scf`
    and `arith` dialects; `lowbit-pipeline-hsaco` continues to ROCDL and HSACO.

    - Each `tile.kernel @k(ARGS) grid [G..] workers W` becomes `gpu.module @k` holding the
      kernel `gpu.func @k(ARGS)` with `known_block_size = [W, 1, 1]` and
      `known_grid_size = [G..]`; the module gets `gpu.container_module`, each `gpu.module`
      `rocdl.chip = "<chip>"`. `tile.worker_index` is `gpu.thread_id x` (waves of 64
      threads), `tile.block_index d` is `gpu.block_id` x/y/z (grids of rank <= 3).
    - A register tensor is the thread's `vector<localSize x C>` (C: the storage type, as in
      tile-to-cpu: `ui4` -> `i4`, ...). Ops unroll over the locals and compute logical indices
      from the thread id (`lib/Conversion/Common/LayoutCodegen.h`). `tile.view` is a
      `vector.bitcast` of the thread's bits, `tile.cast` the format emitters per local,
      `tile.broadcast` a dynamic `vector.extract` of the thread's own locals, element-wise
      ops vector arith, `tile.annotate_layout` the identity.
    - Global loads and stores are masked per element (`0 <= g < size`: outside read 0,
      write nothing). A shared tensor is a workgroup attribution (LDS) of
      `getAllocationSize()` elements addressed through its shared layout (swizzle included).
    - `tile.copy_async` is a synchronous cooperative copy (thread t moves elements t, t + W,
      ...) followed by `gpu.barrier`, so `tile.copy_async_wait` is erased; `tile.sync` is
      `gpu.barrier`.
    - `tile.dot` is `amdgpu.mfma` when A, B and C have the mfma fragment layouts
      (`amdMfma16x16x16F16A/B/C` -> mfma 16x16x16 f16, `amdMfma32x32x8F16A/B/C` -> 32x32x8
      f16; f16 x f16 -> f32) or block compositions of them: waves as outer workers (e.g.
      `spatial(2,2)` of waves, operands replicated across waves) and several fragments per
      thread as outer locals. Each C fragment a thread holds gets one mfma per k fragment,
      on `vector.shuffle` slices of the thread's vectors; the layouts are evaluated at
      compile time to check that every wave holds the A and B fragments it needs.
    - `tile.reduce` folds each thread's own locals, then `gpu.shuffle xor` (width 64) over
      the thread-id bits that select reduced elements; 32-bit elements only.

    Rejected with an error before anything is rewritten: other dots (no general path through
    shared memory), reductions across waves
    (or whose worker bits mix kept and reduced dimensions), `tile.launch` (host launch code
    is not generated yet: load the HSACO and launch `@k` with the HIP runtime, grid `G..`,
    block `W`), register tensors without layouts, global views of sub-byte element types
    or used other than by loads, stores and copies, grids of rank > 3, more than 1024
    workers, a chip other than gfx90a and gfx942.
  }];
  let options = [
    Option<"chip", "chip", "std::string", /*default=*/"\"gfx942\"",
           "The AMD GPU: gfx90a (MI200) or gfx942 (MI300)">,
  ];
  let dependentDialects = ["mlir::gpu::GPUDialect", "mlir::amdgpu::AMDGPUDialect",
                           "mlir::vector::VectorDialect", "mlir::scf::SCFDialect",
                           "mlir::arith::ArithDialect", "mlir::memref::MemRefDialect"];
}

#endif // LOWBIT_CONVERSION_PASSES_TD
