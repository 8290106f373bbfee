#include "backends/cuda/cuda_evaluator.hpp"

#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <string_view>

#include "evaluators/evaluation_json.hpp"
#include "evaluators/worker/worker_failure.hpp"

namespace evojit {
namespace {

using nlohmann::json;
using Reply = WorkerProcess::Reply;

constexpr std::string_view kWorker = "CUDA worker";

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

CudaEvaluator::CudaEvaluator(const CudaTask& task, ParameterSpace space,
                             std::vector<ProblemSize> sizes, WorkerPool& pool,
                             const FitnessFunction& fitness, CudaEvaluatorOptions options)
    : task_(task),
      space_(std::move(space)),
      sizes_(std::move(sizes)),
      pool_(pool),
      fitness_(fitness),
      options_(options),
      start_(std::chrono::steady_clock::now()) {
  // A request written to a worker that has just died must fail as EPIPE (and be
  // classified), not kill the driver with SIGPIPE.
  std::signal(SIGPIPE, SIG_IGN);
}

double CudaEvaluator::elapsed_s() const {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
}

std::string CudaEvaluator::source(const Config& config) const {
  return task_.render(space_.bindings(config));
}

Evaluation CudaEvaluator::evaluate_on(const Config& config, const std::vector<ProblemSize>& sizes) {
  const auto bindings = space_.bindings(config);
  return evaluate_source(task_.render(bindings), bindings, sizes);
}

Evaluation CudaEvaluator::evaluate_source(const std::string& source,
                                          const std::map<std::string, Value>& bindings,
                                          const std::vector<ProblemSize>& sizes) {
  const auto started = std::chrono::steady_clock::now();
  Evaluation e;
  auto finish = [&]() -> Evaluation {
    e.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    if (e.status != EvalStatus::ok) e.fitness = 0.0;
    return e;
  };

  WorkerPool::Lease lease = pool_.acquire();
  WorkerProcess& worker = lease.worker();
  // A worker can die between evaluations without a request in flight (its parent
  // thread ended, and PR_SET_PDEATHSIG follows the thread): a ping finds that out
  // and reaps it, so the compile below starts a fresh worker instead of failing.
  worker.request({{"op", "ping"}}, std::chrono::milliseconds(10'000));

  const Reply compiled = worker.request({{"op", "compile"},
                                         {"source", source},
                                         {"kernel_name", task_.kernel_name()},
                                         {"options", task_.compile_options()},
                                         {"force_ptx", options_.force_ptx}},
                                        options_.compile_timeout);
  if (request_failed(compiled, "compile", kWorker, e)) return finish();
  if (compiled.body.contains("compile"))
    e.compile = compile_stats_from_json(compiled.body.at("compile"));
  if (!compiled.body.value("ok", false)) {
    e.status = compiled.body.value("sticky", false) ? EvalStatus::crash : EvalStatus::compile_error;
    e.diagnostic = compiled.body.value("log", compiled.body.value("diagnostic", ""));
    for (const json& d : compiled.body.value("diagnostics", json::array())) {
      e.source_diagnostics.push_back(source_diagnostic_from_json(d));
    }
    if (compiled.body.value("sticky", false)) {
      worker.request({{"op", "quit"}}, std::chrono::milliseconds(5000));
    }
    return finish();
  }
  if (compiled.body.contains("resources")) {
    e.resources = kernel_resources_from_json(compiled.body.at("resources"));
  }

  json size_list = json::array();
  for (const ProblemSize& s : sizes) {
    const LaunchGeometry g = task_.launch(bindings, s);
    size_list.push_back({{"label", s.label},
                         {"dims", s.dims},
                         {"grid", g.grid},
                         {"block", g.block},
                         {"shared", g.dynamic_shared_bytes}});
  }
  const auto run_timeout =
      options_.run_timeout +
      std::chrono::milliseconds(static_cast<long long>(4000.0 * options_.measure.max_seconds *
                                                       static_cast<double>(sizes.size())));
  Reply ran;
  {
    std::lock_guard device(pool_.device_mutex());
    ran = worker.request({{"op", "run"},
                          {"problem", task_.problem_kind()},
                          {"kernel", compiled.body.at("kernel")},
                          {"sizes", size_list},
                          {"flush_l2", options_.flush_l2},
                          {"measure", to_json(options_.measure)}},
                         run_timeout);
  }
  if (request_failed(ran, "run", kWorker, e)) return finish();
  e.status = eval_status_from_string(ran.body.value("status", "worker_lost"));
  e.diagnostic = ran.body.value("diagnostic", "");
  for (const json& r : ran.body.value("sizes", json::array())) {
    e.sizes.push_back(size_result_from_json(r));
  }
  if (ran.body.value("sticky", false)) {
    // The context is ruined: end this worker; the pool starts a fresh one on the
    // next request. The quit request itself is answered by the worker's exit.
    e.diagnostic += " (sticky CUDA error: the worker was replaced)";
    worker.request({{"op", "quit"}}, std::chrono::milliseconds(5000));
  }
  if (e.status == EvalStatus::ok) {
    std::vector<Workload> workloads;
    for (const SizeResult& r : e.sizes)
      workloads.push_back(task_.workload(ProblemSize{r.label, r.dims}));
    e.fitness = fitness_.score(e, workloads);
  }
  return finish();
}

}  // namespace evojit
