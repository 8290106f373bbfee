#include "runs/run_report.hpp"

#include <filesystem>
#include <fstream>
#include <string>

#include <gtest/gtest.h>

#include "support/error.hpp"

namespace evojit {
namespace {

namespace fs = std::filesystem;

// A run directory with the given file contents ("" leaves a file out).
class RunReportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("evojit-report-" +
            std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "best");
  }
  void TearDown() override { fs::remove_all(dir_); }

  void write(const std::string& name, const std::string& text) const {
    std::ofstream(dir_ / name) << text;
  }
  // The message of the InputError format_run_report throws ("" when none; anything
  // else thrown fails the test, since it would reach the user as an internal error).
  std::string error() const {
    try {
      format_run_report(dir_);
    } catch (const InputError& e) {
      return e.what();
    }
    return "";
  }

  fs::path dir_;
};

const char* kRun = R"({"config": {"task": "triad", "strategy": "random", "seed": 3}})";

TEST_F(RunReportTest, AnInterruptedRunIsSummarized) {
  write("run.json", kRun);
  write("journal.jsonl", "{\"status\": \"ok\", \"fitness\": 0.5}\n{\"status\": \"cra");
  const std::string report = format_run_report(dir_);
  EXPECT_NE(report.find("task       triad"), std::string::npos) << report;
  EXPECT_NE(report.find("evaluations 1  (ok 1)"), std::string::npos) << report;
  EXPECT_NE(report.find("interrupted"), std::string::npos) << report;
}

TEST_F(RunReportTest, ARunJsonThatIsNotAnObjectIsNamed) {
  write("run.json", "[1, 2]");
  const std::string message = error();
  EXPECT_NE(message.find((dir_ / "run.json").string() + ": expected a JSON object, got array"),
            std::string::npos)
      << message;
}

TEST_F(RunReportTest, ARunJsonWithoutItsConfigIsNamed) {
  write("run.json", R"({"seed": 3})");
  EXPECT_NE(error().find("run.json#/config: expected a \"config\" object"), std::string::npos)
      << error();
}

TEST_F(RunReportTest, AJournalRecordThatIsNotAnObjectIsNamed) {
  write("run.json", kRun);
  write("journal.jsonl", "{\"status\": \"ok\"}\n[1]\n");
  EXPECT_NE(error().find("journal.jsonl: record 2 is not a JSON object"), std::string::npos)
      << error();
}

TEST_F(RunReportTest, ACorruptJournalLineIsNamed) {
  write("run.json", kRun);
  write("journal.jsonl", "{\"status\": \"ok\"}\n{nope}\n");
  EXPECT_NE(error().find("journal.jsonl:2: corrupt journal record"), std::string::npos) << error();
}

TEST_F(RunReportTest, AFieldOfTheWrongTypeIsABadInputNamingTheDirectory) {
  write("run.json", R"({"config": {"task": 7}})");
  const std::string message = error();
  EXPECT_EQ(message.rfind(dir_.string() + ": a run file has a field of the wrong type", 0), 0u)
      << message;
}

TEST_F(RunReportTest, ASummaryThatIsNotAnObjectIsNamed) {
  write("run.json", kRun);
  write("summary.json", "\"done\"");
  EXPECT_NE(error().find("summary.json: expected a JSON object, got string"), std::string::npos)
      << error();
}

TEST_F(RunReportTest, ARunJsonThatIsNotJsonIsNamed) {
  write("run.json", "{\"config\": ");
  EXPECT_NE(error().find("run.json: not valid JSON"), std::string::npos) << error();
}

}  // namespace
}  // namespace evojit

namespace evojit {
namespace {

TEST_F(RunReportTest, ASuspectSizeIsMarkedWithItsReasonNeverSilently) {
  write("run.json", kRun);
  write("journal.jsonl", "{\"status\": \"ok\", \"fitness\": 5.6}\n");
  write("best/best.json", R"({"canonical": "VEC=1", "training": {"sizes": [
      {"label": "n=2^14", "ok": true, "fraction": 9.8, "timing": {"median_s": 1e-6, "cv": 0.01},
       "suspect": "fraction 9.80 is above 1.2 of the ceiling"},
      {"label": "n=2^24", "ok": true, "fraction": 0.9, "timing": {"median_s": 1e-2, "cv": 0.01}}]}})");
  const std::string report = format_run_report(dir_);
  EXPECT_NE(report.find("9.800  SUSPECT"), std::string::npos) << report;
  EXPECT_NE(report.find("SUSPECT n=2^14: fraction 9.80 is above 1.2"), std::string::npos) << report;
  EXPECT_EQ(report.find("n=2^24: "), std::string::npos) << report;
}

}  // namespace
}  // namespace evojit
