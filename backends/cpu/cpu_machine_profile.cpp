#include "backends/cpu/cpu_machine_profile.hpp"

#include <cerrno>
#include <cstring>

#include <fcntl.h>
#include <unistd.h>

#include "evaluators/profile_checks.hpp"
#include "evaluators/worker/worker_pool.hpp"
#include "support/error.hpp"

namespace evojit {
namespace {

void require_writable_parent(const std::filesystem::path& file, const char* flag) {
  const std::filesystem::path dir = file.has_parent_path() ? file.parent_path() : ".";
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  const std::filesystem::path probe = dir / (".evojit-write-test-" + std::to_string(::getpid()));
  const int fd = ::open(probe.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) {
    throw_input_error(std::string("cannot write there: ") + std::strerror(errno),
                      std::string(flag) + " " + file.string(),
                      "choose a location you can write to");
  }
  ::close(fd);
  ::unlink(probe.c_str());
}

}  // namespace

MachineProfile ensure_machine_profile(const std::filesystem::path& path, bool* measured,
                                      std::vector<std::string>* notes) {
  const std::filesystem::path where = path.empty() ? default_profile_path() : path;
  if (measured) *measured = false;
  if (auto loaded = load_machine_profile(where)) {
    const std::vector<std::string> missing = missing_levels(*loaded, read_cache_topology());
    if (missing.empty()) return *loaded;
    std::string reasons;
    for (const std::string& m : missing) reasons += "\n  " + m;
    if (!path.empty()) {
      throw_input_error("machine profile is incomplete:" + reasons, where.string(),
                        "measure it again with `evojit roofline --force --profile " +
                            where.string() + "`, or add the missing levels to the file");
    }
    if (notes)
      notes->push_back("machine profile " + where.string() +
                       " is incomplete, measuring again:" + reasons);
  }
  // Measuring takes a while: learn first that the result can be saved.
  require_writable_parent(where, "--profile");
  WorkerPool pool(1);  // the measurement runs in a worker too
  MachineProfile profile = measure_machine_profile(pool);
  save_machine_profile(profile, where);
  if (measured) *measured = true;
  return profile;
}

}  // namespace evojit
