#include "interop/kernel_tuner_cache.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>
#include <nlohmann/json.hpp>

#include "interop/kernel_tuner_cache_document.hpp"
#include "interop/kernel_tuner_cache_entry.hpp"
#include "support/error.hpp"
#include "support/files.hpp"
#include "support/hash.hpp"
#include "support/json_pointer.hpp"
#include "support/value_json.hpp"

namespace evojit {
namespace {

using json = nlohmann::json;
using kernel_tuner_cache::CacheDocument;
using kernel_tuner_cache::entry_pointer;
using kernel_tuner_cache::EntryTables;
using kernel_tuner_cache::parse_entry;
using kernel_tuner_cache::RawEntry;
using kernel_tuner_cache::read_cache_document;
using kernel_tuner_cache::require;

// Dense lookup tables up to this many Cartesian points (4 bytes each).
constexpr std::uint64_t kDenseLimit = std::uint64_t{1} << 24;

std::string read_file_text(const std::filesystem::path& file) {
  // Compressed and decompressed sizes alike are capped: a 1 MB gzip bomb must not
  // become gigabytes in memory.
  const std::uint64_t cap = input_cap(kCacheFileCap);
  const int fd = open_bounded_file(file, cap, "Kernel Tuner cache");
  // gzread reads plain files unchanged, so one path serves .json and .json.gz.
  gzFile in = gzdopen(fd, "rb");
  if (in == nullptr) {
    ::close(fd);
    throw_input_error("cannot open the file", file.string());
  }
  gzbuffer(in, 1 << 17);
  std::string text;
  // A plain file's text is its size: one allocation instead of a doubling string's
  // copies (a gzip file's may still grow).
  if (struct stat st{};
      ::fstat(fd, &st) == 0 && st.st_size > 0 && static_cast<std::uint64_t>(st.st_size) <= cap) {
    text.reserve(static_cast<std::size_t>(st.st_size));
  }
  std::vector<char> buffer(1 << 20);
  for (;;) {
    int n = gzread(in, buffer.data(), static_cast<unsigned>(buffer.size()));
    if (n < 0) {
      int code = 0;
      std::string message = gzerror(in, &code);
      gzclose(in);
      throw_input_error("cannot decompress: " + message, file.string(),
                        "the file is not a valid gzip stream");
    }
    if (n == 0) break;
    if (text.size() + static_cast<std::size_t>(n) > cap) {
      gzclose(in);
      throw_input_too_large("its decompressed text", file.string(), cap);
    }
    text.append(buffer.data(), static_cast<std::size_t>(n));
  }
  // gzread reports a cut-off gzip stream only through gzerror (Z_BUF_ERROR): without
  // this check a truncated .gz would load as a silently shorter cache.
  int code = Z_OK;
  std::string message = gzerror(in, &code);
  gzclose(in);
  if (code == Z_BUF_ERROR) {
    throw_input_error("the gzip stream is truncated (" + message + ")", file.string(),
                      "the file was cut short; copy or download it again");
  }
  return text;
}

// An optional string member; any other type is an error naming its pointer.
std::string string_or(const json& doc, const char* key, const char* fallback,
                      const std::string& where) {
  auto it = doc.find(key);
  if (it == doc.end() || it->is_null()) return fallback;
  if (!it->is_string()) {
    throw_input_error(std::string("expected a string, got a ") + it->type_name(),
                      where + "#/" + key);
  }
  return it->get<std::string>();
}

std::optional<double> as_number(const Value& v) {
  if (const auto* i = std::get_if<std::int64_t>(&v)) return static_cast<double>(*i);
  if (const auto* d = std::get_if<double>(&v)) return *d;
  if (const auto* b = std::get_if<bool>(&v)) return *b ? 1.0 : 0.0;
  return std::nullopt;
}

// Values are matched by number (16 == 16.0), strings by text.
bool same_value(const Value& a, const Value& b) {
  auto x = as_number(a);
  auto y = as_number(b);
  if (x && y) return *x == *y;
  if (x || y) return false;
  return std::get<std::string>(a) == std::get<std::string>(b);
}

std::optional<std::uint32_t> index_in(const std::vector<Value>& list, const Value& v) {
  for (std::size_t i = 0; i < list.size(); ++i) {
    if (same_value(list[i], v)) return static_cast<std::uint32_t>(i);
  }
  return std::nullopt;
}

// index_in(list, json_to_value(field)), without making a Value for the common case
// of an integer field and a list of integers.
std::optional<std::uint32_t> index_of(const std::vector<Value>& list, const json& field) {
  // Below 2^53 an integer equals another as a double only when it is the same.
  constexpr std::int64_t kExact = std::int64_t{1} << 53;
  if (field.is_number_integer() &&
      (!field.is_number_unsigned() || field.get<std::uint64_t>() < std::uint64_t{kExact})) {
    const std::int64_t x = field.get<std::int64_t>();
    if (x > -kExact && x < kExact) {
      for (std::size_t i = 0; i < list.size(); ++i) {
        const auto* y = std::get_if<std::int64_t>(&list[i]);
        if (y == nullptr) break;  // a float, a bool or a string: the general rule
        if (*y == x) return static_cast<std::uint32_t>(i);
      }
    }
  }
  auto v = json_to_value(field);
  return v ? index_in(list, *v) : std::nullopt;
}

}  // namespace

const char* to_string(CacheOutcome outcome) {
  switch (outcome) {
    case CacheOutcome::ok:
      return "";
    case CacheOutcome::compilation_failed:
      return "CompilationFailedConfig";
    case CacheOutcome::runtime_failed:
      return "RuntimeFailedConfig";
    case CacheOutcome::invalid:
      return "InvalidConfig";
  }
  return "";
}

KernelTunerCache KernelTunerCache::load(const std::filesystem::path& file) {
  std::string text = read_file_text(file);
  return parse(text, file.string());
}

KernelTunerCache KernelTunerCache::parse(std::string_view text, const std::string& where) {
  KernelTunerCache c;
  c.source_ = where;
  CacheDocument document = read_cache_document(text, where, c.repaired_);
  if (!document.is_object) throw_input_error("expected a JSON object", where + "#");
  const json& doc = document.header;

  c.device_name_ = string_or(doc, "device_name", "", where);
  c.kernel_name_ = string_or(doc, "kernel_name", "", where);
  if (auto objective = doc.find("objective"); objective != doc.end() && !objective->is_null()) {
    std::vector<std::string> names;
    if (objective->is_string()) {
      names.push_back(objective->get<std::string>());
    } else if (objective->is_array()) {
      for (std::size_t i = 0; i < objective->size(); ++i) {
        if (!(*objective)[i].is_string()) {
          throw_input_error(
              std::string("expected an objective's name, got a ") + (*objective)[i].type_name(),
              where + "#/objective/" + std::to_string(i));
        }
        names.push_back((*objective)[i].get<std::string>());
      }
    }
    if (names.empty() || names.front().empty()) {
      throw_input_error(std::string("expected a name or a list of names, got ") + objective->dump(),
                        where + "#/objective", "Kernel Tuner writes \"time\" or [\"time\"]");
    }
    c.objectives_ = std::move(names);
  }
  if (auto ps = doc.find("problem_size"); ps != doc.end()) {
    if (ps->is_number_integer()) {
      c.problem_size_.push_back(ps->get<std::int64_t>());
    } else if (ps->is_array()) {
      for (const json& d : *ps) {
        if (d.is_number_integer()) c.problem_size_.push_back(d.get<std::int64_t>());
      }
    }
  }

  const json& keys = require(doc, "tune_params_keys", where, "");
  const json& params = require(doc, "tune_params", where, "");
  if (!keys.is_array() || keys.empty()) {
    throw_input_error("expected a non-empty list of names", where + "#/tune_params_keys");
  }
  if (!params.is_object()) {
    throw_input_error(
        std::string("expected an object {name: [values]}, got a ") + params.type_name(),
        where + "#/tune_params");
  }
  for (std::size_t k = 0; k < keys.size(); ++k) {
    if (!keys[k].is_string()) {
      throw_input_error("expected a name", where + "#/tune_params_keys/" + std::to_string(k));
    }
    std::string name = keys[k].get<std::string>();
    std::string pointer = "/tune_params/" + pointer_token(name);
    auto list = params.find(name);
    if (list == params.end() || !list->is_array() || list->empty()) {
      throw_input_error("expected a non-empty list of values", where + "#" + pointer);
    }
    std::vector<Value> values;
    for (std::size_t i = 0; i < list->size(); ++i) {
      auto v = json_to_value((*list)[i]);
      if (!v) {
        throw_input_error("expected a number, string or boolean",
                          where + "#" + pointer + "/" + std::to_string(i));
      }
      values.push_back(std::move(*v));
    }
    c.keys_.push_back(std::move(name));
    c.values_.push_back(std::move(values));
  }

  const json& cache = require(doc, "cache", where, "");
  if (!cache.is_object()) throw_input_error("expected an object", where + "#/cache");
  const std::size_t count = document.order.size();
  const std::size_t nkeys = c.keys_.size();
  c.entries_.reserve(count);
  c.indices_.reserve(count * nkeys);
  c.times_offset_.reserve(count + 1);
  c.metrics_offset_.reserve(count + 1);
  std::unordered_map<std::string, std::uint32_t> metric_index;
  EntryTables tables{c.times_, c.metric_names_, metric_index, c.metrics_, c.keys_};
  for (const std::uint32_t position : document.order) {
    const RawEntry& raw = document.entries[position];
    // Pointers are made only for errors: this runs 10^5 times.
    if (!raw.is_object) {
      throw_input_error("expected an object", where + "#" + entry_pointer(raw.key));
    }
    const kernel_tuner_cache::EntryFields e = document.fields_of(raw);
    for (std::size_t k = 0; k < nkeys; ++k) {
      const json* field = e.find(c.keys_[k]);
      if (field == nullptr) require(e, c.keys_[k].c_str(), where, entry_pointer(raw.key));
      std::optional<std::uint32_t> index = index_of(c.values_[k], *field);
      if (!index) {
        throw_input_error("value " + field->dump() + " is not in tune_params",
                          where + "#" + entry_pointer(raw.key) + "/" + pointer_token(c.keys_[k]));
      }
      c.indices_.push_back(*index);
    }
    c.entries_.push_back(parse_entry(e, where, raw.key, c.objective(), tables));
    c.times_offset_.push_back(c.times_.size());
    c.metrics_offset_.push_back(c.metrics_.size());
    if (c.entries_.back().outcome == CacheOutcome::ok) ++c.ok_count_;
  }
  c.build_lookup();
  return c;
}

bool KernelTunerCache::objective_higher_is_better() const {
  // Kernel Tuner's objective_default_map (kernel_tuner/util.py, 1.5).
  static const char* const kMaximized[] = {"fitness",  "GFLOP/s",  "TFLOP/s", "GB/s",   "TB/s",
                                           "GFLOPS/W", "TFLOPS/W", "GFLOP/J", "TFLOP/J"};
  for (const char* name : kMaximized) {
    if (objective() == name) return true;
  }
  return false;
}

std::optional<std::size_t> KernelTunerCache::key_position(const std::string& name) const {
  for (std::size_t k = 0; k < keys_.size(); ++k) {
    if (keys_[k] == name) return k;
  }
  return std::nullopt;
}

void KernelTunerCache::build_lookup() {
  const std::size_t nkeys = keys_.size();
  strides_.assign(nkeys, 0);
  std::uint64_t product = 1;
  code_fits_ = true;
  for (std::size_t k = nkeys; k-- > 0;) {
    strides_[k] = product;
    std::uint64_t n = values_[k].size();
    if (product > std::numeric_limits<std::uint64_t>::max() / n) {
      code_fits_ = false;
      break;
    }
    product *= n;
  }
  dense_.clear();
  sparse_.clear();
  const bool dense = code_fits_ && product <= kDenseLimit;
  if (dense) dense_.assign(product, -1);
  for (std::size_t i = 0; i < entries_.size(); ++i) {
    auto index = entry_index(i);
    std::uint64_t code = 0;
    if (code_fits_) {
      for (std::size_t k = 0; k < nkeys; ++k) code += index[k] * strides_[k];
    } else {
      code = hash_bytes(index.data(), index.size_bytes());
    }
    if (dense) {
      // A key written twice keeps its last entry, as Python's json.load does.
      dense_[code] = static_cast<std::int32_t>(i);
    } else {
      auto& bucket = sparse_[code];
      bool replaced = false;
      for (auto& j : bucket) {
        auto other = entry_index(j);
        if (std::equal(other.begin(), other.end(), index.begin())) {
          j = static_cast<std::uint32_t>(i);
          replaced = true;
        }
      }
      if (!replaced) bucket.push_back(static_cast<std::uint32_t>(i));
    }
  }
}

std::optional<std::size_t> KernelTunerCache::find(std::span<const std::uint32_t> index) const {
  const std::size_t nkeys = keys_.size();
  if (index.size() != nkeys) return std::nullopt;
  std::uint64_t code = 0;
  if (code_fits_) {
    for (std::size_t k = 0; k < nkeys; ++k) {
      if (index[k] >= values_[k].size()) return std::nullopt;
      code += index[k] * strides_[k];
    }
    if (!dense_.empty()) {
      std::int32_t e = dense_[code];
      if (e < 0) return std::nullopt;
      return static_cast<std::size_t>(e);
    }
  } else {
    code = hash_bytes(index.data(), index.size_bytes());
  }
  auto it = sparse_.find(code);
  if (it == sparse_.end()) return std::nullopt;
  for (std::uint32_t j : it->second) {
    auto other = entry_index(j);
    if (std::equal(other.begin(), other.end(), index.begin())) return j;
  }
  return std::nullopt;
}

}  // namespace evojit
