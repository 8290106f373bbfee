#include "evaluators/measurement.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <numeric>

namespace evojit {

Timing summarize(std::vector<double> samples) {
  Timing t;
  t.repetitions = static_cast<int>(samples.size());
  if (samples.empty()) return t;
  std::sort(samples.begin(), samples.end());
  const std::size_t n = samples.size();
  t.median_s = n % 2 ? samples[n / 2] : 0.5 * (samples[n / 2 - 1] + samples[n / 2]);
  t.min_s = samples.front();
  const double mean = std::accumulate(samples.begin(), samples.end(), 0.0) / n;
  double var = 0.0;
  for (double s : samples) var += (s - mean) * (s - mean);
  var = n > 1 ? var / (n - 1) : 0.0;
  t.cv = mean > 0.0 ? std::sqrt(var) / mean : 0.0;
  return t;
}

Timing measure(const std::function<void()>& run, const std::function<void()>& reset,
               const MeasureOptions& options) {
  using Clock = std::chrono::steady_clock;
  for (int i = 0; i < options.warmup; ++i) {
    if (reset) reset();
    run();
  }
  std::vector<double> samples;
  double total = 0.0;
  while (static_cast<int>(samples.size()) < options.max_repetitions) {
    if (reset) reset();
    const auto start = Clock::now();
    run();
    const double s = std::chrono::duration<double>(Clock::now() - start).count();
    samples.push_back(s);
    total += s;
    const int n = static_cast<int>(samples.size());
    if (n < options.min_repetitions) continue;
    if (total >= options.max_seconds) break;
    // The standard error of the median is about 1.253 * sigma / sqrt(n); relative to
    // the median that is 1.253 * cv / sqrt(n) for a roughly symmetric sample.
    const Timing t = summarize(samples);
    if (1.253 * t.cv / std::sqrt(static_cast<double>(n)) < options.target_relative_error) break;
  }
  return summarize(std::move(samples));
}

}  // namespace evojit
