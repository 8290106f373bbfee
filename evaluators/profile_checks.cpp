#include "evaluators/profile_checks.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <fstream>

namespace evojit {
namespace {

std::string format(const char* fmt, double a, double b = 0.0, double c = 0.0) {
  char text[160];
  std::snprintf(text, sizeof text, fmt, a, b, c);
  return text;
}

std::string threads_text(int t) { return std::to_string(t) + (t == 1 ? " thread" : " threads"); }

// More threads must not be slower than fewer: each count against the best of the
// smaller counts, so a dip anywhere is seen.
void check_scaling(const std::string& what, const char* unit, double scale,
                   const std::vector<int>& threads, const std::vector<double>& values, double noise,
                   std::vector<std::string>& problems) {
  std::size_t best = 0;
  for (std::size_t i = 1; i < values.size(); ++i) {
    if (values[i] < values[best] * (1.0 - noise)) {
      const int t = i < threads.size() ? threads[i] : static_cast<int>(i + 1);
      const int tb = best < threads.size() ? threads[best] : static_cast<int>(best + 1);
      problems.push_back(what + ": " + threads_text(t) + format(" %.2f ", values[i] / scale) +
                         unit + " is slower than " + threads_text(tb) +
                         format(" %.2f ", values[best] / scale) + unit +
                         format(" (beyond %.0f%% noise)", 100.0 * noise));
    }
    if (values[i] > values[best]) best = i;
  }
}

std::string bytes_text(double b) {
  if (b >= 1024.0 * 1024.0) return format("%.0f MiB", b / (1024.0 * 1024.0));
  return format("%.0f KiB", b / 1024.0);
}

}  // namespace

std::vector<std::string> consistency_problems(const MachineProfile& p, double noise) {
  std::vector<std::string> problems;
  if (!p.nominal_bandwidth) {
    check_scaling("DRAM bandwidth", "GB/s", 1e9, p.threads, p.bandwidth_bytes_per_s, noise,
                  problems);
  }
  if (!p.nominal_flops) {
    check_scaling("FP32 FMA", "GFLOP/s", 1e9, p.threads, p.flops_per_s, noise, problems);
  }
  for (const MemoryLevel& level : p.levels) {
    if (level.name == "DRAM") continue;  // the DRAM series was checked above
    check_scaling(level.name + " bandwidth", "GB/s", 1e9, p.threads, level.bandwidth_bytes_per_s,
                  noise, problems);
  }
  // Smaller levels are faster: each level at least as fast as every larger one.
  std::vector<std::pair<std::string, double>> ladder;
  for (const MemoryLevel& level : p.levels) {
    if (level.name != "DRAM") ladder.emplace_back(level.name, level.peak());
  }
  ladder.emplace_back("DRAM", p.peak_bandwidth());
  for (std::size_t i = 0; i + 1 < ladder.size(); ++i) {
    for (std::size_t j = i + 1; j < ladder.size(); ++j) {
      if (ladder[i].second < ladder[j].second * (1.0 - noise)) {
        problems.push_back(
            ladder[i].first + format(" bandwidth %.2f GB/s", ladder[i].second / 1e9) +
            " is below " + ladder[j].first +
            format("'s %.2f GB/s (expected L1 >= L2 >= L3 >= DRAM)", ladder[j].second / 1e9));
      }
    }
  }
  return problems;
}

std::vector<std::string> missing_levels(const MachineProfile& p,
                                        const std::vector<CacheLevel>& os_caches) {
  std::vector<std::string> reasons;
  for (const CacheLevel& c : os_caches) {
    const bool measured = std::any_of(p.levels.begin(), p.levels.end(),
                                      [&](const MemoryLevel& l) { return l.name == c.name; });
    if (!measured) {
      reasons.push_back("no " + c.name + " level: the OS reports a " + bytes_text(c.size_bytes) +
                        " " + c.name + " cache, so sizes that fit in it would be scored " +
                        "against a slower level's bandwidth");
      continue;
    }
    // Measured by evojit for a topology it recorded: it must be this machine's.
    for (const CacheLevel& recorded : p.caches) {
      if (recorded.name == c.name && std::abs(recorded.size_bytes - c.size_bytes) > 0.5) {
        reasons.push_back("the " + c.name + " level was measured for a " +
                          bytes_text(recorded.size_bytes) + " cache; the OS reports " +
                          bytes_text(c.size_bytes));
      }
    }
  }
  return reasons;
}

LoadAverage read_load_average(const std::filesystem::path& file) {
  LoadAverage load;
  std::ifstream in(file);
  in >> load.one >> load.five >> load.fifteen;
  if (!in) load = {};
  return load;
}

bool machine_is_busy(const LoadAverage& load, int cores) {
  return load.one > 0.5 * std::max(1, cores);
}

std::string describe(const LoadAverage& load) {
  return format("%.2f %.2f %.2f", load.one, load.five, load.fifteen);
}

ProfileComparison compare_profiles(const MachineProfile& saved, const MachineProfile& fresh,
                                   double tolerance) {
  ProfileComparison out;
  auto compare = [&](const std::string& what, const char* unit, double was, double now) {
    if (!(was > 0.0) || !(now > 0.0)) return;
    const double change = now / was - 1.0;
    const bool ok = std::abs(change) <= tolerance;
    out.holds = out.holds && ok;
    char line[200];
    std::snprintf(line, sizeof line, "%-6s saved %9.2f %-7s now %9.2f %-7s %+6.1f%%  %s",
                  what.c_str(), was / 1e9, unit, now / 1e9, unit, 100.0 * change,
                  ok ? "ok" : (change > 0 ? "SAVED TOO LOW" : "SAVED TOO HIGH (or busy now)"));
    out.lines.push_back(line);
  };
  for (const MemoryLevel& level : saved.levels) {
    if (level.name == "DRAM") continue;
    for (const MemoryLevel& now : fresh.levels) {
      if (now.name == level.name) compare(level.name, "GB/s", level.peak(), now.peak());
    }
  }
  compare("DRAM", "GB/s", saved.peak_bandwidth(), fresh.peak_bandwidth());
  compare("FMA", "GFLOP/s", saved.peak_flops(), fresh.peak_flops());
  return out;
}

std::string age_text(const std::string& measured_at) {
  std::tm tm{};
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0;
  if (std::sscanf(measured_at.c_str(), "%d-%d-%dT%d:%d:%d", &y, &mo, &d, &h, &mi, &s) != 6) {
    return "at an unknown time";
  }
  tm.tm_year = y - 1900;
  tm.tm_mon = mo - 1;
  tm.tm_mday = d;
  tm.tm_hour = h;
  tm.tm_min = mi;
  tm.tm_sec = s;
  const double age = std::difftime(std::time(nullptr), timegm(&tm));
  if (age < 0) return "in the future (clock skew?)";
  if (age < 120) return format("%.0f s ago", age);
  if (age < 7200) return format("%.0f min ago", age / 60);
  if (age < 2 * 86400) return format("%.1f h ago", age / 3600);
  return format("%.0f days ago", age / 86400);
}

}  // namespace evojit
