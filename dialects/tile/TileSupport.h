//===- TileSupport.h - Helpers shared by the tile dialect's sources -*- C++ -*-===//
//
// Internal to dialects/tile; not part of the dialect's interface.
//
//===----------------------------------------------------------------------===//
#ifndef LOWBIT_DIALECT_TILE_TILESUPPORT_H
#define LOWBIT_DIALECT_TILE_TILESUPPORT_H

#include "llvm/ADT/ArrayRef.h"

#include <cstdint>
#include <string>

namespace lowbit::tile {

/// "[16, ?, 8]" for diagnostics.
std::string formatShape(llvm::ArrayRef<int64_t> shape);

} // namespace lowbit::tile

#endif // LOWBIT_DIALECT_TILE_TILESUPPORT_H
