//===- Passes.td - lowbit transformation passes -------------------*- tablegen -*-===//
#ifndef LOWBIT_TRANSFORMS_PASSES_TD
#define LOWBIT_TRANSFORMS_PASSES_TD

include "mlir/Pass/PassBase.td"

def LowbitInterchangeABI : Pass<"lowbit-interchange-abi", "mlir::ModuleOp"> {
  let summary = "Pass low-bit tensors across function boundaries as interchange-packed bytes";
  let description = [{
    Rewrites every `func.func` so that each argument and result of a low-bit element type (1-8
    bits: `ui4`, `si3`, `f4E2M1FN`, `f8E4M3FN`, `!lowbit.float`, ...) becomes a tensor of `i8`
    bytes in interchange packing (innermost axis, LSB first, rows padded to bytes): the body
    starts with `lowbit.unpack` of each such argument and packs each such result with
    `lowbit.pack` before returning. Calls are rewritten to match. This is the calling convention
    of compiled code: `lowbit-run` and compiled libraries hand over packed weights as they are.

    Example:
    ```mlir
    func.func @f(%w: tensor<4x7xui4>) -> tensor<4x7xui4>
    // becomes
    func.func @f(%arg0: tensor<4x4xi8>) -> tensor<4x4xi8> {
      %w = lowbit.unpack %arg0 : tensor<4x4xi8> -> tensor<4x7xui4>
      ...
      %p = lowbit.pack %r : tensor<4x7xui4> -> tensor<4x4xi8>
      return %p : tensor<4x4xi8>
    }
    ```
  }];
  let dependentDialects = ["lowbit::LowbitDialect", "mlir::func::FuncDialect"];
}

def LowbitQuantizeActivations : Pass<"lowbit-quantize-activations", "mlir::func::FuncOp"> {
  let summary = "Expand the quantize_activations opt-in of lowbit.mpgemm into per-token int8 activations";
  let description = [{
    Every `lowbit.mpgemm` with `quantize_activations` (float activations `[M, K]`) becomes the
    per-token quantization its description defines, followed by an int8-activation mpgemm
    that the fast path takes with the integer dot:
    ```
    amax[m] = max_k |a[m, k]|                          linalg.generic (reduction over K)
    s[m]    = amax[m] == 0 ? 1 : amax[m] / 127          linalg.generic
    q       = lowbit.quantize a scale(s)                per_channel(axis = 0) -> si8
    y       = lowbit.mpgemm q, w ... act_scale(s)        act_scheme per_channel(axis = 0)
    ```
    Runs first in both pipelines, so the reference lowering computes the same values.
  }];
  let dependentDialects = ["lowbit::LowbitDialect", "mlir::linalg::LinalgDialect",
                           "mlir::tensor::TensorDialect", "mlir::arith::ArithDialect",
                           "mlir::math::MathDialect"];
}

def LowbitSelectSchedules : Pass<"lowbit-select-schedules", "mlir::ModuleOp"> {
  let summary = "Attach a #lowbit.schedule to every lowbit op the fast path takes";
  let description = [{
    For every `lowbit.mpgemm` without a `schedule` attribute that the fast path can compute
    (static shapes; weights of any low-bit format, codebooks included; scales per tensor, per
    output channel or in groups along K; real activations, or low-bit activations (not
    ternary or E8M0) with a scheme per tensor, per token, or per token and group along K of
    any size, with or without zero points), the cost model picks one for the target:
    - the workers of a block are the target's vector lanes (8 with AVX2, 16 with AVX-512,
      4 with NEON) or, for `target=cuda`, `gpu-threads` threads;
    - `lut` for 1-bit integer weights with float activations at M = 1 on x86 with AVX2 (one
      row per block, 4 vectors of columns); `int8_dot` when the weights are integers (or
      4-bit floats) and the activations integer codes of up to 8 bits (signed or not, with or
      without zero points), on x86 with AVX2; `fma` otherwise (docs/cpu-backend.md has the
      measurements);
    - the tile: all rows of a small M (at most 4: decode), 4 rows otherwise, with 2 vectors
      of columns per block (1 while there would be fewer than 4 blocks per thread); K in steps
      of 32 codes (fewer when the group size needs it; 1-bit weights in interchange packing:
      128 or 64, 16 or 8 bytes of each row per step);
    - `packing = prepacked` for constant weights and arguments marked `lowbit.prepack`, and
      for other run-time weights at prefill (M >= 16 with `int8_dot`, M >= 64 with `fma`:
      prepacked on every call); `interchange` for other run-time ones;
      `int8_dot` weights of 1, 2 or 4 bits get a `weight_layout` in the byte order of the
      dot, so that no activation bytes need shuffling (prepacked ones are laid out so;
      interchange ones need 8-bit activation codes, which lowbit-to-tile permutes to match,
      and K a multiple of 32 / bits);
    - `scale_groups`: 1, or as many as make whole bytes of integer zero points; for `fma` at
      decode (M <= 4) groups shorter than 64 codes in blocks of at least 64 codes;
    - `prefetch` (CPU): the steps that make 1 KiB ahead in prepacked weights, 128 bytes ahead
      in each row of interchange ones;
    - `panel` (CPU, `fma` with float activations without zero points, M >= 32): 6-row tiles
      with 2 vectors of columns against a panel of weights each block decodes once, every
      row of M in one block (at most 85 tiles; fewer rows per block while there would be
      fewer than 4 blocks per thread); run-time weights then stay in interchange packing.
      A panel that does not fit (more than 512 KiB of shared memory) falls back to none.
    For every `lowbit.attention` with static shapes (target=cpu) whose caches the fused kernel
    reads (f32, f16, bf16; integer, fp8 and fp4 codes with scales), the fused kernel's schedule (`#lowbit.schedule<fma, workers = W, tile =
    [TM, TN, TK], split_k = S>`, lowbit/Transforms/AttentionSchedule.h): one row (query head
    x query of a KV head) per lane, W the lanes (at least 4, fewer than the lanes when there
    are fewer rows: decode); two rows per lane (TM = 2W) when there are at least 4W rows, with
    TN = 8 cached tokens per step and TK = 4, else TN = 2 and TK = 8 (TK: at most the largest
    power of two dividing both head dimensions); with a quantized cache, TN and TK narrowed
    to divide the tokens and channels that share a scale, and no schedule when a step's codes
    of a token would not be whole bytes; S parts of the cached sequence so that there
    are four blocks per thread, each part at least 128 tokens.
    An op that already has a schedule keeps it: the schedule is checked against the op, and a
    misfit is an error at the op naming the field. Ops the fast path does not take stay
    without schedule (and on the reference lowering, `lowbit-to-linalg`); a schedule written
    on such an op is an error saying why.

    Example:
    ```mlir
    %y = lowbit.mpgemm %a, %w scale(%s) {weight_scheme = #lowbit.scheme<group(axis = 1, size = 128), scale = f16>}
      : (tensor<1x4096xsi8>, tensor<4096x4096xui4>, tensor<4096x32xf16>) -> tensor<1x4096xf32>
    // gets (on an AVX2 host)
    {schedule = #lowbit.schedule<int8_dot, workers = 8, tile = [1, 16, 32], packing = interchange,
                                 scale_groups = 1, split_k = 1, unroll = 1, prefetch = 8>}
    ```
  }];
  let options = [
    Option<"target", "target", "std::string", /*default=*/"\"cpu\"", "cpu or cuda">,
    Option<"targetCpu", "target-cpu", "std::string", /*default=*/"\"host\"",
           "LLVM CPU name or host (target=cpu)">,
    Option<"targetTriple", "target-triple", "std::string", /*default=*/"\"\"",
           "Target triple; empty for the host's">,
    Option<"targetFeatures", "target-features", "std::string", /*default=*/"\"\"",
           "Extra LLVM target features">,
    Option<"gpuThreads", "gpu-threads", "int64_t", /*default=*/"128",
           "Threads per block (target=cuda)">,
    Option<"threads", "threads", "int64_t", /*default=*/"0",
           "Threads the kernels run on (0: the host's hardware threads)">,
    Option<"threadWorkUs", "thread-work-us", "int64_t", /*default=*/"20",
           "Microseconds of a call's estimated one-core work per thread it gets (0: every "
           "call gets all threads)">,
  ];
  let dependentDialects = ["lowbit::LowbitDialect", "lowbit::tile::TileDialect"];
}

def TileInferLayouts : Pass<"tile-infer-layouts"> {
  let summary = "Give every tile register tensor a layout, from the annotated ones";
  let description = [{
    Fills in the layout of every `!tile.reg` value nested in the op it runs on (a
    `tile.kernel`, a function or a module) from the layouts the program states:
    `tile.annotate_layout`, `tile.view`, and types written with a layout (e.g. `tile.dot`
    operands). One rule per op family derives the rest, forward and backward, until nothing
    changes:

    | family | rule |
    |---|---|
    | `add`, `sub`, `mul`, `div`, `maximum`, `minimum`, `splat` | operands and result: one layout |
    | `cast` | input and result: one layout |
    | `annotate_layout` | the attribute fixes the result and the input |
    | `dot` | `c` and the result: one layout; `a`, `b` only from annotations or types |
    | `reduce` | result = `reduce(input, dims)`; backward only if the dims have extent 1 |
    | `broadcast` | once nothing else decides: input = `reduce(result, broadcast dims)` |
    | `load_*`, `store_*` | none: the register value's layout comes from its other uses |
    | `view` | none: both layouts are explicit; checked (bits per worker) |
    | `scf.for`, `scf.if`, ... | values forwarded along region branches: one layout |

    Types are rewritten in place (op results, block arguments, loop-carried values, function
    signatures); no op is added or removed, and `tile.annotate_layout` stays (it is the
    identity once its input has the layout). Afterwards every op with a rule is validated
    against its family's invariant. See docs/tile-dialect.md, "Layout inference".

    Errors:
    - two rules demand different layouts for one value: an error at one of the two ops the
      layouts come from and a note at the other, e.g.
      `layout conflict: tile.annotate_layout needs #tile.layout<..> for operand 0 but
      tile.reduce produced #tile.layout<..>` + `note: the other layout, ..., comes from here`;
    - a value no rule reaches: `could not infer a layout for this value; annotate it with
      tile.annotate_layout`, once per group of values that must share a layout;
    - a broadcast whose inferred input layout does not give every worker what it repeats.

    Example:
    ```mlir
    %t = tile.load_global %v[%i, %j] : !tile.global<?x?xf16> -> !tile.reg<16x8xf16>
    %b = tile.annotate_layout %t {layout = #tile.layout<local(2,1).column_spatial(4,8).local(2,1)>}
           : !tile.reg<16x8xf16>
    // becomes
    %t = tile.load_global %v[%i, %j] : !tile.global<?x?xf16>
           -> !tile.reg<16x8xf16, #tile.layout<local(2,1).column_spatial(4,8).local(2,1)>>
    %b = tile.annotate_layout %t {layout = #tile.layout<local(2,1).column_spatial(4,8).local(2,1)>}
           : !tile.reg<16x8xf16, #tile.layout<local(2,1).column_spatial(4,8).local(2,1)>>
    ```
  }];
  let dependentDialects = ["lowbit::tile::TileDialect"];
}

#endif // LOWBIT_TRANSFORMS_PASSES_TD
