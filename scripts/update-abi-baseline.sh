#!/usr/bin/env bash
# update-abi-baseline.sh - the binary interface of libbcsc.so, pinned:
# abi/baseline/libbcsc.abi (abidw's XML of the shared library's exported
# functions and every type they reach, as declared in abi/include) and
# abi/baseline/version.txt (the version.h it was made from).
#
#   scripts/update-abi-baseline.sh            regenerate the baseline (refuses
#                                             if the ABI changed and version.h
#                                             did not; --force overrides)
#   scripts/update-abi-baseline.sh --check    compare the library built from
#                                             the tree with the baseline (the
#                                             abi-baseline lane of test.sh)
#
# The rule (docs/api-conventions.md, "ABI baseline"): any change abidiff
# reports - a function added or removed, a struct field moved, a size, a
# parameter type - fails --check while abi/include/bcsc/version.h still says
# the version the baseline records. Bump the version (and BCSC_ABI_VERSION
# if the change is incompatible), run this script, and commit the new
# baseline in the same commit as the change.
#
# The library is built from the current sources with -g (abidw reads the
# DWARF), in build/abi-baseline, with the same CMake options as a release
# build otherwise. Needs abigail-tools (abidw, abidiff) and cmake + ninja.
set -euo pipefail

cd "$(dirname "$0")/.."
root=$PWD

mode=update
force=0
case "${1:-}" in
  "") ;;
  --check) mode=check ;;
  --force) force=1 ;;
  -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
  *) echo "update-abi-baseline: unknown argument '$1'" >&2; exit 2 ;;
esac

for tool in abidw abidiff cmake; do
  command -v "$tool" >/dev/null 2>&1 || {
    echo "update-abi-baseline: $tool not found (scripts/install-test-deps.sh installs abigail-tools)" >&2
    exit 1
  }
done

baseline_dir=abi/baseline
baseline=$baseline_dir/libbcsc.abi
version_file=$baseline_dir/version.txt
build=build/abi-baseline

# "<VERSION_STRING> abi <ABI_VERSION>" from version.h.
header_version() {
  local h=abi/include/bcsc/version.h string abi_version
  string=$(sed -n 's/^#define BCSC_VERSION_STRING "\(.*\)"$/\1/p' "$h")
  abi_version=$(sed -n 's/^#define BCSC_ABI_VERSION \([0-9][0-9]*\)$/\1/p' "$h")
  [ -n "$string" ] && [ -n "$abi_version" ] || {
    echo "update-abi-baseline: cannot read the version from $h" >&2
    exit 1
  }
  echo "$string abi $abi_version"
}

cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DBCSC_BUILD_STATIC=OFF -DBCSC_BUILD_TESTS=OFF -DBCSC_BUILD_BENCH=OFF \
  -DBCSC_BUILD_EXAMPLES=OFF -DBCSC_HEADER_CHECK=OFF -DBCSC_CHECK_SYMBOLS=OFF \
  -DBCSC_INSTALL=OFF >/dev/null
# A previous version's library may still be in the build directory: take
# the one named for the version being checked, never whichever comes first.
rm -f "$build"/libbcsc.so.*.*
cmake --build "$build" -j2 --target bcsc_shared >/dev/null
so=$(find "$build" -maxdepth 1 -name 'libbcsc.so.*.*' -type f | head -n1)
[ -n "$so" ] || { echo "update-abi-baseline: no libbcsc.so built in $build" >&2; exit 1; }

# --headers-dir keeps only what abi/include declares; --no-corpus-path and
# --short-locs keep the build directory and line numbers out of the file, so
# that moving a comment in a header does not change the baseline.
abidw_args=(--headers-dir abi/include --drop-private-types --no-corpus-path
            --short-locs --no-comp-dir-path)

now=$(header_version)
if [ "$mode" = update ]; then
  mkdir -p "$baseline_dir"
  # The rule is enforced here too: a baseline that changes must record a
  # new version, or the check would pass a change nobody versioned.
  if [ -f "$baseline" ] && [ -f "$version_file" ] && [ "$force" -eq 0 ] &&
     [ "$(grep -v '^#' "$version_file" | head -n1)" = "$now" ]; then
    abidw "${abidw_args[@]}" --out-file "$build/new.abi" "$so"
    if ! abidiff "$baseline" "$build/new.abi" >"$build/abidiff.txt" 2>&1; then
      cat "$build/abidiff.txt"
      echo "update-abi-baseline: the ABI changed but version.h still says $now:" >&2
      echo "  bump BCSC_VERSION_* (and BCSC_ABI_VERSION if incompatible) first" >&2
      echo "  (--force writes the baseline anyway)." >&2
      exit 1
    fi
  fi
  abidw "${abidw_args[@]}" --out-file "$baseline" "$so"
  {
    echo "# The version.h that abi/baseline/libbcsc.abi was made from, by"
    echo "# scripts/update-abi-baseline.sh. Do not edit."
    echo "$now"
  } >"$version_file"
  echo "update-abi-baseline: wrote $baseline ($(grep -c '<elf-symbol ' "$baseline") symbols) for $now"
  exit 0
fi

[ -f "$baseline" ] && [ -f "$version_file" ] || {
  echo "abi-baseline: no baseline; run scripts/update-abi-baseline.sh and commit abi/baseline/" >&2
  exit 1
}
recorded=$(grep -v '^#' "$version_file" | head -n1)
current=$build/current.abi
abidw "${abidw_args[@]}" --out-file "$current" "$so"
set +e
# Exit status is a bit mask: 1 error, 2 usage, 4 ABI change, 8 incompatible
# change. An added function is a change (4) too.
abidiff "$baseline" "$current" >"$build/abidiff.txt" 2>&1
rc=$?
set -e
if [ "$rc" -eq 0 ]; then
  echo "abi-baseline: libbcsc.so matches abi/baseline ($recorded): no change"
  exit 0
fi
cat "$build/abidiff.txt"
if [ "$rc" -ge 1 ] && [ $((rc & 3)) -ne 0 ]; then
  echo "abi-baseline: abidiff failed to run (exit $rc)" >&2
  exit 1
fi
if [ "$now" = "$recorded" ]; then
  echo "abi-baseline: FAIL: the ABI changed (abidiff exit $rc) but version.h still says $now."
  echo "  Bump BCSC_VERSION_* (and BCSC_ABI_VERSION if the change is incompatible)"
  echo "  in abi/include/bcsc/version.h, run scripts/update-abi-baseline.sh and"
  echo "  commit abi/baseline/ with the change (docs/api-conventions.md)."
  exit 1
fi
echo "abi-baseline: the ABI changed and version.h moved from $recorded to $now:"
echo "  allowed; refresh the baseline in this commit (scripts/update-abi-baseline.sh)."
