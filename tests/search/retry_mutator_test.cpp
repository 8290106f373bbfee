// The "retry" option of every mutator (search/mutator.hpp, mutator_from_json): a child
// that is its parent's function (the same configuration) is tried again up to K times.
#include <memory>

#include <gtest/gtest.h>

#include "search/mutator.hpp"
#include "support/error.hpp"
#include "tests/search/toy_evaluator.hpp"

namespace evojit {
namespace {

// Returns the parent for its first `stuck` calls, then a changed child.
struct Sticky {
  std::shared_ptr<int> calls;
  int stuck;
  Config operator()(Rng&, const Config& parent) const {
    Config c = parent;
    if ((*calls)++ >= stuck) c.index[0] = (c.index[0] + 1) % 10;
    return c;
  }
};

MutatorRegistry sticky_registry(std::shared_ptr<int> calls, int stuck) {
  MutatorRegistry r;
  r.add("sticky", "the parent, then a move", [calls, stuck](const MutatorContext&) {
    return Mutator(Sticky{calls, stuck});
  });
  return r;
}

TEST(RetryMutator, ARetriedMutationChangesTheFunction) {
  const ParameterSpace space = test::make_toy_space(1, 10);
  Rng rng(1);
  const Config parent{{3}};
  auto calls = std::make_shared<int>(0);
  MutatorRegistry r = sticky_registry(calls, 2);
  const Mutator retried =
      mutator_from_json({{"name", "sticky"}, {"retry", 3}}, space, &r, "/mutator");
  EXPECT_NE(retried(space, rng, parent), parent);
  EXPECT_EQ(*calls, 3);

  *calls = 0;
  const Mutator plain = mutator_from_json("sticky", space, &r, "/mutator");
  EXPECT_EQ(plain(space, rng, parent), parent);

  *calls = 0;
  const Mutator few = mutator_from_json({{"name", "sticky"}, {"retry", 1}}, space, &r, "/m");
  EXPECT_EQ(few(space, rng, parent), parent) << "retries are bounded";
  EXPECT_EQ(*calls, 2);
}

TEST(RetryMutator, ABadRetryCountIsAnInputError) {
  const ParameterSpace space = test::make_toy_space(1, 10);
  for (const nlohmann::json bad :
       {nlohmann::json(-1), nlohmann::json("3"), nlohmann::json(1.5), nlohmann::json(100000)}) {
    EXPECT_THROW(mutator_from_json({{"name", "space"}, {"retry", bad}}, space, nullptr, "/m"),
                 InputError)
        << bad;
  }
  EXPECT_NO_THROW(mutator_from_json({{"name", "space"}, {"retry", 2}}, space, nullptr, "/m"));
}

}  // namespace
}  // namespace evojit
