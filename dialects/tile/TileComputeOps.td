//===- TileComputeOps.td - tile register and compute operations ----*- tablegen -*-===//
//
// Included by TileOps.td: the ops on register tensors (view, cast, dot, element-wise ops,
// splat, reduce, broadcast, annotate_layout). Same conventions: `x[w, l]` is what worker w
// holds in local l, `x[i]` the logical element.
//
//===----------------------------------------------------------------------===//
#ifndef TILE_COMPUTE_OPS_TD
#define TILE_COMPUTE_OPS_TD

include "TileBase.td"
include "TileAttrs.td"
include "TileTypes.td"
include "mlir/Interfaces/InferTypeOpInterface.td"
include "mlir/Interfaces/SideEffectInterfaces.td"

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

    **Bit planes.** With `planes [p0, p1, ...]` one side holds integer codes of
    `p0 + p1 + ...` bits (the codes) and the other i32 words, and the codes are not stored one
    after another but split into planes of p0, p1, ... bits (each 4, 2 or 1, non-increasing,
    at least two), so that a plane decodes into bytes with one shift and one mask per four codes
    per lane, as 4-, 2- and 1-bit codes do. For the codes' locals l of a worker (L of them,
    a multiple of 32 / smallest plane), with q = 8 / p0:
    ```
    byte slot B = l / q, c = l mod q, byte i = B mod 4, group g = (B / 4) * q + c
    plane k (r = 8 / pk codes per byte, o = p0 + ... + p(k-1) its first code bit,
             first word P = L * o / 32):
      code bits [o, o + pk) = bits [8 i + (g mod r) * pk, ... + pk) of word P + g / r
    ```
    Plane 0 is the plain packing of the codes' low p0 bits; every plane puts the bits of the
    four codes of a group into the same bit positions of the four bytes of one word. Used for
    the int8 dot of 3-, 5-, 6- and 7-bit weights (planes [2, 1], [4, 1], [4, 2], [4, 2, 1]).

    ```mlir
    %codes = tile.view %words planes [2, 1]
        : !tile.reg<1x48xi32, #tile.layout<local(1,6).spatial(1,8)>>
          -> !tile.reg<32x16xui3, #tile.layout<column_local(32,2).spatial(1,8)>>
    ```
  }];
  let arguments = (ins Tile_RegType:$input, OptionalAttr<DenseI64ArrayAttr>:$planes);
  let results = (outs Tile_RegType:$result);
  let assemblyFormat = [{
    $input (`planes` $planes^)? attr-dict `:` qualified(type($input)) `->`
    qualified(type($result))
  }];
  let builders = [
    OpBuilder<(ins "mlir::Type":$result, "mlir::Value":$input),
              [{ build($_builder, $_state, result, input, mlir::DenseI64ArrayAttr()); }]>
  ];
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

def Tile_LookupOp : Tile_Op<"lookup", [Pure]> {
  let summary = "replace integer codes by the entries of a table they index";
  let description = [{
    ```
    result[i] = table[codes[i]]       // codes read as unsigned; the table's elements in
                                      // row-major order
    ```
    Every worker looks its own codes up in the table. Two uses:
    - the table is held whole by every worker (e.g. `replicated(8).local(1,16)`): the op moves
      no data between workers. It decodes codebook weights (NF4, any table of 2^b values)
      where `tile.cast` decodes number formats;
    - the table is spread over the workers (e.g. `local(1,2).spatial(1,8)`, entry
      `local * 8 + worker`): the op is collective, a worker reads entries other workers hold.
      Tables computed at run time take this form (the products of a few activations with every
      combination of weight codes, summed by lookup), since building one costs each worker
      only its share of the entries. On x86 a table spread as `local * lanes + lane` is one
      or two `vpermps` per vector of codes.

    A third use: a table of integers held whole (e.g. the doubled values of 4-bit floats,
    read by an integer dot); on x86 a table of at most 16 entries of at most 8 bits is one
    `vpshufb` per 32 (AVX2) or 64 (AVX-512BW) codes.

    Constraints: `codes` has unsigned integer elements of 1 to 8 bits (b); `table` has 2^b
    elements of a float or integer type, the result's element type; the result has the shape
    and layout of `codes`; when `table` and `codes` have layouts, they have as many workers.

    Examples (NF4 codes of a 32x16 weight tile to f32; sums of products held in a spread
    table):
    ```mlir
    %v = tile.lookup %table[%codes]
           : !tile.reg<1x16xf32, #tile.layout<replicated(8).local(1,16)>>,
             !tile.reg<32x16xui4, #tile.layout<local(32,2).spatial(1,8)>>
           -> !tile.reg<32x16xf32, #tile.layout<local(32,2).spatial(1,8)>>
    %p = tile.lookup %sums[%nibbles]
           : !tile.reg<1x16xf32, #tile.layout<local(1,2).spatial(1,8)>>,
             !tile.reg<1x16xui4, #tile.layout<local(1,2).spatial(1,8)>>
           -> !tile.reg<1x16xf32, #tile.layout<local(1,2).spatial(1,8)>>
    ```
  }];
  let arguments = (ins Tile_RegType:$table, Tile_RegType:$codes);
  let results = (outs Tile_RegType:$result);
  let assemblyFormat = [{
    $table `[` $codes `]` attr-dict `:` qualified(type($table)) `,` qualified(type($codes))
    `->` qualified(type($result))
  }];
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

class Tile_ElementwiseUnaryOp<string mnemonic, string what, string formula>
    : Tile_Op<mnemonic, [Pure, SameOperandsAndResultType]> {
  let summary = "element-wise " # what # " of a float register tensor";
  let description = [{
    ```
    result[i] = }] # formula # [{         // each worker computes its own locals
    ```
    Constraints: the operand and the result have one type, including the layout; the element
    type is `f16`, `bf16`, `f32` or `f64`. The CPU computes f32 with a polynomial
    approximation (MLIR's, within a few ulp); other types and targets use their math library.

    Example:
    ```mlir
    %r = tile.}] # mnemonic # [{ %x : !tile.reg<8x16xf32, #tile.layout<spatial(8,1).local(1,16)>>
    ```
  }];
  let arguments = (ins Tile_RegType:$input);
  let results = (outs Tile_RegType:$result);
  let assemblyFormat = "$input attr-dict `:` qualified(type($result))";
  let hasVerifier = 1;
}

def Tile_ExpOp : Tile_ElementwiseUnaryOp<"exp", "exponential", "exp(input[i])">;
def Tile_TanhOp : Tile_ElementwiseUnaryOp<"tanh", "hyperbolic tangent", "tanh(input[i])">;

def Tile_IotaOp : Tile_Op<"iota", [Pure]> {
  let summary = "a register tensor holding each element's index along one dimension";
  let description = [{
    ```
    result[i] = i[dim]             // converted to the element type
    ```
    Each worker computes its own locals from the layout, without communication (on the CPU
    a constant vector per local). Typical use: the positions of a tile's columns, offset by
    a `tile.splat` of the tile's first column, to mask the keys of a causal attention.

    Constraints: `dim` is below the rank; the element type is an arithmetic type (an
    integer, `f16`, `bf16`, `f32`, `f64`).

    Example:
    ```mlir
    %cols = tile.iota 1 : !tile.reg<8x16xf32, #tile.layout<spatial(8,1).local(1,16)>>
    ```
  }];
  let arguments = (ins I64Attr:$dim);
  let results = (outs Tile_RegType:$result);
  let assemblyFormat = "$dim attr-dict `:` qualified(type($result))";
  let hasVerifier = 1;
}

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
  let extraClassDeclaration = [{
    /// The input index of result element `index` (broadcast dimensions at 0).
    ::llvm::SmallVector<int64_t, 4> getSourceIndex(::llvm::ArrayRef<int64_t> index);
  }];
}

def Tile_ExtractSliceOp : Tile_Op<"extract_slice", [Pure]> {
  let summary = "a static slice of a register tensor that every worker already holds";
  let description = [{
    ```
    result[i] = input[offsets + i]         // for every index i of the result
    ```
    The slice is taken in registers: each worker keeps elements it holds, so the op needs no
    communication. Typical use: per-group scales loaded for several groups at once (a
    `[groups, N]` tile whose group dimension is local to every worker), one group at a time.

    Constraints:
    - equal ranks and element types; `offsets` has one entry per dimension, and
      `0 <= offsets[d]`, `offsets[d] + result extent d <= input extent d`;
    - when both layouts are present: the same number of workers, and every worker holds, for
      each of its result elements, the input element it comes from (the message names the
      first that is missing). When the sliced dimensions of the input layout are made of
      local modes only, `reduce(input layout, sliced dims)` qualifies for a slice of extent 1.

    Example (the scales of group 3 out of 8 loaded at once, each worker one column):
    ```mlir
    %s3 = tile.extract_slice %s [3, 0]
            : !tile.reg<8x8xf32, #tile.layout<local(8,1).spatial(1,8)>>
            -> !tile.reg<1x8xf32, #tile.layout<spatial(1,8)>>
    ```
  }];
  let arguments = (ins Tile_RegType:$input, DenseI64ArrayAttr:$offsets);
  let results = (outs Tile_RegType:$result);
  let assemblyFormat = [{
    $input $offsets attr-dict `:` qualified(type($input)) `->` qualified(type($result))
  }];
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    /// The input index of result element `index` (offsets + index).
    ::llvm::SmallVector<int64_t, 4> getSourceIndex(::llvm::ArrayRef<int64_t> index);
  }];
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

#endif // TILE_COMPUTE_OPS_TD
