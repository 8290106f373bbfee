#include "runs/held_out.hpp"

#include <cstdio>

#include "evaluators/evaluation_json.hpp"

namespace evojit {

HeldOutVerdict judge_held_out(double training_fitness, Evaluation held_out, double collapse_ratio) {
  HeldOutVerdict v;
  v.training_fitness = training_fitness;
  v.held_out_fitness = held_out.status == EvalStatus::ok ? held_out.fitness : 0.0;
  v.ratio = training_fitness > 0.0 ? v.held_out_fitness / training_fitness : 0.0;
  if (held_out.status != EvalStatus::ok) {
    v.verdict = "fail";
    v.note = std::string("held-out evaluation failed (") + to_string(held_out.status) +
             "): " + held_out.diagnostic;
  } else if (v.ratio < collapse_ratio) {
    char text[160];
    std::snprintf(text, sizeof text,
                  "held-out fitness %.4g is %.2fx the training fitness %.4g (below %.2fx)",
                  v.held_out_fitness, v.ratio, training_fitness, collapse_ratio);
    v.verdict = "collapse";
    v.note = text;
  } else {
    v.verdict = "pass";
  }
  for (const SizeResult& r : held_out.sizes) {
    if (!r.suspect.empty()) v.suspect.push_back(r.label + ": " + r.suspect);
  }
  v.evaluation = std::move(held_out);
  return v;
}

nlohmann::json to_json(const HeldOutVerdict& v) {
  return {{"verdict", v.verdict},
          {"training_fitness", v.training_fitness},
          {"held_out_fitness", v.held_out_fitness},
          {"ratio", v.ratio},
          {"note", v.note},
          {"suspect", v.suspect},
          {"evaluation", to_json(v.evaluation)}};
}

}  // namespace evojit
