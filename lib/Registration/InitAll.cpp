//===- InitAll.cpp - Register every lowbit dialect and pass ----------------===//
#include "lowbit/InitAll.h"

#include "lowbit/Conversion/Passes.h"
#include "lowbit/LowbitDialect.h"
#include "lowbit/Pipelines/Pipelines.h"
#include "lowbit/Transforms/Passes.h"

#include "mlir/IR/DialectRegistry.h"

void lowbit::registerAllDialects(mlir::DialectRegistry &registry) {
  registry.insert<lowbit::LowbitDialect>();
}

void lowbit::registerAllPasses() {
  registerLowbitConversionPasses();
  registerLowbitTransformsPasses();
  registerLowbitPipelines();
}
