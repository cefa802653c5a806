//===- AotWeights.h - Move a library's large constants into a weights file -*- C++ -*-===//
#ifndef LOWBIT_LIB_TARGET_AOTWEIGHTS_H
#define LOWBIT_LIB_TARGET_AOTWEIGHTS_H

#include <string>

namespace llvm {
class Module;
} // namespace llvm

namespace lowbit {

/// Defines lowbit_model_weights and lowbit_model_weight_slots (AotLibrary.c reads them). When
/// `external`, first moves every local constant global of at least 64 KiB that only
/// instructions use out of `module`, each becoming a pointer the C API sets, and returns the
/// weights file's bytes (its header and the constants); otherwise, or when none qualifies,
/// returns an empty string and the tables say there are no external weights.
std::string externalizeWeights(llvm::Module &module, bool external);

} // namespace lowbit

#endif // LOWBIT_LIB_TARGET_AOTWEIGHTS_H
