#!/usr/bin/env bash
# test.sh - THE test command of bcsc. Runs every lane in turn and prints one
# summary line per lane; exits non-zero if any lane failed.
#
#   scripts/test.sh [--install] [--fresh] [--lanes LANE,LANE...]
#
#   --install   run scripts/install-test-deps.sh first
#   --fresh     reconfigure each preset from scratch (cmake --fresh)
#   --lanes     run only the named lanes (also: BCSC_TEST_LANES=a,b)
#
# Lanes, in order:
#   format        clang-format --dry-run --Werror on every tracked C/C++ file
#   debug         preset `debug`: gcc (default compiler), Debug, BCSC_CHECKED=1;
#                 build + ctest (Criterion suites, bcsc_nm_check)
#   release       preset `release`: Release, unchecked; build + ctest
#   asan-clang    preset `asan-clang`: clang, Debug, ASan+UBSan; build + ctest
#                 with ASAN_OPTIONS / UBSAN_OPTIONS below
#   freestanding  preset `freestanding`: static core with
#                 libbcsc/src/freestanding/, -ffreestanding; build + ctest
#                 (only bcsc_nm_check, strict: libbcsc.a needs no libc)
#   valgrind      memcheck over every Criterion suite of the debug build
#   install       cmake --install build/release --prefix build/stage, checks
#                 SONAME and exported symbols, then builds and runs
#                 tests/install_consumer with find_package(bcsc) and with
#                 pkg-config
#   abi-parsers   scripts/check-abi-parsers.sh, if present
#   rust          cargo test in bindings/rust/bcsc-sys, if present
#   proofs        scripts/prove.sh: CBMC proofs (in a cached Debian 13 root)
#                 and spin models, each with a broken variant that must fail
#
# Lanes run sequentially; builds use -j2 (the CI machines have 2 cores).
# The abi-parsers and rust lanes see BCSC_STAGE_PREFIX (the install lane's
# prefix, build/stage) and BCSC_ROOT (the source tree).
set -euo pipefail

cd "$(dirname "$0")/.."
root=$PWD

usage() { awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; }

do_install=0
fresh=()
lanes_wanted="${BCSC_TEST_LANES:-}"
while [ $# -gt 0 ]; do
  case "$1" in
    --install) do_install=1 ;;
    --fresh) fresh=(--fresh) ;;
    --lanes) lanes_wanted="$2"; shift ;;
    --lanes=*) lanes_wanted="${1#--lanes=}" ;;
    -h|--help) usage; exit 0 ;;
    *) echo "test.sh: unknown argument '$1'" >&2; usage >&2; exit 2 ;;
  esac
  shift
done

if [ "$do_install" -eq 1 ]; then
  scripts/install-test-deps.sh
fi

# The presets choose the compilers: debug/release/freestanding use the system
# default (gcc on Debian), asan-clang uses clang.
unset CC CXX

if ! command -v cargo >/dev/null 2>&1 && [ -x "$HOME/.cargo/bin/cargo" ]; then
  export PATH="$HOME/.cargo/bin:$PATH"
fi

export ASAN_OPTIONS_BCSC="detect_stack_use_after_return=1:handle_segv=0:abort_on_error=0"
export UBSAN_OPTIONS_BCSC="halt_on_error=1:print_stacktrace=1"
export BCSC_ROOT="$root"
export BCSC_STAGE_PREFIX="$root/build/stage"
jobs=2

summary=()
any_failed=0

# run_lane NAME FUNCTION... : runs the lane in a subshell with errexit on.
run_lane() {
  local name=$1; shift
  if [ -n "$lanes_wanted" ] && [[ ",$lanes_wanted," != *",$name,"* ]]; then
    summary+=("$(printf '%-13s SKIP  (not selected)' "$name")")
    return 0
  fi
  echo
  echo "=================== lane: $name ==================="
  local start=$SECONDS rc
  set +e
  (set -euo pipefail; "$@")
  rc=$?
  set -e
  local secs=$((SECONDS - start))
  if [ "$rc" -eq 0 ]; then
    summary+=("$(printf '%-13s PASS  (%ds)' "$name" "$secs")")
  elif [ "$rc" -eq 77 ]; then
    summary+=("$(printf '%-13s SKIP  (%s)' "$name" "$(cat "$root/build/.skip-reason" 2>/dev/null || echo skipped)")")
  else
    summary+=("$(printf '%-13s FAIL  (exit %d after %ds)' "$name" "$rc" "$secs")")
    any_failed=1
  fi
  rm -f "$root/build/.skip-reason"
}

skip() { mkdir -p "$root/build"; echo "$*" >"$root/build/.skip-reason"; echo "skip: $*"; exit 77; }

preset_lane() { # preset
  cmake --preset "$1" "${fresh[@]}"
  cmake --build --preset "$1" -j"$jobs"
  ctest --preset "$1"
}

lane_asan_clang() {
  export ASAN_OPTIONS="$ASAN_OPTIONS_BCSC"
  export UBSAN_OPTIONS="$UBSAN_OPTIONS_BCSC"
  preset_lane asan-clang
}

lane_valgrind() {
  # memcheck catches reads of uninitialised memory, which ASan does not: the
  # claim that _init never reads what it initialises (docs/decisions.md D4)
  # rests on this lane. The checked build, so the canary paths run too; the
  # model test with fewer operations, as memcheck is ~30x slower.
  command -v valgrind >/dev/null 2>&1 || { echo "valgrind: not installed"; exit 1; }
  [ -d build/debug/tests ] || { echo "valgrind: build/debug missing (debug lane failed?)"; exit 1; }
  # Criterion runs each test in a child and ignores the child's exit status
  # (valgrind's --error-exitcode does not reach us), so errors are found by
  # the markers valgrind writes around each report.
  local t failed=0 log neg=build/debug/negative_valgrind_uninit
  cc -std=c11 -g -O0 tests/negative/valgrind_uninit.c -lcriterion -o "$neg"
  valgrind -q --trace-children=yes --error-markers=VGERROR_BEGIN,VGERROR_END \
    "$neg" >"$neg.log" 2>&1 || true
  if ! grep -q VGERROR_BEGIN "$neg.log"; then
    echo "valgrind: the negative control was NOT caught: this lane detects nothing"
    exit 1
  fi
  echo "valgrind: negative control caught (a planted uninitialised read)"
  for t in build/debug/tests/test_*; do
    [ -x "$t" ] && [[ "$t" != *.log ]] || continue
    log="$t.valgrind.log"
    if BCSC_MODEL_OPS=100000 valgrind -q --trace-children=yes --leak-check=no \
         --error-markers=VGERROR_BEGIN,VGERROR_END "$t" >"$log" 2>&1 &&
       ! grep -q VGERROR_BEGIN "$log"; then
      echo "valgrind: $(basename "$t") clean"
    else
      echo "valgrind: $(basename "$t") FAILED:"; grep -A25 -m3 VGERROR_BEGIN "$log" || tail -30 "$log"
      failed=1
    fi
  done
  [ "$failed" -eq 0 ]
}

lane_install() {
  [ -d build/release ] || { echo "install: build/release missing (release lane failed?)"; exit 1; }
  local stage=build/stage out=build/install-consumer
  rm -rf "$stage" "$out"
  cmake --install build/release --prefix "$root/$stage"

  local so
  so=$(find "$stage" -name 'libbcsc.so.*.*' -type f | head -n1)
  [ -n "$so" ] || { echo "install: no libbcsc.so.* installed"; exit 1; }
  local soname
  soname=$(readelf -d "$so" | sed -n 's/.*Library soname: \[\(.*\)\]/\1/p')
  echo "install: $so SONAME $soname"
  [[ "$soname" =~ ^libbcsc\.so\.[0-9]+$ ]] || { echo "install: bad SONAME '$soname'"; exit 1; }
  local bad
  bad=$(nm -D --defined-only "$so" | awk '{print $3}' | grep -Ev '^(bcsc_[A-Za-z0-9_]*(@.*)?|BCSC_[0-9.]+)$' || true)
  if [ -n "$bad" ]; then
    echo "install: libbcsc.so exports symbols outside bcsc_*:"; echo "$bad"; exit 1
  fi
  echo "install: $(nm -D --defined-only "$so" | grep -c ' T bcsc_') functions exported, all bcsc_*"

  # find_package(bcsc CONFIG)
  cmake -S tests/install_consumer -B "$out" -G Ninja \
    -DCMAKE_PREFIX_PATH="$root/$stage" -DCMAKE_BUILD_TYPE=Release
  cmake --build "$out" -j"$jobs"
  "$out/consumer"
  "$out/consumer_static"

  # pkg-config
  local pcdir
  pcdir=$(dirname "$(find "$stage" -name bcsc.pc | head -n1)")
  local flags
  flags=$(PKG_CONFIG_PATH="$root/$pcdir" pkg-config --cflags --libs bcsc)
  echo "install: pkg-config --cflags --libs bcsc: $flags"
  # shellcheck disable=SC2086
  cc -std=c11 -Wall -Wextra -Werror -o "$out/consumer_pc" tests/install_consumer/main.c $flags
  LD_LIBRARY_PATH="$root/$(dirname "$so")" "$out/consumer_pc"
  echo "install: consumers built with find_package and pkg-config run OK"
}

lane_abi_parsers() {
  [ -f scripts/check-abi-parsers.sh ] || skip "no scripts/check-abi-parsers.sh"
  # cargo test of bcsc-sys runs in the rust lane; do not build it twice.
  bash scripts/check-abi-parsers.sh --no-cargo
}

lane_format() {
  command -v clang-format >/dev/null 2>&1 || {
    echo "format: clang-format not found (scripts/install-test-deps.sh installs it)"
    exit 1
  }
  # Every tracked C/C++ source must already be formatted (.clang-format).
  git ls-files -z -- '*.c' '*.h' '*.cpp' '*.hpp' |
    xargs -0 clang-format --dry-run --Werror
  echo "format: $(git ls-files -- '*.c' '*.h' '*.cpp' '*.hpp' | wc -l) files clang-format clean"
}

lane_proofs() {
  [ -x scripts/prove.sh ] || skip "no scripts/prove.sh"
  scripts/prove.sh --jobs "$jobs"
}

lane_rust() {
  [ -d bindings/rust/bcsc-sys ] || skip "no bindings/rust/bcsc-sys"
  command -v cargo >/dev/null 2>&1 || {
    echo "rust: cargo not found; install Rust (https://rustup.rs) or run scripts/install-test-deps.sh for details"
    exit 1
  }
  (cd bindings/rust/bcsc-sys && cargo test)
}

run_lane format       lane_format
run_lane debug        preset_lane debug
run_lane release      preset_lane release
run_lane asan-clang   lane_asan_clang
run_lane freestanding preset_lane freestanding
run_lane valgrind     lane_valgrind
run_lane install      lane_install
run_lane abi-parsers  lane_abi_parsers
run_lane rust         lane_rust
run_lane proofs       lane_proofs

echo
echo "=================== summary ==================="
for line in "${summary[@]}"; do
  echo "$line"
done
if [ "$any_failed" -ne 0 ]; then
  echo "RESULT: FAIL"
  exit 1
fi
echo "RESULT: PASS"
