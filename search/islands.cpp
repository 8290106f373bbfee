#include "search/islands.hpp"

#include <algorithm>

#include "search/pareto.hpp"
#include "search/strategy_state.hpp"
#include "support/error.hpp"

namespace evojit {

Islands::Islands(const StrategyContext& context) : space_(*context.space) {
  const StrategyParams params(context.params, name());
  const std::size_t count = params.positive_integer("islands", 2);
  const std::string strategy = params.text("strategy", "regularized-evolution");
  const nlohmann::json* inner = params.object("params");
  migration_interval_ = params.positive_integer("migration_interval", migration_interval_);
  migrants_ = params.positive_integer("migrants", migrants_);
  params.reject_unknown();

  // Built through the registry so that any strategy, a user's included, can live on
  // an island. Without one (a direct construction), the built-in strategies serve.
  StrategyRegistry builtin;
  const StrategyRegistry* registry = context.registry;
  if (!registry) {
    register_builtin_strategies(builtin);
    registry = &builtin;
  }
  for (std::size_t i = 0; i < count; ++i) {
    StrategyContext sub;
    sub.space = context.space;
    if (i == 0) sub.seed = context.seed;
    sub.params = inner ? *inner : nlohmann::json::object();
    sub.mutator = context.mutator;
    sub.mutators = context.mutators;
    islands_.push_back(registry->create(strategy, sub));
  }
  best_.resize(count);
}

std::vector<Proposal> Islands::propose(Rng& rng, std::size_t n) {
  std::vector<Proposal> out;
  std::size_t idle = 0;  // islands in a row that had nothing to offer
  while (out.size() < n && idle < islands_.size()) {
    const std::size_t i = next_;
    next_ = (next_ + 1) % islands_.size();
    std::vector<Proposal> p = islands_[i]->propose(rng, 1);
    if (p.empty()) {
      ++idle;
      continue;
    }
    idle = 0;
    owner_.add(p.front().config, i);
    out.push_back(std::move(p.front()));
  }
  return out;
}

std::vector<Config> Islands::ask(Rng& rng, std::size_t n) {
  std::vector<Config> out;
  for (Proposal& p : propose(rng, n)) out.push_back(std::move(p.config));
  return out;
}

void Islands::remember(std::size_t island, const Scored& s) {
  if (!s.ok || s.fidelity != 0) return;
  std::vector<Scored>& best = best_[island];
  if (index_of_config(best, s.config)) return;
  best.push_back(s);
  sort_best_first(best);
  if (best.size() > migrants_) best.resize(migrants_);
}

void Islands::tell(std::span<const Scored> results) {
  for (const Scored& s : results) {
    // A result nobody here asked for (in flight across a restore) has no island.
    const std::optional<std::size_t> island = owner_.take(s.config);
    if (!island) continue;
    islands_[*island]->tell(std::span<const Scored>(&s, 1));
    remember(*island, s);
    if (++told_ % migration_interval_ == 0) migrate();
  }
}

void Islands::migrate() {
  if (islands_.size() < 2) return;
  // One hop per migration: what island i sends is its best before this round.
  const std::vector<std::vector<Scored>> sending = best_;
  for (std::size_t i = 0; i < islands_.size(); ++i) {
    if (sending[i].empty()) continue;
    const std::size_t to = (i + 1) % islands_.size();
    islands_[to]->immigrate(sending[i]);
    for (const Scored& s : sending[i]) remember(to, s);
    immigrations_ += sending[i].size();
  }
}

void Islands::immigrate(std::span<const Scored> migrants) {
  islands_[next_]->immigrate(migrants);
  for (const Scored& s : migrants) remember(next_, s);
}

std::vector<Scored> Islands::pareto_front() const {
  std::vector<Scored> all;
  for (const auto& island : islands_) {
    for (Scored& s : island->pareto_front()) {
      if (!index_of_config(all, s.config)) all.push_back(std::move(s));
    }
  }
  if (all.empty()) return all;
  std::vector<Scored> front;
  for (std::size_t i : non_dominated_sort(all).front()) front.push_back(all[i]);
  return front;
}

nlohmann::json Islands::save() const {
  nlohmann::json islands = nlohmann::json::array();
  nlohmann::json best = nlohmann::json::array();
  for (std::size_t i = 0; i < islands_.size(); ++i) {
    islands.push_back(islands_[i]->save());
    best.push_back(scored_list_to_json(best_[i]));
  }
  return {{"islands", islands},
          {"best", best},
          {"next", next_},
          {"told", told_},
          {"immigrations", immigrations_}};
}

void Islands::restore(const nlohmann::json& state) {
  const nlohmann::json& islands = state.at("islands");
  if (islands.size() != islands_.size()) {
    throw_input_error("checkpoint has " + std::to_string(islands.size()) + " islands, the run " +
                          std::to_string(islands_.size()),
                      "checkpoint");
  }
  for (std::size_t i = 0; i < islands_.size(); ++i) {
    islands_[i]->restore(islands[i]);
    best_[i] = scored_list_from_json(state.at("best").at(i), space_);
  }
  next_ = state.at("next").get<std::size_t>() % islands_.size();
  told_ = state.at("told").get<std::size_t>();
  immigrations_ = state.at("immigrations").get<std::size_t>();
  owner_.clear();
}

}  // namespace evojit
