#include "runs/run_config.hpp"

namespace evojit {

nlohmann::json to_json(const RunConfig& c) {
  return {{"task", c.task},
          {"strategy", c.strategy},
          {"strategy_params", c.strategy_params},
          {"budget_evaluations", c.budget_evaluations},
          {"budget_seconds", c.budget_seconds},
          {"seed", c.seed},
          {"overrides", c.overrides},
          {"constraints", c.constraints},
          {"workers", c.workers},
          {"measure",
           {{"warmup", c.measure.warmup},
            {"min_repetitions", c.measure.min_repetitions},
            {"max_repetitions", c.measure.max_repetitions},
            {"target_relative_error", c.measure.target_relative_error},
            {"max_seconds", c.measure.max_seconds}}},
          {"collapse_ratio", c.collapse_ratio},
          {"checkpoint_every", c.checkpoint_every}};
}

}  // namespace evojit
