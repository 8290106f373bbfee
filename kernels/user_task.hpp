// A task as a plain struct: fill in a TaskSpec (name, space, seed, kernel template
// or render function, sizes, workload, instantiate) and make_task() turns it into a
// Task for a TaskRegistry, without deriving from Task and implementing its nine
// members. The spec is checked once, here, so a mistake is an InputError naming the
// field at registration rather than a failing run later.
//
// Where it must be registered: the driver describes candidates from the Task, and
// the process that runs them (the CPU worker, backends/cpu/cpu_worker_service.cpp)
// builds a size's data with instantiate(), so the task has to be in the registry of
// both; today the worker fills its own from register_builtin_tasks, so a TaskSpec
// task added only in the driver is unknown to an out-of-process worker.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "kernels/task.hpp"

namespace evojit {

struct TaskSpec {
  std::string name;
  std::string summary;
  ParameterSpace space;
  // The naive kernel: name -> value, missing names take their parameter's default.
  std::map<std::string, Value> seed;
  // render_with_defines(kernel_template, bindings), unless `render` is set.
  std::string kernel_template;
  std::function<std::string(const std::map<std::string, Value>&)> render;
  std::vector<ProblemSize> training_sizes;
  std::vector<ProblemSize> held_out_sizes;
  std::function<Workload(const ProblemSize&)> workload;
  std::function<std::unique_ptr<ProblemInstance>(const ProblemSize&)> instantiate;
  bool updates_in_place = false;
};

// Throws InputError when the name is empty, neither a template nor a render
// function is given, workload or instantiate is missing, there are no training
// sizes, or the seed names an unknown parameter or value or breaks a constraint.
std::unique_ptr<Task> make_task(TaskSpec spec);

}  // namespace evojit
