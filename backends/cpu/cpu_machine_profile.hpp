// This machine's ceilings for the CPU backend: the machine profile (measured
// roofline, evaluators/machine_profile.hpp) loaded from its file, or measured in a
// worker and saved there first.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "evaluators/machine_profile.hpp"

namespace evojit {

// Loads the machine profile from `path` (default location when empty), measuring
// and saving it first when missing. A profile lacking cache levels the OS reports
// (evaluators/profile_checks.hpp) is measured again when it is the default one, and
// refused (InputError, with the reasons) when the user named it. `measured` is set
// when it had to measure; `notes` receives what happened, for the user.
MachineProfile ensure_machine_profile(const std::filesystem::path& path, bool* measured = nullptr,
                                      std::vector<std::string>* notes = nullptr);

}  // namespace evojit
