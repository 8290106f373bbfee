// Mutator: how a strategy makes a child from a parent, held by value (the shape of
// Fitness, evaluators/fitness.hpp). Strategies never call ParameterSpace::mutate
// themselves: they call the Mutator their StrategyContext hands them, so a new move
// (a budget-preserving switch, an LLM reading the parent's compiler output) is a few
// lines and a registry entry, not an edit of every strategy.
//
// A user's mutator is any type callable as one of
//   Config (Rng&, const Config& parent)                        // applied `strength` times
//   Config (Rng&, const Config& parent, const Evaluation*)     // likewise
//   Config (Rng&, const Config& parent, std::size_t strength)  // strength-aware
// and optionally with `std::string name() const`. The Evaluation* is the parent's
// record when the strategy has it (nullptr otherwise: today's strategies keep only
// scores), the seam a diagnostics-reading mutator plugs into.
//
// The call is the boundary: a child with the wrong number of parameters is a bug in
// the mutator (InputError naming it); a child that violates the space's constraints
// is no move (the parent comes back, as ParameterSpace::mutate does when it finds no
// valid neighbour), so a mutator that sometimes proposes nonsense never kills a run.
#pragma once

#include <concepts>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "evaluators/evaluation.hpp"
#include "genomes/parameter_space.hpp"
#include "support/rng.hpp"

namespace evojit {

template <class M>
concept MutatorType = std::copy_constructible<M> &&
    (std::invocable<const M&, Rng&, const Config&> ||
     std::invocable<const M&, Rng&, const Config&, const Evaluation*> ||
     std::invocable<const M&, Rng&, const Config&, std::size_t>);

class Mutator {
 public:
  // The space's own uniform neighbour move: ParameterSpace::mutate(rng, parent, strength).
  Mutator();
  template <MutatorType M>
  requires(!std::same_as<std::remove_cvref_t<M>, Mutator>) Mutator(M m)
      : impl_(std::make_shared<Model<M>>(std::move(m))) {}  // NOLINT: implicit

  std::string name() const { return impl_->name(); }
  // A child of `parent`, changed by about `strength` moves, valid in `space` (or
  // `parent` itself when the mutator's child is not).
  Config operator()(const ParameterSpace& space, Rng& rng, const Config& parent,
                    std::size_t strength = 1, const Evaluation* parent_evaluation = nullptr) const;

 private:
  struct Concept {
    virtual ~Concept() = default;
    virtual std::string name() const = 0;
    virtual Config mutate(const ParameterSpace&, Rng&, const Config&, std::size_t,
                          const Evaluation*) const = 0;
  };
  struct SpaceModel;
  template <class M>
  struct Model final : Concept {
    explicit Model(M m) : m(std::move(m)) {}
    std::string name() const override {
      if constexpr (requires {
                      { m.name() } -> std::convertible_to<std::string>;
                    })
        return m.name();
      else
        return "user mutator";
    }
    Config mutate(const ParameterSpace&, Rng& rng, const Config& parent, std::size_t strength,
                  const Evaluation* e) const override {
      if constexpr (std::invocable<const M&, Rng&, const Config&, std::size_t>) {
        return m(rng, parent, strength);
      } else {
        Config c = parent;
        for (std::size_t i = 0; i < std::max<std::size_t>(1, strength); ++i) {
          if constexpr (std::invocable<const M&, Rng&, const Config&, const Evaluation*>)
            c = m(rng, c, e);
          else
            c = m(rng, c);
        }
        return c;
      }
    }
    M m;
  };
  std::shared_ptr<const Concept> impl_;
};

// What a mutator is made from: the space it moves in (outlives the mutator) and its
// parameters as a JSON object (validated by the factory, InputError naming the key).
struct MutatorContext {
  const ParameterSpace* space = nullptr;
  nlohmann::json params = nlohmann::json::object();
  std::string where;  // prefixes errors: "evopress: /mutator"
};
using MutatorFactory = std::function<Mutator(const MutatorContext&)>;

class MutatorRegistry {
 public:
  void add(std::string name, std::string summary, MutatorFactory factory);
  // Throws InputError listing the known mutators when `name` is unknown.
  Mutator create(const std::string& name, const MutatorContext& context) const;
  bool contains(const std::string& name) const;
  std::vector<std::pair<std::string, std::string>> list() const;  // name, summary

 private:
  struct Entry {
    std::string name;
    std::string summary;
    MutatorFactory factory;
  };
  std::vector<Entry> entries_;
};

// "space" (ParameterSpace::mutate, the default), "adjacent-step" (one place up or
// down a value list) and "level-switch" ({"parameters": [names]}: their sum stays
// constant). Called once from cli/.
void register_builtin_mutators(MutatorRegistry& registry);

// A strategy parameter naming a mutator: "name" or {"name": "...", ...its params}.
// Resolved through `registry` (the built-ins when null); `where` locates the key.
Mutator mutator_from_json(const nlohmann::json& spec, const ParameterSpace& space,
                          const MutatorRegistry* registry, const std::string& where);

}  // namespace evojit
