// Honest timing of one kernel on one size: warm-up runs, then repetitions until the
// median is stable or a time cap is reached. Inputs are reset between repetitions
// (outside the timed region) when the kernel updates them in place.
#pragma once

#include <functional>

#include "evaluators/evaluation.hpp"

namespace evojit {

struct MeasureOptions {
  int warmup = 2;
  int min_repetitions = 5;
  int max_repetitions = 200;
  // Stop once the relative standard error of the median estimate falls below this.
  double target_relative_error = 0.01;
  // Stop adding repetitions once the timed runs of this size took this long.
  double max_seconds = 1.0;
};

// `run` is timed; `reset` (may be empty) runs before each repetition, untimed.
Timing measure(const std::function<void()>& run, const std::function<void()>& reset,
               const MeasureOptions& options);

// Median and coefficient of variation of a sample (seconds).
Timing summarize(std::vector<double> samples);

}  // namespace evojit
