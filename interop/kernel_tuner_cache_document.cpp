#include "interop/kernel_tuner_cache_document.hpp"

#include <algorithm>
#include <cctype>
#include <utility>

#include "interop/fast_json_sax.hpp"
#include "support/error.hpp"

namespace evojit::kernel_tuner_cache {
namespace {

using json = nlohmann::json;

// Builds one JSON value from SAX events, as json::parse would (an object's repeated
// key keeps its last value). Used for everything that is not a cache entry's field
// list: the header's members and nested field values (an entry's "times").
class ValueBuilder {
 public:
  void begin(json* root) {
    root_ = root;
    stack_.clear();
  }
  bool active() const { return root_ != nullptr; }
  template <class V>
  void scalar(V&& v) {
    *slot() = json(std::forward<V>(v));
    finish_if_complete();
  }
  void start(json::value_t kind) {
    json* s = slot();
    *s = json(kind);
    stack_.push_back(s);
  }
  void key(std::string& name) { member_ = &(*stack_.back())[std::move(name)]; }
  void end() {
    stack_.pop_back();
    finish_if_complete();
  }

 private:
  json* slot() {
    if (stack_.empty()) return root_;
    json* top = stack_.back();
    if (top->is_array()) {
      top->emplace_back();
      return &top->back();
    }
    return member_;
  }
  void finish_if_complete() {
    if (stack_.empty()) root_ = nullptr;
  }

  json* root_ = nullptr;
  std::vector<json*> stack_;  // the open containers; pointers stay valid while open
  json* member_ = nullptr;    // the object member the next value goes to
};

// The SAX handler. Levels: 0 the document, 1 inside the top object, 2 inside
// "cache", 3 inside one entry. A value that is not streamed goes to a ValueBuilder,
// which takes every event until that value is complete.
class DocumentReader {
 public:
  using number_integer_t = json::number_integer_t;
  using number_unsigned_t = json::number_unsigned_t;
  using number_float_t = json::number_float_t;
  using string_t = json::string_t;
  using binary_t = json::binary_t;

  explicit DocumentReader(CacheDocument& out) : out_(out) {}

  bool null() { return value(nullptr); }
  bool boolean(bool v) { return value(v); }
  bool number_integer(number_integer_t v) { return value(v); }
  bool number_unsigned(number_unsigned_t v) { return value(v); }
  bool number_float(number_float_t v, const string_t& /*text*/) { return value(v); }
  bool string(string_t& v) { return value(std::move(v)); }
  bool binary(binary_t& v) { return value(json::binary(std::move(v))); }  // not in JSON text

  bool start_object(std::size_t /*elements*/) {
    if (builder_.active()) {
      builder_.start(json::value_t::object);
      return true;
    }
    switch (level_) {
      case 0:
        out_.is_object = true;
        level_ = 1;
        return true;
      case 1:
        if (top_key_ == "cache") {  // a repeated "cache" keeps its last value
          out_.entries.clear();
          out_.fields.clear();
          out_.header["cache"] = json::object();
          level_ = 2;
          return true;
        }
        break;
      case 2:
        out_.entries.back().is_object = true;
        out_.entries.back().first = out_.fields.size();
        arrived_.clear();
        level_ = 3;
        return true;
      default:
        break;
    }
    builder_.begin(slot());
    builder_.start(json::value_t::object);
    return true;
  }

  bool end_object() {
    if (builder_.active()) {
      builder_.end();
    } else if (level_ == 3) {
      RawEntry& entry = out_.entries.back();
      entry.count = sort_fields(std::span<EntryField>(out_.fields).subspan(entry.first));
      out_.fields.resize(entry.first + entry.count);
      previous_.swap(arrived_);
      level_ = 2;
    } else {
      --level_;
    }
    return true;
  }

  bool start_array(std::size_t /*elements*/) {
    if (!builder_.active()) {
      builder_.begin(slot());
    }
    builder_.start(json::value_t::array);
    return true;
  }

  bool end_array() {
    builder_.end();
    return true;
  }

  bool key(string_t& name) {
    if (builder_.active()) {
      builder_.key(name);
    } else if (level_ == 1) {
      top_key_ = std::move(name);
    } else if (level_ == 2) {
      out_.entries.push_back(RawEntry{name, false, 0, 0});
    } else {
      out_.fields.emplace_back(intern(name), json());
    }
    return true;
  }

  bool parse_error(std::size_t /*position*/, const std::string& /*token*/,
                   const nlohmann::detail::exception& e) {
    error_ = e.what();
    return false;
  }

  const std::string& error() const { return error_; }

 private:
  template <class V>
  bool value(V&& v) {
    if (builder_.active()) {
      builder_.scalar(std::forward<V>(v));
    } else {
      *slot() = json(std::forward<V>(v));
    }
    return true;
  }

  // Where a value outside the streamed parts goes.
  json* slot() {
    switch (level_) {
      case 0:
        out_.is_object = false;
        return &scratch_;
      case 1:
        if (top_key_ == "cache") out_.entries.clear();  // "cache" is not an object
        return &out_.header[top_key_];
      case 2:
        out_.entries.back().is_object = false;
        return &scratch_;
      default:
        return &out_.fields.back().second;
    }
  }

  // The interned copy of an entry's field name. Entries mostly list the same names
  // in the same order: the name at the same place in the previous entry is tried
  // before the set.
  std::string_view intern(const std::string& name) {
    const std::size_t at = arrived_.size();
    std::string_view view;
    if (at < previous_.size() && previous_[at] == name) {
      view = previous_[at];
    } else {
      view = *out_.names.insert(name).first;
    }
    arrived_.push_back(view);
    return view;
  }

  CacheDocument& out_;
  int level_ = 0;
  std::string top_key_;
  ValueBuilder builder_;
  json scratch_;  // values that are read only to be refused (a top-level array, say)
  // The field names of the entry being read and of the one before, in file order.
  std::vector<std::string_view> arrived_;
  std::vector<std::string_view> previous_;
  std::string error_;
};

// Entries in key order, each key once with its last value: a JSON object's view.
std::vector<std::uint32_t> key_order(const std::vector<RawEntry>& entries) {
  std::vector<std::uint32_t> order(entries.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = static_cast<std::uint32_t>(i);
  // By key, then by position: a stable order without std::stable_sort's buffer.
  std::sort(order.begin(), order.end(), [&](std::uint32_t a, std::uint32_t b) {
    const int c = entries[a].key.compare(entries[b].key);
    return c < 0 || (c == 0 && a < b);
  });
  std::size_t kept = 0;
  for (std::size_t i = 0; i < order.size(); ++i) {
    if (i + 1 < order.size() && entries[order[i + 1]].key == entries[order[i]].key) continue;
    order[kept++] = order[i];
  }
  order.resize(kept);
  return order;
}

// Reads `text` into `out`. On a syntax error returns false with nlohmann's message in
// `error` (what json::parse would have thrown).
bool stream_document(std::string_view text, CacheDocument& out, std::string& error) {
  out = CacheDocument{};
  bool read = false;
  {
    DocumentReader reader(out);
    read = FastJsonSax<DocumentReader>(text, reader).run();
  }
  if (!read) {  // outside the fast reader's subset, or not JSON: nlohmann's word
    out = CacheDocument{};
    DocumentReader reader(out);
    if (!json::sax_parse(text, &reader)) {
      error = reader.error();
      return false;
    }
  }
  out.order = key_order(out.entries);
  return true;
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
// was killed leaves "...},\n" or "...}\n" without the closing "}}". Reads the document,
// trying the text as is first and then the repairs.
}  // namespace

CacheDocument read_cache_document(std::string_view original, const std::string& where,
                                  bool& repaired) {
  std::string sanitized;
  std::string_view text = original;
  if (original.find("NaN") != std::string_view::npos ||
      original.find("Infinity") != std::string_view::npos) {
    sanitized = without_python_non_finite(original);
    text = sanitized;
  }
  CacheDocument doc;
  std::string first_error;
  repaired = false;
  if (stream_document(text, doc, first_error)) return doc;
  // A syntax error (or a number out of range, 1e400).
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
    std::string ignored;
    if (stream_document(attempt, doc, ignored) && doc.is_object && doc.header.contains("cache")) {
      repaired = true;
      return doc;
    }
  }
  throw InputError("not a JSON document: " + first_error, where,
                   "expected a Kernel Tuner cache file (.json or .json.gz)");
}

}  // namespace evojit::kernel_tuner_cache
