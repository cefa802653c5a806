// Results that are the same value, or an argument, each get their own output on both engines.
// RUN: rm -rf %t && mkdir -p %t

// The same computed value returned twice.
// RUN: lowbit-run %s --function=same_value_twice --input="2x3xsi4=-8 -1 0 1 2 7" --input="f32=0.5" | FileCheck %s --check-prefix=TWICE
// RUN: lowbit-run %s --function=same_value_twice --engine=reference --input="2x3xsi4=-8 -1 0 1 2 7" --input="f32=0.5" | FileCheck %s --check-prefix=TWICE
// TWICE:      result[0]: tensor<2x3xf32>
// TWICE-NEXT: {{^\[\[}}-4, -0.5, 0],
// TWICE-NEXT: {{^}} [0.5, 1, 3.5]]{{$}}
// TWICE-NEXT: result[1]: tensor<2x3xf32>
// TWICE-NEXT: {{^\[\[}}-4, -0.5, 0],
// TWICE-NEXT: {{^}} [0.5, 1, 3.5]]{{$}}
func.func @same_value_twice(%q: tensor<2x3xsi4>, %s: tensor<f32>)
    -> (tensor<2x3xf32>, tensor<2x3xf32>) {
  %r = lowbit.dequantize %q scale(%s) {scheme = #lowbit.scheme<per_tensor, scale = f32>}
         : (tensor<2x3xsi4>, tensor<f32>) -> tensor<2x3xf32>
  return %r, %r : tensor<2x3xf32>, tensor<2x3xf32>
}

// The packed bytes and the round trip (unpack of pack folds to the argument, whose interchange
// bytes are the packed bytes: both results become one value in the lowering).
// RUN: lowbit-npy random --type=7x37xui4 --seed=%seed1 -o %t/u4.npy
// RUN: lowbit-run %s --function=bytes_and_round_trip --input=@%t/u4.npy --output=@%t/jit.bytes.npy --output=@%t/jit.round.npy
// RUN: lowbit-run %s --function=bytes_and_round_trip --engine=reference --input=@%t/u4.npy --output=@%t/ref.bytes.npy --output=@%t/ref.round.npy
// RUN: lowbit-npy compare %t/ref.bytes.npy %t/jit.bytes.npy --atol=0 --rtol=0 | FileCheck %s --check-prefix=BYTES
// RUN: lowbit-npy compare %t/u4.npy %t/jit.round.npy --atol=0 --rtol=0 | FileCheck %s --check-prefix=ROUND
// RUN: lowbit-npy compare %t/u4.npy %t/ref.round.npy --atol=0 --rtol=0 | FileCheck %s --check-prefix=ROUND
// BYTES: compare: 133 elements, max abs error 0 at
// ROUND: compare: 259 elements, max abs error 0 at
func.func @bytes_and_round_trip(%q: tensor<7x37xui4>) -> (tensor<7x19xi8>, tensor<7x37xui4>) {
  %b = lowbit.pack %q : tensor<7x37xui4> -> tensor<7x19xi8>
  %u = lowbit.unpack %b : tensor<7x19xi8> -> tensor<7x37xui4>
  return %b, %u : tensor<7x19xi8>, tensor<7x37xui4>
}

// An argument returned as it is, next to a computed result.
// RUN: lowbit-run %s --function=argument_and_value --input="3xui3=0 5 7" --input="f32=0.25" | FileCheck %s --check-prefix=ARGUMENT
// RUN: lowbit-run %s --function=argument_and_value --engine=reference --input="3xui3=0 5 7" --input="f32=0.25" | FileCheck %s --check-prefix=ARGUMENT
// ARGUMENT:      result[0]: tensor<3xui3>
// ARGUMENT-NEXT: {{^}}[0, 5, 7]{{$}}
// ARGUMENT-NEXT: result[1]: tensor<3xf32>
// ARGUMENT-NEXT: {{^}}[0, 1.25, 1.75]{{$}}
func.func @argument_and_value(%q: tensor<3xui3>, %s: tensor<f32>)
    -> (tensor<3xui3>, tensor<3xf32>) {
  %r = lowbit.dequantize %q scale(%s) {scheme = #lowbit.scheme<per_tensor, scale = f32>}
         : (tensor<3xui3>, tensor<f32>) -> tensor<3xf32>
  return %q, %r : tensor<3xui3>, tensor<3xf32>
}
