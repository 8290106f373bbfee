#include "genomes/parameter_space.hpp"

#include <fstream>
#include <set>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace evojit {
namespace {

std::vector<Value> ints(std::initializer_list<std::int64_t> v) {
  return std::vector<Value>(v.begin(), v.end());
}

ParameterSpace small_space() {
  return ParameterSpace(
      {Parameter::power_of_two("bx", 1, 64), Parameter::power_of_two("by", 1, 64),
       Parameter::boolean("unroll"), Parameter::categorical("layout", {"row", "col"})},
      {"32 <= bx * by <= 256", "not unroll or bx >= 4", "layout == 'row' or by > 1"});
}

// Reference validity straight from the expressions, independent of the space's plan.
bool valid_by_hand(const ParameterSpace& s, const Config& c) {
  std::vector<std::string> names;
  for (const auto& p : s.parameters()) names.push_back(p.name);
  for (const auto& text : s.constraint_texts()) {
    Expression e = Expression::parse(text);
    e.bind(names);
    if (!e.holds(s.values(c))) return false;
  }
  return true;
}

TEST(ParameterSpace, RejectsDuplicateNamesUnknownNamesAndBadSyntax) {
  EXPECT_THROW(ParameterSpace({Parameter::boolean("a"), Parameter::boolean("a")}, {}), InputError);
  EXPECT_THROW(ParameterSpace({Parameter::boolean("a")}, {"a and b"}), InputError);
  EXPECT_THROW(ParameterSpace({Parameter::boolean("a")}, {"a and"}), ExpressionError);
}

TEST(ParameterSpace, ValiditySizeAndBindings) {
  ParameterSpace s = small_space();
  EXPECT_EQ(s.size(), 4u);
  EXPECT_EQ(s.cartesian_size(), 7u * 7 * 2 * 2);
  Config c = s.from_bindings({{"bx", Value{std::int64_t{8}}}, {"by", Value{std::int64_t{8}}}});
  EXPECT_TRUE(s.is_valid(c));
  EXPECT_EQ(std::get<std::int64_t>(s.value(c, 0)), 8);
  c = s.from_bindings({{"bx", Value{std::int64_t{64}}}, {"by", Value{std::int64_t{8}}}});
  EXPECT_FALSE(s.is_valid(c));  // 512 > 256
  EXPECT_THROW(s.from_bindings({{"bz", Value{std::int64_t{8}}}}), InputError);
  EXPECT_THROW(s.from_bindings({{"bx", Value{std::int64_t{3}}}}), InputError);
  EXPECT_EQ(s.from_bindings({{"bx", Value{std::string("8")}}}).index[0], 3u);
  EXPECT_FALSE(s.is_valid(Config{{0, 0}}));
  EXPECT_FALSE(s.is_valid(Config{{0, 0, 0, 9}}));
}

TEST(ParameterSpace, ConstraintsRecordTheParametersTheyRead) {
  ParameterSpace s = small_space();
  EXPECT_EQ(s.constraint_parameters()[0], (std::vector<std::size_t>{0, 1}));
  EXPECT_EQ(s.constraint_parameters()[1], (std::vector<std::size_t>{0, 2}));
  EXPECT_EQ(s.constraint_parameters()[2], (std::vector<std::size_t>{1, 3}));
}

TEST(ParameterSpace, SampleMutateCrossoverStayValid) {
  ParameterSpace s = small_space();
  Rng rng(7);
  std::set<std::vector<std::uint32_t>> seen;
  for (int i = 0; i < 500; ++i) {
    auto c = s.sample(rng);
    ASSERT_TRUE(c);
    ASSERT_TRUE(s.is_valid(*c));
    ASSERT_TRUE(valid_by_hand(s, *c));
    seen.insert(c->index);
    Config m = s.mutate(rng, *c);
    EXPECT_TRUE(s.is_valid(m));
    std::size_t changed = 0;
    for (std::size_t p = 0; p < s.size(); ++p) changed += m.index[p] != c->index[p];
    EXPECT_EQ(changed, 1u);
    Config m2 = s.mutate(rng, *c, 2);
    EXPECT_TRUE(s.is_valid(m2));
    auto other = s.sample(rng);
    Config x = s.crossover(rng, *c, *other);
    EXPECT_TRUE(s.is_valid(x));
  }
  // Count the valid points by brute force: sampling must reach most of them.
  std::size_t valid = 0;
  Config c{{0, 0, 0, 0}};
  for (c.index[0] = 0; c.index[0] < 7; ++c.index[0])
    for (c.index[1] = 0; c.index[1] < 7; ++c.index[1])
      for (c.index[2] = 0; c.index[2] < 2; ++c.index[2])
        for (c.index[3] = 0; c.index[3] < 2; ++c.index[3]) valid += s.is_valid(c);
  EXPECT_EQ(valid, 82u);
  EXPECT_GE(seen.size(), valid * 9 / 10);
}

TEST(ParameterSpace, MutateReturnsParentWhenNoNeighbourIsValid) {
  ParameterSpace s({Parameter::list("a", ints({1, 2, 3}))}, {"a == 2"});
  Rng rng(1);
  Config only = s.from_bindings({{"a", Value{std::int64_t{2}}}});
  EXPECT_EQ(s.mutate(rng, only), only);
}

TEST(ParameterSpace, EmptySpaceIsDetected) {
  ParameterSpace s({Parameter::integer_range("a", 0, 50), Parameter::integer_range("b", 0, 50)},
                   {"a + b > 200"});
  EXPECT_FALSE(s.has_valid_point());
  Rng rng(3);
  EXPECT_FALSE(s.sample(rng));
  EXPECT_TRUE(small_space().has_valid_point());
}

TEST(ParameterSpace, CanonicalFormIgnoresDeclarationOrder) {
  ParameterSpace s = small_space();
  ParameterSpace r({Parameter::categorical("layout", {"row", "col"}), Parameter::boolean("unroll"),
                    Parameter::power_of_two("by", 1, 64), Parameter::power_of_two("bx", 1, 64)},
                   {"layout == 'row' or by > 1", "32 <= bx * by <= 256"});
  std::map<std::string, Value> named{{"bx", Value{std::int64_t{16}}},
                                     {"by", Value{std::int64_t{4}}},
                                     {"unroll", Value{true}},
                                     {"layout", Value{std::string("col")}}};
  Config a = s.from_bindings(named), b = r.from_bindings(named);
  EXPECT_NE(a.index, b.index);
  EXPECT_EQ(s.canonical(a), "bx=16,by=4,layout='col',unroll=True");
  EXPECT_EQ(s.canonical(a), r.canonical(b));
  EXPECT_EQ(s.structural_hash(a), r.structural_hash(b));
  EXPECT_NE(s.structural_hash(a), s.structural_hash(s.default_config()));
  EXPECT_EQ(s.parse_canonical(s.canonical(a)), a);
  EXPECT_EQ(r.parse_canonical(s.canonical(a)), b);
  EXPECT_THROW(s.parse_canonical("bx=16,bq=4"), InputError);
  EXPECT_THROW(s.parse_canonical("bx=17"), InputError);
  EXPECT_THROW(s.parse_canonical("bx"), InputError);
}

TEST(ParameterSpace, WithFixedAndWithConstraints) {
  ParameterSpace s = small_space();
  ParameterSpace f = s.with_fixed("bx", Value{std::int64_t{8}});
  Rng rng(5);
  for (int i = 0; i < 50; ++i) {
    auto c = f.sample(rng);
    ASSERT_TRUE(c);
    EXPECT_EQ(std::get<std::int64_t>(f.value(*c, 0)), 8);
  }
  EXPECT_THROW(s.with_fixed("bx", Value{std::int64_t{3}}), InputError);
  EXPECT_THROW(s.with_fixed("nope", Value{std::int64_t{8}}), InputError);
  ParameterSpace w = s.with_constraints({"by == 32"});
  for (int i = 0; i < 50; ++i) {
    auto c = w.sample(rng);
    ASSERT_TRUE(c);
    EXPECT_EQ(std::get<std::int64_t>(w.value(*c, 1)), 32);
    EXPECT_TRUE(s.is_valid(*c));
  }
  EXPECT_THROW(s.with_constraints({"bogus > 1"}), InputError);
}

TEST(ParameterSpace, SamplesAHugeSpaceWithoutEnumeratingIt) {
  std::vector<Parameter> params;
  const char* names[] = {"a", "b", "c", "d", "e", "f", "g", "h"};
  for (int i = 0; i < 8; ++i)
    params.push_back(Parameter::integer_range(names[i], 1, i % 2 ? 10 : 8));
  // ~4*10^7 Cartesian points; the last constraint is tight (a few percent survive).
  ParameterSpace s(std::move(params),
                   {"a * b <= 48", "(c + d) % 3 == 0", "e != f",
                    "a + b + c + d + e + f + g + h == 40", "g * h >= 30 or g == h"});
  ASSERT_GT(s.cartesian_size(), 10'000'000u);
  Rng rng(11);
  std::set<std::vector<std::uint32_t>> seen;
  for (int i = 0; i < 1000; ++i) {
    auto c = s.sample(rng);
    ASSERT_TRUE(c);
    ASSERT_TRUE(valid_by_hand(s, *c));
    seen.insert(c->index);
  }
  EXPECT_GT(seen.size(), 950u);
}

// ---- the T1 spaces of tests/data/spaces ----

ParameterSpace load_t1(const std::string& file) {
  std::ifstream in(std::string(EVOJIT_TEST_DATA_DIR) + "/spaces/" + file);
  EXPECT_TRUE(in) << file;
  const auto doc = nlohmann::json::parse(in);
  const auto& cs = doc.at("ConfigurationSpace");
  std::vector<Parameter> params;
  for (const auto& p : cs.at("TuningParameters")) {
    std::vector<Value> values;
    for (const auto& v : nlohmann::json::parse(p.at("Values").get<std::string>())) {
      if (v.is_boolean())
        values.emplace_back(v.get<bool>());
      else if (v.is_number_integer())
        values.emplace_back(v.get<std::int64_t>());
      else if (v.is_number())
        values.emplace_back(v.get<double>());
      else
        values.emplace_back(v.get<std::string>());
    }
    params.push_back(Parameter::list(p.at("Name"), std::move(values)));
  }
  std::vector<std::string> constraints;
  for (const auto& c : cs.at("Conditions")) constraints.push_back(c.at("Expression"));
  return ParameterSpace(std::move(params), std::move(constraints));
}

std::size_t count_valid(const ParameterSpace& s) {
  Config c{std::vector<std::uint32_t>(s.size(), 0)};
  std::size_t valid = 0;
  while (true) {
    valid += s.is_valid(c);
    std::size_t p = 0;
    while (p < s.size() && ++c.index[p] == s.parameters()[p].values.size()) c.index[p++] = 0;
    if (p == s.size()) return valid;
  }
}

TEST(ParameterSpaceT1, SamplingTheBenchmarkHubSpacesGivesValidPoints) {
  for (const char* file : {"convolution_milo.json", "dedispersion_milo.json", "gemm_milo.json"}) {
    SCOPED_TRACE(file);
    ParameterSpace s = load_t1(file);
    EXPECT_TRUE(s.has_valid_point());
    Rng rng(42);
    std::set<std::vector<std::uint32_t>> seen;
    for (int i = 0; i < 300; ++i) {
      auto c = s.sample(rng);
      ASSERT_TRUE(c);
      ASSERT_TRUE(valid_by_hand(s, *c));
      seen.insert(c->index);
      EXPECT_TRUE(s.is_valid(s.mutate(rng, *c)));
    }
    EXPECT_GT(seen.size(), 150u);
  }
}

TEST(ParameterSpaceT1, ValidPointsMatchTheKernelTunerCaches) {
  // The caches hold every configuration the restrictions admit (README: convolution
  // 4362 entries, dedispersion 11130); Python's eval of the same Conditions agrees.
  EXPECT_EQ(count_valid(load_t1("convolution_milo.json")), 4362u);
  EXPECT_EQ(count_valid(load_t1("dedispersion_milo.json")), 11130u);
}

}  // namespace
}  // namespace evojit

namespace evojit {
namespace {

TEST(ParameterSpace, TheNumberOfConstraintsIsBounded) {
  std::vector<std::string> many(kMaxConstraints + 1, "x > 0");
  EXPECT_THROW(ParameterSpace({Parameter::power_of_two("x", 1, 4)}, many), InputError);
  many.resize(100);
  EXPECT_NO_THROW(ParameterSpace({Parameter::power_of_two("x", 1, 4)}, many));
}

}  // namespace
}  // namespace evojit
