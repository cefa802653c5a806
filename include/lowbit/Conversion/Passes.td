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

def LowbitToTile : Pass<"lowbit-to-tile", "mlir::ModuleOp"> {
  let summary = "Lower scheduled lowbit ops to tile kernels and launches (the fast path)";
  let description = [{
    Every `lowbit.mpgemm` and `lowbit.attention` with a `schedule` (`lowbit-select-schedules`
    attaches them) becomes `tile.kernel`s generated from the schedule and host code that
    launches them; ops without a schedule are left to `lowbit-to-linalg`. The pass is
    target-neutral: the kernel is the same tile program whether the schedule's workers are SIMD
    lanes (`tile-to-cpu`) or GPU threads (`tile-to-nvvm`, `tile-to-rocdl`).

    The kernel (one block per `TM x TN` tile of the result, W workers):
    ```
    acc = 0                                              // [TM, TN] f32, worker w: columns r*W+w
    for each block of scale_groups groups:
      s, z = the groups' scales and zero points           // one load each, per-worker rows
      for each group g of the block:                      // unrolled (tile.extract_slice of s, z)
        p = 0
        for each step of TK codes:                        // unroll U
          w = weight codes [TK, TN]                       // bytes or words, tile.view as codes
          prefetch the weights D steps ahead              // prefetch = D (tile.prefetch_global)
          a = activations [TM, TK]                        // every worker holds all of them
                                                          // (fma: minus integer act zero points)
          p = tile.dot(a, w, p)                           // int8_dot: i32; fma: tile.cast to f32
                                                          // (codebooks: tile.lookup in the table)
        acc += (p - z[g] * sum_g(a)) * s[g]               // zero points folded through sums
    acc = acc * act_scale * tensor_scale + bias, stored as the result type
    ```
    Codebook weights (nf4 and inline tables as constants, a `codebook` operand as it is) hand
    the kernel the table, which each block loads once, every worker holding all of it.
    The `lut` family (1- and 2-bit weights, TM = 1) replaces the dot: a third kernel (grid
    [steps of K, M]) writes, per row and slice of g = 4 / b codes, the 16 sums of the slice's
    activations times each combination of code values (a `tile.dot` with a constant decoding
    table), and the main kernel views each step's codes as 4-bit slices and adds
    `tile.lookup(table of the slice, slice)`, the table spread over the workers.
    Operands are handed to the kernel as flat buffers (`bufferization.to_buffer`, collapsed to
    1-d); low-bit ones as their interchange bytes (those a `lowbit.unpack` of a function
    argument read, or a `lowbit.pack` of the value); the result is a `memref.alloc` turned back
    into a tensor after the launch. With `packing = prepacked` the constant weights are
    re-laid-out at compile time, and other run-time weights (not marked `lowbit.prepack`) by
    the prepack kernel on every call, into a scratch buffer (each block's words contiguous;
    signed and ternary codes stored as unsigned value + offset for `int8_dot`; `int8_dot`
    codes of 3, 5, 6 and 7 bits in bit planes, `mpgemmWeightPlanes`, read back by a
    `tile.view` with `planes`). Constant scales and zero points in groups are re-laid-out
    group-major, [G, N] (integer zero points as their values in bytes), so that a block reads
    a group's values for its columns as whole vectors; arguments keep [N, G].
    `int8_dot` reads 4-bit float weights through a byte table of
    their doubled values plus 12 (an extra argument; `tile.lookup`), subtracts 12 times the
    activation sums and halves the result. Interchange weights read in the dot's byte
    order (an `int8_dot` weight_layout of `mpgemmByteOrderWeightLayout`) need the 8-bit
    activation codes permuted to match: a `linalg.transpose` within each 32-bit word's range of
    codes, once per call, before the launch. Zero points, and those offsets, need the sums of
    the activations over each group: a second kernel (grid [M, groups]) writes them first.
    Activation zero points: `int8_dot` also sums each group's weight codes per column (a second
    `tile.dot`, of ones) and folds them out; `fma` subtracts them from the activations. They
    reach the kernel as bytes (8-bit codes), f32 values (narrower codes: a `lowbit.dequantize`
    with a scale of 1 before the launch) or in their float type (`zero = float`).
    f16 and bf16 activations of `fma` schedules are widened to f32 once per call, by a kernel
    of their own (grid [M, K / (16 W)]), so that no block converts them again.
    `panel = P` (`fma`, float activations) makes each block cover P rows (grid
    [ceil(N / TN), ceil(M / P)]): the activations are first packed as f32 by a kernel of their
    own, in chunks of about 256 codes of K (KC) of tiles of TM rows, element (r, k) of a tile
    at k * TM + r, so that a step's broadcasts are adjacent; then each block, for each chunk,
    decodes its columns' weights into an f32 panel [KC, TN] in shared memory (codes as values,
    minus the zero points, times the scales: no activation sums) and adds every tile's product
    with the panel to its accumulators, kept in shared memory [P, TN] between chunks; the
    epilogue follows the last chunk.
    `split_k = S` adds a third grid dimension: block (., ., s) covers part s of the blocks of
    groups, adds the bias only for s = 0 and stores its f32 partial result to a scratch buffer
    of S parts; a last kernel (grid [M, N / (8 W)]) sums the parts into the result.
    Activation scales per token and group along K scale each group's partial sum (groups as
    large as the weights' or larger), or the partial sum of each piece of a weight group in
    one activation group (activation groups that divide the weights', or cut them elsewhere:
    pieces of their greatest common divisor; the activation sums are then taken per piece).

    `lowbit.attention` becomes two kernels (AttentionKernel.h): the main one,
    grid [ceil(R / TM), B * Hkv, S] with R = (Hq / Hkv) * Sq rows per KV head (one per lane),
    runs the online softmax over its part of the cached sequence in steps of TN keys (scores
    over D in steps of TK, soft-capping, the causal and additive masks, exp, the running
    maximum and sum, o = o * a + p . V) and stores the part's unnormalized output, maximum and
    sum; the merge kernel (grid [ceil(R / TM), B * Hkv]) combines the S parts and the sinks
    and writes the result type. The host scales and transposes the queries to f32 [B * Hkv,
    D, R] and broadcasts a mask to [B, Hq, Sq, Skv] f32 first. Quantized caches (integer,
    fp8 and fp4 codes; any scheme without codebook or tensor scale) are read as interchange
    bytes, each tile of codes viewed as its type and converted to f32 in registers; scales
    that a step shares multiply the queries (K's scales constant over the step's tokens) or
    the probabilities (V's, constant over its channels), with the zero points' term as a
    second product, others dequantize the tile ((x - zero) * scale). Integer zero points
    are converted to f32 by the host.

    Weight arguments marked `lowbit.prepack` get a generated entry point: a function with such
    arguments gets a companion `@<function>_prepack` taking them (in order) and returning what
    the function then takes in their place. When their ops have `packing = prepacked`
    schedules (of one layout), the companion launches a kernel that reads the interchange
    bytes once and writes the words the compile-time prepacking would make, and the function
    takes those words (`tensor<NB*KT x J*W x i32>`); when none does (no schedule, or
    interchange packing), the companion returns the bytes unchanged. Errors: an argument read
    both prepacked and otherwise, or prepacked in two layouts; a marked function that is called
    in the module; a name already taken.

    A kernel equal to one the pass built before (ops of the same shapes, types and schedules:
    a model's layers, projections of equal sizes, their activation packing) is not built
    again: the launches share it. Activation sums that an earlier op of the same block made
    of the same activations with the same kernel are read again, not remade.

    An op whose schedule does not fit it is an error naming the field.

    Example:
    ```mlir
    %y = lowbit.mpgemm %a, %w scale(%s) {schedule = #lowbit.schedule<int8_dot, workers = 8, tile = [1, 16, 32], ...>, ...}
    // becomes
    tile.kernel @mpgemm_0(%act: memref<?xi8>, %w: memref<?xi8>, %s: memref<?xf16>, %out: memref<?xf32>)
        grid [256, 1] workers 8 { ... }
    ...
    tile.launch @mpgemm_0(%a_buffer, %w_buffer, %s_buffer, %out_buffer) : (...) -> ()
    %y = bufferization.to_tensor %out restrict writable : memref<1x4096xf32> to tensor<1x4096xf32>
    ```
  }];
  let dependentDialects = ["lowbit::tile::TileDialect", "mlir::bufferization::BufferizationDialect",
                           "mlir::memref::MemRefDialect", "mlir::scf::SCFDialect",
                           "mlir::arith::ArithDialect", "mlir::tensor::TensorDialect",
                           "mlir::linalg::LinalgDialect"];
}

def TileToCPU : Pass<"tile-to-cpu", "mlir::ModuleOp"> {
  let summary = "Lower tile kernels to vector code (workers = SIMD lanes) or to loops that emulate their workers, and launches to parallel loops over the grid";
  let description = [{
    Each `tile.kernel @k(ARGS) grid [G0, G1] workers W` becomes a private
    `func.func @k(ARGS, %b0: index, %b1: index)` (the block indices last, `tile.block_index`
    reads them) with attributes `tile.grid`, `tile.workers` and `tile.lowering` (`simd` or
    `simt`). Its body is lowered one of two ways:

    - **SIMD** (`lib/Conversion/TileToCPU/Simd*.cpp`): the W workers are the W lanes of a
      vector (`vector<W x i32>`; 8 per AVX2 register, 16 per AVX-512 register), so a
      register tensor becomes vector values, one per local (or per 32-bit word of packed
      sub-word elements), and every tile op becomes straight-line vector code over its locals.
      Layouts are evaluated at compile time: loads and stores become vector loads, broadcasts,
      per-lane row loads transposed by interleave stages, or gathers, as each 32-bit chunk's
      addresses across the lanes allow, behind a run-time check that the tile lies inside
      the view (otherwise masked gathers and scatters; no check and no masked path for
      accesses marked `in_bounds`); `tile.view` is free; `tile.cast`
      and the element-wise ops are the shared scalar emitters applied lane-wide, except that
      floats of at most 8 bits become f32 by their fields (a shift, a mask and a multiply;
      one `vpermps` for 4-bit floats with 16 lanes);
      `tile.dot` becomes FMA chains for floats (low-bit codes cast to f32 for the dot read
      from their words: unsigned 1/2/4-bit integers as masked fields, floats by the field
      decode, 4-bit floats on AVX2 through a `vpshufb` table of integers; f8E4M3FN NaN codes
      marked per result column) and, for integers of at most 8 bits, byte dot
      products (`vpdpbusd` with AVX512-VNNI / AVX-VNNI, `vpmaddubsw` chained in i16 as far
      as the operand ranges prove no overflow, then `vpmaddwd`; plain vector arithmetic on
      other targets); `tile.reduce` combines each lane's locals and then butterflies across
      lanes. Register tensors carried by `scf.for` / yielded by `scf.if` become vector
      iteration arguments / results.
    - **SIMT emulation** (`KernelEmulator.cpp`), for GPU-shaped programs: every worker is an
      iteration of a loop and the workers run in lockstep, each op for all of them before
      the next op; register tensors are buffers `memref<W x localSize x C>`, shared tensors
      buffers, `tile.sync` and `tile.copy_async_wait` no-ops, `tile.copy_async` a
      synchronous copy; scalars that depend on `tile.worker_index` become per-worker buffers.

    With `simd=auto` (the default) a kernel is lowered the SIMD way when it can be: no shared
    memory, no `tile.worker_index`, elements of at most 32 bits, and every `tile.dot` and
    `tile.reduce` computable lane by lane (each lane holds, at one local, the operands of the
    results it holds; reductions across lanes over power-of-two lane groups). `simd=never`
    emulates every kernel; `simd=always` reports a kernel the SIMD lowering cannot take.

    `tile.launch @k(...)` becomes a call per block: a plain call for a grid of one block,
    otherwise an `scf.for` over the linearized grid (last dimension fastest) marked
    `tile.parallel_blocks`, which `tile-launches-to-openmp` later runs on the runtime's
    threads (a launch's `max_threads` goes with it as `tile.max_threads`). `parallel=false`,
    or `max_threads = 1`, gives an unmarked loop nest over the grid instead.

    The target CPU (`target-cpu`, an LLVM CPU name or `host`; `target-triple`, empty for the
    host's; `target-features`, extra LLVM features) decides the instruction families.

    The pass fails with a diagnostic at the op when a register tensor has no layout (run
    `tile-infer-layouts` first), when something other than tile ops, `scf.for`, `scf.if` and
    their yields carries tile values, when control flow depends on the worker index, or when a
    global view's buffer has an element type other than a signless integer of 8, 16, 32 or 64
    bits, `f16`, `bf16`, `f32`, `f64` or an 8-bit float (pack sub-byte data into wider words
    and `tile.view` it); with an unknown target CPU; and with `simd=always` at a kernel the
    SIMD lowering cannot take, saying why.

    Example:
    ```mlir
    tile.kernel @scale(%x: memref<?xf32>, %n: index) grid [4] workers 8 { ... }
    func.func @main(%x: memref<?xf32>, %n: index) {
      tile.launch @scale(%x, %n) : (memref<?xf32>, index) -> ()
      return
    }
    // becomes
    func.func private @scale(%x: memref<?xf32>, %n: index, %b0: index)
        attributes {tile.grid = array<i64: 4>, tile.lowering = "simd", tile.workers = 8 : i64} {
      ... vector<8xf32> code ...
    }
    func.func @main(%x: memref<?xf32>, %n: index) {
      scf.for %i = %c0 to %c4 step %c1 {
        func.call @scale(%x, %n, %i) : (memref<?xf32>, index, index) -> ()
      } {tile.parallel_blocks}
      return
    }
    ```
  }];
  let options = [
    Option<"simd", "simd", "std::string", /*default=*/"\"auto\"",
           "auto: the SIMD lowering where it applies, else SIMT emulation; never; always">,
    Option<"parallel", "parallel", "bool", /*default=*/"true",
           "Mark the block loop of each launch for tile-launches-to-openmp">,
    Option<"targetCpu", "target-cpu", "std::string", /*default=*/"\"host\"",
           "LLVM CPU name (znver3, znver4, skylake-avx512, ...) or host">,
    Option<"targetTriple", "target-triple", "std::string", /*default=*/"\"\"",
           "Target triple; empty for the host's">,
    Option<"targetFeatures", "target-features", "std::string", /*default=*/"\"\"",
           "Extra LLVM target features, e.g. +avx512vnni">,
  ];
  let dependentDialects = ["mlir::scf::SCFDialect", "mlir::memref::MemRefDialect",
                           "mlir::arith::ArithDialect", "mlir::math::MathDialect",
                           "mlir::func::FuncDialect", "mlir::vector::VectorDialect",
                           "mlir::LLVM::LLVMDialect"];
}

def TileLaunchesToOpenMP : Pass<"tile-launches-to-openmp", "mlir::ModuleOp"> {
  let summary = "Run the block loops of tile launches on the OpenMP runtime's threads";
  let description = [{
    `tile-to-cpu` lowers a `tile.launch` of more than one block to a loop over the
    linearized grid (last dimension fastest) marked `tile.parallel_blocks`. This pass turns
    each such loop into
    ```mlir
    %n = func.call @lowbit_num_threads() : () -> i32
    %t = arith.minsi %n, %cap_i32 : i32    // cap = min(blocks, the launch's max_threads)
    omp.parallel num_threads(%t : i32) {
      omp.wsloop schedule(static) {
        omp.loop_nest (%i) : index = (%c0) to (%blocks) step (%c1) { BODY  omp.yield }
      }
      omp.terminator
    }
    ```
    and declares `func.func private @lowbit_num_threads() -> i32` (lib/Runtime: the value of
    `LOWBIT_NUM_THREADS`, else the CPUs the process may run on). The OpenMP runtime keeps its
    threads between launches; a static schedule gives each thread one contiguous range of
    blocks. It runs after bufferization and buffer deallocation (which insert code into loop
    bodies: an OpenMP loop wrapper must hold nothing but its loop nest), before the loops are
    lowered to control flow. Without it (`lowbit-pipeline-llvm` with parallel launches off) the
    loops stay sequential.

    A marked loop that carries values is an error (launch loops carry none).
  }];
  let dependentDialects = ["mlir::omp::OpenMPDialect", "mlir::func::FuncDialect",
                           "mlir::arith::ArithDialect"];
}

def LinalgToOpenMP : Pass<"lowbit-linalg-to-openmp", "mlir::ModuleOp"> {
  let summary = "Run the large structured ops of host code on the OpenMP runtime's threads";
  let description = [{
    The ops no schedule takes (the reference lowerings of attention and moe, norms, rotary
    embeddings, softmax, transposes, masks, the elementwise ops of imported graphs) stay
    `linalg` ops until `convert-linalg-to-loops`. This pass lowers each one whose iteration
    space is static and holds at least `min-iterations` points to loops itself, and runs one
    of its leading parallel loops like a launch's block loop (`tile-launches-to-openmp`):
    ```mlir
    %n = func.call @lowbit_num_threads() : () -> i32
    omp.parallel num_threads(min(%n, trip count)) {
      omp.wsloop schedule(static) { omp.loop_nest (%i) ... { LOOPS INSIDE  omp.yield } }
    }
    ```
    The loop taken is the outermost leading parallel loop of at least 4 iterations, with at
    most 4 iterations of the loops around it (one or a few forks per op); every output of the
    op must be indexed by its dimension (so that no two threads write one element). Ops below
    the threshold, and ops whose leading loops are reductions, are left to
    `convert-linalg-to-loops` (sequential). Run after bufferization, buffer deallocation and
    `tile-launches-to-openmp`; `lowbit-pipeline-llvm` runs it when launches are parallel.
  }];
  let options = [
    Option<"minIterations", "min-iterations", "int64_t", /*default=*/"32768",
           "Iteration points an op needs to run on several threads">,
  ];
  let dependentDialects = ["mlir::omp::OpenMPDialect", "mlir::func::FuncDialect",
                           "mlir::arith::ArithDialect", "mlir::scf::SCFDialect",
                           "mlir::memref::MemRefDialect"];
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
