//===- OnnxImport.cpp - Read an ONNX model, walk its graph ----------------===//
//
// The file layer (binary protobuf or the text syntax through libonnx's parser) and the graph
// walk (inputs, initializers, nodes in order, outputs). The ops are in Ops.cpp, the reading of
// tensors in Tensors.cpp.
//
//===----------------------------------------------------------------------===//
#include "lowbit/Import/OnnxImport.h"
#include "Importer.h"

#include "mlir/Parser/Parser.h"
#include "mlir/Support/FileUtilities.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/SourceMgr.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#include "llvm/Support/MemoryBuffer.h"

#include <onnx/defs/parser.h>

#include <limits>

using namespace mlir;
using namespace lowbit;
using namespace lowbit::onnx_import;

bool lowbit::isOnnxPath(StringRef path) {
  return path.ends_with(".onnx") || path.ends_with(".onnxtext");
}

std::vector<OnnxOpSupport> lowbit::getSupportedOnnxOps() {
  // Constant nodes are read by the graph walk itself (GraphImporter::importNode).
  std::vector<OnnxOpSupport> ops = {{"", "Constant", 1, 23}};
  for (const OpEntry &entry : getOpTable())
    ops.push_back({entry.domain, entry.opType, entry.minOpset, entry.maxOpset});
  llvm::sort(ops, [](const OnnxOpSupport &a, const OnnxOpSupport &b) {
    return std::make_pair(a.domain, a.opType) < std::make_pair(b.domain, b.opType);
  });
  return ops;
}

// --- The graph walk ---------------------------------------------------------------------------

GraphImporter::GraphImporter(MLIRContext *context, StringRef fileName,
                             const onnx::ModelProto &model)
    : b(context), fileName(fileName.str()), model(model),
      fileLoc(FileLineColLoc::get(context, fileName, 0, 0)) {}

LogicalResult GraphImporter::fileError(const Twine &message) {
  emitError(fileLoc) << message;
  return failure();
}

LogicalResult GraphImporter::error(const Node &node, const Twine &message) {
  std::string op =
      node.domain.empty() ? node.proto.op_type() : (node.domain + "." + node.proto.op_type()).str();
  InFlightDiagnostic diag = emitError(node.loc);
  if (!node.proto.name().empty())
    diag << "node '" << node.proto.name() << "'";
  else if (node.proto.output_size() && !node.proto.output(0).empty())
    diag << "node #" << node.index << " (output '" << node.proto.output(0) << "')";
  else
    diag << "node #" << node.index;
  diag << " (" << op;
  if (node.opset >= 0)
    diag << ", opset " << node.opset;
  diag << "): " << message;
  return failure();
}

Type GraphImporter::elementType(int32_t dataType) const {
  MLIRContext *ctx = b.getContext();
  switch (dataType) {
  case kFloat:
    return Float32Type::get(ctx);
  case kFloat16:
    return Float16Type::get(ctx);
  case kBFloat16:
    return BFloat16Type::get(ctx);
  default:
    return {};
  }
}

Type GraphImporter::valueType(int32_t dataType) const {
  MLIRContext *ctx = b.getContext();
  switch (dataType) {
  case kUint8:
    return IntegerType::get(ctx, 8, IntegerType::Unsigned);
  case kInt8:
    return IntegerType::get(ctx, 8, IntegerType::Signed);
  case kInt32:
    return IntegerType::get(ctx, 32);
  case kInt64:
    return IntegerType::get(ctx, 64);
  case kBool:
    return IntegerType::get(ctx, 1);
  default:
    return elementType(dataType);
  }
}

FailureOr<RankedTensorType> GraphImporter::valueInfoType(const onnx::ValueInfoProto &info,
                                                         StringRef what) {
  if (!info.has_type() || !info.type().has_tensor_type())
    return fileError(what + " '" + info.name() + "' is not a tensor");
  const onnx::TypeProto::Tensor &tensor = info.type().tensor_type();
  Type element = valueType(tensor.elem_type());
  if (!element)
    return fileError(
        what + " '" + info.name() + "' has element type " + dataTypeName(tensor.elem_type()) +
        ", which the importer does not take (FLOAT, FLOAT16, BFLOAT16, UINT8, INT8, INT32, INT64, "
        "BOOL)");
  if (!tensor.has_shape())
    return fileError(what + " '" + info.name() + "' has no shape");
  SmallVector<int64_t> shape;
  for (const onnx::TensorShapeProto::Dimension &dim : tensor.shape().dim()) {
    if (!dim.has_dim_value() || dim.dim_value() < 0)
      return fileError(what + " '" + info.name() + "' has a dynamic dimension" +
                       (dim.has_dim_param() ? " '" + dim.dim_param() + "'" : std::string()) +
                       ": the importer takes static shapes only");
    shape.push_back(dim.dim_value());
  }
  if (elementCount(shape) < 0)
    return fileError(what + " '" + info.name() + "' is too large");
  return RankedTensorType::get(shape, element);
}

FailureOr<Value> GraphImporter::constantValue(const onnx::TensorProto &tensor, StringRef what) {
  Type element = valueType(tensor.data_type());
  if (!element)
    return fileError(what + " '" + tensor.name() + "' of element type " +
                     dataTypeName(tensor.data_type()) +
                     " is only taken where an op reads it as a constant");
  std::string why;
  std::optional<std::vector<uint8_t>> bytes = readTensorBytes(tensor, why);
  if (!bytes)
    return fileError(what + " '" + tensor.name() + "' cannot be read: " + why);
  SmallVector<int64_t> dims(tensor.dims().begin(), tensor.dims().end());
  auto type = RankedTensorType::get(dims, element);
  DenseElementsAttr attr;
  if (element.isInteger(1)) {
    // One byte per BOOL; DenseElementsAttr takes them as bools.
    SmallVector<bool> bools(bytes->begin(), bytes->end());
    attr = DenseElementsAttr::get(type, ArrayRef<bool>(bools));
  } else {
    ArrayRef<char> raw(reinterpret_cast<const char *>(bytes->data()), bytes->size());
    attr = DenseElementsAttr::getFromRawBuffer(type, raw);
  }
  return arith::ConstantOp::create(b, fileLoc, type, attr).getResult();
}

LogicalResult GraphImporter::importInitializers() {
  for (const onnx::TensorProto &tensor : model.graph().initializer()) {
    if (tensor.name().empty())
      return fileError("an initializer has no name");
    if (constants.count(tensor.name()))
      return fileError("initializer '" + tensor.name() + "' is defined twice");
    constants[tensor.name()] = &tensor;
    std::string why;
    if (!readTensorBytes(tensor, why))
      return fileError("initializer '" + tensor.name() + "' cannot be read: " + why);
  }
  return success();
}

bool GraphImporter::hasInput(const Node &node, unsigned index) const {
  return static_cast<int>(index) < node.proto.input_size() && !node.proto.input(index).empty();
}

const onnx::TensorProto *GraphImporter::constantInput(const Node &node, unsigned index) const {
  if (!hasInput(node, index))
    return nullptr;
  return constants.lookup(node.proto.input(index));
}

FailureOr<Value> GraphImporter::input(const Node &node, unsigned index) {
  if (!hasInput(node, index))
    return error(node, "input " + Twine(index) + " is missing");
  const std::string &name = node.proto.input(index);
  FailureOr<Value> value = lookupInput(node, name);
  if (failed(value) || node.integers || isa<FloatType>(elementOf(*value)))
    return value;
  return error(node, "input '" + name + "' has element type " + typeString(elementOf(*value)) +
                         ": the op takes float tensors (f32, f16, bf16) only");
}

FailureOr<Value> GraphImporter::lookupInput(const Node &node, const std::string &name) {
  if (Value value = values.lookup(name))
    return value;
  if (auto deferred = dequantized.find(name); deferred != dequantized.end()) {
    FailureOr<Value> value = buildDequantize(*this, deferred->second);
    if (failed(value))
      return failure();
    values[name] = *value;
    return *value;
  }
  if (const onnx::TensorProto *tensor = constants.lookup(name)) {
    // Initializers become constants where a node first reads them as values, at the top of
    // the function.
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(b.getInsertionBlock());
    FailureOr<Value> value = constantValue(*tensor, "initializer");
    if (failed(value))
      return failure();
    values[name] = *value;
    return *value;
  }
  return error(node, "input '" + name +
                         "' is neither a graph input, an initializer nor the output of an "
                         "earlier node (a missing initializer, or nodes out of order or in a "
                         "cycle)");
}

const GraphImporter::DequantizedConstant *GraphImporter::dequantizedInput(const Node &node,
                                                                          unsigned index) const {
  if (!hasInput(node, index))
    return nullptr;
  auto it = dequantized.find(node.proto.input(index));
  return it == dequantized.end() ? nullptr : &it->second;
}

LogicalResult GraphImporter::defineDequantized(const Node &node, const DequantizedConstant &value) {
  if (node.proto.output_size() < 1 || node.proto.output(0).empty())
    return error(node, "has no output");
  const std::string &name = node.proto.output(0);
  if (values.count(name) || constants.count(name) || dequantized.count(name))
    return error(node, "output '" + name + "' is already defined");
  dequantized.try_emplace(name, value);
  return success();
}

const onnx::AttributeProto *GraphImporter::attribute(const Node &node, StringRef name) const {
  for (const onnx::AttributeProto &attr : node.proto.attribute())
    if (attr.name() == name)
      return &attr;
  return nullptr;
}

FailureOr<int64_t> GraphImporter::intAttribute(const Node &node, StringRef name,
                                               std::optional<int64_t> fallback) {
  const onnx::AttributeProto *attr = attribute(node, name);
  if (!attr) {
    if (!fallback)
      return error(node, "attribute '" + name + "' is required");
    return *fallback;
  }
  if (attr->type() != onnx::AttributeProto::INT)
    return error(node, "attribute '" + name + "' must be an integer");
  return attr->i();
}

FailureOr<float> GraphImporter::floatAttribute(const Node &node, StringRef name, float fallback) {
  const onnx::AttributeProto *attr = attribute(node, name);
  if (!attr)
    return fallback;
  if (attr->type() != onnx::AttributeProto::FLOAT)
    return error(node, "attribute '" + name + "' must be a float");
  return attr->f();
}

FailureOr<std::string> GraphImporter::stringAttribute(const Node &node, StringRef name,
                                                      StringRef fallback) {
  const onnx::AttributeProto *attr = attribute(node, name);
  if (!attr)
    return fallback.str();
  if (attr->type() != onnx::AttributeProto::STRING)
    return error(node, "attribute '" + name + "' must be a string");
  return attr->s();
}

LogicalResult GraphImporter::defineConstant(const Node &node,
                                            std::unique_ptr<onnx::TensorProto> tensor) {
  const std::string &name = tensor->name();
  if (values.count(name) || constants.count(name) || dequantized.count(name))
    return error(node, "output '" + name + "' is already defined");
  constantNodeTensors.push_back(std::move(tensor));
  constants[name] = constantNodeTensors.back().get();
  return success();
}

LogicalResult GraphImporter::defineOutput(const Node &node, unsigned index, Value value) {
  if (static_cast<int>(index) >= node.proto.output_size() || node.proto.output(index).empty())
    return index == 0 ? error(node, "has no output") : success();
  const std::string &name = node.proto.output(index);
  if (values.count(name) || constants.count(name) || dequantized.count(name))
    return error(node, "output '" + name + "' is already defined");
  values[name] = value;
  return success();
}

LogicalResult GraphImporter::importNode(const onnx::NodeProto &proto, int index) {
  std::string domain = proto.domain() == "ai.onnx" ? "" : proto.domain();
  Location loc = NameLoc::get(b.getStringAttr(proto.name()), fileLoc);
  auto opset = opsets.find(domain);
  Node node{proto, index, domain, opset == opsets.end() ? -1 : opset->second, loc};
  if (opset == opsets.end())
    return error(node, "the model imports no opset of domain '" +
                           (domain.empty() ? std::string("ai.onnx") : domain) + "'");
  if (proto.op_type() == "Constant") {
    // A constant tensor, read by later nodes as an initializer.
    const onnx::AttributeProto *value = attribute(node, "value");
    if (!value || value->type() != onnx::AttributeProto::TENSOR || proto.attribute_size() != 1)
      return error(node, "only Constant nodes with a 'value' tensor are taken");
    if (proto.output_size() != 1 || proto.output(0).empty())
      return error(node, "has no output");
    const std::string &name = proto.output(0);
    if (values.count(name) || constants.count(name) || dequantized.count(name))
      return error(node, "output '" + name + "' is already defined");
    constantNodeTensors.push_back(std::make_unique<onnx::TensorProto>(value->t()));
    constantNodeTensors.back()->set_name(name);
    std::string why;
    if (!readTensorBytes(*constantNodeTensors.back(), why))
      return error(node, "its tensor cannot be read: " + why);
    constants[name] = constantNodeTensors.back().get();
    return success();
  }
  for (const OpEntry &entry : getOpTable()) {
    if (entry.domain != domain || entry.opType != proto.op_type())
      continue;
    if (node.opset < entry.minOpset || node.opset > entry.maxOpset)
      return error(node, "the importer takes this op at opsets " + Twine(entry.minOpset) + " to " +
                             Twine(entry.maxOpset));
    node.integers = entry.integers;
    FailureOr<bool> folded = foldNode(*this, node);
    if (failed(folded))
      return failure();
    if (*folded)
      return success();
    return entry.handler(*this, node);
  }
  return error(node, "the importer does not take this op (docs/onnx.md lists those it does)");
}

OwningOpRef<ModuleOp> GraphImporter::run() {
  const onnx::GraphProto &graph = model.graph();
  for (const onnx::OperatorSetIdProto &opset : model.opset_import()) {
    std::string domain = opset.domain() == "ai.onnx" ? "" : opset.domain();
    opsets[domain] = opset.version();
  }
  OwningOpRef<ModuleOp> module = ModuleOp::create(fileLoc);
  b.setInsertionPointToEnd(module->getBody());
  if (failed(importInitializers()))
    return nullptr;

  // Arguments: the graph inputs that initializers do not give.
  SmallVector<Type> argTypes;
  SmallVector<std::string> argNames;
  for (const onnx::ValueInfoProto &info : graph.input()) {
    if (constants.count(info.name()))
      continue;
    FailureOr<RankedTensorType> type = valueInfoType(info, "input");
    if (failed(type))
      return nullptr;
    argTypes.push_back(*type);
    argNames.push_back(info.name());
  }
  // Results: the outputs' declared types, checked against what the nodes compute.
  SmallVector<RankedTensorType> outputTypes;
  for (const onnx::ValueInfoProto &info : graph.output()) {
    FailureOr<RankedTensorType> type = valueInfoType(info, "output");
    if (failed(type))
      return nullptr;
    outputTypes.push_back(*type);
  }
  auto func = func::FuncOp::create(
      b, fileLoc, "main_graph",
      b.getFunctionType(argTypes, SmallVector<Type>(outputTypes.begin(), outputTypes.end())));
  Block *entry = func.addEntryBlock();
  for (auto [i, name] : llvm::enumerate(argNames)) {
    if (values.count(name))
      return (void)fileError("input '" + name + "' is declared twice"), nullptr;
    values[name] = entry->getArgument(i);
    func.setArgAttr(i, "onnx.name", b.getStringAttr(name));
  }
  b.setInsertionPointToEnd(entry);
  for (auto [i, node] : llvm::enumerate(graph.node()))
    if (failed(importNode(node, static_cast<int>(i))))
      return nullptr;

  SmallVector<Value> results;
  for (auto [i, info] : llvm::enumerate(graph.output())) {
    Value value = values.lookup(info.name());
    // An output that is an initializer, a Constant node or a deferred DequantizeLinear is
    // materialized here.
    if (!value) {
      if (auto deferred = dequantized.find(info.name()); deferred != dequantized.end()) {
        FailureOr<Value> built = buildDequantize(*this, deferred->second);
        if (failed(built))
          return nullptr;
        value = *built;
      } else if (const onnx::TensorProto *tensor = constants.lookup(info.name())) {
        FailureOr<Value> built = constantValue(*tensor, "output");
        if (failed(built))
          return nullptr;
        value = *built;
      } else {
        return (void)fileError("output '" + info.name() + "' is not computed by any node"), nullptr;
      }
    }
    if (value.getType() != outputTypes[i]) {
      return (void)fileError("output '" + info.name() + "' is declared " +
                             typeString(outputTypes[i]) + " but its node computes " +
                             typeString(value.getType())),
             nullptr;
    }
    func.setResultAttr(i, "onnx.name", b.getStringAttr(info.name()));
    results.push_back(value);
  }
  func::ReturnOp::create(b, fileLoc, results);
  // Exact integer products that a Cast took as lowbit.mpgemm, and nothing else reads.
  bool erased = false;
  for (auto &[value, product] : integerProducts)
    if (product.product->use_empty()) {
      product.product->erase();
      erased = true;
    }
  if (erased)
    for (Operation &op : llvm::make_early_inc_range(llvm::reverse(*entry)))
      if (isOpTriviallyDead(&op))
        op.erase();
  return module;
}

// --- Entry points -----------------------------------------------------------------------------

OwningOpRef<ModuleOp> lowbit::importOnnxModel(StringRef bytes, bool text, StringRef name,
                                              MLIRContext *context, StringRef folder) {
  Location loc = FileLineColLoc::get(context, name, 0, 0);
  onnx::ModelProto model;
  if (text) {
    std::string source = bytes.str();
    onnx::Status status = onnx::OnnxParser::Parse(model, source.c_str());
    if (!status.IsOK()) {
      emitError(loc) << "not a valid ONNX text model: " << status.ErrorMessage();
      return nullptr;
    }
  } else if (bytes.size() > static_cast<size_t>(std::numeric_limits<int>::max()) ||
             !model.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    emitError(loc) << "not a valid ONNX model: the protobuf does not parse (a truncated or "
                      "corrupt file?)";
    return nullptr;
  }
  if (!model.has_graph()) {
    emitError(loc) << "the ONNX model has no graph";
    return nullptr;
  }
  if (failed(resolveExternalData(model, folder, loc)))
    return nullptr;
  context->getOrLoadDialect<func::FuncDialect>();
  GraphImporter importer(context, name, model);
  return importer.run();
}

OwningOpRef<ModuleOp> lowbit::importOnnxFile(StringRef path, MLIRContext *context) {
  llvm::ErrorOr<std::unique_ptr<llvm::MemoryBuffer>> file =
      llvm::MemoryBuffer::getFile(path, /*IsText=*/false, /*RequiresNullTerminator=*/false);
  if (!file) {
    emitError(FileLineColLoc::get(context, path, 0, 0))
        << "cannot read the model: " << file.getError().message();
    return nullptr;
  }
  llvm::SmallString<256> folder(path);
  llvm::sys::path::remove_filename(folder);
  if (folder.empty())
    folder = ".";
  return importOnnxModel((*file)->getBuffer(), path.ends_with(".onnxtext"), path, context, folder);
}

OwningOpRef<ModuleOp> lowbit::readProgramFile(StringRef path, MLIRContext *context,
                                              llvm::SourceMgr &sourceMgr, std::string &openError) {
  openError.clear();
  std::unique_ptr<llvm::MemoryBuffer> file = openInputFile(path, &openError);
  if (!file)
    return nullptr;
  if (isOnnxPath(path))
    return importOnnxFile(path, context);
  sourceMgr.AddNewSourceBuffer(std::move(file), llvm::SMLoc());
  return parseSourceFile<ModuleOp>(sourceMgr, context);
}
