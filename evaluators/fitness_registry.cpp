#include <cmath>
#include <cstdio>
#include <initializer_list>

#include "evaluators/fitness.hpp"
#include "support/error.hpp"

namespace evojit {
namespace {

// 1 / time in ms, time the geometric mean of the sizes' median times: monotone in
// time and blind to any optimum, so strategies see what they would see live. With one
// size (a replayed cache) it is 1 / the recorded time in ms.
struct InverseTimeFitness {
  std::string label;
  std::string name() const { return label; }
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

// The geometric mean of the sizes' median times (seconds); 0 when one is not > 0.
double geomean_time_s(const Evaluation& e) {
  if (e.sizes.empty()) return 0.0;
  double log_sum = 0.0;
  for (const SizeResult& r : e.sizes) {
    if (!(r.timing.median_s > 0.0)) return 0.0;
    log_sum += std::log(r.timing.median_s);
  }
  return std::exp(log_sum / static_cast<double>(e.sizes.size()));
}

// baseline / time: > 1 is faster than the baseline (the seed's time unless given).
struct SpeedupFitness {
  double baseline_s;
  std::string name() const { return "speedup"; }
  double score(Evaluation& e, const std::vector<Workload>&) const {
    const double t = geomean_time_s(e);
    return t > 0.0 ? baseline_s / t : 0.0;
  }
};

// Work per second in G(FLOP or B)/s, geometric mean over the sizes.
struct ThroughputFitness {
  bool bytes;
  std::string name() const { return "throughput"; }
  double score(Evaluation& e, const std::vector<Workload>& workloads) const {
    if (e.sizes.empty() || workloads.size() != e.sizes.size()) return 0.0;
    double log_sum = 0.0;
    for (std::size_t i = 0; i < e.sizes.size(); ++i) {
      const double t = e.sizes[i].timing.median_s;
      const double work = bytes ? workloads[i].bytes : workloads[i].flops;
      if (!(t > 0.0) || !(work > 0.0)) return 0.0;
      log_sum += std::log(work / t * 1e-9);
    }
    return std::exp(log_sum / static_cast<double>(e.sizes.size()));
  }
};

void require_only(const FitnessContext& context, const std::string& name,
                  std::initializer_list<const char*> keys, const char* example) {
  if (!context.params.is_object()) {
    throw_input_error("fitness '" + name + "' parameters must be a JSON object", "--fitness-params",
                      example);
  }
  for (const auto& [key, value] : context.params.items()) {
    bool known = false;
    for (const char* k : keys) known = known || key == k;
    if (!known) {
      throw_input_error("fitness '" + name + "' has no parameter \"" + key + "\"",
                        "--fitness-params", example);
    }
  }
}

Fitness make_speedup(const FitnessContext& context) {
  const char* example = "e.g. --fitness-params '{\"baseline_ms\": 2.5}', or none: the seed's time";
  require_only(context, "speedup", {"baseline_ms"}, example);
  if (context.params.contains("baseline_ms")) {
    const nlohmann::json& b = context.params.at("baseline_ms");
    if (!b.is_number() || !std::isfinite(b.get<double>()) || b.get<double>() <= 0.0) {
      throw_input_error("baseline_ms must be a time in milliseconds, > 0",
                        "--fitness-params baseline_ms", example);
    }
    return SpeedupFitness{b.get<double>() * 1e-3};
  }
  if (!context.seed_time_s) {
    throw_input_error("speedup over the seed needs the seed measured, and nothing measures it here",
                      "--fitness speedup", example);
  }
  return SpeedupFitness{context.seed_time_s()};
}

Fitness make_throughput(const FitnessContext& context) {
  const char* example =
      "e.g. --fitness-params '{\"of\": \"bytes\"}' (GB/s; default flops: GFLOP/s)";
  require_only(context, "throughput", {"of"}, example);
  const std::string of = context.params.value("of", std::string("flops"));
  if (of != "flops" && of != "bytes") {
    throw_input_error("throughput is of \"flops\" or \"bytes\", not \"" + of + "\"",
                      "--fitness-params of", example);
  }
  const bool bytes = of == "bytes";
  if (context.workloads.empty()) {
    throw_input_error("this backend's task has no workload model (a replay records none)",
                      "--fitness throughput", "use --fitness time or --objective FIELD:max");
  }
  for (const Workload& w : context.workloads) {
    if (!((bytes ? w.bytes : w.flops) > 0.0)) {
      throw_input_error(
          std::string("the task's workload model gives no ") + of +
              " for a training size (a replay records no workload model), so there is no "
              "throughput to score",
          "--fitness throughput",
          bytes ? "use --fitness time" : "give --fitness-params '{\"of\": \"bytes\"}'");
    }
  }
  return ThroughputFitness{bytes};
}

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
  registry.add("time", "1 / the geometric mean of the median times in ms",
               [](const FitnessContext& context) -> Fitness {
                 require_no_params(context, "time");
                 return InverseTimeFitness{"time"};
               });
  registry.add("inverse-time", "the former name of time (what a replay uses unless told)",
               [](const FitnessContext& context) -> Fitness {
                 require_no_params(context, "inverse-time");
                 return InverseTimeFitness{"inverse-time"};
               });
  registry.add("speedup",
               "the seed's time / the candidate's (geometric means over the sizes); "
               "{\"baseline_ms\": T} compares with T instead",
               make_speedup);
  registry.add("throughput",
               "the workload's GFLOP/s ({\"of\": \"bytes\"}: GB/s), geometric mean over the sizes",
               make_throughput);
  register_objective_fitness(registry);
}

}  // namespace evojit
