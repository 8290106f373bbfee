#include "evaluators/pipeline.hpp"

#include <algorithm>

#include "evaluators/worker/worker_failure.hpp"
#include "support/hash.hpp"

namespace evojit {
namespace {

// Cache keys are of a candidate on particular sizes: training and held-out figures
// of one genome must not answer for each other.
std::uint64_t with_sizes(std::uint64_t key, std::span<const ProblemSize> sizes) {
  for (const ProblemSize& s : sizes) {
    key = hash_combine(key, hash_text(s.label));
    for (std::int64_t d : s.dims) key = hash_combine(key, static_cast<std::uint64_t>(d));
  }
  return key;
}

}  // namespace

CandidatePipeline::CandidatePipeline(Backend& backend, ParameterSpace space,
                                     std::vector<ProblemSize> sizes, Fitness fitness,
                                     PipelineCaches caches)
    : backend_(backend),
      space_(std::move(space)),
      sizes_(std::move(sizes)),
      fitness_(std::move(fitness)),
      caches_(caches),
      simulated_clock_(backend.traits().simulated_clock) {}

std::size_t CandidatePipeline::concurrency() const { return backend_.traits().concurrency; }

bool CandidatePipeline::deterministic() const { return backend_.traits().deterministic; }

Artifact CandidatePipeline::render(const Config& config) const {
  Artifact a;
  a.config = config;
  a.bindings = space_.bindings(config);
  a.source = backend_.task().render(a.bindings);
  return a;
}

Evaluation CandidatePipeline::evaluate_on(const Config& config,
                                          std::span<const ProblemSize> sizes) {
  Evaluation e = evaluate_once(config, sizes);
  if (worth_retrying(e)) e = evaluate_once(config, sizes);
  return e;
}

void CandidatePipeline::score(Evaluation& e) const {
  if (e.status != EvalStatus::ok) return;
  std::vector<Workload> workloads;
  workloads.reserve(e.sizes.size());
  for (const SizeResult& r : e.sizes) {
    workloads.push_back(backend_.task().workload(ProblemSize{r.label, r.dims}));
  }
  fitness_.score(e, workloads);
}

Evaluation CandidatePipeline::evaluate_once(const Config& config,
                                            std::span<const ProblemSize> sizes) {
  const auto started = std::chrono::steady_clock::now();
  Evaluation e;
  auto finish = [&]() -> Evaluation {
    e.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    if (e.status != EvalStatus::ok) {
      e.fitness = 0.0;
      e.objectives.clear();
    }
    return e;
  };
  // A cache's answer: scored with this run's fitness (a cache keeps measurements, and an
  // aggregating one changes the times), tagged with the cache that gave it and the time
  // it saved by what the cached evaluation had cost (`skipped_s`). On a simulated clock
  // an answer costs nothing, so that a deterministic backend's journal stays reproducible.
  auto answered = [&](const Evaluation& hit, const char* cache, double skipped_s) -> Evaluation {
    e.cache_hit = hit.cache_hit.empty() ? cache : hit.cache_hit;
    e.saved_s = std::max(0.0, skipped_s);
    score(e);
    finish();
    if (simulated_clock_) e.wall_s = 0.0;
    return e;
  };
  auto remember = [&](CandidateCache* cache, std::uint64_t key) {
    if (cache) cache->store(with_sizes(key, sizes), e);
  };
  // What measuring (not compiling) a cached evaluation had cost.
  auto measuring_s = [](const Evaluation& hit) { return hit.wall_s - hit.compile.total_s; };

  // render
  const Artifact artifact = render(config);
  // deduplicate (structural): the whole path is skipped
  const std::uint64_t structural_key = space_.structural_hash(config);
  if (caches_.structural) {
    if (auto hit = caches_.structural->lookup(with_sizes(structural_key, sizes))) {
      e = *hit;
      return answered(*hit, "structural", hit->wall_s);
    }
  }
  // compile
  const Compiled compiled = backend_.compile(artifact);
  e.compile = compiled.stats;
  e.resources = compiled.resources;
  if (compiled.status != EvalStatus::ok) {
    e.status = compiled.status;
    e.diagnostic = compiled.diagnostic;
    e.source_diagnostics = compiled.source_diagnostics;
    e.signal = compiled.signal;
    return finish();
  }
  // code hash: identical machine code on the same backend is one measurement
  const std::uint64_t code_key = compiled.stats.code_hash;
  if (caches_.code && code_key != 0) {
    if (auto hit = caches_.code->lookup(with_sizes(code_key, sizes))) {
      e.status = hit->status;
      e.diagnostic = hit->diagnostic;
      e.signal = hit->signal;
      e.sizes = hit->sizes;
      return answered(*hit, "code", measuring_s(*hit));
    }
  }
  // probe (functional hash): licenses reusing a verdict, never a timing
  std::optional<std::uint64_t> functional_key;
  if (caches_.functional) {
    functional_key = backend_.probe(compiled);
    if (functional_key) {
      auto hit = caches_.functional->lookup(with_sizes(*functional_key, sizes));
      if (hit && hit->status != EvalStatus::ok) {  // a known-wrong function is not timed again
        e.status = hit->status;
        e.diagnostic = "computes what a failed candidate computed (functional hash " +
                       hash_hex(*functional_key) + "): " + hit->diagnostic;
        e.signal = hit->signal;
        e.sizes = hit->sizes;
        return answered(*hit, "functional", measuring_s(*hit));
      }
    }
  }
  // measure
  Measured measured = backend_.run(compiled, sizes);
  e.status = measured.status;
  e.diagnostic = std::move(measured.diagnostic);
  e.signal = measured.signal;
  e.sizes = std::move(measured.sizes);
  const std::optional<double> charged_s = measured.charged_s;
  // score
  score(e);
  finish();
  if (charged_s) e.wall_s = *charged_s;
  remember(caches_.structural, structural_key);
  if (code_key != 0) remember(caches_.code, code_key);
  if (functional_key) remember(caches_.functional, *functional_key);
  return e;
}

}  // namespace evojit
