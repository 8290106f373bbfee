// The built-in fitness choices (evaluators/fitness.hpp): time, speedup, throughput and
// objective, made through the registry as a run makes them.
#include <cmath>

#include <gtest/gtest.h>

#include "evaluators/fitness.hpp"
#include "support/error.hpp"

namespace evojit {
namespace {

Evaluation timed(std::vector<double> medians_s) {
  Evaluation e;
  for (double m : medians_s) {
    SizeResult s;
    s.ok = true;
    s.timing.median_s = m;
    e.sizes.push_back(s);
  }
  return e;
}

Fitness make(const std::string& name, FitnessContext context = {}) {
  FitnessRegistry registry;
  register_builtin_fitness(registry);
  return registry.create(name, context);
}

TEST(FitnessChoice, SpeedupOverTheSeedIsOneForTheSeed) {
  FitnessContext context;
  int measured = 0;
  context.seed_time_s = [&] {
    ++measured;
    return std::sqrt(0.001 * 0.004);  // the seed's geometric mean over two sizes
  };
  const Fitness speedup = make("speedup", context);
  EXPECT_EQ(measured, 1);
  Evaluation seed = timed({0.001, 0.004});
  speedup.score(seed, {});
  EXPECT_DOUBLE_EQ(seed.fitness, 1.0);
  Evaluation twice_as_fast = timed({0.0005, 0.002});
  speedup.score(twice_as_fast, {});
  EXPECT_DOUBLE_EQ(twice_as_fast.fitness, 2.0);
}

TEST(FitnessChoice, SpeedupOverAGivenBaselineMeasuresNothing) {
  FitnessContext context;
  context.params = {{"baseline_ms", 4.0}};
  context.seed_time_s = []() -> double {
    ADD_FAILURE() << "measured the seed";
    return 1.0;
  };
  Evaluation e = timed({0.002});
  make("speedup", context).score(e, {});
  EXPECT_DOUBLE_EQ(e.fitness, 2.0);
  context.params = {{"baseline_ms", -1}};
  EXPECT_THROW(make("speedup", context), InputError);
  context.params = {{"baseline", 1}};
  EXPECT_THROW(make("speedup", context), InputError);
}

TEST(FitnessChoice, TimeAndItsFormerNameAgree) {
  Evaluation a = timed({0.002});
  Evaluation b = timed({0.002});
  make("time").score(a, {});
  make("inverse-time").score(b, {});
  EXPECT_DOUBLE_EQ(a.fitness, 0.5);
  EXPECT_DOUBLE_EQ(b.fitness, 0.5);
}

TEST(FitnessChoice, ThroughputIsTheWorkloadPerSecond) {
  FitnessContext context;
  context.workloads = {Workload{2e9, 8e9}};
  Evaluation e = timed({0.5});
  make("throughput", context).score(e, context.workloads);
  EXPECT_DOUBLE_EQ(e.fitness, 4.0);  // GFLOP/s
  context.params = {{"of", "bytes"}};
  Evaluation b = timed({0.5});
  make("throughput", context).score(b, context.workloads);
  EXPECT_DOUBLE_EQ(b.fitness, 16.0);  // GB/s
  context.workloads = {Workload{0.0, 8e9}};
  context.params = nlohmann::json::object();
  EXPECT_THROW(make("throughput", context), InputError);  // no flops in the model
  context.workloads.clear();
  EXPECT_THROW(make("throughput", context), InputError);  // no workload model (replay)
}

Evaluation recorded(double time_s, double energy, double gflops) {
  Evaluation e = timed({time_s});
  e.sizes[0].recorded = {{"energy", energy}, {"GFLOP/s", gflops}};
  return e;
}

TEST(FitnessChoice, AnObjectivePicksTheFieldAndTheDirection) {
  FitnessContext context;
  context.recorded_fields = {"energy", "GFLOP/s"};
  context.params = {{"objectives", "energy:min"}};
  Evaluation e = recorded(0.001, 4.0, 100.0);
  make("objective", context).score(e, {});
  EXPECT_DOUBLE_EQ(e.fitness, 0.25);  // minimized: 1 / energy
  context.params = {{"objectives", "energy:max"}};
  make("objective", context).score(e, {});
  EXPECT_DOUBLE_EQ(e.fitness, 4.0);
  context.params = {{"objectives", "GFLOP/s"}};  // a rate is maximized by default
  make("objective", context).score(e, {});
  EXPECT_DOUBLE_EQ(e.fitness, 100.0);
  context.params = {{"objectives", "time:min"}};
  make("objective", context).score(e, {});
  EXPECT_DOUBLE_EQ(e.fitness, 1.0);  // 1 / 1 ms
}

TEST(FitnessChoice, SeveralObjectivesAreMinimizedObjectives) {
  FitnessContext context;
  context.recorded_fields = {"energy", "GFLOP/s"};
  context.params = {{"objectives", "energy:min,GFLOP/s:max"}};
  const Fitness f = make("objective", context);
  EXPECT_EQ(f.objectives(), 2u);
  Evaluation e = recorded(0.001, 4.0, 100.0);
  f.score(e, {});
  ASSERT_EQ(e.status, EvalStatus::ok) << e.diagnostic;
  EXPECT_EQ(e.objectives, (std::vector<double>{4.0, -100.0}));
  EXPECT_DOUBLE_EQ(e.fitness, 0.25);
}

TEST(FitnessChoice, AnUnknownFieldOrDirectionIsAnInputError) {
  FitnessContext context;
  context.recorded_fields = {"energy"};
  context.params = {{"objectives", "power:min"}};
  try {
    make("objective", context);
    FAIL() << "accepted an unknown field";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("energy"), std::string::npos) << e.what();
  }
  context.params = {{"objectives", "energy:least"}};
  EXPECT_THROW(make("objective", context), InputError);
  context.params = {{"objectives", ""}};
  EXPECT_THROW(make("objective", context), InputError);
}

TEST(FitnessChoice, ARecordWithoutTheFieldFailsNamingTheFitness) {
  FitnessContext context;
  context.recorded_fields = {"energy"};
  context.params = {{"objectives", "energy:min"}};
  Evaluation e = timed({0.001});  // recorded nothing
  make("objective", context).score(e, {});
  EXPECT_EQ(e.status, EvalStatus::wrong_result);
  EXPECT_NE(e.diagnostic.find("fitness 'objective energy:min'"), std::string::npos) << e.diagnostic;
}

}  // namespace
}  // namespace evojit
