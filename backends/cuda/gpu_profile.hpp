// A GPU's measured roofline as a MachineProfile, so the roofline fitness scores GPU
// candidates exactly as it scores CPU ones: bandwidth = the better of the copy and
// triad probes over >= 1 GiB buffers (bytes read plus written), FLOP/s = the FP32 FMA
// peak. The device's nominal figures (memory clock x bus width; SMs x FP32 lanes x
// clock) are kept beside it for comparison. Measured in an evojit-cuda-worker.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "evaluators/machine_profile.hpp"

namespace evojit {

struct GpuProfile {
  MachineProfile profile;  // cpu_model holds the device name, target its sm_XY
  double copy_bytes_per_s = 0.0;
  double triad_bytes_per_s = 0.0;
  double nominal_bandwidth = 0.0;
  double nominal_fp32_flops = 0.0;
  nlohmann::json device;  // the worker's device record
};

// "cuda:0" -> 0; throws InputError naming the flag for anything else.
int parse_cuda_device(const std::string& text);

GpuProfile measure_gpu_profile(int device, std::size_t buffer_bytes = std::size_t{1} << 30);
// <cache>/gpu-cuda<N>.json
std::filesystem::path default_gpu_profile_path(int device);
std::optional<GpuProfile> load_gpu_profile(const std::filesystem::path& path);
void save_gpu_profile(const GpuProfile& p, const std::filesystem::path& path);

// Loads the GPU profile at `path` (the default for the device when empty),
// measuring and saving it first when missing; `measured` says which happened.
GpuProfile ensure_gpu_profile(const std::filesystem::path& path, int device,
                              bool* measured = nullptr);

}  // namespace evojit
