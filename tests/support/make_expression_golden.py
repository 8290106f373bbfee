#!/usr/bin/env python3
"""Writes tests/data/expression_golden.json: Python's own answers for the
constraint language, which tests/support/expression_test.cpp checks evojit against.

Cases: every Conditions expression of the T1 files in tests/data/spaces/*_milo.json,
evaluated on a deterministic sample of configurations drawn from the parameter value
lists (plus out-of-list edge values: 0, negatives, a float), and a hand-written list of
tricky expressions (floor division and modulo signs, chained comparisons, mixed
int/float, `not in`, precedence, ** associativity, unary minus against **, ...).

Every value is encoded as text with a type tag: "b:1", "i:-7", "f:<float.hex()>",
"s:<text>"; an expected "e:<ExceptionName>" means Python raised (evojit must throw).
Run from anywhere: python3 tests/support/make_expression_golden.py
"""
import glob
import itertools
import json
import os
import random

HERE = os.path.dirname(os.path.abspath(__file__))
SPACES = os.path.normpath(os.path.join(HERE, "..", "data", "spaces"))
OUT = os.path.join(HERE, "..", "data", "expression_golden.json")
BUILTINS = {"int": int, "float": float, "abs": abs, "min": min, "max": max, "bool": bool}


def enc(v):
    if isinstance(v, bool):
        return "b:1" if v else "b:0"
    if isinstance(v, int):
        return "i:%d" % v
    if isinstance(v, float):
        return "f:" + v.hex()
    if isinstance(v, str):
        return "s:" + v
    raise TypeError(type(v))


def run(expr, env):
    try:
        r = eval(expr, {"__builtins__": BUILTINS}, dict(env))
    except Exception as e:  # noqa: BLE001 - any Python error must be an evojit error
        return "e:" + type(e).__name__
    if isinstance(r, complex):
        return "e:complex"
    if r is None or isinstance(r, (list, tuple)):
        return "e:NotAValue"
    if isinstance(r, int) and not isinstance(r, bool) and not -2**63 <= r < 2**63:
        return "e:OverflowError"  # evojit ints are 64-bit
    return enc(r)


def names_of(expr):
    return [n for n in compile(expr, "<c>", "eval").co_names if n not in BUILTINS]


def case(expr, names, envs):
    rows = []
    seen = set()
    for env in envs:
        key = tuple(enc(env[n]) for n in names)
        if key in seen:
            continue
        seen.add(key)
        rows.append(list(key) + [run(expr, env)])
    return {"expr": expr, "names": names, "rows": rows}


def t1_cases():
    cases = []
    for path in sorted(glob.glob(os.path.join(SPACES, "*_milo.json"))):
        with open(path) as f:
            space = json.load(f)["ConfigurationSpace"]
        values = {p["Name"]: json.loads(p["Values"]) for p in space["TuningParameters"]}
        rng = random.Random(os.path.basename(path))
        for cond in space.get("Conditions", []):
            expr = cond["Expression"]
            names = names_of(expr)
            lists = [values[n] for n in names]
            total = 1
            for l in lists:
                total *= len(l)
            if total <= 300:
                envs = [dict(zip(names, c)) for c in itertools.product(*lists)]
            else:
                envs = [dict(zip(names, (l[0] for l in lists))),
                        dict(zip(names, (l[-1] for l in lists)))]
                envs += [{n: rng.choice(values[n]) for n in names} for _ in range(300)]
            # Edge values outside the lists: zero divisors, negative operands, floats.
            edges = [0, -1, -7, 2.5]
            envs += [{n: rng.choice(values[n] + edges) for n in names} for _ in range(40)]
            cases.append(case(expr, names, envs))
    return cases


TRICKY = r"""
a // b
a % b
-a // b
a // -b
-7 // 2
-7 % 2
7 % -2
7 // -2
-7 % -2
x // y
x % y
a // x
a % x
x // b
x % b
-7.5 // 2
7.5 % -2
-0.0 % 5
0.0 // -3
a / b
x / b
a / 2
1 / 3
2 / 3 * 3
7 / 7
a ** 2
2 ** 10
2 ** -1
(-2) ** 3
-2 ** 2
(-2) ** 2
2 ** 3 ** 2
-2 ** -2
a ** b
x ** b
x ** y
b ** x
0 ** 0
0.0 ** 0
2 ** 0.5
(-8) ** (1/3)
1 < a < 5
1 < a <= b
a < b < x
0 <= a * b <= 10
a == b == 0
1 < 2 > 0
a != b != a
32 <= a * b * 16 <= 1024
a < x
a == x
1 == 1.0
True == 1
t + 1
t * a
t + t
-t
t / 2
a and b
a or b
x and s
not a
not s
t or x
a and b or x
a or b and x
not a == b
not a in [0]
a in [1, 3, 8]
a not in (0, 3)
x in [1.5, 2]
s in ['abc', 'd']
s not in ('b',)
'b' in s
'z' in s
a in [b, b + 1]
t in [1]
1.0 in [True]
a in ()
a in [1, 2] == True
a in b
a in s
1 + 2 * 3 - 4 / 2
(1 + 2) * 3
10 - 2 - 3
2 * 3 % 4
2 + 3 % 2
100 // 7 * 7 + 100 % 7
-a % 3
- a ** 2
a * -b
a & b
a | b
a ^ b
a << 2
a >> 1
t & t
t | False
1 | 2 ^ 3 & 4
a << b
a >> b
1 + 2 << 1
int(x)
int(-2.7)
int(t)
int('42')
int(' -3 ')
int('x')
int(s)
float(a)
float('1.5')
float(s)
abs(a)
abs(x)
abs(t)
abs(s)
min(a, b)
max(a, b, x)
min(a, x)
max(1, 1.0)
max(1.0, 1)
min([a, b, 3])
max((x, y))
max(a, s)
min(b)
bool(x)
bool(s)
s + 'x'
s * 2
s * b
s == 'abc'
s < 'b'
s + a
a + s
s < a
s == a
-s
a if t else b
x if a > 0 else s
1e3
1_000 + 0x10 + 0o7 + 0b11
.5 + 5.
1e-7
1e16
1e22 / 3
2.5e-3 * a
True + True
False * 3.5
None == None
a == None
float('nan') == float('nan')
float('nan') < 1
float('inf') > a
int(float('inf'))
int(float('nan'))
-float('inf') // 2
10 ** 18 * 9
2 ** 62 + 2 ** 62
9007199254740993 == 9007199254740992.0
9007199254740993 > 9007199254740992.0
a * x + b / 3 - y // 2
(a + b) % 4 == 0 and x < 2 or not t
'a' 'b' == 'ab'
a % 3 == 0 if b else a % 2 == 0
0.1 + 0.2
0.1 * 3
1 / 10 * 3
x ** 2 % 3
"""

ENV_VALUES = {
    "a": [-7, -1, 0, 3, 8],
    "b": [-3, 0, 2, 5],
    "x": [-2.5, 0.0, 1.5],
    "y": [-0.5, 3.0],
    "t": [True, False],
    "s": ["abc", "b"],
}


def tricky_cases():
    cases = []
    for expr in (line.strip() for line in TRICKY.splitlines()):
        if not expr:
            continue
        names = names_of(expr)
        envs = [dict(zip(names, c)) for c in itertools.product(*(ENV_VALUES[n] for n in names))]
        cases.append(case(expr, names, envs))
    return cases


def main():
    golden = {"generator": "tests/support/make_expression_golden.py",
              "cases": t1_cases() + tricky_cases()}
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w") as f:
        json.dump(golden, f, separators=(",", ":"))
        f.write("\n")
    rows = sum(len(c["rows"]) for c in golden["cases"])
    print("%s: %d expressions, %d rows, %d bytes" % (OUT, len(golden["cases"]), rows,
                                                    os.path.getsize(OUT)))


if __name__ == "__main__":
    main()
