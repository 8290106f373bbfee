// evojit-worker: the process that compiles and runs candidates of the built-in tasks
// (its command line: backends/cpu/cpu_worker_command.hpp). Its allocator hooks
// (backends/cpu/allocation_failure_hooks.cpp) are linked in beside it.
#include "backends/cpu/cpu_worker_command.hpp"
#include "kernels/task_registry.hpp"

int main(int argc, char** argv) {
  evojit::TaskRegistry tasks;
  evojit::register_builtin_tasks(tasks);
  return evojit::run_cpu_worker(argc, argv, tasks);
}
