// The current time in UTC, as the files evojit writes stamp it. One implementation
// (gmtime_r: thread-safe, unlike gmtime's shared buffer) for every layer.
#pragma once

#include <string>

namespace evojit {

// Now as ISO 8601 with microseconds and an explicit offset,
// "2024-05-01T12:00:00.123456+00:00": Python's datetime.isoformat() in UTC, the form
// T4 files and Kernel Tuner caches carry; also machine profiles' measured_at.
std::string iso8601_now();

// Now in UTC, whole seconds, formatted by strftime's `format` (run directory names:
// "%Y%m%d-%H%M%S").
std::string utc_now(const char* format);

}  // namespace evojit
