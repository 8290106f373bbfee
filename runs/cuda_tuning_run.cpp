#include "runs/cuda_tuning_run.hpp"

#include <fstream>
#include <sstream>

#include "evaluators/cuda/cuda_evaluator.hpp"
#include "evaluators/evaluation_json.hpp"
#include "evaluators/worker_pool.hpp"
#include "kernels/cuda/t1_cuda_task.hpp"
#include "runs/journal.hpp"
#include "runs/journal_record.hpp"
#include "runs/t1_input.hpp"
#include "runs/t4_output.hpp"
#include "support/atomic_file.hpp"
#include "support/error.hpp"

namespace evojit {
using nlohmann::json;

GpuProfile ensure_gpu_profile(const std::filesystem::path& path, int device, bool* measured) {
  const std::filesystem::path where = path.empty() ? default_gpu_profile_path(device) : path;
  if (measured) *measured = false;
  if (auto loaded = load_gpu_profile(where)) return *loaded;
  GpuProfile g = measure_gpu_profile(device);
  save_gpu_profile(g, where);
  if (measured) *measured = true;
  return g;
}

RunOutcome execute_cuda_run(RunPlan& plan, const GpuProfile& gpu, const CudaRunOptions& options,
                            const std::function<void(const RunProgress&)>& progress) {
  const auto* task = dynamic_cast<const CudaTask*>(plan.task);
  if (!task) throw_input_error("task '" + plan.config.task + "' has no CUDA kernel", "--device");
  const RunConfig& config = plan.config;
  RunOutcome outcome;
  outcome.dir = plan.out_dir;
  std::filesystem::create_directories(plan.out_dir / "best");

  json versions = evojit_versions();
  versions["cuda_device"] = gpu.device;
  write_file_atomically(
      plan.out_dir / "run.json",
      json{{"config", to_json(config)},
           {"device", "cuda:" + std::to_string(options.device)},
           {"flush_l2", options.flush_l2},
           {"machine_profile", to_json(gpu.profile)},
           {"versions", versions},
           {"seed", config.seed},
           {"space",
            {{"parameters", plan.space.size()}, {"cartesian_points", plan.space.cartesian_size()}}},
           {"training_sizes", task->training_sizes().size()},
           {"held_out_sizes", task->held_out_sizes().size()}}
              .dump(2) +
          "\n");

  WorkerPool pool(config.workers, cuda_worker_options(options.device));
  RooflineFitness fitness(gpu.profile);
  CudaEvaluatorOptions evaluator_options;
  evaluator_options.measure = config.measure;
  evaluator_options.flush_l2 = options.flush_l2;
  CudaEvaluator evaluator(*task, plan.space, task->training_sizes(), pool, fitness,
                          evaluator_options);

  Budget budget;
  budget.evaluations = config.budget_evaluations;
  budget.seconds = config.budget_seconds;
  EvolveLoop loop(*plan.strategy, evaluator, budget);
  JournalWriter journal(plan.out_dir / "journal.jsonl");
  std::vector<T4Record> t4_records;
  double best = 0.0;
  loop.on_evaluation([&](const EvaluationRecord& r) {
    best = std::max(best, r.evaluation.fitness);
    t4_records.push_back({plan.space.bindings(r.config), r.evaluation, iso8601_now(), 0.0, 0.0});
    if (plan.seed && r.config == *plan.seed) outcome.seed_fitness = r.evaluation.fitness;
    journal.append(journal_record(plan.space, r, best));
  });
  if (progress) {
    loop.on_progress([&](std::size_t done, const std::optional<Scored>& b) {
      progress(
          {done, budget.evaluations, b ? b->fitness : 0.0, evaluator.elapsed_s(), budget.seconds});
    });
  }
  Rng rng(config.seed);
  outcome.result = loop.run(rng);

  json best_json = json::object();
  if (outcome.result.best) {
    const Config& winner = outcome.result.best->config;
    std::ofstream(plan.out_dir / "best" / "kernel.cu") << evaluator.source(winner);
    const Evaluation held = evaluator.evaluate_on(winner, task->held_out_sizes());
    outcome.held_out = judge_held_out(outcome.result.best->fitness, held, config.collapse_ratio);
    best_json = {{"id", outcome.result.best->id},
                 {"genome", bindings_json(plan.space, winner)},
                 {"canonical", plan.space.canonical(winner)},
                 {"fitness", outcome.result.best->fitness},
                 {"held_out", to_json(*outcome.held_out)}};
    for (const json& record : read_journal(plan.out_dir / "journal.jsonl")) {
      if (record.at("id") == outcome.result.best->id)
        best_json["training"] = record.at("evaluation");
    }
  }
  write_file_atomically(plan.out_dir / "best" / "best.json", best_json.dump(2) + "\n");
  write_t4(plan.out_dir / "t4.json", t4_records);

  json summary = {{"evaluations", outcome.result.evaluations},
                  {"duplicates_skipped", outcome.result.duplicates},
                  {"elapsed_s", outcome.result.elapsed_s},
                  {"stop_reason", outcome.result.stop_reason},
                  {"best_fitness", outcome.result.best ? outcome.result.best->fitness : 0.0}};
  if (outcome.seed_fitness) summary["seed_fitness"] = *outcome.seed_fitness;
  if (outcome.held_out) {
    summary["held_out_verdict"] = outcome.held_out->verdict;
    summary["held_out_fitness"] = outcome.held_out->held_out_fitness;
  }
  write_file_atomically(plan.out_dir / "summary.json", summary.dump(2) + "\n");
  return outcome;
}

std::unique_ptr<CudaTask> cuda_task_from_t1(const std::filesystem::path& t1_file,
                                            const std::filesystem::path& kernel_source) {
  const T1Input t1 = read_t1_input(t1_file);
  std::ifstream in(kernel_source);
  if (!in) {
    throw_input_error("cannot read the kernel source", kernel_source.string(),
                      "give --kernel-source FILE.cu");
  }
  std::stringstream text;
  text << in.rdbuf();
  T1CudaTaskSpec spec;
  spec.name = t1.name;
  spec.kind = cuda_problem_kind_for(t1.name + " " + t1.kernel.kernel_name);
  if (spec.kind.empty()) {
    throw_input_error("no problem model for benchmark '" + t1.name + "'", t1_file.string(),
                      "CUDA T1 runs know convolution and dedispersion");
  }
  if (!t1.kernel.language.empty() && t1.kernel.language != "CUDA") {
    throw_input_error("KernelSpecification.Language is " + t1.kernel.language + ", not CUDA",
                      t1_file.string() + "#/KernelSpecification/Language");
  }
  spec.space = t1.space;
  spec.source = text.str();
  spec.kernel_name = t1.kernel.kernel_name;
  // Kernel Tuner passes C++11 for these; our kernels are C++17-clean as well.
  spec.compile_options = {};
  const json& local = t1.kernel.local_size;
  for (const char* axis : {"X", "Y", "Z"}) {
    if (local.is_object() && local.contains(axis)) {
      const json& v = local.at(axis);
      spec.block.push_back(v.is_string() ? v.get<std::string>() : v.dump());
    } else {
      spec.block.push_back("1");
    }
  }
  const json& whole = t1.kernel.json;
  for (const char* key : {"GridDivX", "GridDivY", "GridDivZ"}) {
    std::vector<std::string> divs;
    if (whole.contains(key) && whole.at(key).is_array()) {
      for (const json& d : whole.at(key))
        divs.push_back(d.is_string() ? d.get<std::string>() : d.dump());
    }
    spec.grid_div.push_back(divs);
  }
  return make_t1_cuda_task(std::move(spec));
}

}  // namespace evojit
