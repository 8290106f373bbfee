// evojit-test-worker: evojit-worker with the test-only tasks (tests/kernels/fault_tasks.hpp)
// beside the built-in ones. The suites that run fault tasks point EVOJIT_WORKER at it
// (tests/CMakeLists.txt); the shipped worker cannot run them.
#include "backends/cpu/cpu_worker_command.hpp"
#include "kernels/task_registry.hpp"
#include "tests/kernels/fault_tasks.hpp"

int main(int argc, char** argv) {
  evojit::TaskRegistry tasks;
  evojit::register_builtin_tasks(tasks);
  evojit::register_fault_tasks(tasks);
  return evojit::run_cpu_worker(argc, argv, tasks);
}
