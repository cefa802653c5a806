//===- TileAttrs.td - tile attributes -----------------------------*- tablegen -*-===//
#ifndef TILE_ATTRS_TD
#define TILE_ATTRS_TD

include "TileBase.td"

def Tile_LayoutAttr : AttrDef<Tile_Dialect, "Layout"> {
  let mnemonic = "layout";
  let summary = "a register layout: which worker holds which element of a register tensor";
  let description = [{
    `#tile.layout<EXPR>` is a layout of the layout algebra (`lowbit/Layout/Layout.h`,
    `docs/layouts.md`). It maps every (worker `w`, local `l`) pair to a logical index of a
    tile:
    ```
    EXPR   ::= factor (('.' | '*') factor)*
    factor ::= local(e0, e1, ..) | spatial(..) | column_local(..) | column_spatial(..)
             | replicated(r)
             | layout<shape=[..], modes=[..], spatial=[..], local=[..]>   // explicit form
    A * B:   shape = shapeA * shapeB per dimension,
             (wA * workers(B) + wB, lA * locals(B) + lB) -> indexA * shapeB + indexB
    ```
    `local` gives one worker a block of elements (row-major local index), `spatial` gives
    each worker one element (row-major worker index), the `column_` forms are column-major,
    and `replicated(r)` makes `r` workers hold the same elements.

    The layout is stored and printed in canonical form, so two spellings of one map are the
    same attribute (`local(2,1).local(1,2)` prints as `local(2,2)`). Errors in the expression
    are reported at their column inside the attribute.

    Examples (the fragments of PTX `mma.m16n8k16` with f16 operands, 32 workers each):
    ```mlir
    #tile.layout<column_local(2,2).spatial(8,4).local(1,2)>    // A, 16x16, 8 locals
    #tile.layout<local(2,1).column_spatial(4,8).local(2,1)>    // B, 16x8, 4 locals
    #tile.layout<local(2,1).spatial(8,4).local(1,2)>           // C, 16x8, 4 locals
    #tile.layout<local(2,1).spatial(8,1).replicated(4)>        // C reduced along dim 1
    ```
  }];
  let parameters = (ins AttrParameter<"::lowbit::layout::RegisterLayout", "the layout",
                                      "const ::lowbit::layout::RegisterLayout &">:$layout);
  let hasCustomAssemblyFormat = 1;
  let extraClassDeclaration = [{
    ::llvm::ArrayRef<int64_t> getShape() const { return getLayout().getShape(); }
    int64_t getNumWorkers() const { return getLayout().getNumWorkers(); }
    int64_t getLocalSize() const { return getLayout().getLocalSize(); }
  }];
}

def Tile_SharedLayoutAttr : AttrDef<Tile_Dialect, "SharedLayout"> {
  let mnemonic = "shared_layout";
  let summary = "a shared-memory layout: mode strides and an XOR swizzle";
  let description = [{
    `#tile.shared_layout<shape=[..], [modes=[..],] strides=[..][, swizzle=[B,M,S]]>` maps a
    logical index of a shared tensor to an element offset in the block's shared buffer
    (`lowbit/Layout/SharedLayout.h`):
    ```
    linear(i) = sum_m digit_m(i) * strides[m]     // modes split each dimension, most
                                                  // significant first (default: one mode
                                                  // per dimension)
    offset(i) = linear(i) ^ (((linear(i) >> (M + S)) & (2^B - 1)) << M)   // CuTe Swizzle<B,M,S>
    ```
    Offsets are in elements. The shape must equal the shape of the shared tensor type that
    carries the layout. Errors are reported at their column inside the attribute.

    Examples:
    ```mlir
    #tile.shared_layout<shape=[64,32], strides=[32,1]>                     // row-major
    #tile.shared_layout<shape=[64,64], strides=[64,1], swizzle=[3,3,3]>  // f16, 128-byte rows
    #tile.shared_layout<shape=[32,64], modes=[32,8,8], strides=[8,256,1]>
    ```
  }];
  let parameters = (ins AttrParameter<"::lowbit::layout::SharedLayout", "the layout",
                                      "const ::lowbit::layout::SharedLayout &">:$layout);
  let hasCustomAssemblyFormat = 1;
  let extraClassDeclaration = [{
    ::llvm::ArrayRef<int64_t> getShape() const { return getLayout().getShape(); }
  }];
}

def Tile_ReduceKind : I32EnumAttr<"ReduceKind", "combining function of tile.reduce", [
    I32EnumAttrCase<"Add", 0, "add">,
    I32EnumAttrCase<"Max", 1, "max">,
    I32EnumAttrCase<"Min", 2, "min">]> {
  let cppNamespace = "::lowbit::tile";
}

#endif // TILE_ATTRS_TD
