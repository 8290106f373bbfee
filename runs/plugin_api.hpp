// The plug-in interface: a shared object that adds fitness functions, strategies,
// mutators, tasks or backends to a run's registries, loaded with `evojit run --plugin
// libmine.so` (also the "plugins" key of a --config file). A plug-in is
//
//   #include <evojit/evojit.hpp>
//   EVOJIT_PLUGIN(registries) {
//     registries.fitness.add("mine", "what it scores", [](const evojit::FitnessContext&)
//                            -> evojit::Fitness { return MyFitness{}; });
//   }
//
// built as a MODULE library linked with evojit::plugin (examples/CMakeLists.txt).
// EVOJIT_PLUGIN defines the two C entry points the loader (runs/plugins.hpp) looks up:
//   const char* evojit_plugin_abi()             EVOJIT_PLUGIN_ABI as the plug-in saw it
//   void evojit_register(evojit::Registries&)   adds its entries
// The loader refuses a plug-in whose ABI string is not its own: the registries and the
// types they hold are C++ classes whose layout is that of one evojit version built by
// one C++ ABI, so a plug-in built against another evojit is refused, not run.
#pragma once

#include "runs/registries.hpp"
#include "support/version.hpp"

#define EVOJIT_PLUGIN_STRINGIFY2(x) #x
#define EVOJIT_PLUGIN_STRINGIFY(x) EVOJIT_PLUGIN_STRINGIFY2(x)
// Bump the revision when a type a plug-in sees changes layout within one version.
#define EVOJIT_PLUGIN_ABI_REVISION 1
#define EVOJIT_PLUGIN_ABI \
  "evojit " EVOJIT_VERSION_STRING " plugin-abi " EVOJIT_PLUGIN_STRINGIFY(              \
      EVOJIT_PLUGIN_ABI_REVISION) " c++abi " EVOJIT_PLUGIN_STRINGIFY(__GXX_ABI_VERSION) \
      " c++" EVOJIT_PLUGIN_STRINGIFY(__cplusplus)

// The names the loader looks up with dlsym.
#define EVOJIT_PLUGIN_ABI_SYMBOL "evojit_plugin_abi"
#define EVOJIT_PLUGIN_REGISTER_SYMBOL "evojit_register"

#define EVOJIT_PLUGIN(registries)                                                     \
  extern "C" __attribute__((visibility("default"))) const char* evojit_plugin_abi() { \
    return EVOJIT_PLUGIN_ABI;                                                         \
  }                                                                                   \
  extern "C" __attribute__((visibility("default"))) void evojit_register(             \
      ::evojit::Registries& registries)
