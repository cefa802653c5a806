// RUN: lowbit-opt %s --split-input-file --tile-infer-layouts --verify-diagnostics

// Errors of layout inference: conflicts (an error at one of the two ops the layouts come from,
// a note at the other), values no rule reaches, and layouts that do not fit an op.

// Two annotations of one value.
tile.kernel @conflicting_annotations(%x: f32) grid [1] workers 32 {
  %s = tile.splat %x : !tile.reg<16x8xf32>
  // expected-note @+1 {{the other layout, #tile.layout<local(2,1).spatial(8,4).local(1,2)>, comes from here}}
  %a = tile.annotate_layout %s {layout = #tile.layout<local(2,1).spatial(8,4).local(1,2)>}
         : !tile.reg<16x8xf32>
  // expected-error @+1 {{layout conflict: tile.annotate_layout needs #tile.layout<spatial(8,4).local(2,2)> for operand 0 but tile.annotate_layout needs #tile.layout<local(2,1).spatial(8,4).local(1,2)> for operand 0}}
  %b = tile.annotate_layout %s {layout = #tile.layout<spatial(8,4).local(2,2)>}
         : !tile.reg<16x8xf32>
  tile.return
}

// -----

// The conflict names the ops the layouts come from, not the add that joins them.
tile.kernel @conflict_through_elementwise(%x: f32) grid [1] workers 32 {
  %c = tile.splat %x : !tile.reg<16x8xf32, #tile.layout<local(2,1).spatial(8,4).local(1,2)>>
  // expected-note @+1 {{the other layout, #tile.layout<local(2,1).spatial(8,1).replicated(4)>, comes from here}}
  %r = tile.reduce add %c dims [1]
         : !tile.reg<16x8xf32, #tile.layout<local(2,1).spatial(8,4).local(1,2)>> -> !tile.reg<16x1xf32>
  %s = tile.splat %x : !tile.reg<16x1xf32>
  %t = tile.add %r, %s : !tile.reg<16x1xf32>
  // expected-error @+1 {{layout conflict: tile.annotate_layout needs #tile.layout<spatial(16,1).replicated(2)> for operand 0 but tile.reduce produced #tile.layout<local(2,1).spatial(8,1).replicated(4)>}}
  %a = tile.annotate_layout %t {layout = #tile.layout<spatial(16,1).replicated(2)>}
         : !tile.reg<16x1xf32>
  tile.return
}

// -----

// reduce: the result must be reduce(input, dims).
tile.kernel @reduce_mismatch(%x: f32) grid [1] workers 32 {
  %c = tile.splat %x : !tile.reg<16x8xf32, #tile.layout<local(2,1).spatial(8,4).local(1,2)>>
  // expected-note @+1 {{the other layout, #tile.layout<local(2,1).spatial(8,1).replicated(4)>, comes from here}}
  %r = tile.reduce add %c dims [1]
         : !tile.reg<16x8xf32, #tile.layout<local(2,1).spatial(8,4).local(1,2)>> -> !tile.reg<16x1xf32>
  // expected-error @+1 {{layout conflict: tile.annotate_layout needs #tile.layout<local(2,1).replicated(4).spatial(8,1)> for operand 0 but tile.reduce produced #tile.layout<local(2,1).spatial(8,1).replicated(4)>}}
  %a = tile.annotate_layout %r {layout = #tile.layout<local(2,1).replicated(4).spatial(8,1)>}
         : !tile.reg<16x1xf32>
  tile.return
}

// -----

// A loop-carried value: the annotation in the body and the one after the loop meet at the
// loop's iteration argument.
tile.kernel @loop_conflict(%x: f32, %n: index) grid [1] workers 32 {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %init = tile.splat %x : !tile.reg<16x8xf32>
  %r = scf.for %i = %c0 to %n step %c1 iter_args(%acc = %init) -> (!tile.reg<16x8xf32>) {
    // expected-note @+1 {{the other layout, #tile.layout<spatial(8,4).local(2,2)>, comes from here}}
    %a = tile.annotate_layout %acc {layout = #tile.layout<spatial(8,4).local(2,2)>}
           : !tile.reg<16x8xf32>
    %next = tile.add %acc, %acc : !tile.reg<16x8xf32>
    scf.yield %next : !tile.reg<16x8xf32>
  }
  // expected-error @+1 {{layout conflict: tile.annotate_layout needs #tile.layout<local(2,1).spatial(8,4).local(1,2)> for operand 0 but tile.annotate_layout needs #tile.layout<spatial(8,4).local(2,2)> for operand 0}}
  %ra = tile.annotate_layout %r {layout = #tile.layout<local(2,1).spatial(8,4).local(1,2)>}
          : !tile.reg<16x8xf32>
  tile.return
}

// -----

// Nothing gives the splat (and the add, which must share its layout) a layout: one error for
// the two.
tile.kernel @uninferable(%x: f32, %out: memref<?xf32>, %n: index) grid [1] workers 32 {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %v = tile.global_view %out sizes(%n, %n) strides(%n, %c1) : memref<?xf32> -> !tile.global<?x?xf32>
  // expected-error @+1 {{could not infer a layout for this value; annotate it with tile.annotate_layout}}
  %s = tile.splat %x : !tile.reg<16x8xf32>
  %t = tile.add %s, %s : !tile.reg<16x8xf32>
  tile.store_global %t, %v[%c0, %c0] : !tile.reg<16x8xf32>, !tile.global<?x?xf32>
  tile.return
}

// -----

// dot: a and b do not follow from c; each needs its own annotation.
tile.kernel @dot_operands_unannotated(%x: f32) grid [1] workers 32 {
  %c0 = arith.constant 0 : index
  %sa = tile.alloc_shared : !tile.shared<16x16xf16>
  %sb = tile.alloc_shared : !tile.shared<16x8xf16>
  // expected-error @+1 {{could not infer a layout for this value; annotate it with tile.annotate_layout}}
  %a = tile.load_shared %sa[%c0, %c0] : !tile.shared<16x16xf16> -> !tile.reg<16x16xf16>
  // expected-error @+1 {{could not infer a layout for this value; annotate it with tile.annotate_layout}}
  %b = tile.load_shared %sb[%c0, %c0] : !tile.shared<16x8xf16> -> !tile.reg<16x8xf16>
  %c = tile.splat %x : !tile.reg<16x8xf32, #tile.layout<local(2,1).spatial(8,4).local(1,2)>>
  %d = tile.dot %a, %b, %c : !tile.reg<16x16xf16>, !tile.reg<16x8xf16>
         -> !tile.reg<16x8xf32, #tile.layout<local(2,1).spatial(8,4).local(1,2)>>
  tile.return
}

// -----

// reduce backward is not unique when a reduced dimension has more than one element: which
// workers or locals held the row is lost.
tile.kernel @reduce_input_unknown(%x: f32) grid [1] workers 32 {
  // expected-error @+1 {{could not infer a layout for this value; annotate it with tile.annotate_layout}}
  %s = tile.splat %x : !tile.reg<16x8xf32>
  %r = tile.reduce add %s dims [1] : !tile.reg<16x8xf32> -> !tile.reg<16x1xf32>
  %a = tile.annotate_layout %r {layout = #tile.layout<local(2,1).spatial(8,1).replicated(4)>}
         : !tile.reg<16x1xf32>
  tile.return
}

// -----

// broadcast: the input's layout comes from the reduce; it gives worker 2 rows 0 and 8, but
// the result layout wants row 1 there.
tile.kernel @broadcast_mismatch(%x: f32) grid [1] workers 32 {
  %c = tile.splat %x : !tile.reg<16x8xf32, #tile.layout<local(2,1).spatial(8,4).local(1,2)>>
  %r = tile.reduce add %c dims [1]
         : !tile.reg<16x8xf32, #tile.layout<local(2,1).spatial(8,4).local(1,2)>> -> !tile.reg<16x1xf32>
  // expected-error @+1 {{'tile.broadcast' op 'input' layout #tile.layout<local(2,1).spatial(8,1).replicated(4)> cannot be broadcast to #tile.layout<spatial(16,2).local(1,4)>: worker 2 holds result element [1, 0] but not the input element [1, 0] it repeats; reduce(result layout, broadcast dims) = spatial(16,1).replicated(2) would do}}
  %b = tile.broadcast %r : !tile.reg<16x1xf32>
         -> !tile.reg<16x8xf32, #tile.layout<spatial(16,2).local(1,4)>>
  tile.return
}
