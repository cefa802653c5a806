// A low-bit integer argument accepts a plain integer .npy of the logical shape, one value per
// element (as np.save writes it), on both engines; values are checked against the type's range
// (see errors.test for the out-of-range case).
// RUN: rm -rf %t && mkdir -p %t
// RUN: %python -c "import numpy as np; v = np.arange(16).reshape(2, 8); np.save('%t/u8.npy', v.astype(np.uint8)); np.save('%t/i64.npy', v.astype(np.int64)); np.save('%t/i8.npy', (v - 8).astype(np.int8)); np.save('%t/i32.npy', (v - 8).astype(np.int32))"

// ui4 from uint8 (the dtype np.save gives small unsigned codes) and from int64:
// (q - zero 8) * 0.5.
// RUN: lowbit-run %s --function=ui4 --input=@%t/u8.npy --input="f32=0.5" | FileCheck %s --check-prefix=UI4
// RUN: lowbit-run %s --function=ui4 --engine=reference --input=@%t/u8.npy --input="f32=0.5" | FileCheck %s --check-prefix=UI4
// RUN: lowbit-run %s --function=ui4 --input=@%t/i64.npy --input="f32=0.5" | FileCheck %s --check-prefix=UI4
// RUN: lowbit-run %s --function=ui4 --engine=reference --input=@%t/i64.npy --input="f32=0.5" | FileCheck %s --check-prefix=UI4
// UI4:      result[0]: tensor<2x8xf32>
// UI4-NEXT: {{^\[\[}}-4, -3.5, -3, -2.5, -2, -1.5, -1, -0.5],
// UI4-NEXT: {{^}} [0, 0.5, 1, 1.5, 2, 2.5, 3, 3.5]]{{$}}
func.func @ui4(%q: tensor<2x8xui4>, %s: tensor<f32>) -> tensor<2x8xf32> {
  %z = arith.constant dense<8> : tensor<ui4>
  %r = lowbit.dequantize %q scale(%s) zero(%z)
         {scheme = #lowbit.scheme<per_tensor, scale = f32, zero = int>}
         : (tensor<2x8xui4>, tensor<f32>, tensor<ui4>) -> tensor<2x8xf32>
  return %r : tensor<2x8xf32>
}

// si4 from int8 and from int32 (-8..7): q * 0.25.
// RUN: lowbit-run %s --function=si4 --input=@%t/i8.npy --input="f32=0.25" | FileCheck %s --check-prefix=SI4
// RUN: lowbit-run %s --function=si4 --engine=reference --input=@%t/i8.npy --input="f32=0.25" | FileCheck %s --check-prefix=SI4
// RUN: lowbit-run %s --function=si4 --input=@%t/i32.npy --input="f32=0.25" | FileCheck %s --check-prefix=SI4
// RUN: lowbit-run %s --function=si4 --engine=reference --input=@%t/i32.npy --input="f32=0.25" | FileCheck %s --check-prefix=SI4
// SI4:      result[0]: tensor<2x8xf32>
// SI4-NEXT: {{^\[\[}}-2, -1.75, -1.5, -1.25, -1, -0.75, -0.5, -0.25],
// SI4-NEXT: {{^}} [0, 0.25, 0.5, 0.75, 1, 1.25, 1.5, 1.75]]{{$}}
func.func @si4(%q: tensor<2x8xsi4>, %s: tensor<f32>) -> tensor<2x8xf32> {
  %r = lowbit.dequantize %q scale(%s) {scheme = #lowbit.scheme<per_tensor, scale = f32>}
         : (tensor<2x8xsi4>, tensor<f32>) -> tensor<2x8xf32>
  return %r : tensor<2x8xf32>
}
