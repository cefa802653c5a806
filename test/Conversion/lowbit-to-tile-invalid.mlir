// RUN: lowbit-opt %s --split-input-file --verify-diagnostics --lowbit-to-tile

// Errors of lowbit-to-tile (lib/Conversion/LowbitToTile/LowbitToTile.cpp). The pass checks
// every schedule it lowers itself (it may run without lowbit-select-schedules): an op the
// fast path does not take, or a schedule that does not fit its op, is an error at the op
// (the full list of misfits is in test/Transforms/select-schedules-invalid.mlir).

func.func @no_fast_path(%a: tensor<4x64xf16>, %w: tensor<16x64xui4>, %s: tensor<64xf16>)
    -> tensor<4x16xf32> {
  // expected-error @+1 {{'lowbit.mpgemm' op has a schedule but no fast path: scales per input channel (per_channel(axis = 1)) take the reference lowering}}
  %y = lowbit.mpgemm %a, %w scale(%s)
         {schedule = #lowbit.schedule<fma, workers = 8, tile = [4, 16, 32]>,
          weight_scheme = #lowbit.scheme<per_channel(axis = 1), scale = f16>}
         : (tensor<4x64xf16>, tensor<16x64xui4>, tensor<64xf16>) -> tensor<4x16xf32>
  return %y : tensor<4x16xf32>
}

// -----

func.func @misfit(%a: tensor<4x64xf32>, %w: tensor<24x64xui4>, %s: tensor<24xf32>)
    -> tensor<4x24xf32> {
  // expected-error @+1 {{'lowbit.mpgemm' op schedule #lowbit.schedule<fma, workers = 8, tile = [4, 12, 32], packing = interchange, scale_groups = 1, split_k = 1, unroll = 1> does not fit: tile N (12) must be a multiple of workers (8): every worker holds whole columns}}
  %y = lowbit.mpgemm %a, %w scale(%s)
         {schedule = #lowbit.schedule<fma, workers = 8, tile = [4, 12, 32]>,
          weight_scheme = #lowbit.scheme<per_channel(axis = 0), scale = f32>}
         : (tensor<4x64xf32>, tensor<24x64xui4>, tensor<24xf32>) -> tensor<4x24xf32>
  return %y : tensor<4x24xf32>
}

// -----

// Weight arguments marked lowbit.prepack: their readers must all be lowbit.mpgemm weights
// with prepacked schedules of one layout, or none of them prepacked.
func.func @prepack_mixed(%a: tensor<4x64xf32>, %w: tensor<16x64xui4> {lowbit.prepack},
                         %s: tensor<16xf32>) -> (tensor<4x16xf32>, tensor<16x64xf32>) {
  // expected-note @+1 {{the lowbit.mpgemm that prepacks it}}
  %y = lowbit.mpgemm %a, %w scale(%s)
         {schedule = #lowbit.schedule<fma, workers = 8, tile = [4, 16, 32], packing = prepacked>,
          weight_scheme = #lowbit.scheme<per_channel(axis = 0), scale = f32>}
         : (tensor<4x64xf32>, tensor<16x64xui4>, tensor<16xf32>) -> tensor<4x16xf32>
  // expected-error @+1 {{reads argument #1 of @prepack_mixed (marked 'lowbit.prepack') in interchange packing, while a lowbit.mpgemm prepacks it; only lowbit.mpgemm weights with packing = prepacked can read a prepacked argument}}
  %d = lowbit.dequantize %w scale(%s) {scheme = #lowbit.scheme<per_channel(axis = 0), scale = f32>}
         : (tensor<16x64xui4>, tensor<16xf32>) -> tensor<16x64xf32>
  return %y, %d : tensor<4x16xf32>, tensor<16x64xf32>
}

// -----

func.func @prepack_two_layouts(%a: tensor<4x64xf32>, %w: tensor<32x64xui4> {lowbit.prepack},
                               %s: tensor<32xf32>) -> (tensor<4x32xf32>, tensor<4x32xf32>) {
  // expected-note @+1 {{the other op}}
  %y = lowbit.mpgemm %a, %w scale(%s)
         {schedule = #lowbit.schedule<fma, workers = 8, tile = [4, 16, 32], packing = prepacked>,
          weight_scheme = #lowbit.scheme<per_channel(axis = 0), scale = f32>}
         : (tensor<4x64xf32>, tensor<32x64xui4>, tensor<32xf32>) -> tensor<4x32xf32>
  // expected-error @+1 {{'lowbit.mpgemm' op reads argument #1 of @prepack_two_layouts (marked 'lowbit.prepack') prepacked in another layout than another op does; give them schedules with the same workers, tile N and K and weight layout}}
  %z = lowbit.mpgemm %a, %w scale(%s)
         {schedule = #lowbit.schedule<fma, workers = 8, tile = [4, 8, 32], packing = prepacked>,
          weight_scheme = #lowbit.scheme<per_channel(axis = 0), scale = f32>}
         : (tensor<4x64xf32>, tensor<32x64xui4>, tensor<32xf32>) -> tensor<4x32xf32>
  return %y, %z : tensor<4x32xf32>, tensor<4x32xf32>
}

// -----

// expected-error @+1 {{@prepack_called is called in the module; arguments marked 'lowbit.prepack' need a function only called from outside (its signature changes)}}
func.func @prepack_called(%a: tensor<4x64xf32>, %w: tensor<16x64xui4> {lowbit.prepack},
                          %s: tensor<16xf32>) -> tensor<4x16xf32> {
  %y = lowbit.mpgemm %a, %w scale(%s)
         {weight_scheme = #lowbit.scheme<per_channel(axis = 0), scale = f32>}
         : (tensor<4x64xf32>, tensor<16x64xui4>, tensor<16xf32>) -> tensor<4x16xf32>
  return %y : tensor<4x16xf32>
}

func.func @caller(%a: tensor<4x64xf32>, %w: tensor<16x64xui4>, %s: tensor<16xf32>)
    -> tensor<4x16xf32> {
  %y = func.call @prepack_called(%a, %w, %s)
         : (tensor<4x64xf32>, tensor<16x64xui4>, tensor<16xf32>) -> tensor<4x16xf32>
  return %y : tensor<4x16xf32>
}

// -----

// expected-error @+1 {{cannot generate @prepack_taken_prepack for the arguments marked 'lowbit.prepack': the module already has a symbol of that name}}
func.func @prepack_taken(%a: tensor<4x64xf32>, %w: tensor<16x64xui4> {lowbit.prepack},
                         %s: tensor<16xf32>) -> tensor<4x16xf32> {
  %y = lowbit.mpgemm %a, %w scale(%s)
         {weight_scheme = #lowbit.scheme<per_channel(axis = 0), scale = f32>}
         : (tensor<4x64xf32>, tensor<16x64xui4>, tensor<16xf32>) -> tensor<4x16xf32>
  return %y : tensor<4x16xf32>
}

func.func @prepack_taken_prepack() {
  return
}

// -----

// expected-error @+1 {{'lowbit.prepack' marks arguments of functions with a body}}
func.func private @prepack_external(tensor<16x64xui4> {lowbit.prepack})

// -----

// The fused attention kernel multiplies in f32.
func.func @attention_family(%q: tensor<1x4x1x16xf32>, %k: tensor<1x2x32x16xf32>,
                            %v: tensor<1x2x32x16xf32>) -> tensor<1x4x1x16xf32> {
  // expected-error @+1 {{does not fit: the fused attention kernel multiplies in f32: the family must be fma}}
  %o = lowbit.attention %q, %k, %v
         {schedule = #lowbit.schedule<int8_dot, workers = 4, tile = [4, 16, 8]>}
         : (tensor<1x4x1x16xf32>, tensor<1x2x32x16xf32>, tensor<1x2x32x16xf32>)
         -> tensor<1x4x1x16xf32>
  return %o : tensor<1x4x1x16xf32>
}

// -----

func.func @attention_rows(%q: tensor<1x4x1x16xf32>, %k: tensor<1x2x32x16xf32>,
                          %v: tensor<1x2x32x16xf32>) -> tensor<1x4x1x16xf32> {
  // expected-error @+1 {{does not fit: tile[0] (rows per block, 6) must be a multiple of workers (4)}}
  %o = lowbit.attention %q, %k, %v
         {schedule = #lowbit.schedule<fma, workers = 4, tile = [6, 16, 8]>}
         : (tensor<1x4x1x16xf32>, tensor<1x2x32x16xf32>, tensor<1x2x32x16xf32>)
         -> tensor<1x4x1x16xf32>
  return %o : tensor<1x4x1x16xf32>
}

// -----

func.func @attention_head_step(%q: tensor<1x4x1x16xf32>, %k: tensor<1x2x32x16xf32>,
                               %v: tensor<1x2x32x12xf32>) -> tensor<1x4x1x12xf32> {
  // expected-error @+1 {{does not fit: tile[2] (8) must divide the head dimensions 16 (K) and 12 (V)}}
  %o = lowbit.attention %q, %k, %v
         {schedule = #lowbit.schedule<fma, workers = 4, tile = [4, 16, 8]>}
         : (tensor<1x4x1x16xf32>, tensor<1x2x32x16xf32>, tensor<1x2x32x12xf32>)
         -> tensor<1x4x1x12xf32>
  return %o : tensor<1x4x1x12xf32>
}

// -----

func.func @panel_family(%a: tensor<12x64xsi8>, %as: tensor<12xf32>, %w: tensor<16x64xui4>, %s: tensor<16xf32>)
    -> tensor<12x16xf32> {
  // expected-error @+1 {{does not fit: panel = 12 decodes the weights into f32: it needs the fma family}}
  %y = lowbit.mpgemm %a, %w scale(%s) act_scale(%as)
         {schedule = #lowbit.schedule<int8_dot, workers = 8, tile = [6, 16, 32], panel = 12>,
          weight_scheme = #lowbit.scheme<per_channel(axis = 0), scale = f32>,
          act_scheme = #lowbit.scheme<per_channel(axis = 0), scale = f32>}
         : (tensor<12x64xsi8>, tensor<16x64xui4>, tensor<16xf32>, tensor<12xf32>) -> tensor<12x16xf32>
  return %y : tensor<12x16xf32>
}

// -----

func.func @panel_activations(%a: tensor<12x64xsi8>, %as: tensor<12xf32>, %w: tensor<16x64xui4>, %s: tensor<16xf32>)
    -> tensor<12x16xf32> {
  // expected-error @+1 {{does not fit: panel = 12 needs float activations without zero points (this op has si8 activations)}}
  %y = lowbit.mpgemm %a, %w scale(%s) act_scale(%as)
         {schedule = #lowbit.schedule<fma, workers = 8, tile = [6, 16, 32], panel = 12>,
          weight_scheme = #lowbit.scheme<per_channel(axis = 0), scale = f32>,
          act_scheme = #lowbit.scheme<per_channel(axis = 0), scale = f32>}
         : (tensor<12x64xsi8>, tensor<16x64xui4>, tensor<16xf32>, tensor<12xf32>) -> tensor<12x16xf32>
  return %y : tensor<12x16xf32>
}

// -----

func.func @panel_split(%a: tensor<12x64xf32>, %w: tensor<16x64xui4>, %s: tensor<16x2xf32>) -> tensor<12x16xf32> {
  // expected-error @+1 {{does not fit: panel = 12 covers the whole of K in each block, step by step: it needs split_k = 1 and unroll = 1}}
  %y = lowbit.mpgemm %a, %w scale(%s)
         {schedule = #lowbit.schedule<fma, workers = 8, tile = [6, 16, 32], panel = 12, split_k = 2>,
          weight_scheme = #lowbit.scheme<group(axis = 1, size = 32), scale = f32>}
         : (tensor<12x64xf32>, tensor<16x64xui4>, tensor<16x2xf32>) -> tensor<12x16xf32>
  return %y : tensor<12x16xf32>
}

// -----

func.func @panel_rows(%a: tensor<12x64xf32>, %w: tensor<16x64xui4>, %s: tensor<16xf32>) -> tensor<12x16xf32> {
  // expected-error @+1 {{does not fit: panel (8) must be a multiple of tile M (6): blocks of rows start at whole tiles}}
  %y = lowbit.mpgemm %a, %w scale(%s)
         {schedule = #lowbit.schedule<fma, workers = 8, tile = [6, 16, 32], panel = 8>,
          weight_scheme = #lowbit.scheme<per_channel(axis = 0), scale = f32>}
         : (tensor<12x64xf32>, tensor<16x64xui4>, tensor<16xf32>) -> tensor<12x16xf32>
  return %y : tensor<12x16xf32>
}

// -----

func.func @panel_short(%a: tensor<4x64xf32>, %w: tensor<16x64xui4>, %s: tensor<16xf32>) -> tensor<4x16xf32> {
  // expected-error @+1 {{does not fit: panel = 6 needs M (4) at least tile M (6): every tile of rows lies inside M}}
  %y = lowbit.mpgemm %a, %w scale(%s)
         {schedule = #lowbit.schedule<fma, workers = 8, tile = [6, 16, 32], panel = 6>,
          weight_scheme = #lowbit.scheme<per_channel(axis = 0), scale = f32>}
         : (tensor<4x64xf32>, tensor<16x64xui4>, tensor<16xf32>) -> tensor<4x16xf32>
  return %y : tensor<4x16xf32>
}

// -----

func.func @panel_stack(%a: tensor<12x64xf32>, %w: tensor<16x64xui4>, %s: tensor<16xf32>) -> tensor<12x16xf32> {
  // expected-error @+1 {{does not fit: panel = 8196 takes 529 KiB of shared memory per block (the f32 panel of 256 codes x 16 columns and the accumulators of 8196 rows), more than 512 KiB}}
  %y = lowbit.mpgemm %a, %w scale(%s)
         {schedule = #lowbit.schedule<fma, workers = 8, tile = [6, 16, 32], panel = 8196>,
          weight_scheme = #lowbit.scheme<per_channel(axis = 0), scale = f32>}
         : (tensor<12x64xf32>, tensor<16x64xui4>, tensor<16xf32>) -> tensor<12x16xf32>
  return %y : tensor<12x16xf32>
}

// -----

func.func @attention_parts(%q: tensor<1x4x1x16xf32>, %k: tensor<1x2x32x16xf32>,
                           %v: tensor<1x2x32x16xf32>) -> tensor<1x4x1x16xf32> {
  // expected-error @+1 {{does not fit: split_k (3) exceeds the steps of tile[1] = 16 tokens over the 32 cached tokens (2)}}
  %o = lowbit.attention %q, %k, %v
         {schedule = #lowbit.schedule<fma, workers = 4, tile = [4, 16, 8], split_k = 3>}
         : (tensor<1x4x1x16xf32>, tensor<1x2x32x16xf32>, tensor<1x2x32x16xf32>)
         -> tensor<1x4x1x16xf32>
  return %o : tensor<1x4x1x16xf32>
}

// -----

func.func @attention_prepacked(%q: tensor<1x4x1x16xf32>, %k: tensor<1x2x32x16xf32>,
                               %v: tensor<1x2x32x16xf32>) -> tensor<1x4x1x16xf32> {
  // expected-error @+1 {{does not fit: packing = prepacked has no meaning for attention}}
  %o = lowbit.attention %q, %k, %v
         {schedule = #lowbit.schedule<fma, workers = 4, tile = [4, 16, 8], packing = prepacked>}
         : (tensor<1x4x1x16xf32>, tensor<1x2x32x16xf32>, tensor<1x2x32x16xf32>)
         -> tensor<1x4x1x16xf32>
  return %o : tensor<1x4x1x16xf32>
}

// -----

// Quantized caches of code types the fused kernel does not decode keep the reference
// lowering: a schedule on one is an error saying why.
func.func @attention_code_type(%q: tensor<1x4x1x16xf32>, %k: tensor<1x2x32x16xf6E2M3FN>,
                               %v: tensor<1x2x32x16xf32>, %ks: tensor<16xf32>)
    -> tensor<1x4x1x16xf32> {
  // expected-error @+1 {{has a schedule but no fast path: the fused kernel reads quantized caches of integer, f8E4M3FN, f8E5M2 and f4E2M1FN codes; k has f6E2M3FN codes}}
  %o = lowbit.attention %q, %k, %v k_scale(%ks)
         {k_scheme = #lowbit.scheme<per_channel(axis = 3), scale = f32>,
          schedule = #lowbit.schedule<fma, workers = 4, tile = [4, 16, 8]>}
         : (tensor<1x4x1x16xf32>, tensor<1x2x32x16xf6E2M3FN>, tensor<1x2x32x16xf32>,
            tensor<16xf32>) -> tensor<1x4x1x16xf32>
  return %o : tensor<1x4x1x16xf32>
}

// -----

// A step's codes of a token must be whole bytes: 2 channels of ui2 are half a byte.
func.func @attention_code_bytes(%q: tensor<1x4x1x16xf32>, %k: tensor<1x2x32x16xf32>,
                                %v: tensor<1x2x32x16xui2>, %vs: tensor<1x2x32x1xf16>)
    -> tensor<1x4x1x16xf32> {
  // expected-error @+1 {{does not fit: tile[2] (2) codes of V must fill whole bytes (2 bits each)}}
  %o = lowbit.attention %q, %k, %v v_scale(%vs)
         {v_scheme = #lowbit.scheme<group(axis = 3, size = 16), scale = f16>,
          schedule = #lowbit.schedule<fma, workers = 4, tile = [4, 16, 2]>}
         : (tensor<1x4x1x16xf32>, tensor<1x2x32x16xf32>, tensor<1x2x32x16xui2>,
            tensor<1x2x32x1xf16>) -> tensor<1x4x1x16xf32>
  return %o : tensor<1x4x1x16xf32>
}

// -----

// A step of tokens must lie in one group of K's scales (KIVI keys: groups of 8 tokens).
func.func @attention_token_groups(%q: tensor<1x4x1x16xf32>, %k: tensor<1x2x32x16xsi4>,
                                  %v: tensor<1x2x32x16xf32>, %ks: tensor<1x2x4x16xf32>)
    -> tensor<1x4x1x16xf32> {
  // expected-error @+1 {{does not fit: tile[1] (16) must divide the 8 tokens that share each scale of K}}
  %o = lowbit.attention %q, %k, %v k_scale(%ks)
         {k_scheme = #lowbit.scheme<group(axis = 2, size = 8), scale = f32>,
          schedule = #lowbit.schedule<fma, workers = 4, tile = [4, 16, 8]>}
         : (tensor<1x4x1x16xf32>, tensor<1x2x32x16xsi4>, tensor<1x2x32x16xf32>,
            tensor<1x2x4x16xf32>) -> tensor<1x4x1x16xf32>
  return %o : tensor<1x4x1x16xf32>
}

// -----

// A step of channels must lie in one group of V's scales (groups of 4 channels).
func.func @attention_channel_groups(%q: tensor<1x4x1x16xf32>, %k: tensor<1x2x32x16xf32>,
                                    %v: tensor<1x2x32x16xui8>, %vs: tensor<1x2x32x4xbf16>,
                                    %vz: tensor<1x2x32x4xui8>) -> tensor<1x4x1x16xf32> {
  // expected-error @+1 {{does not fit: tile[2] (8) must divide the 4 channels that share each scale of V}}
  %o = lowbit.attention %q, %k, %v v_scale(%vs) v_zero(%vz)
         {v_scheme = #lowbit.scheme<group(axis = 3, size = 4), scale = bf16, zero = int>,
          schedule = #lowbit.schedule<fma, workers = 4, tile = [4, 16, 8]>}
         : (tensor<1x4x1x16xf32>, tensor<1x2x32x16xf32>, tensor<1x2x32x16xui8>,
            tensor<1x2x32x4xbf16>, tensor<1x2x32x4xui8>) -> tensor<1x4x1x16xf32>
  return %o : tensor<1x4x1x16xf32>
}
