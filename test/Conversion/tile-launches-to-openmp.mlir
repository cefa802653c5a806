// RUN: lowbit-opt %s --split-input-file --tile-launches-to-openmp | FileCheck %s
// RUN: lowbit-opt %s --split-input-file --tile-to-cpu --tile-launches-to-openmp | FileCheck %s --check-prefix=LAUNCH

// Implemented in lib/Conversion/TileToCPU/LaunchesToOpenMP.cpp.

// A block loop of a launch runs on min(blocks, lowbit_num_threads()) OpenMP threads with a
// static schedule; the body moves into the loop nest as it is.
// CHECK: func.func private @lowbit_num_threads() -> i32
// CHECK-LABEL: func.func @host(
// CHECK-DAG: %[[C0:.+]] = arith.constant 0 : index
// CHECK-DAG: %[[C6:.+]] = arith.constant 6 : index
// CHECK-DAG: %[[C1:.+]] = arith.constant 1 : index
// CHECK: %[[N:.+]] = call @lowbit_num_threads() : () -> i32
// CHECK: %[[T:.+]] = arith.minsi %[[N]], %{{.+}} : i32
// CHECK: omp.parallel num_threads(%[[T]] : i32) {
// CHECK-NEXT: omp.wsloop schedule(static) {
// CHECK-NEXT: omp.loop_nest (%[[I:.+]]) : index = (%[[C0]]) to (%[[C6]]) step (%[[C1]]) {
// CHECK-NEXT: func.call @kernel(%{{.+}}, %[[I]])
// CHECK-NEXT: omp.yield
// Loops that are not marked stay as they are.
// CHECK: scf.for
// CHECK-NOT: omp.parallel
func.func private @kernel(memref<?xf32>, index)
func.func @host(%x: memref<?xf32>) {
  %c0 = arith.constant 0 : index
  %c6 = arith.constant 6 : index
  %c1 = arith.constant 1 : index
  scf.for %i = %c0 to %c6 step %c1 {
    func.call @kernel(%x, %i) : (memref<?xf32>, index) -> ()
  } {tile.parallel_blocks}
  scf.for %i = %c0 to %c6 step %c1 {
    func.call @kernel(%x, %i) : (memref<?xf32>, index) -> ()
  }
  return
}

// -----

// From a launch: the grid [2, 3] is one loop over 6 blocks, block (i / 3, i % 3); a grid of one
// block is a plain call.
// LAUNCH-LABEL: func.func @host2(
// LAUNCH: omp.loop_nest (%[[I:.+]]) : index
// LAUNCH-DAG: %[[B1:.+]] = arith.remui %[[I]], %{{.+}} : index
// LAUNCH-DAG: %[[B0:.+]] = arith.divui %[[I]], %{{.+}} : index
// LAUNCH: func.call @k(%{{.+}}, %[[B0]], %[[B1]])
// LAUNCH: omp.yield
// LAUNCH: call @single(%{{.+}}, %{{.+}}) : (memref<?xf32>, index) -> ()
// LAUNCH-NEXT: return
tile.kernel @k(%x: memref<?xf32>) grid [2, 3] workers 8 {
  tile.return
}
tile.kernel @single(%x: memref<?xf32>) grid [1] workers 8 {
  tile.return
}
func.func @host2(%x: memref<?xf32>) {
  tile.launch @k(%x) : (memref<?xf32>) -> ()
  tile.launch @single(%x) : (memref<?xf32>) -> ()
  return
}

// -----

// max_threads caps the threads: 3 of 6 blocks' worth; max_threads = 1 runs the blocks on the
// calling thread, with no OpenMP region.
// LAUNCH-LABEL: func.func @capped(
// LAUNCH: %[[N:.+]] = call @lowbit_num_threads() : () -> i32
// LAUNCH: %[[C3:.+]] = arith.constant 3 : i32
// LAUNCH: %[[T:.+]] = arith.minsi %[[N]], %[[C3]] : i32
// LAUNCH: omp.parallel num_threads(%[[T]] : i32)
// LAUNCH: func.call @k(
// LAUNCH: omp.yield
// LAUNCH-NOT: omp.parallel
// LAUNCH: scf.for
// LAUNCH: scf.for
// LAUNCH: func.call @k(
// LAUNCH-NOT: omp.parallel
// LAUNCH: return
tile.kernel @k(%x: memref<?xf32>) grid [2, 3] workers 8 {
  tile.return
}
func.func @capped(%x: memref<?xf32>) {
  tile.launch @k(%x) {max_threads = 3} : (memref<?xf32>) -> ()
  tile.launch @k(%x) {max_threads = 1} : (memref<?xf32>) -> ()
  return
}
