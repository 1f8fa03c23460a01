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
# Then the peers (bench/peers/, docs/benchmarks.md "Peers"): the same
# scenarios on tokio and embassy (bench/peers/rust, built here with
# `cargo build --release --locked` when cargo exists) and on libuv
# (build/release/bench/peers/bench_peer_libuv, built by CMake when
# pkg-config finds libuv), for the scenarios that ran above. Each prints
# PEERRUN lines; for each one this script prints
#   PEER scenario=<s> peer=<name> peer_ns=<x> lower_ns=<y> ratio=<x/y> allocs_per_op=<a>
# where lower_ns is the C lower bound of the same scenario from this run's
# RESULT line, so peer and bcsc ratios are comparable (the latency
# scenarios' lines are per percentile: wake_latency_p50/_p90/_p99 and
# jitter_p50/_p99, peer_ns being the percentile). The summary repeats
# the RESULT/DIAGNOSTIC lines, then the PEER lines. BCSC_PEERS=0 skips the
# peers. Peers get only --reps=N and --quiet of ARGS.
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

# ---- peers ------------------------------------------------------------------
# lower_ns of a scenario from this run's RESULT lines ("" if it did not run).
lower_of() {
  printf '%s\n' ${results[@]+"${results[@]}"} |
    awk -v s="$1" '$1 == "RESULT" && $2 == "scenario=" s {
      for (i = 3; i <= NF; i++) if ($i ~ /^lower_ns=/) { sub(/^lower_ns=/, "", $i); print $i; exit } }'
}
peer_args=()
for a in "$@"; do
  case "$a" in --reps=* | --quiet) peer_args+=("$a") ;; esac
done
peer_lines=()
# Turns a peer program's PEERRUN lines into PEER lines (tree is set against
# both of bench_tree's bounds, tree and tree_bookkeeping).
add_peer_lines() {
  local line scenario peer ns allocs target lower ratio
  while IFS= read -r line; do
    scenario=$(sed -n 's/.* scenario=\([^ ]*\).*/\1/p' <<<"$line")
    peer=$(sed -n 's/.* peer=\([^ ]*\).*/\1/p' <<<"$line")
    ns=$(sed -n 's/.* peer_ns=\([^ ]*\).*/\1/p' <<<"$line")
    allocs=$(sed -n 's/.* allocs_per_op=\([^ ]*\).*/\1/p' <<<"$line")
    targets=("$scenario")
    [ "$scenario" = tree ] && targets+=(tree_bookkeeping)
    for target in "${targets[@]}"; do
      lower=$(lower_of "$target")
      if [ -n "$lower" ]; then
        ratio=$(awk -v x="$ns" -v y="$lower" 'BEGIN { if (y > 0) printf "%.2f", x / y; else print "n/a" }')
      else
        lower=n/a
        ratio=n/a
      fi
      peer_lines+=("PEER scenario=$target peer=$peer peer_ns=$ns lower_ns=$lower ratio=$ratio allocs_per_op=$allocs")
    done
  done < <(grep -E '^PEERRUN ' "$1" || true)
}
# The peer scenarios whose C counterpart ran above (<peer scenario>:<the
# RESULT scenario that says so>, for those whose PEERRUN lines are named
# by percentile).
wanted=()
for s in spawn_join ping_pong cancel tree channel_ping_pong channel_mpmc timers \
         timers_cancel wake_local wake_stream wake_latency:wake_latency_p50 \
         pipeline_remote pipeline_wake mpmc_2x2 jitter:jitter_p50; do
  [ -n "$(lower_of "${s#*:}")" ] && wanted+=("${s%%:*}")
done
if [ "${BCSC_PEERS:-1}" = 0 ]; then
  echo "bench.sh: BCSC_PEERS=0: peers skipped"
elif [ ${#wanted[@]} -eq 0 ]; then
  echo "bench.sh: no scenario with a peer ran: peers skipped"
else
  only=$(IFS=,; echo "${wanted[*]}")
  only_std=$(printf '%s/embassy-std,' "${wanted[@]}")
  if command -v cargo >/dev/null 2>&1; then
    # Two builds of one crate: embassy's raw executor (peers tokio,
    # embassy) and, with --features embassy-std, its std Executor.
    echo "=== bench_peers (tokio, embassy): cargo build --release --locked"
    if (cd bench/peers/rust &&
        CARGO_TARGET_DIR=../../../build/peers-rust cargo build --release --locked -q &&
        CARGO_TARGET_DIR=../../../build/peers-rust-std cargo build --release --locked -q --features embassy-std); then
      for run in "build/peers-rust/release/bench_peers --only=$only" \
                 "build/peers-rust-std/release/bench_peers --only=${only_std%,}"; do
        log=$(mktemp)
        # shellcheck disable=SC2086
        if ! $run ${peer_args[@]+"${peer_args[@]}"} | tee "$log"; then
          echo "bench.sh: $run failed" >&2
          failed=1
        fi
        add_peer_lines "$log"
        rm -f "$log"
      done
    else
      echo "bench.sh: cargo build of bench/peers/rust failed" >&2
      failed=1
    fi
  else
    echo "bench.sh: cargo not found: the Rust peers (tokio, embassy) are skipped"
  fi
  only_uv=$({ printf '%s\n' "${wanted[@]}" |
    grep -xE 'timers|timers_cancel|wake_local|wake_stream|wake_latency|jitter' || true; } | paste -sd, -)
  if [ -n "$only_uv" ]; then
    uv=build/release/bench/peers/bench_peer_libuv
    if [ -x "$uv" ]; then
      echo "=== bench_peer_libuv"
      log=$(mktemp)
      if ! "$uv" --only="$only_uv" ${peer_args[@]+"${peer_args[@]}"} | tee "$log"; then
        echo "bench.sh: bench_peer_libuv failed" >&2
        failed=1
      fi
      add_peer_lines "$log"
      rm -f "$log"
    else
      echo "bench.sh: $uv not built (pkg-config found no libuv; scripts/install-test-deps.sh installs libuv1-dev): the libuv peer is skipped"
    fi
  fi
  echo
  printf '%s\n' ${peer_lines[@]+"${peer_lines[@]}"}
fi

echo
echo "=== summary"
printf '%s\n' ${results[@]+"${results[@]}"}
printf '%s\n' ${peer_lines[@]+"${peer_lines[@]}"}
exit "$failed"
