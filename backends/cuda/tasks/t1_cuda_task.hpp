// A CUDA task described by a T1 tuning input plus a kernel source: the space and
// the launch rule come from the T1 file, the problem model (data, reference check,
// workload, sizes) from a built-in kind ("convolution", "dedispersion").
//
// Launch rule, as Kernel Tuner applies it: block = LocalSize {X, Y, Z} evaluated
// over the parameters; grid[d] = ceil(problem[d] / product of GridDiv{X,Y,Z}[d]).
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "backends/cuda/tasks/cuda_task.hpp"

namespace evojit {

struct T1CudaTaskSpec {
  std::string name;  // the task's name in runs and journals
  std::string kind;  // the problem model
  ParameterSpace space;
  std::string source;  // the kernel file's text
  std::string kernel_name;
  std::vector<std::string> block;                  // LocalSize X, Y, Z expressions
  std::vector<std::vector<std::string>> grid_div;  // GridDivX, GridDivY, GridDivZ
  std::vector<std::string> compile_options;
};

// Throws InputError when the kind is unknown or an expression does not parse or
// names an unknown parameter.
std::unique_ptr<CudaTask> make_t1_cuda_task(T1CudaTaskSpec spec);

// The problem model a benchmark name points at ("convolution_milo" ->
// "convolution"); empty when none fits.
std::string cuda_problem_kind_for(const std::string& benchmark_name);

// A CUDA task from a T1 file and a kernel source: the T1 file's space, kernel name,
// LocalSize and GridDiv, with the problem model its benchmark name points at.
// Throws InputError (unreadable files, no problem model, bad launch expressions).
std::unique_ptr<CudaTask> cuda_task_from_t1(const std::filesystem::path& t1_file,
                                            const std::filesystem::path& kernel_source);

}  // namespace evojit
