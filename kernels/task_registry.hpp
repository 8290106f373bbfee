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

// The built-in tasks; also the test-only tasks when EVOJIT_ENABLE_TEST_TASKS=1 is set
// in the environment (driver and workers inherit it alike).
void register_builtin_tasks(TaskRegistry& registry);
// Tests only: tasks that misbehave on purpose (kernels/fault_injection.hpp).
void register_test_tasks(TaskRegistry& registry);

}  // namespace evojit
