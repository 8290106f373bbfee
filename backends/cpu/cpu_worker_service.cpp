#include "backends/cpu/cpu_worker_service.hpp"

#include <chrono>
#include <cmath>
#include <csignal>
#include <filesystem>
#include <limits>
#include <map>
#include <memory>
#include <stdexcept>
#include <thread>
#include <unordered_map>

#include <unistd.h>

#include <nlohmann/json.hpp>
#ifdef EVOJIT_HAS_TBB
#include <tbb/task_arena.h>
#endif
#ifdef EVOJIT_HAS_OPENMP
extern "C" int omp_get_max_threads(void);
#endif

#include "backends/cpu/cpu_jit.hpp"
#include "backends/cpu/roofline_probe.hpp"
#include "evaluators/evaluation_json.hpp"
#include "evaluators/measurement.hpp"
#include "evaluators/worker/sandbox.hpp"
#include "evaluators/worker/worker_limits.hpp"
#include "evaluators/worker/worker_service.hpp"
#include "kernels/manifest_task.hpp"
#include "kernels/task_registry.hpp"
#include "support/hash.hpp"

namespace evojit {
namespace {

using nlohmann::json;

class CpuWorkerService final : public WorkerService {
 public:
  CpuWorkerService(const TaskRegistry& tasks, std::size_t max_kernels)
      : max_kernels_(max_kernels), tasks_(tasks) {}

  // Everything that reads files happens here, before the sandbox closes them off:
  // the JIT's setup (clang's driver probes the filesystem), a first compile, and
  // TBB's scheduler start-up (it loads its allocator). TBB starts its threads only
  // when work arrives, so the process is still single-threaded afterwards and every
  // thread is created inside the sandbox.
  void warm_up() {
    if (const Task* task = tasks_.find("triad")) {
      jit().compile(task->render(task->space().bindings(task->seed())), kKernelEntry);
    } else {
      jit();
    }
#ifdef EVOJIT_HAS_TBB
    tbb::task_arena arena(2);
    arena.initialize();
#endif
#ifdef EVOJIT_HAS_OPENMP
    // The OpenMP runtime's serial set-up (environment, machine topology) reads files;
    // its threads start at the first parallel region, inside the sandbox.
    (void)omp_get_max_threads();
#endif
    // Kernels as users write them: clang's driver finds the system's headers now,
    // while the filesystem is open; the sandbox then keeps those folders readable.
    user_jit({"-fopenmp"});
  }

  // The directories kernels as users write them include from.
  std::vector<std::string> include_dirs() {
    try {
      return user_jit({"-fopenmp"}).include_dirs();
    } catch (const std::exception&) {
      return {};
    }
  }

  void set_sandbox(const SandboxReport& r) {
    sandbox_ = {{"landlock", r.landlock},
                {"landlock_abi", r.landlock_abi},
                {"landlock_network", r.landlock_network},
                {"seccomp", r.seccomp},
                {"opens_denied", r.opens_denied},
                {"threads_at_entry", r.threads_at_entry},
                {"privileges_dropped", r.privileges_dropped},
                {"uid", r.uid},
                {"scratch_tmpfs", r.scratch_tmpfs},
                {"threads_limited", r.threads_limited},
                {"detail", r.detail}};
  }

  PingReply ping() override { return PingReply{sandbox_}; }

  CompileReply compile(const CompileRequest& request) override {
    CpuJit& compiler = request.options.empty() ? jit() : user_jit(request.options);
    CompiledKernel k = compiler.compile(request.source, kKernelEntry);
    const std::uint64_t handle = hash_text(request.source);
    if (k.ok) kernels_[handle] = reinterpret_cast<KernelEntry>(k.entry);
    // The JIT frees kernels beyond its bound: forget their entry points with them.
    std::erase_if(kernels_, [&](const auto& kv) {
      const void* entry = reinterpret_cast<const void*>(kv.second);
      if (jit_ && jit_->holds(entry)) return false;
      for (const auto& [flags, user] : user_jits_) {
        if (user->holds(entry)) return false;
      }
      return true;
    });
    CompileReply reply;
    reply.ok = k.ok;
    reply.status = k.ok ? EvalStatus::ok : EvalStatus::compile_error;
    reply.stats = k.stats;
    reply.log = k.log;
    reply.diagnostics = k.diagnostics;
    reply.kernel = hash_hex(handle);
    return reply;
  }

  RunReply run(const RunRequest& request) override {
    const Task* task = request.task_manifest.empty() ? tasks_.find(request.task)
                                                     : &manifest_task(request.task_manifest);
    if (!task) throw std::runtime_error("unknown task '" + request.task + "'");
    const auto handle = std::stoull(request.kernel, nullptr, 16);
    auto kernel_it = kernels_.find(handle);
    if (kernel_it == kernels_.end()) throw std::runtime_error("kernel not compiled in this worker");
    // A manifest task's thunk takes its argument block; a built-in's, its KernelArgs.
    const auto kernel = reinterpret_cast<void (*)(const void*)>(kernel_it->second);

    RunReply reply;
    for (const RunSize& run_size : request.sizes) {
      const ProblemSize& size = run_size.size;
      ProblemInstance& data = instance(*task, size);
      SizeResult r;
      r.label = size.label;
      r.dims = size.dims;
      // Correctness first, on fresh inputs; only a correct kernel is timed.
      data.reset();
      kernel(data.entry_argument());
      const CheckResult check = data.check();
      r.ok = check.ok;
      // JSON has no infinity (it would arrive as null): the largest double stands in.
      r.max_error =
          std::isfinite(check.max_error) ? check.max_error : std::numeric_limits<double>::max();
      r.tolerance = check.tolerance;
      r.message = check.message;
      if (!r.ok) {
        reply.sizes.push_back(std::move(r));
        reply.status = EvalStatus::wrong_result;
        reply.diagnostic = "size " + size.label + ": " + check.message;
        return reply;
      }
      if (request.time) {
        std::function<void()> reset;
        if (task->updates_in_place()) reset = [&] { data.reset(); };
        r.timing = measure([&] { kernel(data.entry_argument()); }, reset, request.measure);
      }
      reply.sizes.push_back(std::move(r));
    }
    return reply;
  }

  RooflineReply roofline(const RooflineRequest& request) override {
    // The cache sizes come with the request: inside the sandbox /sys is not readable.
    ProbeOptions options;
    options.max_threads = request.max_threads;
    options.stream_elements = request.stream_elements;
    options.caches = request.caches;
    if (request.repetitions > 0) options.repetitions = request.repetitions;
    if (request.max_seconds > 0) options.max_seconds = request.max_seconds;
    const RooflineProbeResult r = probe_roofline(jit(), options);
    RooflineReply reply;
    for (const BandwidthLevel& l : r.levels) {
      json level = {{"name", l.name},
                    {"working_set_bytes", l.working_set_bytes},
                    {"working_sets_bytes", l.working_sets_bytes},
                    {"bandwidth_bytes_per_s", l.bandwidth_bytes_per_s}};
      if (l.capacity_bytes > 0.0) level["capacity_bytes"] = l.capacity_bytes;  // not DRAM
      reply.levels.push_back(level);
    }
    reply.threads = r.threads;
    reply.bandwidth_bytes_per_s = r.bandwidth_bytes_per_s;
    reply.flops_per_s = r.flops_per_s;
    reply.target = jit().target_description();
    return reply;
  }

 private:
  CpuJit& jit() {
    if (!jit_) {
      JitOptions options;
      options.max_kernels = max_kernels_;
      jit_ = std::make_unique<CpuJit>(options);
    }
    return *jit_;
  }

  // The JIT for kernels as users write them, one per set of flags.
  CpuJit& user_jit(const std::vector<std::string>& flags) {
    auto& slot = user_jits_[flags];
    if (!slot) {
      JitOptions options;
      options.max_kernels = max_kernels_;
      options.system_headers = true;
      options.extra_flags = flags;
      slot = std::make_unique<CpuJit>(options);
    }
    return *slot;
  }

  // The task a manifest describes, built once per manifest; its reference kernel
  // compiles with the task's own flags.
  const Task& manifest_task(const std::string& text) {
    auto it = manifest_tasks_.find(text);
    if (it != manifest_tasks_.end()) return *it->second;
    TaskManifest m = parse_task_manifest(nlohmann::json::parse(text), "task manifest");
    std::vector<std::string> flags;
    {
      const auto probe = make_manifest_task(m);
      flags = probe->compile_flags();
    }
    auto compile = [this, flags](const std::string& source) -> ThunkEntry {
      CompiledKernel k = user_jit(flags).compile(source, kKernelEntry);
      if (!k.ok) throw std::runtime_error("the reference does not compile:\n" + k.log);
      return reinterpret_cast<ThunkEntry>(k.entry);
    };
    auto task = make_manifest_task(std::move(m), compile);
    return *manifest_tasks_.emplace(text, std::move(task)).first->second;
  }

  ProblemInstance& instance(const Task& task, const ProblemSize& size) {
    std::string key = task.name();
    if (!task.manifest_json().empty()) key += ":" + hash_hex(hash_text(task.manifest_json()));
    for (std::int64_t d : size.dims) key += ":" + std::to_string(d);
    auto it = instances_.find(key);
    if (it == instances_.end()) it = instances_.emplace(key, task.instantiate(size)).first;
    return *it->second;
  }

  std::size_t max_kernels_;
  const TaskRegistry& tasks_;
  json sandbox_ = {{"landlock", false}, {"seccomp", false}, {"detail", "sandbox disabled"}};
  std::unique_ptr<CpuJit> jit_;
  std::map<std::vector<std::string>, std::unique_ptr<CpuJit>> user_jits_;
  std::map<std::string, std::unique_ptr<Task>> manifest_tasks_;
  std::unordered_map<std::uint64_t, KernelEntry> kernels_;
  std::map<std::string, std::unique_ptr<ProblemInstance>> instances_;
};

}  // namespace

static void watch_for_orphaning(pid_t driver) {
  if (driver <= 1) return;
  if (::getppid() != driver) ::_exit(0);  // the driver died before we got here
  // A driver killed with -9 must not leave workers behind, even one stuck in a
  // candidate's infinite loop: this thread notices the reparenting and ends the
  // process. Started after the sandbox, so it runs under the same restrictions.
  std::thread([driver] {
    while (::getppid() == driver) std::this_thread::sleep_for(std::chrono::milliseconds(50));
    ::_exit(0);
  }).detach();
}

int serve_worker(int in_fd, int out_fd, const WorkerSetup& setup, const TaskRegistry& tasks) {
  install_out_of_memory_classifier();
  // Past RLIMIT_FSIZE a write fails with EFBIG rather than killing the worker.
  std::signal(SIGXFSZ, SIG_IGN);
  if (!setup.scratch_dir.empty() && ::chdir(setup.scratch_dir.c_str()) != 0) return 3;
  CpuWorkerService service(tasks, setup.max_kernels);
  if (setup.sandbox) {
    try {
      service.warm_up();
    } catch (const std::exception&) {
      // The first compile request reports the same failure with its context.
    }
    SandboxOptions options;
    options.scratch_dir = setup.scratch_dir;
    options.use_landlock = setup.landlock;
    options.scratch_limit_bytes = setup.scratch_limit_bytes;
    options.max_threads = setup.max_threads;
#ifdef EVOJIT_CLANG_RESOURCE_DIR
    // Builtin headers (immintrin.h...) stay readable: kernels may include them.
    options.read_only_dirs.push_back(EVOJIT_CLANG_RESOURCE_DIR);
#endif
    // So do the system's C++ headers, for kernels as users write them.
    for (const std::string& dir : service.include_dirs()) {
      if (std::filesystem::is_directory(dir)) options.read_only_dirs.push_back(dir);
    }
    service.set_sandbox(enter_sandbox(options));
  }
  watch_for_orphaning(static_cast<pid_t>(setup.driver_pid));
  return serve_requests(in_fd, out_fd, service);
}

}  // namespace evojit
