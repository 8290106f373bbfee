#include <cmath>
#include <cstdio>

#include "evaluators/fitness.hpp"
#include "support/error.hpp"

namespace evojit {
namespace {

// 1 / time in ms, time the geometric mean of the sizes' median times: monotone in
// time and blind to any optimum, so strategies see what they would see live. With one
// size (a replayed cache) it is 1 / the recorded time in ms.
struct InverseTimeFitness {
  std::string name() const { return "inverse-time"; }
  double score(Evaluation& e, const std::vector<Workload>&) const {
    if (e.sizes.empty()) return 0.0;
    double log_sum = 0.0;
    for (const SizeResult& r : e.sizes) {
      if (!(r.timing.median_s > 0.0)) return 0.0;
      log_sum += std::log(r.timing.median_s * 1e3);
    }
    return std::exp(-log_sum / static_cast<double>(e.sizes.size()));
  }
};

void require_no_params(const FitnessContext& context, const std::string& name) {
  if (!context.params.is_object() || !context.params.empty()) {
    throw_input_error("fitness '" + name + "' takes no parameters", "--fitness-params",
                      "leave the parameters out");
  }
}

}  // namespace

void Fitness::score(Evaluation& evaluation, const std::vector<Workload>& workloads) const {
  if (evaluation.status != EvalStatus::ok) {
    evaluation.fitness = 0.0;
    evaluation.objectives.clear();
    return;
  }
  evaluation.objectives.clear();
  const double f = impl_->score(evaluation, workloads);
  std::string wrong;
  char text[160];
  if (!std::isfinite(f) || f < 0.0) {
    std::snprintf(text, sizeof text, "fitness '%s' returned %g (it must be finite and >= 0)",
                  name().c_str(), f);
    wrong = text;
  } else if (evaluation.objectives.size() != objectives()) {
    std::snprintf(text, sizeof text, "fitness '%s' gave %zu objectives, not the %zu it declares",
                  name().c_str(), evaluation.objectives.size(), objectives());
    wrong = text;
  } else {
    for (double o : evaluation.objectives) {
      if (!std::isfinite(o)) {
        std::snprintf(text, sizeof text, "fitness '%s' gave an objective of %g", name().c_str(), o);
        wrong = text;
        break;
      }
    }
  }
  if (wrong.empty()) {
    evaluation.fitness = f;
    return;
  }
  // The candidate ran; its score cannot be used. A failure with the reason, not a dead run.
  evaluation.status = EvalStatus::wrong_result;
  evaluation.diagnostic = wrong;
  evaluation.fitness = 0.0;
  evaluation.objectives.clear();
}

void register_builtin_fitness(FitnessRegistry& registry) {
  registry.add("roofline",
               "geometric mean over the sizes of roofline time / measured time (needs the "
               "machine's ceilings)",
               [](const FitnessContext& context) -> Fitness {
                 require_no_params(context, "roofline");
                 if (!context.ceilings) {
                   throw_input_error(
                       "the roofline fitness needs the machine's ceilings, and this "
                       "backend measures none",
                       "--fitness roofline", "use --fitness inverse-time");
                 }
                 return RooflineFitness(*context.ceilings);
               });
  registry.add("inverse-time", "1 / the geometric mean of the median times in ms",
               [](const FitnessContext& context) -> Fitness {
                 require_no_params(context, "inverse-time");
                 return InverseTimeFitness{};
               });
}

}  // namespace evojit
