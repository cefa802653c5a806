//===- ExternalData.cpp - Tensors whose bytes live in files next to the model -----===//
//
// ONNX keeps large tensors outside the protobuf (which cannot exceed 2 GB): a tensor with
// data_location = EXTERNAL names, in external_data, a `location` (a file relative to the
// model's folder), an `offset` and a `length` in bytes. resolveExternalData reads each such
// tensor of the graph (initializers and Constant nodes' tensors) into its raw_data, so that
// the rest of the importer sees ordinary tensors. Files are mapped once each.
//
//===----------------------------------------------------------------------===//
#include "Importer.h"

#include "llvm/ADT/StringMap.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"

using namespace mlir;
using namespace lowbit;
using namespace lowbit::onnx_import;

namespace {
class ExternalFiles {
public:
  explicit ExternalFiles(StringRef folder) : folder(folder.str()) {}

  /// Reads the external bytes of `tensor` into its raw_data; false with `why` set otherwise.
  bool resolve(onnx::TensorProto &tensor, std::string &why) {
    std::string location;
    int64_t offset = 0, length = -1;
    for (const onnx::StringStringEntryProto &entry : tensor.external_data()) {
      if (entry.key() == "location") {
        location = entry.value();
      } else if (entry.key() == "offset" || entry.key() == "length") {
        int64_t value;
        if (StringRef(entry.value()).getAsInteger(10, value) || value < 0) {
          why =
              "its external data has " + entry.key() + " '" + entry.value() + "', not a byte count";
          return false;
        }
        (entry.key() == "offset" ? offset : length) = value;
      }
    }
    if (location.empty()) {
      why = "its external data has no location";
      return false;
    }
    // A location stays inside the model's folder: relative, without "..".
    if (llvm::sys::path::is_absolute(location) ||
        llvm::any_of(
            llvm::make_range(llvm::sys::path::begin(location), llvm::sys::path::end(location)),
            [](StringRef part) { return part == ".."; })) {
      why = "its external data location '" + location +
            "' is not a relative path inside the model's folder";
      return false;
    }
    if (folder.empty()) {
      why = "it keeps its data in an external file ('" + location +
            "'), which only a model read from a file can name";
      return false;
    }
    int64_t bits = elementBits(tensor.data_type());
    int64_t count = elementCount(std::vector<int64_t>(tensor.dims().begin(), tensor.dims().end()));
    if (!bits || count < 0) {
      why = "its element type or dimensions cannot be read from external data";
      return false;
    }
    int64_t size = (count * bits + 7) / 8;
    if (length >= 0 && length != size) {
      why = "its external data length " + std::to_string(length) + " differs from the " +
            std::to_string(size) + " bytes its dimensions need";
      return false;
    }
    const llvm::MemoryBuffer *file = open(location, why);
    if (!file)
      return false;
    if (offset > static_cast<int64_t>(file->getBufferSize()) ||
        size > static_cast<int64_t>(file->getBufferSize()) - offset) {
      why = "its external data file '" + location + "' holds " +
            std::to_string(file->getBufferSize()) + " bytes, too few for " + std::to_string(size) +
            " bytes at offset " + std::to_string(offset);
      return false;
    }
    tensor.set_raw_data(file->getBufferStart() + offset, static_cast<size_t>(size));
    tensor.clear_external_data();
    tensor.set_data_location(onnx::TensorProto::DEFAULT);
    return true;
  }

private:
  const llvm::MemoryBuffer *open(const std::string &location, std::string &why) {
    auto found = files.find(location);
    if (found != files.end())
      return found->second.get();
    llvm::SmallString<256> path(folder);
    llvm::sys::path::append(path, location);
    llvm::ErrorOr<std::unique_ptr<llvm::MemoryBuffer>> file =
        llvm::MemoryBuffer::getFile(path, /*IsText=*/false, /*RequiresNullTerminator=*/false);
    if (!file) {
      why =
          "its external data file '" + location + "' cannot be read: " + file.getError().message();
      return nullptr;
    }
    return (files[location] = std::move(*file)).get();
  }

  std::string folder;
  llvm::StringMap<std::unique_ptr<llvm::MemoryBuffer>> files;
};
} // namespace

LogicalResult onnx_import::resolveExternalData(onnx::ModelProto &model, StringRef folder,
                                               Location loc) {
  ExternalFiles files(folder);
  std::string why;
  onnx::GraphProto *graph = model.mutable_graph();
  for (onnx::TensorProto &tensor : *graph->mutable_initializer())
    if (tensor.data_location() == onnx::TensorProto::EXTERNAL && !files.resolve(tensor, why))
      return emitError(loc) << "initializer '" << tensor.name() << "' cannot be read: " << why;
  for (onnx::NodeProto &node : *graph->mutable_node())
    for (onnx::AttributeProto &attribute : *node.mutable_attribute())
      if (attribute.has_t() && attribute.t().data_location() == onnx::TensorProto::EXTERNAL &&
          !files.resolve(*attribute.mutable_t(), why))
        return emitError(loc) << "the tensor of node '" << node.name() << "' (" << node.op_type()
                              << ") cannot be read: " << why;
  return success();
}
