// The worker protocol's messages (evaluators/worker/protocol.hpp): what the driver
// writes is what the worker reads, versions are checked, and a message of the wrong
// shape is one MalformedMessage naming the field.
#include "evaluators/worker/protocol.hpp"

#include <gtest/gtest.h>

namespace evojit {
namespace {

using nlohmann::json;

TEST(WorkerProtocol, EveryRequestCarriesTheVersionAndItsOp) {
  for (const json& j :
       {to_json(CompileRequest{}), to_json(RunRequest{}), to_json(RooflineRequest{}),
        to_json(PingRequest{}), to_json(DeviceRequest{}), to_json(QuitRequest{})}) {
    EXPECT_EQ(j.at("v"), kWorkerProtocolVersion) << j.dump();
    EXPECT_FALSE(protocol_mismatch_reply(j)) << j.dump();
  }
  EXPECT_EQ(request_op(to_json(RunRequest{})), WorkerOp::run);
  EXPECT_EQ(request_op(to_json(QuitRequest{})), WorkerOp::quit);
  EXPECT_THROW(request_op(json{{"op", "dance"}}), MalformedMessage);
}

TEST(WorkerProtocol, CudaRunRequestRoundTripsWithItsLaunchGeometry) {
  RunRequest r;
  r.kernel = "abc";
  r.problem = "sgemm";
  r.flush_l2 = true;
  r.time = false;
  r.measure.max_seconds = 0.25;
  r.sizes.push_back(
      {ProblemSize{"n=64", {64, 64}}, LaunchShape{{4, 2, 1}, {16, 16, 1}, 512, true}});
  r.sizes.push_back({ProblemSize{"n=8", {8}}, std::nullopt});
  r.sizes.push_back({ProblemSize{"n=9", {9}}, LaunchShape{{1, 1, 1}, {32, 1, 1}, 0}});
  const RunRequest back = run_request_from_json(to_json(r));
  EXPECT_EQ(back.kernel, "abc");
  EXPECT_EQ(back.problem, "sgemm");
  EXPECT_TRUE(back.flush_l2);
  EXPECT_FALSE(back.time);
  EXPECT_DOUBLE_EQ(back.measure.max_seconds, 0.25);
  ASSERT_EQ(back.sizes.size(), 3u);
  ASSERT_TRUE(back.sizes[0].launch);
  EXPECT_EQ(back.sizes[0].launch->grid, (std::array<std::uint32_t, 3>{4, 2, 1}));
  EXPECT_EQ(back.sizes[0].launch->block, (std::array<std::uint32_t, 3>{16, 16, 1}));
  EXPECT_EQ(back.sizes[0].launch->shared_bytes, 512u);
  EXPECT_TRUE(back.sizes[0].launch->overlap_launches);
  EXPECT_EQ(back.sizes[0].size.dims, (std::vector<std::int64_t>{64, 64}));
  EXPECT_FALSE(back.sizes[1].launch);
  ASSERT_TRUE(back.sizes[2].launch);
  EXPECT_FALSE(back.sizes[2].launch->overlap_launches);
}

TEST(WorkerProtocol, CompileReplyRoundTripsAndAFailureReplyReadsAsACompileAndARun) {
  CompileReply c;
  c.ok = true;
  c.status = EvalStatus::ok;
  c.kernel = "ff";
  c.stats.code_hash = 42;
  c.resources = KernelResources{true, 32, 0, 0, 1024, "cubin sm_90"};
  const CompileReply back = compile_reply_from_json(to_json(c));
  EXPECT_TRUE(back.ok);
  EXPECT_EQ(back.kernel, "ff");
  EXPECT_EQ(back.stats.code_hash, 42u);
  ASSERT_TRUE(back.resources);
  EXPECT_EQ(back.resources->registers, 32);

  const json failure = to_json(FailureReply{EvalStatus::out_of_memory, "no memory", true});
  const CompileReply as_compile = compile_reply_from_json(failure);
  EXPECT_FALSE(as_compile.ok);
  EXPECT_EQ(as_compile.status, EvalStatus::out_of_memory);
  EXPECT_EQ(as_compile.log, "no memory");
  EXPECT_TRUE(as_compile.sticky);
  const RunReply as_run = run_reply_from_json(failure);
  EXPECT_EQ(as_run.status, EvalStatus::out_of_memory);
  EXPECT_TRUE(as_run.sticky);
}

TEST(WorkerProtocol, MalformedRepliesNameWhatIsWrong) {
  auto message = [](auto read, const json& j) -> std::string {
    try {
      read(j);
    } catch (const MalformedMessage& e) {
      return e.what();
    }
    return "(accepted)";
  };
  auto compile = [](const json& j) { return compile_reply_from_json(j); };
  auto run = [](const json& j) { return run_reply_from_json(j); };
  EXPECT_NE(message(compile, json{{"log", "x"}}).find("\"ok\""), std::string::npos);
  EXPECT_NE(message(compile, json{{"ok", true}}).find("\"kernel\""), std::string::npos);
  EXPECT_NE(message(compile, json{{"ok", "yes"}}).find("\"ok\""), std::string::npos);
  EXPECT_NE(message(compile, json::array()).find("not a JSON object"), std::string::npos);
  EXPECT_NE(message(run, json{{"sizes", json::array()}}).find("\"status\""), std::string::npos);
  EXPECT_NE(message(run, json{{"status", "splendid"}}).find("splendid"), std::string::npos);
  EXPECT_NE(message(run, json{{"status", "ok"}, {"sizes", {{{"label", 3}}}}}).find("\"sizes\""),
            std::string::npos);
}

TEST(WorkerProtocol, AMismatchedVersionIsRefusedNamingBothVersions) {
  json request = to_json(PingRequest{});
  request["v"] = kWorkerProtocolVersion + 7;
  const auto reply = protocol_mismatch_reply(request);
  ASSERT_TRUE(reply);
  const std::string text = *reply_error(*reply);
  EXPECT_NE(text.find("version " + std::to_string(kWorkerProtocolVersion + 7)), std::string::npos)
      << text;
  EXPECT_NE(text.find("version " + std::to_string(kWorkerProtocolVersion)), std::string::npos);
  EXPECT_EQ(mismatched_worker_version(*reply), kWorkerProtocolVersion);

  json unversioned = {{"op", "ping"}};
  ASSERT_TRUE(protocol_mismatch_reply(unversioned));
  EXPECT_NE(reply_error(*protocol_mismatch_reply(unversioned))->find("no version"),
            std::string::npos);
  // An ordinary error reply is not a version mismatch.
  EXPECT_FALSE(mismatched_worker_version(error_reply("kernel not compiled in this worker")));
}

}  // namespace
}  // namespace evojit
