// What a run leaves when it ends, on any backend: best/ (the winner's source and
// best.json with its held-out verdict), t4.json, kernel_tuner_cache.json and
// summary.json, from the loop's result and the records the run kept.
#pragma once

#include <filesystem>
#include <vector>

#include "evaluators/pipeline.hpp"
#include "interop/t4_output.hpp"
#include "runs/run.hpp"

namespace evojit {

struct RunOutputs {
  const RunSpec& spec;
  const std::filesystem::path& dir;
  CandidatePipeline& pipeline;  // the held-out check runs through it
  const std::vector<T4Record>& records;
  double wall_s = 0.0;  // this process's time for the whole run
};

// Evaluates the winner on the held-out sizes (when the task has any), writes the files
// and fills outcome.held_out.
void write_run_outputs(const RunOutputs& outputs, RunOutcome& outcome);

}  // namespace evojit
