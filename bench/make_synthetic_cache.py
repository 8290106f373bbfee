#!/usr/bin/env python3
"""Writes a synthetic Kernel Tuner cache (the format Kernel Tuner 1.5 writes) with a
large, fully recorded space, for the replay benchmark: a 100k-evaluation replay needs
a space of well over 100k configurations, more than any recorded benchmark-hub space
holds. The landscape is smooth with deterministic noise, every configuration is
recorded (no failures), so Kernel Tuner's simulation mode accepts it as is.

usage: make_synthetic_cache.py OUT.json [--sizes 16,16,8,8,6,4]
"""
import argparse
import itertools
import json
import math


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--sizes", default="16,16,8,8,6,4")
    args = ap.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    names = [f"p{i}" for i in range(len(sizes))]
    tune_params = {n: [2 ** v if i < 2 else v for v in range(k)] for i, (n, k) in
                   enumerate(zip(names, sizes))}
    with open(args.out, "w") as f:
        header = {"device_name": "Synthetic GPU", "kernel_name": "synthetic",
                  "problem_size": [4096, 4096], "tune_params_keys": names,
                  "tune_params": tune_params, "objective": ["time"], "cache": {}}
        f.write(json.dumps(header, indent="")[:-3])
        first = True
        for index in itertools.product(*[range(k) for k in sizes]):
            values = [tune_params[n][i] for n, i in zip(names, index)]
            bowl = sum(((i + 0.5) / k - 0.37) ** 2 for i, k in zip(index, sizes))
            noise = (math.sin(sum((j + 1) * 12.9898 * i for j, i in enumerate(index))) * 43758.5453) % 1.0
            time = 1.0 + 4.0 * bowl + 0.3 * noise
            entry = dict(zip(names, values))
            entry.update({"time": time, "times": [time], "compile_time": 50.0,
                          "verification_time": 0, "benchmark_time": 10 * time})
            key = ",".join(str(v) for v in values)
            f.write(("\n" if first else ",\n") + json.dumps({key: entry})[1:-1])
            first = False
        f.write("}\n}")


if __name__ == "__main__":
    main()
