// RUN: lowbit-opt %s --split-input-file --tile-to-nvvm --verify-diagnostics

// What tile-to-nvvm cannot lower is reported at the op, before anything changes.
// (Implementation: lib/Conversion/TileToNVVM/TileToNVVM.cpp, ComputeOps.cpp, DotOps.cpp,
// ReduceOps.cpp.)

tile.kernel @dot_layouts(%x: f16, %z: f32) grid [1] workers 32 {
  %a = tile.splat %x : !tile.reg<16x16xf16, #tile.layout<spatial(8,4).local(2,4)>>
  %b = tile.splat %x : !tile.reg<16x8xf16, #tile.layout<local(2,1).column_spatial(4,8).local(2,1)>>
  %c = tile.splat %z : !tile.reg<16x8xf32, #tile.layout<local(2,1).spatial(8,4).local(1,2)>>
  // expected-error @+1 {{tile-to-nvvm: tile.dot needs the PTX mma.sync fragment layouts and types}}
  %d = tile.dot %a, %b, %c : !tile.reg<16x16xf16, #tile.layout<spatial(8,4).local(2,4)>>, !tile.reg<16x8xf16, #tile.layout<local(2,1).column_spatial(4,8).local(2,1)>> -> !tile.reg<16x8xf32, #tile.layout<local(2,1).spatial(8,4).local(1,2)>>
  tile.return
}

// -----

tile.kernel @reduce_across_warps(%x: f32) grid [1] workers 64 {
  %t = tile.splat %x : !tile.reg<1x64xf32, #tile.layout<spatial(1,64)>>
  // expected-error @+1 {{tile-to-nvvm: tile.reduce needs the reduced dims spread over the threads of one warp (bits of the thread id below 32) and its locals, the same local pattern in every thread}}
  %r = tile.reduce add %t dims [1] : !tile.reg<1x64xf32, #tile.layout<spatial(1,64)>> -> !tile.reg<1x1xf32, #tile.layout<spatial(1,1).replicated(64)>>
  tile.return
}

// -----

tile.kernel @reduce_f16(%x: f16) grid [1] workers 32 {
  %t = tile.splat %x : !tile.reg<16x8xf16, #tile.layout<local(2,1).spatial(8,4).local(1,2)>>
  // expected-error @+1 {{tile-to-nvvm: tile.reduce supports 32-bit elements (f32, i32) only (warp shuffles move 32 bits)}}
  %r = tile.reduce add %t dims [1] : !tile.reg<16x8xf16, #tile.layout<local(2,1).spatial(8,4).local(1,2)>> -> !tile.reg<16x1xf16, #tile.layout<local(2,1).spatial(8,1).replicated(4)>>
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
