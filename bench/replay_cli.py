#!/usr/bin/env python3
"""Replay end to end through the CLI, against Kernel Tuner's simulation mode.

A 100k-evaluation replay of one Kernel Tuner cache, timed as a user runs it: the
`evojit run --replay` process from start to exit (loading the cache, the search,
the journal with its group syncs and checkpoints, t4.json, kernel_tuner_cache.json,
the summary), and, when kernel_tuner imports, a Python process doing Kernel Tuner's
simulation mode on the same cache with the same budget (random sampling, as evojit's
`--strategy random`). The methods take turns within each repetition; medians and
the ratio are printed. The cache is synthetic (bench/make_synthetic_cache.py,
131072 configurations, all recorded): no recorded benchmark-hub space has the 10^5
configurations a 100k budget needs.

usage: bench/replay_cli.py --evojit build/evojit [--python /path/to/venv/bin/python]
                           [--budget 100000] [--repetitions 5] [--kt-repetitions 3]
"""
import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))

KT_SCRIPT = r"""
import sys, time, warnings
t0 = time.perf_counter()
import kernel_tuner
from kernel_tuner import util
cache_file, budget = sys.argv[1], int(sys.argv[2])
cache = util.read_cache(cache_file, open_cache=False)
with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    results, env = kernel_tuner.tune_kernel(
        cache["kernel_name"], "__global__ void k() {}", cache["problem_size"], [],
        cache["tune_params"], cache=cache_file, simulation_mode=True,
        strategy="random_sample", strategy_options={"max_fevals": budget}, quiet=True)
valid = [r for r in results if "__error__" not in r]
print(len(results), min(r["time"] for r in valid), time.perf_counter() - t0)
"""


def timed(command, **kwargs):
    start = time.perf_counter()
    done = subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                          **kwargs)
    wall = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit(f"failed ({done.returncode}): {' '.join(command)}\n{done.stderr[-2000:]}")
    return wall, done.stdout


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--evojit", required=True)
    ap.add_argument("--python", default=os.environ.get("EVOJIT_KERNEL_TUNER_PYTHON", ""),
                    help="a Python with kernel_tuner installed")
    ap.add_argument("--budget", type=int, default=100000)
    ap.add_argument("--repetitions", type=int, default=5)
    ap.add_argument("--kt-repetitions", type=int, default=3)
    ap.add_argument("--strategy", default="random")
    args = ap.parse_args()

    work = tempfile.mkdtemp(prefix="evojit-replay-bench-")
    try:
        cache = os.path.join(work, "synthetic.json")
        subprocess.run([sys.executable, os.path.join(HERE, "make_synthetic_cache.py"), cache,
                        "--sizes", "16,16,8,8,8,2"], check=True)
        have_kt = bool(args.python) and subprocess.run(
            [args.python, "-c", "import kernel_tuner"], stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL).returncode == 0
        print(f"cache: {cache} ({os.path.getsize(cache) / 1e6:.1f} MB, 131072 configurations)")
        print(f"budget {args.budget} evaluations; evojit --strategy {args.strategy}; "
              f"Kernel Tuner: {'simulation mode, random_sample' if have_kt else 'not installed'}")
        evojit_s, kt_s, kt_tune_s = [], [], []
        for rep in range(max(args.repetitions, args.kt_repetitions if have_kt else 0)):
            if rep < args.repetitions:
                out = os.path.join(work, f"run{rep}")
                wall, _ = timed([args.evojit, "run", "--replay", cache, "--budget",
                                 str(args.budget), "--strategy", args.strategy, "--seed",
                                 str(rep + 1), "--quiet", "--out", out])
                evojit_s.append(wall)
                print(f"  rep {rep}: evojit {wall:7.2f} s  ({args.budget / wall:9.0f} evaluations/s)",
                      flush=True)
                shutil.rmtree(out)
            if have_kt and rep < args.kt_repetitions:
                wall, out = timed([args.python, "-c", KT_SCRIPT, cache, str(args.budget)])
                kt_s.append(wall)
                fields = out.split()
                kt_tune_s.append(float(fields[-1]))
                print(f"  rep {rep}: Kernel Tuner {wall:7.2f} s  ({int(fields[0]) / wall:9.0f} "
                      f"evaluations/s, {fields[0]} results)", flush=True)
        e = statistics.median(evojit_s)
        print(f"\nevojit CLI replay:           median {e:7.2f} s  {args.budget / e:9.0f} evaluations/s"
              f"  ({len(evojit_s)} repetitions)")
        if kt_s:
            k = statistics.median(kt_s)
            print(f"Kernel Tuner simulation mode: median {k:7.2f} s  {args.budget / k:9.0f} "
                  f"evaluations/s  ({len(kt_s)} repetitions)")
            print(f"ratio (Kernel Tuner time / evojit time): {k / e:.1f}x")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
