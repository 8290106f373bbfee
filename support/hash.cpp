#include "support/hash.hpp"

#include <cstdio>

#include <xxhash.h>

namespace evojit {

std::uint64_t hash_bytes(const void* data, std::size_t size, std::uint64_t seed) {
  return XXH3_64bits_withSeed(data, size, seed);
}

std::uint64_t hash_combine(std::uint64_t a, std::uint64_t b) {
  const std::uint64_t both[2] = {a, b};
  return XXH3_64bits(both, sizeof both);
}

std::string keyed_tag_hex(std::span<const unsigned char> secret, std::uint64_t counter,
                          std::string_view text) {
  std::string tag;
  if (secret.size() < kTagSecretMinBytes) return tag;
  XXH3_state_t* state = XXH3_createState();
  if (!state) return tag;
  XXH3_128bits_reset_withSecret(state, secret.data(), secret.size());
  unsigned char counter_bytes[8];
  for (int i = 0; i < 8; ++i) counter_bytes[i] = static_cast<unsigned char>(counter >> (8 * i));
  XXH3_128bits_update(state, counter_bytes, sizeof counter_bytes);
  XXH3_128bits_update(state, text.data(), text.size());
  const XXH128_hash_t h = XXH3_128bits_digest(state);
  XXH3_freeState(state);
  return hash_hex(h.high64) + hash_hex(h.low64);
}

std::string hash_hex(std::uint64_t h) {
  char text[17];
  std::snprintf(text, sizeof text, "%016llx", static_cast<unsigned long long>(h));
  return text;
}

}  // namespace evojit
