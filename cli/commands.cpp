#include "cli/commands.hpp"

#include <cmath>
#include <cstdio>
#include <iostream>
#include <memory>

#include <unistd.h>

#include "cli/cuda_commands.hpp"
#include "cli/number_options.hpp"
#include "cli/progress_line.hpp"
#include "cli/roofline_command.hpp"
#include "cli/run_output.hpp"
#include "cli/signals.hpp"
#include "evaluators/machine_profile.hpp"
#include "evaluators/worker/worker_pool.hpp"
#include "kernels/task_registry.hpp"
#include "runs/replay_run.hpp"
#include "runs/resume.hpp"
#include "runs/run_config_file.hpp"
#include "runs/run_report.hpp"
#include "runs/run_validation.hpp"
#include "runs/tuning_run.hpp"
#include "search/strategy.hpp"
#include "support/error.hpp"

namespace evojit::cli {
namespace {

int g_exit_code = 0;

struct Registries {
  TaskRegistry tasks;
  StrategyRegistry strategies;
  Registries() {
    register_builtin_tasks(tasks);
    register_builtin_strategies(strategies);
  }
};

void list_tasks() {
  Registries r;
  for (const std::string& name : r.tasks.names()) {
    const Task& t = r.tasks.get(name);
    std::printf("%-10s %s\n", name.c_str(), t.summary().c_str());
    std::printf("%-10s parameters:", "");
    for (const Parameter& p : t.space().parameters()) std::printf(" %s", p.name.c_str());
    std::printf("\n%-10s training sizes:", "");
    for (const ProblemSize& s : t.training_sizes()) std::printf(" %s", s.label.c_str());
    std::printf("; held-out:");
    for (const ProblemSize& s : t.held_out_sizes()) std::printf(" %s", s.label.c_str());
    std::printf("\n");
  }
  std::printf("\nstrategies:\n");
  for (const auto& [name, summary] : r.strategies.list()) {
    std::printf("  %-24s %s\n", name.c_str(), summary.c_str());
  }
}

// `run --config FILE`: the file's values, then every flag given on the command line
// over them (a list flag, --set or --constraint, replaces the file's list).
void apply_config_file(const CLI::App& cmd, const std::string& file, RunConfig& config,
                       std::string& out, std::string& profile_path) {
  RunConfig merged = load_run_config(file);
  auto given = [&cmd](const char* flag) { return cmd.count(flag) > 0; };
  if (given("--task")) merged.task = config.task;
  if (given("--strategy")) merged.strategy = config.strategy;
  if (given("--budget")) merged.budget_evaluations = config.budget_evaluations;
  if (given("--time-budget")) merged.budget_seconds = config.budget_seconds;
  if (given("--seed")) merged.seed = config.seed;
  if (given("--set")) merged.overrides = config.overrides;
  if (given("--constraint")) merged.constraints = config.constraints;
  if (given("--workers")) merged.workers = config.workers;
  if (given("--max-seconds-per-size")) merged.measure.max_seconds = config.measure.max_seconds;
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
  auto config = std::make_shared<RunConfig>();
  auto params_text = std::make_shared<std::string>();
  auto out = std::make_shared<std::string>();
  auto profile_path = std::make_shared<std::string>();
  auto replay = std::make_shared<std::string>();
  auto t1 = std::make_shared<std::string>();
  auto config_file = std::make_shared<std::string>();
  cmd->add_option("--config", *config_file,
                  "Run configuration file (JSON); flags given on the command line override it");
  cmd->add_option("--task", config->task, "Task to tune (see `evojit tasks`)");
  cmd->add_option("--replay", *replay,
                  "Replay a Kernel Tuner cache file (.json/.json.gz) instead of a task");
  cmd->add_option("--t1", *t1, "T1 tuning input giving the replayed space's conditions");
  cmd->add_option("--strategy", config->strategy, "Search strategy")->capture_default_str();
  cmd->add_option("--strategy-params", *params_text, "Strategy parameters as a JSON object");
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
  auto cuda = std::make_shared<CudaRunFlags>();
  cuda->device = "cpu";
  cmd->add_option("--device", cuda->device, "cpu, or cuda:N to tune CUDA kernels")
      ->capture_default_str();
  cmd->add_option("--kernel-source", cuda->kernel_source,
                  "CUDA kernel source tuned over the --t1 file's space (implies --device cuda:0)");
  cmd->add_flag("--flush-l2", cuda->flush_l2, "CUDA: flush the L2 before every timed repetition");
  auto output = std::make_shared<OutputFlags>();
  add_output_flags(*cmd, *output);
  cmd->callback([cmd, config, config_file, params_text, out, profile_path, replay, t1, cuda,
                 nominal, output] {
    install_stop_handlers();
    if (!config_file->empty()) apply_config_file(*cmd, *config_file, *config, *out, *profile_path);
    if (!params_text->empty()) {
      try {
        config->strategy_params = nlohmann::json::parse(*params_text);
      } catch (const nlohmann::json::exception& e) {
        throw_input_error(std::string("not JSON: ") + e.what(), "--strategy-params",
                          "e.g. --strategy-params '{\"population\": 32}'");
      }
    }
    config->out_dir = *out;
    config->profile_path = *profile_path;
    if (cuda->device != "cpu" || !cuda->kernel_source.empty()) {
      CudaRunFlags flags = *cuda;
      flags.t1 = *t1;
      if (flags.device == "cpu") flags.device = "cuda:0";
      cuda_run_command(*config, flags);
      g_exit_code = exit_code_for_stop(config->out_dir);
      return;
    }
    Registries r;
    if (replay->empty() == config->task.empty()) {
      throw_input_error("give either --task (tune a kernel) or --replay (a recorded space)",
                        "evojit run", "see `evojit tasks` for the tasks");
    }
    if (!replay->empty()) {
      ReplayRunConfig rc;
      rc.cache_file = *replay;
      rc.t1_file = *t1;
      rc.strategy = config->strategy;
      rc.strategy_params = config->strategy_params;
      rc.budget_evaluations = config->budget_evaluations;
      rc.budget_seconds = config->budget_seconds;
      rc.seed = config->seed;
      rc.out_dir = config->out_dir;
      std::filesystem::path dir;
      ProgressLine line(output->progress_mode(), output->log_every_s());
      execute_replay_run(rc, r.strategies, &dir, [&](const RunProgress& p) { line.update(p); });
      line.finish();
      if ((g_exit_code = exit_code_for_stop(dir)) != 0) return;
      g_exit_code = print_run_end(dir, *output);
      return;
    }
    RunPlan plan = plan_run(*config, r.tasks, r.strategies);  // validates; writes nothing
    for (const std::string& notice : plan.notices)
      std::fprintf(stderr, "note: %s\n", notice.c_str());
    bool measured = false;
    if (!std::filesystem::exists(profile_path->empty() ? default_profile_path()
                                                       : std::filesystem::path(*profile_path))) {
      std::fprintf(stderr, "no machine profile yet: measuring the roofline first...\n");
    }
    std::vector<std::string> notes;
    MachineProfile profile = ensure_machine_profile(config->profile_path, &measured, &notes);
    for (const std::string& note : notes) std::fprintf(stderr, "%s\n", note.c_str());
    apply_nominal_flags(*nominal, profile);
    if (!output->quiet && !output->json) {  // --json keeps stdout for the summary alone
      print_profile_in_use(profile, config->profile_path.empty() ? default_profile_path().string()
                                                                 : config->profile_path.string());
    }
    ProgressLine line(output->progress_mode(), output->log_every_s());
    const RunOutcome outcome =
        execute_run(plan, profile, [&](const RunProgress& p) { line.update(p); });
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
    Registries r;
    ResumeOptions options;
    if (budget_option->count()) options.budget_evaluations = *budget;
    ProgressLine line(output->progress_mode(), output->log_every_s());
    const ResumeStatus status = resume_run_directory(*dir, r.tasks, r.strategies, options,
                                                     [&](const RunProgress& p) { line.update(p); });
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
  app.add_subcommand("tasks", "List the tasks and strategies")->callback(list_tasks);
  add_roofline(app, g_exit_code);
  add_run(app);
  add_show(app);
  add_resume(app);
}

int exit_code() { return g_exit_code; }

}  // namespace evojit::cli
