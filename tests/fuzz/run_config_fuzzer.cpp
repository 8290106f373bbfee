// libFuzzer target: the run configuration reader (parse_run_config). Any
// InputError is an expected rejection; anything else is a finding.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "runs/run_config_file.hpp"
#include "support/error.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    const evojit::RunSpec config = evojit::parse_run_config(text, "fuzz.json");
    (void)evojit::to_json(config).dump();
  } catch (const evojit::InputError&) {
  }
  return 0;
}
