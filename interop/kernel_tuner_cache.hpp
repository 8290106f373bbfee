// A Kernel Tuner cache file (.json or .json.gz) loaded for replay: the recorded
// measurement of every configuration of one kernel on one GPU.
//
// Format (every version Kernel Tuner 1.0 to 1.5 writes): {"device_name",
// "kernel_name", "problem_size" (an int, a list, or "callable"), "tune_params_keys",
// "tune_params": {name: [values]}, "objective" (a string before 1.5, a list of strings
// from 1.5 on; any field, "time" or "GFLOP/s" or an observer's), "cache":
// {"v1,v2,...": {name: value..., "time": mean ms, "times": [ms...], "compile_time",
// "verification_time", "benchmark_time", "strategy_time", "framework_time" (ms),
// "timestamp", and any metric or observer value ("GFLOP/s", "registers", ...)}}}.
// A failed configuration holds "CompilationFailedConfig", "RuntimeFailedConfig",
// "InvalidConfig" or "ErrorConfig" in some field (its "time" or its objective, as
// Kernel Tuner's own reader looks for it in any field). Python's json writes
// Infinity and NaN for a metric that divided by zero: they read as absent values.
// Kernel Tuner writes the file incrementally, so a file whose closing braces are
// missing after a complete entry is accepted (repaired()).
//
// An entry is addressed by its value indices, one per tune_params key (in key order);
// lookups are O(1) (a dense table over the Cartesian product when it is small, a hash
// map otherwise).
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "support/value.hpp"

namespace evojit {

struct KernelTunerCacheReader;

enum class CacheOutcome : std::uint8_t {
  ok,
  compilation_failed,  // "CompilationFailedConfig"
  runtime_failed,      // "RuntimeFailedConfig" (and the generic "ErrorConfig")
  invalid,             // "InvalidConfig": rejected by Kernel Tuner's own checks
};

// The string Kernel Tuner records for a failure ("" for ok).
const char* to_string(CacheOutcome outcome);

struct CacheEntry {
  CacheOutcome outcome = CacheOutcome::ok;
  double time_ms = 0.0;  // the recorded mean ("time"); 0 unless ok
  double min_ms = 0.0;   // smallest of "times" (time_ms when absent)
  double cv = 0.0;       // coefficient of variation of "times"
  std::uint32_t repetitions = 0;
  double compile_ms = 0.0;
  double verification_ms = 0.0;
  double benchmark_ms = 0.0;
  double strategy_ms = 0.0;   // "strategy_time" (0 when absent)
  double framework_ms = 0.0;  // "framework_time"
  // The value of the cache's objective field (objective()); NaN when the entry has
  // no number there (a failure, or an objective it did not record).
  double objective_value = 0.0;
  // What tuning this entry cost when it was recorded.
  double cost_ms() const { return compile_ms + verification_ms + benchmark_ms; }
};

class KernelTunerCache {
 public:
  // Reads a file (gzip when it starts with the gzip magic, whatever its name). Throws
  // InputError naming the file and the JSON pointer of the first problem.
  static KernelTunerCache load(const std::filesystem::path& file);
  // Parses the text of a cache; `where` names it in errors.
  static KernelTunerCache parse(std::string_view text, const std::string& where);

  const std::string& source() const { return source_; }  // file name or `where`
  const std::string& device_name() const { return device_name_; }
  const std::string& kernel_name() const { return kernel_name_; }
  // The first objective (what Kernel Tuner optimized); "time" when absent.
  const std::string& objective() const { return objectives_.front(); }
  // Every objective, in file order (Kernel Tuner 1.5 writes a list).
  const std::vector<std::string>& objectives() const { return objectives_; }
  // Whether Kernel Tuner maximizes objective() (its defaults: GFLOP/s, GB/s, ...).
  bool objective_higher_is_better() const;
  const std::vector<std::int64_t>& problem_size() const { return problem_size_; }
  // True when the text was cut short and closing braces had to be added.
  bool repaired() const { return repaired_; }

  // tune_params_keys and their value lists, in key order.
  const std::vector<std::string>& keys() const { return keys_; }
  const std::vector<std::vector<Value>>& values() const { return values_; }
  std::optional<std::size_t> key_position(const std::string& name) const;

  std::size_t size() const { return entries_.size(); }
  std::size_t ok_count() const { return ok_count_; }
  const CacheEntry& entry(std::size_t i) const { return entries_[i]; }
  // The value indices of entry i, one per key.
  std::span<const std::uint32_t> entry_index(std::size_t i) const {
    return {indices_.data() + i * keys_.size(), keys_.size()};
  }
  // Entry i's individual repetition times ("times", ms); empty when absent.
  std::span<const double> times(std::size_t i) const {
    return {times_.data() + times_offset_[i], times_offset_[i + 1] - times_offset_[i]};
  }
  // Every other numeric field of the entries (metrics and observers: "GFLOP/s",
  // "registers", ...): names, and entry i's (name index, value) pairs.
  struct Metric {
    std::uint32_t name;
    double value;
  };
  const std::vector<std::string>& metric_names() const { return metric_names_; }
  std::span<const Metric> metrics(std::size_t i) const {
    return {metrics_.data() + metrics_offset_[i], metrics_offset_[i + 1] - metrics_offset_[i]};
  }
  // The entry recorded for these value indices (one per key), or nullopt.
  std::optional<std::size_t> find(std::span<const std::uint32_t> index) const;

 private:
  friend struct KernelTunerCacheReader;  // kernel_tuner_cache_reader.hpp
  void build_lookup();

  std::string source_;
  std::string device_name_;
  std::string kernel_name_;
  std::vector<std::string> objectives_{"time"};
  std::vector<std::int64_t> problem_size_;
  bool repaired_ = false;
  std::vector<std::string> keys_;
  std::vector<std::vector<Value>> values_;
  std::vector<CacheEntry> entries_;
  std::vector<std::uint32_t> indices_;  // entries_.size() x keys_.size()
  std::vector<double> times_;
  std::vector<std::size_t> times_offset_{0};  // entries_.size() + 1
  std::vector<std::string> metric_names_;
  std::vector<Metric> metrics_;
  std::vector<std::size_t> metrics_offset_{0};
  std::size_t ok_count_ = 0;
  // Mixed-radix code of an index tuple -> entry. dense_ is used when the Cartesian
  // product is small enough; sparse_ otherwise.
  std::vector<std::uint64_t> strides_;
  bool code_fits_ = true;  // the Cartesian product fits in 64 bits
  std::vector<std::int32_t> dense_;
  std::unordered_map<std::uint64_t, std::vector<std::uint32_t>> sparse_;
};

}  // namespace evojit
