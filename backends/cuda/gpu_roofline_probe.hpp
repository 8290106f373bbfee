// The GPU's roofline, measured in the CUDA worker: device-memory bandwidth from a
// copy and a triad over buffers of at least 1 GiB each (bytes read plus bytes
// written), and the FP32 FMA peak from independent FMA chains on every SM.
// Internal to the CUDA backend (includes cuda_driver.hpp).
#pragma once

#include <cstdint>

#include "backends/cuda/cuda_driver.hpp"

namespace evojit::cuda {

struct GpuRooflineProbe {
  double copy_bytes_per_s = 0.0;
  double triad_bytes_per_s = 0.0;
  double fma_flops_per_s = 0.0;
  std::size_t buffer_bytes = 0;
};

GpuRooflineProbe probe_gpu_roofline(const Context& context, std::size_t buffer_bytes);

}  // namespace evojit::cuda
