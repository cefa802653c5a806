// RUN: lowbit-opt %s --split-input-file --verify-diagnostics

// Parser and verifier errors of #lowbit.schedule (dialects/lowbit/LowbitSchedule.cpp), written
// as the `schedule` attribute of lowbit.mpgemm. Whether a well-formed schedule fits its op is
// checked where it is used: test/Transforms/select-schedules-invalid.mlir and
// test/Conversion/lowbit-to-tile-invalid.mlir.

// The family is a lower-case keyword.
func.func @unknown_family(%a: tensor<2x64xf16>, %w: tensor<16x64xui4>, %s: tensor<16xf16>) {
  // expected-error @+2 {{expected a schedule family (fma, int8_dot or lut), got 'vnni'}}
  %y = lowbit.mpgemm %a, %w scale(%s)
         {schedule = #lowbit.schedule<vnni, workers = 8, tile = [1, 16, 32]>,
          weight_scheme = #lowbit.scheme<per_channel(axis = 0), scale = f16>}
         : (tensor<2x64xf16>, tensor<16x64xui4>, tensor<16xf16>) -> tensor<2x16xf32>
  return
}

// -----

func.func @family_upper_case(%a: tensor<2x64xf16>, %w: tensor<16x64xui4>, %s: tensor<16xf16>) {
  // expected-error @+2 {{expected a schedule family (fma, int8_dot or lut), got 'FMA'}}
  %y = lowbit.mpgemm %a, %w scale(%s)
         {schedule = #lowbit.schedule<FMA, workers = 8, tile = [1, 16, 32]>,
          weight_scheme = #lowbit.scheme<per_channel(axis = 0), scale = f16>}
         : (tensor<2x64xf16>, tensor<16x64xui4>, tensor<16xf16>) -> tensor<2x16xf32>
  return
}

// -----

// workers and tile are required.
func.func @missing_workers(%a: tensor<2x64xf16>, %w: tensor<16x64xui4>, %s: tensor<16xf16>) {
  // expected-error @+2 {{a schedule needs workers = W and tile = [M, N, K]}}
  %y = lowbit.mpgemm %a, %w scale(%s)
         {schedule = #lowbit.schedule<fma, tile = [1, 16, 32]>,
          weight_scheme = #lowbit.scheme<per_channel(axis = 0), scale = f16>}
         : (tensor<2x64xf16>, tensor<16x64xui4>, tensor<16xf16>) -> tensor<2x16xf32>
  return
}

// -----

func.func @missing_tile(%a: tensor<2x64xf16>, %w: tensor<16x64xui4>, %s: tensor<16xf16>) {
  // expected-error @+2 {{a schedule needs workers = W and tile = [M, N, K]}}
  %y = lowbit.mpgemm %a, %w scale(%s)
         {schedule = #lowbit.schedule<fma, workers = 8>,
          weight_scheme = #lowbit.scheme<per_channel(axis = 0), scale = f16>}
         : (tensor<2x64xf16>, tensor<16x64xui4>, tensor<16xf16>) -> tensor<2x16xf32>
  return
}

// -----

// The tile has exactly three extents.
func.func @tile_rank_2(%a: tensor<2x64xf16>, %w: tensor<16x64xui4>, %s: tensor<16xf16>) {
  // expected-error @+2 {{tile needs 3 extents [M, N, K], got 2}}
  %y = lowbit.mpgemm %a, %w scale(%s)
         {schedule = #lowbit.schedule<fma, workers = 8, tile = [1, 16]>,
          weight_scheme = #lowbit.scheme<per_channel(axis = 0), scale = f16>}
         : (tensor<2x64xf16>, tensor<16x64xui4>, tensor<16xf16>) -> tensor<2x16xf32>
  return
}

// -----

func.func @tile_rank_4(%a: tensor<2x64xf16>, %w: tensor<16x64xui4>, %s: tensor<16xf16>) {
  // expected-error @+2 {{tile needs 3 extents [M, N, K], got 4}}
  %y = lowbit.mpgemm %a, %w scale(%s)
         {schedule = #lowbit.schedule<fma, workers = 8, tile = [1, 16, 32, 2]>,
          weight_scheme = #lowbit.scheme<per_channel(axis = 0), scale = f16>}
         : (tensor<2x64xf16>, tensor<16x64xui4>, tensor<16xf16>) -> tensor<2x16xf32>
  return
}

// -----

func.func @tile_empty(%a: tensor<2x64xf16>, %w: tensor<16x64xui4>, %s: tensor<16xf16>) {
  // expected-error @+2 {{tile needs 3 extents [M, N, K], got 0}}
  %y = lowbit.mpgemm %a, %w scale(%s)
         {schedule = #lowbit.schedule<fma, workers = 8, tile = []>,
          weight_scheme = #lowbit.scheme<per_channel(axis = 0), scale = f16>}
         : (tensor<2x64xf16>, tensor<16x64xui4>, tensor<16xf16>) -> tensor<2x16xf32>
  return
}

// -----

// packing is interchange or prepacked.
func.func @unknown_packing(%a: tensor<2x64xf16>, %w: tensor<16x64xui4>, %s: tensor<16xf16>) {
  // expected-error @+2 {{expected interchange or prepacked, got 'blocked'}}
  %y = lowbit.mpgemm %a, %w scale(%s)
         {schedule = #lowbit.schedule<fma, workers = 8, tile = [1, 16, 32], packing = blocked>,
          weight_scheme = #lowbit.scheme<per_channel(axis = 0), scale = f16>}
         : (tensor<2x64xf16>, tensor<16x64xui4>, tensor<16xf16>) -> tensor<2x16xf32>
  return
}

// -----

// Unknown and repeated fields.
func.func @unknown_field(%a: tensor<2x64xf16>, %w: tensor<16x64xui4>, %s: tensor<16xf16>) {
  // expected-error @+2 {{unknown schedule field 'lanes' (workers, tile, packing, scale_groups, weight_layout, split_k, unroll, threads, prefetch, panel)}}
  %y = lowbit.mpgemm %a, %w scale(%s)
         {schedule = #lowbit.schedule<fma, workers = 8, tile = [1, 16, 32], lanes = 8>,
          weight_scheme = #lowbit.scheme<per_channel(axis = 0), scale = f16>}
         : (tensor<2x64xf16>, tensor<16x64xui4>, tensor<16xf16>) -> tensor<2x16xf32>
  return
}

// -----

func.func @duplicate_field(%a: tensor<2x64xf16>, %w: tensor<16x64xui4>, %s: tensor<16xf16>) {
  // expected-error @+2 {{duplicate schedule field 'workers'}}
  %y = lowbit.mpgemm %a, %w scale(%s)
         {schedule = #lowbit.schedule<fma, workers = 8, tile = [1, 16, 32], workers = 16>,
          weight_scheme = #lowbit.scheme<per_channel(axis = 0), scale = f16>}
         : (tensor<2x64xf16>, tensor<16x64xui4>, tensor<16xf16>) -> tensor<2x16xf32>
  return
}

// -----

// Values of workers, tile, scale_groups, split_k and unroll are integers.
func.func @workers_not_integer(%a: tensor<2x64xf16>, %w: tensor<16x64xui4>, %s: tensor<16xf16>) {
  // expected-error @+2 {{expected integer value}}
  %y = lowbit.mpgemm %a, %w scale(%s)
         {schedule = #lowbit.schedule<fma, workers = eight, tile = [1, 16, 32]>,
          weight_scheme = #lowbit.scheme<per_channel(axis = 0), scale = f16>}
         : (tensor<2x64xf16>, tensor<16x64xui4>, tensor<16xf16>) -> tensor<2x16xf32>
  return
}

// -----

// Fields follow the family after a comma.
func.func @missing_comma(%a: tensor<2x64xf16>, %w: tensor<16x64xui4>, %s: tensor<16xf16>) {
  // expected-error @+2 {{expected '>'}}
  %y = lowbit.mpgemm %a, %w scale(%s)
         {schedule = #lowbit.schedule<fma workers = 8, tile = [1, 16, 32]>,
          weight_scheme = #lowbit.scheme<per_channel(axis = 0), scale = f16>}
         : (tensor<2x64xf16>, tensor<16x64xui4>, tensor<16xf16>) -> tensor<2x16xf32>
  return
}

// -----

// The verifier: every number is at least 1.
func.func @workers_negative(%a: tensor<2x64xf16>, %w: tensor<16x64xui4>, %s: tensor<16xf16>) {
  // expected-error @+2 {{schedule workers must be at least 1, got -8}}
  %y = lowbit.mpgemm %a, %w scale(%s)
         {schedule = #lowbit.schedule<fma, workers = -8, tile = [1, 16, 32]>,
          weight_scheme = #lowbit.scheme<per_channel(axis = 0), scale = f16>}
         : (tensor<2x64xf16>, tensor<16x64xui4>, tensor<16xf16>) -> tensor<2x16xf32>
  return
}

// -----

func.func @tile_m_zero(%a: tensor<2x64xf16>, %w: tensor<16x64xui4>, %s: tensor<16xf16>) {
  // expected-error @+2 {{schedule tile M must be at least 1, got 0}}
  %y = lowbit.mpgemm %a, %w scale(%s)
         {schedule = #lowbit.schedule<fma, workers = 8, tile = [0, 16, 32]>,
          weight_scheme = #lowbit.scheme<per_channel(axis = 0), scale = f16>}
         : (tensor<2x64xf16>, tensor<16x64xui4>, tensor<16xf16>) -> tensor<2x16xf32>
  return
}

// -----

func.func @tile_n_negative(%a: tensor<2x64xf16>, %w: tensor<16x64xui4>, %s: tensor<16xf16>) {
  // expected-error @+2 {{schedule tile N must be at least 1, got -16}}
  %y = lowbit.mpgemm %a, %w scale(%s)
         {schedule = #lowbit.schedule<fma, workers = 8, tile = [1, -16, 32]>,
          weight_scheme = #lowbit.scheme<per_channel(axis = 0), scale = f16>}
         : (tensor<2x64xf16>, tensor<16x64xui4>, tensor<16xf16>) -> tensor<2x16xf32>
  return
}

// -----

func.func @tile_k_zero(%a: tensor<2x64xf16>, %w: tensor<16x64xui4>, %s: tensor<16xf16>) {
  // expected-error @+2 {{schedule tile K must be at least 1, got 0}}
  %y = lowbit.mpgemm %a, %w scale(%s)
         {schedule = #lowbit.schedule<fma, workers = 8, tile = [1, 16, 0]>,
          weight_scheme = #lowbit.scheme<per_channel(axis = 0), scale = f16>}
         : (tensor<2x64xf16>, tensor<16x64xui4>, tensor<16xf16>) -> tensor<2x16xf32>
  return
}

// -----

func.func @scale_groups_zero(%a: tensor<2x64xf16>, %w: tensor<16x64xui4>, %s: tensor<16xf16>) {
  // expected-error @+2 {{schedule scale_groups must be at least 1, got 0}}
  %y = lowbit.mpgemm %a, %w scale(%s)
         {schedule = #lowbit.schedule<fma, workers = 8, tile = [1, 16, 32], scale_groups = 0>,
          weight_scheme = #lowbit.scheme<per_channel(axis = 0), scale = f16>}
         : (tensor<2x64xf16>, tensor<16x64xui4>, tensor<16xf16>) -> tensor<2x16xf32>
  return
}

// -----

func.func @split_k_zero(%a: tensor<2x64xf16>, %w: tensor<16x64xui4>, %s: tensor<16xf16>) {
  // expected-error @+2 {{schedule split_k must be at least 1, got 0}}
  %y = lowbit.mpgemm %a, %w scale(%s)
         {schedule = #lowbit.schedule<fma, workers = 8, tile = [1, 16, 32], split_k = 0>,
          weight_scheme = #lowbit.scheme<per_channel(axis = 0), scale = f16>}
         : (tensor<2x64xf16>, tensor<16x64xui4>, tensor<16xf16>) -> tensor<2x16xf32>
  return
}

// -----

func.func @unroll_negative(%a: tensor<2x64xf16>, %w: tensor<16x64xui4>, %s: tensor<16xf16>) {
  // expected-error @+2 {{schedule unroll must be at least 1, got -2}}
  %y = lowbit.mpgemm %a, %w scale(%s)
         {schedule = #lowbit.schedule<fma, workers = 8, tile = [1, 16, 32], unroll = -2>,
          weight_scheme = #lowbit.scheme<per_channel(axis = 0), scale = f16>}
         : (tensor<2x64xf16>, tensor<16x64xui4>, tensor<16xf16>) -> tensor<2x16xf32>
  return
}

// -----

func.func @threads_negative(%a: tensor<2x64xf16>, %w: tensor<16x64xui4>, %s: tensor<16xf16>) {
  // expected-error @+2 {{schedule threads must be 0 (all) or more, got -1}}
  %y = lowbit.mpgemm %a, %w scale(%s)
         {schedule = #lowbit.schedule<fma, workers = 8, tile = [1, 16, 32], threads = -1>,
          weight_scheme = #lowbit.scheme<per_channel(axis = 0), scale = f16>}
         : (tensor<2x64xf16>, tensor<16x64xui4>, tensor<16xf16>) -> tensor<2x16xf32>
  return
}

// -----

func.func @prefetch_negative(%a: tensor<2x64xf16>, %w: tensor<16x64xui4>, %s: tensor<16xf16>) {
  // expected-error @+2 {{schedule prefetch must be 0 (none) or more, got -2}}
  %y = lowbit.mpgemm %a, %w scale(%s)
         {schedule = #lowbit.schedule<fma, workers = 8, tile = [1, 16, 32], prefetch = -2>,
          weight_scheme = #lowbit.scheme<per_channel(axis = 0), scale = f16>}
         : (tensor<2x64xf16>, tensor<16x64xui4>, tensor<16xf16>) -> tensor<2x16xf32>
  return
}

// -----

func.func @panel_negative(%a: tensor<2x64xf16>, %w: tensor<16x64xui4>, %s: tensor<16xf16>) {
  // expected-error @+2 {{schedule panel must be 0 (none) or more, got -6}}
  %y = lowbit.mpgemm %a, %w scale(%s)
         {schedule = #lowbit.schedule<fma, workers = 8, tile = [1, 16, 32], panel = -6>,
          weight_scheme = #lowbit.scheme<per_channel(axis = 0), scale = f16>}
         : (tensor<2x64xf16>, tensor<16x64xui4>, tensor<16xf16>) -> tensor<2x16xf32>
  return
}
