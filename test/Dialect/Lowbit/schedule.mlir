// RUN: lowbit-opt %s | lowbit-opt | FileCheck %s
// RUN: lowbit-opt %s --mlir-print-op-generic | lowbit-opt | FileCheck %s

// Round trip of #lowbit.schedule as the `schedule` attribute of lowbit.mpgemm. The parser
// (dialects/lowbit/LowbitSchedule.cpp) takes the fields in any order with workers and tile
// required; the printer writes every field in one fixed order (family, workers, tile, packing,
// scale_groups, weight_layout when present, split_k, unroll), so the defaults appear in the
// output. Parse and verify errors are in schedule-invalid.mlir.

// Only the required fields: packing = interchange, scale_groups = 1, split_k = 1, unroll = 1
// and no weight_layout are the defaults.
// CHECK-LABEL: func @defaults(
// CHECK: lowbit.mpgemm
// CHECK-SAME: {schedule = #lowbit.schedule<fma, workers = 8, tile = [3, 24, 16], packing = interchange, scale_groups = 1, split_k = 1, unroll = 1>,
// CHECK-SAME: weight_scheme = #lowbit.scheme<per_channel(axis = 0), scale = f16>}
// CHECK-SAME: : (tensor<3x48xf16>, tensor<24x48xui4>, tensor<24xf16>) -> tensor<3x24xf32>
func.func @defaults(%a: tensor<3x48xf16>, %w: tensor<24x48xui4>, %s: tensor<24xf16>)
    -> tensor<3x24xf32> {
  %y = lowbit.mpgemm %a, %w scale(%s)
         {schedule = #lowbit.schedule<fma, workers = 8, tile = [3, 24, 16]>,
          weight_scheme = #lowbit.scheme<per_channel(axis = 0), scale = f16>}
         : (tensor<3x48xf16>, tensor<24x48xui4>, tensor<24xf16>) -> tensor<3x24xf32>
  return %y : tensor<3x24xf32>
}

// Every field, written in reverse order: printed back in the fixed order.
// threads = 0 (all) and prefetch = 0 (none) are the defaults and are not printed. The weight
// layout is a #tile.layout and prints in its canonical form (local(1,2).local(16,1) of a
// [16, 32] tile is column_local(16,2)).
// CHECK-LABEL: func @every_field(
// CHECK: lowbit.mpgemm
// CHECK-SAME: schedule = #lowbit.schedule<int8_dot, workers = 16, tile = [2, 32, 16], packing = prepacked, scale_groups = 2,
// CHECK-SAME: weight_layout = #tile.layout<column_local(16,2).spatial(1,16)>, split_k = 3, unroll = 4, threads = 2, prefetch = 6>
func.func @every_field(%a: tensor<2x64xsi8>, %w: tensor<32x64xsi4>, %s: tensor<32x4xf32>,
                       %as: tensor<f32>) -> tensor<2x32xbf16> {
  %y = lowbit.mpgemm %a, %w scale(%s) act_scale(%as)
         {schedule = #lowbit.schedule<int8_dot, prefetch = 6, threads = 2, unroll = 4, split_k = 3,
             weight_layout = #tile.layout<local(1,2).local(16,1).spatial(1,16)>,
             scale_groups = 2, packing = prepacked, tile = [2, 32, 16], workers = 16>,
          weight_scheme = #lowbit.scheme<group(axis = 1, size = 16), scale = f32>,
          act_scheme = #lowbit.scheme<per_tensor, scale = f32>}
         : (tensor<2x64xsi8>, tensor<32x64xsi4>, tensor<32x4xf32>, tensor<f32>)
         -> tensor<2x32xbf16>
  return %y : tensor<2x32xbf16>
}

// A panel schedule prints its rows per block last.
// CHECK-LABEL: func @panel(
// CHECK: schedule = #lowbit.schedule<fma, workers = 8, tile = [6, 16, 32], packing = interchange, scale_groups = 1, split_k = 1, unroll = 1, panel = 48>
func.func @panel(%a: tensor<48x64xf32>, %w: tensor<16x64xui4>, %s: tensor<16xf32>)
    -> tensor<48x16xf32> {
  %y = lowbit.mpgemm %a, %w scale(%s)
         {schedule = #lowbit.schedule<fma, panel = 48, workers = 8, tile = [6, 16, 32]>,
          weight_scheme = #lowbit.scheme<per_channel(axis = 0), scale = f32>}
         : (tensor<48x64xf32>, tensor<16x64xui4>, tensor<16xf32>) -> tensor<48x16xf32>
  return %y : tensor<48x16xf32>
}

// Fields written with their default values print the same as when they are left out.
// CHECK-LABEL: func @explicit_defaults(
// CHECK-SAME: tensor<1x40xbf16>
// CHECK: schedule = #lowbit.schedule<fma, workers = 4, tile = [1, 4, 8], packing = interchange, scale_groups = 1, split_k = 1, unroll = 1>
func.func @explicit_defaults(%a: tensor<1x40xbf16>, %w: tensor<4x40xui8>, %s: tensor<4xbf16>)
    -> tensor<1x4xf32> {
  %y = lowbit.mpgemm %a, %w scale(%s)
         {schedule = #lowbit.schedule<fma, workers = 4, tile = [1, 4, 8], packing = interchange,
                                      scale_groups = 1, split_k = 1, unroll = 1, threads = 0,
                                      prefetch = 0, panel = 0>,
          weight_scheme = #lowbit.scheme<per_channel(axis = 0), scale = bf16>}
         : (tensor<1x40xbf16>, tensor<4x40xui8>, tensor<4xbf16>) -> tensor<1x4xf32>
  return %y : tensor<1x4xf32>
}

// The attribute checks only that its numbers are positive: whether a schedule fits the op is
// checked where it is used (lowbit-select-schedules, lowbit-to-tile). Here tile N = 12 is not
// a multiple of workers = 8 and the schedule is on a codebook op the fast path does not take;
// the op verifier accepts both.
// CHECK-LABEL: func @misfit_is_not_a_verifier_error(
// CHECK: schedule = #lowbit.schedule<fma, workers = 8, tile = [5, 12, 7], packing = interchange, scale_groups = 1, split_k = 1, unroll = 1>
// CHECK: schedule = #lowbit.schedule<fma, workers = 2, tile = [1, 2, 2], packing = prepacked, scale_groups = 1, split_k = 1, unroll = 1>
// CHECK-SAME: weight_scheme = #lowbit.scheme<per_channel(axis = 0), scale = f16, codebook = nf4>
func.func @misfit_is_not_a_verifier_error(%a: tensor<5x56xf32>, %w: tensor<12x56xui4>,
                                          %s: tensor<12xf32>, %n: tensor<6x56xui4>,
                                          %ns: tensor<6xf16>) {
  %0 = lowbit.mpgemm %a, %w scale(%s)
         {schedule = #lowbit.schedule<fma, workers = 8, tile = [5, 12, 7]>,
          weight_scheme = #lowbit.scheme<per_channel(axis = 0), scale = f32>}
         : (tensor<5x56xf32>, tensor<12x56xui4>, tensor<12xf32>) -> tensor<5x12xf32>
  %1 = lowbit.mpgemm %a, %n scale(%ns)
         {schedule = #lowbit.schedule<fma, workers = 2, tile = [1, 2, 2], packing = prepacked>,
          weight_scheme = #lowbit.scheme<per_channel(axis = 0), scale = f16, codebook = nf4>}
         : (tensor<5x56xf32>, tensor<6x56xui4>, tensor<6xf16>) -> tensor<5x6xf32>
  return
}

// Without a schedule, the op prints no schedule attribute.
// CHECK-LABEL: func @no_schedule(
// CHECK: lowbit.mpgemm %{{.+}}, %{{.+}} scale(%{{.+}}) {weight_scheme = #lowbit.scheme<per_channel(axis = 0), scale = f32>} :
// CHECK-NOT: schedule
// CHECK: return
func.func @no_schedule(%a: tensor<2x32xf32>, %w: tensor<8x32xui2>, %s: tensor<8xf32>)
    -> tensor<2x8xf32> {
  %y = lowbit.mpgemm %a, %w scale(%s)
         {weight_scheme = #lowbit.scheme<per_channel(axis = 0), scale = f32>}
         : (tensor<2x32xf32>, tensor<8x32xui2>, tensor<8xf32>) -> tensor<2x8xf32>
  return %y : tensor<2x8xf32>
}
