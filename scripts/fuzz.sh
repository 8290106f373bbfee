#!/usr/bin/env bash
# Builds the libFuzzer targets (tests/fuzz, clang-19 with ASan + UBSan, only the reader
# sources) and runs each for a bounded time on its seed corpus (tests/fuzz/corpus/).
#
#   FUZZ_SECONDS   seconds per target (default 30)
#   FUZZ_BUILD_DIR build folder (default build-fuzzers at the repository root)
#   FUZZ_TARGETS   targets to run (default: expression run_config cache)
#
# Inputs may be as long as the readers' limits (support/files.hpp, the expression
# depth and size bounds in support/expression/expression.hpp): 256 KiB, so an expression can
# pass kMaxExpressionDepth; the cache target lowers the decompression cap to 1 MiB
# (EVOJIT_MAX_INPUT_MB) so that a few KiB of gzip can reach it.
#
# Prints the number of executions per target and exits non-zero when any target found
# a crash, a sanitizer report, a leak, a timeout or an out-of-memory; the reproducer is
# left as FUZZ_BUILD_DIR/artifacts/<target>-crash-... (replay it: ./<target>_fuzzer FILE).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
seconds="${FUZZ_SECONDS:-30}"
build="${FUZZ_BUILD_DIR:-$root/build-fuzzers}"
targets=(${FUZZ_TARGETS:-expression run_config cache})

if [[ ! "$seconds" =~ ^[0-9]+$ ]] || ((seconds == 0)); then
  echo "fuzz: FUZZ_SECONDS must be a positive integer, got '$seconds'" >&2
  exit 2
fi
for tool in clang-19 clang++-19; do
  command -v "$tool" >/dev/null || { echo "fuzz: $tool not found (run scripts/setup.sh)" >&2; exit 2; }
done

CC=clang-19 CXX=clang++-19 cmake -S "$root/tests/fuzz" -B "$build" -G Ninja \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo -DEVOJIT_BUILD_FUZZERS=ON >/dev/null
cmake --build "$build" -j2 --target "${targets[@]/%/_fuzzer}"

mkdir -p "$build/artifacts"
status=0
summary=""
for t in "${targets[@]}"; do
  corpus="$build/corpus/$t"  # new inputs go here; the seeds in the repository stay as they are
  mkdir -p "$corpus"
  dict=()
  [ -f "$root/tests/fuzz/$t.dict" ] && dict=(-dict="$root/tests/fuzz/$t.dict")
  log="$build/$t.log"
  echo "fuzz: $t for ${seconds}s"
  rc=0
  "$build/${t}_fuzzer" -max_total_time="$seconds" -print_final_stats=1 -timeout=10 \
    -rss_limit_mb=2048 -max_len=262144 -artifact_prefix="$build/artifacts/$t-" "${dict[@]}" \
    "$corpus" "$root/tests/fuzz/corpus/$t" >"$log" 2>&1 || rc=$?
  execs="$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)"
  if ((rc != 0)); then
    status=1
    echo "fuzz: $t FAILED (exit $rc); the end of $log:" >&2
    tail -n 40 "$log" >&2
  fi
  summary+="$(printf '%-12s %12s executions  %s' "$t" "${execs:-?}" "$( ((rc == 0)) && echo ok || echo FINDING)")"$'\n'
done
printf '\nfuzz: executions per target (%ss each)\n%s' "$seconds" "$summary"
exit "$status"
