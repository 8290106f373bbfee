#include "runs/space_check.hpp"

#include <vector>

#include "support/error.hpp"

namespace evojit {
namespace {

// The point with mixed-radix number `n` over the parameters' value lists.
Config point_number(const ParameterSpace& space, std::uint64_t n) {
  Config c;
  c.index.resize(space.size());
  for (std::size_t p = space.size(); p-- > 0;) {
    const std::uint64_t radix = space.parameters()[p].values.size();
    c.index[p] = static_cast<std::uint32_t>(n % radix);
    n /= radix;
  }
  return c;
}

void require_evaluable_conditions(const ParameterSpace& space, const std::string& where) {
  if (space.constraints().empty() || space.size() == 0) return;
  for (const Parameter& p : space.parameters()) {
    if (p.values.empty()) return;
  }
  const std::uint64_t total = space.cartesian_size();  // saturates on overflow
  const std::uint64_t points = total < kConditionScanPoints ? total : kConditionScanPoints;
  // A stride coprime to nothing in particular spreads the scan over a large space.
  const std::uint64_t stride = total <= kConditionScanPoints ? 1 : total / points;
  std::vector<const Value*> values(space.size());
  for (std::uint64_t i = 0; i < points; ++i) {
    const Config c = point_number(space, i * stride);
    for (std::size_t p = 0; p < space.size(); ++p) {
      values[p] = &space.parameters()[p].values[c.index[p]];
    }
    for (const Expression& condition : space.constraints()) {
      try {
        condition.holds(std::span<const Value* const>(values.data(), values.size()));
      } catch (const InputError& e) {
        throw_input_error(std::string("a condition cannot be evaluated at ") +
                              space.canonical(c).substr(0, 200) + ": " + e.what(),
                          where,
                          "a condition that fails is an error, not false: guard it, e.g. "
                          "\"X != 4 and 8 / (X - 4) > 1\"");
      }
    }
  }
}

}  // namespace

void require_searchable_space(const ParameterSpace& space, const std::string& where,
                              const std::string& hint) {
  require_evaluable_conditions(space, where);
  if (!space.has_valid_point()) {
    throw_input_error("the parameter space has no valid point", where, hint);
  }
}

}  // namespace evojit
