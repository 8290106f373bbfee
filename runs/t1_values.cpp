#include "runs/t1_values.hpp"

#include <cctype>
#include <cmath>
#include <cstdint>
#include <stdexcept>
#include <variant>

namespace evojit::t1 {
namespace {

using json = nlohmann::json;

// The Python literal lists T1 files write as strings: [1, 2.5, 'a', True], tuples,
// and range(start, stop[, step]).
class PythonList {
 public:
  explicit PythonList(std::string_view text) : text_(text) {}

  std::vector<Value> parse() {
    skip_space();
    std::vector<Value> out;
    if (text_.substr(pos_, 5) == "range") {
      out = parse_range();
    } else {
      char open = peek();
      if (open != '[' && open != '(') fail("expected '[' to open the list");
      char close = open == '[' ? ']' : ')';
      ++pos_;
      skip_space();
      while (peek() != close) {
        out.push_back(parse_literal());
        skip_space();
        if (peek() == ',') {
          ++pos_;
          skip_space();
        } else if (peek() != close) {
          fail(std::string("expected ',' or '") + close + "'");
        }
      }
      ++pos_;
    }
    skip_space();
    if (pos_ != text_.size()) fail("unexpected text after the list");
    return out;
  }

 private:
  char peek() const { return pos_ < text_.size() ? text_[pos_] : '\0'; }
  void skip_space() {
    while (pos_ < text_.size() && std::isspace(static_cast<unsigned char>(text_[pos_]))) ++pos_;
  }
  [[noreturn]] void fail(std::string message) const {
    throw ListError{std::move(message), pos_ + 1};
  }

  std::vector<Value> parse_range() {
    pos_ += 5;
    skip_space();
    if (peek() != '(') fail("expected '(' after range");
    ++pos_;
    std::vector<std::int64_t> args;
    for (;;) {
      skip_space();
      Value v = parse_literal();
      if (!std::holds_alternative<std::int64_t>(v)) fail("range() takes integers");
      args.push_back(std::get<std::int64_t>(v));
      skip_space();
      if (peek() == ',') {
        ++pos_;
      } else if (peek() == ')') {
        ++pos_;
        break;
      } else {
        fail("expected ',' or ')'");
      }
    }
    if (args.empty() || args.size() > 3) fail("range() takes 1 to 3 arguments");
    std::int64_t start = args.size() == 1 ? 0 : args[0];
    std::int64_t stop = args.size() == 1 ? args[0] : args[1];
    std::int64_t step = args.size() == 3 ? args[2] : 1;
    if (step == 0) fail("range() step must not be zero");
    std::vector<Value> out;
    for (std::int64_t v = start; step > 0 ? v < stop : v > stop;) {
      out.push_back(v);
      if (out.size() > 10'000'000) fail("range() is too long");
      if (__builtin_add_overflow(v, step, &v)) break;  // the next value is past any int64 stop
    }
    return out;
  }

  Value parse_literal() {
    char c = peek();
    if (c == '\'' || c == '"') return parse_string(c);
    if (std::isalpha(static_cast<unsigned char>(c))) {
      std::size_t start = pos_;
      while (std::isalnum(static_cast<unsigned char>(peek())) || peek() == '_') ++pos_;
      std::string_view word = text_.substr(start, pos_ - start);
      if (word == "True") return true;
      if (word == "False") return false;
      pos_ = start;
      fail("expected a number, a quoted string, True or False");
    }
    std::size_t start = pos_;
    if (c == '-' || c == '+') ++pos_;
    bool is_float = false;
    while (
        std::isdigit(static_cast<unsigned char>(peek())) || peek() == '.' || peek() == 'e' ||
        peek() == 'E' || peek() == '_' ||
        ((peek() == '-' || peek() == '+') && (text_[pos_ - 1] == 'e' || text_[pos_ - 1] == 'E'))) {
      if (peek() == '.' || peek() == 'e' || peek() == 'E') is_float = true;
      ++pos_;
    }
    std::string number;
    for (char d : text_.substr(start, pos_ - start)) {
      if (d != '_') number += d;
    }
    if (number.empty() || number == "-" || number == "+") {
      pos_ = start;
      fail("expected a value");
    }
    try {
      std::size_t used = 0;
      if (is_float) {
        double d = std::stod(number, &used);
        if (used == number.size()) return Value{d};
      } else {
        std::int64_t i = std::stoll(number, &used);
        if (used == number.size()) return Value{i};
      }
      throw std::invalid_argument(number);
    } catch (const std::exception&) {
      pos_ = start;
      fail("bad number '" + number + "'");
    }
  }

  Value parse_string(char quote) {
    ++pos_;
    std::string out;
    while (pos_ < text_.size() && text_[pos_] != quote) {
      if (text_[pos_] == '\\' && pos_ + 1 < text_.size()) ++pos_;
      out += text_[pos_++];
    }
    if (pos_ >= text_.size()) fail("unterminated string");
    ++pos_;
    return out;
  }

  std::string_view text_;
  std::size_t pos_ = 0;
};

}  // namespace

std::vector<Value> parse_python_list(std::string_view text) { return PythonList(text).parse(); }

std::optional<Value> json_to_value(const json& j) {
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

// Coerces a value to the parameter's declared Type; nullopt when it cannot be.
std::optional<Value> coerce(const Value& v, const std::string& type) {
  if (type.empty()) return v;
  if (type == "int") {
    if (std::holds_alternative<std::int64_t>(v)) return v;
    // In [-2^63, 2^63): converting a double outside the int64 range is undefined.
    if (const auto* d = std::get_if<double>(&v);
        d && std::floor(*d) == *d && *d >= -9223372036854775808.0 && *d < 9223372036854775808.0) {
      return Value{static_cast<std::int64_t>(*d)};
    }
    return std::nullopt;
  }
  if (type == "float") {
    if (const auto* i = std::get_if<std::int64_t>(&v)) return Value{static_cast<double>(*i)};
    if (std::holds_alternative<double>(v)) return v;
    return std::nullopt;
  }
  if (type == "bool") {
    if (std::holds_alternative<bool>(v)) return v;
    if (const auto* i = std::get_if<std::int64_t>(&v); i && (*i == 0 || *i == 1)) {
      return Value{*i == 1};
    }
    return std::nullopt;
  }
  // "string": numbers in a string list are kept as their text.
  if (std::holds_alternative<std::string>(v)) return v;
  return Value{to_string(v)};
}

}  // namespace evojit::t1
