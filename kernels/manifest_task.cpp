#include "kernels/manifest_task.hpp"

#include <cmath>
#include <cstring>
#include <limits>
#include <new>
#include <random>
#include <stdexcept>

#include "kernels/call_thunk.hpp"
#include "support/error.hpp"

namespace evojit {
namespace {

// One argument's storage: 64-byte aligned bytes (an array) or an 8-byte slot (a scalar).
struct Storage {
  struct Free {
    void operator()(unsigned char* p) const { ::operator delete (p, std::align_val_t{64}); }
  };
  std::unique_ptr<unsigned char, Free> data;
  std::size_t bytes = 0;

  explicit Storage(std::size_t n)
      : data(static_cast<unsigned char*>(::operator new (n == 0 ? 64 : n, std::align_val_t{64}))),
        bytes(n) {}
};

template <class T>
void fill_typed(unsigned char* out, std::size_t n, const ArgumentInit& init) {
  T* p = reinterpret_cast<T*>(out);
  switch (init.kind) {
    case ArgumentInit::Kind::zeros:
      for (std::size_t i = 0; i < n; ++i) p[i] = T(0);
      break;
    case ArgumentInit::Kind::iota:
      for (std::size_t i = 0; i < n; ++i) p[i] = static_cast<T>(i);
      break;
    case ArgumentInit::Kind::random: {
      std::mt19937_64 engine(init.seed);
      std::uniform_real_distribution<double> u(init.lo, init.hi);
      for (std::size_t i = 0; i < n; ++i) {
        const double v = u(engine);
        if constexpr (std::is_integral_v<T>) {
          p[i] = static_cast<T>(std::floor(v));
        } else {
          p[i] = static_cast<T>(v);
        }
      }
      break;
    }
    case ArgumentInit::Kind::data:
      std::memcpy(out, init.bytes.data(), std::min(init.bytes.size(), n * sizeof(T)));
      break;
  }
}

void fill(ElementType type, unsigned char* out, std::size_t n, const ArgumentInit& init) {
  switch (type) {
    case ElementType::float32:
      return fill_typed<float>(out, n, init);
    case ElementType::float64:
      return fill_typed<double>(out, n, init);
    case ElementType::int32:
      return fill_typed<std::int32_t>(out, n, init);
    case ElementType::int64:
      return fill_typed<std::int64_t>(out, n, init);
    case ElementType::uint8:
      return fill_typed<std::uint8_t>(out, n, init);
  }
}

double element(ElementType type, const unsigned char* p, std::size_t i) {
  switch (type) {
    case ElementType::float32:
      return reinterpret_cast<const float*>(p)[i];
    case ElementType::float64:
      return reinterpret_cast<const double*>(p)[i];
    case ElementType::int32:
      return reinterpret_cast<const std::int32_t*>(p)[i];
    case ElementType::int64:
      return static_cast<double>(reinterpret_cast<const std::int64_t*>(p)[i]);
    case ElementType::uint8:
      return p[i];
  }
  return 0.0;
}

void store_scalar(ElementType type, double v, unsigned char* out) {
  switch (type) {
    case ElementType::float32: {
      const float f = static_cast<float>(v);
      std::memcpy(out, &f, sizeof f);
      break;
    }
    case ElementType::float64:
      std::memcpy(out, &v, sizeof v);
      break;
    case ElementType::int32: {
      const auto x = static_cast<std::int32_t>(v);
      std::memcpy(out, &x, sizeof x);
      break;
    }
    case ElementType::int64: {
      const auto x = static_cast<std::int64_t>(v);
      std::memcpy(out, &x, sizeof x);
      break;
    }
    case ElementType::uint8: {
      const auto x = static_cast<std::uint8_t>(v);
      std::memcpy(out, &x, sizeof x);
      break;
    }
  }
}

// A size's data: the arguments as the kernel sees them, their initial contents and
// the expected outputs, which the reference kernel computed once on the same inputs.
class ManifestInstance final : public ProblemInstance {
 public:
  ManifestInstance(const TaskManifest& m, const ProblemSize& size, ThunkEntry reference)
      : manifest_(m) {
    for (const ManifestArgument& a : m.arguments) {
      const double v = evaluate_dims_expression(a.expression, m.dims, size);
      if (a.array) {
        const auto n = static_cast<std::size_t>(v);
        counts_.push_back(n);
        initial_.emplace_back(n * element_size(a.type));
        fill(a.type, initial_.back().data.get(), n, a.init);
      } else {
        counts_.push_back(1);
        initial_.emplace_back(8);
        store_scalar(a.type, v, initial_.back().data.get());
      }
      live_.emplace_back(initial_.back().bytes);
      block_.push_back(live_.back().data.get());
    }
    // The reference runs on the same inputs; its outputs are what the check expects.
    reset();
    reference(block_.data());
    for (std::size_t i = 0; i < m.arguments.size(); ++i) {
      if (m.arguments[i].role == ArgumentRole::input) {
        expected_.emplace_back(0);
        continue;
      }
      expected_.emplace_back(live_[i].bytes);
      std::memcpy(expected_.back().data.get(), live_[i].data.get(), live_[i].bytes);
    }
  }

  const KernelArgs& args() const override { return unused_; }
  const void* entry_argument() const override { return block_.data(); }

  void reset() override {
    for (std::size_t i = 0; i < live_.size(); ++i) {
      std::memcpy(live_[i].data.get(), initial_[i].data.get(), initial_[i].bytes);
    }
  }

  CheckResult check() const override {
    CheckResult r;
    r.ok = true;
    r.tolerance = 1.0;  // max_error is the error over atol + rtol * |expected|
    for (std::size_t a = 0; a < manifest_.arguments.size(); ++a) {
      const ManifestArgument& arg = manifest_.arguments[a];
      if (arg.role == ArgumentRole::input) continue;
      check_manifest_output(manifest_, a, live_[a].data.get(), expected_[a].data.get(), counts_[a],
                            r);
    }
    return r;
  }

 private:
  const TaskManifest& manifest_;
  std::vector<std::size_t> counts_;
  std::vector<Storage> initial_, live_, expected_;
  std::vector<void*> block_;
  KernelArgs unused_;
};

class ManifestTask final : public Task {
 public:
  ManifestTask(TaskManifest m, ReferenceCompiler compile_reference)
      : manifest_(std::move(m)), compile_reference_(std::move(compile_reference)) {
    try {
      space_ = ParameterSpace(manifest_.parameters, manifest_.restrictions);
      seed_ = space_.from_bindings(manifest_.seed);
    } catch (const InputError& e) {
      throw_input_error(e.what(), manifest_.where + "#/seed", e.hint());
    }
    if (!space_.is_valid(seed_)) {
      throw_input_error("the seed configuration breaks a restriction", manifest_.where + "#/seed",
                        "give a \"seed\" that satisfies the restrictions (the naive kernel)");
    }
    json_ = to_json(manifest_).dump();
  }

  std::string name() const override { return manifest_.name; }
  std::string summary() const override { return manifest_.summary; }
  const ParameterSpace& space() const override { return space_; }
  Config seed() const override { return seed_; }

  std::string render(const std::map<std::string, Value>& bindings) const override {
    // Standalone: a person compiles best/kernel.cpp with the command in its first line.
    std::string out = "// " + manifest_.name + ": " + manifest_.source_file +
                      " tuned by evojit; compiles on its own:\n//   g++ -O3 -march=native";
    for (const std::string& f : compile_flags()) out += " " + f;
    out +=
        " -c kernel.cpp\n// The parameters are #defines; evojit_kernel is the generated call "
        "thunk.\n";
    out += render_defines(bindings);
    out += "\n#line 1 \"" + manifest_.source_file + "\"\n";
    out += manifest_.source;
    if (!out.empty() && out.back() != '\n') out += '\n';
    out += call_thunk(manifest_.function, manifest_.arguments);
    return out;
  }

  std::vector<ProblemSize> training_sizes() const override { return manifest_.training_sizes; }
  std::vector<ProblemSize> held_out_sizes() const override { return manifest_.held_out_sizes; }

  Workload workload(const ProblemSize& size) const override {
    Workload w;
    w.flops = evaluate_dims_expression(manifest_.flops, manifest_.dims, size);
    w.bytes = evaluate_dims_expression(manifest_.bytes, manifest_.dims, size);
    if (!manifest_.footprint.empty()) {
      w.footprint_bytes = evaluate_dims_expression(manifest_.footprint, manifest_.dims, size);
    }
    return w;
  }

  bool updates_in_place() const override { return manifest_.updates_in_place; }

  std::unique_ptr<ProblemInstance> instantiate(const ProblemSize& size) const override {
    if (!compile_reference_) {
      throw std::runtime_error(
          "a manifest task's data is built where kernels compile (the worker)");
    }
    // Compiled each time (the compiler caches it): a JIT may free code it holds.
    const ThunkEntry reference = compile_reference_(reference_source(manifest_, *this));
    return std::make_unique<ManifestInstance>(manifest_, size, reference);
  }

  std::string manifest_json() const override { return json_; }

  std::vector<std::string> compile_flags() const override {
    std::vector<std::string> flags = {"-fopenmp"};
    flags.insert(flags.end(), manifest_.compiler_flags.begin(), manifest_.compiler_flags.end());
    return flags;
  }

  const TaskManifest& manifest() const { return manifest_; }

 private:
  TaskManifest manifest_;
  ReferenceCompiler compile_reference_;
  ParameterSpace space_;
  Config seed_;
  std::string json_;
};

}  // namespace

void check_manifest_output(const TaskManifest& m, std::size_t argument, const unsigned char* got,
                           const unsigned char* expected, std::size_t count, CheckResult& r) {
  const ManifestArgument& arg = m.arguments.at(argument);
  for (std::size_t i = 0; i < count; ++i) {
    const double value = element(arg.type, got, i);
    const double want = element(arg.type, expected, i);
    const double bound = m.atol + m.rtol * std::fabs(want);
    const double diff = std::fabs(value - want);
    const double error = std::isnan(diff) ? std::numeric_limits<double>::infinity()
                         : bound > 0      ? diff / bound
                         : diff > 0       ? std::numeric_limits<double>::infinity()
                                          : 0.0;
    if (error > r.max_error) r.max_error = error;
    if (r.ok && !(error <= 1.0)) {
      r.ok = false;
      r.message = arg.name + "[" + std::to_string(i) + "] = " + std::to_string(value) +
                  ", expected " + std::to_string(want) + " (atol " + std::to_string(m.atol) +
                  ", rtol " + std::to_string(m.rtol) + ")";
    }
  }
}

void fill_manifest_array(ElementType type, unsigned char* out, std::size_t count,
                         const ArgumentInit& init) {
  fill(type, out, count, init);
}

void store_manifest_scalar(ElementType type, double value, unsigned char* out) {
  store_scalar(type, value, out);
}

std::unique_ptr<Task> make_manifest_task(TaskManifest manifest,
                                         ReferenceCompiler compile_reference) {
  return std::make_unique<ManifestTask>(std::move(manifest), std::move(compile_reference));
}

const TaskManifest* manifest_of(const Task& task) {
  const auto* t = dynamic_cast<const ManifestTask*>(&task);
  return t ? &t->manifest() : nullptr;
}

std::string reference_source(const TaskManifest& m, const Task& task) {
  if (m.reference_function.empty()) return task.render(task.space().bindings(task.seed()));
  std::string out = "#line 1 \"" + m.reference_file + "\"\n" + m.reference_source;
  if (!out.empty() && out.back() != '\n') out += '\n';
  return out + call_thunk(m.reference_function, m.arguments);
}

double evaluate_dims_expression(const std::string& text, const std::vector<std::string>& dims,
                                const ProblemSize& size) {
  Expression e = Expression::parse(text);
  e.bind(dims);
  std::vector<Value> values;
  for (std::int64_t d : size.dims) values.emplace_back(d);
  const Value v = e.evaluate(values);
  if (const auto* i = std::get_if<std::int64_t>(&v)) return static_cast<double>(*i);
  if (const auto* d = std::get_if<double>(&v)) return *d;
  if (const auto* b = std::get_if<bool>(&v)) return *b ? 1.0 : 0.0;
  throw_input_error("'" + text + "' is not a number on size " + size.label);
}

}  // namespace evojit
