// Genome: what a candidate is, held by value whatever its type. Today the only
// genome type is a point of a ParameterSpace (SpacePoint: a Config with its space);
// this is the seam a program genome (a kernel's source tree, an expression) plugs
// into, bringing its canonical text and structural hash. The evolve loop's
// duplicate cache keys on Genome::structural_hash (search/evolve.cpp); the journal
// and the persistent cache still call the space directly, with the same text and
// hash, so moving them onto Genome changes no file format. Strategies keep trading
// in Config, their currency: rewriting them around Genome buys nothing until a
// second genome type exists.
//
// A genome type is any std::regular type G with, found by argument-dependent lookup,
//   std::string canonical(const G&)              // equal for equal genomes
//   void to_json(nlohmann::json&, const G&)       // its record form
// and optionally `std::uint64_t structural_hash(const G&)` (default: the hash of
// the canonical text).
#pragma once

#include <concepts>
#include <cstdint>
#include <memory>
#include <string>
#include <typeinfo>

#include <nlohmann/json.hpp>

#include "genomes/parameter_space.hpp"
#include "support/hash.hpp"

namespace evojit {

template <class G>
concept GenomeType = std::regular<G> && requires(const G& g, nlohmann::json& j) {
  { canonical(g) } -> std::convertible_to<std::string>;
  to_json(j, g);
};

namespace genome_detail {
// Outside any class, so that Genome's members of the same names do not hide the
// genome type's free functions from the unqualified (argument-dependent) calls.
template <class G>
std::string canonical_of(const G& g) {
  return canonical(g);
}
template <class G>
std::uint64_t hash_of(const G& g) {
  if constexpr (requires {
                  { structural_hash(g) } -> std::convertible_to<std::uint64_t>;
                })
    return structural_hash(g);
  else
    return hash_text(canonical(g));
}
template <class G>
nlohmann::json json_of(const G& g) {
  nlohmann::json j;
  to_json(j, g);
  return j;
}
}  // namespace genome_detail

class Genome {
 public:
  template <GenomeType G>
  requires(!std::same_as<G, Genome>) Genome(G g)
      : impl_(std::make_shared<Model<G>>(std::move(g))) {}  // NOLINT: implicit

  std::string canonical() const { return impl_->canonical(); }
  std::uint64_t structural_hash() const { return impl_->structural_hash(); }
  nlohmann::json to_json() const { return impl_->to_json(); }
  // The genome as its own type, or nullptr when it is of another.
  template <class G>
  const G* as() const {
    const auto* m = dynamic_cast<const Model<G>*>(impl_.get());
    return m ? &m->g : nullptr;
  }
  // Same type and equal values.
  friend bool operator==(const Genome& a, const Genome& b) { return a.impl_->equals(*b.impl_); }

 private:
  struct Concept {
    virtual ~Concept() = default;
    virtual std::string canonical() const = 0;
    virtual std::uint64_t structural_hash() const = 0;
    virtual nlohmann::json to_json() const = 0;
    virtual bool equals(const Concept& other) const = 0;
  };
  template <class G>
  struct Model final : Concept {
    explicit Model(G g) : g(std::move(g)) {}
    std::string canonical() const override { return genome_detail::canonical_of(g); }
    std::uint64_t structural_hash() const override { return genome_detail::hash_of(g); }
    nlohmann::json to_json() const override { return genome_detail::json_of(g); }
    bool equals(const Concept& other) const override {
      const auto* o = dynamic_cast<const Model<G>*>(&other);
      return o && o->g == g;
    }
    G g;
  };
  std::shared_ptr<const Concept> impl_;
};

// The parameter-space genome: a configuration with the space it lives in (which
// must outlive it). Its canonical text and hash are the space's own, so keys made
// through a Genome equal those journals and caches already hold.
struct SpacePoint {
  const ParameterSpace* space = nullptr;
  Config config;
  friend bool operator==(const SpacePoint&, const SpacePoint&) = default;
};
std::string canonical(const SpacePoint& p);
std::uint64_t structural_hash(const SpacePoint& p);
// {"canonical": "...", "index": [...]}: readable and exact.
void to_json(nlohmann::json& j, const SpacePoint& p);

inline Genome config_genome(const ParameterSpace& space, Config config) {
  return SpacePoint{&space, std::move(config)};
}

}  // namespace evojit
