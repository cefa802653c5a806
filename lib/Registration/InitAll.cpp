//===- InitAll.cpp - Register every lowbit dialect and pass ----------------===//
#include "lowbit/InitAll.h"

#include "lowbit/LowbitDialect.h"

#include "mlir/IR/DialectRegistry.h"

void lowbit::registerAllDialects(mlir::DialectRegistry &registry) {
  registry.insert<lowbit::LowbitDialect>();
}

void lowbit::registerAllPasses() {}
