// The CPU backend: candidates are C++ kernels JIT-compiled (LLVM ORC) and run in
// evojit-worker processes (backends/cpu/cpu_worker_service.hpp), several compiling
// at once, one measured at a time. Registered as "cpu"; its ceilings are this
// machine's measured roofline (backends/cpu/cpu_machine_profile.hpp).
#pragma once

#include <atomic>
#include <memory>

#include "evaluators/backend.hpp"
#include "evaluators/worker/worker_backend.hpp"
#include "kernels/task.hpp"

namespace evojit {

// Deadlines as runs use them; WorkerBackendOptions documents each.
WorkerBackendOptions default_cpu_backend_options();

class CpuBackend final : public WorkerBackend {
 public:
  // With a pool of its own, of `workers` evojit-worker processes.
  CpuBackend(const Task& task, std::size_t workers,
             WorkerBackendOptions options = default_cpu_backend_options(),
             WorkerOptions worker_options = {});
  // On a pool the caller owns (tests, benchmarks, the CpuEvaluator shim).
  CpuBackend(const Task& task, WorkerPool& pool,
             WorkerBackendOptions options = default_cpu_backend_options());

  BackendTraits traits() const override;
  const Task& task() const override { return task_; }
  std::optional<MachineProfile> ceilings(const std::filesystem::path& profile_path,
                                         const Notify& note) override;
  nlohmann::json identity() const override { return {{"device", "cpu"}}; }
  // The workers start; a manifest task's seed must also compile and agree with its
  // reference (backends/cpu/manifest_check.hpp), or the run stops before it writes.
  void require_ready() override;

 protected:
  CompileRequest compile_request(const Artifact& artifact) const override;
  RunRequest run_request(const WorkerKernel& kernel,
                         std::span<const ProblemSize> sizes) const override;

 private:
  const Task& task_;
  std::atomic<bool> checking_seed_ = false;  // the seed check runs without timing
};

// "cpu": context.task resolved in context.tasks; no options (InputError naming any
// key); context.workers workers; context.measure.
void register_cpu_backend(BackendRegistry& registry);

}  // namespace evojit
