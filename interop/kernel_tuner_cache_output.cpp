#include "interop/kernel_tuner_cache_output.hpp"

#include <charconv>
#include <cmath>
#include <unordered_map>

#include "support/atomic_file.hpp"
#include "support/error.hpp"
#include "support/json_text.hpp"
#include "support/time.hpp"

namespace evojit {
namespace {

using json = nlohmann::json;
using ordered_json = nlohmann::ordered_json;

ordered_json value_json(const Value& v) {
  return std::visit([](const auto& x) { return ordered_json(x); }, v);
}

const char* failure_string(const Evaluation& e) {
  switch (e.status) {
    case EvalStatus::ok:
      return "";
    case EvalStatus::compile_error:
      return e.diagnostic.rfind("InvalidConfig", 0) == 0 ? "InvalidConfig"
                                                         : "CompilationFailedConfig";
    default:
      return "RuntimeFailedConfig";
  }
}

// Ordered as Kernel Tuner writes an entry: the parameters in key order, then the
// figures.
ordered_json entry_json(const T4Record& r, const std::vector<std::string>& keys) {
  const Evaluation& e = r.evaluation;
  ordered_json out = ordered_json::object();
  for (const std::string& key : keys) {
    if (auto it = r.configuration.find(key); it != r.configuration.end()) {
      out[key] = value_json(it->second);
    }
  }
  double compile_ms = e.compile.total_s * 1e3;
  double verification_ms = 0.0;
  double benchmark_ms = std::max(0.0, e.wall_s * 1e3 - compile_ms);
  ordered_json times = ordered_json::array();
  if (r.recorded) {
    for (double t : r.recorded->runtimes_ms) times.push_back(t);
    compile_ms = r.recorded->compile_ms;
    verification_ms = r.recorded->validation_ms;
    benchmark_ms = r.recorded->benchmark_ms;
  }
  if (e.status == EvalStatus::ok) {
    double log_sum = 0.0;
    std::size_t timed = 0;
    for (const SizeResult& s : e.sizes) {
      if (!s.ok || s.timing.median_s <= 0.0) continue;
      log_sum += std::log(s.timing.median_s * 1e3);
      ++timed;
      if (!r.recorded) times.push_back(s.timing.median_s * 1e3);
      if (e.sizes.size() > 1) out["time:" + s.label] = s.timing.median_s * 1e3;
      if (s.fraction > 0.0) out["roofline_fraction:" + s.label] = s.fraction;
    }
    // A replayed entry keeps its recorded mean; a live one has the geometric mean.
    const double time_ms = timed ? std::exp(log_sum / static_cast<double>(timed)) : 0.0;
    out["time"] = time_ms;
    out["fitness"] = e.fitness;
  } else {
    out["time"] = failure_string(e);
  }
  out["times"] = std::move(times);
  out["compile_time"] = compile_ms;
  out["verification_time"] = verification_ms;
  out["benchmark_time"] = benchmark_ms;
  out["strategy_time"] = r.search_algorithm_s * 1e3;
  out["framework_time"] = r.framework_s * 1e3;
  out["timestamp"] = r.timestamp.empty() ? iso8601_now() : r.timestamp;
  out["evojit_status"] = to_string(e.status);
  return out;
}

// The names entry_json writes besides the parameters'.
bool is_figure_name(const std::string& name) {
  static const char* const kFigures[] = {
      "time",           "fitness",       "times",          "compile_time", "verification_time",
      "benchmark_time", "strategy_time", "framework_time", "timestamp",    "evojit_status"};
  for (const char* f : kFigures) {
    if (name == f) return true;
  }
  return name.starts_with("roofline_fraction:") || name.starts_with("time:");
}

// entry_json(r, keys).dump(), without the document, for a record of at most one size
// whose parameters' names are none of the figures' (then every member is written
// once, in the order entry_json inserts them).
// `now`: the time stamp of records without one (the time of writing, once per file).
void append_entry(std::string& text, const T4Record& r, const std::vector<std::string>& keys,
                  const std::string& now) {
  const Evaluation& e = r.evaluation;
  JsonText out(text);
  out.begin_object();
  for (const std::string& key : keys) {
    if (auto it = r.configuration.find(key); it != r.configuration.end()) {
      out.member(key, it->second);
    }
  }
  double compile_ms = e.compile.total_s * 1e3;
  double verification_ms = 0.0;
  double benchmark_ms = std::max(0.0, e.wall_s * 1e3 - compile_ms);
  if (r.recorded) {
    compile_ms = r.recorded->compile_ms;
    verification_ms = r.recorded->validation_ms;
    benchmark_ms = r.recorded->benchmark_ms;
  }
  std::vector<double> live_times;
  if (e.status == EvalStatus::ok) {
    double log_sum = 0.0;
    std::size_t timed = 0;
    for (const SizeResult& s : e.sizes) {
      if (!s.ok || s.timing.median_s <= 0.0) continue;
      log_sum += std::log(s.timing.median_s * 1e3);
      ++timed;
      if (!r.recorded) live_times.push_back(s.timing.median_s * 1e3);
      if (s.fraction > 0.0) out.member("roofline_fraction:" + s.label, s.fraction);
    }
    const double time_ms = timed ? std::exp(log_sum / static_cast<double>(timed)) : 0.0;
    out.member("time", time_ms).member("fitness", e.fitness);
  } else {
    out.member("time", failure_string(e));
  }
  out.key("times").begin_array();
  for (double t : r.recorded ? r.recorded->runtimes_ms : live_times) out.value(t);
  out.end_array()
      .member("compile_time", compile_ms)
      .member("verification_time", verification_ms)
      .member("benchmark_time", benchmark_ms)
      .member("strategy_time", r.search_algorithm_s * 1e3)
      .member("framework_time", r.framework_s * 1e3)
      .member("timestamp", r.timestamp.empty() ? now : r.timestamp)
      .member("evojit_status", to_string(e.status))
      .end_object();
}

}  // namespace

std::string python_str(const Value& v) {
  if (const auto* b = std::get_if<bool>(&v)) return *b ? "True" : "False";
  if (const auto* i = std::get_if<std::int64_t>(&v)) return std::to_string(*i);
  if (const auto* s = std::get_if<std::string>(&v)) return *s;
  const double d = std::get<double>(v);
  if (std::isnan(d)) return "nan";
  if (std::isinf(d)) return d > 0 ? "inf" : "-inf";
  // Python's repr: the shortest text that reads back, with ".0" on integral values
  // in fixed notation (repr switches to exponents at 1e16 and below 1e-4, written
  // with two exponent digits at least, as to_chars does: 1e-05, 1e+16).
  char buffer[64];
  const double magnitude = std::fabs(d);
  const bool fixed = magnitude == 0.0 || (magnitude >= 1e-4 && magnitude < 1e16);
  auto result =
      fixed ? std::to_chars(buffer, buffer + sizeof buffer, d, std::chars_format::fixed)
            : std::to_chars(buffer, buffer + sizeof buffer, d, std::chars_format::scientific);
  std::string text(buffer, result.ptr);
  if (fixed && text.find('.') == std::string::npos) text += ".0";
  return text;
}

namespace {

// The text of the cache file, handed to `out` piece by piece.
void append_kernel_tuner_cache(AtomicFileWriter* file, std::string& text,
                               const KernelTunerCacheHeader& header,
                               const std::vector<T4Record>& records) {
  ordered_json tune_params = ordered_json::object();
  for (std::size_t k = 0; k < header.keys.size(); ++k) {
    ordered_json list = ordered_json::array();
    for (const Value& v : header.values[k]) list.push_back(value_json(v));
    tune_params[header.keys[k]] = std::move(list);
  }
  // Kernel Tuner's header, written with json.dumps(indent="") and left open: the
  // entries follow one per line, and the file is closed with "}\n}".
  ordered_json head = {
      {"device_name", header.device_name},     {"kernel_name", header.kernel_name},
      {"problem_size", header.problem_size},   {"tune_params_keys", header.keys},
      {"tune_params", std::move(tune_params)}, {"objective", ordered_json::array({"time"})}};
  text += "{\n\"device_name\": " + head["device_name"].dump() +
          ",\n\"kernel_name\": " + head["kernel_name"].dump() +
          ",\n\"problem_size\": " + head["problem_size"].dump() +
          ",\n\"tune_params_keys\": " + head["tune_params_keys"].dump() +
          ",\n\"tune_params\": " + head["tune_params"].dump() +
          ",\n\"objective\": " + head["objective"].dump() + ",\n\"cache\": {";
  // The last record of a configuration wins; entries keep first-seen order.
  std::unordered_map<std::string, std::size_t> last;
  std::vector<std::string> order;
  for (std::size_t i = 0; i < records.size(); ++i) {
    std::string key;
    for (std::size_t k = 0; k < header.keys.size(); ++k) {
      if (k) key += ',';
      auto it = records[i].configuration.find(header.keys[k]);
      if (it != records[i].configuration.end()) key += python_str(it->second);
    }
    auto [slot, added] = last.try_emplace(key, i);
    if (added) {
      order.push_back(std::move(key));
    } else {
      slot->second = i;
    }
  }
  bool plain_names = true;
  for (const std::string& key : header.keys) plain_names = plain_names && !is_figure_name(key);
  bool first = true;
  const std::string now = iso8601_now();
  for (const std::string& key : order) {
    text += first ? "\n" : ",\n";
    first = false;
    JsonText(text).value(key);
    text += ": ";
    const T4Record& r = records[last.at(key)];
    if (plain_names && r.evaluation.sizes.size() <= 1) {
      append_entry(text, r, header.keys, now);
    } else {
      text += entry_json(r, header.keys).dump();
    }
    if (file != nullptr) file->flush_if_full();
  }
  text += "}\n}";
}

}  // namespace

std::string kernel_tuner_cache_text(const KernelTunerCacheHeader& header,
                                    const std::vector<T4Record>& records) {
  std::string text;
  append_kernel_tuner_cache(nullptr, text, header, records);
  return text;
}

void write_kernel_tuner_cache(const std::filesystem::path& file,
                              const KernelTunerCacheHeader& header,
                              const std::vector<T4Record>& records) {
  try {
    AtomicFileWriter out(file);
    append_kernel_tuner_cache(&out, out.buffer(), header, records);
    out.commit();
  } catch (const std::runtime_error& e) {
    throw_input_error(std::string("cannot write the Kernel Tuner cache: ") + e.what(),
                      file.string());
  }
}

}  // namespace evojit
