#!/usr/bin/env bash
# On the GPU machine: what it has, the build (scripts/gpu_build.sh), the CUDA tests,
# the GPU roofline, NVRTC vs nvcc compile latency and the default SGEMM against
# cuBLAS. Logs go to $OUT (default ./gpu-out).
#   scripts/gpu_check.sh
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out=${OUT:-$root/gpu-out}
mkdir -p "$out"
export EVOJIT_CACHE_DIR=${EVOJIT_CACHE_DIR:-/tmp/evojit-cache}
{
  nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.max.sm,clocks.max.mem --format=csv
  which cmake nvcc g++ ninja python3; g++ --version | head -1; nvcc --version | tail -2
  for h in CLI/CLI.hpp xxhash.h tbb/tbb.h zlib.h nlohmann/json.hpp gtest/gtest.h; do
    echo "#include <$h>" | g++ -std=c++20 -E -x c++ - >/dev/null 2>&1 && echo "have $h" || echo "MISSING $h"
  done
  ls /usr/lib/x86_64-linux-gnu/libgtest* /usr/lib/x86_64-linux-gnu/libxxhash* 2>&1
} > "$out/env.txt" 2>&1
cat "$out/env.txt"
time "$root/scripts/gpu_build.sh" "$root/build-gpu" > "$out/build.log" 2>&1 || { tail -60 "$out/build.log"; exit 1; }
tail -3 "$out/build.log"
b=$root/build-gpu
"$b/cuda_tests" 2>&1 | tee "$out/tests.log" | grep -E "^\[  (FAILED|PASSED|SKIPPED) |OK \]|FAILED|Failure|error" | head -60
{
  "$b/evojit" roofline --device cuda:0 --force
  echo; "$b/bench_cuda_compile_latency" 8
  echo; "$b/bench_cuda_sgemm"
} 2>&1 | tee "$out/bench.txt"
