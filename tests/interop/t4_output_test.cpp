#include "interop/t4_output.hpp"

#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <string>

#include <gtest/gtest.h>

namespace evojit {
namespace {

using json = nlohmann::json;

T4Record ok_record() {
  T4Record r;
  r.configuration = {{"block_size_x", Value{std::int64_t{128}}},
                     {"use_shmem", Value{true}},
                     {"mode", Value{std::string("fast")}},
                     {"ratio", Value{0.5}}};
  r.evaluation.status = EvalStatus::ok;
  r.evaluation.compile.total_s = 0.25;
  r.evaluation.wall_s = 1.0;
  r.evaluation.fitness = 0.5;
  SizeResult s;
  s.label = "4096x4096";
  s.ok = true;
  s.timing.median_s = 2e-3;
  r.evaluation.sizes.push_back(s);
  r.timestamp = "2024-01-02T03:04:05.000000+00:00";
  return r;
}

T4Record failed(EvalStatus status, std::string diagnostic) {
  T4Record r;
  r.configuration = {{"block_size_x", Value{std::int64_t{1024}}}};
  r.evaluation.status = status;
  r.evaluation.diagnostic = std::move(diagnostic);
  return r;
}

// The required fields and types of TuningSchema's results-schema.json (T4 1.0.0).
void expect_schema(const json& doc) {
  ASSERT_TRUE(doc.is_object());
  ASSERT_TRUE(doc.contains("schema_version"));
  EXPECT_TRUE(std::regex_match(doc["schema_version"].get<std::string>(),
                               std::regex("^[0-9]+\\.[0-9]+\\.[0-9]+$")));
  ASSERT_TRUE(doc["results"].is_array());
  const std::set<std::string> invalidity = {"timeout",     "compile",     "runtime",
                                            "correctness", "constraints", "correct"};
  for (const json& r : doc["results"]) {
    ASSERT_TRUE(r.contains("configuration"));
    ASSERT_TRUE(r.contains("times"));
    ASSERT_TRUE(r.contains("invalidity"));
    ASSERT_TRUE(r.contains("correctness"));
    EXPECT_TRUE(r["configuration"].is_object());
    EXPECT_TRUE(r["timestamp"].is_string());
    EXPECT_TRUE(r["objectives"].is_array());
    EXPECT_TRUE(invalidity.count(r["invalidity"].get<std::string>())) << r["invalidity"];
    EXPECT_TRUE(r["correctness"].is_number());
    const json& t = r["times"];
    for (const char* key : {"compilation_time", "framework", "search_algorithm", "validation"}) {
      EXPECT_TRUE(t[key].is_number()) << key;
    }
    EXPECT_TRUE(t["runtimes"].is_array());
    ASSERT_TRUE(r["measurements"].is_array());
    for (const json& m : r["measurements"]) {
      EXPECT_TRUE(m["name"].is_string());
      EXPECT_TRUE(m["value"].is_number());
      EXPECT_TRUE(m["unit"].is_string());
    }
  }
}

TEST(T4Output, CarriesTheRequiredFieldsOfTheSchema) {
  json doc = to_t4({ok_record(), failed(EvalStatus::compile_error, "error: x"),
                    failed(EvalStatus::crash, "signal 11")});
  expect_schema(doc);
  EXPECT_EQ(doc["schema_version"], kT4SchemaVersion);
  ASSERT_EQ(doc["results"].size(), 3u);
}

TEST(T4Output, AnOkEvaluationReportsItsTimeInMilliseconds) {
  json r = t4_result(ok_record());
  EXPECT_EQ(r["timestamp"], "2024-01-02T03:04:05.000000+00:00");
  EXPECT_EQ(r["invalidity"], "correct");
  EXPECT_EQ(r["correctness"], 1);
  EXPECT_EQ(r["objectives"], json::array({"time"}));
  EXPECT_EQ(r["configuration"]["block_size_x"], 128);
  EXPECT_EQ(r["configuration"]["use_shmem"], true);
  EXPECT_EQ(r["configuration"]["mode"], "fast");
  EXPECT_EQ(r["configuration"]["ratio"], 0.5);
  EXPECT_DOUBLE_EQ(r["times"]["compilation_time"].get<double>(), 250.0);
  EXPECT_DOUBLE_EQ(r["times"]["runtimes"][0].get<double>(), 2.0);
  ASSERT_FALSE(r["measurements"].empty());
  EXPECT_EQ(r["measurements"][0]["name"], "time");
  EXPECT_DOUBLE_EQ(r["measurements"][0]["value"].get<double>(), 2.0);
  EXPECT_EQ(r["measurements"][0]["unit"], "ms");
}

TEST(T4Output, FailuresMapToTheSchemasInvalidityClasses) {
  EXPECT_EQ(t4_invalidity(failed(EvalStatus::compile_error, "error").evaluation), "compile");
  EXPECT_EQ(t4_invalidity(failed(EvalStatus::compile_error, "InvalidConfig: x").evaluation),
            "constraints");
  EXPECT_EQ(t4_invalidity(failed(EvalStatus::crash, "").evaluation), "runtime");
  EXPECT_EQ(t4_invalidity(failed(EvalStatus::out_of_memory, "").evaluation), "runtime");
  EXPECT_EQ(t4_invalidity(failed(EvalStatus::worker_lost, "").evaluation), "runtime");
  EXPECT_EQ(t4_invalidity(failed(EvalStatus::timeout, "").evaluation), "timeout");
  EXPECT_EQ(t4_invalidity(failed(EvalStatus::wrong_result, "").evaluation), "correctness");
  json wrong = t4_result(failed(EvalStatus::wrong_result, "max error 1"));
  EXPECT_EQ(wrong["correctness"], 0);
  // A failure reports no time.
  for (const json& m : wrong["measurements"]) EXPECT_NE(m["name"], "time");
  EXPECT_FALSE(wrong["timestamp"].get<std::string>().empty());
}

TEST(T4Output, WritesAFileThatReadsBack) {
  auto path = std::filesystem::temp_directory_path() / "evojit_t4_test.json";
  write_t4(path, {ok_record(), failed(EvalStatus::timeout, "")});
  std::ifstream in(path);
  json doc = json::parse(in);
  expect_schema(doc);
  EXPECT_EQ(doc["results"][1]["invalidity"], "timeout");
  std::filesystem::remove(path);
}

}  // namespace
}  // namespace evojit

namespace evojit {
namespace {

TEST(T4OutputComplete, MetadataNamesTheTimeUnitAndTheObjectiveOptimized) {
  const json doc = to_t4({ok_record()}, {"fitness", true, "roofline geomean"});
  EXPECT_EQ(doc["metadata"]["timeunit"], "milliseconds");
  EXPECT_EQ(doc["metadata"]["objective"], "fitness");
  EXPECT_EQ(doc["metadata"]["objective_higher_is_better"], true);
  EXPECT_EQ(doc["results"][0]["objectives"], json::array({"fitness"}));
  // The default is what a replay optimizes: time, lower is better.
  EXPECT_EQ(to_t4({ok_record()})["metadata"]["objective"], "time");
}

TEST(T4OutputComplete, ARecordedEntryCarriesEveryRepetitionAndItsRecordedCosts) {
  T4Record r = ok_record();
  r.recorded = T4RecordedTimes{{2.1, 1.9, 2.0}, 120.0, 7.0, 30.0};
  r.search_algorithm_s = 0.002;
  r.framework_s = 0.001;
  const json t = t4_result(r)["times"];
  EXPECT_EQ(t["runtimes"], json::array({2.1, 1.9, 2.0}));
  EXPECT_EQ(t["compilation_time"], 120.0);
  EXPECT_EQ(t["compilation"], 120.0);  // Kernel Tuner 1.5's name for it
  EXPECT_EQ(t["validation"], 7.0);
  EXPECT_EQ(t["benchmark"], 30.0);
  EXPECT_DOUBLE_EQ(t["search_algorithm"].get<double>(), 2.0);
  EXPECT_DOUBLE_EQ(t["framework"].get<double>(), 1.0);
}

TEST(T4OutputComplete, TheStreamedFileIsTheDocument) {
  auto path = std::filesystem::temp_directory_path() / "evojit_t4_streamed.json";
  std::vector<T4Record> records = {ok_record(), failed(EvalStatus::crash, "signal 11")};
  records[1].timestamp = "2024-01-02T03:04:06.000000+00:00";
  write_t4(path, records);
  std::ifstream in(path);
  const json back = json::parse(in);
  expect_schema(back);
  EXPECT_EQ(back, to_t4(records));
  std::filesystem::remove(path);
}

// Each result is written as text, not as a document: byte for byte its document's dump.
TEST(T4OutputComplete, EachResultLineIsItsDocumentsDump) {
  auto path = std::filesystem::temp_directory_path() / "evojit_t4_lines.json";
  std::vector<T4Record> records = {ok_record(), failed(EvalStatus::crash, "signal 11"),
                                   failed(EvalStatus::wrong_result, "max error \"2\"")};
  records[0].recorded = T4RecordedTimes{{1.5, 2.5}, 100.0, 3.0, 20.0};
  records[0].evaluation.sizes.push_back(records[0].evaluation.sizes[0]);
  records[0].evaluation.sizes[1].label = "64x64";
  records[0].evaluation.sizes[1].fraction = 0.25;
  for (T4Record& r : records) r.timestamp = "2024-01-02T03:04:06.000000+00:00";
  const T4Objective objective{"fitness", true, "a \"quoted\" description"};
  write_t4(path, records, objective);
  std::ifstream in(path);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  ASSERT_EQ(lines.size(), 3 + records.size() + 1);  // header, metadata, "results": [
  for (std::size_t i = 0; i < records.size(); ++i) {
    std::string line = lines[3 + i];
    if (line.back() == ',') line.pop_back();
    EXPECT_EQ(line, t4_result(records[i], objective).dump());
  }
  std::filesystem::remove(path);
}

TEST(T4OutputComplete, ARecordAbsentFromTheCacheIsAConstraintsFailureNotACompileError) {
  // The replay evaluator's diagnostic for a configuration the cache does not hold.
  EXPECT_EQ(t4_invalidity(failed(EvalStatus::compile_error,
                                 "InvalidConfig: not in the recorded space (excluded by its "
                                 "restrictions)")
                              .evaluation),
            "constraints");
}

}  // namespace
}  // namespace evojit
