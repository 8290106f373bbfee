// A strategy of your own, as a plug-in: hill climbing from the seed (or a random
// point) by mutating the best configuration seen so far.
//   evojit run --plugin ./libuser_strategy.so --strategy hill-climb ...
#include <evojit/evojit.hpp>

struct HillClimb {
  const evojit::ParameterSpace* space;
  std::optional<evojit::Config> best;
  double best_fitness = -1.0;

  std::string name() const { return "hill-climb"; }
  std::vector<evojit::Config> ask(evojit::Rng& rng, std::size_t n) {
    std::vector<evojit::Config> out;
    for (std::size_t i = 0; i < n; ++i) {
      if (best)
        out.push_back(space->mutate(rng, *best));
      else if (auto c = space->sample(rng))
        out.push_back(*c);
    }
    return out;
  }
  void tell(std::span<const evojit::Scored> results) {
    for (const evojit::Scored& r : results) {
      if (r.ok && r.fitness > best_fitness) best = r.config, best_fitness = r.fitness;
    }
  }
};

EVOJIT_PLUGIN(registries) {
  registries.strategies.add("hill-climb", "mutate the best so far",
                            [](const evojit::StrategyContext& c) {
                              return evojit::make_strategy(HillClimb{c.space, c.seed});
                            });
}
