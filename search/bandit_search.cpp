#include "search/bandit_search.hpp"

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>

#include "genomes/adjacent_step.hpp"
#include "search/strategy_state.hpp"
#include "support/error.hpp"

namespace evojit {
namespace {

constexpr std::size_t kStart = BanditSearch::kMethods;  // pending tag of a start point

// Distance of two points with every parameter's list scaled to [0, 1]: far apart
// in value order counts more than one step.
double distance(const ParameterSpace& space, const Config& a, const Config& b) {
  double d = 0.0;
  for (std::size_t p = 0; p < space.size(); ++p) {
    const std::size_t n = space.parameters()[p].values.size();
    if (n < 2) continue;
    d += std::abs(static_cast<double>(a.index[p]) - static_cast<double>(b.index[p])) /
         static_cast<double>(n - 1);
  }
  return d;
}

}  // namespace

BanditSearch::BanditSearch(const StrategyContext& context)
    : space_(*context.space), seed_(context.seed), surrogate_(*context.space, neighbours_) {
  const StrategyParams params(context.params, name());
  start_ = params.positive_integer("start", start_);
  tournament_ = params.non_negative_integer("tournament", tournament_);
  window_ = params.positive_integer("window", window_);
  exploration_ = params.positive_real("exploration", exploration_);
  candidates_ = params.positive_integer("candidates", candidates_);
  central_ = params.non_negative_integer("central", central_);
  neighbours_ = params.positive_integer("neighbours", neighbours_);
  surrogate_ = KnnSurrogate(space_, neighbours_);
  credit_top_ = params.text("credit", "best") == "top";
  const std::vector<std::string> methods = params.text_list("methods");
  if (!methods.empty()) {
    static const char* const kNames[kMethods] = {"adjacent", "mutate", "crossover", "explore",
                                                 "model"};
    enabled_.fill(false);
    for (const std::string& m : methods) {
      const auto* it = std::find(std::begin(kNames), std::end(kNames), m);
      if (it == std::end(kNames)) {
        throw_input_error("unknown method '" + m + "'", name() + ": /methods",
                          "known methods: adjacent, mutate, crossover, explore, model");
      }
      enabled_[static_cast<std::size_t>(it - std::begin(kNames))] = true;
    }
  }
  mutator_ = strategy_mutator(context, params);
  params.reject_unknown();
  for (const Parameter& p : space_.parameters()) value_used_.emplace_back(p.values.size(), false);
}

std::array<std::size_t, BanditSearch::kMethods> BanditSearch::uses() const {
  std::array<std::size_t, kMethods> u{};
  for (std::size_t m = 0; m < kMethods; ++m) u[m] = credit_[m].size();
  return u;
}

std::size_t BanditSearch::choose(Rng& rng) const {
  // OpenTuner's AUC bandit: an untried method first, else the highest area under
  // the recent credit curve (later outcomes weigh more) plus an exploration bonus.
  std::size_t total = 0;
  for (const auto& c : credit_) total += c.size();
  std::size_t best = 0;
  double best_score = -std::numeric_limits<double>::infinity();
  const std::size_t offset = rng.below(kMethods);  // ties go to a random method
  for (std::size_t i = 0; i < kMethods; ++i) {
    const std::size_t m = (i + offset) % kMethods;
    if (!enabled_[m]) continue;
    const std::deque<bool>& c = credit_[m];
    if (c.empty()) return m;
    double area = 0.0;
    for (std::size_t k = 0; k < c.size(); ++k) area += c[k] ? static_cast<double>(k + 1) : 0.0;
    const double n = static_cast<double>(c.size());
    area /= n * (n + 1.0) / 2.0;
    const double score =
        area + exploration_ * std::sqrt(2.0 * std::log2(static_cast<double>(total)) / n);
    if (score > best_score) {
      best_score = score;
      best = m;
    }
  }
  return best;
}

const Scored& BanditSearch::winner(Rng& rng) const {
  // 0: the square root of what has been evaluated, so selection sharpens as the
  // evidence grows (about the best sqrt(n) points win) with no size to tune.
  const std::size_t size =
      tournament_ ? tournament_
                  : static_cast<std::size_t>(std::ceil(std::sqrt(double(evaluated_.size()))));
  const Scored* w = nullptr;
  for (std::size_t i = 0; i < size; ++i) {
    const Scored& s = evaluated_[rng.below(evaluated_.size())];
    if (!w || better(s, *w)) w = &s;
  }
  return *w;
}

Config BanditSearch::farthest_sample(Rng& rng) const {
  // First the candidate bringing the most parameter values not proposed yet (an even
  // cover of every value list, without the pull to the corners that distance alone
  // has), then the one farthest from everything proposed.
  std::optional<Config> chosen;
  std::pair<std::size_t, double> chosen_score{0, -1.0};
  for (std::size_t i = 0; i < candidates_; ++i) {
    std::optional<Config> c = space_.sample(rng);
    if (!c) break;
    if (proposed_.count(config_key(*c))) continue;
    std::size_t fresh = 0;
    for (std::size_t p = 0; p < space_.size(); ++p) fresh += !value_used_[p][c->index[p]];
    double nearest = std::numeric_limits<double>::infinity();
    for (const Config& s : spread_) nearest = std::min(nearest, distance(space_, *c, s));
    // The start covers the value lists; later, distance alone leads the restarts
    // away from what has been searched.
    const std::pair<std::size_t, double> score{started_ < start_ ? fresh : 0, nearest};
    if (!chosen || score > chosen_score) {
      chosen_score = score;
      chosen = std::move(c);
    }
  }
  if (chosen) return *chosen;
  std::optional<Config> any = space_.sample(rng);
  return any ? *any : space_.default_config();
}

Config BanditSearch::central_sample(Rng& rng) const {
  // The medoid of a few random samples: the valid point nearest, on average, to the
  // others, a typical point of the space rather than a corner (corners of a value
  // list are where the extreme, often failing or slow, settings are).
  std::vector<Config> samples;
  for (std::size_t i = 0; i < candidates_; ++i) {
    std::optional<Config> c = space_.sample(rng);
    if (!c) break;
    if (!proposed_.count(config_key(*c))) samples.push_back(std::move(*c));
  }
  if (samples.empty()) return farthest_sample(rng);
  std::size_t chosen = 0;
  double chosen_sum = std::numeric_limits<double>::infinity();
  for (std::size_t i = 0; i < samples.size(); ++i) {
    double sum = 0.0;
    for (const Config& other : samples) sum += distance(space_, samples[i], other);
    if (sum < chosen_sum) {
      chosen_sum = sum;
      chosen = i;
    }
  }
  return samples[chosen];
}

Config BanditSearch::predicted_best_sample(Rng& rng) const {
  // Out of a few random samples, the one the surrogate rates best: a jump to where
  // the evaluated points suggest good ones, however far from the current best.
  std::optional<Config> chosen;
  double chosen_quality = -1.0;
  for (std::size_t i = 0; i < candidates_; ++i) {
    std::optional<Config> c = space_.sample(rng);
    if (!c) break;
    if (proposed_.count(config_key(*c))) continue;
    const double quality = surrogate_.predict(*c);
    if (!chosen || quality > chosen_quality) {
      chosen_quality = quality;
      chosen = std::move(c);
    }
  }
  if (chosen) return *chosen;
  return farthest_sample(rng);
}

void BanditSearch::note_proposed(const Config& c) {
  if (!proposed_.insert(config_key(c)).second) return;
  spread_.push_back(c);
  for (std::size_t p = 0; p < space_.size() && p < c.index.size(); ++p)
    value_used_[p][c.index[p]] = true;
}

Config BanditSearch::make(Rng& rng, std::size_t method) const {
  switch (method) {
    case adjacent:
      return adjacent_step(space_, rng, winner(rng).config, 1);
    case mutate: {
      std::size_t count = 1;
      while (count < space_.size() && rng.chance(0.5)) ++count;
      return mutator_(space_, rng, winner(rng).config, count);
    }
    case crossover: {
      const Config& a = winner(rng).config;
      Config child = space_.crossover(rng, a, winner(rng).config);
      return child == a ? mutator_(space_, rng, a, 1) : child;
    }
    case model:
      return predicted_best_sample(rng);
    default:
      return farthest_sample(rng);
  }
}

std::optional<Config> BanditSearch::new_child(Rng& rng, std::size_t method) const {
  // A point asked before costs nothing but teaches nothing: try again a few times.
  for (int attempt = 0; attempt < 9; ++attempt) {
    Config child = make(rng, method);
    if (!proposed_.count(config_key(child))) return child;
  }
  return std::nullopt;
}

std::vector<Config> BanditSearch::ask(Rng& rng, std::size_t n) {
  std::vector<Config> out;
  while (out.size() < n) {
    std::size_t method = kStart;
    Config child;
    if (started_ < start_) {
      if (started_ == 0 && seed_)
        child = *seed_;
      else if (started_ < central_)
        child = central_sample(rng);
      else
        child = farthest_sample(rng);
      ++started_;
    } else {
      // Nothing told yet (the start in flight): nothing to select from.
      if (evaluated_.empty()) break;
      method = choose(rng);
      std::optional<Config> made = new_child(rng, method);
      // None new: fall back to a space-filling sample.
      if (!made) method = explore;
      child = made ? std::move(*made) : farthest_sample(rng);
    }
    note_proposed(child);
    pending_.add(child, method);
    out.push_back(std::move(child));
  }
  return out;
}

void BanditSearch::record(const Scored& s) {
  note_proposed(s.config);
  evaluated_.push_back(s);
  if (enabled_[model] && s.fidelity == 0) surrogate_.add(s.config, s.ok, s.fitness);
  if (s.ok && s.fidelity == 0) {
    ranked_.insert(std::upper_bound(ranked_.begin(), ranked_.end(), s.fitness, std::greater<>()),
                   s.fitness);
  }
  if (s.ok && s.fidelity == 0 && (!best_ || better(s, *best_))) best_ = s;
}

void BanditSearch::tell(std::span<const Scored> results) {
  for (const Scored& s : results) {
    bool improves = s.ok && s.fidelity == 0 && (!best_ || better(s, *best_));
    if (credit_top_ && s.ok && s.fidelity == 0 && !improves) {
      // Among the best 1/tournament of everything that ran: a child that would
      // likely win a tournament itself.
      const std::size_t t = std::max<std::size_t>(1, tournament_);
      const std::size_t top = (ranked_.size() + t - 1) / t;
      improves = top > 0 && s.fitness >= ranked_[top - 1];
    }
    const std::optional<std::size_t> method = pending_.take(s.config);
    if (method && *method < kMethods) {
      std::deque<bool>& c = credit_[*method];
      c.push_back(improves);
      if (c.size() > window_) c.pop_front();
    }
    record(s);
  }
}

void BanditSearch::immigrate(std::span<const Scored> migrants) {
  for (const Scored& m : migrants) record(m);
}

nlohmann::json BanditSearch::save() const {
  nlohmann::json evaluated = nlohmann::json::array();
  for (const Scored& s : evaluated_) evaluated.push_back(scored_to_json(s));
  nlohmann::json credit = nlohmann::json::array();
  for (const auto& c : credit_) credit.push_back(std::vector<bool>(c.begin(), c.end()));
  return {{"evaluated", evaluated}, {"credit", credit}, {"started", started_}};
}

void BanditSearch::restore(const nlohmann::json& state) {
  evaluated_.clear();
  ranked_.clear();
  spread_.clear();
  for (auto& used : value_used_) used.assign(used.size(), false);
  best_.reset();
  surrogate_.clear();
  proposed_.clear();
  pending_.clear();  // children in flight are asked again
  for (const nlohmann::json& j : state.at("evaluated")) record(scored_from_json(j, space_));
  for (std::size_t m = 0; m < kMethods; ++m) {
    // A checkpoint from before "model" existed has no credit for it.
    const std::vector<bool> c = m < state.at("credit").size()
                                    ? state.at("credit").at(m).get<std::vector<bool>>()
                                    : std::vector<bool>{};
    credit_[m].assign(c.begin(), c.end());
  }
  started_ = state.at("started").get<std::size_t>();
}

}  // namespace evojit
