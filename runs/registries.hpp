// Everything a run can be made of, by name: tasks, strategies, mutators, fitness
// functions and backends. The CLI fills one Registries with one explicit call (cli/builtins.hpp);
// code using evojit as a library fills its own, adding its plug-ins beside the
// built-ins. Nothing registers itself.
#pragma once

#include "evaluators/backend.hpp"
#include "evaluators/fitness.hpp"
#include "kernels/task_registry.hpp"
#include "search/mutator.hpp"
#include "search/strategy.hpp"

namespace evojit {

struct Registries {
  TaskRegistry tasks;
  StrategyRegistry strategies;
  MutatorRegistry mutators;  // what a strategy's "mutator" parameter names
  FitnessRegistry fitness;
  BackendRegistry backends;
};

}  // namespace evojit
