#include "runs/run_identity.hpp"

#include <unistd.h>

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "support/error.hpp"

namespace evojit {
namespace {

namespace fs = std::filesystem;

TEST(RunIdentityTest, AWrittenRunJsonVerifiesAndAnEditIsCaught) {
  const fs::path dir =
      fs::temp_directory_path() / ("evojit-identity-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  const std::string id = write_run_json(dir, {{"config", {{"seed", 1}, {"budget", 0.1}}}});
  EXPECT_EQ(id.size(), 32u);
  EXPECT_EQ(read_run_id(dir), id);
  std::ifstream in(dir / "run.json");
  nlohmann::json run = nlohmann::json::parse(in);
  EXPECT_NO_THROW(require_unedited_run_json(run, "run.json"));
  run["config"]["seed"] = 2;
  EXPECT_THROW(require_unedited_run_json(run, "run.json"), InputError);
  run.erase("content_hash");
  EXPECT_THROW(require_unedited_run_json(run, "run.json"), InputError);  // id but no hash
  fs::remove_all(dir);
}

TEST(RunIdentityTest, IdsDifferPerRunAndOtherRunsAreRefused) {
  EXPECT_NE(new_run_id(), new_run_id());
  EXPECT_EQ(content_run_id({{"a", 1}}), content_run_id({{"a", 1}}));
  EXPECT_NE(content_run_id({{"a", 1}}), content_run_id({{"a", 2}}));
  EXPECT_NO_THROW(require_same_run("abc", "abc", "x", "the checkpoint"));
  EXPECT_THROW(require_same_run("abc", "abd", "x", "the checkpoint"), InputError);
  EXPECT_THROW(require_same_run("abc", nullptr, "x", "the checkpoint"), InputError);
  EXPECT_NO_THROW(require_same_run("", nullptr, "x", "the checkpoint"));  // an old run
}

}  // namespace
}  // namespace evojit
