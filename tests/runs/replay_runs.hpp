// What the run tests share: registries holding the built-ins and the replay backend
// (deterministic, no compiler), and the spec of a replay run.
#pragma once

#include <filesystem>
#include <string>

#include "backends/replay/replay_backend.hpp"
#include "runs/registries.hpp"
#include "runs/run_spec.hpp"

namespace evojit {

inline Registries replay_registries() {
  Registries r;
  register_builtin_tasks(r.tasks);
  register_builtin_strategies(r.strategies);
  register_builtin_mutators(r.mutators);
  register_builtin_fitness(r.fitness);
  register_replay_backend(r.backends);
  return r;
}

inline RunSpec replay_spec(const std::filesystem::path& cache, const std::string& strategy,
                           std::size_t budget, std::uint64_t seed,
                           const std::filesystem::path& out) {
  RunSpec s;
  s.backend = "replay";
  s.backend_options = {{"cache", cache.string()}};
  s.strategy = strategy;
  s.budget_evaluations = budget;
  s.seed = seed;
  s.out_dir = out;
  return s;
}

}  // namespace evojit
