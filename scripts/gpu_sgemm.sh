#!/usr/bin/env bash
# On the GPU machine, after scripts/gpu_build.sh: the sgemm tuning run and the tuned
# kernel against cuBLAS (the first part of scripts/gpu_tune.sh alone).
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out=${OUT:-$root/gpu-out}; b=$root/build-gpu; runs=/tmp/evojit-runs
rm -rf "$runs/sgemm"; mkdir -p "$out" "$runs"
export EVOJIT_CACHE_DIR=${EVOJIT_CACHE_DIR:-/tmp/evojit-cache}
{
  "$b/evojit" run --device cuda:0 --max-seconds-per-size 0.3 --task sgemm \
    --strategy regularized-evolution --budget "${1:-48}" --workers 4 --out "$runs/sgemm" 2>&1 | tail -22
  "$b/bench_cuda_sgemm" "$runs/sgemm/best/best.json" \
    "BK=16,BM=64,BN=128,DBUF=True,PAD=4,TM=8,TN=8,VEC=4" \
    "BK=16,BM=64,BN=64,DBUF=True,PAD=4,TM=4,TN=8,VEC=4"
} 2>&1 | tee "$out/sgemm.txt"
tar czf "$out/sgemm_run.tgz" -C "$runs" sgemm
