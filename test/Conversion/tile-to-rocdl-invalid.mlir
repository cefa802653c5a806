// RUN: lowbit-opt %s --split-input-file --tile-to-rocdl --verify-diagnostics
// RUN: not lowbit-opt %s --split-input-file --tile-to-rocdl=chip=gfx1100 2>&1 | FileCheck %s --check-prefix=CHIP

// What tile-to-rocdl cannot lower is reported at the op, before anything changes.
// (Implementation: lib/Conversion/TileToROCDL/TileToROCDL.cpp, ComputePatterns.cpp.)

// CHIP: error: tile-to-rocdl: unsupported chip 'gfx1100' (expected gfx90a or gfx942)

tile.kernel @no_layout(%x: f32) grid [1] workers 64 {
  // expected-error @+1 {{'tile.splat' op has a register tensor without a layout; run tile-infer-layouts before tile-to-rocdl}}
  %t = tile.splat %x : !tile.reg<16x16xf32>
  tile.return
}

// -----

// A dot without an mfma plan goes through LDS; here A and B (2 x 256 x 64 f32 = 128 KiB of
// scratch) do not fit the 64 KiB of a CDNA workgroup.
// expected-error @+1 {{'tile.kernel' op needs 131072 bytes of LDS (tile.alloc_shared plus the scratch of dots and reductions without an mfma/shuffle plan), more than the 65536 of a CDNA workgroup}}
tile.kernel @scratch_too_large(%x: f32) grid [1] workers 256 {
  %a = tile.splat %x : !tile.reg<256x64xf32, #tile.layout<spatial(256,1).local(1,64)>>
  %b = tile.splat %x : !tile.reg<64x256xf32, #tile.layout<spatial(1,256).local(64,1)>>
  %c = tile.splat %x : !tile.reg<256x256xf32, #tile.layout<spatial(256,1).local(1,256)>>
  %d = tile.dot %a, %b, %c : !tile.reg<256x64xf32, #tile.layout<spatial(256,1).local(1,64)>>, !tile.reg<64x256xf32, #tile.layout<spatial(1,256).local(64,1)>> -> !tile.reg<256x256xf32, #tile.layout<spatial(256,1).local(1,256)>>
  tile.return
}

// -----

tile.kernel @select_tiles(%x: f32, %c: i1) grid [1] workers 64 {
  %t = tile.splat %x : !tile.reg<1x64xf32, #tile.layout<spatial(1,64)>>
  // expected-error @+1 {{'arith.select' op carries tile values; tile-to-rocdl lowers them only in tile ops and in scf.for, scf.if and scf.yield}}
  %s = arith.select %c, %t, %t : !tile.reg<1x64xf32, #tile.layout<spatial(1,64)>>
  tile.return
}

// -----

tile.kernel @nibbles(%x: memref<?xi4>, %n: index) grid [1] workers 64 {
  %c1 = arith.constant 1 : index
  // expected-error @+1 {{'tile.global_view' op views a buffer of 'i4'; pack sub-byte data into wider words and tile.view it}}
  %v = tile.global_view %x sizes(%n) strides(%c1) : memref<?xi4> -> !tile.global<?xi4>
  tile.return
}

// -----

tile.kernel @k(%x: memref<?xf32>) grid [1] workers 64 {
  tile.return
}
func.func @host(%x: memref<?xf32>) {
  // expected-error @+1 {{'tile.launch' op tile-to-rocdl does not lower host launches yet (no HIP runtime loader); launch the gpu.func from the HSACO with the HIP runtime}}
  tile.launch @k(%x) : (memref<?xf32>) -> ()
  return
}
