// The one place that fills the registries with what evojit ships: tasks, strategies,
// fitness functions and the backends this build has (cpu when built with LLVM, cuda
// when built with the toolkit, replay always). Called once by each command.
#pragma once

#include "runs/registries.hpp"

namespace evojit::cli {

void register_builtins(Registries& registries);

}  // namespace evojit::cli
