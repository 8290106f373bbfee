#include "evaluators/worker/worker_service.hpp"

#include <new>

#include "evaluators/worker/line_channel.hpp"
#include "evaluators/worker/worker_limits.hpp"
#include "evaluators/worker/worker_reply_auth.hpp"

namespace evojit {

using nlohmann::json;

json WorkerService::answer(const json& request) {
  if (auto mismatch = protocol_mismatch_reply(request)) return *mismatch;
  const WorkerOp op = request_op(request);
  if (op != WorkerOp::ping) {
    if (auto refused = refuse(op)) return *refused;
  }
  try {
    switch (op) {
      case WorkerOp::compile:
        return to_json(compile(compile_request_from_json(request)));
      case WorkerOp::run:
        return to_json(run(run_request_from_json(request)));
      case WorkerOp::roofline:
        return to_json(roofline(roofline_request_from_json(request)));
      case WorkerOp::ping:
        return to_json(ping());
      case WorkerOp::device:
        if (auto d = device()) return to_json(*d);
        return error_reply("this worker has no device op");
      case WorkerOp::quit:
        break;  // the loop ends before dispatching it
    }
  } catch (const std::bad_alloc&) {
    throw;  // the loop's out_of_memory reply
  } catch (const MalformedMessage&) {
    throw;
  } catch (const std::exception& e) {
    if (auto reply = reply_for(e)) return *reply;
    throw;
  }
  return error_reply("unexpected op");
}

int serve_requests(int in_fd, int out_fd, WorkerService& service, const ServeOptions& options) {
  LineChannel channel(in_fd, out_fd);
  std::string line;
  while (channel.read_line(line) == LineChannel::ReadStatus::line) {
    json reply;
    try {
      const json request = json::parse(line);
      if (request.is_object() && request.value("op", "") == "quit") return 0;
      if (options.cpu_budget) begin_request(request.value("cpu_seconds", 0.0));
      reply = service.answer(request);
    } catch (const std::bad_alloc&) {
      FailureReply failure;
      failure.status = EvalStatus::out_of_memory;
      failure.diagnostic = "an allocation failed in the " + options.worker_name;
      reply = to_json(failure);
    } catch (const MalformedMessage& e) {
      reply = error_reply(std::string("malformed request: ") + e.what());
    } catch (const std::exception& e) {
      reply = error_reply(e.what());
    }
    if (options.cpu_budget) end_request();
    // Compiler logs may hold bytes that are not UTF-8: replaced, never a throw here.
    const std::string body = reply.dump(-1, ' ', false, json::error_handler_t::replace);
    if (!channel.write_line(sign_worker_reply(body))) return 1;
  }
  return 0;
}

}  // namespace evojit
