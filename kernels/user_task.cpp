#include "kernels/user_task.hpp"

#include "support/error.hpp"

namespace evojit {
namespace {

class UserTask final : public Task {
 public:
  UserTask(TaskSpec spec, Config seed) : spec_(std::move(spec)), seed_(std::move(seed)) {}

  std::string name() const override { return spec_.name; }
  std::string summary() const override { return spec_.summary; }
  const ParameterSpace& space() const override { return spec_.space; }
  Config seed() const override { return seed_; }
  std::string render(const std::map<std::string, Value>& bindings) const override {
    return spec_.render ? spec_.render(bindings)
                        : render_with_defines(spec_.kernel_template, bindings);
  }
  std::vector<ProblemSize> training_sizes() const override { return spec_.training_sizes; }
  std::vector<ProblemSize> held_out_sizes() const override { return spec_.held_out_sizes; }
  Workload workload(const ProblemSize& size) const override { return spec_.workload(size); }
  bool updates_in_place() const override { return spec_.updates_in_place; }
  std::unique_ptr<ProblemInstance> instantiate(const ProblemSize& size) const override {
    return spec_.instantiate(size);
  }

 private:
  TaskSpec spec_;
  Config seed_;
};

}  // namespace

std::unique_ptr<Task> make_task(TaskSpec spec) {
  const std::string where = "task '" + spec.name + "'";
  if (spec.name.empty()) throw_input_error("a task needs a name", "TaskSpec::name");
  if (spec.kernel_template.empty() && !spec.render) {
    throw_input_error("no kernel: neither kernel_template nor render is set", where,
                      "give the kernel source with its parameters as macros");
  }
  if (!spec.workload) throw_input_error("no workload model", where, "set TaskSpec::workload");
  if (!spec.instantiate) {
    throw_input_error("no instantiate: the worker cannot build a size's data", where,
                      "set TaskSpec::instantiate");
  }
  if (spec.training_sizes.empty()) {
    throw_input_error("no training sizes", where, "set TaskSpec::training_sizes");
  }
  Config seed = spec.space.from_bindings(spec.seed);  // InputError on unknown names, values
  if (!spec.space.is_valid(seed)) {
    throw_input_error("the seed " + spec.space.canonical(seed) + " breaks the space's constraints",
                      where + ": seed");
  }
  return std::make_unique<UserTask>(std::move(spec), std::move(seed));
}

}  // namespace evojit
