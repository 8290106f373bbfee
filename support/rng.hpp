// The one random generator of evojit. It is passed explicitly (never global), its
// state can be saved and restored (checkpoints), and spawn() gives independent child
// generators so that parallel work stays reproducible from one seed.
#pragma once

#include <cstdint>
#include <random>
#include <string>

namespace evojit {

class Rng {
 public:
  using result_type = std::uint64_t;

  explicit Rng(std::uint64_t seed = 0x5eed) : engine_(seed) {}

  static constexpr result_type min() { return std::mt19937_64::min(); }
  static constexpr result_type max() { return std::mt19937_64::max(); }
  result_type operator()() { return engine_(); }

  // Uniform integer in [0, n). n must be positive.
  std::uint64_t below(std::uint64_t n);
  // Uniform integer in [lo, hi].
  std::int64_t between(std::int64_t lo, std::int64_t hi);
  // Uniform real in [0, 1).
  double uniform();
  double normal(double mean = 0.0, double stddev = 1.0);
  bool chance(double p) { return uniform() < p; }

  // A child generator whose stream does not overlap this one in practice.
  Rng spawn();

  // The full engine state as text, and back (for checkpoints).
  std::string save() const;
  void restore(const std::string& state);

 private:
  std::mt19937_64 engine_;
};

}  // namespace evojit
