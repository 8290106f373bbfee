#include "genomes/genome.hpp"

namespace evojit {

std::string canonical(const SpacePoint& p) { return p.space->canonical(p.config); }

std::uint64_t structural_hash(const SpacePoint& p) { return p.space->structural_hash(p.config); }

void to_json(nlohmann::json& j, const SpacePoint& p) {
  j = {{"canonical", canonical(p)}, {"index", p.config.index}};
}

}  // namespace evojit
