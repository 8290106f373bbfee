#include "cli/commands.hpp"

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <memory>

#include <unistd.h>

#include "cli/builtins.hpp"
#include "cli/cache_command.hpp"
#include "cli/number_options.hpp"
#include "cli/plugin_flags.hpp"
#include "cli/progress_line.hpp"
#include "cli/roofline_command.hpp"
#include "cli/run_output.hpp"
#include "cli/signals.hpp"
#include "cli/tasks_command.hpp"
#include "evaluators/machine_profile.hpp"
#include "runs/plugins.hpp"
#include "runs/resume.hpp"
#include "runs/run.hpp"
#include "runs/run_config_file.hpp"
#include "runs/run_report.hpp"
#include "runs/run_validation.hpp"
#include "support/error.hpp"

namespace evojit::cli {
namespace {

int g_exit_code = 0;

Registries builtins() {
  Registries r;
  register_builtins(r);
  return r;
}

// The backend a command line asks for: --replay and --device are shorthands for the
// replay and cuda backends with their options; --backend names any registered one.
struct BackendFlags {
  std::string backend;  // --backend; empty: by the other flags, else cpu
  std::string replay;
  std::string t1;
  std::string device = "cpu";
  std::string kernel_source;
  bool flush_l2 = false;
};

int cuda_ordinal(const std::string& device) {
  if (device == "cuda") return 0;
  const std::string prefix = "cuda:";
  if (device.starts_with(prefix) && device.size() > prefix.size() &&
      device.find_first_not_of("0123456789", prefix.size()) == std::string::npos &&
      device.size() - prefix.size() <= 4) {
    return std::stoi(device.substr(prefix.size()));
  }
  throw_input_error("unknown device '" + device + "'", "--device", "give cpu or cuda:N");
}

void apply_backend_flags(const BackendFlags& flags, RunSpec& spec) {
  const bool cuda = flags.device != "cpu" || !flags.kernel_source.empty();
  if (!flags.replay.empty() && cuda) {
    throw_input_error(
        "--replay replays a recorded space; --device and --kernel-source tune on a GPU",
        "evojit run", "give one of them");
  }
  if (!flags.replay.empty()) {
    spec.backend = "replay";
    spec.backend_options = {{"cache", flags.replay}};
    if (!flags.t1.empty()) spec.backend_options["t1"] = flags.t1;
  } else if (cuda) {
    spec.backend = "cuda";
    spec.backend_options = {{"device", flags.device == "cpu" ? 0 : cuda_ordinal(flags.device)}};
    if (flags.flush_l2) spec.backend_options["flush_l2"] = true;
    if (!flags.kernel_source.empty()) {
      if (flags.t1.empty()) {
        throw_input_error("--kernel-source needs --t1 (the T1 file giving its space and launch)",
                          "evojit run");
      }
      spec.backend_options["kernel_source"] = flags.kernel_source;
      spec.backend_options["t1"] = flags.t1;
    }
  } else {
    if (!flags.t1.empty()) {
      throw_input_error(
          "--t1 gives the space of a replay (--replay) or of a CUDA kernel "
          "(--kernel-source)",
          "--t1 " + flags.t1, "add --replay FILE or --kernel-source FILE.cu");
    }
    if (flags.flush_l2) {
      throw_input_error("--flush-l2 applies to CUDA runs", "--flush-l2", "add --device cuda:N");
    }
  }
  if (!flags.backend.empty()) {
    if ((!flags.replay.empty() || cuda) && flags.backend != spec.backend) {
      throw_input_error("--backend " + flags.backend +
                            " contradicts the other flags, which ask "
                            "for the " +
                            spec.backend + " backend",
                        "--backend", "leave --backend out");
    }
    spec.backend = flags.backend;
  }
  if (spec.backend == "replay" && !spec.task.empty()) {
    throw_input_error("give either --task (tune a kernel) or --replay (a recorded space)",
                      "evojit run", "see `evojit tasks` for the tasks");
  }
  if (spec.backend == "cpu" && spec.task.empty() && spec.task_file.empty()) {
    throw_input_error("give either --task (tune a kernel) or --replay (a recorded space)",
                      "evojit run", "see `evojit tasks` for the tasks");
  }
}

RunObserver observer_for(ProgressLine& line, const OutputFlags& output) {
  RunObserver observer;
  observer.progress = [&line](const RunProgress& p) { line.update(p); };
  observer.notice = [](const std::string& text) {
    std::fprintf(stderr, "note: %s\n", text.c_str());
  };
  if (!output.quiet && !output.json) {  // --json keeps stdout for the summary alone
    observer.ceilings = [](const MachineProfile& profile, const std::string& where) {
      // The CPU's default location is known here; a GPU's is named by its device.
      const bool gpu = profile.machine_id.rfind("cuda-", 0) == 0;
      print_profile_in_use(profile, !where.empty() ? where
                                    : gpu          ? std::string("the GPU's default profile")
                                                   : default_profile_path().string());
    };
  }
  return observer;
}

// `run --config FILE`: the file's values, then every flag given on the command line
// over them (a list flag, --set or --constraint, replaces the file's list).
void apply_config_file(const CLI::App& cmd, const std::string& file, RunSpec& config,
                       std::string& out, std::string& profile_path) {
  RunSpec merged = load_run_config(file);
  auto given = [&cmd](const char* flag) { return cmd.count(flag) > 0; };
  if (given("--task")) merged.task = config.task;
  if (given("--task-file")) merged.task_file = config.task_file;
  if (given("--strategy")) merged.strategy = config.strategy;
  if (given("--fitness")) merged.fitness = config.fitness;
  if (given("--budget")) merged.budget_evaluations = config.budget_evaluations;
  if (given("--time-budget")) merged.budget_seconds = config.budget_seconds;
  if (given("--seed")) merged.seed = config.seed;
  if (given("--set")) merged.overrides = config.overrides;
  if (given("--constraint")) merged.constraints = config.constraints;
  if (given("--workers")) merged.workers = config.workers;
  if (given("--max-seconds-per-size")) merged.measure.max_seconds = config.measure.max_seconds;
  if (given("--plugin")) merged.plugins = config.plugins;
  if (!given("--out")) out = merged.out_dir.string();
  if (!given("--profile")) profile_path = merged.profile_path.string();
  config = std::move(merged);  // --strategy-params is applied after this
}

void add_output_flags(CLI::App& cmd, OutputFlags& flags) {
  cmd.add_flag("--quiet,-q", flags.quiet,
               "Print no progress and no report (errors still go to stderr)");
  cmd.add_flag("--json", flags.json,
               "Print the run's summary as one JSON object on stdout instead of the report");
}

void add_run(CLI::App& app) {
  auto* cmd =
      app.add_subcommand("run", "Tune a task: search, JIT, roofline fitness, held-out check");
  auto config = std::make_shared<RunSpec>();
  auto params_text = std::make_shared<std::string>();
  auto fitness_params_text = std::make_shared<std::string>();
  auto out = std::make_shared<std::string>();
  auto profile_path = std::make_shared<std::string>();
  auto backend = std::make_shared<BackendFlags>();
  auto config_file = std::make_shared<std::string>();
  cmd->add_option("--config", *config_file,
                  "Run configuration file (JSON); flags given on the command line override it");
  cmd->add_option("--task", config->task, "Task to tune (see `evojit tasks`)");
  cmd->add_option("--task-file", config->task_file,
                  "Your own kernel: a task manifest (JSON; README \"Your own kernel\")");
  cmd->add_option("--replay", backend->replay,
                  "Replay a Kernel Tuner cache file (.json/.json.gz) instead of a task");
  cmd->add_option("--t1", backend->t1, "T1 tuning input giving the replayed space's conditions");
  cmd->add_option("--backend", backend->backend,
                  "Backend by name (see `evojit tasks`; --replay and --device choose one too)");
  cmd->add_option("--strategy", config->strategy, "Search strategy")->capture_default_str();
  cmd->add_option("--strategy-params", *params_text, "Strategy parameters as a JSON object");
  cmd->add_option("--fitness", config->fitness,
                  "Fitness function (default: roofline; inverse-time on a replay)");
  cmd->add_option("--fitness-params", *fitness_params_text, "Fitness parameters as a JSON object");
  auto objective = std::make_shared<std::string>();
  cmd->add_option("--objective", *objective,
                  "Recorded field(s) to optimize, FIELD:min|max[,...] (the objective fitness; "
                  "several: NSGA-II's objectives)");
  cmd->add_option("--plugin", config->plugins,
                  "Shared object adding fitness functions, strategies, mutators or tasks "
                  "(repeatable; README \"Bring your own\")");
  add_integer_option(*cmd, "--budget", config->budget_evaluations, 0, UINT64_MAX,
                     "Evaluations (distinct candidates; 0: none)");
  add_seconds_option(*cmd, "--time-budget", config->budget_seconds, false,
                     "Wall-clock seconds (0: none)");
  add_integer_option(*cmd, "--seed", config->seed, 0, UINT64_MAX, "Random seed");
  cmd->add_option("--out", *out, "Run directory (default runs/<task>-<strategy>-<time>)");
  cmd->add_option("--set", config->overrides, "Pin a parameter: NAME=VALUE (repeatable)");
  cmd->add_option("--constraint", config->constraints, "Extra restriction (repeatable)");
  add_integer_option(*cmd, "--workers", config->workers, 1, kMaxWorkers,
                     "Worker processes (capped at one per core and per GiB of memory)");
  add_seconds_option(*cmd, "--max-seconds-per-size", config->measure.max_seconds, true,
                     "Timing cap per size and candidate");
  cmd->add_option("--profile", *profile_path, "Machine profile file");
  auto nominal = std::make_shared<NominalFlags>();
  add_nominal_flags(*cmd, *nominal);
  cmd->add_option("--device", backend->device, "cpu, or cuda:N to tune CUDA kernels")
      ->capture_default_str();
  cmd->add_option("--kernel-source", backend->kernel_source,
                  "CUDA kernel source tuned over the --t1 file's space (implies --device cuda:0)");
  cmd->add_flag("--flush-l2", backend->flush_l2,
                "CUDA: flush the L2 before every timed repetition");
  auto cache = std::make_shared<CacheFlags>();
  add_cache_flags(*cmd, *cache);
  auto output = std::make_shared<OutputFlags>();
  add_output_flags(*cmd, *output);
  cmd->callback([cmd, config, config_file, params_text, fitness_params_text, objective, out,
                 profile_path, backend, nominal, cache, output] {
    install_stop_handlers();
    if (!config_file->empty()) apply_config_file(*cmd, *config_file, *config, *out, *profile_path);
    auto parse_params = [](const std::string& text, const char* flag, const char* example) {
      try {
        return nlohmann::json::parse(text);
      } catch (const nlohmann::json::exception& e) {
        throw_input_error(std::string("not JSON: ") + e.what(), flag, example);
      }
    };
    if (!params_text->empty()) {
      config->strategy_params = parse_params(*params_text, "--strategy-params",
                                             "e.g. --strategy-params '{\"population\": 32}'");
    }
    if (!fitness_params_text->empty()) {
      config->fitness_params =
          parse_params(*fitness_params_text, "--fitness-params", "e.g. --fitness-params '{}'");
    }
    // Absolute, so that `evojit resume` finds the manifest from any folder.
    if (!config->task_file.empty())
      config->task_file = std::filesystem::absolute(config->task_file);
    if (!objective->empty()) {
      if (cmd->count("--fitness") > 0 && config->fitness != "objective") {
        throw_input_error("--objective chooses the objective fitness; --fitness " +
                              config->fitness + " chooses another",
                          "--objective " + *objective, "give one of them");
      }
      config->fitness = "objective";
      config->fitness_params = {{"objectives", *objective}};
    }
    config->out_dir = *out;
    config->profile_path = *profile_path;
    const NominalFigures figures = nominal_figures(*nominal);
    config->peak_bandwidth = figures.bandwidth;
    config->peak_flops = figures.flops;
    apply_backend_flags(*backend, *config);
    apply_cache_flags(*cmd, *cache, config->cache);
    Registries r = builtins();
    require_task_runs_where_registered(load_plugin_flags(config->plugins, r), *config);
    ProgressLine line(output->progress_mode(), output->log_every_s());
    const RunOutcome outcome = run(*config, r, observer_for(line, *output));
    line.finish();
    if ((g_exit_code = exit_code_for_stop(outcome.dir)) != 0) return;
    g_exit_code = print_run_end(outcome.dir, *output);
  });
}

void add_show(CLI::App& app) {
  auto* cmd = app.add_subcommand("show", "Summarize a run directory");
  auto dir = std::make_shared<std::string>();
  cmd->add_option("run", *dir, "Run directory")->required();
  cmd->callback([dir] { std::cout << format_run_report(*dir); });
}

void add_resume(CLI::App& app) {
  auto* cmd = app.add_subcommand("resume", "Continue a run that was stopped or killed");
  auto dir = std::make_shared<std::string>();
  auto budget = std::make_shared<std::size_t>(0);
  cmd->add_option("run", *dir, "Run directory")->required();
  auto* budget_option = add_integer_option(*cmd, "--budget", *budget, 1, UINT64_MAX,
                                           "New evaluation budget (a larger one extends the run)");
  auto output = std::make_shared<OutputFlags>();
  add_output_flags(*cmd, *output);
  cmd->callback([dir, budget, budget_option, output] {
    install_stop_handlers();
    Registries r = builtins();
    load_plugins(recorded_plugins(*dir), r);  // the run's own, checked against their hashes
    ResumeOptions options;
    if (budget_option->count()) options.budget_evaluations = *budget;
    ProgressLine line(output->progress_mode(), output->log_every_s());
    const ResumeStatus status = resume_run_directory(*dir, r, options, observer_for(line, *output));
    line.finish();
    if ((g_exit_code = exit_code_for_stop(*dir)) != 0) return;
    if (status == ResumeStatus::already_finished && !output->quiet && !output->json) {
      std::printf("the run has already finished (--budget N to extend it)\n");
    }
    g_exit_code = print_run_end(*dir, *output);
  });
}

}  // namespace

void add_commands(CLI::App& app) {
  add_tasks(app);
  add_roofline(app, g_exit_code);
  add_run(app);
  add_show(app);
  add_resume(app);
  add_cache_command(app);
}

int exit_code() { return g_exit_code; }

}  // namespace evojit::cli
