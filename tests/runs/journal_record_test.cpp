// A journal line is written without a document (journal_record_line) and must be, byte
// for byte, the dump of the document journal_record() builds: resume, the reports and
// the run outputs read it, and a deterministic replay's journal is compared whole.
#include "runs/journal_record.hpp"

#include <limits>
#include <string>

#include <gtest/gtest.h>

namespace evojit {
namespace {

ParameterSpace test_space() {
  // Names not in sorted order; every kind of value.
  return ParameterSpace({Parameter::list("zeta", {Value{std::int64_t{4}}, Value{std::int64_t{-8}}}),
                         Parameter::list("alpha", {Value{0.25}, Value{1e-7}}),
                         Parameter::list("Mode", {Value{std::string("fast \"x\"")},
                                                  Value{std::string("caf\xc3\xa9")}}),
                         Parameter::list("flag", {Value{true}, Value{false}})},
                        {});
}

std::string expected_line(const ParameterSpace& space, const EvaluationRecord& r, double best,
                          const std::string& run_id) {
  nlohmann::json j = journal_record(space, r, best);
  if (!run_id.empty()) j["run_id"] = run_id;
  return j.dump();
}

TEST(JournalRecordLine, IsTheDumpOfTheRecordsDocument) {
  const ParameterSpace space = test_space();
  EvaluationRecord r;
  r.id = 12345;
  r.config.index = {1, 0, 1, 1};
  r.elapsed_s = 8427.055419328428;
  Evaluation& e = r.evaluation;
  e.status = EvalStatus::ok;
  e.fitness = 0.7218941480975137;
  e.wall_s = 0.06385244640970437;
  e.compile.total_s = 0.05;
  e.compile.frontend_s = 1e-5;
  e.compile.code_hash = 0xb0b2c14d97745d36u;
  SizeResult s;
  s.label = "4096x4096";
  s.dims = {4096, 4096};
  s.ok = true;
  s.timing = {0.001385244640970437, 0.0, 1, 0.001385244640970437};
  e.sizes.push_back(s);
  // The plain record (a replay's), with and without a run id.
  EXPECT_EQ(journal_record_line(space, r, 0.75, "5c8bdcaa"),
            expected_line(space, r, 0.75, "5c8bdcaa"));
  EXPECT_EQ(journal_record_line(space, r, 0.75, ""), expected_line(space, r, 0.75, ""));

  // Every optional member: a failure's diagnostic, signal, resources, source
  // diagnostics, a size's message and suspect, a non-finite figure, a fidelity.
  e.status = EvalStatus::crash;
  e.diagnostic = "signal 11 \"SIGSEGV\"\nat line 3\t(caf\xc3\xa9)";
  e.signal = 11;
  e.resources = {true, 64, 4096, 0, 1024, "cubin sm_90"};
  e.source_diagnostics = {{3, 14, "error", "use of undeclared 'x'"}, {4, 1, "note", ""}};
  s.ok = false;
  s.message = "max error 1e+30 > 1e-3";
  s.suspect = "below the noise";
  s.max_error = std::numeric_limits<double>::infinity();
  s.tolerance = 1e-3;
  s.roofline_s = 2.5e-4;
  s.fraction = 0.18;
  e.sizes.push_back(s);
  e.compile.cache_hit = true;
  r.fidelity = 2;
  r.id = 0;
  EXPECT_EQ(journal_record_line(space, r, 0.0, "id"), expected_line(space, r, 0.0, "id"));
}

}  // namespace
}  // namespace evojit
