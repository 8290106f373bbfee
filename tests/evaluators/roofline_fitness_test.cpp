#include <cmath>
#include <limits>

#include <gtest/gtest.h>

#include "evaluators/fitness.hpp"
#include "evaluators/measurement.hpp"

namespace evojit {
namespace {

SizeResult timed(double seconds) {
  SizeResult r;
  r.ok = true;
  r.timing.median_s = seconds;
  return r;
}

TEST(RooflineSeconds, IsTheSlowerOfComputeAndMemory) {
  // 1 GFLOP at 100 GFLOP/s = 10 ms; 1 GB at 10 GB/s = 100 ms: memory bound.
  EXPECT_DOUBLE_EQ(roofline_seconds({1e9, 1e9}, 100e9, 10e9), 0.1);
  // 10 GFLOP, 10 MB: compute bound.
  EXPECT_DOUBLE_EQ(roofline_seconds({10e9, 10e6}, 100e9, 10e9), 0.1);
}

TEST(RooflineFitness, GeometricMeanOfFractionsOverSizes) {
  const RooflineFitness fitness(100e9, 10e9);
  Evaluation e;
  e.sizes = {timed(0.2), timed(0.05)};  // roofline 0.1 s each: fractions 0.5 and 2.0
  const double f = fitness.score(e, {{1e9, 1e9}, {1e9, 1e9}});
  EXPECT_NEAR(f, 1.0, 1e-12);
  EXPECT_DOUBLE_EQ(e.sizes[0].roofline_s, 0.1);
  EXPECT_DOUBLE_EQ(e.sizes[0].fraction, 0.5);
  EXPECT_DOUBLE_EQ(e.sizes[1].fraction, 2.0);
}

TEST(RooflineFitness, AnyFailingSizeGivesZero) {
  const RooflineFitness fitness(100e9, 10e9);
  Evaluation e;
  e.sizes = {timed(0.1), timed(0.1)};
  e.sizes[1].ok = false;
  EXPECT_EQ(fitness.score(e, {{1e9, 1e9}, {1e9, 1e9}}), 0.0);
  Evaluation crashed;
  crashed.status = EvalStatus::crash;
  crashed.sizes = {timed(0.1)};
  EXPECT_EQ(fitness.score(crashed, {{1e9, 1e9}}), 0.0);
}

TEST(RooflineFitness, InCacheSizesAreBoundedByTheirCacheLevel) {
  MachineProfile p;
  p.threads = {1};
  p.flops_per_s = {1e12};
  p.bandwidth_bytes_per_s = {10e9};
  p.levels = {{"L2", 1e6, {100e9}}, {"DRAM", 1e9, {10e9}}};
  const RooflineFitness fitness(p);
  // 0.5 MB fits in L2: bounded by 100 GB/s; 100 MB only by DRAM's 10 GB/s.
  EXPECT_DOUBLE_EQ(fitness.bandwidth_for({0, 0.5e6}), 100e9);
  EXPECT_DOUBLE_EQ(fitness.bandwidth_for({0, 100e6}), 10e9);
  // The footprint, when given, decides the level rather than the traffic.
  EXPECT_DOUBLE_EQ(fitness.bandwidth_for({0, 0.5e6, 50e6}), 10e9);
}

TEST(RooflineFitness, RejectsAProfileWithoutPeaks) {
  EXPECT_THROW(RooflineFitness(0.0, 10e9), InputError);
}

TEST(Measurement, SummarizeGivesMedianAndCoefficientOfVariation) {
  const Timing t = summarize({3.0, 1.0, 2.0, 4.0});
  EXPECT_DOUBLE_EQ(t.median_s, 2.5);
  EXPECT_DOUBLE_EQ(t.min_s, 1.0);
  EXPECT_EQ(t.repetitions, 4);
  EXPECT_NEAR(t.cv, std::sqrt(5.0 / 3.0) / 2.5, 1e-12);
}

TEST(Measurement, ResetsBeforeEveryRunAndRespectsTheRepetitionCap) {
  int resets = 0;
  int runs = 0;
  MeasureOptions o;
  o.warmup = 2;
  o.min_repetitions = 3;
  o.max_repetitions = 7;
  o.target_relative_error = 0.0;  // never "stable": run to the cap
  o.max_seconds = 100.0;
  const Timing t = measure([&] { ++runs; }, [&] { ++resets; }, o);
  EXPECT_EQ(t.repetitions, 7);
  EXPECT_EQ(runs, 9);
  EXPECT_EQ(resets, runs);
}

}  // namespace
}  // namespace evojit

#include "evaluators/evaluation_json.hpp"

namespace evojit {
namespace {

TEST(EvaluationJson, ANonFiniteErrorMetricReadsBackAsInfinitelyWrong) {
  SizeResult r;
  r.max_error = std::numeric_limits<double>::quiet_NaN();
  // On the wire (driver <-> worker, journal) NaN is written as null.
  const nlohmann::json wire = nlohmann::json::parse(to_json(r).dump());
  EXPECT_TRUE(wire["max_error"].is_null());
  EXPECT_TRUE(std::isinf(size_result_from_json(wire).max_error));
  EXPECT_TRUE(std::isinf(size_result_from_json(to_json(r)).max_error));
}

TEST(EvaluationJson, RoundTripsAnEvaluation) {
  Evaluation e;
  e.status = EvalStatus::crash;
  e.signal = 11;
  e.diagnostic = "run: worker crashed";
  e.sizes.push_back(SizeResult{"n=4", {4}, true, {1e-3, 0.1, 5, 9e-4}, 0.0, 1e-6, "", 2e-3, 2.0});
  const Evaluation back = evaluation_from_json(nlohmann::json::parse(to_json(e).dump()));
  EXPECT_EQ(back.status, EvalStatus::crash);
  EXPECT_EQ(back.signal, 11);
  EXPECT_EQ(back.sizes.at(0).label, "n=4");
  EXPECT_DOUBLE_EQ(back.sizes.at(0).timing.median_s, 1e-3);
  EXPECT_DOUBLE_EQ(back.sizes.at(0).fraction, 2.0);
}

}  // namespace
}  // namespace evojit

namespace evojit {
namespace {

TEST(RooflineFitness, FiguresAboveTheCeilingOrNoisyAreFlaggedSuspect) {
  const RooflineFitness fitness(100e9, 10e9);
  Evaluation e;
  e.sizes = {timed(0.2), timed(0.01), timed(0.2)};  // fractions 0.5, 10 and 0.5
  e.sizes[2].timing.cv = 0.15;
  fitness.score(e, {{1e9, 1e9}, {1e9, 1e9}, {1e9, 1e9}});
  EXPECT_EQ(e.sizes[0].suspect, "");
  EXPECT_NE(e.sizes[1].suspect.find("fraction 10.00 is above 1.2"), std::string::npos)
      << e.sizes[1].suspect;
  EXPECT_NE(e.sizes[2].suspect.find("timing varied by 15%"), std::string::npos)
      << e.sizes[2].suspect;
  // Carried in the evaluation's JSON (journal records, best.json).
  const Evaluation back = evaluation_from_json(nlohmann::json::parse(to_json(e).dump()));
  EXPECT_EQ(back.sizes[1].suspect, e.sizes[1].suspect);
  EXPECT_FALSE(to_json(e.sizes[0]).contains("suspect"));
}

}  // namespace
}  // namespace evojit
