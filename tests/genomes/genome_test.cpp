// Genome: the parameter-space genome keys as the space does, and any regular type
// with a canonical text is a genome too.
#include "genomes/genome.hpp"

#include <gtest/gtest.h>

namespace evojit {
namespace {

ParameterSpace two_parameters() {
  return ParameterSpace({Parameter::integer_range("b", 0, 3), Parameter::integer_range("a", 0, 3)},
                        {});
}

TEST(Genome, ASpacePointKeysAsItsSpaceDoes) {
  const ParameterSpace space = two_parameters();
  const Config c{{1, 3}};
  const Genome g = config_genome(space, c);
  EXPECT_EQ(g.canonical(), space.canonical(c));
  EXPECT_EQ(g.canonical(), "a=3,b=1");
  EXPECT_EQ(g.structural_hash(), space.structural_hash(c));
  EXPECT_EQ(g.to_json(), (nlohmann::json{{"canonical", "a=3,b=1"}, {"index", {1, 3}}}));
  ASSERT_NE(g.as<SpacePoint>(), nullptr);
  EXPECT_EQ(g.as<SpacePoint>()->config, c);
  EXPECT_EQ(g, config_genome(space, c));
  EXPECT_FALSE(g == config_genome(space, Config{{3, 1}}));
}

// A second genome type, as a program genome would be: only a canonical text and a
// record form; its hash is the hash of the text.
struct Program {
  std::string source;
  friend bool operator==(const Program&, const Program&) = default;
};
std::string canonical(const Program& p) { return p.source; }
void to_json(nlohmann::json& j, const Program& p) { j = {{"source", p.source}}; }

TEST(Genome, AnyRegularTypeWithACanonicalTextIsAGenome) {
  const Genome p = Program{"x * 2"};
  EXPECT_EQ(p.canonical(), "x * 2");
  EXPECT_EQ(p.structural_hash(), hash_text("x * 2"));
  EXPECT_EQ(p.to_json(), (nlohmann::json{{"source", "x * 2"}}));
  EXPECT_EQ(p.as<SpacePoint>(), nullptr);
  ASSERT_NE(p.as<Program>(), nullptr);
  EXPECT_EQ(p.as<Program>()->source, "x * 2");
  // Genomes of different types are never equal, even with the same canonical text.
  const ParameterSpace space({Parameter::integer_range("x", 0, 1)}, {});
  const Genome q = config_genome(space, Config{{0}});
  EXPECT_FALSE(p == q);
  EXPECT_EQ(Genome(Program{"x * 2"}), p);
  // Copies share the value and compare equal.
  const Genome copy = p;
  EXPECT_EQ(copy, p);
}

static_assert(GenomeType<Program>);
static_assert(GenomeType<SpacePoint>);
static_assert(!GenomeType<int>);

}  // namespace
}  // namespace evojit
