#include "backends/cuda/tasks/manifest_cuda_task.hpp"

#include <array>
#include <cstring>

#include "kernels/manifest_task.hpp"
#include "support/error.hpp"
#include "support/expression/expression.hpp"

namespace evojit {
namespace {

using nlohmann::json;

// One launch expression, bound to the parameters followed by the dims.
struct LaunchExpression {
  Expression expression = Expression::parse("1");
  std::string pointer;  // "#/launch/block/0", for messages
};

class ManifestCudaTask final : public CudaTask {
 public:
  explicit ManifestCudaTask(TaskManifest m) : manifest_(std::move(m)) {
    if (manifest_.language != "cuda") {
      throw_input_error("a CUDA task needs \"language\": \"cuda\"", manifest_.where + "#/language",
                        "give \"language\": \"cuda\", or tune the C++ kernel on the CPU");
    }
    if (!manifest_.reference_function.empty()) {
      throw_input_error("a CUDA manifest's reference is the seed configuration's outputs",
                        manifest_.where + "#/correctness/reference",
                        "give \"reference\": \"seed\" (a C++ reference function checks CPU "
                        "manifests)");
    }
    host_ = make_manifest_task(manifest_);  // space, seed, sizes, workload
    for (const Parameter& p : host_->space().parameters()) slots_.push_back(p.name);
    for (const std::string& d : manifest_.dims) slots_.push_back(d);
    const json& launch = manifest_.launch;
    block_ = axis(launch, "block", nullptr);
    grid_div_ = axis(launch, "grid_div", &block_);
    problem_ = axis(launch, "problem", nullptr);
    for (const auto& [key, value] : launch.items()) {
      if (key != "block" && key != "grid_div" && key != "problem") {
        throw_input_error("unknown launch field '" + key + "'", manifest_.where + "#/launch/" + key,
                          "known: block, grid_div, problem");
      }
    }
    // Evaluated once for the seed on every size, so that a bad expression fails here
    // and not in every evaluation.
    const auto bindings = host_->space().bindings(host_->seed());
    for (const ProblemSize& size : host_->training_sizes()) launch_checked(bindings, size);
    for (const ProblemSize& size : host_->held_out_sizes()) launch_checked(bindings, size);
  }

  std::string name() const override { return host_->name(); }
  std::string summary() const override { return host_->summary() + " (CUDA)"; }
  const ParameterSpace& space() const override { return host_->space(); }
  Config seed() const override { return host_->seed(); }
  std::vector<ProblemSize> training_sizes() const override { return host_->training_sizes(); }
  std::vector<ProblemSize> held_out_sizes() const override { return host_->held_out_sizes(); }
  Workload workload(const ProblemSize& size) const override { return host_->workload(size); }
  std::string render(const std::map<std::string, Value>& bindings) const override {
    return render_cuda_source(manifest_.source, bindings);
  }
  std::string kernel_name() const override { return manifest_.function; }
  // The worker builds a manifest's buffers from the manifest itself.
  std::string problem_kind() const override { return "manifest:" + host_->manifest_json(); }
  std::vector<std::string> compile_options() const override { return manifest_.compiler_flags; }

  LaunchGeometry launch(const std::map<std::string, Value>& bindings,
                        const ProblemSize& size) const override {
    return launch_checked(bindings, size);
  }

 private:
  // The three expressions of one launch field; `fallback` when the field is absent
  // (null: the dims in order for "problem", 1 for "block").
  std::array<LaunchExpression, 3> axis(const json& launch, const char* field,
                                       const std::array<LaunchExpression, 3>* fallback) {
    const std::string pointer = manifest_.where + "#/launch/" + field;
    if (!launch.contains(field)) {
      if (fallback) return *fallback;
      if (std::string(field) == "block") {
        throw_input_error("the launch geometry needs a block", pointer,
                          "e.g. \"block\": [\"block_size_x\", 1, 1]");
      }
    }
    const json& items = launch.contains(field) ? launch.at(field) : json::array();
    if (!items.is_array() || items.size() > 3) {
      throw_input_error("expected a list of at most 3 expressions (x, y, z)", pointer,
                        "e.g. [\"block_size_x\", 1, 1]");
    }
    std::array<LaunchExpression, 3> out;
    for (std::size_t d = 0; d < 3; ++d) {
      std::string text = "1";
      if (d < items.size()) {
        const json& item = items.at(d);
        if (item.is_number_integer()) {
          text = std::to_string(item.get<std::int64_t>());
        } else if (item.is_string()) {
          text = item.get<std::string>();
        } else {
          throw_input_error("expected an integer or an expression, got " + item.dump(),
                            pointer + "/" + std::to_string(d), "e.g. \"block_size_x\"");
        }
      } else if (std::string(field) == "problem" && d < manifest_.dims.size()) {
        text = manifest_.dims[d];
      }
      try {
        out[d].expression = Expression::parse(text);
        out[d].expression.bind(slots_);
      } catch (const InputError& e) {
        throw_input_error(e.what(), pointer + "/" + std::to_string(d),
                          "launch expressions name the parameters and the dims only");
      }
      out[d].pointer = pointer + "/" + std::to_string(d);
    }
    return out;
  }

  LaunchGeometry launch_checked(const std::map<std::string, Value>& bindings,
                                const ProblemSize& size) const {
    std::vector<Value> values;
    for (const Parameter& p : host_->space().parameters()) values.push_back(bindings.at(p.name));
    for (std::size_t d = 0; d < manifest_.dims.size(); ++d) {
      values.push_back(Value{d < size.dims.size() ? size.dims[d] : std::int64_t{1}});
    }
    auto positive = [&](const LaunchExpression& e) -> std::int64_t {
      const Value v = e.expression.evaluate(values);
      std::int64_t n = 0;
      if (const auto* i = std::get_if<std::int64_t>(&v)) {
        n = *i;
      } else if (const auto* x = std::get_if<double>(&v);
                 x && *x == static_cast<double>(static_cast<std::int64_t>(*x))) {
        n = static_cast<std::int64_t>(*x);
      } else {
        throw_input_error(
            "'" + e.expression.text() + "' does not give an integer on size " + size.label,
            e.pointer, "launch expressions give whole numbers");
      }
      if (n <= 0 || n > std::int64_t{1} << 31) {
        throw_input_error("'" + e.expression.text() + "' gives " + std::to_string(n) + " on size " +
                              size.label + ": not a launch extent",
                          e.pointer, "launch extents are positive");
      }
      return n;
    };
    LaunchGeometry g;
    for (std::size_t d = 0; d < 3; ++d) {
      g.block[d] = static_cast<std::uint32_t>(positive(block_[d]));
      g.grid[d] = ceil_div(positive(problem_[d]), positive(grid_div_[d]));
    }
    return g;
  }

  TaskManifest manifest_;
  std::unique_ptr<Task> host_;
  std::vector<std::string> slots_;
  std::array<LaunchExpression, 3> block_, grid_div_, problem_;
};

}  // namespace

std::unique_ptr<CudaTask> make_manifest_cuda_task(TaskManifest manifest) {
  return std::make_unique<ManifestCudaTask>(std::move(manifest));
}

CudaProblem make_manifest_cuda_problem(std::shared_ptr<const TaskManifest> manifest,
                                       const ProblemSize& size,
                                       std::shared_ptr<const ExpectedOutputs> expected) {
  const TaskManifest& m = *manifest;
  CudaProblem problem;
  std::vector<CudaArgument> args;
  std::vector<std::pair<std::size_t, std::size_t>> checked;  // (argument, buffer)
  std::vector<std::size_t> counts;
  for (std::size_t a = 0; a < m.arguments.size(); ++a) {
    const ManifestArgument& arg = m.arguments[a];
    const double v = evaluate_dims_expression(arg.expression, m.dims, size);
    if (!arg.array) {
      unsigned char bytes[8] = {};
      store_manifest_scalar(arg.type, v, bytes);
      std::uint64_t bits = 0;
      std::memcpy(&bits, bytes, sizeof bits);
      args.push_back(CudaArgument::raw(bits));
      continue;
    }
    const auto n = static_cast<std::size_t>(v);
    CudaBuffer b;
    b.name = arg.name;
    b.element_size = element_size(arg.type);
    b.host.assign(n * b.element_size, 0);
    fill_manifest_array(arg.type, b.host.data(), n, arg.init);
    b.output = arg.role != ArgumentRole::input;
    b.restore = arg.role == ArgumentRole::inout;
    if (b.output) checked.emplace_back(a, problem.buffers.size());
    counts.push_back(n);
    args.push_back(CudaArgument::buf(static_cast<int>(problem.buffers.size())));
    problem.buffers.push_back(std::move(b));
  }
  problem.launches.push_back(std::move(args));
  std::vector<std::size_t> buffer_counts = counts;
  problem.check = [manifest, expected, checked,
                   buffer_counts](std::span<const std::vector<unsigned char>> outputs) {
    CheckResult r;
    r.ok = true;
    r.tolerance = 1.0;
    for (const auto& [argument, buffer] : checked) {
      const std::vector<unsigned char>& want = expected->at(buffer);
      const std::vector<unsigned char>& got = outputs[buffer];
      if (want.size() != got.size()) {
        r.ok = false;
        r.message = "no reference outputs for " + manifest->arguments[argument].name;
        return r;
      }
      check_manifest_output(*manifest, argument, got.data(), want.data(), buffer_counts[buffer], r);
    }
    return r;
  };
  return problem;
}

std::optional<TaskManifest> manifest_of_problem_kind(const std::string& kind) {
  const std::string prefix = "manifest:";
  if (!kind.starts_with(prefix)) return std::nullopt;
  return parse_task_manifest(json::parse(kind.substr(prefix.size())), "task manifest");
}

}  // namespace evojit
