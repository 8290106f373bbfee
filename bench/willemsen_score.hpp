// The performance score of Willemsen et al., "A methodology for comparing
// optimization algorithms for auto-tuning" (FGCS 2024), on evaluation counts instead
// of tuning time: a strategy's best-so-far curve is standardised between what random
// search is expected to have found after the same number of distinct evaluations (0)
// and the optimum of the space (1), and averaged over the budget in which random
// search is expected to get 95% of the way from the median to the optimum.
//
// Failed configurations are draws that give no time, for random search and for the
// strategies alike: a failure counts as +inf, and a best-so-far that is still +inf
// (nothing ran yet) is capped at the worst time that ran, so every curve is finite.
// The random expectation is over every valid point, failures included.
#pragma once

#include <cstddef>
#include <optional>
#include <vector>

namespace evojit::bench {

// One valid point of a space: its recorded time, or nullopt when it failed.
using PointTime = std::optional<double>;

class WillemsenBaseline {
 public:
  // Throws std::invalid_argument when no point ran (nothing to standardise against).
  explicit WillemsenBaseline(const std::vector<PointTime>& points, double cutoff = 0.95);

  std::size_t points() const { return points_; }
  std::size_t ok_points() const { return sorted_.size(); }
  double optimum() const { return sorted_.front(); }
  double worst() const { return sorted_.back(); }
  double median() const { return median_; }
  // The budget: the fewest distinct draws after which random search is expected to
  // be `cutoff` of the way from the median to the optimum.
  std::size_t budget() const { return curve_.size(); }
  // Expected best of uniform random search without replacement after t >= 1
  // distinct draws (failures +inf, capped at worst()); exact.
  double expected_best(std::size_t t) const;

  // The score of one run: its best-so-far after each distinct evaluation
  // (best_so_far[t-1] after t evaluations; +inf before the first success). A curve
  // shorter than budget() is extended with its last value (a strategy that
  // stopped early keeps what it found), a longer one is cut.
  double score(const std::vector<double>& best_so_far) const;

 private:
  double compute_expected_best(std::size_t t) const;

  std::size_t points_ = 0;
  std::vector<double> sorted_;  // times of the points that ran, ascending
  double median_ = 0.0;
  std::vector<double> curve_;  // expected_best(t) for t = 1..budget()
};

struct MeanAndError {
  double mean = 0.0;
  double standard_error = 0.0;  // of the mean; 0 for fewer than two samples
};
MeanAndError mean_and_error(const std::vector<double>& samples);

}  // namespace evojit::bench
