// The held-out gate (Metal-Sci): the final best is scored once on sizes the search
// never saw. A kernel that is wrong there ("fail"), or whose fraction of roofline
// collapses relative to its training score ("collapse"), is flagged; a run's result
// is its training score shown next to this verdict, never silently.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "evaluators/evaluation.hpp"

namespace evojit {

struct HeldOutVerdict {
  std::string verdict;  // "pass", "fail", "collapse"
  double training_fitness = 0.0;
  double held_out_fitness = 0.0;
  double ratio = 0.0;  // held_out / training
  std::string note;    // why, in words
  // "label: reason" for each held-out size whose figure is suspect (fitness.hpp): the
  // verdict then rests on a doubtful ceiling or noisy timing, which the reader must know.
  std::vector<std::string> suspect;
  Evaluation evaluation;
};

HeldOutVerdict judge_held_out(double training_fitness, Evaluation held_out, double collapse_ratio);
nlohmann::json to_json(const HeldOutVerdict& v);

}  // namespace evojit
