// Measures this machine's roofline ceilings from inside a worker: memory bandwidth
// with a STREAM-style triad over arrays far beyond the last-level cache, and FP32
// FMA throughput with many independent vector FMA chains. Both kernels are compiled
// by the CPU JIT for the host CPU, exactly as candidates are, so the ceilings use the
// same instruction set (AVX2, AVX-512...) the candidates can.
//
// Ceilings are peaks, so each figure is a peak: the fastest timed sample of its
// measurement, and the best of several repetitions of the whole sweep (every level,
// every thread count), so a burst of load from another process spoils one sample or
// one sweep's cell, not the figure. In-cache samples are short (16 MiB of traffic),
// like the candidates' own, so preemption on a busy machine hits both alike. The cache sizes come
// from the driver (the worker cannot read /sys).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "evaluators/cache_topology.hpp"

namespace evojit {

class CpuJit;

// Triad bandwidth with a working set sized for one level of the memory hierarchy.
// The working set sits at the level's small end (twice what the level below holds
// for that many threads, at most half the level), because a ceiling must bound every
// footprint the level serves: the smaller the data, the faster the level delivers it.
struct BandwidthLevel {
  std::string name;                           // "L1", "L2", "L3", "DRAM"
  double working_set_bytes = 0.0;             // with one thread
  std::vector<double> bandwidth_bytes_per_s;  // per thread count
  double capacity_bytes = 0.0;                // all instances of the cache together; 0 for DRAM
  std::vector<double> working_sets_bytes;     // per thread count
};

struct RooflineProbeResult {
  std::vector<int> threads;                   // 1..max_threads
  std::vector<double> bandwidth_bytes_per_s;  // DRAM, per thread count
  std::vector<double> flops_per_s;            // per thread count
  std::vector<BandwidthLevel> levels;         // smallest working set first; DRAM last
};

struct ProbeOptions {
  int max_threads = 1;
  std::int64_t stream_elements = 0;  // floats per array (three arrays) for DRAM
  std::vector<CacheLevel> caches;    // the levels to probe in cache (from the driver)
  int repetitions = 3;               // sweeps; each figure keeps its best
  double max_seconds = 0.5;          // timing cap of one figure in one sweep
};

RooflineProbeResult probe_roofline(CpuJit& jit, const ProbeOptions& options);

}  // namespace evojit
