//===- LowbitBase.td - The lowbit dialect ------------------------*- tablegen -*-===//
#ifndef LOWBIT_BASE_TD
#define LOWBIT_BASE_TD

include "mlir/IR/OpBase.td"
include "mlir/IR/AttrTypeBase.td"
include "mlir/IR/EnumAttr.td"

def Lowbit_Dialect : Dialect {
  let name = "lowbit";
  let cppNamespace = "::lowbit";
  let summary = "Tensor-level low-precision operations: quantization, packing, mixed-precision "
                "GEMM, attention over a quantized KV cache, mixture of experts";
  let description = [{
    Values are ordinary `tensor<...>` of *logical* element types: builtin integers of 1-8 bits
    with explicit signedness (`si3`, `ui4`), builtin low-bit floats (`f4E2M1FN`, `f6E2M3FN`,
    `f6E3M2FN`, `f8E4M3FN`, `f8E5M2`, `f8E8M0FNU`), `!lowbit.float<eXmY>` for any other float of 3-8 bits and
    `!lowbit.ternary`. How a tensor is packed in memory is not part of its type: `lowbit.pack` and
    `lowbit.unpack` convert to and from the interchange packing, and later stages choose packed
    layouts per target.

    A `#lowbit.scheme` attribute says how stored codes become real numbers (granularity, scale
    type, zero point, codebook); scales and zero points are tensor operands, not constants.

    Argument attribute: `lowbit.prepack` (unit) on a low-bit tensor argument of a `func.func`
    (the weights of `lowbit.mpgemm` ops) asks for a generated entry point,
    `@<function>_prepack`, that re-lays the weights out once into the order the kernels load;
    the function then takes that entry point's result in the argument's place (see
    docs/cpu-backend.md).
  }];
  let hasRegionArgAttrVerify = 1;
  let useDefaultTypePrinterParser = 1;
  let useDefaultAttributePrinterParser = 1;
  let extraClassDeclaration = [{
    void registerTypes();
    void registerAttributes();
  }];
}

class Lowbit_Op<string mnemonic, list<Trait> traits = []>
    : Op<Lowbit_Dialect, mnemonic, traits>;

#endif // LOWBIT_BASE_TD
