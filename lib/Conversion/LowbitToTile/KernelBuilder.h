//===- KernelBuilder.h - Helpers shared by the mpgemm kernel builders -*- C++ -*-===//
//
// Internal to lib/Conversion/LowbitToTile: writing a tile kernel's body (constants, views,
// typed loads, views and casts of register tensors), creating an empty kernel, and the
// activation tiles the mpgemm kernels read.
//
//===----------------------------------------------------------------------===//
#ifndef LOWBIT_CONVERSION_LOWBITTOTILE_KERNELBUILDER_H
#define LOWBIT_CONVERSION_LOWBITTOTILE_KERNELBUILDER_H

#include "lowbit/Transforms/MpgemmSchedule.h"
#include "tile/TileDialect.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/Builders.h"

namespace lowbit::tile {

/// Helpers to write a kernel body: constants, views, typed loads, views and casts.
class BodyBuilder {
public:
  BodyBuilder(mlir::OpBuilder &builder, mlir::Location loc) : b(builder), loc(loc) {}

  mlir::Value index(int64_t value) { return mlir::arith::ConstantIndexOp::create(b, loc, value); }
  mlir::Value mul(mlir::Value x, int64_t y) {
    return mlir::arith::MulIOp::create(b, loc, x, index(y));
  }
  mlir::Value add(mlir::Value x, mlir::Value y) {
    return mlir::arith::AddIOp::create(b, loc, x, y);
  }
  mlir::Value add(mlir::Value x, int64_t y) { return add(x, index(y)); }

  /// A 2-d view of a 1-d buffer.
  mlir::Value view(mlir::Value buffer, int64_t rows, int64_t cols, int64_t rowStride,
                   int64_t colStride) {
    mlir::Type element = mlir::cast<mlir::MemRefType>(buffer.getType()).getElementType();
    auto type = GlobalType::get(b.getContext(),
                                {mlir::ShapedType::kDynamic, mlir::ShapedType::kDynamic}, element);
    return GlobalViewOp::create(b, loc, type, buffer, mlir::ValueRange{index(rows), index(cols)},
                                mlir::ValueRange{index(rowStride), index(colStride)});
  }

  RegType reg(llvm::ArrayRef<int64_t> shape, mlir::Type element,
              const layout::RegisterLayout &layout) {
    return RegType::get(b.getContext(), shape, element, LayoutAttr::get(b.getContext(), layout));
  }

  /// `inBounds`: the tile is known to lie inside the view (no masks needed).
  mlir::Value load(mlir::Value view, mlir::Value row, mlir::Value col, RegType type,
                   bool inBounds = false) {
    auto op = LoadGlobalOp::create(b, loc, type, view, mlir::ValueRange{row, col});
    if (inBounds)
      op.setInBounds(true);
    return op;
  }

  /// `planes`: tile.view's bit planes (none: the plain packing).
  mlir::Value viewAs(mlir::Value value, RegType type, llvm::ArrayRef<int64_t> planes = {}) {
    if (value.getType() == type)
      return value;
    if (planes.empty())
      return ViewOp::create(b, loc, type, value);
    return ViewOp::create(b, loc, type, value, b.getDenseI64ArrayAttr(planes));
  }

  mlir::Value castTo(mlir::Value value, mlir::Type element) {
    if (mlir::cast<RegType>(value.getType()).getElementType() == element)
      return value;
    return CastOp::create(b, loc, withElement(value, element), value);
  }

  /// The register type of `value` with another element type.
  RegType withElement(mlir::Value value, mlir::Type element) {
    auto type = mlir::cast<RegType>(value.getType());
    return RegType::get(b.getContext(), type.getShape(), element, type.getLayout());
  }

  mlir::Value broadcast(mlir::Value value, RegType type) {
    if (value.getType() == type)
      return value;
    return BroadcastOp::create(b, loc, type, value);
  }

  mlir::Value splat(mlir::Attribute attr, RegType type) {
    mlir::Value scalar = mlir::arith::ConstantOp::create(b, loc, mlir::cast<mlir::TypedAttr>(attr));
    return SplatOp::create(b, loc, type, scalar);
  }

  mlir::OpBuilder &b;
  mlir::Location loc;
};

/// The activations [TM, TK] of rows m0.. and codes k.. of an mpgemm (every worker holds all of
/// them; `actView` from activationView or packedActivationView): the elements, or the bytes of
/// low-bit codes viewed as their type.
mlir::Value loadActivationTile(BodyBuilder &h, const MpgemmProblem &p, ScheduleAttr s,
                               mlir::Type actBuffer, mlir::Value actView, mlir::Value m0,
                               mlir::Value k, bool inBounds);

/// A 2-d view of an mpgemm's activations: elements, or the bytes of low-bit codes.
mlir::Value activationView(BodyBuilder &h, const MpgemmProblem &p, mlir::Value act);

/// The 2-d view of the packed activations of a panel schedule (buildActivationPackKernel in
/// MpgemmKernel.h): element (r, k) of chunk c of tile g at row offset (c T + g) KC TM, column
/// k - c KC (strides 1 and TM).
mlir::Value packedActivationView(BodyBuilder &h, const MpgemmProblem &problem,
                                 ScheduleAttr schedule, mlir::Value buffer);

/// An empty kernel with the given arguments; the builder is left at the start of its body.
KernelOp createKernel(mlir::OpBuilder &builder, mlir::Location loc, llvm::StringRef name,
                      mlir::TypeRange arguments, llvm::ArrayRef<int64_t> grid, int64_t workers);

} // namespace lowbit::tile

#endif // LOWBIT_CONVERSION_LOWBITTOTILE_KERNELBUILDER_H
