//===- InitAll.h - Register every lowbit dialect and pass ---------*- C++ -*-===//
#ifndef LOWBIT_INITALL_H
#define LOWBIT_INITALL_H

namespace mlir {
class DialectRegistry;
} // namespace mlir

namespace lowbit {

/// Adds the lowbit dialects to `registry`.
void registerAllDialects(mlir::DialectRegistry &registry);

/// Registers every lowbit pass and named pipeline with the global pass registry.
void registerAllPasses();

} // namespace lowbit

#endif // LOWBIT_INITALL_H
