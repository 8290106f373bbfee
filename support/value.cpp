#include "support/value.hpp"

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <system_error>

namespace evojit {
namespace {

// Python's float repr: the shortest text that reads back to the same double, in
// fixed notation for decimal exponents in [-4, 16) and scientific otherwise.
std::string python_float_repr(double d) {
  if (std::isnan(d)) return "nan";
  if (std::isinf(d)) return d < 0 ? "-inf" : "inf";
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof buf, d, std::chars_format::scientific);
  std::string sci(buf, res.ptr);  // e.g. "-1.2345e+02"
  bool negative = sci[0] == '-';
  if (negative) sci.erase(0, 1);
  std::size_t e = sci.find('e');
  int exponent = std::atoi(sci.c_str() + e + 1);
  std::string digits;
  for (std::size_t i = 0; i < e; ++i)
    if (sci[i] != '.') digits += sci[i];
  std::string out = negative ? "-" : "";
  const int n = static_cast<int>(digits.size());
  if (exponent >= -4 && exponent < 16) {
    if (exponent < 0) {
      out += "0." + std::string(static_cast<std::size_t>(-exponent - 1), '0') + digits;
    } else if (exponent + 1 >= n) {
      out += digits + std::string(static_cast<std::size_t>(exponent + 1 - n), '0') + ".0";
    } else {
      out += digits.substr(0, static_cast<std::size_t>(exponent + 1)) + "." +
             digits.substr(static_cast<std::size_t>(exponent + 1));
    }
  } else {
    out += digits.substr(0, 1);
    if (n > 1) out += "." + digits.substr(1);
    char exp_text[16];
    std::snprintf(exp_text, sizeof exp_text, "e%c%02d", exponent < 0 ? '-' : '+',
                  exponent < 0 ? -exponent : exponent);
    out += exp_text;
  }
  return out;
}

std::string python_str_repr(const std::string& s) {
  const bool use_double = s.find('\'') != std::string::npos && s.find('"') == std::string::npos;
  const char quote = use_double ? '"' : '\'';
  std::string out(1, quote);
  for (char ch : s) {
    if (ch == '\\' || ch == quote) out += '\\';
    if (ch == '\n') {
      out += "\\n";
      continue;
    }
    if (ch == '\t') {
      out += "\\t";
      continue;
    }
    out += ch;
  }
  out += quote;
  return out;
}

}  // namespace

std::string to_string(const Value& v, bool quote_strings) {
  switch (v.index()) {
    case 0:
      return std::get<bool>(v) ? "True" : "False";
    case 1:
      return std::to_string(std::get<std::int64_t>(v));
    case 2:
      return python_float_repr(std::get<double>(v));
    default:
      return quote_strings ? python_str_repr(std::get<std::string>(v)) : std::get<std::string>(v);
  }
}

Value parse_value(const std::string& text) {
  if (text == "true" || text == "True") return true;
  if (text == "false" || text == "False") return false;
  if (text.empty()) return text;
  const char* first = text.data();
  const char* last = text.data() + text.size();
  const char* digits = first + ((*first == '+' || *first == '-') ? 1 : 0);
  if (digits == last) return text;
  std::int64_t i = 0;
  auto ir = std::from_chars(*first == '+' ? first + 1 : first, last, i);
  if (ir.ec == std::errc() && ir.ptr == last) return i;
  // A real needs a digit: "inf" and "nan" stay text, as a config would mean them.
  bool has_digit = false;
  for (const char* p = digits; p != last; ++p) has_digit |= (*p >= '0' && *p <= '9');
  if (!has_digit) return text;
  double d = 0;
  auto dr = std::from_chars(*first == '+' ? first + 1 : first, last, d);
  if (dr.ec == std::errc() && dr.ptr == last) return d;
  return text;
}

}  // namespace evojit
