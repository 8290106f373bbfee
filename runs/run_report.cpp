#include "runs/run_report.hpp"

#include <cstdio>
#include <fstream>
#include <map>
#include <sstream>
#include <vector>

#include <nlohmann/json.hpp>

#include "runs/journal.hpp"
#include "support/error.hpp"
#include "support/files.hpp"

namespace evojit {
namespace {

using nlohmann::json;

json read_json_file(const std::filesystem::path& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return nullptr;
  const std::string text = read_bounded_file(path, kRunStateFileCap, "run directory");
  try {
    return json::parse(text);
  } catch (const json::exception& e) {
    throw_input_error(std::string("not valid JSON: ") + e.what(), path.string());
  }
}

std::string format(const char* fmt, double a) {
  char text[64];
  std::snprintf(text, sizeof text, fmt, a);
  return text;
}

std::string seconds_text(double s) {
  if (s <= 0.0) return "-";
  if (s < 1e-3) return format("%.2f us", s * 1e6);
  if (s < 1.0) return format("%.3f ms", s * 1e3);
  return format("%.3f s", s);
}

// A suspect size (a fraction above the ceiling, or noisy timing: see
// evaluators/fitness.hpp) is marked in the table and its reason printed under it.
void size_table(std::ostringstream& out, const json& evaluation) {
  out << "    size              time         cv      roofline     fraction\n";
  std::vector<std::string> suspects;
  for (const json& s : evaluation.value("sizes", json::array())) {
    char line[200];
    const json timing = s.value("timing", json::object());
    const std::string suspect = s.value("suspect", "");
    std::snprintf(line, sizeof line, "    %-16s  %-11s  %5.1f%%  %-11s  %7.3f%s%s\n",
                  s.value("label", "").c_str(), seconds_text(timing.value("median_s", 0.0)).c_str(),
                  100.0 * timing.value("cv", 0.0), seconds_text(s.value("roofline_s", 0.0)).c_str(),
                  s.value("fraction", 0.0), s.value("ok", false) ? "" : "  WRONG",
                  suspect.empty() ? "" : "  SUSPECT");
    out << line;
    if (!suspect.empty()) suspects.push_back(s.value("label", "") + ": " + suspect);
  }
  for (const std::string& s : suspects) out << "    SUSPECT " << s << "\n";
}

// A file of the run that is there must hold a JSON object.
void require_object(const json& j, const std::filesystem::path& path) {
  if (!j.is_null() && !j.is_object()) {
    throw_input_error(std::string("expected a JSON object, got ") + j.type_name(), path.string(),
                      "the file is damaged; `evojit run` writes an object");
  }
}

// "cache      7 of 20 answered (code 5, persistent 2), 1.3 s saved": from the summary of
// a finished run, else from the journal's records; only for a run that used caches.
void cache_line(std::ostream& out, const json& config, const json& summary,
                const std::vector<json>& journal) {
  std::map<std::string, long> answered;
  double saved_s = 0.0;
  if (summary.is_object() && summary.contains("cache") && summary.at("cache").is_object()) {
    const json& c = summary.at("cache");
    const json answers = c.value("answered", json::object());  // items() needs it alive
    for (const auto& [by, n] : answers.items()) {
      answered[by] = n.is_number_integer() ? n.get<long>() : 0;
    }
    saved_s = c.value("saved_s", 0.0);
  } else {
    for (const json& r : journal) {
      ++answered[r.value("cache", std::string("none"))];
      saved_s += r.value("saved_s", 0.0);
    }
  }
  long total = 0, hits = 0;
  std::string kinds;
  for (const auto& [by, n] : answered) {
    total += n;
    if (by == "none") continue;
    hits += n;
    kinds += (kinds.empty() ? "" : ", ") + by + " " + std::to_string(n);
  }
  if (!config.contains("cache") && hits == 0) return;
  out << "cache      " << hits << " of " << total << " answered by a cache"
      << (kinds.empty() ? "" : " (" + kinds + ")") << ", " << format("%.2f s", saved_s) << " saved";
  if (config.contains("cache")) out << "  [" << config.at("cache").value("file", "") << "]";
  out << "\n";
}

std::string format_report(const std::filesystem::path& dir);

}  // namespace

std::string format_run_report(const std::filesystem::path& dir) {
  // The files were written by evojit but may have been edited or damaged since: a
  // field of the wrong type is a user-facing error naming the directory, not a crash.
  try {
    return format_report(dir);
  } catch (const json::exception& e) {
    throw_input_error(std::string("a run file has a field of the wrong type: ") + e.what(),
                      dir.string(),
                      "run.json, summary.json or best/best.json was edited or damaged");
  }
}

namespace {

std::string format_report(const std::filesystem::path& dir) {
  const json run = read_json_file(dir / "run.json");
  if (run.is_null()) {
    throw_input_error("not a run directory (no run.json)", dir.string(),
                      "give the directory `evojit run` wrote, e.g. runs/triad-...");
  }
  require_object(run, dir / "run.json");
  if (!run.contains("config") || !run.at("config").is_object()) {
    throw_input_error("expected a \"config\" object", (dir / "run.json").string() + "#/config",
                      "the file is damaged; `evojit run` writes the run's configuration there");
  }
  const json summary = read_json_file(dir / "summary.json");
  require_object(summary, dir / "summary.json");
  // A finished run's summary counts the statuses: reading a replay's 10^5 journal
  // records back would cost more than the run itself.
  const bool counted =
      summary.is_object() && summary.contains("statuses") && summary.at("statuses").is_object();
  const std::vector<json> journal = !counted && std::filesystem::exists(dir / "journal.jsonl")
                                        ? read_journal(dir / "journal.jsonl")
                                        : std::vector<json>{};
  for (std::size_t i = 0; i < journal.size(); ++i) {
    if (!journal[i].is_object()) {
      throw_input_error("record " + std::to_string(i + 1) + " is not a JSON object",
                        (dir / "journal.jsonl").string(), "the journal is damaged");
    }
  }
  const json best = read_json_file(dir / "best" / "best.json");
  require_object(best, dir / "best" / "best.json");
  const json& config = run.at("config");
  // A replay: run.json names the replay backend (or, written before backends had
  // names, carries the cache under "replay").
  const bool replay = config.contains("replay") || config.value("backend", "") == "replay";
  const json identity = run.contains("backend") && run.at("backend").is_object()
                            ? run.at("backend").value("identity", json::object())
                            : json::object();

  std::ostringstream out;
  out << "run        " << dir.string() << "\n";
  if (replay) {
    const std::string cache =
        config.contains("replay") ? config.value("replay", "") : identity.value("cache", "");
    out << "replay     " << cache << " (recorded on "
        << run.value("recorded_device", identity.value("recorded_device", "")) << ")\n";
  } else {
    // A manifest task is named by its file.
    const std::string task_file = config.value("task_file", "");
    out << "task       " << (task_file.empty() ? config.value("task", "") : task_file) << "\n";
  }
  out << "strategy   " << config.value("strategy", "") << "  (seed " << config.value("seed", 0)
      << ")\n";
  const json profile = run.value("machine_profile", json::object());
  if (!profile.empty())
    out << "machine    " << profile.value("cpu_model", "") << ": "
        << format("%.1f GB/s", profile.value("peak_bandwidth_bytes_per_s", 0.0) / 1e9) << ", "
        << format("%.1f GFLOP/s", profile.value("peak_flops_per_s", 0.0) / 1e9) << " (profile "
        << profile.value("source", "measured") << ", measured "
        << profile.value("measured_at", "at an unknown time") << ")\n";

  std::map<std::string, int> statuses;
  double best_fitness = 0.0;
  std::size_t evaluations = journal.size();
  if (counted) {
    evaluations = 0;
    for (const auto& [status, n] : summary.at("statuses").items()) {
      statuses[status] = n.is_number_integer() ? n.get<int>() : 0;
      evaluations += static_cast<std::size_t>(statuses[status]);
    }
    best_fitness = summary.value("best_fitness", 0.0);
  }
  for (const json& r : journal) {
    ++statuses[r.value("status", "?")];
    best_fitness = std::max(best_fitness, r.value("fitness", 0.0));
  }
  out << "evaluations " << evaluations;
  if (!statuses.empty()) {
    out << "  (";
    bool first = true;
    for (const auto& [status, count] : statuses) {
      out << (first ? "" : ", ") << status << " " << count;
      first = false;
    }
    out << ")";
  }
  out << "\n";
  if (summary.is_null()) {
    out << "state      interrupted: no summary.json (the run did not finish)\n";
  } else {
    out << "stopped    " << summary.value("stop_reason", "") << " after ";
    if (summary.contains("simulated_elapsed_s")) {  // a replay: two clocks, both named
      out << format("%.1f s", summary.value("wall_s", 0.0)) << " wall time ("
          << format("%.1f s", summary.value("simulated_elapsed_s", 0.0))
          << " simulated tuning time on the recorded device)\n";
    } else {
      out << format("%.1f s", summary.value("elapsed_s", 0.0)) << "\n";
    }
    if (summary.contains("seed_fitness")) {
      out << "seed       fitness " << format("%.4f", summary.at("seed_fitness").get<double>())
          << " (the naive kernel)\n";
    }
  }
  cache_line(out, config, summary, journal);
  const std::string fitness_name = config.value("fitness", "");
  if (fitness_name == "inverse-time" || (replay && fitness_name.empty())) {
    out << "best       fitness " << format("%.4f", best_fitness) << " (1 / recorded time in ms: "
        << format("%.4f ms", best_fitness > 0 ? 1.0 / best_fitness : 0.0) << ")\n";
  } else if (fitness_name.empty() || fitness_name == "roofline") {
    out << "best       fitness " << format("%.4f", best_fitness)
        << " (geometric mean of fraction of roofline over training sizes)\n";
  } else {
    out << "best       fitness " << format("%.4f", best_fitness) << " (" << fitness_name << ")\n";
  }
  if (!best.is_null() && best.contains("canonical")) {
    out << "           " << best.value("canonical", "") << "\n";
    if (best.contains("training")) {
      out << "  training sizes:\n";
      size_table(out, best.at("training"));
    }
    if (best.contains("held_out")) {
      const json& h = best.at("held_out");
      out << "  held-out sizes (scored once, never seen by the search):\n";
      size_table(out, h.at("evaluation"));
      out << "  held-out verdict: " << h.value("verdict", "") << "  (held-out "
          << format("%.4f", h.value("held_out_fitness", 0.0)) << " vs training "
          << format("%.4f", h.value("training_fitness", 0.0)) << ", ratio "
          << format("%.2f", h.value("ratio", 0.0)) << ")\n";
      if (!h.value("note", "").empty()) out << "  " << h.value("note", "") << "\n";
    }
  }
  return out.str();
}

}  // namespace
}  // namespace evojit
