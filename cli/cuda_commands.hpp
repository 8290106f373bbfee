// The GPU side of `evojit roofline --device cuda:N`: measures or shows the GPU's
// ceilings. Without the CUDA backend it ends in an InputError saying so. (A CUDA run is
// an ordinary run on the "cuda" backend: cli/commands.cpp.)
#pragma once

#include <string>

#include "kernels/task_registry.hpp"

namespace evojit::cli {

// The CUDA backend's own tasks, for `evojit tasks`; empty without the backend.
TaskRegistry cuda_tasks();

void gpu_roofline_command(const std::string& device, const std::string& profile_path, bool force);

}  // namespace evojit::cli
