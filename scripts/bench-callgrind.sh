#!/usr/bin/env bash
# bench-callgrind.sh - instruction counts of the benchmark regions.
#
#   scripts/bench-callgrind.sh [ARGS...]
#
# Builds the `release` preset, then runs every build/release/bench/bench_*
# under callgrind:
#
#   valgrind --tool=callgrind --collect-atstart=no \
#            --toggle-collect='bench_region_*' \
#            --callgrind-out-file=build/callgrind/<bench>.out  <bench> --callgrind ARGS...
#
# so only the code inside functions named bench_region_* is counted. The
# benchmarks take --callgrind to mean "fewer iterations" and print their own
# per-operation figures; afterwards this script prints the callgrind_annotate
# inclusive instruction totals (Ir) of each bench_region_* function.
#
# Contract for benchmark authors: the measured code lives in functions named
# bench_region_<what>, marked __attribute__((noinline)) so they exist as
# functions in the Release build.
# BCSC_BENCH=<glob> runs only the matching benchmarks.
set -euo pipefail
cd "$(dirname "$0")/.."

command -v valgrind >/dev/null || { echo "bench-callgrind.sh: valgrind not found" >&2; exit 1; }

cmake --preset release >/dev/null
cmake --build --preset release -j2

outdir=build/callgrind
mkdir -p "$outdir"

shopt -s nullglob
ran=0
for exe in build/release/bench/bench_*; do
  [ -f "$exe" ] && [ -x "$exe" ] || continue
  name=$(basename "$exe")
  # shellcheck disable=SC2053
  [[ "$name" == ${BCSC_BENCH:-*} ]] || continue
  out="$outdir/$name.out"
  rm -f "$out"
  echo "=== $name (callgrind)"
  valgrind --tool=callgrind --collect-atstart=no \
    --toggle-collect='bench_region_*' \
    --callgrind-out-file="$out" \
    "$exe" --callgrind "$@"
  echo "--- $name: instructions per bench_region_* function (inclusive Ir)"
  callgrind_annotate --inclusive=yes "$out" 2>/dev/null \
    | grep -E 'bench_region_' \
    | sed -e 's/^ *//' || echo "(no bench_region_* function was executed)"
  ran=$((ran + 1))
done
if [ "$ran" -eq 0 ]; then
  echo "bench-callgrind.sh: no benchmarks found in build/release/bench" >&2
  exit 1
fi
