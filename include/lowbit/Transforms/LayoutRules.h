//===- LayoutRules.h - Layout inference: state, rules, driver -----*- C++ -*-===//
//
// Layout inference (`tile-infer-layouts`) gives every `!tile.reg` value a register layout. The
// program says only what matters (`tile.annotate_layout`, `tile.view`, explicitly laid-out
// types); one rule per op family derives the rest:
//
//   LayoutRuleSet rules;
//   populateTileLayoutRules(rules);           // element-wise, cast, dot, reduce, ...
//   populateControlFlowLayoutRules(rules);    // scf.for, scf.if, ... (RegionBranchOpInterface)
//   if (failed(inferLayouts(kernel, rules)))  // diagnostics are already emitted
//     ...
//
// A rule has three parts:
//   - infer:    derives what the op forces, from whatever is known, in every direction in which
//               the answer is unique (e.g. tile.reduce forward: result = reduce(input, dims));
//   - choose:   optional; picks one layout where several would do (tile.broadcast's input). It
//               runs only when no `infer` can make progress, so it never overrides a forced one;
//   - validate: checks the op's layouts once every value has one (the family's invariant).
//
// Layouts only ever go from unknown to known, so the fixed point is reached after at most one
// step per value. A value that two rules want laid out differently is a conflict: an error at
// the later of the two ops the layouts come from and a note at the earlier one.
//
//===----------------------------------------------------------------------===//
#ifndef LOWBIT_TRANSFORMS_LAYOUTRULES_H
#define LOWBIT_TRANSFORMS_LAYOUTRULES_H

#include "tile/TileDialect.h"

#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/EquivalenceClasses.h"
#include "llvm/ADT/SmallVector.h"

#include <string>

namespace lowbit::tile {

/// Where a value's layout comes from: the op whose type or rule fixed it, and what the value is
/// to that op ("result 0", "operand 1", "region argument 0", "yielded value 0").
struct LayoutSource {
  mlir::Operation *op = nullptr;
  std::string role;
};

/// What inference knows: a layout (and its source) for each register value. Values not yet
/// assigned fall back to the layout in their type.
class LayoutState {
public:
  /// `programOrder` (the ops in a pre-order walk) decides which op of a conflict gets the error
  /// (the later one) and which the note; ops not in it count as earliest.
  explicit LayoutState(llvm::ArrayRef<mlir::Operation *> programOrder = {});

  /// The layout of `value`: assigned, or from its type; null when unknown or when `value` is
  /// not a register tensor.
  LayoutAttr lookup(mlir::Value value) const;
  /// Where lookup(value) comes from (the defining op, or the block's owner, for type layouts).
  LayoutSource getSource(mlir::Value value) const;

  /// `op` itself demands `layout` for `value` (one of its operands, results or region values):
  /// an annotation, or a layout the op computes. Records it when `value` has none; success
  /// when it already has `layout`; otherwise a conflict diagnostic and failure.
  mlir::LogicalResult require(mlir::Value value, LayoutAttr layout, mlir::Operation *op);
  /// The values (register tensors; others are skipped) share one layout: the first known one
  /// is required of the others, keeping its source, so that a conflict names the ops the two
  /// layouts come from rather than the op that only forwards them. Also records that the
  /// values form one class (for reporting values that stay unknown once per class).
  mlir::LogicalResult unify(mlir::ValueRange values);

  /// The values assigned since the last call (the driver revisits their neighbours).
  llvm::SmallVector<mlir::Value> takeChanged();
  /// Every value assigned so far, with its layout.
  const llvm::DenseMap<mlir::Value, std::pair<LayoutAttr, LayoutSource>> &getAssigned() const {
    return assigned;
  }
  /// The first value unified with `value` (itself when it was never unified).
  mlir::Value getClassLeader(mlir::Value value) const;

private:
  mlir::LogicalResult assign(mlir::Value value, LayoutAttr layout, const LayoutSource &source);
  bool isBefore(mlir::Operation *a, mlir::Operation *b) const;

  llvm::DenseMap<mlir::Operation *, unsigned> position;
  llvm::DenseMap<mlir::Value, std::pair<LayoutAttr, LayoutSource>> assigned;
  llvm::SmallVector<mlir::Value> changed;
  llvm::EquivalenceClasses<mlir::Value> classes;
};

/// The inference and validation rules of one op family.
struct LayoutRule {
  using InferFn = mlir::LogicalResult (*)(mlir::Operation *op, LayoutState &state);
  using ValidateFn = mlir::LogicalResult (*)(mlir::Operation *op);

  /// Name of the family, for debug output ("elementwise", "reduce", ...).
  llvm::StringRef family;
  /// Forced derivations, forward and backward. Fails only after a diagnostic.
  InferFn infer = nullptr;
  /// A choice among valid layouts, tried when nothing is forced any more; may be null.
  InferFn choose = nullptr;
  /// The family's invariant on the final types. Fails only after a diagnostic.
  ValidateFn validate = nullptr;
};

/// Rules by op, plus rules for ops that implement an interface and have no rule of their own.
class LayoutRuleSet {
public:
  /// `rule` for each of `OpTys` (an op that already has a rule keeps it).
  template <typename... OpTys> void add(const LayoutRule &rule) {
    (byOp.try_emplace(mlir::TypeID::get<OpTys>(), rule), ...);
  }
  /// `rule` for ops that implement `Interface` and have no rule of their own (the first
  /// matching interface rule wins).
  template <typename Interface> void addForInterface(const LayoutRule &rule) {
    byInterface.push_back({[](mlir::Operation *op) { return mlir::isa<Interface>(op); }, rule});
  }
  /// The rule for `op`, or null when layout inference does not know the op.
  const LayoutRule *lookup(mlir::Operation *op) const;

private:
  llvm::DenseMap<mlir::TypeID, LayoutRule> byOp;
  llvm::SmallVector<std::pair<bool (*)(mlir::Operation *), LayoutRule>> byInterface;
};

/// The tile ops' rules (docs/tile-dialect.md, "Layout inference", has the table):
///   element-wise ops and splat   all register operands and the result share one layout
///   cast                         input and result share one layout
///   annotate_layout              the attribute fixes the result and the input
///   dot                          c and the result share one layout; a and b are not derived
///   reduce                       result = reduce(input, dims); backward only when the reduced
///                                dimensions already have extent 1 (otherwise not unique)
///   broadcast                    choice: input = reduce(result, broadcast dims)
///   load_*/store_*               nothing to derive: the value's layout comes from its other
///                                users or producers
///   view                         both layouts are explicit; validated (bits per worker)
void populateTileLayoutRules(LayoutRuleSet &rules);

/// Region control flow (any RegionBranchOpInterface op: scf.for, scf.if, scf.while, ...): every
/// value forwarded along a region branch (init, region argument, yielded value, result) shares
/// one layout, so loop-carried accumulators agree.
void populateControlFlowLayoutRules(LayoutRuleSet &rules);

/// Infers the layout of every register value nested in `root` (not of `root`'s own results),
/// rewrites the types in place (results, block arguments, and the signatures of functions
/// whose arguments or results change), then validates every op that has a rule. Values that
/// no rule determines are reported ("could not infer a layout for this value; ..."), once per
/// class of values that must share a layout. Fails after emitting diagnostics.
mlir::LogicalResult inferLayouts(mlir::Operation *root, const LayoutRuleSet &rules);

} // namespace lowbit::tile

#endif // LOWBIT_TRANSFORMS_LAYOUTRULES_H
