#!/usr/bin/env python3
"""Runs Kernel Tuner's strategies on a recorded space in simulation mode, for
bench_search_efficiency (which scores what this prints with the same scorer as
evojit's runs).

One JSON object per line and run: {"space", "budget", "strategy", "repeat", "curve"}, where curve[t-1]
is the best recorded time (ms) after the t-th configuration Kernel Tuner charged
to max_fevals (its simulation runner charges each cached configuration on its
first visit, failures included), null while nothing has run. The space both tools
search is the configurations the cache holds (failures included: a live run would
pay for them too); Kernel Tuner's own tune_cache() would drop the failed ones.

Every run builds a fresh search space (tune_kernel does, from tune_params and the
restriction), with numpy's and Python's generators seeded by the repeat number.

Usage: kernel_tuner_runs.py CACHE.json[.gz] BUDGET REPEATS STRATEGY[,STRATEGY...]
"""
import gzip
import json
import math
import os
import random
import sys
import tempfile
import warnings


def main():
    cache_path, budget, repeats, strategies = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
    import numpy
    from kernel_tuner import tune_kernel, util
    from constraint import FunctionConstraint

    space = os.path.basename(cache_path).split(".json")[0]
    opener = gzip.open if cache_path.endswith(".gz") else open
    with opener(cache_path, "rt") as f:
        text = f.read()
    # Kernel Tuner reads plain JSON only; a private copy also keeps the original
    # untouched whatever the simulation writes.
    with tempfile.TemporaryDirectory() as tmp:
        plain = os.path.join(tmp, "cache.json")
        with open(plain, "w") as f:
            f.write(text)
        cache = json.loads(text)
        keys = cache["tune_params_keys"]
        recorded = set(tuple(entry[k] for k in keys) for entry in cache["cache"].values())

        def in_cache(*values):
            return values in recorded

        args = util.infer_args_from_cache(util.read_cache(plain, open_cache=False))
        for strategy in strategies.split(","):
            for repeat in range(repeats):
                random.seed(repeat)
                numpy.random.seed(repeat)
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    results, _ = tune_kernel(
                        **args,
                        cache=plain,
                        restrictions=[FunctionConstraint(in_cache)],
                        simulation_mode=True,
                        strategy=strategy,
                        strategy_options={"max_fevals": budget},
                        quiet=True,
                    )
                curve, seen, best = [], set(), math.inf
                for r in results:
                    key = ",".join(str(r[k]) for k in keys)
                    if key in seen:
                        continue  # a revisit: served from the cache, not charged
                    seen.add(key)
                    t = r.get("time")
                    if isinstance(t, (int, float)) and "__error__" not in r:
                        best = min(best, float(t))
                    curve.append(None if math.isinf(best) else best)
                print(json.dumps({"space": space, "budget": budget, "strategy": strategy,
                                  "repeat": repeat, "curve": curve[:budget]}),
                      flush=True)


if __name__ == "__main__":
    main()
