#include "search/level_switch.hpp"

#include <cmath>
#include <variant>

#include "support/error.hpp"

namespace evojit {
namespace {

std::optional<double> numeric(const Value& v) {
  if (const auto* i = std::get_if<std::int64_t>(&v)) return static_cast<double>(*i);
  if (const auto* d = std::get_if<double>(&v)) return *d;
  return std::nullopt;
}

bool same(double a, double b) { return std::abs(a - b) <= 1e-9 * std::max(1.0, std::abs(a)); }

}  // namespace

LevelSwitch::LevelSwitch(const ParameterSpace& space, const std::vector<std::string>& names,
                         const std::string& where)
    : space_(&space) {
  for (const std::string& name : names) {
    const std::optional<std::size_t> i = space.find(name);
    if (!i) throw_input_error("unknown parameter '" + name + "'", where);
    for (const Value& v : space.parameters()[*i].values) {
      if (!numeric(v)) throw_input_error("parameter '" + name + "' is not numeric", where);
    }
    parameters_.push_back(*i);
  }
  if (parameters_.size() < 2) {
    throw_input_error("a level switch needs at least two parameters", where,
                      "name the parameters whose sum is fixed");
  }
}

double LevelSwitch::sum(const Config& c) const {
  double total = 0.0;
  for (std::size_t p : parameters_) total += *numeric(space_->value(c, p));
  return total;
}

Config LevelSwitch::mutate(Rng& rng, const Config& parent, std::size_t moves) const {
  Config current = parent;
  for (std::size_t m = 0; m < moves; ++m) {
    // Every (up, down) pair: parameter i one step along its list, parameter j to the
    // value that restores the sum. The lists are small, so all moves are listed.
    std::vector<Config> candidates;
    for (std::size_t i : parameters_) {
      const auto& vi = space_->parameters()[i].values;
      for (int dir : {-1, 1}) {
        const std::int64_t ni = static_cast<std::int64_t>(current.index[i]) + dir;
        if (ni < 0 || ni >= static_cast<std::int64_t>(vi.size())) continue;
        const double delta = *numeric(vi[ni]) - *numeric(vi[current.index[i]]);
        for (std::size_t j : parameters_) {
          if (j == i) continue;
          const auto& vj = space_->parameters()[j].values;
          const double target = *numeric(vj[current.index[j]]) - delta;
          for (std::size_t k = 0; k < vj.size(); ++k) {
            if (!same(*numeric(vj[k]), target)) continue;
            Config c = current;
            c.index[i] = static_cast<std::uint32_t>(ni);
            c.index[j] = static_cast<std::uint32_t>(k);
            if (space_->is_valid(c)) candidates.push_back(std::move(c));
            break;
          }
        }
      }
    }
    if (candidates.empty()) break;
    current = std::move(candidates[rng.below(candidates.size())]);
  }
  return current;
}

}  // namespace evojit
