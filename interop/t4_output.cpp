#include "interop/t4_output.hpp"

#include <cmath>

#include "support/atomic_file.hpp"
#include "support/error.hpp"
#include "support/json_text.hpp"
#include "support/time.hpp"

namespace evojit {
namespace {

using json = nlohmann::json;

json value_json(const Value& v) {
  return std::visit([](const auto& x) { return json(x); }, v);
}

json measurement(const std::string& name, double value, const char* unit) {
  return json{{"name", name}, {"value", value}, {"unit", unit}};
}

}  // namespace

std::string t4_invalidity(const Evaluation& e) {
  switch (e.status) {
    case EvalStatus::ok:
      return "correct";
    case EvalStatus::compile_error:
      return e.diagnostic.rfind("InvalidConfig", 0) == 0 ? "constraints" : "compile";
    case EvalStatus::wrong_result:
      return "correctness";
    case EvalStatus::timeout:
      return "timeout";
    case EvalStatus::crash:
    case EvalStatus::out_of_memory:
    case EvalStatus::worker_lost:
      return "runtime";
  }
  return "runtime";
}

namespace {

struct T4Measurement {
  std::string name;
  double value;
  const char* unit;
};

// What a result reports, whichever way it is written (document or text).
struct T4Figures {
  std::vector<double> runtimes;
  std::vector<T4Measurement> measurements;
  double compile_ms = 0.0;
  double validation_ms = 0.0;
  double benchmark_ms = 0.0;
};

T4Figures t4_figures(const T4Record& record) {
  const Evaluation& e = record.evaluation;
  T4Figures f;
  double log_sum = 0.0;
  std::size_t timed = 0;
  for (const SizeResult& s : e.sizes) {
    if (!s.ok || s.timing.median_s <= 0.0) continue;
    double ms = s.timing.median_s * 1e3;
    f.runtimes.push_back(ms);
    log_sum += std::log(ms);
    ++timed;
    if (e.sizes.size() > 1) f.measurements.push_back({"time:" + s.label, ms, "ms"});
  }
  if (e.status == EvalStatus::ok && timed > 0) {
    f.measurements.insert(f.measurements.begin(),
                          {"time", std::exp(log_sum / static_cast<double>(timed)), "ms"});
  }
  if (e.status == EvalStatus::ok) f.measurements.push_back({"fitness", e.fitness, ""});
  for (const SizeResult& s : e.sizes) {
    if (s.fraction > 0.0)
      f.measurements.push_back({"roofline_fraction:" + s.label, s.fraction, ""});
  }

  f.compile_ms = e.compile.total_s * 1e3;
  f.benchmark_ms = std::max(0.0, e.wall_s * 1e3 - f.compile_ms - f.validation_ms);
  if (record.recorded) {
    f.runtimes = record.recorded->runtimes_ms;
    if (f.runtimes.empty() && e.status == EvalStatus::ok) {
      for (const SizeResult& s : e.sizes) f.runtimes.push_back(s.timing.median_s * 1e3);
    }
    f.compile_ms = record.recorded->compile_ms;
    f.validation_ms = record.recorded->validation_ms;
    f.benchmark_ms = record.recorded->benchmark_ms;
  }
  return f;
}

// t4_result(record).dump(), without the document: the members in nlohmann::json's
// order (sorted by name).
// `now`: the time stamp of records without one (the time of writing, once per file).
void append_t4_result(std::string& text, const T4Record& record, const T4Objective& objective,
                      const std::string& now) {
  const Evaluation& e = record.evaluation;
  const T4Figures f = t4_figures(record);
  JsonText out(text);
  out.begin_object().key("configuration").begin_object();
  for (const auto& [name, value] : record.configuration) out.member(name, value);
  out.end_object()
      .member("correctness", e.status == EvalStatus::wrong_result ? 0 : 1)
      .member("invalidity", t4_invalidity(e))
      .key("measurements")
      .begin_array();
  for (const T4Measurement& m : f.measurements) {
    out.begin_object().member("name", m.name).member("unit", m.unit).member("value", m.value);
    out.end_object();
  }
  out.end_array().key("objectives").begin_array().value(objective.name).end_array();
  out.key("times")
      .begin_object()
      .member("benchmark", f.benchmark_ms)
      .member("compilation", f.compile_ms)
      .member("compilation_time", f.compile_ms)
      .member("framework", record.framework_s * 1e3)
      .key("runtimes")
      .begin_array();
  for (double ms : f.runtimes) out.value(ms);
  out.end_array()
      .member("search_algorithm", record.search_algorithm_s * 1e3)
      .member("validation", f.validation_ms)
      .end_object();
  out.member("timestamp", record.timestamp.empty() ? now : record.timestamp);
  out.end_object();
}

}  // namespace

json t4_result(const T4Record& record, const T4Objective& objective) {
  const Evaluation& e = record.evaluation;
  const T4Figures f = t4_figures(record);
  json out;
  out["timestamp"] = record.timestamp.empty() ? iso8601_now() : record.timestamp;
  json configuration = json::object();
  for (const auto& [name, value] : record.configuration) configuration[name] = value_json(value);
  out["configuration"] = std::move(configuration);
  out["objectives"] = json::array({objective.name});
  json measurements = json::array();
  for (const T4Measurement& m : f.measurements) {
    measurements.push_back(measurement(m.name, m.value, m.unit));
  }
  out["times"] = json{{"compilation_time", f.compile_ms},
                      {"compilation", f.compile_ms},
                      {"runtimes", f.runtimes},
                      {"framework", record.framework_s * 1e3},
                      {"search_algorithm", record.search_algorithm_s * 1e3},
                      {"validation", f.validation_ms},
                      {"benchmark", f.benchmark_ms}};
  out["invalidity"] = t4_invalidity(e);
  out["correctness"] = e.status == EvalStatus::wrong_result ? 0 : 1;
  out["measurements"] = std::move(measurements);
  return out;
}

json status_counts(const std::vector<T4Record>& records) {
  std::map<std::string, std::size_t> counts;
  for (const T4Record& r : records) ++counts[to_string(r.evaluation.status)];
  json out = json::object();
  for (const auto& [status, n] : counts) out[status] = n;
  return out;
}

json t4_metadata(const T4Objective& objective) {
  json m = {{"timeunit", "milliseconds"},
            {"objective", objective.name},
            {"objective_higher_is_better", objective.higher_is_better},
            {"generator", "evojit"}};
  if (!objective.description.empty()) m["objective_description"] = objective.description;
  return m;
}

json to_t4(const std::vector<T4Record>& records, const T4Objective& objective) {
  json results = json::array();
  for (const T4Record& r : records) results.push_back(t4_result(r, objective));
  return json{{"schema_version", kT4SchemaVersion},
              {"metadata", t4_metadata(objective)},
              {"results", std::move(results)}};
}

void write_t4(const std::filesystem::path& file, const std::vector<T4Record>& records,
              const T4Objective& objective) {
  try {
    AtomicFileWriter out(file);
    std::string& text = out.buffer();
    text = "{\"schema_version\": \"" + std::string(kT4SchemaVersion) +
           "\",\n\"metadata\": " + t4_metadata(objective).dump() + ",\n\"results\": [";
    const std::string now = iso8601_now();
    for (std::size_t i = 0; i < records.size(); ++i) {
      text += i == 0 ? "\n" : ",\n";
      append_t4_result(text, records[i], objective, now);
      out.flush_if_full();
    }
    text += "\n]}\n";
    out.commit();
  } catch (const std::runtime_error& e) {
    throw_input_error(std::string("cannot write the T4 results: ") + e.what(), file.string());
  }
}

}  // namespace evojit
