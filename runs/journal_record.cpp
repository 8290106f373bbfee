#include "runs/journal_record.hpp"

#include "evaluators/evaluation_json.hpp"
#include "support/hash.hpp"

namespace evojit {

nlohmann::json bindings_json(const ParameterSpace& space, const Config& c) {
  nlohmann::json j = nlohmann::json::object();
  for (std::size_t i = 0; i < space.size(); ++i) {
    std::visit([&](const auto& v) { j[space.parameters()[i].name] = v; }, space.value(c, i));
  }
  return j;
}

nlohmann::json journal_record(const ParameterSpace& space, const EvaluationRecord& r,
                              double best_fitness) {
  nlohmann::json record = {{"id", r.id},
                           {"genome", bindings_json(space, r.config)},
                           {"canonical", space.canonical(r.config)},
                           {"structural_hash", hash_hex(space.structural_hash(r.config))},
                           {"code_hash", hash_hex(r.evaluation.compile.code_hash)},
                           {"status", to_string(r.evaluation.status)},
                           {"fitness", r.evaluation.fitness},
                           {"best_fitness", best_fitness},
                           {"elapsed_s", r.elapsed_s},
                           {"evaluation", to_json(r.evaluation)}};
  // Only multi-fidelity runs have cheap evaluations; a resume needs to know which.
  if (r.fidelity != 0) record["fidelity"] = r.fidelity;
  return record;
}

}  // namespace evojit
