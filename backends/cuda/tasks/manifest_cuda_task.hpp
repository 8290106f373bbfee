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
#include <optional>
#include <vector>

#include "backends/cuda/tasks/cuda_task.hpp"
#include "kernels/task_manifest.hpp"

namespace evojit {

// Throws InputError for a manifest that is not "language": "cuda" or whose launch
// geometry does not evaluate.
std::unique_ptr<CudaTask> make_manifest_cuda_task(TaskManifest manifest);

// The outputs a candidate must reproduce, one entry per buffer (empty for inputs).
using ExpectedOutputs = std::vector<std::vector<unsigned char>>;

// One size's data: a buffer per array argument (initial contents as the manifest says;
// outputs and inouts checked, inouts restored before each run), one launch with the
// arguments in the kernel's order, and a check against `*expected`.
CudaProblem make_manifest_cuda_problem(std::shared_ptr<const TaskManifest> manifest,
                                       const ProblemSize& size,
                                       std::shared_ptr<const ExpectedOutputs> expected);

// The manifest of a problem kind made by a manifest task ("manifest:{...}"); nullopt
// for any other kind.
std::optional<TaskManifest> manifest_of_problem_kind(const std::string& kind);

}  // namespace evojit
