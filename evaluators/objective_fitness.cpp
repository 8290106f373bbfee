// The "objective" fitness: fields a backend recorded (a replayed Kernel Tuner cache's
// "energy", "GFLOP/s", any numeric field, or "time"), each with a direction. One
// objective gives the scalar fitness (max: the value; min: 1 / the value, so that the
// search still maximizes); several give a multi-objective strategy (NSGA-II) its
// minimized objectives (min: the value; max: -the value), the first one's scalar form
// being the fitness.
#include <cmath>
#include <string>
#include <vector>

#include "evaluators/fitness.hpp"
#include "support/error.hpp"

namespace evojit {
namespace {

struct Objective {
  std::string field;
  bool maximize = false;
};

constexpr const char* kExample = "e.g. --objective energy:min or --objective GFLOP/s:max,time:min";

// "NAME[:min|:max]"; without a direction a rate ("GFLOP/s", anything per second) is
// maximized and anything else minimized, as Kernel Tuner does for its own metrics.
Objective parse_one(const std::string& text) {
  Objective o;
  const std::size_t colon = text.rfind(':');
  std::string direction;
  if (colon != std::string::npos) {
    o.field = text.substr(0, colon);
    direction = text.substr(colon + 1);
  } else {
    o.field = text;
  }
  if (o.field.empty()) throw_input_error("an objective has no field name", "--objective", kExample);
  if (direction.empty()) {
    o.maximize = o.field.ends_with("/s");
  } else if (direction == "max") {
    o.maximize = true;
  } else if (direction != "min") {
    throw_input_error(
        "objective '" + text + "': the direction is min or max, not '" + direction + "'",
        "--objective", kExample);
  }
  return o;
}

std::vector<Objective> parse_objectives(const FitnessContext& context) {
  const nlohmann::json& p = context.params;
  if (!p.is_object() || !p.contains("objectives") || !p.at("objectives").is_string() ||
      p.size() != 1) {
    throw_input_error("the objective fitness takes {\"objectives\": \"FIELD:min|max,...\"}",
                      "--fitness-params", kExample);
  }
  std::vector<Objective> out;
  const std::string text = p.at("objectives").get<std::string>();
  std::size_t start = 0;
  while (start <= text.size()) {
    const std::size_t comma = std::min(text.find(',', start), text.size());
    out.push_back(parse_one(text.substr(start, comma - start)));
    start = comma + 1;
  }
  for (const Objective& o : out) {
    if (o.field == "time") continue;
    bool known = false;
    for (const std::string& f : context.recorded_fields) known = known || f == o.field;
    if (!known) {
      std::string fields = "time";
      for (const std::string& f : context.recorded_fields) fields += ", " + f;
      throw_input_error("no recorded field '" + o.field + "' to optimize", "--objective",
                        context.recorded_fields.empty()
                            ? "this backend records only time; fields come from a replayed "
                              "Kernel Tuner cache (--replay)"
                            : "the recorded fields: " + fields);
    }
  }
  return out;
}

class ObjectiveFitness {
 public:
  explicit ObjectiveFitness(std::vector<Objective> objectives)
      : objectives_(std::move(objectives)) {}
  std::string name() const {
    std::string n = "objective";
    for (std::size_t i = 0; i < objectives_.size(); ++i) {
      n += (i ? "," : " ") + objectives_[i].field + (objectives_[i].maximize ? ":max" : ":min");
    }
    return n;
  }
  std::size_t objectives() const { return objectives_.size() > 1 ? objectives_.size() : 0; }

  // A field the candidate's record lacks, or a minimized one that is not > 0, gives
  // NaN: Fitness::score turns it into a failed evaluation naming this fitness.
  double score(Evaluation& e, const std::vector<Workload>&) const {
    double fitness = std::nan("");
    for (std::size_t i = 0; i < objectives_.size(); ++i) {
      const Objective& o = objectives_[i];
      const double v = value_of(e, o.field);
      if (!std::isfinite(v)) return std::nan("");
      if (i == 0) fitness = o.maximize ? v : (v > 0.0 ? 1.0 / v : std::nan(""));
      if (objectives() > 0) e.objectives.push_back(o.maximize ? -v : v);
    }
    return fitness;
  }

 private:
  // The field's geometric mean over the sizes (a replay has one); NaN when absent.
  static double value_of(const Evaluation& e, const std::string& field) {
    if (e.sizes.empty()) return std::nan("");
    double log_sum = 0.0;
    for (const SizeResult& s : e.sizes) {
      double v = std::nan("");
      if (field == "time") {
        v = s.timing.median_s * 1e3;
      } else {
        for (const auto& [name, value] : s.recorded) {
          if (name == field) v = value;
        }
      }
      if (e.sizes.size() == 1) return v;
      if (!(v > 0.0)) return std::nan("");
      log_sum += std::log(v);
    }
    return std::exp(log_sum / static_cast<double>(e.sizes.size()));
  }

  std::vector<Objective> objectives_;
};

}  // namespace

void register_objective_fitness(FitnessRegistry& registry) {
  registry.add("objective",
               "recorded fields with directions (--objective energy:min,GFLOP/s:max); several "
               "are NSGA-II's objectives",
               [](const FitnessContext& context) -> Fitness {
                 return ObjectiveFitness(parse_objectives(context));
               });
}

}  // namespace evojit
