// Tasks by name. Filled explicitly (register_builtin_tasks, called once from cli/ or
// the worker); no static self-registration.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "kernels/task.hpp"

namespace evojit {

class TaskRegistry {
 public:
  void add(std::unique_ptr<Task> task);  // throws InputError on a duplicate name
  // Throws InputError listing the known tasks when `name` is unknown.
  const Task& get(const std::string& name) const;
  const Task* find(const std::string& name) const;
  std::vector<std::string> names() const;

 private:
  std::vector<std::unique_ptr<Task>> tasks_;
};

// The built-in tasks, the only ones the shipped evojit and evojit-worker know. Tasks
// that misbehave on purpose live in the test tree (tests/kernels/fault_tasks.hpp).
void register_builtin_tasks(TaskRegistry& registry);

}  // namespace evojit
