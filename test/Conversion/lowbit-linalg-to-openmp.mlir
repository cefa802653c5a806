// RUN: lowbit-opt %s --split-input-file --lowbit-linalg-to-openmp | FileCheck %s
// RUN: lowbit-opt %s --split-input-file --lowbit-linalg-to-openmp=min-iterations=1 | FileCheck %s --check-prefix=ALL

// Implemented in lib/Conversion/TileToCPU/LinalgToOpenMP.cpp.

// An elementwise op of 128 x 2048 points: its loops, the outer one on the runtime's threads.
// CHECK-LABEL: func.func @elementwise(
// CHECK: %[[N:.+]] = call @lowbit_num_threads() : () -> i32
// CHECK: %[[T:.+]] = arith.minsi %[[N]], %{{.+}} : i32
// CHECK: omp.parallel num_threads(%[[T]] : i32) {
// CHECK: omp.wsloop schedule(static) {
// CHECK: omp.loop_nest (%[[I:.+]]) : index = (%{{.+}}) to (%c128) step (%{{.+}}) {
// CHECK: scf.for %[[J:.+]] = %{{.+}} to %c2048
// CHECK: affine.apply #{{.+}}(%[[I]])
// CHECK: memref.load
// CHECK: math.exp
// CHECK: memref.store
// CHECK: omp.yield
// CHECK-NOT: linalg.generic
func.func @elementwise(%x: memref<128x2048xf32>, %y: memref<128x2048xf32>) {
  linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i, j)>],
                  iterator_types = ["parallel", "parallel"]}
      ins(%x : memref<128x2048xf32>) outs(%y : memref<128x2048xf32>) {
  ^bb0(%a: f32, %b: f32):
    %e = math.exp %a : f32
    linalg.yield %e : f32
  }
  return
}

// -----

// Attention-like scores [1, 32, 1, 257] over 64: the batch loop of 1 stays outside, the loop
// over the 32 heads runs on threads, the reduction stays inside.
// CHECK-LABEL: func.func @scores(
// CHECK: scf.for
// CHECK: omp.parallel
// CHECK: omp.loop_nest (%{{.+}}) : index = (%{{.+}}) to (%c32) step
// CHECK: scf.for
// CHECK: scf.for
// CHECK: scf.for
// CHECK: arith.mulf
// CHECK: arith.addf
func.func @scores(%q: memref<1x32x1x64xf32>, %k: memref<1x32x257x64xf32>,
                  %s: memref<1x32x1x257xf32>) {
  linalg.generic {indexing_maps = [affine_map<(b, h, i, j, d) -> (b, h, i, d)>,
                                   affine_map<(b, h, i, j, d) -> (b, h, j, d)>,
                                   affine_map<(b, h, i, j, d) -> (b, h, i, j)>],
                  iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction"]}
      ins(%q, %k : memref<1x32x1x64xf32>, memref<1x32x257x64xf32>)
      outs(%s : memref<1x32x1x257xf32>) {
  ^bb0(%a: f32, %b: f32, %c: f32):
    %m = arith.mulf %a, %b : f32
    %r = arith.addf %c, %m : f32
    linalg.yield %r : f32
  }
  return
}

// -----

// Below the threshold (2048 points), a reduction first, and an output that does not vary
// along the candidate loop stay structured ops (min-iterations=1 takes the small one only).
// CHECK-LABEL: func.func @left_alone(
// CHECK-NOT: omp.parallel
// CHECK: linalg.generic
// CHECK: linalg.generic
// CHECK: linalg.generic
// ALL-LABEL: func.func @left_alone(
// ALL: omp.parallel
// ALL-NOT: omp.parallel
// ALL: linalg.generic
// ALL: linalg.generic
func.func @left_alone(%x: memref<1x2048xf32>, %y: memref<1x2048xf32>,
                      %big: memref<64x4096xf32>, %sum: memref<4096xf32>,
                      %row: memref<4096xf32>) {
  linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i, j)>],
                  iterator_types = ["parallel", "parallel"]}
      ins(%x : memref<1x2048xf32>) outs(%y : memref<1x2048xf32>) {
  ^bb0(%a: f32, %b: f32):
    %n = arith.negf %a : f32
    linalg.yield %n : f32
  }
  linalg.generic {indexing_maps = [affine_map<(r, j) -> (r, j)>, affine_map<(r, j) -> (j)>],
                  iterator_types = ["reduction", "parallel"]}
      ins(%big : memref<64x4096xf32>) outs(%sum : memref<4096xf32>) {
  ^bb0(%a: f32, %b: f32):
    %s = arith.addf %a, %b : f32
    linalg.yield %s : f32
  }
  linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (j)>],
                  iterator_types = ["parallel", "parallel"]}
      ins(%big : memref<64x4096xf32>) outs(%row : memref<4096xf32>) {
  ^bb0(%a: f32, %b: f32):
    linalg.yield %a : f32
  }
  return
}
