// The answer of an aggregating cache (UFH): several measurements of one key folded
// into one evaluation, so that a noisy timing is not taken at its first word.
#pragma once

#include <span>

#include "evaluators/evaluation.hpp"

namespace evojit {

// The latest measurement, with each size's timing replaced by the aggregate over
// all of them (matched by size label; a size missing from a measurement is left out
// of its median):
//   - median_s: the median of the measurements' medians,
//   - min_s: the smallest minimum, repetitions: the sum,
//   - cv: the larger of the coefficient of variation of the medians across
//     measurements (the spread the aggregation sees) and the median of the
//     measurements' own cv, so that the fitness's suspect check (kSuspectCv) flags
//     a key whose measurements disagree;
// and wall_s, the mean cost of one measurement. The fitness is left to be scored
// again from the aggregated times. `measurements` must not be empty.
Evaluation aggregate_measurements(std::span<const Evaluation> measurements);

}  // namespace evojit
