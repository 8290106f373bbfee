// The CUDA backend: candidates compile (NVRTC) and run in evojit-cuda-worker
// processes, one device context each; compiles of several candidates overlap,
// measurements take the pool's device lock. A sticky CUDA error ends only the
// worker that hit it: the evaluation is a crash with the driver's message, the
// worker is replaced, and the run goes on. Every evaluation records the kernel's
// registers, shared and local memory and max threads per block. Registered as
// "cuda"; its ceilings are the GPU's measured roofline (backends/cuda/gpu_profile.hpp).
#pragma once

#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "backends/cuda/gpu_profile.hpp"
#include "backends/cuda/tasks/cuda_task.hpp"
#include "evaluators/backend.hpp"
#include "evaluators/worker/worker_backend.hpp"

namespace evojit {

struct CudaSettings {
  int device = 0;
  bool flush_l2 = false;  // flush the L2 before every timed repetition
  bool force_ptx = false;
};

// Worker options for evojit-cuda-worker on device `device`: no memory limit (the
// driver maps large address ranges) and no CPU-JIT sandbox.
WorkerOptions cuda_worker_options(int device = 0);
// EVOJIT_CUDA_WORKER, else evojit-cuda-worker next to the running executable, else
// the build tree's.
std::string default_cuda_worker_executable();
// Deadlines as runs use them (compiles: 120 s; runs: 60 s plus the measurement cap).
WorkerBackendOptions default_cuda_backend_options();

class CudaBackend final : public WorkerBackend {
 public:
  // With a pool of its own, of `workers` workers on settings.device.
  CudaBackend(const CudaTask& task, std::size_t workers, CudaSettings settings = {},
              WorkerBackendOptions options = default_cuda_backend_options());
  // The same, owning its task (a task made from a T1 file).
  CudaBackend(std::unique_ptr<CudaTask> task, std::size_t workers, CudaSettings settings = {},
              WorkerBackendOptions options = default_cuda_backend_options());
  // On a pool the caller owns (tests, benchmarks, the CudaEvaluator shim).
  CudaBackend(const CudaTask& task, WorkerPool& pool, CudaSettings settings = {},
              WorkerBackendOptions options = default_cuda_backend_options());

  BackendTraits traits() const override;
  const Task& task() const override { return task_; }
  std::optional<MachineProfile> ceilings(const std::filesystem::path& profile_path,
                                         const Notify& note) override;
  nlohmann::json identity() const override;
  // Refuses (InputError) a run recorded on another GPU model or with the other L2 policy.
  void require_same_identity(const nlohmann::json& recorded) const override;

  const CudaSettings& settings() const { return settings_; }
  // The device's name (asked of a worker once; "CUDA device N" when none answers).
  std::string gpu_name() const;

 protected:
  CompileRequest compile_request(const Artifact& artifact) const override;
  RunRequest run_request(const WorkerKernel& kernel,
                         std::span<const ProblemSize> sizes) const override;
  // The context is ruined: end this worker; the pool starts a fresh one.
  void lost_state(WorkerProcess& worker, std::string& diagnostic) override;

 private:
  std::unique_ptr<CudaTask> owned_task_;
  const CudaTask& task_;
  CudaSettings settings_;
  mutable std::mutex name_mutex_;
  mutable std::optional<std::string> gpu_name_;
};

// "cuda": the task is context.task in the built-in CUDA tasks (register_cuda_tasks),
// or, with options {"t1": path, "kernel_source": path}, the T1 file's
// (cuda_task_from_t1); options "device" (int) and "flush_l2" (bool). Any other
// option key is an InputError naming it.
void register_cuda_backend(BackendRegistry& registry);

}  // namespace evojit
