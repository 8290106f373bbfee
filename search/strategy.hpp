// The search strategy interface: ask/tell. A strategy proposes configurations (ask)
// and learns from their scores (tell). Strategies are written single-threaded; the
// evolve loop serializes calls. Results may arrive in any order and in batches of
// any size (asynchronous tell), so steady-state strategies never wait for a
// generation to finish.
//
// Fitness is maximized; a failed evaluation has fitness 0 and ok == false.
// Multi-objective strategies read `objectives` (all minimized).
//
// Fidelity: 0 is a full evaluation; 1, 2, ... are cheaper, less trustworthy ones
// (smaller sizes, fewer repetitions: Evaluator::evaluate_at decides). Only strategies
// that override propose() ask for anything but full fidelity (EvoPress-style
// multi-fidelity selection); the fidelity of each result comes back in Scored.
//
// Children are made by the context's Mutator (search/mutator.hpp), never by calling
// ParameterSpace::mutate: every strategy that mutates (all but random; islands pass
// it on) takes a "mutator" parameter naming another one, e.g. {"mutator":
// "adjacent-step"}. A user strategy need not derive from Strategy: see
// search/user_strategy.hpp.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "genomes/parameter_space.hpp"
#include "search/mutator.hpp"
#include "support/rng.hpp"

namespace evojit {

struct Scored {
  Config config;
  double fitness = 0.0;
  std::vector<double> objectives;  // minimized; empty for single-objective runs
  bool ok = false;
  std::uint64_t id = 0;      // evaluation number assigned by the loop (0-based)
  std::size_t fidelity = 0;  // 0 = full evaluation; see the header comment
};

// A configuration to evaluate at a fidelity (0 = full).
struct Proposal {
  Config config;
  std::size_t fidelity = 0;
};

class StrategyRegistry;

class Strategy {
 public:
  virtual ~Strategy() = default;
  virtual std::string name() const = 0;
  // Up to `n` configurations to evaluate next (at least one unless the strategy is
  // waiting for outstanding results, e.g. (1+1) with its one child in flight).
  virtual std::vector<Config> ask(Rng& rng, std::size_t n) = 0;
  // What the evolve loop calls: ask() at full fidelity unless overridden.
  virtual std::vector<Proposal> propose(Rng& rng, std::size_t n);
  virtual void tell(std::span<const Scored> results) = 0;
  // The strategy's state as JSON and back, for checkpoints. The population and
  // anything needed to continue identically must be in it.
  virtual nlohmann::json save() const = 0;
  virtual void restore(const nlohmann::json& state) = 0;
  // For multi-objective strategies: the current non-dominated set.
  virtual std::vector<Scored> pareto_front() const { return {}; }
  // Individuals from another population (island-model migration). Population
  // strategies take them in as if they had evaluated them; the default ignores them.
  virtual void immigrate(std::span<const Scored> /*migrants*/) {}
};

// What a strategy is built from: the space, the start point (a task's seed; may be
// ignored), and strategy parameters as a JSON object (validated by the factory,
// which throws InputError naming the bad key).
struct StrategyContext {
  const ParameterSpace* space = nullptr;
  std::optional<Config> seed;
  nlohmann::json params = nlohmann::json::object();
  // Set by StrategyRegistry::create, so that composite strategies (islands) can
  // build the strategies they are made of by name. Valid during the factory call.
  const StrategyRegistry* registry = nullptr;
  // How children are made (default: ParameterSpace::mutate). A "mutator" strategy
  // parameter overrides it, resolved through `mutators` (the built-ins when null):
  // see strategy_mutator() in search/strategy_state.hpp.
  Mutator mutator;
  const MutatorRegistry* mutators = nullptr;
};

using StrategyFactory = std::function<std::unique_ptr<Strategy>(const StrategyContext&)>;

class StrategyRegistry {
 public:
  void add(std::string name, std::string summary, StrategyFactory factory);
  // Throws InputError listing the known strategies when `name` is unknown.
  std::unique_ptr<Strategy> create(const std::string& name, const StrategyContext& context) const;
  bool contains(const std::string& name) const;
  std::vector<std::pair<std::string, std::string>> list() const;  // name, summary

 private:
  struct Entry {
    std::string name;
    std::string summary;
    StrategyFactory factory;
  };
  std::vector<Entry> entries_;
};

// Adds every strategy evojit ships (one-plus-one, random, ...). Called once from cli/.
void register_builtin_strategies(StrategyRegistry& registry);

}  // namespace evojit
