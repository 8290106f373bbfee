// Timing on the GPU with CUDA events: warm-up runs, then repetitions until the
// median is stable, a repetition cap or a time cap is reached (MeasureOptions, as
// on the CPU). Before each repetition, untimed: `reset` (restore inputs a kernel
// updates in place) and, when asked, an L2 flush (a memset over twice the L2), so
// every repetition starts from device memory, not from the previous one's cache.
// Internal to the CUDA backend (includes cuda_driver.hpp).
#pragma once

#include <functional>

#include "backends/cuda/cuda_driver.hpp"
#include "evaluators/evaluation.hpp"
#include "evaluators/measurement.hpp"

namespace evojit::cuda {

class L2Flusher {
 public:
  explicit L2Flusher(const Context& context);
  void flush(CUstream stream);

 private:
  DeviceBuffer buffer_;
  unsigned value_ = 0;
};

// `run` enqueues the timed work on `stream`; `reset` (may be empty) enqueues
// untimed work before each repetition. Throws CudaFailure when a launch fails.
Timing time_on_stream(CUstream stream, const std::function<void()>& run,
                      const std::function<void()>& reset, L2Flusher* flusher,
                      const MeasureOptions& options);

}  // namespace evojit::cuda
