// How a worker that timed out, died or refused a request becomes an evaluation's
// failure (evaluators/worker/worker_failure.hpp), for replies built by hand.
#include "evaluators/worker/worker_failure.hpp"

#include <csignal>

#include <gtest/gtest.h>

#include "evaluators/worker/worker_limits.hpp"

namespace evojit {
namespace {

using Reply = WorkerProcess::Reply;

Reply died_by(int signal, std::size_t peak_rss = 0, std::size_t limit = 0) {
  Reply r;
  r.kind = Reply::Kind::died;
  r.signal = signal;
  r.peak_rss_bytes = peak_rss;
  r.memory_limit_bytes = limit;
  return r;
}

Reply exited_with(int code) {
  Reply r;
  r.kind = Reply::Kind::died;
  r.exit_code = code;
  return r;
}

Evaluation classified(const Reply& r, std::string_view worker = "worker") {
  Evaluation e;
  classify_lost_worker(r, "run", worker, e);
  return e;
}

TEST(WorkerFailure, EachWayAWorkerEndsHasOneClass) {
  Reply timed_out;
  timed_out.kind = Reply::Kind::timeout;
  EXPECT_EQ(classified(timed_out).status, EvalStatus::timeout);
  EXPECT_EQ(classified(died_by(SIGXCPU)).status, EvalStatus::timeout);
  EXPECT_EQ(classified(exited_with(kWorkerExitOutOfMemory)).status, EvalStatus::out_of_memory);
  EXPECT_EQ(classified(died_by(SIGKILL)).status, EvalStatus::out_of_memory);  // can't tell
  Reply oom_killed = died_by(SIGKILL);
  oom_killed.oom_kills = 1;
  EXPECT_EQ(classified(oom_killed).status, EvalStatus::out_of_memory);
  Reply killed_by_someone = died_by(SIGKILL);
  killed_by_someone.oom_kills = 0;
  const Evaluation lost = classified(killed_by_someone);
  EXPECT_EQ(lost.status, EvalStatus::worker_lost);
  EXPECT_TRUE(worth_retrying(lost));
  EXPECT_FALSE(worth_retrying(classified(exited_with(3))));
  Reply forged;
  forged.kind = Reply::Kind::forged;
  const Evaluation forgery = classified(forged);
  EXPECT_EQ(forgery.status, EvalStatus::crash);
  EXPECT_NE(forgery.diagnostic.find("forged"), std::string::npos) << forgery.diagnostic;
  EXPECT_EQ(classified(exited_with(3)).status, EvalStatus::worker_lost);

  const Evaluation crash = classified(died_by(SIGFPE));
  EXPECT_EQ(crash.status, EvalStatus::crash);
  EXPECT_EQ(crash.signal, SIGFPE);
}

TEST(WorkerFailure, ASegfaultAtTheMemoryLimitIsOutOfMemoryAndBelowItACrash) {
  const std::size_t limit = std::size_t{1} << 30;
  const Evaluation at_limit = classified(died_by(SIGSEGV, limit, limit));
  EXPECT_EQ(at_limit.status, EvalStatus::out_of_memory);
  EXPECT_EQ(at_limit.signal, SIGSEGV);
  EXPECT_NE(at_limit.diagnostic.find("limit 1024 MiB"), std::string::npos) << at_limit.diagnostic;
  EXPECT_EQ(classified(died_by(SIGSEGV, limit / 4, limit)).status, EvalStatus::crash);
  // Without a memory limit (the CUDA worker) a segfault is always a crash.
  EXPECT_EQ(classified(died_by(SIGSEGV, limit, 0)).status, EvalStatus::crash);
}

TEST(WorkerFailure, TheDiagnosticNamesThePhaseTheWorkerAndItsLastWords) {
  Reply r = died_by(SIGABRT);
  r.stderr_tail = "terminate called after throwing";
  const Evaluation e = classified(r, "CUDA worker");
  EXPECT_EQ(e.diagnostic.rfind("run: CUDA worker crashed with signal", 0), 0u) << e.diagnostic;
  EXPECT_NE(e.diagnostic.find("\nworker stderr:\nterminate called after throwing"),
            std::string::npos)
      << e.diagnostic;
}

TEST(WorkerFailure, ARefusedRequestIsWorkerLostAndAnAnswerIsNoFailure) {
  Reply refused;
  refused.body = {{"error", "unknown op"}};
  Evaluation e;
  EXPECT_TRUE(request_failed(refused, "compile", "worker", e));
  EXPECT_EQ(e.status, EvalStatus::worker_lost);
  EXPECT_EQ(e.diagnostic, "worker refused the compile request: \"unknown op\"");

  Reply answered;
  answered.body = {{"ok", true}};
  Evaluation untouched;
  EXPECT_FALSE(request_failed(answered, "compile", "worker", untouched));
  EXPECT_EQ(untouched.status, EvalStatus::ok);
  EXPECT_TRUE(untouched.diagnostic.empty());

  Evaluation lost;
  EXPECT_TRUE(request_failed(exited_with(1), "compile", "worker", lost));
  EXPECT_EQ(lost.status, EvalStatus::worker_lost);
  EXPECT_EQ(lost.diagnostic, "compile: worker exited with code 1");
}

}  // namespace
}  // namespace evojit
