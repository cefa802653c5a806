//===- LowbitTypes.td - lowbit element types ---------------------*- tablegen -*-===//
#ifndef LOWBIT_TYPES_TD
#define LOWBIT_TYPES_TD

include "LowbitBase.td"

class Lowbit_Type<string name, string typeMnemonic, list<Trait> traits = []>
    : TypeDef<Lowbit_Dialect, name, traits> {
  let mnemonic = typeMnemonic;
}

def Lowbit_FloatType : Lowbit_Type<"Float", "float"> {
  let summary = "a float of 3 to 8 bits with any exponent/mantissa split and bias";
  let description = [{
    `!lowbit.float<eXmY[, bias = B][, inf][, nan]>` is a signed float with X exponent bits and
    Y mantissa bits (1 + X + Y bits, between 3 and 8). The bias defaults to `2^(X-1) - 1`.
    Special values:
    - neither `inf` nor `nan` (the default): every code is finite; the largest exponent is an
      ordinary exponent (like `f6E2M3FN`);
    - `nan` alone: only the all-ones magnitude code is NaN, there are no infinities (like
      `f8E4M3FN`);
    - `inf, nan`: IEEE conventions, the all-ones exponent holds infinity (mantissa 0) and NaN.

    Exponent field 0 is subnormal: `value = (-1)^s * m * 2^(1 - bias - Y)`; otherwise
    `value = (-1)^s * (1 + m / 2^Y) * 2^(e - bias)`. The bias must keep every value inside f32's
    normal range.

    Builtin formats have builtin types; use those (`f8E4M3FN` rather than
    `!lowbit.float<e4m3, nan>`).

    Examples:
    ```mlir
    !lowbit.float<e3m4>              // 8 bits, bias 3, all finite
    !lowbit.float<e2m2>              // 5 bits
    !lowbit.float<e4m3, bias = 9, nan>
    !lowbit.float<e4m2, inf, nan>    // 7-bit IEEE-style
    ```
  }];
  let parameters = (ins "unsigned":$exponentBits, "unsigned":$mantissaBits, "int":$bias,
                        "bool":$hasInf, "bool":$hasNaN);
  let hasCustomAssemblyFormat = 1;
  let genVerifyDecl = 1;
  let extraClassDeclaration = [{
    unsigned getWidth() const { return 1 + getExponentBits() + getMantissaBits(); }
    static int defaultBias(unsigned exponentBits) { return (1 << (exponentBits - 1)) - 1; }
  }];
}

def Lowbit_TernaryType : Lowbit_Type<"Ternary", "ternary"> {
  let summary = "the ternary values {-1, 0, 1}";
  let description = [{
    `!lowbit.ternary` holds -1, 0 or 1 (BitNet-style weights). Stored as a 2-bit two's-complement
    code: `0b00` = 0, `0b01` = 1, `0b11` = -1; `0b10` is reserved, never produced by
    `lowbit.quantize`, and reads as 0.
  }];
}

#endif // LOWBIT_TYPES_TD
