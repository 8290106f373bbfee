// A nearest-neighbour surrogate: how good an unevaluated point is likely to be,
// judged from the evaluated points nearest to it. The bandit search uses it to pick,
// among a few children one method made, the one worth its evaluation (a cheap
// screen: a child predicted poor costs nothing until it is evaluated).
//
// Distance: every parameter's value list scaled to [0, 1] (far apart in value order
// counts more than one step), summed over the parameters. Quality: the rank of a
// point among everything evaluated (1 = the best so far, 0 = the worst or failed),
// so the prediction does not depend on how the fitness is scaled. Prediction: the
// inverse-square-distance weighted mean quality of the `neighbours` nearest points.
// Everything follows from the points added: nothing to checkpoint beyond them.
#pragma once

#include <cstddef>
#include <vector>

#include "genomes/parameter_space.hpp"

namespace evojit {

class KnnSurrogate {
 public:
  KnnSurrogate(const ParameterSpace& space, std::size_t neighbours);

  // An evaluated point; `ok` false: failed (it predicts failure around it).
  void add(const Config& config, bool ok, double fitness);
  void clear();
  std::size_t size() const { return fitness_.size(); }

  // Predicted quality in [0, 1]; 0.5 (no evidence) while nothing was added.
  double predict(const Config& config) const;

 private:
  std::vector<float> coordinates(const Config& config) const;
  double quality(std::size_t point) const;

  std::size_t dimensions_ = 0;
  std::size_t neighbours_;
  std::vector<std::vector<double>> scale_;  // [parameter][value]: its position in [0, 1]
  std::vector<float> points_;               // size() * dimensions_
  std::vector<double> fitness_;             // -inf when failed
  std::vector<double> sorted_;              // fitness of the ok points, ascending
};

}  // namespace evojit
