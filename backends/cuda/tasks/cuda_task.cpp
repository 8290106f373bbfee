#include "backends/cuda/tasks/cuda_task.hpp"

#include <cmath>
#include <limits>
#include <sstream>
#include <stdexcept>

#include "backends/cuda/tasks/cuda_problems.hpp"
#include "support/error.hpp"

namespace evojit {

CudaBuffer CudaBuffer::of_floats(std::string name, std::size_t count) {
  CudaBuffer b;
  b.name = std::move(name);
  b.element_size = sizeof(float);
  b.host.assign(count * sizeof(float), 0);
  return b;
}

std::unique_ptr<ProblemInstance> CudaTask::instantiate(const ProblemSize&) const {
  throw std::logic_error("task '" + name() +
                         "' is a CUDA task: its data lives in evojit-cuda-worker");
}

std::string render_cuda_source(const std::string& kernel_template,
                               const std::map<std::string, Value>& bindings) {
  // render_with_defines() starts with the CPU prelude; a CUDA source starts with the
  // parameters alone.
  std::string source = "// parameters\n";
  const std::string defines = render_with_defines("", bindings);
  const auto at = defines.find("// parameters\n");
  source += at == std::string::npos ? defines : defines.substr(at + 14);
  source += "\n#line 1 \"kernel.cu\"\n";
  source += kernel_template;
  return source;
}

std::int64_t binding_int(const std::map<std::string, Value>& bindings, const std::string& name) {
  const auto it = bindings.find(name);
  if (it == bindings.end()) {
    throw_input_error("the launch needs parameter '" + name + "'", "CUDA task",
                      "add it to the space");
  }
  if (const auto* i = std::get_if<std::int64_t>(&it->second)) return *i;
  if (const auto* b = std::get_if<bool>(&it->second)) return *b ? 1 : 0;
  if (const auto* d = std::get_if<double>(&it->second)) return static_cast<std::int64_t>(*d);
  throw_input_error("parameter '" + name + "' must be an integer", "CUDA task");
}

std::uint32_t ceil_div(std::int64_t a, std::int64_t b) {
  return static_cast<std::uint32_t>((a + b - 1) / b);
}

CudaProblem make_cuda_problem(const std::string& kind, const ProblemSize& size) {
  if (kind == "triad") return make_triad_problem(size);
  if (kind == "heat2d") return make_heat2d_problem(size);
  if (kind == "sgemm") return make_sgemm_problem(size);
  if (kind == "convolution") return make_convolution_problem(size);
  if (kind == "dedispersion") return make_dedispersion_problem(size);
  throw_input_error("unknown CUDA problem kind '" + kind + "'", "CUDA task",
                    "known: triad, heat2d, sgemm, convolution, dedispersion");
}

void register_cuda_tasks(TaskRegistry& registry) {
  registry.add(make_cuda_triad_task());
  registry.add(make_cuda_heat2d_task());
  registry.add(make_cuda_sgemm_task());
  registry.add(make_cuda_sgemm_small_task());
  registry.add(make_cuda_sgemm_ragged_task());
}

float hashed_uniform(std::uint64_t i, std::uint64_t salt, float lo, float hi) {
  std::uint64_t x = (i + 1) * 0x9E3779B97F4A7C15ull ^ salt;
  x ^= x >> 31;
  x *= 0xBF58476D1CE4E5B9ull;
  x ^= x >> 29;
  const float u = static_cast<float>(x >> 40) / static_cast<float>(1ull << 24);
  return lo + (hi - lo) * u;
}

CheckResult compare_floats(std::span<const float> got, std::span<const double> expected,
                           double tolerance, const std::string& what) {
  CheckResult r;
  r.tolerance = tolerance;
  if (got.size() != expected.size()) {
    r.max_error = std::numeric_limits<double>::infinity();
    r.message = what + ": " + std::to_string(got.size()) + " values, expected " +
                std::to_string(expected.size());
    return r;
  }
  std::int64_t first_bad = -1;
  for (std::size_t i = 0; i < got.size(); ++i) {
    const double scale = std::max(std::abs(expected[i]), 1.0);
    double error = std::abs(double{got[i]} - expected[i]) / scale;
    if (std::isnan(error)) error = std::numeric_limits<double>::infinity();
    if (error > r.max_error) r.max_error = error;
    if (error > tolerance && first_bad < 0) first_bad = static_cast<std::int64_t>(i);
  }
  r.ok = first_bad < 0;
  if (!r.ok) {
    std::ostringstream m;
    m << what << "[" << first_bad << "] = " << got[first_bad] << ", expected "
      << expected[first_bad] << " (max error " << r.max_error << " > " << tolerance << ")";
    r.message = m.str();
  }
  return r;
}

}  // namespace evojit
