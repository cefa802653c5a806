//===- ReferenceInterpreterTest.cpp - The reference engine on small functions ===//
//
// Each test parses a function, runs it on hand-made host tensors and checks the results against
// values worked out by hand (bytes for packing, values for arithmetic).
//
//===----------------------------------------------------------------------===//

#include "lowbit/Execution/ReferenceInterpreter.h"

#include "lowbit/LowbitDialect.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"

#include "gtest/gtest.h"

#include <cmath>
#include <limits>

using namespace lowbit;
using namespace mlir;

namespace {

class ReferenceInterpreterTest : public ::testing::Test {
protected:
  ReferenceInterpreterTest() {
    context.loadDialect<LowbitDialect, func::FuncDialect, arith::ArithDialect,
                        tensor::TensorDialect>();
  }

  /// The first function of `source` (parsed as "test.mlir"); null when it does not parse.
  func::FuncOp parse(llvm::StringRef source) {
    module = parseSourceString<ModuleOp>(source, ParserConfig(&context), "test.mlir");
    if (!module) {
      ADD_FAILURE() << "cannot parse:\n" << source.str();
      return {};
    }
    auto funcs = module->getOps<func::FuncOp>();
    if (funcs.empty()) {
      ADD_FAILURE() << "no function";
      return {};
    }
    return *funcs.begin();
  }

  Type type(llvm::StringRef text) {
    llvm::Expected<Type> parsed = parseTypeText(&context, text);
    if (!parsed) {
      ADD_FAILURE() << llvm::toString(parsed.takeError());
      return {};
    }
    return *parsed;
  }

  /// A tensor holding `values` (encoded as encodeValues does).
  HostTensor tensor(llvm::StringRef elementType, std::vector<int64_t> shape,
                    std::vector<double> values) {
    llvm::Expected<HostTensor> encoded = encodeValues(type(elementType), shape, values);
    if (!encoded) {
      ADD_FAILURE() << llvm::toString(encoded.takeError());
      return {};
    }
    return *encoded;
  }

  /// A tensor from its storage bytes.
  HostTensor raw(llvm::StringRef elementType, std::vector<int64_t> shape,
                 std::vector<uint8_t> bytes) {
    return HostTensor{type(elementType), std::move(shape), std::move(bytes)};
  }

  static std::vector<double> valuesOf(const HostTensor &tensor) {
    llvm::Expected<std::vector<double>> values = decodeValues(tensor);
    if (!values) {
      ADD_FAILURE() << llvm::toString(values.takeError());
      return {};
    }
    return *values;
  }

  /// Runs the function of `source`; fails the test on an error.
  std::vector<HostTensor> run(llvm::StringRef source, llvm::ArrayRef<HostTensor> inputs) {
    func::FuncOp func = parse(source);
    if (!func)
      return {};
    llvm::Expected<std::vector<HostTensor>> results = runReference(func, inputs);
    if (!results) {
      ADD_FAILURE() << llvm::toString(results.takeError());
      return {};
    }
    return std::move(*results);
  }

  /// The error message of running the function of `source` ("" when it succeeds).
  std::string errorOf(llvm::StringRef source, llvm::ArrayRef<HostTensor> inputs) {
    func::FuncOp func = parse(source);
    if (!func)
      return "<parse error>";
    llvm::Expected<std::vector<HostTensor>> results = runReference(func, inputs);
    if (results)
      return "";
    return llvm::toString(results.takeError());
  }

  MLIRContext context;
  OwningOpRef<ModuleOp> module;
};

using Bytes = std::vector<uint8_t>;
using Values = std::vector<double>;

TEST_F(ReferenceInterpreterTest, DequantizePerChannelSi4) {
  // Codes [[1, -2, 7], [-8, 0, 3]]: row 0 packs to 0xE1 0x07, row 1 to 0x08 0x03.
  HostTensor q = raw("si4", {2, 3}, {0xE1, 0x07, 0x08, 0x03});
  HostTensor scale = tensor("f32", {2}, {0.5, 2.0});
  std::vector<HostTensor> results = run(R"mlir(
    func.func @f(%q: tensor<2x3xsi4>, %s: tensor<2xf32>) -> tensor<2x3xf32> {
      %r = lowbit.dequantize %q scale(%s) {scheme = #lowbit.scheme<per_channel(axis = 0), scale = f32>}
             : (tensor<2x3xsi4>, tensor<2xf32>) -> tensor<2x3xf32>
      return %r : tensor<2x3xf32>
    })mlir",
                                        {q, scale});
  ASSERT_EQ(results.size(), 1u);
  EXPECT_EQ(results[0].elementType, type("f32"));
  EXPECT_EQ(results[0].shape, (std::vector<int64_t>{2, 3}));
  EXPECT_EQ(valuesOf(results[0]), (Values{0.5, -1.0, 3.5, -16.0, 0.0, 6.0}));
}

TEST_F(ReferenceInterpreterTest, DequantizeGroupWithIntZeroToF16) {
  // ui4 [[0, 3, 15, 8]], groups of 2 along axis 1: scales [0.25, 3], zero points [2, 8].
  HostTensor q = tensor("ui4", {1, 4}, {0, 3, 15, 8});
  HostTensor scale = tensor("f16", {1, 2}, {0.25, 3.0});
  HostTensor zero = tensor("ui4", {1, 2}, {2, 8});
  std::vector<HostTensor> results = run(R"mlir(
    func.func @f(%q: tensor<1x4xui4>, %s: tensor<1x2xf16>, %z: tensor<1x2xui4>) -> tensor<1x4xf16> {
      %r = lowbit.dequantize %q scale(%s) zero(%z)
             {scheme = #lowbit.scheme<group(axis = 1, size = 2), scale = f16, zero = int>}
             : (tensor<1x4xui4>, tensor<1x2xf16>, tensor<1x2xui4>) -> tensor<1x4xf16>
      return %r : tensor<1x4xf16>
    })mlir",
                                        {q, scale, zero});
  ASSERT_EQ(results.size(), 1u);
  EXPECT_EQ(results[0].elementType, type("f16"));
  EXPECT_EQ(valuesOf(results[0]), (Values{-0.5, 0.25, 21.0, 0.0}));
}

TEST_F(ReferenceInterpreterTest, DequantizeNF4Codebook) {
  HostTensor q = tensor("ui4", {4}, {0, 7, 15, 8});
  HostTensor scale = tensor("bf16", {}, {2.0});
  std::vector<HostTensor> results = run(R"mlir(
    func.func @f(%q: tensor<4xui4>, %s: tensor<bf16>) -> tensor<4xf32> {
      %r = lowbit.dequantize %q scale(%s)
             {scheme = #lowbit.scheme<per_tensor, scale = bf16, codebook = nf4>}
             : (tensor<4xui4>, tensor<bf16>) -> tensor<4xf32>
      return %r : tensor<4xf32>
    })mlir",
                                        {q, scale});
  ASSERT_EQ(results.size(), 1u);
  llvm::ArrayRef<float> nf4 = getNF4Codebook();
  EXPECT_EQ(valuesOf(results[0]),
            (Values{2.0 * nf4[0], 2.0 * nf4[7], 2.0 * nf4[15], 2.0 * nf4[8]}));
  EXPECT_EQ(valuesOf(results[0])[0], -2.0);
  EXPECT_EQ(valuesOf(results[0])[2], 2.0);
}

TEST_F(ReferenceInterpreterTest, QuantizePerTensorSi4) {
  // t = x / 0.5 = [2, -2.6, 200, -200, 0.5, 1.5] -> roundeven and clamp to [-8, 7].
  HostTensor x = tensor("f32", {2, 3}, {1.0, -1.3, 100.0, -100.0, 0.25, 0.75});
  HostTensor scale = tensor("f32", {}, {0.5});
  std::vector<HostTensor> results = run(R"mlir(
    func.func @f(%x: tensor<2x3xf32>, %s: tensor<f32>) -> tensor<2x3xsi4> {
      %q = lowbit.quantize %x scale(%s) {scheme = #lowbit.scheme<per_tensor, scale = f32>}
             : (tensor<2x3xf32>, tensor<f32>) -> tensor<2x3xsi4>
      return %q : tensor<2x3xsi4>
    })mlir",
                                        {x, scale});
  ASSERT_EQ(results.size(), 1u);
  EXPECT_EQ(results[0].elementType, type("si4"));
  EXPECT_EQ(valuesOf(results[0]), (Values{2, -3, 7, -8, 0, 2}));
  // Codes 2, 0xD, 7 | 8, 0, 2.
  EXPECT_EQ(results[0].bytes, (Bytes{0xD2, 0x07, 0x08, 0x02}));
}

TEST_F(ReferenceInterpreterTest, QuantizeWithZeroPoint) {
  // t = x / 0.5 + 8 = [8, 10, 6, 15 (clamped from 208)].
  HostTensor x = tensor("f32", {1, 4}, {0.0, 1.0, -1.0, 100.0});
  HostTensor scale = tensor("f16", {1}, {0.5});
  HostTensor zero = tensor("ui4", {1}, {8});
  std::vector<HostTensor> results = run(R"mlir(
    func.func @f(%x: tensor<1x4xf32>, %s: tensor<1xf16>, %z: tensor<1xui4>) -> tensor<1x4xui4> {
      %q = lowbit.quantize %x scale(%s) zero(%z)
             {scheme = #lowbit.scheme<per_channel(axis = 0), scale = f16, zero = int>}
             : (tensor<1x4xf32>, tensor<1xf16>, tensor<1xui4>) -> tensor<1x4xui4>
      return %q : tensor<1x4xui4>
    })mlir",
                                        {x, scale, zero});
  ASSERT_EQ(results.size(), 1u);
  EXPECT_EQ(valuesOf(results[0]), (Values{8, 10, 6, 15}));
}

TEST_F(ReferenceInterpreterTest, QuantizeMXFP4) {
  // Scale 2^1 (E8M0 code 128): t = [0.5, 1.5, 2.5, 50] -> f4E2M1FN 0.5, 1.5, 2 (tie to even),
  // 6 (saturated).
  HostTensor x = tensor("f32", {1, 4}, {1.0, 3.0, 5.0, 100.0});
  HostTensor scale = raw("f8E8M0FNU", {1, 1}, {128});
  std::vector<HostTensor> results = run(R"mlir(
    func.func @f(%x: tensor<1x4xf32>, %s: tensor<1x1xf8E8M0FNU>) -> tensor<1x4xf4E2M1FN> {
      %q = lowbit.quantize %x scale(%s)
             {scheme = #lowbit.scheme<group(axis = 1, size = 4), scale = f8E8M0FNU>}
             : (tensor<1x4xf32>, tensor<1x1xf8E8M0FNU>) -> tensor<1x4xf4E2M1FN>
      return %q : tensor<1x4xf4E2M1FN>
    })mlir",
                                        {x, scale});
  ASSERT_EQ(results.size(), 1u);
  EXPECT_EQ(valuesOf(results[0]), (Values{0.5, 1.5, 2.0, 6.0}));
}

TEST_F(ReferenceInterpreterTest, QuantizeNVFP4WithTensorScale) {
  // s = 0.5 * 4 = 2 (f8E4M3FN 0.5 is code 0x30): t = [0.5, -1, 3].
  HostTensor x = tensor("f32", {1, 3}, {1.0, -2.0, 6.0});
  HostTensor scale = raw("f8E4M3FN", {1, 1}, {0x30});
  HostTensor tensorScale = tensor("f32", {}, {4.0});
  std::vector<HostTensor> results = run(R"mlir(
    func.func @f(%x: tensor<1x3xf32>, %s: tensor<1x1xf8E4M3FN>, %t: tensor<f32>) -> tensor<1x3xf4E2M1FN> {
      %q = lowbit.quantize %x scale(%s) tensor_scale(%t)
             {scheme = #lowbit.scheme<group(axis = 1, size = 16), scale = f8E4M3FN, tensor_scale>}
             : (tensor<1x3xf32>, tensor<1x1xf8E4M3FN>, tensor<f32>) -> tensor<1x3xf4E2M1FN>
      return %q : tensor<1x3xf4E2M1FN>
    })mlir",
                                        {x, scale, tensorScale});
  ASSERT_EQ(results.size(), 1u);
  EXPECT_EQ(valuesOf(results[0]), (Values{0.5, -1.0, 3.0}));
}

TEST_F(ReferenceInterpreterTest, InlineAndOperandCodebooks) {
  // Nearest entries of [-1, 0, 0.5, 2]: 0.3 -> 0.5, -5 -> -1, 1.2 -> 0.5, 0.25 -> 0 (a tie
  // between 0 and 0.5 goes to the lower index). Dequantizing with the same table as an f16
  // operand and scale 2 doubles the entries.
  HostTensor x = tensor("f32", {4}, {0.3, -5.0, 1.2, 0.25});
  HostTensor one = tensor("f32", {}, {1.0});
  HostTensor two = tensor("f32", {}, {2.0});
  HostTensor table = tensor("f16", {4}, {-1.0, 0.0, 0.5, 2.0});
  std::vector<HostTensor> results = run(R"mlir(
    func.func @f(%x: tensor<4xf32>, %one: tensor<f32>, %two: tensor<f32>, %t: tensor<4xf16>)
        -> (tensor<4xui2>, tensor<4xf32>) {
      %q = lowbit.quantize %x scale(%one)
             {scheme = #lowbit.scheme<per_tensor, scale = f32, codebook = [-1.0, 0.0, 0.5, 2.0]>}
             : (tensor<4xf32>, tensor<f32>) -> tensor<4xui2>
      %r = lowbit.dequantize %q scale(%two) codebook(%t)
             {scheme = #lowbit.scheme<per_tensor, scale = f32, codebook = operand>}
             : (tensor<4xui2>, tensor<f32>, tensor<4xf16>) -> tensor<4xf32>
      return %q, %r : tensor<4xui2>, tensor<4xf32>
    })mlir",
                                        {x, one, two, table});
  ASSERT_EQ(results.size(), 2u);
  EXPECT_EQ(valuesOf(results[0]), (Values{2, 0, 2, 1}));
  EXPECT_EQ(valuesOf(results[1]), (Values{1.0, -2.0, 1.0, 0.0}));
}

TEST_F(ReferenceInterpreterTest, UnpackAndPackUi3OddK) {
  // Rows [1, 2, 3, 4, 5] and [7, 0, 0, 0, 6] of 3 bits: 15 bits per row, so bit 15 of each row
  // is padding. The input bytes have it set (0xD8, 0xE0 instead of 0x58, 0x60).
  HostTensor bytes = raw("i8", {2, 2}, {0xD1, 0xD8, 0x07, 0xE0});
  std::vector<HostTensor> results = run(R"mlir(
    func.func @f(%b: tensor<2x2xi8>) -> (tensor<2x5xui3>, tensor<2x2xi8>) {
      %q = lowbit.unpack %b : tensor<2x2xi8> -> tensor<2x5xui3>
      %p = lowbit.pack %q : tensor<2x5xui3> -> tensor<2x2xi8>
      return %q, %p : tensor<2x5xui3>, tensor<2x2xi8>
    })mlir",
                                        {bytes});
  ASSERT_EQ(results.size(), 2u);
  EXPECT_EQ(results[0].elementType, type("ui3"));
  EXPECT_EQ(results[0].shape, (std::vector<int64_t>{2, 5}));
  EXPECT_EQ(valuesOf(results[0]), (Values{1, 2, 3, 4, 5, 7, 0, 0, 0, 6}));
  EXPECT_EQ(results[0].bytes, (Bytes{0xD1, 0x58, 0x07, 0x60}));
  EXPECT_EQ(results[1].elementType, type("i8"));
  EXPECT_EQ(results[1].bytes, (Bytes{0xD1, 0x58, 0x07, 0x60}));
}

TEST_F(ReferenceInterpreterTest, PackClearsPaddingOfAnInput) {
  HostTensor q = raw("ui3", {2, 5}, {0xD1, 0xD8, 0x07, 0xE0});
  std::vector<HostTensor> results = run(R"mlir(
    func.func @f(%q: tensor<2x5xui3>) -> tensor<2x2xi8> {
      %p = lowbit.pack %q : tensor<2x5xui3> -> tensor<2x2xi8>
      return %p : tensor<2x2xi8>
    })mlir",
                                        {q});
  ASSERT_EQ(results.size(), 1u);
  EXPECT_EQ(results[0].shape, (std::vector<int64_t>{2, 2}));
  EXPECT_EQ(results[0].bytes, (Bytes{0xD1, 0x58, 0x07, 0x60}));
}

TEST_F(ReferenceInterpreterTest, PackRankZero) {
  HostTensor q = tensor("si4", {}, {-3});
  std::vector<HostTensor> results = run(R"mlir(
    func.func @f(%q: tensor<si4>) -> tensor<1xi8> {
      %p = lowbit.pack %q : tensor<si4> -> tensor<1xi8>
      return %p : tensor<1xi8>
    })mlir",
                                        {q});
  ASSERT_EQ(results.size(), 1u);
  EXPECT_EQ(results[0].bytes, (Bytes{0x0D}));
}

TEST_F(ReferenceInterpreterTest, MpgemmWeightOnlyWithBias) {
  // W = [[1, 0, -1], [2, 2, 2]] * [1, 0.5] per row = [[1, 0, -1], [1, 1, 1]].
  // y = [[1 - 3 + 0.5, 6 - 1], [4 - 6 + 0.5, 15 - 1]].
  HostTensor a = tensor("f32", {2, 3}, {1, 2, 3, 4, 5, 6});
  HostTensor w = tensor("si8", {2, 3}, {1, 0, -1, 2, 2, 2});
  HostTensor scale = tensor("f32", {2}, {1.0, 0.5});
  HostTensor bias = tensor("f32", {2}, {0.5, -1.0});
  std::vector<HostTensor> results = run(R"mlir(
    func.func @f(%a: tensor<2x3xf32>, %w: tensor<2x3xsi8>, %s: tensor<2xf32>, %b: tensor<2xf32>)
        -> tensor<2x2xf32> {
      %y = lowbit.mpgemm %a, %w scale(%s) bias(%b)
             {weight_scheme = #lowbit.scheme<per_channel(axis = 0), scale = f32>}
             : (tensor<2x3xf32>, tensor<2x3xsi8>, tensor<2xf32>, tensor<2xf32>) -> tensor<2x2xf32>
      return %y : tensor<2x2xf32>
    })mlir",
                                        {a, w, scale, bias});
  ASSERT_EQ(results.size(), 1u);
  EXPECT_EQ(results[0].shape, (std::vector<int64_t>{2, 2}));
  EXPECT_EQ(valuesOf(results[0]), (Values{-1.5, 5.0, -1.5, 14.0}));
}

TEST_F(ReferenceInterpreterTest, MpgemmQuantizedActivationsToF16) {
  // A = [[1, 2, 3], [4, 5, 6]] * [1, 2] per row = [[1, 2, 3], [8, 10, 12]];
  // W as above; y = [[-2, 6], [-4, 30]].
  HostTensor a = tensor("si8", {2, 3}, {1, 2, 3, 4, 5, 6});
  HostTensor w = tensor("si4", {2, 3}, {1, 0, -1, 2, 2, 2});
  HostTensor scale = tensor("f32", {2}, {1.0, 0.5});
  HostTensor actScale = tensor("f32", {2}, {1.0, 2.0});
  std::vector<HostTensor> results = run(R"mlir(
    func.func @f(%a: tensor<2x3xsi8>, %w: tensor<2x3xsi4>, %s: tensor<2xf32>, %as: tensor<2xf32>)
        -> tensor<2x2xf16> {
      %y = lowbit.mpgemm %a, %w scale(%s) act_scale(%as)
             {weight_scheme = #lowbit.scheme<per_channel(axis = 0), scale = f32>,
              act_scheme = #lowbit.scheme<per_channel(axis = 0), scale = f32>}
             : (tensor<2x3xsi8>, tensor<2x3xsi4>, tensor<2xf32>, tensor<2xf32>) -> tensor<2x2xf16>
      return %y : tensor<2x2xf16>
    })mlir",
                                        {a, w, scale, actScale});
  ASSERT_EQ(results.size(), 1u);
  EXPECT_EQ(results[0].elementType, type("f16"));
  EXPECT_EQ(valuesOf(results[0]), (Values{-2.0, 6.0, -4.0, 30.0}));
}

TEST_F(ReferenceInterpreterTest, MpgemmRoundsResultToBF16) {
  // 1 + 2^-8 lies halfway between the bf16 neighbours 1 and 1 + 2^-7: ties to even give 1.
  HostTensor a = tensor("f32", {1, 2}, {1.0, 1.0 / 256});
  HostTensor w = tensor("si8", {1, 2}, {1, 1});
  HostTensor scale = tensor("f32", {}, {1.0});
  std::vector<HostTensor> results = run(R"mlir(
    func.func @f(%a: tensor<1x2xf32>, %w: tensor<1x2xsi8>, %s: tensor<f32>) -> tensor<1x1xbf16> {
      %y = lowbit.mpgemm %a, %w scale(%s) {weight_scheme = #lowbit.scheme<per_tensor, scale = f32>}
             : (tensor<1x2xf32>, tensor<1x2xsi8>, tensor<f32>) -> tensor<1x1xbf16>
      return %y : tensor<1x1xbf16>
    })mlir",
                                        {a, w, scale});
  ASSERT_EQ(results.size(), 1u);
  EXPECT_EQ(results[0].bytes, (Bytes{0x80, 0x3F}));
}

TEST_F(ReferenceInterpreterTest, AttentionWithQuantizedKeysAndMask) {
  // Both keys dequantize to 1, so both scores are equal: the output is the mean of v (3); the
  // mask hides key 1 in the second function, leaving v[0] (2).
  HostTensor q = tensor("f32", {1, 1, 1, 1}, {1.0});
  HostTensor k = tensor("si4", {1, 1, 2, 1}, {2, 2});
  HostTensor kScale = tensor("f32", {}, {0.5});
  HostTensor v = tensor("f32", {1, 1, 2, 1}, {2.0, 4.0});
  HostTensor mask = tensor("f32", {1, 1, 1, 2}, {0.0, -std::numeric_limits<double>::infinity()});
  const char *source = R"mlir(
    func.func @f(%q: tensor<1x1x1x1xf32>, %k: tensor<1x1x2x1xsi4>, %ks: tensor<f32>,
                 %v: tensor<1x1x2x1xf32>, %m: tensor<1x1x1x2xf32>) -> (tensor<1x1x1x1xf32>, tensor<1x1x1x1xf32>) {
      %o = lowbit.attention %q, %k, %v k_scale(%ks)
             {causal, k_scheme = #lowbit.scheme<per_tensor, scale = f32>}
             : (tensor<1x1x1x1xf32>, tensor<1x1x2x1xsi4>, tensor<1x1x2x1xf32>, tensor<f32>)
             -> tensor<1x1x1x1xf32>
      %p = lowbit.attention %q, %k, %v k_scale(%ks) mask(%m)
             {k_scheme = #lowbit.scheme<per_tensor, scale = f32>}
             : (tensor<1x1x1x1xf32>, tensor<1x1x2x1xsi4>, tensor<1x1x2x1xf32>, tensor<f32>,
                tensor<1x1x1x2xf32>) -> tensor<1x1x1x1xf32>
      return %o, %p : tensor<1x1x1x1xf32>, tensor<1x1x1x1xf32>
    })mlir";
  std::vector<HostTensor> results = run(source, {q, k, kScale, v, mask});
  ASSERT_EQ(results.size(), 2u);
  EXPECT_EQ(valuesOf(results[0]), (Values{3.0}));
  EXPECT_EQ(valuesOf(results[1]), (Values{2.0}));
}

TEST_F(ReferenceInterpreterTest, MoeTopOneSiLU) {
  // Expert 1 wins (logit 1 > 0) with weight 1 after normalization:
  // y = 3 * (silu(1 * 1) * (2 * 1)).
  HostTensor x = tensor("f32", {1, 1}, {1.0});
  HostTensor logits = tensor("f32", {1, 2}, {0.0, 1.0});
  HostTensor wg = tensor("f32", {2, 1, 1}, {5.0, 1.0});
  HostTensor wu = tensor("f32", {2, 1, 1}, {5.0, 2.0});
  HostTensor wd = tensor("f32", {2, 1, 1}, {5.0, 3.0});
  std::vector<HostTensor> results = run(R"mlir(
    func.func @f(%x: tensor<1x1xf32>, %l: tensor<1x2xf32>, %wg: tensor<2x1x1xf32>,
                 %wu: tensor<2x1x1xf32>, %wd: tensor<2x1x1xf32>) -> tensor<1x1xf32> {
      %y = lowbit.moe %x, %l gate(%wg) up(%wu) down(%wd)
             {top_k = 1 : i64, activation = #lowbit.activation<silu>, normalize_topk}
             : (tensor<1x1xf32>, tensor<1x2xf32>, tensor<2x1x1xf32>, tensor<2x1x1xf32>,
                tensor<2x1x1xf32>) -> tensor<1x1xf32>
      return %y : tensor<1x1xf32>
    })mlir",
                                        {x, logits, wg, wu, wd});
  ASSERT_EQ(results.size(), 1u);
  double expected = 3.0 * (1.0 / (1.0 + std::exp(-1.0))) * 2.0;
  ASSERT_EQ(valuesOf(results[0]).size(), 1u);
  EXPECT_NEAR(valuesOf(results[0])[0], expected, 1e-6);
}

TEST_F(ReferenceInterpreterTest, Constants) {
  std::vector<HostTensor> results = run(R"mlir(
    func.func @f() -> (tensor<3xsi4>, tensor<2xf4E2M1FN>, tensor<2x2xf32>, tensor<2xi64>,
                       tensor<3xui3>, tensor<2xf16>) {
      %a = arith.constant dense<[1, -2, 7]> : tensor<3xsi4>
      %b = arith.constant dense<[0.5, -6.0]> : tensor<2xf4E2M1FN>
      %c = arith.constant dense<1.5> : tensor<2x2xf32>
      %d = arith.constant dense<[-1, 4294967296]> : tensor<2xi64>
      %e = arith.constant dense<[7, 0, 5]> : tensor<3xui3>
      %f = arith.constant dense<[1.0, -2.0]> : tensor<2xf16>
      return %a, %b, %c, %d, %e, %f : tensor<3xsi4>, tensor<2xf4E2M1FN>, tensor<2x2xf32>,
                                      tensor<2xi64>, tensor<3xui3>, tensor<2xf16>
    })mlir",
                                        {});
  ASSERT_EQ(results.size(), 6u);
  EXPECT_EQ(results[0].bytes, (Bytes{0xE1, 0x07}));
  EXPECT_EQ(valuesOf(results[0]), (Values{1, -2, 7}));
  EXPECT_EQ(results[1].bytes, (Bytes{0xF1}));
  EXPECT_EQ(valuesOf(results[1]), (Values{0.5, -6.0}));
  EXPECT_EQ(valuesOf(results[2]), (Values{1.5, 1.5, 1.5, 1.5}));
  EXPECT_EQ(results[3].bytes, (Bytes{0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, //
                                     0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00}));
  EXPECT_EQ(valuesOf(results[4]), (Values{7, 0, 5}));
  EXPECT_EQ(results[4].bytes, (Bytes{0x47, 0x01}));
  EXPECT_EQ(results[5].bytes, (Bytes{0x00, 0x3C, 0x00, 0xC0}));
}

TEST_F(ReferenceInterpreterTest, ConstantFeedsDequantize) {
  HostTensor scale = tensor("f32", {}, {0.25});
  std::vector<HostTensor> results = run(R"mlir(
    func.func @f(%s: tensor<f32>) -> tensor<3xf32> {
      %q = arith.constant dense<[-8, 1, 7]> : tensor<3xsi4>
      %r = lowbit.dequantize %q scale(%s) {scheme = #lowbit.scheme<per_tensor, scale = f32>}
             : (tensor<3xsi4>, tensor<f32>) -> tensor<3xf32>
      return %r : tensor<3xf32>
    })mlir",
                                        {scale});
  ASSERT_EQ(results.size(), 1u);
  EXPECT_EQ(valuesOf(results[0]), (Values{-2.0, 0.25, 1.75}));
}

TEST_F(ReferenceInterpreterTest, EmptyIsZeros) {
  std::vector<HostTensor> results = run(R"mlir(
    func.func @f() -> (tensor<2x3xf32>, tensor<3xui4>) {
      %a = tensor.empty() : tensor<2x3xf32>
      %b = tensor.empty() : tensor<3xui4>
      return %a, %b : tensor<2x3xf32>, tensor<3xui4>
    })mlir",
                                        {});
  ASSERT_EQ(results.size(), 2u);
  EXPECT_EQ(results[0].bytes, Bytes(24, 0));
  EXPECT_EQ(results[1].bytes, Bytes(2, 0));
}

TEST_F(ReferenceInterpreterTest, ReturnsArgumentsUnchanged) {
  HostTensor q = raw("ui3", {5}, {0xD1, 0xD8});
  std::vector<HostTensor> results = run(R"mlir(
    func.func @f(%q: tensor<5xui3>) -> tensor<5xui3> {
      return %q : tensor<5xui3>
    })mlir",
                                        {q});
  ASSERT_EQ(results.size(), 1u);
  EXPECT_EQ(results[0].bytes, q.bytes);
}

TEST_F(ReferenceInterpreterTest, UnsupportedOpNamesOpAndLocation) {
  HostTensor x = tensor("f32", {2}, {1.0, 2.0});
  std::string error = errorOf("func.func @f(%x: tensor<2xf32>) -> tensor<2xf32> {\n"
                              "  %y = arith.addf %x, %x : tensor<2xf32>\n"
                              "  return %y : tensor<2xf32>\n"
                              "}\n",
                              {x});
  EXPECT_EQ(error, "test.mlir:2:8: reference engine does not support 'arith.addf'");
}

TEST_F(ReferenceInterpreterTest, LocationInsideANameLoc) {
  HostTensor x = tensor("f32", {2}, {1.0, 2.0});
  std::string error = errorOf(R"mlir(
    func.func @f(%x: tensor<2xf32>) -> tensor<2xf32> {
      %y = arith.mulf %x, %x : tensor<2xf32> loc("mul"("model.mlir":7:9))
      return %y : tensor<2xf32>
    })mlir",
                              {x});
  EXPECT_EQ(error, "model.mlir:7:9: reference engine does not support 'arith.mulf'");
}

TEST_F(ReferenceInterpreterTest, NonFileLocationIsPrinted) {
  HostTensor x = tensor("f32", {2}, {1.0, 2.0});
  std::string error = errorOf(R"mlir(
    func.func @f(%x: tensor<2xf32>) -> tensor<2xf32> {
      %y = arith.mulf %x, %x : tensor<2xf32> loc(unknown)
      return %y : tensor<2xf32>
    })mlir",
                              {x});
  EXPECT_EQ(error, "loc(unknown): reference engine does not support 'arith.mulf'");
}

TEST_F(ReferenceInterpreterTest, ScalarConstantIsAnError) {
  std::string error = errorOf("func.func @f() -> f32 {\n"
                              "  %c = arith.constant 1.0 : f32\n"
                              "  return %c : f32\n"
                              "}\n",
                              {});
  EXPECT_NE(error.find("test.mlir:2:"), std::string::npos) << error;
  EXPECT_NE(error.find("dense tensor"), std::string::npos) << error;
}

TEST_F(ReferenceInterpreterTest, InputMismatchIsAnError) {
  const char *source = R"mlir(
    func.func @f(%x: tensor<2xf32>) -> tensor<2xf32> {
      return %x : tensor<2xf32>
    })mlir";
  EXPECT_NE(errorOf(source, {}).find("takes 1 arguments, got 0 inputs"), std::string::npos);
  std::string error = errorOf(source, {tensor("f32", {3}, {1, 2, 3})});
  EXPECT_NE(error.find("input #0"), std::string::npos) << error;
}

TEST_F(ReferenceInterpreterTest, DynamicShapesAreCheckedAtRunTime) {
  // The verifier accepts dynamic K; the engine reports the mismatch instead of asserting.
  const char *source = R"mlir(
    func.func @f(%a: tensor<1x?xf32>, %w: tensor<1x?xsi8>, %s: tensor<f32>) -> tensor<1x1xf32> {
      %y = lowbit.mpgemm %a, %w scale(%s) {weight_scheme = #lowbit.scheme<per_tensor, scale = f32>}
             : (tensor<1x?xf32>, tensor<1x?xsi8>, tensor<f32>) -> tensor<1x1xf32>
      return %y : tensor<1x1xf32>
    })mlir";
  HostTensor scale = tensor("f32", {}, {1.0});
  std::vector<HostTensor> results =
      run(source, {tensor("f32", {1, 2}, {1, 2}), tensor("si8", {1, 2}, {3, 4}), scale});
  ASSERT_EQ(results.size(), 1u);
  EXPECT_EQ(valuesOf(results[0]), (Values{11.0}));
  std::string error =
      errorOf(source, {tensor("f32", {1, 2}, {1, 2}), tensor("si8", {1, 3}, {3, 4, 5}), scale});
  EXPECT_NE(error.find("do not multiply"), std::string::npos) << error;
}

} // namespace
