#include "search/knn_surrogate.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace evojit {

KnnSurrogate::KnnSurrogate(const ParameterSpace& space, std::size_t neighbours)
    : dimensions_(space.size()), neighbours_(std::max<std::size_t>(1, neighbours)) {
  for (const Parameter& p : space.parameters()) {
    const std::size_t n = p.values.size();
    std::vector<double> s(n, 0.0);
    for (std::size_t v = 0; v < n && n > 1; ++v) s[v] = double(v) / double(n - 1);
    scale_.push_back(std::move(s));
  }
}

std::vector<float> KnnSurrogate::coordinates(const Config& config) const {
  std::vector<float> x(dimensions_, 0.0f);
  for (std::size_t p = 0; p < dimensions_ && p < config.index.size(); ++p)
    x[p] = static_cast<float>(scale_[p][config.index[p]]);
  return x;
}

void KnnSurrogate::add(const Config& config, bool ok, double fitness) {
  const std::vector<float> x = coordinates(config);
  points_.insert(points_.end(), x.begin(), x.end());
  fitness_.push_back(ok ? fitness : -std::numeric_limits<double>::infinity());
  if (ok) sorted_.insert(std::upper_bound(sorted_.begin(), sorted_.end(), fitness), fitness);
}

void KnnSurrogate::clear() {
  points_.clear();
  fitness_.clear();
  sorted_.clear();
}

double KnnSurrogate::quality(std::size_t point) const {
  const double f = fitness_[point];
  if (!std::isfinite(f) || sorted_.empty()) return 0.0;
  // The share of ok points this one is at least as good as.
  const auto at_most = std::upper_bound(sorted_.begin(), sorted_.end(), f) - sorted_.begin();
  return static_cast<double>(at_most) / static_cast<double>(sorted_.size());
}

double KnnSurrogate::predict(const Config& config) const {
  if (fitness_.empty()) return 0.5;
  const std::vector<float> x = coordinates(config);
  std::vector<std::pair<float, std::size_t>> nearest;  // distance, point
  nearest.reserve(fitness_.size());
  for (std::size_t i = 0; i < fitness_.size(); ++i) {
    const float* y = &points_[i * dimensions_];
    float d = 0.0f;
    for (std::size_t p = 0; p < dimensions_; ++p) d += std::abs(x[p] - y[p]);
    nearest.emplace_back(d, i);
  }
  const std::size_t k = std::min(neighbours_, nearest.size());
  std::partial_sort(nearest.begin(), nearest.begin() + static_cast<std::ptrdiff_t>(k),
                    nearest.end());
  double sum = 0.0, weights = 0.0;
  for (std::size_t j = 0; j < k; ++j) {
    const double d = std::max<double>(nearest[j].first, 1e-6);
    const double w = 1.0 / (d * d);
    sum += w * quality(nearest[j].second);
    weights += w;
  }
  return sum / weights;
}

}  // namespace evojit
