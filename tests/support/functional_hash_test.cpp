// The functional fingerprint: different functions never share one at the chosen
// precision, values equal up to the truncation do, and the special values (signed
// zeros, NaN, infinities) hash as documented.
#include "support/functional_hash.hpp"

#include <bit>
#include <cmath>
#include <limits>
#include <unordered_set>
#include <vector>

#include <gtest/gtest.h>

#include "support/error.hpp"
#include "support/rng.hpp"

namespace evojit {
namespace {

// The probe input: a few fixed values, as a backend's probe would use.
std::vector<float> probe_input() {
  Rng rng(42);
  std::vector<float> x(16);
  for (float& v : x) v = static_cast<float>(rng.uniform() * 4.0 - 2.0);
  return x;
}

std::uint64_t affine_fingerprint(const std::vector<float>& x, float a, float b) {
  std::vector<float> y(x.size());
  for (std::size_t i = 0; i < x.size(); ++i) y[i] = a * x[i] + b;
  return functional_hash(y);
}

TEST(FunctionalHash, ManyRandomAffineMapsNeverCollide) {
  const std::vector<float> x = probe_input();
  Rng rng(7);
  std::unordered_set<std::uint64_t> seen;
  constexpr int kMaps = 20000;
  for (int i = 0; i < kMaps; ++i) {
    const auto a = static_cast<float>(rng.uniform() * 20.0 - 10.0);
    const auto b = static_cast<float>(rng.uniform() * 20.0 - 10.0);
    seen.insert(affine_fingerprint(x, a, b));
  }
  EXPECT_EQ(seen.size(), static_cast<std::size_t>(kMaps));
}

TEST(FunctionalHash, NearbyFunctionsBeyondOneCellNeverCollide) {
  // Slopes 2^-17 apart (eight cells at the default 20 bits): every output of two
  // neighbours differs by more than a cell, so their fingerprints must differ.
  const std::vector<float> x = probe_input();
  std::unordered_set<std::uint64_t> seen;
  constexpr int kMaps = 2000;
  for (int k = 0; k < kMaps; ++k) {
    const auto a = static_cast<float>(1.5 * (1.0 + k * std::ldexp(1.0, -17)));
    seen.insert(affine_fingerprint(x, a, 0.0f));
  }
  EXPECT_EQ(seen.size(), static_cast<std::size_t>(kMaps));
}

TEST(FunctionalHash, ValuesEqualUpToTheTruncationShareAHash) {
  Rng rng(3);
  constexpr int kBits = kDefaultFunctionalMantissaBits;
  constexpr std::uint64_t kDroppedMask = (std::uint64_t{1} << (52 - kBits)) - 1;
  for (int i = 0; i < 1000; ++i) {
    std::vector<double> a(8), b(8);
    for (std::size_t j = 0; j < a.size(); ++j) {
      a[j] = rng.normal(0.0, 100.0);
      // Any change below the kept bits: the same cell.
      const auto bits = std::bit_cast<std::uint64_t>(a[j]);
      b[j] = std::bit_cast<double>((bits & ~kDroppedMask) | (rng() & kDroppedMask));
    }
    EXPECT_EQ(functional_hash(a), functional_hash(b));
    // The lowest kept bit is part of the function.
    b[3] = std::bit_cast<double>(std::bit_cast<std::uint64_t>(a[3]) ^ (kDroppedMask + 1));
    EXPECT_NE(functional_hash(a), functional_hash(b));
  }
}

TEST(FunctionalHash, HashesValuesNotTypes) {
  const std::vector<float> f = {1.5f, -0.25f, 3.0e-3f};
  const std::vector<double> d(f.begin(), f.end());
  EXPECT_EQ(functional_hash(f), functional_hash(d));
}

TEST(FunctionalHash, PrecisionDecidesWhatIsTheSameFunction) {
  const std::vector<double> a = {1.0, 2.0};
  const std::vector<double> b = {1.0 + std::ldexp(1.0, -12), 2.0};
  EXPECT_EQ(functional_hash(a, 10), functional_hash(b, 10));
  EXPECT_NE(functional_hash(a, 20), functional_hash(b, 20));
  // The precision is part of the digest even when the words agree.
  EXPECT_NE(functional_hash(a, 10), functional_hash(a, 20));
}

TEST(FunctionalHash, SignedZerosAreOneValue) {
  EXPECT_EQ(functional_word(-0.0), functional_word(0.0));
  EXPECT_EQ(functional_hash(std::vector<float>{-0.0f, 1.0f}),
            functional_hash(std::vector<float>{0.0f, 1.0f}));
  // The smallest subnormal is not zero.
  EXPECT_NE(functional_word(std::numeric_limits<double>::denorm_min(), 52),
            functional_word(0.0, 52));
}

TEST(FunctionalHash, NanAndInfinitiesAreCanonical) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const double inf = std::numeric_limits<double>::infinity();
  const double payload_nan = std::bit_cast<double>(0xfff0'0000'0000'1234ULL);  // negative, payload
  ASSERT_TRUE(std::isnan(payload_nan));
  EXPECT_EQ(functional_word(nan), functional_word(-nan));
  EXPECT_EQ(functional_word(nan), functional_word(payload_nan));
  EXPECT_EQ(functional_word(std::numeric_limits<float>::quiet_NaN()), functional_word(nan));
  EXPECT_EQ(functional_word(static_cast<float>(inf)), functional_word(inf));
  EXPECT_NE(functional_word(inf), functional_word(-inf));
  EXPECT_NE(functional_word(inf), functional_word(nan));
  EXPECT_NE(functional_word(std::numeric_limits<double>::max()), functional_word(inf));
}

TEST(FunctionalHash, OrderLengthAndSeparatorsArePartOfTheFingerprint) {
  EXPECT_NE(functional_hash(std::vector<double>{1.0, 2.0}),
            functional_hash(std::vector<double>{2.0, 1.0}));
  EXPECT_NE(functional_hash(std::vector<double>{1.0, 2.0}),
            functional_hash(std::vector<double>{1.0, 2.0, 0.0}));
  FunctionalFingerprint ab_c, a_bc;
  ab_c.add(std::vector<double>{1.0, 2.0});
  ab_c.add_exact(0);
  ab_c.add(std::vector<double>{3.0});
  a_bc.add(std::vector<double>{1.0});
  a_bc.add_exact(0);
  a_bc.add(std::vector<double>{2.0, 3.0});
  EXPECT_NE(ab_c.digest(), a_bc.digest());
  // An exact word never reads as a value.
  FunctionalFingerprint exact, value;
  exact.add_exact(0);
  value.add(0.0);
  value.add(0.0);
  EXPECT_NE(exact.digest(), value.digest());
}

TEST(FunctionalHash, PrecisionOutOfRangeIsAnInputError) {
  EXPECT_THROW(FunctionalFingerprint(0), InputError);
  EXPECT_THROW(FunctionalFingerprint(53), InputError);
  EXPECT_THROW(functional_word(1.0, -1), InputError);
  EXPECT_NO_THROW(FunctionalFingerprint(52));
}

TEST(FunctionalHash, PrecisionForATolerance) {
  EXPECT_EQ(mantissa_bits_for_tolerance(1e-5), 20);
  EXPECT_EQ(mantissa_bits_for_tolerance(1e-6), 23);
  EXPECT_EQ(mantissa_bits_for_tolerance(0.5), 4);
  EXPECT_EQ(mantissa_bits_for_tolerance(0.0), kMaxFunctionalMantissaBits);
  EXPECT_EQ(mantissa_bits_for_tolerance(1e-300), kMaxFunctionalMantissaBits);
  EXPECT_EQ(mantissa_bits_for_tolerance(std::numeric_limits<double>::quiet_NaN()),
            kMaxFunctionalMantissaBits);
}

}  // namespace
}  // namespace evojit
