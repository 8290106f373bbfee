#include "runs/run_identity.hpp"

#include <fstream>
#include <iterator>
#include <random>

#include "support/atomic_file.hpp"
#include "support/error.hpp"
#include "support/hash.hpp"

namespace evojit {

std::string new_run_id() {
  std::random_device source;  // /dev/urandom on Linux
  std::uint64_t high = (std::uint64_t{source()} << 32) | source();
  std::uint64_t low = (std::uint64_t{source()} << 32) | source();
  return hash_hex(high) + hash_hex(low);
}

std::string content_run_id(const nlohmann::json& content) {
  const std::string text = content.dump();
  return hash_hex(hash_text(text, 1)) + hash_hex(hash_text(text, 2));
}

std::string run_content_hash(const nlohmann::json& run) {
  nlohmann::json content = run;
  if (content.is_object()) content.erase("content_hash");
  // dump() writes object keys sorted and numbers in their shortest round-trip form:
  // the same content gives the same text, whoever wrote it.
  return hash_hex(hash_text(content.dump()));
}

std::string write_run_json(const std::filesystem::path& dir, nlohmann::json run) {
  if (!run.contains("run_id") || !run.at("run_id").is_string()) run["run_id"] = new_run_id();
  run["content_hash"] = run_content_hash(run);
  write_file_atomically(dir / "run.json", run.dump(2) + "\n");
  return run.at("run_id").get<std::string>();
}

void require_unedited_run_json(const nlohmann::json& run, const std::string& where) {
  if (!run.contains("content_hash")) {
    if (run.contains("run_id")) {
      throw_input_error("run.json has a run id but no content hash", where,
                        "it was edited; restore it, or start a new run with `evojit run`");
    }
    return;  // a run from before content hashes
  }
  const nlohmann::json& stored = run.at("content_hash");
  if (!stored.is_string() || stored.get<std::string>() != run_content_hash(run)) {
    throw_input_error("run.json was edited (its content hash does not match)", where,
                      "restore it, or start a new run with `evojit run --config`; to give a "
                      "run more evaluations use `evojit resume DIR --budget N`");
  }
}

std::string read_run_id(const std::filesystem::path& dir) {
  std::ifstream in(dir / "run.json", std::ios::binary);
  if (!in) return {};
  const nlohmann::json run =
      nlohmann::json::parse(std::istreambuf_iterator<char>(in), {}, nullptr, false);
  if (!run.is_object() || !run.contains("run_id") || !run.at("run_id").is_string()) return {};
  return run.at("run_id").get<std::string>();
}

void require_same_run(const std::string& expected, const nlohmann::json& found,
                      const std::string& where, const char* what) {
  if (expected.empty()) return;
  if (found.is_string() && found.get<std::string>() == expected) return;
  throw_input_error(
      std::string(what) + " belongs to another run (run id " +
          (found.is_string() ? found.get<std::string>().substr(0, 40) : std::string("missing")) +
          ", this run's is " + expected + ")",
      where, "it was copied from another run directory; restore this run's own");
}

}  // namespace evojit
