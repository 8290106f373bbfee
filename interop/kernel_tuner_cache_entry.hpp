// Internal to the Kernel Tuner cache reader (kernel_tuner_cache.cpp): one entry of
// the "cache" object read into a CacheEntry, with its repetition times and its
// metrics and observer values appended to the cache's flat tables. Not part of the
// public API.
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include <nlohmann/json.hpp>

#include "interop/kernel_tuner_cache.hpp"

namespace evojit::kernel_tuner_cache {

// The member `key` of `object`; InputError at where#pointer when it is missing.
const nlohmann::json& require(const nlohmann::json& object, const char* key,
                              const std::string& where, const std::string& pointer);

// What parse_entry adds to the cache's flat per-entry tables.
struct EntryTables {
  std::vector<double>& times;
  std::vector<std::string>& metric_names;
  std::unordered_map<std::string, std::uint32_t>& metric_index;
  std::vector<KernelTunerCache::Metric>& metrics;
  const std::vector<std::string>& keys;
};

// Entry `e` (at where#pointer) of a cache whose first objective is `objective`.
// Throws InputError naming the pointer of what is wrong.
CacheEntry parse_entry(const nlohmann::json& e, const std::string& where,
                       const std::string& pointer, const std::string& objective,
                       EntryTables& tables);

}  // namespace evojit::kernel_tuner_cache
