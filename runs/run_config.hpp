// What a tuning run is asked to do: a plain struct filled by the CLI (or by code
// using evojit as a library) and validated by execute_run before anything is written.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "evaluators/measurement.hpp"

namespace evojit {

struct RunConfig {
  std::string task;
  // The default: best mean score on the search-efficiency benchmark and better
  // than random search on every recorded space (bench/search_efficiency.cpp).
  std::string strategy = "bandit";
  nlohmann::json strategy_params = nlohmann::json::object();
  std::size_t budget_evaluations = 100;  // 0 = no limit (then budget_seconds must be set)
  double budget_seconds = 0.0;           // 0 = no limit
  std::uint64_t seed = 1;
  // Empty: runs/<task>-<strategy>-<UTC time> under the current directory.
  std::filesystem::path out_dir;
  std::vector<std::string> overrides;    // "NAME=VALUE": pins a parameter
  std::vector<std::string> constraints;  // extra restrictions, constraint language
  std::size_t workers = 1;               // worker processes (compiles overlap)
  MeasureOptions measure;
  // Held-out collapse: flagged when held-out fitness < collapse_ratio * training fitness.
  double collapse_ratio = 0.5;
  // checkpoint.json is written every this many evaluations (and at the end).
  std::size_t checkpoint_every = 10;
  // Machine profile path; empty: the default in the user's cache directory.
  std::filesystem::path profile_path;
};

nlohmann::json to_json(const RunConfig& c);

}  // namespace evojit
