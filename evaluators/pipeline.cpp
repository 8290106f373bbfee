#include "evaluators/pipeline.hpp"

#include "evaluators/worker/worker_failure.hpp"
#include "support/hash.hpp"

namespace evojit {
namespace {

// Cache keys are of a candidate on particular sizes: training and held-out figures
// of one genome must not answer for each other.
std::uint64_t with_sizes(std::uint64_t key, std::span<const ProblemSize> sizes) {
  for (const ProblemSize& s : sizes) key = hash_combine(key, hash_text(s.label));
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
      caches_(caches) {}

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
  auto remember = [&](CandidateCache* cache, std::uint64_t key) {
    if (cache) cache->store(with_sizes(key, sizes), e);
  };

  // render
  const Artifact artifact = render(config);
  // deduplicate (structural)
  const std::uint64_t structural_key = space_.structural_hash(config);
  if (caches_.structural) {
    if (auto hit = caches_.structural->lookup(with_sizes(structural_key, sizes))) return *hit;
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
      e.sizes = hit->sizes;
      e.fitness = hit->fitness;
      e.objectives = hit->objectives;
      return finish();
    }
  }
  // probe (functional hash)
  const std::optional<std::uint64_t> functional_key = backend_.probe(compiled);
  if (caches_.functional && functional_key) {
    if (auto hit = caches_.functional->lookup(with_sizes(*functional_key, sizes))) {
      if (hit->status != EvalStatus::ok) {  // a known-wrong function is not timed again
        e.status = hit->status;
        e.diagnostic = hit->diagnostic;
        return finish();
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
  if (e.status == EvalStatus::ok) {
    std::vector<Workload> workloads;
    workloads.reserve(e.sizes.size());
    for (const SizeResult& r : e.sizes) {
      workloads.push_back(backend_.task().workload(ProblemSize{r.label, r.dims}));
    }
    fitness_.score(e, workloads);
  }
  finish();
  if (charged_s) e.wall_s = *charged_s;
  remember(caches_.structural, structural_key);
  if (code_key != 0) remember(caches_.code, code_key);
  if (functional_key) remember(caches_.functional, *functional_key);
  return e;
}

}  // namespace evojit
