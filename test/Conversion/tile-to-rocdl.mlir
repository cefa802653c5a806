// RUN: lowbit-opt %s --tile-to-rocdl --cse | FileCheck %s

// Implemented in lib/Conversion/TileToROCDL/: TileToROCDL.cpp (kernels, types),
// MemoryPatterns.cpp (global/shared access, copies, barriers), ComputePatterns.cpp (elementwise,
// cast, view, broadcast, reduce shuffles), MfmaDot.cpp (tile.dot as amdgpu.mfma); shared with
// tile-to-nvvm: lib/Conversion/Common/GPUPatterns.cpp (per-thread ops), MemoryCodegen.cpp
// (global views, masked loads and stores), GPUExchange.cpp (@exchange).
// RUN: lowbit-opt %s --tile-to-rocdl=chip=gfx90a --cse | FileCheck %s --check-prefix=CHIP
// RUN: lowbit-opt %s --lowbit-pipeline-hsaco="chip=gfx90a format=isa toolkit=%rocm_toolkit" \
// RUN:   | %extract_gpu_object %t.s
// RUN: FileCheck %s --check-prefix=ISA --input-file=%t.s

// tile-to-rocdl: a kernel becomes gpu.module + gpu.func, a worker a thread of a wave64, a
// register tensor the thread's vector of locals. (Implementation: lib/Conversion/TileToROCDL.)

// CHECK: module attributes {gpu.container_module}
// CHIP: gpu.module @mfma attributes {rocdl.chip = "gfx90a"}

// The A, B and C tiles of mfma 16x16x16 f16 and 32x32x8 f16: one amdgpu.mfma each; the
// locals of A are column (lane % 16) and row 4 * (lane / 16) + l.
// CHECK-LABEL: gpu.module @mfma
// CHECK: gpu.func @mfma(%{{.+}}: memref<?xf16>, %{{.+}}: memref<?xf32>, %{{.+}}: index) kernel
// CHECK-SAME: known_block_size = array<i32: 64, 1, 1>, known_grid_size = array<i32: 2, 1, 1>
// CHECK: %[[TID:.+]] = gpu.thread_id x
// CHECK: arith.divui %[[TID]], %c16
// CHECK: arith.remui %[[TID]], %c16
// CHECK: scf.if %{{.+}} -> (f16) {
// CHECK: memref.load %{{.+}} : memref<?xf16>
// CHECK: } else {
// CHECK: vector.insert %{{.+}} [0] : f16 into vector<4xf16>
// CHECK: amdgpu.mfma 16x16x16 %{{.+}} * %{{.+}} + %{{.+}} blgp = none : vector<4xf16>, vector<4xf16>, vector<4xf32>
// CHECK: amdgpu.mfma 32x32x8 %{{.+}} * %{{.+}} + %{{.+}} blgp = none : vector<4xf16>, vector<4xf16>, vector<16xf32>
// Sum along dimension 0: the thread's 4 locals, then lanes 16 and 32 apart.
// CHECK: arith.addf
// CHECK: arith.addf
// CHECK: arith.addf
// CHECK: gpu.shuffle xor %{{.+}}, %c16_i32, %c64_i32 : f32
// CHECK: arith.addf
// CHECK: gpu.shuffle xor %{{.+}}, %c32_i32, %c64_i32 : f32
// CHECK: arith.addf
// Maximum along dimension 1: lanes 1, 2, 4 and 8 apart, for each of the 4 locals.
// CHECK-COUNT-4: gpu.shuffle xor %{{.+}}, %c1_i32, %c64_i32
// CHECK: gpu.return

// ISA: .amdgcn_target "amdgcn-amd-amdhsa--gfx90a"
// ISA-LABEL: mfma:
// ISA-DAG: v_mfma_f32_16x16x16f16
// ISA-DAG: v_mfma_f32_32x32x8f16
// ISA-DAG: ds_swizzle_b32

#A = #tile.layout<column_spatial(16,4).local(1,4)>
#B = #tile.layout<spatial(4,16).local(4,1)>
#C = #tile.layout<spatial(4,16).local(4,1)>
#A32 = #tile.layout<column_spatial(32,2).local(1,4)>
#B32 = #tile.layout<spatial(2,32).local(4,1)>
#C32 = #tile.layout<local(4,1).spatial(2,32).local(4,1)>
#R0 = #tile.layout<replicated(4).spatial(1,16)>
#R1 = #tile.layout<spatial(4,1).local(4,1).replicated(16)>

tile.kernel @mfma(%a: memref<?xf16>, %c: memref<?xf32>, %n: index) grid [2] workers 64 {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %va = tile.global_view %a sizes(%n, %n) strides(%n, %c1) : memref<?xf16> -> !tile.global<?x?xf16>
  %vc = tile.global_view %c sizes(%n, %n) strides(%n, %c1) : memref<?xf32> -> !tile.global<?x?xf32>
  %ta = tile.load_global %va[%c0, %c0] : !tile.global<?x?xf16> -> !tile.reg<16x16xf16, #A>
  %tb = tile.load_global %va[%c0, %c0] : !tile.global<?x?xf16> -> !tile.reg<16x16xf16, #B>
  %zero = arith.constant 0.0 : f32
  %acc = tile.splat %zero : !tile.reg<16x16xf32, #C>
  %d = tile.dot %ta, %tb, %acc : !tile.reg<16x16xf16, #A>, !tile.reg<16x16xf16, #B> -> !tile.reg<16x16xf32, #C>
  %a32 = tile.load_global %va[%c0, %c0] : !tile.global<?x?xf16> -> !tile.reg<32x8xf16, #A32>
  %b32 = tile.load_global %va[%c0, %c0] : !tile.global<?x?xf16> -> !tile.reg<8x32xf16, #B32>
  %acc32 = tile.splat %zero : !tile.reg<32x32xf32, #C32>
  %d32 = tile.dot %a32, %b32, %acc32 : !tile.reg<32x8xf16, #A32>, !tile.reg<8x32xf16, #B32> -> !tile.reg<32x32xf32, #C32>
  tile.store_global %d32, %vc[%c0, %c0] : !tile.reg<32x32xf32, #C32>, !tile.global<?x?xf32>
  %s = tile.reduce add %d dims [0] : !tile.reg<16x16xf32, #C> -> !tile.reg<1x16xf32, #R0>
  %r = tile.reduce max %d dims [1] : !tile.reg<16x16xf32, #C> -> !tile.reg<16x1xf32, #R1>
  tile.store_global %s, %vc[%c0, %c0] : !tile.reg<1x16xf32, #R0>, !tile.global<?x?xf32>
  tile.store_global %r, %vc[%c0, %c0] : !tile.reg<16x1xf32, #R1>, !tile.global<?x?xf32>
  tile.return
}

// Shared memory is a workgroup attribution; copy_async a cooperative copy then a barrier,
// copy_async_wait nothing, sync a barrier; the block index of dimension 1 is block_id y.
// CHECK-LABEL: gpu.module @shared
// CHECK: gpu.func @shared(%{{.+}}: memref<?xf16>, %{{.+}}: memref<?xf32>, %{{.+}}: index)
// CHECK-SAME: workgroup(%[[LDS:.+]] : memref<256xf16, #gpu.address_space<workgroup>>) kernel
// CHECK: gpu.block_id y
// CHECK: %[[TID:.+]] = gpu.thread_id x
// CHECK: scf.for %[[BASE:.+]] = %c0 to %c256 step %c64 {
// CHECK: arith.addi %[[BASE]], %[[TID]] : index
// CHECK: memref.store %{{.+}}, %[[LDS]][%{{.+}}] : memref<256xf16, #gpu.address_space<workgroup>>
// CHECK: gpu.barrier
// CHECK-NEXT: gpu.barrier
// CHECK: memref.load %[[LDS]]
// CHECK: arith.addf %{{.+}}, %{{.+}} : vector<4xf16>
// CHECK: memref.store %{{.+}}, %[[LDS]]
// CHECK: gpu.return

// ISA-LABEL: shared:
// ISA: ds_write_b16
// ISA: ds_read_u16
// ISA: .group_segment_fixed_size: 512

tile.kernel @shared(%x: memref<?xf16>, %y: memref<?xf32>, %n: index) grid [4, 2] workers 64 {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %vx = tile.global_view %x sizes(%n, %n) strides(%n, %c1) : memref<?xf16> -> !tile.global<?x?xf16>
  %vy = tile.global_view %y sizes(%n, %n) strides(%n, %c1) : memref<?xf32> -> !tile.global<?x?xf32>
  %s = tile.alloc_shared : !tile.shared<16x16xf16, #tile.shared_layout<shape=[16,16], strides=[16,1], swizzle=[2,0,4]>>
  %bi = tile.block_index 1
  tile.copy_async %vx[%bi, %c0], %s : !tile.global<?x?xf16>, !tile.shared<16x16xf16, #tile.shared_layout<shape=[16,16], strides=[16,1], swizzle=[2,0,4]>>
  tile.copy_async_wait pending = 0
  tile.sync
  %t = tile.load_shared %s[%c0, %c0] : !tile.shared<16x16xf16, #tile.shared_layout<shape=[16,16], strides=[16,1], swizzle=[2,0,4]>> -> !tile.reg<16x16xf16, #B>
  %u = tile.add %t, %t : !tile.reg<16x16xf16, #B>
  tile.store_shared %u, %s[%c0, %c0] : !tile.reg<16x16xf16, #B>, !tile.shared<16x16xf16, #tile.shared_layout<shape=[16,16], strides=[16,1], swizzle=[2,0,4]>>
  %w = tile.worker_index
  tile.store_global %u, %vx[%w, %c0] : !tile.reg<16x16xf16, #B>, !tile.global<?x?xf16>
  tile.return
}

// Packed 4-bit codes: tile.view is a bitcast of the thread's bits, tile.cast decodes each
// local, tile.broadcast reads the thread's own local of the scales.
// CHECK-LABEL: gpu.module @view_cast
// CHECK: vector.bitcast %{{.+}} : vector<1xi16> to vector<4xi4>
// CHECK: vector.extract %{{.+}}[0] : i4 from vector<4xi4>
// CHECK-NEXT: arith.extui %{{.+}} : i4 to i32
// CHECK-NEXT: arith.sitofp %{{.+}} : i32 to f32
// CHECK-NEXT: arith.truncf %{{.+}} : f32 to f16
// CHECK: vector.extract %{{.+}}[%{{.+}}] : f16 from vector<1xf16>
// CHECK: arith.mulf %{{.+}}, %{{.+}} : vector<4xf16>

#W = #tile.layout<spatial(4,16).local(4,1)>
#WS = #tile.layout<replicated(4).spatial(1,16)>
tile.kernel @view_cast(%p: memref<?xi16>, %s: memref<?xf16>, %y: memref<?xf16>, %n: index) grid [1] workers 64 {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %vp = tile.global_view %p sizes(%c1, %n) strides(%n, %c1) : memref<?xi16> -> !tile.global<?x?xi16>
  %vs = tile.global_view %s sizes(%c1, %n) strides(%n, %c1) : memref<?xf16> -> !tile.global<?x?xf16>
  %vy = tile.global_view %y sizes(%n, %n) strides(%n, %c1) : memref<?xf16> -> !tile.global<?x?xf16>
  %words = tile.load_global %vp[%c0, %c0] : !tile.global<?x?xi16> -> !tile.reg<1x64xi16, #tile.layout<spatial(1,64)>>
  %codes = tile.view %words : !tile.reg<1x64xi16, #tile.layout<spatial(1,64)>> -> !tile.reg<16x16xui4, #W>
  %f = tile.cast %codes : !tile.reg<16x16xui4, #W> -> !tile.reg<16x16xf16, #W>
  %sc = tile.load_global %vs[%c0, %c0] : !tile.global<?x?xf16> -> !tile.reg<1x16xf16, #WS>
  %sb = tile.broadcast %sc : !tile.reg<1x16xf16, #WS> -> !tile.reg<16x16xf16, #W>
  %w = tile.mul %f, %sb : !tile.reg<16x16xf16, #W>
  tile.store_global %w, %vy[%c0, %c0] : !tile.reg<16x16xf16, #W>, !tile.global<?x?xf16>
  tile.return
}

// Without an mfma or wave-shuffle plan (an f32 dot A * A + A in row layouts; a sum across the two waves
// of 128 workers), dots and reductions go through the kernel's LDS scratch
// (Common/GPUExchange.h): store the operands row-major, barrier, fold from the scratch,
// barrier. One scratch serves both ops: the larger need (the dot's 2 x 16 x 16 f32).
// CHECK-LABEL: gpu.module @exchange
// CHECK: workgroup(%[[SCRATCH:[^ ]+]] : memref<2048xi8, #gpu.address_space<workgroup>> {llvm.align = 16 : i64})
// CHECK: %[[A:.+]] = memref.view %[[SCRATCH]][%{{.+}}][] : memref<2048xi8, #gpu.address_space<workgroup>> to memref<256xf32, #gpu.address_space<workgroup>>
// CHECK: memref.store %{{.+}}, %[[A]]
// CHECK: gpu.barrier
// CHECK: scf.for
// CHECK: arith.mulf
// CHECK: arith.addf
// CHECK: gpu.barrier
// CHECK: memref.view %[[SCRATCH]][%{{.+}}][] : memref<2048xi8, #gpu.address_space<workgroup>> to memref<128xf32, #gpu.address_space<workgroup>>
// CHECK: gpu.barrier
// CHECK: scf.for
// CHECK: arith.addf
// CHECK: gpu.barrier
// ISA-LABEL: exchange:
// ISA: ds_write_b32
// ISA: s_barrier
// ISA: ds_read_b32
// ISA: .group_segment_fixed_size: 2048

#RA = #tile.layout<spatial(16,8).local(1,2)>
#RS = #tile.layout<spatial(2,64)>
tile.kernel @exchange(%x: memref<?xf32>, %y: memref<?xf32>) grid [1] workers 128 {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c16 = arith.constant 16 : index
  %c64 = arith.constant 64 : index
  %vx = tile.global_view %x sizes(%c16, %c16) strides(%c16, %c1) : memref<?xf32> -> !tile.global<16x16xf32>
  %vy = tile.global_view %y sizes(%c16, %c16) strides(%c16, %c1) : memref<?xf32> -> !tile.global<16x16xf32>
  %a = tile.load_global %vx[%c0, %c0] : !tile.global<16x16xf32> -> !tile.reg<16x16xf32, #RA>
  %d = tile.dot %a, %a, %a : !tile.reg<16x16xf32, #RA>, !tile.reg<16x16xf32, #RA> -> !tile.reg<16x16xf32, #RA>
  tile.store_global %d, %vy[%c0, %c0] : !tile.reg<16x16xf32, #RA>, !tile.global<16x16xf32>
  %s = tile.load_global %vx[%c0, %c0] : !tile.global<16x16xf32> -> !tile.reg<2x64xf32, #RS>
  %r = tile.reduce add %s dims [0] : !tile.reg<2x64xf32, #RS> -> !tile.reg<1x64xf32, #tile.layout<replicated(2).spatial(1,64)>>
  tile.store_global %r, %vy[%c0, %c0] : !tile.reg<1x64xf32, #tile.layout<replicated(2).spatial(1,64)>>, !tile.global<16x16xf32>
  tile.return
}

// tile.prefetch_global is a hint the GPU lowering erases (a view may feed prefetches).
// CHECK-LABEL: gpu.module @prefetches
// CHECK: gpu.func @prefetches(
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
