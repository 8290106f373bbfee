#include "cli/cache_command.hpp"

#include <cmath>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <memory>

#include "cli/number_options.hpp"
#include "evaluators/cache/evaluation_store.hpp"
#include "support/error.hpp"

namespace evojit::cli {
namespace {

// The store a `cache` subcommand works on; a file set aside on opening is said.
std::unique_ptr<EvaluationStore> open_store(const std::string& file) {
  const std::filesystem::path path =
      file.empty() ? default_evaluation_store_path() : std::filesystem::path(file);
  std::vector<std::string> notes;
  auto store = EvaluationStore::open(path, notes);
  for (const std::string& n : notes) std::fprintf(stderr, "note: %s\n", n.c_str());
  return store;
}

}  // namespace

void add_cache_flags(CLI::App& cmd, CacheFlags& flags) {
  cmd.add_option("--cache", flags.file,
                 "Persistent evaluation cache file (default: evaluations.sqlite in the user's "
                 "cache directory; none on a replay unless given)");
  cmd.add_flag("--no-cache", flags.off, "Use no evaluation cache, in memory or on disk");
  add_integer_option(cmd, "--cache-measurements", flags.measurements, 1, UINT64_MAX,
                     "Measurements a cached timing aggregates before it answers (default 1)");
  cmd.add_option("--cache-forget", flags.forget,
                 "Probability that a cache hit is forgotten and measured again (0..1, default 0)");
}

void apply_cache_flags(const CLI::App& cmd, const CacheFlags& flags, CacheSpec& spec) {
  if (flags.off && cmd.count("--cache") > 0) {
    throw_input_error("--cache names a cache file; --no-cache asks for none", "--cache",
                      "give one of them");
  }
  if (flags.off) spec.enabled = false;
  if (cmd.count("--cache") > 0) {
    if (flags.file.empty()) {
      throw_input_error("--cache needs a file name", "--cache", "e.g. --cache runs/cache.sqlite");
    }
    spec.enabled = true;
    spec.file = flags.file;
  }
  if (cmd.count("--cache-measurements") > 0) spec.measurements = flags.measurements;
  if (cmd.count("--cache-forget") > 0) {
    char* end = nullptr;
    const double p = std::strtod(flags.forget.c_str(), &end);
    if (flags.forget.empty() || *end != '\0' || !(p >= 0.0 && p <= 1.0)) {
      throw_input_error("expected a probability between 0 and 1, got '" + flags.forget + "'",
                        "--cache-forget", "e.g. --cache-forget 0.1 (0: never forget)");
    }
    spec.forget_probability = p;
  }
}

void add_cache_command(CLI::App& app) {
  auto* cmd = app.add_subcommand("cache", "The persistent evaluation cache: stats, clear, export");
  cmd->require_subcommand(1);
  auto file = std::make_shared<std::string>();
  cmd->add_option("--cache", *file, "Cache file (default: the user's)");
  auto* stats = cmd->add_subcommand("stats", "Entries, and the hits and misses of every run");
  stats->callback([file] {
    auto store = open_store(*file);
    const CacheStats s = store->stats();
    const std::uint64_t asked = s.hits + s.misses;
    std::printf("file      %s\n", store->path().string().c_str());
    std::printf("entries   %llu\n", static_cast<unsigned long long>(s.entries));
    std::printf("hits      %llu of %llu lookups (%.1f%%)\n",
                static_cast<unsigned long long>(s.hits), static_cast<unsigned long long>(asked),
                asked ? 100.0 * static_cast<double>(s.hits) / static_cast<double>(asked) : 0.0);
  });
  auto* clear = cmd->add_subcommand("clear", "Remove every entry");
  clear->callback([file] {
    auto store = open_store(*file);
    const std::uint64_t n = store->stats().entries;
    store->clear();
    std::printf("cleared %llu entries from %s\n", static_cast<unsigned long long>(n),
                store->path().string().c_str());
  });
  auto* exporter = cmd->add_subcommand("export", "Every entry as JSON lines");
  auto out = std::make_shared<std::string>();
  exporter->add_option("--out", *out, "File to write (default: stdout)");
  exporter->callback([file, out] {
    auto store = open_store(*file);
    if (out->empty()) {
      store->export_json_lines(std::cout);
      return;
    }
    std::ofstream f(*out);
    if (!f) throw_input_error("cannot write the export", *out, "choose another --out");
    store->export_json_lines(f);
    if (!f.flush())
      throw_input_error("cannot write the export", *out, "free space or another --out");
  });
}

}  // namespace evojit::cli
