#include "runs/run_plan.hpp"

#include <chrono>
#include <ctime>
#include <set>

#include "interop/task_manifest_file.hpp"
#include "kernels/manifest_task.hpp"
#include "runs/run_lock.hpp"
#include "runs/run_validation.hpp"
#include "runs/space_check.hpp"
#include "support/error.hpp"
#include "support/time.hpp"

namespace evojit {

ParameterSpace restrict_space(const ParameterSpace& space,
                              const std::vector<std::string>& overrides,
                              const std::vector<std::string>& constraints) {
  ParameterSpace restricted = space;
  std::set<std::string> pinned;
  for (const std::string& item : overrides) {
    const auto eq = item.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == item.size()) {
      throw_input_error("malformed parameter override '" + item + "'", "--set",
                        "write NAME=VALUE, e.g. --set UNROLL=4");
    }
    const std::string name = item.substr(0, eq);
    if (!restricted.find(name)) {
      std::string known;
      for (const Parameter& p : space.parameters()) known += (known.empty() ? "" : ", ") + p.name;
      throw_input_error("unknown parameter '" + name + "'", "--set " + item,
                        "parameters of this task: " + known);
    }
    // Pinned twice, the second value would be checked against the first alone and be
    // reported as "not one of the values": say what is really wrong.
    if (!pinned.insert(name).second) {
      throw_input_error("parameter '" + name + "' is set twice", "--set " + item,
                        "give one --set per parameter");
    }
    restricted = restricted.with_fixed(name, parse_value(item.substr(eq + 1)));
  }
  if (!constraints.empty()) restricted = restricted.with_constraints(constraints);
  return restricted;
}

void require_fresh_directory(const std::filesystem::path& dir) {
  std::error_code ec;
  if (!std::filesystem::exists(dir, ec)) return;
  if (!std::filesystem::is_directory(dir, ec)) {
    throw_input_error("output path exists and is not a directory", dir.string(),
                      "choose another --out");
  }
  require_no_run_in_progress(dir);
  // A run.lock alone is what a run killed before writing run.json leaves: no run.
  bool empty = true;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    if (entry.path().filename() != kRunLockFile) empty = false;
  }
  if (!empty) {
    throw_input_error("output directory exists and is not empty", dir.string(),
                      "choose another --out, or `evojit show` the run that is there");
  }
}

RunPlan plan_run(const RunSpec& spec, const Registries& registries, bool fresh_directory) {
  RunPlan plan;
  plan.spec = spec;
  validate_run_numbers(spec);
  std::string notice;
  plan.spec.workers = cap_worker_count(spec.workers, &notice);
  if (!notice.empty()) plan.notices.push_back(notice);

  BackendContext context;
  context.task = spec.task;
  context.tasks = &registries.tasks;
  if (!spec.task_file.empty()) {
    if (!spec.task.empty()) {
      throw_input_error("give either --task (a built-in task) or --task-file (your own)",
                        "--task-file " + spec.task_file.string(), "leave one of them out");
    }
    plan.manifest_tasks = std::make_shared<TaskRegistry>();
    std::unique_ptr<Task> task = load_manifest_task(spec.task_file);
    if (manifest_of(*task)->language == "cuda" && spec.backend != "cuda") {
      throw_input_error("the manifest's kernel is CUDA: it runs on a GPU",
                        spec.task_file.string() + "#/language", "add --device cuda:N");
    }
    context.task = task->name();
    plan.manifest_tasks->add(std::move(task));
    context.tasks = plan.manifest_tasks.get();
  }
  context.options = spec.backend_options;
  context.workers = plan.spec.workers;
  context.measure = spec.measure;
  plan.backend = registries.backends.create(spec.backend, context);
  const Task& task = plan.backend->task();
  const std::string where = "task " + task.name();
  require_searchable_space(task.space(), where, "its conditions exclude every configuration");
  plan.space = restrict_space(task.space(), spec.overrides, spec.constraints);
  if (!spec.overrides.empty() || !spec.constraints.empty()) {
    require_searchable_space(plan.space, where,
                             "the overrides and constraints exclude every configuration; relax "
                             "them");
  }

  // The seed is the naive kernel with the user's pins applied; if the extra
  // constraints exclude it, the strategy starts from a random valid point. A task
  // without one (a replayed space) gives an empty configuration.
  const Config task_seed = task.seed();
  if (task_seed.index.size() == task.space().size() && task.space().size() > 0) {
    auto bindings = task.space().bindings(task_seed);
    for (const Parameter& p : plan.space.parameters()) {
      if (p.values.size() == 1) bindings[p.name] = p.values.front();
    }
    try {
      Config seed = plan.space.from_bindings(bindings);
      if (plan.space.is_valid(seed)) plan.seed = seed;
    } catch (const InputError&) {
      // The pinned value is not in the seed's list: no seed.
    }
  }

  StrategyContext strategy_context;
  strategy_context.space = &plan.space;
  strategy_context.seed = plan.seed;
  strategy_context.params = spec.strategy_params;
  strategy_context.mutators = &registries.mutators;
  plan.strategy = registries.strategies.create(spec.strategy, strategy_context);

  // A deterministic run is named by what determines it; a live one by when it began.
  const std::string name =
      plan.backend->traits().deterministic
          ? spec.backend + "-" + task.name() + "-" + spec.strategy + "-" + std::to_string(spec.seed)
          : task.name() + "-" + spec.strategy + "-" + utc_now("%Y%m%d-%H%M%S");
  plan.out_dir = spec.out_dir.empty() ? std::filesystem::path("runs") / name : spec.out_dir;
  if (fresh_directory) require_fresh_directory(plan.out_dir);
  return plan;
}

}  // namespace evojit
