// A deterministic evaluator over a small integer space with a known optimum, for
// testing strategies and the evolve loop without compiling anything.
//
// The space has `parameters` integer parameters x0, x1, ... with values 0..values-1;
// fitness is 1 / (1 + sum_i (x_i - target_i)^2), so 1.0 exactly at the target. A
// cheap fidelity (1) scores 1 / (1 + sum_i |x_i - target_i|): correlated with the
// full fitness but on another scale, as a small problem size would be.
#pragma once

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

#include "evaluators/evaluator.hpp"

namespace evojit::test {

inline ParameterSpace make_toy_space(std::size_t parameters, int values) {
  std::vector<Parameter> ps;
  for (std::size_t i = 0; i < parameters; ++i) {
    ps.push_back(Parameter::integer_range("x" + std::to_string(i), 0, values - 1));
  }
  return ParameterSpace(std::move(ps), {});
}

class ToyEvaluator : public Evaluator {
 public:
  explicit ToyEvaluator(std::vector<int> target = {7, 2, 5, 9}, int values = 10)
      : space_(make_toy_space(target.size(), values)), target_(std::move(target)) {}

  const ParameterSpace& space() const override { return space_; }
  double elapsed_s() const override { return static_cast<double>(calls_.load()); }
  std::size_t concurrency() const override { return concurrency_; }
  std::size_t fidelity_levels() const override { return fidelity_levels_; }
  bool deterministic() const override { return true; }

  void set_concurrency(std::size_t n) { concurrency_ = n; }
  void set_fidelity_levels(std::size_t n) { fidelity_levels_ = n; }
  // The first evaluation waits (up to 10 s) until a second one has started: proves
  // that evaluations overlap without asserting on time.
  void require_overlap() { require_overlap_ = true; }

  double fitness(const Config& c) const {
    double d2 = 0.0;
    for (std::size_t i = 0; i < target_.size(); ++i) {
      const double d = static_cast<double>(c.index[i]) - target_[i];
      d2 += d * d;
    }
    return 1.0 / (1.0 + d2);
  }
  double cheap_fitness(const Config& c) const {
    double d1 = 0.0;
    for (std::size_t i = 0; i < target_.size(); ++i) {
      d1 += std::abs(static_cast<double>(c.index[i]) - target_[i]);
    }
    return 1.0 / (1.0 + d1);
  }

  Evaluation evaluate(const Config& c) override { return evaluate_at(c, 0); }
  Evaluation evaluate_at(const Config& c, std::size_t fidelity) override {
    const std::size_t now = ++in_flight_;
    std::size_t seen = max_in_flight_.load();
    while (now > seen && !max_in_flight_.compare_exchange_weak(seen, now)) {
    }
    if (require_overlap_) {
      std::unique_lock lock(overlap_mutex_);
      if (!first_started_) {
        first_started_ = true;
        overlapped_ = in_flight_ > 1 || overlap_.wait_for(lock, std::chrono::seconds(10),
                                                          [&] { return another_started_; });
      } else if (!another_started_) {
        // Started while the first one is still inside evaluate_at: they overlap.
        another_started_ = true;
        overlap_.notify_all();
      }
    }
    Evaluation e;
    e.fitness = fidelity == 0 ? fitness(c) : cheap_fitness(c);
    {
      std::lock_guard lock(log_mutex_);
      log_.push_back({c, fidelity});
    }
    ++calls_;
    --in_flight_;
    return e;
  }

  struct Call {
    Config config;
    std::size_t fidelity;
  };
  std::vector<Call> log() const {
    std::lock_guard lock(log_mutex_);
    return log_;
  }
  std::size_t calls() const { return calls_; }
  std::size_t max_in_flight() const { return max_in_flight_; }
  bool overlapped() const { return overlapped_; }

 private:
  ParameterSpace space_;
  std::vector<int> target_;
  std::size_t concurrency_ = 1;
  std::size_t fidelity_levels_ = 1;
  std::atomic<std::size_t> calls_{0};
  std::atomic<std::size_t> in_flight_{0};
  std::atomic<std::size_t> max_in_flight_{0};
  mutable std::mutex log_mutex_;
  std::vector<Call> log_;
  bool require_overlap_ = false;
  std::mutex overlap_mutex_;
  std::condition_variable overlap_;
  bool first_started_ = false;
  bool another_started_ = false;
  bool overlapped_ = false;
};

}  // namespace evojit::test
