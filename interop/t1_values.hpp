// Internal to the T1 reader (t1_input.cpp): the Values of a tuning parameter as typed
// values, from the Python expression a T1 file writes as a string, as Kernel Tuner
// eval()s it ("[16, 32]", tuples, "range(1, 9)", "list(range(1, 9))",
// "[128+64*i for i in range(15)]", "[2**i for i in range(10) if i % 2 == 0]") or
// from a JSON array (each element by json_to_value, support/value_json.hpp), and their
// coercion to the parameter's declared Type. Linear in the length of the text (10^6
// values parse in well under a second). Not part of the public API.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "support/value.hpp"

namespace evojit::t1 {

struct ListError {
  std::string message;
  std::size_t column;  // 1-based
};

// Evaluates the Values expression to its list; throws ListError (with the column).
std::vector<Value> parse_python_list(std::string_view text);

// Coerces a value to the parameter's declared Type; nullopt when it cannot be.
// `type` is "int", "float", "bool", "string" or empty (keep as is).
std::optional<Value> coerce(const Value& v, const std::string& type);

}  // namespace evojit::t1
