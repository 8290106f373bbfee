#include "backends/cpu/cpu_backend.hpp"

#include "backends/cpu/cpu_machine_profile.hpp"
#include "backends/cpu/manifest_check.hpp"
#include "kernels/task_registry.hpp"
#include "support/error.hpp"

namespace evojit {

WorkerBackendOptions default_cpu_backend_options() {
  WorkerBackendOptions o;
  o.compile_timeout = std::chrono::milliseconds(60'000);
  o.run_timeout = std::chrono::milliseconds(30'000);
  o.worker_name = "worker";
  o.executable = default_worker_executable();
  return o;
}

CpuBackend::CpuBackend(const Task& task, std::size_t workers, WorkerBackendOptions options,
                       WorkerOptions worker_options)
    : WorkerBackend(std::make_unique<WorkerPool>(workers, std::move(worker_options)),
                    std::move(options)),
      task_(task) {}

CpuBackend::CpuBackend(const Task& task, WorkerPool& pool, WorkerBackendOptions options)
    : WorkerBackend(pool, std::move(options)), task_(task) {}

BackendTraits CpuBackend::traits() const {
  BackendTraits t;
  t.name = "cpu";
  t.kernel_file = "kernel.cpp";
  t.device_name = this_cpu_model();
  t.concurrency = pool().size();
  t.default_fitness = "roofline";
  t.code_identity = true;  // backends/cpu/cpu_jit.cpp: the code hash's seed
  return t;
}

std::optional<MachineProfile> CpuBackend::ceilings(const std::filesystem::path& profile_path,
                                                   const Notify& note) {
  const std::filesystem::path where = profile_path.empty() ? default_profile_path() : profile_path;
  if (!std::filesystem::exists(where)) {
    note("no machine profile yet: measuring the roofline first (a one-time cost)...");
  }
  std::vector<std::string> notes;
  MachineProfile profile = ensure_machine_profile(profile_path, nullptr, &notes);
  for (const std::string& n : notes) note(n);
  return profile;
}

CompileRequest CpuBackend::compile_request(const Artifact& artifact) const {
  CompileRequest r;
  r.source = artifact.source;
  r.options = task_.compile_flags();
  return r;
}

RunRequest CpuBackend::run_request(const WorkerKernel& /*kernel*/,
                                   std::span<const ProblemSize> sizes) const {
  RunRequest r;
  r.task = task_.name();
  r.task_manifest = task_.manifest_json();
  r.time = !checking_seed_;
  for (const ProblemSize& s : sizes) r.sizes.push_back(RunSize{s, std::nullopt});
  return r;
}

void CpuBackend::require_ready() {
  WorkerBackend::require_ready();
  if (task_.manifest_json().empty()) return;
  checking_seed_ = true;
  try {
    require_manifest_seed_runs(*this, task_);
  } catch (...) {
    checking_seed_ = false;
    throw;
  }
  checking_seed_ = false;
}

void register_cpu_backend(BackendRegistry& registry) {
  registry.add("cpu", "C++ kernels JIT-compiled with LLVM and measured on this machine's CPU",
               [](const BackendContext& context) -> std::unique_ptr<Backend> {
                 if (!context.options.is_object()) {
                   throw_input_error("backend options must be a JSON object", "cpu");
                 }
                 for (const auto& [key, value] : context.options.items()) {
                   throw_input_error("unknown option '" + key + "' for the cpu backend",
                                     "cpu." + key, "the cpu backend takes no options");
                 }
                 if (!context.tasks) throw_input_error("no task registry", "cpu");
                 const Task& task = context.tasks->get(context.task);
                 WorkerBackendOptions options = default_cpu_backend_options();
                 options.measure = context.measure;
                 return std::make_unique<CpuBackend>(task, context.workers, options);
               });
}

}  // namespace evojit
