#include "interop/t1_values.hpp"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <span>
#include <stdexcept>
#include <variant>

#include "support/expression/expression.hpp"

namespace evojit::t1 {
namespace {

bool is_word_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

// The Values of a T1 parameter as Kernel Tuner reads them (it eval()s the string):
// list and tuple displays of expressions, range(...), list(...) / tuple(...) around
// any of these, and list comprehensions [expr for name in iterable if condition].
// Element expressions are the constraint language (support/expression/expression.hpp); plain
// literals, the bulk of a 10^6-value list, take a fast path, so the cost is linear
// in the text.
class PythonValues {
 public:
  PythonValues(std::string_view text, std::size_t base) : text_(text), base_(base) {}

  std::vector<Value> parse_all() {
    std::vector<Value> out = parse_iterable();
    skip_space();
    if (pos_ != text_.size()) fail("unexpected text after the list");
    return out;
  }

 private:
  char peek() const { return pos_ < text_.size() ? text_[pos_] : '\0'; }
  void skip_space() {
    while (pos_ < text_.size() && std::isspace(static_cast<unsigned char>(text_[pos_]))) ++pos_;
  }
  [[noreturn]] void fail(std::string message) const { fail_at(std::move(message), pos_); }
  [[noreturn]] void fail_at(std::string message, std::size_t pos) const {
    throw ListError{std::move(message), base_ + pos + 1};
  }
  bool word_at(std::size_t pos, std::string_view word) const {
    return text_.compare(pos, word.size(), word) == 0 &&
           (pos == 0 || !is_word_char(text_[pos - 1])) &&
           (pos + word.size() >= text_.size() || !is_word_char(text_[pos + word.size()]));
  }

  // The position of the bracket closing the one at `open` (strings skipped).
  std::size_t matching(std::size_t open) const {
    int depth = 0;
    for (std::size_t i = open; i < text_.size(); ++i) {
      const char c = text_[i];
      if (c == '\'' || c == '"') {
        i = string_end(i);
      } else if (c == '[' || c == '(') {
        ++depth;
      } else if (c == ']' || c == ')') {
        if (--depth == 0) return i;
      }
    }
    fail_at("the list is not closed", open);
  }
  std::size_t string_end(std::size_t open) const {
    const char quote = text_[open];
    for (std::size_t i = open + 1; i < text_.size(); ++i) {
      if (text_[i] == '\\') {
        ++i;
      } else if (text_[i] == quote) {
        return i;
      }
    }
    fail_at("unterminated string", open);
  }

  // Calls `at_top(i)` for every position of [begin, end) outside quotes and brackets,
  // in order, until it returns true; returns that position, or npos.
  template <class AtTop>
  std::size_t scan_top_level(std::size_t begin, std::size_t end, AtTop at_top) const {
    int depth = 0;
    for (std::size_t i = begin; i < end; ++i) {
      const char c = text_[i];
      if (c == '\'' || c == '"') {
        i = string_end(i);
      } else if (c == '[' || c == '(') {
        ++depth;
      } else if (c == ']' || c == ')') {
        --depth;
      } else if (depth == 0 && at_top(i)) {
        return i;
      }
    }
    return std::string_view::npos;
  }

  // [begin, end) of each top-level, comma-separated part of text_[begin, end).
  std::vector<std::pair<std::size_t, std::size_t>> split(std::size_t begin, std::size_t end) const {
    std::vector<std::pair<std::size_t, std::size_t>> parts;
    std::size_t start = begin;
    scan_top_level(begin, end, [&](std::size_t i) {
      if (text_[i] == ',') {
        parts.emplace_back(start, i);
        start = i + 1;
      }
      return false;
    });
    parts.emplace_back(start, end);
    // A trailing comma ("[1, 2,]") leaves an empty last part.
    if (parts.size() > 1 && blank(parts.back().first, parts.back().second)) parts.pop_back();
    return parts;
  }
  bool blank(std::size_t begin, std::size_t end) const {
    for (std::size_t i = begin; i < end; ++i) {
      if (!std::isspace(static_cast<unsigned char>(text_[i]))) return false;
    }
    return true;
  }
  // The first top-level occurrence of `word` in [begin, end), or npos.
  std::size_t find_word(std::string_view word, std::size_t begin, std::size_t end) const {
    return scan_top_level(begin, end, [&](std::size_t i) { return word_at(i, word); });
  }

  std::vector<Value> parse_iterable() {
    skip_space();
    for (std::string_view call : {"list", "tuple"}) {
      if (word_at(pos_, call)) {
        pos_ += call.size();
        skip_space();
        if (peek() != '(') fail("expected '(' after " + std::string(call));
        const std::size_t close = matching(pos_);
        std::vector<Value> inner =
            PythonValues(text_.substr(pos_ + 1, close - pos_ - 1), base_ + pos_ + 1).parse_all();
        pos_ = close + 1;
        return inner;
      }
    }
    if (word_at(pos_, "range")) return parse_range();
    const char open = peek();
    if (open != '[' && open != '(') {
      fail("expected a list: [...], range(...), list(...) or [x for x in ...]");
    }
    const std::size_t close = matching(pos_);
    const std::size_t begin = pos_ + 1;
    pos_ = close + 1;
    if (find_word("for", begin, close) != std::string_view::npos) {
      return comprehension(begin, close);
    }
    std::vector<Value> out;
    if (blank(begin, close)) return out;
    auto parts = split(begin, close);
    out.reserve(parts.size());
    for (auto [b, e] : parts) out.push_back(element(b, e));
    return out;
  }

  std::vector<Value> parse_range() {
    pos_ += 5;
    skip_space();
    if (peek() != '(') fail("expected '(' after range");
    const std::size_t close = matching(pos_);
    std::vector<std::int64_t> args;
    if (!blank(pos_ + 1, close)) {
      for (auto [b, e] : split(pos_ + 1, close)) {
        Value v = element(b, e);
        if (!std::holds_alternative<std::int64_t>(v)) fail_at("range() takes integers", b);
        args.push_back(std::get<std::int64_t>(v));
      }
    }
    if (args.empty() || args.size() > 3) fail("range() takes 1 to 3 arguments");
    pos_ = close + 1;
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

  // [expr for name in iterable] and [expr for name in iterable if condition].
  std::vector<Value> comprehension(std::size_t begin, std::size_t end) {
    const std::size_t for_at = find_word("for", begin, end);
    const std::size_t in_at = find_word("in", for_at + 3, end);
    if (in_at == std::string_view::npos) fail_at("expected 'in' in the comprehension", for_at);
    std::string name(trimmed(for_at + 3, in_at));
    if (name.empty() || !std::all_of(name.begin(), name.end(), is_word_char) ||
        std::isdigit(static_cast<unsigned char>(name[0]))) {
      fail_at("expected one name between 'for' and 'in'", for_at + 3);
    }
    if (find_word("for", in_at, end) != std::string_view::npos) {
      fail_at("nested comprehensions are not supported", in_at);
    }
    const std::size_t if_at = find_word("if", in_at + 2, end);
    const std::size_t iter_end = if_at == std::string_view::npos ? end : if_at;
    std::vector<Value> items =
        PythonValues(text_.substr(in_at + 2, iter_end - in_at - 2), base_ + in_at + 2).parse_all();
    const std::string slots[] = {name};
    Expression expr = compile(begin, for_at, slots);
    std::optional<Expression> condition;
    if (if_at != std::string_view::npos) condition = compile(if_at + 2, end, slots);
    std::vector<Value> out;
    out.reserve(items.size());
    for (const Value& item : items) {
      const Value* slot[] = {&item};
      try {
        if (condition && !condition->holds(std::span<const Value* const>(slot, 1))) continue;
        out.push_back(expr.evaluate(std::span<const Value* const>(slot, 1)));
      } catch (const InputError& e) {
        fail_at(std::string("evaluating the comprehension for ") + name + " = " +
                    to_string(item, true) + ": " + e.what(),
                begin);
      }
    }
    return out;
  }

  std::string_view trimmed(std::size_t begin, std::size_t end) const {
    while (begin < end && std::isspace(static_cast<unsigned char>(text_[begin]))) ++begin;
    while (end > begin && std::isspace(static_cast<unsigned char>(text_[end - 1]))) --end;
    return text_.substr(begin, end - begin);
  }

  Expression compile(std::size_t begin, std::size_t end, std::span<const std::string> slots) const {
    std::string_view text = trimmed(begin, end);
    if (text.empty()) fail_at("expected an expression", begin);
    try {
      Expression e = Expression::parse(text);
      e.bind(slots);
      return e;
    } catch (const ExpressionError& e) {
      fail_at(e.what(), begin + e.column() - 1);
    } catch (const InputError& e) {
      fail_at(e.what(), begin);
    }
  }

  // One element: a literal (fast path) or a constant expression ("2**5", "-1").
  Value element(std::size_t begin, std::size_t end) const {
    std::string_view item = trimmed(begin, end);
    if (item.empty()) fail_at("expected a value", begin);
    if (auto literal = parse_literal(item)) return *literal;
    if (item.front() == '[' || item.front() == '(') {
      fail_at("a value cannot be a list", begin);
    }
    Expression e = compile(begin, end, {});
    try {
      return e.evaluate(std::span<const Value>());
    } catch (const InputError& error) {
      fail_at(error.what(), begin);
    }
  }

  static std::optional<Value> parse_literal(std::string_view item) {
    if (item == "True") return Value{true};
    if (item == "False") return Value{false};
    const char q = item.front();
    if ((q == '\'' || q == '"') && item.size() >= 2 && item.back() == q) {
      std::string out;
      for (std::size_t i = 1; i + 1 < item.size(); ++i) {
        if (item[i] == q) return std::nullopt;  // 'a' 'b', or 'a' + 'b': not one literal
        if (item[i] == '\\' && i + 2 < item.size()) {
          ++i;
          switch (item[i]) {
            case 'n':
              out += '\n';
              continue;
            case 't':
              out += '\t';
              continue;
            case 'r':
              out += '\r';
              continue;
            case '0':
              out += '\0';
              continue;
            default:
              break;
          }
        }
        out += item[i];
      }
      return Value{std::move(out)};
    }
    // Numbers: digits, one optional sign, '.', exponent and '_' separators only.
    std::string number;
    bool is_float = false;
    for (std::size_t i = 0; i < item.size(); ++i) {
      const char c = item[i];
      if (std::isdigit(static_cast<unsigned char>(c))) {
        number += c;
      } else if (c == '_') {
        continue;
      } else if (c == '.' || c == 'e' || c == 'E') {
        is_float = true;
        number += c;
      } else if ((c == '-' || c == '+') && (i == 0 || item[i - 1] == 'e' || item[i - 1] == 'E')) {
        number += c;
      } else {
        return std::nullopt;
      }
    }
    if (number.empty() || number == "-" || number == "+") return std::nullopt;
    const char* first = number.c_str();
    char* last = nullptr;
    errno = 0;
    if (is_float) {
      const double d = std::strtod(first, &last);
      if (*last != '\0') return std::nullopt;
      return Value{d};
    }
    const long long i = std::strtoll(first, &last, 10);
    if (*last != '\0' || errno == ERANGE) return std::nullopt;
    return Value{static_cast<std::int64_t>(i)};
  }

  std::string_view text_;
  std::size_t base_;  // offset of text_ in the whole Values string, for columns
  std::size_t pos_ = 0;
};

}  // namespace

std::vector<Value> parse_python_list(std::string_view text) {
  return PythonValues(text, 0).parse_all();
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
