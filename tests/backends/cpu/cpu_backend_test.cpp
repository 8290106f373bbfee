// A CPU candidate through the one candidate path (CandidatePipeline over CpuBackend)
// ends in the same classes the CPU evaluator gave: ok with a fitness, compile_error
// with diagnostics located in the source, wrong_result, crash with the signal, and
// timeout. And the "cpu" registry entry: what it makes, and what it refuses.
#include "backends/cpu/cpu_backend.hpp"

#include <csignal>
#include <functional>

#include <gtest/gtest.h>

#include "evaluators/pipeline.hpp"
#include "kernels/task_registry.hpp"
#include "support/error.hpp"

namespace evojit {
namespace {

constexpr const char* kEntry = "extern \"C\" void evojit_kernel(const evojit_args* args) {";

// The triad task, its rendered source edited by the test (the worker runs it on the
// triad's inputs: the name is the triad's).
class EditedTriad final : public Task {
 public:
  explicit EditedTriad(const Task& base) : base_(base) {}
  std::function<std::string(std::string)> edit;

  std::string name() const override { return base_.name(); }
  std::string summary() const override { return base_.summary(); }
  const ParameterSpace& space() const override { return base_.space(); }
  Config seed() const override { return base_.seed(); }
  std::string render(const std::map<std::string, Value>& bindings) const override {
    std::string source = base_.render(bindings);
    return edit ? edit(std::move(source)) : source;
  }
  std::vector<ProblemSize> training_sizes() const override { return {base_.training_sizes()[0]}; }
  std::vector<ProblemSize> held_out_sizes() const override { return {}; }
  Workload workload(const ProblemSize& size) const override { return base_.workload(size); }
  std::unique_ptr<ProblemInstance> instantiate(const ProblemSize& size) const override {
    return base_.instantiate(size);
  }

 private:
  const Task& base_;
};

// The kernel's body starts with `statement`.
std::function<std::string(std::string)> entering_with(const std::string& statement) {
  return [statement](std::string source) {
    const std::size_t at = source.find(kEntry);
    if (at == std::string::npos) return std::string("entry point not found");
    source.insert(at + std::string(kEntry).size(), "\n  " + statement + "\n");
    return source;
  };
}

class CpuBackendPipeline : public ::testing::Test {
 protected:
  CpuBackendPipeline() : task_(tasks().get("triad")) {
    WorkerBackendOptions options = default_cpu_backend_options();
    options.measure.warmup = 1;
    options.measure.min_repetitions = 3;
    options.measure.max_repetitions = 5;
    options.measure.max_seconds = 0.01;
    options.run_timeout = std::chrono::milliseconds(3000);
    backend_ = std::make_unique<CpuBackend>(task_, 1, options);
    pipeline_ = std::make_unique<CandidatePipeline>(
        *backend_, task_.space(), task_.training_sizes(), Fitness(RooflineFitness(1e12, 1e11)));
  }
  static const TaskRegistry& tasks() {
    static const TaskRegistry registry = [] {
      TaskRegistry r;
      register_builtin_tasks(r);
      return r;
    }();
    return registry;
  }
  Evaluation evaluate(std::function<std::string(std::string)> edit) {
    task_.edit = std::move(edit);
    return pipeline_->evaluate(task_.seed());
  }

  EditedTriad task_;
  std::unique_ptr<CpuBackend> backend_;
  std::unique_ptr<CandidatePipeline> pipeline_;
};

TEST_F(CpuBackendPipeline, EveryFailureEndsInItsClass) {
  const Evaluation ok = evaluate({});
  ASSERT_EQ(ok.status, EvalStatus::ok) << ok.diagnostic;
  EXPECT_GT(ok.fitness, 0.0);
  ASSERT_EQ(ok.sizes.size(), 1u);
  EXPECT_GT(ok.sizes[0].timing.median_s, 0.0);
  EXPECT_NE(ok.compile.code_hash, 0u);

  const Evaluation broken = evaluate(entering_with("this is not C++;"));
  EXPECT_EQ(broken.status, EvalStatus::compile_error);
  EXPECT_EQ(broken.fitness, 0.0);
  ASSERT_FALSE(broken.source_diagnostics.empty()) << broken.diagnostic;
  EXPECT_GT(broken.source_diagnostics[0].line, 0);
  EXPECT_FALSE(broken.diagnostic.empty());

  const Evaluation wrong = evaluate(entering_with("return;"));  // leaves the output poisoned
  EXPECT_EQ(wrong.status, EvalStatus::wrong_result) << wrong.diagnostic;
  EXPECT_NE(wrong.diagnostic.find("size "), std::string::npos) << wrong.diagnostic;

  const Evaluation crashed = evaluate(entering_with("__builtin_trap();"));
  EXPECT_EQ(crashed.status, EvalStatus::crash) << crashed.diagnostic;
  EXPECT_EQ(crashed.signal, SIGILL) << crashed.diagnostic;

  const Evaluation hung = evaluate(entering_with("for (;;) __asm__ volatile(\"\");"));
  EXPECT_EQ(hung.status, EvalStatus::timeout) << hung.diagnostic;

  // The worker that hung or crashed was replaced: the healthy candidate is ok again.
  EXPECT_EQ(evaluate({}).status, EvalStatus::ok);
}

TEST(CpuWorker, RefusesARequestOfAnotherProtocolVersionNamingBoth) {
  WorkerPool pool(1);
  WorkerPool::Lease lease = pool.acquire();
  const WorkerProcess::Reply reply = lease.worker().request(
      {{"op", "ping"}, {"v", kWorkerProtocolVersion + 40}}, std::chrono::seconds(120));
  ASSERT_EQ(reply.kind, WorkerProcess::Reply::Kind::ok) << reply.stderr_tail;
  ASSERT_TRUE(reply_error(reply.body)) << reply.body.dump();
  const std::string text = *reply_error(reply.body);
  EXPECT_NE(text.find("version " + std::to_string(kWorkerProtocolVersion + 40)), std::string::npos)
      << text;
  EXPECT_NE(text.find("this worker speaks version " + std::to_string(kWorkerProtocolVersion)),
            std::string::npos)
      << text;
}

TEST(CpuBackendRegistry, MakesTheNamedTaskAndRefusesUnknownOptions) {
  TaskRegistry tasks;
  register_builtin_tasks(tasks);
  BackendRegistry registry;
  register_cpu_backend(registry);
  BackendContext context;
  context.task = "triad";
  context.tasks = &tasks;
  context.workers = 3;
  const std::unique_ptr<Backend> backend = registry.create("cpu", context);
  const BackendTraits traits = backend->traits();
  EXPECT_EQ(traits.name, "cpu");
  EXPECT_EQ(traits.kernel_file, "kernel.cpp");
  EXPECT_EQ(traits.concurrency, 3u);
  EXPECT_EQ(traits.default_fitness, "roofline");
  EXPECT_EQ(backend->task().name(), "triad");
  EXPECT_EQ(backend->identity(), nlohmann::json({{"device", "cpu"}}));

  context.options = {{"flush_l2", true}};
  try {
    registry.create("cpu", context);
    FAIL() << "an unknown option was accepted";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("'flush_l2'"), std::string::npos) << e.what();
    EXPECT_EQ(e.where(), "cpu.flush_l2");
  }
  context.options = nlohmann::json::object();
  context.task = "no-such-task";
  EXPECT_THROW(registry.create("cpu", context), InputError);
}

}  // namespace
}  // namespace evojit
