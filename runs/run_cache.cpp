#include "runs/run_cache.hpp"

#include <atomic>
#include <mutex>
#include <unordered_map>

#include "evaluators/cache/cache_chain.hpp"
#include "support/error.hpp"
#include "support/hash.hpp"
#include "support/rng.hpp"

namespace evojit {
namespace {

using nlohmann::json;

std::string sizes_text(const std::vector<ProblemSize>& sizes) {
  json j = json::array();
  for (const ProblemSize& s : sizes) j.push_back({s.label, s.dims});
  return j.dump();
}

// A persistent answer forgotten with probability p, drawn as MemoryCache draws (seed,
// key, the key's hits so far), so that the draws do not depend on evaluation order.
class ForgetfulCache final : public CandidateCache {
 public:
  ForgetfulCache(CandidateCache& inner, double p, std::uint64_t seed)
      : inner_(inner), p_(p), seed_(seed) {}

  std::optional<Evaluation> lookup(std::uint64_t key) override {
    std::optional<Evaluation> hit = inner_.lookup(key);
    if (!hit || p_ <= 0.0) return hit;
    std::uint64_t n = 0;
    {
      std::lock_guard lock(mutex_);
      n = hits_[key]++;
    }
    Rng draw(hash_combine(hash_combine(seed_, key), n));
    if (draw.chance(p_)) return std::nullopt;
    return hit;
  }
  void store(std::uint64_t key, const Evaluation& evaluation) override {
    inner_.store(key, evaluation);
  }

 private:
  CandidateCache& inner_;
  double p_;
  std::uint64_t seed_;
  std::mutex mutex_;
  std::unordered_map<std::uint64_t, std::uint64_t> hits_;
};

// The run's switch on a level: closed, lookups miss and stores are dropped.
class GatedCache final : public CandidateCache {
 public:
  GatedCache(CandidateCache& inner, const std::atomic<bool>& open) : inner_(inner), open_(open) {}
  std::optional<Evaluation> lookup(std::uint64_t key) override {
    return open_ ? inner_.lookup(key) : std::nullopt;
  }
  void store(std::uint64_t key, const Evaluation& evaluation) override {
    if (open_) inner_.store(key, evaluation);
  }

 private:
  CandidateCache& inner_;
  const std::atomic<bool>& open_;
};

}  // namespace

struct RunCaches::Level {
  Level(const CacheSpec& spec, std::uint64_t seed, EvaluationStore* store,
        const std::optional<CacheScope>& scope, const std::string& kind,
        const std::atomic<bool>& open)
      : memory(MemoryCacheOptions{spec.measurements, spec.forget_probability, seed}) {
    std::vector<CandidateCache*> levels{&memory};
    if (store && scope) {
      persistent.emplace(*store, *scope, kind);
      forgetful.emplace(*persistent, spec.forget_probability, hash_text(kind, seed));
      levels.push_back(&*forgetful);
    }
    chain.emplace(std::move(levels));
    gate.emplace(*chain, open);
  }
  MemoryCache memory;
  std::optional<PersistentCache> persistent;
  std::optional<ForgetfulCache> forgetful;
  std::optional<CacheChain> chain;
  std::optional<GatedCache> gate;
};

void resolve_cache_spec(CacheSpec& spec, const BackendTraits& traits) {
  if (spec.measurements < 1) {
    throw_input_error("the cache needs at least one measurement per answer",
                      "--cache-measurements " + std::to_string(spec.measurements),
                      "give an integer >= 1 (1: the first measurement answers)");
  }
  if (!(spec.forget_probability >= 0.0 && spec.forget_probability <= 1.0)) {
    throw_input_error("a forget probability is between 0 and 1",
                      "--cache-forget " + std::to_string(spec.forget_probability),
                      "give a number in [0, 1] (0: never forget)");
  }
  if (!spec.enabled) {
    spec.file.clear();
    return;
  }
  if (spec.file.empty()) {
    if (traits.deterministic) {  // a replay is a lookup: no store unless one is named
      spec.enabled = false;
      return;
    }
    spec.file = default_evaluation_store_path();
  }
  spec.file = std::filesystem::absolute(spec.file);
  std::error_code ec;
  if (std::filesystem::is_directory(spec.file, ec)) {
    throw_input_error("the evaluation cache must be a file, not a folder", spec.file.string(),
                      "give --cache FOLDER/evaluations.sqlite, or --no-cache");
  }
}

CacheScope cache_scope(Backend& backend, const std::optional<MachineProfile>& ceilings,
                       const MeasureOptions& measure, const json& versions) {
  const Task& task = backend.task();
  const BackendTraits traits = backend.traits();
  CacheScope scope;
  scope.machine = this_machine_id();
  if (ceilings) scope.profile = hash_hex(hash_text(to_json(*ceilings).dump()));
  scope.backend = json{{"name", traits.name},
                       {"device", traits.device_name},
                       {"identity", backend.identity()},
                       {"measure",
                        {measure.warmup, measure.min_repetitions, measure.max_repetitions,
                         measure.target_relative_error, measure.max_seconds}}}
                      .dump();
  scope.compiler = json{{"versions", versions}, {"flags", task.compile_flags()}}.dump();
  // The source of the seed stands for the kernel template; the manifest carries the
  // inputs, their seed and the tolerance of a user's task (a built-in task's are
  // evojit's, covered by its version).
  const Config seed = task.seed();  // a replay's has no parameters: it renders nothing
  const std::string source = seed.index.size() == task.space().size()
                                 ? task.render(task.space().bindings(seed))
                                 : std::string();
  scope.task = json{{"name", task.name()},
                    {"source", hash_hex(hash_text(source))},
                    {"training", sizes_text(task.training_sizes())},
                    {"held_out", sizes_text(task.held_out_sizes())},
                    {"manifest", hash_hex(hash_text(task.manifest_json()))}}
                   .dump();
  return scope;
}

RunCaches::RunCaches(const CacheSpec& spec, std::uint64_t seed, std::optional<CacheScope> scope,
                     bool code_identity)
    : enabled_(spec.enabled), code_identity_(code_identity) {
  if (!enabled_) return;
  if (!spec.file.empty()) {
    store_ = EvaluationStore::open(spec.file, open_notes_, EvaluationStore::WhenUnopenable::note);
  }
  for (const char* kind : {"structural", "code"}) {
    levels_.push_back(std::make_unique<Level>(spec, seed, store_.get(), scope, kind, open_));
  }
}

RunCaches::~RunCaches() = default;

PipelineCaches RunCaches::pipeline() {
  if (!enabled_) return {};
  return PipelineCaches{&*levels_[0]->gate, code_identity_ ? &*levels_[1]->gate : nullptr, nullptr};
}

std::vector<std::string> RunCaches::notes() const { return open_notes_; }

}  // namespace evojit
