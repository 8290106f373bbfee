#include "backends/cuda/cuda_backend.hpp"

#include <cstdlib>
#include <filesystem>

#include "backends/cuda/tasks/manifest_cuda_task.hpp"
#include "backends/cuda/tasks/t1_cuda_task.hpp"
#include "kernels/manifest_task.hpp"
#include "kernels/task_registry.hpp"
#include "support/error.hpp"

namespace evojit {
namespace {

using nlohmann::json;

// Options the sandboxing work may or may not have added to WorkerOptions.
template <class O>
void relax_for_cuda(O& o) {
  if constexpr (requires { o.memory_limit_bytes; }) o.memory_limit_bytes = 0;
  o.address_space_limit_bytes = 0;
}

}  // namespace

std::string default_cuda_worker_executable() {
  if (const char* env = std::getenv("EVOJIT_CUDA_WORKER"); env && *env) return env;
  std::error_code ec;
  const auto self = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    const auto beside = self.parent_path() / "evojit-cuda-worker";
    if (std::filesystem::exists(beside)) return beside.string();
  }
#ifdef EVOJIT_CUDA_WORKER_BUILD_PATH
  return EVOJIT_CUDA_WORKER_BUILD_PATH;
#else
  return "evojit-cuda-worker";
#endif
}

WorkerOptions cuda_worker_options(int device) {
  WorkerOptions o;
  o.executable = default_cuda_worker_executable();
  relax_for_cuda(o);
  // The worker reads its device from the environment it inherits.
  setenv("EVOJIT_CUDA_DEVICE", std::to_string(device).c_str(), 1);
  return o;
}

WorkerBackendOptions default_cuda_backend_options() {
  WorkerBackendOptions o;
  o.compile_timeout = std::chrono::milliseconds(120'000);
  o.run_timeout = std::chrono::milliseconds(60'000);
  o.worker_name = "CUDA worker";
  o.executable = default_cuda_worker_executable();
  return o;
}

CudaBackend::CudaBackend(const CudaTask& task, std::size_t workers, CudaSettings settings,
                         WorkerBackendOptions options)
    : WorkerBackend(std::make_unique<WorkerPool>(workers, cuda_worker_options(settings.device)),
                    std::move(options)),
      task_(task),
      settings_(settings) {}

CudaBackend::CudaBackend(std::unique_ptr<CudaTask> task, std::size_t workers, CudaSettings settings,
                         WorkerBackendOptions options)
    : WorkerBackend(std::make_unique<WorkerPool>(workers, cuda_worker_options(settings.device)),
                    std::move(options)),
      owned_task_(std::move(task)),
      task_(*owned_task_),
      settings_(settings) {}

CudaBackend::CudaBackend(const CudaTask& task, WorkerPool& pool, CudaSettings settings,
                         WorkerBackendOptions options)
    : WorkerBackend(pool, std::move(options)), task_(task), settings_(settings) {}

std::string CudaBackend::gpu_name() const {
  std::lock_guard lock(name_mutex_);
  if (!gpu_name_) {
    gpu_name_ = "CUDA device " + std::to_string(settings_.device);
    WorkerPool::Lease lease = pool().acquire();
    const WorkerProcess::Reply reply =
        lease.worker().request(to_json(DeviceRequest{}), std::chrono::seconds(60));
    if (reply.kind == WorkerProcess::Reply::Kind::ok && !reply_error(reply.body)) {
      try {
        gpu_name_ = device_reply_from_json(reply.body).name;
      } catch (const MalformedMessage&) {
        // keeps the fallback name: the name is descriptive, not load-bearing
      }
    }
  }
  return *gpu_name_;
}

BackendTraits CudaBackend::traits() const {
  BackendTraits t;
  t.name = "cuda";
  t.kernel_file = "kernel.cu";
  t.device_name = gpu_name();
  t.concurrency = pool().size();
  t.default_fitness = "roofline";
  return t;
}

std::optional<MachineProfile> CudaBackend::ceilings(const std::filesystem::path& profile_path,
                                                    const Notify& note) {
  const std::filesystem::path where =
      profile_path.empty() ? default_gpu_profile_path(settings_.device) : profile_path;
  if (!std::filesystem::exists(where)) {
    note("no GPU profile yet: measuring the roofline of cuda:" + std::to_string(settings_.device) +
         " first (a one-time cost)...");
  }
  return ensure_gpu_profile(profile_path, settings_.device).profile;
}

json CudaBackend::identity() const {
  return {{"device", "cuda:" + std::to_string(settings_.device)},
          {"flush_l2", settings_.flush_l2},
          {"gpu", gpu_name()}};
}

void CudaBackend::require_same_identity(const json& recorded) const {
  const json mine = identity();
  if (recorded.contains("gpu") && recorded.at("gpu") != mine.at("gpu")) {
    throw_input_error("the run was measured on " + recorded.at("gpu").dump() + ", this is " +
                          mine.at("gpu").dump(),
                      "run.json#/backend/gpu",
                      "resume it on the GPU model it started on, or start a new run");
  }
  if (recorded.contains("flush_l2") && recorded.at("flush_l2") != mine.at("flush_l2")) {
    throw_input_error("the run was measured with flush_l2 " + recorded.at("flush_l2").dump() +
                          ", this backend has " + mine.at("flush_l2").dump(),
                      "run.json#/backend/flush_l2", "resume with the same flush_l2 setting");
  }
}

CompileRequest CudaBackend::compile_request(const Artifact& artifact) const {
  CompileRequest r;
  r.source = artifact.source;
  r.kernel_name = task_.kernel_name();
  r.options = task_.compile_options();
  r.force_ptx = settings_.force_ptx;
  return r;
}

RunRequest CudaBackend::run_request(const WorkerKernel& kernel,
                                    std::span<const ProblemSize> sizes) const {
  RunRequest r;
  r.problem = task_.problem_kind();
  r.flush_l2 = settings_.flush_l2;
  for (const ProblemSize& s : sizes) {
    const LaunchGeometry g = task_.launch(kernel.bindings(), s);
    r.sizes.push_back(
        RunSize{s, LaunchShape{g.grid, g.block, g.dynamic_shared_bytes, g.overlap_launches}});
  }
  return r;
}

void CudaBackend::lost_state(WorkerProcess& worker, std::string& diagnostic) {
  diagnostic += " (sticky CUDA error: the worker was replaced)";
  quit_worker(worker);
}

void register_cuda_backend(BackendRegistry& registry) {
  registry.add(
      "cuda", "CUDA kernels compiled with NVRTC and measured on a GPU",
      [](const BackendContext& context) -> std::unique_ptr<Backend> {
        const json& o = context.options;
        if (!o.is_object()) throw_input_error("backend options must be a JSON object", "cuda");
        CudaSettings settings;
        std::string t1, kernel_source;
        for (const auto& [key, value] : o.items()) {
          const std::string where = "cuda." + key;
          if (key == "device" && value.is_number_integer() && value.get<int>() >= 0) {
            settings.device = value.get<int>();
          } else if (key == "flush_l2" && value.is_boolean()) {
            settings.flush_l2 = value.get<bool>();
          } else if ((key == "t1" || key == "kernel_source") && value.is_string()) {
            (key == "t1" ? t1 : kernel_source) = value.get<std::string>();
          } else if (key == "device" || key == "flush_l2" || key == "t1" ||
                     key == "kernel_source") {
            throw_input_error("option '" + key + "' has the wrong type: " + value.dump(), where,
                              "device: a GPU index; flush_l2: true or false; t1, "
                              "kernel_source: file paths");
          } else {
            throw_input_error("unknown option '" + key + "' for the cuda backend", where,
                              "known: device, flush_l2, t1, kernel_source");
          }
        }
        WorkerBackendOptions options = default_cuda_backend_options();
        options.measure = context.measure;
        if (!t1.empty() || !kernel_source.empty()) {
          if (t1.empty() || kernel_source.empty()) {
            throw_input_error("a T1 task needs both t1 and kernel_source",
                              t1.empty() ? "cuda.t1" : "cuda.kernel_source");
          }
          return std::make_unique<CudaBackend>(cuda_task_from_t1(t1, kernel_source),
                                               context.workers, settings, options);
        }
        // A task manifest's CUDA kernel (the run plan made its task from the file).
        if (context.tasks && context.tasks->find(context.task)) {
          if (const TaskManifest* m = manifest_of(context.tasks->get(context.task))) {
            if (m->language != "cuda") {
              throw_input_error("the manifest's kernel is C++, not CUDA", m->where + "#/language",
                                "tune it on the CPU (leave --device out), or give "
                                "\"language\": \"cuda\" with a CUDA kernel");
            }
            return std::make_unique<CudaBackend>(make_manifest_cuda_task(*m), context.workers,
                                                 settings, options);
          }
        }
        // The built-in CUDA tasks live with the backend, for as long as the process.
        static const TaskRegistry* tasks = [] {
          auto* r = new TaskRegistry;
          register_cuda_tasks(*r);
          return r;
        }();
        const auto* task = dynamic_cast<const CudaTask*>(&tasks->get(context.task));
        if (!task) throw_input_error("task '" + context.task + "' has no CUDA kernel", "cuda");
        return std::make_unique<CudaBackend>(*task, context.workers, settings, options);
      });
}

}  // namespace evojit
