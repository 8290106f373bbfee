#include "kernels/kernel_abi.hpp"

namespace evojit {

const std::string& cpu_kernel_prelude() {
  static const std::string prelude = R"(// evojit CPU kernel prelude
typedef long long evojit_i64;
struct evojit_args {
  float* buffers[8];
  evojit_i64 dims[4];
  float scalars[4];
};
extern "C" void evojit_parallel_for(int threads, evojit_i64 begin, evojit_i64 end,
                                    void (*body)(void*, evojit_i64, evojit_i64), void* ctx);
namespace evojit {
// Runs f(lo, hi) over chunks of [begin, end) on at most `threads` threads.
template <class F>
inline void parallel_for(int threads, evojit_i64 begin, evojit_i64 end, const F& f) {
  evojit_parallel_for(threads, begin, end,
                      [](void* c, evojit_i64 lo, evojit_i64 hi) { (*static_cast<const F*>(c))(lo, hi); },
                      const_cast<void*>(static_cast<const void*>(&f)));
}
}  // namespace evojit
)";
  return prelude;
}

}  // namespace evojit
