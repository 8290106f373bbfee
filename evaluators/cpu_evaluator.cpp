#include "evaluators/cpu_evaluator.hpp"

#include <csignal>
#include <cstring>

#include "evaluators/evaluation_json.hpp"
#include "evaluators/worker_limits.hpp"

namespace evojit {
namespace {

using nlohmann::json;
using Reply = WorkerProcess::Reply;

json to_json(const MeasureOptions& o) {
  return {{"warmup", o.warmup},
          {"min_repetitions", o.min_repetitions},
          {"max_repetitions", o.max_repetitions},
          {"target_relative_error", o.target_relative_error},
          {"max_seconds", o.max_seconds}};
}

// Turns a worker that timed out or died into the evaluation's failure class. Every
// way a worker can end maps to exactly one class:
//   missed its wall-clock deadline, or SIGXCPU (its CPU budget)   -> timeout
//   exit code kWorkerExitOutOfMemory (died after a failed allocation),
//   SIGKILL that the driver did not send (the kernel's OOM killer),
//   or SIGSEGV/SIGBUS/SIGABRT with peak RSS near its memory limit -> out_of_memory
//   any other signal                                              -> crash (signal)
//   any other exit                                                -> worker_lost
void classify_lost_worker(const Reply& reply, const char* phase, Evaluation& e) {
  const std::string tail =
      reply.stderr_tail.empty() ? "" : "\nworker stderr:\n" + reply.stderr_tail;
  const std::string memory =
      " (peak RSS " + std::to_string(reply.peak_rss_bytes >> 20) + " MiB" +
      (reply.memory_limit_bytes
           ? ", limit " + std::to_string(reply.memory_limit_bytes >> 20) + " MiB)"
           : ")");
  if (reply.kind == Reply::Kind::timeout) {
    e.status = EvalStatus::timeout;
    e.diagnostic = std::string(phase) + " exceeded its time limit; the worker was killed" + tail;
    return;
  }
  // Driver-side evidence that does not rely on the worker's word: a crash at the
  // memory limit is the allocation failure's consequence, not a bug of its own.
  const bool at_memory_limit =
      reply.memory_limit_bytes > 0 && reply.peak_rss_bytes >= reply.memory_limit_bytes / 10 * 9;
  const bool memory_signal =
      reply.signal == SIGSEGV || reply.signal == SIGBUS || reply.signal == SIGABRT;
  if (reply.signal == SIGXCPU) {
    e.status = EvalStatus::timeout;
    e.diagnostic = std::string(phase) + " exceeded the worker's CPU time limit" + tail;
  } else if (reply.exit_code == kWorkerExitOutOfMemory && !reply.signal) {
    e.status = EvalStatus::out_of_memory;
    e.diagnostic =
        std::string(phase) + ": an allocation failed and the worker died of it" + memory + tail;
  } else if (reply.signal == SIGKILL) {
    // Nobody here sent it: on Linux that is the out-of-memory killer.
    e.status = EvalStatus::out_of_memory;
    e.diagnostic =
        std::string(phase) + ": worker killed (SIGKILL), most likely out of memory" + memory + tail;
  } else if (memory_signal && at_memory_limit) {
    e.status = EvalStatus::out_of_memory;
    e.signal = reply.signal;
    e.diagnostic = std::string(phase) + ": worker died with signal " +
                   std::to_string(reply.signal) + " at its memory limit" + memory + tail;
  } else if (reply.signal) {
    e.status = EvalStatus::crash;
    e.signal = reply.signal;
    e.diagnostic = std::string(phase) + ": worker crashed with signal " +
                   std::to_string(reply.signal) + " (" + strsignal(reply.signal) + ")" + tail;
  } else {
    e.status = EvalStatus::worker_lost;
    e.diagnostic =
        std::string(phase) + ": worker exited with code " + std::to_string(reply.exit_code) + tail;
  }
}

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
  if (compiled.kind != Reply::Kind::ok) {
    classify_lost_worker(compiled, "compile", e);
    return finish();
  }
  if (compiled.body.contains("error")) {
    e.status = EvalStatus::worker_lost;
    e.diagnostic = "worker refused the compile request: " + compiled.body["error"].dump();
    return finish();
  }
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
  if (ran.kind != Reply::Kind::ok) {
    classify_lost_worker(ran, "run", e);
    return finish();
  }
  if (ran.body.contains("error")) {
    e.status = EvalStatus::worker_lost;
    e.diagnostic = "worker refused the run request: " + ran.body["error"].dump();
    return finish();
  }
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
