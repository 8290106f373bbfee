// The lexer of the constraint language: Python's tokens for names, int/float literals
// (with underscores, 0x/0o/0b prefixes), quoted strings and the operators the grammar
// uses; assignment and unsupported literal forms fail with a column.
#include "support/expression/expression_lexer.hpp"

#include <charconv>
#include <cstdlib>
#include <string>

#include "support/expression/expression.hpp"

namespace evojit::expr {
namespace {

bool is_ident_start(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_ident(char c) { return is_ident_start(c) || is_digit(c); }

}  // namespace

void Lexer::fail(const std::string& message, std::size_t column) const {
  throw ExpressionError(message, std::string(text_), column);
}

Token Lexer::next() {
  while (pos_ < text_.size() &&
         (text_[pos_] == ' ' || text_[pos_] == '\t' || text_[pos_] == '\n' || text_[pos_] == '\r'))
    ++pos_;
  Token t;
  t.column = pos_ + 1;
  if (pos_ >= text_.size()) return t;
  const char c = text_[pos_];
  if (is_ident_start(c)) {
    std::size_t start = pos_;
    while (pos_ < text_.size() && is_ident(text_[pos_])) ++pos_;
    if (pos_ < text_.size() && (text_[pos_] == '\'' || text_[pos_] == '"'))
      fail("string prefixes are not supported", t.column);
    t.kind = Tok::name;
    t.text = text_.substr(start, pos_ - start);
    return t;
  }
  if (is_digit(c) || (c == '.' && pos_ + 1 < text_.size() && is_digit(text_[pos_ + 1])))
    return number(t);
  if (c == '\'' || c == '"') return string_literal(t);
  static constexpr std::string_view kOps3[] = {"//=", "**=", ">>=", "<<="};
  static constexpr std::string_view kOps2[] = {"**", "//", "<=", ">=", "==", "!=", "<<", ">>"};
  for (auto op : kOps3)
    if (text_.substr(pos_, 3) == op) fail("assignment is not an expression", t.column);
  for (auto op : kOps2) {
    if (text_.substr(pos_, 2) == op) {
      t.kind = Tok::op;
      t.text = text_.substr(pos_, 2);
      pos_ += 2;
      return t;
    }
  }
  if (std::string_view("+-*/%<>()[],~&|^").find(c) != std::string_view::npos) {
    t.kind = Tok::op;
    t.text = text_.substr(pos_, 1);
    ++pos_;
    return t;
  }
  if (c == '=') fail("'=' is assignment; use '==' to compare", t.column);
  fail(std::string("unexpected character '") + c + "'", t.column);
}

Token Lexer::number(Token& t) {
  const std::size_t start = pos_;
  auto digits = [&](auto accept) {
    std::string out;
    bool last_underscore = false;
    while (pos_ < text_.size() && (accept(text_[pos_]) || text_[pos_] == '_')) {
      if (text_[pos_] == '_') {
        if (last_underscore || out.empty()) fail("invalid number literal", t.column);
        last_underscore = true;
      } else {
        out += text_[pos_];
        last_underscore = false;
      }
      ++pos_;
    }
    if (last_underscore) fail("invalid number literal", t.column);
    return out;
  };
  if (text_[pos_] == '0' && pos_ + 1 < text_.size() &&
      std::string_view("xXoObB").find(text_[pos_ + 1]) != std::string_view::npos) {
    const char base_char = static_cast<char>(text_[pos_ + 1] | 0x20);
    const int base = base_char == 'x' ? 16 : base_char == 'o' ? 8 : 2;
    pos_ += 2;
    if (pos_ < text_.size() && text_[pos_] == '_') ++pos_;
    std::string d = digits([&](char ch) {
      if (base == 16) return is_digit(ch) || ((ch | 0x20) >= 'a' && (ch | 0x20) <= 'f');
      return ch >= '0' && ch < static_cast<char>('0' + base);
    });
    if (d.empty()) fail("invalid number literal", t.column);
    auto r = std::from_chars(d.data(), d.data() + d.size(), t.integer, base);
    if (r.ec != std::errc()) fail("integer literal too large", t.column);
    t.kind = Tok::integer;
    check_end(t);
    return t;
  }
  std::string mantissa = digits(is_digit);
  bool is_real = false;
  if (pos_ < text_.size() && text_[pos_] == '.') {
    ++pos_;
    is_real = true;
    mantissa += '.';
    if (pos_ < text_.size() && is_digit(text_[pos_])) mantissa += digits(is_digit);
  }
  if (pos_ < text_.size() && (text_[pos_] == 'e' || text_[pos_] == 'E')) {
    std::size_t save = pos_;
    ++pos_;
    std::string exp = "e";
    if (pos_ < text_.size() && (text_[pos_] == '+' || text_[pos_] == '-')) exp += text_[pos_++];
    if (pos_ < text_.size() && is_digit(text_[pos_])) {
      exp += digits(is_digit);
      mantissa += exp;
      is_real = true;
    } else {
      pos_ = save;
      fail("invalid number literal", t.column);
    }
  }
  if (is_real) {
    t.kind = Tok::real;
    t.real = std::strtod(mantissa.c_str(), nullptr);
  } else {
    // Python rejects leading zeros in a non-zero decimal literal ("012").
    if (mantissa.size() > 1 && mantissa[0] == '0' &&
        mantissa.find_first_not_of('0') != std::string::npos)
      fail("leading zeros in a decimal integer literal are not permitted", t.column);
    auto r = std::from_chars(mantissa.data(), mantissa.data() + mantissa.size(), t.integer);
    if (r.ec != std::errc()) fail("integer literal too large", t.column);
    t.kind = Tok::integer;
  }
  (void)start;
  check_end(t);
  return t;
}

void Lexer::check_end(const Token& t) {
  if (pos_ < text_.size() && (is_ident(text_[pos_]) || text_[pos_] == '.'))
    fail("invalid number literal", t.column);
}

Token Lexer::string_literal(Token& t) {
  const char quote = text_[pos_++];
  if (text_.substr(pos_, 2) == std::string(2, quote))
    fail("triple-quoted strings are not supported", t.column);
  std::string out;
  while (true) {
    if (pos_ >= text_.size() || text_[pos_] == '\n') fail("unterminated string literal", t.column);
    char c = text_[pos_++];
    if (c == quote) break;
    if (c == '\\') {
      if (pos_ >= text_.size()) fail("unterminated string literal", t.column);
      char e = text_[pos_++];
      switch (e) {
        case 'n':
          out += '\n';
          break;
        case 't':
          out += '\t';
          break;
        case 'r':
          out += '\r';
          break;
        case '0':
          out += '\0';
          break;
        case '\\':
        case '\'':
        case '"':
          out += e;
          break;
        default:
          out += '\\';
          out += e;
          break;  // Python keeps unknown escapes
      }
      continue;
    }
    out += c;
  }
  t.kind = Tok::string;
  t.string = std::move(out);
  return t;
}

}  // namespace evojit::expr
