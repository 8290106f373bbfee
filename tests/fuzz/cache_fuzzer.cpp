// libFuzzer target: the Kernel Tuner cache reader. Text goes to KernelTunerCache::parse;
// input that starts with the gzip magic is written to a file and read with load(), the
// only entry point that decompresses (truncated and corrupt streams). Every lookup of a
// parsed cache is exercised too. Any InputError is an expected rejection; anything else
// is a finding.
#include <unistd.h>

#include <cstdlib>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "interop/kernel_tuner_cache.hpp"
#include "support/error.hpp"

namespace {

void exercise(const evojit::KernelTunerCache& c) {
  for (std::size_t i = 0; i < c.size(); ++i) {
    const auto index = c.entry_index(i);
    std::vector<std::uint32_t> copy(index.begin(), index.end());
    if (!c.find(copy)) __builtin_trap();  // every entry must be found by its own index
    (void)c.entry(i).cost_ms();
    if (!copy.empty()) {
      copy.back() += 1;  // one past a value list: absent, never out of bounds
      (void)c.find(copy);
    }
  }
  for (const std::string& key : c.keys()) (void)c.key_position(key);
}

std::filesystem::path scratch_file() {
  return std::filesystem::temp_directory_path() /
         ("evojit-cache-fuzz-" + std::to_string(::getpid()) + ".json.gz");
}

}  // namespace

// A 1 MiB cap on the decompressed text: a few KiB of gzip reach it (the default cap,
// 512 MiB, is beyond any input the fuzzer writes).
extern "C" int LLVMFuzzerInitialize(int*, char***) {
  ::setenv("EVOJIT_MAX_INPUT_MB", "1", 1);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const bool gzip = size >= 2 && data[0] == 0x1f && data[1] == 0x8b;
  try {
    if (gzip) {
      static const std::filesystem::path path = scratch_file();
      FILE* f = std::fopen(path.c_str(), "wb");
      if (f == nullptr) return 0;
      std::fwrite(data, 1, size, f);
      std::fclose(f);
      exercise(evojit::KernelTunerCache::load(path));
    } else {
      const std::string_view text(reinterpret_cast<const char*>(data), size);
      exercise(evojit::KernelTunerCache::parse(text, "fuzz.json"));
    }
  } catch (const evojit::InputError&) {
  }
  return 0;
}
