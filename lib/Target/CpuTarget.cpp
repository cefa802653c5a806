//===- CpuTarget.cpp - The CPU a kernel is compiled for --------------------===//
#include "lowbit/Target/CpuTarget.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/MC/MCSubtargetInfo.h"
#include "llvm/MC/TargetRegistry.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/TargetParser/Host.h"
#include "llvm/TargetParser/Triple.h"

#include <memory>
#include <mutex>

using namespace lowbit;

int64_t CpuTarget::vectorBits() const {
  if (avx512f && avx512bw)
    return 512;
  if (avx2)
    return 256;
  return 128;
}

llvm::StringRef CpuTarget::int8DotInstruction() const {
  if (x86 && (avx512vnni || avxvnni) && (vectorBits() == 512 ? avx512vnni : true))
    return "vpdpbusd";
  if (x86 && avx2)
    return "vpmaddubsw";
  if (aarch64 && dotprod)
    return "sdot";
  return "generic";
}

std::string CpuTarget::describe() const {
  std::string text = llvm::Triple(triple).getArchName().str() + " " + cpu + ":";
  auto add = [&](bool has, llvm::StringRef name) {
    if (has)
      text += " " + name.str();
  };
  add(avx2, "avx2");
  add(fma, "fma");
  add(f16c, "f16c");
  add(avx512f, "avx512f");
  add(avx512bw, "avx512bw");
  add(avx512vnni, "avx512vnni");
  add(avxvnni, "avxvnni");
  add(avx512bf16, "avx512bf16");
  add(neon, "neon");
  add(dotprod, "dotprod");
  text += ", " + std::to_string(vectorBits()) + "-bit vectors, int8 dot " +
          int8DotInstruction().str();
  return text;
}

static llvm::Error makeError(const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
}

llvm::Expected<CpuTarget> lowbit::resolveCpuTarget(llvm::StringRef cpu, llvm::StringRef triple,
                                                  llvm::StringRef extraFeatures) {
  static std::once_flag initialized;
  std::call_once(initialized, [] {
    llvm::InitializeAllTargetInfos();
    llvm::InitializeAllTargetMCs();
  });

  CpuTarget target;
  target.triple = triple.empty() ? llvm::sys::getDefaultTargetTriple() : triple.str();
  llvm::Triple parsed(target.triple);
  target.x86 = parsed.getArch() == llvm::Triple::x86_64;
  target.aarch64 = parsed.getArch() == llvm::Triple::aarch64;
  if (!target.x86 && !target.aarch64)
    return makeError("unsupported CPU architecture '" + parsed.getArchName() +
                     "' (x86_64 and aarch64 are supported)");

  std::string features;
  if (cpu == "host") {
    if (!triple.empty() && llvm::Triple(llvm::sys::getDefaultTargetTriple()).getArch() !=
                               parsed.getArch())
      return makeError("--target-cpu=host needs the host's architecture, not " + target.triple);
    target.cpu = llvm::sys::getHostCPUName().str();
    llvm::SmallVector<std::string> list;
    for (const auto &feature : llvm::sys::getHostCPUFeatures())
      list.push_back((feature.getValue() ? "+" : "-") + feature.getKey().str());
    llvm::sort(list);
    features = llvm::join(list, ",");
  } else {
    target.cpu = cpu.str();
  }
  if (!extraFeatures.empty())
    features = features.empty() ? extraFeatures.str() : features + "," + extraFeatures.str();
  target.features = features;

  std::string error;
  const llvm::Target *llvmTarget = llvm::TargetRegistry::lookupTarget(parsed, error);
  if (!llvmTarget)
    return makeError("no LLVM target for " + target.triple + ": " + error);
  std::unique_ptr<llvm::MCSubtargetInfo> subtarget(
      llvmTarget->createMCSubtargetInfo(parsed, target.cpu, target.features));
  if (!subtarget || !subtarget->isCPUStringValid(target.cpu))
    return makeError("unknown CPU '" + target.cpu + "' for " + target.triple +
                     " (use an LLVM CPU name such as znver3, znver4, skylake-avx512, or host)");
  auto has = [&](llvm::StringRef feature) {
    return subtarget->checkFeatures(("+" + feature).str());
  };
  if (target.x86) {
    target.avx2 = has("avx2");
    target.fma = has("fma");
    target.f16c = has("f16c");
    target.avx512f = has("avx512f");
    target.avx512bw = has("avx512bw");
    target.avx512vl = has("avx512vl");
    target.avx512vnni = has("avx512vnni");
    target.avxvnni = has("avxvnni");
    target.avx512bf16 = has("avx512bf16");
  } else {
    target.neon = has("neon");
    target.dotprod = has("dotprod");
  }
  return target;
}
