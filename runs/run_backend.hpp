// The part of a tuning run that does not depend on the backend, shared by the CPU
// run (runs/tuning_run.hpp) and the CUDA run (runs/cuda_tuning_run.hpp): the evolve
// loop with its journal and checkpoints, best/, the held-out verdict, t4.json and
// summary.json. A backend builds its Evaluator, writes run.json and hands over.
#pragma once

#include <functional>
#include <string>

#include <nlohmann/json.hpp>

#include "evaluators/evaluator.hpp"
#include "evaluators/machine_profile.hpp"
#include "runs/run_plan.hpp"
#include "runs/tuning_run.hpp"

namespace evojit {

// What the shared part needs from a backend besides the Evaluator the loop drives.
struct RunBackend {
  Evaluator& evaluator;
  // The winner's source goes to best/<kernel_file> ("kernel.cpp", "kernel.cu").
  std::string kernel_file;
  std::function<std::string(const Config&)> source;
  // The winner scored once on the task's held-out sizes.
  std::function<Evaluation(const Config&)> evaluate_held_out;
  // The device measured on, as kernel_tuner_cache.json names it (Kernel Tuner
  // refuses to mix caches of different devices); empty: "unknown".
  std::string device_name = {};
};

// run.json's fields every backend writes: config, machine profile, versions, seed,
// the space's size and the number of training and held-out sizes.
nlohmann::json run_json(const RunPlan& plan, const MachineProfile& profile);

// The run in plan.out_dir, whose run.json is written: journal.jsonl and
// checkpoint.json as it goes (restored from them first when `resuming`), then
// best/, the held-out verdict, t4.json and summary.json.
RunOutcome run_with_backend(RunPlan& plan, const RunBackend& backend,
                            const std::function<void(const RunProgress&)>& progress, bool resuming);

}  // namespace evojit
