#!/usr/bin/env bash
# mutate.sh - mutation testing of the core (on demand, not CI): source-level
# mutants of libbcsc/src/*.c, of the core's own headers libbcsc/src/*.h
# (internal.h, list.h, inbox.h, relay.h, macro bodies included) and of the
# shipped reactors libbcsc/src/reactors/* (not hosted/), each built into a
# scratch copy of the tree and run
# against the Criterion suites, the model-based fuzzer's seeded walk and the
# stress drivers. A mutant that
# makes a test fail is killed, one that makes a test hang past --timeout is
# a timeout (detected too), one that passes everything survived; one that
# does not compile, or compiles to the very object code of the unmutated
# core (a change the preprocessor or the compiler throws away), is invalid
# and left out of the score. See docs/testing.md#mutation-testing.
#
#   scripts/mutate.sh [--preset debug|release] [--release-only]
#                     [--sample N] [--seed S] [--file F[,F]] [--ops OP[,OP]]
#                     [--ids FILE | --survivors [TSV]] [--timeout SEC]
#                     [--tests REGEX] [--out DIR] [--min-score P] [--list]
#   scripts/mutate.sh --smoke
#
#   --preset P    the build the mutants go into: debug (default: checked,
#                 BCSC_CHECKED=1) or release (Release, unchecked: the
#                 release lane's build, whose Criterion suites, fuzz walk
#                 and stress drivers it runs the same way); release's
#                 scratch tree and report default to build/mutation-release
#   --release-only  only the mutants in code compiled only when
#                 BCSC__CHECKED is 0: the #else of "#if BCSC__CHECKED" (or
#                 of "#if defined(BCSC_CHECKED) && BCSC_CHECKED"), the #if
#                 of "#if !BCSC__CHECKED", the else arm of "if
#                 (BCSC__CHECKED)", the then arm of "if (!BCSC__CHECKED)"
#                 (83 mutants at the time of writing; implies --preset
#                 release, in debug they are all same-object)
#   --sample N    how many mutants, sampled from the full list (default 300;
#                 0 = all of them, about 8,200: some 18 hours)
#   --seed S      sampling seed (default 1): same tree + seed + N, same mutants
#   --file F      only these files (wait.c,scope.c; internal.h; epoll.c or
#                 reactors/epoll.c)
#   --ops OP      only these operators: ror lcr aor crp neg sdl rvr
#                 (scripts/mutate.py says what each one does)
#   --ids FILE    exactly the mutants whose ids start the lines of FILE
#                 (a report.tsv works)
#   --survivors [TSV]  again the mutants that survived in TSV (default
#                 build/mutation/report.tsv, build/mutation-release/ for
#                 --preset release); report in its rerun/
#   --timeout SEC per-test timeout (default 20; the slowest suite takes
#                 2-4 s). The script runs ctest's tests itself: ctest's own
#                 --timeout does not override a test's TIMEOUT property
#   --tests REGEX only the ctest tests matching REGEX
#   --out DIR     where the report goes (default build/mutation)
#   --work DIR    where the scratch tree and its build live (default
#                 build/mutation; another one lets two runs go side by side)
#   --min-score P exit 1 if the score is below P percent
#   --list        print the selected mutants and stop
#   --smoke       3 relational-operator mutants of barrier.c against
#                 test_barrier, all of which must be killed (exit 1 if one
#                 survives or is invalid): the whole pipeline in well
#                 under a minute, building only the core and test_barrier,
#                 in build/mutation-smoke (its own scratch tree, so it can
#                 run beside a long run; the debug lane of scripts/test.sh
#                 runs it)
#
# Output: DIR/report.tsv (one line per mutant: id, file, line, operator,
# status, the first failing test or why it is invalid, seconds, the
# original and mutated code), DIR/survivors/<id>.diff for each survivor,
# DIR/logs/<id>.log for every mutant (build output, the end of the output
# of a test that failed), and the last line, also in DIR/summary.txt:
#   MUTATION killed=K survived=S timeout=T invalid=I score=P%
# where score = (K + T) / (K + S + T).
#
# The scratch tree is build/mutation/tree (the files git lists, untracked
# work included, mirrored on every run); its build is build/mutation/build
# (--work moves both; build/mutation-release/ for --preset release): the
# debug preset (checked, gcc), or release, without the shared library,
# benchmarks and examples, kept between runs so that a mutant only
# recompiles the core and relinks the tests. The real sources are never
# written.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

usage() { awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; }

sel=() sample=300 seed=1 timeout=20 tests= out= min_score= list=0 smoke=0
survivors= work= targets=() preset=debug release_only=0
while [ $# -gt 0 ]; do
  case "$1" in
    --preset) preset=$2; shift ;;
    --release-only) sel+=(--release-only) release_only=1 ;;
    --sample) sample=$2; shift ;;
    --seed) seed=$2; shift ;;
    --file) sel+=(--file "$2"); shift ;;
    --ops) sel+=(--ops "$2"); shift ;;
    --ids) sel+=(--ids "$(realpath "$2")"); shift ;;
    --survivors)
      survivors=default
      if [ $# -gt 1 ] && [ "${2#--}" = "$2" ]; then survivors=$2; shift; fi ;;
    --timeout) timeout=$2; shift ;;
    --tests) tests=$2; shift ;;
    --out) out=$2; shift ;;
    --work) work=$2; shift ;;
    --min-score) min_score=$2; shift ;;
    --list) list=1 ;;
    --smoke) smoke=1 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "mutate.sh: unknown argument '$1'" >&2; usage >&2; exit 2 ;;
  esac
  shift
done

# Debug compiles none of the release-only code: every such mutant would be
# same-object there.
[ "$release_only" -eq 0 ] || preset=release
if [ "$smoke" -eq 1 ]; then
  sel=(--file barrier.c --ops ror) sample=3 seed=1 tests='^test_barrier$'
  preset=debug
  min_score=100 targets=(test_barrier)
  work=${work:-build/mutation-smoke}
  out=${out:-$work}
fi
case "$preset" in
  debug) home=build/mutation ;;
  release) home=build/mutation-release ;;
  *) echo "mutate.sh: --preset is debug or release, not '$preset'" >&2; exit 2 ;;
esac
work=${work:-$home}
if [ -n "$survivors" ]; then
  [ "$survivors" != default ] || survivors=$home/report.tsv
  [ -f "$survivors" ] || { echo "mutate.sh: no report $survivors" >&2; exit 2; }
  ids=$home/survivors.ids
  mkdir -p "$home"
  awk -F'\t' 'NR > 1 && $5 == "survived" { print $1 }' "$survivors" >"$ids"
  if [ ! -s "$ids" ]; then
    echo "mutate.sh: no survivor in $survivors"
    exit 0
  fi
  sel+=(--ids "$root/$ids")
  out=${out:-$home/rerun}
fi
out=${out:-$home}
sel+=(--sample "$sample" --seed "$seed")

if [ "$list" -eq 1 ]; then
  exec python3 scripts/mutate.py list "${sel[@]}"
fi

unset CC CXX
tree=$work/tree
bdir=$(realpath -m "$work/build")
start=$SECONDS
python3 scripts/mutate.py sync . "$tree"
# The preset, configured from the scratch tree into its own build dir.
(cd "$tree" && cmake --preset "$preset" -B "$bdir" -DBCSC_BUILD_SHARED=OFF \
  -DBCSC_BUILD_BENCH=OFF -DBCSC_BUILD_EXAMPLES=OFF -DBCSC_HEADER_CHECK=OFF \
  -DBCSC_CHECK_SYMBOLS=OFF -DBCSC_INSTALL=OFF >/dev/null)
cmake --build "$bdir" -j2 ${targets[@]+--target "${targets[@]}"} >/dev/null
echo "mutate: setup took $((SECONDS - start)) s"

run=(python3 scripts/mutate.py run --tree "$tree" --build "$bdir" --out "$out"
  --timeout "$timeout" "${sel[@]}")
[ -z "$tests" ] || run+=(--tests "$tests")
[ -z "$min_score" ] || run+=(--min-score "$min_score")
for t in ${targets[@]+"${targets[@]}"}; do run+=(--target "$t"); done
rc=0
"${run[@]}" || rc=$?
# The smoke mutants must all be killed: one that no longer compiles (or
# compiles to the same object) would drop out of the score unnoticed.
if [ "$smoke" -eq 1 ] && [ "$rc" -eq 0 ] &&
   ! grep -q ' invalid=0 ' "$out/summary.txt"; then
  echo "mutate: a smoke mutant is invalid: scripts/mutate.sh --smoke must pick 3 that compile"
  rc=1
fi
echo "mutate: $((SECONDS - start)) s in all"
exit $rc
