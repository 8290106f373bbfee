#include "runs/checkpoint.hpp"

#include <cmath>
#include <fstream>
#include <iterator>

#include "support/atomic_file.hpp"
#include "support/error.hpp"
#include "support/files.hpp"

namespace evojit {
namespace {

constexpr int kFormat = 1;

const nlohmann::json& field(const nlohmann::json& j, const char* key, const std::string& where) {
  auto it = j.find(key);
  if (it == j.end())
    throw_input_error(std::string("corrupt checkpoint: /") + key + " is missing", where,
                      "the run cannot be resumed from it");
  return *it;
}

std::size_t count(const nlohmann::json& j, const char* key, const std::string& where) {
  const nlohmann::json& v = field(j, key, where);
  if (!v.is_number_unsigned()) {
    throw_input_error(std::string("corrupt checkpoint: /") + key +
                          ": expected a non-negative integer, got " + v.dump(),
                      where);
  }
  return v.get<std::size_t>();
}

}  // namespace

nlohmann::json to_json(const Checkpoint& c) {
  nlohmann::json last_id = nullptr;
  if (c.loop.evaluations > 0) last_id = c.loop.evaluations - 1;
  nlohmann::json j = {{"format", kFormat},
                      {"strategy", c.strategy},
                      {"strategy_state", c.strategy_state},
                      {"rng", c.rng},
                      {"evaluations", c.loop.evaluations},
                      {"last_id", last_id},
                      {"duplicates", c.loop.duplicates},
                      {"duplicate_streak", c.loop.duplicate_streak},
                      {"elapsed_s", c.loop.elapsed_s}};
  if (!c.run_id.empty()) j["run_id"] = c.run_id;
  return j;
}

Checkpoint checkpoint_from_json(const nlohmann::json& j, const std::string& where) {
  if (!j.is_object()) throw_input_error("corrupt checkpoint: not a JSON object", where);
  if (field(j, "format", where) != kFormat) {
    throw_input_error("unknown checkpoint format " + j.at("format").dump(), where,
                      "it was written by another evojit version");
  }
  Checkpoint c;
  const nlohmann::json& strategy = field(j, "strategy", where);
  const nlohmann::json& rng = field(j, "rng", where);
  const nlohmann::json& elapsed = field(j, "elapsed_s", where);
  if (!strategy.is_string()) throw_input_error("corrupt checkpoint: /strategy", where);
  if (!rng.is_string()) throw_input_error("corrupt checkpoint: /rng", where);
  if (!elapsed.is_number()) throw_input_error("corrupt checkpoint: /elapsed_s", where);
  c.strategy = strategy.get<std::string>();
  c.strategy_state = field(j, "strategy_state", where);
  c.rng = rng.get<std::string>();
  c.loop.evaluations = count(j, "evaluations", where);
  c.loop.duplicates = count(j, "duplicates", where);
  c.loop.duplicate_streak = count(j, "duplicate_streak", where);
  c.loop.elapsed_s = elapsed.get<double>();
  if (!std::isfinite(c.loop.elapsed_s) || c.loop.elapsed_s < 0.0) {
    throw_input_error("corrupt checkpoint: /elapsed_s is " + elapsed.dump(), where);
  }
  if (auto it = j.find("run_id"); it != j.end()) {
    if (!it->is_string()) throw_input_error("corrupt checkpoint: /run_id", where);
    c.run_id = it->get<std::string>();
  }
  return c;
}

void write_checkpoint(const std::filesystem::path& dir, const Checkpoint& c) {
  write_file_atomically(dir / kCheckpointFile, to_json(c).dump() + "\n");
}

std::optional<Checkpoint> read_checkpoint(const std::filesystem::path& dir) {
  const std::filesystem::path path = dir / kCheckpointFile;
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return std::nullopt;
  const std::string text = read_bounded_file(path, kRunStateFileCap, "checkpoint");
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(text);
  } catch (const nlohmann::json::exception& e) {
    throw_input_error(std::string("corrupt checkpoint: ") + e.what(), path.string(),
                      "the run cannot be resumed from it");
  }
  return checkpoint_from_json(j, path.string());
}

}  // namespace evojit
