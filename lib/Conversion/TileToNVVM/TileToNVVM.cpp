//===- TileToNVVM.cpp - The tile-to-nvvm pass ------------------------------===//
//
// CUDA lowering of tile kernels: worker = thread (x), block index = block id. Two steps:
//   1. outline: every tile.kernel becomes `gpu.module @k { gpu.func @k kernel }` with
//      known_block_size [W, 1, 1]; every tile.alloc_shared gets a workgroup attribution;
//      every tile.launch becomes a gpu.launch_func (the host side stays at the gpu level;
//      lib/Runtime launches the PTX kernels by their ABI, docs/runtime.md);
//      dots and reductions that no mma/shuffle plan covers get the kernel's exchange scratch
//      (Common/GPUExchange.h);
//   2. a dialect conversion of each gpu.func body (NVVMOps.cpp): register tensors become
//      per-thread vectors of their locals, shared tensors workgroup memrefs, global views
//      memref<?xT> plus the sizes and strides of their tile.global_view.
//
//===----------------------------------------------------------------------===//
#include "lowbit/Conversion/Passes.h"

#include "TileToNVVM.h"
#include "Common/GPUExchange.h"

#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/NVGPU/IR/NVGPUDialect.h"
#include "mlir/Dialect/SCF/Transforms/Patterns.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

namespace lowbit {
#define GEN_PASS_DEF_TILETONVVM
#include "lowbit/Conversion/Passes.h.inc"
} // namespace lowbit

using namespace mlir;
using namespace lowbit;
using namespace lowbit::tile;

namespace {

/// Rejects what this lowering does not handle, before anything is rewritten.
LogicalResult checkKernel(KernelOp kernel) {
  bool ok = true;
  if (kernel.getGrid().size() > 3) {
    kernel.emitOpError() << "tile-to-nvvm: grids of rank > 3 have no CUDA block id";
    ok = false;
  }
  if (kernel.getNumWorkers() > 1024) {
    kernel.emitOpError() << "tile-to-nvvm: more than 1024 workers per block";
    ok = false;
  }
  // Static shared memory of a CUDA block (larger needs the dynamic kind and an opt-in).
  constexpr int64_t kSharedLimit = 48 * 1024;
  if (int64_t bytes = getWorkgroupBytes(kernel, needsExchangeForNVVM); bytes > kSharedLimit) {
    kernel.emitOpError() << "tile-to-nvvm: needs " << bytes
                         << " bytes of shared memory (tile.alloc_shared plus the scratch of "
                            "dots and reductions without an mma/shuffle plan), more than the "
                         << kSharedLimit << " a CUDA block has statically";
    ok = false;
  }
  kernel.walk([&](Operation *op) {
    if (auto view = dyn_cast<GlobalViewOp>(op)) {
      auto type = cast<GlobalType>(view.getType());
      if (getStorageType(type.getElementType()) != type.getElementType()) {
        op->emitOpError() << "tile-to-nvvm: global views of " << type.getElementType()
                          << " are not supported (use their byte view)";
        ok = false;
      }
    }
    for (Value operand : op->getOperands())
      if (isa<GlobalType>(operand.getType()) && !operand.getDefiningOp<GlobalViewOp>()) {
        op->emitOpError() << "tile-to-nvvm: a global view must come from a tile.global_view";
        ok = false;
      }
    if (!isa_and_nonnull<TileDialect>(op->getDialect()) &&
        !isa<scf::ForOp, scf::IfOp, scf::YieldOp>(op))
      for (Type type : llvm::concat<Type>(op->getOperandTypes(), op->getResultTypes()))
        if (isa<RegType, SharedType, GlobalType>(type)) {
          op->emitOpError() << "tile-to-nvvm: tile values may only be used by tile ops and "
                               "carried by scf.for / scf.if";
          ok = false;
          return;
        }
    ok &= succeeded(checkOpForNVVM(op));
  });
  return success(ok);
}

gpu::GPUFuncOp outlineKernel(OpBuilder &b, KernelOp kernel) {
  Location loc = kernel.getLoc();
  b.setInsertionPoint(kernel);
  auto module = gpu::GPUModuleOp::create(b, loc, kernel.getSymName());
  b.setInsertionPointToStart(module.getBody());
  auto type = b.getFunctionType(kernel.getArgumentTypes(), {});
  auto func = gpu::GPUFuncOp::create(b, loc, kernel.getSymName(), type);
  func->setAttr(gpu::GPUDialect::getKernelFuncAttrName(), b.getUnitAttr());
  func.setKnownBlockSizeAttr(
      b.getDenseI32ArrayAttr({static_cast<int32_t>(kernel.getNumWorkers()), 1, 1}));
  if (ArrayAttr argAttrs = kernel.getArgAttrsAttr())
    for (auto [i, attrs] : llvm::enumerate(argAttrs))
      func.setArgAttrs(i, cast<DictionaryAttr>(attrs));
  // Replace the builder's entry block by the kernel body.
  func.getBody().front().erase();
  func.getBody().takeBody(kernel.getBody());
  SmallVector<ReturnOp> returns;
  func.walk([&](ReturnOp op) { returns.push_back(op); });
  for (ReturnOp op : returns) {
    b.setInsertionPoint(op);
    gpu::ReturnOp::create(b, op.getLoc());
    op.erase();
  }

  // Shared allocations: one workgroup attribution each, numbered in the op.
  SmallVector<AllocSharedOp> allocs;
  func.walk([&](AllocSharedOp op) { allocs.push_back(op); });
  for (AllocSharedOp op : allocs) {
    unsigned index = func.getNumWorkgroupAttributions();
    func.addWorkgroupAttribution(convertSharedType(cast<SharedType>(op.getType())),
                                 op.getLoc());
    // 16 bytes: the widest cp.async and vector access into shared memory.
    func.setWorkgroupAttributionAttr(index, LLVM::LLVMDialect::getAlignAttrName(),
                                     b.getI64IntegerAttr(16));
    op->setAttr(kAttributionAttr, b.getI64IntegerAttr(index));
  }
  // Dots and reductions without an instruction plan go through workgroup memory.
  addExchangeScratch(func, needsExchangeForNVVM);
  return func;
}

void lowerLaunch(OpBuilder &b, LaunchOp launch, gpu::GPUFuncOp func, ArrayRef<int64_t> grid,
                 int64_t workers) {
  Location loc = launch.getLoc();
  b.setInsertionPoint(launch);
  auto constant = [&](int64_t v) { return arith::ConstantIndexOp::create(b, loc, v); };
  Value g[3], one = constant(1);
  for (unsigned i = 0; i < 3; ++i)
    g[i] = i < grid.size() ? constant(grid[i]).getResult() : one;
  gpu::LaunchFuncOp::create(b, loc, func, gpu::KernelDim3{g[0], g[1], g[2]},
                            gpu::KernelDim3{constant(workers), one, one}, Value(),
                            launch.getArgs());
  launch.erase();
}

struct TileToNVVMPass : lowbit::impl::TileToNVVMBase<TileToNVVMPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    SmallVector<KernelOp> kernels;
    module.walk([&](KernelOp kernel) { kernels.push_back(kernel); });
    bool ok = true;
    for (KernelOp kernel : kernels)
      ok &= succeeded(checkKernel(kernel));
    if (!ok)
      return signalPassFailure();

    OpBuilder b(&getContext());
    llvm::StringMap<std::tuple<gpu::GPUFuncOp, SmallVector<int64_t>, int64_t>> outlined;
    SmallVector<gpu::GPUFuncOp> funcs;
    for (KernelOp kernel : kernels) {
      gpu::GPUFuncOp func = outlineKernel(b, kernel);
      outlined[kernel.getSymName()] = {func, SmallVector<int64_t>(kernel.getGrid()),
                                       kernel.getNumWorkers()};
      funcs.push_back(func);
      kernel.erase();
    }
    if (!kernels.empty())
      module->setAttr(gpu::GPUDialect::getContainerModuleAttrName(), b.getUnitAttr());
    SmallVector<LaunchOp> launches;
    module.walk([&](LaunchOp launch) { launches.push_back(launch); });
    for (LaunchOp launch : launches) {
      auto it = outlined.find(launch.getKernel());
      if (it == outlined.end()) {
        launch.emitOpError() << "tile-to-nvvm: the callee is not a tile kernel of this module";
        return signalPassFailure();
      }
      auto &[func, grid, workers] = it->second;
      lowerLaunch(b, launch, func, grid, workers);
    }

    TileNVVMTypeConverter converter;
    ConversionTarget target(getContext());
    target.addIllegalDialect<TileDialect>();
    target.addLegalDialect<arith::ArithDialect, math::MathDialect, vector::VectorDialect,
                           memref::MemRefDialect, gpu::GPUDialect, nvgpu::NVGPUDialect, NVVM::NVVMDialect>();
    target.addLegalOp<UnrealizedConversionCastOp>();
    RewritePatternSet patterns(&getContext());
    populateTileToNVVMPatterns(converter, patterns);
    scf::populateSCFStructuralTypeConversionsAndLegality(converter, patterns, target);
    FrozenRewritePatternSet frozen(std::move(patterns));
    for (gpu::GPUFuncOp func : funcs)
      if (failed(applyPartialConversion(func, target, frozen)))
        return signalPassFailure();
  }
};

} // namespace

Type lowbit::tile::convertSharedType(SharedType type) {
  return MemRefType::get(
      {type.getSharedLayoutOrDefault().getAllocationSize()}, getStorageType(type.getElementType()),
      MemRefLayoutAttrInterface(),
      gpu::AddressSpaceAttr::get(type.getContext(), gpu::AddressSpace::Workgroup));
}

TileNVVMTypeConverter::TileNVVMTypeConverter() {
  addConversion([](Type type) { return type; });
  addConversion([](RegType type) -> Type {
    return VectorType::get({type.getRegisterLayout().getLocalSize()},
                           getStorageType(type.getElementType()));
  });
  addConversion([](SharedType type) -> Type { return convertSharedType(type); });
  addConversion([](GlobalType type) -> Type {
    return MemRefType::get({ShapedType::kDynamic}, type.getElementType());
  });
  auto cast = [](OpBuilder &b, Type type, ValueRange inputs, Location loc) -> Value {
    return UnrealizedConversionCastOp::create(b, loc, type, inputs).getResult(0);
  };
  addSourceMaterialization(cast);
  addTargetMaterialization(cast);
}
