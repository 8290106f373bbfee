// Tunes the user's task through the C++ API: the registries with evojit's built-ins
// and the task, a RunSpec, run(). Usage: tune_scale OUT_DIR [MACHINE_PROFILE]
#include <cstdio>
#include <cstdlib>
#include <filesystem>

#include "scale_task.hpp"

int main(int argc, char** argv) {
  if (argc < 2) return std::fprintf(stderr, "usage: tune_scale OUT_DIR [MACHINE_PROFILE]\n"), 2;
  // Candidates run in a worker that knows the task: ours, beside this program.
  const auto self = std::filesystem::read_symlink("/proc/self/exe");
  setenv("EVOJIT_WORKER", (self.parent_path() / "scale_worker").c_str(), 1);

  evojit::Registries registries;
  evojit::cli::register_builtins(registries);
  registries.tasks.add(scale_task());
  evojit::RunSpec spec;
  spec.task = "scale";
  spec.strategy = "random";
  spec.fitness = "speedup";
  spec.budget_evaluations = 3;
  spec.measure.max_seconds = 0.05;
  spec.out_dir = argv[1];
  if (argc > 2) spec.profile_path = argv[2];  // else the machine's, measured once
  const evojit::RunOutcome outcome = evojit::run(spec, registries);
  std::printf("best speedup over the seed %.3f in %s\n",
              outcome.result.best ? outcome.result.best->fitness : 0.0, outcome.dir.c_str());
  return outcome.result.best ? 0 : 3;
}
