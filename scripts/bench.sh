#!/usr/bin/env bash
# bench.sh - build the `release` preset and run every benchmark.
#
#   scripts/bench.sh [ARGS...]
#
# Benchmarks are bench/bench_<name>.c; CMake puts the executables in
# build/release/bench/bench_<name>. Each one is run in turn with ARGS.
# BCSC_BENCH=<glob> runs only the matching ones (e.g. BCSC_BENCH='bench_spawn*').
# Each benchmark prints a human-readable block and one machine-readable line
# per scenario,
#   RESULT scenario=<name> bcsc_ns=<x> lower_ns=<y> ratio=<r> allocs=<n>
# (DIAGNOSTIC lines, same fields, for comparisons that explain a figure),
# which are repeated together at the end. See docs/benchmarks.md.
#
# Wall-clock figures drift up to ~1.7x between runs on shared 2-core machines:
# compare within one run, as ratios; use scripts/bench-callgrind.sh for small
# differences.
set -euo pipefail
cd "$(dirname "$0")/.."

cmake --preset release >/dev/null
cmake --build --preset release -j2

shopt -s nullglob
ran=0
failed=0
results=()
for exe in build/release/bench/bench_*; do
  [ -f "$exe" ] && [ -x "$exe" ] || continue
  name=$(basename "$exe")
  # shellcheck disable=SC2053
  [[ "$name" == ${BCSC_BENCH:-*} ]] || continue
  echo "=== $name"
  log=$(mktemp)
  if ! "$exe" "$@" | tee "$log"; then
    echo "bench.sh: $name failed" >&2
    failed=1
  fi
  while IFS= read -r line; do results+=("$line"); done < <(grep -E '^(RESULT|DIAGNOSTIC) ' "$log" || true)
  rm -f "$log"
  ran=$((ran + 1))
done
if [ "$ran" -eq 0 ]; then
  echo "bench.sh: no benchmarks found in build/release/bench" >&2
  exit 1
fi
echo
echo "=== summary"
printf '%s\n' ${results[@]+"${results[@]}"}
exit "$failed"
