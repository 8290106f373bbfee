// Internal to the Kernel Tuner cache reader: the two ways a cache's text becomes a
// KernelTunerCache. streamed() reads a valid file in one pass, each entry's small
// document gone once it is read (the whole document of a 57 MB cache took 600 MB and
// most of a replay's start); from_document() reads the whole document and is what
// reports every problem (and repairs a file cut short). Both give the same cache: the
// entries in the document's key order, a key written twice holding its last entry.
// Not part of the public API.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "interop/kernel_tuner_cache.hpp"
#include "interop/kernel_tuner_cache_entry.hpp"

namespace evojit {

struct KernelTunerCacheReader {
  // The cache, or nullopt when the text is anything but a valid, complete cache whose
  // metadata precede "cache" (the shape Kernel Tuner writes). Throws nothing of its own.
  static std::optional<KernelTunerCache> streamed(std::string_view text, const std::string& where);
  // Every problem as an InputError naming where#pointer.
  static KernelTunerCache from_document(std::string_view text, const std::string& where);

  // The metadata of `doc` (all but "cache").
  static void header(KernelTunerCache& c, const nlohmann::json& doc, const std::string& where);
  // Appends the entry `e` recorded under `key`.
  static void entry(KernelTunerCache& c, const std::string& key, const nlohmann::json& e,
                    const std::string& where, kernel_tuner_cache::EntryTables& tables);
  // `staged` (entries in file order, keys[i] the key of entry i) in key order, the
  // last entry of a key only; its lookup built.
  static KernelTunerCache in_key_order(KernelTunerCache&& staged,
                                       const std::vector<std::string>& keys);
};

}  // namespace evojit
