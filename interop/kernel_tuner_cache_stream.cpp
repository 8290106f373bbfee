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

// Values built into a document from SAX events, as nlohmann's own DOM parser builds
// them (a member written twice keeps its last value).
class DocumentBuilder {
 public:
  void reset(json& root) {
    root_ = &root;
    stack_.clear();
    started_ = false;
  }
  bool done() const { return started_ && stack_.empty(); }
  void value(json&& v) { place(std::move(v)); }
  void start(json::value_t type) { stack_.push_back(place(json(type))); }
  void end() { stack_.pop_back(); }
  void key(std::string& name) { key_ = std::move(name); }

 private:
  json* place(json&& v) {
    if (!started_) {
      started_ = true;
      *root_ = std::move(v);
      return root_;
    }
    json& parent = *stack_.back();
    if (parent.is_array()) {
      parent.push_back(std::move(v));
      return &parent.back();
    }
    json& slot = parent[key_];
    slot = std::move(v);
    return &slot;
  }

  json* root_ = nullptr;
  std::vector<json*> stack_;
  std::string key_;
  bool started_ = false;
};

// The events of a cache's text: the top-level members before "cache" kept as a
// document (the metadata), each entry of "cache" built as a small document of its
// own, read into the cache and dropped. Returns false (parsing stops) at anything
// from_document() is to read instead.
class StreamedCache {
 public:
  StreamedCache(KernelTunerCache& staged, kernel_tuner_cache::EntryTables& tables,
                std::vector<std::string>& keys, const std::string& where)
      : staged_(staged), tables_(tables), keys_(keys), where_(where) {}

  bool complete() const { return cache_done_; }

  bool null() { return value(json(nullptr)); }
  bool boolean(bool b) { return value(json(b)); }
  bool number_integer(json::number_integer_t x) { return value(json(x)); }
  bool number_unsigned(json::number_unsigned_t x) { return value(json(x)); }
  bool number_float(json::number_float_t x, const std::string&) { return value(json(x)); }
  bool string(std::string& s) { return value(json(std::move(s))); }
  bool binary(json::binary_t&) { return false; }

  bool start_object(std::size_t) { return start(json::value_t::object); }
  bool start_array(std::size_t) { return start(json::value_t::array); }

  bool key(std::string& name) {
    if (depth_ == 1) {
      // A member after the entries (or "cache" twice) could change what they mean.
      if (in_cache_ || cache_done_) return false;
      member_ = name;
      if (member_ == "cache") {
        try {
          KernelTunerCacheReader::header(staged_, metadata_, where_);
        } catch (const InputError&) {
          return false;
        }
        in_cache_ = true;
      }
      return true;
    }
    if (depth_ == 2 && in_cache_) {
      entry_key_ = std::move(name);
      return true;
    }
    builder_.key(name);
    return true;
  }

  bool end_object() { return end(); }
  bool end_array() { return end(); }

  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) {
    return false;
  }

 private:
  bool value(json&& v) {
    if (depth_ == 0) return false;  // a top level that is not an object
    if (depth_ == 1) {
      if (in_cache_) return false;  // "cache" is no object
      metadata_[member_] = std::move(v);
      return true;
    }
    if (depth_ == 2 && in_cache_) return false;  // an entry that is not an object
    builder_.value(std::move(v));
    return true;
  }

  bool start(json::value_t type) {
    if (depth_ == 0 && type != json::value_t::object) return false;
    if (depth_ == 1) {
      if (in_cache_ && type != json::value_t::object) return false;
      if (!in_cache_) builder_.reset(metadata_[member_]);
    } else if (depth_ == 2 && in_cache_) {
      if (type != json::value_t::object) return false;
      entry_ = json();
      builder_.reset(entry_);
    }
    if (depth_ >= 1 && !(depth_ == 1 && in_cache_)) builder_.start(type);
    ++depth_;
    return true;
  }

  bool end() {
    --depth_;
    if (depth_ == 0) return true;
    if (depth_ == 1 && in_cache_) {
      in_cache_ = false;
      cache_done_ = true;
      return true;
    }
    builder_.end();
    if (depth_ == 2 && in_cache_) {
      try {
        KernelTunerCacheReader::entry(staged_, entry_key_, entry_, where_, tables_);
      } catch (const InputError&) {
        return false;
      } catch (const json::exception&) {
        return false;
      }
      keys_.push_back(std::move(entry_key_));
    }
    return true;
  }

  KernelTunerCache& staged_;
  kernel_tuner_cache::EntryTables& tables_;
  std::vector<std::string>& keys_;  // keys_[i]: the key entry i was recorded under
  const std::string& where_;
  json metadata_ = json::object();  // the top-level members before "cache"
  DocumentBuilder builder_;
  json entry_;
  std::string member_;     // the top-level member being read
  std::string entry_key_;  // the entry of "cache" being read
  int depth_ = 0;          // objects and arrays open
  bool in_cache_ = false;
  bool cache_done_ = false;
};

}  // namespace

std::optional<KernelTunerCache> KernelTunerCacheReader::streamed(std::string_view text,
                                                                 const std::string& where) {
  KernelTunerCache staged;
  staged.source_ = where;
  std::vector<std::string> keys;
  std::unordered_map<std::string, std::uint32_t> metric_index;
  kernel_tuner_cache::EntryTables tables{staged.times_, staged.metric_names_, metric_index,
                                         staged.metrics_, staged.keys_};
  StreamedCache events(staged, tables, keys, where);
  try {
    if (!json::sax_parse(text.begin(), text.end(), &events) || !events.complete()) {
      return std::nullopt;
    }
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
