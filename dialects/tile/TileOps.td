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
    `tile.sync`. On a GPU a block is a thread block and a worker a thread; on the CPU a
    block is a task on a core and a worker a SIMD lane (or an iteration of the SIMT
    emulation loop).

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

    Constraints: one offset per dimension; the result has the view's rank and element type.

    Example:
    ```mlir
    %t = tile.load_global %a[%row, %col]
           : !tile.global<?x?xf16>
           -> !tile.reg<16x16xf16, #tile.layout<column_local(2,2).spatial(8,4).local(1,2)>>
    ```
  }];
  let arguments = (ins Arg<Tile_GlobalType, "the view", [MemRead]>:$view,
                       Variadic<Index>:$offsets);
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

    Constraints: one offset per dimension; the value has the view's rank and element type.

    Example:
    ```mlir
    tile.store_global %c, %out[%row, %col]
      : !tile.reg<16x8xf32, #tile.layout<local(2,1).spatial(8,4).local(1,2)>>, !tile.global<?x?xf32>
    ```
  }];
  let arguments = (ins Tile_RegType:$value, Arg<Tile_GlobalType, "the view", [MemWrite]>:$view,
                       Variadic<Index>:$offsets);
  let assemblyFormat = [{
    $value `,` $view `[` $offsets `]` attr-dict
    `:` qualified(type($value)) `,` qualified(type($view))
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

//===----------------------------------------------------------------------===//
// Register tensors: reinterpretation and conversion
//===----------------------------------------------------------------------===//

def Tile_ViewOp : Tile_Op<"view", [Pure]> {
  let summary = "reinterpret each worker's register bits as another type and layout";
  let description = [{
    Each worker keeps its bits; only their meaning changes:
    ```
    for every worker w:
      bits = concat over l of input[w, l]        // local l at bits [l*bIn, (l+1)*bIn)
      result[w, l'] = bits[l'*bOut, (l'+1)*bOut)  for 0 <= l' < localSize(result layout)
    ```
    So `view` costs nothing at run time. Typical use: load pre-packed sub-byte weights as
    32-bit words (wide, contiguous loads) and view them as the 4-bit tile they encode. When
    the result layout replicates an element, the workers holding it must hold the same bits.

    Constraints: both types have layouts; the same number of workers; the same number of
    bits per worker: `localSize(in) * bits(in) == localSize(out) * bits(out)`.

    Example (4 i32 words per worker are the 32 codes of a 16x64 ui4 tile, 128 bits each):
    ```mlir
    %w = tile.view %packed : !tile.reg<16x8xi32, #tile.layout<spatial(16,2).local(1,4)>>
           -> !tile.reg<16x64xui4, #tile.layout<spatial(16,2).local(1,32)>>
    ```
  }];
  let arguments = (ins Tile_RegType:$input);
  let results = (outs Tile_RegType:$result);
  let assemblyFormat = "$input attr-dict `:` qualified(type($input)) `->` qualified(type($result))";
  let hasVerifier = 1;
}

def Tile_CastOp : Tile_Op<"cast", [Pure]> {
  let summary = "convert the elements of a register tensor to another element type";
  let description = [{
    ```
    result[i] = convert(input[i])        // element-wise; every worker converts its locals
    ```
    `convert` keeps the value where the result type can represent it, otherwise:
    - to a float: round to nearest even; overflow gives infinity when the format has one,
      otherwise the largest finite magnitude; NaN gives NaN, or 0 for formats without NaN;
    - to an integer: round half to even, clamp to the type's range (saturate); NaN gives 0.
    Integers are read as signed (`si`, signless) or unsigned (`ui`), `!lowbit.ternary` as
    -1, 0, 1, low-bit floats by their format (see docs/formats.md).

    Constraints: the same shape; the same layout (or none on both); element types from
    `!tile.reg`.

    Example (4-bit weights to f16 for `tile.dot`):
    ```mlir
    %f = tile.cast %w : !tile.reg<16x8xui4, #tile.layout<local(2,1).column_spatial(4,8).local(2,1)>>
           -> !tile.reg<16x8xf16, #tile.layout<local(2,1).column_spatial(4,8).local(2,1)>>
    ```
  }];
  let arguments = (ins Tile_RegType:$input);
  let results = (outs Tile_RegType:$result);
  let assemblyFormat = "$input attr-dict `:` qualified(type($input)) `->` qualified(type($result))";
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Computation
//===----------------------------------------------------------------------===//

def Tile_DotOp : Tile_Op<"dot", [Pure, AllTypesMatch<["c", "result"]>]> {
  let summary = "matrix multiply-accumulate of register tiles";
  let description = [{
    ```
    result[m, n] = c[m, n] + sum_k a[m, k] * b[k, n]
    ```
    Each product is exact in the accumulator type, which is `f32` for float operands and
    `i32` for integer operands; the order of the sum is unspecified. The op is collective:
    a worker's result elements depend on elements other workers hold. Lowerings choose the
    instruction from the layouts (e.g. `mma.sync.m16n8k16` when `a`, `b`, `c` are its
    fragment layouts, repeated) or fall back to a shared-memory exchange.

    Constraints:
    - `a` is `M x K`, `b` is `K x N`, `c` and the result are `M x N` (one type);
    - `a` and `b` are both floats (any float element type) with an `f32` accumulator, or
      both integers with an `i32` accumulator;
    - the layouts that are present distribute over the same number of workers.

    Example (one mma.m16n8k16 step):
    ```mlir
    %d = tile.dot %a, %b, %c
           : !tile.reg<16x16xf16, #tile.layout<column_local(2,2).spatial(8,4).local(1,2)>>,
             !tile.reg<16x8xf16, #tile.layout<local(2,1).column_spatial(4,8).local(2,1)>>
             -> !tile.reg<16x8xf32, #tile.layout<local(2,1).spatial(8,4).local(1,2)>>
    ```
  }];
  let arguments = (ins Tile_RegType:$a, Tile_RegType:$b, Tile_RegType:$c);
  let results = (outs Tile_RegType:$result);
  let assemblyFormat = [{
    $a `,` $b `,` $c attr-dict
    `:` qualified(type($a)) `,` qualified(type($b)) `->` qualified(type($result))
  }];
  let hasVerifier = 1;
}

class Tile_ElementwiseBinaryOp<string mnemonic, string what, string formula,
                               list<Trait> traits = []>
    : Tile_Op<mnemonic, !listconcat([Pure, SameOperandsAndResultType], traits)> {
  let summary = "element-wise " # what # " of register tensors";
  let description = [{
    ```
    result[i] = }] # formula # [{         // each worker computes its own locals
    ```
    Floats follow IEEE arithmetic with round to nearest even (`maximum`/`minimum` return NaN
    when an operand is NaN); integers wrap around (two's complement), `div` rounds toward
    zero and is signed for `si` and signless, unsigned for `ui` (undefined for a zero divisor).

    Constraints: both operands and the result have one type, including the layout; the
    element type is an arithmetic type: an integer or `f16`, `bf16`, `f32`, `f64`. Low-bit
    floats and `!lowbit.ternary` are storage types: `tile.cast` them first.

    Example:
    ```mlir
    %r = tile.}] # mnemonic # [{ %x, %y
           : !tile.reg<16x8xf32, #tile.layout<local(2,1).spatial(8,4).local(1,2)>>
    ```
  }];
  let arguments = (ins Tile_RegType:$lhs, Tile_RegType:$rhs);
  let results = (outs Tile_RegType:$result);
  let assemblyFormat = "$lhs `,` $rhs attr-dict `:` qualified(type($result))";
  let hasVerifier = 1;
}

def Tile_AddOp : Tile_ElementwiseBinaryOp<"add", "addition", "lhs[i] + rhs[i]", [Commutative]>;
def Tile_SubOp : Tile_ElementwiseBinaryOp<"sub", "subtraction", "lhs[i] - rhs[i]">;
def Tile_MulOp : Tile_ElementwiseBinaryOp<"mul", "multiplication", "lhs[i] * rhs[i]",
                                          [Commutative]>;
def Tile_DivOp : Tile_ElementwiseBinaryOp<"div", "division", "lhs[i] / rhs[i]">;
def Tile_MaximumOp : Tile_ElementwiseBinaryOp<"maximum", "maximum", "max(lhs[i], rhs[i])",
                                              [Commutative]>;
def Tile_MinimumOp : Tile_ElementwiseBinaryOp<"minimum", "minimum", "min(lhs[i], rhs[i])",
                                              [Commutative]>;

def Tile_SplatOp : Tile_Op<"splat", [Pure,
    TypesMatchWith<"the scalar is an element of the result", "result", "input",
                   "::llvm::cast<::lowbit::tile::RegType>($_self).getElementType()">]> {
  let summary = "a register tensor with every element equal to a scalar";
  let description = [{
    ```
    result[w, l] = input            // for every worker w and local l
    ```
    Constraints: the scalar's type is the result's element type.

    Example (a zero accumulator):
    ```mlir
    %zero = arith.constant 0.0 : f32
    %acc = tile.splat %zero : !tile.reg<16x8xf32, #tile.layout<local(2,1).spatial(8,4).local(1,2)>>
    ```
  }];
  let arguments = (ins AnyType:$input);
  let results = (outs Tile_RegType:$result);
  let assemblyFormat = "$input attr-dict `:` qualified(type($result))";
}

def Tile_ReduceOp : Tile_Op<"reduce", [Pure]> {
  let summary = "reduce a register tensor along some dimensions";
  let description = [{
    ```
    result[j] = kind over { input[i] : i agrees with j outside dims }   // dims have extent 1
    ```
    `kind` is `add`, `max` or `min` (in the element type; the order of an `add` is
    unspecified). The op is collective: workers exchange partial results (e.g. warp
    shuffles), and every worker that holds a result element holds the full value.

    Constraints:
    - `dims` is strictly increasing, within the rank; the result shape is the input shape
      with extent 1 in `dims`; the element types are equal and arithmetic (as for
      `tile.add`);
    - when both layouts are present, the result layout is
      `reduce(input layout, dims)` of the layout algebra: local modes on `dims` disappear,
      spatial modes on `dims` become replication.

    Example (row sums of an mma accumulator):
    ```mlir
    %s = tile.reduce add %c dims [1]
           : !tile.reg<16x8xf32, #tile.layout<local(2,1).spatial(8,4).local(1,2)>>
           -> !tile.reg<16x1xf32, #tile.layout<local(2,1).spatial(8,1).replicated(4)>>
    ```
  }];
  let arguments = (ins Tile_ReduceKind:$kind, Tile_RegType:$input, DenseI64ArrayAttr:$dims);
  let results = (outs Tile_RegType:$result);
  let assemblyFormat = [{
    $kind $input `dims` $dims attr-dict `:` qualified(type($input)) `->` qualified(type($result))
  }];
  let hasVerifier = 1;
}

def Tile_BroadcastOp : Tile_Op<"broadcast", [Pure]> {
  let summary = "repeat the extent-1 dimensions of a register tensor";
  let description = [{
    ```
    result[i] = input[i with every broadcast dimension set to 0]
    ```
    A broadcast dimension has extent 1 in the input and more in the result. The op needs no
    communication: each worker reads only its own registers.

    Constraints:
    - equal ranks and element types; every input extent is 1 or the result's extent;
    - when both layouts are present: the same number of workers, and every worker holds,
      for each of its result elements, the input element it repeats. The layout
      `reduce(result layout, broadcast dims)` always qualifies; the message names it.

    Example (broadcast row sums back over the columns):
    ```mlir
    %b = tile.broadcast %s
           : !tile.reg<16x1xf32, #tile.layout<local(2,1).spatial(8,1).replicated(4)>>
           -> !tile.reg<16x8xf32, #tile.layout<local(2,1).spatial(8,4).local(1,2)>>
    ```
  }];
  let arguments = (ins Tile_RegType:$input);
  let results = (outs Tile_RegType:$result);
  let assemblyFormat = "$input attr-dict `:` qualified(type($input)) `->` qualified(type($result))";
  let hasVerifier = 1;
}

def Tile_AnnotateLayoutOp : Tile_Op<"annotate_layout", [Pure,
    DeclareOpInterfaceMethods<InferTypeOpInterface>]> {
  let summary = "fix the layout of a register tensor";
  let description = [{
    ```
    result = input, laid out by `layout`
    ```
    The result type is the input type with `layout`. Layout inference propagates annotated
    layouts to the rest of the program (and then the annotation is the identity); use it
    to pin the layout an instruction needs.

    Constraints: the input has no layout or exactly `layout`; the layout's shape is the
    input's shape.

    Example:
    ```mlir
    %a2 = tile.annotate_layout %a {layout = #tile.layout<column_local(2,2).spatial(8,4).local(1,2)>}
            : !tile.reg<16x16xf16>
    ```
  }];
  let arguments = (ins Tile_RegType:$input, Tile_LayoutAttr:$layout);
  let results = (outs Tile_RegType:$result);
  let assemblyFormat = "$input attr-dict `:` qualified(type($input))";
  let hasVerifier = 1;
}

#endif // TILE_OPS_TD
