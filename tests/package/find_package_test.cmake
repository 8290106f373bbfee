# The find-package test (fmt's shape): install this build's evojit into a scratch
# prefix (no rebuild: the libraries and programs already built), build examples/ as an
# external project against it with find_package(evojit), then run what it built: the
# installed CLI with the example plug-ins (a fitness and a strategy) on a replay, and
# the example program that tunes its own task through the C++ API.
#   cmake -DBUILD_DIR=... -DSOURCE_DIR=... -DWORK_DIR=... [-DLAUNCHER=ccache]
#         [-DLIBRARY_PATH=dir] -P find_package_test.cmake
foreach(v BUILD_DIR SOURCE_DIR WORK_DIR)
  if(NOT ${v})
    message(FATAL_ERROR "find_package_test: -D${v}= is required")
  endif()
endforeach()
file(REMOVE_RECURSE ${WORK_DIR})
set(prefix ${WORK_DIR}/prefix)
set(env)
if(LIBRARY_PATH)  # where no CUDA driver is installed: the toolkit's stub libcuda
  set(env ${CMAKE_COMMAND} -E env "LD_LIBRARY_PATH=${LIBRARY_PATH}")
endif()

function(step what)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "find_package_test: ${what} failed (${rc}):\n${out}")
  endif()
  set(step_output "${out}" PARENT_SCOPE)
  message(STATUS "find_package_test: ${what}: ok")
endfunction()

step("install" ${CMAKE_COMMAND} --install ${BUILD_DIR} --prefix ${prefix})
foreach(f include/evojit/evojit.hpp include/evojit/runs/plugin_api.hpp
    lib/cmake/evojit/evojitConfig.cmake lib/cmake/evojit/evojitConfigVersion.cmake bin/evojit)
  if(NOT EXISTS ${prefix}/${f})
    message(FATAL_ERROR "find_package_test: the install has no ${f}")
  endif()
endforeach()

set(configure ${CMAKE_COMMAND} -S ${SOURCE_DIR}/examples -B ${WORK_DIR}/build -G Ninja
  -DCMAKE_BUILD_TYPE=Release -DCMAKE_PREFIX_PATH=${prefix})
if(CXX_COMPILER)
  list(APPEND configure -DCMAKE_CXX_COMPILER=${CXX_COMPILER})
endif()
if(LAUNCHER)
  list(APPEND configure -DCMAKE_CXX_COMPILER_LAUNCHER=${LAUNCHER})
endif()
step("configure examples/ against the installed package" ${configure})
step("build examples/" ${CMAKE_COMMAND} --build ${WORK_DIR}/build)

set(evojit ${prefix}/bin/evojit)
set(plugins --plugin ${WORK_DIR}/build/libuser_fitness.so --plugin ${WORK_DIR}/build/libuser_strategy.so)
step("evojit tasks with the plug-ins" ${env} ${evojit} tasks ${plugins})
foreach(name hill-climb worst-size)
  if(NOT step_output MATCHES "${name}")
    message(FATAL_ERROR "find_package_test: `evojit tasks` does not list ${name}:\n${step_output}")
  endif()
endforeach()
step("a replay with the plug-in fitness and strategy" ${env} ${evojit} run
  --replay ${SOURCE_DIR}/tests/data/kernel_tuner/vector_add_c_kt1.5.json ${plugins}
  --fitness worst-size --strategy hill-climb --budget 6 --out ${WORK_DIR}/replay --json)
file(READ ${WORK_DIR}/replay/run.json run_json)
string(JSON recorded LENGTH "${run_json}" plugins)
if(NOT recorded EQUAL 2)
  message(FATAL_ERROR "find_package_test: run.json records ${recorded} plug-ins, not 2")
endif()
string(JSON fitness GET "${run_json}" config fitness)
if(NOT fitness STREQUAL "worst-size")
  message(FATAL_ERROR "find_package_test: the run's fitness is ${fitness}")
endif()

if(EXISTS ${WORK_DIR}/build/tune_scale)
  # A fixed machine profile, so that nothing measures the roofline.
  file(WRITE ${WORK_DIR}/profile.json [=[{"machine_id": "test", "threads": [1],
    "bandwidth_bytes_per_s": [10e9], "flops_per_s": [100e9], "levels": [
    {"name": "L1", "working_set_bytes": 16384, "bandwidth_bytes_per_s": [160e9]},
    {"name": "L2", "working_set_bytes": 524288, "bandwidth_bytes_per_s": [80e9]},
    {"name": "L3", "working_set_bytes": 8388608, "bandwidth_bytes_per_s": [20e9]}]}]=])
  step("tune the example's own task through the C++ API" ${env} ${WORK_DIR}/build/tune_scale
    ${WORK_DIR}/tune ${WORK_DIR}/profile.json)
  if(NOT step_output MATCHES "best speedup over the seed")
    message(FATAL_ERROR "find_package_test: tune_scale printed:\n${step_output}")
  endif()
endif()
file(REMOVE_RECURSE ${WORK_DIR})
