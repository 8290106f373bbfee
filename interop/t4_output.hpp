// T4 results: the auto-tuning community's output schema (AutoTuningAssociation
// TuningSchema, results-schema.json 1.0.0, as Kernel Tuner writes it), so that a
// run's evaluations can be compared with Kernel Tuner, KTT and OpenTuner runs.
//
// {"schema_version": "1.0.0", "metadata": {"timeunit": "milliseconds", "objective",
//  "objective_higher_is_better", "generator"}, "results": [{"timestamp",
//  "configuration": {name: value}, "objectives": [the objective optimized], "times":
//  {"compilation_time" (the schema's name) and "compilation" (Kernel Tuner 1.5's),
//  "runtimes": [every repetition], "framework", "search_algorithm", "validation",
//  "benchmark"}, "invalidity": "correct" | "compile" | "runtime" | "correctness" |
//  "timeout" | "constraints", "correctness": 1 or 0, "measurements": [{"name",
//  "value", "unit"}]}]}
//
// Times are in milliseconds, as in Kernel Tuner's T4 files and caches. The
// measurement "time" is the geometric mean over sizes of the measured time (the
// recorded mean for replay); each size also gets its own "time:<label>" measurement.
// Replayed results carry the recorded figures (every repetition, compile, validation
// and benchmark time); "framework" and "search_algorithm" are evojit's own, measured
// in this run.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "evaluators/evaluation.hpp"
#include "support/time.hpp"  // T4Record::timestamp is iso8601_now()
#include "support/value.hpp"

namespace evojit {

inline constexpr const char* kT4SchemaVersion = "1.0.0";

// What a replayed configuration cost when it was recorded (Kernel Tuner's cache).
struct T4RecordedTimes {
  std::vector<double> runtimes_ms;  // every repetition
  double compile_ms = 0.0;
  double validation_ms = 0.0;
  double benchmark_ms = 0.0;
};

struct T4Record {
  std::map<std::string, Value> configuration;
  Evaluation evaluation;
  std::string timestamp;                    // ISO 8601; empty: the time of writing
  double search_algorithm_s = 0.0;          // time the strategy and the loop spent before it
  double framework_s = 0.0;                 // driver overhead (recording it)
  std::optional<T4RecordedTimes> recorded;  // replay: the cache's figures
};

// What the run optimized, for the file's metadata and every result's "objectives".
struct T4Objective {
  std::string name = "time";
  bool higher_is_better = false;
  std::string description;  // how evojit's fitness relates to it
};

// "correct" for ok; otherwise the class of failure. A replayed Kernel Tuner
// InvalidConfig (compile_error whose diagnostic starts with "InvalidConfig") is
// "constraints", as Kernel Tuner writes it.
std::string t4_invalidity(const Evaluation& evaluation);

nlohmann::json t4_result(const T4Record& record, const T4Objective& objective = {});
nlohmann::json t4_metadata(const T4Objective& objective);
nlohmann::json to_t4(const std::vector<T4Record>& records, const T4Objective& objective = {});

// Writes to_t4(records) to `file` atomically (a temporary file renamed into place),
// record by record rather than as one document tree (a replay has 10^5 of them).
// Throws InputError when the file cannot be written.
void write_t4(const std::filesystem::path& file, const std::vector<T4Record>& records,
              const T4Objective& objective = {});

// How many records ended in each status ({"ok": 12, "compile_error": 3}): summary.json
// carries it so that a report need not read the whole journal back.
nlohmann::json status_counts(const std::vector<T4Record>& records);

}  // namespace evojit
