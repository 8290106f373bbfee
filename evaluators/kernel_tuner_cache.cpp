#include "evaluators/kernel_tuner_cache.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <limits>

#include <zlib.h>
#include <nlohmann/json.hpp>

#include "support/error.hpp"
#include "support/hash.hpp"
#include "support/json_pointer.hpp"

namespace evojit {
namespace {

using json = nlohmann::json;

// Dense lookup tables up to this many Cartesian points (4 bytes each).
constexpr std::uint64_t kDenseLimit = std::uint64_t{1} << 24;

std::string read_file_text(const std::filesystem::path& file) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(file, ec)) {
    throw_input_error("no such file", file.string(), "give the path of a Kernel Tuner cache file");
  }
  // gzread reads plain files unchanged, so one path serves .json and .json.gz.
  gzFile in = gzopen(file.c_str(), "rb");
  if (in == nullptr) throw_input_error("cannot open the file", file.string());
  gzbuffer(in, 1 << 17);
  std::string text;
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

// Python's json module writes the non-standard tokens NaN, Infinity and -Infinity
// (a metric that divided by zero); outside strings they become null, which the
// entry reader treats as an absent value.
std::string without_python_non_finite(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  bool in_string = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      out += c;
      if (c == '\\' && i + 1 < text.size()) {
        out += text[++i];
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (text.compare(i, 3, "NaN") == 0) {
      out += "null";
      i += 2;
      continue;
    } else if (text.compare(i, 8, "Infinity") == 0) {
      out += "null";
      i += 7;
      continue;
    } else if (text.compare(i, 9, "-Infinity") == 0) {
      out += "null";
      i += 8;
      continue;
    }
    out += c;
  }
  return out;
}

// Kernel Tuner appends one entry per line and closes the object at the end; a run that
// was killed leaves "...},\n" or "...}\n" without the closing "}}". Returns the parsed
// document, trying the text as is first and then the repairs.
json parse_with_repair(std::string_view original, const std::string& where, bool& repaired) {
  std::string sanitized;
  std::string_view text = original;
  if (original.find("NaN") != std::string_view::npos ||
      original.find("Infinity") != std::string_view::npos) {
    sanitized = without_python_non_finite(original);
    text = sanitized;
  }
  try {
    repaired = false;
    return json::parse(text);
  } catch (const json::exception& first) {  // parse_error, or out_of_range for 1e400
    std::string base(text);
    while (!base.empty() &&
           (std::isspace(static_cast<unsigned char>(base.back())) || base.back() == ',')) {
      base.pop_back();
    }
    std::vector<std::string> attempts;
    if (!base.empty() && base.back() == '}') {
      attempts.push_back(base + "}");
      attempts.push_back(base + "}}");
    }
    // Cut after the last complete entry ("},") when the text ends inside one.
    std::size_t cut = base.rfind("},");
    if (cut != std::string::npos) attempts.push_back(base.substr(0, cut + 1) + "}}");
    for (const std::string& attempt : attempts) {
      json doc = json::parse(attempt, nullptr, false);
      if (!doc.is_discarded() && doc.is_object() && doc.contains("cache")) {
        repaired = true;
        return doc;
      }
    }
    throw InputError("not a JSON document: " + std::string(first.what()), where,
                     "expected a Kernel Tuner cache file (.json or .json.gz)");
  }
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

const json& require(const json& object, const char* key, const std::string& where,
                    const std::string& pointer) {
  auto it = object.find(key);
  if (it == object.end()) {
    throw_input_error(std::string("missing \"") + key + "\"", where + "#" + pointer,
                      "not a Kernel Tuner cache file?");
  }
  return *it;
}

std::optional<Value> to_value(const json& j) {
  if (j.is_boolean()) return Value{j.get<bool>()};
  // Above int64: read as the nearest double rather than wrapped to a negative integer.
  if (j.is_number_unsigned() && j.get<std::uint64_t>() > std::uint64_t{INT64_MAX}) {
    return Value{j.get<double>()};
  }
  if (j.is_number_integer()) return Value{j.get<std::int64_t>()};
  if (j.is_number_float()) return Value{j.get<double>()};
  if (j.is_string()) return Value{j.get<std::string>()};
  return std::nullopt;
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

// What parse_entry adds to the cache's flat per-entry tables.
struct EntryTables {
  std::vector<double>& times;
  std::vector<std::string>& metric_names;
  std::unordered_map<std::string, std::uint32_t>& metric_index;
  std::vector<KernelTunerCache::Metric>& metrics;
  const std::vector<std::string>& keys;
};

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
  json doc = parse_with_repair(text, where, c.repaired_);
  if (!doc.is_object()) throw_input_error("expected a JSON object", where + "#");

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
      auto v = to_value((*list)[i]);
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
  const std::size_t nkeys = c.keys_.size();
  c.entries_.reserve(cache.size());
  c.indices_.reserve(cache.size() * nkeys);
  c.times_offset_.reserve(cache.size() + 1);
  c.metrics_offset_.reserve(cache.size() + 1);
  std::unordered_map<std::string, std::uint32_t> metric_index;
  EntryTables tables{c.times_, c.metric_names_, metric_index, c.metrics_, c.keys_};
  for (auto it = cache.begin(); it != cache.end(); ++it) {
    std::string pointer = "/cache/" + pointer_token(it.key());
    const json& e = it.value();
    if (!e.is_object()) throw_input_error("expected an object", where + "#" + pointer);
    for (std::size_t k = 0; k < nkeys; ++k) {
      const json& field = require(e, c.keys_[k].c_str(), where, pointer);
      auto v = to_value(field);
      std::optional<std::uint32_t> index = v ? index_in(c.values_[k], *v) : std::nullopt;
      if (!index) {
        throw_input_error("value " + field.dump() + " is not in tune_params",
                          where + "#" + pointer + "/" + pointer_token(c.keys_[k]));
      }
      c.indices_.push_back(*index);
    }
    c.entries_.push_back(parse_entry(e, where, pointer, c.objective(), tables));
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
