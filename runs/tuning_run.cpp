#include "runs/tuning_run.hpp"

#include <cerrno>
#include <cstring>

#include <fcntl.h>
#include <unistd.h>

#include "backends/cpu/cpu_evaluator.hpp"
#include "evaluators/profile_checks.hpp"
#include "evaluators/worker/worker_pool.hpp"
#include "runs/run_backend.hpp"
#include "runs/run_identity.hpp"
#include "runs/run_lock.hpp"
#include "runs/worker_check.hpp"
#include "support/atomic_file.hpp"
#include "support/error.hpp"

namespace evojit {
using nlohmann::json;

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

json evojit_versions() {
  return {{"evojit", EVOJIT_VERSION},
          {"llvm", EVOJIT_LLVM_VERSION},
          {"compiler", __VERSION__},
          {"cxx_standard", __cplusplus}};
}

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
  WorkerPool pool(1);
  require_startable_worker(pool);  // the measurement runs in a worker too
  MachineProfile profile = measure_machine_profile(pool);
  save_machine_profile(profile, where);
  if (measured) *measured = true;
  return profile;
}

namespace {

// The run itself, fresh (run.json just written) or resumed (checkpoint and journal
// restored first), on the CPU backend.
RunOutcome run_in_directory(RunPlan& plan, const MachineProfile& profile,
                            const std::function<void(const RunProgress&)>& progress, bool resuming,
                            WorkerPool& pool) {
  RooflineFitness fitness(profile);
  CpuEvaluatorOptions options;
  options.measure = plan.config.measure;
  CpuEvaluator evaluator(*plan.task, plan.space, plan.task->training_sizes(), pool, fitness,
                         options);
  const RunBackend backend{
      evaluator, "kernel.cpp", [&](const Config& c) { return evaluator.source(c); },
      [&](const Config& c) { return evaluator.evaluate_on(c, plan.task->held_out_sizes()); },
      profile.cpu_model};
  return run_with_backend(plan, backend, progress, resuming);
}

}  // namespace

RunOutcome execute_run(RunPlan& plan, const MachineProfile& profile,
                       const std::function<void(const RunProgress&)>& progress) {
  WorkerPool pool(plan.config.workers);
  require_startable_worker(pool);  // before anything is written
  const RunLock lock = lock_run_directory(plan.out_dir, /*create=*/true);
  // run.json first: from then on the directory is a run that `evojit resume` knows.
  write_run_json(plan.out_dir, run_json(plan, profile));
  return run_in_directory(plan, profile, progress, false, pool);
}

RunOutcome resume_run(RunPlan& plan, const MachineProfile& profile,
                      const std::function<void(const RunProgress&)>& progress,
                      const std::function<void()>& before_first_write) {
  WorkerPool pool(plan.config.workers);
  require_startable_worker(pool);
  if (before_first_write) before_first_write();
  return run_in_directory(plan, profile, progress, true, pool);
}

}  // namespace evojit
