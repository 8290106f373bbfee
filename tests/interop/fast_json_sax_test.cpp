// The cache reader's fast JSON driver sends a SAX handler exactly the events
// nlohmann's sax_parse sends for the same text, and gives up (so that nlohmann reads
// the text) on anything outside its subset and on every syntax error.
#include "interop/fast_json_sax.hpp"

#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace evojit::kernel_tuner_cache {
namespace {

using json = nlohmann::json;

// Writes every event down, with its value's type and text.
struct Recorder {
  using number_integer_t = json::number_integer_t;
  using number_unsigned_t = json::number_unsigned_t;
  using number_float_t = json::number_float_t;
  using string_t = json::string_t;
  using binary_t = json::binary_t;
  std::vector<std::string> events;

  bool null() { return add("null"); }
  bool boolean(bool v) { return add(v ? "true" : "false"); }
  bool number_integer(number_integer_t v) { return add("int " + std::to_string(v)); }
  bool number_unsigned(number_unsigned_t v) { return add("unsigned " + std::to_string(v)); }
  bool number_float(number_float_t v, const string_t&) { return add("float " + json(v).dump()); }
  bool string(string_t& v) { return add("string " + v); }
  bool binary(binary_t&) { return add("binary"); }
  bool start_object(std::size_t) { return add("{"); }
  bool end_object() { return add("}"); }
  bool start_array(std::size_t) { return add("["); }
  bool end_array() { return add("]"); }
  bool key(string_t& k) { return add("key " + k); }
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) {
    return false;
  }
  bool add(std::string e) {
    events.push_back(std::move(e));
    return true;
  }
};

bool fast(const std::string& text, Recorder& r) { return FastJsonSax<Recorder>(text, r).run(); }

TEST(FastJsonSax, SendsNlohmannsEventsForTheTextOfACache) {
  const std::vector<std::string> texts = {
      R"({"device_name": "A100", "cache": {"16,8": {"block": 16, "time": 1.25, "times": [1.5, 1.0e-3,
         2E+2, 0.0, -0.5], "GFLOP/s": 123.0, "neg": -7, "zero": 0, "mzero": -0, "big":
         999999999999999999, "ok": true, "no": false, "none": null, "empty": {}, "list": []}}})",
      "  [1, -2, 3.5e10 ,\"x\"]\r\n\t",
      "0",
      "\"text\"",
      "{\"a\":{\"a\":{\"a\":[[[]]]}}}",
      "1e-300",
      "123456789012345678",
  };
  for (const std::string& text : texts) {
    Recorder mine, theirs;
    ASSERT_TRUE(fast(text, mine)) << text;
    ASSERT_TRUE(json::sax_parse(text, &theirs)) << text;
    EXPECT_EQ(mine.events, theirs.events) << text;
  }
}

TEST(FastJsonSax, LeavesToNlohmannWhatIsOutsideItsSubsetOrNotJson) {
  const std::vector<std::string> texts = {
      R"({"a\"b": 1})",        // an escape
      "{\"caf\xc3\xa9\": 1}",  // not ASCII
      "1234567890123456789",   // 19 digits: nlohmann's range rules
      "1e400",                 // out of range
      "{\"a\": 1,}",           // syntax errors
      "{\"a\" 1}",
      "[1 2]",
      "01",
      "1.",
      "-",
      "tru",
      "{} x",
      "{\"cache\": {\"1\": {\"time\": 1.0}",          // cut short
      "\xef\xbb\xbf{}",                               // a byte order mark
      std::string(100, '[') + std::string(100, ']'),  // deeper than 64
  };
  for (const std::string& text : texts) {
    Recorder mine;
    EXPECT_FALSE(fast(text, mine)) << text;
  }
}

}  // namespace
}  // namespace evojit::kernel_tuner_cache
