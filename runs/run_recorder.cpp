#include "runs/run_recorder.hpp"

#include <algorithm>
#include <cmath>

#include "evaluators/evaluation_json.hpp"
#include "runs/checkpoint.hpp"
#include "runs/journal_record.hpp"
#include "runs/run_identity.hpp"
#include "support/error.hpp"
#include "support/value_json.hpp"

namespace evojit {
namespace {

Value value_from_json(const nlohmann::json& j, const std::string& where) {
  if (auto v = json_to_value(j)) return *v;
  throw_input_error("corrupt journal record: a parameter value is " + j.dump(), where);
}

EvaluationRecord record_from_json(const nlohmann::json& j, const ParameterSpace& space,
                                  const std::string& where) {
  EvaluationRecord r;
  try {
    r.id = j.at("id").get<std::uint64_t>();
    std::map<std::string, Value> bindings;
    for (const auto& [name, value] : j.at("genome").items()) {
      bindings[name] = value_from_json(value, where);
    }
    r.config = space.from_bindings(bindings);
    r.fidelity = j.value("fidelity", std::size_t{0});
    r.evaluation = evaluation_from_json(j.at("evaluation"));
    r.elapsed_s = j.at("elapsed_s").get<double>();
  } catch (const nlohmann::json::exception& e) {
    throw_input_error(std::string("corrupt journal record: ") + e.what(), where);
  }
  // Values no evaluation can have: an edited or forged record.
  const double fitness = r.evaluation.fitness;
  if (!std::isfinite(fitness) || fitness < 0.0 || !std::isfinite(r.elapsed_s) ||
      r.elapsed_s < 0.0) {
    throw_input_error("impossible journal record: fitness " + std::to_string(fitness) +
                          ", elapsed_s " + std::to_string(r.elapsed_s),
                      where, "the journal was edited; fitness and time are finite and >= 0");
  }
  return r;
}

}  // namespace

std::vector<EvaluationRecord> read_journal_records(const std::filesystem::path& journal,
                                                   const ParameterSpace& space) {
  std::vector<EvaluationRecord> records;
  std::error_code ec;
  if (!std::filesystem::exists(journal, ec)) return records;
  const std::string run_id = read_run_id(journal.parent_path());
  for (const nlohmann::json& j : read_journal(journal)) {
    const std::string where = journal.string() + ":" + std::to_string(records.size() + 1);
    require_same_run(run_id, j.is_object() ? j.value("run_id", nlohmann::json()) : nullptr, where,
                     "the journal record");
    records.push_back(record_from_json(j, space, where));
    if (records.back().id != records.size() - 1) {
      throw_input_error("journal ids are not consecutive: expected " +
                            std::to_string(records.size() - 1) + ", found " +
                            std::to_string(records.back().id),
                        where, "the journal was edited or mixes two runs");
    }
  }
  return records;
}

RunRecorder::RunRecorder(std::filesystem::path dir, const ParameterSpace& space, Strategy& strategy,
                         std::string strategy_name, std::size_t checkpoint_every)
    : dir_(std::move(dir)),
      space_(space),
      strategy_(strategy),
      strategy_name_(std::move(strategy_name)),
      checkpoint_every_(checkpoint_every),
      run_id_(read_run_id(dir_)) {}

const std::vector<EvaluationRecord>& RunRecorder::restore(EvolveLoop& loop, Rng& rng) {
  const std::optional<Checkpoint> checkpoint = read_checkpoint(dir_);
  past_ = read_journal_records(dir_ / "journal.jsonl", space_);
  LoopState state;
  if (checkpoint) {
    const std::string where = (dir_ / kCheckpointFile).string();
    require_same_run(
        run_id_, checkpoint->run_id.empty() ? nlohmann::json() : nlohmann::json(checkpoint->run_id),
        where, "the checkpoint");
    if (checkpoint->strategy != strategy_name_) {
      throw_input_error("the checkpoint is of strategy '" + checkpoint->strategy +
                            "', the run's is '" + strategy_name_ + "'",
                        where);
    }
    if (checkpoint->loop.evaluations > past_.size()) {
      throw_input_error("the checkpoint counts " + std::to_string(checkpoint->loop.evaluations) +
                            " evaluations, the journal holds " + std::to_string(past_.size()),
                        where, "the journal was truncated or replaced");
    }
    try {
      strategy_.restore(checkpoint->strategy_state);
    } catch (const nlohmann::json::exception& e) {
      throw_input_error(std::string("corrupt checkpoint: strategy state: ") + e.what(), where);
    }
    rng.restore(checkpoint->rng);
    state = checkpoint->loop;
  }
  const auto split = past_.begin() + static_cast<std::ptrdiff_t>(state.evaluations);
  const std::vector<EvaluationRecord> history(past_.begin(), split);
  loop.resume(state, history, std::vector<EvaluationRecord>(split, past_.end()));
  for (const EvaluationRecord& r : past_) {
    best_fitness_ = std::max(best_fitness_, r.evaluation.fitness);
  }
  return past_;
}

void RunRecorder::attach(EvolveLoop& loop, std::function<void(const EvaluationRecord&)> also) {
  journal_.emplace(dir_ / "journal.jsonl", journal_sync_);
  last_record_end_ = std::chrono::steady_clock::now();
  loop.on_evaluation([this, also = std::move(also)](const EvaluationRecord& r) {
    using seconds = std::chrono::duration<double>;
    const auto start = std::chrono::steady_clock::now();
    double outside = seconds(start - last_record_end_).count();
    if (!simulated_) outside -= r.evaluation.wall_s;
    best_fitness_ = std::max(best_fitness_, r.evaluation.fitness);
    journal_->append_line(journal_record_line(space_, r, best_fitness_, run_id_));
    last_record_end_ = std::chrono::steady_clock::now();
    last_timing_ = {std::max(0.0, outside), seconds(last_record_end_ - start).count()};
    if (also) also(r);
  });
  loop.on_checkpoint(checkpoint_every_, [this](const LoopState& state, const Rng& rng) {
    const auto now = std::chrono::steady_clock::now();
    const double spacing_s =
        std::max(checkpoint_min_seconds_, kCheckpointCostRatio * last_checkpoint_cost_s_);
    if (last_checkpoint_ && now - *last_checkpoint_ < std::chrono::duration<double>(spacing_s)) {
      skipped_ = state;
      skipped_rng_ = &rng;
      return;
    }
    write_checkpoint_now(state, rng);
  });
}

void RunRecorder::write_checkpoint_now(const LoopState& state, const Rng& rng) {
  const auto start = std::chrono::steady_clock::now();
  // The journal first: the checkpoint's evaluations must all be on disk before it.
  if (journal_) journal_->sync();
  write_checkpoint(dir_, {strategy_name_, strategy_.save(), rng.save(), state, run_id_});
  last_checkpoint_ = std::chrono::steady_clock::now();
  last_checkpoint_cost_s_ = std::chrono::duration<double>(*last_checkpoint_ - start).count();
  skipped_.reset();
  skipped_rng_ = nullptr;
}

void RunRecorder::finish() {
  // Nothing has run since the loop's final checkpoint call: the strategy and the rng
  // are as they were then.
  if (skipped_ && skipped_rng_) write_checkpoint_now(*skipped_, *skipped_rng_);
  if (journal_) journal_->sync();
}

}  // namespace evojit
