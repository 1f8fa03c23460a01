#!/usr/bin/env bash
# fuzz-long.sh - the on-demand long fuzzing run (not CI): by default one
# hour of the libFuzzer target on both cores plus seeded walks with fresh
# random seeds under ASan+UBSan, then a corpus merge if asked.
#
#   scripts/fuzz-long.sh [--seconds N] [--jobs N] [--walks N] [--merge]
#
#   --seconds N  libFuzzer time (default 3600)
#   --jobs N     libFuzzer processes (default 2: the machine's cores)
#   --walks N    seeded walks of 10^6 operations, random seeds, each printed
#                (default 20)
#   --merge      merge the new inputs that add coverage into
#                tests/fuzz/corpus/ (then commit them)
#
# Builds build/libfuzzer and build/asan-clang as the fuzz lane of
# scripts/test.sh does. Crash inputs land in build/fuzz-long/; replay one
# with build/libfuzzer/fuzz_libfuzzer <file>.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=3600 jobs=2 walks=20 merge=0
while [ $# -gt 0 ]; do
  case "$1" in
    --seconds) seconds=$2; shift ;;
    --jobs) jobs=$2; shift ;;
    --walks) walks=$2; shift ;;
    --merge) merge=1 ;;
    -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
    *) echo "fuzz-long.sh: unknown argument '$1'" >&2; exit 2 ;;
  esac
  shift
done

unset CC CXX
export ASAN_OPTIONS="detect_stack_use_after_return=1:handle_segv=0:abort_on_error=0"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1"
out=build/fuzz-long
mkdir -p "$out/corpus"

cmake --preset asan-clang >/dev/null
cmake --build --preset asan-clang -j2 --target fuzz_walk
for i in $(seq 1 "$walks"); do
  seed=$(od -An -N8 -tu8 /dev/urandom | tr -d ' ')
  build/asan-clang/tests/fuzz_walk --ops 1000000 --quiet "$seed"
done

cmake -S . -B build/libfuzzer -G Ninja -DCMAKE_C_COMPILER=clang \
  -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=Debug -DBCSC_SANITIZE=ON \
  -DBCSC_LIBFUZZER=ON -DCMAKE_C_FLAGS=-fsanitize=fuzzer-no-link \
  -DBCSC_BUILD_TESTS=OFF -DBCSC_BUILD_BENCH=OFF -DBCSC_BUILD_EXAMPLES=OFF \
  -DBCSC_BUILD_SHARED=OFF -DBCSC_HEADER_CHECK=OFF -DBCSC_CHECK_SYMBOLS=OFF \
  -DBCSC_INSTALL=OFF >/dev/null
cmake --build build/libfuzzer -j2 --target fuzz_libfuzzer
start=$SECONDS
root=$PWD
# -jobs writes fuzz-<n>.log files into the working directory: keep them in
# $out.
(cd "$out" && "$root/build/libfuzzer/fuzz_libfuzzer" -max_total_time="$seconds" \
  -jobs="$jobs" -workers="$jobs" -max_len=8192 -timeout=20 \
  -print_final_stats=1 -artifact_prefix="$root/$out/" "$root/$out/corpus" \
  "$root/tests/fuzz/corpus")
echo "fuzz-long: libFuzzer ran $((SECONDS - start))s on $jobs jobs"
if compgen -G "$out/crash-*" >/dev/null || compgen -G "$out/timeout-*" >/dev/null; then
  echo "fuzz-long: FOUND crash/timeout inputs in $out/"; exit 1
fi
if [ "$merge" -eq 1 ]; then
  build/libfuzzer/fuzz_libfuzzer -merge=1 -max_len=8192 tests/fuzz/corpus "$out/corpus"
  echo "fuzz-long: corpus now $(find tests/fuzz/corpus -type f | wc -l) inputs; commit tests/fuzz/corpus/"
fi
echo "fuzz-long: 0 crashes, $walks walks of 10^6 operations with 0 divergences"
