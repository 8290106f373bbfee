#include "cli/builtins.hpp"

#include "backends/replay/replay_backend.hpp"
#ifdef EVOJIT_HAS_CPU_BACKEND
#include "backends/cpu/cpu_backend.hpp"
#endif
#ifdef EVOJIT_HAS_CUDA
#include "backends/cuda/cuda_backend.hpp"
#endif

namespace evojit::cli {

void register_builtins(Registries& registries) {
  register_builtin_tasks(registries.tasks);
  register_builtin_strategies(registries.strategies);
  register_builtin_mutators(registries.mutators);
  register_builtin_fitness(registries.fitness);
  // The backends this build has; which one a run uses is the registry's business.
#ifdef EVOJIT_HAS_CPU_BACKEND
  register_cpu_backend(registries.backends);
#endif
#ifdef EVOJIT_HAS_CUDA
  register_cuda_backend(registries.backends);
#endif
  register_replay_backend(registries.backends);
}

}  // namespace evojit::cli
