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

// A dot whose layouts are not an mfma's fragment layouts (here A is row-major across lanes).
tile.kernel @not_mfma(%x: f16, %z: f32) grid [1] workers 64 {
  %a = tile.splat %x : !tile.reg<16x16xf16, #tile.layout<spatial(16,4).local(1,4)>>
  %b = tile.splat %x : !tile.reg<16x16xf16, #tile.layout<spatial(4,16).local(4,1)>>
  %c = tile.splat %z : !tile.reg<16x16xf32, #tile.layout<spatial(4,16).local(4,1)>>
  // expected-error @+1 {{'tile.dot' op tile-to-rocdl lowers tile.dot only to amdgpu.mfma: f16 operands and an f32 accumulator in the fragment layouts of mfma 16x16x16 f16 or 32x32x8 f16 (lowbit/Layout/InstructionLayouts.h), or in block compositions of them}}
  %d = tile.dot %a, %b, %c : !tile.reg<16x16xf16, #tile.layout<spatial(16,4).local(1,4)>>, !tile.reg<16x16xf16, #tile.layout<spatial(4,16).local(4,1)>> -> !tile.reg<16x16xf32, #tile.layout<spatial(4,16).local(4,1)>>
  tile.return
}

// -----

// Reducing dimension 0 of spatial(2,64) combines lanes of two waves (worker-index bit 6).
tile.kernel @across_waves(%x: f32) grid [1] workers 128 {
  %t = tile.splat %x : !tile.reg<2x64xf32, #tile.layout<spatial(2,64)>>
  // expected-error @+1 {{'tile.reduce' op tile-to-rocdl cannot lower this tile.reduce with wave shuffles: it reduces across waves (worker-index bit 6); only reductions within a wave of 64 are supported}}
  %r = tile.reduce add %t dims [0] : !tile.reg<2x64xf32, #tile.layout<spatial(2,64)>> -> !tile.reg<1x64xf32, #tile.layout<replicated(2).spatial(1,64)>>
  tile.return
}

// -----

// Shuffles move 32-bit values only.
tile.kernel @f16_shuffle(%x: f16) grid [1] workers 64 {
  %t = tile.splat %x : !tile.reg<1x64xf16, #tile.layout<spatial(1,64)>>
  // expected-error @+1 {{'tile.reduce' op tile-to-rocdl cannot lower this tile.reduce with wave shuffles: it shuffles 32-bit elements only (f32, i32)}}
  %r = tile.reduce add %t dims [1] : !tile.reg<1x64xf16, #tile.layout<spatial(1,64)>> -> !tile.reg<1x1xf16, #tile.layout<local(1,1).replicated(64)>>
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
