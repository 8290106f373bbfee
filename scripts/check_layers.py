#!/usr/bin/env python3
"""Fails when a source file includes a header of a layer above its own, or of another
layer at its level (docs/architecture.md): dependencies point down only.

usage: check_layers.py [REPO_ROOT]"""
import pathlib
import re
import sys

# Bottom to top; layers of one rank are independent of each other.
RANKS = {
    "support": 0,
    "genomes": 1,
    "kernels": 2,
    "evaluators": 3,
    "interop": 4,
    "search": 4,
    "backends/replay": 5,
    "backends/cpu": 5,
    "backends/cuda": 5,
    "runs": 6,
    "cli": 7,
}
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"')


def layer_of(path: str):
    for layer in sorted(RANKS, key=len, reverse=True):
        if path == layer or path.startswith(layer + "/"):
            return layer
    return None


def main() -> int:
    root = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else ".").resolve()
    problems = []
    for layer in RANKS:
        for source in sorted((root / layer).rglob("*")):
            if source.suffix not in (".cpp", ".hpp", ".h", ".cu"):
                continue
            rel = source.relative_to(root).as_posix()
            for number, line in enumerate(source.read_text(errors="replace").splitlines(), 1):
                match = INCLUDE.match(line)
                if not match:
                    continue
                target = layer_of(match.group(1))
                if target is None or target == layer:
                    continue
                if RANKS[target] >= RANKS[layer]:
                    problems.append(f"{rel}:{number}: {layer} includes {match.group(1)} "
                                    f"({target} is not below it)")
    for p in problems:
        print(p)
    print(f"check_layers: {len(problems)} upward or sideways include(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
