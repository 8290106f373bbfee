#include "support/functional_hash.hpp"

#include <bit>
#include <cmath>
#include <string>

#include "support/error.hpp"
#include "support/hash.hpp"

namespace evojit {
namespace {

constexpr std::uint64_t kCanonicalNan = 0x7ff8'0000'0000'0000ULL;
// Announces an exact word. A NaN bit pattern that no value word takes (every NaN
// value becomes kCanonicalNan), so a sequence of words reads back one way only.
constexpr std::uint64_t kExactTag = 0x7ff4'5845'4143'5400ULL;
constexpr int kDoubleMantissaBits = 52;

void require_precision(int mantissa_bits) {
  if (mantissa_bits < 1 || mantissa_bits > kMaxFunctionalMantissaBits) {
    throw_input_error("functional hash precision of " + std::to_string(mantissa_bits) +
                          " mantissa bits is out of range",
                      "functional hash",
                      "use 1 to " + std::to_string(kMaxFunctionalMantissaBits) + " bits (default " +
                          std::to_string(kDefaultFunctionalMantissaBits) + ")");
  }
}

std::uint64_t word_unchecked(double value, int mantissa_bits) {
  if (std::isnan(value)) return kCanonicalNan;
  if (value == 0.0) return 0;  // -0.0 is +0.0 (see the header)
  const auto bits = std::bit_cast<std::uint64_t>(value);
  const int dropped = kDoubleMantissaBits - mantissa_bits;
  return dropped == 0 ? bits : bits & ~((std::uint64_t{1} << dropped) - 1);
}

}  // namespace

int mantissa_bits_for_tolerance(double relative_tolerance) {
  if (!(relative_tolerance > 0.0) || !std::isfinite(relative_tolerance)) {
    return kMaxFunctionalMantissaBits;
  }
  const int bits = static_cast<int>(std::ceil(-std::log2(relative_tolerance))) + 3;
  return bits < 1 ? 1 : (bits > kMaxFunctionalMantissaBits ? kMaxFunctionalMantissaBits : bits);
}

std::uint64_t functional_word(double value, int mantissa_bits) {
  require_precision(mantissa_bits);
  return word_unchecked(value, mantissa_bits);
}

FunctionalFingerprint::FunctionalFingerprint(int mantissa_bits) : mantissa_bits_(mantissa_bits) {
  require_precision(mantissa_bits);
}

void FunctionalFingerprint::add(double value) {
  words_.push_back(word_unchecked(value, mantissa_bits_));
}

void FunctionalFingerprint::add(std::span<const float> values) {
  words_.reserve(words_.size() + values.size());
  for (float v : values) words_.push_back(word_unchecked(v, mantissa_bits_));
}

void FunctionalFingerprint::add(std::span<const double> values) {
  words_.reserve(words_.size() + values.size());
  for (double v : values) words_.push_back(word_unchecked(v, mantissa_bits_));
}

void FunctionalFingerprint::add_exact(std::uint64_t word) {
  words_.push_back(kExactTag);
  words_.push_back(word);
}

std::uint64_t FunctionalFingerprint::digest() const {
  // Little-endian bytes on every machine, so that a fingerprint in a persistent
  // cache means the same wherever it is read.
  std::vector<unsigned char> bytes;
  bytes.reserve(words_.size() * 8);
  for (std::uint64_t w : words_) {
    for (int i = 0; i < 8; ++i) bytes.push_back(static_cast<unsigned char>(w >> (8 * i)));
  }
  return hash_bytes(bytes.data(), bytes.size(), static_cast<std::uint64_t>(mantissa_bits_));
}

std::uint64_t functional_hash(std::span<const float> values, int mantissa_bits) {
  FunctionalFingerprint f(mantissa_bits);
  f.add(values);
  return f.digest();
}

std::uint64_t functional_hash(std::span<const double> values, int mantissa_bits) {
  FunctionalFingerprint f(mantissa_bits);
  f.add(values);
  return f.digest();
}

}  // namespace evojit
