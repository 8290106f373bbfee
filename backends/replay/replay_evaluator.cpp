#include "backends/replay/replay_evaluator.hpp"

#include <array>

#include "support/error.hpp"

namespace evojit {
namespace {

constexpr std::size_t kNone = static_cast<std::size_t>(-1);

std::optional<double> as_number(const Value& v) {
  if (const auto* i = std::get_if<std::int64_t>(&v)) return static_cast<double>(*i);
  if (const auto* d = std::get_if<double>(&v)) return *d;
  if (const auto* b = std::get_if<bool>(&v)) return *b ? 1.0 : 0.0;
  return std::nullopt;
}

// Cache values may be ints where the T1 file says float and vice versa: match by number.
std::optional<std::uint32_t> find_value(const std::vector<Value>& list, const Value& v) {
  auto x = as_number(v);
  for (std::size_t i = 0; i < list.size(); ++i) {
    auto y = as_number(list[i]);
    bool same = (x && y) ? *x == *y
                         : (!x && !y && std::get<std::string>(v) == std::get<std::string>(list[i]));
    if (same) return static_cast<std::uint32_t>(i);
  }
  return std::nullopt;
}

ParameterSpace space_of_cache(const KernelTunerCache& cache) {
  std::vector<Parameter> params;
  for (std::size_t k = 0; k < cache.keys().size(); ++k) {
    params.push_back(Parameter::list(cache.keys()[k], cache.values()[k]));
  }
  return ParameterSpace(std::move(params), {});
}

// The T1 space with each parameter's values cut down to those the cache recorded
// (gemm_milo.json lists KWG 16 and 32; gemm_RTX_3090 recorded only 32).
ParameterSpace restrict_to_cache(const ParameterSpace& space, const KernelTunerCache& cache) {
  std::vector<Parameter> params;
  bool changed = false;
  for (const Parameter& p : space.parameters()) {
    auto key = cache.key_position(p.name);
    if (!key) {
      if (p.values.size() != 1) {
        throw_input_error("parameter " + p.name + " has " + std::to_string(p.values.size()) +
                              " values but the cache does not record it",
                          cache.source(),
                          "pin it to the value the cache was recorded with (--set)");
      }
      params.push_back(p);
      continue;
    }
    Parameter q = p;
    q.values.clear();
    for (const Value& v : p.values) {
      if (find_value(cache.values()[*key], v)) q.values.push_back(v);
    }
    if (q.values.empty()) {
      throw_input_error("none of the values of parameter " + p.name + " is recorded in the cache",
                        cache.source(), "is this the cache recorded for this T1 file?");
    }
    changed = changed || q.values.size() != p.values.size();
    auto d = find_value(q.values, p.values[p.default_index]);
    q.default_index = d ? *d : 0;
    params.push_back(std::move(q));
  }
  for (std::size_t k = 0; k < cache.keys().size(); ++k) {
    if (!space.find(cache.keys()[k]) && cache.values()[k].size() != 1) {
      throw_input_error("the cache records parameter " + cache.keys()[k] + " with " +
                            std::to_string(cache.values()[k].size()) +
                            " values but the T1 space has no such parameter",
                        cache.source(), "is this the cache recorded for this T1 file?");
    }
  }
  if (!changed) return space;
  std::vector<std::string> constraints;
  for (const Expression& e : space.constraints()) constraints.push_back(e.text());
  return ParameterSpace(std::move(params), std::move(constraints));
}

std::string size_label(const std::vector<std::int64_t>& dims) {
  if (dims.empty()) return "recorded";
  std::string label;
  for (std::size_t i = 0; i < dims.size(); ++i) {
    if (i > 0) label += 'x';
    label += std::to_string(dims[i]);
  }
  return label;
}

}  // namespace

ReplayEvaluator::ReplayEvaluator(std::shared_ptr<const KernelTunerCache> cache)
    : cache_(std::move(cache)), space_(space_of_cache(*cache_)), from_t1_(false) {
  build_mapping();
  // The restrictions the cache was recorded under are unknown: the configurations it
  // holds are the valid ones, so nothing outside them is proposed or charged.
  std::vector<Config> recorded;
  recorded.reserve(cache_->size());
  for (std::size_t i = 0; i < cache_->size(); ++i) {
    if (auto c = config_of(i)) recorded.push_back(std::move(*c));
  }
  space_ = space_.with_points(recorded);
}

ReplayEvaluator::ReplayEvaluator(std::shared_ptr<const KernelTunerCache> cache,
                                 const ParameterSpace& space)
    : cache_(std::move(cache)), space_(restrict_to_cache(space, *cache_)), from_t1_(true) {
  build_mapping();
}

ReplayEvaluator::~ReplayEvaluator() = default;

void ReplayEvaluator::build_mapping() {
  const auto& params = space_.parameters();
  key_of_param_.assign(params.size(), kNone);
  cache_value_.assign(params.size(), {});
  param_of_key_.assign(cache_->keys().size(), kNone);
  for (std::size_t i = 0; i < params.size(); ++i) {
    auto key = cache_->key_position(params[i].name);
    if (!key) continue;  // pinned to one value, checked by restrict_to_cache
    key_of_param_[i] = *key;
    param_of_key_[*key] = i;
    for (const Value& v : params[i].values) {
      auto ci = find_value(cache_->values()[*key], v);
      if (!ci) {
        throw_input_error("value " + to_string(v, true) + " of parameter " + params[i].name +
                              " is not recorded in the cache",
                          cache_->source());
      }
      cache_value_[i].push_back(*ci);
    }
  }
  size_template_ = SizeResult{};
  size_template_.label = size_label(cache_->problem_size());
  size_template_.dims = cache_->problem_size();
  size_template_.ok = true;
  reset();
}

void ReplayEvaluator::reset() {
  visited_ = std::make_unique<std::atomic<std::uint8_t>[]>(cache_->size());
  for (std::size_t i = 0; i < cache_->size(); ++i) visited_[i].store(0);
  elapsed_s_.store(0.0);
}

double ReplayEvaluator::elapsed_s() const { return elapsed_s_.load(); }

std::optional<std::size_t> ReplayEvaluator::entry_of(const Config& config) const {
  const std::size_t nparams = key_of_param_.size();
  if (config.index.size() != nparams) return std::nullopt;
  const std::size_t nkeys = param_of_key_.size();
  std::array<std::uint32_t, 64> small{};
  std::vector<std::uint32_t> large;
  std::uint32_t* index = small.data();
  if (nkeys > small.size()) {
    large.assign(nkeys, 0);
    index = large.data();
  }
  for (std::size_t i = 0; i < nparams; ++i) {
    std::size_t key = key_of_param_[i];
    if (key == kNone) continue;
    std::uint32_t v = config.index[i];
    if (v >= cache_value_[i].size()) return std::nullopt;
    index[key] = cache_value_[i][v];
  }
  return cache_->find(std::span<const std::uint32_t>(index, nkeys));
}

std::optional<Config> ReplayEvaluator::config_of(std::size_t entry) const {
  auto index = cache_->entry_index(entry);
  Config c;
  c.index.assign(key_of_param_.size(), 0);
  for (std::size_t i = 0; i < key_of_param_.size(); ++i) {
    std::size_t key = key_of_param_[i];
    if (key == kNone) continue;
    bool found = false;
    for (std::size_t j = 0; j < cache_value_[i].size(); ++j) {
      if (cache_value_[i][j] == index[key]) {
        c.index[i] = static_cast<std::uint32_t>(j);
        found = true;
        break;
      }
    }
    if (!found) return std::nullopt;
  }
  return c;
}

Evaluation ReplayEvaluator::evaluate(const Config& config) {
  auto entry = entry_of(config);
  if (!entry) {
    if (config.index.size() != space_.size()) {
      throw_input_error("configuration has " + std::to_string(config.index.size()) +
                            " values for a space of " + std::to_string(space_.size()) +
                            " parameters",
                        cache_->source());
    }
    if (from_t1_ && space_.is_valid(config)) {
      throw_input_error("configuration " + space_.canonical(config) +
                            " is valid under the T1 conditions but has no entry in the cache",
                        cache_->source(),
                        "the cache does not cover the space: replay it with the T1 file it was "
                        "recorded for, or pin the missing values with --set");
    }
    // Excluded by the restrictions the cache was recorded with (or by the T1
    // conditions): never run, costs nothing.
    Evaluation e;
    e.status = EvalStatus::compile_error;
    e.diagnostic = std::string(kInvalidConfigDiagnostic) +
                   ": not in the recorded space (excluded by its restrictions)";
    return e;
  }
  if (visited_[*entry].exchange(1) == 0) elapsed_s_.fetch_add(cost_s(*entry));
  return from_entry(*entry);
}

Evaluation ReplayEvaluator::from_entry(std::size_t i) const {
  const CacheEntry& r = cache_->entry(i);
  Evaluation e;
  e.compile.total_s = r.compile_ms * 1e-3;
  e.wall_s = r.cost_ms() * 1e-3;
  switch (r.outcome) {
    case CacheOutcome::ok: {
      e.status = EvalStatus::ok;
      SizeResult s = size_template_;
      s.timing.median_s = r.time_ms * 1e-3;
      s.timing.min_s = r.min_ms * 1e-3;
      s.timing.cv = r.cv;
      s.timing.repetitions = static_cast<int>(r.repetitions);
      for (const KernelTunerCache::Metric& m : cache_->metrics(i)) {
        s.recorded.emplace_back(cache_->metric_names()[m.name], m.value);
      }
      e.sizes.push_back(std::move(s));
      e.fitness = 1.0 / r.time_ms;
      return e;
    }
    case CacheOutcome::compilation_failed:
    case CacheOutcome::invalid:
      e.status = EvalStatus::compile_error;
      break;
    case CacheOutcome::runtime_failed:
      e.status = EvalStatus::crash;
      break;
  }
  e.diagnostic = std::string(to_string(r.outcome)) + ": recorded by Kernel Tuner on " +
                 (cache_->device_name().empty() ? "an unnamed device" : cache_->device_name());
  return e;
}

}  // namespace evojit
