//===- LowbitAttrs.td - lowbit attributes -------------------------*- tablegen -*-===//
#ifndef LOWBIT_ATTRS_TD
#define LOWBIT_ATTRS_TD

include "LowbitBase.td"

def Lowbit_Granularity : I32EnumAttr<"Granularity", "what one scale covers", [
    I32EnumAttrCase<"PerTensor", 0, "per_tensor">,
    I32EnumAttrCase<"PerChannel", 1, "per_channel">,
    I32EnumAttrCase<"Group", 2, "group">,
    I32EnumAttrCase<"Block", 3, "block">]> {
  let cppNamespace = "::lowbit";
  let genSpecializedAttr = 0;
}

def Lowbit_ZeroPoint : I32EnumAttr<"ZeroPoint", "kind of zero point", [
    I32EnumAttrCase<"None", 0, "none">,
    I32EnumAttrCase<"Int", 1, "int">,
    I32EnumAttrCase<"Float", 2, "float">]> {
  let cppNamespace = "::lowbit";
  let genSpecializedAttr = 0;
}

def Lowbit_Codebook : I32EnumAttr<"Codebook", "kind of codebook", [
    I32EnumAttrCase<"None", 0, "none">,
    I32EnumAttrCase<"NF4", 1, "nf4">,
    I32EnumAttrCase<"Inline", 2, "inline">,
    I32EnumAttrCase<"Operand", 3, "operand">]> {
  let cppNamespace = "::lowbit";
  let genSpecializedAttr = 0;
}

def Lowbit_GateActivation : I32EnumAttr<"GateActivation", "FFN activation", [
    I32EnumAttrCase<"SiLU", 0, "silu">,
    I32EnumAttrCase<"GELU", 1, "gelu">,
    I32EnumAttrCase<"GELUTanh", 2, "gelu_tanh">,
    I32EnumAttrCase<"ReLU", 3, "relu">,
    I32EnumAttrCase<"Identity", 4, "identity">]> {
  let cppNamespace = "::lowbit";
  let genSpecializedAttr = 0;
}

def Lowbit_GateActivationAttr : EnumAttr<Lowbit_Dialect, Lowbit_GateActivation, "activation"> {
  let assemblyFormat = "`<` $value `>`";
}

def Lowbit_SchemeAttr : AttrDef<Lowbit_Dialect, "Scheme"> {
  let mnemonic = "scheme";
  let summary = "how stored codes of a quantized tensor become real numbers";
  let description = [{
    ```
    #lowbit.scheme<GRANULARITY, scale = TYPE [, zero = int|float] [, tensor_scale]
                   [, codebook = nf4 | [v0, v1, ...] | operand]>
    GRANULARITY ::= per_tensor | per_channel(axis = A) | group(axis = A, size = G)
                  | block(R, C)
    ```
    For a quantized tensor `x` of shape `S` (rank r) the scale operand has shape:
    | granularity | scale shape | element `i` uses |
    |---|---|---|
    | `per_tensor` | `[]` | `scale[]` |
    | `per_channel(axis = a)` | `[S[a]]` | `scale[i[a]]` |
    | `group(axis = a, size = G)` | `S` with `S[a]` -> `ceil(S[a] / G)` | `scale[.., i[a] / G, ..]` |
    | `block(R, C)` | `S` with the two innermost extents -> `ceil(./R)`, `ceil(./C)` | `scale[.., i[r-2] / R, i[r-1] / C]` |

    Zero points, when present, have the scale's shape. `zero = int` zero points have the quantized
    element type; `zero = float` zero points have the scale type (f32, f16 or bf16).

    Scale types: `f32`, `f16`, `bf16`, `f8E8M0FNU` (OCP MX) and `f8E4M3FN` (NVFP4).
    `tensor_scale` adds a second-level `tensor<f32>` operand that multiplies every scale (NVFP4).

    A codebook replaces decoding: the stored unsigned `b`-bit code is an index into a table of
    `2^b` reals (`nf4` is QLoRA's NF4 table, `[..]` an inline table, `operand` a
    `tensor<2^b x f32|f16|bf16>` operand). Codebooks exclude zero points.

    Dequantization, in f32, in this order:
    ```
    v = codebook ? codebook[q] : decode(q)
    v = v - zero[g(i)]                      // when zero points are present
    r = v * scale[g(i)]                     // then r = r * tensor_scale when present
    ```

    Examples:
    ```mlir
    #lowbit.scheme<per_tensor, scale = f32>
    #lowbit.scheme<group(axis = 1, size = 128), scale = f16, zero = int>
    #lowbit.scheme<group(axis = 1, size = 32), scale = f8E8M0FNU>            // MXFP4
    #lowbit.scheme<group(axis = 1, size = 16), scale = f8E4M3FN, tensor_scale> // NVFP4
    #lowbit.scheme<group(axis = 1, size = 64), scale = bf16, codebook = nf4>
    #lowbit.scheme<block(32, 32), scale = f32, zero = float>
    ```
  }];
  let parameters = (ins
    "Granularity":$granularity,
    "int64_t":$axis,
    "int64_t":$groupSize,
    "int64_t":$blockRows,
    "int64_t":$blockCols,
    "::mlir::Type":$scaleType,
    "ZeroPoint":$zeroPoint,
    "bool":$tensorScale,
    "Codebook":$codebook,
    OptionalParameter<"::mlir::DenseF32ArrayAttr">:$codebookValues
  );
  let hasCustomAssemblyFormat = 1;
  let genVerifyDecl = 1;
  let extraClassDeclaration = [{
    bool hasZero() const { return getZeroPoint() != ZeroPoint::None; }
    bool hasCodebook() const { return getCodebook() != Codebook::None; }
    /// Shape of the scale and zero-point tensors for a quantized tensor of `shape`
    /// (dynamic extents stay dynamic). Fails when the scheme does not fit the rank.
    ::mlir::FailureOr<::llvm::SmallVector<int64_t>>
    getScaleShape(::llvm::ArrayRef<int64_t> shape) const;
    /// Short text for diagnostics, e.g. "group(axis = 1, size = 32)".
    std::string getGranularityString() const;
  }];
}

def Lowbit_ScheduleFamily : I32EnumAttr<"ScheduleFamily", "instruction family of a schedule", [
    I32EnumAttrCase<"FMA", 0, "fma">,
    I32EnumAttrCase<"Int8Dot", 1, "int8_dot">,
    I32EnumAttrCase<"Lut", 2, "lut">]> {
  let cppNamespace = "::lowbit";
  let genSpecializedAttr = 0;
}

def Lowbit_WeightPacking : I32EnumAttr<"WeightPacking", "how a kernel finds its weights", [
    I32EnumAttrCase<"Interchange", 0, "interchange">,
    I32EnumAttrCase<"Prepacked", 1, "prepacked">]> {
  let cppNamespace = "::lowbit";
  let genSpecializedAttr = 0;
}

def Lowbit_ScheduleAttr : AttrDef<Lowbit_Dialect, "Schedule"> {
  let mnemonic = "schedule";
  let summary = "how an op is computed: tile sizes, layouts, instruction family";
  let description = [{
    ```
    #lowbit.schedule<FAMILY, workers = W, tile = [TM, TN, TK]
                     [, packing = interchange | prepacked] [, scale_groups = GB]
                     [, weight_layout = #tile.layout<...>] [, split_k = S] [, unroll = U]
                     [, threads = T] [, prefetch = D] [, panel = P]>
    FAMILY ::= fma | int8_dot | lut
    ```
    A schedule is data that `lowbit-to-tile` turns into a tile kernel; nothing in it names
    a target (the CPU and the GPU differ only in their schedules). For `lowbit.mpgemm`:
    - the kernel's grid has one block per `TM x TN` tile of the result (times `S` for
      split-K); a block has `W` workers (SIMD lanes on a CPU, threads on a GPU) and runs
      over K in steps of `TK` (one `tile.dot` per step, unrolled `U` times);
    - `FAMILY`: `fma` converts weights (and activations) to f32 in registers and multiplies
      in f32; `int8_dot` multiplies integer codes of at most 8 bits (8-bit integer
      activations with their own scheme) in i32 and applies scales once per group; `lut`
      (1- and 2-bit integer or ternary weights, one row per block: TM = 1) builds, for every
      4 / b activations of a step, a 16-entry f32 table of their products with each
      combination of 4 / b weight codes, and adds the entries that 4-bit slices of the
      weight codes index (T-MAC's idea, exact in f32); the table is spread over the workers
      (`workers` divides 16);
    - `packing`: `interchange` reads the weights as the caller packed them (rows of codes,
      LSB first); `prepacked` reads them re-laid-out so that each block's words are
      contiguous (constant weights are re-laid-out at compile time);
    - `scale_groups`: how many groups of scales (and zero points) a block loads at once;
    - `weight_layout`: the register layout of a `TK x TN` weight tile (a `#tile.layout`);
      absent, `lowbit-to-tile` uses the default one: every worker holds whole columns;
    - `split_k`: the K range is cut into `S` parts at blocks of `GB` groups (grouped
      weights only), computed by different blocks (a third grid dimension) into f32
      partial results that a second kernel sums (for results too narrow to give every
      thread or multiprocessor a block of its own);
    - `threads`: at most `T` CPU threads run the blocks (the launch's `max_threads`; 0, the
      default and not printed, means all of the runtime's threads). The cost model caps the
      threads of a call whose work is too small to pay for starting more; GPUs ignore it;
    - `prefetch`: each step asks for the weights of the step `D` steps ahead
      (`tile.prefetch_global`, a hint: CPUs prefetch the cache lines, GPUs ignore it); 0,
      the default and not printed, asks for none;
    - `panel` (`fma`, CPU): each block covers `P` rows of the activations (not `TM`): it
      first decodes its `TN` columns' weights over the whole of K, scales and zero points
      applied, once into an f32 panel in shared memory (the block's stack frame on a CPU),
      then runs over its rows in tiles of `TM` with plain f32 products against the panel;
      0, the default and not printed, decodes the weights in every `TM x TN` block's steps.

    The attribute only checks that every number is positive; whether a schedule fits an op
    (e.g. `TN` a multiple of `W`, `TK` dividing the group size) is checked where it is used,
    with a located error naming the field.

    Examples:
    ```mlir
    #lowbit.schedule<int8_dot, workers = 8, tile = [1, 32, 32], packing = interchange, scale_groups = 8>
    #lowbit.schedule<fma, workers = 8, tile = [4, 16, 8], packing = prepacked>
    ```
  }];
  let parameters = (ins
    "ScheduleFamily":$family,
    "int64_t":$workers,
    "int64_t":$tileM,
    "int64_t":$tileN,
    "int64_t":$tileK,
    "WeightPacking":$packing,
    "int64_t":$scaleGroups,
    "::mlir::Attribute":$weightLayout,
    "int64_t":$splitK,
    "int64_t":$unroll,
    "int64_t":$threads,
    "int64_t":$prefetch,
    "int64_t":$panel
  );
  let hasCustomAssemblyFormat = 1;
  let genVerifyDecl = 1;
}

#endif // LOWBIT_ATTRS_TD
