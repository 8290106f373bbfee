#include "runs/run_spec.hpp"

namespace evojit {

nlohmann::json to_json(const RunSpec& c) {
  nlohmann::json j = {{"backend", c.backend},
                      {"backend_options", c.backend_options},
                      {"task", c.task},
                      {"strategy", c.strategy},
                      {"strategy_params", c.strategy_params},
                      {"fitness", c.fitness},
                      {"fitness_params", c.fitness_params},
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
  if (!c.task_file.empty()) j["task_file"] = c.task_file.string();
  if (c.peak_bandwidth) j["peak_bandwidth"] = *c.peak_bandwidth;
  if (c.peak_flops) j["peak_flops"] = *c.peak_flops;
  if (!c.plugins.empty()) j["plugins"] = c.plugins;
  if (c.cache.enabled) {
    j["cache"] = {{"file", c.cache.file.string()},
                  {"measurements", c.cache.measurements},
                  {"forget_probability", c.cache.forget_probability}};
  }
  return j;
}

}  // namespace evojit
