#include "search/evopress.hpp"

#include <algorithm>

#include "search/level_switch.hpp"
#include "search/strategy_state.hpp"
#include "support/error.hpp"

namespace evojit {
namespace {

const char* phase_name(int phase) {
  static const char* const kNames[] = {"start", "cheap", "full"};
  return kNames[phase];
}

}  // namespace

EvoPress::EvoPress(const StrategyContext& context) : space_(*context.space), seed_(context.seed) {
  const StrategyParams params(context.params, name());
  lambda_ = params.positive_integer("lambda", lambda_);
  survivors_count_ = params.positive_integer("survivors", survivors_count_);
  cheap_fidelity_ = params.non_negative_integer("cheap_fidelity", cheap_fidelity_);
  mutation_count_ = params.positive_integer("mutation_count", mutation_count_);
  multi_mutation_probability_ =
      params.probability("multi_mutation_probability", multi_mutation_probability_);
  const std::vector<std::string> sum = params.text_list("sum_parameters");
  const bool named = params.raw("mutator") != nullptr;
  mutator_ = strategy_mutator(context, params);
  params.reject_unknown();
  if (!sum.empty()) {
    if (named) {
      throw_input_error("both \"sum_parameters\" and \"mutator\" say how children are made",
                        name() + ": /sum_parameters",
                        "keep one: {\"mutator\": {\"name\": \"level-switch\", \"parameters\": "
                        "[...]}} is the same as \"sum_parameters\"");
    }
    // The older spelling of the level-switch mutator, kept for existing run files.
    mutator_ = LevelSwitch(space_, sum, name() + ": /sum_parameters");
  }
}

Config EvoPress::make_child(Rng& rng, const std::vector<Proposal>& siblings) const {
  // A few retries keep the lambda children distinct from the parent and each other
  // (a repeat would only be answered from the cache and waste a slot).
  Config child;
  for (int attempt = 0; attempt < 8; ++attempt) {
    std::size_t count = mutation_count_;
    while (count < space_.size() && rng.chance(multi_mutation_probability_)) ++count;
    child = mutator_(space_, rng, parent_->config, count);
    const bool repeat = child == parent_->config ||
                        std::any_of(siblings.begin(), siblings.end(),
                                    [&](const Proposal& p) { return p.config == child; });
    if (!repeat) break;
  }
  return child;
}

std::vector<Proposal> EvoPress::propose(Rng& rng, std::size_t n) {
  std::vector<Proposal> out;
  while (out.size() < n) {
    Proposal p;
    if (phase_ == Phase::start) {
      if (asked_ > 0) break;
      std::optional<Config> c = seed_ ? seed_ : space_.sample(rng);
      if (!c) break;
      p = {std::move(*c), 0};
    } else if (phase_ == Phase::cheap) {
      if (asked_ >= lambda_) break;
      p = {make_child(rng, children_), cheap_fidelity_};
      children_.push_back(p);
    } else {
      if (asked_ >= survivors_.size()) break;
      p = {survivors_[asked_], 0};
    }
    ++asked_;
    pending_.add(p.config, 0);
    out.push_back(std::move(p));
  }
  return out;
}

std::vector<Config> EvoPress::ask(Rng& rng, std::size_t n) {
  std::vector<Config> out;
  for (Proposal& p : propose(rng, n)) out.push_back(std::move(p.config));
  return out;
}

void EvoPress::tell(std::span<const Scored> results) {
  for (const Scored& s : results) {
    pending_.take(s.config);
    if (phase_ == Phase::start) {
      parent_ = s;
      phase_ = Phase::cheap;
      asked_ = 0;
      continue;
    }
    results_.push_back(s);
    if (!pending_.empty()) continue;
    if (phase_ == Phase::cheap && asked_ >= lambda_)
      end_cheap_stage();
    else if (phase_ == Phase::full && asked_ >= survivors_.size())
      end_full_stage();
  }
}

void EvoPress::end_cheap_stage() {
  std::vector<Scored> ranked;
  for (Scored& s : results_) {
    if (s.ok && !index_of_config(ranked, s.config)) ranked.push_back(std::move(s));
  }
  sort_best_first(ranked);
  survivors_.clear();
  for (std::size_t i = 0; i < ranked.size() && i < survivors_count_; ++i) {
    survivors_.push_back(ranked[i].config);
  }
  results_.clear();
  children_.clear();
  asked_ = 0;
  if (survivors_.empty()) {
    ++generation_;  // every child failed even cheaply: try another generation
  } else {
    phase_ = Phase::full;
  }
}

void EvoPress::end_full_stage() {
  for (const Scored& s : results_) {
    if (better(s, *parent_)) parent_ = s;
  }
  results_.clear();
  survivors_.clear();
  children_.clear();
  asked_ = 0;
  phase_ = Phase::cheap;
  ++generation_;
}

void EvoPress::immigrate(std::span<const Scored> migrants) {
  if (!parent_) return;
  for (const Scored& m : migrants) {
    if (m.fidelity == 0 && better(m, *parent_)) parent_ = m;
  }
}

nlohmann::json EvoPress::save() const {
  nlohmann::json state;
  state["phase"] = phase_name(static_cast<int>(phase_));
  if (parent_) state["parent"] = scored_to_json(*parent_);
  state["results"] = scored_list_to_json(results_);
  nlohmann::json survivors = nlohmann::json::array();
  for (const Config& c : survivors_) survivors.push_back(config_to_json(c));
  state["survivors"] = survivors;
  state["generation"] = generation_;
  return state;
}

void EvoPress::restore(const nlohmann::json& state) {
  const std::string phase = state.at("phase").get<std::string>();
  if (phase == "start") {
    phase_ = Phase::start;
  } else if (phase == "cheap") {
    phase_ = Phase::cheap;
  } else if (phase == "full") {
    phase_ = Phase::full;
  } else {
    throw_input_error("unknown evopress phase '" + phase + "'", "checkpoint");
  }
  parent_.reset();
  if (state.contains("parent")) parent_ = scored_from_json(state.at("parent"), space_);
  results_ = scored_list_from_json(state.at("results"), space_);
  survivors_.clear();
  for (const nlohmann::json& c : state.at("survivors")) {
    survivors_.push_back(config_from_json(c, space_));
  }
  generation_ = state.at("generation").get<std::size_t>();
  // Children in flight when the checkpoint was written are asked again: keep only
  // the children already told.
  children_.clear();
  if (phase_ == Phase::cheap) {
    for (const Scored& s : results_) children_.push_back({s.config, cheap_fidelity_});
  }
  pending_.clear();
  asked_ = phase_ == Phase::start ? 0 : results_.size();
  if (phase_ != Phase::start && !parent_) phase_ = Phase::start;
}

}  // namespace evojit
