// Fitness: how an evaluation becomes one number the search maximizes. The default,
// RooflineFitness, follows the Metal-Sci harness: per size, the fraction of the
// machine's roofline achieved (roofline time / measured time, with roofline time =
// max(flops / peak FLOP/s, bytes / peak bandwidth) from the task's workload model);
// the run's fitness is the geometric mean over sizes, and any failing size gives 0.
//
// A user's fitness is any type with `double score(Evaluation&, const std::vector<
// Workload>&) const` (and optionally `std::string name() const` and, for multi-objective
// runs, `std::size_t objectives() const` with the minimized objectives written to
// Evaluation::objectives): a few lines, held by value in a Fitness (pagmo's
// problem shape), which validates what it returns at the boundary.
#pragma once

#include <concepts>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "support/named_registry.hpp"

#include "evaluators/evaluation.hpp"
#include "evaluators/machine_profile.hpp"
#include "kernels/task.hpp"

namespace evojit {

// What a fitness function is: fills the per-size figures it derives (roofline_s,
// fraction, suspect) and returns the fitness, maximized: finite, >= 0. It is called
// only for an evaluation whose status is ok; `workloads` has one entry per
// evaluation.sizes entry.
class FitnessFunction {  // the former base class, kept while the backends move to Fitness
 public:
  virtual ~FitnessFunction() = default;
  virtual std::string name() const = 0;
  virtual double score(Evaluation& evaluation, const std::vector<Workload>& workloads) const = 0;
};

template <class F>
concept FitnessFunctionType = requires(const F& f, Evaluation& e, const std::vector<Workload>& w) {
  { f.score(e, w) } -> std::convertible_to<double>;
};

// A fitness held by value. score() is the boundary: a result that is not finite or
// negative, or a wrong number of objectives, turns the evaluation into a failure
// (wrong_result, the diagnostic naming the fitness), never a dead run.
class Fitness {
 public:
  template <FitnessFunctionType F>
  Fitness(F f) : impl_(std::make_shared<Model<F>>(std::move(f))) {}  // NOLINT: implicit on purpose

  std::string name() const { return impl_->name(); }
  std::size_t objectives() const { return impl_->objectives(); }
  // Sets evaluation.fitness (0 unless ok) and checks evaluation.objectives.
  void score(Evaluation& evaluation, const std::vector<Workload>& workloads) const;

 private:
  struct Concept {
    virtual ~Concept() = default;
    virtual std::string name() const = 0;
    virtual std::size_t objectives() const = 0;
    virtual double score(Evaluation&, const std::vector<Workload>&) const = 0;
  };
  template <class F>
  struct Model final : Concept {
    explicit Model(F f) : f(std::move(f)) {}
    std::string name() const override {
      if constexpr (requires {
                      { f.name() } -> std::convertible_to<std::string>;
                    })
        return f.name();
      else
        return "user fitness";
    }
    std::size_t objectives() const override {
      if constexpr (requires {
                      { f.objectives() } -> std::convertible_to<std::size_t>;
                    })
        return f.objectives();
      else
        return 0;
    }
    double score(Evaluation& e, const std::vector<Workload>& w) const override {
      return f.score(e, w);
    }
    F f;
  };
  std::shared_ptr<const Concept> impl_;
};

// What a fitness is made from: the machine's ceilings (absent on replay), the
// fitness parameters as a JSON object (validated by the factory), the training
// sizes' workloads, the fields the backend records beside time
// (BackendTraits::recorded_fields) and, for a fitness relative to the naive kernel,
// a way to measure it: seed_time_s() returns the geometric mean over the training
// sizes of the seed's median time (seconds); it throws InputError when the run has no
// seed or it fails, and is empty outside a run.
struct FitnessContext {
  const MachineProfile* ceilings = nullptr;
  nlohmann::json params = nlohmann::json::object();
  std::vector<Workload> workloads;
  std::vector<std::string> recorded_fields;
  std::function<double()> seed_time_s;
};
using FitnessFactory = std::function<Fitness(const FitnessContext&)>;

class FitnessRegistry : public NamedRegistry<FitnessFactory> {
 public:
  FitnessRegistry() : NamedRegistry("fitness", "--fitness") {}
  Fitness create(const std::string& name, const FitnessContext& context) const {
    return factory(name)(context);
  }
};

// The built-in fitness functions (README "Bring your own"):
//   roofline      fraction of the roofline (needs ceilings; the cpu and cuda default)
//   time          1 / the geometric mean of the median times in ms ("inverse-time",
//                 its former name, is kept: the replay default)
//   speedup       the seed's time / the candidate's (geometric means over the sizes);
//                 params {"baseline_ms": T} give the baseline instead of the seed
//   throughput    the workload's GFLOP/s (params {"of": "bytes"}: GB/s), geometric
//                 mean over the sizes
//   objective     recorded fields with directions, params {"objectives":
//                 "energy:min,GFLOP/s:max"} (--objective); several give NSGA-II its
//                 minimized objectives
void register_builtin_fitness(FitnessRegistry& registry);
void register_objective_fitness(FitnessRegistry& registry);  // (objective_fitness.cpp)

// A per-size figure is flagged suspect (SizeResult::suspect) rather than trusted when
// its fraction of roofline is above kSuspectFraction (the ceiling must be wrong: a
// kernel cannot beat the machine's peak by 20%) or its timing's coefficient of
// variation is above kSuspectCv (a noisy machine). The score itself is unchanged.
inline constexpr double kSuspectFraction = 1.2;
inline constexpr double kSuspectCv = 0.10;

// Why a timed size's figure is suspect; empty when it is not.
std::string suspect_reason(double fraction, double cv);

// Roofline time of one workload on a machine (seconds).
double roofline_seconds(const Workload& w, double peak_flops, double peak_bandwidth);

class RooflineFitness final : public FitnessFunction {
 public:
  // One memory level: every size is bounded by `peak_bandwidth`.
  RooflineFitness(double peak_flops, double peak_bandwidth);
  // Cache-aware: each size is bounded by the bandwidth of the level its footprint
  // fits in, so in-cache sizes are not scored against DRAM (fractions stay <= ~1).
  explicit RooflineFitness(MachineProfile profile);

  std::string name() const override { return "roofline"; }
  double score(Evaluation& evaluation, const std::vector<Workload>& workloads) const override;

  // The bandwidth ceiling this fitness uses for a workload.
  double bandwidth_for(const Workload& w) const;

 private:
  MachineProfile profile_;
};

}  // namespace evojit
