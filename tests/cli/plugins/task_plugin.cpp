// A plug-in task for the CLI tests: listed by `evojit tasks`, refused by a CPU run
// (its candidates would run in evojit-worker, which loads no plug-ins).
#include "kernels/user_task.hpp"
#include "runs/plugin_api.hpp"

EVOJIT_PLUGIN(registries) {
  evojit::TaskSpec spec;
  spec.name = "test-plugin-task";
  spec.summary = "a task from a plug-in";
  spec.space = evojit::ParameterSpace({evojit::Parameter::list("UNROLL", {std::int64_t{1}})}, {});
  spec.kernel_template = "extern \"C\" void evojit_kernel(const evojit_args*) {}\n";
  spec.training_sizes = {{"n=1", {1}}};
  spec.workload = [](const evojit::ProblemSize&) { return evojit::Workload{1.0, 1.0}; };
  spec.instantiate = [](const evojit::ProblemSize&) -> std::unique_ptr<evojit::ProblemInstance> {
    return nullptr;
  };
  registries.tasks.add(evojit::make_task(std::move(spec)));
}
