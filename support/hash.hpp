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
// A 128-bit tag of (counter, text) under a secret of at least kTagSecretMinBytes bytes
// (keyed XXH3-128), as 32 hex digits. Not a cryptographic MAC: it stops whoever does
// not hold the secret from producing a valid tag, which is all its one use needs
// (evaluators/worker/worker_reply_auth.hpp says why and where that ends).
inline constexpr std::size_t kTagSecretMinBytes = 136;
std::string keyed_tag_hex(std::span<const unsigned char> secret, std::uint64_t counter,
                          std::string_view text);
// 16 lowercase hex digits, the form hashes take in journals and file names.
std::string hash_hex(std::uint64_t h);

}  // namespace evojit
