// A plug-in fitness for the CLI tests: the recorded time in ms (so larger is "better":
// a test can tell it from every built-in), and "test-nan", which returns NaN.
#include <cmath>

#include "runs/plugin_api.hpp"

struct TimeMs {
  std::string name() const { return "test-time-ms"; }
  double score(evojit::Evaluation& e, const std::vector<evojit::Workload>&) const {
    return e.sizes.empty() ? 0.0 : e.sizes.front().timing.median_s * 1e3;
  }
};
struct NotANumber {
  std::string name() const { return "test-nan"; }
  double score(evojit::Evaluation&, const std::vector<evojit::Workload>&) const {
    return std::nan("");
  }
};

EVOJIT_PLUGIN(registries) {
  registries.fitness.add("test-time-ms", "the time in ms",
                         [](const evojit::FitnessContext&) -> evojit::Fitness { return TimeMs{}; });
  registries.fitness.add("test-nan", "NaN", [](const evojit::FitnessContext&) -> evojit::Fitness {
    return NotANumber{};
  });
}
