#!/usr/bin/env python3
"""Compiles a CUDA task's template for sm_90 with nvcc, on a machine with no GPU: each
configuration given (NAME=VALUE,...) or N sampled from the task's space (the space and
constraints are read from the task's .cpp, whose constraint language is Python's), and
prints registers, stack and spills per configuration. A quick check before a device call.

  scripts/cuda_compile_check.py sgemm [--sample N] [CANONICAL ...]
  scripts/cuda_compile_check.py heat2d --sample 8
"""
import argparse, itertools, random, re, subprocess, sys, tempfile, os

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TASKS = {"sgemm": ("backends/cuda/tasks/sgemm_source.hpp", "backends/cuda/tasks/sgemm_cuda.cpp"),
         "heat2d": ("backends/cuda/tasks/heat2d_cuda.cpp", "backends/cuda/tasks/heat2d_cuda.cpp")}

def space(cpp):
    text = open(cpp).read()
    params = {}
    for name, body in re.findall(r'Parameter::list\("(\w+)",\s*(?:ints\()?\{((?:[^{}]|\{[^{}]*\})*)\}', text):
        params[name] = [int(v) for v in re.findall(r"\{?(-?\d+)\}?", body.replace("int64_t", ""))]
    for name in re.findall(r'Parameter::boolean\("(\w+)"\)', text):
        params[name] = [0, 1]
    block = text[text.index("Parameter::"):]
    constraints = re.findall(r'"([^"]*(?:>=|<=|==|%|\bor\b|\band\b)[^"]*)"', block.split("{}")[0])
    return params, constraints

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("task", choices=TASKS)
    ap.add_argument("--sample", type=int, default=0)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("configs", nargs="*")
    a = ap.parse_args()
    src, cpp = (os.path.join(root, p) for p in TASKS[a.task])
    template = re.search(r'R"\((.*?)\)"', open(src).read(), re.S).group(1)
    params, constraints = space(cpp)
    configs = []
    for c in a.configs:
        configs.append({k: int({"True": 1, "False": 0}.get(v, v)) for k, v in (kv.split("=") for kv in c.split(","))})
    rng = random.Random(a.seed)
    tries = 0
    while len(configs) < len(a.configs) + a.sample and tries < 100000:
        tries += 1
        c = {k: rng.choice(v) for k, v in params.items()}
        if all(eval(e, {}, dict(c)) for e in constraints):
            configs.append(c)
    nvcc = os.environ.get("NVCC", "/usr/local/cuda/bin/nvcc")
    failed = 0
    with tempfile.TemporaryDirectory() as d:
        for c in configs:
            cu = os.path.join(d, "k.cu")
            open(cu, "w").write("".join(f"#define {k} {v}\n" for k, v in c.items()) + template)
            r = subprocess.run([nvcc, "-cubin", "-arch=sm_90", "-std=c++17", "-Xptxas", "-v",
                                "-o", os.path.join(d, "k.cubin"), cu], capture_output=True, text=True)
            name = ",".join(f"{k}={v}" for k, v in sorted(c.items()))
            if r.returncode != 0:
                failed += 1
                print(f"FAIL {name}\n{r.stderr[-2000:]}")
                continue
            regs = re.search(r"Used (\d+) registers", r.stderr)
            spill = re.search(r"(\d+) bytes spill stores, (\d+) bytes spill loads", r.stderr)
            print(f"ok   {name}: {regs.group(1) if regs else '?'} registers, "
                  f"spills {spill.group(1) if spill else '?'}/{spill.group(2) if spill else '?'} B")
    print(f"{len(configs) - failed} of {len(configs)} compiled")
    return 1 if failed else 0

if __name__ == "__main__":
    sys.exit(main())
