#include "runs/run_validation.hpp"

#include <algorithm>
#include <cmath>
#include <thread>

#include <unistd.h>

#include "support/error.hpp"

namespace evojit {
namespace {

void require_finite(double value, double lo, bool lo_open, const char* flag,
                    const std::string& expected) {
  if (std::isfinite(value) && value >= lo && !(lo_open && value == lo)) return;
  throw_input_error("expected " + expected + ", got " + std::to_string(value), flag);
}

}  // namespace

void require_valid_budget(std::size_t evaluations, double seconds, const std::string& where) {
  if (!std::isfinite(seconds) || seconds < 0.0) {
    throw_input_error("the time budget must be a finite, non-negative number of seconds, got " +
                          std::to_string(seconds),
                      where.empty() ? "--time-budget" : where, "e.g. --time-budget 600 (0: none)");
  }
  if (evaluations == 0 && seconds <= 0.0) {
    throw_input_error("the run has no budget", where.empty() ? "--budget" : where,
                      "give a number of evaluations and/or --time-budget seconds");
  }
}

void validate_run_numbers(const RunSpec& c) {
  require_valid_budget(c.budget_evaluations, c.budget_seconds, "");
  if (c.workers == 0 || c.workers > kMaxWorkers) {
    throw_input_error("expected between 1 and " + std::to_string(kMaxWorkers) + " workers, got " +
                          std::to_string(c.workers),
                      "--workers", "one worker per core is what a run can use");
  }
  const MeasureOptions& m = c.measure;
  if (m.warmup < 0) throw_input_error("expected a non-negative warm-up count", "measure.warmup");
  if (m.min_repetitions < 1 || m.max_repetitions < m.min_repetitions) {
    throw_input_error("expected 1 <= min_repetitions <= max_repetitions, got " +
                          std::to_string(m.min_repetitions) + " and " +
                          std::to_string(m.max_repetitions),
                      "measure.min_repetitions");
  }
  require_finite(m.target_relative_error, 0.0, false, "measure.target_relative_error",
                 "a finite, non-negative number");
  require_finite(m.max_seconds, 0.0, true, "--max-seconds-per-size",
                 "a finite, positive number of seconds");
  if (!(c.collapse_ratio >= 0.0 && c.collapse_ratio <= 1.0)) {
    throw_input_error("expected a number between 0 and 1", "collapse_ratio");
  }
}

std::size_t cap_worker_count(std::size_t requested, std::string* notice) {
  if (notice) notice->clear();
  const std::size_t cores = std::max(1u, std::thread::hardware_concurrency());
  const long pages = ::sysconf(_SC_PHYS_PAGES);
  const long page_size = ::sysconf(_SC_PAGESIZE);
  std::size_t by_memory = requested;
  if (pages > 0 && page_size > 0) {
    const std::size_t memory =
        static_cast<std::size_t>(pages) * static_cast<std::size_t>(page_size);
    by_memory = std::max<std::size_t>(1, memory / kMemoryPerWorker);
  }
  const std::size_t cap = std::min(cores, by_memory);
  if (requested <= cap) return requested;
  if (notice) {
    *notice = "--workers " + std::to_string(requested) + " capped to " + std::to_string(cap) +
              " (this machine has " + std::to_string(cores) + " cores and memory for " +
              std::to_string(by_memory) + " workers at 1 GiB each)";
  }
  return cap;
}

}  // namespace evojit
