// Plug-ins that must be refused, one per BAD_PLUGIN value (tests/CMakeLists.txt).
#include "runs/plugin_api.hpp"

#if BAD_PLUGIN == 1  // no entry function at all
extern "C" int not_an_evojit_plugin() { return 1; }
#elif BAD_PLUGIN == 2  // built for another evojit
extern "C" __attribute__((visibility("default"))) const char* evojit_plugin_abi() {
  return "evojit 0.0.9 plugin-abi 1";
}
extern "C" __attribute__((visibility("default"))) void evojit_register(evojit::Registries&) {}
#elif BAD_PLUGIN == 3  // registers nothing
EVOJIT_PLUGIN(registries) { (void)registries; }
#elif BAD_PLUGIN == 4  // takes a name that is already there
struct Zero {
  double score(evojit::Evaluation&, const std::vector<evojit::Workload>&) const { return 0.0; }
};
EVOJIT_PLUGIN(registries) {
  registries.fitness.add("time", "again",
                         [](const evojit::FitnessContext&) -> evojit::Fitness { return Zero{}; });
}
#elif BAD_PLUGIN == 5  // needs a symbol nothing provides
extern "C" void evojit_test_symbol_nobody_defines();
EVOJIT_PLUGIN(registries) {
  (void)registries;
  evojit_test_symbol_nobody_defines();
}
#endif
