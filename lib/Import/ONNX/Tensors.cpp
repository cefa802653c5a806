//===- Tensors.cpp - ONNX data types and tensor bytes ---------------------===//
//
// The data types by number (including those newer than Debian's onnx 1.12) and the bytes of a
// TensorProto's elements, from raw_data or the typed fields, checked against its dimensions.
//
//===----------------------------------------------------------------------===//
#include "Importer.h"

#include <algorithm>
#include <cstring>

using namespace llvm;
using namespace lowbit;
using namespace lowbit::onnx_import;

std::string onnx_import::dataTypeName(int32_t type) {
  switch (type) {
  case kFloat:
    return "FLOAT";
  case kUint8:
    return "UINT8";
  case kInt8:
    return "INT8";
  case kUint16:
    return "UINT16";
  case kInt16:
    return "INT16";
  case kInt32:
    return "INT32";
  case kInt64:
    return "INT64";
  case kString:
    return "STRING";
  case kBool:
    return "BOOL";
  case kFloat16:
    return "FLOAT16";
  case kDouble:
    return "DOUBLE";
  case kUint32:
    return "UINT32";
  case kUint64:
    return "UINT64";
  case kBFloat16:
    return "BFLOAT16";
  case kFloat8E4M3FN:
    return "FLOAT8E4M3FN";
  case kFloat8E4M3FNUZ:
    return "FLOAT8E4M3FNUZ";
  case kFloat8E5M2:
    return "FLOAT8E5M2";
  case kFloat8E5M2FNUZ:
    return "FLOAT8E5M2FNUZ";
  case kUint4:
    return "UINT4";
  case kInt4:
    return "INT4";
  case kFloat4E2M1:
    return "FLOAT4E2M1";
  default:
    return "data type " + std::to_string(type);
  }
}

int64_t onnx_import::elementCount(ArrayRef<int64_t> dims) {
  int64_t count = 1;
  for (int64_t d : dims) {
    if (d < 0 || (d && count > (int64_t(1) << 40) / d))
      return -1;
    count *= d;
  }
  return count;
}

int64_t onnx_import::elementBits(int32_t type) {
  switch (type) {
  case kUint4:
  case kInt4:
  case kFloat4E2M1:
    return 4;
  case kUint8:
  case kInt8:
  case kBool:
  case kFloat8E4M3FN:
  case kFloat8E4M3FNUZ:
  case kFloat8E5M2:
  case kFloat8E5M2FNUZ:
    return 8;
  case kUint16:
  case kInt16:
  case kFloat16:
  case kBFloat16:
    return 16;
  case kFloat:
  case kInt32:
  case kUint32:
    return 32;
  case kInt64:
  case kUint64:
  case kDouble:
    return 64;
  default:
    return 0;
  }
}

std::optional<std::vector<uint8_t>> onnx_import::readTensorBytes(const onnx::TensorProto &t,
                                                                 std::string &why) {
  int32_t type = t.data_type();
  int64_t bits = elementBits(type);
  if (!bits) {
    why = "its element type " + dataTypeName(type) + " is not supported";
    return std::nullopt;
  }
  // resolveExternalData has read external tensors into raw_data before the graph walk.
  if (t.data_location() == onnx::TensorProto::EXTERNAL) {
    why = "it keeps its data in an external file that was not read";
    return std::nullopt;
  }
  std::vector<int64_t> dims(t.dims().begin(), t.dims().end());
  int64_t count = elementCount(dims);
  if (count < 0) {
    why = "its dimensions are negative or too large";
    return std::nullopt;
  }
  size_t size = static_cast<size_t>((count * bits + 7) / 8);
  std::vector<uint8_t> bytes;
  if (t.has_raw_data()) {
    const std::string &raw = t.raw_data();
    if (raw.size() != size) {
      why = "its raw_data holds " + std::to_string(raw.size()) + " bytes where " +
            std::to_string(count) + " elements of " + dataTypeName(type) + " need " +
            std::to_string(size);
      return std::nullopt;
    }
    bytes.assign(raw.begin(), raw.end());
    return bytes;
  }
  // Typed fields: floats in float_data, doubles in double_data, 64-bit integers in
  // int64_data / uint64_data, everything else in int32_data (one element per entry; sub-byte
  // types two per entry, packed as in raw_data).
  auto mismatch = [&](int64_t have, int64_t want) {
    why = "it holds " + std::to_string(have) + " values where its dimensions need " +
          std::to_string(want);
    return std::nullopt;
  };
  bytes.reserve(size);
  auto append = [&](uint64_t value, int64_t n) {
    for (int64_t i = 0; i < n; ++i)
      bytes.push_back(static_cast<uint8_t>(value >> (8 * i)));
  };
  switch (type) {
  case kFloat: {
    if (t.float_data_size() != count)
      return mismatch(t.float_data_size(), count);
    for (float f : t.float_data()) {
      uint32_t word;
      std::memcpy(&word, &f, 4);
      append(word, 4);
    }
    return bytes;
  }
  case kDouble: {
    if (t.double_data_size() != count)
      return mismatch(t.double_data_size(), count);
    for (double d : t.double_data()) {
      uint64_t word;
      std::memcpy(&word, &d, 8);
      append(word, 8);
    }
    return bytes;
  }
  case kInt64: {
    if (t.int64_data_size() != count)
      return mismatch(t.int64_data_size(), count);
    for (int64_t v : t.int64_data())
      append(static_cast<uint64_t>(v), 8);
    return bytes;
  }
  case kUint64:
  case kUint32: {
    if (t.uint64_data_size() != count)
      return mismatch(t.uint64_data_size(), count);
    for (uint64_t v : t.uint64_data())
      append(v, bits / 8);
    return bytes;
  }
  default: {
    int64_t entries = bits == 4 ? (count + 1) / 2 : count;
    if (t.int32_data_size() != entries)
      return mismatch(t.int32_data_size(), entries);
    for (int32_t v : t.int32_data())
      append(static_cast<uint32_t>(v), std::max<int64_t>(1, bits / 8));
    return bytes;
  }
  }
}

std::string onnx_import::shapeString(ArrayRef<int64_t> shape) {
  std::string text = "[";
  for (auto [i, d] : llvm::enumerate(shape))
    text += (i ? ", " : "") + std::to_string(d);
  return text + "]";
}

std::string onnx_import::typeString(mlir::Type type) {
  std::string text;
  llvm::raw_string_ostream(text) << type;
  return text;
}

std::optional<SmallVector<int64_t>>
onnx_import::broadcastShapes(ArrayRef<ArrayRef<int64_t>> shapes) {
  size_t rank = 0;
  for (ArrayRef<int64_t> shape : shapes)
    rank = std::max(rank, shape.size());
  SmallVector<int64_t> out(rank, 1);
  for (ArrayRef<int64_t> shape : shapes)
    for (size_t k = 0; k < shape.size(); ++k) {
      int64_t &d = out[rank - shape.size() + k];
      if (shape[k] != 1 && d != 1 && shape[k] != d)
        return std::nullopt;
      if (shape[k] != 1)
        d = shape[k];
    }
  return out;
}

mlir::FailureOr<SmallVector<int64_t>>
onnx_import::broadcastShapes(GraphImporter &g, const GraphImporter::Node &node,
                             ArrayRef<ArrayRef<int64_t>> shapes) {
  if (std::optional<SmallVector<int64_t>> out = broadcastShapes(shapes))
    return *out;
  std::string all;
  for (ArrayRef<int64_t> shape : shapes)
    all += (all.empty() ? "" : " and ") + shapeString(shape);
  return g.error(node, "shapes " + all + " do not broadcast");
}
