// A CUDA task: a Task (space, sizes, workload, source) whose kernel runs on a GPU.
//
// The driver reads the description: the kernel's name, its launch geometry for a
// configuration and a size, and the name of the problem model the worker builds.
// The worker (evojit-cuda-worker) builds the problem from that name: host buffers
// (inputs, outputs, constant-memory symbols), the kernel arguments of each launch
// in order, and a check of the outputs against a reference. Nothing here includes
// CUDA: the device side lives in backends/cuda/.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "kernels/task.hpp"
#include "kernels/task_registry.hpp"

namespace evojit {

struct LaunchGeometry {
  std::array<std::uint32_t, 3> grid{1, 1, 1};
  std::array<std::uint32_t, 3> block{1, 1, 1};
  std::uint32_t dynamic_shared_bytes = 0;
  // Programmatic dependent launch: the next launch of the sequence may be scheduled while
  // this one drains. Only for a kernel that executes griddepcontrol.wait before it reads
  // what the launch before wrote (sm_90+; older devices launch as usual).
  bool overlap_launches = false;
  std::uint64_t threads_per_block() const { return std::uint64_t{block[0]} * block[1] * block[2]; }
};

// One device buffer (or, with `symbol` set, a __constant__/__device__ variable of the
// module that is written before every run).
struct CudaBuffer {
  std::string name;
  std::size_t element_size = 4;
  std::vector<unsigned char> host;  // initial contents; size in bytes
  bool output = false;              // downloaded and checked after a run
  bool restore = false;             // the kernel modifies it: restored before each run
  std::string symbol;               // non-empty: module global of that name

  std::size_t bytes() const { return host.size(); }
  std::span<float> floats() {
    return {reinterpret_cast<float*>(host.data()), host.size() / sizeof(float)};
  }
  std::span<const float> floats() const {
    return {reinterpret_cast<const float*>(host.data()), host.size() / sizeof(float)};
  }
  static CudaBuffer of_floats(std::string name, std::size_t count);
};

struct CudaArgument {
  // raw: 8 bytes passed as they are (a manifest's scalar of any type).
  enum class Kind { buffer, i32, i64, f32, raw } kind = Kind::buffer;
  int buffer = -1;
  std::int64_t integer = 0;
  float real = 0.0f;
  std::uint64_t bits = 0;
  static CudaArgument buf(int index) { return {Kind::buffer, index, 0, 0.0f, 0}; }
  static CudaArgument i32(std::int64_t v) { return {Kind::i32, -1, v, 0.0f, 0}; }
  static CudaArgument i64(std::int64_t v) { return {Kind::i64, -1, v, 0.0f, 0}; }
  static CudaArgument f32(float v) { return {Kind::f32, -1, 0, v, 0}; }
  static CudaArgument raw(std::uint64_t bits) { return {Kind::raw, -1, 0, 0.0f, bits}; }
};

// One size's data in the worker. `launches` run in order (a time-stepped stencil
// launches once per step); the whole sequence is one timed run.
struct CudaProblem {
  std::vector<CudaBuffer> buffers;
  std::vector<std::vector<CudaArgument>> launches;
  // Gets the downloaded contents of every buffer (empty for non-outputs).
  std::function<CheckResult(std::span<const std::vector<unsigned char>> outputs)> check;
};

class CudaTask : public Task {
 public:
  // The __global__ function (or a name expression such as "gemm<128, 64>").
  virtual std::string kernel_name() const = 0;
  virtual LaunchGeometry launch(const std::map<std::string, Value>& bindings,
                                const ProblemSize& size) const = 0;
  // The problem model the worker builds with make_cuda_problem().
  virtual std::string problem_kind() const { return name(); }
  // Extra NVRTC options ("-std=c++17" is always given).
  virtual std::vector<std::string> compile_options() const { return {}; }
  // CPU tasks run in evojit-worker; a CUDA task's data lives in evojit-cuda-worker.
  std::unique_ptr<ProblemInstance> instantiate(const ProblemSize&) const override;
};

// The source a CUDA task renders: one #define per binding, then the template.
std::string render_cuda_source(const std::string& kernel_template,
                               const std::map<std::string, Value>& bindings);
// The integer value of a binding (throws InputError naming it when absent or not
// an integer).
std::int64_t binding_int(const std::map<std::string, Value>& bindings, const std::string& name);
std::uint32_t ceil_div(std::int64_t a, std::int64_t b);

// Builds one size's problem for a kind ("triad", "heat2d", "sgemm", "convolution",
// "dedispersion"); throws InputError for an unknown kind.
CudaProblem make_cuda_problem(const std::string& kind, const ProblemSize& size);

// The built-in CUDA tasks: triad, heat2d, sgemm, sgemm-small, sgemm-ragged (their own sources and
// spaces).
void register_cuda_tasks(TaskRegistry& registry);

std::unique_ptr<CudaTask> make_cuda_triad_task();
std::unique_ptr<CudaTask> make_cuda_heat2d_task();
std::unique_ptr<CudaTask> make_cuda_sgemm_task();
// The sgemm kernel and space, tuned on n = 1024 (bench/cuda_sgemm.cpp dispatches by n).
std::unique_ptr<CudaTask> make_cuda_sgemm_small_task();
// The same, tuned on n = 3000, 5000 (a partly filled last wave: SPLITK's case).
std::unique_ptr<CudaTask> make_cuda_sgemm_ragged_task();

// Max relative error of `got` against `expected` (NaN counts as infinite), with the
// first index over `tolerance` described in `message`.
CheckResult compare_floats(std::span<const float> got, std::span<const double> expected,
                           double tolerance, const std::string& what);

}  // namespace evojit
