// A parameter value (support/value.hpp) read from JSON: the one conversion every file
// format uses (Kernel Tuner caches, T1 files, run journals), so an integer, a large
// unsigned number or a boolean means the same Value in each.
#pragma once

#include <optional>

#include <nlohmann/json.hpp>

#include "support/value.hpp"

namespace evojit {

// A JSON boolean, number or string as a Value (an integer above INT64_MAX becomes the
// nearest double, never a wrapped negative); nullopt for null, arrays and objects, so
// each format reports those with its own context.
std::optional<Value> json_to_value(const nlohmann::json& j);

}  // namespace evojit
