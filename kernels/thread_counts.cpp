#include "kernels/thread_counts.hpp"

#include <algorithm>
#include <cstdint>
#include <thread>

namespace evojit {

std::vector<Value> thread_count_values() {
  const std::int64_t hardware = std::max<std::int64_t>(1, std::thread::hardware_concurrency());
  std::vector<Value> values;
  for (std::int64_t t = 1; t < hardware; t *= 2) values.emplace_back(t);
  values.emplace_back(hardware);
  return values;
}

Parameter threads_parameter(std::string name) {
  return Parameter::list(std::move(name), thread_count_values());
}

}  // namespace evojit
