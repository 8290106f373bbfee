// Everything a run needs, resolved and validated from a RunSpec before a single file
// is written: the backend (and through it the task), the restricted space, the start
// point, the strategy and the output directory. Any user error surfaces here as one
// InputError, so a bad command line leaves nothing behind.
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "evaluators/backend.hpp"
#include "runs/registries.hpp"
#include "runs/run_spec.hpp"
#include "search/strategy.hpp"

namespace evojit {

struct RunPlan {
  RunSpec spec;  // workers capped
  // The task of spec.task_file, which the backend refers to: declared first, so it
  // outlives the backend.
  std::shared_ptr<TaskRegistry> manifest_tasks;
  std::unique_ptr<Backend> backend;
  ParameterSpace space;        // the task's space with overrides and constraints applied
  std::optional<Config> seed;  // the naive kernel, adjusted to the overrides, if valid
  std::unique_ptr<Strategy> strategy;
  std::filesystem::path out_dir;
  // What the plan changed and the user should hear (a capped worker count).
  std::vector<std::string> notices;
};

// `fresh_directory`: the output directory must not hold anything yet (false for a
// run being resumed).
RunPlan plan_run(const RunSpec& spec, const Registries& registries, bool fresh_directory = true);

// Applies "NAME=VALUE" overrides and extra constraints to a space; throws
// InputError (malformed override, unknown parameter, value not allowed) or
// ExpressionError (constraint does not parse; the column is in the message).
ParameterSpace restrict_space(const ParameterSpace& space,
                              const std::vector<std::string>& overrides,
                              const std::vector<std::string>& constraints);

// Throws InputError when `dir` exists and is not an empty directory.
void require_fresh_directory(const std::filesystem::path& dir);

}  // namespace evojit
