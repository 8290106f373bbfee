// The functional fingerprint of a candidate: a hash of its outputs on a small fixed
// probe input, coarse enough that values equal up to the last few bits share it and
// fine enough that different functions do not (Unified Functional Hashing, Gillard et
// al. 2023; AutoML-Zero's functional-equivalence cache).
//
// Each value is hashed by its value, not its type: a float and the double equal to
// it give the same word. The word keeps the sign, the whole exponent and the top
// `mantissa_bits` bits of the (double) mantissa; the rest is cut off (truncation, as
// UFH does: two values share a word exactly when they agree on sign, exponent and
// those bits, so a word is a cell of relative width 2^-mantissa_bits).
//   - Every NaN (any payload, either sign) is one word; +inf and -inf are two more.
//   - -0.0 and +0.0 are one word: every tolerance check of the tasks (relative or
//     absolute error) treats them as equal, so a fingerprint that told them apart
//     would only lose hits (a kernel computing 0 * -x instead of 0 * x) and never
//     avoid a false one.
//   - Subnormals are values like any other (their mantissa field is cut the same
//     way): a kernel that flushes them to zero computes another function.
//
// What truncation cannot do: make "equal within rounding" certain to share a hash.
// Two values a few ulps apart straddle a cell boundary with probability about
// (their distance) / (cell width), and a probe has many outputs, so kernels that
// reassociate a sum mostly miss. The precision is therefore chosen for no false
// reuse first: see kDefaultFunctionalMantissaBits.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

namespace evojit {

// 20 bits: cells of relative width 2^-20 (about 1e-6), ten times finer than the
// loosest tolerance of the tasks (heat2d, sgemm: 1e-5). A fingerprint licenses
// reusing a correctness verdict, and two candidates in the same cells differ by
// less than a cell on every output, so a correct and a wrong candidate can share one
// only when the wrong one misses the tolerance by less than a tenth of it. Coarser
// (UFH's program search can afford 10 bits or fewer) would trade that margin for
// hits. A task with a known tolerance should use mantissa_bits_for_tolerance().
inline constexpr int kDefaultFunctionalMantissaBits = 20;
inline constexpr int kMaxFunctionalMantissaBits = 52;  // a double's whole mantissa

// The precision whose cells are at most 1/8 of a relative tolerance (3 bits finer
// than the tolerance), within [1, kMaxFunctionalMantissaBits]: 1e-5 -> 20, 1e-6 -> 23.
// A tolerance that is not positive and finite asks for full precision.
int mantissa_bits_for_tolerance(double relative_tolerance);

// The canonical 64-bit word of one value at a precision (see above). Throws
// InputError unless 1 <= mantissa_bits <= kMaxFunctionalMantissaBits.
std::uint64_t functional_word(double value, int mantissa_bits = kDefaultFunctionalMantissaBits);

// Accumulates the outputs of a probe, in order, and digests them with xxHash. The
// precision and the number of values are part of the digest: the same outputs at
// two precisions, or a prefix of them, never share a fingerprint.
class FunctionalFingerprint {
 public:
  // Throws InputError unless 1 <= mantissa_bits <= kMaxFunctionalMantissaBits.
  explicit FunctionalFingerprint(int mantissa_bits = kDefaultFunctionalMantissaBits);

  void add(double value);
  void add(std::span<const float> values);
  void add(std::span<const double> values);
  // An exact word (an integer output, or a separator between two output arrays so
  // that [a, b][c] and [a][b, c] differ).
  void add_exact(std::uint64_t word);

  std::uint64_t digest() const;
  int mantissa_bits() const { return mantissa_bits_; }
  std::size_t size() const { return words_.size(); }

 private:
  int mantissa_bits_;
  std::vector<std::uint64_t> words_;
};

std::uint64_t functional_hash(std::span<const float> values,
                              int mantissa_bits = kDefaultFunctionalMantissaBits);
std::uint64_t functional_hash(std::span<const double> values,
                              int mantissa_bits = kDefaultFunctionalMantissaBits);

}  // namespace evojit
