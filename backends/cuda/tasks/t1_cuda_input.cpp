#include <sstream>

#include "backends/cuda/tasks/t1_cuda_task.hpp"
#include "interop/t1_input.hpp"
#include "support/error.hpp"
#include "support/files.hpp"

namespace evojit {
using nlohmann::json;

std::unique_ptr<CudaTask> cuda_task_from_t1(const std::filesystem::path& t1_file,
                                            const std::filesystem::path& kernel_source) {
  const T1Input t1 = read_t1_input(t1_file);
  std::stringstream text;
  text << read_bounded_file(kernel_source, kSourceFileCap, "kernel source (.cu)");
  T1CudaTaskSpec spec;
  spec.name = t1.name;
  spec.kind = cuda_problem_kind_for(t1.name + " " + t1.kernel.kernel_name);
  if (spec.kind.empty()) {
    throw_input_error("no problem model for benchmark '" + t1.name + "'", t1_file.string(),
                      "CUDA T1 runs know convolution and dedispersion");
  }
  if (!t1.kernel.language.empty() && t1.kernel.language != "CUDA") {
    throw_input_error("KernelSpecification.Language is " + t1.kernel.language + ", not CUDA",
                      t1_file.string() + "#/KernelSpecification/Language");
  }
  spec.space = t1.space;
  spec.source = text.str();
  spec.kernel_name = t1.kernel.kernel_name;
  // Kernel Tuner passes C++11 for these; our kernels are C++17-clean as well.
  spec.compile_options = {};
  const json& local = t1.kernel.local_size;
  for (const char* axis : {"X", "Y", "Z"}) {
    if (local.is_object() && local.contains(axis)) {
      const json& v = local.at(axis);
      spec.block.push_back(v.is_string() ? v.get<std::string>() : v.dump());
    } else {
      spec.block.push_back("1");
    }
  }
  const json& whole = t1.kernel.json;
  for (const char* key : {"GridDivX", "GridDivY", "GridDivZ"}) {
    std::vector<std::string> divs;
    if (whole.contains(key) && whole.at(key).is_array()) {
      for (const json& d : whole.at(key))
        divs.push_back(d.is_string() ? d.get<std::string>() : d.dump());
    }
    spec.grid_div.push_back(divs);
  }
  return make_t1_cuda_task(std::move(spec));
}

}  // namespace evojit
