//===- NpyTest.cpp - .npy files: round trips, header forms, malformed input -===//

#include "lowbit/Support/Npy.h"

#include "lowbit/LowbitDialect.h"

#include "mlir/IR/MLIRContext.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"

#include "gtest/gtest.h"

#include <random>

using namespace lowbit;
using namespace mlir;

namespace {

/// .npy bytes with the given version and header text (padded by nothing), then `data`.
std::string makeNpy(unsigned major, llvm::StringRef header, llvm::StringRef data) {
  std::string result = "\x93NUMPY";
  result += char(major);
  result += char(0);
  for (unsigned i = 0; i < (major == 1 ? 2u : 4u); ++i)
    result += char((header.size() >> (8 * i)) & 0xFF);
  return result + header.str() + data.str();
}

class NpyTest : public ::testing::Test {
protected:
  NpyTest() : seed(std::random_device()()), random(seed) {
    context.getOrLoadDialect<LowbitDialect>();
  }

  Type type(llvm::StringRef text) { return cantFail(parseTypeText(&context, text)); }

  std::vector<uint8_t> randomBytes(size_t count) {
    std::vector<uint8_t> bytes(count);
    for (uint8_t &byte : bytes)
      byte = uint8_t(random());
    return bytes;
  }

  /// Serializes, checks the layout NumPy expects, parses back and compares.
  void expectRoundTrip(const HostTensor &tensor) {
    std::string bytes = serializeNpy(tensor);
    size_t headerLength = uint8_t(bytes[8]) | size_t(uint8_t(bytes[9])) << 8;
    EXPECT_EQ((10 + headerLength) % 64, 0u);
    EXPECT_EQ(bytes[10 + headerLength - 1], '\n');
    EXPECT_EQ(bytes.size(), 10 + headerLength + tensor.bytes.size());
    llvm::Expected<HostTensor> back = parseNpy(&context, "t.npy", bytes);
    ASSERT_TRUE(bool(back)) << llvm::toString(back.takeError());
    EXPECT_EQ(back->elementType, tensor.elementType);
    EXPECT_EQ(back->shape, tensor.shape);
    EXPECT_EQ(back->bytes, tensor.bytes);
  }

  std::string errorOf(llvm::StringRef contents) {
    llvm::Expected<HostTensor> result = parseNpy(&context, "bad.npy", contents);
    if (result)
      return "";
    return llvm::toString(result.takeError());
  }

  MLIRContext context;
  uint64_t seed;
  std::mt19937_64 random;
};

TEST_F(NpyTest, PlainTypesRoundTrip) {
  SCOPED_TRACE("seed " + std::to_string(seed));
  const char *types[] = {"f32",  "f64",  "f16", "bf16", "i1",   "i8",  "si8",  "ui8", "i16",
                         "si16", "ui16", "i32", "si32", "ui32", "i64", "si64", "ui64"};
  std::vector<std::vector<int64_t>> shapes = {{}, {5}, {3, 4}, {2, 0, 3}, {2, 3, 2}};
  for (const char *text : types)
    for (const std::vector<int64_t> &shape : shapes) {
      SCOPED_TRACE(std::string(text) + " " + formatNumpyShape(shape));
      Type elementType = type(text);
      HostTensor tensor{elementType, shape,
                        randomBytes(size_t(cantFail(storageSize(elementType, shape))))};
      if (elementType.isSignlessInteger(1))
        for (uint8_t &byte : tensor.bytes)
          byte &= 1;
      expectRoundTrip(tensor);
    }
}

TEST_F(NpyTest, PlainDescriptorsHaveNoComment) {
  HostTensor tensor{type("f32"), {2, 3}, std::vector<uint8_t>(24)};
  std::string bytes = serializeNpy(tensor);
  EXPECT_NE(bytes.find("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }"),
            std::string::npos);
  EXPECT_EQ(bytes.find('#'), std::string::npos);
  tensor = HostTensor{type("ui8"), {4}, std::vector<uint8_t>(4)};
  EXPECT_EQ(serializeNpy(tensor).find('#'), std::string::npos);
  tensor = HostTensor{type("si32"), {1}, std::vector<uint8_t>(4)};
  EXPECT_NE(serializeNpy(tensor).find("'<i4'"), std::string::npos);
  EXPECT_NE(serializeNpy(tensor).find("# lowbit: {'dtype': 'si32', 'shape': (1,)}"),
            std::string::npos);
}

TEST_F(NpyTest, LowbitTypesRoundTripPacked) {
  SCOPED_TRACE("seed " + std::to_string(seed));
  struct Case {
    const char *type;
    std::vector<int64_t> shape;
    const char *header; // what the header must contain
  } cases[] = {
      {"ui4",
       {3, 7},
       "'|u1', 'fortran_order': False, 'shape': (3, 4), } # lowbit: {'dtype': "
       "'ui4', 'shape': (3, 7)}"},
      {"si3", {5}, "'shape': (2,), } # lowbit: {'dtype': 'si3', 'shape': (5,)}"},
      {"ui4", {}, "'shape': (1,), } # lowbit: {'dtype': 'ui4', 'shape': ()}"},
      {"f4E2M1FN", {2, 2, 5}, "'shape': (2, 2, 3), } # lowbit: {'dtype': 'f4E2M1FN'"},
      {"f6E3M2FN", {4, 3}, "'shape': (4, 3), } # lowbit: {'dtype': 'f6E3M2FN', 'shape': (4, 3)}"},
      {"f8E4M3FN", {6}, "'|u1', 'fortran_order': False, 'shape': (6,), } # lowbit"},
      {"f8E8M0FNU", {2}, "{'dtype': 'f8E8M0FNU', 'shape': (2,)}"},
      {"!lowbit.float<e3m4>", {3, 3}, "{'dtype': '!lowbit.float<e3m4>', 'shape': (3, 3)}"},
      {"!lowbit.float<e2m2, inf, nan>",
       {9},
       "'shape': (6,), } # lowbit: {'dtype': "
       "'!lowbit.float<e2m2, inf, nan>', 'shape': (9,)}"},
      {"!lowbit.ternary", {2, 5}, "'shape': (2, 2), } # lowbit: {'dtype': '!lowbit.ternary'"},
      {"bf16",
       {3},
       "'<u2', 'fortran_order': False, 'shape': (3,), } # lowbit: {'dtype': "
       "'bf16', 'shape': (3,)}"},
      {"i8", {3}, "'|i1', 'fortran_order': False, 'shape': (3,), } # lowbit: {'dtype': 'i8'"},
  };
  for (const Case &c : cases) {
    SCOPED_TRACE(c.type);
    Type elementType = type(c.type);
    HostTensor tensor{elementType, c.shape,
                      randomBytes(size_t(cantFail(storageSize(elementType, c.shape))))};
    if (unsigned bits = getLowbitWidth(elementType)) {
      // Random codes (padding bits zero, as packing writes them).
      std::vector<uint32_t> codes(size_t(tensor.numElements()));
      for (uint32_t &code : codes)
        code = uint32_t(random()) & ((1u << bits) - 1);
      tensor = packCodes(elementType, c.shape, codes);
      EXPECT_EQ(unpackCodes(tensor), codes);
    }
    EXPECT_NE(serializeNpy(tensor).find(c.header), std::string::npos) << serializeNpy(tensor);
    expectRoundTrip(tensor);
  }
}

TEST_F(NpyTest, FilesRoundTripAndWriteFailuresLeaveNothing) {
  llvm::SmallString<128> dir;
  ASSERT_FALSE(llvm::sys::fs::createUniqueDirectory("lowbit-npy-test", dir));
  std::string path = (dir + "/w.npy").str();
  HostTensor tensor = packCodes(type("ui4"), {3, 5}, std::vector<uint32_t>(15, 7));
  ASSERT_FALSE(bool(writeNpyFile(path, tensor)));
  HostTensor back = cantFail(readNpyFile(&context, path));
  EXPECT_EQ(back.bytes, tensor.bytes);
  EXPECT_EQ(back.shape, tensor.shape);

  // A directory that does not exist: an error naming the path, and no file.
  std::string missing = (dir + "/no/such/dir/w.npy").str();
  std::string message = llvm::toString(writeNpyFile(missing, tensor));
  EXPECT_EQ(message.rfind(missing + ": ", 0), 0u) << message;
  EXPECT_FALSE(llvm::sys::fs::exists(missing));
  // The path is a directory: the rename fails and the temporary file is removed.
  std::string sub = (dir + "/sub").str();
  ASSERT_FALSE(llvm::sys::fs::create_directory(sub));
  EXPECT_NE(llvm::toString(writeNpyFile(sub, tensor)).find(sub), std::string::npos);
  // A tensor whose bytes do not match its shape is refused before anything is written.
  HostTensor wrong{type("f32"), {3}, std::vector<uint8_t>(11)};
  std::string wrongPath = (dir + "/wrong.npy").str();
  EXPECT_NE(llvm::toString(writeNpyFile(wrongPath, wrong)).find("12"), std::string::npos);

  std::error_code ec;
  std::vector<std::string> left;
  for (llvm::sys::fs::directory_iterator it(dir, ec), end; it != end && !ec; it.increment(ec))
    left.push_back(llvm::sys::path::filename(it->path()).str());
  std::sort(left.begin(), left.end());
  EXPECT_EQ(left, (std::vector<std::string>{"sub", "w.npy"}));
  llvm::sys::fs::remove(path);
  llvm::sys::fs::remove(sub);
  llvm::sys::fs::remove(dir);
  EXPECT_NE(llvm::toString(readNpyFile(&context, path).takeError()).find(path + ": cannot read"),
            std::string::npos);
}

TEST_F(NpyTest, HeaderForms) {
  std::string data(8, '\0');
  data[3] = '\x3f'; // 0.5f little-endian: 00 00 00 3f
  data[7] = '\x3f';
  data[6] = '\x80'; // 1.0f: 00 00 80 3f
  const char *headers[] = {
      "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }",
      "{'shape': (2,), 'fortran_order': False, 'descr': '<f4'}\n",
      "{ \"descr\" : \"<f4\" ,'fortran_order':False,'shape':( 2 , ) , }     \n",
      "{'fortran_order': False, 'shape': (2,), 'descr': '<f4',} # a foreign comment\n",
      "{'descr': '|u1', 'fortran_order': False, 'shape': (8,)} # lowbit: {'shape': (2,), "
      "'dtype': 'f32'}",
      "{'descr': '<V4', 'fortran_order': False, 'shape': (2,)} # lowbit: {'dtype': 'f32', "
      "'shape': (2,),}",
  };
  for (unsigned major : {1u, 2u, 3u})
    for (const char *header : headers) {
      SCOPED_TRACE(std::to_string(major) + ": " + header);
      llvm::Expected<HostTensor> tensor = parseNpy(&context, "h.npy", makeNpy(major, header, data));
      if (llvm::StringRef(header).contains("|u1")) {
        // '|u1' holding f32 is a disagreement, not a reinterpretation.
        EXPECT_FALSE(bool(tensor));
        llvm::consumeError(tensor.takeError());
        continue;
      }
      ASSERT_TRUE(bool(tensor)) << llvm::toString(tensor.takeError());
      EXPECT_TRUE(tensor->elementType.isF32());
      EXPECT_EQ(tensor->shape, (std::vector<int64_t>{2}));
      EXPECT_EQ(cantFail(decodeValues(*tensor)), (std::vector<double>{0.5, 1.0}));
    }
  // ml_dtypes-style raw bytes named by a comment.
  HostTensor bf16 = cantFail(
      parseNpy(&context, "m.npy",
               makeNpy(1,
                       "{'descr': '<V2', 'fortran_order': False, 'shape': (1,), } # lowbit: "
                       "{'dtype': 'bf16', 'shape': (1,)}",
                       llvm::StringRef("\x80\x3f", 2))));
  EXPECT_EQ(cantFail(decodeValues(bf16)), (std::vector<double>{1.0}));
  HostTensor rank0 = cantFail(parseNpy(
      &context, "r.npy",
      makeNpy(1, "{'descr': '<f4', 'fortran_order': False, 'shape': ()}", data.substr(4))));
  EXPECT_TRUE(rank0.shape.empty());
}

TEST_F(NpyTest, MalformedFilesFailWithTheName) {
  auto npy = [](llvm::StringRef header, size_t dataBytes = 8) {
    return makeNpy(1, header, std::string(dataBytes, '\0'));
  };
  const std::string f4 = "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }";
  struct Case {
    std::string contents;
    const char *message;
  } cases[] = {
      {"", "not a .npy file"},
      {"\x93NUMPZ\x01\x00\x10\x00", "not a .npy file"},
      {"PK\x03\x04 this is a zip", "not a .npy file"},
      {"\x93NUMPY\x01", "header: truncated"},
      {"\x93NUMPY\x02\x00\x10\x00", "header: truncated"},
      {makeNpy(1, f4, "").substr(0, 30), "header: truncated (57 bytes announced, 20 present)"},
      {makeNpy(4, f4, std::string(8, '\0')), "version 4.0"},
      {npy("[1, 2]"), "not a dictionary"},
      {npy("'descr'"), "not a dictionary"},
      {npy("{'descr': '<f4', 'shape': (2,)}"), "missing key 'fortran_order'"},
      {npy("{'descr': '<f4', 'fortran_order': False}"), "missing key 'shape'"},
      {npy("{'descr': '<f4', 'fortran_order': False, 'shape': (2,), 'x': True}"),
       "unexpected key 'x'"},
      {npy("{'descr': '<f4', 'descr': '<f4', 'fortran_order': False, 'shape': (2,)}"),
       "duplicate key 'descr'"},
      {npy("{'descr': True, 'fortran_order': False, 'shape': (2,)}"), "'descr' must be a string"},
      {npy("{'descr': '<f4', 'fortran_order': 0, 'shape': (2,)}"), "expected a string, True"},
      {npy("{'descr': '<f4', 'fortran_order': False, 'shape': (2)}"), "(2) is not a tuple"},
      {npy("{'descr': '<f4', 'fortran_order': False, 'shape': (-2,)}"), "negative dimension"},
      {npy("{'descr': '<f4', 'fortran_order': False, 'shape': (99999999999999999999,)}"),
       "integer too large"},
      {npy("{'descr': '<f4', 'fortran_order': False, 'shape': (2,"), "expected a non-negative"},
      {npy("{'descr': '<f4, 'fortran_order': False, 'shape': (2,)}"), "expected ',' or '}'"},
      {npy("{'descr': '<f4', 'fortran_order': False, 'shape': (2,)} junk"), "unexpected text"},
      {npy("{'descr': '<f4', 'fortran_order': True, 'shape': (2,)}"), "fortran_order True"},
      {npy("{'descr': '>f4', 'fortran_order': False, 'shape': (2,)}"), "big-endian"},
      {npy("{'descr': '<c8', 'fortran_order': False, 'shape': (2,)}"), "unsupported descr '<c8'"},
      {npy("{'descr': 'float', 'fortran_order': False, 'shape': (2,)}"), "unsupported descr"},
      {npy("{'descr': '|V1', 'fortran_order': False, 'shape': (8,)}"), "needs a lowbit comment"},
      {npy(f4, 7), "bad.npy: data: expected 8 bytes for shape (2,) of f32, found 7"},
      {npy(f4, 9), "bad.npy: data: expected 8 bytes for shape (2,) of f32, found 9"},
      {npy("{'descr': '<f4', 'fortran_order': False, 'shape': (4611686018427387904, 4)}"),
       "too large"},
      {npy("{'descr': '<f4', 'fortran_order': False, 'shape': (2,)} # lowbit: "
           "{'dtype': 'ui4', 'shape': (4,)}"),
       "lowbit comment (ui4, shape (4,)) disagrees with descr '<f4' and shape (2,): it is "
       "stored as '|u1' with shape (2,)"},
      {npy("{'descr': '|u1', 'fortran_order': False, 'shape': (3,)} # lowbit: "
           "{'dtype': 'ui4', 'shape': (4,)}",
           3),
       "disagrees"},
      {npy("{'descr': '|u1', 'fortran_order': False, 'shape': (2,)} # lowbit: "
           "{'dtype': 'ui4x', 'shape': (4,)}",
           2),
       "lowbit comment: cannot parse type 'ui4x'"},
      {npy("{'descr': '|u1', 'fortran_order': False, 'shape': (2,)} # lowbit: "
           "{'dtype': '!lowbit.float<e9m9>', 'shape': (4,)}",
           2),
       "cannot parse type"},
      {npy("{'descr': '<i8', 'fortran_order': False, 'shape': (1,)} # lowbit: "
           "{'dtype': 'index', 'shape': (1,)}"),
       "cannot hold elements of type index"},
      {npy("{'descr': '|u1', 'fortran_order': False, 'shape': (2,)} # lowbit: "
           "{'dtype': 'ui4'}",
           2),
       "lowbit comment: missing key 'shape'"},
      {npy("{'descr': '|u1', 'fortran_order': False, 'shape': (2,)} # lowbit: ['ui4']", 2),
       "lowbit comment: expected '{'"},
  };
  for (const Case &c : cases) {
    SCOPED_TRACE(c.contents);
    std::string message = errorOf(c.contents);
    EXPECT_EQ(message.rfind("bad.npy: ", 0), 0u) << message;
    EXPECT_NE(message.find(c.message), std::string::npos) << message;
  }
}

// Damaged files (bytes changed, cut short, grown) are read or refused, never crash or hang.
TEST_F(NpyTest, DamagedFilesNeverCrash) {
  SCOPED_TRACE("seed " + std::to_string(seed));
  HostTensor tensor = packCodes(type("!lowbit.float<e3m2>"), {3, 5}, std::vector<uint32_t>(15, 9));
  std::string good = serializeNpy(tensor);
  for (int iteration = 0; iteration < 3000; ++iteration) {
    std::string bytes = good;
    switch (random() % 3) {
    case 0:
      for (int k = 0, n = 1 + int(random() % 4); k < n; ++k)
        bytes[random() % bytes.size()] = char(random());
      break;
    case 1:
      bytes.resize(random() % bytes.size());
      break;
    default:
      bytes.insert(random() % bytes.size(), 1 + random() % 8, char(random()));
      break;
    }
    llvm::Expected<HostTensor> result = parseNpy(&context, "fuzz.npy", bytes);
    if (!result) {
      std::string message = llvm::toString(result.takeError());
      ASSERT_EQ(message.rfind("fuzz.npy: ", 0), 0u) << message;
      continue;
    }
    // Whatever was accepted is self-consistent.
    EXPECT_EQ(int64_t(result->bytes.size()),
              cantFail(storageSize(result->elementType, result->shape)));
  }
}

} // namespace
