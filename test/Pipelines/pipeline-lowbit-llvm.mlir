// RUN: lowbit-opt %s --lowbit-pipeline-llvm | FileCheck %s

// The calling convention of compiled code: every memref expands to (allocated, aligned, offset,
// sizes, strides); the packed weight arrives as i8 bytes; the result is an out-parameter, so
// the function returns nothing; temporaries are freed; bf16 conversions are integer code.
// Four 2-D memrefs (a, packed w, scales, the result) of 7 values each: 28 arguments, no result.
// CHECK-LABEL: llvm.func @mpgemm(%arg0: !llvm.ptr, %arg1: !llvm.ptr, %arg2: i64,
// CHECK-SAME: %arg7: !llvm.ptr, %arg8: !llvm.ptr, %arg9: i64,
// CHECK-SAME: %arg21: !llvm.ptr, %arg22: !llvm.ptr, %arg23: i64, %arg24: i64, %arg25: i64, %arg26: i64, %arg27: i64) {
// CHECK: llvm.call @malloc
// CHECK: llvm.load %{{.+}} : !llvm.ptr -> i8
// CHECK: llvm.fmul
// CHECK: llvm.call @free
// CHECK: llvm.return{{$}}
// CHECK-NOT: lowbit.
// CHECK-NOT: linalg.
// CHECK-NOT: builtin.unrealized_conversion_cast
func.func @mpgemm(%a: tensor<3x16xbf16>, %w: tensor<4x16xf4E2M1FN>, %s: tensor<4x1xf8E8M0FNU>) -> tensor<3x4xbf16> {
  %y = lowbit.mpgemm %a, %w scale(%s) {weight_scheme = #lowbit.scheme<group(axis = 1, size = 16), scale = f8E8M0FNU>} : (tensor<3x16xbf16>, tensor<4x16xf4E2M1FN>, tensor<4x1xf8E8M0FNU>) -> tensor<3x4xbf16>
  return %y : tensor<3x4xbf16>
}
