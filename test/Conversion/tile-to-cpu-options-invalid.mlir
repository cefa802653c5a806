// RUN: lowbit-opt %s --split-input-file --tile-to-cpu="simd=always" --verify-diagnostics
// RUN: not lowbit-opt %s --split-input-file --tile-to-cpu="target-cpu=no-such-cpu" 2>&1 | FileCheck %s --check-prefix=CPU
// RUN: not lowbit-opt %s --split-input-file --tile-to-cpu="simd=sometimes" 2>&1 | FileCheck %s --check-prefix=MODE

// The options of tile-to-cpu (lib/Conversion/TileToCPU/TileToCPU.cpp) and what simd=always
// rejects (explainNotSimdLowerable in lib/Conversion/TileToCPU/SimdCompute.cpp).

// CPU: error: tile-to-cpu: unknown CPU 'no-such-cpu' for x86_64
// MODE: error: tile-to-cpu: simd must be auto, never or always, not 'sometimes'

// expected-error @+1 {{'tile.kernel' op has no SIMD lowering (simd=always): tile.worker_index: lane-dependent scalars have no SIMD lowering}}
tile.kernel @worker_index(%x: memref<?xf32>) grid [1] workers 8 {
  %w = tile.worker_index
  tile.return
}

// -----

// expected-error @+1 {{'tile.kernel' op has no SIMD lowering (simd=always): tile.alloc_shared: a shared layout with modes or a swizzle}}
tile.kernel @swizzled_shared(%x: memref<?xf32>) grid [1] workers 8 {
  %s = tile.alloc_shared : !tile.shared<8x8xf32, #tile.shared_layout<shape=[8,8], strides=[8,1], swizzle=[1,2,1]>>
  tile.return
}

// -----

// expected-error @+1 {{'tile.kernel' op has no SIMD lowering (simd=always): tile.alloc_shared: shared elements of other than 8, 16 or 32 bits}}
tile.kernel @sub_byte_shared(%x: memref<?xf32>) grid [1] workers 8 {
  %s = tile.alloc_shared : !tile.shared<8x8xui4>
  tile.return
}

// -----

// expected-error @+1 {{'tile.kernel' op has no SIMD lowering (simd=always): tile.copy_async: asynchronous copies have no SIMD lowering}}
tile.kernel @copy_async(%x: memref<?xf32>) grid [1] workers 8 {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  %v = tile.global_view %x sizes(%c8, %c8) strides(%c8, %c1) : memref<?xf32> -> !tile.global<?x?xf32>
  %s = tile.alloc_shared : !tile.shared<8x8xf32>
  tile.copy_async %v[%c0, %c0], %s : !tile.global<?x?xf32>, !tile.shared<8x8xf32>
  tile.return
}

// -----

#MA = #tile.layout<column_local(2,2).spatial(8,4).local(1,2)>
#MB = #tile.layout<local(2,1).column_spatial(4,8).local(2,1)>
#MC = #tile.layout<local(2,1).spatial(8,4).local(1,2)>
// expected-error @+1 {{'tile.kernel' op has no SIMD lowering (simd=always): tile.dot: a dot whose operands are not held by the lanes of the result at one local each (it would move data across lanes)}}
tile.kernel @mma_shaped(%a: f16) grid [1] workers 32 {
  %zero = arith.constant 0.0 : f32
  %ta = tile.splat %a : !tile.reg<16x16xf16, #MA>
  %tb = tile.splat %a : !tile.reg<16x8xf16, #MB>
  %init = tile.splat %zero : !tile.reg<16x8xf32, #MC>
  %d = tile.dot %ta, %tb, %init : !tile.reg<16x16xf16, #MA>, !tile.reg<16x8xf16, #MB> -> !tile.reg<16x8xf32, #MC>
  tile.return
}

// -----

// expected-error @+1 {{'tile.kernel' op has no SIMD lowering (simd=always): tile.splat: elements of more than 32 bits}}
tile.kernel @f64(%x: f64) grid [1] workers 8 {
  %t = tile.splat %x : !tile.reg<8xf64, #tile.layout<spatial(8)>>
  tile.return
}
