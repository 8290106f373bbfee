// The evojit version, for code built against evojit's headers (plug-ins check it:
// runs/plugin_api.hpp). CMakeLists.txt refuses to configure when it differs from the
// project's version.
#pragma once

#define EVOJIT_VERSION_STRING "0.1.0"
