// The evaluator interface: a configuration in, an Evaluation (with fitness) out.
// Backends implement it: the CPU JIT through worker processes, replay of a recorded
// space, CUDA. evaluate() must be safe to call from several threads at once: the
// search loop overlaps evaluations where the backend allows it (compiles overlap,
// measurements are serialized inside the backend).
#pragma once

#include <string>

#include "evaluators/evaluation.hpp"
#include "genomes/parameter_space.hpp"

namespace evojit {

class Evaluator {
 public:
  virtual ~Evaluator() = default;
  virtual const ParameterSpace& space() const = 0;
  // Never throws for a failing candidate: failures are an EvalStatus with a diagnostic.
  virtual Evaluation evaluate(const Config& config) = 0;
  // A cheaper evaluation for multi-fidelity search: fidelity 0 is evaluate(); 1, 2, ...
  // are cheaper (fewer or smaller sizes, fewer repetitions), up to fidelity_levels()-1.
  // Backends without cheaper levels keep the defaults: one level, and the search
  // loop then evaluates every fidelity as a full one (and caches it as such).
  virtual Evaluation evaluate_at(const Config& config, std::size_t fidelity) {
    (void)fidelity;
    return evaluate(config);
  }
  virtual std::size_t fidelity_levels() const { return 1; }
  // How many evaluations can usefully run at once (workers); 1 means serial.
  virtual std::size_t concurrency() const { return 1; }
  // Seconds of (real or simulated) tuning time charged so far. A replay backend
  // charges the recorded compile + verification + benchmark time; live backends
  // return wall time.
  virtual double elapsed_s() const = 0;
  // True when the same configuration always gives the same Evaluation (replay),
  // so a resumed or repeated run reproduces its journal exactly.
  virtual bool deterministic() const { return false; }
};

}  // namespace evojit
