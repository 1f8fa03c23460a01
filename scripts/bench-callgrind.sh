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
# Then the peers (bench/peers/, docs/benchmarks.md "Peers"), built as
# scripts/bench.sh builds them, run the same way with --callgrind for the
# scenarios that ran above; for each figure a line
#
#   CALLGRIND_PEER scenario=<s> peer=<p> peer_ir=<x> lower_ir=<y> ratio=<r>
#
# with lower_ir from the CALLGRIND_RESULT line of the same scenario (tree:
# also against tree_bookkeeping). BCSC_PEERS=0 skips them.
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

# ---- peers ------------------------------------------------------------------
# lower_ir of a scenario from the CALLGRIND_RESULT lines above ("" if none).
lower_ir_of() {
  printf '%s\n' "${summary[@]}" |
    awk -v s="$1" '$1 == "CALLGRIND_RESULT" && $2 == "scenario=" s {
      for (i = 3; i <= NF; i++) if ($i ~ /^lower_ir=/) { sub(/^lower_ir=/, "", $i); print $i; exit } }'
}
# Runs one peer program under callgrind and adds its CALLGRIND_PEER lines.
peer_callgrind() { # name exe [args...]
  local name=$1 line scenario peer regions ops calls ir fn target lower per ratio
  shift
  local out="$outdir/$name.out" log="$outdir/$name.log"
  rm -f "$out"
  echo "=== $name (callgrind)"
  if ! valgrind --tool=callgrind --collect-atstart=no \
      --toggle-collect='bench_region_*' --callgrind-out-file="$out" \
      "$@" --callgrind --quiet >"$log" 2>"$log.valgrind"; then
    echo "bench-callgrind.sh: $name failed:" >&2
    cat "$log" "$log.valgrind" >&2
    failed=1
    return
  fi
  callgrind_annotate --inclusive=yes --threshold=100 "$out" >"$outdir/$name.inclusive.txt" 2>/dev/null
  while read -r line; do
    scenario=$(sed -n 's/.* scenario=\([^ ]*\).*/\1/p' <<<"$line")
    peer=$(sed -n 's/.* peer=\([^ ]*\).*/\1/p' <<<"$line")
    regions=$(sed -n 's/.* region=\([^ ]*\).*/\1/p' <<<"$line")
    ops=$(sed -n 's/.* ops=\([0-9]*\).*/\1/p' <<<"$line")
    calls=$(sed -n 's/.* calls=\([0-9]*\).*/\1/p' <<<"$line")
    ir=0
    for fn in ${regions//+/ }; do
      ir=$((ir + $(region_ir "$outdir/$name.inclusive.txt" "$fn")))
    done
    if [ "$ir" = 0 ]; then
      echo "  (the region of $scenario on $peer executed no instructions: renamed or inlined?)" >&2
      failed=1
    fi
    targets=("$scenario")
    [ "$scenario" = tree ] && targets+=(tree_bookkeeping)
    for target in "${targets[@]}"; do
      lower=$(lower_ir_of "$target")
      read -r per ratio < <(awk -v b="$ir" -v l="${lower:-0}" -v n="$ops" -v c="${calls:-1}" 'BEGIN {
          bo = b / (n * c); printf "%.1f %s\n", bo, (l > 0 ? sprintf("%.2f", bo / l) : "n/a") }')
      printf '  %-24s %-20s %14s %14s %7sx\n' "$target" "$peer" "$per" "${lower:-n/a}" "$ratio"
      summary+=("CALLGRIND_PEER scenario=$target peer=$peer peer_ir=$per lower_ir=${lower:-n/a} ratio=$ratio")
    done
  done < <(grep '^CALLGRIND_PEER ' "$log")
}
wanted=()
for s in spawn_join ping_pong cancel tree channel_ping_pong channel_mpmc timers timers_cancel wake_local; do
  [ -n "$(lower_ir_of "$s")" ] && wanted+=("$s")
done
if [ "${BCSC_PEERS:-1}" = 0 ]; then
  echo "bench-callgrind.sh: BCSC_PEERS=0: peers skipped"
elif [ ${#wanted[@]} -gt 0 ]; then
  only=$(IFS=,; echo "${wanted[*]}")
  only_std=$(printf '%s/embassy-std,' "${wanted[@]}")
  printf '  %-24s %-20s %14s %14s %8s\n' scenario peer "peer Ir/op" "lower Ir/op" ratio
  if command -v cargo >/dev/null 2>&1; then
    if (cd bench/peers/rust &&
        CARGO_TARGET_DIR=../../../build/peers-rust cargo build --release --locked -q &&
        CARGO_TARGET_DIR=../../../build/peers-rust-std cargo build --release --locked -q --features embassy-std); then
      peer_callgrind bench_peers build/peers-rust/release/bench_peers --only="$only"
      peer_callgrind bench_peers_std build/peers-rust-std/release/bench_peers --only="${only_std%,}"
    else
      echo "bench-callgrind.sh: cargo build of bench/peers/rust failed" >&2
      failed=1
    fi
  else
    echo "bench-callgrind.sh: cargo not found: the Rust peers (tokio, embassy) are skipped"
  fi
  if [[ ",$only," =~ ,(timers|timers_cancel|wake_local), ]]; then
    if [ -x build/release/bench/peers/bench_peer_libuv ]; then
      peer_callgrind bench_peer_libuv build/release/bench/peers/bench_peer_libuv --only="$only"
    else
      echo "bench-callgrind.sh: bench_peer_libuv not built (no libuv): the libuv peer is skipped"
    fi
  fi
fi
echo
printf '%s\n' "${summary[@]}"
exit "$failed"
