// The evaluation caches on real CPU searches (runs/run_cache.hpp), three figures:
//   (a) ablation: the same runs (same seeds) with the caches off and on, on triad and
//       heat2d: answers per cache kind, wall time, time saved, best fitness;
//   (b) code identity: the fraction of sampled configurations whose optimized machine
//       code (code hash: object bytes, target, flags, LLVM) equals another's;
//   (c) a repeated identical run with a warm persistent cache against the first run.
// Medians of --reps repetitions (>= 3), ratios against the baseline of the same run.
//
// The defaults M = 1 (measurements a cached timing aggregates) and p = 0 (forget
// probability) come from (d), printed last: the same configurations measured several
// times apart. When a single measurement orders two configurations as the median of
// several does nearly always (rank agreement close to 1; the spread between repeated
// measurements is far below the gap between configurations), aggregating M > 1 costs
// M times the measurements for no better decision, and forgetting only re-measures
// what was right. On a noisy machine (agreement well below 1) choose --cache-measurements
// 3 and --cache-forget 0.1 (UFH's aggregating and forgetful caches).
//
//   bench_cache [--reps 3] [--budget 30] [--tasks triad,heat2d] [--samples 40]
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "backends/cpu/cpu_backend.hpp"
#include "cli/builtins.hpp"
#include "evaluators/pipeline.hpp"
#include "kernels/task_registry.hpp"
#include "runs/run.hpp"
#include "support/rng.hpp"

namespace {

namespace fs = std::filesystem;
using nlohmann::json;

double median(std::vector<double> v) {
  if (v.empty()) return 0.0;
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

struct RunFigures {
  double wall_s = 0.0;
  double best = 0.0;
  double saved_s = 0.0;
  std::map<std::string, int> answered;
  int evaluations = 0;
};

RunFigures one_run(const evojit::Registries& registries, const std::string& task,
                   std::size_t budget, std::uint64_t seed, const fs::path& out,
                   const fs::path& cache) {
  evojit::RunSpec spec;
  spec.task = task;
  spec.strategy = "bandit";
  spec.budget_evaluations = budget;
  spec.seed = seed;
  spec.out_dir = out;
  spec.measure.max_seconds = 0.05;
  spec.workers = 2;
  if (cache.empty()) {
    spec.cache.enabled = false;
  } else {
    spec.cache.file = cache;
  }
  const auto started = std::chrono::steady_clock::now();
  const evojit::RunOutcome outcome = evojit::run(spec, registries);
  RunFigures f;
  f.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  f.best = outcome.result.best ? outcome.result.best->fitness : 0.0;
  std::ifstream in(out / "summary.json");
  const json summary = json::parse(in);
  for (const auto& [by, n] : summary.at("cache").at("answered").items()) {
    f.answered[by] = n.get<int>();
    f.evaluations += n.get<int>();
  }
  f.saved_s = summary.at("cache").value("saved_s", 0.0);
  return f;
}

std::string answered_text(const std::vector<RunFigures>& runs) {
  std::map<std::string, std::vector<double>> share;
  for (const RunFigures& r : runs) {
    for (const auto& [by, n] : r.answered) {
      share[by].push_back(static_cast<double>(n) / std::max(1, r.evaluations));
    }
  }
  std::string text;
  for (const auto& [by, v] : share) {
    if (by == "none") continue;
    char buf[64];
    std::snprintf(buf, sizeof buf, "%s%s %.0f%%", text.empty() ? "" : ", ", by.c_str(),
                  100.0 * median(v));
    text += buf;
  }
  return text.empty() ? "no hits" : text;
}

template <class F>
std::vector<double> each(const std::vector<RunFigures>& runs, F f) {
  std::vector<double> v;
  for (const RunFigures& r : runs) v.push_back(f(r));
  return v;
}

// (b): configurations sampled from the task's space, compiled (not run) in the CPU
// workers; the share whose code hash another sampled configuration also has.
void code_identity(const evojit::TaskRegistry& tasks, const std::string& name,
                   std::size_t samples) {
  const evojit::Task& task = tasks.get(name);
  evojit::CpuBackend backend(task, 2);
  struct Unscored {
    double score(evojit::Evaluation&, const std::vector<evojit::Workload>&) const { return 1.0; }
  };
  evojit::CandidatePipeline pipeline(backend, task.space(), task.training_sizes(), Unscored{});
  evojit::Rng rng(7);
  std::set<std::string> seen;
  std::map<std::uint64_t, int> by_code;
  std::size_t compiled = 0;
  for (std::size_t attempt = 0; attempt < samples * 20 && seen.size() < samples; ++attempt) {
    const auto config = task.space().sample(rng);
    if (!config || !seen.insert(task.space().canonical(*config)).second) continue;
    const evojit::Compiled c = backend.compile(pipeline.render(*config));
    if (c.status != evojit::EvalStatus::ok || c.stats.code_hash == 0) continue;
    ++compiled;
    ++by_code[c.stats.code_hash];
  }
  std::size_t shared = 0;
  for (const auto& [hash, n] : by_code) {
    if (n > 1) shared += static_cast<std::size_t>(n);
  }
  std::printf(
      "  %-8s %3zu distinct configurations compiled, %3zu distinct machine codes: "
      "%5.1f%% share their code with another configuration\n",
      name.c_str(), compiled, by_code.size(),
      compiled ? 100.0 * static_cast<double>(shared) / static_cast<double>(compiled) : 0.0);
}

// (d): `configs` configurations measured `times` times each, interleaved; the share of
// pairs that one measurement orders as the median of all does.
void noise(const evojit::TaskRegistry& tasks, const std::string& name, std::size_t configs,
           int times) {
  const evojit::Task& task = tasks.get(name);
  evojit::WorkerBackendOptions options = evojit::default_cpu_backend_options();
  options.measure.max_seconds = 0.05;
  evojit::CpuBackend backend(task, 1, options);
  struct Timed {
    double score(evojit::Evaluation& e, const std::vector<evojit::Workload>&) const {
      double t = 0.0;
      for (const auto& s : e.sizes) t += s.timing.median_s;
      return t > 0 ? 1.0 / t : 0.0;
    }
  };
  evojit::CandidatePipeline pipeline(backend, task.space(), task.training_sizes(), Timed{});
  evojit::Rng rng(11);
  std::vector<evojit::Config> chosen;
  std::set<std::string> seen;
  while (chosen.size() < configs) {
    auto c = task.space().sample(rng);
    if (c && seen.insert(task.space().canonical(*c)).second) chosen.push_back(*c);
  }
  std::vector<std::vector<double>> fit(configs);
  for (int t = 0; t < times; ++t) {
    for (std::size_t i = 0; i < configs; ++i) {
      fit[i].push_back(pipeline.evaluate(chosen[i]).fitness);
    }
  }
  std::vector<double> spread;
  std::size_t agree = 0, pairs = 0;
  for (std::size_t i = 0; i < configs; ++i) {
    const double m = median(fit[i]);
    double lo = *std::min_element(fit[i].begin(), fit[i].end());
    double hi = *std::max_element(fit[i].begin(), fit[i].end());
    if (m > 0) spread.push_back((hi - lo) / m);
    for (std::size_t j = i + 1; j < configs; ++j) {
      const double mj = median(fit[j]);
      for (int t = 0; t < times; ++t) {
        ++pairs;
        agree += ((fit[i][t] > fit[j][t]) == (m > mj));
      }
    }
  }
  std::printf(
      "  %-8s %zu configurations x %d measurements: median (max-min)/median of a "
      "configuration's fitness %.1f%%; one measurement orders a pair as the median "
      "does in %.1f%% of %zu cases\n",
      name.c_str(), configs, times, 100.0 * median(spread),
      pairs ? 100.0 * static_cast<double>(agree) / static_cast<double>(pairs) : 0.0, pairs);
}

}  // namespace

int main(int argc, char** argv) {
  int reps = 3;
  std::size_t budget = 30, samples = 40;
  std::string task_list = "triad,heat2d";
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--reps")) reps = std::max(3, std::stoi(argv[i + 1]));
    if (!std::strcmp(argv[i], "--budget")) budget = std::stoul(argv[i + 1]);
    if (!std::strcmp(argv[i], "--tasks")) task_list = argv[i + 1];
    if (!std::strcmp(argv[i], "--samples")) samples = std::stoul(argv[i + 1]);
  }
  std::vector<std::string> task_names;
  std::stringstream list(task_list);
  for (std::string t; std::getline(list, t, ',');) task_names.push_back(t);

  evojit::Registries registries;
  evojit::cli::register_builtins(registries);
  const fs::path scratch =
      fs::temp_directory_path() / ("evojit-bench-cache-" + std::to_string(::getpid()));
  fs::remove_all(scratch);
  fs::create_directories(scratch);

  std::printf(
      "bandit search, %zu evaluations per run, 2 workers, %d repetitions (medians), "
      "timing cap 0.05 s per size\n\n",
      budget, reps);
  std::printf(
      "(a) caches off vs on (a fresh persistent store), same seeds; "
      "(c) the same run again with that store warm\n");
  for (const std::string& task : task_names) {
    std::vector<RunFigures> off, cold, warm;
    for (int r = 0; r < reps; ++r) {
      const fs::path dir = scratch / (task + "-" + std::to_string(r));
      const fs::path store = dir / "cache.sqlite";
      const std::uint64_t seed = 100 + static_cast<std::uint64_t>(r);
      off.push_back(one_run(registries, task, budget, seed, dir / "off", {}));
      cold.push_back(one_run(registries, task, budget, seed, dir / "cold", store));
      warm.push_back(one_run(registries, task, budget, seed, dir / "warm", store));
    }
    auto wall = [](const RunFigures& f) { return f.wall_s; };
    auto best = [](const RunFigures& f) { return f.best; };
    auto saved = [](const RunFigures& f) { return f.saved_s; };
    const double off_s = median(each(off, wall)), cold_s = median(each(cold, wall)),
                 warm_s = median(each(warm, wall));
    std::printf("  %s\n", task.c_str());
    std::printf("    (a) off   wall %7.2f s  best %.4f\n", off_s, median(each(off, best)));
    std::printf(
        "        on    wall %7.2f s  best %.4f  answered: %s; saved %.2f s  "
        "(off/on %.2fx)\n",
        cold_s, median(each(cold, best)), answered_text(cold).c_str(), median(each(cold, saved)),
        off_s / cold_s);
    std::printf(
        "    (c) warm  wall %7.2f s  best %.4f  answered: %s; saved %.2f s  "
        "(first/warm %.1fx)\n",
        warm_s, median(each(warm, best)), answered_text(warm).c_str(), median(each(warm, saved)),
        cold_s / warm_s);
  }

  evojit::TaskRegistry tasks;
  evojit::register_builtin_tasks(tasks);
  std::printf("\n(b) code identity: %zu sampled configurations per task\n", samples);
  for (const std::string& task : task_names) code_identity(tasks, task, samples);

  std::printf("\n(d) timing noise, for the defaults M and p (header comment)\n");
  for (const std::string& task : task_names) noise(tasks, task, 6, 5);
  fs::remove_all(scratch);
  return 0;
}
