//===- TileToROCDL.cpp - The tile-to-rocdl pass ----------------------------===//
//
// HIP lowering of tile kernels: worker = thread (wave64), block index = block id. Steps:
//   1. check: every op can be lowered (laid-out register tensors, no host launch, workgroup
//      memory within the LDS); errors before anything is rewritten;
//   2. outline: every tile.kernel becomes `gpu.module @k { gpu.func @k kernel }` with
//      known_block_size [W, 1, 1], one workgroup attribution per tile.alloc_shared, and the
//      exchange scratch of dots and reductions that no mfma / wave-shuffle plan covers
//      (Common/GPUExchange.h);
//   3. convert the tile ops inside with ROCDLPatterns.h's type conversion; the chip decides
//      nothing at this level (amdgpu.mfma is chip-independent; convert-amdgpu-to-rocdl picks
//      the intrinsic), it is recorded as `rocdl.chip` on each gpu.module for the pipeline.
//
//===----------------------------------------------------------------------===//
#include "lowbit/Conversion/Passes.h"

#include "ROCDLPatterns.h"
#include "Common/GPUExchange.h"
#include "Common/TileCodegen.h"

#include "mlir/Dialect/AMDGPU/IR/AMDGPUDialect.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/SCF/Transforms/Patterns.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

namespace lowbit {
#define GEN_PASS_DEF_TILETOROCDL
#include "lowbit/Conversion/Passes.h.inc"
} // namespace lowbit

using namespace mlir;
using namespace lowbit;
using namespace lowbit::tile;
using namespace lowbit::tile::rocdl;

void rocdl::populateTypeConversions(TypeConverter &converter) {
  converter.addConversion([](Type type) { return type; });
  converter.addConversion([](RegType type) -> std::optional<Type> {
    if (!type.hasLayout())
      return std::nullopt;
    return VectorType::get({type.getRegisterLayout().getLocalSize()},
                           getStorageType(type.getElementType()));
  });
  converter.addConversion([](SharedType type) -> Type {
    auto space = gpu::AddressSpaceAttr::get(type.getContext(), gpu::AddressSpace::Workgroup);
    return MemRefType::get({type.getSharedLayoutOrDefault().getAllocationSize()},
                           getStorageType(type.getElementType()), MemRefLayoutAttrInterface(),
                           space);
  });
}

namespace {

/// Step 1: the errors tile-to-rocdl reports instead of lowering.
LogicalResult checkKernel(KernelOp kernel) {
  bool ok = true;
  if (kernel.getGrid().size() > 3)
    ok = succeeded(LogicalResult(kernel.emitOpError()
                                 << "has a grid of rank " << kernel.getGrid().size()
                                 << "; tile-to-rocdl supports at most 3 (gpu.block_id x/y/z)"));
  if (kernel.getNumWorkers() > 1024)
    ok = succeeded(LogicalResult(kernel.emitOpError()
                                 << "has " << kernel.getNumWorkers()
                                 << " workers; a HIP block has at most 1024 threads"));
  auto laidOut = [](Type type) {
    auto reg = dyn_cast<RegType>(type);
    return !reg || reg.hasLayout();
  };
  // The LDS of a CDNA workgroup.
  constexpr int64_t kLdsLimit = 64 * 1024;
  if (int64_t bytes = getWorkgroupBytes(kernel, needsExchangeForROCDL); bytes > kLdsLimit)
    ok = succeeded(LogicalResult(
        kernel.emitOpError() << "needs " << bytes
                             << " bytes of LDS (tile.alloc_shared plus the scratch of dots and "
                                "reductions without an mfma/shuffle plan), more than the "
                             << kLdsLimit << " of a CDNA workgroup"));
  kernel.walk([&](Operation *op) {
    for (Region &region : op->getRegions())
      for (Block &block : region)
        for (BlockArgument arg : block.getArguments())
          if (!laidOut(arg.getType())) {
            op->emitOpError() << "has a register tensor without a layout; run "
                                 "tile-infer-layouts before tile-to-rocdl";
            ok = false;
          }
    if (!llvm::all_of(op->getResultTypes(), laidOut)) {
      op->emitOpError() << "has a register tensor without a layout; run tile-infer-layouts "
                           "before tile-to-rocdl";
      ok = false;
    }
    auto isTileType = [](Type type) { return isa<RegType, SharedType, GlobalType>(type); };
    if (!isa_and_nonnull<TileDialect>(op->getDialect()) &&
        !isa<scf::ForOp, scf::IfOp, scf::YieldOp>(op) &&
        (llvm::any_of(op->getOperandTypes(), isTileType) ||
         llvm::any_of(op->getResultTypes(), isTileType))) {
      op->emitOpError() << "carries tile values; tile-to-rocdl lowers them only in tile ops "
                           "and in scf.for, scf.if and scf.yield";
      ok = false;
    }
    std::string why = checkOpForROCDL(op);
    if (!why.empty()) {
      op->emitOpError() << why;
      ok = false;
    }
    if (auto view = dyn_cast<GlobalViewOp>(op)) {
      Type element = view.getSource().getType().getElementType();
      if (!element.isIntOrFloat() || element.getIntOrFloatBitWidth() < 8) {
        view.emitOpError() << "views a buffer of " << element
                           << "; pack sub-byte data into wider words and tile.view it";
        ok = false;
      }
      for (Operation *user : view->getUsers())
        if (!isa<LoadGlobalOp, StoreGlobalOp, PrefetchGlobalOp, CopyAsyncOp>(user)) {
          user->emitOpError() << "uses a global view; tile-to-rocdl needs global views used "
                                 "directly by loads, stores, prefetches and copies";
          ok = false;
        }
    }
  });
  return success(ok);
}

/// Step 2: `gpu.module @k { gpu.func @k kernel }` with the kernel's body.
gpu::GPUFuncOp outline(KernelOp kernel, SharedAllocations &allocations,
                       const TypeConverter &converter, StringRef chip) {
  IRRewriter rewriter(kernel);
  Location loc = kernel.getLoc();
  SmallVector<AllocSharedOp> allocs;
  kernel.walk([&](AllocSharedOp alloc) { allocs.push_back(alloc); });
  SmallVector<Type> sharedTypes;
  for (AllocSharedOp alloc : allocs)
    sharedTypes.push_back(converter.convertType(alloc.getType()));

  auto gpuModule = gpu::GPUModuleOp::create(rewriter, loc, kernel.getSymName());
  gpuModule->setAttr("rocdl.chip", rewriter.getStringAttr(chip));
  rewriter.setInsertionPointToStart(gpuModule.getBody());
  auto type = rewriter.getFunctionType(kernel.getArgumentTypes(), {});
  auto func = gpu::GPUFuncOp::create(rewriter, loc, kernel.getSymName(), type, sharedTypes);
  func->setAttr(gpu::GPUDialect::getKernelFuncAttrName(), rewriter.getUnitAttr());
  func.setKnownBlockSizeAttr(
      rewriter.getDenseI32ArrayAttr({int32_t(kernel.getNumWorkers()), 1, 1}));
  SmallVector<int32_t> grid(kernel.getGrid().begin(), kernel.getGrid().end());
  grid.resize(3, 1);
  func.setKnownGridSizeAttr(rewriter.getDenseI32ArrayAttr(grid));
  if (ArrayAttr argAttrs = kernel.getArgAttrsAttr())
    for (auto [i, attrs] : llvm::enumerate(argAttrs))
      func.setArgAttrs(i, cast<DictionaryAttr>(attrs));
  for (auto [alloc, attribution] : llvm::zip_equal(allocs, func.getWorkgroupAttributions()))
    allocations[alloc] = attribution;

  Block &entry = func.getBody().front();
  Block &body = kernel.getBody().front();
  rewriter.inlineBlockBefore(&body, &entry, entry.end(),
                             entry.getArguments().take_front(kernel.getNumArguments()));
  func.walk([&](ReturnOp ret) {
    rewriter.setInsertionPoint(ret);
    rewriter.replaceOpWithNewOp<gpu::ReturnOp>(ret);
  });
  // Dots and reductions without an instruction plan go through workgroup memory.
  addExchangeScratch(func, needsExchangeForROCDL);
  rewriter.eraseOp(kernel);
  return func;
}

struct TileToROCDLPass : lowbit::impl::TileToROCDLBase<TileToROCDLPass> {
  using TileToROCDLBase::TileToROCDLBase;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    MLIRContext *context = &getContext();
    if (chip != "gfx90a" && chip != "gfx942") {
      module.emitError() << "tile-to-rocdl: unsupported chip '" << chip
                         << "' (expected gfx90a or gfx942)";
      return signalPassFailure();
    }
    bool ok = true;
    SmallVector<KernelOp> kernels;
    module.walk([&](Operation *op) {
      if (auto kernel = dyn_cast<KernelOp>(op)) {
        kernels.push_back(kernel);
        ok &= succeeded(checkKernel(kernel));
      } else if (isa<LaunchOp>(op)) {
        op->emitOpError() << checkOpForROCDL(op);
        ok = false;
      }
    });
    if (!ok)
      return signalPassFailure();
    if (kernels.empty())
      return;

    TypeConverter converter;
    populateTypeConversions(converter);
    SharedAllocations allocations;
    for (KernelOp kernel : kernels)
      outline(kernel, allocations, converter, chip);
    module->setAttr(gpu::GPUDialect::getContainerModuleAttrName(), UnitAttr::get(context));

    ConversionTarget target(*context);
    target.addLegalDialect<gpu::GPUDialect, amdgpu::AMDGPUDialect, vector::VectorDialect,
                           arith::ArithDialect, memref::MemRefDialect, scf::SCFDialect,
                           math::MathDialect>();
    target.addIllegalDialect<TileDialect>();
    target.addLegalOp<GlobalViewOp>(); // erased below, once nothing uses it
    RewritePatternSet patterns(context);
    populateMemoryPatterns(converter, patterns, allocations);
    populateComputePatterns(converter, patterns);
    scf::populateSCFStructuralTypeConversionsAndLegality(converter, patterns, target);
    SmallVector<Operation *> gpuModules;
    module.walk([&](gpu::GPUModuleOp gpuModule) {
      if (gpuModule->hasAttr("rocdl.chip"))
        gpuModules.push_back(gpuModule);
    });
    if (failed(applyPartialConversion(gpuModules, target, std::move(patterns))))
      return signalPassFailure();
    for (Operation *gpuModule : gpuModules)
      gpuModule->walk([&](GlobalViewOp view) {
        if (view->use_empty())
          view->erase();
        else
          ok = succeeded(LogicalResult(view.emitOpError() << "is still used after tile-to-rocdl"));
      });
    if (!ok)
      signalPassFailure();
  }
};

} // namespace
