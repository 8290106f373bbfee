#include "kernels/call_thunk.hpp"

namespace evojit {

std::string call_thunk(const std::string& function, const std::vector<ManifestArgument>& args) {
  std::string out = "\n#line 1 \"";
  out += kCallThunkFile;
  out += R"("
// evojit call thunk: the argument block, one pointer per argument, in the signature's order.
template <class T>
struct evojit_exact {
  T value;
  operator T() const { return value; }
  template <class U>
  operator U() const = delete;  // a scalar converts only to its own type
};
extern "C" void evojit_kernel(void* const* evojit_block) {
  )";
  out += function + "(";
  for (std::size_t i = 0; i < args.size(); ++i) {
    const ManifestArgument& a = args[i];
    const std::string type = element_c_type(a.type);
    const std::string slot = "evojit_block[" + std::to_string(i) + "]";
    out += i ? ",\n      " : "\n      ";
    if (a.array) {
      out += "(" + type + "*)" + slot;
    } else {
      out += "evojit_exact<" + type + ">{*(const " + type + "*)" + slot + "}";
    }
    out += "  /* " + a.name + " */";
  }
  out += ");\n}\n";
  return out;
}

}  // namespace evojit
