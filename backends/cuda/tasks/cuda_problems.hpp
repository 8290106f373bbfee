// The problem models behind make_cuda_problem(), one per kind, and the workload
// models the tasks share with them. Internal to backends/cuda/tasks.
#pragma once

#include "backends/cuda/tasks/cuda_task.hpp"

namespace evojit {

CudaProblem make_triad_problem(const ProblemSize& size);
CudaProblem make_heat2d_problem(const ProblemSize& size);
CudaProblem make_sgemm_problem(const ProblemSize& size);
// Ints in sgemm's lock buffer (its last argument; SPLITK's per-tile locks) for n x n.
std::size_t sgemm_lock_count(std::int64_t n);
CudaProblem make_convolution_problem(const ProblemSize& size);
CudaProblem make_dedispersion_problem(const ProblemSize& size);

Workload convolution_workload(const ProblemSize& size);
Workload dedispersion_workload(const ProblemSize& size);

// Deterministic value in [lo, hi) for index i and a salt.
float hashed_uniform(std::uint64_t i, std::uint64_t salt, float lo, float hi);

}  // namespace evojit
