#!/usr/bin/env bash
# bench-callgrind.sh - instructions per operation of bcsc and of the
# no-runtime lower bound, for every benchmark scenario.
#
#   scripts/bench-callgrind.sh [--detail] [ARGS...]
#
#   --detail   also print, per benchmark, the functions that executed the
#              most instructions inside the measured regions (exclusive Ir),
#              which is where to look when a ratio is high
#   ARGS       passed to every benchmark after --callgrind
#
# Builds the `release` preset, then runs every build/release/bench/bench_*
# under callgrind:
#
#   valgrind --tool=callgrind --collect-atstart=no \
#            --toggle-collect='bench_region_*' --dump-instr=yes \
#            --callgrind-out-file=build/callgrind/<bench>.out \
#            <bench> --callgrind --quiet ARGS...
#
# so only code inside functions named bench_region_* (and what they call)
# is counted. Under --callgrind a benchmark runs each side once with fewer
# operations (about 10^4) and prints, per scenario,
#
#   CALLGRIND scenario=<s> bcsc_region=<fn> lower_region=<fn> ops=<n> calls=<c> kind=<k>
#
# (kind=result for a scenario, kind=diagnostic for a comparison that only
# explains one: the latter is marked "(diag)" and its line is
# CALLGRIND_DIAGNOSTIC).
# This script reads each region's inclusive instruction count (Ir) from
# callgrind_annotate, divides it by ops * calls, and prints a table plus one
# machine-readable line per scenario:
#
#   CALLGRIND_RESULT scenario=<s> bcsc_ir=<x> lower_ir=<y> ratio=<r>
#
# Instruction counts do not drift between runs the way wall-clock figures do
# on shared machines; they do not see cache misses (see docs/benchmarks.md).
# The callgrind output files stay in build/callgrind/ for callgrind_annotate
# (--auto=yes needs a build with -g: e.g. CMAKE_C_FLAGS=-g).
#
# Contract for benchmark authors: the measured code lives in functions named
# bench_region_<what>, marked noinline (BENCH_REGION in bench/common/bench.h)
# so they exist as functions in the Release build.
# BCSC_BENCH=<glob> runs only the matching benchmarks.
set -euo pipefail
cd "$(dirname "$0")/.."

detail=0
args=()
for a in "$@"; do
  case "$a" in
    --detail) detail=1 ;;
    *) args+=("$a") ;;
  esac
done

command -v valgrind >/dev/null || { echo "bench-callgrind.sh: valgrind not found" >&2; exit 1; }
command -v callgrind_annotate >/dev/null || { echo "bench-callgrind.sh: callgrind_annotate not found" >&2; exit 1; }

cmake --preset release >/dev/null
cmake --build --preset release -j2

outdir=build/callgrind
mkdir -p "$outdir"

# Inclusive Ir of function $2 in callgrind output file $1 (0 if absent).
# callgrind_annotate lines look like
#   "2,160,923 (90.00%)  ???:bench_region_bcsc_spawn_join [/path/exe]"
# (or "file.c:fn" when built with -g).
region_ir() {
  awk -v fn="$2" '
    {
      for (i = 2; i <= NF; i++) {
        f = $i; sub(/^.*:/, "", f)
        if (f == fn) { v = $1; gsub(/,/, "", v); print v; found = 1; exit }
      }
    }
    END { if (!found) print 0 }' <"$1"
}

shopt -s nullglob
ran=0
failed=0
summary=()
for exe in build/release/bench/bench_*; do
  [ -f "$exe" ] && [ -x "$exe" ] || continue
  name=$(basename "$exe")
  # shellcheck disable=SC2053
  [[ "$name" == ${BCSC_BENCH:-*} ]] || continue
  out="$outdir/$name.out"
  log="$outdir/$name.log"
  rm -f "$out"
  echo "=== $name (callgrind)"
  if ! valgrind --tool=callgrind --collect-atstart=no \
      --toggle-collect='bench_region_*' --dump-instr=yes \
      --callgrind-out-file="$out" \
      "$exe" --callgrind --quiet ${args[@]+"${args[@]}"} >"$log" 2>"$log.valgrind"; then
    echo "bench-callgrind.sh: $name failed:" >&2
    cat "$log" "$log.valgrind" >&2
    failed=1
    continue
  fi
  incl="$outdir/$name.inclusive.txt"
  callgrind_annotate --inclusive=yes --threshold=100 "$out" >"$incl" 2>/dev/null
  printf '  %-24s %14s %14s %8s\n' scenario "bcsc Ir/op" "lower Ir/op" ratio
  while read -r line; do
    scenario=$(sed -n 's/.* scenario=\([^ ]*\).*/\1/p' <<<"$line")
    bfn=$(sed -n 's/.* bcsc_region=\([^ ]*\).*/\1/p' <<<"$line")
    lfn=$(sed -n 's/.* lower_region=\([^ ]*\).*/\1/p' <<<"$line")
    ops=$(sed -n 's/.* ops=\([0-9]*\).*/\1/p' <<<"$line")
    calls=$(sed -n 's/.* calls=\([0-9]*\).*/\1/p' <<<"$line")
    kind=$(sed -n 's/.* kind=\([a-z]*\).*/\1/p' <<<"$line")
    bir=$(region_ir "$incl" "$bfn")
    lir=$(region_ir "$incl" "$lfn")
    read -r bop lop ratio < <(awk -v b="$bir" -v l="$lir" -v n="$ops" -v c="${calls:-1}" 'BEGIN {
        bo = b / (n * c); lo = l / (n * c)
        printf "%.1f %.1f %s\n", bo, lo, (lo > 0 ? sprintf("%.2f", bo / lo) : "n/a") }')
    if [ "$kind" = diagnostic ]; then
      printf '  %-24s %14s %14s %7sx (diag)\n' "$scenario" "$bop" "$lop" "$ratio"
      summary+=("CALLGRIND_DIAGNOSTIC scenario=$scenario bcsc_ir=$bop lower_ir=$lop ratio=$ratio")
    else
      printf '  %-24s %14s %14s %7sx\n' "$scenario" "$bop" "$lop" "$ratio"
      summary+=("CALLGRIND_RESULT scenario=$scenario bcsc_ir=$bop lower_ir=$lop ratio=$ratio")
    fi
    if [ "$bir" = 0 ] || [ "$lir" = 0 ]; then
      echo "  (a region of $scenario executed no instructions: was it renamed or inlined?)" >&2
      failed=1
    fi
  done < <(grep '^CALLGRIND ' "$log")
  if [ "$detail" -eq 1 ]; then
    echo "--- $name: top functions inside the regions (exclusive Ir, all scenarios)"
    callgrind_annotate --threshold=99 "$out" 2>/dev/null \
      | awk '/^-+$/ { sep++; next } sep >= 4 && NF > 0' | head -25
  fi
  ran=$((ran + 1))
done
if [ "$ran" -eq 0 ]; then
  echo "bench-callgrind.sh: no benchmarks found in build/release/bench" >&2
  exit 1
fi
echo
printf '%s\n' "${summary[@]}"
exit "$failed"
