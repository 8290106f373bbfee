// evojit's public C++ API in one include: `#include <evojit/evojit.hpp>` from a project
// that did find_package(evojit) (README "Bring your own").
//   - a run: RunSpec (runs/run_spec.hpp) -> run() (runs/run.hpp) over Registries
//     (runs/registries.hpp) filled by cli::register_builtins (cli/builtins.hpp);
//   - your own task: TaskSpec -> make_task (kernels/user_task.hpp);
//   - your own fitness: any type with score() held in a Fitness (evaluators/fitness.hpp);
//   - your own strategy: any type with ask()/tell() -> make_strategy
//     (search/user_strategy.hpp); your own mutator (search/mutator.hpp);
//   - a plug-in for `evojit run --plugin`: EVOJIT_PLUGIN(registries) { ... }
//     (runs/plugin_api.hpp).
#pragma once

#include "cli/builtins.hpp"
#include "evaluators/fitness.hpp"
#include "kernels/user_task.hpp"
#include "runs/plugin_api.hpp"
#include "runs/registries.hpp"
#include "runs/run.hpp"
#include "runs/run_spec.hpp"
#include "search/mutator.hpp"
#include "search/user_strategy.hpp"
#include "support/version.hpp"
