#include "backends/cuda/cuda_measure.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

namespace evojit::cuda {

L2Flusher::L2Flusher(const Context& context)
    : buffer_(static_cast<std::size_t>(std::max(context.info().l2_bytes, 1 << 20)) * 2) {}

void L2Flusher::flush(CUstream stream) {
  check(cuMemsetD32Async(buffer_.get(), ++value_, buffer_.bytes() / 4, stream), "cuMemsetD32Async");
}

Timing time_on_stream(CUstream stream, const std::function<void()>& run,
                      const std::function<void()>& reset, L2Flusher* flusher,
                      const MeasureOptions& options) {
  Event start, stop;
  auto once = [&]() {
    if (reset) reset();
    if (flusher) flusher->flush(stream);
    check(cuEventRecord(start.get(), stream), "cuEventRecord");
    run();
    check(cuEventRecord(stop.get(), stream), "cuEventRecord");
    return elapsed_ms(start, stop) * 1e-3;
  };
  for (int i = 0; i < options.warmup; ++i) once();
  std::vector<double> samples;
  double total = 0.0;
  const int max_reps = std::max(options.max_repetitions, 1);
  const int min_reps = std::clamp(options.min_repetitions, 1, max_reps);
  while (static_cast<int>(samples.size()) < max_reps) {
    const double t = once();
    samples.push_back(t);
    total += t;
    const int n = static_cast<int>(samples.size());
    if (n < min_reps) continue;
    if (total >= options.max_seconds) break;
    // Relative standard error of the median, ~1.2533 sd / (sqrt(n) median).
    std::vector<double> sorted = samples;
    std::sort(sorted.begin(), sorted.end());
    const double median = sorted[sorted.size() / 2];
    double mean = 0.0, var = 0.0;
    for (double s : samples) mean += s;
    mean /= n;
    for (double s : samples) var += (s - mean) * (s - mean);
    const double sd = n > 1 ? std::sqrt(var / (n - 1)) : 0.0;
    if (median > 0 && 1.2533 * sd / (std::sqrt(double(n)) * median) < options.target_relative_error)
      break;
  }
  return summarize(samples);
}

}  // namespace evojit::cuda
