#!/usr/bin/env bash
# The H200 session's device work in parts that each fit one device call (logs to $OUT,
# default ./gpu-out; bench/cuda_results_h200.md records the outputs):
#   scripts/gpu_h200.sh base   build and check (scripts/gpu_check.sh: tests, roofline, NVRTC
#                              vs nvcc latency), compile throughput (1 and all cores)
#   scripts/gpu_h200.sh tune [triad_budget=24] [heat2d_budget=96]   triad and heat2d runs
#   scripts/gpu_h200.sh sgemm [budget=96] [small_budget=128] [sizes...]
#                              structural probe (a few hand-written variants timed side by
#                              side, for the record only), the sgemm and sgemm-small tuning
#                              runs, then the dispatcher of their results against cuBLAS at
#                              n = 1024..8192, 3000, 5000
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out=${OUT:-$root/gpu-out}; b=$root/build-gpu; runs=/tmp/evojit-runs
mkdir -p "$out" "$runs"
export EVOJIT_CACHE_DIR=${EVOJIT_CACHE_DIR:-/tmp/evojit-cache}
part=${1:-base}; shift || true
if [ "$part" = base ]; then
  "$root/scripts/gpu_check.sh"
  echo "== compile throughput"
  "$b/bench_cuda_compile_throughput" 32 2>&1 | tee "$out/throughput.txt"
elif [ "$part" = tune ]; then
  [ -x "$b/evojit" ] || "$root/scripts/gpu_build.sh" "$b" > "$out/build.log" 2>&1
  [ -f "$EVOJIT_CACHE_DIR/gpu-cuda0.json" ] || "$b/evojit" roofline --device cuda:0
  for task in triad heat2d; do
    budget=${1:-24}; [ "$task" = heat2d ] && budget=${2:-96}
    echo "== evojit run --task $task --budget $budget"
    rm -rf "$runs/$task"
    "$b/evojit" run --device cuda:0 --max-seconds-per-size 0.3 --task "$task" \
      --strategy regularized-evolution --budget "$budget" --workers 2 --out "$runs/$task" 2>&1 |
      grep -v '^\s*$' | tail -22 | tee "$out/$task.txt"
  done
  tar czf "$out/tune_runs.tgz" -C "$runs" triad heat2d
else
  [ -x "$b/evojit" ] || "$root/scripts/gpu_build.sh" "$b" > "$out/build.log" 2>&1
  budget=${1:-96}; small=${2:-128}; shift 2 || shift $#
  sizes=("$@"); [ ${#sizes[@]} -eq 0 ] && sizes=(1024 2048 4096 8192 3000 5000)
  rm -rf "$runs/sgemm" "$runs/sgemm-small"
  {
    echo "== structural probe (hand-written variants, each timed; not used by the dispatcher)"
    "$b/bench_cuda_sgemm" \
      AT=True,BK=16,BM=256,BN=128,DBUF=True,PAD=0,PIPE=0,TM=8,TN=16,VEC=4,WX=8 \
      AT=True,BK=16,BM=128,BN=256,DBUF=True,PAD=0,PIPE=0,TM=16,TN=8,VEC=4,WX=8 \
      AT=True,BK=16,BM=128,BN=256,DBUF=False,PAD=4,PIPE=2,TM=16,TN=8,VEC=4,WX=8 \
      AT=False,BK=16,BM=256,BN=128,DBUF=False,PAD=4,PIPE=2,TM=16,TN=8,VEC=4,WX=8 \
      AT=False,BK=32,BM=64,BN=128,DBUF=False,PAD=4,PIPE=3,TM=8,TN=4,VEC=4,WX=32 \
      2048 4096 8192 3000 5000
    # n >= 2048: at least 64 outputs per thread (a smaller thread tile re-reads shared
    # memory too often to matter there; the first H200 run spent its budget on them).
    for task in sgemm sgemm-small; do
      n=$budget; extra=(--constraint "TM * TN >= 64")
      [ "$task" = sgemm-small ] && { n=$small; extra=(); }
      "$b/evojit" run --device cuda:0 --max-seconds-per-size 0.3 --flush-l2 --task "$task" \
        --strategy regularized-evolution --budget "$n" --workers 4 --out "$runs/$task" \
        "${extra[@]}" 2>&1 | tail -22
    done
    "$b/bench_cuda_sgemm" "$runs/sgemm/best/best.json" "$runs/sgemm-small/best/best.json" "${sizes[@]}"
  } 2>&1 | tee "$out/sgemm.txt"
  tar czf "$out/sgemm_run.tgz" -C "$runs" sgemm sgemm-small
fi
