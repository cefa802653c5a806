//===- AotWeights.cpp - Move a library's large constants into a weights file -----===//
//
// With --weights=external the constant globals of a library's LLVM module that are at least
// kThreshold bytes (the weights, prepacked at compile time) leave the module: their bytes go,
// in order and 64-byte aligned, into NAME.weights, and each global becomes a pointer that the
// library's C API (lib/Runtime/AotLibrary.c) sets when it maps the file. The file starts with
// a 64-byte header: "LOWBITW1", the FNV-1a fingerprint of the bytes after the header, their
// size (both little-endian 64-bit); the library keeps the same two numbers and refuses a file
// that does not match them.
//
//===----------------------------------------------------------------------===//
#include "AotWeights.h"

#include "llvm/IR/Constants.h"
#include "llvm/IR/DataLayout.h"
#include "llvm/IR/IRBuilder.h"
#include "llvm/IR/Instructions.h"
#include "llvm/IR/Module.h"
#include "llvm/IR/ReplaceConstant.h"

#include <cstring>

using namespace lowbit;

namespace {
constexpr uint64_t kThreshold = 64 * 1024;
constexpr uint64_t kAlignment = 64;

/// Appends the in-memory bytes of `value` (little-endian, `dataLayout`'s sizes and padding);
/// false for constants it does not know how to lay out.
bool appendBytes(const llvm::Constant *value, const llvm::DataLayout &dataLayout,
                 std::string &bytes) {
  llvm::Type *type = value->getType();
  uint64_t allocSize = dataLayout.getTypeAllocSize(type);
  size_t start = bytes.size();
  if (llvm::isa<llvm::ConstantAggregateZero>(value)) {
    bytes.append(allocSize, '\0');
    return true;
  }
  if (auto *data = llvm::dyn_cast<llvm::ConstantDataSequential>(value)) {
    if (dataLayout.getTypeAllocSize(data->getElementType()) !=
        dataLayout.getTypeStoreSize(data->getElementType()))
      return false;
    llvm::StringRef raw = data->getRawDataValues();
    bytes.append(raw.begin(), raw.end());
  } else if (auto *array = llvm::dyn_cast<llvm::ConstantArray>(value)) {
    for (const llvm::Use &element : array->operands())
      if (!appendBytes(llvm::cast<llvm::Constant>(element.get()), dataLayout, bytes))
        return false;
  } else if (auto *integer = llvm::dyn_cast<llvm::ConstantInt>(value)) {
    const llvm::APInt &bits = integer->getValue();
    for (unsigned byte = 0; byte < (bits.getBitWidth() + 7) / 8; ++byte)
      bytes.push_back(static_cast<char>(
          bits.extractBitsAsZExtValue(std::min(8u, bits.getBitWidth() - byte * 8), byte * 8)));
  } else if (auto *real = llvm::dyn_cast<llvm::ConstantFP>(value)) {
    llvm::APInt bits = real->getValueAPF().bitcastToAPInt();
    for (unsigned byte = 0; byte < bits.getBitWidth() / 8; ++byte)
      bytes.push_back(static_cast<char>(bits.extractBitsAsZExtValue(8, byte * 8)));
  } else {
    return false;
  }
  uint64_t written = bytes.size() - start;
  if (written > allocSize)
    return false;
  bytes.append(allocSize - written, '\0');
  return true;
}

/// Whether every use of `global` is an instruction or a constant expression that only
/// instructions use (what convertUsersOfConstantsToInstructions can rewrite).
bool usedByInstructionsOnly(const llvm::Value *value) {
  for (const llvm::User *user : value->users()) {
    if (llvm::isa<llvm::Instruction>(user))
      continue;
    if (!llvm::isa<llvm::ConstantExpr>(user) || !usedByInstructionsOnly(user))
      return false;
  }
  return true;
}

uint64_t fnv1a(llvm::StringRef bytes) {
  uint64_t hash = 0xcbf29ce484222325ull;
  for (unsigned char c : bytes) {
    hash ^= c;
    hash *= 0x100000001b3ull;
  }
  return hash;
}
} // namespace

std::string lowbit::externalizeWeights(llvm::Module &module, bool external) {
  llvm::LLVMContext &context = module.getContext();
  const llvm::DataLayout &dataLayout = module.getDataLayout();
  auto *pointer = llvm::PointerType::getUnqual(context);
  std::string blob;
  std::vector<uint64_t> records; // offset, size per weight
  std::vector<llvm::Constant *> slots;
  if (external) {
    std::vector<llvm::GlobalVariable *> candidates;
    // The translation leaves dead constants behind (descriptors of constant memrefs).
    for (llvm::GlobalVariable &global : module.globals())
      global.removeDeadConstantUsers();
    for (llvm::GlobalVariable &global : module.globals())
      if (global.isConstant() && global.hasInitializer() && global.hasLocalLinkage() &&
          dataLayout.getTypeAllocSize(global.getValueType()) >= kThreshold &&
          usedByInstructionsOnly(&global))
        candidates.push_back(&global);
    for (llvm::GlobalVariable *global : candidates) {
      size_t offset = (blob.size() + kAlignment - 1) / kAlignment * kAlignment;
      std::string bytes;
      if (!appendBytes(global->getInitializer(), dataLayout, bytes))
        continue;
      blob.resize(offset, '\0');
      blob += bytes;
      records.push_back(offset);
      records.push_back(bytes.size());
      // The global becomes a pointer the C API sets; every use loads it.
      auto *slot = new llvm::GlobalVariable(
          module, pointer, /*isConstant=*/false, llvm::GlobalValue::InternalLinkage,
          llvm::ConstantPointerNull::get(pointer), global->getName() + ".external");
      llvm::convertUsersOfConstantsToInstructions({global});
      llvm::SmallVector<llvm::Use *> uses;
      for (llvm::Use &use : global->uses())
        uses.push_back(&use);
      for (llvm::Use *use : uses) {
        auto *user = llvm::cast<llvm::Instruction>(use->getUser());
        llvm::Instruction *before = user;
        if (auto *phi = llvm::dyn_cast<llvm::PHINode>(user))
          before = phi->getIncomingBlock(*use)->getTerminator();
        llvm::IRBuilder<> builder(before);
        llvm::LoadInst *address = builder.CreateLoad(pointer, slot, global->getName());
        // Set once, before any call; never null once set.
        address->setMetadata(llvm::LLVMContext::MD_invariant_load, llvm::MDNode::get(context, {}));
        address->setMetadata(llvm::LLVMContext::MD_nonnull, llvm::MDNode::get(context, {}));
        use->set(address);
      }
      global->eraseFromParent();
      slots.push_back(slot);
    }
  }
  // lowbit_model_weights: count, bytes, fingerprint, then offset and size per weight;
  // lowbit_model_weight_slots: the pointer each weight's address goes to.
  std::vector<uint64_t> words = {slots.size(), blob.size(), blob.empty() ? 0 : fnv1a(blob)};
  words.insert(words.end(), records.begin(), records.end());
  auto *table = llvm::ConstantDataArray::get(context, words);
  new llvm::GlobalVariable(module, table->getType(), /*isConstant=*/true,
                           llvm::GlobalValue::ExternalLinkage, table, "lowbit_model_weights");
  auto *slotType = llvm::ArrayType::get(pointer, slots.size() + 1);
  slots.push_back(llvm::ConstantPointerNull::get(pointer));
  new llvm::GlobalVariable(module, slotType, /*isConstant=*/true,
                           llvm::GlobalValue::ExternalLinkage,
                           llvm::ConstantArray::get(slotType, slots), "lowbit_model_weight_slots");
  if (blob.empty())
    return std::string();
  // The file: a 64-byte header, then the bytes.
  std::string file(kAlignment, '\0');
  std::memcpy(file.data(), "LOWBITW1", 8);
  uint64_t fingerprint = words[2], size = blob.size();
  for (int byte = 0; byte < 8; ++byte) {
    file[8 + byte] = static_cast<char>(fingerprint >> (8 * byte));
    file[16 + byte] = static_cast<char>(size >> (8 * byte));
  }
  return file + blob;
}
