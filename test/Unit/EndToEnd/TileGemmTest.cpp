//===- TileGemmTest.cpp - Tile-level GEMMs on the CPU vs the reference -----===//
//
// The tile GEMM kernels of test/Dialect/Tile/ops.mlir (PTX mma.m16n8k16 fragment layouts, a
// K loop, masked edges), launched by a host function, lowered by tile-to-cpu inside
// lowbit-pipeline-llvm and JIT-run on fresh random data; compared with ref::mpgemm (and
// ref::dequantize for 4-bit weights). The grid is sized per problem (the schedule is data),
// and the odd sizes leave the last blocks hanging over the matrix edges.
//
// Tolerance: the products are exact in f32 (f16 x f16), so the kernel differs from the double
// reference only by its f32 accumulation order and the final rounding; per element
//     |jit - ref| <= 2 (K + 1) 2^-24 sum_k |a[m, k] w[n, k]|,
// twice the classical bound for summing K terms in f32. The i8 variant (i32 accumulator) is
// exact.
//
//===----------------------------------------------------------------------===//
#include "TileProgram.h"

#include "lowbit/Layout/Layout.h"
#include "lowbit/Reference/Ops.h"
#include "lowbit/Reference/Quant.h"

#include "gtest/gtest.h"

#include <cmath>

using namespace lowbit;
using namespace lowbit::tiletest;

namespace {

const char *kMmaLayouts = R"mlir(
#A = #tile.layout<column_local(2,2).spatial(8,4).local(1,2)>
#B = #tile.layout<local(2,1).column_spatial(4,8).local(2,1)>
#C = #tile.layout<local(2,1).spatial(8,4).local(1,2)>
)mlir";

/// One warp per 16x8 tile of C, one mma.m16n8k16 step per 16 of K.
const char *kGemmF16 = R"mlir(
tile.kernel @gemm(%a: memref<?xf16>, %b: memref<?xf16>, %c: memref<?xf32>,
                  %m: index, %n: index, %k: index) grid [@GM@, @GN@] workers 32 {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  %c16 = arith.constant 16 : index
  %zero = arith.constant 0.0 : f32
  %va = tile.global_view %a sizes(%m, %k) strides(%k, %c1) : memref<?xf16> -> !tile.global<?x?xf16>
  %vb = tile.global_view %b sizes(%k, %n) strides(%n, %c1) : memref<?xf16> -> !tile.global<?x?xf16>
  %vc = tile.global_view %c sizes(%m, %n) strides(%n, %c1) : memref<?xf32> -> !tile.global<?x?xf32>
  %bm = tile.block_index 0
  %bn = tile.block_index 1
  %row = arith.muli %bm, %c16 : index
  %col = arith.muli %bn, %c8 : index
  %init = tile.splat %zero : !tile.reg<16x8xf32, #C>
  %acc = scf.for %kk = %c0 to %k step %c16 iter_args(%acc_in = %init) -> (!tile.reg<16x8xf32, #C>) {
    %ta = tile.load_global %va[%row, %kk] : !tile.global<?x?xf16> -> !tile.reg<16x16xf16, #A>
    %tb = tile.load_global %vb[%kk, %col] : !tile.global<?x?xf16> -> !tile.reg<16x8xf16, #B>
    %d = tile.dot %ta, %tb, %acc_in : !tile.reg<16x16xf16, #A>, !tile.reg<16x8xf16, #B> -> !tile.reg<16x8xf32, #C>
    scf.yield %d : !tile.reg<16x8xf32, #C>
  }
  tile.store_global %acc, %vc[%row, %col] : !tile.reg<16x8xf32, #C>, !tile.global<?x?xf32>
  tile.return
}
)mlir";

/// Four warps per 32x16 tile of C, staged through swizzled shared memory by tile.copy_async.
const char *kGemmF16Shared = R"mlir(
#A4 = #tile.layout<spatial(2,1).replicated(2).column_local(2,2).spatial(8,4).local(1,2)>
#B4 = #tile.layout<replicated(2).spatial(1,2).local(2,1).column_spatial(4,8).local(2,1)>
#C4 = #tile.layout<spatial(2,2).local(2,1).spatial(8,4).local(1,2)>
#SA = #tile.shared_layout<shape=[32,16], strides=[16,1], swizzle=[1,3,1]>
tile.kernel @gemm(%a: memref<?xf16>, %b: memref<?xf16>, %c: memref<?xf32>,
                  %m: index, %n: index, %k: index) grid [@GM@, @GN@] workers 128 {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c16 = arith.constant 16 : index
  %c32 = arith.constant 32 : index
  %zero = arith.constant 0.0 : f32
  %va = tile.global_view %a sizes(%m, %k) strides(%k, %c1) : memref<?xf16> -> !tile.global<?x?xf16>
  %vb = tile.global_view %b sizes(%k, %n) strides(%n, %c1) : memref<?xf16> -> !tile.global<?x?xf16>
  %vc = tile.global_view %c sizes(%m, %n) strides(%n, %c1) : memref<?xf32> -> !tile.global<?x?xf32>
  %bm = tile.block_index 0
  %bn = tile.block_index 1
  %r0 = arith.muli %bm, %c32 : index
  %c0n = arith.muli %bn, %c16 : index
  %sa = tile.alloc_shared : !tile.shared<32x16xf16, #SA>
  %sb = tile.alloc_shared : !tile.shared<16x16xf16>
  %init = tile.splat %zero : !tile.reg<32x16xf32, #C4>
  %acc = scf.for %kk = %c0 to %k step %c16 iter_args(%acc_in = %init) -> (!tile.reg<32x16xf32, #C4>) {
    tile.copy_async %va[%r0, %kk], %sa : !tile.global<?x?xf16>, !tile.shared<32x16xf16, #SA>
    tile.copy_async %vb[%kk, %c0n], %sb : !tile.global<?x?xf16>, !tile.shared<16x16xf16>
    tile.copy_async_wait pending = 0
    tile.sync
    %ta = tile.load_shared %sa[%c0, %c0] : !tile.shared<32x16xf16, #SA> -> !tile.reg<32x16xf16, #A4>
    %tb = tile.load_shared %sb[%c0, %c0] : !tile.shared<16x16xf16> -> !tile.reg<16x16xf16, #B4>
    %d = tile.dot %ta, %tb, %acc_in : !tile.reg<32x16xf16, #A4>, !tile.reg<16x16xf16, #B4> -> !tile.reg<32x16xf32, #C4>
    tile.sync
    scf.yield %d : !tile.reg<32x16xf32, #C4>
  }
  tile.store_global %acc, %vc[%r0, %c0n] : !tile.reg<32x16xf32, #C4>, !tile.global<?x?xf32>
  tile.return
}
)mlir";

/// W4A16 with pre-packed weights: word t of each 16x16 K x N tile holds the 8 ui4 codes that
/// worker t needs (layout #BW), viewed as ui4, cast to f16, centered on the zero point 8 and
/// scaled by one f16 scale per 16 rows of K.
const char *kGemmW4A16 = R"mlir(
#BW = #tile.layout<column_local(2,2).column_spatial(4,8).local(2,1)>
#CW = #tile.layout<column_local(2,2).spatial(8,4).local(1,2)>
#SW = #tile.layout<local(1,2).spatial(1,8).replicated(4)>
#WORDS = #tile.layout<spatial(1,32)>
tile.kernel @gemm(%a: memref<?xf16>, %packed: memref<?xi32>, %scales: memref<?xf16>,
                  %c: memref<?xf32>, %m: index, %n: index, %k: index)
    grid [@GM@, @GN@] workers 32 {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c16 = arith.constant 16 : index
  %c32 = arith.constant 32 : index
  %zero = arith.constant 0.0 : f32
  %eight = arith.constant 8.0 : f16
  // Packed weights: [ceil(K/16), ceil(N/16) * 32] words; scales: [ceil(K/16), N].
  %kt = arith.ceildivui %k, %c16 : index
  %nt = arith.ceildivui %n, %c16 : index
  %nw = arith.muli %nt, %c32 : index
  %va = tile.global_view %a sizes(%m, %k) strides(%k, %c1) : memref<?xf16> -> !tile.global<?x?xf16>
  %vw = tile.global_view %packed sizes(%kt, %nw) strides(%nw, %c1) : memref<?xi32> -> !tile.global<?x?xi32>
  %vs = tile.global_view %scales sizes(%kt, %n) strides(%n, %c1) : memref<?xf16> -> !tile.global<?x?xf16>
  %vc = tile.global_view %c sizes(%m, %n) strides(%n, %c1) : memref<?xf32> -> !tile.global<?x?xf32>
  %bm = tile.block_index 0
  %bn = tile.block_index 1
  %row = arith.muli %bm, %c16 : index
  %col = arith.muli %bn, %c16 : index
  %wcol = arith.muli %bn, %c32 : index
  %zp = tile.splat %eight : !tile.reg<16x16xf16, #BW>
  %init = tile.splat %zero : !tile.reg<16x16xf32, #CW>
  %acc = scf.for %kk = %c0 to %k step %c16 iter_args(%acc_in = %init) -> (!tile.reg<16x16xf32, #CW>) {
    %g = arith.divui %kk, %c16 : index
    %words = tile.load_global %vw[%g, %wcol] : !tile.global<?x?xi32> -> !tile.reg<1x32xi32, #WORDS>
    %codes = tile.view %words : !tile.reg<1x32xi32, #WORDS> -> !tile.reg<16x16xui4, #BW>
    %wf = tile.cast %codes : !tile.reg<16x16xui4, #BW> -> !tile.reg<16x16xf16, #BW>
    %centered = tile.sub %wf, %zp : !tile.reg<16x16xf16, #BW>
    %s = tile.load_global %vs[%g, %col] : !tile.global<?x?xf16> -> !tile.reg<1x16xf16, #SW>
    %sb = tile.broadcast %s : !tile.reg<1x16xf16, #SW> -> !tile.reg<16x16xf16, #BW>
    %w = tile.mul %centered, %sb : !tile.reg<16x16xf16, #BW>
    %ta = tile.load_global %va[%row, %kk] : !tile.global<?x?xf16> -> !tile.reg<16x16xf16, #A>
    %d = tile.dot %ta, %w, %acc_in : !tile.reg<16x16xf16, #A>, !tile.reg<16x16xf16, #BW> -> !tile.reg<16x16xf32, #CW>
    scf.yield %d : !tile.reg<16x16xf32, #CW>
  }
  tile.store_global %acc, %vc[%row, %col] : !tile.reg<16x16xf32, #CW>, !tile.global<?x?xf32>
  tile.return
}
)mlir";

struct Problem {
  int64_t m, n, k;
};

std::string describe(const Problem &p) {
  return std::to_string(p.m) + "x" + std::to_string(p.n) + "x" + std::to_string(p.k);
}

int64_t ceilDiv(int64_t x, int64_t y) { return (x + y - 1) / y; }

/// ref::mpgemm of a [M, K] and w [N, K], with the per-element tolerance of the file comment.
std::vector<float> reference(const std::vector<float> &a, const std::vector<float> &w,
                             const Problem &p, std::vector<double> &tolerance) {
  ref::FloatTensor result =
      ref::mpgemm(ref::FloatTensor{{p.m, p.k}, a}, ref::FloatTensor{{p.n, p.k}, w}, nullptr);
  tolerance.assign(p.m * p.n, 0);
  for (int64_t i = 0; i < p.m; ++i)
    for (int64_t j = 0; j < p.n; ++j) {
      double magnitude = 0;
      for (int64_t kk = 0; kk < p.k; ++kk)
        magnitude += std::fabs(double(a[i * p.k + kk]) * w[j * p.k + kk]);
      tolerance[i * p.n + j] = 2.0 * (p.k + 1) * std::ldexp(magnitude, -24) + 1e-30;
    }
  return result.data;
}

/// C = A x B with f16 A [M, K] and B [K, N] through `kernel` with blocks of `blockM x blockN`.
void runF16Gemm(const char *kernel, int64_t blockM, int64_t blockN, const Problem &p) {
  SCOPED_TRACE("M x N x K = " + describe(p));
  SCOPED_TRACE(seedNote());
  std::mt19937_64 rng = makeRng(std::string("f16") + std::to_string(blockM) + describe(p));
  std::vector<float> a, b;
  HostTensor aTensor = randomReals("f16", {p.m, p.k}, -1, 1, rng, a);
  HostTensor bTensor = randomReals("f16", {p.k, p.n}, -1, 1, rng, b);
  std::string source = std::string(kMmaLayouts) +
                       substitute(kernel, {{"@GM@", std::to_string(ceilDiv(p.m, blockM))},
                                           {"@GN@", std::to_string(ceilDiv(p.n, blockN))}}) +
                       buildHostFunction({{"a", {p.m, p.k}, "f16"}, {"b", {p.k, p.n}, "f16"}},
                                         {"c", {p.m, p.n}, "f32"}, "gemm",
                                         {{std::to_string(p.m), "index"},
                                          {std::to_string(p.n), "index"},
                                          {std::to_string(p.k), "index"}});
  std::vector<double> got = runHost(source, {aTensor, bTensor});
  if (got.empty())
    return;
  std::vector<float> w(p.n * p.k); // the reference takes the weight as [N, K]
  for (int64_t kk = 0; kk < p.k; ++kk)
    for (int64_t j = 0; j < p.n; ++j)
      w[j * p.k + kk] = b[kk * p.n + j];
  std::vector<double> tolerance;
  std::vector<float> want = reference(a, w, p, tolerance);
  expectClose(got, want, tolerance, p.n);
}

TEST(TileGemm, F16OneWarpPerBlock) {
  for (Problem p : {Problem{32, 32, 48}, Problem{40, 20, 37}, Problem{17, 9, 5}})
    runF16Gemm(kGemmF16, 16, 8, p);
}

TEST(TileGemm, F16SharedMemoryFourWarps) {
  for (Problem p : {Problem{32, 32, 48}, Problem{45, 30, 40}, Problem{64, 48, 16}})
    runF16Gemm(kGemmF16Shared, 32, 16, p);
}

/// The one-warp kernel on i8 operands with an i32 accumulator: exact.
TEST(TileGemm, I8OneWarpPerBlock) {
  Problem p{40, 20, 37};
  SCOPED_TRACE(seedNote());
  std::mt19937_64 rng = makeRng("i8" + describe(p));
  std::vector<double> a(p.m * p.k), b(p.k * p.n);
  for (double &value : a)
    value = static_cast<int8_t>(rng() & 0xFF);
  for (double &value : b)
    value = static_cast<int8_t>(rng() & 0xFF);
  std::string kernel = substitute(kGemmF16, {{"xf16", "xi8"},
                                             {"xf32", "xi32"},
                                             {"0.0 : f32", "0 : i32"},
                                             {"@GM@", std::to_string(ceilDiv(p.m, 16))},
                                             {"@GN@", std::to_string(ceilDiv(p.n, 8))}});
  std::string source = std::string(kMmaLayouts) + kernel +
                       buildHostFunction({{"a", {p.m, p.k}, "i8"}, {"b", {p.k, p.n}, "i8"}},
                                         {"c", {p.m, p.n}, "i32"}, "gemm",
                                         {{std::to_string(p.m), "index"},
                                          {std::to_string(p.n), "index"},
                                          {std::to_string(p.k), "index"}});
  std::vector<double> got =
      runHost(source, {makeTensor("i8", {p.m, p.k}, a), makeTensor("i8", {p.k, p.n}, b)});
  if (got.empty())
    return;
  std::vector<float> want(p.m * p.n);
  for (int64_t i = 0; i < p.m; ++i)
    for (int64_t j = 0; j < p.n; ++j) {
      int64_t sum = 0;
      for (int64_t kk = 0; kk < p.k; ++kk)
        sum += static_cast<int64_t>(a[i * p.k + kk]) * static_cast<int64_t>(b[kk * p.n + j]);
      want[i * p.n + j] = static_cast<float>(sum); // |sum| < 2^24: exact
    }
  expectClose(got, want, std::vector<double>(p.m * p.n, 0), p.n);
}

/// W4A16: random ui4 codes W [N, K] with zero point 8 and f16 scales per group of 16 along K.
void runW4A16Gemm(const Problem &p) {
  SCOPED_TRACE("M x N x K = " + describe(p));
  SCOPED_TRACE(seedNote());
  std::mt19937_64 rng = makeRng("w4a16" + describe(p));
  int64_t groups = ceilDiv(p.k, 16), tilesN = ceilDiv(p.n, 16);
  std::vector<float> a, scales; // scales as the kernel reads them: [groups, N]
  HostTensor aTensor = randomReals("f16", {p.m, p.k}, -1, 1, rng, a);
  HostTensor sTensor = randomReals("f16", {groups, p.n}, 0.01, 0.1, rng, scales);
  std::vector<uint32_t> codes(p.n * p.k);
  for (uint32_t &code : codes)
    code = rng() % 16;

  // Pre-pack for the kernel: word t of tile (g, j) holds the codes of #BW's worker t, local l
  // in bits [4l, 4l + 4); padding outside the matrix is the zero point.
  layout::RegisterLayout bw = llvm::cantFail(
      layout::parseRegisterLayout("column_local(2,2).column_spatial(4,8).local(2,1)"));
  std::vector<double> words(groups * tilesN * 32);
  for (int64_t g = 0; g < groups; ++g)
    for (int64_t j = 0; j < tilesN; ++j)
      for (int64_t t = 0; t < 32; ++t) {
        uint32_t word = 0;
        for (int64_t l = 0; l < 8; ++l) {
          llvm::SmallVector<int64_t, 4> index = bw.getLogicalIndex(t, l); // (k, n) in the tile
          int64_t kk = g * 16 + index[0], nn = j * 16 + index[1];
          uint32_t code = kk < p.k && nn < p.n ? codes[nn * p.k + kk] : 8;
          word |= code << (4 * l);
        }
        words[(g * tilesN + j) * 32 + t] = static_cast<int32_t>(word);
      }
  HostTensor wTensor = makeTensor("i32", {groups, tilesN * 32}, words);

  std::string source = std::string(kMmaLayouts) +
                       substitute(kGemmW4A16, {{"@GM@", std::to_string(ceilDiv(p.m, 16))},
                                               {"@GN@", std::to_string(tilesN)}}) +
                       buildHostFunction({{"a", {p.m, p.k}, "f16"},
                                          {"w", {groups, tilesN * 32}, "i32"},
                                          {"s", {groups, p.n}, "f16"}},
                                         {"c", {p.m, p.n}, "f32"}, "gemm",
                                         {{std::to_string(p.m), "index"},
                                          {std::to_string(p.n), "index"},
                                          {std::to_string(p.k), "index"}});
  std::vector<double> got = runHost(source, {aTensor, wTensor, sTensor});
  if (got.empty())
    return;

  // The reference dequantizes W [N, K] (group 16 along K, zero point 8); the kernel multiplies
  // in f16, so each weight is rounded to f16 as the kernel's tile.mul does.
  ref::QuantScheme scheme;
  scheme.granularity = ref::Granularity::Group;
  scheme.axis = 1;
  scheme.groupSize = 16;
  scheme.hasZero = true;
  ref::QuantParams params;
  params.scale = ref::FloatTensor{{p.n, groups}, std::vector<float>(p.n * groups)};
  params.zero = ref::FloatTensor{{p.n, groups}, std::vector<float>(p.n * groups, 8.0f)};
  for (int64_t j = 0; j < p.n; ++j)
    for (int64_t g = 0; g < groups; ++g)
      params.scale.data[j * groups + g] = scales[g * p.n + j];
  ref::FloatTensor w = ref::dequantize(ref::ElementFormat::unsignedInt(4), scheme,
                                       ref::CodeTensor{{p.n, p.k}, codes}, params);
  for (float &value : w.data)
    value = static_cast<float>(ref::roundTo(ref::ElementFormat::f16(), value));
  std::vector<double> tolerance;
  std::vector<float> want = reference(a, w.data, p, tolerance);
  expectClose(got, want, tolerance, p.n);
}

TEST(TileGemm, W4A16PackedWeightViewCast) {
  for (Problem p : {Problem{32, 32, 48}, Problem{40, 20, 37}, Problem{7, 33, 70}})
    runW4A16Gemm(p);
}

} // namespace
