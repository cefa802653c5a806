//===- Importer.h - The ONNX importer's graph walk, shared by its op files -*- C++ -*-===//
//
// GraphImporter walks one ONNX graph in node order and keeps the MLIR value of every ONNX name
// defined so far (graph inputs, initializers, node outputs). Each op the importer takes has a
// handler (OpEntry) that reads its node's inputs and attributes through the importer and
// defines its outputs; a handler that meets anything it does not take reports it with
// GraphImporter::error, which names the node, op, domain and opset.
//
//===----------------------------------------------------------------------===//
#ifndef LOWBIT_LIB_IMPORT_ONNX_IMPORTER_H
#define LOWBIT_LIB_IMPORT_ONNX_IMPORTER_H

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/BuiltinTypes.h"

#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/StringMap.h"

#include <onnx/onnx_pb.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

namespace lowbit::onnx_import {

/// TensorProto.DataType, with the numbers newer than Debian's onnx 1.12 knows.
enum DataType : int32_t {
  kFloat = 1,
  kUint8 = 2,
  kInt8 = 3,
  kUint16 = 4,
  kInt16 = 5,
  kInt32 = 6,
  kInt64 = 7,
  kString = 8,
  kBool = 9,
  kFloat16 = 10,
  kDouble = 11,
  kUint32 = 12,
  kUint64 = 13,
  kBFloat16 = 16,
  kFloat8E4M3FN = 17,
  kFloat8E4M3FNUZ = 18,
  kFloat8E5M2 = 19,
  kFloat8E5M2FNUZ = 20,
  kUint4 = 21,
  kInt4 = 22,
  kFloat4E2M1 = 23,
};

/// The data type's name as ONNX spells it (FLOAT, UINT4, ...), or its number.
std::string dataTypeName(int32_t type);

/// The bytes of a tensor's elements, little-endian, as raw_data holds them (sub-byte types
/// packed two per byte, the first in the low bits), from raw_data or the typed fields; or the
/// reason it cannot be read (`why`).
std::optional<std::vector<uint8_t>> readTensorBytes(const onnx::TensorProto &tensor,
                                                    std::string &why);

/// The number of elements of `dims`, or -1 when negative or too large to hold in memory.
int64_t elementCount(llvm::ArrayRef<int64_t> dims);
/// Bits per element of the data types tensors are read in (0 for the others).
int64_t elementBits(int32_t type);

/// Reads every tensor of the model that keeps its data in an external file (initializers,
/// Constant nodes) into its raw_data. `folder` is the model's folder (locations are relative
/// to it; empty for a model not read from a file: such tensors are then an error).
mlir::LogicalResult resolveExternalData(onnx::ModelProto &model, llvm::StringRef folder,
                                        mlir::Location loc);

class GraphImporter {
public:
  /// One node being imported: the node, its position in the graph, its op's domain (empty
  /// for the default one), the opset version of that domain the model imports (-1: none), and
  /// its location.
  struct Node {
    const onnx::NodeProto &proto;
    int index;
    llvm::StringRef domain;
    int64_t opset;
    mlir::Location loc;
    /// Whether the op takes integer tensors (input() refuses them for the others).
    bool integers = false;
  };

  GraphImporter(mlir::MLIRContext *context, llvm::StringRef fileName,
                const onnx::ModelProto &model);

  /// Builds the module; null after an error.
  mlir::OwningOpRef<mlir::ModuleOp> run();

  // --- For the op handlers ----------------------------------------------------------------

  mlir::OpBuilder &builder() { return b; }
  mlir::MLIRContext *context() { return b.getContext(); }

  /// Emits "node 'N' (domain.Op, opset V): <message>" at the node (an unnamed node: "node #I
  /// (output 'Y')") and returns failure.
  mlir::LogicalResult error(const Node &node, const llvm::Twine &message);

  /// Whether input `index` is given (present and not the empty name of an omitted input).
  bool hasInput(const Node &node, unsigned index) const;
  /// The value of input `index` (an error when it is missing).
  mlir::FailureOr<mlir::Value> input(const Node &node, unsigned index);
  /// The initializer (or Constant node's tensor) that input `index` names, or null when it is
  /// computed by the graph or given at run time.
  const onnx::TensorProto *constantInput(const Node &node, unsigned index) const;

  /// An attribute of the node, or null.
  const onnx::AttributeProto *attribute(const Node &node, llvm::StringRef name) const;
  /// An integer attribute (`fallback` when absent; an error when of another type).
  mlir::FailureOr<int64_t> intAttribute(const Node &node, llvm::StringRef name,
                                        std::optional<int64_t> fallback);

  /// A float attribute (`fallback` when absent; an error when of another type).
  mlir::FailureOr<float> floatAttribute(const Node &node, llvm::StringRef name, float fallback);
  /// A string attribute (`fallback` when absent; an error when of another type).
  mlir::FailureOr<std::string> stringAttribute(const Node &node, llvm::StringRef name,
                                               llvm::StringRef fallback);

  /// Defines output `index` of the node (an error when the node names fewer outputs).
  mlir::LogicalResult defineOutput(const Node &node, unsigned index, mlir::Value value);

  /// The MLIR float type of an ONNX float data type the importer computes with (FLOAT,
  /// FLOAT16, BFLOAT16), or null.
  mlir::Type elementType(int32_t dataType) const;
  /// The MLIR element type of an ONNX data type that graph inputs, outputs, initializers and
  /// node outputs may have: the float types, and UINT8 (ui8), INT8 (si8), INT32 (i32), INT64
  /// (i64) and BOOL (i1), as lowbit's .npy files spell them; or null.
  mlir::Type valueType(int32_t dataType) const;

  /// The integer matrix product (MatMulInteger) a value of i32 products is, by constant
  /// weights: Cast to a float type takes it as lowbit.mpgemm.
  struct IntegerProduct {
    mlir::Value a, aZero;       // codes [.., M, K] (ui8 / si8), zero point ([] or [M]) or null
    const onnx::TensorProto *b; // [K, N] codes
    mlir::Value bZero;          // [] or [N], or null
    mlir::Operation *product;   // the exact product, erased when nothing else reads it
  };
  void defineIntegerProduct(mlir::Value value, const IntegerProduct &product) {
    integerProducts[value] = product;
  }
  const IntegerProduct *integerProduct(mlir::Value value) const {
    auto it = integerProducts.find(value);
    return it == integerProducts.end() ? nullptr : &it->second;
  }

  /// An initializer of a float type as an arith.constant, at the top of the function.
  mlir::FailureOr<mlir::Value> constantValue(const onnx::TensorProto &tensor, llvm::StringRef what);

  /// A DequantizeLinear of constant codes, left undone until a node reads it: MatMul takes it
  /// whole as its weights (lowbit.mpgemm), any other reader gets its lowbit.dequantize.
  struct DequantizedConstant {
    const onnx::TensorProto *codes, *scale, *zero; // zero: null when absent
    /// The axis the scales run along (rank >= 1 scales), and the block size along it (0: one
    /// scale per index of the axis, or per tensor).
    int64_t axis, blockSize;
    mlir::Location loc;
  };
  /// The deferred DequantizeLinear input `index` names, or null.
  const DequantizedConstant *dequantizedInput(const Node &node, unsigned index) const;
  /// Defines the node's output `tensor` names as a constant (a folded computation).
  mlir::LogicalResult defineConstant(const Node &node, std::unique_ptr<onnx::TensorProto> tensor);

  /// Defines output 0 of the node as a deferred DequantizeLinear.
  mlir::LogicalResult defineDequantized(const Node &node, const DequantizedConstant &value);

private:
  mlir::LogicalResult importInputs(mlir::func::FuncOp &func);
  mlir::LogicalResult importInitializers();
  mlir::LogicalResult importNode(const onnx::NodeProto &node, int index);
  mlir::FailureOr<mlir::Value> lookupInput(const Node &node, const std::string &name);
  mlir::LogicalResult fileError(const llvm::Twine &message);
  mlir::FailureOr<mlir::RankedTensorType> valueInfoType(const onnx::ValueInfoProto &info,
                                                        llvm::StringRef what);

  mlir::OpBuilder b;
  std::string fileName;
  const onnx::ModelProto &model;
  mlir::Location fileLoc;
  llvm::StringMap<int64_t> opsets;
  llvm::StringMap<mlir::Value> values;
  llvm::StringMap<const onnx::TensorProto *> constants;
  llvm::StringMap<DequantizedConstant> dequantized;
  llvm::DenseMap<mlir::Value, IntegerProduct> integerProducts;
  /// Tensors of Constant nodes (kept for constantInput).
  std::vector<std::unique_ptr<onnx::TensorProto>> constantNodeTensors;
};

/// The lowbit.dequantize of a deferred DequantizeLinear (QdqOps.cpp).
mlir::FailureOr<mlir::Value> buildDequantize(GraphImporter &importer,
                                             const GraphImporter::DequantizedConstant &value);

/// ai.onnx.DequantizeLinear (QdqOps.cpp): of constant codes only, deferred.
mlir::LogicalResult importDequantizeLinear(GraphImporter &importer,
                                           const GraphImporter::Node &node);
/// DequantizeLinear of codes computed at run time, and QuantizeLinear (QdqOps.cpp).
mlir::LogicalResult importDequantizeValue(GraphImporter &importer, const GraphImporter::Node &node);
mlir::LogicalResult importQuantizeLinear(GraphImporter &importer, const GraphImporter::Node &node);
/// The lowbit element type of the integer codes of an ONNX data type (INT8 si8, UINT8 ui8, INT4
/// si4, UINT4 ui4), or null (QdqOps.cpp).
mlir::Type codeElementType(mlir::MLIRContext *ctx, int32_t dataType);
/// A constant of `type` from its elements' bytes (integers of up to 8 bits: one per byte).
mlir::Value bytesConstant(mlir::OpBuilder &b, mlir::Location loc, mlir::RankedTensorType type,
                          llvm::ArrayRef<uint8_t> bytes);
/// The constant [N, K] codes of `tensor`, [K, N] codes transposed unless `transposed` says they
/// are [N, K] already (QdqOps.cpp; the tensor was checked readable).
mlir::Value weightCodes(mlir::OpBuilder &b, mlir::Location loc, const onnx::TensorProto &tensor,
                        bool transposed);

/// a x W for a deferred DequantizeLinear W of [K, N] codes (of [N, K] codes with
/// `transposedWeights`, as Gemm's transB reads them), as lowbit.mpgemm (QdqOps.cpp).
mlir::FailureOr<mlir::Value>
buildDequantizedProduct(GraphImporter &importer, const GraphImporter::Node &node, mlir::Value a,
                        const GraphImporter::DequantizedConstant &weights, bool transposedWeights);

using OpHandler = mlir::LogicalResult (*)(GraphImporter &, const GraphImporter::Node &);

/// An op the importer takes: its domain ("" for the default one), type, the opset versions it
/// is taken at, and its handler.
struct OpEntry {
  llvm::StringRef domain, opType;
  int64_t minOpset, maxOpset;
  OpHandler handler;
  /// Whether the op takes integer tensors (Node::integers).
  bool integers = false;
};

/// Every op the importer takes (docs/onnx.md lists them).
llvm::ArrayRef<OpEntry> getOpTable();
/// The float ops (FloatOps.cpp), the shape ops (ShapeOps.cpp) and the integer ops
/// (IntegerOps.cpp).
llvm::ArrayRef<OpEntry> getFloatOpTable();
llvm::ArrayRef<OpEntry> getShapeOpTable();
llvm::ArrayRef<OpEntry> getIntegerOpTable();

/// Evaluates the node at import time when its inputs are small constants (and Shape always),
/// defining its outputs as constants; false when it is left to its handler (Folding.cpp).
mlir::FailureOr<bool> foldNode(GraphImporter &importer, const GraphImporter::Node &node);
/// The shape and index ops (TensorOps.cpp), RotaryEmbedding (RotaryOps.cpp).
llvm::ArrayRef<OpEntry> getTensorOpTable();
llvm::ArrayRef<OpEntry> getRotaryOpTable();
/// GroupQueryAttention and MultiHeadAttention (AttentionOps.cpp).
llvm::ArrayRef<OpEntry> getAttentionOpTable();
/// MoE and QMoE (MoeOps.cpp).
llvm::ArrayRef<OpEntry> getMoeOpTable();

/// Code `index` of a row of `rowBytes` bytes packed `bits` bits per code, the first in the low
/// bits (a code of up to 8 bits spans at most two bytes; Ops.cpp).
uint32_t packedCode(const uint8_t *row, int64_t rowBytes, int64_t index, int64_t bits);

/// Gather of `data` along `axis` at the INT32 / INT64 `indices` (negative ones from the end,
/// out-of-range ones clamped into the axis; TensorOps.cpp).
mlir::Value buildGather(mlir::OpBuilder &b, mlir::Location loc, mlir::Value data,
                        mlir::Value indices, int64_t axis);

/// Where the batch, sequence and head-element axes of a rank-4 input of buildRotary are.
struct RotaryLayout {
  int64_t batch, sequence, element;
};
/// The positions of the tokens: per token (`ids`, [B, S] i64), one offset for all (`offset`,
/// [1] i64: position = offset + s), or neither (caches of [B, S, R / 2] read at the token).
struct RotaryPositions {
  mlir::Value ids, offset;
};
/// Rotary embedding of the first `rotaryDim` elements of each head of `x` (rank 4) with cos /
/// sin caches of [positions, R / 2] (or [B, S, R / 2]); RotaryOps.cpp.
mlir::Value buildRotary(mlir::OpBuilder &b, mlir::Location loc, mlir::Value x,
                        RotaryLayout layout, RotaryPositions positions, mlir::Value cos,
                        mlir::Value sin, int64_t rotaryDim, bool interleaved);

/// Cast of a tensor to or from an integer type (IntegerOps.cpp).
mlir::LogicalResult importIntegerCast(GraphImporter &importer, const GraphImporter::Node &node,
                                      mlir::Value x, mlir::Type to);

/// An elementwise linalg.generic over `inputs` broadcast (ONNX's multidirectional rules) to
/// `shape`, of result element type `element` (FloatOps.cpp).
mlir::Value buildElementwise(
    mlir::OpBuilder &b, mlir::Location loc, mlir::ValueRange inputs, llvm::ArrayRef<int64_t> shape,
    mlir::Type element,
    llvm::function_ref<mlir::Value(mlir::OpBuilder &, mlir::Location, mlir::ValueRange)> body);
/// `value` with the element type `element` of the same width (tensor.bitcast; ui8 <-> i8):
/// arith and linalg bodies compute on signless integers, lowbit ops and the graph's
/// boundary keep the sign in the type.
mlir::Value retyped(mlir::OpBuilder &b, mlir::Location loc, mlir::Value value, mlir::Type element);
/// `value` with its integer elements signless (others as they are).
mlir::Value signless(mlir::OpBuilder &b, mlir::Location loc, mlir::Value value);

/// `value` reshaped to `shape` (same element count): collapsed to one dimension, expanded.
mlir::Value reshapeTo(mlir::OpBuilder &b, mlir::Location loc, mlir::Value value,
                      llvm::ArrayRef<int64_t> shape);
/// The values of a constant INT64 input `index` (shapes, axes), or an error naming it.
mlir::FailureOr<llvm::SmallVector<int64_t>> constantInts(GraphImporter &importer,
                                                         const GraphImporter::Node &node,
                                                         unsigned index, llvm::StringRef what);
/// The axes of Squeeze / Unsqueeze / reductions: input 1 from opset `inputSince` on, the
/// `axes` attribute before; normalized against `rank`, sorted, each once; `given` says whether
/// there were any.
mlir::FailureOr<llvm::SmallVector<int64_t>> readAxes(GraphImporter &importer,
                                                     const GraphImporter::Node &node,
                                                     int64_t inputSince, int64_t rank, bool &given);

/// The broadcast of `shapes` (ONNX's multidirectional rule, numpy's), or nothing when they do
/// not broadcast; the second form reports that at the node, naming the shapes (Tensors.cpp).
std::optional<llvm::SmallVector<int64_t>>
broadcastShapes(llvm::ArrayRef<llvm::ArrayRef<int64_t>> shapes);
mlir::FailureOr<llvm::SmallVector<int64_t>>
broadcastShapes(GraphImporter &importer, const GraphImporter::Node &node,
                llvm::ArrayRef<llvm::ArrayRef<int64_t>> shapes);

/// A shape as "[2, 3]", and an MLIR type as it prints, for diagnostics.
std::string shapeString(llvm::ArrayRef<int64_t> shape);
std::string typeString(mlir::Type type);

/// The shape and element type of a ranked tensor value (every value the importer makes).
inline llvm::ArrayRef<int64_t> shapeOf(mlir::Value value) {
  return mlir::cast<mlir::RankedTensorType>(value.getType()).getShape();
}
inline mlir::Type elementOf(mlir::Value value) {
  return mlir::cast<mlir::RankedTensorType>(value.getType()).getElementType();
}

} // namespace lowbit::onnx_import

#endif // LOWBIT_LIB_IMPORT_ONNX_IMPORTER_H
