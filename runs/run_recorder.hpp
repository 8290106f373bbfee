// The durable side of a run, shared by live and replay runs: every new evaluation
// is appended to journal.jsonl (flushed record by record), checkpoint.json is
// written every N evaluations and when the run ends, and a killed run is restored
// from the two so that no evaluation is lost or done twice (runs/checkpoint.hpp says
// how they fit together).
#pragma once

#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "runs/journal.hpp"
#include "search/evolve.hpp"

namespace evojit {

inline constexpr std::size_t kDefaultCheckpointEvery = 10;

class RunRecorder {
 public:
  // `strategy_name` is stored in checkpoints and checked when resuming.
  RunRecorder(std::filesystem::path dir, const ParameterSpace& space, Strategy& strategy,
              std::string strategy_name, std::size_t checkpoint_every);

  // For a resumed run, before attach(): reads the checkpoint and the journal,
  // restores the strategy and `rng` from the checkpoint (a run killed before its
  // first checkpoint starts from the fresh ones it was given) and hands `loop` what
  // the journal holds. Throws InputError (corrupt checkpoint, a journal that does not
  // match it) having written nothing. Returns every journaled evaluation, in id order.
  const std::vector<EvaluationRecord>& restore(EvolveLoop& loop, Rng& rng);

  // Opens the journal (cutting off a torn last line) and installs the loop's
  // observer, which journals each new evaluation and then calls `also`, and its
  // checkpoint callback.
  void attach(EvolveLoop& loop, std::function<void(const EvaluationRecord&)> also = {});

 private:
  std::filesystem::path dir_;
  const ParameterSpace& space_;
  Strategy& strategy_;
  std::string strategy_name_;
  std::size_t checkpoint_every_;
  std::string run_id_;  // run.json's (runs/run_identity.hpp); stamped on what it writes
  std::vector<EvaluationRecord> past_;
  std::optional<JournalWriter> journal_;
  double best_fitness_ = 0.0;
};

// The journal's records as the loop's records. Throws InputError when a record is
// malformed, does not fit `space`, or the ids are not 0, 1, 2, ... line by line.
std::vector<EvaluationRecord> read_journal_records(const std::filesystem::path& journal,
                                                   const ParameterSpace& space);

}  // namespace evojit
