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

#endif // LOWBIT_CONVERSION_PASSES_TD
