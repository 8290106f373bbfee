#include "search/mutator.hpp"

#include <algorithm>

#include "genomes/adjacent_step.hpp"
#include "search/level_switch.hpp"
#include "support/error.hpp"

namespace evojit {

struct Mutator::SpaceModel final : Concept {
  std::string name() const override { return "space"; }
  Config mutate(const ParameterSpace& space, Rng& rng, const Config& parent, std::size_t strength,
                const Evaluation*) const override {
    return space.mutate(rng, parent, strength);
  }
};

Mutator::Mutator() {
  static const std::shared_ptr<const Concept> space_model = std::make_shared<SpaceModel>();
  impl_ = space_model;
}

Config Mutator::operator()(const ParameterSpace& space, Rng& rng, const Config& parent,
                           std::size_t strength, const Evaluation* parent_evaluation) const {
  Config child = impl_->mutate(space, rng, parent, strength, parent_evaluation);
  if (child.index.size() != space.size()) {
    throw_input_error("mutator '" + name() + "' returned a configuration of " +
                          std::to_string(child.index.size()) + " parameters in a space of " +
                          std::to_string(space.size()),
                      "mutator '" + name() + "'",
                      "a mutator must return one value index per parameter of its space");
  }
  for (std::size_t p = 0; p < space.size(); ++p) {
    if (child.index[p] >= space.parameters()[p].values.size()) {
      throw_input_error("mutator '" + name() + "' returned value index " +
                            std::to_string(child.index[p]) + " for parameter '" +
                            space.parameters()[p].name + "', which has " +
                            std::to_string(space.parameters()[p].values.size()) + " values",
                        "mutator '" + name() + "'",
                        "a mutator must return indices into each parameter's value list");
    }
  }
  if (child != parent && !space.is_valid(child)) return parent;
  return child;
}

void MutatorRegistry::add(std::string name, std::string summary, MutatorFactory factory) {
  if (contains(name)) throw_input_error("mutator '" + name + "' registered twice");
  entries_.push_back({std::move(name), std::move(summary), std::move(factory)});
}

bool MutatorRegistry::contains(const std::string& name) const {
  return std::any_of(entries_.begin(), entries_.end(),
                     [&](const Entry& e) { return e.name == name; });
}

Mutator MutatorRegistry::create(const std::string& name, const MutatorContext& context) const {
  for (const Entry& e : entries_) {
    if (e.name == name) return e.factory(context);
  }
  std::string known;
  for (const Entry& e : entries_) known += (known.empty() ? "" : ", ") + e.name;
  throw_input_error("unknown mutator '" + name + "'",
                    context.where.empty() ? std::string("mutator") : context.where,
                    "known mutators: " + known);
}

std::vector<std::pair<std::string, std::string>> MutatorRegistry::list() const {
  std::vector<std::pair<std::string, std::string>> out;
  for (const Entry& e : entries_) out.emplace_back(e.name, e.summary);
  return out;
}

namespace {

// The built-ins' parameters: only the keys they know, so a typo is an error.
void reject_keys_except(const MutatorContext& c, std::initializer_list<const char*> known) {
  for (const auto& [key, value] : c.params.items()) {
    if (std::find_if(known.begin(), known.end(), [&](const char* k) { return key == k; }) ==
        known.end()) {
      throw_input_error("unknown mutator parameter '" + key + "'", c.where + "/" + key);
    }
  }
}

}  // namespace

void register_builtin_mutators(MutatorRegistry& registry) {
  registry.add("space", "a random valid neighbour: `strength` parameters changed to other values",
               [](const MutatorContext& c) {
                 reject_keys_except(c, {});
                 return Mutator();
               });
  registry.add("adjacent-step", "`strength` parameters one place up or down their value list",
               [](const MutatorContext& c) {
                 reject_keys_except(c, {});
                 const ParameterSpace* space = c.space;
                 struct AdjacentStep {
                   const ParameterSpace* space;
                   std::string name() const { return "adjacent-step"; }
                   Config operator()(Rng& rng, const Config& parent, std::size_t n) const {
                     return adjacent_step(*space, rng, parent, n);
                   }
                 };
                 return Mutator(AdjacentStep{space});
               });
  registry.add("level-switch",
               "`strength` budget-preserving switches: one of \"parameters\" steps up, another "
               "down, their sum unchanged",
               [](const MutatorContext& c) {
                 reject_keys_except(c, {"parameters"});
                 std::vector<std::string> names;
                 const auto it = c.params.find("parameters");
                 if (it != c.params.end()) {
                   if (!it->is_array())
                     throw_input_error("expected an array of parameter names, got " + it->dump(),
                                       c.where + "/parameters");
                   for (const nlohmann::json& n : *it) {
                     if (!n.is_string())
                       throw_input_error("expected a parameter name, got " + n.dump(),
                                         c.where + "/parameters");
                     names.push_back(n.get<std::string>());
                   }
                 }
                 return Mutator(LevelSwitch(*c.space, names, c.where + "/parameters"));
               });
}

namespace {

constexpr std::uint64_t kMaxRetries = 1000;

// AutoNumerics-Zero's retry wrapper (UFH's FCM, for configurations): a child that
// computes what its parent computes is tried again, up to `retries` more times. For a
// configuration genome the function is the configuration's: a child with the parent's
// structural hash (a move that changed nothing, or one the space refused) is the same
// function; identical machine code from different configurations is the code cache's
// to answer (evaluators/pipeline.hpp), at no measurement's cost.
struct RetryMutator {
  Mutator inner;
  const ParameterSpace* space;
  std::size_t retries;
  std::string name() const { return inner.name() + " (retry " + std::to_string(retries) + ")"; }
  Config operator()(Rng& rng, const Config& parent, std::size_t strength) const {
    const std::uint64_t same = space->structural_hash(parent);
    Config child = inner(*space, rng, parent, strength);
    for (std::size_t i = 0; i < retries && space->structural_hash(child) == same; ++i) {
      child = inner(*space, rng, parent, strength);
    }
    return child;
  }
};

}  // namespace

Mutator mutator_from_json(const nlohmann::json& spec, const ParameterSpace& space,
                          const MutatorRegistry* registry, const std::string& where) {
  MutatorRegistry builtin;
  if (!registry) {
    register_builtin_mutators(builtin);
    registry = &builtin;
  }
  MutatorContext context{&space, nlohmann::json::object(), where};
  std::string name;
  std::size_t retry = 0;
  if (spec.is_string()) {
    name = spec.get<std::string>();
  } else if (spec.is_object() && spec.contains("name") && spec.at("name").is_string()) {
    name = spec.at("name").get<std::string>();
    context.params = spec;
    context.params.erase("name");
    if (auto it = context.params.find("retry"); it != context.params.end()) {
      if (!it->is_number_integer() || it->get<std::int64_t>() < 0 ||
          it->get<std::uint64_t>() > kMaxRetries) {
        throw_input_error(
            "\"retry\" is the number of times a mutation that changed nothing is "
            "tried again, got " +
                it->dump(),
            where + "/retry", "give an integer from 0 to " + std::to_string(kMaxRetries));
      }
      retry = it->get<std::size_t>();
      context.params.erase(it);
    }
  } else {
    throw_input_error("expected a mutator name or {\"name\": ..., parameters}, got " + spec.dump(),
                      where, "e.g. \"adjacent-step\"");
  }
  Mutator made = registry->create(name, context);
  if (retry == 0) return made;
  return RetryMutator{std::move(made), &space, retry};
}

}  // namespace evojit
