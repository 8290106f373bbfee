// The durable side of a run, shared by live and replay runs: every new evaluation
// is appended to journal.jsonl (written and synced in groups:
// runs/journal.hpp), checkpoint.json is written every N evaluations (but not more
// often than every `checkpoint_min_seconds`, so that a replay doing 50k evaluations
// a second does not spend its time in checkpoints) and when the run ends, and a
// killed run is restored from the two so that no evaluation is lost or done twice
// (runs/checkpoint.hpp says how they fit together). The journal is synced before
// every checkpoint: a checkpoint never counts an evaluation the disk does not hold.
#pragma once

#include <chrono>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "runs/journal.hpp"
#include "search/evolve.hpp"

namespace evojit {

inline constexpr std::size_t kDefaultCheckpointEvery = 10;
inline constexpr double kDefaultCheckpointMinSeconds = 1.0;
// A checkpoint's cost grows with the strategy's state (random search saves every
// point it proposed): after one that took t seconds, the next waits at least
// kCheckpointCostRatio * t, so checkpoints take at most ~1/(1+ratio) of the run's
// time whatever its length. The journal keeps its own group syncs meanwhile.
inline constexpr double kCheckpointCostRatio = 19.0;

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
  // After loop.run(): writes the run's last checkpoint if the loop's final one fell
  // inside the spacing after the previous one, and syncs the journal.
  void finish();

  // Before attach(). Defaults: JournalSync{}, kDefaultCheckpointMinSeconds.
  void set_journal_sync(JournalSync sync) { journal_sync_ = sync; }
  void set_checkpoint_min_seconds(double seconds) { checkpoint_min_seconds_ = seconds; }
  // Replay: an evaluation's wall_s is simulated, not time this process spent.
  void set_simulated_evaluations(bool simulated) { simulated_ = simulated; }

  // Real time around the record just journaled (valid inside `also`): what the
  // strategy and the loop spent since the previous record (less the evaluation's own
  // time on a live run), and what recording it cost.
  struct RecordTiming {
    double search_s = 0.0;
    double framework_s = 0.0;
  };
  const RecordTiming& last_timing() const { return last_timing_; }

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
  JournalSync journal_sync_;
  bool simulated_ = false;
  RecordTiming last_timing_;
  std::chrono::steady_clock::time_point last_record_end_ = std::chrono::steady_clock::now();
  double checkpoint_min_seconds_ = kDefaultCheckpointMinSeconds;
  std::optional<std::chrono::steady_clock::time_point> last_checkpoint_;
  double last_checkpoint_cost_s_ = 0.0;  // what writing the last checkpoint took
  // A checkpoint skipped for being too soon after the last: its loop state and rng,
  // which finish() writes when it was the loop's final one.
  std::optional<LoopState> skipped_;
  const Rng* skipped_rng_ = nullptr;
  void write_checkpoint_now(const LoopState& state, const Rng& rng);
};

// The journal's records as the loop's records. Throws InputError when a record is
// malformed, does not fit `space`, or the ids are not 0, 1, 2, ... line by line.
std::vector<EvaluationRecord> read_journal_records(const std::filesystem::path& journal,
                                                   const ParameterSpace& space);

}  // namespace evojit
