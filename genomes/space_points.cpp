// ParameterSpace restricted to an explicit list of points (see parameter_space.hpp).
#include "genomes/space_points.hpp"

#include "support/error.hpp"

namespace evojit {

ParameterSpace ParameterSpace::with_points(const std::vector<Config>& points) const {
  auto list = std::make_shared<PointList>();
  for (const Config& c : points) {
    if (c.index.size() != size()) {
      throw_input_error("a listed point has " + std::to_string(c.index.size()) +
                            " values for a space of " + std::to_string(size()) + " parameters",
                        "parameter space");
    }
    if (is_valid(c) && list->members.insert(c).second) list->points.push_back(c);
  }
  ParameterSpace out = *this;
  out.listed_ = std::move(list);
  return out;
}

const std::vector<Config>* ParameterSpace::listed_points() const {
  return listed_ ? &listed_->points : nullptr;
}

bool ParameterSpace::is_listed(const Config& c) const {
  return !listed_ || listed_->members.count(c) > 0;
}

}  // namespace evojit
