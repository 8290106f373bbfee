// Content hashes (xxHash 64) used for cache keys, structural and functional hashes.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace evojit {

std::uint64_t hash_bytes(const void* data, std::size_t size, std::uint64_t seed = 0);
inline std::uint64_t hash_text(std::string_view text, std::uint64_t seed = 0) {
  return hash_bytes(text.data(), text.size(), seed);
}
// Order-dependent combination of two hashes.
std::uint64_t hash_combine(std::uint64_t a, std::uint64_t b);
// 16 lowercase hex digits, the form hashes take in journals and file names.
std::string hash_hex(std::uint64_t h);

}  // namespace evojit
