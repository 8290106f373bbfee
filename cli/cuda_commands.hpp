// The GPU side of `evojit roofline --device cuda:N` and `evojit run --device cuda:N`
// (and `run --t1 FILE.json --kernel-source FILE.cu`). Without the CUDA backend they
// end in an InputError saying so.
#pragma once

#include <string>

#include "runs/run_config.hpp"

namespace evojit::cli {

void gpu_roofline_command(const std::string& device, const std::string& profile_path, bool force);

struct CudaRunFlags {
  std::string device = "cuda:0";
  std::string t1;
  std::string kernel_source;
  bool flush_l2 = false;
};
void cuda_run_command(RunConfig config, const CudaRunFlags& flags);

}  // namespace evojit::cli
