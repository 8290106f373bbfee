#include "support/rng.hpp"

#include <sstream>

#include "support/error.hpp"

namespace evojit {

std::uint64_t Rng::below(std::uint64_t n) {
  return std::uniform_int_distribution<std::uint64_t>(0, n - 1)(engine_);
}

std::int64_t Rng::between(std::int64_t lo, std::int64_t hi) {
  return std::uniform_int_distribution<std::int64_t>(lo, hi)(engine_);
}

double Rng::uniform() { return std::uniform_real_distribution<double>(0.0, 1.0)(engine_); }

double Rng::normal(double mean, double stddev) {
  return std::normal_distribution<double>(mean, stddev)(engine_);
}

Rng Rng::spawn() {
  // Seed the child through a SplitMix64 step of two draws so that children of
  // consecutive spawns are decorrelated from the parent stream.
  std::uint64_t z = engine_() ^ (engine_() << 1);
  z += 0x9e3779b97f4a7c15ULL;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return Rng(z ^ (z >> 31));
}

std::string Rng::save() const {
  std::ostringstream out;
  out << engine_;
  return out.str();
}

void Rng::restore(const std::string& state) {
  std::istringstream in(state);
  in >> engine_;
  if (!in) throw_input_error("corrupt random generator state", "checkpoint");
}

}  // namespace evojit
