#include "backends/cpu/cpu_evaluator.hpp"

#include <string_view>

#include "evaluators/evaluation_json.hpp"
#include "evaluators/worker/worker_failure.hpp"

namespace evojit {
namespace {

using nlohmann::json;
using Reply = WorkerProcess::Reply;

constexpr std::string_view kWorker = "worker";

}  // namespace

CpuEvaluator::CpuEvaluator(const Task& task, ParameterSpace space, std::vector<ProblemSize> sizes,
                           WorkerPool& pool, const FitnessFunction& fitness,
                           CpuEvaluatorOptions options)
    : task_(task),
      space_(std::move(space)),
      sizes_(std::move(sizes)),
      pool_(pool),
      fitness_(fitness),
      options_(options),
      start_(std::chrono::steady_clock::now()) {}

double CpuEvaluator::elapsed_s() const {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
}

std::string CpuEvaluator::source(const Config& config) const {
  return task_.render(space_.bindings(config));
}

Evaluation CpuEvaluator::evaluate_on(const Config& config, const std::vector<ProblemSize>& sizes) {
  Evaluation e = evaluate_once(config, sizes);
  if (worth_retrying(e)) e = evaluate_once(config, sizes);
  return e;
}

Evaluation CpuEvaluator::evaluate_once(const Config& config,
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

  const Reply compiled =
      worker.request({{"op", "compile"}, {"source", source(config)}}, options_.compile_timeout);
  if (request_failed(compiled, "compile", kWorker, e)) return finish();
  e.compile = compile_stats_from_json(compiled.body.at("compile"));
  if (!compiled.body.at("ok").get<bool>()) {
    e.status = EvalStatus::compile_error;
    e.diagnostic = compiled.body.value("log", "");
    for (const json& d : compiled.body.at("diagnostics")) {
      e.source_diagnostics.push_back(source_diagnostic_from_json(d));
    }
    return finish();
  }

  json size_list = json::array();
  for (const ProblemSize& s : sizes) size_list.push_back({{"label", s.label}, {"dims", s.dims}});
  const auto run_timeout =
      options_.run_timeout +
      std::chrono::milliseconds(static_cast<long long>(4000.0 * options_.measure.max_seconds *
                                                       static_cast<double>(sizes.size())));
  Reply ran;
  {
    std::lock_guard device(pool_.device_mutex());
    ran = worker.request({{"op", "run"},
                          {"task", task_.name()},
                          {"kernel", compiled.body.at("kernel")},
                          {"sizes", size_list},
                          {"measure", to_json(options_.measure)}},
                         run_timeout);
  }
  if (request_failed(ran, "run", kWorker, e)) return finish();
  e.status = eval_status_from_string(ran.body.value("status", "worker_lost"));
  e.diagnostic = ran.body.value("diagnostic", "");
  for (const json& r : ran.body.value("sizes", json::array())) {
    e.sizes.push_back(size_result_from_json(r));
  }
  if (e.status == EvalStatus::ok) {
    std::vector<Workload> workloads;
    for (const SizeResult& r : e.sizes) {
      workloads.push_back(task_.workload(ProblemSize{r.label, r.dims}));
    }
    e.fitness = fitness_.score(e, workloads);
  }
  return finish();
}

}  // namespace evojit
