// ParameterSpace restricted to an explicit list of points (see parameter_space.hpp).
#include "genomes/space_points.hpp"

#include "support/error.hpp"

namespace evojit {

ParameterSpace ParameterSpace::with_points(const std::vector<Config>& points) const {
  auto list = std::make_shared<PointList>();
  list->points.reserve(points.size());
  for (const Config& c : points) {
    if (c.index.size() != size()) {
      throw_input_error("a listed point has " + std::to_string(c.index.size()) +
                            " values for a space of " + std::to_string(size()) + " parameters",
                        "parameter space");
    }
    if (is_valid(c)) list->insert(c);
  }
  ParameterSpace out = *this;
  out.listed_ = std::move(list);
  return out;
}

const std::vector<Config>* ParameterSpace::listed_points() const {
  return listed_ ? &listed_->points : nullptr;
}

bool ParameterSpace::is_listed(const Config& c) const { return !listed_ || listed_->contains(c); }

std::size_t ParameterSpace::PointList::slot_of(const Config& c) const {
  const std::size_t mask = slots.size() - 1;
  for (std::size_t i = ConfigIndexHash{}(c)&mask;; i = (i + 1) & mask) {
    if (slots[i] == 0 || points[slots[i] - 1] == c) return i;
  }
}

void ParameterSpace::PointList::grow() {
  std::vector<std::uint32_t> old = std::move(slots);
  slots.assign(old.empty() ? 64 : old.size() * 2, 0);
  for (std::uint32_t s : old) {
    if (s != 0) slots[slot_of(points[s - 1])] = s;
  }
}

bool ParameterSpace::PointList::insert(const Config& c) {
  if ((points.size() + 1) * 2 > slots.size()) grow();  // at most half full
  const std::size_t i = slot_of(c);
  if (slots[i] != 0) return false;
  points.push_back(c);
  slots[i] = static_cast<std::uint32_t>(points.size());
  return true;
}

bool ParameterSpace::PointList::contains(const Config& c) const {
  return !slots.empty() && slots[slot_of(c)] != 0;
}

}  // namespace evojit
