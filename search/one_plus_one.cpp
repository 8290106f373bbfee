#include "search/one_plus_one.hpp"

#include "search/strategy_state.hpp"
#include "support/error.hpp"

namespace evojit {

OnePlusOne::OnePlusOne(const StrategyContext& context)
    : space_(*context.space), seed_(context.seed) {
  const StrategyParams params(context.params, "one-plus-one");
  mutation_count_ = params.positive_integer("mutation_count", 1);
  multi_mutation_probability_ = params.probability("multi_mutation_probability", 0.25);
  mutator_ = strategy_mutator(context, params);
  params.reject_unknown();
}

std::vector<Config> OnePlusOne::ask(Rng& rng, std::size_t n) {
  if (n == 0 || child_in_flight_) return {};
  child_in_flight_ = true;
  if (!parent_) {
    if (seed_) return {*seed_};
    if (auto c = space_.sample(rng)) return {*c};
    child_in_flight_ = false;
    return {};
  }
  std::size_t count = mutation_count_;
  while (count < space_.size() && rng.chance(multi_mutation_probability_)) ++count;
  return {mutator_(space_, rng, parent_->config, count)};
}

void OnePlusOne::tell(std::span<const Scored> results) {
  for (const Scored& s : results) {
    child_in_flight_ = false;
    // The first result becomes the parent whatever it scored: a failing seed is
    // still the point to improve from. After that, strictly better only.
    if (!parent_ || (s.ok && (!parent_->ok || s.fitness > parent_->fitness))) parent_ = s;
  }
}

void OnePlusOne::immigrate(std::span<const Scored> migrants) {
  if (!parent_) return;
  for (const Scored& m : migrants) {
    if (m.ok && (!parent_->ok || m.fitness > parent_->fitness)) parent_ = m;
  }
}

nlohmann::json OnePlusOne::save() const {
  nlohmann::json state;
  state["child_in_flight"] = child_in_flight_;
  if (parent_) state["parent"] = scored_to_json(*parent_);
  return state;
}

void OnePlusOne::restore(const nlohmann::json& state) {
  child_in_flight_ = false;  // a child in flight when the run died is re-asked
  parent_.reset();
  if (state.contains("parent")) parent_ = scored_from_json(state.at("parent"), space_);
}

}  // namespace evojit
