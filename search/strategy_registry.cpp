#include <algorithm>

#include "search/strategy.hpp"
#include "support/error.hpp"

namespace evojit {

void StrategyRegistry::add(std::string name, std::string summary, StrategyFactory factory) {
  if (contains(name)) throw_input_error("strategy '" + name + "' registered twice");
  entries_.push_back({std::move(name), std::move(summary), std::move(factory)});
}

bool StrategyRegistry::contains(const std::string& name) const {
  return std::any_of(entries_.begin(), entries_.end(),
                     [&](const Entry& e) { return e.name == name; });
}

std::unique_ptr<Strategy> StrategyRegistry::create(const std::string& name,
                                                   const StrategyContext& context) const {
  for (const Entry& e : entries_) {
    if (e.name != name) continue;
    StrategyContext with_registry = context;
    with_registry.registry = this;
    return e.factory(with_registry);
  }
  std::string known;
  for (const Entry& e : entries_) known += (known.empty() ? "" : ", ") + e.name;
  throw_input_error("unknown strategy '" + name + "'", "--strategy", "known strategies: " + known);
}

std::vector<Proposal> Strategy::propose(Rng& rng, std::size_t n) {
  std::vector<Proposal> out;
  for (Config& c : ask(rng, n)) out.push_back({std::move(c), 0});
  return out;
}

std::vector<std::pair<std::string, std::string>> StrategyRegistry::list() const {
  std::vector<std::pair<std::string, std::string>> out;
  for (const Entry& e : entries_) out.emplace_back(e.name, e.summary);
  return out;
}

}  // namespace evojit
