//===- SelectSchedules.cpp - The lowbit-select-schedules pass --------------===//
#include "lowbit/Transforms/AttentionSchedule.h"
#include "lowbit/Transforms/MpgemmSchedule.h"
#include "lowbit/Transforms/Passes.h"
#include "tile/TileDialect.h"

#include "llvm/Support/Threading.h"

namespace lowbit {
#define GEN_PASS_DEF_LOWBITSELECTSCHEDULES
#include "lowbit/Transforms/Passes.h.inc"
} // namespace lowbit

using namespace mlir;
using namespace lowbit;

namespace {
struct SelectSchedulesPass : lowbit::impl::LowbitSelectSchedulesBase<SelectSchedulesPass> {
  using LowbitSelectSchedulesBase::LowbitSelectSchedulesBase;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    ScheduleTarget scheduleTarget;
    std::optional<CpuTarget> cpu;
    if (target == "cuda") {
      if (gpuThreads < 32 || gpuThreads > 1024 || gpuThreads % 32) {
        module.emitError() << "lowbit-select-schedules: gpu-threads must be a multiple of 32 "
                              "from 32 to 1024, not "
                           << static_cast<int64_t>(gpuThreads);
        return signalPassFailure();
      }
      scheduleTarget.kind = ScheduleTarget::Kind::CUDA;
      scheduleTarget.gpuThreads = gpuThreads;
    } else if (target == "cpu") {
      llvm::Expected<CpuTarget> resolved =
          resolveCpuTarget(targetCpu, targetTriple, targetFeatures);
      if (!resolved) {
        module.emitError() << "lowbit-select-schedules: " << llvm::toString(resolved.takeError());
        return signalPassFailure();
      }
      cpu = *resolved;
      scheduleTarget.cpu = &*cpu;
      if (threads < 0) {
        module.emitError() << "lowbit-select-schedules: threads must be 0 (all) or more, not "
                           << static_cast<int64_t>(threads);
        return signalPassFailure();
      }
      scheduleTarget.threads =
          threads > 0 ? threads : llvm::heavyweight_hardware_concurrency().compute_thread_count();
      if (threadWorkUs < 0) {
        module.emitError() << "lowbit-select-schedules: thread-work-us must be 0 (no cap) or "
                              "more, not "
                           << static_cast<int64_t>(threadWorkUs);
        return signalPassFailure();
      }
      scheduleTarget.threadWorkUs = static_cast<double>(threadWorkUs);
    } else {
      module.emitError() << "lowbit-select-schedules: target must be cpu or cuda, not '" << target
                         << "'";
      return signalPassFailure();
    }

    bool ok = true;
    module.walk([&](MpgemmOp op) {
      std::string whyNot;
      std::optional<MpgemmProblem> problem = analyzeMpgemm(op, whyNot);
      if (ScheduleAttr given = op.getScheduleAttr()) {
        if (!problem) {
          op.emitOpError() << "has a schedule but no fast path: " << whyNot;
          ok = false;
        } else if (failed(checkMpgemmSchedule(op, *problem, given))) {
          ok = false;
        }
        return;
      }
      if (!problem)
        return;
      if (ScheduleAttr schedule = selectMpgemmSchedule(&getContext(), *problem, scheduleTarget))
        op.setScheduleAttr(schedule);
    });
    module.walk([&](AttentionOp op) {
      std::string whyNot;
      std::optional<AttentionProblem> problem = analyzeAttention(op, whyNot);
      if (ScheduleAttr given = op.getScheduleAttr()) {
        if (!problem) {
          op.emitOpError() << "has a schedule but no fast path: " << whyNot;
          ok = false;
        } else if (failed(checkAttentionSchedule(op, *problem, given))) {
          ok = false;
        }
        return;
      }
      if (!problem)
        return;
      if (ScheduleAttr schedule = selectAttentionSchedule(&getContext(), *problem, scheduleTarget))
        op.setScheduleAttr(schedule);
    });
    if (!ok)
      signalPassFailure();
  }
};
} // namespace
