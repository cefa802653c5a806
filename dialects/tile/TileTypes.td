//===- TileTypes.td - tile types ----------------------------------*- tablegen -*-===//
#ifndef TILE_TYPES_TD
#define TILE_TYPES_TD

include "TileBase.td"
include "TileAttrs.td"
include "mlir/IR/BuiltinTypeInterfaces.td"

class Tile_Type<string name, string typeMnemonic, list<Trait> traits = []>
    : TypeDef<Tile_Dialect, name, traits> {
  let mnemonic = typeMnemonic;
}

def Tile_ElementTypeParameter : AttrOrTypeParameter<"::mlir::Type", "element type">;

// The three tensor types share the element types and the shape helpers.
defvar Tile_ShapedTypeExtras = [{
    /// Bits of one element, also for !lowbit.float and !lowbit.ternary (use this rather
    /// than ShapedType's getElementTypeBitWidth, which only knows builtin types).
    unsigned getElementBits() const;
    /// ShapedTypeInterface: always ranked.
    bool hasRank() const { return true; }
  }];

def Tile_RegType : Tile_Type<"Reg", "reg", [ShapedTypeInterface]> {
  let summary = "a register tensor, distributed over the workers of a block";
  let description = [{
    `!tile.reg<D0xD1x..xT[, #tile.layout<..>]>` is a tile with a static shape whose elements
    live in the registers of the block's workers: element `i` is held by every
    (worker `w`, local `l`) with `layout(w, l) = i` (more than one pair when the layout
    replicates). Each worker stores its locals packed, least significant bits first: local `l`
    of a `b`-bit type occupies bits `[l*b, (l+1)*b)` of the worker's registers.

    The layout is optional: without one the tensor has not been laid out yet (layout inference
    fills it in). Lowerings require it.

    Constraints: every extent is at least 1 (rank 0 is allowed); the element type is an
    integer of 1-64 bits (signless, `si` or `ui`), a builtin float (`f16`, `bf16`, `f32`,
    `f64`, `f8E4M3FN`, `f8E5M2`, `f6E2M3FN`, `f4E2M1FN`, ...), `!lowbit.float` or
    `!lowbit.ternary`; the layout's shape equals the tensor's shape.

    Examples:
    ```mlir
    !tile.reg<16x8xf32, #tile.layout<local(2,1).spatial(8,4).local(1,2)>>
    !tile.reg<16x64xui4, #tile.layout<spatial(16,2).local(1,32)>>
    !tile.reg<16x16xf16>                // not laid out yet
    ```
  }];
  let parameters = (ins ArrayRefParameter<"int64_t", "static extents">:$shape,
                        Tile_ElementTypeParameter:$elementType,
                        OptionalParameter<"::lowbit::tile::LayoutAttr",
                                          "register layout; null before layout inference">:$layout);
  let builders = [
    TypeBuilderWithInferredContext<(ins "::llvm::ArrayRef<int64_t>":$shape,
                                        "::mlir::Type":$elementType,
                                        CArg<"::lowbit::tile::LayoutAttr", "{}">:$layout), [{
      return $_get(elementType.getContext(), shape, elementType, layout);
    }]>
  ];
  let hasCustomAssemblyFormat = 1;
  let genVerifyDecl = 1;
  let extraClassDeclaration = Tile_ShapedTypeExtras # [{
    bool hasLayout() const { return static_cast<bool>(getLayout()); }
    /// The layout of a laid-out tensor. Precondition: hasLayout().
    const ::lowbit::layout::RegisterLayout &getRegisterLayout() const {
      return getLayout().getLayout();
    }
    /// The same tensor with another layout (a null layout removes it).
    RegType withLayout(LayoutAttr layout) const {
      return get(getContext(), getShape(), getElementType(), layout);
    }
    /// ShapedTypeInterface. A new shape drops the layout (it no longer fits).
    RegType cloneWith(::std::optional<::llvm::ArrayRef<int64_t>> shape,
                      ::mlir::Type elementType) const;
  }];
}

def Tile_SharedType : Tile_Type<"Shared", "shared", [ShapedTypeInterface]> {
  let summary = "a tensor in the block's shared memory";
  let description = [{
    `!tile.shared<D0x..xT[, #tile.shared_layout<..>]>` is one tensor per block, allocated by
    `tile.alloc_shared` and visible to all of the block's workers. The shared layout maps a
    logical index to an element offset in the buffer; without one the tensor is row-major
    and contiguous (`getSharedLayoutOrDefault()`).

    Constraints: static extents of at least 1, rank at least 1, an element type as for
    `!tile.reg`, and a layout whose shape equals the tensor's.

    Examples:
    ```mlir
    !tile.shared<64x32xf16>
    !tile.shared<64x64xf16, #tile.shared_layout<shape=[64,64], strides=[64,1], swizzle=[3,3,3]>>
    ```
  }];
  let parameters = (ins ArrayRefParameter<"int64_t", "static extents">:$shape,
                        Tile_ElementTypeParameter:$elementType,
                        OptionalParameter<"::lowbit::tile::SharedLayoutAttr",
                                          "shared layout; null means row-major">:$layout);
  let builders = [
    TypeBuilderWithInferredContext<(ins "::llvm::ArrayRef<int64_t>":$shape,
                                        "::mlir::Type":$elementType,
                                        CArg<"::lowbit::tile::SharedLayoutAttr", "{}">:$layout), [{
      return $_get(elementType.getContext(), shape, elementType, layout);
    }]>
  ];
  let hasCustomAssemblyFormat = 1;
  let genVerifyDecl = 1;
  let extraClassDeclaration = Tile_ShapedTypeExtras # [{
    /// The layout, or the row-major contiguous layout when the type has none.
    ::lowbit::layout::SharedLayout getSharedLayoutOrDefault() const;
    /// ShapedTypeInterface. A new shape drops the layout.
    SharedType cloneWith(::std::optional<::llvm::ArrayRef<int64_t>> shape,
                         ::mlir::Type elementType) const;
  }];
}

def Tile_GlobalType : Tile_Type<"Global", "global", [ShapedTypeInterface]> {
  let summary = "a strided view of a buffer in global memory";
  let description = [{
    `!tile.global<D0x..xT>` is made by `tile.global_view` from a 1-D buffer, runtime sizes and
    runtime strides (in elements):
    ```
    view[i0, .., in] = buffer[i0 * stride0 + .. + in * striden]     0 <= ik < sizek
    ```
    Extents may be dynamic (`?`); a static extent promises the size. Sub-byte elements are
    addressed in elements of the packed buffer (element `e` of a `b`-bit buffer occupies
    bits `[e*b, (e+1)*b)`, least significant bits first).

    Constraints: rank at least 1, extents dynamic or at least 1, an element type as for
    `!tile.reg`.

    Examples:
    ```mlir
    !tile.global<?x?xf16>
    !tile.global<4096x?xui4>
    ```
  }];
  let parameters = (ins ArrayRefParameter<"int64_t", "extents (kDynamic for `?`)">:$shape,
                        Tile_ElementTypeParameter:$elementType);
  let builders = [
    TypeBuilderWithInferredContext<(ins "::llvm::ArrayRef<int64_t>":$shape,
                                        "::mlir::Type":$elementType), [{
      return $_get(elementType.getContext(), shape, elementType);
    }]>
  ];
  let hasCustomAssemblyFormat = 1;
  let genVerifyDecl = 1;
  let extraClassDeclaration = Tile_ShapedTypeExtras # [{
    /// ShapedTypeInterface.
    GlobalType cloneWith(::std::optional<::llvm::ArrayRef<int64_t>> shape,
                         ::mlir::Type elementType) const;
  }];
}

#endif // TILE_TYPES_TD
