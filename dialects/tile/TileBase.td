//===- TileBase.td - The tile dialect -----------------------------*- tablegen -*-===//
#ifndef TILE_BASE_TD
#define TILE_BASE_TD

include "mlir/IR/OpBase.td"
include "mlir/IR/AttrTypeBase.td"
include "mlir/IR/EnumAttr.td"

def Tile_Dialect : Dialect {
  let name = "tile";
  let cppNamespace = "::lowbit::tile";
  let summary = "Block-level tile programs: register, shared and global tensors with algebraic "
                "layouts, executed by the workers of a block (SIMT)";
  let description = [{
    A `tile.kernel` is launched on a grid of blocks; every block runs `workers` workers, and
    every worker of a block executes every op of the kernel body (SIMT). A worker is a GPU
    thread or a CPU SIMD lane. Values are:

    - register tensors `!tile.reg<SHAPE x T[, #tile.layout<...>]>`: distributed over the
      workers of the block by the layout, which maps (worker, local) to a logical index;
      element `i` lives in every (worker w, local l) with `layout(w, l) = i`;
    - shared tensors `!tile.shared<SHAPE x T[, #tile.shared_layout<...>]>`: one per block, in
      the block's shared memory (GPU) or a per-core scratch buffer (CPU);
    - global views `!tile.global<SHAPE x T>`: a strided view of a kernel's buffer argument.

    Register layouts are optional in the IR: a register tensor without a layout has not been
    laid out yet (`tile-infer-layouts` fills them in); every lowering needs them all.
  }];
  let useDefaultTypePrinterParser = 1;
  let useDefaultAttributePrinterParser = 1;
  let extraClassDeclaration = [{
    void registerTypes();
    void registerAttributes();
  }];
}

class Tile_Op<string mnemonic, list<Trait> traits = []>
    : Op<Tile_Dialect, mnemonic, traits>;

#endif // TILE_BASE_TD
