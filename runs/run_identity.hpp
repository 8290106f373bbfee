// What makes a run directory's files one run's: run.json carries a random run id and
// a content hash of itself; checkpoint.json and every journal record carry the run
// id. `evojit resume` refuses a run.json whose hash does not match (it was edited)
// and a checkpoint or journal record of another run (copied in from elsewhere).
// Runs written before run ids existed have none and are resumed as before.
#pragma once

#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>

namespace evojit {

// 32 hex digits from the system's random source.
std::string new_run_id();

// A run id derived from `content` (32 hex digits), for deterministic runs: two
// replays of the same cache with the same configuration are the same run, and their
// journals stay byte-identical.
std::string content_run_id(const nlohmann::json& content);

// The hash of `run` without its "content_hash" field, as 16 hex digits.
std::string run_content_hash(const nlohmann::json& run);

// Writes dir/run.json atomically: gives `run` a run id when it has none and stamps its
// content hash. Returns the run id.
std::string write_run_json(const std::filesystem::path& dir, nlohmann::json run);

// Throws InputError when run.json (the parsed `run`, read from `where`) carries a
// content hash that does not match its content.
void require_unedited_run_json(const nlohmann::json& run, const std::string& where);

// The run id in dir/run.json; empty when it has none (or cannot be read).
std::string read_run_id(const std::filesystem::path& dir);

// Throws InputError when `found` (the "run_id" of a checkpoint or journal record at
// `where`) is not `expected`. No check when `expected` is empty (an old run).
void require_same_run(const std::string& expected, const nlohmann::json& found,
                      const std::string& where, const char* what);

}  // namespace evojit
