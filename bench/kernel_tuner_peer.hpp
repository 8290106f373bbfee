// Kernel Tuner as the peer in bench_search_efficiency: its strategies run through
// bench/kernel_tuner_runs.py (simulation mode, the same space, budget and number of
// repeats as evojit's runs), and the best-so-far curves come back here to be scored
// by the same scorer. Nothing of the peer's is recorded in this repository: the
// curves are produced when the bench runs (or read from a file that the same script
// wrote, --kernel-tuner-runs).
#pragma once

#include <cstddef>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace evojit::bench {

struct PeerRun {
  std::string strategy;
  std::size_t repeat = 0;
  // Best recorded time (ms) after each configuration Kernel Tuner charged; +inf
  // before the first that ran.
  std::vector<double> curve;
};

// Whether `python` can import kernel_tuner (its version, or nullopt).
std::optional<std::string> kernel_tuner_version(const std::string& python);

// Runs the driver on one cache; throws std::runtime_error with its output when it fails.
std::vector<PeerRun> run_kernel_tuner(const std::string& python,
                                      const std::filesystem::path& driver,
                                      const std::filesystem::path& cache, std::size_t budget,
                                      std::size_t repeats,
                                      const std::vector<std::string>& strategies);

// Reads lines the driver printed earlier: space stem -> runs. Runs recorded with
// another budget than `budget_of(space)` are an error (std::runtime_error).
std::map<std::string, std::vector<PeerRun>> read_kernel_tuner_runs(
    const std::filesystem::path& file, const std::map<std::string, std::size_t>& budgets);

}  // namespace evojit::bench
