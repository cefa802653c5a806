//===- LayoutRules.cpp - One layout-inference rule per op family ----------===//
//
// Each family has an `infer` (what the op forces, in every direction with a unique answer), an
// optional `choose` (a valid layout where several would do) and a `validate` (the family's
// invariant on the final types). The table in docs/tile-dialect.md ("Layout inference")
// summarizes them; LayoutRules.h explains the driver.
//
//===----------------------------------------------------------------------===//
#include "lowbit/Transforms/LayoutRules.h"

#include "mlir/Interfaces/ControlFlowInterfaces.h"

#include "llvm/Support/InterleavedRange.h"

using namespace mlir;
using namespace lowbit;
using namespace lowbit::tile;

/// Register operands and results of `op`, in order.
static SmallVector<Value> getRegisterValues(Operation *op) {
  SmallVector<Value> values;
  auto add = [&](Value value) {
    if (isa<RegType>(value.getType()))
      values.push_back(value);
  };
  llvm::for_each(op->getOperands(), add);
  llvm::for_each(op->getResults(), add);
  return values;
}

/// Validation prerequisite: `value` (named `name` in messages) has a layout.
static LogicalResult requireLaidOut(Operation *op, Value value, StringRef name) {
  if (cast<RegType>(value.getType()).hasLayout())
    return success();
  return op->emitOpError() << name << " has no layout after layout inference";
}

/// Validation: `a` and `b` have one layout.
static LogicalResult requireSameLayout(Operation *op, Value a, StringRef aName, Value b,
                                       StringRef bName) {
  if (failed(requireLaidOut(op, a, aName)) || failed(requireLaidOut(op, b, bName)))
    return failure();
  LayoutAttr aLayout = cast<RegType>(a.getType()).getLayout();
  LayoutAttr bLayout = cast<RegType>(b.getType()).getLayout();
  if (aLayout == bLayout)
    return success();
  return op->emitOpError() << aName << " has layout " << aLayout << " but " << bName << " has "
                           << bLayout << "; they must agree";
}

/// "operand 1", "result 0" for validation messages.
static std::string nameOf(Operation *op, Value value) {
  if (auto result = dyn_cast<OpResult>(value); result && result.getOwner() == op)
    return ("result " + Twine(result.getResultNumber())).str();
  for (OpOperand &operand : op->getOpOperands())
    if (operand.get() == value)
      return ("operand " + Twine(operand.getOperandNumber())).str();
  return "a value";
}

/// LayoutAttr of an algebra result, or a diagnostic at `op`.
static FailureOr<LayoutAttr> toAttr(Operation *op, llvm::Expected<layout::RegisterLayout> layout,
                                    StringRef what) {
  if (!layout)
    return op->emitOpError() << "cannot compute " << what << ": "
                             << llvm::toString(layout.takeError());
  return LayoutAttr::get(op->getContext(), *layout);
}

//===----------------------------------------------------------------------===//
// Element-wise ops and splat: all register operands and the result share one layout.
//===----------------------------------------------------------------------===//

static LogicalResult inferElementwise(Operation *op, LayoutState &state) {
  return state.unify(getRegisterValues(op));
}

static LogicalResult validateElementwise(Operation *op) {
  Value result = op->getResult(0);
  for (Value value : getRegisterValues(op))
    if (failed(requireSameLayout(op, value, nameOf(op, value), result, "the result")))
      return failure();
  return success();
}

//===----------------------------------------------------------------------===//
// tile.cast: input and result share one layout (it converts each worker's own elements).
//===----------------------------------------------------------------------===//

static LogicalResult inferCast(Operation *op, LayoutState &state) {
  auto castOp = cast<CastOp>(op);
  return state.unify({castOp.getInput(), castOp.getResult()});
}

static LogicalResult validateCast(Operation *op) {
  auto castOp = cast<CastOp>(op);
  return requireSameLayout(op, castOp.getInput(), "'input'", castOp.getResult(), "the result");
}

//===----------------------------------------------------------------------===//
// tile.lookup: codes and result share one layout; the table's layout is its own (held whole by
// every worker, or spread over them).
//===----------------------------------------------------------------------===//

static LogicalResult inferLookup(Operation *op, LayoutState &state) {
  auto lookup = cast<LookupOp>(op);
  return state.unify({lookup.getCodes(), lookup.getResult()});
}

static LogicalResult validateLookup(Operation *op) {
  auto lookup = cast<LookupOp>(op);
  return requireSameLayout(op, lookup.getCodes(), "'codes'", lookup.getResult(), "the result");
}

//===----------------------------------------------------------------------===//
// tile.annotate_layout: the attribute fixes the result and the input.
//===----------------------------------------------------------------------===//

static LogicalResult inferAnnotate(Operation *op, LayoutState &state) {
  auto annotate = cast<AnnotateLayoutOp>(op);
  LayoutAttr layout = annotate.getLayoutAttr();
  if (failed(state.require(annotate.getResult(), layout, op)))
    return failure();
  return state.require(annotate.getInput(), layout, op);
}

static LogicalResult validateAnnotate(Operation *op) {
  auto annotate = cast<AnnotateLayoutOp>(op);
  if (failed(requireSameLayout(op, annotate.getInput(), "'input'", annotate.getResult(),
                               "the result")))
    return failure();
  if (annotate.getInput().getType().getLayout() == annotate.getLayoutAttr())
    return success();
  return op->emitOpError() << "'input' has layout " << annotate.getInput().getType().getLayout()
                           << " but the annotation is " << annotate.getLayoutAttr();
}

//===----------------------------------------------------------------------===//
// tile.dot: c and the result share one layout. The operands' layouts are the instruction's
// (annotated or explicit); none of a, b, c determines another, so nothing else is derived.
//===----------------------------------------------------------------------===//

static LogicalResult inferDot(Operation *op, LayoutState &state) {
  auto dot = cast<DotOp>(op);
  return state.unify({dot.getC(), dot.getResult()});
}

static LogicalResult validateDot(Operation *op) {
  auto dot = cast<DotOp>(op);
  if (failed(requireLaidOut(op, dot.getA(), "'a'")) ||
      failed(requireLaidOut(op, dot.getB(), "'b'")) ||
      failed(requireSameLayout(op, dot.getC(), "'c'", dot.getResult(), "the result")))
    return failure();
  int64_t workers = dot.getC().getType().getLayout().getNumWorkers();
  for (auto [name, value] : {std::pair<StringRef, Value>{"'a'", dot.getA()}, {"'b'", dot.getB()}})
    if (int64_t n = cast<RegType>(value.getType()).getLayout().getNumWorkers(); n != workers)
      return op->emitOpError() << name << " layout has " << n << " workers but 'c' has " << workers;
  return success();
}

//===----------------------------------------------------------------------===//
// tile.reduce: result = reduce(input, dims). Backward only when that is unique: when every
// reduced dimension already has extent 1, reduce is the identity and input = result. Otherwise
// many inputs reduce to one result (which workers or locals held the reduced elements is
// lost), so the input is left to other rules.
//===----------------------------------------------------------------------===//

static LogicalResult inferReduce(Operation *op, LayoutState &state) {
  auto reduce = cast<ReduceOp>(op);
  if (LayoutAttr input = state.lookup(reduce.getInput())) {
    FailureOr<LayoutAttr> result =
        toAttr(op, layout::reduce(input.getLayout(), reduce.getDims()), "reduce('input', dims)");
    if (failed(result))
      return failure();
    return state.require(reduce.getResult(), *result, op);
  }
  ArrayRef<int64_t> shape = reduce.getInput().getType().getShape();
  bool identity = llvm::all_of(reduce.getDims(), [&](int64_t dim) { return shape[dim] == 1; });
  if (LayoutAttr result = state.lookup(reduce.getResult()); result && identity)
    return state.require(reduce.getInput(), result, op);
  return success();
}

static LogicalResult validateReduce(Operation *op) {
  auto reduce = cast<ReduceOp>(op);
  if (failed(requireLaidOut(op, reduce.getInput(), "'input'")) ||
      failed(requireLaidOut(op, reduce.getResult(), "the result")))
    return failure();
  FailureOr<LayoutAttr> expected =
      toAttr(op, layout::reduce(reduce.getInput().getType().getRegisterLayout(), reduce.getDims()),
             "reduce('input', dims)");
  if (failed(expected))
    return failure();
  if (*expected == reduce.getResult().getType().getLayout())
    return success();
  return op->emitOpError() << "the result layout " << reduce.getResult().getType().getLayout()
                           << " must be reduce('input' layout, dims) = " << *expected;
}

//===----------------------------------------------------------------------===//
// tile.broadcast: nothing is forced. The result does not follow from the input (any layout
// whose workers hold what they repeat will do), and several inputs serve one result (e.g. a
// fully replicated one), so `choose` picks input = reduce(result, broadcast dims), which
// always qualifies, once nothing else can decide it.
//===----------------------------------------------------------------------===//

static SmallVector<int64_t> getBroadcastDims(BroadcastOp broadcast) {
  SmallVector<int64_t> dims;
  for (auto [dim, from, to] : llvm::enumerate(broadcast.getInput().getType().getShape(),
                                              broadcast.getResult().getType().getShape()))
    if (from != to)
      dims.push_back(dim);
  return dims;
}

static LogicalResult chooseBroadcast(Operation *op, LayoutState &state) {
  auto broadcast = cast<BroadcastOp>(op);
  LayoutAttr result = state.lookup(broadcast.getResult());
  if (!result || state.lookup(broadcast.getInput()))
    return success();
  FailureOr<LayoutAttr> input =
      toAttr(op, layout::reduce(result.getLayout(), getBroadcastDims(broadcast)),
             "reduce(result, broadcast dims)");
  if (failed(input))
    return failure();
  return state.require(broadcast.getInput(), *input, op);
}


static LogicalResult validateBroadcast(Operation *op) {
  auto broadcast = cast<BroadcastOp>(op);
  if (failed(requireLaidOut(op, broadcast.getInput(), "'input'")) ||
      failed(requireLaidOut(op, broadcast.getResult(), "the result")))
    return failure();
  LayoutAttr inAttr = broadcast.getInput().getType().getLayout();
  LayoutAttr outAttr = broadcast.getResult().getType().getLayout();
  const layout::RegisterLayout &in = inAttr.getLayout(), &out = outAttr.getLayout();
  SmallVector<int64_t> dims = getBroadcastDims(broadcast);
  std::string suggestion;
  if (llvm::Expected<layout::RegisterLayout> fit = layout::reduce(out, dims))
    suggestion = "; reduce(result layout, broadcast dims) = " + fit->str() + " would do";
  else
    llvm::consumeError(fit.takeError());
  auto mismatch = [&]() {
    return op->emitOpError() << "'input' layout " << inAttr << " cannot be broadcast to " << outAttr
                             << ": ";
  };
  if (in.getNumWorkers() != out.getNumWorkers())
    return mismatch() << "it has " << in.getNumWorkers() << " workers, the result "
                      << out.getNumWorkers() << suggestion;
  if (std::optional<layout::UnheldBroadcastElement> unheld =
          layout::findUnheldBroadcastElement(in, out, dims))
    return mismatch() << "worker " << unheld->worker << " holds result element "
                      << llvm::interleaved_array(unheld->index) << " but not the input element "
                      << llvm::interleaved_array(unheld->source) << " it repeats" << suggestion;
  return success();
}

/// tile.extract_slice: nothing is derived (a slice holds a part of the input, in any layout
/// that keeps it local); both layouts come from the program, and the verifier's locality check
/// validates them.
static LogicalResult validateExtractSlice(Operation *op) {
  auto slice = cast<ExtractSliceOp>(op);
  if (failed(requireLaidOut(op, slice.getInput(), "'input'")) ||
      failed(requireLaidOut(op, slice.getResult(), "the result")))
    return failure();
  return slice.verify();
}

//===----------------------------------------------------------------------===//
// Memory: loads and stores relate no two register values. A load's result gets its layout
// from its users, a stored value from its producers; validation only needs one.
//===----------------------------------------------------------------------===//

static LogicalResult validateMemory(Operation *op) {
  for (Value value : getRegisterValues(op))
    if (failed(requireLaidOut(op, value, nameOf(op, value))))
      return failure();
  return success();
}

//===----------------------------------------------------------------------===//
// tile.view: both layouts are explicit (the op is defined per worker); validation re-checks
// that each worker keeps its bits.
//===----------------------------------------------------------------------===//

static LogicalResult validateView(Operation *op) {
  auto view = cast<ViewOp>(op);
  RegType input = view.getInput().getType(), result = view.getResult().getType();
  if (failed(requireLaidOut(op, view.getInput(), "'input'")) ||
      failed(requireLaidOut(op, view.getResult(), "the result")))
    return failure();
  const layout::RegisterLayout &in = input.getRegisterLayout(), &out = result.getRegisterLayout();
  int64_t inBits = in.getLocalSize() * input.getElementBits();
  int64_t outBits = out.getLocalSize() * result.getElementBits();
  if (in.getNumWorkers() == out.getNumWorkers() && inBits == outBits)
    return success();
  return op->emitOpError() << "must keep every worker's bits: 'input' is " << in.getNumWorkers()
                           << " workers x " << inBits << " bits, the result " << out.getNumWorkers()
                           << " x " << outBits;
}

//===----------------------------------------------------------------------===//
// Region control flow: a value forwarded along a region branch (scf.for init -> region
// argument, scf.yield -> region argument and result, ...) shares the layout of where it goes.
//===----------------------------------------------------------------------===//

/// Each forwarded operand with the successor inputs it reaches, in a deterministic order (the
/// op's operands, then its regions' terminators' operands).
static SmallVector<SmallVector<Value>> getForwardingGroups(Operation *op) {
  RegionBranchSuccessorMapping mapping;
  cast<RegionBranchOpInterface>(op).getSuccessorOperandInputMapping(mapping);
  SmallVector<SmallVector<Value>> groups;
  auto addGroup = [&](OpOperand &operand) {
    auto it = mapping.find(&operand);
    if (it == mapping.end())
      return;
    SmallVector<Value> group{operand.get()};
    llvm::append_range(group, it->second);
    groups.push_back(std::move(group));
  };
  llvm::for_each(op->getOpOperands(), addGroup);
  for (Region &region : op->getRegions())
    for (Block &block : region)
      if (!block.empty() && block.back().hasTrait<OpTrait::IsTerminator>())
        llvm::for_each(block.back().getOpOperands(), addGroup);
  return groups;
}

static LogicalResult inferControlFlow(Operation *op, LayoutState &state) {
  for (const SmallVector<Value> &group : getForwardingGroups(op))
    if (failed(state.unify(group)))
      return failure();
  return success();
}

static LogicalResult validateControlFlow(Operation *op) {
  for (const SmallVector<Value> &group : getForwardingGroups(op)) {
    if (!isa<RegType>(group.front().getType()))
      continue;
    for (Value input : ArrayRef(group).drop_front())
      if (input.getType() != group.front().getType())
        return op->emitOpError() << "forwards a value of type " << group.front().getType()
                                 << " to one of type " << input.getType()
                                 << "; the layouts must agree";
  }
  return success();
}

//===----------------------------------------------------------------------===//
// Registration
//===----------------------------------------------------------------------===//

void lowbit::tile::populateTileLayoutRules(LayoutRuleSet &rules) {
  rules.add<AddOp, SubOp, MulOp, DivOp, MaximumOp, MinimumOp, ExpOp, TanhOp, SplatOp, IotaOp>(
      {"elementwise", inferElementwise, nullptr, validateElementwise});
  rules.add<CastOp>({"cast", inferCast, nullptr, validateCast});
  rules.add<LookupOp>({"lookup", inferLookup, nullptr, validateLookup});
  rules.add<AnnotateLayoutOp>({"annotate_layout", inferAnnotate, nullptr, validateAnnotate});
  rules.add<DotOp>({"dot", inferDot, nullptr, validateDot});
  rules.add<ReduceOp>({"reduce", inferReduce, nullptr, validateReduce});
  rules.add<BroadcastOp>({"broadcast", /*infer=*/nullptr, chooseBroadcast, validateBroadcast});
  rules.add<ExtractSliceOp>({"extract_slice", /*infer=*/nullptr, nullptr, validateExtractSlice});
  rules.add<LoadGlobalOp, LoadSharedOp, StoreGlobalOp, StoreSharedOp>(
      {"memory", /*infer=*/nullptr, nullptr, validateMemory});
  rules.add<ViewOp>({"view", /*infer=*/nullptr, nullptr, validateView});
}

void lowbit::tile::populateControlFlowLayoutRules(LayoutRuleSet &rules) {
  rules.addForInterface<RegionBranchOpInterface>(
      {"control flow", inferControlFlow, nullptr, validateControlFlow});
}
