// A CUDA task made from a task manifest ("language": "cuda"): the user's kernel with
// its parameters as #defines, compiled by NVRTC under the manifest's entry function;
// the space, sizes and workload model of the manifest; the launch geometry from the
// manifest's "launch" object, T1 style:
//
//   "launch": {"block": ["block_size_x", "block_size_y", 1],    // expressions of the
//              "grid_div": ["block_size_x", "block_size_y", 1], // parameters and dims
//              "problem": ["n", "m", 1]}                        // expressions of the dims
//
// grid[d] = ceil(problem[d] / grid_div[d]). "problem" defaults to the dims in order,
// "grid_div" to "block" (Kernel Tuner's defaults). Every expression is checked (it
// parses, names only parameters and dims, gives a positive integer for the seed on every
// size) when the task is made; an error names the manifest and the JSON pointer.
#pragma once

#include <memory>

#include "backends/cuda/tasks/cuda_task.hpp"
#include "kernels/task_manifest.hpp"

namespace evojit {

// Throws InputError for a manifest that is not "language": "cuda" or whose launch
// geometry does not evaluate.
std::unique_ptr<CudaTask> make_manifest_cuda_task(TaskManifest manifest);

}  // namespace evojit
