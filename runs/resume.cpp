#include "runs/resume.hpp"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <iterator>

#include "evaluators/evaluation_json.hpp"
#include "runs/checkpoint.hpp"
#include "runs/journal.hpp"
#include "runs/run.hpp"
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

// run.json of a replay written before backends had names: {"replay": cache, "t1": ...}.
void upgrade_old_replay_config(json& c) {
  if (!c.contains("replay") || c.contains("backend")) return;
  c["backend"] = "replay";
  c["backend_options"] = {{"cache", c.at("replay")}};
  if (!c.value("t1", std::string()).empty()) c["backend_options"]["t1"] = c.at("t1");
  c.erase("replay");
  c.erase("t1");
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

RunSpec run_config_from_run_json(const json& c, const std::string& where) {
  RunSpec config;
  try {
    config.backend = c.value("backend", config.backend);
    config.backend_options = c.value("backend_options", json::object());
    config.task = c.value("task", std::string());
    config.task_file = c.value("task_file", std::string());
    config.strategy = c.at("strategy").get<std::string>();
    config.strategy_params = c.value("strategy_params", json::object());
    config.fitness = c.value("fitness", std::string());
    config.fitness_params = c.value("fitness_params", json::object());
    config.budget_evaluations = c.at("budget_evaluations").get<std::size_t>();
    config.budget_seconds = c.value("budget_seconds", 0.0);
    config.seed = c.at("seed").get<std::uint64_t>();
    config.overrides = c.value("overrides", std::vector<std::string>{});
    config.constraints = c.value("constraints", std::vector<std::string>{});
    config.workers = c.value("workers", config.workers);
    if (c.contains("measure")) config.measure = measure_options_from_json(c.at("measure"));
    config.collapse_ratio = c.value("collapse_ratio", config.collapse_ratio);
    config.checkpoint_every = c.value("checkpoint_every", config.checkpoint_every);
    if (c.contains("peak_bandwidth")) config.peak_bandwidth = c.at("peak_bandwidth").get<double>();
    if (c.contains("peak_flops")) config.peak_flops = c.at("peak_flops").get<double>();
    config.plugins = c.value("plugins", std::vector<std::string>{});
    // A run recorded without a store resumes without one.
    config.cache.enabled = c.contains("cache");
    if (config.cache.enabled) {
      const json& cache = c.at("cache");
      config.cache.file = cache.at("file").get<std::string>();
      config.cache.measurements = cache.at("measurements").get<std::size_t>();
      config.cache.forget_probability = cache.at("forget_probability").get<double>();
    }
  } catch (const json::exception& e) {
    throw_input_error(std::string("run.json: /config: ") + e.what(), where);
  }
  return config;
}

ResumeStatus resume_run_directory(const std::filesystem::path& dir, const Registries& registries,
                                  const ResumeOptions& options, const RunObserver& observer) {
  read_run_json(dir);  // "not a run directory" before a lock file is made in it
  // One writer per run: held until the resumed run has finished or stopped.
  const RunLock lock = lock_run_directory(dir, /*create=*/false);
  json run = read_run_json(dir);
  const std::string where = (dir / "run.json").string();
  require_unedited_run_json(run, where);
  const std::size_t done = require_own_journal(dir, run.value("run_id", std::string()));
  json& config_json = run.at("config");
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
  // Checked before run.json changes, so that a bad checkpoint leaves the run as it was.
  if (const std::optional<Checkpoint> checkpoint = read_checkpoint(dir)) {
    require_same_run(run.value("run_id", std::string()),
                     checkpoint->run_id.empty() ? json() : json(checkpoint->run_id),
                     (dir / kCheckpointFile).string(), "the checkpoint");
  }
  upgrade_old_replay_config(config_json);
  // A run written before run.json named its backend: a CUDA run said so in "device".
  if (!config_json.contains("backend") && run.contains("device") && run.at("device") != "cpu") {
    config_json["backend"] = "cuda";
  }
  RunSpec spec = run_config_from_run_json(config_json, where);
  spec.out_dir = dir;
  if (extend) spec.budget_evaluations = *options.budget_evaluations;
  require_valid_budget(spec.budget_evaluations, spec.budget_seconds, where);
  ResumeState state;
  state.run_json = run;
  // The ceilings the run was scored with, never measured again: a resumed run's
  // fitness must be comparable with its journal's.
  if (run.contains("machine_profile")) {
    state.ceilings = machine_profile_from_json(run.at("machine_profile"), where);
  }
  if (!run.contains("backend") && run.contains("replay_cache_hash")) {
    state.run_json["backend"] = {{"identity", {{"cache_hash", run.at("replay_cache_hash")}}}};
  }
  state.before_first_write = [&] {
    if (!extend) return;
    config_json["budget_evaluations"] = *options.budget_evaluations;
    write_run_json(dir, run);
    // Not finished any more: a kill from here on leaves an interrupted run.
    std::filesystem::remove(dir / "summary.json");
  };
  resume_run(spec, registries, state, observer);
  return ResumeStatus::resumed;
}

}  // namespace evojit
