// The THREADS parameter shared by the CPU tasks: the thread counts worth trying on
// this machine (powers of two below the hardware concurrency, and that number itself).
#pragma once

#include <string>
#include <vector>

#include "genomes/parameter.hpp"

namespace evojit {

// 1, 2, 4, ... < hardware_concurrency, then hardware_concurrency; {1} when unknown.
std::vector<Value> thread_count_values();
Parameter threads_parameter(std::string name = "THREADS");

}  // namespace evojit
