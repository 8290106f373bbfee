// A space a run can search. The space sampler treats a condition that fails to
// evaluate (1 / (X - 4) at X = 4) as "not valid", which hides a broken condition: a
// run then searches a smaller space than the user wrote, or none at all and reports
// only "no valid point". Before a run writes anything, this evaluates every
// condition over the space (all of it up to kConditionScanPoints, else that many
// points spread over it) and makes a failing one an error naming the condition, the
// point and the failure; then it requires a valid point.
#pragma once

#include <cstdint>
#include <string>

#include "genomes/parameter_space.hpp"

namespace evojit {

inline constexpr std::uint64_t kConditionScanPoints = 20000;

// Throws InputError (`where` names the task or file, `hint` says how to relax the
// conditions) when a condition cannot be evaluated or no point is valid.
void require_searchable_space(const ParameterSpace& space, const std::string& where,
                              const std::string& hint);

}  // namespace evojit
