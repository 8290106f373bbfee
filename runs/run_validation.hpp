// The numbers of a run checked in one place, whoever filled the RunSpec (the
// command line, a config file, run.json on resume, a library user): anything a run
// cannot honour is an InputError naming the flag, before a file is written. The
// command line's own parsing (negative or overflowing text) is cli/number_options.
//
// Worker count: more than kMaxWorkers is refused as a typo; within that, a run gets
// at most one worker per core and per kMemoryPerWorker of physical memory (compiles
// overlap but measurements do not, so more workers than cores only slow the
// measurements down, and each worker's JIT needs memory of its own). A capped count
// is reported in RunPlan::notices.
#pragma once

#include <cstddef>
#include <string>

#include "runs/run_spec.hpp"

namespace evojit {

inline constexpr std::size_t kMaxWorkers = 4096;
inline constexpr std::size_t kMemoryPerWorker = std::size_t{1} << 30;

// Throws InputError when the run has no budget or a time budget that is not a
// finite, non-negative number of seconds.
void require_valid_budget(std::size_t evaluations, double seconds, const std::string& where);

// Every number of `config`; throws InputError naming the flag.
void validate_run_numbers(const RunSpec& config);

// `requested` capped by this machine's cores and memory; `notice` (when given) is
// set to a sentence saying so when it was capped, and cleared otherwise.
std::size_t cap_worker_count(std::size_t requested, std::string* notice = nullptr);

}  // namespace evojit
