#include "evaluators/cache/aggregate.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <vector>

namespace evojit {
namespace {

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n % 2 == 1 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

double coefficient_of_variation(const std::vector<double>& v) {
  if (v.size() < 2) return 0.0;
  double mean = 0.0;
  for (double x : v) mean += x;
  mean /= static_cast<double>(v.size());
  if (mean <= 0.0) return 0.0;
  double squares = 0.0;
  for (double x : v) squares += (x - mean) * (x - mean);
  return std::sqrt(squares / static_cast<double>(v.size() - 1)) / mean;
}

}  // namespace

Evaluation aggregate_measurements(std::span<const Evaluation> measurements) {
  if (measurements.empty()) throw std::invalid_argument("aggregate_measurements: none given");
  Evaluation a = measurements.back();
  double wall_s = 0.0;
  for (const Evaluation& m : measurements) wall_s += m.wall_s;
  a.wall_s = wall_s / static_cast<double>(measurements.size());
  if (measurements.size() == 1) return a;
  for (SizeResult& size : a.sizes) {
    std::vector<double> medians, cvs;
    double min_s = size.timing.min_s;
    int repetitions = 0;
    for (const Evaluation& m : measurements) {
      auto it = std::find_if(m.sizes.begin(), m.sizes.end(),
                             [&](const SizeResult& r) { return r.label == size.label; });
      if (it == m.sizes.end()) continue;
      medians.push_back(it->timing.median_s);
      cvs.push_back(it->timing.cv);
      min_s = std::min(min_s, it->timing.min_s);
      repetitions += it->timing.repetitions;
    }
    size.timing.median_s = median(medians);
    size.timing.min_s = min_s;
    size.timing.repetitions = repetitions;
    size.timing.cv = std::max(coefficient_of_variation(medians), median(cvs));
  }
  return a;
}

}  // namespace evojit
