// RUN: lowbit-opt %s --split-input-file --tile-infer-layouts | FileCheck %s --check-prefixes=CHECK,FUNC
// The pass is lib/Transforms/InferLayouts.cpp; one rule per op family in
// lib/Transforms/LayoutRules.cpp.
// Anchored on each kernel (functions are then left alone), and idempotent:
// RUN: lowbit-opt %s --split-input-file --pass-pipeline='builtin.module(tile.kernel(tile-infer-layouts))' | FileCheck %s
// RUN: lowbit-opt %s --split-input-file --tile-infer-layouts --tile-infer-layouts | FileCheck %s --check-prefixes=CHECK,FUNC

// Layout inference, one case per rule family and direction, then two complete kernels. The
// layouts are those of PTX mma.m16n8k16 (32 workers):
//   A = column_local(2,2).spatial(8,4).local(1,2)     16x16 f16
//   B = local(2,1).column_spatial(4,8).local(2,1)     16x8 f16
//   C = local(2,1).spatial(8,4).local(1,2)            16x8 f32
// Element-wise ops, cast and scf.for insist on one exact type, so a program states layouts at
// the edges (annotate_layout, view, dot operands) and inference fills in the unlaid values
// behind them.

// Element-wise ops, backward: the annotation reaches every operand and the splats.
// CHECK-LABEL: tile.kernel @elementwise_backward(
// CHECK: [[S:%.+]] = tile.splat %{{.*}} : !tile.reg<16x8xf32, #tile.layout<local(2,1).spatial(8,4).local(1,2)>>
// CHECK: [[T:%.+]] = tile.splat %{{.*}} : !tile.reg<16x8xf32, #tile.layout<local(2,1).spatial(8,4).local(1,2)>>
// CHECK: [[A:%.+]] = tile.add [[S]], [[T]] : !tile.reg<16x8xf32, #tile.layout<local(2,1).spatial(8,4).local(1,2)>>
// CHECK: [[M:%.+]] = tile.mul [[A]], [[S]] : !tile.reg<16x8xf32, #tile.layout<local(2,1).spatial(8,4).local(1,2)>>
// CHECK: tile.annotate_layout [[M]] {layout = #tile.layout<local(2,1).spatial(8,4).local(1,2)>} : !tile.reg<16x8xf32, #tile.layout<local(2,1).spatial(8,4).local(1,2)>>
tile.kernel @elementwise_backward(%x: f32, %y: f32) grid [1] workers 32 {
  %s = tile.splat %x : !tile.reg<16x8xf32>
  %t = tile.splat %y : !tile.reg<16x8xf32>
  %a = tile.add %s, %t : !tile.reg<16x8xf32>
  %m = tile.mul %a, %s : !tile.reg<16x8xf32>
  %c = tile.annotate_layout %m {layout = #tile.layout<local(2,1).spatial(8,4).local(1,2)>}
         : !tile.reg<16x8xf32>
  tile.return
}

// -----

// Element-wise ops, forward and sideways: reduce gives the row sums a layout, the ops that use
// them pass it on to their results and to their other operands (a splat), and the store takes
// the value's layout.
// CHECK-LABEL: tile.kernel @elementwise_forward(
// CHECK: [[R:%.+]] = tile.reduce add %{{.*}} dims [1] : !tile.reg<16x8xf32, #tile.layout<local(2,1).spatial(8,4).local(1,2)>> -> !tile.reg<16x1xf32, #tile.layout<local(2,1).spatial(8,1).replicated(4)>>
// CHECK: [[S:%.+]] = tile.splat %{{.*}} : !tile.reg<16x1xf32, #tile.layout<local(2,1).spatial(8,1).replicated(4)>>
// CHECK: [[D:%.+]] = tile.sub [[R]], [[S]] : !tile.reg<16x1xf32, #tile.layout<local(2,1).spatial(8,1).replicated(4)>>
// CHECK: [[E:%.+]] = tile.maximum [[D]], [[S]] : !tile.reg<16x1xf32, #tile.layout<local(2,1).spatial(8,1).replicated(4)>>
// CHECK: tile.store_global [[E]], %{{.*}} : !tile.reg<16x1xf32, #tile.layout<local(2,1).spatial(8,1).replicated(4)>>, !tile.global<?x?xf32>
tile.kernel @elementwise_forward(%in: memref<?xf32>, %out: memref<?xf32>, %y: f32, %n: index)
    grid [1] workers 32 {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %vin = tile.global_view %in sizes(%n, %n) strides(%n, %c1) : memref<?xf32> -> !tile.global<?x?xf32>
  %vout = tile.global_view %out sizes(%n, %c1) strides(%c1, %c1) : memref<?xf32> -> !tile.global<?x?xf32>
  %x = tile.load_global %vin[%c0, %c0] : !tile.global<?x?xf32>
         -> !tile.reg<16x8xf32, #tile.layout<local(2,1).spatial(8,4).local(1,2)>>
  %r = tile.reduce add %x dims [1]
         : !tile.reg<16x8xf32, #tile.layout<local(2,1).spatial(8,4).local(1,2)>> -> !tile.reg<16x1xf32>
  %s = tile.splat %y : !tile.reg<16x1xf32>
  %d = tile.sub %r, %s : !tile.reg<16x1xf32>
  %e = tile.maximum %d, %s : !tile.reg<16x1xf32>
  tile.store_global %e, %vout[%c0, %c0] : !tile.reg<16x1xf32>, !tile.global<?x?xf32>
  tile.return
}

// -----

// cast, backward (annotation -> cast -> the ui4 load) and forward (reduce -> cast -> store).
// CHECK-LABEL: tile.kernel @cast(
// CHECK: [[Q:%.+]] = tile.load_global %{{.*}} : !tile.global<?x?xui4> -> !tile.reg<16x8xui4, #tile.layout<local(2,1).column_spatial(4,8).local(2,1)>>
// CHECK: [[F:%.+]] = tile.cast [[Q]] : !tile.reg<16x8xui4, #tile.layout<local(2,1).column_spatial(4,8).local(2,1)>> -> !tile.reg<16x8xf16, #tile.layout<local(2,1).column_spatial(4,8).local(2,1)>>
// CHECK: tile.annotate_layout [[F]]
// CHECK: [[R:%.+]] = tile.reduce max %{{.*}} dims [0] : {{.*}} -> !tile.reg<1x8xf32, #tile.layout<spatial(1,8).replicated(4)>>
// CHECK: [[H:%.+]] = tile.cast [[R]] : !tile.reg<1x8xf32, #tile.layout<spatial(1,8).replicated(4)>> -> !tile.reg<1x8xf16, #tile.layout<spatial(1,8).replicated(4)>>
// CHECK: tile.store_global [[H]], %{{.*}} : !tile.reg<1x8xf16, #tile.layout<spatial(1,8).replicated(4)>>
tile.kernel @cast(%w: memref<?xui4>, %out: memref<?xf16>, %n: index) grid [1] workers 32 {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %vw = tile.global_view %w sizes(%n, %n) strides(%n, %c1) : memref<?xui4> -> !tile.global<?x?xui4>
  %vo = tile.global_view %out sizes(%c1, %n) strides(%n, %c1) : memref<?xf16> -> !tile.global<?x?xf16>
  %q = tile.load_global %vw[%c0, %c0] : !tile.global<?x?xui4> -> !tile.reg<16x8xui4>
  %f = tile.cast %q : !tile.reg<16x8xui4> -> !tile.reg<16x8xf16>
  %b = tile.annotate_layout %f {layout = #tile.layout<local(2,1).column_spatial(4,8).local(2,1)>}
         : !tile.reg<16x8xf16>
  %x = tile.cast %b : !tile.reg<16x8xf16, #tile.layout<local(2,1).column_spatial(4,8).local(2,1)>>
         -> !tile.reg<16x8xf32, #tile.layout<local(2,1).column_spatial(4,8).local(2,1)>>
  %r = tile.reduce max %x dims [0]
         : !tile.reg<16x8xf32, #tile.layout<local(2,1).column_spatial(4,8).local(2,1)>>
         -> !tile.reg<1x8xf32>
  %h = tile.cast %r : !tile.reg<1x8xf32> -> !tile.reg<1x8xf16>
  tile.store_global %h, %vo[%c0, %c0] : !tile.reg<1x8xf16>, !tile.global<?x?xf16>
  tile.return
}

// -----

// dot: c and the result share the layout, in both directions. The first accumulator is
// annotated before the dot (forward to the result and the store), the second after it
// (backward to c, a splat). a and b come from their annotations, backward to shared memory.
// CHECK-LABEL: tile.kernel @dot(
// CHECK: [[TA:%.+]] = tile.load_shared %{{.*}} -> !tile.reg<16x16xf16, #tile.layout<column_local(2,2).spatial(8,4).local(1,2)>>
// CHECK: [[TB:%.+]] = tile.load_shared %{{.*}} -> !tile.reg<16x8xf16, #tile.layout<local(2,1).column_spatial(4,8).local(2,1)>>
// CHECK: [[Z:%.+]] = tile.splat %{{.*}} : !tile.reg<16x8xf32, #tile.layout<local(2,1).spatial(8,4).local(1,2)>>
// CHECK: [[D:%.+]] = tile.dot %{{.*}}, %{{.*}}, [[Z]] : {{.*}} -> !tile.reg<16x8xf32, #tile.layout<local(2,1).spatial(8,4).local(1,2)>>
// CHECK: tile.store_shared [[D]], %{{.*}} : !tile.reg<16x8xf32, #tile.layout<local(2,1).spatial(8,4).local(1,2)>>
// CHECK: [[Z2:%.+]] = tile.splat %{{.*}} : !tile.reg<16x8xf32, #tile.layout<local(2,1).spatial(8,4).local(1,2)>>
// CHECK: [[D2:%.+]] = tile.dot %{{.*}}, %{{.*}}, [[Z2]] : {{.*}} -> !tile.reg<16x8xf32, #tile.layout<local(2,1).spatial(8,4).local(1,2)>>
tile.kernel @dot(%zero: f32) grid [1] workers 32 {
  %c0 = arith.constant 0 : index
  %sa = tile.alloc_shared : !tile.shared<16x16xf16>
  %sb = tile.alloc_shared : !tile.shared<16x8xf16>
  %sc = tile.alloc_shared : !tile.shared<16x8xf32>
  %ta = tile.load_shared %sa[%c0, %c0] : !tile.shared<16x16xf16> -> !tile.reg<16x16xf16>
  %tb = tile.load_shared %sb[%c0, %c0] : !tile.shared<16x8xf16> -> !tile.reg<16x8xf16>
  %a = tile.annotate_layout %ta {layout = #tile.layout<column_local(2,2).spatial(8,4).local(1,2)>}
         : !tile.reg<16x16xf16>
  %b = tile.annotate_layout %tb {layout = #tile.layout<local(2,1).column_spatial(4,8).local(2,1)>}
         : !tile.reg<16x8xf16>
  // Forward: the splat is annotated through another use.
  %z = tile.splat %zero : !tile.reg<16x8xf32>
  %za = tile.annotate_layout %z {layout = #tile.layout<local(2,1).spatial(8,4).local(1,2)>}
          : !tile.reg<16x8xf32>
  %d = tile.dot %a, %b, %z
         : !tile.reg<16x16xf16, #tile.layout<column_local(2,2).spatial(8,4).local(1,2)>>,
           !tile.reg<16x8xf16, #tile.layout<local(2,1).column_spatial(4,8).local(2,1)>>
           -> !tile.reg<16x8xf32>
  tile.store_shared %d, %sc[%c0, %c0] : !tile.reg<16x8xf32>, !tile.shared<16x8xf32>
  // Backward: the result is annotated.
  %z2 = tile.splat %zero : !tile.reg<16x8xf32>
  %d2 = tile.dot %a, %b, %z2
          : !tile.reg<16x16xf16, #tile.layout<column_local(2,2).spatial(8,4).local(1,2)>>,
            !tile.reg<16x8xf16, #tile.layout<local(2,1).column_spatial(4,8).local(2,1)>>
            -> !tile.reg<16x8xf32>
  %d2a = tile.annotate_layout %d2 {layout = #tile.layout<local(2,1).spatial(8,4).local(1,2)>}
           : !tile.reg<16x8xf32>
  tile.return
}

// -----

// reduce: forward is reduce(input, dims) (also over every dimension); backward only when the
// reduced dimensions have extent 1 already, where reduce is the identity.
// CHECK-LABEL: tile.kernel @reduce(
// CHECK: tile.reduce add %{{.*}} dims [0, 1] : {{.*}} -> !tile.reg<1x1xf32, #tile.layout<local(1,1).replicated(32)>>
// CHECK: [[X:%.+]] = tile.splat %{{.*}} : !tile.reg<16x1xf32, #tile.layout<local(2,1).spatial(8,1).replicated(4)>>
// CHECK: [[R:%.+]] = tile.reduce min [[X]] dims [1] : !tile.reg<16x1xf32, #tile.layout<local(2,1).spatial(8,1).replicated(4)>> -> !tile.reg<16x1xf32, #tile.layout<local(2,1).spatial(8,1).replicated(4)>>
tile.kernel @reduce(%v: f32) grid [1] workers 32 {
  %c = tile.splat %v : !tile.reg<16x8xf32, #tile.layout<local(2,1).spatial(8,4).local(1,2)>>
  %all = tile.reduce add %c dims [0, 1]
           : !tile.reg<16x8xf32, #tile.layout<local(2,1).spatial(8,4).local(1,2)>> -> !tile.reg<1x1xf32>
  %x = tile.splat %v : !tile.reg<16x1xf32>
  %r = tile.reduce min %x dims [1] : !tile.reg<16x1xf32> -> !tile.reg<16x1xf32>
  %ra = tile.annotate_layout %r {layout = #tile.layout<local(2,1).spatial(8,1).replicated(4)>}
          : !tile.reg<16x1xf32>
  tile.return
}

// -----

// broadcast: when nothing else decides the input, it is reduce(result, broadcast dims)
// (backward to the load); an input that something else lays out keeps its layout when it is
// a valid source (here every worker holds all 16 rows), even though it is not that choice.
// CHECK-LABEL: tile.kernel @broadcast(
// CHECK: [[S:%.+]] = tile.load_global %{{.*}} -> !tile.reg<16x1xf32, #tile.layout<local(2,1).spatial(8,1).replicated(4)>>
// CHECK: tile.broadcast [[S]] : !tile.reg<16x1xf32, #tile.layout<local(2,1).spatial(8,1).replicated(4)>> -> !tile.reg<16x8xf32, #tile.layout<local(2,1).spatial(8,4).local(1,2)>>
// CHECK: [[R:%.+]] = tile.reduce max %{{.*}} dims [1] : {{.*}} -> !tile.reg<16x1xf32, #tile.layout<local(16,1).replicated(32)>>
// CHECK: tile.broadcast [[R]] : !tile.reg<16x1xf32, #tile.layout<local(16,1).replicated(32)>> -> !tile.reg<16x32xf32, #tile.layout<spatial(16,2).local(1,16)>>
tile.kernel @broadcast(%in: memref<?xf32>, %n: index, %v: f32) grid [1] workers 32 {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %view = tile.global_view %in sizes(%n, %c1) strides(%c1, %c1) : memref<?xf32> -> !tile.global<?x?xf32>
  %s = tile.load_global %view[%c0, %c0] : !tile.global<?x?xf32> -> !tile.reg<16x1xf32>
  %b = tile.broadcast %s : !tile.reg<16x1xf32>
         -> !tile.reg<16x8xf32, #tile.layout<local(2,1).spatial(8,4).local(1,2)>>
  %x = tile.splat %v : !tile.reg<16x32xf32, #tile.layout<local(16,1).spatial(1,32)>>
  %r = tile.reduce max %x dims [1]
         : !tile.reg<16x32xf32, #tile.layout<local(16,1).spatial(1,32)>> -> !tile.reg<16x1xf32>
  %rb = tile.broadcast %r : !tile.reg<16x1xf32>
          -> !tile.reg<16x32xf32, #tile.layout<spatial(16,2).local(1,16)>>
  tile.return
}

// -----

// Functions: arguments and results take their inferred layouts, and so does the signature.
// FUNC-LABEL: func.func @signature(
// FUNC-SAME: %{{.*}}: !tile.reg<16x8xf32, #tile.layout<local(2,1).spatial(8,4).local(1,2)>>) -> !tile.reg<16x8xf32, #tile.layout<local(2,1).spatial(8,4).local(1,2)>>
// FUNC: return %{{.*}} : !tile.reg<16x8xf32, #tile.layout<local(2,1).spatial(8,4).local(1,2)>>
func.func @signature(%x: !tile.reg<16x8xf32>) -> !tile.reg<16x8xf32> {
  %y = tile.annotate_layout %x {layout = #tile.layout<local(2,1).spatial(8,4).local(1,2)>}
         : !tile.reg<16x8xf32>
  %z = tile.add %x, %x : !tile.reg<16x8xf32>
  return %z : !tile.reg<16x8xf32>
}

// -----

// scf.if: both branches and the result agree.
// FUNC-LABEL: func.func @branches(
// FUNC: scf.if %{{.*}} -> (!tile.reg<16x8xf32, #tile.layout<local(2,1).spatial(8,4).local(1,2)>>) {
// FUNC: tile.splat %{{.*}} : !tile.reg<16x8xf32, #tile.layout<local(2,1).spatial(8,4).local(1,2)>>
// FUNC: } else {
// FUNC: tile.splat %{{.*}} : !tile.reg<16x8xf32, #tile.layout<local(2,1).spatial(8,4).local(1,2)>>
func.func @branches(%p: i1, %x: f32, %y: f32) {
  %r = scf.if %p -> (!tile.reg<16x8xf32>) {
    %a = tile.splat %x : !tile.reg<16x8xf32>
    scf.yield %a : !tile.reg<16x8xf32>
  } else {
    %b = tile.splat %y : !tile.reg<16x8xf32>
    scf.yield %b : !tile.reg<16x8xf32>
  }
  %ra = tile.annotate_layout %r {layout = #tile.layout<local(2,1).spatial(8,4).local(1,2)>}
          : !tile.reg<16x8xf32>
  return
}

// -----

// The f16 GEMM of docs/tile-dialect.md with layouts only where the instruction needs them: the
// mma operands a and b are annotated, and so is the accumulator where it leaves the K loop (c
// shares its type with the dot's result and with the loop's iteration argument, so one
// annotation outside the loop covers all of them). Inference lays out the loads, the zero
// accumulator, the loop-carried value (init, region argument, yield, result) and the store.
#A = #tile.layout<column_local(2,2).spatial(8,4).local(1,2)>
#B = #tile.layout<local(2,1).column_spatial(4,8).local(2,1)>
#C = #tile.layout<local(2,1).spatial(8,4).local(1,2)>

// CHECK-LABEL: tile.kernel @gemm_f16(
// CHECK: [[INIT:%.+]] = tile.splat %{{.*}} : !tile.reg<16x8xf32, #tile.layout<local(2,1).spatial(8,4).local(1,2)>>
// CHECK-NEXT: [[ACC:%.+]] = scf.for %[[K:.+]] = %{{.*}} to %{{.*}} step %{{.*}} iter_args(%[[ACC_IN:.+]] = [[INIT]]) -> (!tile.reg<16x8xf32, #tile.layout<local(2,1).spatial(8,4).local(1,2)>>) {
// CHECK-NEXT: [[TA:%.+]] = tile.load_global %{{.*}}[%{{.*}}, %[[K]]] : !tile.global<?x?xf16> -> !tile.reg<16x16xf16, #tile.layout<column_local(2,2).spatial(8,4).local(1,2)>>
// CHECK-NEXT: [[TB:%.+]] = tile.load_global %{{.*}}[%[[K]], %{{.*}}] : !tile.global<?x?xf16> -> !tile.reg<16x8xf16, #tile.layout<local(2,1).column_spatial(4,8).local(2,1)>>
// CHECK-NEXT: [[A:%.+]] = tile.annotate_layout [[TA]] {layout = #tile.layout<column_local(2,2).spatial(8,4).local(1,2)>} : !tile.reg<16x16xf16, #tile.layout<column_local(2,2).spatial(8,4).local(1,2)>>
// CHECK-NEXT: [[B:%.+]] = tile.annotate_layout [[TB]] {layout = #tile.layout<local(2,1).column_spatial(4,8).local(2,1)>} : !tile.reg<16x8xf16, #tile.layout<local(2,1).column_spatial(4,8).local(2,1)>>
// CHECK-NEXT: [[D:%.+]] = tile.dot [[A]], [[B]], %[[ACC_IN]] : !tile.reg<16x16xf16, #tile.layout<column_local(2,2).spatial(8,4).local(1,2)>>, !tile.reg<16x8xf16, #tile.layout<local(2,1).column_spatial(4,8).local(2,1)>> -> !tile.reg<16x8xf32, #tile.layout<local(2,1).spatial(8,4).local(1,2)>>
// CHECK-NEXT: scf.yield [[D]] : !tile.reg<16x8xf32, #tile.layout<local(2,1).spatial(8,4).local(1,2)>>
// CHECK-NEXT: }
// CHECK-NEXT: [[OUT:%.+]] = tile.annotate_layout [[ACC]] {layout = #tile.layout<local(2,1).spatial(8,4).local(1,2)>} : !tile.reg<16x8xf32, #tile.layout<local(2,1).spatial(8,4).local(1,2)>>
// CHECK-NEXT: tile.store_global [[OUT]], %{{.*}} : !tile.reg<16x8xf32, #tile.layout<local(2,1).spatial(8,4).local(1,2)>>, !tile.global<?x?xf32>
tile.kernel @gemm_f16(%a: memref<?xf16>, %b: memref<?xf16>, %c: memref<?xf32>,
                      %m: index, %n: index, %k: index) grid [8, 16] workers 32 {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  %c16 = arith.constant 16 : index
  %zero = arith.constant 0.0 : f32
  %va = tile.global_view %a sizes(%m, %k) strides(%k, %c1) : memref<?xf16> -> !tile.global<?x?xf16>
  %vb = tile.global_view %b sizes(%k, %n) strides(%n, %c1) : memref<?xf16> -> !tile.global<?x?xf16>
  %vc = tile.global_view %c sizes(%m, %n) strides(%n, %c1) : memref<?xf32> -> !tile.global<?x?xf32>
  %bm = tile.block_index 0
  %bn = tile.block_index 1
  %row = arith.muli %bm, %c16 : index
  %col = arith.muli %bn, %c8 : index
  %init = tile.splat %zero : !tile.reg<16x8xf32>
  %acc = scf.for %kk = %c0 to %k step %c16 iter_args(%acc_in = %init) -> (!tile.reg<16x8xf32>) {
    %ta = tile.load_global %va[%row, %kk] : !tile.global<?x?xf16> -> !tile.reg<16x16xf16>
    %tb = tile.load_global %vb[%kk, %col] : !tile.global<?x?xf16> -> !tile.reg<16x8xf16>
    %fa = tile.annotate_layout %ta {layout = #A} : !tile.reg<16x16xf16>
    %fb = tile.annotate_layout %tb {layout = #B} : !tile.reg<16x8xf16>
    %d = tile.dot %fa, %fb, %acc_in : !tile.reg<16x16xf16, #A>, !tile.reg<16x8xf16, #B> -> !tile.reg<16x8xf32>
    scf.yield %d : !tile.reg<16x8xf32>
  }
  %out = tile.annotate_layout %acc {layout = #C} : !tile.reg<16x8xf32>
  tile.store_global %out, %vc[%row, %col] : !tile.reg<16x8xf32, #C>, !tile.global<?x?xf32>
  tile.return
}

// -----

// W4A16 (see test/Dialect/Tile/ops.mlir): the packed words, their view as the 16x16 ui4 tile
// and its cast to f16 state the weight layout #BW = local(1,2) * B. Inference lays out the
// rest: the per-group zero points and scales from their broadcasts (reduce(#BW, [0]), one
// 1x16 row that every worker holds the columns of), the A operand from its annotation and the
// accumulator through the loop.
#A = #tile.layout<column_local(2,2).spatial(8,4).local(1,2)>
#BW = #tile.layout<column_local(2,2).column_spatial(4,8).local(2,1)>
#CW = #tile.layout<column_local(2,2).spatial(8,4).local(1,2)>

// CHECK-LABEL: tile.kernel @gemm_w4a16(
// CHECK: [[ZP:%.+]] = tile.splat %{{.*}} : !tile.reg<1x16xf16, #tile.layout<local(1,2).spatial(1,8).replicated(4)>>
// CHECK-NEXT: [[INIT:%.+]] = tile.splat %{{.*}} : !tile.reg<16x16xf32, #tile.layout<column_local(2,2).spatial(8,4).local(1,2)>>
// CHECK-NEXT: scf.for {{.*}} iter_args(%{{.*}} = [[INIT]]) -> (!tile.reg<16x16xf32, #tile.layout<column_local(2,2).spatial(8,4).local(1,2)>>) {
// CHECK: [[WORDS:%.+]] = tile.load_global %{{.*}} : !tile.global<?x?xi32> -> !tile.reg<1x32xi32, #tile.layout<spatial(1,32)>>
// CHECK-NEXT: [[CODES:%.+]] = tile.view [[WORDS]] : !tile.reg<1x32xi32, #tile.layout<spatial(1,32)>> -> !tile.reg<16x16xui4, #tile.layout<column_local(2,2).column_spatial(4,8).local(2,1)>>
// CHECK-NEXT: [[WF:%.+]] = tile.cast [[CODES]] : !tile.reg<16x16xui4, #tile.layout<column_local(2,2).column_spatial(4,8).local(2,1)>> -> !tile.reg<16x16xf16, #tile.layout<column_local(2,2).column_spatial(4,8).local(2,1)>>
// CHECK-NEXT: tile.broadcast [[ZP]] : !tile.reg<1x16xf16, #tile.layout<local(1,2).spatial(1,8).replicated(4)>> -> !tile.reg<16x16xf16, #tile.layout<column_local(2,2).column_spatial(4,8).local(2,1)>>
// CHECK-NEXT: tile.sub
// CHECK-NEXT: [[S:%.+]] = tile.load_global %{{.*}} : !tile.global<?x?xf16> -> !tile.reg<1x16xf16, #tile.layout<local(1,2).spatial(1,8).replicated(4)>>
// CHECK-NEXT: tile.broadcast [[S]]
// CHECK-NEXT: [[W:%.+]] = tile.mul
// CHECK-NEXT: [[TA:%.+]] = tile.load_global %{{.*}} : !tile.global<?x?xf16> -> !tile.reg<16x16xf16, #tile.layout<column_local(2,2).spatial(8,4).local(1,2)>>
// CHECK-NEXT: [[A:%.+]] = tile.annotate_layout [[TA]]
// CHECK-NEXT: tile.dot [[A]], [[W]], %{{.*}} : {{.*}} -> !tile.reg<16x16xf32, #tile.layout<column_local(2,2).spatial(8,4).local(1,2)>>
// CHECK-NEXT: scf.yield %{{.*}} : !tile.reg<16x16xf32, #tile.layout<column_local(2,2).spatial(8,4).local(1,2)>>
tile.kernel @gemm_w4a16(%a: memref<?xf16>, %packed: memref<?xi32>, %scales: memref<?xf16>,
                        %c: memref<?xf32>, %m: index, %n: index, %k: index)
    grid [8, 8] workers 32 {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c16 = arith.constant 16 : index
  %c32 = arith.constant 32 : index
  %zero = arith.constant 0.0 : f32
  %eight = arith.constant 8.0 : f16
  %kt = arith.divui %k, %c16 : index
  %nt = arith.divui %n, %c16 : index
  %nw = arith.muli %nt, %c32 : index
  %va = tile.global_view %a sizes(%m, %k) strides(%k, %c1) : memref<?xf16> -> !tile.global<?x?xf16>
  %vw = tile.global_view %packed sizes(%kt, %nw) strides(%nw, %c1) : memref<?xi32> -> !tile.global<?x?xi32>
  %vs = tile.global_view %scales sizes(%kt, %n) strides(%n, %c1) : memref<?xf16> -> !tile.global<?x?xf16>
  %vc = tile.global_view %c sizes(%m, %n) strides(%n, %c1) : memref<?xf32> -> !tile.global<?x?xf32>
  %bm = tile.block_index 0
  %bn = tile.block_index 1
  %row = arith.muli %bm, %c16 : index
  %col = arith.muli %bn, %c16 : index
  %wcol = arith.muli %bn, %c32 : index
  %zp = tile.splat %eight : !tile.reg<1x16xf16>
  %init = tile.splat %zero : !tile.reg<16x16xf32>
  %acc = scf.for %kk = %c0 to %k step %c16 iter_args(%acc_in = %init) -> (!tile.reg<16x16xf32>) {
    %g = arith.divui %kk, %c16 : index
    %words = tile.load_global %vw[%g, %wcol] : !tile.global<?x?xi32> -> !tile.reg<1x32xi32, #tile.layout<spatial(1,32)>>
    %codes = tile.view %words : !tile.reg<1x32xi32, #tile.layout<spatial(1,32)>> -> !tile.reg<16x16xui4, #BW>
    %wf = tile.cast %codes : !tile.reg<16x16xui4, #BW> -> !tile.reg<16x16xf16, #BW>
    %zb = tile.broadcast %zp : !tile.reg<1x16xf16> -> !tile.reg<16x16xf16, #BW>
    %centered = tile.sub %wf, %zb : !tile.reg<16x16xf16, #BW>
    %s = tile.load_global %vs[%g, %col] : !tile.global<?x?xf16> -> !tile.reg<1x16xf16>
    %sb = tile.broadcast %s : !tile.reg<1x16xf16> -> !tile.reg<16x16xf16, #BW>
    %w = tile.mul %centered, %sb : !tile.reg<16x16xf16, #BW>
    %ta = tile.load_global %va[%row, %kk] : !tile.global<?x?xf16> -> !tile.reg<16x16xf16>
    %fa = tile.annotate_layout %ta {layout = #A} : !tile.reg<16x16xf16>
    %d = tile.dot %fa, %w, %acc_in : !tile.reg<16x16xf16, #A>, !tile.reg<16x16xf16, #BW> -> !tile.reg<16x16xf32>
    scf.yield %d : !tile.reg<16x16xf32>
  }
  %out = tile.annotate_layout %acc {layout = #CW} : !tile.reg<16x16xf32>
  tile.store_global %out, %vc[%row, %col] : !tile.reg<16x16xf32, #CW>, !tile.global<?x?xf32>
  tile.return
}
