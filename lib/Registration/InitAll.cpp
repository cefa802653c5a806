//===- InitAll.cpp - Register every lowbit dialect and pass ----------------===//
#include "lowbit/InitAll.h"

#include "lowbit/Conversion/Passes.h"
#include "lowbit/LowbitDialect.h"
#include "lowbit/Pipelines/Pipelines.h"
#include "lowbit/Transforms/Passes.h"
#include "tile/TileDialect.h"

#include "mlir/IR/DialectRegistry.h"

void lowbit::registerAllDialects(mlir::DialectRegistry &registry) {
  registry.insert<lowbit::LowbitDialect>();
  registry.insert<lowbit::tile::TileDialect>();
}

void lowbit::registerAllPasses() {
  registerLowbitConversionPasses();
  registerLowbitTransformsPasses();
  registerLowbitPipelines();
}
