// Search efficiency: every registered strategy on every recorded GPU space (Kernel
// Tuner caches replayed, under the T1 file's conditions where there is one), scored
// as in Willemsen et al. (FGCS 2024) on evaluation counts: 0 is random search, 1 is
// the optimum from the first evaluation on (bench/willemsen_score.hpp). Random search
// is run too, as a self-check: its mean score should be about 0.
//
// Usage: bench_search_efficiency [--spaces DIR] [--seeds N] [--threads N]
//          [--strategies a,b,...] [--only SUBSTRING] [--params NAME='{json}']...
//          [--variant LABEL=NAME:'{json}']... [--cutoff 0.95]
//   --params sets the parameters of a registered strategy's row; --variant adds a row
//   running strategy NAME with these parameters (to compare settings side by side).
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <limits>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "bench/willemsen_score.hpp"
#include "evaluators/replay_evaluator.hpp"
#include "evaluators/replay_space.hpp"
#include "runs/t1_input.hpp"
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
};

struct Options {
  std::filesystem::path spaces = EVOJIT_BENCH_SPACES_DIR;
  std::size_t seeds = 50;
  unsigned threads = std::max(1u, std::thread::hardware_concurrency());
  std::vector<std::string> strategies;  // empty: every registered one
  std::string only;
  double cutoff = 0.95;
  std::vector<std::pair<std::string, nlohmann::json>> params;
  std::vector<Row> variants;
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
    } else if (flag == "--threads") {
      o.threads =
          static_cast<unsigned>(std::max(1ull, std::strtoull(value().c_str(), nullptr, 10)));
    } else if (flag == "--only") {
      o.only = value();
    } else if (flag == "--cutoff") {
      o.cutoff = std::strtod(value().c_str(), nullptr);
    } else if (flag == "--strategies") {
      std::string list = value();
      for (std::size_t start = 0; start <= list.size();) {
        std::size_t end = std::min(list.find(',', start), list.size());
        if (end > start) o.strategies.push_back(list.substr(start, end - start));
        start = end + 1;
      }
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
        space.scores[r][seed] = space.baseline->score(
            run_once(registry, rows[r], *replay, space.baseline->budget(), seed + 1, counted));
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

}  // namespace

int main(int argc, char** argv) {
  const Options o = parse_options(argc, argv);
  StrategyRegistry registry;
  register_builtin_strategies(registry);
  const std::vector<Row> rows = make_rows(o, registry);

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

  std::printf(
      "Search efficiency on recorded spaces: score of Willemsen et al. (FGCS 2024),\n"
      "0 = random search (exact expectation, without replacement), 1 = the optimum.\n"
      "Budgets are counts of distinct evaluations, not tuning time as in the paper: B is\n"
      "the fewest draws after which random search is expected %.0f%% of the way from the\n"
      "median to the optimum; the score is the mean over t = 1..B of\n"
      "(E[random best](t) - best(t)) / (E[random best](t) - optimum). Failed points are\n"
      "draws with no time (+inf, capped at the worst time) for random and strategies.\n"
      "%zu seeds per cell, %u threads; cell = mean score +- standard error.\n\n",
      100.0 * o.cutoff, o.seeds, o.threads);

  std::vector<Space> spaces;
  std::atomic<std::size_t> evaluations{0};
  double run_s = 0.0;
  for (const auto& file : files) {
    Space s;
    s.name = stem_of(file);
    try {
      s.cache = std::make_shared<const KernelTunerCache>(KernelTunerCache::load(file));
      if (auto t1 = find_t1_for_cache(file)) {
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
    const auto start = std::chrono::steady_clock::now();
    run_space(s, rows, registry, o, evaluations);
    s.run_s = seconds_since(start);
    run_s += s.run_s;
    spaces.push_back(std::move(s));
  }
  if (spaces.empty()) usage_error("no space could be loaded");

  std::printf("%-3s %-24s %-22s %8s %8s %6s %12s %12s %7s\n", "", "space", "T1 conditions",
              "points", "ok", "B", "optimum ms", "median ms", "run s");
  for (std::size_t i = 0; i < spaces.size(); ++i) {
    const Space& s = spaces[i];
    const WillemsenBaseline& b = *s.baseline;
    std::printf("S%-2zu %-24s %-22s %8zu %8zu %6zu %12.5g %12.5g %7.1f\n", i + 1, s.name.c_str(),
                s.t1.empty() ? "(cache only)" : s.t1.c_str(), b.points(), b.ok_points(), b.budget(),
                b.optimum(), b.median(), s.run_s);
  }
  std::printf("\n%-26s", "strategy");
  for (std::size_t i = 0; i < spaces.size(); ++i)
    std::printf("  %12s", ("S" + std::to_string(i + 1)).c_str());
  std::printf("  %11s  %s\n", "mean", "beats random on");

  // Per row: mean over spaces, and on how many spaces its mean beats random's.
  std::string recommended;
  double recommended_mean = -std::numeric_limits<double>::infinity();
  for (std::size_t r = 0; r < rows.size(); ++r) {
    std::printf("%-26s", rows[r].label.c_str());
    double sum = 0.0;
    std::size_t wins = 0;
    bool failed = false;
    for (const Space& s : spaces) {
      MeanAndError m = bench::mean_and_error(s.scores[r]);
      MeanAndError random = bench::mean_and_error(s.scores[0]);
      if (!s.failures[r].empty()) failed = true;
      std::printf("  %+6.3f±%.3f", m.mean, m.standard_error);
      sum += m.mean;
      wins += m.mean > random.mean;
    }
    const double mean = sum / static_cast<double>(spaces.size());
    std::printf("  %+11.3f  %zu/%zu\n", mean, wins, spaces.size());
    if (rows[r].label != "random" && !failed && wins == spaces.size() && mean > recommended_mean) {
      recommended_mean = mean;
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
