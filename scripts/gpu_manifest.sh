#!/usr/bin/env bash
# A CUDA task manifest (examples/conv1d_cuda) built and tuned end to end on a GPU machine:
# the CUDA build (scripts/gpu_build.sh, CPU JIT left out), the manifest's own tests, the
# manifest checked by `evojit tasks --task-file`, a tuning run and its report. Logs to $OUT
# (default ./gpu-out).
#   scripts/gpu_manifest.sh [DEPS=.carry/cuda-deps] [BUDGET=40] [MANIFEST=examples/conv1d_cuda/conv1d.json]
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out=${OUT:-$root/gpu-out}; b=$root/build-gpu; runs=/tmp/evojit-runs
deps=${1:-$root/.carry/cuda-deps}; budget=${2:-40}
manifest=${3:-$root/examples/conv1d_cuda/conv1d.json}
mkdir -p "$out" "$runs"
export EVOJIT_CACHE_DIR=${EVOJIT_CACHE_DIR:-/tmp/evojit-cache}
if [ ! -x "$b/evojit" ] || [ ! -x "$b/cuda_tests" ]; then
  t0=$(date +%s)
  "$root/scripts/gpu_build.sh" "$b" "$deps" > "$out/build.log" 2>&1 || { tail -40 "$out/build.log"; exit 1; }
  echo "build: $(( $(date +%s) - t0 )) s"
fi
{
  nvidia-smi --query-gpu=name,driver_version --format=csv,noheader
  echo "== cuda_tests: manifest tasks (no skips expected on a GPU)"
  "$b/cuda_tests" --gtest_filter='ManifestCudaTask*' 2>&1 | grep -E "^\[ +(OK|FAILED|SKIPPED|PASSED) |Skipped|Failure|error" 
  echo "== evojit tasks --task-file $manifest"
  "$b/evojit" tasks --task-file "$manifest"
  [ -f "$EVOJIT_CACHE_DIR/gpu-cuda0.json" ] || "$b/evojit" roofline --device cuda:0 --force
  echo "== evojit run --task-file $manifest --device cuda:0 --budget $budget"
  rm -rf "$runs/manifest"
  "$b/evojit" run --task-file "$manifest" --device cuda:0 --budget "$budget" \
    --max-seconds-per-size 0.3 --out "$runs/manifest"
  echo "rc=$?"
  echo "== best"
  ls "$runs/manifest/best" 2>/dev/null && head -20 "$runs/manifest/best/"*.cu 2>/dev/null
} 2>&1 | tee "$out/manifest.txt"
