// A strategy in a few lines: any type with
//   std::vector<Config> ask(Rng&, std::size_t n)
//   void tell(std::span<const Scored> results)
// becomes a Strategy through make_strategy(T), without deriving from Strategy.
// Optional members, used when present: `std::string name() const`,
// `nlohmann::json save() const` with `void restore(const nlohmann::json&)` (both or
// neither), `void immigrate(std::span<const Scored>)`.
//
// Resume without save/restore: save() is null and restoring null does nothing, so a
// resumed run (runs/run_recorder.cpp) starts such a strategy afresh. Nothing is paid
// twice: the evolve loop's duplicate cache holds every journaled evaluation, so a
// point the strategy proposes again is answered with its journaled score at no cost
// (a duplicate, told like any result), and the journal continues from where it was.
// The trajectory is then not the uninterrupted run's; with save/restore it is.
#pragma once

#include <concepts>
#include <memory>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "search/strategy.hpp"
#include "support/error.hpp"

namespace evojit {

template <class T>
concept UserStrategyType = requires(T& t, Rng& rng, std::size_t n, std::span<const Scored> r) {
  { t.ask(rng, n) } -> std::convertible_to<std::vector<Config>>;
  t.tell(r);
};

template <UserStrategyType T>
class UserStrategy final : public Strategy {
  static constexpr bool kSaves = requires(const T& t) {
    { t.save() } -> std::convertible_to<nlohmann::json>;
  };
  static constexpr bool kRestores = requires(T & t, const nlohmann::json& j) { t.restore(j); };
  static_assert(kSaves == kRestores, "a user strategy has both save() and restore() or neither");

 public:
  explicit UserStrategy(T t) : t_(std::move(t)) {}

  std::string name() const override {
    if constexpr (requires {
                    { t_.name() } -> std::convertible_to<std::string>;
                  })
      return t_.name();
    else
      return "user strategy";
  }
  std::vector<Config> ask(Rng& rng, std::size_t n) override { return t_.ask(rng, n); }
  void tell(std::span<const Scored> results) override { t_.tell(results); }
  nlohmann::json save() const override {
    if constexpr (kSaves)
      return t_.save();
    else
      return nullptr;
  }
  void restore(const nlohmann::json& state) override {
    if constexpr (kRestores) {
      t_.restore(state);
    } else if (!state.is_null()) {
      throw_input_error(
          "the checkpoint holds a state for strategy '" + name() + "', which cannot restore one",
          "strategy_state", "start the run afresh");
    }
  }
  void immigrate(std::span<const Scored> migrants) override {
    if constexpr (requires { t_.immigrate(migrants); }) t_.immigrate(migrants);
  }

  T& get() { return t_; }

 private:
  T t_;
};

template <UserStrategyType T>
std::unique_ptr<Strategy> make_strategy(T t) {
  return std::make_unique<UserStrategy<T>>(std::move(t));
}

}  // namespace evojit
