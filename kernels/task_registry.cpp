#include "kernels/task_registry.hpp"

#include <algorithm>

#include "kernels/heat2d.hpp"
#include "kernels/triad.hpp"
#include "support/error.hpp"

namespace evojit {

void TaskRegistry::add(std::unique_ptr<Task> task) {
  if (!task) throw_input_error("cannot register a null task", "task registry");
  const std::string name = task->name();
  if (find(name) != nullptr) {
    throw_input_error("task '" + name + "' is already registered", "task registry",
                      "give the task a different name");
  }
  tasks_.push_back(std::move(task));
}

const Task& TaskRegistry::get(const std::string& name) const {
  if (const Task* task = find(name)) return *task;
  std::string known;
  for (const std::string& n : names()) known += (known.empty() ? "" : ", ") + n;
  throw_input_error("unknown task '" + name + "'", "",
                    known.empty() ? "no tasks are registered" : "known tasks: " + known);
}

const Task* TaskRegistry::find(const std::string& name) const {
  for (const auto& task : tasks_) {
    if (task->name() == name) return task.get();
  }
  return nullptr;
}

std::vector<std::string> TaskRegistry::names() const {
  std::vector<std::string> out;
  out.reserve(tasks_.size());
  for (const auto& task : tasks_) out.push_back(task->name());
  std::sort(out.begin(), out.end());
  return out;
}

void register_builtin_tasks(TaskRegistry& registry) {
  registry.add(make_triad_task());
  registry.add(make_heat2d_task());
}

}  // namespace evojit
