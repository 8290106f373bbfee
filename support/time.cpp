#include "support/time.hpp"

#include <chrono>
#include <cstdio>
#include <ctime>

namespace evojit {
namespace {

std::string format_utc(std::time_t seconds, const char* format) {
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char text[64];
  const std::size_t n = std::strftime(text, sizeof text, format, &utc);
  return std::string(text, n);
}

}  // namespace

std::string iso8601_now() {
  const auto now = std::chrono::system_clock::now();
  const auto micros =
      std::chrono::duration_cast<std::chrono::microseconds>(now.time_since_epoch()) %
      std::chrono::seconds(1);
  char fraction[16];
  std::snprintf(fraction, sizeof fraction, ".%06lld+00:00", static_cast<long long>(micros.count()));
  return format_utc(std::chrono::system_clock::to_time_t(now), "%Y-%m-%dT%H:%M:%S") + fraction;
}

std::string utc_now(const char* format) {
  return format_utc(std::chrono::system_clock::to_time_t(std::chrono::system_clock::now()), format);
}

}  // namespace evojit
