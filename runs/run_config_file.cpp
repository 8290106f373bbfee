#include "runs/run_config_file.hpp"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <initializer_list>
#include <limits>
#include <sstream>

#include <nlohmann/json.hpp>

#include "support/error.hpp"
#include "support/expression/expression.hpp"
#include "support/files.hpp"
#include "support/json_pointer.hpp"
#include "support/value.hpp"

namespace evojit {
namespace {

using json = nlohmann::json;

constexpr std::string_view kTopKeys[] = {"task",
                                         "strategy",
                                         "strategy_params",
                                         "budget",
                                         "seed",
                                         "out",
                                         "overrides",
                                         "constraints",
                                         "workers",
                                         "measure",
                                         "collapse_ratio",
                                         "profile",
                                         "fitness",
                                         "fitness_params",
                                         "backend",
                                         "backend_options",
                                         "task_file",
                                         "plugins",
                                         "cache"};
constexpr std::string_view kCacheKeys[] = {"file", "enabled", "measurements", "forget_probability"};
constexpr std::string_view kBudgetKeys[] = {"evaluations", "seconds"};
constexpr std::string_view kMeasureKeys[] = {"warmup", "min_repetitions", "max_repetitions",
                                             "target_relative_error", "max_seconds"};
// More workers than this is a typo, not a machine.
constexpr std::uint64_t kMaxWorkers = 4096;

// Text from the file quoted in a message: bounded, so a huge or binary value cannot
// flood the terminal.
std::string clip(std::string text) {
  constexpr std::size_t kMax = 60;
  if (text.size() > kMax) text = text.substr(0, kMax) + "...";
  return text;
}

// What a value is, for "got ..." (containers are named, never dumped: dump() recurses
// and a fuzzed document may nest thousands deep).
std::string describe(const json& j) {
  switch (j.type()) {
    case json::value_t::object:
      return "an object";
    case json::value_t::array:
      return "a list";
    case json::value_t::null:
      return "null";
    case json::value_t::string:
      return "\"" + clip(j.get_ref<const std::string&>()) + "\"";
    default:
      return clip(j.dump());
  }
}

std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

class Reader {
 public:
  explicit Reader(const std::string& where) : where_(where) {}

  [[noreturn]] void fail(const std::string& pointer, const std::string& what,
                         const std::string& hint = {}) const {
    throw_input_error(what, pointer.empty() ? where_ : where_ + ": " + pointer, hint);
  }

  // Every key of `object` must be one of `known`.
  template <std::size_t N>
  void check_keys(const json& object, const std::string& pointer,
                  const std::string_view (&known)[N]) const {
    for (auto it = object.begin(); it != object.end(); ++it) {
      const std::string& key = it.key();
      if (std::find(std::begin(known), std::end(known), key) != std::end(known)) continue;
      std::string list, closest;
      std::size_t best = 3;  // suggest only a near miss (a typo)
      for (std::string_view k : known) {
        list += (list.empty() ? "" : ", ") + std::string(k);
        if (key.size() < 64) {
          const std::size_t d = edit_distance(key, k);
          if (d < best) {
            best = d;
            closest = k;
          }
        }
      }
      std::string hint = closest.empty() ? "" : "did you mean \"" + closest + "\"? ";
      fail(pointer + "/" + clip(pointer_token(key)), "unknown key \"" + clip(key) + "\"",
           hint + "known keys: " + list);
    }
  }

  const json& object(const json& j, const std::string& pointer) const {
    if (!j.is_object()) fail(pointer, "expected an object, got " + describe(j));
    return j;
  }

  std::string string(const json& j, const std::string& pointer, bool is_path = false) const {
    if (!j.is_string()) fail(pointer, "expected a string, got " + describe(j));
    const std::string& s = j.get_ref<const std::string&>();
    if (s.empty()) fail(pointer, "expected a non-empty string");
    if (is_path && s.find('\0') != std::string::npos) {
      fail(pointer, "a path cannot contain a NUL character");
    }
    return s;
  }

  // An integer in [lo, hi]; an integral float (3.0) is accepted, since some JSON
  // writers emit every number as a float.
  std::uint64_t integer(const json& j, const std::string& pointer, std::uint64_t lo,
                        std::uint64_t hi, const std::string& expected) const {
    auto bad = [&] { fail(pointer, "expected " + expected + ", got " + describe(j)); };
    std::uint64_t v = 0;
    if (j.is_number_unsigned()) {
      v = j.get<std::uint64_t>();
    } else if (j.is_number_float()) {
      const double d = j.get<double>();
      if (!(d >= 0.0 && d <= 9007199254740992.0 && std::floor(d) == d)) bad();
      v = static_cast<std::uint64_t>(d);
    } else {
      bad();  // negative integers, strings, booleans, ...
    }
    if (v < lo || v > hi) bad();
    return v;
  }

  // A finite number in [lo, hi] (lo excluded when `lo_open`).
  double number(const json& j, const std::string& pointer, double lo, bool lo_open, double hi,
                const std::string& expected) const {
    if (!j.is_number()) fail(pointer, "expected " + expected + ", got " + describe(j));
    const double d = j.get<double>();
    if (!std::isfinite(d) || d < lo || (lo_open && d == lo) || d > hi) {
      fail(pointer, "expected " + expected + ", got " + describe(j));
    }
    return d;
  }

 private:
  const std::string& where_;
};

constexpr std::uint64_t kIntMax = static_cast<std::uint64_t>(std::numeric_limits<int>::max());
constexpr double kHuge = std::numeric_limits<double>::max();

void read_budget(const Reader& r, const json& j, RunSpec& c) {
  r.object(j, "/budget");
  r.check_keys(j, "/budget", kBudgetKeys);
  if (auto it = j.find("evaluations"); it != j.end()) {
    c.budget_evaluations =
        r.integer(*it, "/budget/evaluations", 0, std::numeric_limits<std::uint64_t>::max(),
                  "a positive integer or 0 (no limit)");
  }
  if (auto it = j.find("seconds"); it != j.end()) {
    c.budget_seconds = r.number(*it, "/budget/seconds", 0.0, false, kHuge,
                                "a non-negative number of seconds (0: no limit)");
  }
}

// "cache": false (none), "FILE", or {"file", "enabled", "measurements",
// "forget_probability"} (runs/run_cache.hpp).
void read_cache(const Reader& r, const json& j, RunSpec& c) {
  CacheSpec& cache = c.cache;
  if (j.is_boolean()) {
    cache.enabled = j.get<bool>();
    return;
  }
  if (j.is_string()) {
    cache.file = r.string(j, "/cache", true);
    return;
  }
  if (!j.is_object()) {
    r.fail("/cache", "expected false, a file name or an object, got " + describe(j),
           "e.g. \"cache\": {\"file\": \"cache.sqlite\", \"measurements\": 3}");
  }
  r.check_keys(j, "/cache", kCacheKeys);
  if (auto it = j.find("enabled"); it != j.end()) {
    if (!it->is_boolean()) r.fail("/cache/enabled", "expected true or false, got " + describe(*it));
    cache.enabled = it->get<bool>();
  }
  if (auto it = j.find("file"); it != j.end()) cache.file = r.string(*it, "/cache/file", true);
  if (auto it = j.find("measurements"); it != j.end()) {
    cache.measurements = r.integer(*it, "/cache/measurements", 1, kIntMax, "a positive integer");
  }
  if (auto it = j.find("forget_probability"); it != j.end()) {
    cache.forget_probability =
        r.number(*it, "/cache/forget_probability", 0.0, false, 1.0, "a number between 0 and 1");
  }
}

void read_measure(const Reader& r, const json& j, RunSpec& c) {
  r.object(j, "/measure");
  r.check_keys(j, "/measure", kMeasureKeys);
  MeasureOptions& m = c.measure;
  if (auto it = j.find("warmup"); it != j.end()) {
    m.warmup =
        static_cast<int>(r.integer(*it, "/measure/warmup", 0, kIntMax, "a non-negative integer"));
  }
  if (auto it = j.find("min_repetitions"); it != j.end()) {
    m.min_repetitions = static_cast<int>(
        r.integer(*it, "/measure/min_repetitions", 1, kIntMax, "a positive integer"));
  }
  if (auto it = j.find("max_repetitions"); it != j.end()) {
    m.max_repetitions = static_cast<int>(
        r.integer(*it, "/measure/max_repetitions", 1, kIntMax, "a positive integer"));
  }
  if (m.max_repetitions < m.min_repetitions) {
    r.fail(j.contains("max_repetitions") ? "/measure/max_repetitions" : "/measure/min_repetitions",
           "max_repetitions (" + std::to_string(m.max_repetitions) +
               ") is below min_repetitions (" + std::to_string(m.min_repetitions) + ")");
  }
  if (auto it = j.find("target_relative_error"); it != j.end()) {
    m.target_relative_error = r.number(*it, "/measure/target_relative_error", 0.0, false, kHuge,
                                       "a non-negative number (e.g. 0.01)");
  }
  if (auto it = j.find("max_seconds"); it != j.end()) {
    m.max_seconds =
        r.number(*it, "/measure/max_seconds", 0.0, true, kHuge, "a positive number of seconds");
  }
}

void read_overrides(const Reader& r, const json& j, RunSpec& c) {
  c.overrides.clear();
  if (j.is_object()) {
    for (auto it = j.begin(); it != j.end(); ++it) {
      const std::string pointer = "/overrides/" + clip(pointer_token(it.key()));
      const std::string& name = it.key();
      if (name.empty() || name.find('=') != std::string::npos) {
        r.fail(pointer, "expected a parameter name as the key, got \"" + clip(name) + "\"");
      }
      const json& v = it.value();
      Value value;
      if (v.is_boolean()) {
        value = v.get<bool>();
      } else if (v.is_number_integer() && !v.is_number_unsigned()) {
        value = v.get<std::int64_t>();
      } else if (v.is_number_unsigned()) {
        if (v.get<std::uint64_t>() >
            static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
          r.fail(pointer, "value " + describe(v) + " is too large");
        }
        value = static_cast<std::int64_t>(v.get<std::uint64_t>());
      } else if (v.is_number_float()) {
        value = v.get<double>();
      } else if (v.is_string() && !v.get_ref<const std::string&>().empty()) {
        value = v.get<std::string>();
      } else {
        r.fail(pointer, "expected a number, boolean or non-empty string, got " + describe(v));
      }
      c.overrides.push_back(name + "=" + to_string(value));
    }
    return;
  }
  if (!j.is_array()) {
    r.fail("/overrides",
           "expected an object {\"NAME\": value} or a list [\"NAME=VALUE\"], got " + describe(j));
  }
  for (std::size_t i = 0; i < j.size(); ++i) {
    const std::string pointer = "/overrides/" + std::to_string(i);
    const std::string item = r.string(j[i], pointer);
    const auto eq = item.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == item.size()) {
      r.fail(pointer, "expected NAME=VALUE, got \"" + clip(item) + "\"", "e.g. \"UNROLL=4\"");
    }
    c.overrides.push_back(item);
  }
}

void read_constraints(const Reader& r, const json& j, RunSpec& c) {
  if (!j.is_array()) r.fail("/constraints", "expected a list of strings, got " + describe(j));
  c.constraints.clear();
  for (std::size_t i = 0; i < j.size(); ++i) {
    const std::string pointer = "/constraints/" + std::to_string(i);
    std::string text = r.string(j[i], pointer);
    try {
      Expression::parse(text);  // a syntax error is reported here, with its pointer
    } catch (const ExpressionError& e) {
      r.fail(pointer,
             "constraint \"" + clip(text) + "\" does not parse at column " +
                 std::to_string(e.column()) + ": " + e.what(),
             "write a Python-like expression, e.g. \"TILE_X * TILE_Y <= 1024\"");
    }
    c.constraints.push_back(std::move(text));
  }
}

std::string parse_error_text(const json::exception& e) {
  // nlohmann's message starts with "[json.exception.parse_error.101] ": drop it.
  std::string text = e.what();
  if (auto close = text.find("] "); text.rfind("[json.exception", 0) == 0 && close != text.npos) {
    text = text.substr(close + 2);
  }
  return text;
}

}  // namespace

RunSpec parse_run_config(std::string_view text, const std::string& where) {
  const Reader r(where);
  if (text.find_first_not_of(" \t\r\n") == std::string_view::npos) {
    r.fail("", "the file is empty", "write a JSON object, e.g. {\"task\": \"triad\"}");
  }
  json doc;
  try {
    doc = json::parse(text);
  } catch (const json::exception& e) {  // parse_error, or out_of_range for 1e400
    r.fail("", "not JSON: " + parse_error_text(e), "a run configuration is a JSON object");
  }
  if (!doc.is_object()) {
    r.fail("", "expected a JSON object at the top level, got " + describe(doc),
           "e.g. {\"task\": \"triad\", \"budget\": {\"evaluations\": 100}}");
  }
  r.check_keys(doc, "", kTopKeys);

  RunSpec c;
  if (auto it = doc.find("backend"); it != doc.end()) c.backend = r.string(*it, "/backend");
  if (auto it = doc.find("backend_options"); it != doc.end()) {
    c.backend_options = r.object(*it, "/backend_options");
  }
  if (auto it = doc.find("task"); it != doc.end()) c.task = r.string(*it, "/task");
  if (auto it = doc.find("fitness"); it != doc.end()) c.fitness = r.string(*it, "/fitness");
  if (auto it = doc.find("fitness_params"); it != doc.end()) {
    c.fitness_params = r.object(*it, "/fitness_params");
  }
  if (auto it = doc.find("strategy"); it != doc.end()) c.strategy = r.string(*it, "/strategy");
  if (auto it = doc.find("strategy_params"); it != doc.end()) {
    c.strategy_params = r.object(*it, "/strategy_params");
  }
  if (auto it = doc.find("budget"); it != doc.end()) read_budget(r, *it, c);
  if (auto it = doc.find("seed"); it != doc.end()) {
    c.seed = r.integer(*it, "/seed", 0, std::numeric_limits<std::uint64_t>::max(),
                       "a non-negative integer");
  }
  if (auto it = doc.find("out"); it != doc.end()) c.out_dir = r.string(*it, "/out", true);
  if (auto it = doc.find("overrides"); it != doc.end()) read_overrides(r, *it, c);
  if (auto it = doc.find("constraints"); it != doc.end()) read_constraints(r, *it, c);
  if (auto it = doc.find("workers"); it != doc.end()) {
    c.workers = r.integer(*it, "/workers", 1, kMaxWorkers,
                          "a positive integer up to " + std::to_string(kMaxWorkers));
  }
  if (auto it = doc.find("measure"); it != doc.end()) read_measure(r, *it, c);
  if (auto it = doc.find("cache"); it != doc.end()) read_cache(r, *it, c);
  if (auto it = doc.find("collapse_ratio"); it != doc.end()) {
    c.collapse_ratio =
        r.number(*it, "/collapse_ratio", 0.0, false, 1.0, "a number between 0 and 1");
  }
  if (auto it = doc.find("profile"); it != doc.end()) {
    c.profile_path = r.string(*it, "/profile", true);
  }
  if (auto it = doc.find("task_file"); it != doc.end()) {
    c.task_file = r.string(*it, "/task_file", true);
  }
  if (auto it = doc.find("plugins"); it != doc.end()) {  // shared objects (runs/plugins.hpp)
    if (!it->is_array()) r.fail("/plugins", "expected a list of paths", "e.g. [\"libmine.so\"]");
    for (std::size_t i = 0; i < it->size(); ++i) {
      c.plugins.push_back(r.string((*it)[i], "/plugins/" + std::to_string(i), true));
    }
  }
  return c;
}

RunSpec load_run_config(const std::filesystem::path& file) {
  std::error_code ec;
  if (!std::filesystem::exists(file, ec)) {
    throw_input_error("no such file", file.string(),
                      "give the path of a run configuration (.json)");
  }
  if (std::filesystem::is_directory(file, ec)) {
    throw_input_error("is a directory, not a file", file.string(),
                      "give the path of a run configuration (.json)");
  }
  RunSpec spec =
      parse_run_config(read_bounded_file(file, kConfigFileCap, "run configuration"), file.string());
  // A task manifest named in the file is found beside it, wherever the run starts.
  if (!spec.task_file.empty() && spec.task_file.is_relative()) {
    spec.task_file = std::filesystem::absolute(file).parent_path() / spec.task_file;
  }
  return spec;
}

}  // namespace evojit
