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
# A CUDA run stopped part way and resumed (issue "one run"): the resumed journal must
# hold exactly the extended budget, ids 0..N-1, and the run must end with a summary.
{
  runs=/tmp/evojit-resume-check; rm -rf "$runs"; mkdir -p "$runs"
  "$b/evojit" run --device cuda:0 --task triad --budget 8 --max-seconds-per-size 0.2 \
    --out "$runs/triad" --quiet; echo "run exit $?"
  "$b/evojit" resume "$runs/triad" --budget 16 --quiet; echo "resume exit $?"
  echo "journal lines: $(wc -l < "$runs/triad/journal.jsonl") (want 16)"
  python3 -c "import json,sys; ids=[json.loads(l)['id'] for l in open('$runs/triad/journal.jsonl')]; print('ids ok' if ids==list(range(16)) else 'ids WRONG', ids[:3], ids[-3:]); s=json.load(open('$runs/triad/summary.json')); print('summary', s['evaluations'], s['statuses'], s.get('held_out_verdict'))"
  python3 -c "import json; r=json.load(open('$runs/triad/run.json')); print('backend', r['backend'])"
} 2>&1 | tee "$out/resume.txt"
