// Search efficiency: every registered strategy on every recorded GPU space (Kernel
// Tuner caches replayed as users replay them: the configurations the cache holds are
// the space; --t1 uses the T1 file's conditions instead), scored as in Willemsen et
// al. (FGCS 2024) on evaluation counts, each run charged as evojit charges it: 0 is
// random search, 1 is the optimum from the first evaluation on
// (bench/willemsen_score.hpp). Random search is run too, as a self-check: its mean
// score should be about 0.
//
// When kernel_tuner can be imported (by --kernel-tuner-python, default $KERNEL_TUNER_PYTHON
// or python3), Kernel Tuner's strategies run too, through bench/kernel_tuner_runs.py
// (simulation mode, same space, budgets, repeats and scorer; bench/kernel_tuner_peer.hpp),
// and the table holds both tools.
//
// Usage: bench_search_efficiency [--spaces DIR] [--seeds N] [--threads N]
//          [--first-seed N] [--strategies a,b,...] [--only SUBSTRING] [--params NAME='{json}']...
//          [--variant LABEL=NAME:'{json}']... [--cutoff 0.95] [--t1]
//          [--kernel-tuner-python PATH] [--kernel-tuner-strategies a,b,...]
//          [--kernel-tuner-runs FILE] [--no-kernel-tuner]
//   --first-seed moves evojit's seeds (default 1..N) to check a setting on seeds it was
//   not chosen on.
//   --params sets the parameters of a registered strategy's row; --variant adds a row
//   running strategy NAME with these parameters (to compare settings side by side).
//   --kernel-tuner-runs reads the lines the driver printed earlier (same budgets,
//   checked) instead of running it.
//
// (Over 400 lines: it is one program's options, runs and table, read top to bottom;
// the scorer and the Kernel Tuner peer live in their own files.)
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <limits>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "backends/replay/replay_evaluator.hpp"
#include "backends/replay/replay_space.hpp"
#include "bench/kernel_tuner_peer.hpp"
#include "bench/willemsen_score.hpp"
#include "interop/t1_input.hpp"
#include "runs/run_spec.hpp"
#include "search/evolve.hpp"
#include "search/strategy.hpp"
#include "support/error.hpp"

namespace {

using namespace evojit;
using evojit::bench::MeanAndError;
using evojit::bench::WillemsenBaseline;

struct Row {
  std::string label;
  std::string strategy;
  nlohmann::json params = nlohmann::json::object();
  bool peer = false;  // a Kernel Tuner strategy
};

std::vector<std::string> split_list(const std::string& list) {
  std::vector<std::string> out;
  for (std::size_t start = 0; start <= list.size();) {
    std::size_t end = std::min(list.find(',', start), list.size());
    if (end > start) out.push_back(list.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

struct Options {
  std::filesystem::path spaces = EVOJIT_BENCH_SPACES_DIR;
  std::size_t seeds = 50;
  std::uint64_t first_seed = 1;  // evojit's runs use seeds first_seed .. first_seed + seeds - 1
  unsigned threads = std::max(1u, std::thread::hardware_concurrency());
  std::vector<std::string> strategies;  // empty: every registered one
  std::string only;
  double cutoff = 0.95;
  std::vector<std::pair<std::string, nlohmann::json>> params;
  std::vector<Row> variants;
  bool t1 = false;
  std::string kt_python =
      std::getenv("KERNEL_TUNER_PYTHON") ? std::getenv("KERNEL_TUNER_PYTHON") : "python3";
  std::vector<std::string> kt_strategies{"genetic_algorithm", "pso", "simulated_annealing",
                                         "random_sample"};
  std::filesystem::path kt_runs;
  bool kernel_tuner = true;
};

[[noreturn]] void usage_error(const std::string& what) {
  std::fprintf(stderr, "bench_search_efficiency: %s\n", what.c_str());
  std::exit(2);
}

nlohmann::json parse_params(const std::string& text, const std::string& flag) {
  try {
    nlohmann::json j = nlohmann::json::parse(text);
    if (!j.is_object()) usage_error(flag + ": parameters must be a JSON object");
    return j;
  } catch (const nlohmann::json::parse_error& e) {
    usage_error(flag + ": " + e.what());
  }
}

Options parse_options(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string flag = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) usage_error(flag + " needs a value");
      return argv[++i];
    };
    if (flag == "--spaces") {
      o.spaces = value();
    } else if (flag == "--seeds") {
      o.seeds = std::strtoull(value().c_str(), nullptr, 10);
    } else if (flag == "--first-seed") {
      o.first_seed = std::strtoull(value().c_str(), nullptr, 10);
    } else if (flag == "--threads") {
      o.threads =
          static_cast<unsigned>(std::max(1ull, std::strtoull(value().c_str(), nullptr, 10)));
    } else if (flag == "--only") {
      o.only = value();
    } else if (flag == "--cutoff") {
      o.cutoff = std::strtod(value().c_str(), nullptr);
    } else if (flag == "--strategies") {
      o.strategies = split_list(value());
    } else if (flag == "--t1") {
      o.t1 = true;
    } else if (flag == "--kernel-tuner-python") {
      o.kt_python = value();
    } else if (flag == "--kernel-tuner-strategies") {
      o.kt_strategies = split_list(value());
    } else if (flag == "--kernel-tuner-runs") {
      o.kt_runs = value();
    } else if (flag == "--no-kernel-tuner") {
      o.kernel_tuner = false;
    } else if (flag == "--params") {
      std::string v = value();
      std::size_t eq = v.find('=');
      if (eq == std::string::npos) usage_error("--params expects NAME='{json}'");
      o.params.emplace_back(v.substr(0, eq), parse_params(v.substr(eq + 1), "--params"));
    } else if (flag == "--variant") {
      std::string v = value();
      std::size_t eq = v.find('=');
      std::size_t colon = v.find(':', eq == std::string::npos ? 0 : eq);
      if (eq == std::string::npos || colon == std::string::npos) {
        usage_error("--variant expects LABEL=NAME:'{json}'");
      }
      o.variants.push_back({v.substr(0, eq), v.substr(eq + 1, colon - eq - 1),
                            parse_params(v.substr(colon + 1), "--variant")});
    } else {
      usage_error("unknown option " + flag + " (see the comment at the top of the source)");
    }
  }
  if (o.seeds == 0) usage_error("--seeds must be positive");
  if (!(o.cutoff > 0.0 && o.cutoff < 1.0)) usage_error("--cutoff must be in (0, 1)");
  return o;
}

std::vector<Row> make_rows(const Options& o, const StrategyRegistry& registry) {
  std::vector<Row> rows;
  for (const auto& [name, summary] : registry.list()) {
    const bool wanted =
        o.strategies.empty() || name == "random" ||
        std::find(o.strategies.begin(), o.strategies.end(), name) != o.strategies.end();
    if (wanted) rows.push_back({name, name, nlohmann::json::object()});
  }
  for (const std::string& name : o.strategies) {
    if (!registry.contains(name)) usage_error("unknown strategy '" + name + "'");
  }
  for (const auto& [name, params] : o.params) {
    auto it = std::find_if(rows.begin(), rows.end(), [&](const Row& r) { return r.label == name; });
    if (it == rows.end()) usage_error("--params: no row for strategy '" + name + "'");
    it->params = params;
  }
  for (const Row& v : o.variants) {
    if (!registry.contains(v.strategy))
      usage_error("--variant: unknown strategy '" + v.strategy + "'");
    rows.push_back(v);
  }
  // Random first: it is the reference the others are read against.
  std::stable_partition(rows.begin(), rows.end(), [](const Row& r) { return r.label == "random"; });
  return rows;
}

std::string stem_of(const std::filesystem::path& p) {
  std::string s = p.filename().string();
  for (const char* suffix : {".json.gz", ".json"}) {
    const std::string x = suffix;
    if (s.size() > x.size() && s.compare(s.size() - x.size(), x.size(), x) == 0) {
      return s.substr(0, s.size() - x.size());
    }
  }
  return s;
}

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

struct Space {
  std::string name;
  std::filesystem::path file;
  std::string t1;  // the T1 file's name, or "" when the space is the cache's own
  std::shared_ptr<const KernelTunerCache> cache;
  std::optional<ParameterSpace> t1_space;
  std::unique_ptr<WillemsenBaseline> baseline;
  std::vector<std::vector<double>> scores;  // [row][seed]
  std::vector<std::string> failures;        // [row]: what threw, "" if nothing
  double run_s = 0.0;                       // wall time of its runs
};

std::unique_ptr<ReplayEvaluator> make_replay(const Space& s) {
  return s.t1_space ? std::make_unique<ReplayEvaluator>(s.cache, *s.t1_space)
                    : std::make_unique<ReplayEvaluator>(s.cache);
}

// One run: the best-so-far time after each distinct evaluation.
std::vector<double> run_once(const StrategyRegistry& registry, const Row& row,
                             ReplayEvaluator& replay, std::size_t budget, std::uint64_t seed,
                             std::size_t& evaluations) {
  replay.reset();
  StrategyContext context;
  context.space = &replay.space();
  context.params = row.params;
  std::unique_ptr<Strategy> strategy = registry.create(row.strategy, context);
  EvolveLoop loop(*strategy, replay, Budget{budget, 0.0});
  std::vector<double> curve;
  curve.reserve(budget);
  double best = std::numeric_limits<double>::infinity();
  const KernelTunerCache& cache = replay.cache();
  loop.on_evaluation([&](const EvaluationRecord& r) {
    if (r.fidelity == 0 && r.scored.ok) {
      // The cache's own number, so that the optimum scores exactly 1.
      if (auto entry = replay.entry_of(r.config)) {
        best = std::min(best, cache.entry(*entry).time_ms);
      }
    }
    curve.push_back(best);
  });
  Rng rng(seed);
  EvolveResult result = loop.run(rng);
  evaluations += result.evaluations;
  return curve;
}

void run_space(Space& space, const std::vector<Row>& rows, const StrategyRegistry& registry,
               const Options& o, std::atomic<std::size_t>& evaluations) {
  const std::size_t jobs = rows.size() * o.seeds;
  space.scores.assign(rows.size(), std::vector<double>(o.seeds, 0.0));
  space.failures.assign(rows.size(), "");
  std::atomic<std::size_t> next{0};
  std::mutex failure_mutex;
  auto work = [&] {
    std::unique_ptr<ReplayEvaluator> replay = make_replay(space);
    std::size_t counted = 0;
    for (std::size_t job; (job = next.fetch_add(1)) < jobs;) {
      const std::size_t r = job / o.seeds, seed = job % o.seeds;
      try {
        space.scores[r][seed] = space.baseline->score(run_once(
            registry, rows[r], *replay, space.baseline->budget(), o.first_seed + seed, counted));
      } catch (const std::exception& e) {
        std::lock_guard lock(failure_mutex);
        space.failures[r] = e.what();
        space.scores[r][seed] = std::numeric_limits<double>::quiet_NaN();
      }
    }
    evaluations += counted;
  };
  std::vector<std::thread> threads;
  for (unsigned t = 1; t < o.threads; ++t) threads.emplace_back(work);
  work();
  for (std::thread& t : threads) t.join();
}

// The Kernel Tuner rows: one per strategy, scored like evojit's (a missing repeat
// scores NaN and marks the row failed).
void add_peer_rows(std::vector<Space>& spaces, std::vector<Row>& rows,
                   const std::map<std::string, std::vector<bench::PeerRun>>& runs,
                   const Options& o) {
  for (const std::string& strategy : o.kt_strategies) {
    rows.push_back({"kernel_tuner " + strategy, strategy, nlohmann::json::object(), true});
    for (Space& s : spaces) {
      std::vector<double> scores(o.seeds, std::numeric_limits<double>::quiet_NaN());
      std::string failure = "no run recorded";
      if (auto it = runs.find(s.name); it != runs.end()) {
        std::size_t found = 0;
        for (const bench::PeerRun& r : it->second) {
          if (r.strategy != strategy || r.repeat >= o.seeds) continue;
          scores[r.repeat] = s.baseline->score(r.curve);
          ++found;
        }
        if (found >= o.seeds) failure.clear();
      }
      s.scores.push_back(std::move(scores));
      s.failures.push_back(failure);
    }
  }
}

// Per seed, the mean over spaces; their standard deviation, lowest and highest.
struct Spread {
  double sd = 0.0, lowest = 0.0, highest = 0.0;
};
Spread seed_spread(const std::vector<Space>& spaces, std::size_t row, std::size_t seeds) {
  std::vector<double> per_seed(seeds, 0.0);
  for (const Space& s : spaces)
    for (std::size_t k = 0; k < seeds; ++k) per_seed[k] += s.scores[row][k] / spaces.size();
  const MeanAndError m = bench::mean_and_error(per_seed);
  return {m.standard_error * std::sqrt(static_cast<double>(seeds)),
          *std::min_element(per_seed.begin(), per_seed.end()),
          *std::max_element(per_seed.begin(), per_seed.end())};
}

}  // namespace

int main(int argc, char** argv) {
  const Options o = parse_options(argc, argv);
  StrategyRegistry registry;
  register_builtin_strategies(registry);
  std::vector<Row> rows = make_rows(o, registry);
  const std::string default_strategy = RunSpec{}.strategy;

  const auto table_start = std::chrono::steady_clock::now();
  std::vector<std::filesystem::path> files;
  for (const auto& e : std::filesystem::directory_iterator(o.spaces)) {
    const std::string name = e.path().filename().string();
    if (name.size() > 8 && name.ends_with(".json.gz") &&
        (o.only.empty() || name.find(o.only) != std::string::npos)) {
      files.push_back(e.path());
    }
  }
  std::sort(files.begin(), files.end());
  if (files.empty()) usage_error("no *.json.gz cache in " + o.spaces.string());

  std::optional<std::string> kt_version;
  if (o.kernel_tuner && o.kt_runs.empty()) kt_version = bench::kernel_tuner_version(o.kt_python);
  std::printf(
      "Search efficiency on recorded spaces: score of Willemsen et al. (FGCS 2024),\n"
      "0 = random search (exact expectation, without replacement), 1 = the optimum.\n"
      "Budgets are counts of distinct evaluations, as each tool charges them, not tuning\n"
      "time as in the paper: B is the fewest draws after which random search is expected\n"
      "%.0f%% of the way from the median to the optimum; the score is the mean over\n"
      "t = 1..B of (E[random best](t) - best(t)) / (E[random best](t) - optimum). Failed\n"
      "points are draws with no time (+inf, capped at the worst time) for every tool.\n"
      "Space: %s.\n"
      "%zu seeds per cell, %u threads; cell = mean score +- standard error.\n",
      100.0 * o.cutoff,
      o.t1 ? "the T1 file's conditions where there is one"
           : "the configurations each cache holds (as a replay without a T1 file)",
      o.seeds, o.threads);
  if (!o.kernel_tuner) {
    std::printf("Kernel Tuner: not run (--no-kernel-tuner).\n\n");
  } else if (!o.kt_runs.empty()) {
    std::printf("Kernel Tuner: runs read from %s (printed by bench/kernel_tuner_runs.py).\n\n",
                o.kt_runs.c_str());
  } else if (kt_version) {
    std::printf("Kernel Tuner %s (%s): simulation mode, max_fevals = B, %zu repeats.\n\n",
                kt_version->c_str(), o.kt_python.c_str(), o.seeds);
  } else {
    std::printf("Kernel Tuner: not installed for %s (set --kernel-tuner-python).\n\n",
                o.kt_python.c_str());
  }

  std::vector<Space> spaces;
  for (const auto& file : files) {
    Space s;
    s.name = stem_of(file);
    s.file = file;
    try {
      s.cache = std::make_shared<const KernelTunerCache>(KernelTunerCache::load(file));
      if (auto t1 = o.t1 ? find_t1_for_cache(file) : std::nullopt) {
        s.t1 = t1->filename().string();
        s.t1_space = read_t1_input(*t1).space;
      }
      std::unique_ptr<ReplayEvaluator> replay = make_replay(s);
      std::vector<bench::PointTime> times;
      for (const ReplayPoint& p : replay_points(*replay)) {
        times.push_back(p.ok ? bench::PointTime(p.time_ms) : std::nullopt);
      }
      s.baseline = std::make_unique<WillemsenBaseline>(times, o.cutoff);
    } catch (const std::exception& e) {
      std::printf("%-24s skipped: %s\n", s.name.c_str(), e.what());
      continue;
    }
    spaces.push_back(std::move(s));
  }
  if (spaces.empty()) usage_error("no space could be loaded");

  // Kernel Tuner runs beside evojit's (it is one Python process at a time).
  std::map<std::string, std::vector<bench::PeerRun>> peer_runs;
  std::string peer_error;
  std::thread peer;
  if (o.kernel_tuner && !o.kt_runs.empty()) {
    std::map<std::string, std::size_t> budgets;
    for (const Space& s : spaces) budgets[s.name] = s.baseline->budget();
    try {
      peer_runs = bench::read_kernel_tuner_runs(o.kt_runs, budgets);
    } catch (const std::exception& e) {
      usage_error(e.what());
    }
  } else if (o.kernel_tuner && kt_version) {
    peer = std::thread([&] {
      for (const Space& s : spaces) {
        try {
          peer_runs[s.name] =
              bench::run_kernel_tuner(o.kt_python, EVOJIT_BENCH_KERNEL_TUNER_DRIVER, s.file,
                                      s.baseline->budget(), o.seeds, o.kt_strategies);
        } catch (const std::exception& e) {
          peer_error += e.what() + std::string("\n");
        }
      }
    });
  }

  std::atomic<std::size_t> evaluations{0};
  double run_s = 0.0;
  for (Space& s : spaces) {
    const auto start = std::chrono::steady_clock::now();
    run_space(s, rows, registry, o, evaluations);
    s.run_s = seconds_since(start);
    run_s += s.run_s;
  }
  const std::size_t evojit_rows = rows.size();
  if (peer.joinable()) peer.join();
  if (!peer_error.empty()) std::printf("! Kernel Tuner: %s", peer_error.c_str());
  if (o.kernel_tuner && (kt_version || !o.kt_runs.empty())) {
    add_peer_rows(spaces, rows, peer_runs, o);
  }

  std::printf("%-3s %-24s %-22s %8s %8s %6s %12s %12s %7s\n", "", "space", "T1 conditions",
              "points", "ok", "B", "optimum ms", "median ms", "run s");
  for (std::size_t i = 0; i < spaces.size(); ++i) {
    const Space& s = spaces[i];
    const WillemsenBaseline& b = *s.baseline;
    std::printf("S%-2zu %-24s %-22s %8zu %8zu %6zu %12.5g %12.5g %7.1f\n", i + 1, s.name.c_str(),
                s.t1.empty() ? "(cache only)" : s.t1.c_str(), b.points(), b.ok_points(), b.budget(),
                b.optimum(), b.median(), s.run_s);
  }
  std::printf("\n%-32s", "strategy");
  for (std::size_t i = 0; i < spaces.size(); ++i)
    std::printf("  %12s", ("S" + std::to_string(i + 1)).c_str());
  std::printf("  %7s  %6s  %s  %s\n", "mean", "vs rnd", "seed sd [min, max]", "");

  // Per row: mean over spaces, and on how many spaces its mean beats random's.
  std::string recommended;
  double recommended_mean = -std::numeric_limits<double>::infinity();
  std::vector<double> means(rows.size(), 0.0);
  std::vector<bool> complete(rows.size(), true);
  for (std::size_t r = 0; r < rows.size(); ++r) {
    std::printf("%-32s", rows[r].label.c_str());
    double sum = 0.0;
    std::size_t wins = 0;
    for (const Space& s : spaces) {
      MeanAndError m = bench::mean_and_error(s.scores[r]);
      MeanAndError random = bench::mean_and_error(s.scores[0]);
      if (!s.failures[r].empty()) complete[r] = false;
      std::printf("  %+6.3f±%.3f", m.mean, m.standard_error);
      sum += m.mean;
      wins += m.mean > random.mean;
    }
    means[r] = sum / static_cast<double>(spaces.size());
    const Spread spread = seed_spread(spaces, r, o.seeds);
    std::printf("  %+7.3f  %2zu/%zu   %.3f [%+.3f, %+.3f]\n", means[r], wins, spaces.size(),
                spread.sd, spread.lowest, spread.highest);
    if (r < evojit_rows && rows[r].label != "random" && complete[r] && wins == spaces.size() &&
        means[r] > recommended_mean) {
      recommended_mean = means[r];
      recommended = rows[r].label;
    }
  }
  for (std::size_t r = 0; r < rows.size(); ++r) {
    for (const Space& s : spaces) {
      if (!s.failures[r].empty()) {
        std::printf("! %s on %s failed: %s\n", rows[r].label.c_str(), s.name.c_str(),
                    s.failures[r].c_str());
      }
    }
    if (!rows[r].params.empty()) {
      std::printf("  %s = %s %s\n", rows[r].label.c_str(), rows[r].strategy.c_str(),
                  rows[r].params.dump().c_str());
    }
  }
  std::printf(
      "(vs rnd: spaces where the mean beats random search's; seed sd: spread over\n"
      "seeds of the mean over spaces, with the worst and best seed)\n");

  // The default against the peer's best strategy (its random search left out).
  std::size_t peer_best = rows.size();
  for (std::size_t r = evojit_rows; r < rows.size(); ++r) {
    if (rows[r].strategy == "random_sample" || !complete[r]) continue;
    if (peer_best == rows.size() || means[r] > means[peer_best]) peer_best = r;
  }
  for (std::size_t r = 0; r < evojit_rows; ++r) {
    if (rows[r].label != default_strategy || peer_best == rows.size()) continue;
    std::printf("\ndefault (%s) %+.3f vs Kernel Tuner's best (%s) %+.3f: lead %+.3f\n",
                default_strategy.c_str(), means[r], rows[peer_best].strategy.c_str(),
                means[peer_best], means[r] - means[peer_best]);
  }

  const MeanAndError random_all = [&] {
    std::vector<double> all;
    for (const Space& s : spaces) all.insert(all.end(), s.scores[0].begin(), s.scores[0].end());
    return bench::mean_and_error(all);
  }();
  std::printf("\nself-check: random search scores %+.4f ± %.4f over all runs (expected 0)\n",
              random_all.mean, random_all.standard_error);
  if (!recommended.empty()) {
    std::printf("best strategy beating random on every space: %s (mean %.3f)\n",
                recommended.c_str(), recommended_mean);
  } else {
    std::printf("no strategy beats random on every space\n");
  }
  const double total_s = seconds_since(table_start);
  std::printf("wall time %.1f s (runs %.1f s); %zu distinct evaluations, %.0f evaluations/s\n",
              total_s, run_s, evaluations.load(), static_cast<double>(evaluations.load()) / run_s);
  return 0;
}
