# The installable package: `cmake --install build --prefix P` puts the headers under
# P/include/evojit/<folder>/ (and the umbrella P/include/evojit/evojit.hpp), the static
# libraries, the evojit CLI and its workers, and P/lib/cmake/evojit/evojitConfig.cmake,
# so that an external project does
#   find_package(evojit CONFIG REQUIRED)
#   target_link_libraries(app PRIVATE evojit::evojit)     # a program using the C++ API
#   target_link_libraries(mine PRIVATE evojit::plugin)    # a MODULE plug-in for `--plugin`
# The headers include each other as "support/x.hpp", so both include/ and include/evojit
# are on the interface include path.
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set(evojit_layer_targets evojit_support evojit_genomes evojit_kernels evojit_evaluators
  evojit_interop evojit_search evojit_backend_replay evojit_runs)
foreach(t IN ITEMS evojit_backend_cpu evojit_backend_cuda)
  if(TARGET ${t})
    list(APPEND evojit_layer_targets ${t})
  endif()
endforeach()
foreach(t IN LISTS evojit_layer_targets ITEMS evojit_builtins evojit_backends)
  string(REGEX REPLACE "^evojit_" "" exported ${t})
  set_target_properties(${t} PROPERTIES EXPORT_NAME ${exported})
  target_include_directories(${t} INTERFACE $<INSTALL_INTERFACE:include>)
endforeach()

# evojit::evojit: everything `evojit run` is made of (the registries' built-ins and
# every backend this build has), for programs using evojit as a library.
add_library(evojit_all INTERFACE)
set_target_properties(evojit_all PROPERTIES EXPORT_NAME evojit)
target_link_libraries(evojit_all INTERFACE evojit_builtins)
target_include_directories(evojit_all INTERFACE
  $<BUILD_INTERFACE:${PROJECT_SOURCE_DIR}/include> $<INSTALL_INTERFACE:include>)
# evojit::plugin: what a --plugin shared object links. The layers below the backends
# (static, position-independent): at load time the symbols the CLI exports win, and
# what the CLI lacks comes from the plug-in's own copy, so a plug-in loads whatever
# of evojit's API it calls.
add_library(evojit_plugin INTERFACE)
set_target_properties(evojit_plugin PROPERTIES EXPORT_NAME plugin)
target_link_libraries(evojit_plugin INTERFACE evojit_runs)
target_include_directories(evojit_plugin INTERFACE
  $<BUILD_INTERFACE:${PROJECT_SOURCE_DIR}/include> $<INSTALL_INTERFACE:include>)
add_library(evojit::evojit ALIAS evojit_all)
add_library(evojit::plugin ALIAS evojit_plugin)

install(TARGETS ${evojit_layer_targets} evojit_builtins evojit_backends evojit_all evojit_plugin
  EXPORT evojitTargets
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
  INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
# The CLI and its workers: the CLI finds a worker beside itself. Linked libraries
# outside the system paths (LLVM's) stay on the installed binaries' RPATH.
set(evojit_programs evojit)
foreach(t IN ITEMS evojit-worker evojit-cuda-worker)
  if(TARGET ${t})
    list(APPEND evojit_programs ${t})
  endif()
endforeach()
set_target_properties(${evojit_programs} PROPERTIES INSTALL_RPATH_USE_LINK_PATH ON)
install(TARGETS ${evojit_programs} RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})

foreach(dir IN ITEMS support genomes kernels evaluators interop search backends runs)
  install(DIRECTORY ${PROJECT_SOURCE_DIR}/${dir} DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/evojit
    FILES_MATCHING PATTERN "*.hpp")
endforeach()
install(FILES ${PROJECT_SOURCE_DIR}/cli/builtins.hpp
  DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/evojit/cli)
install(FILES ${PROJECT_SOURCE_DIR}/include/evojit/evojit.hpp
  DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/evojit)

set(EVOJIT_CONFIG_HAS_TBB ${TBB_FOUND})
set(EVOJIT_CONFIG_LLVM_DIR "${LLVM_DIR}")
set(EVOJIT_CONFIG_CLANG_DIR "${Clang_DIR}")
configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/evojitConfig.cmake.in
  ${PROJECT_BINARY_DIR}/evojitConfig.cmake
  INSTALL_DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/evojit)
# 0.x: a minor version may break the API, so only the same minor version is compatible.
write_basic_package_version_file(${PROJECT_BINARY_DIR}/evojitConfigVersion.cmake
  COMPATIBILITY SameMinorVersion)
install(EXPORT evojitTargets NAMESPACE evojit:: DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/evojit)
install(FILES ${PROJECT_BINARY_DIR}/evojitConfig.cmake ${PROJECT_BINARY_DIR}/evojitConfigVersion.cmake
  DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/evojit)
