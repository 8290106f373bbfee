// A fitness of your own, as a plug-in: the slowest size decides (1 / its time in ms),
// for kernels that must be fast everywhere, not on average.
//   evojit run --plugin ./libuser_fitness.so --fitness worst-size ...
#include <algorithm>

#include <evojit/evojit.hpp>

struct WorstSize {
  std::string name() const { return "worst-size"; }
  double score(evojit::Evaluation& e, const std::vector<evojit::Workload>&) const {
    double worst = 0.0;
    for (const evojit::SizeResult& s : e.sizes) worst = std::max(worst, s.timing.median_s);
    return worst > 0.0 ? 1e-3 / worst : 0.0;
  }
};

EVOJIT_PLUGIN(registries) {
  registries.fitness.add(
      "worst-size", "1 / the slowest size's time in ms",
      [](const evojit::FitnessContext&) -> evojit::Fitness { return WorstSize{}; });
}
