// Internal to the Kernel Tuner cache reader: a fast driver of a nlohmann SAX handler
// over JSON text held in memory. nlohmann's lexer reads a character at a time through
// an input adapter and builds each number's text for strtod; a 60 MB cache took it
// 1.5 s. This one scans the plain subset of JSON that cache files are made of
// (ASCII strings without escapes, numbers that fit their type exactly) and sends
// the handler exactly the events nlohmann's sax_parse would send for that text.
//
// Anything outside that subset (an escape, a non-ASCII byte, an integer of 19 or more
// digits, a number out of range, nesting deeper than 64), and every syntax error,
// makes it stop and return false: the caller then parses the text again with
// nlohmann's sax_parse from a fresh handler, so results and error messages are
// nlohmann's whatever the text. Not part of the public API.
#pragma once

#include <charconv>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <system_error>

namespace evojit::kernel_tuner_cache {

template <class Handler>
class FastJsonSax {
 public:
  FastJsonSax(std::string_view text, Handler& handler)
      : p_(text.data()), end_(text.data() + text.size()), handler_(handler) {}

  // True when the whole text was one JSON value of the subset and every event was
  // sent; false as soon as it is not (the handler then holds a partial document).
  bool run() {
    skip_space();
    if (!value(0)) return false;
    skip_space();
    return p_ == end_;
  }

 private:
  static constexpr int kMaxDepth = 64;

  void skip_space() {
    while (p_ != end_ && (*p_ == ' ' || *p_ == '\n' || *p_ == '\r' || *p_ == '\t')) ++p_;
  }

  bool literal(std::string_view word) {
    if (static_cast<std::size_t>(end_ - p_) < word.size() ||
        std::string_view(p_, word.size()) != word) {
      return false;
    }
    p_ += word.size();
    return true;
  }

  // A string of the subset into scratch_ (p_ on its opening quote).
  bool string_token() {
    const char* start = ++p_;
    while (p_ != end_) {
      const auto c = static_cast<unsigned char>(*p_);
      if (c == '"') {
        scratch_.assign(start, p_);
        ++p_;
        return true;
      }
      if (c < 0x20 || c >= 0x80 || c == '\\') return false;  // nlohmann's to decode or refuse
      ++p_;
    }
    return false;
  }

  static bool digit(char c) { return c >= '0' && c <= '9'; }

  bool number() {
    const char* start = p_;
    const bool negative = *p_ == '-';
    if (negative) ++p_;
    if (p_ == end_ || !digit(*p_)) return false;
    if (*p_ == '0') {
      ++p_;
    } else {
      while (p_ != end_ && digit(*p_)) ++p_;
    }
    const char* integer_end = p_;
    bool is_float = false;
    if (p_ != end_ && *p_ == '.') {
      is_float = true;
      ++p_;
      if (p_ == end_ || !digit(*p_)) return false;
      while (p_ != end_ && digit(*p_)) ++p_;
    }
    if (p_ != end_ && (*p_ == 'e' || *p_ == 'E')) {
      is_float = true;
      ++p_;
      if (p_ != end_ && (*p_ == '+' || *p_ == '-')) ++p_;
      if (p_ == end_ || !digit(*p_)) return false;
      while (p_ != end_ && digit(*p_)) ++p_;
    }
    if (!is_float) {
      const char* digits = start + (negative ? 1 : 0);
      if (integer_end - digits > 18) return false;  // nlohmann's range rules: its own
      std::uint64_t v = 0;
      for (const char* d = digits; d != integer_end; ++d)
        v = v * 10 + static_cast<unsigned>(*d - '0');
      if (negative) return handler_.number_integer(-static_cast<std::int64_t>(v));
      return handler_.number_unsigned(v);
    }
    // Correctly rounded, as nlohmann's strtod; out of range is nlohmann's to judge.
    double v = 0.0;
    const auto [ptr, ec] = std::from_chars(start, p_, v);
    if (ec != std::errc() || ptr != p_) return false;
    return handler_.number_float(v, empty_);
  }

  bool value(int depth) {
    if (p_ == end_) return false;
    switch (*p_) {
      case '{':
        return object(depth + 1);
      case '[':
        return array(depth + 1);
      case '"':
        return string_token() && handler_.string(scratch_);
      case 't':
        return literal("true") && handler_.boolean(true);
      case 'f':
        return literal("false") && handler_.boolean(false);
      case 'n':
        return literal("null") && handler_.null();
      default:
        if (*p_ == '-' || digit(*p_)) return number();
        return false;
    }
  }

  bool object(int depth) {
    if (depth > kMaxDepth) return false;
    ++p_;
    if (!handler_.start_object(static_cast<std::size_t>(-1))) return false;
    skip_space();
    if (p_ != end_ && *p_ == '}') {
      ++p_;
      return handler_.end_object();
    }
    for (;;) {
      if (p_ == end_ || *p_ != '"' || !string_token() || !handler_.key(scratch_)) return false;
      skip_space();
      if (p_ == end_ || *p_ != ':') return false;
      ++p_;
      skip_space();
      if (!value(depth)) return false;
      skip_space();
      if (p_ == end_) return false;
      if (*p_ == ',') {
        ++p_;
        skip_space();
        continue;
      }
      if (*p_ != '}') return false;
      ++p_;
      return handler_.end_object();
    }
  }

  bool array(int depth) {
    if (depth > kMaxDepth) return false;
    ++p_;
    if (!handler_.start_array(static_cast<std::size_t>(-1))) return false;
    skip_space();
    if (p_ != end_ && *p_ == ']') {
      ++p_;
      return handler_.end_array();
    }
    for (;;) {
      if (!value(depth)) return false;
      skip_space();
      if (p_ == end_) return false;
      if (*p_ == ',') {
        ++p_;
        skip_space();
        continue;
      }
      if (*p_ != ']') return false;
      ++p_;
      return handler_.end_array();
    }
  }

  const char* p_;
  const char* end_;
  Handler& handler_;
  std::string scratch_;  // the last string or key; the handler may move from it
  const std::string empty_;
};

}  // namespace evojit::kernel_tuner_cache
