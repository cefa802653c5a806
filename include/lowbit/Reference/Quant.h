//===- Quant.h - Quantization schemes, quantize and dequantize ----*- C++ -*-===//
//
// A scheme says which scale (and zero point) each element of a quantized tensor x uses:
//   PerTensor            scale shape []           element i uses scale[]
//   PerChannel(axis a)   scale shape [S[a]]       element i uses scale[i[a]]
//   Group(axis a, G)     scale shape = S with S[a] -> ceil(S[a]/G)
//                                                 element i uses scale[.., i[a]/G, ..]
//   Block(R x C)         2-D blocks over the two innermost axes: scale shape = S with
//                        S[r-2] -> ceil(S[r-2]/R), S[r-1] -> ceil(S[r-1]/C)
// Zero points (optional) have the scale's shape. An optional second-level tensor scale (one f32
// for the whole tensor, as in NVFP4) multiplies every scale. A codebook (optional) maps an
// unsigned b-bit index to a table entry before scaling.
//
// Exact f32 arithmetic (compiled code must do the same operations in the same order):
//   dequantize:  v = decode(q)            (codebook: v = codebook[q])
//                v = v - zero             (when there is a zero point)
//                r = v * scale            (then r = r * tensorScale when present)
//   quantize:    s = scale                (s = scale * tensorScale when present)
//                t = x / s
//                integer formats:  c = roundeven(t) + zero (integer zero points; float ones:
//                                  roundeven(t + zero)), clamped to the format's range;
//                                  NaN gives the zero point (0 without one)
//                float formats:    encode(t) (round to nearest even, saturating)
//                codebook:         the index of the entry nearest to t, ties to the lower index
// Details the formulas above leave open:
//   - With a zero point, float formats and codebooks use u = t + zero (one f32 addition) in place
//     of t, so that quantize inverts dequantize; without one, u = t exactly.
//   - Integer formats: c = roundeven(u) is clamped in f32 to [minValue, maxValue] and stored as
//     its two's complement low bits; NaN is treated as t = 0, i.e. c = roundeven(zero) clamped.
//     Ternary is the 2-bit signed case restricted to [-1, 1].
//   - Codebook: "nearest" is on exact values (no rounding of distances); NaN gives index 0,
//     +inf the largest entry, -inf the smallest (lowest index among equals).
//   - scheme.hasZero / hasTensorScale must agree with the presence of params.zero / tensorScale.
//
//===----------------------------------------------------------------------===//
#ifndef LOWBIT_REFERENCE_QUANT_H
#define LOWBIT_REFERENCE_QUANT_H

#include "lowbit/Reference/Formats.h"
#include "lowbit/Reference/Tensor.h"

#include <optional>
#include <string>
#include <vector>

namespace lowbit::ref {

enum class Granularity { PerTensor, PerChannel, Group, Block };

struct QuantScheme {
  Granularity granularity = Granularity::PerTensor;
  int64_t axis = 0;       // PerChannel, Group
  int64_t groupSize = 1;  // Group
  int64_t blockRows = 1;  // Block
  int64_t blockCols = 1;  // Block
  bool hasZero = false;
  /// Zero points are integers (`zero = int`): quantize rounds t and then adds the zero point;
  /// float zero points (`zero = float`) are added before rounding.
  bool integerZero = true;
  bool hasTensorScale = false;
};

/// The 16 NF4 code values (QLoRA), index 0..15, ascending from -1 to 1.
const std::vector<float> &nf4Codebook();

/// Shape of the scale (and zero point) tensor for a quantized tensor of shape `shape`.
Shape scaleShape(const QuantScheme &scheme, const Shape &shape);

/// Flat index into the scale tensor of the element with flat index `flat`.
int64_t scaleIndexOf(const QuantScheme &scheme, const Shape &shape, int64_t flat);

/// Operands of a quantized tensor other than its codes.
struct QuantParams {
  FloatTensor scale;                  // decoded scale values, shape scaleShape(...)
  std::optional<FloatTensor> zero;    // decoded zero points, same shape (ints are exact in f32)
  std::optional<float> tensorScale;   // second-level scale
  std::vector<float> codebook;        // empty: no codebook
};

/// Dequantizes codes of `format` (ignored when a codebook is given: codes are indices).
FloatTensor dequantize(const ElementFormat &format, const QuantScheme &scheme,
                       const CodeTensor &codes, const QuantParams &params);

/// Quantizes real values to codes of `format` (indices when a codebook is given).
CodeTensor quantize(const ElementFormat &format, const QuantScheme &scheme, const FloatTensor &x,
                    const QuantParams &params);

} // namespace lowbit::ref

#endif // LOWBIT_REFERENCE_QUANT_H
