// A task of your own through the C++ API: x[i] *= s, tuned over its unroll factor.
// The driver (tune_scale.cpp) and its worker (scale_worker.cpp) both register it:
// candidates run in the worker process, which builds each size's data.
#pragma once

#include <algorithm>

#include <evojit/evojit.hpp>

class ScaleInstance final : public evojit::ProblemInstance {
 public:
  explicit ScaleInstance(std::int64_t n) : x_(static_cast<std::size_t>(n), 1.0f) {
    args_.buffers[0] = x_.data();
    args_.dims[0] = n;
    args_.scalars[0] = 2.0f;
  }
  const evojit::KernelArgs& args() const override { return args_; }
  void reset() override { std::fill(x_.begin(), x_.end(), 1.0f); }
  evojit::CheckResult check() const override {
    const bool ok = std::all_of(x_.begin(), x_.end(), [](float v) { return v == 2.0f; });
    return {ok, ok ? 0.0 : 1.0, 0.0, ok ? "" : "x is not 2 s"};
  }

 private:
  std::vector<float> x_;
  evojit::KernelArgs args_;
};

inline std::unique_ptr<evojit::Task> scale_task() {
  evojit::TaskSpec spec;
  spec.name = "scale";
  spec.summary = "x *= s (an example task)";
  spec.space = evojit::ParameterSpace(
      {evojit::Parameter::list("UNROLL", {std::int64_t{1}, std::int64_t{2}, std::int64_t{4}})}, {});
  spec.seed = {{"UNROLL", std::int64_t{1}}};
  spec.kernel_template = R"(extern "C" void evojit_kernel(const evojit_args* a) {
  float* x = a->buffers[0];
  const float s = a->scalars[0];
#pragma clang loop unroll_count(UNROLL)
  for (evojit_i64 i = 0; i < a->dims[0]; ++i) x[i] *= s;
}
)";
  spec.training_sizes = {{"n=65536", {65536}}};
  spec.held_out_sizes = {{"n=100000", {100000}}};
  spec.workload = [](const evojit::ProblemSize& s) {
    const double n = static_cast<double>(s.dims[0]);
    return evojit::Workload{n, 8.0 * n};
  };
  spec.instantiate = [](const evojit::ProblemSize& s) {
    return std::make_unique<ScaleInstance>(s.dims[0]);
  };
  spec.updates_in_place = true;
  return evojit::make_task(std::move(spec));
}
