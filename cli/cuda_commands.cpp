#include "cli/cuda_commands.hpp"

#include <cstdio>
#include <iostream>

#include <unistd.h>

#include "support/error.hpp"
#ifdef EVOJIT_HAS_CUDA
#include "backends/cuda/gpu_profile.hpp"
#include "backends/cuda/tasks/cuda_task.hpp"
#endif

namespace evojit::cli {

#ifdef EVOJIT_HAS_CUDA

TaskRegistry cuda_tasks() {
  TaskRegistry r;
  register_cuda_tasks(r);
  return r;
}

void gpu_roofline_command(const std::string& device, const std::string& profile_path, bool force) {
  const int ordinal = parse_cuda_device(device);
  const std::filesystem::path where = profile_path.empty() ? default_gpu_profile_path(ordinal)
                                                           : std::filesystem::path(profile_path);
  std::optional<GpuProfile> g;
  if (!force) g = load_gpu_profile(where);
  if (g) {
    std::printf("profile   %s (measured %s; --force to measure again)\n", where.c_str(),
                g->profile.measured_at.c_str());
  } else {
    std::fprintf(stderr,
                 "measuring device memory bandwidth (copy, triad over 1 GiB buffers) and "
                 "FP32 FMA peak on %s...\n",
                 device.c_str());
    g = measure_gpu_profile(ordinal);
    save_gpu_profile(*g, where);
    std::printf("profile   %s (saved)\n", where.c_str());
  }
  const MachineProfile& p = g->profile;
  std::printf("device    %s (%s, %d SMs, id %s)\n", p.cpu_model.c_str(), p.target.c_str(), p.cores,
              p.machine_id.c_str());
  std::printf("                      measured      nominal   measured/nominal\n");
  auto row = [](const char* what, double measured, double nominal, const char* unit) {
    std::printf("%-16s %10.1f   %10.1f   %6.1f%%   %s\n", what, measured, nominal,
                nominal > 0 ? 100.0 * measured / nominal : 0.0, unit);
  };
  row("copy bandwidth", g->copy_bytes_per_s / 1e9, g->nominal_bandwidth / 1e9, "GB/s");
  row("triad bandwidth", g->triad_bytes_per_s / 1e9, g->nominal_bandwidth / 1e9, "GB/s");
  row("FP32 FMA peak", p.peak_flops() / 1e9, g->nominal_fp32_flops / 1e9, "GFLOP/s");
  std::printf("roofline  bandwidth %.1f GB/s, FP32 %.1f GFLOP/s (ridge point %.2f FLOP/byte)\n",
              p.peak_bandwidth() / 1e9, p.peak_flops() / 1e9, p.peak_flops() / p.peak_bandwidth());
}

#else

TaskRegistry cuda_tasks() { return {}; }

void gpu_roofline_command(const std::string& device, const std::string&, bool) {
  throw_input_error("this evojit was built without the CUDA backend", "--device " + device,
                    "configure with the CUDA toolkit installed (EVOJIT_WITH_CUDA=ON)");
}

#endif

}  // namespace evojit::cli
