// A parameter value as the constraint language and the configuration files see it:
// Python's bool, int, float or str. Order of alternatives matters: bool before int.
#pragma once

#include <cstdint>
#include <string>
#include <variant>

namespace evojit {

using Value = std::variant<bool, std::int64_t, double, std::string>;

// Python's repr-like text: True/False, 42, 0.5, 'text' is written without quotes
// when `quote_strings` is false (the form used for #define bindings).
std::string to_string(const Value& v, bool quote_strings = false);

// Parses "true"/"false"/"True"/"False", integers, reals, else keeps the text.
Value parse_value(const std::string& text);

}  // namespace evojit
