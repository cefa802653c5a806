//===- TileOps.td - tile operations -------------------------------*- tablegen -*-===//
//
// Every op is executed by every worker of the block (SIMT). A register tensor's element i
// lives in (worker w, local l) when its layout maps (w, l) to i; the pseudo-code below writes
// `x[w, l]` for what worker w holds in local l and `x[i]` for the logical element.
//
//===----------------------------------------------------------------------===//
#ifndef TILE_OPS_TD
#define TILE_OPS_TD

include "TileBase.td"
include "TileAttrs.td"
include "TileTypes.td"
include "mlir/IR/SymbolInterfaces.td"
include "mlir/Interfaces/CallInterfaces.td"
include "mlir/Interfaces/ControlFlowInterfaces.td"
include "mlir/Interfaces/FunctionInterfaces.td"
include "mlir/Interfaces/InferTypeOpInterface.td"
include "mlir/Interfaces/SideEffectInterfaces.td"

//===----------------------------------------------------------------------===//
// Kernels and indices
//===----------------------------------------------------------------------===//

def Tile_KernelOp : Tile_Op<"kernel", [FunctionOpInterface, IsolatedFromAbove]> {
  let summary = "a block-level kernel: a function launched on a grid of blocks";
  let description = [{
    ```
    tile.kernel @NAME(%ARG: TYPE, ...) grid [G0(, G1(, G2))] workers W
        (attributes {...})? { BODY }
    ```
    Launching the kernel runs the body once per worker, for every block of the grid:
    ```
    parallel for b in grid (G0 x G1 x G2 blocks):      // tile.block_index d = b[d]
      parallel for w in 0 .. W:                        // tile.worker_index = w
        BODY(args)                                     // all W workers execute every op
    ```
    Blocks are independent; the workers of one block share its shared memory and meet at
    `tile.sync`. Host code runs a kernel with `tile.launch`. On a GPU a block is a thread
    block and a worker a thread; on the CPU a block is a task on a core and a worker a SIMD
    lane (or an iteration of the SIMT emulation loop).

    Constraints:
    - `grid` has 1 to 3 extents, each at least 1; `workers` is at least 1;
    - the arguments are memrefs and scalars (integers, `index`, floats); there are no
      results; control leaves the body through `tile.return`;
    - every register tensor with a layout inside the body is distributed over exactly `W`
      workers: `layout.getNumWorkers() == W`, replication included;
    - `tile.block_index` dimensions are below the grid's rank.

    Example:
    ```mlir
    tile.kernel @scale(%x: memref<?xf32>, %n: index) grid [16] workers 128 {
      ...
      tile.return
    }
    ```
  }];
  let arguments = (ins SymbolNameAttr:$sym_name, TypeAttrOf<FunctionType>:$function_type,
                       DenseI64ArrayAttr:$grid, I64Attr:$workers,
                       OptionalAttr<DictArrayAttr>:$arg_attrs,
                       OptionalAttr<DictArrayAttr>:$res_attrs);
  let regions = (region MinSizedRegion<1>:$body);
  let hasCustomAssemblyFormat = 1;
  let hasVerifier = 1;
  let hasRegionVerifier = 1;
  let extraClassDeclaration = [{
    /// Workers per block (the `workers` attribute as a signed number).
    int64_t getNumWorkers() { return getWorkersAttr().getInt(); }
    /// FunctionOpInterface / CallableOpInterface.
    ::mlir::Region *getCallableRegion() { return &getBody(); }
    ::llvm::ArrayRef<::mlir::Type> getArgumentTypes() { return getFunctionType().getInputs(); }
    ::llvm::ArrayRef<::mlir::Type> getResultTypes() { return getFunctionType().getResults(); }
  }];
}

def Tile_ReturnOp : Tile_Op<"return", [Pure, HasParent<"KernelOp">, ReturnLike, Terminator]> {
  let summary = "end of a tile.kernel";
  let description = [{
    Ends the kernel for the executing worker. Kernels have no results.

    Example:
    ```mlir
    tile.return
    ```
  }];
  let assemblyFormat = "attr-dict";
}

def Tile_LaunchOp : Tile_Op<"launch", [DeclareOpInterfaceMethods<SymbolUserOpInterface>,
                                       MemoryEffects<[MemRead, MemWrite]>]> {
  let summary = "run a tile.kernel on its grid from host code";
  let description = [{
    ```
    tile.launch @KERNEL(%ARG, ...) : (TYPE, ...) -> ()
    ```
    Runs the kernel once per block of its grid (every worker of every block executes the
    body) and returns when all blocks have finished:
    ```
    for b in grid of KERNEL (G0 x G1 x G2 blocks, in any order or in parallel):
      run KERNEL's body for block b with the arguments
    ```
    The arguments are passed as they are: memrefs are the buffers the kernel's
    `tile.global_view`s read and write (the caller owns them), scalars are copied. The op
    reads and writes memory (what the kernel does with its buffers), so bufferization and
    buffer deallocation keep it in place. The
    launch is the host-side counterpart of `tile.kernel`; each lowering turns it into its
    target's launch (grid loops calling the emulated kernel on the CPU, a
    `gpu.launch_func` on GPUs).

    `max_threads = T` (optional, T >= 1) caps the CPU threads that run the blocks: a
    launch whose work is smaller than the cost of starting threads on it says so (T = 1 runs
    the blocks on the calling thread). Without it, the CPU uses all of the runtime's threads;
    GPU lowerings ignore it.

    Constraints:
    - `@KERNEL` names a `tile.kernel` in the nearest symbol table (the module);
    - the arguments match the kernel's argument types one for one;
    - a launch is host code: it is not nested in a `tile.kernel`;
    - `max_threads`, where given, is positive.

    Example:
    ```mlir
    %a = bufferization.to_buffer %ta read_only : tensor<64x32xf16> to memref<64x32xf16>
    %fa = memref.collapse_shape %a [[0, 1]] : memref<64x32xf16> into memref<2048xf16>
    %da = memref.cast %fa : memref<2048xf16> to memref<?xf16>
    tile.launch @gemm_f16(%da, %db, %dc, %m, %n, %k)
      : (memref<?xf16>, memref<?xf16>, memref<?xf32>, index, index, index) -> ()
    ```
  }];
  let arguments = (ins FlatSymbolRefAttr:$kernel, Variadic<AnyType>:$args,
                       OptionalAttr<I64Attr>:$max_threads);
  let assemblyFormat = "$kernel `(` $args `)` attr-dict `:` functional-type($args, results)";
  let builders = [
    OpBuilder<(ins "llvm::StringRef":$kernel, "mlir::ValueRange":$args), [{
      build($_builder, $_state, kernel, args, /*max_threads=*/nullptr);
    }]>
  ];
  let hasVerifier = 1;
}

def Tile_BlockIndexOp : Tile_Op<"block_index", [Pure]> {
  let summary = "the index of the executing block along one grid dimension";
  let description = [{
    ```
    result = b[dim]        // b: the block's position in the grid, 0 <= b[dim] < grid[dim]
    ```
    Constraints: `0 <= dim < 3`, and below the grid rank of the enclosing `tile.kernel`.

    Example:
    ```mlir
    %bm = tile.block_index 0
    %bn = tile.block_index 1
    ```
  }];
  let arguments = (ins I64Attr:$dim);
  let results = (outs Index:$result);
  let assemblyFormat = "$dim attr-dict";
  let hasVerifier = 1;
}

def Tile_WorkerIndexOp : Tile_Op<"worker_index", [Pure]> {
  let summary = "the index of the executing worker within its block";
  let description = [{
    ```
    result = w             // 0 <= w < workers of the enclosing tile.kernel
    ```
    Register tensors need no explicit worker index (their layouts say who holds what); this
    is for scalar code that differs between workers.

    Example:
    ```mlir
    %w = tile.worker_index
    ```
  }];
  let results = (outs Index:$result);
  let assemblyFormat = "attr-dict";
}

//===----------------------------------------------------------------------===//
// Global memory
//===----------------------------------------------------------------------===//

def Tile_GlobalViewOp : Tile_Op<"global_view", [Pure, AttrSizedOperandSegments]> {
  let summary = "a strided n-d view of a 1-d buffer";
  let description = [{
    ```
    view[i0, .., ir] = source[i0 * strides[0] + .. + ir * strides[r]]
                       for 0 <= ik < sizes[k]
    ```
    Sizes and strides are runtime `index` values in elements, one per dimension of the
    result; strides may be zero or negative as long as every element of the view lies in
    the buffer (not checked). A static extent in the result type promises that the size is
    that extent.

    Constraints: `source` is a 1-d memref whose element type is the view's; the number of
    `sizes` and of `strides` equals the view's rank; a constant size equals the static
    extent of its dimension.

    Example (a row-major M x K matrix with leading dimension `%lda`):
    ```mlir
    %a = tile.global_view %buf sizes(%m, %k) strides(%lda, %c1)
           : memref<?xf16> -> !tile.global<?x?xf16>
    ```
  }];
  let arguments = (ins MemRefRankOf<[AnyType], [1]>:$source, Variadic<Index>:$sizes,
                       Variadic<Index>:$strides);
  let results = (outs Tile_GlobalType:$result);
  let assemblyFormat = [{
    $source `sizes` `(` $sizes `)` `strides` `(` $strides `)` attr-dict
    `:` qualified(type($source)) `->` qualified(type($result))
  }];
  let hasVerifier = 1;
}

def Tile_LoadGlobalOp : Tile_Op<"load_global", []> {
  let summary = "load a register tile from a global view (zero outside the view)";
  let description = [{
    Loads the tile of the result's shape whose first element is at `offsets`:
    ```
    for every worker w, local l:              // each worker loads what it holds
      i = layout(w, l)
      g = offsets + i
      result[w, l] = (0 <= g < sizes of the view) ? view[g] : 0
    ```
    Elements outside the view read as zero, so a tile may overhang the matrix edge.
    Offsets are element indices (not tile indices) and may be any runtime values.

    `in_bounds` states that the whole tile lies inside the view (`0 <= offsets` and
    `offsets + shape <= sizes`), so lowerings may leave out the masks; a tile that does not is
    undefined behavior. Generated kernels use it in the blocks they know to be interior.

    Constraints: one offset per dimension; the result has the view's rank and element type;
    with `in_bounds`, offsets and sizes that are constants must keep the tile inside.

    Example:
    ```mlir
    %t = tile.load_global %a[%row, %col]
           : !tile.global<?x?xf16>
           -> !tile.reg<16x16xf16, #tile.layout<column_local(2,2).spatial(8,4).local(1,2)>>
    ```
  }];
  let arguments = (ins Arg<Tile_GlobalType, "the view", [MemRead]>:$view,
                       Variadic<Index>:$offsets, UnitAttr:$in_bounds);
  let results = (outs Tile_RegType:$result);
  let assemblyFormat = [{
    $view `[` $offsets `]` attr-dict `:` qualified(type($view)) `->` qualified(type($result))
  }];
  let hasVerifier = 1;
}

def Tile_StoreGlobalOp : Tile_Op<"store_global", []> {
  let summary = "store a register tile into a global view (nothing outside the view)";
  let description = [{
    ```
    for every element i of the tile:
      g = offsets + i
      if 0 <= g < sizes of the view: view[g] = value[i]
    ```
    Each element is written once in effect; when the layout replicates an element, its
    holders write the same value and a lowering may let only one of them write.

    `in_bounds` states that the whole tile lies inside the view (as for `tile.load_global`):
    lowerings may leave out the masks; a tile that does not is undefined behavior.

    Constraints: one offset per dimension; the value has the view's rank and element type;
    with `in_bounds`, offsets and sizes that are constants must keep the tile inside.

    Example:
    ```mlir
    tile.store_global %c, %out[%row, %col]
      : !tile.reg<16x8xf32, #tile.layout<local(2,1).spatial(8,4).local(1,2)>>, !tile.global<?x?xf32>
    ```
  }];
  let arguments = (ins Tile_RegType:$value, Arg<Tile_GlobalType, "the view", [MemWrite]>:$view,
                       Variadic<Index>:$offsets, UnitAttr:$in_bounds);
  let assemblyFormat = [{
    $value `,` $view `[` $offsets `]` attr-dict
    `:` qualified(type($value)) `,` qualified(type($view))
  }];
  let hasVerifier = 1;
}

def Tile_PrefetchGlobalOp : Tile_Op<"prefetch_global", []> {
  let summary = "ask for a box of a global view to be brought closer (a hint)";
  let description = [{
    States that the elements `offsets <= g < offsets + sizes` of the view will be loaded
    soon. It changes no value and reads nothing a program can see: a lowering may bring the
    box's memory into a cache or ignore the op. The box may overhang the view or lie wholly
    outside it (e.g. the steps after the last one of a loop): a prefetch never faults.

    The CPU lowering (SIMD and emulated kernels alike) issues one prefetch per 64-byte line of
    the box (at most 64; a larger box, or a view whose strides are not constants, gets none);
    the GPU lowerings erase it.

    Constraints: one offset and one size per dimension of the view; sizes are at least 1.

    Example (the weights of the step 8 steps ahead):
    ```mlir
    tile.prefetch_global %w[%next, %c0] sizes [1, 64] : !tile.global<?x?xi32>
    ```
  }];
  let arguments = (ins Arg<Tile_GlobalType, "the view">:$view, Variadic<Index>:$offsets,
                       DenseI64ArrayAttr:$sizes);
  let assemblyFormat = [{
    $view `[` $offsets `]` `sizes` $sizes attr-dict `:` qualified(type($view))
  }];
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Shared memory
//===----------------------------------------------------------------------===//

def Tile_AllocSharedOp : Tile_Op<"alloc_shared", []> {
  let summary = "allocate a tensor in the block's shared memory";
  let description = [{
    Allocates one shared tensor per block (all workers get the same one), with
    `layout.getAllocationSize()` elements; its contents are undefined until written. The
    allocation lives until the kernel returns.

    Example:
    ```mlir
    %s = tile.alloc_shared : !tile.shared<64x32xf16>
    ```
  }];
  let results = (outs Res<Tile_SharedType, "the allocation", [MemAlloc]>:$result);
  let assemblyFormat = "attr-dict `:` qualified(type($result))";
}

def Tile_LoadSharedOp : Tile_Op<"load_shared", []> {
  let summary = "load a register tile from a shared tensor";
  let description = [{
    ```
    for every worker w, local l:
      result[w, l] = shared[offsets + layout(w, l)]
    ```
    The tile must lie inside the shared tensor (undefined otherwise). Writes by other
    workers are visible only after a `tile.sync` that separates them from this load.

    Constraints: one offset per dimension; the result has the shared tensor's rank and
    element type; no extent of the result exceeds the shared tensor's; constant offsets keep
    the tile inside.

    Example (a 16x16 mma A fragment from a 64x32 tile):
    ```mlir
    %a = tile.load_shared %s[%r, %c0] : !tile.shared<64x32xf16>
           -> !tile.reg<16x16xf16, #tile.layout<column_local(2,2).spatial(8,4).local(1,2)>>
    ```
  }];
  let arguments = (ins Arg<Tile_SharedType, "the shared tensor", [MemRead]>:$source,
                       Variadic<Index>:$offsets);
  let results = (outs Tile_RegType:$result);
  let assemblyFormat = [{
    $source `[` $offsets `]` attr-dict `:` qualified(type($source)) `->` qualified(type($result))
  }];
  let hasVerifier = 1;
}

def Tile_StoreSharedOp : Tile_Op<"store_shared", []> {
  let summary = "store a register tile into a shared tensor";
  let description = [{
    ```
    for every element i of the tile:
      shared[offsets + i] = value[i]
    ```
    Constraints as for `tile.load_shared`. Other workers see the values after a `tile.sync`.

    Example:
    ```mlir
    tile.store_shared %t, %s[%c0, %c0]
      : !tile.reg<64x32xf16, #tile.layout<spatial(32,4).local(2,8)>>, !tile.shared<64x32xf16>
    ```
  }];
  let arguments = (ins Tile_RegType:$value,
                       Arg<Tile_SharedType, "the shared tensor", [MemWrite]>:$dest,
                       Variadic<Index>:$offsets);
  let assemblyFormat = [{
    $value `,` $dest `[` $offsets `]` attr-dict
    `:` qualified(type($value)) `,` qualified(type($dest))
  }];
  let hasVerifier = 1;
}

def Tile_CopyAsyncOp : Tile_Op<"copy_async", []> {
  let summary = "start copying a tile from global memory into a whole shared tensor";
  let description = [{
    Starts, without waiting, the copy of the shared tensor's shape from the view at `offsets`
    (elements outside the view read as zero):
    ```
    for every element i of dest (cooperatively, by all workers of the block):
      g = offsets + i
      dest[i] = (0 <= g < sizes of the view) ? source[g] : 0      // completes later
    ```
    Each executed `tile.copy_async` is one *group*. The data may be read only after
    `tile.copy_async_wait` has retired its group and a following `tile.sync` has made every
    worker's part visible to the block (`cp.async` + `cp.async.wait_group` + `bar.sync` on
    sm_80; a plain copy on the CPU).

    Constraints: one offset per view dimension; `dest` has the view's rank and element type.

    Example:
    ```mlir
    tile.copy_async %a[%row, %k], %s : !tile.global<?x?xf16>, !tile.shared<64x32xf16>
    ```
  }];
  let arguments = (ins Arg<Tile_GlobalType, "the view", [MemRead]>:$source,
                       Variadic<Index>:$offsets,
                       Arg<Tile_SharedType, "the shared tensor", [MemWrite]>:$dest);
  let assemblyFormat = [{
    $source `[` $offsets `]` `,` $dest attr-dict
    `:` qualified(type($source)) `,` qualified(type($dest))
  }];
  let hasVerifier = 1;
}

def Tile_CopyAsyncWaitOp : Tile_Op<"copy_async_wait", []> {
  let summary = "wait until at most N copy groups of this worker are pending";
  let description = [{
    ```
    wait until (groups started by this worker that have not completed) <= pending
    ```
    `pending = 0` waits for every copy. With an `S`-stage pipeline that starts one group per
    stage, `pending = S - 1` waits for the oldest. Follow it with `tile.sync` before reading
    the shared tensors.

    Constraints: `pending >= 0`.

    Example:
    ```mlir
    tile.copy_async_wait pending = 1
    ```
  }];
  let arguments = (ins I64Attr:$pending);
  let assemblyFormat = "`pending` `=` $pending attr-dict";
  let hasVerifier = 1;
}

def Tile_SyncOp : Tile_Op<"sync", []> {
  let summary = "barrier of all workers of the block";
  let description = [{
    Every worker of the block waits until all of them reach this op; shared-memory writes
    made before it are visible to every worker after it (`bar.sync 0` / `s_barrier`).

    Example:
    ```mlir
    tile.sync
    ```
  }];
  let assemblyFormat = "attr-dict";
}

// Ops on register tensors.
include "TileComputeOps.td"

#endif // TILE_OPS_TD
