// Compact JSON text appended member by member, byte for byte what nlohmann's dump()
// writes for the same document: numbers go through nlohmann's own formatter, strings
// through its escaping whenever they need any. For the records a run writes 10^5
// times (journal lines, T4 results, Kernel Tuner cache entries), where building a
// document per record and dumping it cost more than the search.
//
// The caller writes an object's members in the order nlohmann::json keeps them
// (sorted by name) to match its dump(); nlohmann::ordered_json keeps insertion order.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "support/value.hpp"

namespace evojit {

class JsonText {
 public:
  explicit JsonText(std::string& out) : out_(out) {}

  JsonText& begin_object();
  JsonText& end_object();
  JsonText& begin_array();
  JsonText& end_array();
  JsonText& key(std::string_view name);  // the member's value comes next

  JsonText& value(double x);  // null when not finite, as dump() writes it
  JsonText& value(std::int64_t x);
  JsonText& value(std::uint64_t x);
  JsonText& value(int x) { return value(static_cast<std::int64_t>(x)); }
  JsonText& value(bool b);
  JsonText& value(std::string_view s);
  JsonText& value(const char* s) { return value(std::string_view(s)); }
  JsonText& value(const std::string& s) { return value(std::string_view(s)); }
  JsonText& value(const Value& v);
  JsonText& value(const nlohmann::json& j);  // a document as dump() writes it

  template <class T>
  JsonText& member(std::string_view name, const T& v) {
    key(name);
    return value(v);
  }

 private:
  void separate() {
    if (need_comma_) out_ += ',';
  }
  void quoted(std::string_view s);

  std::string& out_;
  bool need_comma_ = false;
};

}  // namespace evojit
