#include "runs/run_validation.hpp"

#include <cmath>
#include <limits>
#include <thread>

#include <gtest/gtest.h>

#include "support/error.hpp"

namespace evojit {
namespace {

TEST(RunValidationTest, BudgetsMustBeFiniteAndPresent) {
  EXPECT_NO_THROW(require_valid_budget(10, 0.0, ""));
  EXPECT_NO_THROW(require_valid_budget(0, 5.0, ""));
  EXPECT_THROW(require_valid_budget(0, 0.0, ""), InputError);
  EXPECT_THROW(require_valid_budget(10, std::nan(""), ""), InputError);
  EXPECT_THROW(require_valid_budget(10, std::numeric_limits<double>::infinity(), ""), InputError);
  EXPECT_THROW(require_valid_budget(10, -1.0, ""), InputError);
}

TEST(RunValidationTest, ALibraryUsersNumbersAreCheckedToo) {
  RunSpec c;
  c.task = "triad";
  EXPECT_NO_THROW(validate_run_numbers(c));
  RunSpec bad = c;
  bad.workers = static_cast<std::size_t>(-1);  // what "--workers -1" used to become
  EXPECT_THROW(validate_run_numbers(bad), InputError);
  bad = c;
  bad.measure.max_seconds = std::nan("");
  EXPECT_THROW(validate_run_numbers(bad), InputError);
  bad = c;
  bad.measure.min_repetitions = 0;
  EXPECT_THROW(validate_run_numbers(bad), InputError);
}

TEST(RunValidationTest, WorkersAreCappedByCoresAndSaidSo) {
  const std::size_t cores = std::max(1u, std::thread::hardware_concurrency());
  std::string notice;
  EXPECT_EQ(cap_worker_count(1, &notice), 1u);
  EXPECT_TRUE(notice.empty());
  const std::size_t capped = cap_worker_count(kMaxWorkers, &notice);
  EXPECT_GE(capped, 1u);
  EXPECT_LE(capped, cores);
  EXPECT_NE(notice.find("capped to " + std::to_string(capped)), std::string::npos) << notice;
}

}  // namespace
}  // namespace evojit
