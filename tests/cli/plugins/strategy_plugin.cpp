// A plug-in strategy for the CLI tests: a replayed space's points in the cache's order
// (so a test knows which configurations a run visits first).
#include "runs/plugin_api.hpp"
#include "search/user_strategy.hpp"

struct InOrder {
  std::vector<evojit::Config> points;
  std::size_t next = 0;
  std::string name() const { return "test-in-order"; }
  std::vector<evojit::Config> ask(evojit::Rng&, std::size_t n) {
    std::vector<evojit::Config> out;
    for (; out.size() < n && next < points.size(); ++next) out.push_back(points[next]);
    return out;
  }
  void tell(std::span<const evojit::Scored>) {}
};

EVOJIT_PLUGIN(registries) {
  registries.strategies.add("test-in-order", "valid points in order",
                            [](const evojit::StrategyContext& c) {
                              InOrder s;
                              if (!c.space->listed_points()) {
                                evojit::throw_input_error("test-in-order walks a replayed space",
                                                          "--strategy test-in-order");
                              }
                              s.points = *c.space->listed_points();
                              return evojit::make_strategy(std::move(s));
                            });
}
