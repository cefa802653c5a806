//===- TileOpsTest.cpp - Tile ops on the CPU vs plain C++ ------------------===//
//
// The tile ops the GEMMs do not exercise, run through tile-to-cpu and the JIT on random data:
// reductions and broadcasts across workers, per-worker scalars (tile.worker_index), tile.view
// between odd widths, and tile.cast through the low-bit formats (bit-exact with lib/Reference;
// every code of each small float format).
//
//===----------------------------------------------------------------------===//
#include "TileProgram.h"

#include "lowbit/Reference/Formats.h"

#include "gtest/gtest.h"

#include <algorithm>
#include <cmath>

using namespace lowbit;
using namespace lowbit::tiletest;

namespace {

/// z = (x - rowmax(x)) + sum(x - rowmax(x)) on a 16 x 8 tile in the mma accumulator layout:
/// reduce over one and over both dimensions, broadcast back, element-wise ops.
const char *kReduceBroadcast = R"mlir(
#C = #tile.layout<local(2,1).spatial(8,4).local(1,2)>
#ROWS = #tile.layout<local(2,1).spatial(8,1).replicated(4)>
#ALL = #tile.layout<local(1,1).replicated(32)>
tile.kernel @k(%x: memref<?xf32>, %z: memref<?xf32>) grid [1] workers 32 {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  %c16 = arith.constant 16 : index
  %vx = tile.global_view %x sizes(%c16, %c8) strides(%c8, %c1) : memref<?xf32> -> !tile.global<16x8xf32>
  %vz = tile.global_view %z sizes(%c16, %c8) strides(%c8, %c1) : memref<?xf32> -> !tile.global<16x8xf32>
  %t = tile.load_global %vx[%c0, %c0] : !tile.global<16x8xf32> -> !tile.reg<16x8xf32, #C>
  %m = tile.reduce max %t dims [1] : !tile.reg<16x8xf32, #C> -> !tile.reg<16x1xf32, #ROWS>
  %mb = tile.broadcast %m : !tile.reg<16x1xf32, #ROWS> -> !tile.reg<16x8xf32, #C>
  %y = tile.sub %t, %mb : !tile.reg<16x8xf32, #C>
  %s = tile.reduce add %y dims [0, 1] : !tile.reg<16x8xf32, #C> -> !tile.reg<1x1xf32, #ALL>
  %sb = tile.broadcast %s : !tile.reg<1x1xf32, #ALL> -> !tile.reg<16x8xf32, #C>
  %r = tile.add %y, %sb : !tile.reg<16x8xf32, #C>
  tile.store_global %r, %vz[%c0, %c0] : !tile.reg<16x8xf32, #C>, !tile.global<16x8xf32>
  tile.return
}
)mlir";

TEST(TileOps, ReduceAndBroadcast) {
  SCOPED_TRACE(seedNote());
  std::mt19937_64 rng = makeRng("reduce");
  std::vector<float> x;
  HostTensor input = randomReals("f32", {16, 8}, -4, 4, rng, x);
  std::string source = std::string(kReduceBroadcast) +
                       buildHostFunction({{"x", {16, 8}, "f32"}}, {"z", {16, 8}, "f32"}, "k", {});
  std::vector<double> got = runHost(source, {input});
  if (got.empty())
    return;
  std::vector<float> want(128);
  double sum = 0;
  for (int i = 0; i < 16; ++i) {
    float rowMax = *std::max_element(x.begin() + i * 8, x.begin() + i * 8 + 8);
    for (int j = 0; j < 8; ++j)
      sum += want[i * 8 + j] = x[i * 8 + j] - rowMax;
  }
  for (float &value : want)
    value += static_cast<float>(sum);
  // The subtraction is exact-ish in f32; the 128-term f32 sum differs from the double one by
  // at most 128 * 2^-24 * sum |y| (|y| <= 8).
  expectClose(got, want, std::vector<double>(128, 128 * 8 * 128 * std::ldexp(1.0, -24)), 8);
}

/// Worker w of block b stores 7 * (32 b + w) at row 32 b + w: per-worker scalar arithmetic, a
/// per-worker splat and per-worker store offsets.
const char *kWorkerIndex = R"mlir(
tile.kernel @k(%out: memref<?xi32>) grid [2] workers 32 {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c32 = arith.constant 32 : index
  %c64 = arith.constant 64 : index
  %seven = arith.constant 7 : i32
  %v = tile.global_view %out sizes(%c64, %c1) strides(%c1, %c1) : memref<?xi32> -> !tile.global<?x?xi32>
  %b = tile.block_index 0
  %base = arith.muli %b, %c32 : index
  %w = tile.worker_index
  %row = arith.addi %base, %w : index
  %i = arith.index_cast %row : index to i32
  %value = arith.muli %i, %seven : i32
  %t = tile.splat %value : !tile.reg<1x1xi32, #tile.layout<local(1,1).replicated(32)>>
  tile.store_global %t, %v[%row, %c0] : !tile.reg<1x1xi32, #tile.layout<local(1,1).replicated(32)>>, !tile.global<?x?xi32>
  tile.return
}
)mlir";

TEST(TileOps, WorkerIndex) {
  std::string source =
      std::string(kWorkerIndex) + buildHostFunction({}, {"out", {64, 1}, "i32"}, "k", {});
  std::vector<double> got = runHost(source, {});
  if (got.empty())
    return;
  std::vector<float> want(64);
  for (int i = 0; i < 64; ++i)
    want[i] = 7.0f * i;
  expectClose(got, want, std::vector<double>(64, 0), 1);
}

/// Three bytes per worker viewed as eight 3-bit codes (24 bits), converted to i32.
const char *kView3Bit = R"mlir(
#BYTES = #tile.layout<spatial(1,32).local(1,3)>
#CODES = #tile.layout<spatial(1,32).local(1,8)>
tile.kernel @k(%x: memref<?xi8>, %y: memref<?xi32>) grid [1] workers 32 {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c96 = arith.constant 96 : index
  %c256 = arith.constant 256 : index
  %vx = tile.global_view %x sizes(%c1, %c96) strides(%c96, %c1) : memref<?xi8> -> !tile.global<?x?xi8>
  %vy = tile.global_view %y sizes(%c1, %c256) strides(%c256, %c1) : memref<?xi32> -> !tile.global<?x?xi32>
  %bytes = tile.load_global %vx[%c0, %c0] : !tile.global<?x?xi8> -> !tile.reg<1x96xi8, #BYTES>
  %codes = tile.view %bytes : !tile.reg<1x96xi8, #BYTES> -> !tile.reg<1x256xui3, #CODES>
  %wide = tile.cast %codes : !tile.reg<1x256xui3, #CODES> -> !tile.reg<1x256xi32, #CODES>
  tile.store_global %wide, %vy[%c0, %c0] : !tile.reg<1x256xi32, #CODES>, !tile.global<?x?xi32>
  tile.return
}
)mlir";

TEST(TileOps, ViewThreeBitCodes) {
  SCOPED_TRACE(seedNote());
  std::mt19937_64 rng = makeRng("view3");
  std::vector<double> bytes(96);
  for (double &byte : bytes)
    byte = static_cast<int8_t>(rng() & 0xFF);
  std::string source = std::string(kView3Bit) +
                       buildHostFunction({{"x", {1, 96}, "i8"}}, {"y", {1, 256}, "i32"}, "k", {});
  std::vector<double> got = runHost(source, {makeTensor("i8", {1, 96}, bytes)});
  if (got.empty())
    return;
  // Worker t's 24 bits are bytes 3t..3t+2, least significant first; code l is bits [3l, 3l+3).
  std::vector<float> want(256);
  for (int t = 0; t < 32; ++t) {
    uint32_t bits = 0;
    for (int j = 0; j < 3; ++j)
      bits |= (static_cast<uint32_t>(bytes[3 * t + j]) & 0xFF) << (8 * j);
    for (int l = 0; l < 8; ++l)
      want[8 * t + l] = static_cast<float>((bits >> (3 * l)) & 7);
  }
  expectClose(got, want, std::vector<double>(256, 0), 256);
}

/// x -> FORMAT -> f32 with tile.cast, 8 elements per worker.
const char *kCastRoundTrip = R"mlir(
#L = #tile.layout<spatial(1,32).local(1,8)>
tile.kernel @k(%x: memref<?xf32>, %y: memref<?xf32>) grid [1] workers 32 {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c256 = arith.constant 256 : index
  %vx = tile.global_view %x sizes(%c1, %c256) strides(%c256, %c1) : memref<?xf32> -> !tile.global<?x?xf32>
  %vy = tile.global_view %y sizes(%c1, %c256) strides(%c256, %c1) : memref<?xf32> -> !tile.global<?x?xf32>
  %t = tile.load_global %vx[%c0, %c0] : !tile.global<?x?xf32> -> !tile.reg<1x256xf32, #L>
  %q = tile.cast %t : !tile.reg<1x256xf32, #L> -> !tile.reg<1x256x@FORMAT@, #L>
  %r = tile.cast %q : !tile.reg<1x256x@FORMAT@, #L> -> !tile.reg<1x256xf32, #L>
  tile.store_global %r, %vy[%c0, %c0] : !tile.reg<1x256xf32, #L>, !tile.global<?x?xf32>
  tile.return
}
)mlir";

TEST(TileOps, CastsMatchReference) {
  struct Format {
    const char *mlir, *reference;
    double range;
  };
  // The ranges overflow every format, so saturation and infinities are exercised too.
  for (Format f : {Format{"f8E4M3FN", "f8E4M3FN", 1000}, Format{"f8E5M2", "f8E5M2", 1e5},
                   Format{"f4E2M1FN", "f4E2M1FN", 10}, Format{"bf16", "bf16", 1e3},
                   Format{"f16", "f16", 1e5}, Format{"si4", "si4", 12}, Format{"ui8", "ui8", 300},
                   Format{"!lowbit.ternary", "ternary", 2}}) {
    SCOPED_TRACE(f.mlir);
    SCOPED_TRACE(seedNote());
    std::mt19937_64 rng = makeRng(std::string("cast") + f.mlir);
    std::vector<float> x;
    HostTensor input = randomReals("f32", {1, 256}, -f.range, f.range, rng, x);
    std::string source =
        substitute(kCastRoundTrip, {{"@FORMAT@", f.mlir}}) +
        buildHostFunction({{"x", {1, 256}, "f32"}}, {"y", {1, 256}, "f32"}, "k", {});
    std::vector<double> got = runHost(source, {input});
    if (got.empty())
      continue;
    std::optional<ref::ElementFormat> format = ref::ElementFormat::fromName(f.reference);
    ASSERT_TRUE(format.has_value());
    std::vector<float> want(256);
    for (int i = 0; i < 256; ++i)
      want[i] =
          static_cast<float>(ref::decode(*format, ref::encode(*format, x[i], /*saturate=*/false)));
    // Bit-exact; equal infinities compare equal.
    std::vector<double> exact(256, 0);
    for (int i = 0; i < 256; ++i)
      if (std::isinf(want[i]) && got[i] == want[i])
        got[i] = want[i] = 0;
    expectClose(got, want, exact, 256);
  }
}

/// Every code of a float format of at most 8 bits, 32 per worker on 8 workers (the SIMD
/// lowering's lanes), read from their packed bytes and cast to f32.
const char *kDecodeEveryCode = R"mlir(
#BYTES = #tile.layout<spatial(1,8).local(1,@BYTES@)>
#CODES = #tile.layout<spatial(1,8).local(1,32)>
tile.kernel @k(%x: memref<?xi8>, %y: memref<?xf32>) grid [1] workers 8 {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %cb = arith.constant @ALLBYTES@ : index
  %c256 = arith.constant 256 : index
  %vx = tile.global_view %x sizes(%c1, %cb) strides(%cb, %c1) : memref<?xi8> -> !tile.global<?x?xi8>
  %vy = tile.global_view %y sizes(%c1, %c256) strides(%c256, %c1) : memref<?xf32> -> !tile.global<?x?xf32>
  %bytes = tile.load_global %vx[%c0, %c0] : !tile.global<?x?xi8> -> !tile.reg<1x@ALLBYTES@xi8, #BYTES>
  %codes = tile.view %bytes : !tile.reg<1x@ALLBYTES@xi8, #BYTES> -> !tile.reg<1x256x@FORMAT@, #CODES>
  %r = tile.cast %codes : !tile.reg<1x256x@FORMAT@, #CODES> -> !tile.reg<1x256xf32, #CODES>
  tile.store_global %r, %vy[%c0, %c0] : !tile.reg<1x256xf32, #CODES>, !tile.global<?x?xf32>
  tile.return
}
)mlir";

TEST(TileOps, EveryFloatCodeDecodes) {
  struct Format {
    const char *mlir, *reference;
  };
  // Subnormals, both zeros, the largest values, infinities and NaNs: element i is code i mod
  // 2^bits, so every code of each format appears.
  for (Format f : {Format{"f4E2M1FN", "f4E2M1FN"}, Format{"f6E2M3FN", "f6E2M3FN"},
                   Format{"f6E3M2FN", "f6E3M2FN"}, Format{"f8E4M3FN", "f8E4M3FN"},
                   Format{"f8E5M2", "f8E5M2"}, Format{"!lowbit.float<e3m4>", "e3m4"},
                   Format{"!lowbit.float<e2m2, bias = 0>", "e2m2b0"},
                   Format{"!lowbit.float<e4m2, bias = 11, nan>", "e4m2b11_nan"},
                   Format{"!lowbit.float<e5m1, inf, nan>", "e5m1_inf_nan"}}) {
    SCOPED_TRACE(f.mlir);
    std::optional<ref::ElementFormat> format = ref::ElementFormat::fromName(f.reference);
    ASSERT_TRUE(format.has_value());
    unsigned bits = format->bits();
    std::vector<uint8_t> packed(256 * bits / 8);
    for (uint32_t i = 0; i < 256; ++i)
      for (unsigned bit = 0; bit < bits; ++bit)
        if ((i >> bit) & 1)
          packed[(i * bits + bit) / 8] |= uint8_t(1u << ((i * bits + bit) % 8));
    std::vector<double> bytes(packed.begin(), packed.end());
    for (double &byte : bytes)
      byte = static_cast<int8_t>(static_cast<uint8_t>(byte));
    int64_t count = static_cast<int64_t>(packed.size());
    std::string source =
        substitute(kDecodeEveryCode, {{"@FORMAT@", f.mlir},
                                      {"@ALLBYTES@", std::to_string(count)},
                                      {"@BYTES@", std::to_string(count / 8)}}) +
        buildHostFunction({{"x", {1, count}, "i8"}}, {"y", {1, 256}, "f32"}, "k", {});
    std::vector<double> got = runHost(source, {makeTensor("i8", {1, count}, bytes)});
    if (got.empty())
      continue;
    int wrong = 0;
    for (uint32_t i = 0; i < 256; ++i) {
      double want = ref::decode(*format, i % (1u << bits));
      bool same = std::isnan(want) ? std::isnan(got[i])
                                   : got[i] == want && std::signbit(got[i]) == std::signbit(want);
      if (!same && wrong++ < 4)
        ADD_FAILURE() << "code " << (i % (1u << bits)) << ": reference " << want << ", jit "
                      << got[i];
    }
    EXPECT_EQ(wrong, 0);
  }
}

} // namespace
