#include "interop/kernel_tuner_cache_entry.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>

#include "support/error.hpp"

namespace evojit::kernel_tuner_cache {
namespace {

using json = nlohmann::json;

double number_or_zero(const json& entry, const char* key) {
  auto it = entry.find(key);
  if (it == entry.end() || !it->is_number()) return 0.0;
  return it->get<double>();
}

std::optional<CacheOutcome> failure_of(const json& v) {
  if (!v.is_string()) return std::nullopt;
  const std::string& s = v.get_ref<const std::string&>();
  if (s == "CompilationFailedConfig") return CacheOutcome::compilation_failed;
  if (s == "RuntimeFailedConfig" || s == "ErrorConfig") return CacheOutcome::runtime_failed;
  if (s == "InvalidConfig") return CacheOutcome::invalid;
  return std::nullopt;
}

// Fields of an entry that are neither metrics nor observer values.
bool is_bookkeeping(const std::string& field) {
  static const char* const kFields[] = {
      "time",          "times",          "compile_time", "verification_time", "benchmark_time",
      "strategy_time", "framework_time", "timestamp",    "__error__"};
  for (const char* f : kFields) {
    if (field == f) return true;
  }
  return false;
}

}  // namespace

const json& require(const json& object, const char* key, const std::string& where,
                    const std::string& pointer) {
  auto it = object.find(key);
  if (it == object.end()) {
    throw_input_error(std::string("missing \"") + key + "\"", where + "#" + pointer,
                      "not a Kernel Tuner cache file?");
  }
  return *it;
}

CacheEntry parse_entry(const json& e, const std::string& where, const std::string& pointer,
                       const std::string& objective, EntryTables& tables) {
  CacheEntry out;
  const json& time = require(e, "time", where, pointer);
  // Kernel Tuner's reader marks an entry failed when any field holds a failure
  // string (the objective's field, "time", or "__error__").
  std::optional<CacheOutcome> failed = failure_of(time);
  if (!failed) {
    for (auto it = e.begin(); it != e.end() && !failed; ++it) failed = failure_of(it.value());
  }
  if (failed) {
    out.outcome = *failed;
  } else if (time.is_string()) {
    throw_input_error("unknown failure \"" + time.get<std::string>() + "\"",
                      where + "#" + pointer + "/time",
                      "expected a number (ms), CompilationFailedConfig, RuntimeFailedConfig, "
                      "InvalidConfig or ErrorConfig");
  } else if (time.is_number()) {
    out.time_ms = time.get<double>();
    if (!std::isfinite(out.time_ms) || out.time_ms <= 0.0) {
      throw_input_error("time must be a positive number of milliseconds",
                        where + "#" + pointer + "/time");
    }
    out.min_ms = out.time_ms;
    auto times = e.find("times");
    if (times != e.end() && times->is_array() && !times->empty()) {
      double sum = 0.0, sum2 = 0.0, lo = std::numeric_limits<double>::infinity();
      std::size_t n = 0;
      for (std::size_t i = 0; i < times->size(); ++i) {
        const json& t = (*times)[i];
        if (!t.is_number()) continue;
        double x = t.get<double>();
        if (!std::isfinite(x) || x < 0.0) {
          throw_input_error("a time must be a non-negative number of milliseconds, got " + t.dump(),
                            where + "#" + pointer + "/times/" + std::to_string(i));
        }
        tables.times.push_back(x);
        sum += x;
        sum2 += x * x;
        lo = std::min(lo, x);
        ++n;
      }
      if (n > 0) {
        double mean = sum / static_cast<double>(n);
        double var = std::max(0.0, sum2 / static_cast<double>(n) - mean * mean);
        out.cv = mean > 0.0 ? std::sqrt(var) / mean : 0.0;
        out.min_ms = lo;
        out.repetitions = static_cast<std::uint32_t>(n);
      }
    }
  } else {
    throw_input_error("time must be a number or a failure string", where + "#" + pointer + "/time");
  }
  out.compile_ms = number_or_zero(e, "compile_time");
  out.verification_ms = number_or_zero(e, "verification_time");
  out.benchmark_ms = number_or_zero(e, "benchmark_time");
  out.strategy_ms = number_or_zero(e, "strategy_time");
  out.framework_ms = number_or_zero(e, "framework_time");
  out.objective_value = std::numeric_limits<double>::quiet_NaN();
  if (out.outcome == CacheOutcome::ok) {
    auto it = objective == "time" ? e.end() : e.find(objective);
    if (objective == "time") {
      out.objective_value = out.time_ms;
    } else if (it != e.end() && it->is_number()) {
      out.objective_value = it->get<double>();
    }
  }
  for (auto it = e.begin(); it != e.end(); ++it) {
    if (!it.value().is_number() || is_bookkeeping(it.key())) continue;
    if (std::find(tables.keys.begin(), tables.keys.end(), it.key()) != tables.keys.end()) continue;
    auto [slot, added] = tables.metric_index.try_emplace(
        it.key(), static_cast<std::uint32_t>(tables.metric_names.size()));
    if (added) tables.metric_names.push_back(it.key());
    tables.metrics.push_back({slot->second, it.value().get<double>()});
  }
  return out;
}

}  // namespace evojit::kernel_tuner_cache
