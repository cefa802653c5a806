// RUN: lowbit-opt %s --split-input-file --tile-to-cpu --verify-diagnostics

// The checks live in lib/Conversion/TileToCPU/KernelChecks.cpp.

// What tile-to-cpu cannot lower is reported at the op, before anything changes.

tile.kernel @no_layout(%x: f32) grid [1] workers 32 {
  // expected-error @+1 {{'tile.splat' op result #0 '!tile.reg<16x8xf32>' has no layout; tile-to-cpu needs every register layout (run tile-infer-layouts first)}}
  %t = tile.splat %x : !tile.reg<16x8xf32>
  tile.return
}

// -----

tile.kernel @select_tiles(%x: f32, %c: i1) grid [1] workers 32 {
  %t = tile.splat %x : !tile.reg<16x8xf32, #tile.layout<local(2,1).spatial(8,4).local(1,2)>>
  // expected-error @+1 {{'arith.select' op operand #1 has type '!tile.reg<16x8xf32, #tile.layout<local(2,1).spatial(8,4).local(1,2)>>'; tile-to-cpu lowers tile values only in tile ops, and register tensors carried by scf.for and scf.if}}
  %s = arith.select %c, %t, %t : !tile.reg<16x8xf32, #tile.layout<local(2,1).spatial(8,4).local(1,2)>>
  tile.return
}

// -----

tile.kernel @divergent_loop(%x: f32) grid [1] workers 32 {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %w = tile.worker_index
  // expected-error @+1 {{'scf.for' op operand #1 depends on tile.worker_index; tile-to-cpu needs control flow that is the same for every worker}}
  scf.for %i = %c0 to %w step %c1 {
  }
  tile.return
}

// -----

tile.kernel @divergent_yield(%n: index) grid [1] workers 32 {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %w = tile.worker_index
  %r = scf.for %i = %c0 to %n step %c1 iter_args(%a = %c0) -> (index) {
    %b = arith.addi %a, %w : index
    // expected-error @+1 {{'scf.yield' op operand #0 depends on tile.worker_index; tile-to-cpu needs control flow that is the same for every worker}}
    scf.yield %b : index
  }
  tile.return
}

// -----

tile.kernel @divergent_view(%x: memref<?xf32>) grid [1] workers 32 {
  %c1 = arith.constant 1 : index
  %w = tile.worker_index
  // expected-error @+1 {{'tile.global_view' op operand #1 depends on tile.worker_index; tile-to-cpu supports that only in tile.splat and the offsets of loads and stores}}
  %v = tile.global_view %x sizes(%w) strides(%c1) : memref<?xf32> -> !tile.global<?xf32>
  tile.return
}

// -----

tile.kernel @sub_byte_buffer(%x: memref<?xui4>, %n: index) grid [1] workers 32 {
  %c1 = arith.constant 1 : index
  // expected-error @+1 {{'tile.global_view' op reads a buffer of 'ui4'; tile-to-cpu supports global buffers of i8, i16, i32, i64, f16, bf16, f32, f64 and 8-bit floats (pass sub-byte data packed in wider words and tile.view it)}}
  %v = tile.global_view %x sizes(%n) strides(%c1) : memref<?xui4> -> !tile.global<?xui4>
  tile.return
}

// -----

// expected-error @+1 {{'tile.kernel' op has 2 blocks; tile-to-cpu needs one block with structured control flow (scf.for, scf.if)}}
tile.kernel @blocks() grid [1] workers 32 {
  cf.br ^next
^next:
  tile.return
}
