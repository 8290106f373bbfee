// The worker-side request loop (evaluators/worker/worker_service.hpp), in-process over
// pipes with a service of canned handlers: dispatch, the version check, malformed
// requests, a failed allocation and quit.
#include "evaluators/worker/worker_service.hpp"

#include <new>
#include <thread>

#include <unistd.h>

#include <gtest/gtest.h>

#include "evaluators/worker/line_channel.hpp"

namespace evojit {
namespace {

using nlohmann::json;

class CannedService final : public WorkerService {
 public:
  CompileReply compile(const CompileRequest& r) override {
    if (r.source == "allocate") throw std::bad_alloc();
    CompileReply reply;
    reply.ok = true;
    reply.status = EvalStatus::ok;
    reply.kernel = "k:" + r.source;
    return reply;
  }
  RunReply run(const RunRequest& r) override {
    if (r.kernel != "k:good") throw std::runtime_error("kernel not compiled in this worker");
    RunReply reply;
    reply.sizes.resize(r.sizes.size());
    return reply;
  }
  RooflineReply roofline(const RooflineRequest&) override { return {}; }
  PingReply ping() override { return PingReply{{{"seccomp", true}}}; }
};

class WorkerServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(::pipe(requests_), 0);
    ASSERT_EQ(::pipe(replies_), 0);
    server_ = std::thread([this] {
      ServeOptions options;
      options.cpu_budget = false;
      exit_code_ = serve_requests(requests_[0], replies_[1], service_, options);
      ::close(replies_[1]);
    });
    driver_ = LineChannel(replies_[0], requests_[1]);
  }
  void TearDown() override {
    ::close(requests_[1]);
    if (server_.joinable()) server_.join();
    ::close(requests_[0]);
    ::close(replies_[0]);
  }
  json ask(const std::string& line) {
    EXPECT_TRUE(driver_.write_line(line));
    std::string reply;
    EXPECT_EQ(driver_.read_line(reply, std::chrono::milliseconds(10'000)),
              LineChannel::ReadStatus::line);
    return json::parse(reply);
  }

  CannedService service_;
  int requests_[2] = {-1, -1};
  int replies_[2] = {-1, -1};
  std::thread server_;
  LineChannel driver_;
  int exit_code_ = -1;
};

TEST_F(WorkerServiceTest, DispatchesTypedRequestsToTheHandlers) {
  const CompileReply compiled =
      compile_reply_from_json(ask(to_json(CompileRequest{"good", "", {}, false}).dump()));
  EXPECT_EQ(compiled.kernel, "k:good");
  RunRequest run;
  run.kernel = "k:good";
  run.sizes = {{ProblemSize{"a", {1}}, std::nullopt}, {ProblemSize{"b", {2}}, std::nullopt}};
  EXPECT_EQ(run_reply_from_json(ask(to_json(run).dump())).sizes.size(), 2u);
  EXPECT_EQ(ping_reply_from_json(ask(to_json(PingRequest{}).dump())).sandbox.at("seccomp"), true);
  // This service has no device record.
  EXPECT_TRUE(reply_error(ask(to_json(DeviceRequest{}).dump())));
}

TEST_F(WorkerServiceTest, ARequestOfAnotherVersionIsRefusedNamingBothVersions) {
  json request = to_json(PingRequest{});
  request["v"] = 1;
  const json reply = ask(request.dump());
  ASSERT_TRUE(reply_error(reply));
  EXPECT_NE(reply_error(reply)->find("version 1"), std::string::npos) << reply.dump();
  EXPECT_EQ(mismatched_worker_version(reply), kWorkerProtocolVersion);
}

TEST_F(WorkerServiceTest, MalformedRequestsAndHandlerErrorsAreErrorReplies) {
  EXPECT_NE(reply_error(ask("{not json"))->find("parse"), std::string::npos);
  json no_source = to_json(CompileRequest{});
  no_source.erase("source");
  EXPECT_NE(reply_error(ask(no_source.dump()))->find("malformed request: no \"source\""),
            std::string::npos);
  RunRequest run;
  run.kernel = "k:other";
  EXPECT_EQ(*reply_error(ask(to_json(run).dump())), "kernel not compiled in this worker");
  // The loop still serves after each of them.
  EXPECT_NO_THROW(ping_reply_from_json(ask(to_json(PingRequest{}).dump())));
}

TEST_F(WorkerServiceTest, AFailedAllocationIsAnOutOfMemoryFailure) {
  const CompileReply r =
      compile_reply_from_json(ask(to_json(CompileRequest{"allocate", "", {}, false}).dump()));
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.status, EvalStatus::out_of_memory);
}

TEST_F(WorkerServiceTest, QuitEndsTheLoopWithoutAReply) {
  ASSERT_TRUE(driver_.write_line(to_json(QuitRequest{}).dump()));
  std::string reply;
  EXPECT_EQ(driver_.read_line(reply, std::chrono::milliseconds(10'000)),
            LineChannel::ReadStatus::closed);
  server_.join();
  EXPECT_EQ(exit_code_, 0);
}

}  // namespace
}  // namespace evojit
