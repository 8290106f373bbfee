#include "runs/run.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <ctime>

#include "evaluators/pipeline.hpp"
#include "runs/plugins.hpp"
#include "runs/run_cache.hpp"
#include "runs/run_identity.hpp"
#include "runs/run_lock.hpp"
#include "runs/run_outputs.hpp"
#include "runs/run_plan.hpp"
#include "runs/run_recorder.hpp"
#include "runs/run_validation.hpp"
#include "runs/stop_request.hpp"
#include "support/error.hpp"
#include "support/time.hpp"

namespace evojit {
namespace {

using nlohmann::json;
using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

void notify(const RunObserver& observer, const std::string& text) {
  if (observer.notice) observer.notice(text);
}

// run.json of a fresh run: the spec, the backend and its identity, the ceilings,
// versions, the seed and the shape of the search.
json fresh_run_json(const RunPlan& plan, const std::optional<MachineProfile>& ceilings) {
  const Backend& backend = *plan.backend;
  json run = {
      {"config", to_json(plan.spec)},
      {"backend", {{"name", plan.spec.backend}, {"identity", backend.identity()}}},
      {"versions", evojit_versions()},
      {"seed", plan.spec.seed},
      {"space",
       {{"parameters", plan.space.size()}, {"cartesian_points", plan.space.cartesian_size()}}},
      {"training_sizes", backend.task().training_sizes().size()},
      {"held_out_sizes", backend.task().held_out_sizes().size()}};
  if (ceilings) run["machine_profile"] = to_json(*ceilings);
  if (!plan.spec.plugins.empty()) run["plugins"] = plugins_json(plan.spec.plugins);
  if (backend.traits().deterministic) {
    // A deterministic run's id comes from what determines it, so that two runs of the
    // same spec are the same run and their journals byte-identical; not from the budget,
    // which resume may extend (the extended run's journal is the one a larger budget
    // would have written), nor from the output directory.
    json identity = {{"config", run["config"]}, {"backend", run["backend"]}};
    identity["config"].erase("budget_evaluations");
    identity["config"].erase("budget_seconds");
    run["run_id"] = content_run_id(identity);
  }
  return run;
}

// The seed measured once, for a fitness relative to it (speedup): the geometric mean
// of its median times over the training sizes, in seconds.
double measure_seed_time_s(const RunPlan& plan) {
  const std::string fix = "give the baseline: --fitness-params '{\"baseline_ms\": T}'";
  if (!plan.seed) {
    throw_input_error("this run has no seed (naive kernel) to compare with", "--fitness speedup",
                      fix);
  }
  struct Unscored {
    double score(Evaluation&, const std::vector<Workload>&) const { return 1.0; }
  };
  Backend& backend = *plan.backend;
  CandidatePipeline pipeline(backend, plan.space, backend.task().training_sizes(), Unscored{});
  const Evaluation e = pipeline.evaluate(*plan.seed);
  double log_sum = 0.0;
  for (const SizeResult& r : e.sizes) log_sum += std::log(std::max(r.timing.median_s, 1e-300));
  if (e.status != EvalStatus::ok || e.sizes.empty()) {
    throw_input_error("the seed failed (" + std::string(to_string(e.status)) + ": " +
                          e.diagnostic.substr(0, 200) + "), so there is no time to compare with",
                      "--fitness speedup", fix);
  }
  return std::exp(log_sum / static_cast<double>(e.sizes.size()));
}

// The spec's fitness (the backend's default when it names none), made before anything
// is written: an unknown name or bad parameters are input errors. A baseline the
// fitness measured (the seed's time) goes into the spec's fitness parameters, so that
// run.json holds it and a resumed run compares with the same figure.
Fitness make_fitness(RunPlan& plan, const std::optional<MachineProfile>& ceilings,
                     const Registries& registries) {
  FitnessContext context;
  context.ceilings = ceilings ? &*ceilings : nullptr;
  context.params = plan.spec.fitness_params;
  for (const ProblemSize& size : plan.backend->task().training_sizes()) {
    context.workloads.push_back(plan.backend->task().workload(size));
  }
  context.recorded_fields = plan.backend->traits().recorded_fields;
  std::optional<double> measured_s;
  context.seed_time_s = [&plan, &measured_s] {
    if (!measured_s) measured_s = measure_seed_time_s(plan);
    return *measured_s;
  };
  const std::string& name = plan.spec.fitness;
  Fitness fitness = registries.fitness.create(
      name.empty() ? plan.backend->traits().default_fitness : name, context);
  if (measured_s) plan.spec.fitness_params["baseline_ms"] = *measured_s * 1e3;
  return fitness;
}

// The run's caches (runs/run_cache.hpp), opened before anything is written: a store that
// cannot be used is an InputError; one set aside is a note and an empty store.
std::unique_ptr<RunCaches> open_run_caches(const RunPlan& plan,
                                           const std::optional<MachineProfile>& ceilings,
                                           const RunObserver& observer) {
  std::optional<CacheScope> scope;
  if (plan.spec.cache.enabled && !plan.spec.cache.file.empty()) {
    scope = cache_scope(*plan.backend, ceilings, plan.spec.measure, evojit_versions());
  }
  auto caches = std::make_unique<RunCaches>(plan.spec.cache, plan.spec.seed, std::move(scope),
                                            plan.backend->traits().code_identity);
  for (const std::string& note : caches->notes()) notify(observer, note);
  return caches;
}

// The loop over the pipeline with its journal and checkpoints, then the outputs.
RunOutcome run_loop(RunPlan& plan, const Fitness& fitness, RunCaches& caches, bool resuming,
                    const RunObserver& observer, Clock::time_point started) {
  const RunSpec& spec = plan.spec;
  Backend& backend = *plan.backend;
  const BackendTraits traits = backend.traits();
  CandidatePipeline pipeline(backend, plan.space, backend.task().training_sizes(), fitness,
                             caches.pipeline());

  RunOutcome outcome;
  outcome.dir = plan.out_dir;
  Budget budget;
  budget.evaluations = spec.budget_evaluations;
  budget.seconds = spec.budget_seconds;
  EvolveLoop loop(*plan.strategy, pipeline, budget);
  Rng rng(spec.seed);
  RunRecorder recorder(plan.out_dir, plan.space, *plan.strategy, spec.strategy,
                       spec.checkpoint_every);
  recorder.set_simulated_evaluations(traits.simulated_clock);
  std::vector<T4Record> records;
  auto account = [&](const EvaluationRecord& r, std::string timestamp,
                     const RunRecorder::RecordTiming& timing) {
    T4Record t4{plan.space.bindings(r.config),
                r.evaluation,
                std::move(timestamp),
                timing.search_s,
                timing.framework_s,
                std::nullopt};
    if (auto recorded = backend.recorded(r.config)) {
      t4.recorded = T4RecordedTimes{std::move(recorded->times_ms), recorded->compile_ms,
                                    recorded->verification_ms, recorded->benchmark_ms};
    }
    records.push_back(std::move(t4));
    if (plan.seed && r.config == *plan.seed) outcome.seed_fitness = r.evaluation.fitness;
  };
  // A deterministic backend's records carry no time stamp, so that its files are
  // reproducible; the journal keeps none, so restored records get the time of writing.
  const bool stamp = !traits.deterministic;
  if (resuming) {
    caches.set_open(false);  // the history replayed as it was measured (runs/run_cache.hpp)
    for (const EvaluationRecord& r : recorder.restore(loop, rng)) account(r, "", {});
    caches.set_open(true);
  }
  recorder.attach(loop, [&](const EvaluationRecord& r) {
    account(r, stamp ? iso8601_now() : std::string(), recorder.last_timing());
  });
  if (observer.progress) {
    loop.on_progress([&](std::size_t done, const std::optional<Scored>& best) {
      // Progress is for the person waiting: real time, also on a simulated clock.
      observer.progress({done, budget.evaluations, best ? best->fitness : 0.0,
                         traits.simulated_clock ? seconds_since(started) : backend.elapsed_s(),
                         traits.simulated_clock ? 0.0 : budget.seconds});
    });
  }
  {
    const StopWatch watch(loop);
    outcome.result = loop.run(rng);
  }
  recorder.finish();     // the journal synced and the last checkpoint written, stopped or not
  if (caches.store()) {  // a store that failed during the run says so once
    for (const std::string& note : caches.store()->notes()) notify(observer, note);
  }
  // Stopped by a signal: the checkpoint is written; no summary, so that the run stays
  // one to resume rather than a finished one.
  if (stop_signal() != 0) return outcome;
  write_run_outputs({spec, plan.out_dir, pipeline, records, seconds_since(started)}, outcome);
  return outcome;
}

}  // namespace

json evojit_versions() {
  return {{"evojit", EVOJIT_VERSION},
          {"llvm", EVOJIT_LLVM_VERSION},
          {"compiler", __VERSION__},
          {"cxx_standard", __cplusplus}};
}

RunOutcome run(const RunSpec& spec, const Registries& registries, const RunObserver& observer) {
  const auto started = Clock::now();
  RunPlan plan = plan_run(spec, registries, /*fresh_directory=*/true);
  for (const std::string& notice : plan.notices) notify(observer, notice);
  resolve_cache_spec(plan.spec.cache, plan.backend->traits());
  plan.backend->require_ready();
  std::optional<MachineProfile> ceilings = plan.backend->ceilings(
      spec.profile_path, [&](const std::string& text) { notify(observer, text); });
  if (ceilings && (spec.peak_bandwidth || spec.peak_flops)) {
    apply_nominal_figures(*ceilings, spec.peak_bandwidth, spec.peak_flops);
  } else if (!ceilings && (spec.peak_bandwidth || spec.peak_flops)) {
    throw_input_error("backend '" + spec.backend + "' measures nothing to put spec-sheet peaks on",
                      "--peak-bandwidth/--peak-flops", "leave them out");
  }
  if (ceilings && observer.ceilings) {
    observer.ceilings(*ceilings, spec.profile_path.string());
  }
  const Fitness fitness = make_fitness(plan, ceilings, registries);
  const std::unique_ptr<RunCaches> caches = open_run_caches(plan, ceilings, observer);
  const RunLock lock = lock_run_directory(plan.out_dir, /*create=*/true);
  // run.json first: from then on the directory is a run that `evojit resume` knows.
  write_run_json(plan.out_dir, fresh_run_json(plan, ceilings));
  return run_loop(plan, fitness, *caches, /*resuming=*/false, observer, started);
}

RunOutcome resume_run(const RunSpec& spec, const Registries& registries, const ResumeState& state,
                      const RunObserver& observer) {
  const auto started = Clock::now();
  RunPlan plan = plan_run(spec, registries, /*fresh_directory=*/false);
  if (state.run_json.contains("backend")) {
    plan.backend->require_same_identity(state.run_json.at("backend").value("identity", json()));
  }
  const Fitness fitness = make_fitness(plan, state.ceilings, registries);
  plan.backend->require_ready();
  resolve_cache_spec(plan.spec.cache, plan.backend->traits());
  const std::unique_ptr<RunCaches> caches = open_run_caches(plan, state.ceilings, observer);
  if (state.before_first_write) state.before_first_write();
  return run_loop(plan, fitness, *caches, /*resuming=*/true, observer, started);
}

}  // namespace evojit
