// What a cache did, for `evojit cache stats`, the run summary and the tests.
#pragma once

#include <cstdint>

namespace evojit {

struct CacheStats {
  std::uint64_t entries = 0;    // keys that answer or are gathering measurements
  std::uint64_t hits = 0;       // lookups answered
  std::uint64_t misses = 0;     // lookups not answered (forgotten ones included)
  std::uint64_t forgotten = 0;  // hits a forgetful cache turned into misses
};

}  // namespace evojit
