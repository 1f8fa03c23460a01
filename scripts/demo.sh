#!/usr/bin/env bash
# demo.sh - build bcsc, run every C example, then the robot demo, on a fresh
# Debian 12 machine.
#
#   scripts/demo.sh
#
# Installs the build tools if missing (scripts/install-build-deps.sh), builds
# the `release` preset into build/demo with the test suites and benchmarks
# off (they need Criterion, which scripts/test.sh --install brings), then
# runs each examples/c/<name>.c as build/demo/examples/<name>, and the robot
# (examples/robot, docs/robot.md): 3 s of real time with a stall injected so
# that its watchdog acts, then an hour of simulated time. Every program
# checks its own outcome, so a zero exit means each one behaved as described.
set -euo pipefail

cd "$(dirname "$0")/.."
build=build/demo
log=$build.log

scripts/install-build-deps.sh

# A build directory of its own: the release preset's build/release keeps the
# test suites that scripts/test.sh runs there.
mkdir -p build
echo "demo: building (release) into $build"
if ! { cmake --preset release -B "$build" \
         -DBCSC_BUILD_TESTS=OFF -DBCSC_BUILD_BENCH=OFF &&
       cmake --build "$build" -j2; } >"$log" 2>&1; then
  cat "$log" >&2
  echo "demo: build failed (log: $log)" >&2
  exit 1
fi

count=0
for src in examples/c/*.c; do
  name=$(basename "$src" .c)
  echo
  echo "=== $name ==="
  "$build/examples/$name"
  count=$((count + 1))
done

echo
echo "=== robot: 3 s of real time, the control loop stalls 20 ms at 1.5 s ==="
"$build/examples/robot" --duration=3 --inject-stall=20@1.5
echo
echo "=== robot: one hour of simulated time ==="
"$build/examples/robot" --sim --duration=3600 --quiet
count=$((count + 1))
echo
echo "demo: $count examples ran and checked their results"
