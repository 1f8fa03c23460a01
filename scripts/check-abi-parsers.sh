#!/usr/bin/env bash
# check-abi-parsers.sh - the public header goes through the parsers bindings
# are generated with, as it is, and every public struct keeps its pinned
# layout.
#
#   scripts/check-abi-parsers.sh [--update-layout] [--no-cargo]
#
#   (default)        run every check below; exit non-zero if any fails
#   --update-layout  regenerate abi/layout/<arch>.txt and the generated block
#                    of tests/test_layout.c from the current header, then
#                    run the checks (review and commit the diff)
#   --no-cargo       skip step 3 (scripts/test.sh runs cargo test in its own
#                    `rust` lane too)
#
# Steps:
#   1. tests/abi/cffi_parse.py: pycparser and cffi.FFI().cdef() parse the
#      header after `cc -E -P -std=c11 -D'__attribute__(x)=' -Iabi/include`
#      and nothing else - no stub headers, no edits of the text. That is the
#      standard recipe for real headers in cffi's cdef() and in pycparser:
#      neither runs a preprocessor, and neither knows GNU attributes (ours has
#      one, BCSC_API's visibility; the system's <stddef.h> has another). cffi
#      then lays out every struct and field exactly as the C compiler does,
#      and (ABI mode, ffi.dlopen of a libbcsc.so built from the current
#      sources) agrees with bcsc_<object>_sizeof(), passes bcsc_abi_check()
#      and runs a task whose poll function is a Python callback. Set
#      BCSC_STAGE_PREFIX (scripts/test.sh's install lane does) to also check
#      the installed $BCSC_STAGE_PREFIX/lib*/libbcsc.so.
#   2. tests/abi/layout_table.py: the layout compiled now equals the
#      committed abi/layout/<arch>.txt (x86_64; i686, aarch64 and armhf with
#      Debian's cross compilers, the last two run under qemu-user), the
#      tables hold as static asserts under gcc and clang (C11) and g++
#      (C++17) for each target, and tests/test_layout.c embeds the same
#      numbers.
#   3. cargo test in bindings/rust/bcsc-sys: bindgen reads the header with no
#      blocklist, opaque type or type replacement; its layout assertions are
#      compile-time; the integration test runs Rust tasks on a bcsc executor.
#   4. tests/abi/doc_comments.py: every function the header declares has
#      its doc comment - prose first, then one @thread (any or executor), one
#      @allocates never and one @since no later than the version - and every
#      @p in it names one of its parameters (docs/api-conventions.md).
#   5. tests/abi/swig_check.py: SWIG reads the header through the smallest
#      interface file (`%include <stdint.i>` and `%include "bcsc.h"`, run
#      with -includeall), with no warning but the two it documents, for
#      Python, C#, Go, Java and Lua; the Python module, compiled against a
#      fresh libbcsc.so, has every declared function, macro and
#      enumerator, and drives the library.
#
# Needs: python3 with cffi and pycparser (and Python.h), cc (and clang),
# cargo with libclang for bindgen, swig (scripts/install-test-deps.sh
# installs them).
set -euo pipefail

cd "$(dirname "$0")/.."

usage() { awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; }

update=0
cargo_step=1
while [ $# -gt 0 ]; do
  case "$1" in
    --update-layout) update=1 ;;
    --no-cargo) cargo_step=0 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "check-abi-parsers: unknown argument '$1'" >&2; usage >&2; exit 2 ;;
  esac
  shift
done

if ! command -v cargo >/dev/null 2>&1 && [ -x "$HOME/.cargo/bin/cargo" ]; then
  export PATH="$HOME/.cargo/bin:$PATH"
fi

failed=()
step() {
  local name="$1"
  shift
  echo "== $name"
  if "$@"; then
    echo "== $name: ok"
  else
    echo "== $name: FAILED"
    failed+=("$name")
  fi
}

if [ "$update" -eq 1 ]; then
  python3 tests/abi/layout_table.py --update
fi

lib_args=()
if [ -n "${BCSC_STAGE_PREFIX:-}" ]; then
  for lib in "$BCSC_STAGE_PREFIX"/lib*/libbcsc.so; do
    [ -e "$lib" ] && lib_args+=(--lib "$lib")
  done
fi

step "cffi/pycparser" python3 tests/abi/cffi_parse.py ${lib_args[@]+"${lib_args[@]}"}
step "layout tables" python3 tests/abi/layout_table.py
if [ "$cargo_step" -eq 1 ]; then
  step "bindgen (cargo test)" cargo test --manifest-path bindings/rust/bcsc-sys/Cargo.toml
fi
step "doc comments" python3 tests/abi/doc_comments.py
step "swig" python3 tests/abi/swig_check.py

if [ ${#failed[@]} -ne 0 ]; then
  echo "check-abi-parsers: FAILED: ${failed[*]}"
  exit 1
fi
echo "check-abi-parsers: all checks passed"
