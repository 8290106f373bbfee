// The roofline probe measured for real, in a sandboxed worker as `evojit roofline`
// does it. No figure is asserted against a wall-clock expectation: the tests check
// that the cache levels are there and that the ceilings bound the seed kernels.
#include "backends/cpu/roofline_probe.hpp"

#include <algorithm>
#include <cstdio>

#include <gtest/gtest.h>

#include "backends/cpu/cpu_evaluator.hpp"
#include "evaluators/fitness.hpp"
#include "evaluators/machine_profile.hpp"
#include "evaluators/profile_checks.hpp"
#include "kernels/task_registry.hpp"

namespace evojit {
namespace {

// Short sweeps: the tests need every level, not the most precise figures.
MachineProfile quick_profile(WorkerPool& pool, int repetitions) {
  ProfileMeasureOptions options;
  options.repetitions = repetitions;
  options.max_seconds = 0.15;
  return measure_machine_profile(pool, options);
}

TEST(RooflineProbe, TheSandboxedProbeMeasuresEveryCacheLevelTheOsLists) {
  const std::vector<CacheLevel> os = read_cache_topology();
  if (os.empty()) GTEST_SKIP() << "the OS reports no cache topology here";
  WorkerPool pool(1);  // sandboxed, like every worker: it cannot read /sys itself
  const MachineProfile p = quick_profile(pool, 1);
  for (const CacheLevel& c : os) {
    const bool measured = std::any_of(p.levels.begin(), p.levels.end(), [&](const MemoryLevel& l) {
      return l.name == c.name && l.peak() > 0.0 && !l.bandwidth_bytes_per_s.empty();
    });
    EXPECT_TRUE(measured) << c.name << " (" << c.size_bytes << " bytes) was not measured";
  }
  ASSERT_FALSE(p.levels.empty());
  EXPECT_EQ(p.levels.back().name, "DRAM");
  EXPECT_EQ(p.caches.size(), os.size());
  EXPECT_TRUE(missing_levels(p, os).empty());
  EXPECT_EQ(p.measurement.repetitions, 1);
  EXPECT_FALSE(p.measurement.evojit_version.empty());
}

// Ceilings are peaks: two measurements of one machine together bound it at least as
// well as either, so the best figure of each is kept.
void keep_peaks(MachineProfile& into, const MachineProfile& other) {
  auto merge = [](std::vector<double>& a, const std::vector<double>& b) {
    for (std::size_t i = 0; i < a.size() && i < b.size(); ++i) a[i] = std::max(a[i], b[i]);
  };
  merge(into.bandwidth_bytes_per_s, other.bandwidth_bytes_per_s);
  merge(into.flops_per_s, other.flops_per_s);
  for (MemoryLevel& level : into.levels) {
    for (const MemoryLevel& o : other.levels) {
      if (o.name == level.name) merge(level.bandwidth_bytes_per_s, o.bandwidth_bytes_per_s);
    }
  }
}

// The sanity check on the ceilings (issue 8): a plain seed kernel cannot run faster
// than the machine's roofline, so its fraction at every training size is in [0, 1.3].
// On a shared machine a ceiling measured during a burst of load can be low; the
// probe is then repeated (its peaks kept) before a fraction is judged, just as a
// user re-measures a profile. The seeds' own timings are never retried.
TEST(RooflineProbe, SeedKernelFractionsStayWithinTheCeilingsAtEveryTrainingSize) {
  TaskRegistry tasks;
  register_builtin_tasks(tasks);
  WorkerPool pool(1);
  MachineProfile profile = quick_profile(pool, 2);
  CpuEvaluatorOptions options;
  options.measure.max_seconds = 0.2;
  for (const char* name : {"triad", "heat2d"}) {
    const Task& task = tasks.get(name);
    const RooflineFitness first(profile);
    CpuEvaluator evaluator(task, task.space(), task.training_sizes(), pool, first, options);
    Evaluation e = evaluator.evaluate(task.seed());
    ASSERT_EQ(e.status, EvalStatus::ok) << name << ": " << e.diagnostic;
    std::vector<Workload> workloads;
    for (const SizeResult& r : e.sizes) workloads.push_back(task.workload({r.label, r.dims}));
    auto worst = [&] {
      double w = 0.0;
      for (const SizeResult& r : e.sizes) w = std::max(w, r.fraction);
      return w;
    };
    for (int remeasure = 0; remeasure < 2 && worst() > 1.3; ++remeasure) {
      keep_peaks(profile, quick_profile(pool, 2));
      RooflineFitness(profile).score(e, workloads);
    }
    for (const SizeResult& r : e.sizes) {
      std::printf("%-7s %-12s fraction %.3f (cv %.1f%%)\n", name, r.label.c_str(), r.fraction,
                  100.0 * r.timing.cv);
      EXPECT_GT(r.fraction, 0.0) << name << " " << r.label;
      EXPECT_LE(r.fraction, 1.3) << name << " " << r.label << ": the ceiling " << r.roofline_s
                                 << " s is below what the seed achieved";
    }
  }
}

}  // namespace
}  // namespace evojit
