// `evojit resume RUN`: continues a run that was stopped or killed, from its
// checkpoint and journal, and finishes it as a normal run (best/, held-out verdict,
// summary.json, t4.json). The run's own run.json says what it was: a tuning run
// (task, strategy, sizes, the machine profile it was scored with) or a replay.
// No evaluation is lost or done twice; a replay run ends with exactly the journal
// of an uninterrupted one.
#pragma once

#include <filesystem>
#include <functional>
#include <optional>

#include "runs/run.hpp"

namespace evojit {

struct ResumeOptions {
  // A new evaluation budget; one larger than the run's extends it, finished or not.
  std::optional<std::size_t> budget_evaluations;
};

enum class ResumeStatus { resumed, already_finished };

// Throws InputError, having changed nothing, when `dir` is not a run directory or
// its checkpoint or journal cannot be used.
// Any kind of run (cpu, cuda, replay, a user's backend) resumes here: run.json names
// its backend, which the registries must hold.
ResumeStatus resume_run_directory(const std::filesystem::path& dir, const Registries& registries,
                                  const ResumeOptions& options = {},
                                  const RunObserver& observer = {});

// The tuning run configuration stored in run.json ("config", as to_json(RunSpec)
// writes it). Throws InputError naming the JSON pointer.
RunSpec run_config_from_run_json(const nlohmann::json& config, const std::string& where);

}  // namespace evojit
