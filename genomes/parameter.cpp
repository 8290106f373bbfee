#include "genomes/parameter.hpp"

#include <algorithm>
#include <numeric>

#include "support/error.hpp"

namespace evojit {
namespace {

// Parameter names become constraint names, #define names and canonical-form keys,
// so they must be identifiers.
void check_name(const std::string& name) {
  bool ok = !name.empty() && !(name[0] >= '0' && name[0] <= '9');
  for (char c : name)
    ok = ok &&
         ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_');
  if (!ok)
    throw_input_error("parameter name '" + name + "' is not an identifier",
                      "parameter '" + name + "'",
                      "use letters, digits and '_', not starting with a digit");
}

bool is_number(const Value& v) { return !std::holds_alternative<std::string>(v); }

double number(const Value& v) {
  if (const bool* b = std::get_if<bool>(&v)) return *b ? 1.0 : 0.0;
  if (const auto* i = std::get_if<std::int64_t>(&v)) return static_cast<double>(*i);
  return std::get<double>(v);
}

// Python equality between values: numbers by value (True == 1 == 1.0), strings by text.
bool same_value(const Value& a, const Value& b) {
  if (is_number(a) != is_number(b)) return false;
  if (!is_number(a)) return std::get<std::string>(a) == std::get<std::string>(b);
  const auto* ia = std::get_if<std::int64_t>(&a);
  const auto* ib = std::get_if<std::int64_t>(&b);
  if (ia && ib) return *ia == *ib;  // exact for ints beyond 2^53
  return number(a) == number(b);
}

Parameter make(std::string name, ParameterKind kind, std::vector<Value> values) {
  check_name(name);
  if (values.empty()) throw_input_error("parameter has no values", "parameter '" + name + "'");
  // Sorted so that equal values are neighbours: O(n log n), not O(n^2), for T1
  // ranges of 10^5+ values.
  std::vector<std::size_t> order(values.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  auto less = [&](std::size_t x, std::size_t y) {
    const Value& a = values[x];
    const Value& b = values[y];
    if (is_number(a) != is_number(b)) return is_number(a);
    if (!is_number(a)) return std::get<std::string>(a) < std::get<std::string>(b);
    if (number(a) != number(b)) return number(a) < number(b);
    const auto* ia = std::get_if<std::int64_t>(&a);
    const auto* ib = std::get_if<std::int64_t>(&b);
    return ia && ib && *ia < *ib;
  };
  std::sort(order.begin(), order.end(), less);
  for (std::size_t k = 1; k < order.size(); ++k) {
    if (same_value(values[order[k]], values[order[k - 1]])) {
      throw_input_error("duplicate value " + to_string(values[order[k]], true),
                        "parameter '" + name + "'");
    }
  }
  Parameter p;
  p.name = std::move(name);
  p.kind = kind;
  p.values = std::move(values);
  return p;
}

constexpr std::size_t kMaxValues = 1 << 24;

}  // namespace

Parameter Parameter::integer_range(std::string name, std::int64_t lo, std::int64_t hi,
                                   std::int64_t step) {
  if (step <= 0)
    throw_input_error("range step must be positive, got " + std::to_string(step),
                      "parameter '" + name + "'");
  if (lo > hi)
    throw_input_error("empty range [" + std::to_string(lo) + ", " + std::to_string(hi) + "]",
                      "parameter '" + name + "'");
  if (static_cast<double>(hi - lo) / static_cast<double>(step) >= kMaxValues)
    throw_input_error("range has too many values", "parameter '" + name + "'",
                      "use a larger step or a power_of_two parameter");
  std::vector<Value> values;
  for (std::int64_t v = lo; v <= hi; v += step) {
    values.emplace_back(v);
    if (hi - v < step) break;  // no overflow past hi
  }
  return make(std::move(name), ParameterKind::integer_range, std::move(values));
}

Parameter Parameter::power_of_two(std::string name, std::int64_t lo, std::int64_t hi) {
  if (lo < 1 || lo > hi)
    throw_input_error("power-of-two range needs 1 <= lo <= hi, got [" + std::to_string(lo) + ", " +
                          std::to_string(hi) + "]",
                      "parameter '" + name + "'");
  std::vector<Value> values;
  for (std::int64_t v = 1; v <= hi && v > 0; v *= 2) {
    if (v >= lo) values.emplace_back(v);
    if (v > hi / 2) break;
  }
  if (values.empty())
    throw_input_error("no power of two in [" + std::to_string(lo) + ", " + std::to_string(hi) + "]",
                      "parameter '" + name + "'");
  return make(std::move(name), ParameterKind::power_of_two, std::move(values));
}

Parameter Parameter::list(std::string name, std::vector<Value> values) {
  return make(std::move(name), ParameterKind::value_list, std::move(values));
}

Parameter Parameter::boolean(std::string name) {
  return make(std::move(name), ParameterKind::boolean, {Value{false}, Value{true}});
}

Parameter Parameter::categorical(std::string name, std::vector<std::string> choices) {
  std::vector<Value> values(choices.begin(), choices.end());
  return make(std::move(name), ParameterKind::categorical, std::move(values));
}

std::size_t Parameter::index_of(const Value& v) const {
  for (std::size_t i = 0; i < values.size(); ++i)
    if (same_value(values[i], v)) return i;
  return npos;
}

}  // namespace evojit
