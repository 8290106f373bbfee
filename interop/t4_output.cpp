#include "interop/t4_output.hpp"

#include <cmath>

#include "support/atomic_file.hpp"
#include "support/error.hpp"
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

json t4_result(const T4Record& record, const T4Objective& objective) {
  const Evaluation& e = record.evaluation;
  json out;
  out["timestamp"] = record.timestamp.empty() ? iso8601_now() : record.timestamp;
  json configuration = json::object();
  for (const auto& [name, value] : record.configuration) configuration[name] = value_json(value);
  out["configuration"] = std::move(configuration);
  out["objectives"] = json::array({objective.name});

  json runtimes = json::array();
  double log_sum = 0.0;
  std::size_t timed = 0;
  double validation_ms = 0.0;
  json measurements = json::array();
  for (const SizeResult& s : e.sizes) {
    if (!s.ok || s.timing.median_s <= 0.0) continue;
    double ms = s.timing.median_s * 1e3;
    runtimes.push_back(ms);
    log_sum += std::log(ms);
    ++timed;
    if (e.sizes.size() > 1) measurements.push_back(measurement("time:" + s.label, ms, "ms"));
  }
  if (e.status == EvalStatus::ok && timed > 0) {
    measurements.insert(measurements.begin(),
                        measurement("time", std::exp(log_sum / static_cast<double>(timed)), "ms"));
  }
  if (e.status == EvalStatus::ok) measurements.push_back(measurement("fitness", e.fitness, ""));
  for (const SizeResult& s : e.sizes) {
    if (s.fraction > 0.0) {
      measurements.push_back(measurement("roofline_fraction:" + s.label, s.fraction, ""));
    }
  }

  double compile_ms = e.compile.total_s * 1e3;
  double benchmark_ms = std::max(0.0, e.wall_s * 1e3 - compile_ms - validation_ms);
  if (record.recorded) {
    runtimes = record.recorded->runtimes_ms;
    if (runtimes.empty() && e.status == EvalStatus::ok) {
      for (const SizeResult& s : e.sizes) runtimes.push_back(s.timing.median_s * 1e3);
    }
    compile_ms = record.recorded->compile_ms;
    validation_ms = record.recorded->validation_ms;
    benchmark_ms = record.recorded->benchmark_ms;
  }
  out["times"] = json{{"compilation_time", compile_ms},
                      {"compilation", compile_ms},
                      {"runtimes", std::move(runtimes)},
                      {"framework", record.framework_s * 1e3},
                      {"search_algorithm", record.search_algorithm_s * 1e3},
                      {"validation", validation_ms},
                      {"benchmark", benchmark_ms}};
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
  std::string text = "{\"schema_version\": \"" + std::string(kT4SchemaVersion) +
                     "\",\n\"metadata\": " + t4_metadata(objective).dump() + ",\n\"results\": [";
  for (std::size_t i = 0; i < records.size(); ++i) {
    text += i == 0 ? "\n" : ",\n";
    text += t4_result(records[i], objective).dump();
  }
  text += "\n]}\n";
  try {
    write_file_atomically(file, text);
  } catch (const std::runtime_error& e) {
    throw_input_error(std::string("cannot write the T4 results: ") + e.what(), file.string());
  }
}

}  // namespace evojit
