// T4 results: the auto-tuning community's output schema (AutoTuningAssociation
// TuningSchema, results-schema.json 1.0.0, as Kernel Tuner writes it), so that a
// run's evaluations can be compared with Kernel Tuner, KTT and OpenTuner runs.
//
// {"schema_version": "1.0.0", "results": [{"timestamp", "configuration": {name: value},
//  "objectives": ["time"], "times": {"compilation_time", "runtimes", "framework",
//  "search_algorithm", "validation", "benchmark"}, "invalidity": "correct" | "compile"
//  | "runtime" | "correctness" | "timeout" | "constraints", "correctness": 1 or 0,
//  "measurements": [{"name", "value", "unit"}]}]}
//
// Times are in milliseconds, as in Kernel Tuner's T4 files and caches. The objective
// "time" is the geometric mean over sizes of the measured time (the recorded mean
// for replay); each size also gets its own "time:<label>" measurement.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "evaluators/evaluation.hpp"
#include "support/value.hpp"

namespace evojit {

inline constexpr const char* kT4SchemaVersion = "1.0.0";

struct T4Record {
  std::map<std::string, Value> configuration;
  Evaluation evaluation;
  std::string timestamp;            // ISO 8601; empty: the time of writing
  double search_algorithm_s = 0.0;  // time the strategy spent proposing it
  double framework_s = 0.0;         // driver overhead
};

// "correct" for ok; otherwise the class of failure. A replayed Kernel Tuner
// InvalidConfig (compile_error whose diagnostic starts with "InvalidConfig") is
// "constraints", as Kernel Tuner writes it.
std::string t4_invalidity(const Evaluation& evaluation);

nlohmann::json t4_result(const T4Record& record);
nlohmann::json to_t4(const std::vector<T4Record>& records);

// Writes to_t4(records) to `file` atomically (a temporary file renamed into place).
// Throws InputError when the file cannot be written.
void write_t4(const std::filesystem::path& file, const std::vector<T4Record>& records);

// Now, as "2024-05-01T12:00:00.123456+00:00" (UTC).
std::string iso8601_now();

}  // namespace evojit
