// The 2-D heat task: T explicit steps of the 5-point stencil
//     u'[y][x] = (1 - 4 alpha) u[y][x] + alpha (u[y-1][x] + u[y+1][x] + u[y][x-1] + u[y][x+1])
// on an ny x nx grid whose boundary rows and columns stay fixed (Dirichlet).
//
// Kernel arguments: buffers {u (initial field in, final field out), v (scratch of
// the same size, contents undefined on entry)}; dims {ny, nx, T}; scalars {alpha}.
// The kernel updates u in place, so the instance is reset between repetitions.
// Tunables: TILE_Y, TILE_X (blocking), UNROLL_X, VEC (x-loop vector width), THREADS,
// FUSE_STEPS (time steps computed per tile in a stack scratch with a redundant halo).
#pragma once

#include <memory>

#include "kernels/task.hpp"

namespace evojit {

std::unique_ptr<Task> make_heat2d_task();

}  // namespace evojit
