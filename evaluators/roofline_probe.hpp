// Measures this machine's roofline ceilings from inside a worker: memory bandwidth
// with a STREAM-style triad over arrays far beyond the last-level cache, and FP32
// FMA throughput with many independent vector FMA chains. Both kernels are compiled
// by the CPU JIT for the host CPU, exactly as candidates are, so the ceilings use the
// same instruction set (AVX2, AVX-512...) the candidates can.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace evojit {

class CpuJit;

// Triad bandwidth with a working set sized for one level of the memory hierarchy.
struct BandwidthLevel {
  std::string name;  // "L1", "L2", "L3", "DRAM"
  double working_set_bytes = 0.0;
  std::vector<double> bandwidth_bytes_per_s;  // per thread count
};

struct RooflineProbeResult {
  std::vector<int> threads;                   // 1..max_threads
  std::vector<double> bandwidth_bytes_per_s;  // DRAM, per thread count
  std::vector<double> flops_per_s;            // per thread count
  std::vector<BandwidthLevel> levels;         // smallest working set first; DRAM last
};

// Cache sizes from sysfs as (name, bytes), smallest first: L1d, L2, L3.
std::vector<std::pair<std::string, double>> cache_levels();

// `stream_elements` floats per array (three arrays).
RooflineProbeResult probe_roofline(CpuJit& jit, int max_threads, std::int64_t stream_elements);

}  // namespace evojit
