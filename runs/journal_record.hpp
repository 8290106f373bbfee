// The shape of one journal line, shared by every kind of run (live CPU tuning,
// replay of a recorded space): genome, hashes, status, fitness, the full evaluation.
#pragma once

#include <nlohmann/json.hpp>

#include "search/evolve.hpp"

namespace evojit {

// name -> value of a configuration, as JSON.
nlohmann::json bindings_json(const ParameterSpace& space, const Config& c);
nlohmann::json journal_record(const ParameterSpace& space, const EvaluationRecord& r,
                              double best_fitness);

}  // namespace evojit
