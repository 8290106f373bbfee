// A task written as a TaskSpec is a Task like the built-in ones.
#include "kernels/user_task.hpp"

#include <gtest/gtest.h>

#include "kernels/task_registry.hpp"
#include "support/error.hpp"

namespace evojit {
namespace {

// x[i] *= s for one size: the data a worker would hold.
class ScaleInstance final : public ProblemInstance {
 public:
  explicit ScaleInstance(std::int64_t n) : x_(static_cast<std::size_t>(n), 1.0f) {
    args_.buffers[0] = x_.data();
    args_.dims[0] = n;
    args_.scalars[0] = 2.0f;
  }
  const KernelArgs& args() const override { return args_; }
  void reset() override { std::fill(x_.begin(), x_.end(), 1.0f); }
  CheckResult check() const override {
    for (float v : x_)
      if (v != 2.0f) return {false, 1.0, 0.0, "not scaled"};
    return {true, 0.0, 0.0, ""};
  }

 private:
  std::vector<float> x_;
  KernelArgs args_;
};

TaskSpec scale_spec() {
  TaskSpec spec;
  spec.name = "scale";
  spec.summary = "x *= s";
  spec.space = ParameterSpace(
      {Parameter::list("UNROLL", {std::int64_t{1}, std::int64_t{2}, std::int64_t{4}}),
       Parameter::list("VEC", {std::int64_t{1}, std::int64_t{4}})},
      {"UNROLL * VEC <= 8"});
  spec.seed = {{"UNROLL", std::int64_t{1}}};
  spec.kernel_template = "void evojit_kernel(const KernelArgs* a) { /* UNROLL, VEC */ }\n";
  spec.training_sizes = {{"n=64", {64}}};
  spec.held_out_sizes = {{"n=128", {128}}};
  spec.workload = [](const ProblemSize& s) {
    return Workload{static_cast<double>(s.dims[0]), 8.0 * static_cast<double>(s.dims[0])};
  };
  spec.instantiate = [](const ProblemSize& s) {
    return std::make_unique<ScaleInstance>(s.dims[0]);
  };
  spec.updates_in_place = true;
  return spec;
}

TEST(UserTask, IsATaskInARegistry) {
  TaskRegistry registry;
  registry.add(make_task(scale_spec()));
  const Task& task = registry.get("scale");
  EXPECT_EQ(task.summary(), "x *= s");
  EXPECT_EQ(task.space().canonical(task.seed()), "UNROLL=1,VEC=1");
  EXPECT_TRUE(task.updates_in_place());
  EXPECT_EQ(task.training_sizes().front().label, "n=64");
  EXPECT_EQ(task.held_out_sizes().front().dims, (std::vector<std::int64_t>{128}));
  EXPECT_EQ(task.workload(task.training_sizes().front()).bytes, 512.0);
  const std::string source = task.render(task.space().bindings(task.seed()));
  EXPECT_NE(source.find("#define UNROLL 1"), std::string::npos) << source;
  EXPECT_NE(source.find("void evojit_kernel"), std::string::npos);
  auto instance = task.instantiate(task.training_sizes().front());
  EXPECT_EQ(instance->args().dims[0], 64);
  EXPECT_FALSE(instance->check().ok);  // nothing ran yet
}

TEST(UserTask, ARenderFunctionReplacesTheTemplate) {
  TaskSpec spec = scale_spec();
  spec.kernel_template.clear();
  spec.render = [](const std::map<std::string, Value>& b) {
    return "unroll " + to_string(b.at("UNROLL"));
  };
  const auto task = make_task(std::move(spec));
  EXPECT_EQ(task->render(task->space().bindings(task->seed())), "unroll 1");
}

TEST(UserTask, AnIncompleteSpecIsAnInputError) {
  auto without = [](auto change) {
    TaskSpec spec = scale_spec();
    change(spec);
    return spec;
  };
  EXPECT_THROW(make_task(without([](TaskSpec& s) { s.name.clear(); })), InputError);
  EXPECT_THROW(make_task(without([](TaskSpec& s) { s.kernel_template.clear(); })), InputError);
  EXPECT_THROW(make_task(without([](TaskSpec& s) { s.workload = nullptr; })), InputError);
  EXPECT_THROW(make_task(without([](TaskSpec& s) { s.instantiate = nullptr; })), InputError);
  EXPECT_THROW(make_task(without([](TaskSpec& s) { s.training_sizes.clear(); })), InputError);
  EXPECT_THROW(make_task(without([](TaskSpec& s) {
                 s.seed = {{"NOPE", std::int64_t{1}}};
               })),
               InputError);
  EXPECT_THROW(make_task(without([](TaskSpec& s) {
                 s.seed = {{"UNROLL", std::int64_t{4}}, {"VEC", std::int64_t{4}}};
               })),
               InputError);
}

}  // namespace
}  // namespace evojit
