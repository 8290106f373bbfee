#include "runs/resume.hpp"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <iterator>

#include "evaluators/evaluation_json.hpp"
#include "runs/checkpoint.hpp"
#include "runs/journal.hpp"
#include "runs/replay_run.hpp"
#include "runs/run_identity.hpp"
#include "runs/run_lock.hpp"
#include "runs/run_plan.hpp"
#include "runs/run_validation.hpp"
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

// The journal's records checked before anything is written: each of this run (its
// run id), with ids 0, 1, 2, ... and a finite, non-negative fitness and time (the
// recorder checks them again, with the space, as it restores). Returns how many.
std::size_t require_own_journal(const std::filesystem::path& dir, const std::string& run_id) {
  const std::filesystem::path path = dir / "journal.jsonl";
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return 0;
  const std::vector<json> records = read_journal(path);
  for (std::size_t i = 0; i < records.size(); ++i) {
    const json& r = records[i];
    const std::string where = path.string() + ":" + std::to_string(i + 1);
    if (!r.is_object()) throw_input_error("corrupt journal record: not an object", where);
    require_same_run(run_id, r.value("run_id", json()), where, "the journal record");
    auto finite_non_negative = [&](const char* key) {
      const auto it = r.find(key);
      return it != r.end() && it->is_number() && std::isfinite(it->get<double>()) &&
             it->get<double>() >= 0.0;
    };
    const auto id = r.find("id");
    if (id == r.end() || !id->is_number_unsigned() || id->get<std::uint64_t>() != i ||
        !finite_non_negative("fitness") || !finite_non_negative("elapsed_s")) {
      throw_input_error("impossible journal record (id, fitness or elapsed_s)", where,
                        "the journal was edited; ids count 0, 1, 2, ... and fitness and time "
                        "are finite and >= 0");
    }
  }
  return records.size();
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
  read_run_json(dir);  // "not a run directory" before a lock file is made in it
  // One writer per run: held until the resumed run has finished or stopped.
  const RunLock lock = lock_run_directory(dir, /*create=*/false);
  json run = read_run_json(dir);
  const std::string where = (dir / "run.json").string();
  require_unedited_run_json(run, where);
  const std::size_t done = require_own_journal(dir, run.value("run_id", std::string()));
  json& config_json = run.at("config");
  const bool replay = config_json.contains("replay");
  const bool finished = std::filesystem::exists(dir / "summary.json");
  std::size_t budget = 0;
  try {
    budget = config_json.at("budget_evaluations").get<std::size_t>();
  } catch (const json::exception& e) {
    throw_input_error(std::string("run.json: /config/budget_evaluations: ") + e.what(), where);
  }
  if (options.budget_evaluations) {
    const std::size_t asked = *options.budget_evaluations;
    if (asked == 0 || asked < done) {
      throw_input_error("a budget of " + std::to_string(asked) + " evaluations is below the " +
                            std::to_string(done) + " this run has done",
                        "--budget",
                        "give at least " + std::to_string(std::max<std::size_t>(done, 1)));
    }
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
  // Checked before run.json changes, so that a bad checkpoint leaves the run as it was.
  if (const std::optional<Checkpoint> checkpoint = read_checkpoint(dir)) {
    require_same_run(run.value("run_id", std::string()),
                     checkpoint->run_id.empty() ? json() : json(checkpoint->run_id),
                     (dir / kCheckpointFile).string(), "the checkpoint");
  }
  auto extend_budget = [&] {
    if (!extend) return;
    config_json["budget_evaluations"] = *options.budget_evaluations;
    write_run_json(dir, run);
    // Not finished any more: a kill from here on leaves an interrupted run.
    std::filesystem::remove(dir / "summary.json");
  };

  if (replay) {
    ReplayRunConfig rc;
    try {
      rc = replay_config_from_run_json(config_json, dir);
    } catch (const json::exception& e) {
      throw_input_error(std::string("run.json: /config: ") + e.what(), where);
    }
    if (extend) rc.budget_evaluations = *options.budget_evaluations;
    require_valid_budget(rc.budget_evaluations, rc.budget_seconds, where);
    if (run.contains("replay_cache_hash") &&
        run.at("replay_cache_hash") != cache_file_hash(rc.cache_file)) {
      throw_input_error("the cache file is not the one this run replays (its content changed)",
                        rc.cache_file.string(), "restore the original cache file");
    }
    extend_budget();
    resume_replay_run(rc, strategies, progress);
    return ResumeStatus::resumed;
  }
  RunConfig config = run_config_from_run_json(config_json, where);
  config.out_dir = dir;
  if (!run.contains("machine_profile")) {
    throw_input_error("run.json has no machine profile", where);
  }
  const MachineProfile profile = machine_profile_from_json(run.at("machine_profile"), where);
  RunPlan plan = plan_run(config, tasks, strategies, /*fresh_directory=*/false);
  if (extend) plan.config.budget_evaluations = *options.budget_evaluations;
  resume_run(plan, profile, progress, extend_budget);
  return ResumeStatus::resumed;
}

}  // namespace evojit
