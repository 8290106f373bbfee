#include "evaluators/machine_profile.hpp"

#include <gtest/gtest.h>

#include "support/error.hpp"

namespace evojit {
namespace {

using nlohmann::json;

// The InputError's message ("where: what (hint)") when reading `text` fails.
std::string error_for(const std::string& text) {
  try {
    machine_profile_from_json(json::parse(text), "p.json");
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

const char* kSpecSheet = R"({"source": "spec-sheet",
  "peak_bandwidth_bytes_per_s": 2.0e11, "peak_flops_per_s": 3.0e12,
  "levels": [{"name": "L1", "working_set_bytes": 16384, "bandwidth_bytes_per_s": [4.0e12]},
             {"name": "L2", "working_set_bytes": 524288, "bandwidth_bytes_per_s": [2.0e12]}]})";

TEST(MachineProfileJson, AHandWrittenSpecSheetProfileGivesItsNominalCeilings) {
  const MachineProfile p = machine_profile_from_json(json::parse(kSpecSheet), "p.json");
  EXPECT_EQ(p.source, "spec-sheet");
  EXPECT_DOUBLE_EQ(p.peak_bandwidth(), 2.0e11);
  EXPECT_DOUBLE_EQ(p.peak_flops(), 3.0e12);
  EXPECT_DOUBLE_EQ(p.bandwidth_for(10e3), 4.0e12);
  EXPECT_DOUBLE_EQ(p.bandwidth_for(100e6), 2.0e11);
  // Saved and read back, it is the same profile.
  const MachineProfile back = machine_profile_from_json(to_json(p), "again");
  EXPECT_DOUBLE_EQ(back.peak_bandwidth(), 2.0e11);
  EXPECT_DOUBLE_EQ(back.peak_flops(), 3.0e12);
}

TEST(MachineProfileJson, BadFiguresAreRefusedNamingTheFieldAndTheFix) {
  EXPECT_NE(error_for(R"({"peak_bandwidth_bytes_per_s": -1, "peak_flops_per_s": 1e12})")
                .find("p.json#/peak_bandwidth_bytes_per_s: expected a positive number, got -1"),
            std::string::npos);
  EXPECT_NE(error_for(R"({"peak_flops_per_s": 1e12})").find("missing /peak_bandwidth_bytes_per_s"),
            std::string::npos);
  EXPECT_NE(error_for(R"({"peak_bandwidth_bytes_per_s": 1e11, "peak_flops_per_s": "fast"})")
                .find("#/peak_flops_per_s"),
            std::string::npos);
  EXPECT_NE(error_for(R"({"peak_bandwidth_bytes_per_s": 1e11, "peak_flops_per_s": 1e12,
      "levels": [{"name": "L2", "working_set_bytes": 5e5, "bandwidth_bytes_per_s": [1e12]},
                 {"name": "L1", "working_set_bytes": 1e4, "bandwidth_bytes_per_s": [2e12]}]})")
                .find("p.json#/levels/1/working_set_bytes: levels must be listed smallest working "
                      "set first"),
            std::string::npos);
  EXPECT_NE(error_for(R"({"threads": [1, 2], "bandwidth_bytes_per_s": [1e10],
      "flops_per_s": [1e11, 2e11]})")
                .find("differ in length"),
            std::string::npos);
  // An edited derived peak would be ignored silently: refused instead.
  EXPECT_NE(error_for(R"({"threads": [1], "bandwidth_bytes_per_s": [1e10], "flops_per_s": [1e11],
      "peak_bandwidth_bytes_per_s": 5e10})")
                .find("disagrees"),
            std::string::npos);
  EXPECT_NE(error_for("[1, 2]").find("a JSON object"), std::string::npos);
}

TEST(MachineProfileJson, NominalFiguresOverrideTheMeasuredOnesAndAreSaved) {
  MachineProfile p;
  p.threads = {1};
  p.bandwidth_bytes_per_s = {9e9};
  p.flops_per_s = {70e9};
  p.levels = {{"L2", 512e3, {80e9}}, {"DRAM", 768e6, {9e9}}};
  p.measurement.repetitions = 3;
  p.measurement.load_before = {1.5, 1.0, 0.5};
  p.caches = {{"L2", 2, "Unified", 1048576, 64, 1}};
  apply_nominal_figures(p, 20e9, std::nullopt);
  EXPECT_EQ(p.source, "measured+spec-sheet");
  EXPECT_DOUBLE_EQ(p.peak_bandwidth(), 20e9);
  EXPECT_DOUBLE_EQ(p.peak_flops(), 70e9);
  EXPECT_DOUBLE_EQ(p.bandwidth_for(100e3), 80e9);  // measured cache levels stay
  EXPECT_DOUBLE_EQ(p.bandwidth_for(100e6), 20e9);
  const MachineProfile back = machine_profile_from_json(to_json(p), "saved");
  EXPECT_DOUBLE_EQ(back.peak_bandwidth(), 20e9);
  EXPECT_EQ(back.measurement.repetitions, 3);
  EXPECT_DOUBLE_EQ(back.measurement.load_before.one, 1.5);
  ASSERT_EQ(back.caches.size(), 1u);
  EXPECT_DOUBLE_EQ(back.caches[0].size_bytes, 1048576);
}

}  // namespace
}  // namespace evojit
