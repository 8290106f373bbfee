// The worker process of tune_scale: evojit's tasks plus the user's.
#include "backends/cpu/cpu_worker_command.hpp"
#include "scale_task.hpp"

int main(int argc, char** argv) {
  evojit::TaskRegistry tasks;
  evojit::register_builtin_tasks(tasks);
  tasks.add(scale_task());
  return evojit::run_cpu_worker(argc, argv, tasks);
}
