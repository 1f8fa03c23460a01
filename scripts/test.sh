#!/usr/bin/env bash
# test.sh - THE test command of bcsc. Runs every lane in turn and prints one
# summary line per lane; exits non-zero if any lane failed.
#
#   scripts/test.sh [--install] [--fresh] [--serial] [--lanes LANE,LANE...]
#
#   --install   run scripts/install-test-deps.sh first
#   --fresh     reconfigure each preset from scratch (cmake --fresh)
#   --serial    run the lanes one after another on this terminal (the
#               default runs two groups side by side, below)
#   --lanes     run only the named lanes (also: BCSC_TEST_LANES=a,b)
#
# Lanes, in order:
#   format        clang-format --dry-run --Werror on every tracked C/C++ file
#   doc-snippets  scripts/check-doc-snippets.sh: every ```c block of docs/*.md
#                 and README.md compiles against abi/include (gcc, clang)
#   debug         preset `debug`: gcc (default compiler), Debug, BCSC_CHECKED=1;
#                 build + ctest (Criterion suites, bcsc_nm_check); then
#                 scripts/mutate.sh --smoke: 3 mutants of the core, each
#                 of which the tests must kill (a few seconds)
#   release       preset `release`: Release, unchecked; build + ctest; the
#                 libuv peer benchmark with tiny counts, if libuv is found
#   asan-clang    preset `asan-clang`: clang, Debug, ASan+UBSan; build + ctest
#                 with ASAN_OPTIONS / UBSAN_OPTIONS below; a planted
#                 stack-use-after-return must be reported
#   tsan          ThreadSanitizer, clang and gcc: first the negative control
#                 (tests/negative/tsan_race.c: a planted race must be
#                 reported, its locked twin must be clean), then the plain C
#                 stress drivers (tests/stress/stress_waker.c: value wakes
#                 from four threads; stress_remote.c: remote children
#                 between two executors, spawn/cancel/done racing, and
#                 behind shields that cancels and set_shield race) over a
#                 core built with -fsanitize=thread
#                 (the signal driver runs in the ctest lanes: TSan defers
#                 signals that land in ppoll())
#   freestanding  preset `freestanding`: static core with
#                 libbcsc/src/freestanding/, -ffreestanding; build + ctest
#                 (only bcsc_nm_check, strict: libbcsc.a needs no libc and
#                 links with -ffreestanding -nostdlib -r needing only
#                 memcpy/memset/memmove, no writable data but D6's); then
#                 the same for aarch64 and armhf with the cross compilers
#   stack-usage   scripts/check-stack-usage.sh: gcc -fstack-usage frames of the
#                 core under tests/stack/ceilings.txt, no dynamic frame, no
#                 recursion in the core's call graph, deepest chain bounded
#   valgrind      memcheck over every Criterion suite, checked build (Debug)
#                 against tests/support/criterion_shim (fork, no exec)
#   fuzz          the model-based API fuzzer (tests/fuzz/): seeded walks of
#                 10^6 operations under ASan+UBSan (fixed seeds and one from
#                 the commit, each printed; repeat one with BCSC_SEED), 10^5
#                 under valgrind memcheck, and the libFuzzer target: replay
#                 of tests/fuzz/corpus/ and a fresh 60 s run (BCSC_FUZZ_SECONDS)
#   coverage      gcc --coverage build, the unit, fuzz and fault suites, gcovr
#                 over the core (libbcsc/src/*.[ch]); fails below the floor in
#                 tests/coverage-floor.txt (BCSC_COVERAGE_UPDATE=1 raises it)
#   install       cmake --install build/release --prefix build/stage, checks
#                 SONAME and exported symbols, then builds and runs
#                 tests/install_consumer with find_package(bcsc) and with
#                 pkg-config
#   qemu          cross builds for aarch64 and armhf (cmake/toolchains/,
#                 Release + BCSC_CHECKED, static, the suites on
#                 tests/support/criterion_shim): ctest under qemu-user, then
#                 the model-based fuzzer (fuzz_walk, 100,000 operations)
#   abi-parsers   scripts/check-abi-parsers.sh, if present
#   python        the pytest suites of tests/python against the shared
#                 library of build/release and of build/debug (each built
#                 here if missing or stale: the library target only): every
#                 public function called with NULL, zeroed and garbage
#                 pointers, one forked child a call (test_bad_pointers.py),
#                 and again one bad pointer at a time with every other
#                 argument valid (test_bad_neighbours.py)
#   abi-baseline  scripts/update-abi-baseline.sh --check: abidiff of a fresh
#                 libbcsc.so against abi/baseline/; a change fails unless
#                 version.h moved past the baseline's version
#   rust          cargo test in bindings/rust/bcsc-sys, if present; the peer
#                 benchmarks (bench/peers/rust) built --locked and run with
#                 tiny counts (--smoke)
#   proofs        scripts/prove.sh: CBMC proofs (in a cached Debian 13 root)
#                 and spin models, each with a broken variant that must fail
#
# By default the lanes run as two groups side by side, one per core of the
# CI machines, each group in the order above and each build with -j1:
#   group 1: format doc-snippets debug release install abi-parsers
#            python abi-baseline rust valgrind tsan coverage qemu
#            asan-clang fuzz
#   group 2: freestanding stack-usage proofs
# Group 2 is mostly the proofs (about 16 minutes of cbmc on one core of
# the CI machines): they run one cbmc at a time beside group 1 and two
# once group 1 has ended (prove.sh --join-after), from one queue, so the
# groups end together whatever each lane's time (D86).
# (install needs release's build, abi-parsers and rust
# install's stage, fuzz asan-clang's build). Each lane's output goes to
# build/lane-logs/<lane>.log; a lane's result is printed as it ends, and
# the log of a lane that failed is printed in full at the end. --serial
# runs them in one sequence on the terminal, builds with -j2.
# The abi-parsers and rust lanes see BCSC_STAGE_PREFIX (the install lane's
# prefix, build/stage) and BCSC_ROOT (the source tree).
set -euo pipefail

cd "$(dirname "$0")/.."
root=$PWD

usage() { awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; }

do_install=0
serial=0
fresh=()
lanes_wanted="${BCSC_TEST_LANES:-}"
while [ $# -gt 0 ]; do
  case "$1" in
    --install) do_install=1 ;;
    --fresh) fresh=(--fresh) ;;
    --serial) serial=1 ;;
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
[ "$serial" -eq 1 ] || jobs=1
lane_name=

logs=$root/build/lane-logs
mkdir -p "$logs"
rm -f "$logs"/*.log "$logs"/*.result
# Made when group 1 has run its last lane: the proofs lane then takes its
# core too (lane_proofs).
group_1_done=$logs/group-1.done
rm -f "$group_1_done"

# run_lane NAME FUNCTION... : runs the lane in a subshell with errexit on and
# records its result in build/lane-logs/NAME.result.
run_lane() {
  local name=$1; shift
  local result=$logs/$name.result
  if [ -n "$lanes_wanted" ] && [[ ",$lanes_wanted," != *",$name,"* ]]; then
    printf '%-13s SKIP  (not selected)\n' "$name" >"$result"
    return 0
  fi
  local start=$SECONDS rc
  lane_name=$name
  set +e
  # No lane reads standard input, and lanes run side by side: a tool that
  # reads it anyway gets end-of-file, whatever the caller's stdin is.
  if [ "$serial" -eq 1 ]; then
    echo
    echo "=================== lane: $name ==================="
    (set -euo pipefail; "$@") </dev/null
  else
    echo "lane $name: started ($(date +%T))"
    (set -euo pipefail; "$@") </dev/null >"$logs/$name.log" 2>&1
  fi
  rc=$?
  set -e
  local secs=$((SECONDS - start))
  if [ "$rc" -eq 0 ]; then
    printf '%-13s PASS  (%ds)\n' "$name" "$secs" >"$result"
  elif [ "$rc" -eq 77 ]; then
    printf '%-13s SKIP  (%s)\n' "$name" "$(cat "$logs/$name.skip" 2>/dev/null || echo skipped)" >"$result"
  else
    printf '%-13s FAIL  (exit %d after %ds)\n' "$name" "$rc" "$secs" >"$result"
  fi
  [ "$serial" -eq 1 ] || echo "lane $(cat "$result")"
  rm -f "$logs/$name.skip"
}

skip() { echo "$*" >"$logs/$lane_name.skip"; echo "skip: $*"; exit 77; }

preset_lane() { # preset
  cmake --preset "$1" "${fresh[@]}"
  cmake --build --preset "$1" -j"$jobs"
  ctest --preset "$1"
}

lane_release() {
  preset_lane release
  # The libuv peer benchmark is built when pkg-config finds libuv: run it
  # with tiny counts so a broken peer is caught (bench/peers/libuv).
  local uv=build/release/bench/peers/bench_peer_libuv
  if [ -x "$uv" ]; then
    "$uv" --smoke --quiet
  else
    echo "release: $uv not built (no libuv; scripts/install-test-deps.sh installs libuv1-dev)"
  fi
}

lane_debug() {
  preset_lane debug
  # The mutation pipeline end to end (its own scratch tree and build): 3
  # mutants of barrier.c that test_barrier must all kill. It fails if one
  # survives, so the tests still see a fault and the pipeline still runs.
  scripts/mutate.sh --smoke
}

lane_asan_clang() {
  export ASAN_OPTIONS="$ASAN_OPTIONS_BCSC"
  export UBSAN_OPTIONS="$UBSAN_OPTIONS_BCSC"
  preset_lane asan-clang
  # Negative control: a registration left linked in a dead stack frame,
  # woken through libbcsc (tests/negative/asan_use_after_return.c). With
  # the options above ASan must report it; if not, the lane catches nothing.
  local neg=build/asan-clang/negative_asan_use_after_return
  clang -std=c11 -g -O1 -fsanitize=address,undefined -fno-omit-frame-pointer \
    -Iabi/include tests/negative/asan_use_after_return.c \
    build/asan-clang/libbcsc.a -o "$neg"
  "$neg" >"$neg.log" 2>&1 || true
  if ! grep -q 'ERROR: AddressSanitizer: stack-use-after-return' "$neg.log"; then
    echo "asan-clang: the negative control was NOT caught: this lane detects nothing"
    cat "$neg.log"; exit 1
  fi
  echo "asan-clang: negative control caught (a registration in a dead frame, $(grep -m1 -o 'in [a-z_]* [^ ]*' "$neg.log" | sed 's| /.*/| |'))"
}

lane_tsan() {
  # ThreadSanitizer cannot start Criterion, so these are plain C programs.
  # First the negative control (tests/negative/tsan_race.c): the racy build
  # must be reported (exit 66) and the locked build must be clean. Then the
  # stress drivers over a core compiled here rather than by a preset: every
  # object must be instrumented, and TSan does not mix with ASan.
  local cc variant out rc reports srcs d
  srcs=(libbcsc/src/*.c libbcsc/src/hosted/*.c libbcsc/src/reactors/posix.c
        libbcsc/src/reactors/wake_fd.c)
  mkdir -p build/tsan
  for cc in clang gcc; do
    command -v "$cc" >/dev/null 2>&1 || { echo "tsan: $cc not found"; exit 1; }
    for variant in race locked; do
      out=build/tsan/negative_tsan_$variant-$cc
      "$cc" -std=c11 -D_POSIX_C_SOURCE=200809L -g -O1 -fsanitize=thread -pthread \
        $([ "$variant" = locked ] && echo -DBCSC_NEGATIVE_LOCKED) \
        tests/negative/tsan_race.c -o "$out"
      set +e; TSAN_OPTIONS= "$out" >"$out.log" 2>&1; rc=$?; set -e
      reports=$(grep -c 'WARNING: ThreadSanitizer: data race' "$out.log" || true)
      if [ "$variant" = race ] && { [ "$rc" -ne 66 ] || [ "$reports" -eq 0 ]; }; then
        echo "tsan: $cc: the planted race was NOT caught (exit $rc): TSan detects nothing here"
        cat "$out.log"; exit 1
      fi
      if [ "$variant" = locked ] && { [ "$rc" -ne 0 ] || [ "$reports" -ne 0 ]; }; then
        echo "tsan: $cc: the locked control was reported or failed (exit $rc)"
        cat "$out.log"; exit 1
      fi
      echo "tsan: $cc $variant: exit $rc, $reports race report(s), as required"
    done
    out=build/tsan/$cc
    rm -rf "$out"; mkdir -p "$out/core"
    local flags=(-std=c11 -O1 -g -fsanitize=thread -DBCSC_CHECKED=1 -Wall
                 -Wextra -Werror -Iabi/include -Ilibbcsc/src -pthread)
    (cd "$out/core" && "$cc" "${flags[@]/#-I/-I$root/}" -c "${srcs[@]/#/$root/}")
    ar rcs "$out/libbcsc_tsan.a" "$out"/core/*.o
    # The signal driver is not run here: a signal that lands while the
    # executor blocks in ppoll() is deferred by TSan's runtime (gcc's and
    # clang's) until the call returns, and the handler rate collapses to
    # 10-40 a second on some runs. It runs with exact accounting in every
    # ctest lane (debug, release, asan-clang) instead.
    # stress_remote under gcc follows the commit's seed (printed first;
    # repeat with its third argument): which side's executor ends by
    # bcsc_executor_cleanup() and every script then vary from commit to
    # commit, where clang's run keeps the default seed as a fixed baseline.
    local args
    for d in stress_waker stress_remote; do
      args=()
      [ "$d" = stress_remote ] && [ "$cc" = gcc ] && args=(20000 20000 "$(commit_seed)")
      "$cc" "${flags[@]}" "tests/stress/$d.c" "$out/libbcsc_tsan.a" -o "$out/$d"
      TSAN_OPTIONS="halt_on_error=1:exitcode=66:second_deadlock_stack=1" "$out/$d" "${args[@]}"
    done
  done
}

lane_freestanding() {
  preset_lane freestanding
  local arch
  for arch in aarch64 armhf; do
    cmake -S . -B "build/freestanding-$arch" -G Ninja "${fresh[@]}" \
      --toolchain "$root/cmake/toolchains/$arch-linux-gnu.cmake" \
      -DCMAKE_BUILD_TYPE=Release -DBCSC_FREESTANDING=ON -DBCSC_CHECKED=ON >/dev/null
    cmake --build "build/freestanding-$arch" -j"$jobs"
    (cd "build/freestanding-$arch" && ctest --output-on-failure -V | grep -E '^[0-9]+: check_core_symbols|tests passed')
  done
}

lane_stack_usage() {
  bash scripts/check-stack-usage.sh
}

# A build of the suites alone (static, no benchmarks, examples, header
# checks or install) on tests/support/criterion_shim's fork-per-test
# runner: the qemu lane's (no Criterion for armhf) and the valgrind lane's
# (no exec per test, D85).
shim_suites_only=(-DBCSC_BUILD_SHARED=OFF -DBCSC_BUILD_BENCH=OFF
  -DBCSC_BUILD_EXAMPLES=OFF -DBCSC_HEADER_CHECK=OFF -DBCSC_INSTALL=OFF
  -DBCSC_TEST_CRITERION_SHIM=ON)

lane_valgrind() {
  # memcheck catches reads of uninitialised memory, which ASan does not: the
  # claim that _init never reads what it initialises (docs/decisions.md D4)
  # rests on this lane. The checked build, so the canary paths run too; the
  # random-model suites with fewer operations, as memcheck is ~30x slower
  # (the fuzz lane runs the API fuzzer's walk under memcheck).
  # The suites are built against tests/support/criterion_shim, whose runner
  # forks each test without an exec: Criterion execs a fresh worker per
  # test, and valgrind's start-up (about 1.1 s of CPU) then came once per
  # test, ~900 times: the lane took 958 s of which the tests' own work was
  # under 100 s (D85). The shim runs the same test functions.
  command -v valgrind >/dev/null 2>&1 || { echo "valgrind: not installed"; exit 1; }
  local dir=build/valgrind shim=tests/support/criterion_shim
  cmake -S . -B "$dir" -G Ninja "${fresh[@]}" -DCMAKE_BUILD_TYPE=Debug \
    "${shim_suites_only[@]}" >/dev/null
  cmake --build "$dir" -j"$jobs"
  # A valgrind error makes the test's process exit with 99, which the shim
  # reports as that test's failure; a test that must die by a signal
  # cannot exit with it, so the markers around each report are looked for
  # too.
  local vg=(valgrind -q --trace-children=yes --leak-check=no --error-exitcode=99
            --error-markers=VGERROR_BEGIN,VGERROR_END)
  local t t0 failed=0 log neg=$dir/negative_valgrind_uninit
  # The control runs through the same runner as the suites.
  cc -std=c11 -g -O0 -I"$shim" tests/negative/valgrind_uninit.c "$shim/criterion_shim.c" -o "$neg"
  "${vg[@]}" "$neg" >"$neg.log" 2>&1 || true
  if ! grep -q VGERROR_BEGIN "$neg.log" || ! grep -q '^\[FAIL\]' "$neg.log"; then
    echo "valgrind: the negative control was NOT caught: this lane detects nothing"
    exit 1
  fi
  echo "valgrind: negative control caught (a planted uninitialised read)"
  for t in "$dir"/tests/test_*; do
    [ -x "$t" ] && [[ "$t" != *.log ]] || continue
    # memcheck does not model io_uring: the kernel reads the submissions
    # and writes completions and buffers behind its back, and a blocking
    # io_uring_enter() keeps valgrind's lock, so the unpark tests hang (D73).
    # The suite runs natively in debug and release and under ASan+UBSan.
    if [ "$(basename "$t")" = test_reactor_uring ]; then
      echo "valgrind: test_reactor_uring not run under memcheck (D73); asan-clang runs it"
      continue
    fi
    log="$t.valgrind.log"
    t0=$SECONDS
    if BCSC_MODEL_OPS=100000 "${vg[@]}" "$t" >"$log" 2>&1 &&
       ! grep -q VGERROR_BEGIN "$log"; then
      echo "valgrind: $(basename "$t") clean, $(grep -o 'Tested: [0-9]*' "$log") ($((SECONDS - t0)) s)"
    else
      echo "valgrind: $(basename "$t") FAILED:"
      grep '^\[FAIL\]' "$log" || true
      grep -A25 -m3 VGERROR_BEGIN "$log" || tail -30 "$log"
      failed=1
    fi
  done
  [ "$failed" -eq 0 ]
}

# A seed from the commit: the first 15 hex digits of HEAD (so every commit
# walks somewhere new, and the same commit walks the same way again).
commit_seed() {
  local head
  head=$(git rev-parse HEAD 2>/dev/null || echo 0)
  printf '%llu' "0x${head:0:15}"
}

lane_fuzz() {
  export ASAN_OPTIONS="$ASAN_OPTIONS_BCSC"
  export UBSAN_OPTIONS="$UBSAN_OPTIONS_BCSC"
  local seed walk_ops=250000 seeds secs=${BCSC_FUZZ_SECONDS:-60} t0
  seed=$(commit_seed)
  seeds="0x5eed2024 1 0xbc5c $seed"
  echo "fuzz: seeds $seeds (the last one is from the commit)"

  # 1. Seeded walks under ASan + UBSan: 4 x 250,000 operations.
  t0=$SECONDS
  [ -x build/asan-clang/tests/fuzz_walk ] || {
    cmake --preset asan-clang "${fresh[@]}"
    cmake --build --preset asan-clang -j"$jobs" --target fuzz_walk
  }
  # shellcheck disable=SC2086
  build/asan-clang/tests/fuzz_walk --ops "$walk_ops" $seeds
  echo "fuzz: ASan+UBSan walks: $((4 * walk_ops)) operations, 0 divergences ($((SECONDS - t0))s)"

  # 2. 10^5 operations under valgrind memcheck (a plain C driver, so
  # --error-exitcode reaches us).
  t0=$SECONDS
  command -v valgrind >/dev/null 2>&1 || { echo "fuzz: valgrind not installed"; exit 1; }
  [ -x build/debug/tests/fuzz_walk ] || {
    cmake --preset debug "${fresh[@]}"
    cmake --build --preset debug -j"$jobs" --target fuzz_walk
  }
  valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite \
    build/debug/tests/fuzz_walk --ops 100000 --quiet "$seed"
  echo "fuzz: valgrind memcheck walk: 100000 operations, 0 errors ($((SECONDS - t0))s)"

  # 3. libFuzzer: the same harness, coverage-guided. The whole tree is
  # instrumented (-fsanitize=fuzzer-no-link) so the library guides it too.
  t0=$SECONDS
  local fz=build/libfuzzer work=build/fuzz-work
  cmake -S . -B "$fz" -G Ninja "${fresh[@]}" -DCMAKE_C_COMPILER=clang \
    -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=Debug -DBCSC_SANITIZE=ON \
    -DBCSC_LIBFUZZER=ON -DCMAKE_C_FLAGS=-fsanitize=fuzzer-no-link \
    -DBCSC_BUILD_TESTS=OFF -DBCSC_BUILD_BENCH=OFF -DBCSC_BUILD_EXAMPLES=OFF \
    -DBCSC_BUILD_SHARED=OFF -DBCSC_HEADER_CHECK=OFF -DBCSC_CHECK_SYMBOLS=OFF \
    -DBCSC_INSTALL=OFF >/dev/null
  cmake --build "$fz" -j"$jobs" --target fuzz_libfuzzer
  rm -rf "$work"
  mkdir -p "$work/corpus"
  echo "fuzz: replaying $(find tests/fuzz/corpus -type f | wc -l) corpus inputs"
  "$fz/fuzz_libfuzzer" -runs=0 -artifact_prefix="$work/" tests/fuzz/corpus \
    2>"$work/replay.log" || { tail -40 "$work/replay.log"; exit 1; }
  tail -1 "$work/replay.log"
  "$fz/fuzz_libfuzzer" -max_total_time="$secs" -seed=$((seed % 4294967295 + 1)) \
    -max_len=4096 -timeout=20 -print_final_stats=1 -artifact_prefix="$work/" \
    "$work/corpus" tests/fuzz/corpus 2>"$work/fresh.log" ||
    { tail -60 "$work/fresh.log"; echo "fuzz: libFuzzer found a crash (input in $work/)"; exit 1; }
  grep -E '^stat::(number_of_executed_units|new_units_added)' "$work/fresh.log" || true
  if compgen -G "$work/crash-*" >/dev/null || compgen -G "$work/leak-*" >/dev/null ||
     compgen -G "$work/timeout-*" >/dev/null; then
    echo "fuzz: libFuzzer left a crash/leak/timeout input in $work/"; exit 1
  fi
  echo "fuzz: libFuzzer: corpus replayed and ${secs}s fresh run, 0 crashes ($((SECONDS - t0))s)"
}

lane_coverage() {
  local gcovr=(python3 -m gcovr) cov=build/coverage floor=tests/coverage-floor.txt
  "${gcovr[@]}" --version >/dev/null 2>&1 || { echo "coverage: gcovr missing (scripts/install-test-deps.sh)"; exit 1; }
  cmake -S . -B "$cov" -G Ninja "${fresh[@]}" -DCMAKE_BUILD_TYPE=Debug \
    "-DCMAKE_C_FLAGS=--coverage -fprofile-update=atomic -DBCSC_COVERAGE_BUILD=1" \
    "-DCMAKE_EXE_LINKER_FLAGS=--coverage -Wl,-u,__gcov_dump" \
    -DBCSC_BUILD_BENCH=OFF -DBCSC_BUILD_EXAMPLES=OFF -DBCSC_HEADER_CHECK=OFF \
    -DBCSC_BUILD_SHARED=OFF -DBCSC_INSTALL=OFF -DBCSC_CHECK_SYMBOLS=OFF \
    -DBCSC_CODE_REACH=ON >/dev/null
  # (-u: the default misuse handler calls gcov's __gcov_dump() before its
  # abort() - a weak reference, which alone would not pull it out of
  # libgcov.a - so that the death tests' children count.)
  cmake --build "$cov" -j"$jobs"
  find "$cov" -name '*.gcda' -delete
  # The Criterion suites note each error code a public function answers
  # (BCSC_CODE_REACH: tests/python/codereach.py); checked after the run.
  rm -f "$cov/codereach/answers.txt"
  export BCSC_CODEREACH="$root/$cov/codereach/answers.txt"
  # The unit suites, the fault suite and the fuzzer's fixed seeds; the
  # random-model suites at 300,000 operations (3 x 10^6 for test_wheel is
  # slow without optimisation and adds no line).
  # Not the multi-threaded stress drivers: which racy branch they reach
  # varies from run to run, and a floor needs a repeatable figure.
  BCSC_MODEL_OPS=300000 ctest --test-dir "$cov" --output-on-failure -j"$jobs" \
    -LE stress
  local summary lines branches want_lines want_branches
  summary=$("${gcovr[@]}" -r . --filter 'libbcsc/src/[a-z_]+\.[ch]$' \
    --print-summary -o "$cov/core-coverage.txt" \
    "$cov/CMakeFiles/bcsc_core_objects.dir")
  echo "$summary"
  echo "coverage: per-file lines missed in $cov/core-coverage.txt:"
  awk '/^libbcsc/ && $4 != "100%"' "$cov/core-coverage.txt" || true
  lines=$(sed -n 's/^lines: \([0-9.]*\)%.*/\1/p' <<<"$summary")
  branches=$(sed -n 's/^branches: \([0-9.]*\)%.*/\1/p' <<<"$summary")
  want_lines=$(awk '$1 == "lines" { print $2 }' "$floor")
  want_branches=$(awk '$1 == "branches" { print $2 }' "$floor")
  echo "coverage: core lines $lines% (floor $want_lines%), branches $branches% (floor $want_branches%)"
  if awk -v a="$lines" -v b="$want_lines" -v c="$branches" -v d="$want_branches" \
       'BEGIN { exit !(a + 0 < b + 0 || c + 0 < d + 0) }'; then
    echo "coverage: BELOW THE FLOOR: a change removed tested code or left new code untested"
    exit 1
  fi
  if [ "${BCSC_COVERAGE_UPDATE:-0}" = 1 ]; then
    sed -i -e "s/^lines .*/lines $lines/" -e "s/^branches .*/branches $branches/" "$floor"
    echo "coverage: $floor raised to lines $lines, branches $branches"
  elif awk -v a="$lines" -v b="$want_lines" -v c="$branches" -v d="$want_branches" \
       'BEGIN { exit !(a + 0 > b + 0 || c + 0 > d + 0) }'; then
    echo "coverage: above the floor; raise it: BCSC_COVERAGE_UPDATE=1 scripts/test.sh --lanes coverage"
  fi
  # Every code a header documents on a function's own lines is answered by
  # that function in some Criterion test, or listed in
  # tests/codes-not-reached.txt with the reason.
  python3 tests/python/codereach.py check "$cov/codereach"
}

lane_install() {
  [ -d build/release ] || { echo "install: build/release missing (release lane failed?)"; exit 1; }
  local stage=build/stage out=build/install-consumer
  rm -rf "$stage" "$out" "$out-cxx"
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
  # ... from a C++-only project
  cmake -S tests/install_consumer_cxx -B "$out-cxx" -G Ninja \
    -DCMAKE_PREFIX_PATH="$root/$stage" -DCMAKE_BUILD_TYPE=Release
  cmake --build "$out-cxx" -j"$jobs"
  "$out-cxx/consumer_cxx"
  "$out-cxx/consumer_cxx_static"

  # pkg-config
  local pcdir
  pcdir=$(dirname "$(find "$stage" -name bcsc.pc | head -n1)")
  local flags
  flags=$(PKG_CONFIG_PATH="$root/$pcdir" pkg-config --cflags --libs bcsc)
  echo "install: pkg-config --cflags --libs bcsc: $flags"
  # shellcheck disable=SC2086
  cc -std=c11 -Wall -Wextra -Werror -o "$out/consumer_pc" tests/install_consumer/main.c $flags
  LD_LIBRARY_PATH="$root/$(dirname "$so")" "$out/consumer_pc"
  # shellcheck disable=SC2086
  c++ -std=c++17 -Wall -Wextra -Werror -o "$out/consumer_cxx_pc" tests/install_consumer_cxx/main.cpp $flags
  LD_LIBRARY_PATH="$root/$(dirname "$so")" "$out/consumer_cxx_pc"
  echo "install: consumers built with find_package and pkg-config run OK"
}

lane_abi_parsers() {
  [ -f scripts/check-abi-parsers.sh ] || skip "no scripts/check-abi-parsers.sh"
  # cargo test of bcsc-sys runs in the rust lane; do not build it twice.
  bash scripts/check-abi-parsers.sh --no-cargo
}

lane_python() {
  python3 -c 'import pytest, cffi, pycparser' 2>/dev/null || {
    echo "python: needs python3 with pytest, cffi and pycparser (scripts/install-test-deps.sh)"
    exit 1
  }
  local preset
  for preset in release debug; do
    # The library alone: run by itself (--lanes python) the lane must not
    # test a stale one, and in a full run the debug and release lanes have
    # built it already (a no-op here).
    [ -f "build/$preset/build.ninja" ] || cmake --preset "$preset" "${fresh[@]}" >/dev/null
    cmake --build --preset "$preset" -j"$jobs" --target bcsc_shared
    BCSC_LIB="build/$preset/libbcsc.so" python3 -m pytest -p no:cacheprovider tests/python
  done
}

# The model-based fuzzer's plain-C driver, for QEMU_FUZZ_CALLS operations
# on its default seeds (printed; `fuzz_walk --ops N SEED` reruns one).
QEMU_FUZZ_PROGRAM=tests/fuzz_walk
QEMU_FUZZ_CALLS=100000

lane_qemu() {
  local arch emulator dir
  for arch in aarch64 armhf; do
    emulator=qemu-$arch
    [ "$arch" = armhf ] && emulator=qemu-arm
    command -v "$emulator" >/dev/null 2>&1 ||
      { echo "qemu: $emulator not found (scripts/install-test-deps.sh installs qemu-user)"; exit 1; }
    dir=build/qemu-$arch
    local start=$SECONDS
    cmake -S . -B "$dir" -G Ninja "${fresh[@]}" \
      --toolchain "$root/cmake/toolchains/$arch-linux-gnu.cmake" \
      -DCMAKE_BUILD_TYPE=Release -DBCSC_CHECKED=ON "${shim_suites_only[@]}" >/dev/null
    cmake --build "$dir" -j"$jobs"
    # ctest runs each program through $emulator (CMAKE_CROSSCOMPILING_EMULATOR).
    # Not the thread stress drivers: qemu-user emulates each atomic and
    # does not reorder like ARM hardware, so they time out and prove
    # nothing there (reliability.md); the x86 lanes run them. Nor the
    # io_uring suite: qemu-user answers io_uring_setup() with ENOSYS (D73);
    # the reactor is still compiled for both targets.
    (cd "$dir" && ctest -j"$jobs" --output-on-failure --timeout 300 -LE stress \
       -E "^($(basename "$QEMU_FUZZ_PROGRAM")|test_reactor_uring)\$")
    echo "qemu: $arch test_reactor_uring built, not run (no io_uring in qemu-user, D73)"
    echo "qemu: $arch model-based fuzzer: $QEMU_FUZZ_PROGRAM, $QEMU_FUZZ_CALLS operations"
    "$emulator" "$dir/$QEMU_FUZZ_PROGRAM" --quiet --ops "$QEMU_FUZZ_CALLS"
    echo "qemu: $arch done in $((SECONDS - start))s"
  done
}

lane_abi_baseline() {
  bash scripts/update-abi-baseline.sh --check
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

lane_doc_snippets() {
  bash scripts/check-doc-snippets.sh
}

lane_proofs() {
  [ -x scripts/prove.sh ] || skip "no scripts/prove.sh"
  # Side by side: one cbmc while group 1 runs on the other core, two once
  # it has ended (the proofs are most of group 2; CI ends when both do).
  local join=()
  [ "$serial" -eq 1 ] || join=(--join-after "$group_1_done")
  scripts/prove.sh --jobs 2 "${join[@]}"
}

lane_rust() {
  [ -d bindings/rust/bcsc-sys ] || skip "no bindings/rust/bcsc-sys"
  command -v cargo >/dev/null 2>&1 || {
    echo "rust: cargo not found; install Rust (https://rustup.rs) or run scripts/install-test-deps.sh for details"
    exit 1
  }
  (cd bindings/rust/bcsc-sys && cargo test)
  # The peer benchmarks (bench/peers/rust): both builds scripts/bench.sh
  # makes, each run once with tiny counts (--smoke checks every scenario's
  # result), so a broken peer is caught here and not in a bench run. About
  # 35 s from a cold target directory at -j1 (crates already in cargo's
  # cache), a few seconds when built.
  local peers_target="$root/build/peers-rust-ci"
  (cd bench/peers/rust &&
    peers_build "$peers_target" &&
    "$peers_target/release/bench_peers" --smoke --quiet &&
    peers_build "$peers_target" --features embassy-std &&
    "$peers_target/release/bench_peers" --smoke --quiet --only=embassy-std)
}

# cargo build of the peer crate into TARGET.
peers_build() { # target [cargo args...]
  local target=$1; shift
  CARGO_TARGET_DIR="$target" cargo build --release --locked -j"$jobs" "$@"
}

group_1() {
  run_lane format       lane_format
  run_lane doc-snippets lane_doc_snippets
  run_lane debug        lane_debug
  run_lane release      lane_release
  run_lane install      lane_install
  run_lane abi-parsers  lane_abi_parsers
  run_lane python       lane_python
  run_lane abi-baseline lane_abi_baseline
  run_lane rust         lane_rust
  run_lane valgrind     lane_valgrind
  run_lane tsan         lane_tsan
  run_lane coverage     lane_coverage
  run_lane qemu         lane_qemu
  run_lane asan-clang   lane_asan_clang
  run_lane fuzz         lane_fuzz
  touch "$group_1_done"
}

group_2() {
  run_lane freestanding lane_freestanding
  run_lane stack-usage  lane_stack_usage
  run_lane proofs       lane_proofs
}

all_lanes=(format doc-snippets debug release asan-clang tsan freestanding
           stack-usage valgrind fuzz coverage install qemu abi-parsers
           python abi-baseline rust proofs)
start_all=$SECONDS
if [ "$serial" -eq 1 ]; then
  group_1
  group_2
else
  echo "test.sh: two lane groups side by side; logs in build/lane-logs/"
  group_1 & pid1=$!
  group_2 & pid2=$!
  wait "$pid1" || true
  wait "$pid2" || true
fi

any_failed=0
for lane in "${all_lanes[@]}"; do
  if [ -f "$logs/$lane.result" ] && grep -q ' FAIL ' "$logs/$lane.result" &&
     [ "$serial" -eq 0 ] && [ -f "$logs/$lane.log" ]; then
    echo
    echo "=================== log of the failed lane $lane ==================="
    cat "$logs/$lane.log"
  fi
done
echo
echo "=================== summary ==================="
for lane in "${all_lanes[@]}"; do
  if [ -f "$logs/$lane.result" ]; then
    cat "$logs/$lane.result"
    grep -q ' FAIL ' "$logs/$lane.result" && any_failed=1
  else
    printf '%-13s FAIL  (no result: its group stopped)\n' "$lane"
    any_failed=1
  fi
done
echo "wall time: $((SECONDS - start_all))s"
if [ "$any_failed" -ne 0 ]; then
  echo "RESULT: FAIL"
  exit 1
fi
echo "RESULT: PASS"
