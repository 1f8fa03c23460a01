#!/usr/bin/env bash
# check-stack-usage.sh - every core function's stack frame stays under its
# committed ceiling (tests/stack/ceilings.txt), and none is dynamic.
#
#   scripts/check-stack-usage.sh            check (the stack-usage lane)
#   scripts/check-stack-usage.sh --update   rewrite the ceilings from the
#                                           frames measured now (review the
#                                           diff, commit it)
#
# The core (libbcsc/src/*.c, one unity translation unit as the libraries
# build it) is compiled by gcc with -fstack-usage, Release (-O2) with
# BCSC_CHECKED=1 (the checked build's frames are the larger), in
# build/stack-usage. gcc's .su file gives each function's own frame and a
# qualifier:
#   static                  a fixed frame: checked against the ceiling;
#   dynamic[,bounded]       alloca or a VLA: fails, the core has neither.
# A function without a line of its own gets the `*` ceiling.
# gcc's -fcallgraph-info=su call graph of the same compile then goes
# through tests/stack/callgraph.py: a cycle among the core's direct calls
# (recursion) fails, and the deepest chain of frames must stay under the
# `<chain>` ceiling. Indirect calls (poll functions, reactor vtables, the
# misuse handler) leave the core and are not followed. tests/test_stack.c
# checks the same at run time: 10,000 nested scopes in a 64 KiB thread.
#
# --update sets each ceiling to the frame rounded up to 16 bytes plus 32,
# and the chain's to the deepest chain plus 64, so that a small change does
# not churn the file but a frame that doubles fails. Needs gcc (the system cc), cmake and ninja.
set -euo pipefail

cd "$(dirname "$0")/.."

update=0
case "${1:-}" in
  "") ;;
  --update) update=1 ;;
  -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
  *) echo "check-stack-usage: unknown argument '$1'" >&2; exit 2 ;;
esac

build=build/stack-usage
ceilings=tests/stack/ceilings.txt
default_ceiling=256

CC=${BCSC_STACK_CC:-gcc} cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release \
  -DBCSC_CHECKED=ON "-DCMAKE_C_FLAGS=-fstack-usage -fcallgraph-info=su" -DBCSC_BUILD_SHARED=OFF \
  -DBCSC_BUILD_TESTS=OFF -DBCSC_BUILD_BENCH=OFF -DBCSC_BUILD_EXAMPLES=OFF \
  -DBCSC_HEADER_CHECK=OFF -DBCSC_INSTALL=OFF -DBCSC_CHECK_SYMBOLS=OFF >/dev/null
# Always recompile: the .su files are a by-product ninja does not track.
find "$build/CMakeFiles/bcsc_core_objects.dir" \( -name '*.su' -o -name '*.ci' -o -name '*.o' \) -delete 2>/dev/null || true
cmake --build "$build" -j2 --target bcsc_core_objects >/dev/null
mapfile -t su_files < <(find "$build/CMakeFiles/bcsc_core_objects.dir" -name '*.su' | sort)
mapfile -t ci_files < <(find "$build/CMakeFiles/bcsc_core_objects.dir" -name '*.ci' | sort)
[ ${#su_files[@]} -gt 0 ] && [ ${#ci_files[@]} -gt 0 ] || { echo "check-stack-usage: no .su file (is the compiler gcc?)" >&2; exit 1; }

# "function<TAB>bytes<TAB>qualifier<TAB>file:line" for every core function.
measured=$(cat "${su_files[@]}" | awk -F'\t' '{
  n = split($1, loc, ":"); fn = loc[n]; where = loc[1] ":" loc[2]
  sub(".*/libbcsc/", "libbcsc/", where)
  print fn "\t" $2 "\t" $3 "\t" where }' | sort)

if [ "$update" -eq 1 ]; then
  # The chain first, on its own: when the call graph is refused (a
  # recursion), its message must be what is printed, not an arithmetic
  # error over that message.
  if ! chain=$(python3 tests/stack/callgraph.py --print-chain "${ci_files[@]}"); then
    echo "$chain" >&2
    echo "check-stack-usage: ceilings not written" >&2
    exit 1
  fi
  mkdir -p "$(dirname "$ceilings")"
  {
    echo "# Stack frame ceilings of the core's functions, in bytes: gcc -fstack-usage,"
    echo "# -O2, BCSC_CHECKED=1 (scripts/check-stack-usage.sh). A function without"
    echo "# a line gets the '*' ceiling; <chain> bounds the deepest chain of direct"
    echo "# calls. Regenerate with scripts/check-stack-usage.sh --update (frame"
    echo "# rounded up to 16, plus 32; chain plus 64)."
    echo "*	$default_ceiling"
    echo "<chain>	$(( chain + 64 ))"
    echo "$measured" | awk -F'\t' '{ c = int(($2 + 15) / 16) * 16 + 32; print $1 "\t" c }'
  } >"$ceilings"
  echo "check-stack-usage: wrote $ceilings ($(echo "$measured" | wc -l) functions)"
fi

[ -f "$ceilings" ] || { echo "check-stack-usage: no $ceilings; run with --update" >&2; exit 1; }

echo "$measured" | awk -F'\t' -v ceilings="$ceilings" '
  BEGIN {
    while ((getline line < ceilings) > 0) {
      if (line ~ /^#/ || line ~ /^[ \t]*$/) continue
      split(line, f, /[ \t]+/); limit[f[1]] = f[2] + 0
    }
  }
  {
    fn = $1; bytes = $2 + 0; qual = $3; where = $4
    n++; total += bytes; if (bytes > max) { max = bytes; maxfn = fn }
    c = (fn in limit) ? limit[fn] : limit["*"]
    if (qual != "static") {
      printf "check-stack-usage: FAIL: %s (%s) has a %s frame: no alloca or VLA in the core\n", fn, where, qual
      bad++
    } else if (bytes > c) {
      printf "check-stack-usage: FAIL: %s (%s) uses %d bytes, over its ceiling of %d (%s)\n", fn, where, bytes, c, (fn in limit) ? "tests/stack/ceilings.txt" : "the * ceiling"
      bad++
    }
  }
  END {
    if (bad) {
      print "  if the growth is intended, run scripts/check-stack-usage.sh --update and commit the ceilings"
      exit 1
    }
    printf "check-stack-usage: OK: %d core functions, all static frames under their ceilings; largest %s, %d bytes\n", n, maxfn, max
  }'
python3 tests/stack/callgraph.py "$ceilings" "${ci_files[@]}"
