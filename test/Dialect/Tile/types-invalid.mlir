// RUN: lowbit-opt %s --split-input-file --verify-diagnostics
// RUN: not lowbit-opt %s --split-input-file 2>&1 | FileCheck %s --check-prefix=COLUMN

// Parser and verifier errors of the tile attributes and types. Errors inside a layout
// expression point at the offending column of the source; the COLUMN lines check it (lit
// --verify-diagnostics matches lines only). Op verifier errors are in invalid.mlir.

//===----------------------------------------------------------------------===//
// #tile.layout
//===----------------------------------------------------------------------===//

// COLUMN: types-invalid.mlir:[[@LINE+2]]:95: error: invalid #tile.layout: expected local, spatial, column_local, column_spatial, replicated or layout<...>, found 'lokal'
// expected-error @+1 {{invalid #tile.layout: expected local, spatial, column_local, column_spatial, replicated or layout<...>, found 'lokal'}}
func.func private @unknown_primitive(!tile.reg<16x8xf32, #tile.layout<local(2,1).spatial(8,4).lokal(1,2)>>)

// -----

// COLUMN: types-invalid.mlir:[[@LINE+2]]:73: error: invalid #tile.layout: extent must be at least 1
// expected-error @+1 {{invalid #tile.layout: extent must be at least 1}}
func.func private @zero_extent(!tile.reg<16x8xf32, #tile.layout<local(2,0)>>)

// -----

// COLUMN: types-invalid.mlir:[[@LINE+2]]:78: error: invalid #tile.layout: cannot compose layouts of rank 2 and 3
// expected-error @+1 {{invalid #tile.layout: cannot compose layouts of rank 2 and 3 (ranks must match, or one must be 0)}}
func.func private @rank_mismatch(!tile.reg<16x8xf32, #tile.layout<local(2,1).spatial(8,4,1)>>)

// -----

// COLUMN: types-invalid.mlir:[[@LINE+2]]:76: error: invalid #tile.layout: expected '.', '*' or the end of the layout, found 's'
// expected-error @+1 {{invalid #tile.layout: expected '.', '*' or the end of the layout, found 's'}}
func.func private @missing_dot(!tile.reg<16x8xf32, #tile.layout<local(2,1) spatial(8,4)>>)

// -----

// COLUMN: types-invalid.mlir:[[@LINE+2]]:69: error: invalid #tile.layout: expected ',' or ')', found '.'
// expected-error @+1 {{invalid #tile.layout: expected ',' or ')', found '.'}}
func.func private @unclosed(!tile.reg<16x8xf32, #tile.layout<local(2.1)>>)

// -----

// COLUMN: types-invalid.mlir:[[@LINE+2]]:77: error: invalid #tile.layout: expected local, spatial, column_local, column_spatial, replicated or layout<...>, found end of input
// expected-error @+1 {{found end of input}}
func.func private @trailing_dot(!tile.reg<16x8xf32, #tile.layout<local(2,1).>>)

// -----

// expected-error @+1 {{invalid #tile.layout: expected local, spatial, column_local, column_spatial, replicated or layout<...>, found end of input}}
func.func private @empty() attributes {l = #tile.layout<>}

// -----

// expected-error @+1 {{invalid #tile.layout: invalid layout: modes [3] do not split shape [4] (mode 0 of extent 3 does not fit)}}
func.func private @bad_explicit() attributes {l = #tile.layout<layout<shape=[4], modes=[3], spatial=[0], local=[]>>}

// -----

// expected-error @+1 {{invalid #tile.layout: expected local, spatial, column_local, column_spatial, replicated or layout<...>, found '"'}}
func.func private @string_body() attributes {l = #tile.layout<"local(2)">}

//===----------------------------------------------------------------------===//
// #tile.shared_layout
//===----------------------------------------------------------------------===//

// -----

// COLUMN: types-invalid.mlir:[[@LINE+2]]:102: error: invalid #tile.shared_layout: expected an integer, found ']'
// expected-error @+1 {{invalid #tile.shared_layout: expected an integer, found ']'}}
func.func private @shared_syntax(!tile.shared<16x8xf32, #tile.shared_layout<shape=[16,8], strides=[8,]>>)

// -----

// COLUMN: types-invalid.mlir:[[@LINE+2]]:78: error: invalid #tile.shared_layout: expected 'shape', found 's'
// expected-error @+1 {{invalid #tile.shared_layout: expected 'shape', found 's'}}
func.func private @shared_keyword(!tile.shared<16x8xf32, #tile.shared_layout<size=[16,8], strides=[8,1]>>)

// -----

// expected-error @+1 {{invalid #tile.shared_layout: invalid shared layout: modes [16,8] and strides [8] have different lengths}}
func.func private @shared_strides(!tile.shared<16x8xf32, #tile.shared_layout<shape=[16,8], strides=[8]>>)

// -----

// expected-error @+1 {{invalid #tile.shared_layout: swizzle takes three values [bits, base, shift]}}
func.func private @shared_swizzle(!tile.shared<16x8xf32, #tile.shared_layout<shape=[16,8], strides=[8,1], swizzle=[3,3]>>)

//===----------------------------------------------------------------------===//
// !tile.reg
//===----------------------------------------------------------------------===//

// -----

// expected-error @+1 {{!tile.reg shape [16, 8] differs from the shape [2, 1] of its layout local(2,1)}}
func.func private @reg_layout_shape(!tile.reg<16x8xf32, #tile.layout<local(2,1)>>)

// -----

// expected-error @+1 {{!tile.reg element type must be an integer of 1-64 bits, a builtin float, !lowbit.float or !lowbit.ternary, got 'index'}}
func.func private @reg_element(!tile.reg<4xindex>)

// -----

// expected-error @+1 {{!tile.reg element type must be an integer of 1-64 bits, a builtin float, !lowbit.float or !lowbit.ternary, got 'complex<f32>'}}
func.func private @reg_complex(!tile.reg<4xcomplex<f32>>)

// -----

// expected-error @+1 {{!tile.reg extents must be at least 1, got [0, 4]}}
func.func private @reg_zero_extent(!tile.reg<0x4xf32>)

// -----

// expected-error @+1 {{expected static shape}}
func.func private @reg_dynamic(!tile.reg<?x4xf32>)

// -----

// expected-error @+1 {{expected a #tile.layout attribute, got #tile.shared_layout<shape=[4], strides=[1]>}}
func.func private @reg_wrong_attr(!tile.reg<4xf32, #tile.shared_layout<shape=[4], strides=[1]>>)

//===----------------------------------------------------------------------===//
// !tile.shared, !tile.global
//===----------------------------------------------------------------------===//

// -----

// expected-error @+1 {{!tile.shared must have rank at least 1}}
func.func private @shared_rank0(!tile.shared<f32>)

// -----

// expected-error @+1 {{!tile.shared shape [16, 8] differs from the shape [8, 16] of its layout}}
func.func private @shared_layout_shape(!tile.shared<16x8xf32, #tile.shared_layout<shape=[8,16], strides=[16,1]>>)

// -----

// expected-error @+1 {{expected a #tile.shared_layout attribute, got #tile.layout<local(4)>}}
func.func private @shared_wrong_attr(!tile.shared<4xf32, #tile.layout<local(4)>>)

// -----

// expected-error @+1 {{!tile.global must have rank at least 1}}
func.func private @global_rank0(!tile.global<f32>)

// -----

// expected-error @+1 {{!tile.global extents must be dynamic or at least 1, got [?, 0]}}
func.func private @global_zero_extent(!tile.global<?x0xf32>)

// -----

// expected-error @+1 {{!tile.global element type must be an integer of 1-64 bits, a builtin float, !lowbit.float or !lowbit.ternary, got 'vector<4xf32>'}}
func.func private @global_element(!tile.global<?xvector<4xf32>>)
