// One tunable parameter: a name and a finite, ordered list of values. Every kind the
// spine needs (integer range with step, powers of two, explicit lists, booleans,
// categorical strings) is a finite list, so a configuration is a vector of indices.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "support/value.hpp"

namespace evojit {

enum class ParameterKind { integer_range, power_of_two, value_list, boolean, categorical };

struct Parameter {
  std::string name;
  ParameterKind kind = ParameterKind::value_list;
  std::vector<Value> values;  // at least one; no duplicates
  std::size_t default_index = 0;

  // Factories validate their arguments and throw InputError naming the parameter.
  static Parameter integer_range(std::string name, std::int64_t lo, std::int64_t hi,
                                 std::int64_t step = 1);
  static Parameter power_of_two(std::string name, std::int64_t lo, std::int64_t hi);
  static Parameter list(std::string name, std::vector<Value> values);
  static Parameter boolean(std::string name);
  static Parameter categorical(std::string name, std::vector<std::string> choices);

  // Index of `v` in values (ints and floats compare by number), or npos.
  std::size_t index_of(const Value& v) const;
  static constexpr std::size_t npos = static_cast<std::size_t>(-1);
};

}  // namespace evojit
