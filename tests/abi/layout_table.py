#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Pin the layout of every public struct: abi/layout/<arch>.txt.

    python3 tests/abi/layout_table.py            # check (default)
    python3 tests/abi/layout_table.py --update   # regenerate

Targets: the host's own (x86_64 on our machines), measured with $CC or cc;
and, on an x86_64 host, i686, aarch64 and armhf (Debian's cross compilers,
see CROSS below; scripts/install-test-deps.sh installs them), each measured
with a static program of that target, run natively (i686) or under
qemu-user (qemu-aarch64, qemu-arm).

The struct and field list comes from the header itself (pycparser, see
abi_common.py), so a field added to a public struct shows up as a new row
without anyone editing a list. The numbers come from the C compiler.

Check mode, per table:
  - regenerate the rows and compare with the committed file: any layout
    change (a new field, a moved one, a new struct) fails until the table
    is regenerated and the diff reviewed;
  - compile the committed numbers as static asserts with every compiler
    at hand for that target, as C11 (gcc, clang --target) and as C++17
    (g++; the C++ compiler reads the same header and must lay it out the
    same way), compile only, so it works where the program cannot run;
  - the generated block in tests/test_layout.c (the Criterion suite's own
    static asserts) matches the committed tables.
A target whose compiler is missing is reported as skipped, except the
host's, which is required. Prints "N passed, N failed[, N skipped]".
"""

import argparse
import difflib
import os
import platform
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import abi_common as abi  # noqa: E402

LAYOUT_DIR = os.path.join(abi.ROOT, "abi", "layout")
TEST_FILE = os.path.join(abi.ROOT, "tests", "test_layout.c")

# Foreign targets: (table name, GNU triplet, clang --target, qemu-user
# runner or None when the host runs the program itself, Debian packages).
CROSS = [
    ("i686", "i686-linux-gnu", "i686-linux-gnu", None,
     "gcc-i686-linux-gnu g++-i686-linux-gnu libc6-dev-i386-cross"),
    ("aarch64", "aarch64-linux-gnu", "aarch64-linux-gnu", "qemu-aarch64",
     "gcc-aarch64-linux-gnu g++-aarch64-linux-gnu libc6-dev-arm64-cross qemu-user"),
    ("armhf", "arm-linux-gnueabihf", "arm-linux-gnueabihf", "qemu-arm",
     "gcc-arm-linux-gnueabihf g++-arm-linux-gnueabihf libc6-dev-armhf-cross qemu-user"),
]


def host_target():
    machine = platform.machine()
    return {"amd64": "x86_64", "AMD64": "x86_64"}.get(machine, machine)


def targets():
    """[dict(name, cc, flags, static, runner, check, required, missing)]:
    check is [(compiler, flags, lang)], lang "c" or "c++"; the same table
    must hold as C11 and as C++17 (a C++ program reads the same header)."""
    host = host_target()
    cc = abi.cc()
    check_cc = [(cc, [], "c")]
    if shutil.which("clang") and os.path.basename(cc) != "clang":
        check_cc.append(("clang", [], "c"))
    elif shutil.which("gcc") and os.path.basename(cc) != "gcc":
        check_cc.append(("gcc", [], "c"))
    for cxx in ("g++", "clang++"):
        if shutil.which(cxx):
            check_cc.append((cxx, [], "c++"))
    out = [dict(name=host, triplet=host + "-linux-gnu", cc=cc, flags=[], static=False, runner=[], check=check_cc,
                required=True, missing="")]
    if host != "x86_64":
        return out
    for name, triplet, clang_target, runner, packages in CROSS:
        gcc, gxx = triplet + "-gcc", triplet + "-g++"
        missing = [tool for tool in (gcc, gxx, runner) if tool and not shutil.which(tool)]
        check = []
        if shutil.which(gcc):
            check.append((gcc, [], "c"))
            # clang needs the same cross libc headers, which come with gcc's.
            if shutil.which("clang"):
                check.append(("clang", ["--target=" + clang_target], "c"))
        if shutil.which(gxx):
            check.append((gxx, [], "c++"))
        measure_cc = gcc if shutil.which(gcc) and not (runner and not shutil.which(runner)) else None
        out.append(dict(name=name, triplet=triplet, cc=measure_cc, flags=[], static=True,
                        runner=[runner] if runner else [], check=check, required=False,
                        missing="%s not installed (apt-get install %s)" % (" ".join(missing), packages)
                        if missing else ""))
    return out


def macro_name(target):
    return "BCSC_LAYOUT_" + target.upper()


def test_block(rows_by_target):
    """The generated part of tests/test_layout.c: one X-macro per table."""
    out = []
    for target in sorted(rows_by_target):
        rows = rows_by_target[target]
        kinds = {tag: field.strip("<>") for tag, field, _, _, _ in rows if field.startswith("<")}
        lines = ["#define %s(TYPE, FIELD)" % macro_name(target)]
        for tag, field, off, size, align in rows:
            if field.startswith("<"):
                lines.append("  TYPE(%s, %s, %s, %s)" % (kinds[tag], tag, size, align))
            else:
                lines.append("  FIELD(%s, %s, %s, %s, %s)" % (kinds[tag], tag, field, off, size))
        # clang-format's AlignEscapedNewlines: Right puts the backslashes in
        # column 80; do the same so the file stays clang-format clean.
        width = max(79, max(len(line) for line in lines) + 1)
        out.append("/* abi/layout/%s.txt */" % target)
        out.extend(line.ljust(width) + "\\" for line in lines[:-1])
        out.append(lines[-1])
        out.append("")
    return "\n".join(out)


BEGIN = "/* BEGIN GENERATED LAYOUT (scripts/check-abi-parsers.sh --update-layout) */\n"
END = "/* END GENERATED LAYOUT */\n"


def split_test_file():
    with open(TEST_FILE) as fh:
        text = fh.read()
    if BEGIN not in text or END not in text:
        abi.die("%s has no generated-layout markers" % TEST_FILE)
    head, rest = text.split(BEGIN, 1)
    block, tail = rest.split(END, 1)
    return head, block, tail


def table_path(target):
    return os.path.join(LAYOUT_DIR, target + ".txt")


def read_table(target):
    path = table_path(target)
    if not os.path.exists(path):
        return None
    with open(path) as fh:
        return fh.read()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--update", action="store_true", help="regenerate the tables and tests/test_layout.c's block")
    args = ap.parse_args()

    records = abi.public_records(abi.parse(abi.preprocess()))
    passed = failed = skipped = 0

    def report(ok, what, detail=""):
        nonlocal passed, failed
        if ok:
            passed += 1
            print("  ok    " + what)
        else:
            failed += 1
            print("  FAIL  " + what + (("\n" + detail) if detail else ""))

    tables = {}
    for t in targets():
        name = t["name"]
        rows = None
        try:
            if t["cc"] is not None:
                rows = abi.measure(records, t["cc"], t["flags"], static=t["static"],
                                   runner=t["runner"])
        except SystemExit:
            if t["required"]:
                raise
            # An i686 program may not run (no IA32 emulation in the kernel):
            # keep the committed table and rely on the compile-only check.
            rows = None
            skipped += 1
            print("  skip  %s: could not build and run the measuring program" % name)
        fresh = abi.format_table(rows, t["triplet"]) if rows else None

        if args.update:
            if fresh is None:
                if read_table(name) is not None:
                    tables[name] = abi.parse_table(read_table(name))
                continue
            os.makedirs(LAYOUT_DIR, exist_ok=True)
            with open(table_path(name), "w") as fh:
                fh.write(fresh)
            tables[name] = rows
            print("  wrote abi/layout/%s.txt (%d rows)" % (name, len(rows)))
            continue

        committed = read_table(name)
        if committed is None:
            report(False, "abi/layout/%s.txt exists" % name,
                   "        run scripts/check-abi-parsers.sh --update-layout and commit it")
            continue
        committed_rows = abi.parse_table(committed)
        tables[name] = committed_rows
        if rows is not None:
            same = [tuple(r) for r in rows] == committed_rows
            diff = ""
            if not same:
                diff = "".join(difflib.unified_diff(
                    committed.splitlines(True), fresh.splitlines(True),
                    "abi/layout/%s.txt (committed)" % name, "%s (as compiled now)" % name))
                diff += ("        the public layout changed: if intended, run "
                         "scripts/check-abi-parsers.sh --update-layout, bump BCSC_ABI_VERSION "
                         "if the change is incompatible, and commit the new table")
            report(same, "abi/layout/%s.txt == layout compiled by %s (%d rows)"
                   % (name, t["cc"], len(rows)), diff)
        if t["missing"]:
            skipped += 1
            print("  skip  %s%s: %s" % (name, "" if t["check"] else " (all checks)", t["missing"]))
        for compiler, flags, lang in t["check"]:
            ok, output = abi.compile_static_asserts(committed_rows, compiler, flags, lang, records)
            report(ok, "abi/layout/%s.txt holds as %s static asserts under %s"
                   % (name, "C++17" if lang == "c++" else "C11", " ".join([compiler] + flags)),
                   output[-3000:])

    head, block, tail = split_test_file()
    want = test_block(tables)
    if args.update:
        with open(TEST_FILE, "w") as fh:
            fh.write(head + BEGIN + want + END + tail)
        print("  wrote tests/test_layout.c generated block (%s)" % ", ".join(sorted(tables)))
        return 0
    report(block == want, "tests/test_layout.c generated block == abi/layout/*.txt",
           "        run scripts/check-abi-parsers.sh --update-layout")

    line = "%d passed, %d failed" % (passed, failed)
    if skipped:
        line += ", %d skipped" % skipped
    print(line)
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
