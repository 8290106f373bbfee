#!/usr/bin/env bash
# Issue 14's H200 work on heat2d (programmatic dependent launch) and sgemm (two blocks per
# SM, one loop per alignment), in two parts that each fit one device call; logs to $OUT
# (default ./gpu-out); bench/cuda_results_h200.md records the outputs.
#   scripts/gpu_h14.sh probe [DEPS]   build, roofline, heat2d: the last best with and
#                                     without PDL, a heat2d run; ncu of cuBLAS's SGEMM
#                                     and a 128x128 variant at n = 4096
#   scripts/gpu_h14.sh ncu [DEPS]     ncu metrics of cuBLAS's SGEMM and the best tuned
#                                     variant at n = 4096 (issue rate, stall reasons)
#   scripts/gpu_h14.sh splitk [DEPS]  every CUDA test; the best 256x128 variant with SPLITK
#                                     1-3 at n = 3000, 5000; sgemm, sgemm-small and
#                                     sgemm-ragged runs (times SGEMM_SECONDS, SMALL_SECONDS,
#                                     RAGGED_SECONDS); the dispatcher of the three against cuBLAS
#   scripts/gpu_h14.sh final [DEPS] [sgemm_budget] [small_budget] [constraint]
#                                     every CUDA test, hand-picked sgemm variants against
#                                     cuBLAS at every n, sgemm and sgemm-small runs, the
#                                     dispatcher of their results against cuBLAS
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out=${OUT:-$root/gpu-out}; b=$root/build-gpu; runs=/tmp/evojit-runs
mkdir -p "$out" "$runs"
export EVOJIT_CACHE_DIR=${EVOJIT_CACHE_DIR:-/tmp/evojit-cache}
part=${1:-probe}; deps=${2:-$root/.carry/cuda-deps}
sizes=(1024 2048 4096 8192 3000 5000)
if [ ! -x "$b/evojit" ]; then
  t0=$(date +%s)
  "$root/scripts/gpu_build.sh" "$b" "$deps" > "$out/build.log" 2>&1 || { tail -40 "$out/build.log"; exit 1; }
  echo "build: $(( $(date +%s) - t0 )) s"
fi
[ "$part" = ncu ] || [ -f "$EVOJIT_CACHE_DIR/gpu-cuda0.json" ] || "$b/evojit" roofline --device cuda:0 --force | tee "$out/roofline.txt"
heat() {  # one heat2d configuration, everything pinned
  local sets=() kv
  for kv in $(echo "$1" | tr , ' '); do sets+=(--set "$kv"); done
  rm -rf "$runs/h"
  "$b/evojit" run --device cuda:0 --max-seconds-per-size 0.3 --task heat2d --budget 1 \
    "${sets[@]}" --out "$runs/h" 2>&1 | grep -E "^\s+[0-9]+x[0-9]+x8|fitness" | head -4
}
if [ "$part" = ncu ]; then
  # Where the best tuned variant loses to cuBLAS at n = 4096: issue rate, FFMA share and
  # the stall reasons per issued instruction, for both kernels.
  ncu=$(command -v ncu || ls /opt/nvidia/nsight-compute/*/ncu /usr/local/cuda/bin/ncu 2>/dev/null | head -1)
  m=smsp__issue_active.avg.pct_of_peak_sustained_active,smsp__inst_executed.sum
  m=$m,sm__sass_thread_inst_executed_op_ffma_pred_on.sum,sm__pipe_fma_cycles_active.avg.pct_of_peak_sustained_active
  m=$m,launch__registers_per_thread,sm__warps_active.avg.per_cycle_active,gpc__cycles_elapsed.max
  for r in barrier mio_throttle short_scoreboard long_scoreboard math_pipe_throttle not_selected \
           selected wait dispatch_stall no_instruction lg_throttle branch_resolving; do
    m=$m,smsp__average_warps_issue_stalled_${r}_per_issue_active.ratio
  done
  for k in "regex:gemm_" "regex:^sgemm$"; do
    timeout 90 "$ncu" --clock-control none -k "$k" --launch-skip 2 --launch-count 1 --metrics "$m" \
      "$b/bench_cuda_sgemm" AT=True,BK=8,BM=256,BN=128,DBUF=True,MINB=1,PAD=4,PIPE=0,TM=16,TN=8,VEC=4,WX=8 4096 2>&1 |
      grep -vE "^==PROF==|^\s*$" | grep -E "gemm|\.(sum|ratio|pct|max|avg|per)|registers|cycle"
  done 2>&1 | tee "$out/ncu_best.txt"
elif [ "$part" = probe ]; then
  {
    nvidia-smi --query-gpu=name,driver_version,clocks.sm,clocks.max.sm --format=csv,noheader
    echo "== heat2d: the last best, PDL off / on, twice each"
    base=BLOCK_X=128,BLOCK_Y=4,CELLS_Y=2,LDG=False,STCS=False,VEC=4
    for pdl in False True False True; do echo "PDL=$pdl"; heat "$base,PDL=$pdl"; done
    echo "PDL=True STCS=True"; heat BLOCK_X=128,BLOCK_Y=4,CELLS_Y=2,LDG=False,STCS=True,VEC=4,PDL=True
    echo "== evojit run --task heat2d --budget 96"
    rm -rf "$runs/heat2d"
    "$b/evojit" run --device cuda:0 --max-seconds-per-size 0.3 --task heat2d \
      --strategy regularized-evolution --budget 96 --workers 2 --out "$runs/heat2d" 2>&1 |
      grep -v '^\s*$' | tail -12
  } 2>&1 | tee "$out/heat2d.txt"
  {
    echo "== ncu: cuBLAS's kernel and variant 0 at n=4096"
    ncu=$(command -v ncu || ls /opt/nvidia/nsight-compute/*/ncu /usr/local/cuda/bin/ncu 2>/dev/null | head -1)
    for k in "regex:gemm_" "regex:^sgemm$"; do
      timeout 60 "$ncu" --clock-control none -k "$k" --launch-skip 2 --launch-count 1 \
        --section LaunchStats --section Occupancy --section SpeedOfLight --section SchedulerStats \
        --section WarpStateStats --section ComputeWorkloadAnalysis \
        "$b/bench_cuda_sgemm" BM=128,BN=128,BK=8,TM=8,TN=8,WX=8,MINB=2,AT=True,DBUF=True,PAD=4,PIPE=0,VEC=4 4096 2>&1 |
        grep -vE "^==PROF==|^\s*$|^\s+-+\s" | grep -E "gemm|Registers|Block Size|Grid Size|Shared Memory|Occupancy|Throughput|Issue|Eligible|Active Warps|Stall|Duration|SM Frequency|Executed Ipc|Waves|Theoretical|Achieved|One or More|No Eligible|Warp Cycles" | head -40
    done
  } 2>&1 | tee "$out/ncu.txt"
elif [ "$part" = splitk ]; then
  "$b/cuda_tests" 2>&1 | tee "$out/tests.log" | grep -E "^\[  (FAILED|PASSED|SKIPPED) |OK \]|FAILED|Failure" | head -60
  {
    echo "== sgemm: the best 256x128 variant with SPLITK 1, 2, 3, each timed, against cuBLAS"
    v=AT=True,BK=8,BM=256,BN=128,DBUF=True,MINB=1,PAD=4,PIPE=0,TM=16,TN=8,VEC=4,WX=8
    timeout 120 "$b/bench_cuda_sgemm" $v,SPLITK=1 $v,SPLITK=2 $v,SPLITK=3 3000 5000
  } 2>&1 | tee "$out/splitk_probe.txt"
  rm -rf "$runs/sgemm" "$runs/sgemm-small" "$runs/sgemm-ragged"
  {
    for task in sgemm sgemm-small sgemm-ragged; do
      t=${SGEMM_SECONDS:-100}; extra=(--constraint "TM * TN >= 64")
      [ "$task" = sgemm-small ] && { t=${SMALL_SECONDS:-50}; extra=(); }
      [ "$task" = sgemm-ragged ] && t=${RAGGED_SECONDS:-100}
      echo "== evojit run --task $task --budget 120 --time-budget $t ${extra[*]}"
      "$b/evojit" run --device cuda:0 --max-seconds-per-size 0.3 --flush-l2 --task "$task" \
        --strategy regularized-evolution --budget 120 --time-budget "$t" --workers 4 \
        --out "$runs/$task" "${extra[@]}" 2>&1 | grep -v '^\s*$' | tail -10
    done
    timeout 150 "$b/bench_cuda_sgemm" "$runs/sgemm/best/best.json" "$runs/sgemm-small/best/best.json" \
      "$runs/sgemm-ragged/best/best.json" "${sizes[@]}"
  } 2>&1 | tee "$out/sgemm.txt"
  tar czf "$out/sgemm_run.tgz" -C "$runs" sgemm sgemm-small sgemm-ragged
elif [ "$part" = retune ]; then
  # The second splitk call: the 128x128 two-blocks-per-SM shape that sgemm-ragged found,
  # at n = 2048..8192 against the 256x128 best; sgemm re-tuned in the register-staged
  # double-buffered part of the space; the dispatcher with PREV's sgemm-small and
  # sgemm-ragged results (an earlier call's runs, carried).
  prev=${3:?retune needs the folder of an earlier call\'s runs}
  {
    echo "== sgemm: 128x128 (MINB=2) against 256x128, each timed, against cuBLAS"
    r=AT=True,BK=16,BM=128,BN=128,DBUF=True,MINB=2,PAD=4,PIPE=0,TM=16,TN=4,VEC=4,WX=32
    v=AT=True,BK=8,BM=256,BN=128,DBUF=True,MINB=1,PAD=4,PIPE=0,TM=16,TN=8,VEC=4,WX=8
    [ -n "${SKIP_PROBE:-}" ] || timeout 150 "$b/bench_cuda_sgemm" $v $r,SPLITK=1 $r,SPLITK=2 2048 4096 8192
  } 2>&1 | tee "$out/retune_probe.txt"
  rm -rf "$runs/sgemm"
  {
    t=${SGEMM_SECONDS:-150}
    n=${SGEMM_BUDGET:-160}; c=${SGEMM_CONSTRAINT:-PIPE == 0 and DBUF}
    echo "== evojit run --task sgemm --budget $n --time-budget $t --constraint 'TM * TN >= 64' --constraint '$c'"
    "$b/evojit" run --device cuda:0 --max-seconds-per-size 0.3 --flush-l2 --task sgemm \
      --strategy regularized-evolution --budget "$n" --time-budget "$t" --workers 4 \
      --out "$runs/sgemm" --constraint "TM * TN >= 64" --constraint "$c" 2>&1 |
      grep -v '^\s*$' | tail -10
    timeout 150 "$b/bench_cuda_sgemm" "$runs/sgemm/best/best.json" "$prev/sgemm-small/best/best.json" \
      "$prev/sgemm-ragged/best/best.json" "${sizes[@]}"
  } 2>&1 | tee "$out/sgemm.txt"
  tar czf "$out/sgemm_run.tgz" -C "$runs" sgemm
else
  budget=${3:-120}; small=${4:-96}; constraint=${5:-"TM * TN >= 64"}
  "$b/cuda_tests" 2>&1 | tee "$out/tests.log" | grep -E "^\[  (FAILED|PASSED|SKIPPED) |OK \]|FAILED|Failure" | head -60
  {
    echo "== sgemm: hand-picked variants, each timed, against cuBLAS"
    c=AT=True,PAD=4,VEC=4,MINB=1
    "$b/bench_cuda_sgemm" \
      BM=256,BN=128,BK=16,TM=8,TN=16,WX=8,MINB=1,AT=True,DBUF=True,PAD=0,PIPE=0,VEC=4 \
      BM=256,BN=128,BK=8,TM=8,TN=16,WX=8,DBUF=False,PIPE=3,$c \
      BM=256,BN=128,BK=8,TM=16,TN=8,WX=4,DBUF=False,PIPE=3,$c \
      BM=256,BN=128,BK=16,TM=8,TN=16,WX=8,DBUF=False,PIPE=3,$c \
      BM=256,BN=128,BK=8,TM=8,TN=16,WX=8,DBUF=True,PIPE=0,$c \
      BM=128,BN=256,BK=8,TM=8,TN=16,WX=8,DBUF=False,PIPE=3,$c \
      BM=128,BN=128,BK=8,TM=8,TN=8,WX=8,MINB=2,AT=True,DBUF=True,PAD=4,PIPE=0,VEC=4 \
      "${sizes[@]}"
  } 2>&1 | tee "$out/sgemm_probe.txt"
  rm -rf "$runs/sgemm" "$runs/sgemm-small"
  {
    for task in sgemm sgemm-small; do
      n=$budget; t=${SGEMM_SECONDS:-150}; extra=(--constraint "$constraint")
      [ "$task" = sgemm-small ] && { n=$small; t=${SMALL_SECONDS:-70}; extra=(); }
      echo "== evojit run --task $task --budget $n --time-budget $t ${extra[*]}"
      "$b/evojit" run --device cuda:0 --max-seconds-per-size 0.3 --flush-l2 --task "$task" \
        --strategy regularized-evolution --budget "$n" --time-budget "$t" --workers 4 \
        --out "$runs/$task" "${extra[@]}" 2>&1 | grep -v '^\s*$' | tail -10
    done
    "$b/bench_cuda_sgemm" "$runs/sgemm/best/best.json" "$runs/sgemm-small/best/best.json" "${sizes[@]}"
  } 2>&1 | tee "$out/sgemm.txt"
  tar czf "$out/sgemm_run.tgz" -C "$runs" sgemm sgemm-small
fi
