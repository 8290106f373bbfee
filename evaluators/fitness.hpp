// Fitness: how an evaluation becomes one number the search maximizes. The default,
// RooflineFitness, follows the Metal-Sci harness: per size, the fraction of the
// machine's roofline achieved (roofline time / measured time, with roofline time =
// max(flops / peak FLOP/s, bytes / peak bandwidth) from the task's workload model);
// the run's fitness is the geometric mean over sizes, and any failing size gives 0.
//
// A user's fitness implements FitnessFunction in a few lines (e.g. speed-up over a
// baseline time) and is handed to the evaluator in place of RooflineFitness.
#pragma once

#include <string>
#include <vector>

#include "evaluators/evaluation.hpp"
#include "evaluators/machine_profile.hpp"
#include "kernels/task.hpp"

namespace evojit {

class FitnessFunction {
 public:
  virtual ~FitnessFunction() = default;
  virtual std::string name() const = 0;
  // Fills the per-size figures it derives (roofline_s, fraction, suspect) and returns the
  // fitness: finite, >= 0, and 0 unless evaluation.status is ok. `workloads` has one
  // entry per evaluation.sizes entry.
  virtual double score(Evaluation& evaluation, const std::vector<Workload>& workloads) const = 0;
};

// A per-size figure is flagged suspect (SizeResult::suspect) rather than trusted when
// its fraction of roofline is above kSuspectFraction (the ceiling must be wrong: a
// kernel cannot beat the machine's peak by 20%) or its timing's coefficient of
// variation is above kSuspectCv (a noisy machine). The score itself is unchanged.
inline constexpr double kSuspectFraction = 1.2;
inline constexpr double kSuspectCv = 0.10;

// Why a timed size's figure is suspect; empty when it is not.
std::string suspect_reason(double fraction, double cv);

// Roofline time of one workload on a machine (seconds).
double roofline_seconds(const Workload& w, double peak_flops, double peak_bandwidth);

class RooflineFitness final : public FitnessFunction {
 public:
  // One memory level: every size is bounded by `peak_bandwidth`.
  RooflineFitness(double peak_flops, double peak_bandwidth);
  // Cache-aware: each size is bounded by the bandwidth of the level its footprint
  // fits in, so in-cache sizes are not scored against DRAM (fractions stay <= ~1).
  explicit RooflineFitness(MachineProfile profile);

  std::string name() const override { return "roofline"; }
  double score(Evaluation& evaluation, const std::vector<Workload>& workloads) const override;

  // The bandwidth ceiling this fitness uses for a workload.
  double bandwidth_for(const Workload& w) const;

 private:
  MachineProfile profile_;
};

}  // namespace evojit
