// checkpoint.json: what a killed run needs to go on where it was. Written atomically
// (a reader, or a crash, sees the previous checkpoint or the new one, never half of
// one) every N evaluations and when the run ends.
//
//   {"format": 1, "strategy": name, "strategy_state": Strategy::save(),
//    "rng": Rng::save(), "evaluations": E, "last_id": E-1 (null when E == 0),
//    "duplicates", "duplicate_streak", "elapsed_s", "run_id"}
//
// "run_id" is run.json's (runs/run_identity.hpp); absent in runs older than run ids.
//
// The journal is the other half: its records with id < E were told to the strategy
// before the checkpoint; later ones (evaluations finished after it) are the tail
// that EvolveLoop::resume serves again. The duplicate cache is rebuilt from the
// journal, so it is not stored here.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "search/evolve.hpp"

namespace evojit {

inline constexpr const char* kCheckpointFile = "checkpoint.json";

struct Checkpoint {
  std::string strategy;  // the strategy's name, checked against the run's on resume
  nlohmann::json strategy_state;
  std::string rng;
  LoopState loop;
  std::string run_id;  // empty: none recorded
};

nlohmann::json to_json(const Checkpoint& c);
// Throws InputError naming `where` and the JSON pointer of what is wrong.
Checkpoint checkpoint_from_json(const nlohmann::json& j, const std::string& where);

// Writes dir/checkpoint.json atomically.
void write_checkpoint(const std::filesystem::path& dir, const Checkpoint& c);
// nullopt when the run has none yet (killed before its first); InputError when the
// file is not a checkpoint.
std::optional<Checkpoint> read_checkpoint(const std::filesystem::path& dir);

}  // namespace evojit
