#include "bench/willemsen_score.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

namespace evojit::bench {

WillemsenBaseline::WillemsenBaseline(const std::vector<PointTime>& points, double cutoff)
    : points_(points.size()) {
  for (const PointTime& p : points) {
    if (p) sorted_.push_back(*p);
  }
  if (sorted_.empty()) throw std::invalid_argument("no point of the space ran");
  std::sort(sorted_.begin(), sorted_.end());
  const std::size_t m = sorted_.size() / 2;
  median_ = sorted_.size() % 2 == 1 ? sorted_[m] : 0.5 * (sorted_[m - 1] + sorted_[m]);
  const double target = median_ - cutoff * (median_ - optimum());
  for (std::size_t t = 1; t <= points_; ++t) {
    curve_.push_back(compute_expected_best(t));
    if (curve_.back() <= target) break;
  }
}

double WillemsenBaseline::expected_best(std::size_t t) const {
  if (t == 0) return worst();
  if (t <= curve_.size()) return curve_[t - 1];
  return compute_expected_best(t);
}

double WillemsenBaseline::compute_expected_best(std::size_t t) const {
  // With the points ranked by time (failures last, as +inf capped at the worst time),
  // min = v_1 + sum_{i>=2} (v_i - v_{i-1}) [every draw has rank >= i], and
  // q_i = P(every draw has rank >= i) = C(N-i+1, t) / C(N, t). Failures add nothing
  // to the sum (their capped values are equal) but do thin the draws through N.
  const double n = static_cast<double>(points_);
  const double draws = static_cast<double>(std::min(t, points_));
  double expected = sorted_.front();
  double q = 1.0;  // q_i for i = 1
  for (std::size_t i = 1; i < sorted_.size(); ++i) {
    const double above = n - static_cast<double>(i) + 1.0;         // N - i + 1 points of rank >= i
    q = above - draws <= 0.0 ? 0.0 : q * (above - draws) / above;  // now q_{i+1}
    if (q < 1e-18) break;  // the rest weighs less than rounding
    expected += (sorted_[i] - sorted_[i - 1]) * q;
  }
  return expected;
}

double WillemsenBaseline::score(const std::vector<double>& best_so_far) const {
  const std::size_t budget = curve_.size();
  double sum = 0.0;
  double best = std::numeric_limits<double>::infinity();
  for (std::size_t t = 1; t <= budget; ++t) {
    if (t <= best_so_far.size()) best = best_so_far[t - 1];
    const double found = std::min(best, worst());
    const double random = curve_[t - 1];
    const double span = random - optimum();
    // Random search is already at the optimum (only when the median is the optimum):
    // a strategy there scores 1, elsewhere 0.
    sum += span > 0.0 ? (random - found) / span : (found <= optimum() ? 1.0 : 0.0);
  }
  return sum / static_cast<double>(budget);
}

MeanAndError mean_and_error(const std::vector<double>& samples) {
  MeanAndError r;
  if (samples.empty()) return r;
  for (double s : samples) r.mean += s;
  r.mean /= static_cast<double>(samples.size());
  if (samples.size() < 2) return r;
  double ss = 0.0;
  for (double s : samples) ss += (s - r.mean) * (s - r.mean);
  const double k = static_cast<double>(samples.size());
  r.standard_error = std::sqrt(ss / (k - 1.0) / k);
  return r;
}

}  // namespace evojit::bench
