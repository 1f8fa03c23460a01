#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The public header goes through pycparser and cffi as it is, and cffi
then lays the structs out exactly as the C compiler and the library do.

    python3 tests/abi/cffi_parse.py [--lib PATH]...

Checks, each printed as one line:
  1. pycparser parses the preprocessed header (see abi_common.py for the
     preprocessing) and finds the public structs and functions (and so does
     each abi/include/bcsc/*.h alone, with cdef() too);
  2. cffi.FFI().cdef() accepts the same text, plus the header's integer
     macros as `#define NAME VALUE` lines;
  3. ffi.sizeof / ffi.alignof / ffi.offsetof of every public struct, union
     and field equal what the C compiler computes (the dump program of
     abi_common.py, compiled with $CC or cc);
  4. against a libbcsc.so built here from the current sources (and every
     --lib given, e.g. the installed one): every declared function resolves,
     bcsc_<object>_sizeof()/_alignof() equal cffi's, bcsc_abi_check() with
     cffi's sizes returns 0, and a task whose poll function is a Python
     callback runs to completion on an executor in cffi-owned memory.

This is cffi's ABI mode (ffi.dlopen). An out-of-line API-mode build
(ffi.set_source + compile) would add a C compiler's view of the same cdef;
check 3 already compares against the C compiler, so it is not done here.

Exit status 0 when everything agrees. Prints "N passed, N failed".
"""

import argparse
import os
import shutil
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import abi_common as abi  # noqa: E402

import cffi  # noqa: E402


class Checks:
    def __init__(self):
        self.passed = 0
        self.failed = 0

    def check(self, ok, name, detail=""):
        if ok:
            self.passed += 1
            print("  ok    %s" % name)
        else:
            self.failed += 1
            print("  FAIL  %s%s" % (name, (": " + detail) if detail else ""))
        return ok

    def finish(self):
        """Print the tally; the exit status: 0 when nothing failed."""
        print("%d passed, %d failed" % (self.passed, self.failed))
        return 0 if self.failed == 0 else 1


def check_layouts(checks, ffi, records, compiler):
    """cffi's layout of every row against the compiler's."""
    measured = abi.measure(records, compiler)
    mismatches = []
    for tag, field, off, size, align in measured:
        if field.startswith("<"):
            t = "%s %s" % (field.strip("<>"), tag)
            got = (0, ffi.sizeof(t), ffi.alignof(t))
            want = (0, int(size), int(align))
        else:
            kind = next(r.kind for r in records if r.tag == tag)
            t = "%s %s" % (kind, tag)
            ctype = ffi.typeof(t)
            ftype = dict(ctype.fields)[field].type
            got = (ffi.offsetof(t, field), ffi.sizeof(ftype), None)
            want = (int(off), int(size), None)
        if got != want:
            mismatches.append("%s.%s: cffi %r, %s %r" % (tag, field, got, compiler, want))
    checks.check(not mismatches,
                 "cffi sizeof/alignof/offsetof == %s for %d rows (%d types)"
                 % (compiler, len(measured), len(records)),
                 "; ".join(mismatches))


def check_library(checks, ffi, functions, path, name):
    lib = ffi.dlopen(path)

    missing = []
    for fn in functions:
        try:
            getattr(lib, fn)
        except AttributeError:
            missing.append(fn)
    checks.check(not missing, "[%s] all %d declared functions resolve" % (name, len(functions)),
                 "missing: " + ", ".join(missing))

    wrong = []
    for obj in abi.OBJECTS:
        t = "bcsc_%s_t" % obj
        lib_size = getattr(lib, "bcsc_%s_sizeof" % obj)()
        lib_align = getattr(lib, "bcsc_%s_alignof" % obj)()
        if (lib_size, lib_align) != (ffi.sizeof(t), ffi.alignof(t)):
            wrong.append("%s: library %d/%d, cffi %d/%d"
                         % (t, lib_size, lib_align, ffi.sizeof(t), ffi.alignof(t)))
    checks.check(not wrong, "[%s] bcsc_<object>_sizeof/_alignof() == cffi for %s"
                 % (name, ", ".join(abi.OBJECTS)), "; ".join(wrong))

    sizes = [ffi.sizeof("bcsc_%s_t" % obj) for obj in abi.OBJECTS]
    rc = lib.bcsc_abi_check(lib.BCSC_ABI_VERSION, *sizes)
    checks.check(rc == 0, "[%s] bcsc_abi_check(cffi sizes) == 0" % name, "returned %d" % rc)
    rc_bad = lib.bcsc_abi_check(lib.BCSC_ABI_VERSION, sizes[0] + 8, *sizes[1:])
    checks.check(rc_bad == lib.BCSC_EABI, "[%s] bcsc_abi_check(wrong task size) == BCSC_EABI" % name,
                 "returned %d" % rc_bad)
    # BCSC_VERSION_HEX is an expression, which cdef does not take; rebuild it.
    want = (lib.BCSC_VERSION_MAJOR << 16) | (lib.BCSC_VERSION_MINOR << 8) | lib.BCSC_VERSION_PATCH
    checks.check(lib.bcsc_version() == want, "[%s] bcsc_version() == the header's version" % name,
                 "0x%x != 0x%x" % (lib.bcsc_version(), want))

    # A Python poll function on an executor in memory cffi owns (ffi.new
    # memory never moves while referenced): the structs are usable, not
    # just parseable.
    polls = []

    @ffi.callback("int(bcsc_task_t *)", onerror=lambda *exc: polls.append(exc) or lib.BCSC_EPANIC)
    def poll(task):
        polls.append(ffi.cast("uintptr_t", task.data))
        return lib.BCSC_DONE

    ex = ffi.new("bcsc_executor_t *")
    task = ffi.new("bcsc_task_t *")
    steps = [
        ("bcsc_executor_init", lambda: lib.bcsc_executor_init(ex, ffi.NULL), 0),
        ("bcsc_task_init", lambda: lib.bcsc_task_init(task, poll, ffi.cast("void *", 0x5EED)), 0),
        ("bcsc_executor_run", lambda: lib.bcsc_executor_run(ex, task), 0),
        ("bcsc_task_done", lambda: lib.bcsc_task_done(task), 1),
        ("bcsc_executor_deinit", lambda: lib.bcsc_executor_deinit(ex), 0),
    ]
    bad = []
    for step, call, want in steps:
        got = call()
        if got != want:
            bad.append("%s returned %d, expected %d" % (step, got, want))
    if len(polls) != 1 or int(polls[0]) != 0x5EED:
        bad.append("poll callback saw %r, expected one call with data 0x5eed" % (polls,))
    checks.check(not bad, "[%s] Python poll fn runs on a cffi-allocated executor" % name, "; ".join(bad))
    ffi.dlclose(lib)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--lib", action="append", default=[],
                    help="also check this libbcsc.so (repeatable)")
    args = ap.parse_args()
    compiler = abi.cc()
    checks = Checks()

    print("abi: %s %s abi/include/bcsc.h" % (compiler, " ".join(
        f if not f.startswith("-I") else "-Iabi/include" for f in abi.PREPROCESS_FLAGS)))
    text = abi.preprocess(compiler)

    try:
        ast = abi.parse(text)
        parsed = True
    except Exception as e:  # pycparser raises ParseError; report, don't trace
        parsed = False
        checks.check(False, "pycparser parses the preprocessed header", str(e))
    if not parsed:
        return checks.finish()
    records = abi.public_records(ast)
    functions = abi.public_functions(ast)
    checks.check(bool(records) and bool(functions),
                 "pycparser parses the preprocessed header: %d public structs/unions, %d functions"
                 % (len(records), len(functions)))

    macros = abi.integer_macros(compiler)
    ffi = cffi.FFI()
    try:
        ffi.cdef(abi.cdef_text(text, macros))
        cdef_ok = True
    except Exception as e:  # cffi.CDefError and friends
        cdef_ok = False
        checks.check(False, "cffi.FFI().cdef() accepts the preprocessed header", str(e))
    if not cdef_ok:
        return checks.finish()
    checks.check(True, "cffi.FFI().cdef() accepts the preprocessed header + %d integer macros"
                 % len(macros))

    check_layouts(checks, ffi, records, compiler)

    # STYLE.md: each header stands alone, for these parsers too.
    alone = []
    headers = abi.object_headers()
    for h in headers:
        try:
            one = abi.preprocess(compiler, h)
            abi.parse(one)
            cffi.FFI().cdef(one)
        except Exception as e:
            alone.append("%s: %s" % (os.path.relpath(h, abi.ROOT), str(e).splitlines()[0]))
    checks.check(not alone, "each of the %d abi/include/bcsc/*.h alone goes through pycparser and cdef()"
                 % len(headers), "; ".join(alone))

    tmp = tempfile.mkdtemp(prefix="bcsc-cffi-")
    try:
        libs = [(abi.build_shared_library(tmp, compiler), "fresh libbcsc.so")]
        libs += [(os.path.abspath(p), p) for p in args.lib]
        for path, name in libs:
            check_library(checks, ffi, functions, path, name)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return checks.finish()


if __name__ == "__main__":
    sys.exit(main())
