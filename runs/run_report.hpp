// `evojit show RUN`: a run directory summarized as a table (plain text). Works on a
// finished run and on one that was interrupted (then the journal is the source).
#pragma once

#include <filesystem>
#include <string>

namespace evojit {

// Throws InputError when `dir` is not a run directory.
std::string format_run_report(const std::filesystem::path& dir);

}  // namespace evojit
