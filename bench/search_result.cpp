// Benchmark (b) of the spine: the best fraction of roofline a (1+1) run finds on
// triad and heat2d after a fixed number of evaluations, next to the naive seed's,
// with the held-out verdict. Prints figures; never passes or fails on them.
//
//   bench_search_result [--budget 200] [--seed 1] [--tasks triad,heat2d]
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cli/builtins.hpp"
#include "runs/run.hpp"

int main(int argc, char** argv) {
  std::size_t budget = 200;
  std::uint64_t seed = 1;
  std::string task_list = "triad,heat2d";
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--budget")) budget = std::stoul(argv[i + 1]);
    if (!std::strcmp(argv[i], "--seed")) seed = std::stoull(argv[i + 1]);
    if (!std::strcmp(argv[i], "--tasks")) task_list = argv[i + 1];
  }
  evojit::Registries registries;
  evojit::cli::register_builtins(registries);
  std::printf("(1+1), %zu evaluations, seed %llu\n", budget, static_cast<unsigned long long>(seed));
  evojit::RunObserver observer;
  bool printed = false;
  observer.ceilings = [&](const evojit::MachineProfile& profile, const std::string&) {
    if (printed) return;
    printed = true;
    std::printf("machine: %s, DRAM %.2f GB/s, FMA %.1f GFLOP/s\n\n", profile.cpu_model.c_str(),
                profile.peak_bandwidth() / 1e9, profile.peak_flops() / 1e9);
    std::printf("%-8s %12s %12s %8s %12s %10s %9s\n", "task", "seed frac", "best frac", "gain",
                "held-out", "verdict", "wall s");
  };

  const auto root = std::filesystem::temp_directory_path() /
                    ("evojit-bench-search-" + std::to_string(::getpid()));
  std::stringstream names(task_list);
  std::string name;
  while (std::getline(names, name, ',')) {
    evojit::RunSpec config;
    config.task = name;
    config.strategy = "one-plus-one";
    config.budget_evaluations = budget;
    config.seed = seed;
    config.out_dir = root / name;
    const evojit::RunOutcome outcome = evojit::run(config, registries, observer);
    const double seed_fitness = outcome.seed_fitness.value_or(0.0);
    const double best = outcome.result.best ? outcome.result.best->fitness : 0.0;
    std::printf("%-8s %12.4f %12.4f %7.2fx %12.4f %10s %9.1f\n", name.c_str(), seed_fitness, best,
                seed_fitness > 0 ? best / seed_fitness : 0.0,
                outcome.held_out ? outcome.held_out->held_out_fitness : 0.0,
                outcome.held_out ? outcome.held_out->verdict.c_str() : "-",
                outcome.result.elapsed_s);
    if (outcome.result.best) {
      std::ifstream best(outcome.dir / "best" / "best.json");
      std::printf("         best: %s\n",
                  nlohmann::json::parse(best).value("canonical", std::string()).c_str());
    }
    std::fflush(stdout);
  }
  std::printf("\nrun directories under %s (use `evojit show`)\n", root.c_str());
  return 0;
}
