//===- InferLayouts.cpp - tile-infer-layouts: state, driver, pass ---------===//
//
// The fixed-point driver of layout inference and the pass that runs it. The rules themselves
// are in LayoutRules.cpp; LayoutRules.h explains how the parts fit together.
//
//===----------------------------------------------------------------------===//
#include "lowbit/Transforms/LayoutRules.h"
#include "lowbit/Transforms/Passes.h"

#include "mlir/Interfaces/FunctionInterfaces.h"

#include "llvm/ADT/DenseSet.h"
#include "llvm/Support/Debug.h"

#include <deque>

#define DEBUG_TYPE "tile-infer-layouts"

namespace lowbit {
#define GEN_PASS_DEF_TILEINFERLAYOUTS
#include "lowbit/Transforms/Passes.h.inc"
} // namespace lowbit

using namespace mlir;
using namespace lowbit;
using namespace lowbit::tile;

//===----------------------------------------------------------------------===//
// LayoutState
//===----------------------------------------------------------------------===//

/// What `value` is to `op`, for diagnostics: "result 0", "operand 1", "region argument 0"
/// (block arguments of op's regions), "yielded value 0" (operands of terminators in them).
static std::string describeRole(Operation *op, Value value) {
  auto numbered = [](StringRef what, unsigned index) { return (what + " " + Twine(index)).str(); };
  if (auto result = dyn_cast<OpResult>(value); result && result.getOwner() == op)
    return numbered("result", result.getResultNumber());
  for (OpOperand &operand : op->getOpOperands())
    if (operand.get() == value)
      return numbered("operand", operand.getOperandNumber());
  if (auto arg = dyn_cast<BlockArgument>(value); arg && arg.getOwner()->getParentOp() == op)
    return numbered(isa<FunctionOpInterface>(op) ? "argument" : "region argument",
                    arg.getArgNumber());
  for (Region &region : op->getRegions())
    for (Block &block : region)
      if (!block.empty() && block.back().hasTrait<OpTrait::IsTerminator>())
        for (OpOperand &operand : block.back().getOpOperands())
          if (operand.get() == value)
            return numbered("yielded value", operand.getOperandNumber());
  return "a value";
}

/// "tile.dot produced #tile.layout<..>", "tile.add needs #tile.layout<..> for operand 1".
static std::string describeSource(const LayoutSource &source, LayoutAttr layout) {
  std::string text;
  llvm::raw_string_ostream os(text);
  os << source.op->getName() << " ";
  if (StringRef(source.role).starts_with("result"))
    os << "produced " << layout;
  else if (StringRef(source.role).contains("argument"))
    os << "declares " << layout << " for " << source.role;
  else
    os << "needs " << layout << " for " << source.role;
  return text;
}

LayoutState::LayoutState(ArrayRef<Operation *> programOrder) {
  for (auto [index, op] : llvm::enumerate(programOrder))
    position[op] = index + 1;
}

bool LayoutState::isBefore(Operation *a, Operation *b) const {
  return position.lookup(a) < position.lookup(b);
}

LayoutAttr LayoutState::lookup(Value value) const {
  auto reg = dyn_cast<RegType>(value.getType());
  if (!reg)
    return {};
  auto it = assigned.find(value);
  return it != assigned.end() ? it->second.first : reg.getLayout();
}

LayoutSource LayoutState::getSource(Value value) const {
  auto it = assigned.find(value);
  if (it != assigned.end())
    return it->second.second;
  Operation *owner = value.getDefiningOp();
  if (!owner)
    owner = cast<BlockArgument>(value).getOwner()->getParentOp();
  return {owner, describeRole(owner, value)};
}

LogicalResult LayoutState::assign(Value value, LayoutAttr layout, const LayoutSource &source) {
  auto reg = dyn_cast<RegType>(value.getType());
  if (!reg)
    return success();
  LayoutAttr known = lookup(value);
  if (known == layout)
    return success();
  if (known) {
    // The later of the two ops (in program order) gets the error, the earlier one the note.
    std::pair<LayoutSource, LayoutAttr> later{source, layout}, earlier{getSource(value), known};
    if (isBefore(later.first.op, earlier.first.op))
      std::swap(later, earlier);
    InFlightDiagnostic diag = later.first.op->emitError()
                              << "layout conflict: " << describeSource(later.first, later.second)
                              << " but " << describeSource(earlier.first, earlier.second);
    diag.attachNote(earlier.first.op->getLoc())
        << "the other layout, " << earlier.second << ", comes from here";
    return failure();
  }
  if (layout.getShape() != reg.getShape())
    return source.op->emitError() << "layout inference: " << layout << " does not fit "
                                  << source.role << " of type " << reg;
  LLVM_DEBUG(llvm::dbgs() << "[" DEBUG_TYPE "] " << describeSource(source, layout) << "\n");
  assigned[value] = {layout, source};
  changed.push_back(value);
  return success();
}

LogicalResult LayoutState::require(Value value, LayoutAttr layout, Operation *op) {
  return assign(value, layout, {op, describeRole(op, value)});
}

LogicalResult LayoutState::unify(ValueRange values) {
  Value first;
  for (Value value : values) {
    if (!isa<RegType>(value.getType()))
      continue;
    if (first)
      classes.unionSets(first, value);
    else
      first = value;
  }
  auto known = llvm::find_if(values, [&](Value value) { return static_cast<bool>(lookup(value)); });
  if (known == values.end())
    return success();
  LayoutAttr layout = lookup(*known);
  LayoutSource source = getSource(*known);
  for (Value value : values)
    if (failed(assign(value, layout, source)))
      return failure();
  return success();
}

SmallVector<Value> LayoutState::takeChanged() { return std::exchange(changed, {}); }

Value LayoutState::getClassLeader(Value value) const {
  auto leader = classes.findLeader(value);
  return leader == classes.member_end() ? value : *leader;
}

const LayoutRule *LayoutRuleSet::lookup(Operation *op) const {
  auto it = byOp.find(op->getName().getTypeID());
  if (it != byOp.end())
    return &it->second;
  for (const auto &[matches, rule] : byInterface)
    if (matches(op))
      return &rule;
  return nullptr;
}

//===----------------------------------------------------------------------===//
// The driver
//===----------------------------------------------------------------------===//

namespace {
/// Runs the rules of the ops nested in a root to a fixed point.
class InferenceDriver {
public:
  InferenceDriver(Operation *root, const LayoutRuleSet &rules)
      : root(root), rules(rules), ops(collectNestedOps(root)), state(ops) {}

  /// Forced rules to a fixed point; then, while some op can choose, one choice at a time,
  /// each followed by the forced rules again (a choice never overrides what is forced).
  LogicalResult run() {
    for (Operation *op : ops)
      enqueue(op);
    if (failed(propagate()))
      return failure();
    while (true) {
      bool chose = false;
      for (Operation *op : ops) {
        const LayoutRule *rule = rules.lookup(op);
        if (!rule || !rule->choose)
          continue;
        if (failed(rule->choose(op, state)))
          return failure();
        if (enqueueNeighboursOfChanged()) {
          LLVM_DEBUG(llvm::dbgs() << "[" DEBUG_TYPE "] chose a layout at " << op->getName()
                                  << "\n");
          chose = true;
          break;
        }
      }
      if (!chose)
        return success();
      if (failed(propagate()))
        return failure();
    }
  }

  const LayoutState &getState() const { return state; }
  Operation *getRoot() const { return root; }
  ArrayRef<Operation *> getOps() const { return ops; }

private:
  void enqueue(Operation *op) {
    if (op && queued.insert(op).second)
      worklist.push_back(op);
  }

  /// Revisits the ops around every newly assigned value; true when there was one.
  bool enqueueNeighboursOfChanged() {
    SmallVector<Value> changed = state.takeChanged();
    for (Value value : changed) {
      if (Operation *def = value.getDefiningOp())
        enqueue(def);
      else
        enqueue(cast<BlockArgument>(value).getOwner()->getParentOp());
      for (Operation *user : value.getUsers()) {
        enqueue(user);
        // A terminator forwards the value to its parent's results or regions.
        if (user->hasTrait<OpTrait::IsTerminator>())
          enqueue(user->getParentOp());
      }
    }
    return !changed.empty();
  }

  LogicalResult propagate() {
    while (!worklist.empty()) {
      Operation *op = worklist.front();
      worklist.pop_front();
      queued.erase(op);
      const LayoutRule *rule = rules.lookup(op);
      if (!rule || !rule->infer)
        continue;
      if (failed(rule->infer(op, state)))
        return failure();
      enqueueNeighboursOfChanged();
    }
    return success();
  }

  static SmallVector<Operation *> collectNestedOps(Operation *root) {
    SmallVector<Operation *> ops;
    root->walk<WalkOrder::PreOrder>([&](Operation *op) {
      if (op != root)
        ops.push_back(op);
    });
    return ops;
  }

  Operation *root;
  const LayoutRuleSet &rules;
  SmallVector<Operation *> ops; // program order (pre-order walk)
  LayoutState state;
  std::deque<Operation *> worklist;
  DenseSet<Operation *> queued;
};
} // namespace

/// Register values nested in the root, in program order: the root's block arguments, then
/// each op's results and its regions' block arguments.
static SmallVector<Value> collectRegisterValues(Operation *root, ArrayRef<Operation *> ops) {
  SmallVector<Value> values;
  auto add = [&](Value value) {
    if (isa<RegType>(value.getType()))
      values.push_back(value);
  };
  auto addBlockArguments = [&](Operation *op) {
    for (Region &region : op->getRegions())
      for (Block &block : region)
        llvm::for_each(block.getArguments(), add);
  };
  addBlockArguments(root);
  for (Operation *op : ops) {
    llvm::for_each(op->getResults(), add);
    addBlockArguments(op);
  }
  return values;
}

/// Functions (the root included) whose arguments or returned values changed type get the new
/// signature.
static void updateFunctionSignatures(Operation *root, ArrayRef<Operation *> ops) {
  SmallVector<Operation *> candidates{root};
  llvm::append_range(candidates, ops);
  for (Operation *op : candidates) {
    auto function = dyn_cast<FunctionOpInterface>(op);
    if (!function || function.isExternal())
      continue;
    Region &body = function.getFunctionBody();
    SmallVector<Type> inputs = llvm::to_vector(body.getArgumentTypes());
    SmallVector<Type> results(function.getResultTypes());
    for (Block &block : body)
      if (!block.empty() && block.back().hasTrait<OpTrait::ReturnLike>() &&
          block.back().getNumOperands() == results.size())
        results.assign(block.back().operand_type_begin(), block.back().operand_type_end());
    if (ArrayRef<Type>(inputs) != function.getArgumentTypes() ||
        ArrayRef<Type>(results) != function.getResultTypes())
      function.setType(FunctionType::get(op->getContext(), inputs, results));
  }
}

LogicalResult lowbit::tile::inferLayouts(Operation *root, const LayoutRuleSet &rules) {
  InferenceDriver driver(root, rules);
  if (failed(driver.run()))
    return failure();
  const LayoutState &state = driver.getState();

  // Rewrite the types in place.
  for (const auto &[constValue, assignment] : state.getAssigned()) {
    Value value = constValue;
    value.setType(cast<RegType>(value.getType()).withLayout(assignment.first));
  }
  updateFunctionSignatures(driver.getRoot(), driver.getOps());

  // Values no rule reached: one error per class of values that share a layout, at the first.
  bool complete = true;
  DenseSet<Value> reportedClasses;
  for (Value value : collectRegisterValues(driver.getRoot(), driver.getOps())) {
    if (cast<RegType>(value.getType()).hasLayout())
      continue;
    complete = false;
    if (reportedClasses.insert(state.getClassLeader(value)).second)
      emitError(value.getLoc())
          << "could not infer a layout for this value; annotate it with tile.annotate_layout";
  }
  if (!complete)
    return failure();

  bool valid = true;
  for (Operation *op : driver.getOps())
    if (const LayoutRule *rule = rules.lookup(op); rule && rule->validate)
      valid &= succeeded(rule->validate(op));
  return success(valid);
}

//===----------------------------------------------------------------------===//
// The pass
//===----------------------------------------------------------------------===//

namespace {
struct TileInferLayoutsPass : lowbit::impl::TileInferLayoutsBase<TileInferLayoutsPass> {
  void runOnOperation() override {
    tile::LayoutRuleSet rules;
    tile::populateTileLayoutRules(rules);
    tile::populateControlFlowLayoutRules(rules);
    if (failed(tile::inferLayouts(getOperation(), rules)))
      signalPassFailure();
  }
};
} // namespace
