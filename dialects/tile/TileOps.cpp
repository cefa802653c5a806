//===- TileOps.cpp - tile operations ---------------------------------------===//
//
// Verifiers name the operand they complain about and say what was expected. Layouts are
// checked only where they are present: tensors without layouts are waiting for layout
// inference, and lowerings require them.
//
//===----------------------------------------------------------------------===//
#include "tile/TileDialect.h"

#include "TileSupport.h"

#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/IR/Matchers.h"
#include "mlir/Interfaces/FunctionImplementation.h"

using namespace mlir;
using namespace lowbit;
using namespace lowbit::tile;

#define GET_OP_CLASSES
#include "tile/TileOps.cpp.inc"

//===----------------------------------------------------------------------===//
// Helpers
//===----------------------------------------------------------------------===//

// Names passed to these helpers are how messages refer to a value: "'view'" for operands,
// "the result" for results.

static LogicalResult verifyOffsetCount(Operation *op, ValueRange offsets, int64_t rank,
                                       StringRef memoryName) {
  if (static_cast<int64_t>(offsets.size()) != rank)
    return op->emitOpError() << "expects one offset per dimension of " << memoryName << " ("
                             << rank << "), got " << offsets.size();
  return success();
}

/// The register tile `tile` (named `tileName`) moves to or from the memory tensor
/// `memory` (named `memoryName`): same rank and element type.
static LogicalResult verifyTileMatchesMemory(Operation *op, ShapedType tile, StringRef tileName,
                                             ShapedType memory, StringRef memoryName) {
  if (tile.getRank() != memory.getRank())
    return op->emitOpError() << tileName << " has rank " << tile.getRank() << " but "
                             << memoryName << " has rank " << memory.getRank();
  if (tile.getElementType() != memory.getElementType())
    return op->emitOpError() << tileName << " has element type " << tile.getElementType()
                             << " but " << memoryName << " has " << memory.getElementType();
  return success();
}

/// A tile at `offsets` inside a shared tensor: its extents fit, and constant offsets keep it
/// inside.
static LogicalResult verifyTileInsideShared(Operation *op, RegType tile, StringRef tileName,
                                            SharedType shared, StringRef sharedName,
                                            ValueRange offsets) {
  for (auto [dim, extent, limit] : llvm::enumerate(tile.getShape(), shared.getShape())) {
    if (extent > limit)
      return op->emitOpError() << tileName << " extent " << extent << " in dimension " << dim
                               << " exceeds the extent of " << sharedName << " (" << limit
                               << ")";
    APInt offset;
    if (matchPattern(offsets[dim], m_ConstantInt(&offset)) &&
        (offset.isNegative() || offset.getSExtValue() + extent > limit))
      return op->emitOpError() << "constant offset " << offset.getSExtValue()
                               << " in dimension " << dim << " puts the " << extent
                               << "-element tile outside " << sharedName << " (extent " << limit
                               << ")";
  }
  return success();
}

//===----------------------------------------------------------------------===//
// tile.kernel
//===----------------------------------------------------------------------===//

// tile.kernel @name(%arg: type, ...) grid [g0, ...] workers W (attributes {...})? { body }
ParseResult KernelOp::parse(OpAsmParser &parser, OperationState &result) {
  StringAttr name;
  if (parser.parseSymbolName(name, getSymNameAttrName(result.name), result.attributes))
    return failure();
  SmallVector<OpAsmParser::Argument> arguments;
  SmallVector<Type> resultTypes;
  SmallVector<DictionaryAttr> resultAttrs;
  bool isVariadic = false;
  SMLoc signatureLoc = parser.getCurrentLocation();
  if (function_interface_impl::parseFunctionSignatureWithArguments(
          parser, /*allowVariadic=*/false, arguments, isVariadic, resultTypes, resultAttrs))
    return failure();
  if (!resultTypes.empty())
    return parser.emitError(signatureLoc, "a tile.kernel has no results");

  SmallVector<int64_t> grid;
  int64_t workers = 0;
  if (parser.parseKeyword("grid") ||
      parser.parseCommaSeparatedList(AsmParser::Delimiter::Square,
                                     [&] { return parser.parseInteger(grid.emplace_back()); }) ||
      parser.parseKeyword("workers") || parser.parseInteger(workers))
    return failure();

  Builder &builder = parser.getBuilder();
  SmallVector<Type> argumentTypes;
  for (OpAsmParser::Argument &argument : arguments)
    argumentTypes.push_back(argument.type);
  result.addAttribute(getFunctionTypeAttrName(result.name),
                      TypeAttr::get(builder.getFunctionType(argumentTypes, {})));
  result.addAttribute(getGridAttrName(result.name), builder.getDenseI64ArrayAttr(grid));
  result.addAttribute(getWorkersAttrName(result.name), builder.getI64IntegerAttr(workers));
  if (parser.parseOptionalAttrDictWithKeyword(result.attributes))
    return failure();
  call_interface_impl::addArgAndResultAttrs(builder, result, arguments, resultAttrs,
                                            getArgAttrsAttrName(result.name),
                                            getResAttrsAttrName(result.name));
  return parser.parseRegion(*result.addRegion(), arguments, /*enableNameShadowing=*/false);
}

void KernelOp::print(OpAsmPrinter &printer) {
  printer << ' ';
  printer.printSymbolName(getSymName());
  function_interface_impl::printFunctionSignature(printer, *this, getArgumentTypes(),
                                                  /*isVariadic=*/false, getResultTypes());
  printer << " grid [";
  llvm::interleaveComma(getGrid(), printer);
  printer << "] workers " << getNumWorkers();
  function_interface_impl::printFunctionAttributes(
      printer, *this,
      {getFunctionTypeAttrName().getValue(), getGridAttrName().getValue(),
       getWorkersAttrName().getValue(), getArgAttrsAttrName().getValue(),
       getResAttrsAttrName().getValue()});
  printer << ' ';
  printer.printRegion(getBody(), /*printEntryBlockArgs=*/false, /*printBlockTerminators=*/true);
}

LogicalResult KernelOp::verify() {
  ArrayRef<int64_t> grid = getGrid();
  if (grid.empty() || grid.size() > 3)
    return emitOpError() << "grid must have 1 to 3 extents, got " << grid.size();
  if (llvm::any_of(grid, [](int64_t extent) { return extent < 1; }))
    return emitOpError() << "grid extents must be at least 1, got " << formatShape(grid);
  if (getNumWorkers() < 1)
    return emitOpError() << "workers must be at least 1, got " << getNumWorkers();
  if (!getResultTypes().empty())
    return emitOpError() << "must have no results, got " << getResultTypes().size();
  for (auto [i, type] : llvm::enumerate(getArgumentTypes()))
    if (!isa<MemRefType, IntegerType, IndexType, mlir::FloatType>(type))
      return emitOpError() << "argument #" << i
                           << " must be a memref or a scalar (integer, index, float), got "
                           << type;
  return success();
}

/// Checks that a value's layout, if any, distributes over `workers` workers.
static LogicalResult verifyWorkers(Operation *op, Value value, StringRef what, KernelOp kernel) {
  auto reg = dyn_cast<RegType>(value.getType());
  int64_t workers = kernel.getNumWorkers();
  if (!reg || !reg.hasLayout() || reg.getRegisterLayout().getNumWorkers() == workers)
    return success();
  return op->emitOpError() << what << " has layout " << reg.getRegisterLayout().str()
                           << " over " << reg.getRegisterLayout().getNumWorkers()
                           << " workers, but the enclosing tile.kernel @" << kernel.getSymName()
                           << " has workers = " << workers;
}

LogicalResult KernelOp::verifyRegions() {
  // Block arguments are reported at the op that owns their region (the kernel itself for the
  // blocks of its body, which may have register-tensor arguments after the entry block).
  auto verifyBlocks = [&](Operation *op, Region &region) {
    for (auto [b, block] : llvm::enumerate(region))
      for (auto [i, value] : llvm::enumerate(block.getArguments()))
        if (failed(verifyWorkers(op, value,
                                 "argument #" + std::to_string(i) + " of block #" +
                                     std::to_string(b) + " of region #" +
                                     std::to_string(region.getRegionNumber()),
                                 *this)))
          return failure();
    return success();
  };
  if (failed(verifyBlocks(*this, getBody())))
    return failure();
  WalkResult walk = getBody().walk<WalkOrder::PreOrder>([&](Operation *op) {
    for (auto [i, value] : llvm::enumerate(op->getResults()))
      if (failed(verifyWorkers(op, value, "result #" + std::to_string(i), *this)))
        return WalkResult::interrupt();
    for (Region &region : op->getRegions())
      if (failed(verifyBlocks(op, region)))
        return WalkResult::interrupt();
    return WalkResult::advance();
  });
  return failure(walk.wasInterrupted());
}

//===----------------------------------------------------------------------===//
// tile.launch
//===----------------------------------------------------------------------===//

LogicalResult LaunchOp::verify() {
  if (auto kernel = (*this)->getParentOfType<KernelOp>())
    return emitOpError() << "is host code and cannot appear inside tile.kernel @"
                         << kernel.getSymName();
  if (std::optional<int64_t> threads = getMaxThreads(); threads && *threads < 1)
    return emitOpError() << "max_threads must be positive, not " << *threads;
  return success();
}

LogicalResult LaunchOp::verifySymbolUses(SymbolTableCollection &symbolTable) {
  Operation *callee = symbolTable.lookupNearestSymbolFrom(*this, getKernelAttr());
  if (!callee)
    return emitOpError() << "'" << getKernel() << "' does not name a symbol";
  auto kernel = dyn_cast<KernelOp>(callee);
  if (!kernel)
    return emitOpError() << "'" << getKernel() << "' is a '" << callee->getName()
                         << "', not a tile.kernel";
  ArrayRef<Type> expected = kernel.getArgumentTypes();
  if (getArgs().size() != expected.size())
    return emitOpError() << "passes " << getArgs().size() << " arguments but tile.kernel @"
                         << getKernel() << " takes " << expected.size();
  for (auto [i, arg, type] : llvm::enumerate(getArgs(), expected))
    if (arg.getType() != type)
      return emitOpError() << "argument #" << i << " has type " << arg.getType()
                           << " but tile.kernel @" << getKernel() << " expects " << type;
  return success();
}

//===----------------------------------------------------------------------===//
// Indices, views, memory
//===----------------------------------------------------------------------===//

LogicalResult BlockIndexOp::verify() {
  int64_t dim = getDimAttr().getInt();
  if (dim < 0 || dim > 2)
    return emitOpError() << "dim must be 0, 1 or 2, got " << dim;
  if (auto kernel = (*this)->getParentOfType<KernelOp>())
    if (dim >= static_cast<int64_t>(kernel.getGrid().size()))
      return emitOpError() << "dim " << dim << " is outside the " << kernel.getGrid().size()
                           << "-d grid of tile.kernel @" << kernel.getSymName();
  return success();
}

LogicalResult GlobalViewOp::verify() {
  auto source = cast<MemRefType>(getSource().getType());
  GlobalType view = getResult().getType();
  if (source.getElementType() != view.getElementType())
    return emitOpError() << "'source' element type " << source.getElementType()
                         << " differs from the view's " << view.getElementType();
  int64_t rank = view.getRank();
  if (static_cast<int64_t>(getSizes().size()) != rank)
    return emitOpError() << "expects one size per dimension of the view (" << rank << "), got "
                         << getSizes().size();
  if (static_cast<int64_t>(getStrides().size()) != rank)
    return emitOpError() << "expects one stride per dimension of the view (" << rank
                         << "), got " << getStrides().size();
  for (auto [dim, size, extent] : llvm::enumerate(getSizes(), view.getShape())) {
    APInt value;
    if (ShapedType::isStatic(extent) && matchPattern(size, m_ConstantInt(&value)) &&
        value.getSExtValue() != extent)
      return emitOpError() << "constant size " << value.getSExtValue() << " of dimension " << dim
                           << " differs from the view's static extent " << extent;
  }
  return success();
}

/// With `in_bounds`, a tile whose offsets and view sizes are constants must lie inside.
static LogicalResult verifyInBounds(Operation *op, bool inBounds, RegType tile, Value view,
                                    ValueRange offsets) {
  if (!inBounds)
    return success();
  auto viewOp = view.getDefiningOp<GlobalViewOp>();
  if (!viewOp)
    return success();
  for (auto [d, offset, size, extent] :
       llvm::enumerate(offsets, viewOp.getSizes(), tile.getShape())) {
    std::optional<int64_t> o = getConstantIntValue(offset), n = getConstantIntValue(size);
    if (o && n && (*o < 0 || *o + extent > *n))
      return op->emitOpError() << "is marked in_bounds, but its tile [" << *o << ", "
                               << *o + extent << ") of dimension " << d
                               << " is not inside the view's extent " << *n;
  }
  return success();
}

LogicalResult LoadGlobalOp::verify() {
  GlobalType view = getView().getType();
  if (failed(verifyOffsetCount(*this, getOffsets(), view.getRank(), "'view'")) ||
      failed(verifyTileMatchesMemory(*this, getResult().getType(), "the result", view, "'view'")))
    return failure();
  return verifyInBounds(*this, getInBounds(), getResult().getType(), getView(), getOffsets());
}

LogicalResult StoreGlobalOp::verify() {
  GlobalType view = getView().getType();
  if (failed(verifyOffsetCount(*this, getOffsets(), view.getRank(), "'view'")) ||
      failed(verifyTileMatchesMemory(*this, getValue().getType(), "'value'", view, "'view'")))
    return failure();
  return verifyInBounds(*this, getInBounds(), getValue().getType(), getView(), getOffsets());
}

LogicalResult PrefetchGlobalOp::verify() {
  GlobalType view = getView().getType();
  if (failed(verifyOffsetCount(*this, getOffsets(), view.getRank(), "'view'")))
    return failure();
  if (static_cast<int64_t>(getSizes().size()) != view.getRank())
    return emitOpError() << "needs one size per dimension of 'view' (" << view.getRank()
                         << "), got " << getSizes().size();
  for (int64_t size : getSizes())
    if (size < 1)
      return emitOpError() << "sizes must be at least 1, got " << size;
  return success();
}

LogicalResult LoadSharedOp::verify() {
  SharedType source = getSource().getType();
  RegType result = getResult().getType();
  if (failed(verifyOffsetCount(*this, getOffsets(), source.getRank(), "'source'")) ||
      failed(verifyTileMatchesMemory(*this, result, "the result", source, "'source'")))
    return failure();
  return verifyTileInsideShared(*this, result, "the result", source, "'source'", getOffsets());
}

LogicalResult StoreSharedOp::verify() {
  SharedType dest = getDest().getType();
  RegType value = getValue().getType();
  if (failed(verifyOffsetCount(*this, getOffsets(), dest.getRank(), "'dest'")) ||
      failed(verifyTileMatchesMemory(*this, value, "'value'", dest, "'dest'")))
    return failure();
  return verifyTileInsideShared(*this, value, "'value'", dest, "'dest'", getOffsets());
}

LogicalResult CopyAsyncOp::verify() {
  GlobalType source = getSource().getType();
  if (failed(verifyOffsetCount(*this, getOffsets(), source.getRank(), "'source'")))
    return failure();
  return verifyTileMatchesMemory(*this, getDest().getType(), "'dest'", source, "'source'");
}

LogicalResult CopyAsyncWaitOp::verify() {
  if (getPendingAttr().getInt() < 0)
    return emitOpError() << "pending must be at least 0, got " << getPendingAttr().getInt();
  return success();
}

//===----------------------------------------------------------------------===//
// view, cast
//===----------------------------------------------------------------------===//

LogicalResult ViewOp::verify() {
  RegType input = getInput().getType(), result = getResult().getType();
  if (!input.hasLayout())
    return emitOpError() << "'input' must have a layout (tile.view reinterprets each worker's "
                            "registers)";
  if (!result.hasLayout())
    return emitOpError() << "the result must have a layout (tile.view reinterprets each "
                            "worker's registers)";
  const layout::RegisterLayout &in = input.getRegisterLayout(), &out = result.getRegisterLayout();
  if (in.getNumWorkers() != out.getNumWorkers())
    return emitOpError() << "'input' layout " << in.str() << " has " << in.getNumWorkers()
                         << " workers but the result layout " << out.str() << " has "
                         << out.getNumWorkers();
  int64_t inBits = in.getLocalSize() * input.getElementBits();
  int64_t outBits = out.getLocalSize() * result.getElementBits();
  if (inBits != outBits)
    return emitOpError() << "each worker holds " << inBits << " bits of 'input' ("
                         << in.getLocalSize() << " x " << input.getElementType() << ") but "
                         << outBits << " bits of the result (" << out.getLocalSize() << " x "
                         << result.getElementType() << "); tile.view keeps every worker's bits";
  std::optional<ArrayRef<int64_t>> planes = getPlanes();
  if (!planes)
    return success();
  // The codes side is the integer one of at most 8 bits; the other holds i32 words.
  bool codesIn = input.getElementBits() <= 8;
  RegType codes = codesIn ? input : result, words = codesIn ? result : input;
  const layout::RegisterLayout &codesLayout = codesIn ? in : out;
  if (!isa<IntegerType>(codes.getElementType()) || codes.getElementBits() > 8 ||
      !words.getElementType().isSignlessInteger(32))
    return emitOpError() << "with planes views integer codes of at most 8 bits as i32 words or "
                            "back, not "
                         << input.getElementType() << " as " << result.getElementType();
  std::string why =
      explainInvalidPlanes(*planes, codes.getElementBits(), codesLayout.getLocalSize());
  if (!why.empty())
    return emitOpError() << "planes " << formatShape(*planes) << ": " << why;
  return success();
}

/// Both layouts absent, or both present and equal.
static LogicalResult verifySameLayout(Operation *op, RegType input, StringRef inputName,
                                      RegType result) {
  if (input.getLayout() == result.getLayout())
    return success();
  if (!result.hasLayout())
    return op->emitOpError() << inputName << " has layout " << input.getRegisterLayout().str()
                             << " but the result has none";
  if (!input.hasLayout())
    return op->emitOpError() << "the result has layout " << result.getRegisterLayout().str()
                             << " but " << inputName << " has none";
  return op->emitOpError() << "the result layout " << result.getRegisterLayout().str()
                           << " differs from the " << inputName << " layout "
                           << input.getRegisterLayout().str();
}

LogicalResult LookupOp::verify() {
  RegType table = getTable().getType(), codes = getCodes().getType(), result = getType();
  auto codeType = dyn_cast<IntegerType>(codes.getElementType());
  if (!codeType || !codeType.isUnsigned() || codeType.getWidth() > 8)
    return emitOpError() << "'codes' must have unsigned integer elements of 1 to 8 bits, not "
                         << codes.getElementType();
  int64_t entries = int64_t(1) << codeType.getWidth();
  if (table.getNumElements() != entries)
    return emitOpError() << "'table' has " << table.getNumElements() << " elements; codes of "
                         << codeType.getWidth() << " bits index " << entries;
  if (!isa<FloatType, IntegerType>(table.getElementType()))
    return emitOpError() << "'table' must have float or integer elements, not "
                         << table.getElementType();
  if (result.getElementType() != table.getElementType())
    return emitOpError() << "the result element type " << result.getElementType()
                         << " differs from the 'table' element type " << table.getElementType();
  if (result.getShape() != codes.getShape())
    return emitOpError() << "the result shape " << formatShape(result.getShape())
                         << " differs from the 'codes' shape " << formatShape(codes.getShape());
  if (failed(verifySameLayout(*this, codes, "'codes'", result)))
    return failure();
  if (!table.hasLayout())
    return success();
  const layout::RegisterLayout &held = table.getRegisterLayout();
  if (codes.hasLayout() && held.getNumWorkers() != codes.getRegisterLayout().getNumWorkers())
    return emitOpError() << "'table' layout " << held.str() << " has " << held.getNumWorkers()
                         << " workers but the 'codes' layout has "
                         << codes.getRegisterLayout().getNumWorkers();
  return success();
}

LogicalResult CastOp::verify() {
  RegType input = getInput().getType(), result = getResult().getType();
  if (input.getShape() != result.getShape())
    return emitOpError() << "the result shape " << formatShape(result.getShape())
                         << " differs from the 'input' shape " << formatShape(input.getShape());
  return verifySameLayout(*this, input, "'input'", result);
}
