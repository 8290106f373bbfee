#include "kernels/task_registry.hpp"

#include <gtest/gtest.h>

#include "kernels/triad.hpp"
#include "support/error.hpp"

namespace evojit {
namespace {

TEST(TaskRegistry, BuiltinTasksAreRegisteredByName) {
  TaskRegistry registry;
  register_builtin_tasks(registry);
  EXPECT_EQ(registry.names(), (std::vector<std::string>{"heat2d", "triad"}));
  EXPECT_EQ(registry.get("triad").name(), "triad");
  EXPECT_EQ(registry.get("heat2d").name(), "heat2d");
  EXPECT_NE(registry.find("triad"), nullptr);
  EXPECT_EQ(registry.find("nope"), nullptr);
}

TEST(TaskRegistry, UnknownTaskNamesTheKnownOnes) {
  TaskRegistry registry;
  register_builtin_tasks(registry);
  try {
    registry.get("traid");
    FAIL() << "expected InputError";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("unknown task 'traid'"), std::string::npos);
    EXPECT_NE(e.hint().find("heat2d"), std::string::npos);
    EXPECT_NE(e.hint().find("triad"), std::string::npos);
  }
}

TEST(TaskRegistry, DuplicateNameIsAnInputError) {
  TaskRegistry registry;
  registry.add(make_triad_task());
  EXPECT_THROW(registry.add(make_triad_task()), InputError);
  EXPECT_EQ(registry.names().size(), 1u);
}

}  // namespace
}  // namespace evojit
