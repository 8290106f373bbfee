#!/usr/bin/env bash
# On the GPU machine, after scripts/gpu_build.sh: tuning runs of the CUDA tasks and
# the figures the CUDA backend is judged by. Logs to $OUT (default ./gpu-out):
#   - sgemm tuned by two runs (sgemm: n = 2048, 4096; sgemm-small: n = 1024), then timed
#     against cuBLAS SGEMM for n = 1024..8192, each n using the run tuned nearest it
#   - triad and heat2d runs: per-size fraction of the measured HBM bandwidth
#   - convolution and dedispersion from their T1 files plus our kernel sources, the
#     best time next to the best recorded on the A100 (the hub's caches)
#   scripts/gpu_tune.sh [sgemm_budget=48] [other_budget=24] [heat2d_budget=96]
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out=${OUT:-$root/gpu-out}
b=$root/build-gpu
spaces=$root/tests/data/spaces
runs=/tmp/evojit-runs
rm -rf "$runs"; mkdir -p "$out" "$runs"
export EVOJIT_CACHE_DIR=${EVOJIT_CACHE_DIR:-/tmp/evojit-cache}
sb=${1:-48}; ob=${2:-24}; hb=${3:-96}
run() { echo "== evojit run $*"; "$b/evojit" run --device cuda:0 --max-seconds-per-size 0.3 "$@" 2>&1 | grep -v '^\s*$' | tail -25; }
{
  # L2 flushed before each repetition, as the bench does for both (see gpu_sgemm.sh).
  run --task sgemm --flush-l2 --strategy regularized-evolution --budget "$sb" --workers 4 \
      --out "$runs/sgemm"
  run --task sgemm-small --flush-l2 --strategy regularized-evolution --budget $((sb * 8 / 3)) \
      --workers 4 --out "$runs/sgemm-small"
  echo "== tuned sgemm vs cuBLAS"
  # Each n runs the winner of the run tuned nearest it (the bench's dispatcher).
  "$b/bench_cuda_sgemm" "$runs/sgemm/best/best.json" "$runs/sgemm-small/best/best.json"
  run --task triad --strategy regularized-evolution --budget "$ob" --workers 2 --out "$runs/triad"
  run --task heat2d --strategy regularized-evolution --budget "$hb" --workers 2 --out "$runs/heat2d"
  run --t1 "$spaces/convolution_milo.json" --kernel-source "$root/backends/cuda/tasks/convolution.cu" \
      --strategy regularized-evolution --budget "$sb" --workers 4 --out "$runs/convolution"
  run --t1 "$spaces/dedispersion_milo.json" --kernel-source "$root/backends/cuda/tasks/dedispersion.cu" \
      --strategy regularized-evolution --budget "$ob" --workers 4 --out "$runs/dedispersion"
  echo "== per-size fractions of the roofline and the hub's A100 best"
  python3 - "$runs" "$spaces" <<'PY'
import gzip, json, sys, os
runs, spaces = sys.argv[1], sys.argv[2]
for name in ["sgemm", "sgemm-small", "triad", "heat2d", "convolution", "dedispersion"]:
    p = os.path.join(runs, name, "best", "best.json")
    if not os.path.exists(p):
        print(name, "no best.json"); continue
    best = json.load(open(p))
    if not best:
        print(name, "no valid configuration"); continue
    sizes = best.get("training", {}).get("sizes", [])
    held = best.get("held_out", {})
    print(f"{name}: fitness {best['fitness']:.3f}  held-out {held.get('verdict')} "
          f"(held-out fitness {held.get('held_out_fitness', 0):.3f})  {best['canonical']}")
    for s in sizes:
        print(f"   {s['label']:>14}: {s['timing']['median_s']*1e3:9.4f} ms  fraction of roofline {s['fraction']:.3f}")
    cache = {"convolution": "convolution_milo_A100.json.gz", "dedispersion": "dedispersion_milo_A100.json.gz"}.get(name)
    if cache and sizes:
        c = json.load(gzip.open(os.path.join(spaces, cache)))["cache"]
        a100 = min((v for v in c.values() if isinstance(v.get("time"), (int, float))), key=lambda v: v["time"])
        ours = sizes[0]["timing"]["median_s"] * 1e3
        print(f"   A100 best recorded (hub, Kernel Tuner mean): {a100['time']:.4f} ms; ours on this GPU {ours:.4f} ms "
              f"({a100['time']/ours:.2f}x)")
PY
} 2>&1 | tee "$out/tune.txt"
tar czf "$out/runs.tgz" -C "$runs" .
