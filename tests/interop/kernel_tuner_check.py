"""Loads a Kernel Tuner cache with Kernel Tuner itself and replays it in its
simulation mode (brute force over the recorded configurations), printing what
Kernel Tuner saw as one JSON line. Used by kernel_tuner_cache_output_test.cpp.

usage: python kernel_tuner_check.py CACHE.json
"""
import json
import sys
import warnings

import kernel_tuner
from kernel_tuner import util


def main():
    path = sys.argv[1]
    cache = util.read_cache(path, open_cache=False)  # Kernel Tuner's own reader
    keys = cache["tune_params_keys"]
    recorded = set(cache["cache"].keys())

    def recorded_only(p):
        return ",".join(str(p[k]) for k in keys) in recorded

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        results, _ = kernel_tuner.tune_kernel(
            cache["kernel_name"], "__global__ void k() {}", cache["problem_size"], [],
            cache["tune_params"], cache=path, simulation_mode=True, strategy="brute_force",
            restrictions=recorded_only, quiet=True)
    valid = [r for r in results if "__error__" not in r]
    print(json.dumps({
        "kernel_tuner": kernel_tuner.__version__,
        "device_name": cache["device_name"],
        "results": len(results),
        "valid": len(valid),
        "failed": len(results) - len(valid),
        "best_time": min(r["time"] for r in valid) if valid else None,
    }))


if __name__ == "__main__":
    main()
