// RUN: lowbit-opt %s --split-input-file --tile-to-nvvm --verify-diagnostics

// What tile-to-nvvm cannot lower is reported at the op, before anything changes.
// (Implementation: lib/Conversion/TileToNVVM/TileToNVVM.cpp, ComputeOps.cpp, DotOps.cpp,
// ReduceOps.cpp.)

// A dot without an mma plan goes through shared memory; here A and B (2 x 128 x 64 f32 =
// 64 KiB of scratch) do not fit the 48 KiB of static shared memory.
// expected-error @+1 {{tile-to-nvvm: needs 65536 bytes of shared memory (tile.alloc_shared plus the scratch of dots and reductions without an mma/shuffle plan), more than the 49152 a CUDA block has statically}}
tile.kernel @scratch_too_large(%x: f32) grid [1] workers 128 {
  %a = tile.splat %x : !tile.reg<128x64xf32, #tile.layout<spatial(128,1).local(1,64)>>
  %b = tile.splat %x : !tile.reg<64x128xf32, #tile.layout<spatial(1,128).local(64,1)>>
  %c = tile.splat %x : !tile.reg<128x128xf32, #tile.layout<spatial(128,1).local(1,128)>>
  %d = tile.dot %a, %b, %c : !tile.reg<128x64xf32, #tile.layout<spatial(128,1).local(1,64)>>, !tile.reg<64x128xf32, #tile.layout<spatial(1,128).local(64,1)>> -> !tile.reg<128x128xf32, #tile.layout<spatial(128,1).local(1,128)>>
  tile.return
}

// -----

tile.kernel @no_layout(%x: f32) grid [1] workers 32 {
  // expected-error @+1 {{tile-to-nvvm: register tensors need layouts (run tile-infer-layouts first)}}
  %t = tile.splat %x : !tile.reg<16x8xf32>
  tile.return
}

// -----

tile.kernel @select_tiles(%x: f32, %c: i1) grid [1] workers 32 {
  %t = tile.splat %x : !tile.reg<16x8xf32, #tile.layout<local(2,1).spatial(8,4).local(1,2)>>
  // expected-error @+1 {{tile-to-nvvm: tile values may only be used by tile ops and carried by scf.for / scf.if}}
  %s = arith.select %c, %t, %t : !tile.reg<16x8xf32, #tile.layout<local(2,1).spatial(8,4).local(1,2)>>
  tile.return
}
