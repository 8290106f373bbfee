#include "runs/resume.hpp"

#include <fstream>
#include <iterator>

#include "evaluators/evaluation_json.hpp"
#include "runs/checkpoint.hpp"
#include "runs/replay_run.hpp"
#include "runs/run_plan.hpp"
#include "support/atomic_file.hpp"
#include "support/error.hpp"
#include "support/files.hpp"

namespace evojit {
namespace {

using nlohmann::json;

json read_run_json(const std::filesystem::path& dir) {
  const std::filesystem::path path = dir / "run.json";
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec) || !std::filesystem::exists(path, ec)) {
    throw_input_error("not a run directory (no run.json)", dir.string(),
                      "give the directory `evojit run --out` wrote");
  }
  const std::string text = read_bounded_file(path, kConfigFileCap, "run.json");
  try {
    json run = json::parse(text);
    if (!run.is_object() || !run.contains("config") || !run.at("config").is_object()) {
      throw_input_error("run.json has no /config object", path.string());
    }
    return run;
  } catch (const json::exception& e) {
    throw_input_error(std::string("run.json is not JSON: ") + e.what(), path.string());
  }
}

ReplayRunConfig replay_config_from_run_json(const json& c, const std::filesystem::path& dir) {
  ReplayRunConfig rc;
  rc.cache_file = c.at("replay").get<std::string>();
  rc.t1_file = c.value("t1", std::string());
  rc.strategy = c.at("strategy").get<std::string>();
  rc.strategy_params = c.value("strategy_params", json::object());
  rc.budget_evaluations = c.at("budget_evaluations").get<std::size_t>();
  rc.budget_seconds = c.value("budget_seconds", 0.0);
  rc.seed = c.at("seed").get<std::uint64_t>();
  rc.checkpoint_every = c.value("checkpoint_every", rc.checkpoint_every);
  rc.out_dir = dir;
  return rc;
}

}  // namespace

RunConfig run_config_from_run_json(const json& c, const std::string& where) {
  RunConfig config;
  try {
    config.task = c.at("task").get<std::string>();
    config.strategy = c.at("strategy").get<std::string>();
    config.strategy_params = c.value("strategy_params", json::object());
    config.budget_evaluations = c.at("budget_evaluations").get<std::size_t>();
    config.budget_seconds = c.value("budget_seconds", 0.0);
    config.seed = c.at("seed").get<std::uint64_t>();
    config.overrides = c.value("overrides", std::vector<std::string>{});
    config.constraints = c.value("constraints", std::vector<std::string>{});
    config.workers = c.value("workers", config.workers);
    if (c.contains("measure")) config.measure = measure_options_from_json(c.at("measure"));
    config.collapse_ratio = c.value("collapse_ratio", config.collapse_ratio);
    config.checkpoint_every = c.value("checkpoint_every", config.checkpoint_every);
  } catch (const json::exception& e) {
    throw_input_error(std::string("run.json: /config: ") + e.what(), where);
  }
  return config;
}

ResumeStatus resume_run_directory(const std::filesystem::path& dir, const TaskRegistry& tasks,
                                  const StrategyRegistry& strategies, const ResumeOptions& options,
                                  const std::function<void(const RunProgress&)>& progress) {
  json run = read_run_json(dir);
  json& config_json = run.at("config");
  const std::string where = (dir / "run.json").string();
  const bool replay = config_json.contains("replay");
  const bool finished = std::filesystem::exists(dir / "summary.json");
  std::size_t budget = 0;
  try {
    budget = config_json.at("budget_evaluations").get<std::size_t>();
  } catch (const json::exception& e) {
    throw_input_error(std::string("run.json: /config/budget_evaluations: ") + e.what(), where);
  }
  const bool extend = options.budget_evaluations && *options.budget_evaluations != budget;
  if (finished && !(extend && *options.budget_evaluations > budget)) {
    return ResumeStatus::already_finished;
  }
  // A CUDA run's directory has a journal and checkpoints too, but continuing it needs
  // the CUDA backend, which this layer does not link: refuse rather than resume it
  // on the CPU.
  if (run.contains("device") && run.at("device") != "cpu") {
    throw_input_error("a run on device " + run.at("device").dump() + " cannot be resumed", where,
                      "start it again with evojit run --device");
  }
  if (extend) {
    // Checked before run.json changes, so that a bad checkpoint leaves the run as it was.
    read_checkpoint(dir);
    config_json["budget_evaluations"] = *options.budget_evaluations;
    write_file_atomically(dir / "run.json", run.dump(2) + "\n");
    // Not finished any more: a kill from here on leaves an interrupted run.
    std::filesystem::remove(dir / "summary.json");
  }

  if (replay) {
    ReplayRunConfig rc;
    try {
      rc = replay_config_from_run_json(config_json, dir);
    } catch (const json::exception& e) {
      throw_input_error(std::string("run.json: /config: ") + e.what(), where);
    }
    resume_replay_run(rc, strategies);
    return ResumeStatus::resumed;
  }
  RunConfig config = run_config_from_run_json(config_json, where);
  config.out_dir = dir;
  if (!run.contains("machine_profile")) {
    throw_input_error("run.json has no machine profile", where);
  }
  const MachineProfile profile = machine_profile_from_json(run.at("machine_profile"), where);
  RunPlan plan = plan_run(config, tasks, strategies, /*fresh_directory=*/false);
  resume_run(plan, profile, progress);
  return ResumeStatus::resumed;
}

}  // namespace evojit
