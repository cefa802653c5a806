//===- Layout.h - Register layouts: a Tilus-style layout algebra -*- C++ -*-===//
//
// A register layout says which worker holds which element of a tile, and where in the worker's
// registers. A worker is a GPU thread or a CPU SIMD lane; each worker holds `localSize` elements,
// numbered by a local index. The layout is the map
//
//     (worker, local) -> logical index (i0, i1, ...) of a tile of shape `shape`.
//
// Tutorial. Layouts are built from primitives and composed with `*` (also written `.`):
//
//   local(2, 4)           one worker holding a 2x4 tile, local index row-major:
//                           local l -> (l / 4, l % 4)
//   spatial(8, 4)         32 workers holding one element each, worker index row-major:
//                           worker w -> (w / 4, w % 4)
//   column_local(2, 4)    like local, but column-major: local l -> (l % 2, l / 2)
//   column_spatial(4, 8)  like spatial, column-major: worker w -> (w % 4, w / 4)
//   replicated(2)         rank 0: two workers hold the same (only) element
//
//   A * B                 Kronecker-like: every element of A becomes a B-shaped block.
//                           shape = shapeA * shapeB (per dimension), and
//                           (wA * numWorkers(B) + wB, lA * localSize(B) + lB)
//                             -> indexA * shapeB + indexB (per dimension).
//
// So `local(2,1).spatial(8,4).local(1,2)` (= local(2,1) * spatial(8,4) * local(1,2)) is the
// 16x8 accumulator of PTX mma.m16n8k16: 32 workers (threads), 4 elements each; thread t holds
// rows t/4 and t/4+8, columns 2*(t%4) and 2*(t%4)+1, in the order (r,c) (r,c+1) (r+8,c)
// (r+8,c+1). In C++:
//
//   RegisterLayout c = local({2, 1}).spatial({8, 4}).local({1, 2});     // built in code
//   llvm::Expected<RegisterLayout> user = parseRegisterLayout(text);   // from user text
//   c.getLogicalIndex(5, 2);                  // {9, 2}
//   c.getOwners({9, 2});                      // {{worker 5, local 2}}
//   divideRight(c, local({1, 2}));            // local(2,1).spatial(8,4)
//   reduce(c, {1});                           // local(2,1).spatial(8,1).replicated(4)
//   c.str();                                  // "local(2,1).spatial(8,4).local(1,2)"
//
// Internally (and in the explicit form), a layout is Tilus's representation:
//   - shape:        extent per logical dimension;
//   - modeShape:    each dimension split into modes, most significant first, listed dimension
//                   by dimension (dimension 0's modes, then dimension 1's, ...);
//   - spatialModes: the modes (by index) that form the worker index, most significant first;
//                   an entry -r (r >= 2) is an r-way replication digit that maps to no dimension;
//   - localModes:   the modes that form the local index, most significant first.
// Every mode appears exactly once in spatialModes or localModes. To evaluate the map, split the
// worker index into mixed-radix digits by the extents of the spatial entries and the local
// index by the extents of the local modes; each mode gets its digit; a dimension's index is its
// modes' digits combined, most significant first.
//
// Canonical form. Every RegisterLayout is stored in canonical form, so two layouts with the
// same map are the same object (operator== compares the stored form):
//   1. modes of extent 1 and replication digits of 1 are dropped;
//   2. two modes of one dimension that are adjacent in that dimension (m then m+1) and adjacent
//      in the same order in the same role list (spatial or local) are merged into one mode;
//   3. adjacent replication digits are merged.
// A layout with no mergeable pair is determined by its map: the least significant local digit
// is the longest run j -> f(0, j) = j * stride within one dimension, and so on; the unit tests
// check uniqueness on many generated layouts.
//
// Operations that can fail on user input return llvm::Expected with a message; nothing here
// asserts on user input. Convenience spellings for layouts built in code (operator*, local(),
// the chaining methods) abort with a fatal error on misuse instead; use the `try`/Expected
// forms for anything that comes from a user.
//
// Text form (see parseRegisterLayout): the constructor expression, or, for layouts that no
// chain of primitives produces, the explicit form
//   layout<shape=[4,4], modes=[2,2,2,2], spatial=[1,2], local=[3,0]>
//
//===----------------------------------------------------------------------===//
#ifndef LOWBIT_LAYOUT_LAYOUT_H
#define LOWBIT_LAYOUT_LAYOUT_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/Hashing.h"
#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <optional>
#include <string>

namespace llvm {
class raw_ostream;
} // namespace llvm

namespace lowbit::layout {

/// Largest number of elements, workers or local elements a layout may have (each separately).
/// Keeps every product in int64_t; tryCreate and every operation check it.
constexpr int64_t kMaxLayoutSize = int64_t(1) << 31;

/// One holder of an element: the worker and the position in its local registers.
struct WorkerLocal {
  int64_t worker;
  int64_t local;
  bool operator==(const WorkerLocal &other) const {
    return worker == other.worker && local == other.local;
  }
};

/// The four kinds of primitive layouts (replicated is separate: it has rank 0).
enum class PrimitiveKind { Local, Spatial, ColumnLocal, ColumnSpatial };

/// A register layout in canonical form (see the file comment). Cheap to copy.
class RegisterLayout {
public:
  /// The rank-0 layout with one worker holding one element: the identity of composition.
  RegisterLayout() = default;

  /// Builds a layout from Tilus's representation (modes listed per dimension, see the file
  /// comment) and canonicalizes it. Modes are assigned to dimensions in order: dimension d takes
  /// the next modes until their extents multiply to shape[d]; extent-1 modes met after the last
  /// dimension is complete belong to it. Fails (never asserts) when an extent is < 1, the modes
  /// do not multiply to the shape, a mode index is out of range or not used exactly once, a
  /// negative (replication) entry appears in localModes, or a size exceeds kMaxLayoutSize.
  /// Replication entries of -1 and modes of extent 1 are accepted and dropped.
  static llvm::Expected<RegisterLayout> tryCreate(llvm::ArrayRef<int64_t> shape,
                                                  llvm::ArrayRef<int64_t> modeShape,
                                                  llvm::ArrayRef<int64_t> spatialModes,
                                                  llvm::ArrayRef<int64_t> localModes);

  // --- The canonical representation -------------------------------------------------------
  llvm::ArrayRef<int64_t> getShape() const { return shape; }
  unsigned getRank() const { return shape.size(); }
  /// Extents of the modes, dimension by dimension, most significant first.
  llvm::ArrayRef<int64_t> getModeShape() const { return modeShape; }
  /// The dimension of each mode (non-decreasing).
  llvm::ArrayRef<unsigned> getModeDims() const { return modeDims; }
  /// Mode indices forming the worker index (most significant first); -r is an r-way replication.
  llvm::ArrayRef<int64_t> getSpatialModes() const { return spatialModes; }
  /// Mode indices forming the local index (most significant first).
  llvm::ArrayRef<int64_t> getLocalModes() const { return localModes; }

  // --- Sizes ----------------------------------------------------------------------------------
  /// Product of the spatial extents, replication included.
  int64_t getNumWorkers() const;
  /// Number of elements each worker holds.
  int64_t getLocalSize() const;
  /// Number of logical elements (product of the shape).
  int64_t getNumElements() const;
  /// How many (worker, local) pairs hold each element: the product of the replication digits.
  int64_t getReplication() const;

  // --- The map --------------------------------------------------------------------------------
  /// Logical index held by (worker, local). Precondition: 0 <= worker < getNumWorkers() and
  /// 0 <= local < getLocalSize() (out-of-range arguments give an empty vector).
  llvm::SmallVector<int64_t, 4> getLogicalIndex(int64_t worker, int64_t local) const;
  /// Every (worker, local) pair holding `index`, sorted by worker: getReplication() pairs for an
  /// index inside the shape, none for an index outside it or of the wrong rank.
  llvm::SmallVector<WorkerLocal, 4> getOwners(llvm::ArrayRef<int64_t> index) const;

  // --- Chaining, for layouts built in code: `local({2,1}).spatial({8,4}).local({1,2})` -------
  // Each is `*this * primitive(extents)`; a fatal error when ranks or extents are invalid.
  RegisterLayout local(llvm::ArrayRef<int64_t> extents) const;
  RegisterLayout spatial(llvm::ArrayRef<int64_t> extents) const;
  RegisterLayout columnLocal(llvm::ArrayRef<int64_t> extents) const;
  RegisterLayout columnSpatial(llvm::ArrayRef<int64_t> extents) const;
  RegisterLayout replicated(int64_t factor) const;

  // --- Comparison and printing ---------------------------------------------------------------
  bool operator==(const RegisterLayout &other) const {
    return shape == other.shape && modeShape == other.modeShape && modeDims == other.modeDims &&
           spatialModes == other.spatialModes && localModes == other.localModes;
  }
  bool operator!=(const RegisterLayout &other) const { return !(*this == other); }

  /// The canonical text: the shortest constructor expression producing this layout (ties
  /// broken deterministically), or the explicit form when no expression exists. Equal layouts
  /// print identically, and parseRegisterLayout(str()) == *this.
  std::string str() const;
  /// The explicit form `layout<shape=[..], modes=[..], spatial=[..], local=[..]>`.
  std::string strExplicit() const;
  /// The constructor expression, if one exists.
  std::optional<std::string> strExpression() const;

private:
  friend class LayoutBuilder;
  llvm::SmallVector<int64_t, 4> shape;
  llvm::SmallVector<int64_t, 8> modeShape;
  llvm::SmallVector<unsigned, 8> modeDims;
  llvm::SmallVector<int64_t, 8> spatialModes;
  llvm::SmallVector<int64_t, 8> localModes;
};

llvm::raw_ostream &operator<<(llvm::raw_ostream &os, const RegisterLayout &layout);

/// Hash of the canonical form (equal layouts hash equally), e.g. for MLIR attribute storage.
llvm::hash_code hash_value(const RegisterLayout &layout);

// --- Primitives ---------------------------------------------------------------------------------

/// A primitive of rank extents.size() (rank 0 for no extents). Fails when an extent is < 1 or the
/// product exceeds kMaxLayoutSize.
llvm::Expected<RegisterLayout> makePrimitive(PrimitiveKind kind, llvm::ArrayRef<int64_t> extents);
/// replicated(factor): rank 0, `factor` workers, one element. Fails when factor < 1 or too large.
llvm::Expected<RegisterLayout> makeReplicated(int64_t factor);

/// Unchecked spellings for code (fatal error on an invalid extent).
RegisterLayout local(llvm::ArrayRef<int64_t> extents);
RegisterLayout spatial(llvm::ArrayRef<int64_t> extents);
RegisterLayout columnLocal(llvm::ArrayRef<int64_t> extents);
RegisterLayout columnSpatial(llvm::ArrayRef<int64_t> extents);
RegisterLayout replicated(int64_t factor);

// --- Operations ---------------------------------------------------------------------------------

/// A * B. The ranks must be equal, or one of them 0 (a rank-0 layout acts as shape all ones).
llvm::Expected<RegisterLayout> compose(const RegisterLayout &a, const RegisterLayout &b);
/// compose() for layouts built in code: a fatal error if it fails.
RegisterLayout operator*(const RegisterLayout &a, const RegisterLayout &b);

/// Right division a / b: the R with R * b == a. Fails when no such R exists (shapes, worker or
/// local counts not divisible, or b's modes are not the least significant part of a's).
llvm::Expected<RegisterLayout> divideRight(const RegisterLayout &a, const RegisterLayout &b);
/// Left division b \ a: the L with b * L == a. Fails when no such L exists.
llvm::Expected<RegisterLayout> divideLeft(const RegisterLayout &a, const RegisterLayout &b);

/// Reduces `dims` to extent 1: local modes on them are dropped (each worker keeps one partial
/// result), spatial modes on them become replication (the workers that held different parts
/// now hold the same reduced value). Fails on a dimension out of range or repeated.
llvm::Expected<RegisterLayout> reduce(const RegisterLayout &a, llvm::ArrayRef<int64_t> dims);
/// Result dimension i is a's dimension perm[i]. Fails unless perm is a permutation of 0..rank-1.
llvm::Expected<RegisterLayout> permute(const RegisterLayout &a, llvm::ArrayRef<int64_t> perm);
/// Row-major reshape of the logical index. Fails when the element counts differ or a mode would
/// have to be cut in a way that is not a split into whole factors (the result would not be a
/// layout), e.g. reshaping local(2,3) to (3,2).
llvm::Expected<RegisterLayout> reshape(const RegisterLayout &a, llvm::ArrayRef<int64_t> newShape);
/// reshape to one dimension (always possible); rank 0 becomes shape [1].
RegisterLayout flatten(const RegisterLayout &a);
/// Removes dimension `dim`, which must have extent 1.
llvm::Expected<RegisterLayout> squeeze(const RegisterLayout &a, int64_t dim);
/// Inserts an extent-1 dimension at position `dim` (0 <= dim <= rank).
llvm::Expected<RegisterLayout> unsqueeze(const RegisterLayout &a, int64_t dim);
/// Dimensions of a followed by dimensions of b; workers and locals combine as in composition:
/// (wA * numWorkers(b) + wB, lA * localSize(b) + lB) -> (indexA..., indexB...).
llvm::Expected<RegisterLayout> concat(const RegisterLayout &a, const RegisterLayout &b);

/// A result element that a broadcast's worker holds without holding the input element it
/// repeats (the index with the broadcast dims at 0).
struct UnheldBroadcastElement {
  int64_t worker;
  llvm::SmallVector<int64_t, 4> index, source;
};
/// Broadcasting from `in` to `out` along `dims` (extent 1 in `in`) is local when every worker
/// of `out` holds, in `in`, each input element it repeats: returns the first element where
/// this fails, or nullopt. Layouts of more than 2^20 worker-local pairs are not checked
/// (nullopt); the worker counts must be equal.
/// The general form: every worker of `out` holds, in `in`, the element sourceOf(index) for each
/// `index` it holds in `out` (a local gather: tile.broadcast, tile.extract_slice).
std::optional<UnheldBroadcastElement>
findUnheldElement(const RegisterLayout &in, const RegisterLayout &out,
                  llvm::function_ref<llvm::SmallVector<int64_t, 4>(llvm::ArrayRef<int64_t>)> sourceOf);
std::optional<UnheldBroadcastElement> findUnheldBroadcastElement(const RegisterLayout &in,
                                                                 const RegisterLayout &out,
                                                                 llvm::ArrayRef<int64_t> dims);

/// The index of element `flat` of `shape` in row-major order.
llvm::SmallVector<int64_t, 4> delinearize(int64_t flat, llvm::ArrayRef<int64_t> shape);

/// Whether every worker holds every element of a tensor laid out by `layout`.
bool holdsWholeTensor(const RegisterLayout &layout);

// --- Text ---------------------------------------------------------------------------------------

/// Where and why parsing failed; column is 1-based.
struct ParseDiagnostic {
  unsigned column = 0;
  std::string message;
};

/// Parses a layout expression:
///   layout   ::= factor (('.' | '*') factor)*
///   factor   ::= ('local' | 'spatial' | 'column_local' | 'column_spatial') '(' int (',' int)* ')'
///              | 'replicated' '(' int ')'
///              | 'layout' '<' 'shape' '=' list ',' 'modes' '=' list ','
///                            'spatial' '=' list ',' 'local' '=' list '>'
///   list     ::= '[' (integer (',' integer)*)? ']'
/// Whitespace may separate tokens. On failure the error message is "<column>: <what was
/// expected>", e.g. "10: expected ',' or ')', found end of input" for "local(2,1".
llvm::Expected<RegisterLayout> parseRegisterLayout(llvm::StringRef text);
/// The same, reporting the failure as a column and a message (for attribute parsers).
std::optional<RegisterLayout> parseRegisterLayout(llvm::StringRef text, ParseDiagnostic &diag);

} // namespace lowbit::layout

#endif // LOWBIT_LAYOUT_LAYOUT_H
