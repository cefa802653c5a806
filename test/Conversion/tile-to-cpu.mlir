// RUN: lowbit-opt %s --split-input-file --tile-to-cpu="simd=never parallel=false" --cse | FileCheck %s

// Implemented in lib/Conversion/TileToCPU/: TileToCPU.cpp (kernels, launches, grid loops),
// KernelEmulator.cpp (register buffers, worker loops, carried values), MemoryOps.cpp (global and
// shared loads/stores, copy_async), ComputeOps.cpp (dot, elementwise, reduce, broadcast, view);
// element casts and reduce combines in lib/Conversion/Common/TileCodegen.cpp.

// tile-to-cpu: kernels become functions that run their workers as loop iterations, one op for
// all workers before the next (lockstep); launches become grid loops. (--cse merges the
// constants each loop nest creates, so that the index arithmetic reads as in the pass's
// documentation.)

// The kernel becomes a private function with one block-index argument per grid dimension; the
// launch loops over the grid and calls it.
// CHECK-LABEL: func.func private @scale(
// CHECK-SAME: %{{.+}}: memref<?xf32>, %{{.+}}: index, %{{.+}}: index, %{{.+}}: index)
// CHECK-SAME: attributes {tile.grid = array<i64: 2, 4>, tile.lowering = "simt", tile.workers = 32 : i64}
// CHECK-LABEL: func.func @launch(
// CHECK-SAME: %[[X:.+]]: memref<?xf32>, %[[N:.+]]: index)
// CHECK-DAG: %[[C0:.+]] = arith.constant 0 : index
// CHECK-DAG: %[[C1:.+]] = arith.constant 1 : index
// CHECK-DAG: %[[C2:.+]] = arith.constant 2 : index
// CHECK-DAG: %[[C4:.+]] = arith.constant 4 : index
// CHECK: scf.for %[[B0:.+]] = %[[C0]] to %[[C2]] step %[[C1]] {
// CHECK-NEXT: scf.for %[[B1:.+]] = %[[C0]] to %[[C4]] step %[[C1]] {
// CHECK-NEXT: func.call @scale(%[[X]], %[[N]], %[[B0]], %[[B1]]) : (memref<?xf32>, index, index, index) -> ()
tile.kernel @scale(%x: memref<?xf32>, %n: index) grid [2, 4] workers 32 {
  %b1 = tile.block_index 1
  tile.return
}

func.func @launch(%x: memref<?xf32>, %n: index) {
  tile.launch @scale(%x, %n) : (memref<?xf32>, index) -> ()
  return
}

// -----

// A load with the mma.m16n8k16 C layout: each worker w loads its 4 locals l at
// (row + l / 2 * 8 + w / 4, col + w % 4 * 2 + l % 2); elements outside the view read 0.
// CHECK-LABEL: func.func private @load_global_mma(
// CHECK-SAME: %[[X:[^:]+]]: memref<?xf32>, %[[M:[^:]+]]: index, %[[N:[^:]+]]: index, %[[ROW:[^:]+]]: index, %[[COL:[^:]+]]: index, %{{.+}}: index)
// CHECK: %[[BUF:.+]] = memref.alloca() : memref<32x4xf32>
// CHECK: scf.for %[[W:.+]] = %{{.+}} to %{{.+}} step
// CHECK-NEXT: %[[C4:.+]] = arith.constant 4 : index
// CHECK-NEXT: scf.for %[[L:.+]] = %{{.+}} to %[[C4]] step
// CHECK-NEXT: %[[W_HI:.+]] = arith.divui %[[W]], %[[C4]]
// CHECK-NEXT: %[[W_LO:.+]] = arith.remui %[[W]], %[[C4]]
// CHECK-NEXT: %[[C2:.+]] = arith.constant 2 : index
// CHECK-NEXT: %[[L_HI:.+]] = arith.divui %[[L]], %[[C2]]
// CHECK-NEXT: %[[L_LO:.+]] = arith.remui %[[L]], %[[C2]]
// CHECK-NEXT: %[[C8:.+]] = arith.constant 8 : index
// CHECK-NEXT: %[[T0:.+]] = arith.muli %[[L_HI]], %[[C8]]
// CHECK-NEXT: %[[I:.+]] = arith.addi %[[W_HI]], %[[T0]]
// CHECK-NEXT: %[[T1:.+]] = arith.muli %[[W_LO]], %[[C2]]
// CHECK-NEXT: %[[J:.+]] = arith.addi %[[L_LO]], %[[T1]]
// CHECK-NEXT: %[[G0:.+]] = arith.addi %[[ROW]], %[[I]]
// CHECK-NEXT: %[[G1:.+]] = arith.addi %[[COL]], %[[J]]
// CHECK-NEXT: %[[LOW0:.+]] = arith.cmpi sge, %[[G0]], %{{.+}}
// CHECK-NEXT: %[[HIGH0:.+]] = arith.cmpi slt, %[[G0]], %[[M]]
// CHECK-NEXT: %[[IN0:.+]] = arith.andi %[[LOW0]], %[[HIGH0]]
// CHECK-NEXT: %[[LOW1:.+]] = arith.cmpi sge, %[[G1]], %{{.+}}
// CHECK-NEXT: %[[HIGH1:.+]] = arith.cmpi slt, %[[G1]], %[[N]]
// CHECK-NEXT: %[[IN1:.+]] = arith.andi %[[LOW1]], %[[HIGH1]]
// CHECK-NEXT: %[[IN:.+]] = arith.andi %[[IN0]], %[[IN1]]
// CHECK-NEXT: %[[V:.+]] = scf.if %[[IN]] -> (f32) {
// CHECK-NEXT: %[[O0:.+]] = arith.muli %[[G0]], %[[N]]
// CHECK-NEXT: %[[O1:.+]] = arith.muli %[[G1]], %{{.+}}
// CHECK-NEXT: %[[O:.+]] = arith.addi %[[O0]], %[[O1]]
// CHECK-NEXT: %[[E:.+]] = memref.load %[[X]][%[[O]]] : memref<?xf32>
// CHECK-NEXT: scf.yield %[[E]] : f32
// CHECK-NEXT: } else {
// CHECK-NEXT: %[[ZERO:.+]] = arith.constant 0.000000e+00 : f32
// CHECK-NEXT: scf.yield %[[ZERO]] : f32
// CHECK-NEXT: }
// CHECK-NEXT: memref.store %[[V]], %[[BUF]][%[[W]], %[[L]]] : memref<32x4xf32>
// The store writes only inside the view.
// CHECK: scf.if %{{.+}} {
// CHECK-NEXT: %[[S:.+]] = memref.load %[[BUF]][%{{.+}}, %{{.+}}] : memref<32x4xf32>
// CHECK: memref.store %[[S]], %[[X]][%{{.+}}] : memref<?xf32>
// CHECK-NEXT: }
// CHECK-NOT: tile.
tile.kernel @load_global_mma(%x: memref<?xf32>, %m: index, %n: index, %r: index, %c: index)
    grid [1] workers 32 {
  %c1 = arith.constant 1 : index
  %v = tile.global_view %x sizes(%m, %n) strides(%n, %c1) : memref<?xf32> -> !tile.global<?x?xf32>
  %t = tile.load_global %v[%r, %c] : !tile.global<?x?xf32> -> !tile.reg<16x8xf32, #tile.layout<local(2,1).spatial(8,4).local(1,2)>>
  tile.store_global %t, %v[%c, %r] : !tile.reg<16x8xf32, #tile.layout<local(2,1).spatial(8,4).local(1,2)>>, !tile.global<?x?xf32>
  tile.return
}

// -----

// tile.dot: for each element (m, n) = C(w, l), a K loop in f32 over A[owner(m, k)] and
// B[owner(k, n)]. A = column_local(2,2).spatial(8,4).local(1,2) holds (m, k) in worker
// (m % 8) * 4 + (k / 2) % 4, local (k % 2) + (m / 8) * 2 + (k / 8) * 4; B =
// local(2,1).column_spatial(4,8).local(2,1) holds (k, n) in worker n * 4 + (k / 2) % 4, local
// (k % 2) + (k / 8) * 2.
// CHECK-LABEL: func.func private @dot_owners(
// CHECK: %[[ABUF:.+]] = memref.alloca() : memref<32x8xf16>
// CHECK-NEXT: %[[BBUF:.+]] = memref.alloca() : memref<32x4xf16>
// CHECK-NEXT: %[[CBUF:.+]] = memref.alloca() : memref<32x4xf32>
// CHECK-NEXT: %[[DBUF:.+]] = memref.alloca() : memref<32x4xf32>
// CHECK: %[[M:.+]] = arith.addi %{{.+}}, %{{.+}} : index
// CHECK: %[[N:.+]] = arith.addi %{{.+}}, %{{.+}} : index
// CHECK-NEXT: %[[INIT:.+]] = memref.load %[[CBUF]][%[[W:.+]], %[[L:.+]]] : memref<32x4xf32>
// CHECK-NEXT: %[[C16:.+]] = arith.constant 16 : index
// CHECK-NEXT: %[[ACC:.+]] = scf.for %[[K:.+]] = %{{.+}} to %[[C16]] step %{{.+}} iter_args(%[[SUM:.+]] = %[[INIT]]) -> (f32) {
// CHECK-NEXT: %[[M_HI:.+]] = arith.divui %[[M]], %[[C8:[^ ]+]]
// CHECK-NEXT: %[[M_LO:.+]] = arith.remui %[[M]], %[[C8]]
// CHECK-NEXT: %[[K_HI:.+]] = arith.divui %[[K]], %[[C8]]
// CHECK-NEXT: %[[K_Q:.+]] = arith.divui %[[K]], %[[C2:[^ ]+]]
// CHECK-NEXT: %[[K_MID:.+]] = arith.remui %[[K_Q]], %[[C4:[^ ]+]]
// CHECK-NEXT: %[[K_LO:.+]] = arith.remui %[[K]], %[[C2]]
// CHECK-NEXT: %[[T0:.+]] = arith.muli %[[M_LO]], %[[C4]]
// CHECK-NEXT: %[[AW:.+]] = arith.addi %[[K_MID]], %[[T0]]
// CHECK-NEXT: %[[T1:.+]] = arith.muli %[[M_HI]], %[[C2]]
// CHECK-NEXT: %[[T2:.+]] = arith.addi %[[K_LO]], %[[T1]]
// CHECK-NEXT: %[[T3:.+]] = arith.muli %[[K_HI]], %[[C4]]
// CHECK-NEXT: %[[AL:.+]] = arith.addi %[[T2]], %[[T3]]
// CHECK-NEXT: %[[A:.+]] = memref.load %[[ABUF]][%[[AW]], %[[AL]]] : memref<32x8xf16>
// CHECK-NEXT: %[[T4:.+]] = arith.muli %[[N]], %[[C4]]
// CHECK-NEXT: %[[BW:.+]] = arith.addi %[[K_MID]], %[[T4]]
// CHECK-NEXT: %[[T5:.+]] = arith.muli %[[K_HI]], %[[C2]]
// CHECK-NEXT: %[[BL:.+]] = arith.addi %[[K_LO]], %[[T5]]
// CHECK-NEXT: %[[B:.+]] = memref.load %[[BBUF]][%[[BW]], %[[BL]]] : memref<32x4xf16>
// CHECK-NEXT: %[[AF:.+]] = arith.extf %[[A]] : f16 to f32
// CHECK-NEXT: %[[BF:.+]] = arith.extf %[[B]] : f16 to f32
// CHECK-NEXT: %[[P:.+]] = arith.mulf %[[AF]], %[[BF]] : f32
// CHECK-NEXT: %[[S:.+]] = arith.addf %[[SUM]], %[[P]] : f32
// CHECK-NEXT: scf.yield %[[S]] : f32
// CHECK-NEXT: }
// CHECK-NEXT: memref.store %[[ACC]], %[[DBUF]][%[[W]], %[[L]]] : memref<32x4xf32>
tile.kernel @dot_owners(%h: f16, %z: f32) grid [1] workers 32 {
  %a = tile.splat %h : !tile.reg<16x16xf16, #tile.layout<column_local(2,2).spatial(8,4).local(1,2)>>
  %b = tile.splat %h : !tile.reg<16x8xf16, #tile.layout<local(2,1).column_spatial(4,8).local(2,1)>>
  %c = tile.splat %z : !tile.reg<16x8xf32, #tile.layout<local(2,1).spatial(8,4).local(1,2)>>
  %d = tile.dot %a, %b, %c
         : !tile.reg<16x16xf16, #tile.layout<column_local(2,2).spatial(8,4).local(1,2)>>,
           !tile.reg<16x8xf16, #tile.layout<local(2,1).column_spatial(4,8).local(2,1)>>
           -> !tile.reg<16x8xf32, #tile.layout<local(2,1).spatial(8,4).local(1,2)>>
  tile.return
}

// -----

// tile.view keeps each worker's bits: ui4 local l of a worker is bits [4l, 4l + 4) of its
// word, gathered by shifting the overlapping input locals (one i32 here) into place; then
// tile.cast decodes the codes (extui, sitofp, truncf).
// CHECK-LABEL: func.func private @view_words(
// CHECK: %[[WORDS:.+]] = memref.alloca() : memref<32x1xi32>
// CHECK-NEXT: %[[CODES:.+]] = memref.alloca() : memref<32x8xi4>
// CHECK-NEXT: %[[HALVES:.+]] = memref.alloca() : memref<32x8xf16>
// CHECK: memref.store %{{.+}}, %[[WORDS]]
// CHECK: scf.for %[[W:.+]] = %{{.+}} to %{{.+}} step
// CHECK-NEXT: %[[C8:.+]] = arith.constant 8 : index
// CHECK-NEXT: scf.for %[[L:.+]] = %{{.+}} to %[[C8]] step
// CHECK-NEXT: %[[C4:.+]] = arith.constant 4 : index
// CHECK-NEXT: %[[START:.+]] = arith.muli %[[L]], %[[C4]]
// CHECK-NEXT: %[[FIRST:.+]] = arith.divui %[[START]], %[[C32:[^ ]+]]
// CHECK: %[[BITS:.+]] = scf.for %[[J:.+]] = %[[FIRST]] to %{{.+}} step %{{.+}} iter_args(%[[ACC:.+]] = %{{.+}}) -> (i64) {
// CHECK-NEXT: %[[WORD:.+]] = memref.load %[[WORDS]][%[[W]], %[[J]]] : memref<32x1xi32>
// CHECK-NEXT: %[[WIDE:.+]] = arith.extui %[[WORD]] : i32 to i64
// CHECK-NEXT: %[[POS0:.+]] = arith.muli %[[J]], %[[C32]]
// CHECK-NEXT: %[[POS1:.+]] = arith.subi %[[POS0]], %[[START]]
// CHECK-NEXT: %[[POS:.+]] = arith.index_cast %[[POS1]] : index to i64
// CHECK-NEXT: %[[LEFT_BY:.+]] = arith.maxsi %[[POS]], %{{.+}} : i64
// CHECK-NEXT: %[[LEFT:.+]] = arith.shli %[[WIDE]], %[[LEFT_BY]] : i64
// CHECK-NEXT: %[[NEG:.+]] = arith.subi %{{.+}}, %[[POS]] : i64
// CHECK-NEXT: %[[RIGHT_BY:.+]] = arith.maxsi %[[NEG]], %{{.+}} : i64
// CHECK-NEXT: %[[RIGHT:.+]] = arith.shrui %[[WIDE]], %[[RIGHT_BY]] : i64
// CHECK-NEXT: %[[IS_LEFT:.+]] = arith.cmpi sge, %[[POS]], %{{.+}} : i64
// CHECK-NEXT: %[[PIECE:.+]] = arith.select %[[IS_LEFT]], %[[LEFT]], %[[RIGHT]] : i64
// CHECK-NEXT: %[[OR:.+]] = arith.ori %[[ACC]], %[[PIECE]] : i64
// CHECK-NEXT: scf.yield %[[OR]] : i64
// CHECK-NEXT: }
// CHECK-NEXT: %[[CODE:.+]] = arith.trunci %[[BITS]] : i64 to i4
// CHECK-NEXT: memref.store %[[CODE]], %[[CODES]][%[[W]], %[[L]]] : memref<32x8xi4>
// CHECK: %[[C:.+]] = memref.load %[[CODES]][%{{.+}}, %{{.+}}] : memref<32x8xi4>
// CHECK-NEXT: %[[C32I:.+]] = arith.extui %[[C]] : i4 to i32
// CHECK-NEXT: %[[CF:.+]] = arith.sitofp %[[C32I]] : i32 to f32
// CHECK-NEXT: %[[CH:.+]] = arith.truncf %[[CF]] : f32 to f16
// CHECK-NEXT: memref.store %[[CH]], %[[HALVES]][%{{.+}}, %{{.+}}] : memref<32x8xf16>
tile.kernel @view_words(%x: memref<?xi32>, %y: memref<?xf16>) grid [1] workers 32 {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c32 = arith.constant 32 : index
  %c256 = arith.constant 256 : index
  %vx = tile.global_view %x sizes(%c1, %c32) strides(%c32, %c1) : memref<?xi32> -> !tile.global<?x?xi32>
  %vy = tile.global_view %y sizes(%c1, %c256) strides(%c256, %c1) : memref<?xf16> -> !tile.global<?x?xf16>
  %w = tile.load_global %vx[%c0, %c0] : !tile.global<?x?xi32> -> !tile.reg<1x32xi32, #tile.layout<spatial(1,32)>>
  %q = tile.view %w : !tile.reg<1x32xi32, #tile.layout<spatial(1,32)>> -> !tile.reg<1x256xui4, #tile.layout<spatial(1,32).local(1,8)>>
  %f = tile.cast %q : !tile.reg<1x256xui4, #tile.layout<spatial(1,32).local(1,8)>> -> !tile.reg<1x256xf16, #tile.layout<spatial(1,32).local(1,8)>>
  tile.store_global %f, %vy[%c0, %c0] : !tile.reg<1x256xf16, #tile.layout<spatial(1,32).local(1,8)>>, !tile.global<?x?xf16>
  tile.return
}

// -----

// A register tensor carried by scf.for lives in its own buffer: initialized before the loop,
// copied into by the yield; the loop itself carries nothing.
// CHECK-LABEL: func.func private @carried(
// CHECK-NEXT: %[[INIT:.+]] = memref.alloca() : memref<32x4xf32>
// CHECK-NEXT: %[[CARRY:.+]] = memref.alloca() : memref<32x4xf32>
// CHECK-NEXT: %[[SUM:.+]] = memref.alloca() : memref<32x4xf32>
// CHECK: memref.copy %[[INIT]], %[[CARRY]]
// CHECK-NEXT: scf.for %{{.+}} = %{{.+}} to %{{.+}} step %{{.+}} {
// CHECK: %[[X:.+]] = memref.load %[[CARRY]]
// CHECK-NEXT: %[[Y:.+]] = arith.addf %[[X]], %[[X]] : f32
// CHECK-NEXT: memref.store %[[Y]], %[[SUM]]
// CHECK: memref.copy %[[SUM]], %[[CARRY]]
// CHECK-NEXT: }
// CHECK-NEXT: return
tile.kernel @carried(%x: f32, %n: index) grid [1] workers 32 {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %init = tile.splat %x : !tile.reg<16x8xf32, #tile.layout<local(2,1).spatial(8,4).local(1,2)>>
  %r = scf.for %i = %c0 to %n step %c1 iter_args(%acc = %init) -> (!tile.reg<16x8xf32, #tile.layout<local(2,1).spatial(8,4).local(1,2)>>) {
    %s = tile.add %acc, %acc : !tile.reg<16x8xf32, #tile.layout<local(2,1).spatial(8,4).local(1,2)>>
    scf.yield %s : !tile.reg<16x8xf32, #tile.layout<local(2,1).spatial(8,4).local(1,2)>>
  }
  tile.return
}

// -----

// Two carried tensors swapped by the yield: the one that is itself a carry goes through a
// temporary first.
// CHECK-LABEL: func.func private @swapped(
// CHECK-SAME: %{{.+}}: f32, %[[N:[^:]+]]: index
// CHECK-NEXT: %[[X:.+]] = memref.alloca() : memref<32x4xf32>
// CHECK-NEXT: %[[CARRY0:.+]] = memref.alloca() : memref<32x4xf32>
// CHECK-NEXT: %[[CARRY1:.+]] = memref.alloca() : memref<32x4xf32>
// CHECK-NEXT: %[[TEMP0:.+]] = memref.alloca() : memref<32x4xf32>
// CHECK-NEXT: %[[TEMP1:.+]] = memref.alloca() : memref<32x4xf32>
// CHECK: memref.copy %[[X]], %[[CARRY0]]
// CHECK-NEXT: memref.copy %[[X]], %[[CARRY1]]
// CHECK-NEXT: scf.for %{{.+}} = %{{.+}} to %[[N]] step %{{.+}} {
// CHECK-NEXT: memref.copy %[[CARRY1]], %[[TEMP0]]
// CHECK-NEXT: memref.copy %[[CARRY0]], %[[TEMP1]]
// CHECK-NEXT: memref.copy %[[TEMP0]], %[[CARRY0]]
// CHECK-NEXT: memref.copy %[[TEMP1]], %[[CARRY1]]
// CHECK-NEXT: }
tile.kernel @swapped(%x: f32, %n: index) grid [1] workers 32 {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %init = tile.splat %x : !tile.reg<16x8xf32, #tile.layout<local(2,1).spatial(8,4).local(1,2)>>
  %r:2 = scf.for %i = %c0 to %n step %c1 iter_args(%p = %init, %q = %init)
      -> (!tile.reg<16x8xf32, #tile.layout<local(2,1).spatial(8,4).local(1,2)>>, !tile.reg<16x8xf32, #tile.layout<local(2,1).spatial(8,4).local(1,2)>>) {
    scf.yield %q, %p : !tile.reg<16x8xf32, #tile.layout<local(2,1).spatial(8,4).local(1,2)>>, !tile.reg<16x8xf32, #tile.layout<local(2,1).spatial(8,4).local(1,2)>>
  }
  tile.return
}

// -----

// Shared memory is one buffer per block; tile.copy_async copies the whole tile at once (masked
// like a load), tile.copy_async_wait and tile.sync disappear, and both sides address the
// buffer through the swizzled shared layout.
// CHECK-LABEL: func.func private @shared_memory(
// CHECK: %[[SHARED:.+]] = memref.alloca() : memref<512xf16>
// CHECK: %[[C512:.+]] = arith.constant 512 : index
// CHECK-NEXT: scf.for %[[E:.+]] = %{{.+}} to %[[C512]] step
// CHECK-NEXT: %[[C16:.+]] = arith.constant 16 : index
// CHECK-NEXT: %[[I:.+]] = arith.divui %[[E]], %[[C16]]
// CHECK-NEXT: %[[J:.+]] = arith.remui %[[E]], %[[C16]]
// CHECK: %[[V:.+]] = scf.if
// CHECK: %[[ROW:.+]] = arith.muli %[[I]], %[[C16]]
// CHECK-NEXT: %[[O:.+]] = arith.addi %[[ROW]], %[[J]]
// CHECK-NEXT: %[[C4:.+]] = arith.constant 4 : index
// CHECK-NEXT: %[[S:.+]] = arith.shrui %[[O]], %[[C4]]
// CHECK-NEXT: %[[B:.+]] = arith.andi %[[S]], %{{.+}}
// CHECK-NEXT: %[[C3:.+]] = arith.constant 3 : index
// CHECK-NEXT: %[[X:.+]] = arith.shli %[[B]], %[[C3]]
// CHECK-NEXT: %[[OFFSET:.+]] = arith.xori %[[O]], %[[X]]
// CHECK-NEXT: memref.store %[[V]], %[[SHARED]][%[[OFFSET]]] : memref<512xf16>
// CHECK-NEXT: }
// CHECK-NOT: tile.sync
// CHECK: scf.for
// CHECK: arith.xori
// CHECK-NEXT: memref.load %[[SHARED]][%{{.+}}] : memref<512xf16>
tile.kernel @shared_memory(%a: memref<?xf16>, %m: index, %k: index) grid [1] workers 32 {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %va = tile.global_view %a sizes(%m, %k) strides(%k, %c1) : memref<?xf16> -> !tile.global<?x?xf16>
  %s = tile.alloc_shared : !tile.shared<32x16xf16, #tile.shared_layout<shape=[32,16], strides=[16,1], swizzle=[1,3,1]>>
  tile.copy_async %va[%c0, %c0], %s : !tile.global<?x?xf16>, !tile.shared<32x16xf16, #tile.shared_layout<shape=[32,16], strides=[16,1], swizzle=[1,3,1]>>
  tile.copy_async_wait pending = 0
  tile.sync
  %t = tile.load_shared %s[%c0, %c0] : !tile.shared<32x16xf16, #tile.shared_layout<shape=[32,16], strides=[16,1], swizzle=[1,3,1]>> -> !tile.reg<16x8xf16, #tile.layout<local(2,1).spatial(8,4).local(1,2)>>
  tile.return
}

// -----

// Scalars that depend on tile.worker_index are per-worker buffers; ops on them run once per
// worker; tile.splat and store offsets read the executing worker's element.
// CHECK-LABEL: func.func private @per_worker(
// CHECK-NEXT: %[[WI:.+]] = memref.alloca() : memref<32xindex>
// CHECK-NEXT: %[[ROWS:.+]] = memref.alloca() : memref<32xindex>
// CHECK-NEXT: %[[VALUES:.+]] = memref.alloca() : memref<32xi32>
// CHECK-NEXT: %[[TILE:.+]] = memref.alloca() : memref<32x1xi32>
// CHECK: scf.for %[[W:.+]] = %{{.+}} to %{{.+}} step
// CHECK-NEXT: memref.store %[[W]], %[[WI]][%[[W]]] : memref<32xindex>
// CHECK: scf.for %[[W:.+]] = %{{.+}} to %{{.+}} step
// CHECK-NEXT: %[[WV:.+]] = memref.load %[[WI]][%[[W]]]
// CHECK-NEXT: %[[R:.+]] = arith.muli %[[WV]], %{{.+}} : index
// CHECK-NEXT: memref.store %[[R]], %[[ROWS]][%[[W]]]
// CHECK: arith.index_cast
// CHECK: scf.for %[[W:.+]] = %{{.+}} to %{{.+}} step
// CHECK-NEXT: scf.for %[[L:.+]] = %{{.+}} to %{{.+}} step
// CHECK-NEXT: %[[V:.+]] = memref.load %[[VALUES]][%[[W]]] : memref<32xi32>
// CHECK-NEXT: memref.store %[[V]], %[[TILE]][%[[W]], %[[L]]]
// CHECK: scf.for %[[W:.+]] = %{{.+}} to %{{.+}} step
// CHECK-NEXT: scf.for
// CHECK-NEXT: %[[ROW:.+]] = memref.load %[[ROWS]][%[[W]]] : memref<32xindex>
// CHECK-NEXT: arith.addi %[[ROW]], %{{.+}} : index
tile.kernel @per_worker(%x: memref<?xi32>) grid [1] workers 32 {
  %c0 = arith.constant 0 : index
  %c3 = arith.constant 3 : index
  %c96 = arith.constant 96 : index
  %v = tile.global_view %x sizes(%c96, %c3) strides(%c3, %c3) : memref<?xi32> -> !tile.global<?x?xi32>
  %w = tile.worker_index
  %r = arith.muli %w, %c3 : index
  %i = arith.index_cast %w : index to i32
  %t = tile.splat %i : !tile.reg<1x1xi32, #tile.layout<local(1,1).replicated(32)>>
  tile.store_global %t, %v[%r, %c0] : !tile.reg<1x1xi32, #tile.layout<local(1,1).replicated(32)>>, !tile.global<?x?xi32>
  tile.return
}

// -----

// tile.reduce: every holder of row sum j (worker w, local l) adds the 8 elements of its row
// from their owners, starting from the first; tile.broadcast reads each element's source row
// sum from its owner (replication digit 0). scf.if results get a buffer the yields copy into.
// CHECK-LABEL: func.func private @reduce_broadcast(
// CHECK-NEXT: %[[IN:.+]] = memref.alloca() : memref<32x4xf32>
// CHECK-NEXT: %[[SUMS:.+]] = memref.alloca() : memref<32x2xf32>
// CHECK-NEXT: %[[BCAST:.+]] = memref.alloca() : memref<32x4xf32>
// CHECK-NEXT: %[[RESULT:.+]] = memref.alloca() : memref<32x4xf32>
// CHECK: %[[FIRST:.+]] = memref.load %[[IN]]
// CHECK: scf.for %[[R:.+]] = %[[C1:.+]] to %[[C8:.+]] step %[[C1]] iter_args(%[[ACC:.+]] = %[[FIRST]]) -> (f32) {
// CHECK: %[[X:.+]] = memref.load %[[IN]]
// CHECK-NEXT: %[[NEXT:.+]] = arith.addf %[[ACC]], %[[X]] : f32
// CHECK-NEXT: scf.yield %[[NEXT]] : f32
// CHECK: memref.store %{{.+}}, %[[SUMS]]
// CHECK: memref.load %[[SUMS]]
// CHECK: memref.store %{{.+}}, %[[BCAST]]
// CHECK: scf.if %{{.+}} {
// CHECK-NEXT: memref.copy %[[BCAST]], %[[RESULT]]
// CHECK-NEXT: } else {
// CHECK-NEXT: memref.copy %[[IN]], %[[RESULT]]
// CHECK-NEXT: }
tile.kernel @reduce_broadcast(%x: f32, %flag: i1) grid [1] workers 32 {
  %t = tile.splat %x : !tile.reg<16x8xf32, #tile.layout<local(2,1).spatial(8,4).local(1,2)>>
  %s = tile.reduce add %t dims [1] : !tile.reg<16x8xf32, #tile.layout<local(2,1).spatial(8,4).local(1,2)>> -> !tile.reg<16x1xf32, #tile.layout<local(2,1).spatial(8,1).replicated(4)>>
  %b = tile.broadcast %s : !tile.reg<16x1xf32, #tile.layout<local(2,1).spatial(8,1).replicated(4)>> -> !tile.reg<16x8xf32, #tile.layout<local(2,1).spatial(8,4).local(1,2)>>
  %r = scf.if %flag -> (!tile.reg<16x8xf32, #tile.layout<local(2,1).spatial(8,4).local(1,2)>>) {
    scf.yield %b : !tile.reg<16x8xf32, #tile.layout<local(2,1).spatial(8,4).local(1,2)>>
  } else {
    scf.yield %t : !tile.reg<16x8xf32, #tile.layout<local(2,1).spatial(8,4).local(1,2)>>
  }
  tile.return
}

// -----

// 8-bit float buffers: registers hold their i8 codes, with bitcasts at the memory boundary.
// CHECK-LABEL: func.func private @f8_buffer(
// CHECK-SAME: %[[X:[^:]+]]: memref<?xf8E4M3FN>
// CHECK: %[[CODES:.+]] = memref.alloca() : memref<32x1xi8>
// CHECK: %[[E:.+]] = memref.load %[[X]][%{{.+}}] : memref<?xf8E4M3FN>
// CHECK-NEXT: %[[C:.+]] = arith.bitcast %[[E]] : f8E4M3FN to i8
// CHECK-NEXT: scf.yield %[[C]] : i8
// CHECK: memref.store %{{.+}}, %[[CODES]]
// CHECK: %[[S:.+]] = memref.load %[[CODES]][%{{.+}}, %{{.+}}] : memref<32x1xi8>
// CHECK-NEXT: %[[V:.+]] = arith.bitcast %[[S]] : i8 to f8E4M3FN
// CHECK: memref.store %[[V]], %[[X]][%{{.+}}] : memref<?xf8E4M3FN>
tile.kernel @f8_buffer(%x: memref<?xf8E4M3FN>, %n: index) grid [1] workers 32 {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %v = tile.global_view %x sizes(%n) strides(%c1) : memref<?xf8E4M3FN> -> !tile.global<?xf8E4M3FN>
  %t = tile.load_global %v[%c0] : !tile.global<?xf8E4M3FN> -> !tile.reg<32xf8E4M3FN, #tile.layout<spatial(32)>>
  tile.store_global %t, %v[%n] : !tile.reg<32xf8E4M3FN, #tile.layout<spatial(32)>>, !tile.global<?xf8E4M3FN>
  tile.return
}

// -----

// The emulated kernels prefetch like the SIMD ones (uniform offsets only).
// CHECK-LABEL: func.func private @prefetches(
// CHECK-COUNT-20: memref.prefetch
// CHECK-NOT: memref.prefetch
// CHECK: return
tile.kernel @prefetches(%w: memref<?xi32>, %b: memref<?xi8>, %x: memref<?xf32>, %ld: index) grid [4] workers 8 {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c64 = arith.constant 64 : index
  %c16 = arith.constant 16 : index
  %c2048 = arith.constant 2048 : index
  %blk = tile.block_index 0
  %words = tile.global_view %w sizes(%c16, %c64) strides(%c64, %c1) : memref<?xi32> -> !tile.global<?x?xi32>
  %rows = tile.global_view %b sizes(%c16, %c2048) strides(%c2048, %c1) : memref<?xi8> -> !tile.global<?x?xi8>
  %dyn = tile.global_view %x sizes(%c16, %c64) strides(%ld, %c1) : memref<?xf32> -> !tile.global<?x?xf32>
  %next = arith.addi %blk, %c1 : index
  tile.prefetch_global %words[%next, %c0] sizes [1, 64] : !tile.global<?x?xi32>
  tile.prefetch_global %rows[%c0, %blk] sizes [16, 16] : !tile.global<?x?xi8>
  tile.prefetch_global %dyn[%blk, %c0] sizes [1, 64] : !tile.global<?x?xf32>
  tile.return
}
