// The lut family, from the schedule to the vector code. The cost model takes it for 1-bit
// weights with float activations at M = 1 (one row per block, four vectors of columns); a
// second kernel writes the row's tables (a tile.dot of 4 activations with the decoding table,
// a 16-entry table spread over the 8 lanes per 4 codes), and the main kernel views each step's
// codes as 4-bit slices and looks each slice up in its table. On AVX2 a lookup is two vpermps
// (the table's two lane vectors as they are) and a blend on bit 3; on AVX-512 one vpermps of
// 16 lanes.
// RUN: lowbit-opt %s --lowbit-select-schedules="target-cpu=znver3 threads=2" | FileCheck %s --check-prefix=SCHED
// RUN: lowbit-opt %s --lowbit-select-schedules="target-cpu=znver3 threads=2" --lowbit-to-tile | FileCheck %s --check-prefix=TILE
// RUN: lowbit-opt %s --lowbit-pipeline-llvm="target-cpu=znver3 target-triple=x86_64-unknown-linux-gnu" | mlir-translate --mlir-to-llvmir | llc -O3 -mtriple=x86_64-unknown-linux-gnu -mcpu=znver3 | FileCheck %s --check-prefix=AVX2
// RUN: lowbit-opt %s --lowbit-pipeline-llvm="target-cpu=znver4 target-triple=x86_64-unknown-linux-gnu" | mlir-translate --mlir-to-llvmir | llc -O3 -mtriple=x86_64-unknown-linux-gnu -mcpu=znver4 | FileCheck %s --check-prefix=AVX512

// SCHED-LABEL: func.func @gemv_w1(
// SCHED: schedule = #lowbit.schedule<lut, workers = 8, tile = [1, 32, 32], packing = prepacked, scale_groups = 1, split_k = 1, unroll = 1, prefetch = 8>

// TILE-LABEL: tile.kernel @mpgemm_tables_
// TILE: tile.dot %{{.*}}, %{{.*}}, %{{.*}} : !tile.reg<1x4xf32, #tile.layout<local(1,4).replicated(8)>>, !tile.reg<4x16xf32, #tile.layout<column_local(4,2).spatial(1,8)>> -> !tile.reg<1x16xf32, #tile.layout<local(1,2).spatial(1,8)>>
// TILE: tile.store_global %{{.*}}, %{{.*}}[%{{.*}}, %{{.*}}] {in_bounds} : !tile.reg<1x16xf32, #tile.layout<local(1,2).spatial(1,8)>>
// TILE-LABEL: tile.kernel @mpgemm_
// TILE: tile.view %{{.*}} : !tile.reg<32x32xui1, {{.*}}> -> !tile.reg<8x32xui4, #tile.layout<column_local(8,4).spatial(1,8)>>
// TILE: %[[T:.*]] = tile.load_global %{{.*}} {in_bounds} : !tile.global<?x?xf32> -> !tile.reg<1x16xf32, #tile.layout<local(1,2).spatial(1,8)>>
// TILE: %[[S:.*]] = tile.extract_slice %{{.*}} [0, 0] : !tile.reg<8x32xui4, {{.*}}> -> !tile.reg<1x32xui4, #tile.layout<local(1,4).spatial(1,8)>>
// TILE: tile.lookup %[[T]][%[[S]]] : !tile.reg<1x16xf32, #tile.layout<local(1,2).spatial(1,8)>>, !tile.reg<1x32xui4, {{.*}}> -> !tile.reg<1x32xf32
// TILE-LABEL: func.func @gemv_w1(
// TILE: tile.launch @mpgemm_tables_
// TILE: tile.launch @mpgemm_

// AVX2-LABEL: mpgemm_{{[0-9]+}}:
// AVX2: vperm{{d|ps}} %ymm{{[0-9]+}}, %ymm{{[0-9]+}}, %ymm
// AVX2: vperm{{d|ps}} %ymm{{[0-9]+}}, %ymm{{[0-9]+}}, %ymm
// AVX2: vblendvps
// AVX512-LABEL: mpgemm_{{[0-9]+}}:
// AVX512-NOT: vblendvps
// AVX512: vperm{{d|ps}} %zmm{{[0-9]+}}, %zmm{{[0-9]+}}, %zmm
// AVX512-NOT: vblendvps
// AVX512-LABEL: gemv_w1:
func.func @gemv_w1(%a: tensor<1x4096xf32>, %w: tensor<256x4096xui1> {lowbit.prepack},
                   %s: tensor<256x32xf16>) -> tensor<1x256xf32> {
  %y = lowbit.mpgemm %a, %w scale(%s)
         {weight_scheme = #lowbit.scheme<group(axis = 1, size = 128), scale = f16>}
         : (tensor<1x4096xf32>, tensor<256x4096xui1>, tensor<256x32xf16>) -> tensor<1x256xf32>
  return %y : tensor<1x256xf32>
}
