#include "backends/cuda/tasks/t1_cuda_task.hpp"

#include <cmath>

#include "backends/cuda/tasks/cuda_problems.hpp"
#include "support/error.hpp"
#include "support/expression/expression.hpp"

namespace evojit {
namespace {

class T1CudaTask final : public CudaTask {
 public:
  explicit T1CudaTask(T1CudaTaskSpec spec) : spec_(std::move(spec)) {
    for (const Parameter& p : spec_.space.parameters()) slots_.push_back(p.name);
    auto compile = [&](const std::string& text, const std::string& where) {
      Expression e = Expression::parse(text);
      try {
        e.bind(slots_);
      } catch (const InputError& error) {
        throw_input_error(error.what(), where, "LocalSize and GridDiv may name parameters only");
      }
      return e;
    };
    for (std::size_t d = 0; d < spec_.block.size() && d < 3; ++d) {
      block_.push_back(compile(spec_.block[d], "LocalSize"));
    }
    grid_div_.resize(3);
    for (std::size_t d = 0; d < spec_.grid_div.size() && d < 3; ++d) {
      for (const std::string& t : spec_.grid_div[d]) grid_div_[d].push_back(compile(t, "GridDiv"));
    }
    if (spec_.kind == "convolution") {
      training_ = {{"4096x4096", {4096, 4096}}};
      held_out_ = {{"3000x2001", {3000, 2001}}};
    } else if (spec_.kind == "dedispersion") {
      training_ = {{"25000x2048", {25000, 2048}}};
      held_out_ = {{"17001x1000", {17001, 1000}}};
    } else {
      throw_input_error("no problem model for CUDA kernel kind '" + spec_.kind + "'", spec_.name,
                        "known kinds: convolution, dedispersion");
    }
  }

  std::string name() const override { return spec_.name; }
  std::string summary() const override { return spec_.kind + " (T1 space, kernel from a file)"; }
  const ParameterSpace& space() const override { return spec_.space; }
  Config seed() const override { return spec_.space.default_config(); }
  std::string render(const std::map<std::string, Value>& bindings) const override {
    return render_cuda_source(spec_.source, bindings);
  }
  std::vector<ProblemSize> training_sizes() const override { return training_; }
  std::vector<ProblemSize> held_out_sizes() const override { return held_out_; }
  Workload workload(const ProblemSize& size) const override {
    return spec_.kind == "convolution" ? convolution_workload(size) : dedispersion_workload(size);
  }
  std::string kernel_name() const override { return spec_.kernel_name; }
  std::string problem_kind() const override { return spec_.kind; }
  std::vector<std::string> compile_options() const override { return spec_.compile_options; }

  LaunchGeometry launch(const std::map<std::string, Value>& bindings,
                        const ProblemSize& size) const override {
    std::vector<Value> values;
    for (const std::string& name : slots_) values.push_back(bindings.at(name));
    auto as_int = [](const Value& v) -> std::int64_t {
      if (const auto* i = std::get_if<std::int64_t>(&v)) return *i;
      if (const auto* d = std::get_if<double>(&v)) return static_cast<std::int64_t>(*d);
      if (const auto* b = std::get_if<bool>(&v)) return *b ? 1 : 0;
      throw_input_error("a launch expression gave a string", "LocalSize/GridDiv");
    };
    LaunchGeometry g;
    for (std::size_t d = 0; d < block_.size(); ++d) {
      g.block[d] = static_cast<std::uint32_t>(as_int(block_[d].evaluate(values)));
    }
    for (std::size_t d = 0; d < 3; ++d) {
      const std::int64_t extent = d < size.dims.size() ? size.dims[d] : 1;
      std::int64_t div = 1;
      for (const Expression& e : grid_div_[d]) div *= as_int(e.evaluate(values));
      g.grid[d] = ceil_div(extent, div > 0 ? div : 1);
    }
    return g;
  }

 private:
  T1CudaTaskSpec spec_;
  std::vector<std::string> slots_;
  std::vector<Expression> block_;
  std::vector<std::vector<Expression>> grid_div_;
  std::vector<ProblemSize> training_, held_out_;
};

}  // namespace

std::unique_ptr<CudaTask> make_t1_cuda_task(T1CudaTaskSpec spec) {
  return std::make_unique<T1CudaTask>(std::move(spec));
}

std::string cuda_problem_kind_for(const std::string& benchmark_name) {
  for (const char* kind : {"convolution", "dedispersion"}) {
    if (benchmark_name.find(kind) != std::string::npos) return kind;
  }
  return {};
}

}  // namespace evojit
