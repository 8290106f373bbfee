// Writing files so that a reader (or a crash) never sees half of one: write a
// temporary file beside the target, flush it to disk, rename it over the target.
#pragma once

#include <filesystem>
#include <string>

namespace evojit {

// Creates parent directories as needed. Throws InputError naming the file on I/O
// failure (disk full, unwritable location), having removed its temporary file.
void write_file_atomically(const std::filesystem::path& path, const std::string& content);

}  // namespace evojit
