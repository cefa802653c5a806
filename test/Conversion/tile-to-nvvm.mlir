// RUN: lowbit-opt %s --split-input-file --tile-to-nvvm --canonicalize --cse | FileCheck %s

// tile-to-nvvm: a kernel becomes a gpu.func in a gpu.module (thread = worker, block id = block
// index), a launch a gpu.launch_func; register tensors are the thread's vectors of locals.
// Where each case is implemented, in lib/Conversion/TileToNVVM/:
//   TileToNVVM.cpp   outlining (gpu.module, gpu.func, workgroup attributions, launch_func)
//   NVVMOps.cpp      @mma_shared: indices, global and shared memory, copy_async, sync
//   DotOps.cpp       the nvgpu.mma.sync of @mma_shared and @int_paths
//   ComputeOps.cpp   @int_paths: view, cast, broadcast, element-wise
//   ReduceOps.cpp    @row_max
//   Common/GPUExchange.cpp  @sum_across_warps, @int_dot_general (no shuffle / mma plan)
//   Common/GPUPatterns.cpp  the per-thread ops both GPU lowerings share (indices, loads and
//                           stores, element-wise, splat, view, cast, broadcast)

// CHECK: module attributes {gpu.container_module}
// CHECK-LABEL: gpu.module @mma_shared
// CHECK: gpu.func @mma_shared(%{{.+}}: memref<?xf16>, %{{.+}}: memref<?xf32>, %{{.+}}: index, %{{.+}}: index)
// CHECK-SAME: workgroup(%[[S:[^ ]+]] : memref<256xf16, #gpu.address_space<workgroup>> {llvm.align = 16 : i64})
// CHECK-SAME: kernel
// CHECK-SAME: known_block_size = array<i32: 32, 1, 1>
// CHECK-DAG: gpu.block_id x
// CHECK-DAG: gpu.thread_id x
// The cooperative copy: thread t moves run t of 8 elements (16 bytes): one cp.async when the
// run is inside the view and its global address 16-byte aligned, else loads (zero outside the
// view) and stores; then one commit per tile.copy_async, and the wait.
// CHECK: memref.extract_aligned_pointer_as_index
// CHECK: nvgpu.device_async_copy %{{.+}}[%{{.+}}], %[[S]][%{{.+}}], 8 : memref<?xf16> to memref<256xf16, #gpu.address_space<workgroup>>
// CHECK: } else {
// CHECK: memref.load %{{.+}}[%{{.+}}] : memref<?xf16>
// CHECK: memref.store %{{.+}}, %[[S]][%{{.+}}] : memref<256xf16, #gpu.address_space<workgroup>>
// CHECK: nvvm.cp.async.commit.group
// CHECK-NEXT: nvvm.cp.async.wait.group 0
// CHECK-NEXT: gpu.barrier
// CHECK: memref.load %[[S]]
// CHECK: vector.from_elements %{{.+}} : vector<8xf16>
// The fragments are the thread's locals in order, as rows of 2-D vectors.
// CHECK: vector.shuffle %{{.+}}, %{{.+}} [6, 7] : vector<8xf16>, vector<8xf16>
// CHECK: nvgpu.mma.sync(%{{.+}}, %{{.+}}, %{{.+}}) {mmaShape = [16, 8, 16]} : (vector<4x2xf16>, vector<2x2xf16>, vector<2x2xf32>) -> vector<2x2xf32>
// CHECK: gpu.barrier
// CHECK: scf.if
// CHECK: memref.store %{{.+}} : memref<?xf32>
// CHECK: gpu.return
// CHECK-LABEL: func.func @host(
// CHECK: gpu.launch_func @mma_shared::@mma_shared blocks in (%{{.+}}, %{{.+}}, %{{.+}}) threads in (%{{.+}}, %{{.+}}, %{{.+}}) args(

#A = #tile.layout<column_local(2,2).spatial(8,4).local(1,2)>
#B = #tile.layout<local(2,1).column_spatial(4,8).local(2,1)>
#C = #tile.layout<local(2,1).spatial(8,4).local(1,2)>

tile.kernel @mma_shared(%a: memref<?xf16>, %c: memref<?xf32>, %n: index, %k: index) grid [4] workers 32 {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c16 = arith.constant 16 : index
  %zero = arith.constant 0.0 : f32
  %va = tile.global_view %a sizes(%n, %k) strides(%k, %c1) : memref<?xf16> -> !tile.global<?x?xf16>
  %vc = tile.global_view %c sizes(%n, %n) strides(%n, %c1) : memref<?xf32> -> !tile.global<?x?xf32>
  %bm = tile.block_index 0
  %row = arith.muli %bm, %c16 : index
  %s = tile.alloc_shared : !tile.shared<16x16xf16>
  %init = tile.splat %zero : !tile.reg<16x8xf32, #C>
  %acc = scf.for %kk = %c0 to %k step %c16 iter_args(%acc_in = %init) -> (!tile.reg<16x8xf32, #C>) {
    tile.copy_async %va[%row, %kk], %s : !tile.global<?x?xf16>, !tile.shared<16x16xf16>
    tile.copy_async_wait pending = 0
    tile.sync
    %ta = tile.load_shared %s[%c0, %c0] : !tile.shared<16x16xf16> -> !tile.reg<16x16xf16, #A>
    %tb = tile.load_shared %s[%c0, %c0] : !tile.shared<16x16xf16> -> !tile.reg<16x8xf16, #B>
    %d = tile.dot %ta, %tb, %acc_in : !tile.reg<16x16xf16, #A>, !tile.reg<16x8xf16, #B> -> !tile.reg<16x8xf32, #C>
    tile.sync
    scf.yield %d : !tile.reg<16x8xf32, #C>
  }
  tile.store_global %acc, %vc[%row, %c0] : !tile.reg<16x8xf32, #C>, !tile.global<?x?xf32>
  tile.return
}

func.func @host(%a: memref<?xf16>, %c: memref<?xf32>, %n: index, %k: index) {
  tile.launch @mma_shared(%a, %c, %n, %k) : (memref<?xf16>, memref<?xf32>, index, index) -> ()
  return
}

// -----

// tile.view is a bitcast of the thread's bits; tile.cast decodes each local; tile.broadcast
// picks the thread's own locals; element-wise ops are vector arith; s8 dots are m16n8k32.
// CHECK-LABEL: gpu.func @int_paths(
// CHECK: vector.bitcast %{{.+}} : vector<2xi8> to vector<4xi4>
// CHECK: arith.sitofp
// (a shuffle [0, 0, 0, 0] of the one local, canonicalized to a broadcast)
// CHECK: vector.broadcast %{{.+}} : f16 to vector<4xf16>
// CHECK: arith.mulf %{{.+}}, %{{.+}} : vector<4xf16>
// CHECK: nvgpu.mma.sync(%{{.+}}, %{{.+}}, %{{.+}}) {mmaShape = [16, 8, 32]} : (vector<4x4xi8>, vector<2x4xi8>, vector<2x2xi32>) -> vector<2x2xi32>

#BYTES = #tile.layout<local(2,1).column_spatial(4,8)>
#B = #tile.layout<local(2,1).column_spatial(4,8).local(2,1)>
#S = #tile.layout<spatial(1,8).replicated(4)>
#A8 = #tile.layout<column_local(2,2).spatial(8,4).local(1,4)>
#B8 = #tile.layout<local(2,1).column_spatial(4,8).local(4,1)>
#C8 = #tile.layout<local(2,1).spatial(8,4).local(1,2)>

tile.kernel @int_paths(%w: memref<?xi8>, %s: memref<?xf16>, %out: memref<?xf16>,
                       %o32: memref<?xi32>, %n: index) grid [1] workers 32 {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %vw = tile.global_view %w sizes(%n, %n) strides(%n, %c1) : memref<?xi8> -> !tile.global<?x?xi8>
  %vs = tile.global_view %s sizes(%n, %n) strides(%n, %c1) : memref<?xf16> -> !tile.global<?x?xf16>
  %vo = tile.global_view %out sizes(%n, %n) strides(%n, %c1) : memref<?xf16> -> !tile.global<?x?xf16>
  %vo32 = tile.global_view %o32 sizes(%n, %n) strides(%n, %c1) : memref<?xi32> -> !tile.global<?x?xi32>
  %bytes = tile.load_global %vw[%c0, %c0] : !tile.global<?x?xi8> -> !tile.reg<8x8xi8, #BYTES>
  %codes = tile.view %bytes : !tile.reg<8x8xi8, #BYTES> -> !tile.reg<16x8xsi4, #B>
  %wf = tile.cast %codes : !tile.reg<16x8xsi4, #B> -> !tile.reg<16x8xf16, #B>
  %sh = tile.load_global %vs[%c0, %c0] : !tile.global<?x?xf16> -> !tile.reg<1x8xf16, #S>
  %sb = tile.broadcast %sh : !tile.reg<1x8xf16, #S> -> !tile.reg<16x8xf16, #B>
  %wt = tile.mul %wf, %sb : !tile.reg<16x8xf16, #B>
  tile.store_global %wt, %vo[%c0, %c0] : !tile.reg<16x8xf16, #B>, !tile.global<?x?xf16>
  %a = tile.load_global %vw[%c0, %c0] : !tile.global<?x?xi8> -> !tile.reg<16x32xi8, #A8>
  %b = tile.load_global %vw[%c0, %c0] : !tile.global<?x?xi8> -> !tile.reg<32x8xi8, #B8>
  %c = tile.load_global %vo32[%c0, %c0] : !tile.global<?x?xi32> -> !tile.reg<16x8xi32, #C8>
  %d = tile.dot %a, %b, %c : !tile.reg<16x32xi8, #A8>, !tile.reg<32x8xi8, #B8> -> !tile.reg<16x8xi32, #C8>
  tile.store_global %d, %vo32[%c0, %c0] : !tile.reg<16x8xi32, #C8>, !tile.global<?x?xi32>
  tile.return
}

// -----

// tile.reduce: each thread combines its locals of a row, then butterfly shuffles over the
// thread-id bits that move along the reduced dim (1 and 2: the 4 threads of a row).
// CHECK-LABEL: gpu.func @row_max(
// CHECK: arith.maximumf %{{.+}}, %{{.+}} : f32
// CHECK: gpu.shuffle xor %{{.+}}, %c1_i32, %c32_i32 : f32
// CHECK: arith.maximumf
// CHECK: gpu.shuffle xor %{{.+}}, %c2_i32, %c32_i32 : f32
// CHECK: arith.maximumf

#C = #tile.layout<local(2,1).spatial(8,4).local(1,2)>
#R = #tile.layout<local(2,1).spatial(8,1).replicated(4)>

tile.kernel @row_max(%x: memref<?xf32>, %y: memref<?xf32>, %n: index) grid [1] workers 32 {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %vx = tile.global_view %x sizes(%n, %n) strides(%n, %c1) : memref<?xf32> -> !tile.global<?x?xf32>
  %vy = tile.global_view %y sizes(%n, %c1) strides(%c1, %c1) : memref<?xf32> -> !tile.global<?x?xf32>
  %t = tile.load_global %vx[%c0, %c0] : !tile.global<?x?xf32> -> !tile.reg<16x8xf32, #C>
  %r = tile.reduce max %t dims [1] : !tile.reg<16x8xf32, #C> -> !tile.reg<16x1xf32, #R>
  tile.store_global %r, %vy[%c0, %c0] : !tile.reg<16x1xf32, #R>, !tile.global<?x?xf32>
  tile.return
}

// -----

// A reduction across warps (64 threads, one element each) has no shuffle plan: it goes
// through the kernel's scratch (Common/GPUExchange.h). Each thread stores its element
// row-major, bar.sync, each thread folds the 64 inputs of its result local (element 0 starts
// the fold), bar.sync.
// CHECK-LABEL: gpu.func @sum_across_warps(
// CHECK-SAME: workgroup(%[[SCRATCH:[^ ]+]] : memref<256xi8, #gpu.address_space<workgroup>> {llvm.align = 16 : i64})
// CHECK: %[[T:.+]] = gpu.thread_id x
// CHECK: %[[VIEW:.+]] = memref.view %[[SCRATCH]][%{{.+}}][] : memref<256xi8, #gpu.address_space<workgroup>> to memref<64xf32, #gpu.address_space<workgroup>>
// CHECK: memref.store %{{.+}}, %[[VIEW]][%[[T]]]
// CHECK-NEXT: gpu.barrier
// CHECK: %[[FIRST:.+]] = memref.load %[[VIEW]][%c0]
// CHECK: scf.for %[[R:.+]] = %c1 to %c64 step %c1 iter_args(%[[ACC:.+]] = %[[FIRST]]) -> (f32)
// CHECK: %[[X:.+]] = memref.load %[[VIEW]][%[[R]]]
// CHECK: arith.addf %[[ACC]], %[[X]] : f32
// CHECK: gpu.barrier
// CHECK-NOT: gpu.shuffle

tile.kernel @sum_across_warps(%x: memref<?xf32>, %y: memref<?xf32>) grid [1] workers 64 {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c64 = arith.constant 64 : index
  %vx = tile.global_view %x sizes(%c1, %c64) strides(%c64, %c1) : memref<?xf32> -> !tile.global<1x64xf32>
  %vy = tile.global_view %y sizes(%c1, %c1) strides(%c1, %c1) : memref<?xf32> -> !tile.global<1x1xf32>
  %t = tile.load_global %vx[%c0, %c0] : !tile.global<1x64xf32> -> !tile.reg<1x64xf32, #tile.layout<spatial(1,64)>>
  %r = tile.reduce add %t dims [1] : !tile.reg<1x64xf32, #tile.layout<spatial(1,64)>> -> !tile.reg<1x1xf32, #tile.layout<spatial(1,1).replicated(64)>>
  tile.store_global %r, %vy[%c0, %c0] : !tile.reg<1x1xf32, #tile.layout<spatial(1,1).replicated(64)>>, !tile.global<1x1xf32>
  tile.return
}

// -----

// A dot in layouts no mma takes, with si4 A codes (a byte each in the scratch, truncated back
// on load, sign-extended for the i32 products) and i8 B: the scratch holds A (16 x 32 bytes)
// then B at the next 16-byte boundary; each C local loops over K.
// CHECK-LABEL: gpu.func @int_dot_general(
// CHECK-SAME: workgroup(%[[SCRATCH:[^ ]+]] : memref<768xi8, #gpu.address_space<workgroup>>
// CHECK: %[[A:.+]] = memref.view %[[SCRATCH]][%c0][] : {{.+}} to memref<512xi8, #gpu.address_space<workgroup>>
// CHECK: arith.extui %{{.+}} : i4 to i8
// CHECK: memref.store %{{.+}}, %[[A]]
// CHECK: %[[B:.+]] = memref.view %[[SCRATCH]][%c512][] : {{.+}} to memref<256xi8, #gpu.address_space<workgroup>>
// CHECK: memref.store %{{.+}}, %[[B]]
// CHECK: gpu.barrier
// CHECK: scf.for %[[K:.+]] = %c0 to %c32 step %c1 iter_args(%{{.+}} = %{{.+}}) -> (i32)
// CHECK: %[[X:.+]] = memref.load %[[A]]
// CHECK: %[[X4:.+]] = arith.trunci %[[X]] : i8 to i4
// CHECK: arith.extsi %[[X4]] : i4 to i32
// CHECK: memref.load %[[B]]
// CHECK: arith.extsi %{{.+}} : i8 to i32
// CHECK: arith.muli
// CHECK: arith.addi
// CHECK: gpu.barrier

tile.kernel @int_dot_general(%w: memref<?xi8>, %out: memref<?xi32>) grid [1] workers 32 {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  %c16 = arith.constant 16 : index
  %zero = arith.constant 0 : i32
  %vw = tile.global_view %w sizes(%c16, %c16) strides(%c16, %c1) : memref<?xi8> -> !tile.global<16x16xi8>
  %vo = tile.global_view %out sizes(%c16, %c8) strides(%c8, %c1) : memref<?xi32> -> !tile.global<16x8xi32>
  %bytes = tile.load_global %vw[%c0, %c0] : !tile.global<16x16xi8> -> !tile.reg<16x16xi8, #tile.layout<spatial(16,2).local(1,8)>>
  %a = tile.view %bytes : !tile.reg<16x16xi8, #tile.layout<spatial(16,2).local(1,8)>> -> !tile.reg<16x32xsi4, #tile.layout<spatial(16,2).local(1,16)>>
  %b = tile.load_global %vw[%c0, %c0] : !tile.global<16x16xi8> -> !tile.reg<32x8xi8, #tile.layout<spatial(4,8).local(8,1)>>
  %c = tile.splat %zero : !tile.reg<16x8xi32, #tile.layout<spatial(16,2).local(1,4)>>
  %d = tile.dot %a, %b, %c : !tile.reg<16x32xsi4, #tile.layout<spatial(16,2).local(1,16)>>, !tile.reg<32x8xi8, #tile.layout<spatial(4,8).local(8,1)>> -> !tile.reg<16x8xi32, #tile.layout<spatial(16,2).local(1,4)>>
  tile.store_global %d, %vo[%c0, %c0] : !tile.reg<16x8xi32, #tile.layout<spatial(16,2).local(1,4)>>, !tile.global<16x8xi32>
  tile.return
}

// -----

// tile.lookup: each thread reads, for every local, the table entry its code indexes from its
// own (replicated) copy of the table.
// CHECK-LABEL: gpu.func @lookup(
// CHECK: vector.bitcast %{{.+}} : vector<2xi8> to vector<4xi4>
// CHECK: arith.index_castui %{{.+}} : i4 to index
// CHECK: vector.extract %{{.+}}[%{{.+}}] : f32 from vector<16xf32>
// CHECK: memref.store %{{.+}}, %{{.+}}[%{{.+}}] : memref<?xf32>

#LB = #tile.layout<local(2,1).column_spatial(4,8)>
#LC = #tile.layout<local(2,1).column_spatial(4,8).local(2,1)>
#LT = #tile.layout<local(1,16).replicated(32)>

tile.kernel @lookup(%w: memref<?xi8>, %t: memref<?xf32>, %out: memref<?xf32>, %n: index)
    grid [1] workers 32 {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c16 = arith.constant 16 : index
  %vw = tile.global_view %w sizes(%n, %n) strides(%n, %c1) : memref<?xi8> -> !tile.global<?x?xi8>
  %vt = tile.global_view %t sizes(%c1, %c16) strides(%c16, %c1) : memref<?xf32> -> !tile.global<?x?xf32>
  %vo = tile.global_view %out sizes(%n, %n) strides(%n, %c1) : memref<?xf32> -> !tile.global<?x?xf32>
  %bytes = tile.load_global %vw[%c0, %c0] : !tile.global<?x?xi8> -> !tile.reg<8x8xi8, #LB>
  %codes = tile.view %bytes : !tile.reg<8x8xi8, #LB> -> !tile.reg<16x8xui4, #LC>
  %table = tile.load_global %vt[%c0, %c0] : !tile.global<?x?xf32> -> !tile.reg<1x16xf32, #LT>
  %v = tile.lookup %table[%codes] : !tile.reg<1x16xf32, #LT>, !tile.reg<16x8xui4, #LC>
         -> !tile.reg<16x8xf32, #LC>
  tile.store_global %v, %vo[%c0, %c0] : !tile.reg<16x8xf32, #LC>, !tile.global<?x?xf32>
  tile.return
}

// -----

// tile.lookup in a table spread over the threads (entry = local * 32 + thread) goes through
// the workgroup scratch: every thread stores its entries, a barrier, then each reads the entry
// its code indexes.
// CHECK-LABEL: gpu.func @lookup_spread(
// CHECK-SAME: workgroup(%[[SCRATCH:[^ ]+]] : memref<256xi8, #gpu.address_space<workgroup>> {llvm.align = 16 : i64})
// CHECK: %[[T:.+]] = memref.view %[[SCRATCH]][%{{.+}}][] : memref<256xi8, #gpu.address_space<workgroup>> to memref<64xf32, #gpu.address_space<workgroup>>
// CHECK: memref.store %{{.+}}, %[[T]][%{{.+}}] : memref<64xf32, #gpu.address_space<workgroup>>
// CHECK: gpu.barrier
// CHECK: arith.index_castui %{{.+}} : i6 to index
// CHECK: memref.load %[[T]][%{{.+}}] : memref<64xf32, #gpu.address_space<workgroup>>
// CHECK: gpu.barrier

#SB = #tile.layout<spatial(1,32)>
#SC = #tile.layout<spatial(1,32).local(1,1)>
#ST = #tile.layout<local(1,2).spatial(1,32)>

tile.kernel @lookup_spread(%w: memref<?xi8>, %t: memref<?xf32>, %out: memref<?xf32>)
    grid [1] workers 32 {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c32 = arith.constant 32 : index
  %c64 = arith.constant 64 : index
  %vw = tile.global_view %w sizes(%c1, %c32) strides(%c32, %c1) : memref<?xi8> -> !tile.global<?x?xi8>
  %vt = tile.global_view %t sizes(%c1, %c64) strides(%c64, %c1) : memref<?xf32> -> !tile.global<?x?xf32>
  %vo = tile.global_view %out sizes(%c1, %c32) strides(%c32, %c1) : memref<?xf32> -> !tile.global<?x?xf32>
  %bytes = tile.load_global %vw[%c0, %c0] : !tile.global<?x?xi8> -> !tile.reg<1x32xi8, #SB>
  %codes = tile.view %bytes : !tile.reg<1x32xi8, #SB> -> !tile.reg<1x32xui8, #SC>
  %table = tile.load_global %vt[%c0, %c0] : !tile.global<?x?xf32> -> !tile.reg<1x64xf32, #ST>
  %six = tile.cast %codes : !tile.reg<1x32xui8, #SC> -> !tile.reg<1x32xui6, #SC>
  %v = tile.lookup %table[%six] : !tile.reg<1x64xf32, #ST>, !tile.reg<1x32xui6, #SC>
         -> !tile.reg<1x32xf32, #SC>
  tile.store_global %v, %vo[%c0, %c0] : !tile.reg<1x32xf32, #SC>, !tile.global<?x?xf32>
  tile.return
}

// -----

// tile.prefetch_global is a hint the GPU lowering erases.
// CHECK-LABEL: gpu.func @prefetches(
// CHECK-NOT: prefetch
// CHECK: gpu.return
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

// -----

// tile.view with bit planes: each code gathers its pieces from the thread's words (3-bit codes
// in planes [2, 1]: code 0 is bits 0-1 of word 0 and bit 0 of word 2), each word its pieces
// from the codes, all with constant shifts and masks.
// CHECK-LABEL: gpu.func @planar(
// CHECK: %[[LOW:.+]] = arith.andi %{{.+}}, %c3_i32 : i32
// CHECK-NEXT: %[[HIGH:.+]] = arith.andi %{{.+}}, %c1_i32 : i32
// CHECK-NEXT: %[[UP:.+]] = arith.shli %[[HIGH]], %c2_i32 : i32
// CHECK-NEXT: arith.ori %[[LOW]], %[[UP]] : i32
// CHECK: arith.sitofp
// CHECK: return
tile.kernel @planar(%w: memref<?xi32>, %out: memref<?xf32>, %back: memref<?xi32>) grid [1] workers 32 {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c96 = arith.constant 96 : index
  %c1024 = arith.constant 1024 : index
  %vw = tile.global_view %w sizes(%c1, %c96) strides(%c96, %c1) : memref<?xi32> -> !tile.global<?x?xi32>
  %vo = tile.global_view %out sizes(%c1, %c1024) strides(%c1024, %c1) : memref<?xf32> -> !tile.global<?x?xf32>
  %vb = tile.global_view %back sizes(%c1, %c96) strides(%c96, %c1) : memref<?xi32> -> !tile.global<?x?xi32>
  %words = tile.load_global %vw[%c0, %c0] : !tile.global<?x?xi32> -> !tile.reg<1x96xi32, #tile.layout<spatial(1,32).local(1,3)>>
  %codes = tile.view %words planes [2, 1] : !tile.reg<1x96xi32, #tile.layout<spatial(1,32).local(1,3)>> -> !tile.reg<1x1024xui3, #tile.layout<spatial(1,32).local(1,32)>>
  %f = tile.cast %codes : !tile.reg<1x1024xui3, #tile.layout<spatial(1,32).local(1,32)>> -> !tile.reg<1x1024xf32, #tile.layout<spatial(1,32).local(1,32)>>
  tile.store_global %f, %vo[%c0, %c0] : !tile.reg<1x1024xf32, #tile.layout<spatial(1,32).local(1,32)>>, !tile.global<?x?xf32>
  %again = tile.view %codes planes [2, 1] : !tile.reg<1x1024xui3, #tile.layout<spatial(1,32).local(1,32)>> -> !tile.reg<1x96xi32, #tile.layout<spatial(1,32).local(1,3)>>
  tile.store_global %again, %vb[%c0, %c0] : !tile.reg<1x96xi32, #tile.layout<spatial(1,32).local(1,3)>>, !tile.global<?x?xi32>
  tile.return
}
