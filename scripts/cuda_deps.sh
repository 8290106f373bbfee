#!/usr/bin/env bash
# Copies the small header-only / static dependencies that a GPU machine with no
# package registry may lack (CLI11, xxHash, zlib and SQLite headers, GoogleTest, nlohmann-json)
# from this machine into an ignored folder, plus the benchmark hub's T1 files and
# A100 caches the CUDA runs compare with. Pass the folder with the device tool's
# `carry`; scripts/gpu_build.sh uses whatever of it the GPU machine lacks.
#
#   scripts/cuda_deps.sh [DEST=.carry/cuda-deps]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
dest=${1:-$root/.carry/cuda-deps}
arch=x86_64-linux-gnu
mkdir -p "$dest/include" "$dest/lib/$arch/cmake" "$dest/share/cmake" 
cp -r /usr/include/CLI "$dest/include/"
cp /usr/include/xxhash.h /usr/include/zlib.h /usr/include/zconf.h /usr/include/sqlite3.h \
   /usr/include/sqlite3ext.h "$dest/include/"
cp -r /usr/include/gtest /usr/include/gmock "$dest/include/"
cp /usr/lib/$arch/libgtest.a /usr/lib/$arch/libgtest_main.a /usr/lib/$arch/libgmock.a \
   /usr/lib/$arch/libgmock_main.a "$dest/lib/$arch/"
cp -r /usr/lib/$arch/cmake/GTest "$dest/lib/$arch/cmake/"
cp -r /usr/include/nlohmann "$dest/include/"
cp -r /usr/share/cmake/nlohmann_json "$dest/share/cmake/"
du -sh "$dest"
