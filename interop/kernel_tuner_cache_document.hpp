// Internal to the Kernel Tuner cache reader (kernel_tuner_cache.cpp): the text of a
// cache file (repaired where a killed run cut it short) read in one streaming pass (nlohmann's SAX
// interface) instead of as one DOM. The cache's bulk, the "cache" object of 10^5 entries, never
// becomes a JSON tree: each entry is kept as a flat, sorted list of its fields. Everything else
// (tune_params, objective, ...) is small and kept as JSON. Not part of the public API.
//
// What it keeps matches what a DOM parse (json::parse) gives, so the reader's results
// do not depend on how the text was read: entries in key order, a key written twice
// keeping its last value (the same for an entry's fields and for top-level members).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include <nlohmann/json.hpp>

#include "interop/kernel_tuner_cache_entry.hpp"

namespace evojit::kernel_tuner_cache {

// One member of the "cache" object.
struct RawEntry {
  std::string key;  // "16,8,2"
  bool is_object = false;
  // When is_object: its fields, sorted (EntryFields), are fields[first, first + count)
  // of the document.
  std::size_t first = 0;
  std::size_t count = 0;
};

struct CacheDocument {
  bool is_object = false;  // the text is one JSON object
  // Its members except the entries of "cache": "cache" itself is here as {} when it
  // was an object (its entries are in `entries`), or as whatever else it was.
  nlohmann::json header = nlohmann::json::object();
  std::vector<RawEntry> entries;     // in file order
  std::vector<std::uint32_t> order;  // entries by key, each key once (its last entry)
  // Every entry's fields in one table (one allocation, not one per entry), their names
  // interned: 10^5 entries share a dozen names. A set's nodes stay where they are, so
  // the views into it stay valid when the document moves.
  std::vector<EntryField> fields;
  std::unordered_set<std::string> names;

  EntryFields fields_of(const RawEntry& e) const {
    return {std::span<const EntryField>(fields.data() + e.first, e.count)};
  }
};

// Reads the text of a cache file. Python's NaN and Infinity (outside strings) read as
// null; a text cut short by a killed Kernel Tuner run (no closing braces, or a last
// entry cut in the middle) is repaired, and `repaired` says so. Throws InputError
// naming `where` for anything that is not a JSON document.
CacheDocument read_cache_document(std::string_view text, const std::string& where, bool& repaired);

}  // namespace evojit::kernel_tuner_cache
