#!/usr/bin/env bash
# Builds the CUDA backend on a GPU machine that has the CUDA toolkit, CMake, g++ and
# Ninja but no package registry and no LLVM 19 (so the CPU JIT is left out:
# EVOJIT_WITH_LLVM=OFF; TBB is optional). Whatever of CLI11, xxHash, zlib and SQLite headers,
# GoogleTest and nlohmann-json the machine lacks is taken from the folder that
# scripts/cuda_deps.sh filled on a machine that has them (carried along).
#
#   scripts/gpu_build.sh [BUILD_DIR=build-gpu] [DEPS=.carry/cuda-deps]
# then: BUILD_DIR/cuda_tests, BUILD_DIR/evojit roofline --device cuda:0, ...
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build-gpu}
deps=${2:-$root/.carry/cuda-deps}
arch=x86_64-linux-gnu
args=(-G Ninja -DCMAKE_BUILD_TYPE=Release -DEVOJIT_WITH_LLVM=OFF -DEVOJIT_WITH_CUDA=ON)
command -v nvcc >/dev/null || export PATH=/usr/local/cuda/bin:$PATH
have_header() { echo "#include <$1>" | g++ -std=c++20 -E -x c++ - >/dev/null 2>&1; }
have_header CLI/CLI.hpp || args+=(-DCLI11_INCLUDE_DIR="$deps/include")
have_header xxhash.h || args+=(-DXXHASH_INCLUDE_DIR="$deps/include")
if ! have_header zlib.h; then
  zlib=$(ls /usr/lib/$arch/libz.so* /lib/$arch/libz.so* 2>/dev/null | head -1)
  args+=(-DZLIB_INCLUDE_DIR="$deps/include" -DZLIB_LIBRARY="$zlib")
fi
if ! have_header sqlite3.h; then  # the run-time library alone (libsqlite3.so.0) is common
  sqlite=$(ls /usr/lib/$arch/libsqlite3.so* /lib/$arch/libsqlite3.so* 2>/dev/null | head -1)
  args+=(-DSQLite3_INCLUDE_DIR="$deps/include" -DSQLite3_LIBRARY="$sqlite")
fi
if have_header nlohmann/json.hpp; then
  # The carried include folder (GoogleTest's include directory too) must not shadow the
  # machine's own nlohmann-json with another version: two ABIs in one link.
  rm -rf "$deps/include/nlohmann"
else
  args+=(-Dnlohmann_json_DIR="$deps/share/cmake/nlohmann_json")
fi
if ! ls /usr/lib/$arch/cmake/GTest/GTestConfig.cmake /usr/lib/cmake/GTest/GTestConfig.cmake \
     /usr/local/lib/cmake/GTest/GTestConfig.cmake >/dev/null 2>&1; then
  args+=(-DGTest_DIR="$deps/lib/$arch/cmake/GTest")
fi
# Extra configure arguments, e.g. EVOJIT_CMAKE_ARGS="-DCMAKE_CXX_FLAGS=-include initializer_list".
if [ -n "${EVOJIT_CMAKE_ARGS:-}" ]; then args+=("$EVOJIT_CMAKE_ARGS"); fi
echo "gpu_build: cmake ${args[*]}"
cmake -S "$root" -B "$build" "${args[@]}"
cmake --build "$build" -j"$(nproc)" --target evojit evojit-cuda-worker cuda_tests \
  bench_cuda_sgemm bench_cuda_compile_latency bench_cuda_compile_throughput
