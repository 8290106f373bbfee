// Internal to the Kernel Tuner cache reader (kernel_tuner_cache.cpp): one entry of
// the "cache" object read into a CacheEntry, with its repetition times and its
// metrics and observer values appended to the cache's flat tables. Not part of the
// public API.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "interop/kernel_tuner_cache.hpp"

namespace evojit::kernel_tuner_cache {

// The fields of one cache entry, sorted by name with each name once (a name written
// twice keeps its last value), as a JSON object would hold them; no tree per entry.
struct EntryFields {
  std::vector<std::pair<std::string, nlohmann::json>> members;

  // Sorts `members` by name and drops all but the last of equal names.
  void finish();
  const nlohmann::json* find(std::string_view name) const;
};

// The member `key` of `object`; InputError at where#pointer when it is missing.
const nlohmann::json& require(const nlohmann::json& object, const char* key,
                              const std::string& where, const std::string& pointer);
const nlohmann::json& require(const EntryFields& entry, const char* key, const std::string& where,
                              const std::string& pointer);

// What parse_entry adds to the cache's flat per-entry tables.
struct EntryTables {
  std::vector<double>& times;
  std::vector<std::string>& metric_names;
  std::unordered_map<std::string, std::uint32_t>& metric_index;
  std::vector<KernelTunerCache::Metric>& metrics;
  const std::vector<std::string>& keys;
  // The last entry's field names, each with its metric index or kNotMetric: entries
  // share their names, so each is classified once, not 10^5 times.
  static constexpr std::uint32_t kNotMetric = static_cast<std::uint32_t>(-1);
  std::vector<std::pair<std::string, std::uint32_t>> field_kinds = {};
};

// JSON Pointer of the cache entry written under `key` ("/cache/16,8,2").
std::string entry_pointer(std::string_view key);

// Entry `e`, written under `key` in `where`, of a cache whose first objective is
// `objective`. Throws InputError naming the pointer of what is wrong.
CacheEntry parse_entry(const EntryFields& e, const std::string& where, std::string_view key,
                       const std::string& objective, EntryTables& tables);

}  // namespace evojit::kernel_tuner_cache
