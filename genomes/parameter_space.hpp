// A constrained parameter space and the configuration genome that lives in it.
//
// A Config is one index per parameter (into Parameter::values). The space samples
// valid points without enumerating the Cartesian product (constraint-aware sequential
// assignment with backtracking: each constraint is checked as soon as the parameters
// it reads are assigned), mutates within the valid set, crosses over, and gives a
// canonical text form and a structural hash that do not depend on parameter order.
//
// A space can also be restricted to an explicit list of points (with_points): where
// the restrictions a space was recorded under are unknown, the points a brute-force
// cache holds are the valid ones. Validity is then "satisfies the constraints and is
// listed"; sampling is uniform over the list and every other operation keeps to it.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "genomes/parameter.hpp"
#include "support/expression/expression.hpp"
#include "support/rng.hpp"

namespace evojit {

struct Config {
  std::vector<std::uint32_t> index;
  friend bool operator==(const Config&, const Config&) = default;
};

class ParameterSpace {
 public:
  ParameterSpace() = default;
  // Throws InputError on duplicate parameter names or constraints naming unknown
  // parameters; ExpressionError (with the column) when a constraint does not parse.
  ParameterSpace(std::vector<Parameter> parameters, std::vector<std::string> constraints);

  const std::vector<Parameter>& parameters() const { return parameters_; }
  const std::vector<Expression>& constraints() const { return constraints_; }
  const std::vector<std::string>& constraint_texts() const { return constraint_texts_; }
  // For each constraint, the sorted indices of the parameters it reads.
  const std::vector<std::vector<std::size_t>>& constraint_parameters() const {
    return constraint_params_;
  }
  std::size_t size() const { return parameters_.size(); }
  // Index of the parameter called `name`, or nullopt.
  std::optional<std::size_t> find(const std::string& name) const;
  // Number of Cartesian points (saturating at UINT64_MAX).
  std::uint64_t cartesian_size() const;

  // A new space with one parameter pinned to one value (a "--set NAME=VALUE"
  // override), or with extra constraints. Throw InputError on unknown names or
  // values outside the parameter's list.
  ParameterSpace with_fixed(const std::string& name, const Value& value) const;
  ParameterSpace with_constraints(const std::vector<std::string>& extra) const;
  // A new space whose valid points are those of `points` that are valid here
  // (duplicates dropped). Throws InputError when a point has the wrong arity.
  ParameterSpace with_points(const std::vector<Config>& points) const;
  // The listed points (nullptr when the space is not restricted to a list).
  const std::vector<Config>* listed_points() const;
  // True when the space has no list or `c` is on it (constraints not checked).
  bool is_listed(const Config& c) const;

  bool is_valid(const Config& c) const;
  // The value of parameter i in c, and all of them in parameter order.
  const Value& value(const Config& c, std::size_t i) const;
  std::vector<Value> values(const Config& c) const;
  // name -> value, the form kernels are rendered from.
  std::map<std::string, Value> bindings(const Config& c) const;

  // Builds a config from name -> value; missing names take the default value.
  // Throws InputError for unknown names or values not in the list.
  Config from_bindings(const std::map<std::string, Value>& named) const;
  Config default_config() const;

  // A uniformly chosen parameter order/values walk; nullopt if no valid point was
  // found within the attempt budget (the space may be empty: see has_valid_point).
  std::optional<Config> sample(Rng& rng) const;
  // A valid point for which `accept` holds (an unvisited one, say), found by a
  // randomized exhaustive walk that prunes on the constraints. nullopt with
  // `budget` left means there is none; with `budget` spent, that none was found
  // within it (budget counts value trials and is decremented).
  std::optional<Config> find_valid(Rng& rng, const std::function<bool(const Config&)>& accept,
                                   std::uint64_t& budget) const;
  // True when at least one valid point exists (exhaustive search with pruning; fast
  // in practice because constraints prune early).
  bool has_valid_point() const;
  // Changes `count` randomly chosen parameters to other values so that the result
  // is valid and differs from `parent`; returns parent unchanged if no valid
  // neighbour is found within the attempt budget.
  Config mutate(Rng& rng, const Config& parent, std::size_t count = 1) const;
  // Uniform crossover, repaired to validity (falls back to a parent).
  Config crossover(Rng& rng, const Config& a, const Config& b) const;

  // "name=value,name=value" with names sorted: equal for equal points whatever the
  // parameter order. structural_hash is the hash of that text.
  std::string canonical(const Config& c) const;
  std::uint64_t structural_hash(const Config& c) const;
  // Inverse of canonical(); throws InputError naming the bad item.
  Config parse_canonical(const std::string& text) const;

 private:
  std::vector<Parameter> parameters_;
  std::vector<Expression> constraints_;
  std::vector<std::string> constraint_texts_;
  // For each constraint, the parameter indices it reads; and for each position in
  // the assignment order, the constraints that become decidable there.
  std::vector<std::vector<std::size_t>> constraint_params_;
  std::vector<std::size_t> order_;                   // assignment order used by sample()
  std::vector<std::vector<std::size_t>> checks_at_;  // per position in order_
  std::vector<std::size_t> initial_checks_;          // constraints reading no parameter
  std::vector<std::size_t> by_name_;                 // parameter indices sorted by name
  struct PointList;
  std::shared_ptr<const PointList> listed_;  // shared: spaces are copied freely
};

}  // namespace evojit
