// Internal to the Kernel Tuner cache reader (kernel_tuner_cache.cpp): one entry of
// the "cache" object read into a CacheEntry, with its repetition times and its
// metrics and observer values appended to the cache's flat tables. Not part of the
// public API.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "interop/kernel_tuner_cache.hpp"

namespace evojit::kernel_tuner_cache {

// One field of an entry: its name (interned: kernel_tuner_cache_document.hpp) and value.
using EntryField = std::pair<std::string_view, nlohmann::json>;

// The fields of one cache entry, sorted by name with each name once (a name written
// twice keeps its last value), as a JSON object would hold them; no tree per entry.
// A view of the document's one table of fields.
struct EntryFields {
  std::span<const EntryField> members;

  const nlohmann::json* find(std::string_view name) const;
};

// Sorts `fields` by name, keeping the order of equal names, and moves all but the
// last of equal names to the end; returns how many are kept.
std::size_t sort_fields(std::span<EntryField> fields);

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
  std::vector<std::pair<std::string_view, std::uint32_t>> field_kinds = {};
};

// JSON Pointer of the cache entry written under `key` ("/cache/16,8,2").
std::string entry_pointer(std::string_view key);

// Entry `e`, written under `key` in `where`, of a cache whose first objective is
// `objective`. Throws InputError naming the pointer of what is wrong.
CacheEntry parse_entry(const EntryFields& e, const std::string& where, std::string_view key,
                       const std::string& objective, EntryTables& tables);

}  // namespace evojit::kernel_tuner_cache
