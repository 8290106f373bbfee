// One run, whatever its kind: `run()` takes a RunSpec and the registries and does
// everything a run does on any backend (runs/run_spec.hpp, evaluators/backend.hpp):
//
//   1. validates the spec and makes the backend, the task's restricted space, the seed,
//      the strategy and the fitness, writing nothing (any user error is one InputError);
//   2. takes the run directory (runs/run_lock.hpp) and writes run.json;
//   3. runs the evolve loop over the candidate pipeline (evaluators/pipeline.hpp) with
//      its journal and checkpoints (runs/run_recorder.hpp);
//   4. writes best/ (the winner's source, best.json with its held-out verdict),
//      t4.json, kernel_tuner_cache.json and summary.json (runs/run_outputs.hpp).
//
// A resumed run (runs/resume.hpp) is the same call with the run directory's state:
// the spec and ceilings come from its run.json and the loop from its checkpoint and
// journal.
//
//   runs/<name>/run.json               spec, backend identity, ceilings, versions, seed
//   runs/<name>/journal.jsonl          one line per evaluation
//   runs/<name>/checkpoint.json        strategy, rng and loop state every N evaluations
//   runs/<name>/best/kernel.cpp|.cu    the winner's source, parameters bound (no replay)
//   runs/<name>/best/best.json         its figures and the held-out verdict
//   runs/<name>/t4.json                every evaluation in the T4 results format
//   runs/<name>/kernel_tuner_cache.json  the measurements as a Kernel Tuner cache
//   runs/<name>/summary.json           how the run ended
#pragma once

#include <filesystem>
#include <functional>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "runs/held_out.hpp"
#include "runs/registries.hpp"
#include "runs/run_spec.hpp"
#include "search/evolve.hpp"

namespace evojit {

struct RunProgress {
  std::size_t evaluations = 0;
  std::size_t budget = 0;  // 0 = no evaluation limit
  double best_fitness = 0.0;
  double elapsed_s = 0.0;
  double budget_seconds = 0.0;
};

struct RunOutcome {
  std::filesystem::path dir;
  EvolveResult result;
  std::optional<HeldOutVerdict> held_out;
  std::optional<double> seed_fitness;  // when the seed was evaluated
};

// What the caller hears while a run goes: all optional.
struct RunObserver {
  std::function<void(const RunProgress&)> progress;
  // Something the user should know (a capped worker count, a profile measured again).
  std::function<void(const std::string&)> notice;
  // The ceilings the run scores against, and the profile file they come from (empty:
  // the backend's default location), once known.
  std::function<void(const MachineProfile&, const std::string& source)> ceilings;
};

// A fresh run. Throws InputError, having written nothing, on bad input.
RunOutcome run(const RunSpec& spec, const Registries& registries, const RunObserver& observer = {});

// The state of a run directory to continue (runs/resume.hpp fills it from run.json).
struct ResumeState {
  nlohmann::json run_json;                 // as read; its content hash checked
  std::optional<MachineProfile> ceilings;  // the ones the run was scored with
  // Called once everything is known to be usable, before the first write.
  std::function<void()> before_first_write;
};

// Continues the run in spec.out_dir (whose lock the caller holds) as run() would have.
RunOutcome resume_run(const RunSpec& spec, const Registries& registries, const ResumeState& state,
                      const RunObserver& observer = {});

// Versions recorded in run.json.
nlohmann::json evojit_versions();

}  // namespace evojit
