// A run configuration written as a JSON file (`evojit run --config run.json`):
//
//   {"backend": "cpu", "backend_options": {...}, "task": "heat2d",
//    "strategy": "regularized-evolution", "strategy_params": {...},
//    "fitness": "roofline", "fitness_params": {...},
//    "budget": {"evaluations": 200, "seconds": 600}, "seed": 3, "out": "runs/h",
//    "overrides": {"THREADS": 1} or ["THREADS=1"], "constraints": ["TILE_X >= 64"],
//    "workers": 2, "measure": {"warmup", "min_repetitions", "max_repetitions",
//    "target_relative_error", "max_seconds"}, "collapse_ratio": 0.5, "profile": "p.json"}
//
// Every key is optional (a missing one keeps RunSpec's default); an unknown key is an
// error, so a typo is never silently ignored. Paths are used as written (relative to
// the current directory, like the command-line flags). Every error is an InputError
// naming the file and the JSON pointer: "run.json: /budget/evaluations: expected a
// positive integer or 0 (no limit), got -3".
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "runs/run_spec.hpp"

namespace evojit {

// Reads and parses a file; throws InputError (missing, unreadable, empty, not JSON,
// or any problem parse_run_config reports).
RunSpec load_run_config(const std::filesystem::path& file);

// Parses the text of a run configuration; `where` names it in errors.
RunSpec parse_run_config(std::string_view text, const std::string& where);

}  // namespace evojit
