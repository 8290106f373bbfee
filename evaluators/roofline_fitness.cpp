#include <algorithm>
#include <cmath>
#include <cstdio>

#include "evaluators/fitness.hpp"
#include "support/error.hpp"

namespace evojit {

std::string suspect_reason(double fraction, double cv) {
  std::string reason;
  char text[200];
  if (fraction > kSuspectFraction) {
    std::snprintf(text, sizeof text,
                  "fraction %.2f is above %.1f of the ceiling: the roofline is probably wrong "
                  "(see `evojit roofline --check`)",
                  fraction, kSuspectFraction);
    reason = text;
  }
  if (cv > kSuspectCv) {
    std::snprintf(text, sizeof text, "timing varied by %.0f%% (CV above %.0f%%): a noisy machine",
                  100.0 * cv, 100.0 * kSuspectCv);
    reason += (reason.empty() ? "" : "; ") + std::string(text);
  }
  return reason;
}

double roofline_seconds(const Workload& w, double peak_flops, double peak_bandwidth) {
  return std::max(w.flops / peak_flops, w.bytes / peak_bandwidth);
}

namespace {

MachineProfile single_level(double peak_flops, double peak_bandwidth) {
  MachineProfile p;
  p.threads = {1};
  p.flops_per_s = {peak_flops};
  p.bandwidth_bytes_per_s = {peak_bandwidth};
  return p;
}

}  // namespace

RooflineFitness::RooflineFitness(double peak_flops, double peak_bandwidth)
    : RooflineFitness(single_level(peak_flops, peak_bandwidth)) {}

RooflineFitness::RooflineFitness(MachineProfile profile) : profile_(std::move(profile)) {
  if (!(profile_.peak_flops() > 0.0) || !(profile_.peak_bandwidth() > 0.0)) {
    throw_input_error("roofline peaks must be positive", "machine profile",
                      "run `evojit roofline` to measure this machine");
  }
}

double RooflineFitness::bandwidth_for(const Workload& w) const {
  return profile_.bandwidth_for(w.footprint_bytes > 0.0 ? w.footprint_bytes : w.bytes);
}

double RooflineFitness::score(Evaluation& evaluation,
                              const std::vector<Workload>& workloads) const {
  if (evaluation.sizes.size() != workloads.size()) {
    throw std::logic_error("RooflineFitness: one workload per size expected");
  }
  double log_sum = 0.0;
  bool all_ok = evaluation.status == EvalStatus::ok && !evaluation.sizes.empty();
  for (std::size_t i = 0; i < evaluation.sizes.size(); ++i) {
    SizeResult& r = evaluation.sizes[i];
    r.roofline_s =
        roofline_seconds(workloads[i], profile_.peak_flops(), bandwidth_for(workloads[i]));
    const bool timed = r.ok && r.timing.median_s > 0.0;
    r.fraction = timed ? r.roofline_s / r.timing.median_s : 0.0;
    r.suspect = timed ? suspect_reason(r.fraction, r.timing.cv) : "";
    if (!timed) all_ok = false;
    if (all_ok) log_sum += std::log(r.fraction);
  }
  if (!all_ok) return 0.0;
  return std::exp(log_sum / static_cast<double>(evaluation.sizes.size()));
}

}  // namespace evojit
