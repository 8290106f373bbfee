// The driver side of a worker backend (evaluators/worker/worker_backend.hpp) against
// stand-in workers (shell scripts answering every request with one canned line): a
// malformed reply is one failed evaluation that names it, a worker of another
// protocol version is one InputError, and a well-formed exchange reaches Measured.
#include "evaluators/worker/worker_backend.hpp"

#include <filesystem>
#include <fstream>

#include <sys/stat.h>

#include <gtest/gtest.h>

#include "support/error.hpp"

namespace evojit {
namespace {

using nlohmann::json;

// A worker that answers every request but quit with `reply`.
std::string stand_in_worker(const std::string& name, const json& compile_reply,
                            const json& run_reply) {
  const auto dir =
      std::filesystem::temp_directory_path() / ("evojit-stand-in-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const auto path = dir / name;
  std::ofstream out(path);
  out << "#!/bin/sh\n"
         "while IFS= read -r line <&3; do\n"
         "  case \"$line\" in\n"
         "    *'\"op\":\"quit\"'*) exit 0 ;;\n"
         "    *'\"op\":\"compile\"'*) printf '%s\\n' '"
      << compile_reply.dump() << "' >&4 ;;\n"
      << "    *) printf '%s\\n' '" << run_reply.dump() << "' >&4 ;;\n"
      << "  esac\n"
         "done\n";
  out.close();
  ::chmod(path.c_str(), 0755);
  return path.string();
}

class StandInTask final : public Task {
 public:
  std::string name() const override { return "stand-in"; }
  std::string summary() const override { return ""; }
  const ParameterSpace& space() const override { return space_; }
  Config seed() const override { return {}; }
  std::string render(const std::map<std::string, Value>&) const override { return "src"; }
  std::vector<ProblemSize> training_sizes() const override { return {{"n=1", {1}}}; }
  std::vector<ProblemSize> held_out_sizes() const override { return {}; }
  Workload workload(const ProblemSize&) const override { return {1.0, 1.0}; }
  std::unique_ptr<ProblemInstance> instantiate(const ProblemSize&) const override {
    return nullptr;
  }

 private:
  ParameterSpace space_;
};

class StandInBackend final : public WorkerBackend {
 public:
  explicit StandInBackend(const std::string& executable)
      : WorkerBackend(std::make_unique<WorkerPool>(1, options_for(executable)), backend_options()) {
  }
  BackendTraits traits() const override { return {}; }
  int states_lost = 0;
  const Task& task() const override { return task_; }
  std::optional<MachineProfile> ceilings(const std::filesystem::path&,
                                         const Notify&) override {
    return std::nullopt;
  }

 protected:
  CompileRequest compile_request(const Artifact& a) const override {
    return {a.source, "", {}, false};
  }
  RunRequest run_request(const WorkerKernel&, std::span<const ProblemSize> sizes) const override {
    RunRequest r;
    r.task = "stand-in";
    for (const ProblemSize& s : sizes) r.sizes.push_back({s, std::nullopt});
    return r;
  }
  void lost_state(WorkerProcess& worker, std::string& diagnostic) override {
    ++states_lost;
    diagnostic += " (replaced)";
    quit_worker(worker);
  }

 private:
  static WorkerOptions options_for(const std::string& executable) {
    WorkerOptions o;
    o.executable = executable;
    o.sandbox = false;
    o.authenticate_replies = false;
    o.memory_limit_bytes = 0;
    return o;
  }
  static WorkerBackendOptions backend_options() {
    WorkerBackendOptions o;
    o.compile_timeout = std::chrono::milliseconds(20'000);
    o.run_timeout = std::chrono::milliseconds(20'000);
    o.worker_name = "stand-in worker";
    o.executable = "stand-in";
    return o;
  }
  StandInTask task_;
};

const json kCompiled = {{"ok", true}, {"status", "ok"}, {"kernel", "k1"}};

TEST(WorkerBackend, AWellFormedExchangeReachesMeasured) {
  const json ran = {{"status", "ok"}, {"sizes", {{{"label", "n=1"}, {"dims", {1}}, {"ok", true}}}}};
  StandInBackend backend(stand_in_worker("fine", kCompiled, ran));
  const Compiled c = backend.compile(Artifact{{}, {}, "src"});
  ASSERT_EQ(c.status, EvalStatus::ok) << c.diagnostic;
  const std::vector<ProblemSize> sizes = {{"n=1", {1}}};
  const Measured m = backend.run(c, sizes);
  EXPECT_EQ(m.status, EvalStatus::ok) << m.diagnostic;
  ASSERT_EQ(m.sizes.size(), 1u);
  EXPECT_EQ(m.sizes[0].label, "n=1");
}

TEST(WorkerBackend, AMalformedCompileReplyIsOneFailedEvaluationThatNamesIt) {
  StandInBackend backend(stand_in_worker("no-ok", {{"kernel", "k1"}}, json::object()));
  const Compiled c = backend.compile(Artifact{{}, {}, "src"});
  EXPECT_EQ(c.status, EvalStatus::worker_lost);
  EXPECT_NE(c.diagnostic.find("compile: the stand-in worker's reply is malformed (no \"ok\")"),
            std::string::npos)
      << c.diagnostic;
  EXPECT_FALSE(c.kernel);
}

TEST(WorkerBackend, AMalformedRunReplyIsOneFailedEvaluationThatNamesIt) {
  StandInBackend backend(stand_in_worker("bad-run", kCompiled, {{"status", "splendid"}}));
  const Compiled c = backend.compile(Artifact{{}, {}, "src"});
  ASSERT_EQ(c.status, EvalStatus::ok) << c.diagnostic;
  const std::vector<ProblemSize> sizes = {{"n=1", {1}}};
  const Measured m = backend.run(c, sizes);
  EXPECT_EQ(m.status, EvalStatus::worker_lost);
  EXPECT_NE(m.diagnostic.find("run: the stand-in worker's reply is malformed"), std::string::npos)
      << m.diagnostic;
  EXPECT_NE(m.diagnostic.find("splendid"), std::string::npos) << m.diagnostic;
}

TEST(WorkerBackend, AReplyThatSaysTheWorkersStateIsLostReachesTheBackendsHook) {
  const json ran = {{"status", "crash"}, {"diagnostic", "illegal address"}, {"sticky", true}};
  StandInBackend backend(stand_in_worker("sticky", kCompiled, ran));
  const Compiled c = backend.compile(Artifact{{}, {}, "src"});
  ASSERT_EQ(c.status, EvalStatus::ok) << c.diagnostic;
  const std::vector<ProblemSize> sizes = {{"n=1", {1}}};
  const Measured m = backend.run(c, sizes);
  EXPECT_EQ(m.status, EvalStatus::crash);
  EXPECT_EQ(m.diagnostic, "illegal address (replaced)");
  EXPECT_EQ(backend.states_lost, 1);
  // A plain failure leaves the worker alone.
  StandInBackend healthy(stand_in_worker("wrong", kCompiled, {{"status", "wrong_result"}}));
  const Compiled c2 = healthy.compile(Artifact{{}, {}, "src"});
  ASSERT_EQ(c2.status, EvalStatus::ok) << c2.diagnostic;
  EXPECT_EQ(healthy.run(c2, sizes).status, EvalStatus::wrong_result);
  EXPECT_EQ(healthy.states_lost, 0);
}

TEST(WorkerBackend, AWorkerOfAnotherProtocolVersionIsOneInputError) {
  json request = {{"op", "compile"}, {"v", kWorkerProtocolVersion + 1}};
  // What a worker built with the next version answers this build's requests.
  json refusal = *protocol_mismatch_reply(request);
  refusal["worker_protocol"] = kWorkerProtocolVersion + 1;
  StandInBackend backend(stand_in_worker("newer", refusal, refusal));
  try {
    backend.compile(Artifact{{}, {}, "src"});
    FAIL() << "a mismatched worker was used";
  } catch (const InputError& e) {
    const std::string text = e.what();
    EXPECT_NE(
        text.find("speaks worker protocol version " + std::to_string(kWorkerProtocolVersion + 1)),
        std::string::npos)
        << text;
    EXPECT_NE(text.find("this evojit speaks version " + std::to_string(kWorkerProtocolVersion)),
              std::string::npos)
        << text;
    EXPECT_EQ(e.where(), "stand-in");
  }
}

}  // namespace
}  // namespace evojit
