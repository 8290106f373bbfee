// A tuning run end to end: machine profile, run directory, the evolve loop with its
// journal, the best kernel written out, and the held-out verdict.
//
//   runs/<name>/run.json        config, machine profile, versions, seed
//   runs/<name>/journal.jsonl   one line per evaluation
//   runs/<name>/best/kernel.cpp the best kernel source, parameters bound
//   runs/<name>/best/best.json  its per-size figures and the held-out verdict
//   runs/<name>/summary.json    how the run ended
//   runs/<name>/t4.json         every evaluation in the community's T4 results format
//   runs/<name>/checkpoint.json strategy, rng and loop state every N evaluations
#pragma once

#include <filesystem>
#include <functional>
#include <optional>

#include <nlohmann/json.hpp>

#include "backends/cpu/cpu_machine_profile.hpp"
#include "evaluators/machine_profile.hpp"
#include "runs/held_out.hpp"
#include "runs/run_plan.hpp"
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

// ensure_machine_profile() moved to the CPU backend; included for its callers.

RunOutcome execute_run(RunPlan& plan, const MachineProfile& profile,
                       const std::function<void(const RunProgress&)>& progress = {});
// Continues the run in plan.out_dir (run.json written, maybe killed mid-run) from its
// checkpoint and journal, and finishes it as execute_run does. InputError when the
// checkpoint or the journal cannot be used, or no worker starts (nothing is written
// then; `before_first_write` runs once both are known to be fine). The caller holds
// the directory's lock (runs/run_lock.hpp).
RunOutcome resume_run(RunPlan& plan, const MachineProfile& profile,
                      const std::function<void(const RunProgress&)>& progress = {},
                      const std::function<void()>& before_first_write = {});

// Versions recorded in run.json.
nlohmann::json evojit_versions();

}  // namespace evojit
