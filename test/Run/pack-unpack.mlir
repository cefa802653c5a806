// lowbit.pack / lowbit.unpack end to end: the JIT and the scalar reference give the same bytes
// and codes, bit for bit, on random data (fresh per lit run, see %seed), including rows that end
// mid-byte; and known bytes for hand-packed literals.
// RUN: rm -rf %t && mkdir -p %t

// ui4 with K = 37 (148 bits: 18.5 bytes per row), M = 7; pack, and the round trip.
// RUN: lowbit-npy random --type=7x37xui4 --seed=%seed1 -o %t/u4.npy
// RUN: lowbit-run %s --function=pack_ui4 --input=@%t/u4.npy --output=@%t/u4.jit.bytes.npy
// RUN: lowbit-run %s --function=pack_ui4 --engine=reference --input=@%t/u4.npy --output=@%t/u4.ref.bytes.npy
// RUN: lowbit-npy compare %t/u4.ref.bytes.npy %t/u4.jit.bytes.npy --atol=0 --rtol=0 | FileCheck %s --check-prefix=UI4-BYTES
// UI4-BYTES: compare: 133 elements, max abs error 0 at
// RUN: lowbit-run %s --function=round_trip_ui4 --input=@%t/u4.npy --output=@%t/u4.jit.round.npy
// RUN: lowbit-run %s --function=round_trip_ui4 --engine=reference --input=@%t/u4.npy --output=@%t/u4.ref.round.npy
// RUN: lowbit-npy compare %t/u4.npy %t/u4.jit.round.npy --atol=0 --rtol=0 | FileCheck %s --check-prefix=UI4-ROUND
// RUN: lowbit-npy compare %t/u4.npy %t/u4.ref.round.npy --atol=0 --rtol=0 | FileCheck %s --check-prefix=UI4-ROUND
// UI4-ROUND: compare: 259 elements, max abs error 0 at
func.func @pack_ui4(%q: tensor<7x37xui4>) -> tensor<7x19xi8> {
  %b = lowbit.pack %q : tensor<7x37xui4> -> tensor<7x19xi8>
  return %b : tensor<7x19xi8>
}

func.func @round_trip_ui4(%q: tensor<7x37xui4>) -> tensor<7x37xui4> {
  %b = lowbit.pack %q : tensor<7x37xui4> -> tensor<7x19xi8>
  %u = lowbit.unpack %b : tensor<7x19xi8> -> tensor<7x37xui4>
  return %u : tensor<7x37xui4>
}

// ui3 with K = 13 (39 bits per row) and si3 with batch axes, N = 1 rows.
// RUN: lowbit-npy random --type=5x13xui3 --seed=%seed2 -o %t/u3.npy
// RUN: lowbit-npy random --type=2x3x1x13xsi3 --seed=%seed3 -o %t/s3.npy
// RUN: lowbit-run %s --function=pack_3bit --input=@%t/u3.npy --input=@%t/s3.npy --output=@%t/3.jit0.npy --output=@%t/3.jit1.npy
// RUN: lowbit-run %s --function=pack_3bit --engine=reference --input=@%t/u3.npy --input=@%t/s3.npy --output=@%t/3.ref0.npy --output=@%t/3.ref1.npy
// RUN: lowbit-npy compare %t/3.ref0.npy %t/3.jit0.npy --atol=0 --rtol=0 | FileCheck %s --check-prefix=UI3
// RUN: lowbit-npy compare %t/3.ref1.npy %t/3.jit1.npy --atol=0 --rtol=0 | FileCheck %s --check-prefix=SI3
// UI3: compare: 25 elements, max abs error 0 at
// SI3: compare: 30 elements, max abs error 0 at
func.func @pack_3bit(%a: tensor<5x13xui3>, %b: tensor<2x3x1x13xsi3>)
    -> (tensor<5x5xi8>, tensor<2x3x1x5xi8>) {
  %0 = lowbit.pack %a : tensor<5x13xui3> -> tensor<5x5xi8>
  %1 = lowbit.pack %b : tensor<2x3x1x13xsi3> -> tensor<2x3x1x5xi8>
  return %0, %1 : tensor<5x5xi8>, tensor<2x3x1x5xi8>
}

// Other widths and float codes: si1, ui5, ui7, f4E2M1FN, f6E2M3FN, ternary, e3m4.
// RUN: lowbit-npy random --type=3x9xsi1 --seed=%seed4 -o %t/w.a.npy
// RUN: lowbit-npy random --type=4x11xui5 --seed=%seed5 -o %t/w.b.npy
// RUN: lowbit-npy random --type=2x3x11xui7 --seed=%seed6 -o %t/w.c.npy
// RUN: lowbit-npy random --type=3x37xf4E2M1FN --seed=%seed7 -o %t/w.d.npy
// RUN: lowbit-npy random --type=3x7xf6E2M3FN --seed=%seed8 -o %t/w.e.npy
// RUN: lowbit-npy random "--type=2x13x!lowbit.ternary" --seed=%seed9 -o %t/w.f.npy
// RUN: lowbit-npy random "--type=5x!lowbit.float<e3m4>" --seed=%seed10 -o %t/w.g.npy
// RUN: lowbit-run %s --function=pack_widths --input=@%t/w.a.npy --input=@%t/w.b.npy --input=@%t/w.c.npy --input=@%t/w.d.npy --input=@%t/w.e.npy --input=@%t/w.f.npy --input=@%t/w.g.npy --output=@%t/w.jit0.npy --output=@%t/w.jit1.npy --output=@%t/w.jit2.npy --output=@%t/w.jit3.npy --output=@%t/w.jit4.npy --output=@%t/w.jit5.npy --output=@%t/w.jit6.npy
// RUN: lowbit-run %s --function=pack_widths --engine=reference --input=@%t/w.a.npy --input=@%t/w.b.npy --input=@%t/w.c.npy --input=@%t/w.d.npy --input=@%t/w.e.npy --input=@%t/w.f.npy --input=@%t/w.g.npy --output=@%t/w.ref0.npy --output=@%t/w.ref1.npy --output=@%t/w.ref2.npy --output=@%t/w.ref3.npy --output=@%t/w.ref4.npy --output=@%t/w.ref5.npy --output=@%t/w.ref6.npy
// RUN: lowbit-npy compare %t/w.ref0.npy %t/w.jit0.npy --atol=0 --rtol=0 | FileCheck %s --check-prefix=SI1
// RUN: lowbit-npy compare %t/w.ref1.npy %t/w.jit1.npy --atol=0 --rtol=0 | FileCheck %s --check-prefix=UI5
// RUN: lowbit-npy compare %t/w.ref2.npy %t/w.jit2.npy --atol=0 --rtol=0 | FileCheck %s --check-prefix=UI7
// RUN: lowbit-npy compare %t/w.ref3.npy %t/w.jit3.npy --atol=0 --rtol=0 | FileCheck %s --check-prefix=F4
// RUN: lowbit-npy compare %t/w.ref4.npy %t/w.jit4.npy --atol=0 --rtol=0 | FileCheck %s --check-prefix=F6
// RUN: lowbit-npy compare %t/w.ref5.npy %t/w.jit5.npy --atol=0 --rtol=0 | FileCheck %s --check-prefix=TERNARY
// RUN: lowbit-npy compare %t/w.ref6.npy %t/w.jit6.npy --atol=0 --rtol=0 | FileCheck %s --check-prefix=E3M4
// SI1: compare: 6 elements, max abs error 0 at
// UI5: compare: 28 elements, max abs error 0 at
// UI7: compare: 60 elements, max abs error 0 at
// F4: compare: 57 elements, max abs error 0 at
// F6: compare: 18 elements, max abs error 0 at
// TERNARY: compare: 8 elements, max abs error 0 at
// E3M4: compare: 5 elements, max abs error 0 at
func.func @pack_widths(%a: tensor<3x9xsi1>, %b: tensor<4x11xui5>, %c: tensor<2x3x11xui7>,
                       %d: tensor<3x37xf4E2M1FN>, %e: tensor<3x7xf6E2M3FN>,
                       %f: tensor<2x13x!lowbit.ternary>, %g: tensor<5x!lowbit.float<e3m4>>)
    -> (tensor<3x2xi8>, tensor<4x7xi8>, tensor<2x3x10xi8>, tensor<3x19xi8>, tensor<3x6xi8>,
        tensor<2x4xi8>, tensor<5xi8>) {
  %0 = lowbit.pack %a : tensor<3x9xsi1> -> tensor<3x2xi8>
  %1 = lowbit.pack %b : tensor<4x11xui5> -> tensor<4x7xi8>
  %2 = lowbit.pack %c : tensor<2x3x11xui7> -> tensor<2x3x10xi8>
  %3 = lowbit.pack %d : tensor<3x37xf4E2M1FN> -> tensor<3x19xi8>
  %4 = lowbit.pack %e : tensor<3x7xf6E2M3FN> -> tensor<3x6xi8>
  %5 = lowbit.pack %f : tensor<2x13x!lowbit.ternary> -> tensor<2x4xi8>
  %6 = lowbit.pack %g : tensor<5x!lowbit.float<e3m4>> -> tensor<5xi8>
  return %0, %1, %2, %3, %4, %5, %6 : tensor<3x2xi8>, tensor<4x7xi8>, tensor<2x3x10xi8>,
                                      tensor<3x19xi8>, tensor<3x6xi8>, tensor<2x4xi8>,
                                      tensor<5xi8>
}

// Unpack from random bytes, padding bits included (they are ignored): ui4 with K = 37,
// si3 with K = 13 and batch axes, f4E2M1FN.
// RUN: lowbit-npy random --type=7x19xi8 --seed=%seed11 -o %t/ub.a.npy
// RUN: lowbit-npy random --type=2x4x5xi8 --seed=%seed12 -o %t/ub.b.npy
// RUN: lowbit-npy random --type=1x19xi8 --seed=%seed13 -o %t/ub.c.npy
// RUN: lowbit-run %s --function=unpack_bytes --input=@%t/ub.a.npy --input=@%t/ub.b.npy --input=@%t/ub.c.npy --output=@%t/ub.jit0.npy --output=@%t/ub.jit1.npy --output=@%t/ub.jit2.npy
// RUN: lowbit-run %s --function=unpack_bytes --engine=reference --input=@%t/ub.a.npy --input=@%t/ub.b.npy --input=@%t/ub.c.npy --output=@%t/ub.ref0.npy --output=@%t/ub.ref1.npy --output=@%t/ub.ref2.npy
// RUN: lowbit-npy compare %t/ub.ref0.npy %t/ub.jit0.npy --atol=0 --rtol=0 | FileCheck %s --check-prefix=UNPACK-UI4
// RUN: lowbit-npy compare %t/ub.ref1.npy %t/ub.jit1.npy --atol=0 --rtol=0 | FileCheck %s --check-prefix=UNPACK-SI3
// RUN: lowbit-npy compare %t/ub.ref2.npy %t/ub.jit2.npy --atol=0 --rtol=0 | FileCheck %s --check-prefix=UNPACK-F4
// UNPACK-UI4: compare: 259 elements, max abs error 0 at
// UNPACK-SI3: compare: 104 elements, max abs error 0 at
// UNPACK-F4: compare: 37 elements, max abs error 0 at
func.func @unpack_bytes(%a: tensor<7x19xi8>, %b: tensor<2x4x5xi8>, %c: tensor<1x19xi8>)
    -> (tensor<7x37xui4>, tensor<2x4x13xsi3>, tensor<1x37xf4E2M1FN>) {
  %0 = lowbit.unpack %a : tensor<7x19xi8> -> tensor<7x37xui4>
  %1 = lowbit.unpack %b : tensor<2x4x5xi8> -> tensor<2x4x13xsi3>
  %2 = lowbit.unpack %c : tensor<1x19xi8> -> tensor<1x37xf4E2M1FN>
  return %0, %1, %2 : tensor<7x37xui4>, tensor<2x4x13xsi3>, tensor<1x37xf4E2M1FN>
}

// Known bytes, packed by hand: element k of a row is bits [3k, 3k + 3), LSB first.
//   [1, 2, 3, 4, 5, 6, 7, 0, 1] -> 0x0000011f58d1 -> bytes 0xd1 0x58 0x1f 0x01 = -47 88 31 1
//   [7, 7, 7, 7, 7, 7, 7, 7, 7] -> 27 one bits   -> bytes 0xff 0xff 0xff 0x07 = -1 -1 -1 7
// RUN: lowbit-run %s --function=pack_literal_ui3 --input="2x9xui3=1 2 3 4 5 6 7 0 1 7 7 7 7 7 7 7 7 7" | FileCheck %s --check-prefix=LITERAL-PACK
// RUN: lowbit-run %s --function=pack_literal_ui3 --engine=reference --input="2x9xui3=1 2 3 4 5 6 7 0 1 7 7 7 7 7 7 7 7 7" | FileCheck %s --check-prefix=LITERAL-PACK
// LITERAL-PACK:      result[0]: tensor<2x4xi8>
// LITERAL-PACK-NEXT: {{^\[\[}}-47, 88, 31, 1],
// LITERAL-PACK-NEXT: {{^}} [-1, -1, -1, 7]]{{$}}
func.func @pack_literal_ui3(%q: tensor<2x9xui3>) -> tensor<2x4xi8> {
  %b = lowbit.pack %q : tensor<2x9xui3> -> tensor<2x4xi8>
  return %b : tensor<2x4xi8>
}

// Unpacking ignores padding: 0xff 0xff holds three ui4 codes 15 and four padding bits.
// RUN: lowbit-run %s --function=unpack_literal_ui4 --input="1x2xi8=-1 -1" | FileCheck %s --check-prefix=LITERAL-UNPACK
// RUN: lowbit-run %s --function=unpack_literal_ui4 --engine=reference --input="1x2xi8=-1 -1" | FileCheck %s --check-prefix=LITERAL-UNPACK
// LITERAL-UNPACK:      result[0]: tensor<1x3xui4>
// LITERAL-UNPACK-NEXT: {{^\[\[}}15, 15, 15]]{{$}}
func.func @unpack_literal_ui4(%b: tensor<1x2xi8>) -> tensor<1x3xui4> {
  %q = lowbit.unpack %b : tensor<1x2xi8> -> tensor<1x3xui4>
  return %q : tensor<1x3xui4>
}
