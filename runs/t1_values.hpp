// Internal to the T1 reader (t1_input.cpp): the Values of a tuning parameter as typed
// values, from the Python list a T1 file writes as a string ("[16, 32]", tuples,
// range(start, stop[, step])) or from a JSON array, and their coercion to the
// parameter's declared Type. Not part of the public API.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "support/value.hpp"

namespace evojit::t1 {

struct ListError {
  std::string message;
  std::size_t column;  // 1-based
};

// Parses a Python literal list (or range(...)) of numbers, quoted strings, True and
// False; throws ListError.
std::vector<Value> parse_python_list(std::string_view text);

// A JSON number, string or boolean as a Value; nullopt for anything else.
std::optional<Value> json_to_value(const nlohmann::json& j);

// Coerces a value to the parameter's declared Type; nullopt when it cannot be.
// `type` is "int", "float", "bool", "string" or empty (keep as is).
std::optional<Value> coerce(const Value& v, const std::string& type);

}  // namespace evojit::t1
