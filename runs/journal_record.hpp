// The shape of one journal line, shared by every kind of run (live CPU tuning,
// replay of a recorded space): genome, hashes, status, fitness, the full evaluation.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "search/evolve.hpp"

namespace evojit {

// Which cache answered an evaluation: "none", "structural", "code", "functional",
// "persistent" (every record says it, with the seconds saved, "saved_s").
std::string cache_answered(const Evaluation& e);
// name -> value of a configuration, as JSON.
nlohmann::json bindings_json(const ParameterSpace& space, const Config& c);
nlohmann::json journal_record(const ParameterSpace& space, const EvaluationRecord& r,
                              double best_fitness);
// journal_record(), with "run_id" when it is not empty, as its dump() writes it, but
// without building the document (one per evaluation cost a replay a third of its loop).
std::string journal_record_line(const ParameterSpace& space, const EvaluationRecord& r,
                                double best_fitness, const std::string& run_id);

}  // namespace evojit
