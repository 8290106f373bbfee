#include "interop/kernel_tuner_cache_entry.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>

#include "support/error.hpp"
#include "support/json_pointer.hpp"

namespace evojit::kernel_tuner_cache {
namespace {

using json = nlohmann::json;

double number_or_zero(const EntryFields& entry, const char* key) {
  const json* v = entry.find(key);
  if (v == nullptr || !v->is_number()) return 0.0;
  return v->get<double>();
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
bool is_bookkeeping(std::string_view field) {
  static const char* const kFields[] = {
      "time",          "times",          "compile_time", "verification_time", "benchmark_time",
      "strategy_time", "framework_time", "timestamp",    "__error__"};
  for (const char* f : kFields) {
    if (field == f) return true;
  }
  return false;
}

}  // namespace

std::size_t sort_fields(std::span<EntryField> members) {
  // Insertion sort: an entry has a dozen fields, and this allocates nothing (it runs
  // once per entry, 10^5 times for a large cache). Stable, so the last of equal names
  // stays last.
  for (std::size_t i = 1; i < members.size(); ++i) {
    for (std::size_t j = i; j > 0 && members[j].first < members[j - 1].first; --j) {
      std::swap(members[j], members[j - 1]);
    }
  }
  std::size_t kept = 0;
  for (std::size_t i = 0; i < members.size(); ++i) {
    if (i + 1 < members.size() && members[i + 1].first == members[i].first) continue;
    if (kept != i) std::swap(members[kept], members[i]);
    ++kept;
  }
  return kept;
}

const json* EntryFields::find(std::string_view name) const {
  auto it = std::lower_bound(members.begin(), members.end(), name,
                             [](const auto& m, std::string_view n) { return m.first < n; });
  return it != members.end() && it->first == name ? &it->second : nullptr;
}

[[noreturn]] static void throw_missing(const char* key, const std::string& where,
                                       const std::string& pointer) {
  throw_input_error(std::string("missing \"") + key + "\"", where + "#" + pointer,
                    "not a Kernel Tuner cache file?");
}

const json& require(const json& object, const char* key, const std::string& where,
                    const std::string& pointer) {
  auto it = object.find(key);
  if (it == object.end()) throw_missing(key, where, pointer);
  return *it;
}

const json& require(const EntryFields& entry, const char* key, const std::string& where,
                    const std::string& pointer) {
  const json* v = entry.find(key);
  if (v == nullptr) throw_missing(key, where, pointer);
  return *v;
}

std::string entry_pointer(std::string_view key) { return "/cache/" + pointer_token(key); }

CacheEntry parse_entry(const EntryFields& e, const std::string& where, std::string_view key,
                       const std::string& objective, EntryTables& tables) {
  CacheEntry out;
  const json* time_field = e.find("time");
  if (time_field == nullptr) throw_missing("time", where, entry_pointer(key));
  const json& time = *time_field;
  // Kernel Tuner's reader marks an entry failed when any field holds a failure
  // string (the objective's field, "time", or "__error__").
  std::optional<CacheOutcome> failed = failure_of(time);
  if (!failed) {
    for (auto it = e.members.begin(); it != e.members.end() && !failed; ++it) {
      failed = failure_of(it->second);
    }
  }
  if (failed) {
    out.outcome = *failed;
  } else if (time.is_string()) {
    throw_input_error("unknown failure \"" + time.get<std::string>() + "\"",
                      where + "#" + entry_pointer(key) + "/time",
                      "expected a number (ms), CompilationFailedConfig, RuntimeFailedConfig, "
                      "InvalidConfig or ErrorConfig");
  } else if (time.is_number()) {
    out.time_ms = time.get<double>();
    if (!std::isfinite(out.time_ms) || out.time_ms <= 0.0) {
      throw_input_error("time must be a positive number of milliseconds",
                        where + "#" + entry_pointer(key) + "/time");
    }
    out.min_ms = out.time_ms;
    const json* times = e.find("times");
    if (times != nullptr && times->is_array() && !times->empty()) {
      double sum = 0.0, sum2 = 0.0, lo = std::numeric_limits<double>::infinity();
      std::size_t n = 0;
      for (std::size_t i = 0; i < times->size(); ++i) {
        const json& t = (*times)[i];
        if (!t.is_number()) continue;
        double x = t.get<double>();
        if (!std::isfinite(x) || x < 0.0) {
          throw_input_error("a time must be a non-negative number of milliseconds, got " + t.dump(),
                            where + "#" + entry_pointer(key) + "/times/" + std::to_string(i));
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
    throw_input_error("time must be a number or a failure string",
                      where + "#" + entry_pointer(key) + "/time");
  }
  out.compile_ms = number_or_zero(e, "compile_time");
  out.verification_ms = number_or_zero(e, "verification_time");
  out.benchmark_ms = number_or_zero(e, "benchmark_time");
  out.strategy_ms = number_or_zero(e, "strategy_time");
  out.framework_ms = number_or_zero(e, "framework_time");
  out.objective_value = std::numeric_limits<double>::quiet_NaN();
  if (out.outcome == CacheOutcome::ok) {
    if (objective == "time") {
      out.objective_value = out.time_ms;
    } else if (const json* v = e.find(objective); v != nullptr && v->is_number()) {
      out.objective_value = v->get<double>();
    }
  }
  auto& kinds = tables.field_kinds;
  for (std::size_t i = 0; i < e.members.size(); ++i) {
    const auto& [name, value] = e.members[i];
    if (!value.is_number()) continue;
    if (i >= kinds.size()) kinds.resize(i + 1);
    if (kinds[i].first != name || kinds[i].first.empty()) {
      std::uint32_t kind = EntryTables::kNotMetric;
      if (!is_bookkeeping(name) &&
          std::find(tables.keys.begin(), tables.keys.end(), name) == tables.keys.end()) {
        auto [slot, added] = tables.metric_index.try_emplace(
            std::string(name), static_cast<std::uint32_t>(tables.metric_names.size()));
        if (added) tables.metric_names.emplace_back(name);
        kind = slot->second;
      }
      kinds[i] = {name, kind};
    }
    if (kinds[i].second != EntryTables::kNotMetric) {
      tables.metrics.push_back({kinds[i].second, value.get<double>()});
    }
  }
  return out;
}

}  // namespace evojit::kernel_tuner_cache
