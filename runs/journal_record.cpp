#include "runs/journal_record.hpp"

#include <algorithm>
#include <vector>

#include "evaluators/evaluation_json.hpp"
#include "support/hash.hpp"

namespace evojit {

// Which cache answered ("none" when the candidate was measured): said on every record.
std::string cache_answered(const Evaluation& e) {
  return e.cache_hit.empty() ? std::string("none") : e.cache_hit;
}

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
                           {"evaluation", to_json(r.evaluation)},
                           {"cache", cache_answered(r.evaluation)},
                           {"saved_s", r.evaluation.saved_s}};
  // Only multi-fidelity runs have cheap evaluations; a resume needs to know which.
  if (r.fidelity != 0) record["fidelity"] = r.fidelity;
  return record;
}

std::string journal_record_line(const ParameterSpace& space, const EvaluationRecord& r,
                                double best_fitness, const std::string& run_id) {
  std::string line;
  line.reserve(1024);
  JsonText out(line);
  // The members in nlohmann::json's order (sorted by name), as journal_record's are.
  out.begin_object()
      .member("best_fitness", best_fitness)
      .member("cache", cache_answered(r.evaluation))
      .member("canonical", space.canonical(r.config))
      .member("code_hash", hash_hex(r.evaluation.compile.code_hash))
      .member("elapsed_s", r.elapsed_s)
      .key("evaluation");
  append_json(out, r.evaluation);
  if (r.fidelity != 0) out.member("fidelity", std::uint64_t{r.fidelity});
  out.member("fitness", r.evaluation.fitness).key("genome").begin_object();
  const auto& parameters = space.parameters();
  std::vector<std::size_t> by_name(parameters.size());
  for (std::size_t i = 0; i < by_name.size(); ++i) by_name[i] = i;
  std::sort(by_name.begin(), by_name.end(),
            [&](std::size_t a, std::size_t b) { return parameters[a].name < parameters[b].name; });
  for (std::size_t i : by_name) out.member(parameters[i].name, space.value(r.config, i));
  out.end_object().member("id", std::uint64_t{r.id});
  if (!run_id.empty()) out.member("run_id", run_id);
  out.member("saved_s", r.evaluation.saved_s)
      .member("status", to_string(r.evaluation.status))
      .member("structural_hash", hash_hex(space.structural_hash(r.config)))
      .end_object();
  return line;
}

}  // namespace evojit
