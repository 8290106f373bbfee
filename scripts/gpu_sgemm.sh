#!/usr/bin/env bash
# On the GPU machine, after scripts/gpu_build.sh: the sgemm tuning runs (task sgemm on
# n = 2048, 4096; task sgemm-small on n = 1024) and the tuned kernels against cuBLAS,
# each n dispatched to the run tuned nearest it (the first part of scripts/gpu_tune.sh).
# Both runs flush the L2 before every timed repetition, as the bench does for the tuned
# kernel and cuBLAS alike: at n = 1024 the operands (12 MB) would otherwise stay in the
# 50 MB L2 and the search would favour what is fast from a warm cache.
#   scripts/gpu_sgemm.sh [budget=48] [small_budget=128]
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out=${OUT:-$root/gpu-out}; b=$root/build-gpu; runs=/tmp/evojit-runs
rm -rf "$runs/sgemm" "$runs/sgemm-small"; mkdir -p "$out" "$runs"
export EVOJIT_CACHE_DIR=${EVOJIT_CACHE_DIR:-/tmp/evojit-cache}
{
  for task in sgemm sgemm-small; do
    budget=${1:-48}; [ "$task" = sgemm-small ] && budget=${2:-128}
    "$b/evojit" run --device cuda:0 --max-seconds-per-size 0.3 --flush-l2 --task "$task" \
      --strategy regularized-evolution --budget "$budget" --workers 4 --out "$runs/$task" 2>&1 | tail -22
  done
  "$b/bench_cuda_sgemm" "$runs/sgemm/best/best.json" "$runs/sgemm-small/best/best.json"
} 2>&1 | tee "$out/sgemm.txt"
tar czf "$out/sgemm_run.tgz" -C "$runs" sgemm sgemm-small
