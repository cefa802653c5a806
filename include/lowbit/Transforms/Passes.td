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

#endif // LOWBIT_TRANSFORMS_PASSES_TD
