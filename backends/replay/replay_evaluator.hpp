// Replay of a recorded space (Kernel Tuner's simulation mode): evaluate() looks the
// configuration up in a Kernel Tuner cache instead of compiling and running it.
//
// - The objective is the recorded mean time: one SizeResult (the cache's problem size)
//   with timing.median_s = time (the mean; Kernel Tuner records no median).
// - fitness = 1 / time in milliseconds (= 1e-3 / time_s): monotone decreasing in time,
//   with no knowledge of the optimum, so strategies see what they would see live.
// - Recorded failures stay failures of their class, the diagnostic starting with the
//   recorded string: CompilationFailedConfig -> compile_error; RuntimeFailedConfig ->
//   crash (Kernel Tuner records it when the launch fails, e.g. too many resources
//   requested for a block size); InvalidConfig -> compile_error (Kernel Tuner's own
//   pre-launch checks rejected it: it never ran, like a rejected compile; T4 output
//   reports it as "constraints").
// - The simulated clock (elapsed_s) charges compile + verification + benchmark time of
//   a configuration on its first visit only, as Kernel Tuner's simulation mode does.
//
// The space: given (a T1 file's parameters and Conditions), it is restricted to the
// values the cache recorded (tune_params), and a configuration valid in it but absent
// from the cache is an error of the data (InputError: the cache does not cover the
// space). Not given, the restrictions the cache was recorded under are unknown and
// the configurations the cache holds are the valid ones: the space is the cache's
// tune_params restricted to its recorded points (ParameterSpace::with_points), so no
// strategy proposes, and no budget pays for, a configuration the cache lacks. (One
// given from outside the space, from an old journal say, still evaluates as an
// InvalidConfig failure that costs no time.)
#pragma once

#include <atomic>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "evaluators/evaluator.hpp"
#include "interop/kernel_tuner_cache.hpp"

namespace evojit {

// The diagnostic of an InvalidConfig evaluation starts with this.
inline constexpr const char* kInvalidConfigDiagnostic = "InvalidConfig";

class ReplayEvaluator final : public Evaluator {
 public:
  // Space from the cache's tune_params.
  explicit ReplayEvaluator(std::shared_ptr<const KernelTunerCache> cache);
  // Space from a T1 file. Throws InputError when a parameter of one side is missing
  // from the other and has more than one value, or when no recorded value is left.
  ReplayEvaluator(std::shared_ptr<const KernelTunerCache> cache, const ParameterSpace& space);
  ~ReplayEvaluator() override;

  const ParameterSpace& space() const override { return space_; }
  Evaluation evaluate(const Config& config) override;
  double elapsed_s() const override;
  bool deterministic() const override { return true; }
  std::size_t concurrency() const override { return 1; }

  // Forgets the visits: the clock restarts at zero (a new simulated run).
  void reset();

  const KernelTunerCache& cache() const { return *cache_; }
  // True when the space came from a T1 file (absent valid configurations are errors).
  bool from_t1() const { return from_t1_; }
  // The cache entry recorded for `config`, or nullopt.
  std::optional<std::size_t> entry_of(const Config& config) const;
  // The configuration of cache entry i in this space, or nullopt when one of its
  // values is not in the space (a T1 space pinned narrower than the cache).
  std::optional<Config> config_of(std::size_t entry) const;
  // Seconds the recorded evaluation of entry i cost.
  double cost_s(std::size_t entry) const { return cache_->entry(entry).cost_ms() * 1e-3; }

 private:
  void build_mapping();
  Evaluation from_entry(std::size_t entry) const;

  std::shared_ptr<const KernelTunerCache> cache_;
  ParameterSpace space_;
  bool from_t1_ = false;
  // For space parameter i: its key position in the cache (or npos) and, per value
  // index, the cache's value index.
  std::vector<std::size_t> key_of_param_;
  std::vector<std::vector<std::uint32_t>> cache_value_;
  std::vector<std::size_t> param_of_key_;  // npos for keys pinned to one value
  SizeResult size_template_;
  std::unique_ptr<std::atomic<std::uint8_t>[]> visited_;
  std::atomic<double> elapsed_s_{0.0};
};

}  // namespace evojit
