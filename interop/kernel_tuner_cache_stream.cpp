#include <algorithm>
#include <cstdint>
#include <limits>
#include <numeric>
#include <unordered_map>

#include "interop/kernel_tuner_cache_reader.hpp"
#include "support/error.hpp"

namespace evojit {
namespace {

using json = nlohmann::json;
using Event = json::parse_event_t;

// Thrown from the parser's callback: this text is one for from_document().
struct NotStreamable {};

}  // namespace

std::optional<KernelTunerCache> KernelTunerCacheReader::streamed(std::string_view text,
                                                                 const std::string& where) {
  KernelTunerCache staged;
  staged.source_ = where;
  json metadata = json::object();  // the top-level members before "cache"
  std::string member;              // the top-level member being read
  std::string entry_key;           // the entry of "cache" being read
  bool in_cache = false;
  bool cache_done = false;
  std::vector<std::string> keys;  // keys[i]: the key entry i was recorded under
  std::unordered_map<std::string, std::uint32_t> metric_index;
  kernel_tuner_cache::EntryTables tables{staged.times_, staged.metric_names_, metric_index,
                                         staged.metrics_, staged.keys_};
  // Depths as nlohmann counts them: the top object's members are at 1, the entries
  // of "cache" at 2. An entry is read when its object ends, and dropped from the
  // document (return false).
  const json::parser_callback_t callback = [&](int depth, Event event, json& parsed) -> bool {
    if (depth == 1) {
      if (event == Event::key) {
        // A member after the entries (or "cache" twice) could change what they mean.
        if (in_cache || cache_done) throw NotStreamable{};
        member = parsed.get<std::string>();
        if (member == "cache") {
          try {
            header(staged, metadata, where);
          } catch (const InputError&) {
            throw NotStreamable{};
          }
          in_cache = true;
        }
        return true;
      }
      if (in_cache) {
        if (event == Event::object_start) return true;
        if (event != Event::object_end) throw NotStreamable{};  // "cache" is no object
        in_cache = false;
        cache_done = true;
        return true;
      }
      if (event == Event::value || event == Event::object_end || event == Event::array_end) {
        metadata[member] = parsed;  // a member written twice keeps its last value
      }
      return true;
    }
    if (depth != 2 || !in_cache) return true;
    switch (event) {
      case Event::key:
        entry_key = parsed.get<std::string>();
        return true;
      case Event::object_start:
        return true;
      case Event::object_end:
        try {
          entry(staged, entry_key, parsed, where, tables);
        } catch (const InputError&) {
          throw NotStreamable{};
        } catch (const json::exception&) {
          throw NotStreamable{};
        }
        keys.push_back(std::move(entry_key));
        return false;
      default:  // an entry that is not an object
        throw NotStreamable{};
    }
  };
  try {
    const json top = json::parse(text.begin(), text.end(), callback, /*allow_exceptions=*/false);
    if (top.is_discarded() || !cache_done) return std::nullopt;
  } catch (const NotStreamable&) {
    return std::nullopt;
  } catch (const json::exception&) {
    return std::nullopt;
  }
  return in_key_order(std::move(staged), keys);
}

KernelTunerCache KernelTunerCacheReader::in_key_order(KernelTunerCache&& staged,
                                                      const std::vector<std::string>& keys) {
  const std::size_t n = keys.size();
  std::vector<std::uint32_t> order(n);
  std::iota(order.begin(), order.end(), 0u);
  std::stable_sort(order.begin(), order.end(),
                   [&](std::uint32_t a, std::uint32_t b) { return keys[a] < keys[b]; });
  KernelTunerCache c;
  c.source_ = std::move(staged.source_);
  c.device_name_ = std::move(staged.device_name_);
  c.kernel_name_ = std::move(staged.kernel_name_);
  c.objectives_ = std::move(staged.objectives_);
  c.problem_size_ = std::move(staged.problem_size_);
  c.keys_ = std::move(staged.keys_);
  c.values_ = std::move(staged.values_);
  const std::size_t nkeys = c.keys_.size();
  c.entries_.reserve(n);
  c.indices_.reserve(n * nkeys);
  c.times_.reserve(staged.times_.size());
  c.times_offset_.reserve(n + 1);
  c.metrics_.reserve(staged.metrics_.size());
  c.metrics_offset_.reserve(n + 1);
  // Metric names are numbered in order of first use, in key order as the document
  // reader numbers them.
  constexpr std::uint32_t kUnnamed = std::numeric_limits<std::uint32_t>::max();
  std::vector<std::uint32_t> renamed(staged.metric_names_.size(), kUnnamed);
  for (std::size_t j = 0; j < n; ++j) {
    const std::uint32_t i = order[j];
    // A key written twice: its last entry (last among equals after a stable sort) wins.
    if (j + 1 < n && keys[order[j + 1]] == keys[i]) continue;
    c.entries_.push_back(staged.entries_[i]);
    const auto* index = staged.indices_.data() + std::size_t{i} * nkeys;
    c.indices_.insert(c.indices_.end(), index, index + nkeys);
    c.times_.insert(c.times_.end(), staged.times_.begin() + staged.times_offset_[i],
                    staged.times_.begin() + staged.times_offset_[i + 1]);
    c.times_offset_.push_back(c.times_.size());
    for (std::size_t m = staged.metrics_offset_[i]; m < staged.metrics_offset_[i + 1]; ++m) {
      const KernelTunerCache::Metric metric = staged.metrics_[m];
      std::uint32_t& name = renamed[metric.name];
      if (name == kUnnamed) {
        name = static_cast<std::uint32_t>(c.metric_names_.size());
        c.metric_names_.push_back(staged.metric_names_[metric.name]);
      }
      c.metrics_.push_back({name, metric.value});
    }
    c.metrics_offset_.push_back(c.metrics_.size());
    if (c.entries_.back().outcome == CacheOutcome::ok) ++c.ok_count_;
  }
  c.build_lookup();
  return c;
}

}  // namespace evojit
