// EvoPress's budget-preserving "level switch" mutation, for spaces where a group of
// numeric parameters must keep a constant sum (a compression budget spread over
// layers, threads spread over stages): one parameter of the group moves one step up
// or down its value list and another moves by the opposite amount, so the sum is
// unchanged. Other parameters are untouched.
#pragma once

#include <string>
#include <vector>

#include "genomes/parameter_space.hpp"
#include "support/rng.hpp"

namespace evojit {

class LevelSwitch {
 public:
  // Throws InputError when a name is unknown, a parameter is not numeric, or fewer
  // than two parameters are named. `where` prefixes the error (a JSON pointer).
  LevelSwitch(const ParameterSpace& space, const std::vector<std::string>& names,
              const std::string& where);

  // `moves` successive switches. Each is drawn uniformly among the moves that keep
  // the configuration valid; when there is none, the configuration stays as it is.
  Config mutate(Rng& rng, const Config& parent, std::size_t moves = 1) const;
  // The Mutator shape (search/mutator.hpp): a LevelSwitch is the "level-switch" mutator.
  Config operator()(Rng& rng, const Config& parent, std::size_t moves) const {
    return mutate(rng, parent, moves);
  }
  std::string name() const { return "level-switch"; }
  // Sum of the group's values in c.
  double sum(const Config& c) const;
  const std::vector<std::size_t>& parameters() const { return parameters_; }

 private:
  const ParameterSpace* space_;
  std::vector<std::size_t> parameters_;
};

}  // namespace evojit
