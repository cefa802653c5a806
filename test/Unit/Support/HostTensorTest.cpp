//===- HostTensorTest.cpp - Storage, codes and values of host tensors -----===//

#include "lowbit/Support/HostTensor.h"

#include "lowbit/LowbitDialect.h"

#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/MLIRContext.h"

#include "gtest/gtest.h"

#include <cmath>
#include <random>

using namespace lowbit;
using namespace mlir;

namespace {

class HostTensorTest : public ::testing::Test {
protected:
  HostTensorTest() : seed(std::random_device()()), random(seed) {
    context.getOrLoadDialect<LowbitDialect>();
  }

  Type type(llvm::StringRef text) {
    llvm::Expected<Type> parsed = parseTypeText(&context, text);
    if (!parsed) {
      ADD_FAILURE() << llvm::toString(parsed.takeError());
      return {};
    }
    return *parsed;
  }

  /// The message of an expected failure ("" when it succeeded).
  template <typename T> static std::string errorOf(llvm::Expected<T> result) {
    if (result)
      return "";
    return llvm::toString(result.takeError());
  }

  MLIRContext context;
  uint64_t seed;
  std::mt19937_64 random;
};

TEST_F(HostTensorTest, StorageSize) {
  EXPECT_EQ(cantFail(storageSize(type("ui4"), {3, 7})), 12);
  EXPECT_EQ(cantFail(storageSize(type("si3"), {5})), 2);
  EXPECT_EQ(cantFail(storageSize(type("ui4"), {})), 1);
  EXPECT_EQ(cantFail(storageSize(type("f6E3M2FN"), {2, 4})), 6);
  EXPECT_EQ(cantFail(storageSize(type("!lowbit.ternary"), {2, 5})), 4);
  EXPECT_EQ(cantFail(storageSize(type("f32"), {2, 3})), 24);
  EXPECT_EQ(cantFail(storageSize(type("f64"), {})), 8);
  EXPECT_EQ(cantFail(storageSize(type("bf16"), {4})), 8);
  EXPECT_EQ(cantFail(storageSize(type("i1"), {4})), 4);
  EXPECT_EQ(cantFail(storageSize(type("ui64"), {2, 0})), 0);
  EXPECT_NE(errorOf(storageSize(type("index"), {2})).find("cannot hold"), std::string::npos);
  EXPECT_NE(errorOf(storageSize(type("i4"), {2})), "");
  EXPECT_NE(errorOf(storageSize(type("complex<f32>"), {2})), "");
  EXPECT_NE(errorOf(storageSize(type("f32"), {-1})), "");
  EXPECT_NE(errorOf(storageSize(type("f32"), {int64_t(1) << 40, int64_t(1) << 40})), "");
  EXPECT_NE(errorOf(storageSize(type("ui4"), {int64_t(1) << 62})), "");
}

TEST_F(HostTensorTest, ReferenceFormats) {
  EXPECT_EQ(cantFail(getReferenceFormat(type("i1"))), ref::ElementFormat::unsignedInt(1));
  EXPECT_EQ(cantFail(getReferenceFormat(type("si1"))), ref::ElementFormat::signedInt(1));
  EXPECT_EQ(cantFail(getReferenceFormat(type("i8"))), ref::ElementFormat::signedInt(8));
  EXPECT_EQ(cantFail(getReferenceFormat(type("ui16"))), ref::ElementFormat::unsignedInt(16));
  EXPECT_EQ(cantFail(getReferenceFormat(type("!lowbit.ternary"))), ref::ElementFormat::ternary());
  EXPECT_EQ(cantFail(getReferenceFormat(type("f8E8M0FNU"))), ref::ElementFormat::e8m0());
  EXPECT_EQ(cantFail(getReferenceFormat(type("f8E4M3FN"))), ref::ElementFormat::f8E4M3FN());
  EXPECT_EQ(cantFail(getReferenceFormat(type("bf16"))), ref::ElementFormat::bf16());
  ref::ElementFormat e3m4 = cantFail(getReferenceFormat(type("!lowbit.float<e3m4>")));
  EXPECT_EQ(e3m4, *ref::ElementFormat::fromName("e3m4"));
  ref::ElementFormat custom =
      cantFail(getReferenceFormat(type("!lowbit.float<e4m3, bias = 9, nan>")));
  EXPECT_EQ(custom, *ref::ElementFormat::fromName("e4m3b9_nan"));
  EXPECT_NE(errorOf(getReferenceFormat(type("i64"))), "");
  EXPECT_NE(errorOf(getReferenceFormat(type("f64"))), "");
  EXPECT_NE(errorOf(getReferenceFormat(type("index"))), "");
}

TEST_F(HostTensorTest, CodesPackLsbFirstPerRow) {
  HostTensor tensor = packCodes(type("ui4"), {2, 3}, {1, 2, 3, 4, 5, 6});
  EXPECT_EQ(tensor.bytes, (std::vector<uint8_t>{0x21, 0x03, 0x54, 0x06}));
  EXPECT_EQ(unpackCodes(tensor), (std::vector<uint32_t>{1, 2, 3, 4, 5, 6}));
  HostTensor words = packCodes(type("i16"), {2}, {0x1234, 0xABCD});
  EXPECT_EQ(words.bytes, (std::vector<uint8_t>{0x34, 0x12, 0xCD, 0xAB}));
  EXPECT_EQ(unpackCodes(words), (std::vector<uint32_t>{0x1234, 0xABCD}));
}

// Every value that a type holds survives encode + decode; other values round as the reference.
TEST_F(HostTensorTest, ValuesRoundTripThroughEveryType) {
  SCOPED_TRACE("seed " + std::to_string(seed));
  const char *types[] = {"f32",
                         "f16",
                         "bf16",
                         "f64",
                         "f4E2M1FN",
                         "f6E2M3FN",
                         "f6E3M2FN",
                         "f8E4M3FN",
                         "f8E5M2",
                         "f8E8M0FNU",
                         "!lowbit.float<e3m4>",
                         "!lowbit.float<e2m2, inf, nan>",
                         "!lowbit.ternary"};
  for (const char *text : types) {
    SCOPED_TRACE(text);
    Type elementType = type(text);
    std::vector<int64_t> shape = {3, 5};
    std::vector<double> values(15);
    for (double &value : values)
      value = std::ldexp(double(random() % 2001) - 1000, -int(random() % 12));
    HostTensor tensor = cantFail(encodeValues(elementType, shape, values));
    std::vector<double> decoded = cantFail(decodeValues(tensor));
    ASSERT_EQ(decoded.size(), values.size());
    for (size_t i = 0; i < values.size(); ++i) {
      double expected = values[i];
      if (!elementType.isF64()) {
        ref::ElementFormat format = cantFail(getReferenceFormat(elementType));
        expected =
            ref::decode(format, ref::encode(format, values[i], isLowbitElementType(elementType)));
      }
      EXPECT_EQ(decoded[i], expected) << "element " << i << " value " << values[i];
    }
    // Decoding and encoding again is the identity on the bytes.
    EXPECT_EQ(cantFail(encodeValues(elementType, shape, decoded)).bytes, tensor.bytes);
  }
}

TEST_F(HostTensorTest, IntegersRoundTripExactly) {
  SCOPED_TRACE("seed " + std::to_string(seed));
  const char *types[] = {"i1", "si1", "ui1",  "si3",  "ui4",  "si8", "ui8",
                         "i8", "i16", "ui16", "si32", "ui32", "i32"};
  for (const char *text : types) {
    SCOPED_TRACE(text);
    auto intType = cast<IntegerType>(type(text));
    unsigned width = intType.getWidth();
    bool isSigned = !intType.isUnsigned() && !(width == 1 && intType.isSignless());
    int64_t lowest = isSigned ? -(int64_t(1) << (width - 1)) : 0;
    std::vector<double> values(9);
    for (double &value : values)
      value = double(lowest + int64_t(random() % (uint64_t(1) << width)));
    HostTensor tensor = cantFail(encodeValues(intType, {9}, values));
    EXPECT_EQ(cantFail(decodeValues(tensor)), values);
  }
  // 64 bits: exact at the extremes.
  std::vector<double> signedEnds = {-std::ldexp(1.0, 63), 0, std::ldexp(1.0, 62)};
  HostTensor i64 = cantFail(encodeValues(type("si64"), {3}, signedEnds));
  EXPECT_EQ(cantFail(decodeValues(i64)), signedEnds);
  EXPECT_EQ(cantFail(formatValues(i64)),
            (std::vector<std::string>{"-9223372036854775808", "0", "4611686018427387904"}));
  std::vector<double> unsignedEnds = {0, std::ldexp(1.0, 64) - 2048};
  EXPECT_EQ(cantFail(decodeValues(cantFail(encodeValues(type("ui64"), {2}, unsignedEnds)))),
            unsignedEnds);
  // Round half to even.
  HostTensor rounded = cantFail(encodeValues(type("si8"), {4}, {0.5, 1.5, -2.5, 2.4}));
  EXPECT_EQ(cantFail(decodeValues(rounded)), (std::vector<double>{0, 2, -2, 2}));
}

TEST_F(HostTensorTest, IntegersOutOfRangeFail) {
  struct Case {
    const char *type;
    double value;
  } cases[] = {{"ui4", 16},
               {"ui4", -1},
               {"si4", 8},
               {"si4", -9},
               {"si8", -129},
               {"ui8", 255.6},
               {"i1", 2},
               {"i16", 32768},
               {"ui32", 4294967296.0},
               {"i64", 0x1p63},
               {"ui64", -1},
               {"ui64", 0x1p64},
               {"i32", std::nan("")},
               {"si3", INFINITY}};
  for (const Case &c : cases) {
    SCOPED_TRACE(std::string(c.type) + " " + std::to_string(c.value));
    std::string message = errorOf(encodeValues(type(c.type), {3}, {0, 1, c.value}));
    EXPECT_NE(message.find("element 2"), std::string::npos) << message;
    EXPECT_NE(message.find("out of range"), std::string::npos) << message;
  }
}

TEST_F(HostTensorTest, FloatsSaturateOrOverflow) {
  // Low-bit formats saturate; f16/bf16/f32 overflow to infinity.
  EXPECT_EQ(cantFail(decodeValues(cantFail(encodeValues(type("f4E2M1FN"), {2}, {100, -100})))),
            (std::vector<double>{6, -6}));
  EXPECT_EQ(cantFail(decodeValues(cantFail(encodeValues(type("!lowbit.ternary"), {2}, {5, -5})))),
            (std::vector<double>{1, -1}));
  std::vector<double> f16 = cantFail(decodeValues(cantFail(encodeValues(type("f16"), {1}, {1e6}))));
  EXPECT_TRUE(std::isinf(f16[0]));
  std::vector<double> nan = cantFail(decodeValues(cantFail(encodeValues(type("f32"), {1}, {NAN}))));
  EXPECT_TRUE(std::isnan(nan[0]));
}

TEST_F(HostTensorTest, BadArgumentsFail) {
  EXPECT_NE(errorOf(encodeValues(type("f32"), {2, 2}, {1, 2, 3})).find("4 elements"),
            std::string::npos);
  EXPECT_NE(errorOf(encodeValues(type("index"), {1}, {1})), "");
  HostTensor shortTensor{type("f32"), {2}, std::vector<uint8_t>(7)};
  EXPECT_NE(errorOf(decodeValues(shortTensor)).find("needs 8 bytes, has 7"), std::string::npos);
}

TEST_F(HostTensorTest, ParseTypeText) {
  EXPECT_EQ(cantFail(parseTypeText(&context, "ui4")),
            IntegerType::get(&context, 4, IntegerType::Unsigned));
  EXPECT_TRUE(isa<lowbit::FloatType>(cantFail(parseTypeText(&context, "!lowbit.float<e3m4>"))));
  std::string message = errorOf(parseTypeText(&context, "foo"));
  EXPECT_NE(message.find("'foo'"), std::string::npos) << message;
  EXPECT_NE(errorOf(parseTypeText(&context, "ui4 junk")), "");
  EXPECT_NE(errorOf(parseTypeText(&context, "!lowbit.float<e9m9>")), "");
  EXPECT_NE(errorOf(parseTypeText(&context, "")), "");
}

TEST_F(HostTensorTest, FormatElementValue) {
  EXPECT_EQ(formatElementValue(type("f32"), double(0.1f)), "0.1");
  EXPECT_EQ(formatElementValue(type("f64"), 0.1), "0.1");
  EXPECT_EQ(formatElementValue(type("f16"), 65504), "65504");
  EXPECT_EQ(formatElementValue(type("bf16"), 0.333984375), "0.334");
  EXPECT_EQ(formatElementValue(type("f4E2M1FN"), -1.5), "-1.5");
  EXPECT_EQ(formatElementValue(type("f32"), -0.0), "-0");
  EXPECT_EQ(formatElementValue(type("f32"), NAN), "nan");
  EXPECT_EQ(formatElementValue(type("f32"), -INFINITY), "-inf");
  EXPECT_EQ(formatElementValue(type("si4"), -8), "-8");
  EXPECT_EQ(formatNumpyShape({}), "()");
  EXPECT_EQ(formatNumpyShape({4}), "(4,)");
  EXPECT_EQ(formatNumpyShape({4, 7}), "(4, 7)");
}

} // namespace
