#include "support/time.hpp"

#include <cstdlib>
#include <ctime>
#include <regex>
#include <string>

#include <gtest/gtest.h>

namespace evojit {
namespace {

// Run under a time zone 5h30 away from UTC: a stamp taken in local time would be off.
class UtcTime : public ::testing::Test {
 protected:
  void SetUp() override {
    if (const char* tz = std::getenv("TZ")) saved_ = tz, had_tz_ = true;
    ::setenv("TZ", "IST-5:30", 1);
    ::tzset();
  }
  void TearDown() override {
    if (had_tz_) {
      ::setenv("TZ", saved_.c_str(), 1);
    } else {
      ::unsetenv("TZ");
    }
    ::tzset();
  }

  // Seconds since the epoch of a "YYYY-MM-DDTHH:MM:SS" prefix read as UTC.
  static long long seconds_of(const std::string& stamp) {
    std::tm t{};
    EXPECT_EQ(std::sscanf(stamp.c_str(), "%d-%d-%dT%d:%d:%d", &t.tm_year, &t.tm_mon, &t.tm_mday,
                          &t.tm_hour, &t.tm_min, &t.tm_sec),
              6)
        << stamp;
    t.tm_year -= 1900;
    t.tm_mon -= 1;
    return static_cast<long long>(::timegm(&t));
  }

  std::string saved_;
  bool had_tz_ = false;
};

TEST_F(UtcTime, Iso8601NowIsUtcWithMicrosecondsAndAnOffset) {
  const long long before = static_cast<long long>(std::time(nullptr));
  const std::string stamp = iso8601_now();
  const long long after = static_cast<long long>(std::time(nullptr));
  EXPECT_TRUE(
      std::regex_match(stamp, std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}\+00:00)")))
      << stamp;
  EXPECT_GE(seconds_of(stamp), before) << stamp;
  EXPECT_LE(seconds_of(stamp), after) << stamp;
}

TEST_F(UtcTime, UtcNowFormatsWholeSecondsInUtc) {
  const long long before = static_cast<long long>(std::time(nullptr));
  const std::string stamp = utc_now("%Y-%m-%dT%H:%M:%S");
  const long long after = static_cast<long long>(std::time(nullptr));
  EXPECT_GE(seconds_of(stamp), before) << stamp;
  EXPECT_LE(seconds_of(stamp), after) << stamp;
  EXPECT_TRUE(std::regex_match(utc_now("%Y%m%d-%H%M%S"), std::regex(R"(\d{8}-\d{6})")));
}

}  // namespace
}  // namespace evojit
