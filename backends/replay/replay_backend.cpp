#include "backends/replay/replay_backend.hpp"

#include <fstream>

#include "backends/replay/replay_evaluator.hpp"
#include "interop/kernel_tuner_cache.hpp"
#include "interop/t1_input.hpp"
#include "support/error.hpp"
#include "support/hash.hpp"

namespace evojit {
namespace {

using nlohmann::json;

// A cache with fewer than two configurations has nothing to search: a replay of it
// would "finish" having learnt nothing. A cache in which every configuration failed is
// a recording all the same: its replay runs and ends with exit code 3 (no valid
// evaluation), as a live run would. A cache cut short (a killed Kernel Tuner run) reads,
// but as a recorded space it is partial: replaying it would report an optimum that may
// not be the space's.
void require_replayable(const KernelTunerCache& cache, const std::filesystem::path& file) {
  if (cache.size() >= 2 && !cache.repaired()) return;
  std::string what =
      cache.size() == 0 ? "the cache holds no configurations"
      : cache.size() == 1
          ? "the cache holds a single configuration: nothing to search"
          : "the cache holds " + std::to_string(cache.size()) + " configurations before the cut";
  if (cache.repaired()) what = "the cache is truncated: " + what;
  throw_input_error(what, file.string(),
                    cache.repaired() ? "the file was cut short; use a complete Kernel Tuner cache"
                                     : "replay a cache of a brute-forced (or well explored) space");
}

std::string cache_stem(const std::filesystem::path& file) {
  std::string stem = file.filename().string();
  for (const char* ext : {".gz", ".json"}) {
    const std::string e = ext;
    if (stem.size() > e.size() && stem.ends_with(e)) stem.resize(stem.size() - e.size());
  }
  return stem;
}

// The recorded space as a task: what the run needs of one (space, sizes, name); it has
// no source to render and no data to instantiate.
class ReplayTask final : public Task {
 public:
  ReplayTask(std::string name, const ParameterSpace& space, ProblemSize size)
      : name_(std::move(name)), space_(space), size_(std::move(size)) {}
  std::string name() const override { return name_; }
  std::string summary() const override { return "a recorded space (Kernel Tuner cache)"; }
  const ParameterSpace& space() const override { return space_; }
  Config seed() const override { return {}; }  // none: no naive kernel was recorded
  std::string render(const std::map<std::string, Value>&) const override { return {}; }
  std::vector<ProblemSize> training_sizes() const override { return {size_}; }
  std::vector<ProblemSize> held_out_sizes() const override { return {}; }
  Workload workload(const ProblemSize&) const override { return {}; }
  std::unique_ptr<ProblemInstance> instantiate(const ProblemSize&) const override {
    throw std::logic_error("a replayed task has no data to instantiate");
  }

 private:
  std::string name_;
  const ParameterSpace& space_;
  ProblemSize size_;
};

struct ReplayKernel final : CompiledKernel {
  Config config;
};

class ReplayBackend final : public Backend {
 public:
  ReplayBackend(std::filesystem::path cache_file, std::filesystem::path t1_file)
      : cache_file_(std::move(cache_file)), t1_file_(std::move(t1_file)) {
    auto cache = std::make_shared<const KernelTunerCache>(KernelTunerCache::load(cache_file_));
    require_replayable(*cache, cache_file_);
    // Explicit only (--t1): a file beside the cache is never taken for its T1 input.
    if (!t1_file_.empty()) {
      evaluator_ = std::make_unique<ReplayEvaluator>(cache, read_t1_input(t1_file_).space);
    } else {
      evaluator_ = std::make_unique<ReplayEvaluator>(cache);
    }
    const auto& dims = cache->problem_size();
    std::string label;
    for (std::size_t i = 0; i < dims.size(); ++i) {
      label += (i ? "x" : "") + std::to_string(dims[i]);
    }
    task_ = std::make_unique<ReplayTask>(cache_stem(cache_file_), evaluator_->space(),
                                         ProblemSize{label, dims});
  }

  BackendTraits traits() const override {
    BackendTraits t;
    t.name = "replay";
    t.device_name = evaluator_->cache().device_name();
    t.concurrency = 1;
    t.deterministic = true;
    t.simulated_clock = true;
    t.default_fitness = "inverse-time";
    t.recorded_fields = evaluator_->cache().metric_names();
    return t;
  }
  const Task& task() const override { return *task_; }

  Compiled compile(const Artifact& artifact) override {
    Compiled c;
    if (const auto entry = evaluator_->entry_of(artifact.config)) {
      c.stats.total_s = evaluator_->cache().entry(*entry).compile_ms * 1e-3;
    }
    auto kernel = std::make_shared<ReplayKernel>();
    kernel->config = artifact.config;
    c.kernel = std::move(kernel);
    return c;  // a recorded compile failure comes back from run(), with the rest
  }

  Measured run(const Compiled& compiled, std::span<const ProblemSize>) override {
    const Evaluation e =
        evaluator_->evaluate(static_cast<const ReplayKernel&>(*compiled.kernel).config);
    return {e.status, e.diagnostic, e.signal, e.sizes, e.wall_s};
  }

  std::optional<MachineProfile> ceilings(const std::filesystem::path& profile_path,
                                         const Notify&) override {
    if (!profile_path.empty()) {
      throw_input_error("a replay measures nothing, so a machine profile does not apply",
                        "--profile " + profile_path.string(), "leave --profile out");
    }
    return std::nullopt;
  }

  double elapsed_s() const override { return evaluator_->elapsed_s(); }

  json identity() const override {
    return {{"cache", cache_file_.string()},
            {"t1", t1_file_.string()},
            {"cache_hash", cache_file_hash(cache_file_)},
            {"recorded_device", evaluator_->cache().device_name()},
            {"recorded_kernel", evaluator_->cache().kernel_name()}};
  }

  void require_same_identity(const json& recorded) const override {
    if (recorded.is_object() && recorded.contains("cache_hash") &&
        recorded.at("cache_hash") != cache_file_hash(cache_file_)) {
      throw_input_error("the cache file is not the one this run replays (its content changed)",
                        cache_file_.string(), "restore the original cache file");
    }
  }

  std::optional<Recorded> recorded(const Config& config) const override {
    const auto entry = evaluator_->entry_of(config);
    if (!entry) return std::nullopt;
    const KernelTunerCache& cache = evaluator_->cache();
    const CacheEntry& e = cache.entry(*entry);
    const auto times = cache.times(*entry);
    return Recorded{std::vector<double>(times.begin(), times.end()), e.compile_ms,
                    e.verification_ms, e.benchmark_ms};
  }

 private:
  std::filesystem::path cache_file_;
  std::filesystem::path t1_file_;
  std::unique_ptr<ReplayEvaluator> evaluator_;
  std::unique_ptr<ReplayTask> task_;
};

std::filesystem::path path_option(const json& options, const char* key, bool required) {
  if (!options.contains(key)) {
    if (required) {
      throw_input_error(std::string("a replay needs its cache file (option \"") + key + "\")",
                        "--replay", "give --replay FILE.json");
    }
    return {};
  }
  const json& v = options.at(key);
  if (!v.is_string()) {
    throw_input_error(std::string("replay option \"") + key + "\" must be a path", "--replay");
  }
  return v.get<std::string>();
}

}  // namespace

std::string cache_file_hash(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::uint64_t h = 0;
  std::vector<char> buffer(1 << 16);
  while (in.read(buffer.data(), static_cast<std::streamsize>(buffer.size())) || in.gcount() > 0) {
    h = hash_combine(h, hash_bytes(buffer.data(), static_cast<std::size_t>(in.gcount())));
  }
  return hash_hex(h);
}

std::unique_ptr<Backend> make_replay_backend(const BackendContext& context) {
  const json& options = context.options;
  if (!options.is_object()) throw_input_error("replay options must be a JSON object", "--replay");
  for (const auto& [key, value] : options.items()) {
    if (key != "cache" && key != "t1") {
      throw_input_error("unknown replay option \"" + key + "\"", "backend_options",
                        "a replay takes \"cache\" and \"t1\"");
    }
  }
  if (!context.task.empty()) {
    throw_input_error("a replay tunes the recorded space, not a task", "--task " + context.task,
                      "give either --task or --replay");
  }
  // A recorded space answers one evaluation at a time, from memory: there is nothing
  // to run in parallel and nothing to time.
  if (context.workers != 1) {
    throw_input_error("a replay evaluates one configuration at a time, from the recording",
                      "--workers " + std::to_string(context.workers), "leave --workers out");
  }
  const MeasureOptions defaults;
  const MeasureOptions& m = context.measure;
  if (m.warmup != defaults.warmup || m.min_repetitions != defaults.min_repetitions ||
      m.max_repetitions != defaults.max_repetitions ||
      m.target_relative_error != defaults.target_relative_error ||
      m.max_seconds != defaults.max_seconds) {
    throw_input_error("a replay times nothing: measurement options do not apply",
                      "--max-seconds-per-size", "leave the measurement options out");
  }
  return std::make_unique<ReplayBackend>(path_option(options, "cache", true),
                                         path_option(options, "t1", false));
}

void register_replay_backend(BackendRegistry& registry) {
  registry.add("replay", "a recorded space (Kernel Tuner cache), as Kernel Tuner's simulation mode",
               make_replay_backend);
}

}  // namespace evojit
